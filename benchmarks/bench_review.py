"""review over a synthetic archive vs Translate Toolkit's ``pofilter`` on the same PO files.

Generates 1,000 articles (``--quick``: 60) with ``benchmarks.archive``, extracts their
catalogs for ur, fa and si with the project glossary, and fills every entry with a
deterministic pseudo-translation: glossary names in their agreed spelling, other words
transliterated into the target script, markup, URLs and numbers kept (Persian digits
for fa), the language's punctuation; about 3% of entries get a planted mistake (a
misspelled name, a dropped number, a broken link, English left in).

Then, in the same run and on the same files, times:

(a) ``workflow.py review`` as a process (imports, catalogs read, every check, JSON
    report written; worker processes, one per CPU) and the ``review()`` call
    in-process with ``jobs=1``;
(b) ``pofilter`` over the same three language folders, one process per language, with
    its default filter set (every filter it has), and with the subset that overlaps
    our checks (untranslated, unchanged, numbers, urls, endpunc, doublespacing, long,
    short, xmltags).

Prints the times, the ratios and the number of checks each ran.
"""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.archive import generate_archive
from pressroom.catalog import extract, read_catalog, write_catalogs
from pressroom.glossary import Glossary, read_glossary
from pressroom.languages import Language
from pressroom.project import Project, load_project
from pressroom.review import CODES, review

REPO = Path(__file__).resolve().parent.parent
POFILTER = Path(sys.executable).parent / "pofilter"
OVERLAP = (
    "untranslated",
    "unchanged",
    "numbers",
    "urls",
    "endpunc",
    "doublespacing",
    "long",
    "short",
    "xmltags",
)
_PROTECTED = re.compile(r"\]\([^)]*\)|`[^`]*`|https?://[^\s)]+|<[^>]+>")
_WORD = re.compile(r"[A-Za-z]+")
_ALPHABETS = {"Arab": "ابپتٹجچحخدڈرزسشصطعفقکگلمنوہی", "Sinh": "කගචජටඩතදපබමයරලවසහ"}


def _pseudo_word(word: str, alphabet: str) -> str:
    return "".join(
        alphabet[(ord(char) * 7 + index) % len(alphabet)] for index, char in enumerate(word.lower())
    )


def _transliterate(text: str, language: Language) -> str:
    alphabet = _ALPHABETS[language.script]
    text = _WORD.sub(lambda found: _pseudo_word(found.group(0), alphabet), text)
    if language.script == "Arab":
        text = re.sub(r",(?!\d)", "،", text).replace("?", "؟").replace(";", "؛")
    if language.full_stop != ".":
        text = re.sub(r"\.(?!\d)|(?<!\d)\.", language.full_stop, text)
    if language.numbering != "latn":
        text = re.sub(r"(?<=\d),(?=\d{3})", "٬", text)
        text = re.sub(r"(?<=\d)\.(?=\d)", "٫", text)
        text = language.localize_digits(text)
    return text


def pseudo_translate(msgid: str, language: Language, glossary: Glossary) -> str:
    """A translation-shaped string: names from the glossary, everything else transliterated."""
    pieces = []
    position = 0
    spans = [(m.start, m.end, m.term.spellings[language.code][0]) for m in glossary.match_source(msgid)]
    spans += [(m.start(), m.end(), m.group(0)) for m in _PROTECTED.finditer(msgid)]
    for start, end, replacement in sorted(spans):
        if start < position:
            continue
        pieces.append(_transliterate(msgid[position:start], language))
        pieces.append(replacement)
        position = end
    pieces.append(_transliterate(msgid[position:], language))
    return "".join(pieces)


