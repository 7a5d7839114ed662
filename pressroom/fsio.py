"""File I/O: the only place that writes files, and the one reader of text files.

Every write is atomic (temporary file in the same folder, then ``os.replace``), so a
crash or kill never leaves a half-written catalog, and an unchanged file is not
rewritten, so mtimes and git stay quiet. Temporary names are unique per write and
carry the writer's process id, so the next run can tell a leftover of a killed run
(:func:`remove_stale_temporaries`) from the live file of a concurrent one.

Every text input (workflow.toml, glossary.csv, sources, exports, catalogs) is read
through :func:`read_bytes` / :func:`read_text`: a directory, a device or FIFO, an
oversized file and invalid UTF-8 become a ``WorkflowError`` naming the file (and the
line of the bad byte), never an ``OSError`` or ``UnicodeDecodeError``.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from .errors import WorkflowError

MAX_TEXT_BYTES = 64 * 1024 * 1024
"""Largest text input read (64 MiB): far beyond any article, catalog or glossary."""
STALE_AFTER_SECONDS = 3600.0
"""A temporary file whose writer cannot be identified is stale after this long."""

_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?:(?P<pid>\d+)-[0-9a-f]{8}|[a-z0-9_]{8})\.tmp")
"""``.<name>.<pid>-<hex>.tmp`` (ours), or ``.<name>.<mkstemp random>.tmp`` (before pids)."""


def temporary_path(path: Path) -> Path:
    """A fresh, unique temporary name beside ``path`` for writing it atomically.

    The name starts with a dot (hidden, ignored by our globs and by ``git add``
    patterns for dotfiles) and carries this process id for stale-file cleanup.
    """
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def _open_exclusive(path: Path) -> tuple[int, Path]:
    for _attempt in range(100):
        candidate = temporary_path(path)
        try:
            return os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), candidate
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))


def _replace_with(
    path: Path, payload: bytes | Iterable[bytes], *, before_replace: Callable[[], None] | None = None
) -> None:
    """Put ``payload`` (bytes, or pieces of them) at ``path`` through a temporary file and ``os.replace``.

    The temporary file is synced and given the file's mode (0o644 for a new file);
    ``before_replace`` runs last, when it can still stop the replace by raising.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_path = _open_exclusive(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(payload, bytes):
                handle.write(payload)
            else:
                handle.writelines(payload)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp_path, mode)
        if before_replace is not None:
            before_replace()
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_path)
        raise


def atomic_write(path: Path, data: str | bytes, *, only_if_changed: bool = True) -> bool:
    """Write ``data`` to ``path`` atomically; return whether the file was (re)written.

    Text is encoded as UTF-8 with ``\\n`` line ends. With ``only_if_changed`` an
    identical existing file is left alone (same bytes, same mtime).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if only_if_changed:
        try:
            if path.is_file() and path.stat().st_size == len(payload) and path.read_bytes() == payload:
                return False
        except FileNotFoundError:
            pass
    if path.is_dir():
        raise WorkflowError("is a directory, expected a file", path=path, hint="move the folder away")
    _replace_with(path, payload)
    return True


def atomic_write_pieces(path: Path, pieces: Iterable[str]) -> None:
    """Write text made piece by piece to ``path`` atomically, never holding all of it.

    For reports of hundreds of megabytes; a failure while the pieces are made leaves
    the old file as it was.
    """
    if path.is_dir():
        raise WorkflowError("is a directory, expected a file", path=path, hint="move the folder away")
    _replace_with(path, (piece.encode("utf-8") for piece in pieces))


def atomic_copy(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target`` atomically (unique temporary name); False if unchanged."""
    return atomic_write(target, read_bytes(source))


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def read_bytes(
    path: Path, *, error: type[WorkflowError] = WorkflowError, max_bytes: int = MAX_TEXT_BYTES
) -> bytes:
    """The bytes of a regular file, or ``error`` naming the file.

    A missing file, a directory, anything but a regular file (a FIFO would block
    forever), a file over ``max_bytes`` and unreadable files are messages, not
    tracebacks.
    """
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise error("no such file", path=path, hint="check the path") from exc
    except NotADirectoryError as exc:
        raise error("a folder on this path is a file", path=path, hint="check the path") from exc
    except OSError as exc:  # a symlink loop, permissions
        raise error(f"cannot read: {_reason(exc)}", path=path, hint="check the file and its links") from exc
    if stat.S_ISDIR(info.st_mode):
        raise error("is a directory, expected a file", path=path, hint="move the folder away")
    if not stat.S_ISREG(info.st_mode):
        raise error("is not a regular file", path=path, hint="replace it with a text file")
    if info.st_size > max_bytes:
        raise error(
            f"is {info.st_size:,} bytes, more than the {max_bytes:,}-byte limit",
            path=path,
            hint="split the file",
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"cannot read: {_reason(exc)}", path=path, hint="check the file's permissions") from exc
    if len(raw) > max_bytes:  # grew while we looked
        raise error(f"is more than the {max_bytes:,}-byte limit", path=path, hint="split the file")
    return raw


