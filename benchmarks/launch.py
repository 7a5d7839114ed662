"""Run a command and read its own CPU time and peak memory, whatever the size of the benchmark process.

Linux keeps a process's peak resident size (``ru_maxrss``) across ``exec``, and a
child started from a process of 1 GB (``subprocess`` uses ``vfork``) starts its
count at 1 GB: a full ``./dev.sh bench`` once reported 1,179 MB for every command of
``bench_scale`` because the in-process benchmarks before it had grown the parent.
So the command is started by a small launcher process (``python -m benchmarks.launch``),
which forks and execs it and reads the child's resource usage with ``os.wait4``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


@dataclass(frozen=True, slots=True)
class Usage:
    """What one command cost: wall and CPU seconds (user + system), peak resident MB, exit code."""

    seconds: float
    cpu: float
    peak_mb: float
    returncode: int


def run_measured(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdout: int | IO[Any] | None = None,
    stderr: int | IO[Any] | None = None,
) -> tuple[Usage, subprocess.CompletedProcess[bytes]]:
    """Run ``argv`` in the repository through the launcher; its usage, and the completed launcher (output)."""
    with tempfile.TemporaryDirectory(prefix="bench-launch-") as folder:
        report = Path(folder) / "usage.json"
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.launch", str(report), "--", *argv],
            env=dict(env) if env is not None else None,
            cwd=Path(__file__).resolve().parent.parent,
            stdout=stdout,
            stderr=stderr,
            check=False,
        )
        if not report.exists():
            raise SystemExit(f"benchmark launcher failed ({done.returncode}) for {' '.join(argv)}")
        data = json.loads(report.read_text("utf-8"))
    return Usage(**data), done


def main(argv: list[str]) -> int:
    """``python -m benchmarks.launch REPORT -- COMMAND ...``: run COMMAND, write its usage to REPORT."""
    report, separator, command = argv[0], argv[1], argv[2:]
    if separator != "--" or not command:
        raise SystemExit("usage: python -m benchmarks.launch REPORT -- COMMAND ...")
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: this small process's memory, then the command's own
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    Path(report).write_text(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu": usage.ru_utime + usage.ru_stime,
                "peak_mb": usage.ru_maxrss / 1024,
                "returncode": code,
            }
        ),
        "utf-8",
    )
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
