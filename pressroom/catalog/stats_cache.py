"""Catalog statistics kept between runs, so ``workflow.py status`` does not re-parse every catalog.

Input: the ``(lang, slug)`` pairs asked for; output: their :class:`~.stats.CatalogStats`,
from ``.cache/pressroom/catalog-stats.json`` (beside extract's state) when the bytes of
the file counted (the catalog, or the template when there is no catalog yet) hash as
when the entry was made, else from :func:`~.stats.catalog_stats`, which is then
remembered. A file whose size, modification and inode-change times and inode are as
when it was last hashed is not read again (at 5,000 articles reading and hashing every
catalog was 0.4 s of a 1 s ``status``): every write changes the inode-change time,
which no program can set back, and a signature is only kept for a file last changed
more than two seconds before, so two writes within one clock tick cannot pass for one
(git's "racy clean" rule). The cache wraps whatever ``catalog_stats`` returns: its fields are stored by
name, and a change to the counting code (the source of ``stats`` and ``conventions``)
drops every entry. A missing, unreadable or foreign cache file is simply rebuilt.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..fsio import atomic_write, read_if_present, settled, stat_signature
from ..project import Project, check_name
from . import conventions, stats
from .stats import CatalogStats

CACHE_PATH = Path(".cache") / "pressroom" / "catalog-stats.json"
"""Statistics cache, relative to the project root."""
_FORMAT = 2


def _code_fingerprint() -> str:
    """Hash of the counting code: new code, new counts."""
    digest = hashlib.blake2b(str(_FORMAT).encode(), digest_size=16)
    for module in (stats, conventions):
        if module.__file__ is not None:
            digest.update(Path(module.__file__).read_bytes())
    digest.update(repr([f.name for f in dataclasses.fields(CatalogStats)]).encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=4096)
def _checked(name: str, what: str) -> str:
    """``check_name`` once per name, not once per (language, article) pair."""
    return check_name(name, what=what)


def _stored(remembered: dict[str, Any]) -> CatalogStats | None:
    try:
        return _from_json(remembered["stats"])
    except (KeyError, TypeError):
        return None


def _to_json(item: CatalogStats) -> dict[str, Any]:
    return {f.name: _plain(getattr(item, f.name)) for f in dataclasses.fields(item)}


def _plain(value: Any) -> Any:
    return value.as_posix() if isinstance(value, Path) else value


def _from_json(fields: dict[str, Any]) -> CatalogStats:
    return CatalogStats(**{**fields, "path": Path(fields["path"])})


def cached_catalog_stats(project: Project, pairs: Iterable[tuple[str, str]]) -> list[CatalogStats]:
    """``catalog_stats`` for every ``(lang, slug)``, parsing only catalogs whose bytes changed.

    The cache is rewritten only when an entry was added or refreshed; entries of pairs
    not asked for stay, so ``status ARTICLE`` does not forget the others.
    """
    cache_path = project.root / CACHE_PATH
    fingerprint = _code_fingerprint()
    known: dict[str, Any] = {}
    try:
        payload = json.loads(cache_path.read_text("utf-8"))
        if isinstance(payload, dict) and payload.get("fingerprint") == fingerprint:
            known = payload.get("catalogs", {})
    except (OSError, ValueError):
        pass
    results: list[CatalogStats] = []
    changed = False
    # Plain strings, built once per folder: at 15,000 catalogs, Path objects and
    # Project.relative's resolve() cost more than reading and hashing the files.
    translations = str(project.translations_dir)
    templates = str(project.templates_dir)
    now = time.time_ns()
    for lang, slug in pairs:
        key = f"{_checked(lang, 'language')}/{_checked(slug, 'article')}"
        kind, path = "po", f"{translations}/{lang}/{slug}.po"
        signature = stat_signature(path)
        if signature is None:
            kind, path = "pot", f"{templates}/{slug}.pot"
            signature = stat_signature(path)
        remembered = known.get(key)
        if not isinstance(remembered, dict):
            remembered = {}
        item: CatalogStats | None = None
        if signature is not None and remembered.get("stat") == [kind, *signature]:
            item = _stored(remembered)
        if item is None:
            data = read_if_present(path) if signature is not None else None
            digest = hashlib.blake2b(data, digest_size=16).hexdigest() if data is not None else "missing"
            counted = f"{kind}:{digest}"
            if remembered.get("file") == counted:
                item = _stored(remembered)
            if item is None:
                item = stats.catalog_stats(project, lang, slug)  # looked up now: tests replace it
            trusted = settled(signature, now)
            stat = [kind, *trusted] if trusted else None
            known[key] = {"file": counted, "stat": stat, "stats": _to_json(item)}
            changed = True
        results.append(item)
    if changed:
        text = json.dumps({"format": _FORMAT, "fingerprint": fingerprint, "catalogs": known}, sort_keys=True)
        atomic_write(cache_path, text)
    return results
