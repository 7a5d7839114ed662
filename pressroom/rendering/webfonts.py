"""Rendering, web fonts: each face as a WOFF2 subset of the characters a language's pages use.

Input: the plan's font faces and the text the pages can show (the language's
catalogs, the source articles and templates for the source language, dates, digits,
language names). Output: ``fonts/PR-<code>-<Style>.<key>.woff2`` in the build (the
key is the subset's hash, so a browser may cache it for good), declared for screens
with ``font-display: swap`` by ``lang.css.j2``; PDFs keep the full TrueType files.
Noto Nastaliq Urdu Regular goes from 570 KB to about 110 KB.

Subsetting Nastaliq takes seconds, so subsets are kept in a per-user cache
(``$PRESSROOM_CACHE_DIR``, else ``$XDG_CACHE_HOME/pressroom`` or
``~/.cache/pressroom``, folder ``fonts``) under the same key, and a build whose text did not change
copies nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..fsio import atomic_write
from .fonts import FontFace, subset_font
from .plan import Plan

# Always in a subset: ASCII, Latin-1 punctuation, General Punctuation (dashes, quotes,
# no-break spaces), the Arabic comma, semicolon, question mark, full stop, percent.
BASE_CODEPOINTS = frozenset(
    [*range(0x20, 0x7F), *range(0xA0, 0xC0), *range(0x2000, 0x2070), 0x060C, 0x061B, 0x061F, 0x066A, 0x06D4]
)


def cache_dir() -> Path:
    """Where subsets are kept between builds and projects."""
    if os.environ.get("PRESSROOM_CACHE_DIR"):
        return Path(os.environ["PRESSROOM_CACHE_DIR"]) / "fonts"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pressroom" / "fonts"


_CODEPOINTS: dict[tuple[object, ...], frozenset[int]] = {}
"""Characters per language, by the state of the files they come from (renders in one process)."""


def language_codepoints(plan: Plan, code: str) -> frozenset[int]:
    """Every character a page in ``code`` may show, besides :data:`BASE_CODEPOINTS`.

    Read again only when a catalog, source or template file changed.
    """
    project = plan.project
    folders = [project.translations_dir / c for c in (code, *project.targets)]
    folders += [project.source_dir, project.translations_dir / "templates"]
    files = sorted(path for folder in folders if folder.is_dir() for path in folder.iterdir())
    key = (code, project.root, repr(project.languages[code]), *((f, f.stat().st_mtime_ns) for f in files))
    if key not in _CODEPOINTS:
        if len(_CODEPOINTS) > 32:
            _CODEPOINTS.clear()
        _CODEPOINTS[key] = _read_codepoints(plan, code)
    return _CODEPOINTS[key]


def _read_codepoints(plan: Plan, code: str) -> frozenset[int]:
    from ..catalog import read_catalog
    from .locale import format_date, month_names

    project = plan.project
    language = project.languages[code]
    texts: list[str] = [language.digits, "0123456789", *month_names(language)]
    texts.extend(other.native_name for other in project.languages.values())
    texts.append(format_date(datetime.date(2000, 12, 28), language))
    folder = project.translations_dir / code
    if code == project.source_language:
        texts.extend(path.read_text("utf-8") for path in sorted(project.source_dir.glob("*.md")))
        templates = project.translations_dir / "templates"
        paths = sorted(templates.glob("*.pot")) if templates.is_dir() else []
        texts.extend(entry.msgid for path in paths for entry in read_catalog(path))
        # Latin runs inside every translation are set in the source language's face.
        for other in project.targets:
            other_folder = project.translations_dir / other
            for path in sorted(other_folder.glob("*.po")) if other_folder.is_dir() else []:
                texts.extend(entry.msgstr for entry in read_catalog(path))
    elif folder.is_dir():
        for path in sorted(folder.glob("*.po")):
            texts.extend(entry.msgstr for entry in read_catalog(path))
    return frozenset(ord(c) for text in texts for c in text) | BASE_CODEPOINTS


def web_font_files(plan: Plan, langs: Iterable[str]) -> tuple[dict[str, str], list[Path]]:
    """The WOFF2 subset of every face of ``langs``, written into ``fonts/``.

    Returns the file name of each face's subset (by CSS family) and the files written.
    """
    names: dict[str, str] = {}
    written: list[Path] = []
    folder = plan.output_dir / "fonts"
    for code in langs:
        codepoints = language_codepoints(plan, code)
        for face in plan.faces[code]:
            wanted = sorted(codepoints & set(face.codepoints)) if face.codepoints else sorted(codepoints)
            name, changed = write_subset(face, wanted, folder)
            names[face.family] = name
            if changed:
                written.append(folder / name)
    return names, written


def cached_subset(path: Path, codepoints: Sequence[int], *, flavor: str | None = None) -> tuple[Path, str]:
    """The font file at ``path`` cut to ``codepoints``, from the cache or made once; and its key.

    The key covers the file (path, size, modification time), the characters and the
    format, so a changed font or text makes a new subset and an unchanged one costs
    a file lookup.
    """
    stat = path.stat()
    digest = hashlib.sha256(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0{flavor}\0".encode())
    digest.update(",".join(map(str, codepoints)).encode())
    key = digest.hexdigest()[:16]
    cached = cache_dir() / f"{key}.{flavor or path.suffix.lstrip('.')}"
    if not cached.exists():
        data = subset_font(path, codepoints, flavor=flavor)
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(cached)
    return cached, key


def write_subset(face: FontFace, codepoints: Sequence[int], folder: Path) -> tuple[str, bool]:
    """Write ``face`` cut to ``codepoints`` as WOFF2 into ``folder``; returns (file name, written).

    Older subsets of the same face in ``folder`` are removed.
    """
    stem = Path(face.file_name).stem
    cached, key = cached_subset(face.path, codepoints, flavor="woff2")
    name = f"{stem}.{key}.woff2"
    target = folder / name
    for old in folder.glob(f"{stem}.*.woff2"):
        if old.name != name:
            old.unlink(missing_ok=True)
    if target.exists():
        return name, False
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, target)
    return name, True


def name_faces(plan: Plan) -> list[Path]:
    """``css/names.css``: each language's name in its own face, for the language switcher.

    A page loads the faces of its own language and the source language only; the
    other languages' names in the switcher fell back to a system font. Each gets a
    WOFF2 subset of its regular face holding just the glyphs of its name (a few KB).
    """
    from .fonts import faces_for

    project = plan.project
    rules: list[str] = ["/* Language names in the switcher, each in its own face (pressroom). */"]
    written: list[Path] = []
    folder = plan.output_dir / "fonts"
    for code in [project.source_language, *project.targets]:
        language = project.languages[code]
        regular = faces_for(language, plan.settings.font_dirs)[0]
        name_face = FontFace(
            lang=code, family=f"PR {code} Name", style_name="Name", weight=400, italic=False,
            path=regular.path,
        )
        codepoints = sorted({ord(c) for c in language.native_name} | {0x20})
        file_name, changed = write_subset(name_face, codepoints, folder)
        if changed:
            written.append(folder / file_name)
        rules.append(
            # Screens only: PDFs hide the switcher, and WeasyPrint would decode every face.
            f'@media screen {{ @font-face {{ font-family: "PR {code} Name"; '
            f'src: url("../fonts/{file_name}") format("woff2"); font-display: swap; }} }}\n'
            f'.language-switcher [lang|="{code}"] '
            f'{{ font-family: "PR {code} Name", "{regular.family}", serif; }}'
        )
    css = "\n".join(rules) + "\n"
    if atomic_write(plan.output_dir / "css" / "names.css", css):
        written.append(plan.output_dir / "css" / "names.css")
    return written
