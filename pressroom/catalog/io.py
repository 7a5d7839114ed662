"""Catalog files: reading PO/POT text into polib's model and writing it back canonically.

Input: ``translations/templates/<slug>.pot`` and ``translations/<lang>/<slug>.po``.
Output: ``polib.POFile`` objects (``read_catalog``), or files written atomically in the
exact form GNU ``msgcat`` gives them (``write_catalog``), so that a catalog read and
written unchanged is the same bytes, whichever tool wrote it: its charset
(:mod:`~pressroom.catalog.charset`), header field order, header comments and unknown
fields are kept. Broken files raise ``CatalogError`` with ``path:line``, as GNU's
parser reports them.
"""

from __future__ import annotations

import codecs
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import polib

from ..errors import CatalogError
from ..fsio import atomic_write, read_bytes
from .canonical import joined_comment, read_canonical
from .charset import UTF8, decode_catalog, encode_catalog, same_charset, text_charset
from .syntax import check_syntax

# --------------------------------------------------------------------------- reading


def read_catalog(path: Path) -> polib.POFile:
    """Read a PO or POT file, raising ``CatalogError`` with ``path:line`` when it is broken.

    The one PO reader of the workflow. Catalogs this workflow writes are
    msgcat-canonical, and a strict reader of that form (``canonical.read_canonical``) gives
    them the entries polib would give at a fraction of polib's cost (reading was a
    third of a review's time). Whatever it does not recognise, including every broken
    file, takes the general path (:func:`_read_general`): GNU's lexical checks, polib,
    duplicate checks. Both paths give the same ``POFile``; ``tests/test_catalog_io.py``
    holds them to each other, to polib and to GNU ``msgfmt``.

    The file is never modified. It is decoded in the charset its header declares; a
    declaration the bytes contradict, bytes invalid in it, NUL bytes, lexical errors
    (unterminated strings, unknown keywords, invalid escapes such as ``\\q``),
    structural errors and duplicate message definitions (an obsolete entry repeating a
    live one included, as for GNU) are all reported at the line they occur on. polib
    would read a missing path as PO text; here a missing file is an error. A catalog
    without a header entry keeps the translator comment of its first entry on that
    entry (polib would take it for the file's header comment).
    """
    if not path.is_file():
        raise CatalogError(
            "no such catalog" if not path.exists() else "not a file",
            path=path,
            hint="run `workflow.py extract` to create the catalogs",
        )
    text = decode_catalog(read_bytes(path, error=CatalogError), path)
    po = read_canonical(text)
    if po is None:
        po = _read_general(text, path)
    po.fpath = str(path)
    return po


_FIRST_KEYWORD = re.compile(r'^[ \t]*(msgctxt|msgid)[ \t]+"(.*)"[ \t]*$', re.MULTILINE)


def _keep_leading_empty_comments(text: str, po: polib.POFile) -> None:
    """Put back the empty ``#`` lines that open a header comment (Transifex writes one); polib drops them."""
    if not po.header:
        return
    lines = text.lstrip("\ufeff").split("\n")
    count = 0
    while count < len(lines) and lines[count].rstrip() == "#":
        count += 1
    rest = "\n".join(line[2:] for line in lines[count:] if line.startswith("#"))
    if count and rest.startswith(po.header):
        po.header = "\n" * count + po.header


def _keep_first_comment(text: str, po: polib.POFile) -> None:
    """Give a header-less catalog's first entry back its translator comment.

    polib reads the comment above the first entry as the file's header comment when
    there is no header entry, and writing would move it there for good.
    """
    if not po.header or not len(po):
        return
    first = _FIRST_KEYWORD.search(text)
    if first is None:
        return
    header_entry = first.group(1) == "msgid" and first.group(2) == ""
    if header_entry and text[first.end() :].lstrip().startswith("msgstr"):
        return  # a real header entry: the comment is the header's
    entry = po[0]
    entry.tcomment = po.header + ("\n" + entry.tcomment if entry.tcomment else "")
    po.header = ""


