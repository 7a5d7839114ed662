"""Real PO catalogs from polib's sdist: the files polib itself is tested against.

polib's source distribution on PyPI ships two dozen catalogs (``tests/*.po``,
``tests/*.pot``; MIT): translations taken from Django, GNOME Evolution and Pootle,
and hand-made edge cases (fuzzy and misplaced headers, indented files, BOMs,
trailing comments, odd references, syntax errors). Rather than keep a copy in this
repository, the suite downloads the sdist of the installed polib once and caches the
catalogs in ``.cache/corpus/polib-<version>/``.
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


def corpus_paths() -> list[Path]:
    """Every catalog of the corpus, sorted by name."""
    folder = corpus_dir()
    return sorted([*folder.glob("*.po"), *folder.glob("*.pot")])


if __name__ == "__main__":
    print(corpus_dir())
