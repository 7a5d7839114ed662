"""Rendering, rewrite: sanitized block HTML -> the HTML a page carries, for screen and paper.

Input: the HTML of one group of blocks after :mod:`.sanitize`, and the page's
``env`` (article file, project root, the media and warnings sinks). Output: the same
HTML with

- every image resolved the same way, from Markdown or raw HTML: a local file inside
  the project is copied into the build (``env["media"]``), anything remote or
  missing becomes a placeholder and a warning, so a page never fetches another host;
- each kept ``<iframe>`` wrapped with a caption that links its source (on paper,
  where an iframe cannot play, the captioned link is what remains);
- code (``<pre>``, ``<code>``, ``<kbd>``) isolated left to right, ``dir="ltr"``;
- an ordered list's ``start`` also as ``counter-reset`` (WeasyPrint counts from 1
  otherwise).
"""

from __future__ import annotations

import hashlib
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_LTR_TAGS = frozenset({"pre", "code", "kbd", "samp"})
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def _start_tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = [tag]
    for name, value in attrs:
        parts.append(name if value is None else f'{name}="{html.escape(value, quote=True)}"')
    return "<" + " ".join(parts) + ">"


def placeholder(alt: str) -> str:
    """What stands for an image that is not in the build: its alt text in a dashed box."""
    label = html.escape(alt) if alt else "image"
    return f'<span class="image-placeholder" role="img" aria-label="{label}">[{label}]</span>'


def resolve_image(src: str, alt: str, title: str | None, env: dict[str, Any]) -> str:
    """An ``<img>`` of a local file copied into the build, or a placeholder and a warning."""
    article_path: Path = env["article_path"]
    where = f"{article_path.name}:{int(env.get('block_line', 0)) + int(env.get('body_line', 1))}"
    if not src:
        return placeholder(alt)
    if _REMOTE.match(src):
        env["warnings"].append(
            f"{where}: remote image {src} not fetched "
            "(hint: copy it next to the article and link it by relative path)"
        )
        return placeholder(alt)
    local = (article_path.parent / unquote(src.split("#")[0].split("?")[0])).resolve()
    root: Path = env["project_root"]
    if not local.is_file() or not local.is_relative_to(root.resolve()):
        env["warnings"].append(f"{where}: image {src} not found inside the project")
        return placeholder(alt)
    name = f"{hashlib.sha256(str(local).encode()).hexdigest()[:10]}-{local.name}"
    env["media"][local] = name
    title_attr = f' title="{html.escape(title)}"' if title else ""
    return f'<img src="../media/{html.escape(name)}" alt="{html.escape(alt)}"{title_attr}>'


def embed_caption(src: str, title: str) -> str:
    """The caption of an embed: its title (translated like any text) and a link to its source."""
    link = f'<a href="{html.escape(src)}" dir="ltr">{html.escape(src)}</a>'
    label = f'<span class="embed-title">{html.escape(title)}</span> ' if title else ""
    return f'<span class="embed-link">{label}{link}</span>'


class _Rewriter(HTMLParser):
    """Re-emits sanitized HTML, changing images, iframes, code and list starts only."""

    def __init__(self, env: dict[str, Any]) -> None:
        super().__init__(convert_charrefs=False)
        self.env = env
        self.out: list[str] = []
        self.in_iframe = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.in_iframe:
            return
        if tag == "img":
            src = values.get("src") or ""
            self.out.append(resolve_image(src, values.get("alt") or "", values.get("title"), self.env))
            return
        if tag == "iframe":
            src = values.get("src") or ""
            self.in_iframe += 1
            if not src:  # the sanitizer refused its source: nothing left to show
                return
            kept = [(n, v) for n, v in attrs if n != "title"]
            title = values.get("title") or ""
            kept += [("title", title or (urlsplit(src).hostname or "embed")), ("loading", "lazy")]
            kept += [("sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups")]
            kept += [("referrerpolicy", "strict-origin-when-cross-origin")]
            self.out.append('<span class="embed">' + _start_tag("iframe", kept) + "</iframe>")
            self.out.append(embed_caption(src, title) + "</span>")
            return
        if tag in _LTR_TAGS and "dir" not in values:
            attrs = [*attrs, ("dir", "ltr")]
            self.out.append(_start_tag(tag, attrs))
            return
        if tag == "ol" and (values.get("start") or "1").strip() not in ("", "1"):
            try:
                start = int(values.get("start") or "1")
            except ValueError:
                start = 1
            self.out.append(_start_tag(tag, [*attrs, ("style", f"counter-reset: list-item {start - 1}")]))
            return
        self.out.append(self.get_starttag_text() or _start_tag(tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.handle_starttag(tag, attrs)
        elif not self.in_iframe:
            self.out.append(self.get_starttag_text() or _start_tag(tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "iframe":
            self.in_iframe = max(0, self.in_iframe - 1)
            return
        if not self.in_iframe and tag not in _VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.in_iframe:
            self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        if not self.in_iframe:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self.in_iframe:
            self.out.append(f"&#{name};")


def rewrite_html(html_text: str, env: dict[str, Any]) -> str:
    """Sanitized block HTML as the page carries it (see the module docstring)."""
    rewriter = _Rewriter(env)
    rewriter.feed(html_text)
    rewriter.close()
    return "".join(rewriter.out)