def _read_general(text: str, path: Path) -> polib.POFile:
    """Any PO text polib reads, checked first as GNU's parser would check it."""
    check_syntax(text, path)
    if not text.endswith("\n"):
        text += "\n"  # also keeps polib from ever taking the text for a file name
    try:
        po = polib.pofile(text, encoding="utf-8", wrapwidth=0)
    except (OSError, ValueError) as exc:
        message = str(exc)
        found = re.search(r"\(line (\d+)\)(?::\s*(.*))?", message)
        line = int(found.group(1)) if found else None
        what = (found.group(2) if found and found.group(2) else "syntax error") if found else message
        raise CatalogError(
            what,
            path=path,
            line=line,
            hint="compare with `msgfmt -c` on the file; fix it in a PO editor",
        ) from exc
    seen: dict[tuple[str | None, str], polib.POEntry] = {}
    for entry in po:
        key = (entry.msgctxt, entry.msgid)
        first = seen.setdefault(key, entry)
        if first is entry:
            continue
        old = entry if entry.obsolete else first if first.obsolete else None
        what = f"delete the obsolete (#~) one at line {old.linenum}" if old else "keep one of the two entries"
        raise CatalogError(
            "duplicate message definition" + (" (an obsolete entry repeats a live one)" if old else ""),
            path=path,
            line=entry.linenum,
            hint=f"the first definition is at line {first.linenum}; {what}",
        )
    _restore_obsolete_previous(po, text)
    correct_polib(text, po)
    return po


def correct_polib(text: str, po: polib.POFile) -> None:
    """Put back what polib's reading of ``text`` loses and GNU keeps (see ``read_catalog``)."""
    _keep_first_comment(text, po)
    _keep_leading_empty_comments(text, po)
    _keep_empty_comment_lines(text, po)


_EMPTY_COMMENT = re.compile(r"^#\.?[ \t]*$", re.MULTILINE)


def _keep_empty_comment_lines(text: str, po: polib.POFile) -> None:
    """Put back the empty ``#`` and ``#.`` lines of entries' comments: polib drops them."""
    if _EMPTY_COMMENT.search(text) is None:
        return
    lines = text.split("\n")
    for entry in po:
        start = entry.linenum - 1
        if not 0 <= start < len(lines):
            continue
        # polib starts an entry after the empty comment lines that open it: step back
        # over them, so both the lines and the entry's line number are the file's.
        while start > 0 and _EMPTY_COMMENT.match(lines[start - 1]):
            start -= 1
        if start != entry.linenum - 1:
            entry.linenum = start + 1
        kinds: dict[str, list[str]] = {"#": [], "#.": []}
        for line in lines[start:]:
            if not line.startswith("#") or line.startswith("#~ "):
                break
            kind = line.split(" ", 1)[0]
            if kind in kinds:
                kinds[kind].append(line.split(" ", 1)[1].strip() if " " in line else "")
        for kind, attribute in (("#", "tcomment"), ("#.", "comment")):
            found = kinds[kind]
            if "" in found and [part for part in found if part] == [
                part for part in getattr(entry, attribute).split("\n") if part
            ]:
                setattr(entry, attribute, joined_comment(found))


_PREVIOUS_LINE = re.compile(r'#~\|\s*(msgctxt|msgid)?\s*"(.*)"\s*$')


def _restore_obsolete_previous(po: polib.POFile, text: str) -> None:
    """Attach ``#~| msgid`` lines to obsolete entries: polib 1.2 drops them on reading."""
    if "#~|" not in text:
        return
    obsolete = iter(po.obsolete_entries())
    fields: dict[str, str] = {}
    current: str | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        match = _PREVIOUS_LINE.match(stripped)
        if match is not None:
            if match.group(1) is not None:
                current = match.group(1)
                fields[current] = ""
            if current is not None:
                fields[current] += polib.unescape(match.group(2))
        elif re.match(r"#~\s*msgid\b", stripped):
            entry = next(obsolete, None)
            if entry is not None and fields:
                entry.previous_msgctxt = fields.get("msgctxt", entry.previous_msgctxt)
                entry.previous_msgid = fields.get("msgid", entry.previous_msgid)
            fields, current = {}, None


# --------------------------------------------------------------------------- writing


def _header_text(po: polib.POFile) -> str:
    """The header entry as the file had it: comments verbatim, fields in their order.

    polib writes the standard fields first, and a header comment line starting with
    ``,`` as a flag line (``# , fuzzy`` would become a real fuzzy flag); GNU keeps both
    as they were. A catalog without a header entry gets none.
    """
    if not (po.header or po.metadata or po.metadata_is_fuzzy):
        return ""
    lines = [f"# {line}" if line else "#" for line in po.header.split("\n")] if po.header else []
    if po.metadata_is_fuzzy:
        flags = po.metadata_is_fuzzy if isinstance(po.metadata_is_fuzzy, list) else ["fuzzy"]
        lines.append("#, " + ", ".join(flags))
    lines += ['msgid ""', 'msgstr ""']
    for key, value in po.metadata.items():
        value = "\n".join(part.strip() for part in value.split("\n"))
        lines.append(f'"{polib.escape(f"{key}: {value}")}\\n"')
    return "\n".join(lines) + "\n"


def _raw_text(po: polib.POFile) -> str:
    """Valid but unwrapped PO text; GNU msgcat gives it its final form."""
    entries = [*(e for e in po if not e.obsolete), *po.obsolete_entries()]
    header = _header_text(po)
    parts = [header] if header else []
    parts += [entry.__unicode__(0) for entry in entries]
    return "\n".join(parts) + "\n"


