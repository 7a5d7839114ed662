"""Run the benchmarks: ``python -m benchmarks [NAME ...]``; no NAME runs them all.

Each benchmark prints its own table; those whose ``run()`` returns ratios (a mapping
of label to text) are summed up at the end, each with the load average (``os.getloadavg()``)
at its start and end: on a shared machine a figure means little without it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).parent
    modules = pkgutil.iter_modules([str(here)])
    return sorted(m.name.removeprefix("bench_") for m in modules if m.name.startswith("bench_"))


def main(argv: list[str] | None = None) -> int:
    names = available()
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run: " + ", ".join(names))
    parser.add_argument("--quick", action="store_true", help="smaller workloads, for a smoke run")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(names))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(names)}")
    summary: list[str] = []
    for name in args.names or names:
        before = _load()
        print(f"== benchmark {name} (load average {before})", flush=True)
        module = importlib.import_module(f"benchmarks.bench_{name}")
        ratios = module.run(quick=args.quick)
        after = _load()
        print(f"== benchmark {name} done (load average {after})", flush=True)
        for label, value in (ratios or {}).items():
            summary.append(f"{name:<10} {label:<48} {value:<34} load {before} -> {after}")
    if summary:
        print(f"== ratios ({os.cpu_count()} CPUs; load averages over 1, 5, 15 minutes)")
        print("\n".join(summary))
    return 0


def _load() -> str:
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
