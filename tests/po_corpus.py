"""Real PO catalogs from sdists on PyPI: polib's test files, and ur/fa/si catalogs of big projects.

polib's source distribution on PyPI ships two dozen catalogs (``tests/*.po``,
``tests/*.pot``; MIT): translations taken from Django, GNOME Evolution and Pootle,
and hand-made edge cases (fuzzy and misplaced headers, indented files, BOMs,
trailing comments, odd references, syntax errors). Rather than keep a copy in this
repository, the suite downloads the sdist of the installed polib once and caches the
catalogs in ``.cache/corpus/polib-<version>/``.

:func:`real_paths` adds the Persian, Sinhala and Urdu catalogs that Sphinx, Django
and Wagtail ship (Transifex-made, with ``# Translators:`` header blocks, their own
header order and ``X-Generator`` lines), cached in ``.cache/corpus/<name>-<version>/``.
"""

from __future__ import annotations

import tarfile
import tempfile
from importlib.metadata import version
from pathlib import Path

try:
    from registry import fetch_sdist
except ImportError:  # imported as tests.po_corpus
    from tests.registry import fetch_sdist

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "corpus"


def corpus_dir() -> Path:
    """The folder holding polib's test catalogs for the installed polib, fetched if needed."""
    release = version("polib")
    folder = CACHE / f"polib-{release}"
    if folder.is_dir():
        return folder
    with tempfile.TemporaryDirectory() as tmp:
        sdist = fetch_sdist("polib", release)
        staging = Path(tmp) / "corpus"
        staging.mkdir()
        with tarfile.open(sdist) as archive:
            for member in archive.getmembers():
                parts = member.name.split("/")
                if member.isfile() and parts[1:2] == ["tests"] and member.name.endswith((".po", ".pot")):
                    extracted = archive.extractfile(member)
                    if extracted is not None:
                        (staging / parts[-1]).write_bytes(extracted.read())
        if not any(staging.iterdir()):
            raise FileNotFoundError(f"no test catalogs in {sdist.name}")
        folder.parent.mkdir(parents=True, exist_ok=True)
        if not folder.exists():
            staging.replace(folder)
    return folder


REAL = {
    ("sphinx", "8.2.3"): [f"sphinx/locale/{lang}/LC_MESSAGES/sphinx.po" for lang in ("fa", "si", "ur")],
    ("django", "5.2.8"): [
        *(f"django/conf/locale/{lang}/LC_MESSAGES/django.po" for lang in ("fa", "ur")),
        *(f"django/contrib/admin/locale/{lang}/LC_MESSAGES/django.po" for lang in ("fa", "ur")),
    ],
    ("wagtail", "7.2"): [
        "wagtail/locale/fa/LC_MESSAGES/django.po",
        "wagtail/admin/locale/fa/LC_MESSAGES/django.po",
        "wagtail/admin/locale/fa/LC_MESSAGES/djangojs.po",
    ],
}
"""Catalogs (paths inside the sdist, below its top folder) taken from each release."""


def _members(name: str, release: str, wanted: list[str]) -> Path:
    """The folder of ``wanted`` files of an sdist, flattened to ``a-b-c.po`` names, fetched if needed."""
    folder = CACHE / f"{name}-{release}"
    if folder.is_dir():
        return folder
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / "corpus"
        staging.mkdir()
        with tarfile.open(fetch_sdist(name, release)) as archive:
            for member in archive.getmembers():
                inner = member.name.split("/", 1)[-1]
                extracted = archive.extractfile(member) if member.isfile() and inner in wanted else None
                if extracted is not None:
                    flat = inner.replace("/LC_MESSAGES/", "-").replace("/", "-")
                    (staging / flat).write_bytes(extracted.read())
        if len(list(staging.iterdir())) != len(wanted):
            raise FileNotFoundError(f"{name}-{release}: not all of {wanted}")
        folder.parent.mkdir(parents=True, exist_ok=True)
        if not folder.exists():
            staging.replace(folder)
    return folder


def real_paths() -> list[Path]:
    """The ur/fa/si catalogs of Sphinx, Django and Wagtail (see ``REAL``), sorted by name."""
    folders = [_members(name, release, wanted) for (name, release), wanted in REAL.items()]
    return sorted(path for folder in folders for path in folder.glob("*.po"))


def corpus_paths() -> list[Path]:
    """Every catalog of the corpus, sorted by name."""
    folder = corpus_dir()
    return sorted([*folder.glob("*.po"), *folder.glob("*.pot")])


if __name__ == "__main__":
    print(corpus_dir())
    print(*real_paths(), sep="\n")
