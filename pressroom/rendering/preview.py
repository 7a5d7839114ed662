"""Rendering, preview: the build folder served on 127.0.0.1, rebuilt as its inputs change.

Input: a content root and the render options of ``workflow.py serve``. Output: a
local HTTP server over the build folder (the standard library's, loopback only) and
a :class:`Watcher` that polls the size and mtime of everything render reads (the
articles and their images, the catalogs, the templates and CSS, workflow.toml, the
glossary, the logo) and re-runs :func:`~.pipeline.render` when one changed. Render
is incremental, so a rebuild redoes only the pages whose inputs changed.

The watcher looks from a background thread every ``interval`` seconds, and again
before answering any page request, so the first request after an edit is answered
from the rebuilt page, never a stale one. A failed rebuild (a broken catalog, a
template error) keeps the last good build on disk; pages answer with the error until
the next rebuild succeeds. Nothing here prints: events go to a callback.
"""

from __future__ import annotations

import functools
import html
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ..config import PREVIEW_INTERVAL, PREVIEW_PORT
from ..errors import RenderError, WorkflowError
from ..project import CONFIG_NAME, Project, load_project
from ..site import template_dirs
from .pipeline import RenderReport, render

HOST = "127.0.0.1"
"""Loopback only: a preview shows unreviewed drafts and is nobody else's business."""
DEFAULT_PORT = PREVIEW_PORT
DEFAULT_INTERVAL = PREVIEW_INTERVAL
PAGE_SUFFIXES = frozenset({"", ".html", ".xml", ".txt", ".pdf"})
"""Requests that make the watcher look first; stylesheets, fonts and images do not."""

EventCallback = Callable[[str], None]
"""``on_event(message)``: rebuilds, failures and requests, for the CLI to print."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviewOptions:
    """What each rebuild passes to render."""

    langs: Sequence[str] | None = None
    formats: tuple[str, ...] = ("html",)
    """HTML only by default: a PDF takes seconds, a preview should not."""
    include_drafts: bool = False
    output_dir: Path | None = None


def watched_files(project: Project, output_dir: Path) -> list[Path]:
    """Every file a render of ``project`` reads, the build folder's own files left out."""
    roots = [project.source_dir, project.translations_dir, *template_dirs(project)]
    files = [project.root / CONFIG_NAME, project.glossary_path]
    logo = str(project.section("render").get("logo", "")).strip()
    if logo:
        files.append(project.root / logo)
    build = output_dir.resolve()
    roots = [root.resolve() for root in roots]
    for root in roots:
        if root.is_dir():
            files.extend(p for p in sorted(root.rglob("*")) if p.is_file() and not p.is_relative_to(build))
    return files


def snapshot(paths: Sequence[Path]) -> dict[str, tuple[int, int]]:
    """path -> (mtime in ns, size); a missing file is absent, so deleting one counts as a change."""
    found = {}
    for path in paths:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


