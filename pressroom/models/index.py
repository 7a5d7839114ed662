"""The package index: fetched over http(s) only, within a deadline and size limits.

The network is touched only here: the index and the archive are streamed with a size
limit and a deadline that holds against a server sending a byte at a time
(argostranslate's own index call recurses without end when offline).
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import socket
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .. import __version__
from ..errors import IndexUnreachableError, ModelMissingError
from .install import install_package
from .packages import InstalledPackage, metadata_problem, version_key
from .settings import MEGABYTE, TranslateSettings, private_dir

INDEX_MAX_BYTES = 16 * MEGABYTE
"""Largest package index accepted (Argos' public one is about 100 kB)."""
_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexEntry:
    """One package offered by a package index."""

    name: str
    """argospm name, ``translate-en_ur``."""
    version: str
    from_code: str
    to_code: str
    links: tuple[str, ...]
    """Download URLs, absolute http(s) (relative links are resolved against the index)."""


class _Deadline:
    """Shuts down every socket of a request when its time is up, wherever it is blocked."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if not self.expired:
                return
        self._shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """urllib with http and https only (redirects included), every socket watched by ``deadline``."""

    def connect(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        sock = socket.create_connection(address, *args, **kwargs)
        deadline.watch(sock)
        return sock

    class Connection(http.client.HTTPConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class SecureConnection(http.client.HTTPSConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Connection, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(SecureConnection, req, context=getattr(self, "_context", None))

    class Redirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(
            self,
            req: urllib.request.Request,
            fp: Any,
            code: int,
            msg: str,
            headers: Any,
            newurl: str,
        ) -> urllib.request.Request | None:
            if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
                raise urllib.error.URLError(f"redirect to {newurl} refused (http and https only)")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        Handler(),
        SecureHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        Redirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


_OFFLINE_HINT = "or install a downloaded .argosmodel file: workflow.py models install FILE"


def _stream(url: str, out: BinaryIO, *, timeout: float, total: float, max_bytes: int, what: str) -> int:
    """Copy ``url`` into ``out``: http(s) only, at most ``max_bytes``, within ``total`` seconds.

    ``timeout`` bounds each wait for the server; ``total`` the whole request, enforced
    by shutting the connection down wherever it is blocked. Returns the bytes copied.
    """
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise IndexUnreachableError(
            f"{what} {url}: only http:// and https:// URLs are fetched",
            hint="serve a mirror folder over http (python3 -m http.server in it), " + _OFFLINE_HINT,
        )
    deadline = _Deadline(total)
    request = urllib.request.Request(url, headers={"User-Agent": f"pressroom/{__version__}"})
    received = 0
    try:
        with _opener(deadline).open(request, timeout=min(timeout, total)) as response:
            length = str(response.headers.get("Content-Length") or "")
            if length.isdigit() and int(length) > max_bytes:
                raise IndexUnreachableError(
                    f"{what} {url} is {int(length) // MEGABYTE} MB, more than the limit of "
                    f"{max(max_bytes // MEGABYTE, 1)} MB",
                    hint="raise [translate] max_package_mb if it is genuine",
                )
            while chunk := response.read1(_CHUNK):
                received += len(chunk)
                if received > max_bytes:
                    raise IndexUnreachableError(
                        f"{what} {url} is larger than the limit of {max(max_bytes // MEGABYTE, 1)} MB",
                        hint="raise [translate] max_package_mb if it is genuine",
                    )
                out.write(chunk)
            if not deadline.expired and length.isdigit() and received != int(length):
                raise IndexUnreachableError(f"{what} {url} ended after {received} of {length} bytes")
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        if not deadline.expired:
            reason = getattr(exc, "reason", exc)
            raise IndexUnreachableError(
                f"{what} {url} is unreachable: {reason}",
                hint="check [translate] index_url and the network, " + _OFFLINE_HINT,
            ) from exc
    finally:
        deadline.cancel()
    if deadline.expired:
        raise IndexUnreachableError(
            f"{what} {url} did not arrive within {total:g} s",
            hint="check the network or raise [translate] timeout / download_timeout, " + _OFFLINE_HINT,
        )
    return received


def read_index(settings: TranslateSettings) -> list[IndexEntry]:
    """Fetch and parse the package index (argospm ``index.json``: a list of metadata)."""
    buffer = io.BytesIO()
    _stream(
        settings.index_url,
        buffer,
        timeout=settings.timeout,
        total=settings.timeout,
        max_bytes=INDEX_MAX_BYTES,
        what="package index",
    )
    try:
        entries = json.loads(buffer.getvalue())
    except (ValueError, RecursionError) as exc:
        raise IndexUnreachableError(
            f"package index {settings.index_url} is not JSON: {str(exc) or 'nested too deeply'}",
            hint="index_url must point at an argospm index.json",
        ) from exc
    if not isinstance(entries, list):
        raise IndexUnreachableError(f"package index {settings.index_url} is not a list of packages")
    index = []
    for item in entries:
        if not isinstance(item, dict) or metadata_problem(item) is not None:
            continue
        kind = item.get("type")
        kind = kind if isinstance(kind, str) and kind else "translate"
        raw_links = item.get("links")
        links = tuple(
            absolute
            for link in (raw_links if isinstance(raw_links, list) else [])
            if isinstance(link, str)
            and urllib.parse.urlsplit(absolute := urllib.parse.urljoin(settings.index_url, link)).scheme
            in ("http", "https")
        )
        index.append(
            IndexEntry(
                name=f"{kind}-{item['from_code']}_{item['to_code']}",
                version=str(item.get("package_version", "")),
                from_code=str(item["from_code"]),
                to_code=str(item["to_code"]),
                links=links,
            )
        )
    return index


def install_from_index(settings: TranslateSettings, name: str) -> InstalledPackage:
    """Download package ``name`` (``translate-en_ur``, optionally ``-1_9``) and install it."""
    index = read_index(settings)
    matching = [
        entry for entry in index if name in (entry.name, f"{entry.name}-{entry.version.replace('.', '_')}")
    ]
    if not matching:
        offered = ", ".join(sorted({e.name for e in index})) or "nothing"
        raise ModelMissingError(
            f"package {name!r} is not in the index {settings.index_url}",
            hint=f"the index offers: {offered}",
        )
    entry = max(matching, key=lambda e: version_key(e.version))
    if not entry.links:
        raise IndexUnreachableError(f"package {name!r} in {settings.index_url} has no http(s) download link")
    download_dir = private_dir(settings.models_dir) / "downloads"
    download_dir.mkdir(parents=True, exist_ok=True)
    last: IndexUnreachableError | None = None
    for link in entry.links:
        fd, tmp = tempfile.mkstemp(suffix=".argosmodel", dir=download_dir)
        try:
            with os.fdopen(fd, "wb") as handle:
                _stream(
                    link,
                    handle,
                    timeout=settings.timeout,
                    total=settings.download_timeout,
                    max_bytes=settings.max_package_bytes,
                    what="package download",
                )
            return install_package(settings, Path(tmp))
        except IndexUnreachableError as exc:
            last = exc
        finally:
            os.unlink(tmp)
    assert last is not None
    raise last