def _plant(text: str, index: int, language: Language) -> str:
    """A realistic mistake in about 3% of entries."""
    if index % 33 != 0:
        return text
    kind = (index // 33) % 4
    if kind == 0 and re.search(r"\d", text):
        return re.sub(r"[\d۰-۹]+", "", text, count=1)  # a dropped number
    if kind == 1 and "](" in text:
        return text.replace("](", "] (", 1)  # a broken link
    if kind == 2:
        return text + " police said"  # English left in
    return text.replace("کوئٹہ", "کویٹہ").replace("کویته", "کوئته").replace("ක්වෙටා", "ක්වේටා")


def _fill(project: Project, glossary: Glossary) -> int:
    items = []
    count = 0
    for language in project.target_languages():
        for path in sorted((project.translations_dir / language.code).glob("*.po")):
            po = read_catalog(path)
            for entry in po:
                if entry.msgid and not entry.obsolete:
                    entry.msgstr = _plant(pseudo_translate(entry.msgid, language, glossary), count, language)
                    count += 1
            items.append((path, po))
    write_catalogs(items)
    return count


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _pofilter(project: Project, out_dir: Path, tests: tuple[str, ...] = ()) -> tuple[float, float]:
    limit = [arg for test in tests for arg in ("-t", test)]
    out_dir.mkdir(parents=True, exist_ok=True)
    start, cpu = time.perf_counter(), _children_cpu()
    for language in project.target_languages():
        subprocess.run(
            [str(POFILTER), "--progress=none", *limit, "-i", str(project.translations_dir / language.code),
             "-o", str(out_dir / language.code)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
    return time.perf_counter() - start, _children_cpu() - cpu


def _pofilter_flagged(out_dir: Path) -> int:
    return sum(path.read_text("utf-8").count("#, fuzzy\n") + path.read_text("utf-8").count("(pofilter)")
               for path in out_dir.rglob("*.po"))  # fmt: skip


def _pofilter_check_count() -> int:
    from translate.filters import checks

    tee = checks.TeeChecker(
        checkerclasses=[checks.StandardChecker, checks.StandardUnitChecker], excludefilters={}
    )
    return len(tee.getfilters())


def run(quick: bool = False) -> dict[str, str]:
    n = 60 if quick else 1000
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        root = Path(tmp) / "archive"
        generate_archive(root, n=n, seed=0)
        shutil.copy2(REPO / "glossary.csv", root / "glossary.csv")
        project = load_project(root)
        glossary = read_glossary(project.glossary_path)
        extract(project, glossary=glossary)
        entries = _fill(project, glossary)
        catalogs = len(list(project.translations_dir.glob("*/*.po")))
        print(f"archive: {n} articles, {catalogs} catalogs, {entries} translated entries")

        start, cpu = time.perf_counter(), _children_cpu()
        report = Path(tmp) / "review.json"
        cli = subprocess.run(
            [sys.executable, str(REPO / "workflow.py"), "--project", str(root), "review", "--format", "json",
             "--output", str(report)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        ours_cli, ours_cpu = time.perf_counter() - start, _children_cpu() - cpu
        assert cli.returncode in (0, 3), cli.returncode
        start = time.perf_counter()
        findings = review(project, glossary=glossary, jobs=1)
        ours = time.perf_counter() - start

        full, full_cpu = _pofilter(project, Path(tmp) / "pofilter-all")
        flagged_full = _pofilter_flagged(Path(tmp) / "pofilter-all")
        subset, subset_cpu = _pofilter(project, Path(tmp) / "pofilter-overlap", OVERLAP)
        flagged_subset = _pofilter_flagged(Path(tmp) / "pofilter-overlap")

    our_checks = len(CODES)
    print(
        f"review (workflow.py process):     {ours_cli:7.2f} s   {our_checks} checks, {len(findings)} findings"
    )
    print(f"review() in-process, one process: {ours:7.2f} s")
    print(f"pofilter, default filters:         {full:7.2f} s   {_pofilter_check_count()} filters, "
          f"{flagged_full} units flagged")  # fmt: skip
    print(f"pofilter, overlapping filters:     {subset:7.2f} s   {len(OVERLAP)} filters, "
          f"{flagged_subset} units flagged")  # fmt: skip
    print(f"ratio pofilter(default)/review:    {full / ours_cli:7.2f}x (process vs process)")
    print(f"ratio pofilter(overlap)/review:    {subset / ours_cli:7.2f}x (process vs process)")
    # On a shared machine wall time depends on the neighbours; CPU time much less.
    print(f"CPU seconds: review {ours_cpu:.2f}, pofilter default {full_cpu:.2f}, overlap {subset_cpu:.2f}; "
          f"ratios {full_cpu / ours_cpu:.2f}x and {subset_cpu / ours_cpu:.2f}x")  # fmt: skip
    return {
        "review vs pofilter, overlapping filters": (
            f"{subset / ours_cli:.2f}x wall, {subset_cpu / ours_cpu:.2f}x CPU (aim >= 2x)"
        ),
        "review vs pofilter, default filters": f"{full / ours_cli:.2f}x wall, {full_cpu / ours_cpu:.2f}x CPU",
    }
