"""Growth with the archive: extract, status, review and render over 100, 1,000 and 5,000 articles.

For each size a synthetic archive (``benchmarks.archive``: 3 target languages) is
generated in a temporary folder and every command runs as ``workflow.py`` in a child
process started by :mod:`benchmarks.launch`, its time and peak memory (``ru_maxrss``)
read from ``os.wait4``'s resource usage of that child alone:

- ``extract full``: the first extract (every template and catalog written);
- ``extract --force``: every article merged again, the state ignored, once half of
  every catalog is translated (the peak memory to watch: it used to hold the archive);
- ``extract no-op``: again, nothing changed (after half of every catalog got a
  translation and an extract settled it);
- ``extract 5%``: after 5% of the articles were edited;
- ``status cold`` / ``status``: the first ``status`` (counts every catalog and fills
  ``.cache/pressroom/catalog-stats.json``), then the next one, what an editor sees;
- ``review``: ``review --format json --output FILE`` with its default jobs
  (``os.cpu_count()``);
- ``render``: ``render --format html --drafts --no-bilingual`` with ``--jobs`` =
  ``os.cpu_count()``; PDFs have their own benchmark (``render``).

``--quick``: 100 and 1,000 articles. Prints one table, with the load average.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.archive import edit_articles, generate_archive
from benchmarks.launch import run_measured

REPO = Path(__file__).resolve().parent.parent
COLUMNS = (
    "extract full",
    "extract --force",
    "extract no-op",
    "extract 5%",
    "status cold",
    "status",
    "review",
    "render",
)


def timed(root: Path, *args: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak resident MB of one ``workflow.py`` run.

    CPU seconds are what the command costs whatever else the machine runs; on a loaded
    machine wall time is mostly waiting for a core. Started through
    :mod:`benchmarks.launch`, so the peak is the command's own.
    """
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules compiled once, not every run
    usage, done = run_measured(
        [sys.executable, str(REPO / "workflow.py"), "--project", str(root), "-q", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if usage.returncode not in (0, 3):  # 3: review found errors, expected in a synthetic archive
        raise SystemExit(
            f"workflow.py {' '.join(args)} failed ({usage.returncode}): {done.stderr.decode()[-2000:]}"
        )
    return usage.seconds, usage.cpu, usage.peak_mb


def _translate_half(root: Path) -> None:
    """Half of every catalog translated, as in ``bench_extract``, in a child (its memory is not ours)."""
    code = (
        "import sys; from pathlib import Path; from pressroom.project import load_project;"
        "from benchmarks.bench_extract import _translate_half as t; t(load_project(Path(sys.argv[1])))"
    )
    subprocess.run([sys.executable, "-c", code, str(root)], cwd=REPO, check=True)


def measure(size: int, tmp: Path) -> dict[str, tuple[float, float, float]]:
    root = tmp / f"archive-{size}"
    generate_archive(root, n=size, seed=0)
    row = {"extract full": timed(root, "extract")}
    _translate_half(root)
    timed(root, "extract")  # settle the state after the translators' writes
    row["extract no-op"] = timed(root, "extract")
    row["extract --force"] = timed(root, "extract", "--force")
    row["status cold"] = timed(root, "status")
    row["status"] = timed(root, "status")
    row["review"] = timed(root, "review", "--format", "json", "--output", str(tmp / "review.json"))
    edit_articles(root, fraction=0.05, seed=1)
    row["extract 5%"] = timed(root, "extract")
    jobs = str(os.cpu_count() or 1)
    row["render"] = timed(root, "render", "--format", "html", "--drafts", "--no-bilingual", "--jobs", jobs)
    return row


def run(quick: bool = False) -> dict[str, str]:
    sizes = (100, 1000) if quick else (100, 1000, 5000)
    print(
        f"{os.cpu_count()} CPUs; each workflow.py command in a child process: wall seconds, "
        "CPU seconds (user+system, c), peak resident MB (M); load average before the row",
        flush=True,
    )
    head = f"{'articles':>8} " + " ".join(f"{name:>19}" for name in COLUMNS) + "  load"
    print(head, flush=True)
    rows = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for size in sizes:
            load = os.getloadavg()[0]
            row = rows[size] = measure(size, Path(tmp))
            cells = " ".join(f"{w:>6.1f}s {c:>5.1f}c {m:>4.0f}M" for w, c, m in (row[n] for n in COLUMNS))
            print(f"{size:>8} {cells}  {load:.1f}-{os.getloadavg()[0]:.1f}", flush=True)
    print("aims at 5,000: extract no-op and status < 1 s; extract full's peak MB flat in the size")
    big, small = rows[sizes[-1]], rows[sizes[0]]
    noop, status = big["extract no-op"], big["status"]
    return {
        f"extract no-op at {sizes[-1]}": f"{noop[0]:.2f}s wall, {noop[1]:.2f}s CPU (< 1 s)",
        f"status at {sizes[-1]}": f"{status[0]:.2f}s wall, {status[1]:.2f}s CPU (< 1 s)",
        f"extract --force peak memory, {sizes[-1]} vs {sizes[0]}": (
            f"{big['extract --force'][2] / small['extract --force'][2]:.2f}x (flat: ~1x)"
        ),
        f"review CPU s per article, {sizes[-1]} vs {sizes[0]}": (
            f"{big['review'][1] / sizes[-1] / (small['review'][1] / sizes[0]):.2f}x (linear: <= 1x)"
        ),
    }
