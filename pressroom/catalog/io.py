"""Catalog files: reading PO/POT text into polib's model and writing it back canonically.

Input: ``translations/templates/<slug>.pot`` and ``translations/<lang>/<slug>.po``.
Output: ``polib.POFile`` objects (``read_catalog``), or files written atomically in the
exact form GNU ``msgcat`` gives them (``write_catalog``), so that a catalog read and
written unchanged is the same bytes. Broken files raise ``CatalogError`` with
``path:line``, as GNU's parser reports them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import polib

from ..errors import CatalogError
from ..fsio import atomic_write, read_text

# --------------------------------------------------------------------------- reading


_STRING = r'"(?:[^"\\]|\\.)*"'
_KEYWORD_LINE = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s*(" + _STRING + r")?\s*$")
_CONTINUATION = re.compile(_STRING + r"\s*$")
_WORD = re.compile(r"[A-Za-z_\[\]0-9]+")


def _check_syntax(text: str, path: Path) -> None:
    """Report the first lexical error GNU's parser would report, with its line.

    polib is lenient (it silently cuts an unterminated string, for instance), so the
    lines are checked here first; the structure is left to polib.
    """
    pending_msgid: int | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        obsolete = False  # obsolete and previous lines are checked lexically only
        if line.startswith("#~"):
            line = line[2:].lstrip().removeprefix("|").lstrip()
            obsolete = True
        elif line.startswith("#|"):
            line = line[2:].lstrip()
            obsolete = True
        elif line.startswith("#") or not line:
            continue
        if not line:
            continue
        if line.startswith('"'):
            if not _CONTINUATION.match(line):
                _string_error(line, path, number)
            continue
        match = _KEYWORD_LINE.match(line)
        if match is None:
            word = _WORD.match(line)
            if word is not None and word.group(0) in {"msgctxt", "msgid", "msgid_plural", "msgstr"}:
                _string_error(line[word.end() :].strip(), path, number)
            if word is not None and word.group(0).startswith(("msgstr[",)):
                _string_error(line[word.end() :].strip(), path, number)
            name = (word.group(0) if word else line.split()[0]) if line else line
            raise CatalogError(
                f"keyword {name!r} unknown",
                path=path,
                line=number,
                hint="PO lines start with #, msgctxt, msgid, msgstr or a quoted string",
            )
        if match.group(2) is None:
            raise CatalogError(
                f"{match.group(1)} without a quoted string",
                path=path,
                line=number,
                hint='write the text in double quotes, e.g. msgstr ""',
            )
        if obsolete:
            continue
        if match.group(1) == "msgid":
            if pending_msgid is not None:
                raise CatalogError(
                    "missing 'msgstr' section",
                    path=path,
                    line=pending_msgid,
                    hint='every msgid needs a msgstr line after it (msgstr "" when untranslated)',
                )
            pending_msgid = number
        elif match.group(1).startswith("msgstr"):
            pending_msgid = None
    if pending_msgid is not None:
        raise CatalogError(
            "missing 'msgstr' section",
            path=path,
            line=pending_msgid,
            hint='every msgid needs a msgstr line after it (msgstr "" when untranslated)',
        )


def _string_error(rest: str, path: Path, number: int) -> None:
    if not rest.startswith('"'):
        raise CatalogError(
            "expected a quoted string",
            path=path,
            line=number,
            hint='write the text in double quotes, e.g. msgstr ""',
        )
    body = rest[1:]
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            index += 2
            continue
        if char == '"':
            raise CatalogError(
                "unescaped double quote inside a string",
                path=path,
                line=number,
                hint='write \\" for a quotation mark inside a string',
            )
        index += 1
    raise CatalogError(
        "end-of-line within string (unterminated string)",
        path=path,
        line=number,
        hint='close the string with " on the same line; continue long text on a new "..." line',
    )


def read_catalog(path: Path) -> polib.POFile:
    """Read a PO or POT file, raising ``CatalogError`` with ``path:line`` when it is broken.

    The file is never modified. Invalid UTF-8, lexical errors (unterminated strings,
    unknown keywords), structural errors and duplicate message definitions are all
    reported at the line they occur on. polib would read a missing path as PO text;
    here a missing file is an error.
    """
    if not path.is_file():
        raise CatalogError(
            "no such catalog" if not path.exists() else "not a file",
            path=path,
            hint="run `workflow.py extract` to create the catalogs",
        )
    text = read_text(path, error=CatalogError)
    _check_syntax(text, path)
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
    seen: dict[tuple[bool, str | None, str], int] = {}
    for entry in po:
        key = (bool(entry.obsolete), entry.msgctxt, entry.msgid)
        if key in seen:
            raise CatalogError(
                "duplicate message definition",
                path=path,
                line=entry.linenum,
                hint=f"the first definition is at line {seen[key]}; keep one of the two entries",
            )
        seen[key] = entry.linenum
    _restore_obsolete_previous(po, text)
    po.fpath = str(path)
    return po


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


def _raw_text(po: polib.POFile) -> str:
    """Valid but unwrapped PO text; GNU msgcat gives it its final form."""
    saved, po.wrapwidth = po.wrapwidth, 0
    try:
        return str(po) + "\n"
    finally:
        po.wrapwidth = saved


def format_catalogs(catalogs: Sequence[polib.POFile]) -> list[str]:
    """The exact text GNU ``msgcat`` writes for each catalog, in one msgcat run.

    GNU wraps at 79 columns using Unicode line breaking and column widths; rather
    than imitate it, every catalog goes through msgcat itself. Catalogs are batched
    as separate ``domain`` sections of one input, so a thousand files cost one process.
    """
    if not catalogs:
        return []
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        raise CatalogError(
            "GNU msgcat is not installed; it gives catalogs their canonical form",
            hint="install GNU gettext (apt-get install gettext)",
        )
    parts = []
    for index, po in enumerate(catalogs):
        # msgcat needs the charset to read non-ASCII text; our files are always UTF-8
        po.metadata.setdefault("Content-Type", "text/plain; charset=UTF-8")
        po.metadata.setdefault("Content-Transfer-Encoding", "8bit")
        parts.append(f'domain "d{index}"\n\n{_raw_text(po)}\n')
    result = subprocess.run(
        [msgcat, "-"],
        input="".join(parts).encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise CatalogError(
            "GNU msgcat rejected a generated catalog: " + result.stderr.decode("utf-8", "replace").strip(),
            hint="this is a bug in pressroom; please report it with the catalog",
        )
    sections: dict[int, list[str]] = {}
    current: list[str] | None = None
    for line in result.stdout.decode("utf-8").split("\n"):
        marker = re.fullmatch(r'domain "d(\d+)"', line)
        if marker is not None:
            current = sections.setdefault(int(marker.group(1)), [])
            continue
        if current is not None:
            current.append(line)
    texts = []
    for index in range(len(catalogs)):
        lines = sections.get(index, [])
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        texts.append("\n".join(lines) + "\n")
    return texts


def format_catalog(po: polib.POFile) -> str:
    """The exact text GNU ``msgcat`` writes for ``po``."""
    return format_catalogs([po])[0]


def write_catalogs(items: Sequence[tuple[Path, polib.POFile]]) -> list[bool]:
    """Write several catalogs atomically (one msgcat run); return which were rewritten."""
    texts = format_catalogs([po for _, po in items])
    return [atomic_write(path, text) for (path, _), text in zip(items, texts, strict=True)]


def write_catalog(path: Path, po: polib.POFile) -> bool:
    """Write ``po`` atomically in msgcat's form; an unchanged file is left alone."""
    return write_catalogs([(path, po)])[0]
