"""Rendering, assets: the files every page shares, copied or generated into the build folder.

Input: the plan's font faces, ``render/css/site.css`` and ``print.css``, the
``lang.css.j2``, ``page.css.j2`` and ``content.css.j2`` templates. Output:
``fonts/PR-<code>-<Style>.*``, ``css/site.css``, ``css/print.css``,
``css/lang-<code>.css``, ``css/page-<code>[-draft].css`` and ``css/content.css`` (the
fallback faces, code, kept raw HTML, list numbering); files whose content did not
change are not rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import RenderError
from ..fsio import atomic_write
from ..site import iter_template_files, site_translations
from .fonts import FontFace, family_stack, unicode_range, weight_of
from .plan import Plan
from .templates import load_template, make_css_environment
from .watermark import TILE_MM, write_watermark
from .webfonts import cached_subset, name_faces, web_font_files

SCREEN_BASE_PX = 18.0
PHONE_BASE_PX = 17.0
PRINT_BASE_PT = 10.5


def write_assets(plan: Plan, langs: Iterable[str]) -> list[Path]:
    """Fonts, site CSS and per-language CSS into the output folder; returns files written."""
    written: list[Path] = []
    out = plan.output_dir
    for faces in (*plan.faces.values(), plan.fallback_faces, plan.code_faces):
        for face in faces:
            target = out / "fonts" / face.file_name
            if face.codepoints:
                if copy_if_changed(cached_subset(face.path, face.codepoints)[0], target):
                    written.append(target)
            elif copy_if_changed(face.path, target):
                written.append(target)
    templates = dict(iter_template_files(plan.project))
    for name in ("css/site.css", "css/print.css"):
        if name not in templates:
            raise RenderError(f"stylesheet render/{name} is missing", hint="restore it from pressroom")
        if atomic_write(out / name, templates[name].read_bytes()):
            written.append(out / name)
    web_files, web_written = web_font_files(plan, langs)
    written.extend(web_written)
    written.extend(name_faces(plan))
    env = make_css_environment(plan.project)
    source = plan.project.source_language
    latin = plan.faces[source]
    for code in langs:
        language = plan.project.languages[code]
        faces = plan.faces[code]
        chain = fallback_chain(plan)
        stacks = style_stacks(faces, latin if code != source else (), language.emphasis, chain)
        latin_stacks = style_stacks(latin, (), "Italic", chain)
        css = load_template(env, "lang.css.j2").render(
            lang=language,
            faces=faces,
            web_files=web_files,
            stacks=stacks,
            latin_stacks=latin_stacks,
            emphasis_weight=weight_of(language.emphasis),
            source=source,
            screen_base_px=SCREEN_BASE_PX,
            phone_base_px=PHONE_BASE_PX,
            print_base_pt=PRINT_BASE_PT,
            heading_line_height=max(1.3, language.line_height - 0.1),
        )
        if atomic_write(out / "css" / f"lang-{code}.css", css):
            written.append(out / "css" / f"lang-{code}.css")
        symbols = list(language.digits) if language.numbering != "latn" else []
        # Draft pages (and their watermark) exist only in a run that renders drafts.
        for draft in (False, True) if plan.include_drafts else (False,):
            mark = ""
            if draft:
                native = site_translations(plan.project, code, include_drafts=True).gettext(
                    "Unreviewed draft"
                )
                # An em dash, not a middle dot: in Persian a middle dot reads as the digit zero (۰).
                mark = _css_string(f"{native} — Unreviewed draft" if code != source else "Unreviewed draft")
            page_css = load_template(env, "page.css.j2").render(
                lang=language,
                stacks=stacks,
                counter_symbols=symbols,
                page_size=plan.settings.page_size,
                draft_mark=mark,
                watermark_tile=TILE_MM,
            )
            name = f"page-{code}{'-draft' if draft else ''}.css"
            if atomic_write(out / "css" / name, page_css):
                written.append(out / "css" / name)
    content = content_css(plan, langs)
    if atomic_write(out / "css" / "content.css", content):
        written.append(out / "css" / "content.css")
    if plan.include_drafts:
        written.extend(write_watermarks(plan, langs))
    return written


def write_watermarks(plan: Plan, langs: Iterable[str]) -> list[Path]:
    """``css/watermark-<code>.png`` per language: its "Unreviewed draft" (:mod:`.watermark`)."""
    written = []
    out = plan.output_dir
    source = plan.project.source_language
    for code in langs:
        language = plan.project.languages[code]
        text = site_translations(plan.project, code, include_drafts=True).gettext("Unreviewed draft")
        css_langs = [source] if code == source else [source, code]
        target = out / "css" / f"watermark-{code}.png"
        if write_watermark(
            target,
            text,
            lang=code,
            direction=language.direction,
            stylesheets=[out / "css" / f"lang-{c}.css" for c in css_langs],
            fonts=[out / "fonts" / f.file_name for c in css_langs for f in plan.faces[c]],
        ):
            written.append(target)
    return written


def fallback_chain(plan: Plan) -> list[str]:
    """Family names tried after a language's own faces: emoji, symbols, mathematics."""
    return [face.family for face in plan.fallback_faces]


