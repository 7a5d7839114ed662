"""Catalog bytes <-> text: the charset a catalog declares, honoured and checked.

Input: the raw bytes of a PO/POT file (``read_catalog``) or the text of one to be
written (``io.format_catalogs``). Output: its text, decoded with the charset its header
entry declares, or its bytes in that charset. GNU tools treat a catalog's bytes as
its header says; so does this module, with three refusals that would otherwise
damage a catalog silently on its way through GNU ``msgcat``:

- a NUL byte (msgcat cuts the text at it);
- a declaration that contradicts the bytes: ``charset=ISO-8859-1`` on UTF-8 text
  would come back with every msgstr double-encoded (``رپورٹر`` -> ``Ø±Ù¾Ù...``);
- bytes the declared charset cannot decode, or text it cannot encode.

Each is a ``CatalogError`` at the line concerned (the ``Content-Type`` line for a
declaration), with a hint.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import CatalogError
from ..fsio import decode_utf8

UTF8 = "UTF-8"
_DECLARATION = re.compile(rb'^[ \t]*"Content-Type:[^"\n]*?charset=([^\s";\\]+)', re.MULTILINE)
_TEXT_DECLARATION = re.compile(r"charset\s*=\s*([^\s;]+)", re.IGNORECASE)
_FIRST_MSGID = re.compile(rb'^[ \t]*msgid[ \t]+"(.?)', re.MULTILINE)
_CONVERT = "msgconv -t UTF-8 -o FILE FILE"


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _is_utf8(name: str) -> bool:
    return name.lower().replace("-", "").replace("_", "") == "utf8"


def _codec(name: str, *, path: Path | None, line: int | None) -> codecs.CodecInfo:
    try:
        return codecs.lookup(name)
    except LookupError as exc:
        raise CatalogError(
            f"unknown charset {name!r} in the header",
            path=path,
            line=line,
            hint='declare the file\'s real charset, normally "Content-Type: text/plain; charset=UTF-8\\n"',
        ) from exc


def declared_charset(raw: bytes) -> tuple[str | None, int | None]:
    """The charset the header entry declares and the line of its ``Content-Type``, or (None, None).

    Only a declaration in the header entry counts (as for GNU): one that comes after
    the first non-empty msgid belongs to an ordinary message. ``CHARSET``, the
    placeholder of a fresh template, declares nothing.
    """
    found = _DECLARATION.search(raw)
    if found is None:
        return None, None
    for msgid in _FIRST_MSGID.finditer(raw, 0, found.start()):
        if msgid.group(1) != b'"':
            return None, None
    name = found.group(1).decode("ascii", "replace")
    if name.upper() == "CHARSET":
        return None, None
    return name, _line_of(raw, found.start())


def decode_catalog(raw: bytes, path: Path) -> str:
    """The text of a catalog's ``raw`` bytes, in the charset it declares (UTF-8 when none)."""
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise CatalogError(
            "NUL byte in the catalog (GNU gettext would cut the text at it)",
            path=path,
            line=_line_of(raw, nul),
            hint="remove the invisible \\0 character from this line "
            "(an editor that shows control characters helps)",
        )
    name, line = declared_charset(raw)
    if name is None or _is_utf8(name) or raw.isascii():
        return decode_utf8(raw, path, error=CatalogError).removeprefix("\ufeff")
    codec = _codec(name, path=path, line=line)
    if codec.name != "utf-8" and _looks_utf8(raw):
        raise CatalogError(
            f"the header declares charset={name}, but the file's bytes are UTF-8",
            path=path,
            line=line,
            hint="if the text reads correctly as UTF-8, change this line to "
            '"Content-Type: text/plain; charset=UTF-8\\n"; if it really is '
            f"{name}, convert it: {_CONVERT}",
        )
    try:
        return raw.decode(codec.name)
    except UnicodeDecodeError as exc:
        raise CatalogError(
            f"not valid {name} (byte 0x{raw[exc.start]:02x}), the charset the header declares",
            path=path,
            line=_line_of(raw, exc.start),
            hint=f"fix the byte, or the declaration on line {line}",
        ) from exc


def _looks_utf8(raw: bytes) -> bool:
    """Whether non-ASCII ``raw`` is valid UTF-8: text in a legacy charset practically never is."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def text_charset(content_type: str, *, placeholder: bool = False) -> str:
    """The charset named by a ``Content-Type`` header value (UTF-8 when it names none).

    With ``placeholder``, a template's ``CHARSET`` is returned as such (not UTF-8).
    """
    found = _TEXT_DECLARATION.search(content_type)
    if found is None or (found.group(1).upper() == "CHARSET" and not placeholder):
        return UTF8
    return found.group(1)


def same_charset(one: str, other: str) -> bool:
    """Whether two charset names name one encoding (``UTF-8``, ``utf8``, ``UTF_8``)."""
    try:
        return codecs.lookup(one).name == codecs.lookup(other).name
    except LookupError:
        return one.lower() == other.lower()


def encode_catalog(text: str, charset: str, *, path: Path | None = None) -> bytes:
    """``text`` in ``charset``; a character it cannot hold is an error naming it."""
    codec = _codec(charset, path=path, line=None)
    try:
        return text.encode(codec.name)
    except UnicodeEncodeError as exc:
        raise CatalogError(
            f"{text[exc.start]!r} cannot be written in {charset}, the charset the catalog declares",
            path=path,
            hint=f"convert the catalog to UTF-8 first: {_CONVERT}",
        ) from exc
