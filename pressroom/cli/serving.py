"""CLI command serve: a local preview of the build folder that follows the sources as they change."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import PREVIEW_INTERVAL as DEFAULT_INTERVAL
from ..config import PREVIEW_PORT as DEFAULT_PORT
from .common import EXIT_OK, Context
from .rendering import split_list


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    parser = subparsers.add_parser(
        "serve",
        help="preview the site on 127.0.0.1, rebuilt when a source, catalog or template changes",
        description=(
            "Render the site, serve the build folder on http://127.0.0.1:PORT/ and render "
            "again (incrementally) whenever an article, a catalog, a template, workflow.toml "
            "or the glossary changes: the next page request shows the edit. Ctrl-C stops."
        ),
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, metavar="N", help=f"port (default {DEFAULT_PORT}; 0: any)"
    )
    parser.add_argument(
        "--lang",
        action="append",
        metavar="L",
        help="language code, repeatable or comma-separated (default: all)",
    )
    parser.add_argument("--format", metavar="FORMATS", help="html, pdf or html,pdf (default: html)")
    parser.add_argument(
        "--drafts", action="store_true", help="render unreviewed translations too, marked as drafts"
    )
    parser.add_argument("--output", type=Path, metavar="DIR", help="output folder (default: build/)")
    parser.add_argument(
        "--interval",
        type=float,
        default=DEFAULT_INTERVAL,
        metavar="SECONDS",
        help=f"how often to look for changes (default {DEFAULT_INTERVAL:g})",
    )
    parser.add_argument("--log-requests", action="store_true", help="print every request")
    parser.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace, ctx: Context) -> int:
    from ..rendering.preview import PreviewOptions, PreviewServer

    def on_event(message: str) -> None:
        if message.startswith("error: "):
            ctx.err.print(f"workflow.py: {message}", markup=False)
        elif not message.startswith("request: ") or args.log_requests:
            ctx.out.print(message, markup=False)

    options = PreviewOptions(
        langs=split_list(args.lang),
        formats=tuple(split_list([args.format] if args.format else None) or ["html"]),
        include_drafts=args.drafts,
        output_dir=args.output,
    )
    server = PreviewServer(
        ctx.project_dir, port=args.port, options=options, interval=args.interval, on_event=on_event
    )
    ctx.out.print(
        f"serving {server.watcher.output_dir} at {server.url} (Ctrl-C stops)", markup=False, soft_wrap=True
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    ctx.out.print("stopped", markup=False)
    return EXIT_OK