def decode_utf8(raw: bytes, path: Path, *, error: type[WorkflowError] = WorkflowError) -> str:
    """``raw`` as UTF-8; invalid bytes raise ``error`` at their 1-based line, naming the byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise error(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            path=path,
            line=line,
            hint="save the file as UTF-8",
        ) from exc


def read_text(
    path: Path, *, error: type[WorkflowError] = WorkflowError, max_bytes: int = MAX_TEXT_BYTES
) -> str:
    """Read a UTF-8 text file, raising ``error`` with file and line on bad input.

    A leading BOM is dropped; invalid UTF-8 is reported at the line it occurs on.
    """
    return decode_utf8(read_bytes(path, error=error, max_bytes=max_bytes), path, error=error).removeprefix(
        "\ufeff"
    )


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    except OSError:
        return True
    return True


def is_stale_temporary(path: Path, *, now: float | None = None) -> bool:
    """Whether ``path`` is a temporary file of ours whose writer is gone.

    With a process id in the name, the writer is gone when no such process runs (a
    concurrent run's file is never touched); without one, after ``STALE_AFTER_SECONDS``.
    """
    found = _TEMPORARY.fullmatch(path.name)
    if found is None:
        return False
    pid = found.group("pid")
    if pid is not None:
        return not _process_alive(int(pid))
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except OSError:
        return False
    return age > STALE_AFTER_SECONDS


def remove_stale_temporaries(folders: Iterable[Path], *, recursive: bool = False) -> list[Path]:
    """Delete our temporary files left in ``folders`` by killed runs; return those removed.

    Missing folders are skipped; files that vanish meanwhile (another run cleaning
    up) are not an error. Only regular files named like ours are considered.
    """
    removed: list[Path] = []
    pending = [Path(f) for f in folders]
    seen: set[Path] = set()
    while pending:
        folder = pending.pop()
        if folder in seen:
            continue
        seen.add(folder)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if recursive:
                        pending.append(Path(entry.path))
                    continue
                if not entry.is_file(follow_symlinks=False) or not entry.name.endswith(".tmp"):
                    continue
            except OSError:
                continue
            path = Path(entry.path)
            if is_stale_temporary(path):
                try:
                    path.unlink()
                except OSError:
                    continue
                removed.append(path)
    return removed


# --------------------------------------------------------------------------- concurrent writers


class ChangedOnDiskError(WorkflowError):
    """A file changed on disk between our read and our write; nothing was written."""


RACY_NS = 2_000_000_000
"""A file changed less than this long (ns) before its signature was taken is not trusted by it."""


def read_if_present(path: str) -> bytes | None:
    """The bytes of ``path``, or None when there is no such file (for caches that hash many)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def stat_signature(path: str | Path) -> list[int] | None:
    """Size, modification and inode-change times and inode of ``path``; None when it is missing.

    Two equal signatures mean the file was not written in between: every write moves
    the inode-change time, which no program can set back (``touch`` and ``os.utime``
    move it too), except within one clock tick: see :func:`settled`. Callers keep a
    content hash beside it and fall back to it whenever the signature differs.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def settled(signature: list[int] | None, now_ns: int) -> list[int] | None:
    """``signature`` if its file last changed over 2 s before ``now_ns``, else None (not to be kept).

    A file written again within the same clock tick as the signature was taken would
    keep it, so a recent one is hashed again next time (git's rule for "racily clean"
    files).
    """
    return signature if signature is not None and signature[2] < now_ns - RACY_NS else None


def digest_bytes(data: bytes) -> str:
    """The fingerprint we compare file contents by (BLAKE2b, 128 bits, hex)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_digest(path: Path) -> str | None:
    """``digest_bytes`` of the file's current content; None when it does not exist."""
    try:
        return digest_bytes(path.read_bytes())
    except FileNotFoundError:
        return None


def replace_if_unchanged(path: Path, data: str | bytes, *, read_digest: str | None) -> bool:
    """Write ``data`` atomically unless ``path`` changed since it was read.

    ``read_digest`` is ``file_digest`` of the content the new data was derived from
    (None: the file did not exist). The content is compared again after the new data
    is on disk in a temporary file, just before ``os.replace``: a save by another
    program (an editor, ``git pull``) in the meantime raises ``ChangedOnDiskError``
    and leaves its file alone, so the caller can re-read and redo its change. Returns
    whether the file was rewritten (identical content is left alone, as in
    ``atomic_write``). Programs that take ``folder_lock`` are excluded outright; the
    check narrows the window left to those that do not to the ``os.replace`` call.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if file_digest(path) != read_digest:
        raise ChangedOnDiskError("changed on disk while we worked on it", path=path)
    try:
        if path.read_bytes() == payload:
            return False
    except FileNotFoundError:
        pass
    def still_as_read() -> None:
        if file_digest(path) != read_digest:
            raise ChangedOnDiskError("changed on disk while we worked on it", path=path)

    _replace_with(path, payload, before_replace=still_as_read)
    return True


def write_all_if_unchanged(
    items: Sequence[tuple[Path, str | bytes]], read_digests: Mapping[Path, str | None]
) -> list[bool]:
    """Write files derived from an earlier read of them, unless one changed on disk since.

    ``read_digests`` holds ``file_digest`` of each path as it was read (None: it did
    not exist). If any of them changed, ``ChangedOnDiskError`` is raised before
    anything is written, so the caller can read and derive again; a change in the last
    instant before a file's ``os.replace`` raises too, after the files before it were
    written (each file is whole either way). Returns which files were rewritten.
    """
    for path, _ in items:
        if file_digest(path) != read_digests.get(path):
            raise ChangedOnDiskError(
                "changed on disk between our read and our write",
                path=path,
                hint="someone saved it meanwhile; nothing of it was lost: run the command again",
            )
    return [replace_if_unchanged(path, data, read_digest=read_digests.get(path)) for path, data in items]


@contextlib.contextmanager
def folder_lock(folder: Path, *, on_wait: Callable[[Path], None] | None = None) -> Iterator[None]:
    """Hold an exclusive advisory lock (``flock``) on the folder ``folder`` for the block.

    Our own writers of a content root take this lock so they take turns. The folder
    itself is locked, so no lock file appears in the project (nothing to ignore, to
    clean up or to trip over). ``on_wait`` is called once, with the folder, when another
    process holds the lock and this one has to wait; without it the wait is logged as
    a warning on the ``pressroom`` logger. The lock goes with the process, so a killed
    holder never leaves it stuck. Editors do not take it: see ``replace_if_unchanged``.
    """
    import fcntl

    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait(folder)
            else:
                logging.getLogger("pressroom").warning(
                    "waiting for another pressroom command to finish writing in %s", folder
                )
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