COUNTER_STYLES = {"arab": "arabic-indic", "arabext": "persian", "deva": "devanagari", "beng": "bengali"}
"""CSS's ready-made counter style for a CLDR numbering system; others get their own."""


def content_css(plan: Plan, langs: Iterable[str]) -> str:
    """``css/content.css``: the fallback and code faces, code, kept raw HTML, list numbering.

    Code gets the code face, then the page language's faces and the fallback chain;
    ordered lists count in each language's digits (``numbering``), with CSS's own
    counter style where there is one (``persian``) and a generated one otherwise.
    """
    env = make_css_environment(plan.project)
    source = plan.project.source_language
    latin = [f.family for f in plan.faces[source] if f.style_name == "Regular"]
    faces = [*plan.fallback_faces, *plan.code_faces]
    languages = []
    for code in langs:
        language = plan.project.languages[code]
        own = [f.family for f in plan.faces[code] if f.style_name == "Regular"]
        # The generic family last and unquoted: quoted, it would name a font called "monospace".
        code_stack = family_stack(plan.code_faces, "Regular", [*own, *latin, *fallback_chain(plan)])
        code_stack += ", monospace"
        counter = "" if language.numbering == "latn" else COUNTER_STYLES.get(language.numbering, "")
        fallback = [*(latin if code != source else []), *fallback_chain(plan), "serif"]
        languages.append(
            {
                "code": code,
                "code_stack": code_stack,
                "bold_stack": family_stack(plan.faces[code], "Bold", fallback),
                "counter": counter or (f"pr-digits-{code}" if language.numbering != "latn" else ""),
                "digits": list(language.digits) if language.numbering != "latn" and not counter else [],
            }
        )
    return str(
        load_template(env, "content.css.j2").render(
            faces=faces,
            ranges={face.family: unicode_range(face.path) for face in faces},
            languages=languages,
        )
    )


def style_stacks(
    faces: Sequence[FontFace], latin: Sequence[FontFace], emphasis: str, chain: Sequence[str] = ()
) -> dict[str, str]:
    """CSS font-family values of one language per style, each falling back to faces of that weight.

    A character the language's face lacks is drawn by its punctuation fallback
    (``punctuation_files``), then by a Latin face, each of the nearest weight, then
    by the fallback ``chain`` (emoji, symbols), never by a Regular face made bold or
    slanted by the renderer. ``Emphasis`` is the style ``<em>`` uses.
    """
    text = [face for face in faces if not face.codepoints]
    punctuation = [face for face in faces if face.codepoints]

    def nearest(candidates: Sequence[FontFace], style: str) -> list[str]:
        upright = [f for f in candidates if f.italic == ("Italic" in style)] or list(candidates)
        if not upright:
            return []
        best = min(upright, key=lambda f: abs(f.weight - weight_of(style)))
        return [best.family]

    styles = {"Regular": "Regular", "Bold": "Bold", "Italic": "Italic", "BoldItalic": "BoldItalic",
              "Emphasis": emphasis}
    return {
        name: family_stack(
            text, style, [*nearest(punctuation, style), *nearest(latin, style), *chain, "serif"]
        )
        for name, style in styles.items()
    }


def _css_string(text: str) -> str:
    """``text`` as the body of a CSS string: anything but letters, digits and a little punctuation escaped."""
    return "".join(c if c.isalnum() or c in " —-,.:" else f"\\{ord(c):x} " for c in text)


def copy_if_changed(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target`` atomically unless a copy as large and as new is there."""
    try:
        if (
            target.stat().st_size == source.stat().st_size
            and target.stat().st_mtime_ns >= source.stat().st_mtime_ns
        ):
            return False
    except FileNotFoundError:
        pass
    # A unique temporary name per write: two renders at once must not share one.
    atomic_write(target, source.read_bytes(), only_if_changed=False)
    return True
