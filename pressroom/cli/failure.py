"""The last-resort handler: any exception that is not a ``WorkflowError`` becomes one line.

A traceback tells a translator nothing and hides the file that caused it. The line
names the command and, where it can be found, the file being worked on: the
``filename`` of an ``OSError``, else the innermost ``path``-like local of a pressroom
frame (the file a stage was reading or writing). ``--debug`` prints the traceback too.
"""

from __future__ import annotations

import errno
import traceback
from pathlib import Path
from types import TracebackType

from ..errors import WorkflowError

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_PATH_NAMES = ("path", "po_path", "pot_path", "source_path", "raw_path", "config_path", "target", "output")

_OS_HINTS = {
    errno.EISDIR: "a folder is where a file should be; move it away",
    errno.ENOTDIR: "a file is where a folder should be; move it away",
    errno.EACCES: "check the file's permissions",
    errno.EPERM: "check the file's permissions",
    errno.ENOSPC: "free some disk space and run the command again",
    errno.ENAMETOOLONG: "use a shorter name",
    errno.EROFS: "the file system is read-only",
}


def _frames(tb: TracebackType | None) -> list[TracebackType]:
    found = []
    while tb is not None:
        found.append(tb)
        tb = tb.tb_next
    return found


def working_file(exc: BaseException) -> Path | None:
    """The file ``exc`` happened on, as far as can be told: innermost first."""
    if isinstance(exc, OSError) and exc.filename:
        return Path(exc.filename if isinstance(exc.filename, str) else str(exc.filename))
    if isinstance(exc, WorkflowError) and exc.path is not None:
        return exc.path
    for tb in reversed(_frames(exc.__traceback__)):
        try:
            inside = Path(tb.tb_frame.f_code.co_filename).resolve().is_relative_to(_PACKAGE_DIR)
        except OSError:
            inside = False
        if not inside:
            continue
        local = tb.tb_frame.f_locals
        for name in _PATH_NAMES:
            value = local.get(name)
            if isinstance(value, Path):
                return value
    return None


def _shown(path: Path, relative_to: Path) -> str:
    try:
        return path.resolve().relative_to(relative_to.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return str(path)


def _decode_line(exc: UnicodeDecodeError, path: Path) -> int | None:
    """The line of the bad byte, when the bytes decoded were the whole file."""
    from ..fsio import read_bytes

    try:
        raw = read_bytes(path)
    except WorkflowError:
        return None
    if not isinstance(exc.object, bytes) or raw != exc.object:
        return None
    return raw.count(b"\n", 0, exc.start) + 1


def describe(exc: BaseException, command: str, *, relative_to: Path) -> str:
    """The one line printed after ``workflow.py: error: `` for an unexpected exception."""
    path = working_file(exc)
    debug = "run with --debug for the traceback"
    if isinstance(exc, OSError) and path is not None:
        reason = (exc.strerror or str(exc)).lower()
        hint = _OS_HINTS.get(exc.errno or 0)
        return f"{_shown(path, relative_to)}: {reason} (hint: {hint + '; ' if hint else ''}{debug})"
    if isinstance(exc, UnicodeDecodeError) and path is not None:
        line = _decode_line(exc, path)
        where = _shown(path, relative_to) + (f":{line}" if line else "")
        byte = (
            exc.object[exc.start] if isinstance(exc.object, bytes) and exc.start < len(exc.object) else None
        )
        shown = f" (byte 0x{byte:02x})" if byte is not None else ""
        return f"{where}: not valid UTF-8{shown} (hint: save the file as UTF-8; {debug})"
    where = f" while working on {_shown(path, relative_to)}" if path is not None else ""
    text = " ".join(str(exc).split())
    if len(text) > 200:
        text = text[:197] + "..."
    kind = type(exc).__name__
    return (
        f"{command} failed{where}: {kind}{': ' + text if text else ''} "
        f"(hint: this is a bug in pressroom, please report it; {debug})"
    )


def format_traceback(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)).rstrip("\n")
