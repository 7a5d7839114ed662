"""Rendering, markdown: an article body (English or rebuilt translation) -> HTML blocks.

Input: Markdown text and an ``env`` naming the article file, the project root, the
sinks for media and warnings, and for a translation its language and the texts left
untranslated. Output: the HTML of each top-level block (a raw HTML element left open
across blocks, ``<details>`` around Markdown paragraphs, keeps them in one), so the
bilingual page can pair the original's blocks with the translation's.

Raw HTML is parsed (the source's and a msgstr's alike) and every block goes through
the allow-list sanitizer (:mod:`.sanitize`) and then :mod:`.rewrite` (images, embeds,
code direction). Before rendering, the tokens get what the reader's language needs:
a unit left untranslated in a draft becomes one ``lang="en" dir="ltr"`` element,
whatever its line breaks, and a table cell holding only a number is written in the
language's digits and separators (:mod:`.numbers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .numbers import localize_number
from .rewrite import rewrite_html
from .sanitize import sanitize_html

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

_TEXT_BLOCKS = ("paragraph_open", "heading_open", "th_open", "td_open")


def make_markdown() -> MarkdownIt:
    """CommonMark with tables and strikethrough, raw HTML parsed (and sanitized per block).

    markdown-it's ``validateLink`` turns ``javascript:``/``vbscript:``/``file:`` and
    non-image ``data:`` links into plain text; the sanitizer drops the rest.
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "typographer": False, "linkify": False})
    md.enable(["table", "strikethrough"])
    md.core.ruler.push("pressroom_reader", _for_the_reader)
    return md


def _for_the_reader(state: StateCore) -> None:
    """Untranslated units marked English, number-only cells in the reader's digits."""
    from ..segment import join_soft_breaks

    untranslated: frozenset[str] = state.env.get("untranslated", frozenset())
    language = state.env.get("language")
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "inline" or index == 0 or tokens[index - 1].type not in _TEXT_BLOCKS:
            continue
        opener = tokens[index - 1]
        if untranslated and join_soft_breaks(token.content) in untranslated:
            _mark_english(opener, token, state.env.get("source_lang", "en"))
        elif language is not None and opener.type in ("th_open", "td_open"):
            children = token.children or []
            if len(children) == 1 and children[0].type == "text":
                children[0].content = localize_number(children[0].content, language)


def _mark_english(opener: Token, inline: Token, source_lang: str) -> None:
    """One left-to-right unit in the source language: the block itself, or a span in a tight list."""
    if not opener.hidden:
        opener.attrSet("lang", source_lang)
        opener.attrSet("dir", "ltr")
        return
    from markdown_it.token import Token

    opening = Token("html_inline", "", 0, content=f'<span lang="{source_lang}" dir="ltr">')
    inline.children = [opening, *(inline.children or []), Token("html_inline", "", 0, content="</span>")]


def markdown_blocks(md: MarkdownIt, text: str, env: dict[str, Any]) -> list[str]:
    """HTML of each top-level block of ``text`` (paragraph, heading, list, table ...), sanitized."""
    from ..rawhtml import open_elements

    tokens = md.parse(text, env)
    blocks: list[str] = []
    start = 0
    depth = 0
    open_html = 0
    for index, token in enumerate(tokens):
        depth += token.nesting
        if token.type == "html_block" and depth == 0:
            open_html = max(0, open_html + open_elements(token.content))
        if depth == 0 and open_html == 0:
            blocks.append(_render_group(md, tokens[start : index + 1], env))
            start = index + 1
    if start < len(tokens):  # raw HTML left open at the end: the rest is one group
        blocks.append(_render_group(md, tokens[start:], env))
    return blocks


def _render_group(md: MarkdownIt, chunk: Sequence[Token], env: dict[str, Any]) -> str:
    if chunk[0].map:
        env["block_line"] = chunk[0].map[0]
    raw = md.renderer.render(chunk, md.options, env)
    cleaned, refused = sanitize_html(raw, env.get("embed_hosts", ()))
    line = int(env.get("block_line", 0)) + int(env.get("body_line", 1))
    for src in refused:
        env["warnings"].append(
            f"{env['article_path'].name}:{line}: embed {src} dropped "
            "(hint: add its host to [render] embed_hosts in workflow.toml if it is to be shown)"
        )
    return rewrite_html(cleaned, env)
