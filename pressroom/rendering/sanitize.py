"""Rendering, sanitize: the HTML of an article's blocks -> only the structure that is safe to keep.

Input: markdown-it's HTML for one or more blocks, raw HTML of the source (and of
msgstrs) included. Output: the same HTML through nh3, the bindings of the Ammonia
sanitizer, with the allow-list below. Everything the Markdown renderer itself writes
is on it; so is the safe structure articles carry (``details``/``summary``,
``figure``/``figcaption``, ``aside``, ``sup``/``sub``, ``abbr``, ``br``) and
``iframe`` embeds from the hosts of ``[render] embed_hosts``. Scripts, styles,
forms, event handlers (``on*``), ``style`` attributes (but a table cell's
``text-align``), ``javascript:`` and ``data:`` URLs and everything not listed are
dropped; :data:`~pressroom.rawhtml.DROPPED_WITH_CONTENT` go with their content.
nh3 is imported inside the functions: the CLI's ``--help`` does not pay for it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..rawhtml import DROPPED_WITH_CONTENT

if TYPE_CHECKING:
    import nh3

MARKDOWN_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "pre", "code", "em",
     "strong", "s", "a", "img", "hr", "br", "table", "thead", "tbody", "tr", "th", "td"}
)
"""What markdown-it writes for CommonMark, GFM tables and strikethrough."""

STRUCTURE_TAGS = frozenset(
    {"details", "summary", "figure", "figcaption", "aside", "sup", "sub", "abbr", "iframe",
     "b", "i", "kbd", "samp", "var", "mark", "small", "del", "ins", "q", "cite", "dfn", "time",
     "dl", "dt", "dd", "caption", "div", "span", "wbr"}
)
"""Safe structure raw HTML may add: the issue's list, and inline formatting a reader sees."""

KEPT_TAGS = MARKDOWN_TAGS | STRUCTURE_TAGS

KEPT_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "td": {"colspan", "rowspan", "style"},
    "details": {"open"},
    "time": {"datetime"},
    "abbr": set(),
    "iframe": {"src", "width", "height", "allowfullscreen"},
}
"""Attributes kept per tag (``*``: on every kept tag). ``style`` only with ``text-align``."""

URL_SCHEMES = frozenset({"http", "https", "mailto"})
"""Schemes allowed in ``href`` and ``src``; relative URLs pass (images are checked later)."""

_DIRECTIONS = frozenset({"ltr", "rtl", "auto"})

_REFUSED: list[str] = []
"""iframe sources refused by the last :func:`sanitize_html` call (for its warnings)."""


def embed_allowed(src: str, embed_hosts: Sequence[str]) -> bool:
    """Whether an iframe may show ``src``: https on one of ``embed_hosts`` exactly."""
    parts = urlsplit(src.strip())
    return parts.scheme == "https" and (parts.hostname or "").lower() in embed_hosts


def _attribute_filter(embed_hosts: tuple[str, ...]) -> Callable[[str, str, str], str | None]:
    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "iframe" and attribute == "src":
            if embed_allowed(value, embed_hosts):
                return value
            _REFUSED.append(value)
            return None
        if attribute == "dir":
            return value.lower() if value.lower() in _DIRECTIONS else None
        return value

    return keep


@functools.lru_cache(maxsize=8)
def _cleaner(embed_hosts: tuple[str, ...]) -> nh3.Cleaner:
    import nh3

    return nh3.Cleaner(
        tags=set(KEPT_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT - KEPT_TAGS),
        attributes={tag: set(names) for tag, names in KEPT_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter(embed_hosts),
        strip_comments=True,
        link_rel=None,
        url_schemes=set(URL_SCHEMES),
        filter_style_properties={"text-align"},
    )


def sanitize_html(html_text: str, embed_hosts: Sequence[str] = ()) -> tuple[str, list[str]]:
    """``html_text`` with only the allow-list kept, and the iframe sources it refused."""
    _REFUSED.clear()
    cleaned = _cleaner(tuple(host.lower() for host in embed_hosts)).clean(html_text)
    refused = list(_REFUSED)
    _REFUSED.clear()
    return cleaned, refused
