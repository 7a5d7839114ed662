"""The CommonMark spec examples and GFM table fixtures, from markdown-it-py's sdist.

markdown-it-py's source distribution on PyPI ships the CommonMark spec examples
(``tests/test_cmark_spec/commonmark.json``, CC-BY-SA 4.0) and its GFM table fixtures
(``tests/test_port/fixtures/tables.md``, MIT). Rather than keep a copy in this
repository, the suite downloads the sdist of the installed version once from PyPI
(``./dev.sh`` does it during set-up) and caches the two files in ``.cache/corpus/``.
"""

from __future__ import annotations

import json
import tarfile
import tempfile
from importlib.metadata import version
from pathlib import Path

from markdown_it.utils import read_fixture_file

try:
    from registry import fetch_sdist
except ImportError:  # imported as tests.spec_corpus
    from tests.registry import fetch_sdist

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "corpus"
MEMBERS = {
    "commonmark.json": "tests/test_cmark_spec/commonmark.json",
    "tables.md": "tests/test_port/fixtures/tables.md",
}


def corpus_dir() -> Path:
    """The folder holding both files for the installed markdown-it-py, fetched if needed."""
    release = version("markdown-it-py")
    folder = CACHE / f"markdown-it-py-{release}"
    if all((folder / name).exists() for name in MEMBERS):
        return folder
    with tempfile.TemporaryDirectory() as tmp:
        sdist = fetch_sdist("markdown-it-py", release)
        with tarfile.open(sdist) as archive:
            root = archive.getnames()[0].split("/")[0]
            staging = Path(tmp) / "corpus"
            staging.mkdir()
            for name, member in MEMBERS.items():
                extracted = archive.extractfile(f"{root}/{member}")
                if extracted is None:
                    raise FileNotFoundError(f"{member} not in {sdist.name}")
                (staging / name).write_bytes(extracted.read())
        folder.parent.mkdir(parents=True, exist_ok=True)
        if not folder.exists():
            staging.replace(folder)
    return folder


def load_corpus() -> list[tuple[str, str]]:
    """(id, markdown) for every spec example and every GFM table fixture."""
    folder = corpus_dir()
    corpus = [
        (f"commonmark_spec-{example['example']}", example["markdown"])
        for example in json.loads((folder / "commonmark.json").read_text(encoding="utf-8"))
    ]
    for number, (_line, _title, markdown, _html) in enumerate(read_fixture_file(folder / "tables.md"), 1):
        corpus.append((f"gfm_tables-{number}", markdown))
    return corpus


if __name__ == "__main__":
    print(corpus_dir())