class Watcher:
    """Rebuilds the site when a watched file changes; one rebuild at a time."""

    def __init__(self, root: Path, options: PreviewOptions, on_event: EventCallback) -> None:
        self.root = root
        self.options = options
        self.on_event = on_event
        self.output_dir = (options.output_dir or load_project(root).build_dir).resolve()
        self.error: WorkflowError | None = None
        """The last rebuild's error; None once a rebuild succeeds."""
        self._seen: dict[str, tuple[int, int]] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def refresh(self) -> RenderReport | None:
        """Rebuild if anything changed since the last look; the report, or None when nothing did.

        The snapshot is taken before rendering, so an edit made during a rebuild is
        seen by the next look. The project is read again each time: workflow.toml
        may have changed too.
        """
        with self._lock:
            try:
                project = load_project(self.root)
                now = snapshot(watched_files(project, self.output_dir))
                if now == self._seen:
                    return None
                first = self._seen is None
                self._seen = now
                report = render(
                    project,
                    self.options.langs,
                    formats=self.options.formats,
                    include_drafts=self.options.include_drafts,
                    output_dir=self.output_dir,
                    jobs=1,  # threads here; no process pool forked from a thread
                )
                if report.failures:  # render went on past them; the preview shows them
                    raise RenderError("\n".join(failure.describe() for failure in report.failures))
            except WorkflowError as exc:
                self.error = exc
                self.on_event(f"error: {exc.render(relative_to=self.root)}")
                return None
            self.error = None
            pages = [p for p in report.written if p.suffix in (".html", ".pdf", ".xml", ".txt")]
            shown = ", ".join(p.relative_to(self.output_dir).as_posix() for p in pages[:6])
            more = f" and {len(pages) - 6} more" if len(pages) > 6 else ""
            what = "built" if first else "rebuilt"
            self.on_event(f"{what}: {len(pages)} files written{': ' + shown + more if pages else ''}")
            return report

    def start(self, interval: float) -> None:
        """Look every ``interval`` seconds from a daemon thread until :meth:`stop`."""

        def loop() -> None:
            while not self._stop.wait(interval):
                try:
                    self.refresh()
                except Exception as exc:  # a bug must not silently end the watching
                    self.on_event(f"error: rebuild failed: {exc!r}")

        self._thread = threading.Thread(target=loop, name="pressroom-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()


class _Handler(SimpleHTTPRequestHandler):
    """Static files of the build folder; pages rebuilt first when their inputs changed."""

    watcher: Watcher
    source_language: str

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, *, head: bool) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if Path(path).suffix in PAGE_SUFFIXES:
            self.watcher.refresh()
            if self.watcher.error is not None:
                self._error_page(self.watcher.error, head=head)
                return
        if path == "/":
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", f"/{self.source_language}/index.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if head:
            super().do_HEAD()
        else:
            super().do_GET()

    def _error_page(self, error: WorkflowError, *, head: bool) -> None:
        message = html.escape(error.render(relative_to=self.watcher.root))
        body = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Build failed</title></head>'
            f"<body><h1>Build failed</h1><pre>{message}</pre>"
            "<p>Fix it and reload: the page is rebuilt on the next request.</p></body></html>\n"
        ).encode()
        self.send_response(HTTPStatus.INTERNAL_SERVER_ERROR)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def end_headers(self) -> None:
        # A preview must never be answered from the browser's cache.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        self.watcher.on_event("request: " + format % args)


class PreviewServer:
    """``workflow.py serve``: an HTTP server on 127.0.0.1 over a build that follows its sources.

    The first build happens in the constructor, so a server that exists has something
    to show (or the build's error). ``port`` 0 takes any free port; :attr:`url` says
    which. Call :meth:`serve_forever` and, from another thread or on Ctrl-C,
    :meth:`close`.
    """

    def __init__(
        self,
        root: Path,
        *,
        port: int = DEFAULT_PORT,
        options: PreviewOptions | None = None,
        interval: float = DEFAULT_INTERVAL,
        on_event: EventCallback = lambda message: None,
    ) -> None:
        self.options = options or PreviewOptions()
        self.interval = interval
        self.watcher = Watcher(root, self.options, on_event)
        self.watcher.refresh()
        handler = type(
            "PreviewHandler",
            (_Handler,),
            {"watcher": self.watcher, "source_language": load_project(root).source_language},
        )
        self.watcher.output_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.httpd = ThreadingHTTPServer(
                (HOST, port), functools.partial(handler, directory=str(self.watcher.output_dir))
            )
        except OSError as exc:
            raise RenderError(
                f"cannot listen on {HOST}:{port}: {exc.strerror or exc}",
                hint="another server has the port: pass --port N, or --port 0 for any free one",
            ) from exc
        self.httpd.daemon_threads = True
        self._serving: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def serve_forever(self) -> None:
        """Answer requests and watch the sources until :meth:`close` (or KeyboardInterrupt)."""
        self._serving = threading.current_thread()
        try:
            self.watcher.start(self.interval)
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self._serving = None

    def close(self) -> None:
        """Stop watching and listening; the port is free when this returns.

        From another thread, the serving loop is asked to end first; after Ctrl-C in
        the serving thread the loop has ended already.
        """
        self.watcher.stop()
        serving = self._serving
        if serving is not None and serving is not threading.current_thread():
            self.httpd.shutdown()
        self.httpd.server_close()
