"""Real Markdown documents nobody here wrote, from well-known sdists on PyPI.

READMEs and docs of packages people read every day, chosen for what real articles
carry: emoji, code blocks, GFM tables, raw HTML (centred logos, badges, ``<details>``,
``<sup>``), reference links. Each is read straight out of its sdist, fetched and
sha256-checked once by :mod:`registry` and cached in ``.cache/registry/``; nothing is
committed. ``tests/test_corpus.py`` runs them through the whole workflow.
"""

from __future__ import annotations

import re
import tarfile

try:
    from registry import fetch_sdist
except ImportError:  # imported as tests.real_corpus
    from tests.registry import fetch_sdist

DOCUMENTS: tuple[tuple[str, str, str, str], ...] = (
    # (package, version, member inside the sdist, what it brings)
    ("litestar", "2.25.0", "docs/PYPI_README.md", "emoji, code, tables, raw HTML, reference links"),
    ("sqlmodel", "0.0.50", "README.md", "emoji, code, a table, raw HTML"),
    ("rich", "15.0.0", "README.md", "emoji, code, raw HTML, many scripts"),
    ("httpx", "0.28.1", "README.md", "emoji, code, raw HTML"),
    ("markdown-it-py", "4.3.0", "README.md", "code, raw HTML, reference links"),
    ("black", "26.10.1", "README.md", "code, raw HTML badges"),
)


def slug_of(package: str, member: str) -> str:
    """``litestar-pypi-readme``: a valid article slug for one document."""
    stem = member.rsplit("/", 1)[-1].removesuffix(".md")
    return re.sub(r"[^a-z0-9]+", "-", f"{package}-{stem}".lower()).strip("-")


def read_document(package: str, version: str, member: str) -> str:
    """The Markdown of ``member`` in the sdist of ``package==version`` (fetched if needed)."""
    sdist = fetch_sdist(package, version)
    with tarfile.open(sdist) as archive:
        root = archive.getnames()[0].split("/")[0]
        extracted = archive.extractfile(f"{root}/{member}")
        if extracted is None:
            raise FileNotFoundError(f"{member} not in {sdist.name}")
        return extracted.read().decode("utf-8")


def load_documents() -> list[tuple[str, str]]:
    """(slug, markdown) of every document."""
    return [(slug_of(p, m), read_document(p, v, m)) for p, v, m, _ in DOCUMENTS]


def as_article(slug: str, markdown: str) -> str:
    """The document as a source article: front matter, then the Markdown unchanged."""
    return (
        f'---\ntitle: "{slug} from PyPI"\nauthor: The package authors\ndate: 2021-01-12\n'
        f"slug: {slug}\nlanguage: en\n---\n\n{markdown}"
    )


if __name__ == "__main__":
    for found_slug, text in load_documents():
        print(found_slug, len(text))
