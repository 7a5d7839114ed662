"""Rendering, Markdown: an article body (English or rebuilt translation) -> HTML blocks.

Input: Markdown text and an ``env`` naming the article file, the project root and
the sinks for media and warnings. Output: the HTML of each top-level block, so the
bilingual page can pair the original's blocks with the translation's. Raw HTML is
off, so nothing in a msgstr becomes markup; local images are collected into
``env["media"]`` for copying, remote ones become a placeholder and a warning.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


def make_markdown() -> MarkdownIt:
    """CommonMark with tables, raw HTML off: a msgstr can never inject markup.

    markdown-it's ``validateLink`` turns ``javascript:``/``vbscript:``/``file:`` and
    non-image ``data:`` links into plain text.
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "linkify": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("image", _render_image)
    return md


_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def _render_image(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: dict[str, Any]) -> str:
    """Local images are copied into the build; remote ones become a placeholder and a warning."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    src = str(token.attrGet("src") or "")
    article_path: Path = env["article_path"]
    media: dict[Path, str] = env["media"]
    if src.lower().startswith("data:image/"):
        return f'<img src="{html.escape(src)}" alt="{html.escape(alt)}">'
    if _REMOTE.match(src):
        env["warnings"].append(
            f"{article_path.name}:{_token_line(tokens, idx, env)}: remote image {src} not fetched "
            "(hint: copy it next to the article and link it by relative path)"
        )
        return _placeholder(alt)
    from urllib.parse import unquote

    local = (article_path.parent / unquote(src.split("#")[0].split("?")[0])).resolve()
    root: Path = env["project_root"]
    if not local.is_file() or not local.is_relative_to(root.resolve()):
        env["warnings"].append(
            f"{article_path.name}:{_token_line(tokens, idx, env)}: image {src} not found inside the project"
        )
        return _placeholder(alt)
    name = f"{hashlib.sha256(str(local).encode()).hexdigest()[:10]}-{local.name}"
    media[local] = name
    title = token.attrGet("title")
    title_attr = f' title="{html.escape(str(title))}"' if title else ""
    return f'<img src="../media/{html.escape(name)}" alt="{html.escape(alt)}"{title_attr}>'


def _token_line(tokens: Sequence[Any], idx: int, env: dict[str, Any]) -> int:
    line = int(env.get("block_line", 0))
    return line + int(env.get("body_line", 1))


def _placeholder(alt: str) -> str:
    label = html.escape(alt) if alt else "image"
    return f'<span class="image-placeholder" role="img" aria-label="{label}">[{label}]</span>'


def markdown_blocks(md: MarkdownIt, text: str, env: dict[str, Any]) -> list[str]:
    """HTML of each top-level block of ``text`` (paragraph, heading, list, table ...)."""
    tokens = md.parse(text, env)
    blocks: list[str] = []
    start = 0
    depth = 0
    for index, token in enumerate(tokens):
        depth += token.nesting
        if depth == 0:
            chunk = tokens[start : index + 1]
            if chunk[0].map:
                env["block_line"] = chunk[0].map[0]
            blocks.append(md.renderer.render(chunk, md.options, env))
            start = index + 1
    return blocks
