"""workflow.py serve: a real HTTP client against 127.0.0.1 sees edits on the next request; Ctrl-C stops it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO
from test_render_html import make_project

from pressroom.rendering.preview import PreviewOptions, PreviewServer

TIMEOUT = 60


def fetch(url: str) -> tuple[int, str]:
    """Status and text of a GET through urllib (redirects followed)."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def read_line(stream: object, pattern: str, deadline: float) -> str:
    """The first line of a child's output matching ``pattern``; fails at ``deadline``."""
    lines: list[str] = []

    def reader() -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.append(line)
            if re.search(pattern, line):
                return

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    found = [line for line in lines if re.search(pattern, line)]
    assert found, f"no line matching {pattern!r} in {lines}"
    return found[0]


def test_serve_shows_a_catalog_edit_on_the_next_request_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    root = make_project(tmp_path / "press")
    child = subprocess.Popen(
        [sys.executable, str(REPO / "workflow.py"), "--project", str(root), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = read_line(child.stdout, r"serving .* at http://127\.0\.0\.1:\d+/", time.monotonic() + TIMEOUT)
        base = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert base is not None
        url, port = base.group(0), int(base.group(1))
        status, page = fetch(url)  # "/" redirects to the English index
        assert status == 200 and "miners.html" in page
        status, page = fetch(url + "ur/miners.html")
        assert status == 200 and "کوئٹہ میں" in page
        # a translator fixes a sentence; the very next request shows it, no waiting
        edit(root / "translations" / "ur" / "miners.po", "کوئٹہ میں", "شہر کوئٹہ میں")
        status, page = fetch(url + "ur/miners.html")
        assert status == 200 and "شہر کوئٹہ میں" in page
        child.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
        out, err = child.communicate(timeout=TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err
    with pytest.raises(OSError):  # the port is closed
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[PreviewServer, Path, list[str]]]:
    """A preview server of the fixture project in a thread of this process."""
    root = make_project(tmp_path / "press")
    events: list[str] = []
    preview = PreviewServer(root, port=0, options=PreviewOptions(), interval=0.1, on_event=events.append)
    thread = threading.Thread(target=preview.serve_forever, daemon=True)
    thread.start()
    try:
        yield preview, root, events
    finally:
        preview.close()
        thread.join(TIMEOUT)
        assert not thread.is_alive()


def test_template_edit_and_broken_catalog_show_on_next_request(
    server: tuple[PreviewServer, Path, list[str]],
) -> None:
    preview, root, events = server
    assert preview.url.startswith("http://127.0.0.1:") and events[0].startswith("built: ")
    # a template changes: pressroom's own is shadowed by the project's copy
    (root / "render").mkdir()
    base = (REPO / "pressroom" / "render" / "base.html.j2").read_text("utf-8")
    (root / "render" / "base.html.j2").write_text(
        base.replace('<main id="content">', '<main id="content" data-edited="yes">'), encoding="utf-8"
    )
    status, page = fetch(preview.url + "fa/miners.html")
    assert status == 200 and 'data-edited="yes"' in page
    # a broken catalog: the error is shown instead of a stale page, until it is fixed
    po = root / "translations" / "si" / "miners.po"
    good = po.read_text("utf-8")
    po.write_text(good + '\nmsgid "unterminated\n', encoding="utf-8")
    status, page = fetch(preview.url + "si/miners.html")
    assert status == 500 and "Build failed" in page and "miners.po" in page
    assert any(event.startswith("error: ") for event in events)
    po.write_text(good, encoding="utf-8")
    status, page = fetch(preview.url + "si/miners.html")
    assert status == 200 and "Build failed" not in page
    # stylesheets and fonts are served too, never from a cache
    with urllib.request.urlopen(preview.url + "css/site.css", timeout=TIMEOUT) as response:
        assert response.headers["Cache-Control"] == "no-store"


def test_watcher_rebuilds_without_a_request(server: tuple[PreviewServer, Path, list[str]]) -> None:
    preview, root, events = server
    page = preview.watcher.output_dir / "en" / "miners.html"
    edit(root / "source" / "miners.md", "met the families", "met the grieving families")
    deadline = time.monotonic() + TIMEOUT
    while not any(event.startswith("rebuilt: ") for event in events):
        assert time.monotonic() < deadline, events
        time.sleep(0.1)
    assert "grieving" in page.read_text("utf-8")


def test_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    from pressroom.errors import RenderError

    root = make_project(tmp_path / "press")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(RenderError, match=r"cannot listen on 127\.0\.0\.1"):
            PreviewServer(root, port=taken.getsockname()[1])
