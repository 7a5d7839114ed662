"""Installing and removing packages, safely.

An install checks the whole archive (one top-level folder, no path leaving it, no
links, a size limit and no zip bomb, metadata that agrees with the folder name and
with a package of that name already installed), unpacks it into a hidden folder of
the models folder, loads its model, and only then swaps it in with a rename: a broken
archive never touches the installed package.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ModelMissingError, WorkflowError
from .packages import InstalledPackage, load_problem, metadata_problem, read_package, scan_packages
from .settings import MEGABYTE, TranslateSettings

BOMB_RATIO = 100
"""A package that unpacks to more than this many times its compressed size (past 64 MB) is refused."""

_NAME_PAIR = re.compile(r"[a-z]+-([a-z]{2,3})_([a-z]{2,3})(?:-.*)?")
_STALE_SECONDS = 3600
_BOMB_FLOOR = 64 * MEGABYTE
_CHUNK = 1024 * 1024


def _refuse(message: str, archive: Path, hint: str | None = None) -> WorkflowError:
    return WorkflowError(message, path=archive, hint=hint)


def _check_member(info: zipfile.ZipInfo, root: str, archive: Path) -> None:
    """Every entry must stay inside the package folder and be a plain file or folder."""
    name = info.filename
    parts = name.rstrip("/").split("/")
    if (
        name.startswith("/")
        or "\\" in name
        or "\0" in name
        or re.match(r"[A-Za-z]:", name)
        or any(part in ("", ".", "..") for part in parts)
        or parts[0] != root
    ):
        raise _refuse(f"refusing package entry {name!r}: it would be written outside the package", archive)
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the archiver recorded no type
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise _refuse(f"refusing package entry {name!r}: not a plain file (a link?)", archive)


def _inspect_archive(archive: Path, max_bytes: int) -> tuple[str, dict[str, Any]]:
    """The package folder name and metadata of an ``.argosmodel``, after checking the whole archive."""
    if not archive.is_file():
        raise _refuse("no such package file", archive, hint="check the path")
    if not zipfile.is_zipfile(archive):
        raise _refuse("not an Argos package (not a zip archive)", archive)
    try:
        with zipfile.ZipFile(archive) as bundle:
            infos = bundle.infolist()
            names = [info.filename for info in infos]
            roots = {name.split("/", 1)[0] for name in names if name.strip("/")}
            if len(roots) != 1 or f"{next(iter(roots))}/metadata.json" not in names:
                raise _refuse(
                    "not an Argos package: expected one top-level folder holding metadata.json", archive
                )
            root = next(iter(roots))
            if root.startswith(".") or root in ("..", ""):
                raise _refuse(f"refusing package folder name {root!r}", archive)
            for info in infos:
                _check_member(info, root, archive)
            unpacked = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos)
            if unpacked > max_bytes:
                raise _refuse(
                    f"the package unpacks to {unpacked // MEGABYTE} MB, more than the limit "
                    f"of {max_bytes // MEGABYTE} MB",
                    archive,
                    hint="raise [translate] max_package_mb if the package is genuine",
                )
            if unpacked > _BOMB_FLOOR and unpacked > BOMB_RATIO * max(packed, 1):
                raise _refuse(
                    f"refusing a zip bomb: {packed // 1024} kB of archive unpack to "
                    f"{unpacked // MEGABYTE} MB",
                    archive,
                )
            meta = bundle.getinfo(f"{root}/metadata.json")
            if meta.file_size > MEGABYTE:
                raise _refuse("package metadata.json is larger than 1 MB", archive)
            raw = bundle.read(meta)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise _refuse(f"damaged package archive: {exc}", archive) from exc
    try:
        metadata = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise _refuse(
            f"bad package metadata ({root}/metadata.json): {exc}",
            archive,
            hint="the archive is damaged or not an Argos package; nothing was installed",
        ) from exc
    problem = metadata_problem(metadata)
    if problem is not None:
        raise _refuse(f"{problem} ({root}/metadata.json)", archive, hint="nothing was installed")
    assert isinstance(metadata, dict)
    named = _NAME_PAIR.fullmatch(root)
    pair = (metadata["from_code"], metadata["to_code"])
    if named is not None and (named.group(1), named.group(2)) != pair:
        raise _refuse(
            f"the package folder {root} says {named.group(1)}->{named.group(2)}, "
            f"but its metadata.json says {pair[0]}->{pair[1]}",
            archive,
            hint="the archive is mislabelled; get it again from its publisher",
        )
    return root, metadata


def _check_collision(target: Path, metadata: Mapping[str, Any], archive: Path) -> None:
    """A same-named package may be replaced only by the same language pair and engine."""
    if not target.exists():
        return
    try:
        installed = read_package(target)
    except WorkflowError:
        return  # an unreadable folder: replacing it is the repair
    incoming = (
        str(metadata["from_code"]),
        str(metadata["to_code"]),
        str(metadata.get("pressroom_engine", "argos")),
    )
    if (installed.from_code, installed.to_code, installed.engine) != incoming:
        raise _refuse(
            f"a package named {target.name} is installed for {installed.from_code}->{installed.to_code} "
            f"({installed.engine}); this archive holds {incoming[0]}->{incoming[1]} ({incoming[2]})",
            archive,
            hint="remove the installed one first if you mean to replace it: "
            f"workflow.py models remove {target.name}",
        )


def _unpack(archive: Path, staging: Path, max_bytes: int) -> None:
    """Extract into ``staging``, counting the bytes really written (headers can lie)."""
    written = 0
    try:
        with zipfile.ZipFile(archive) as bundle:
            for info in bundle.infolist():
                target = staging / info.filename
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(info) as source, target.open("wb") as out:
                    while chunk := source.read(_CHUNK):
                        written += len(chunk)
                        if written > max_bytes:
                            raise _refuse(
                                f"the package unpacks to more than {max_bytes // MEGABYTE} MB", archive
                            )
                        out.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _refuse(f"cannot unpack the package: {exc}", archive) from exc


def _remove_stale(models_dir: Path) -> None:
    """Delete what a killed install or removal left behind (hidden, older than an hour)."""
    now = time.time()
    for child in models_dir.glob(".*-*"):
        if child.name.startswith((".staging-", ".replaced-", ".removing-")):
            with contextlib.suppress(OSError):
                if now - child.stat().st_mtime > _STALE_SECONDS:
                    shutil.rmtree(child, ignore_errors=True)


def _swap_in(fresh: Path, target: Path) -> None:
    """Put ``fresh`` where ``target`` is, by renames; the old folder is deleted afterwards."""
    if not target.exists():
        os.rename(fresh, target)
        return
    old = target.with_name(f".replaced-{target.name}-{secrets.token_hex(4)}")
    os.rename(target, old)
    try:
        os.rename(fresh, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def install_package(settings: TranslateSettings, archive: Path) -> InstalledPackage:
    """Install a local ``.argosmodel``; replaces an installed package of the same name and pair.

    See the module docstring: the archive is checked whole, unpacked into a hidden
    folder of the models folder and its model loaded before anything installed is
    touched; the swap is two renames.
    """
    root, metadata = _inspect_archive(archive, settings.max_package_bytes)
    models_dir = settings.models_dir
    target = models_dir / root
    _check_collision(target, metadata, archive)
    models_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale(models_dir)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=models_dir))
    try:
        _unpack(archive, staging, settings.max_package_bytes)
        package = read_package(staging / root)
        problems = package.problems()
        problem = load_problem(package, settings) if not problems else None
        if problem is not None:
            problems = [f"its model {problem}"]
        if problems:
            raise _refuse(
                f"not a usable package: {'; '.join(problems)}",
                archive,
                hint="the archive is damaged or incomplete; nothing was installed",
            )
        _check_collision(target, metadata, archive)  # again: another install may have finished meanwhile
        _swap_in(staging / root, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return read_package(target)


def remove_package(settings: TranslateSettings, name: str) -> InstalledPackage:
    """Uninstall the package folder ``name`` (an unreadable one too): rename it away, then delete."""
    installed, broken = scan_packages(settings.models_dir)
    by_name = {p.name: p for p in installed}
    target = settings.models_dir / name
    if name not in by_name and name not in broken:
        known = ", ".join(by_name) or "none installed"
        raise ModelMissingError(f"no installed package named {name!r}", hint=f"installed: {known}")
    package = by_name.get(name) or InstalledPackage(
        name=name, path=target, from_code="", to_code="", version="", engine="", target_prefix=""
    )
    trash = target.with_name(f".removing-{name}-{secrets.token_hex(4)}")
    os.rename(target, trash)
    shutil.rmtree(trash, ignore_errors=True)
    return package