def _charset(po: polib.POFile) -> str:
    """The charset ``po`` is written in: the one its header declares, else UTF-8.

    A catalog without a declaration gets one when it needs one: GNU reads text
    without a charset as ASCII and refuses anything else, and ``msgfmt -c`` refuses a
    catalog without a header entry.
    """
    declared = po.metadata.get("Content-Type")
    if declared is not None:
        return text_charset(declared)
    if not _header_text(po) or not _raw_text(po).isascii():
        po.metadata["Content-Type"] = f"text/plain; charset={UTF8}"
        po.metadata.setdefault("Content-Transfer-Encoding", "8bit")
    return UTF8


def _msgcat(texts: Sequence[bytes], *, placeholder: bool = False) -> list[bytes]:
    """What GNU msgcat writes for each catalog text (all in one charset), in one msgcat run."""
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        raise CatalogError(
            "GNU msgcat is not installed; it gives catalogs their canonical form",
            hint="install GNU gettext (apt-get install gettext)",
        )
    alone = len(texts) == 1
    parts = [text if alone else b'domain "d%d"\n\n%s\n' % (index, text) for index, text in enumerate(texts)]
    # msgcat accepts a template's charset=CHARSET placeholder only alone, in a .pot file
    with tempfile.NamedTemporaryFile(suffix=".pot" if placeholder else ".po") as batch:
        batch.write(b"".join(parts))
        batch.flush()
        result = subprocess.run([msgcat, batch.name], capture_output=True, check=False)
    if result.returncode != 0:
        raise CatalogError(
            "GNU msgcat rejected a generated catalog: " + result.stderr.decode("utf-8", "replace").strip(),
            hint="this is a bug in pressroom; please report it with the catalog",
        )
    sections: dict[int, list[bytes]] = {}
    current: list[bytes] | None = sections.setdefault(0, []) if alone else None
    for line in result.stdout.split(b"\n"):
        marker = None if alone else re.fullmatch(rb'domain "d(\d+)"', line)
        if marker is not None:
            current = sections.setdefault(int(marker.group(1)), [])
            continue
        if current is not None:
            current.append(line)
    outputs = []
    for index in range(len(texts)):
        lines = sections.get(index, [])
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        outputs.append(b"\n".join(lines) + b"\n" if lines else b"")
    return outputs


def format_catalogs(catalogs: Sequence[polib.POFile]) -> list[bytes]:
    """The exact bytes GNU ``msgcat`` writes for each catalog, one msgcat run per charset.

    GNU wraps at 79 columns using Unicode line breaking and column widths; rather
    than imitate it, every catalog goes through msgcat itself. Catalogs are batched
    as separate ``domain`` sections of one input, so a thousand files cost one process;
    but only catalogs of one charset share a run, since msgcat would convert the
    others to the first one's charset. Each catalog keeps the charset it declares.
    """
    groups: dict[str, list[int]] = {}
    texts: list[bytes] = []
    for index, po in enumerate(catalogs):
        charset = _charset(po)
        declared = text_charset(po.metadata.get("Content-Type", ""), placeholder=True)
        key = next((name for name in groups if same_charset(name, declared)), declared)
        groups.setdefault(key, []).append(index)
        texts.append(encode_catalog(_raw_text(po), charset, path=Path(po.fpath) if po.fpath else None))
    results = texts[:]  # msgcat writes nothing for a catalog of only a fuzzy header: keep it as it is
    for key, indexes in groups.items():
        placeholder = key.upper() == "CHARSET"
        for batch in [[index] for index in indexes] if placeholder else [indexes]:
            outputs = _msgcat([texts[i] for i in batch], placeholder=placeholder)
            for index, output in zip(batch, outputs, strict=True):
                results[index] = output or results[index]
    return results


def format_catalog(po: polib.POFile) -> str:
    """The exact text GNU ``msgcat`` writes for ``po`` (decoded from its charset)."""
    return format_catalogs([po])[0].decode(_codec_name(_charset(po)))


def _codec_name(charset: str) -> str:
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return "utf-8"


def write_catalogs(items: Sequence[tuple[Path, polib.POFile]]) -> list[bool]:
    """Write several catalogs atomically (one msgcat run); return which were rewritten."""
    outputs = format_catalogs([po for _, po in items])
    return [atomic_write(path, data) for (path, _), data in zip(items, outputs, strict=True)]


def write_catalog(path: Path, po: polib.POFile) -> bool:
    """Write ``po`` atomically in msgcat's form; an unchanged file is left alone."""
    return write_catalogs([(path, po)])[0]
