"""The thin command line: parse arguments, call one stage, map errors to exit codes.

Exit codes: 0 success, 1 a ``WorkflowError`` (bad input, missing model or font) or
any unexpected exception (one line naming the command and the file; the traceback
only with ``--debug``), 2 usage error, 3 review found error-level problems. Library
code never prints; this package owns the terminal (rich tables, progress bars).

Each command group lives in its own module with ``register(subparsers)``; modules
import heavy dependencies (argostranslate, weasyprint) inside their handlers only,
so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from .. import __version__
from ..errors import WorkflowError
from . import build, drafting, glossary, importing, init, rendering, reviewing, serving, sources
from .common import EXIT_ERROR, EXIT_OK, EXIT_USAGE, Context
from .failure import describe, format_traceback

COMMAND_MODULES = (init, importing, sources, glossary, reviewing, drafting, rendering, build, serving)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workflow.py",
        description="Translate and publish newsroom articles in Urdu, Persian and Sinhala.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--project",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="content root holding source/, translations/ and glossary.csv (default: .)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.add_argument(
        "--debug", action="store_true", help="print the Python traceback of an error (for bug reports)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help exits 0, usage errors exit 2
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    out = Console(quiet=args.quiet, highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    ctx = Context(project_dir=args.project, out=out, err=err)
    try:
        code: int = args.handler(args, ctx)
    except WorkflowError as exc:
        if args.debug:
            err.print(format_traceback(exc), markup=False, highlight=False)
        err.print(f"workflow.py: error: {exc.render(relative_to=Path.cwd())}", markup=False)
        return EXIT_ERROR
    except KeyboardInterrupt:
        err.print("workflow.py: interrupted; files already written are complete", markup=False)
        return 130
    except Exception as exc:  # the last resort: one line, never a bare traceback
        if args.debug:
            err.print(format_traceback(exc), markup=False, highlight=False)
        err.print(
            f"workflow.py: error: {describe(exc, command_name(args), relative_to=Path.cwd())}", markup=False
        )
        return EXIT_ERROR
    return code if code is not None else EXIT_OK


def command_name(args: argparse.Namespace) -> str:
    """``extract``, ``models install``, ``glossary check``: what the user ran."""
    action = getattr(args, "models_command", None) or getattr(args, "glossary_command", None)
    return f"{args.command} {action}" if action else str(args.command)


if __name__ == "__main__":
    sys.exit(main())
