"""File I/O: the only place that writes files.

Every write is atomic (temporary file in the same folder, then ``os.replace``), so a
crash or kill never leaves a half-written catalog, and an unchanged file is not
rewritten, so mtimes and git stay quiet.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import WorkflowError


def atomic_write(path: Path, data: str | bytes, *, only_if_changed: bool = True) -> bool:
    """Write ``data`` to ``path`` atomically; return whether the file was (re)written.

    Text is encoded as UTF-8 with ``\\n`` line ends. With ``only_if_changed`` an
    identical existing file is left alone (same bytes, same mtime).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if only_if_changed:
        try:
            if path.stat().st_size == len(payload) and path.read_bytes() == payload:
                return False
        except FileNotFoundError:
            pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp_name, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    return True


def read_text(path: Path, *, error: type[WorkflowError] = WorkflowError) -> str:
    """Read a UTF-8 text file, raising ``error`` with file and line on bad input.

    A leading BOM is dropped; invalid UTF-8 is reported at the line it occurs on.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise error("no such file", path=path, hint="check the path") from exc
    except IsADirectoryError as exc:
        raise error("is a directory, expected a file", path=path) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            path=path,
            line=line,
            hint="save the file as UTF-8",
        ) from exc
    return text.removeprefix("\ufeff")
