"""What extract writes into a catalog besides the merged entries: template and headers.

Input: an article's segments, the project and language facts, the old catalog.
Output: the template entries (one per distinct text, with its kinds as extracted
comments), the POT and PO header fields in GNU's order, the creation and revision
stamps (``SOURCE_DATE_EPOCH`` when set), and a signature for telling whether a
catalog changed apart from those stamps.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Sequence

import polib

from .. import __version__
from ..errors import CatalogError
from ..languages import Language
from ..model import Segment
from ..project import Project

DATE_FIELDS = ("POT-Creation-Date", "PO-Revision-Date")
"""Header fields that change with every real change and nothing else."""
_HEADER_ORDER = (
    "Project-Id-Version",
    "Report-Msgid-Bugs-To",
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
    "X-Generator",
)


def now_stamp() -> str:
    """The date for a header, from ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
        except ValueError as exc:
            raise CatalogError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds",
                hint="unset it or set it to an integer such as $(git log -1 --format=%ct)",
            ) from exc
    else:
        moment = datetime.datetime.now(tz=datetime.UTC)
    return moment.strftime("%Y-%m-%d %H:%M+0000")


def _ordered_metadata(values: dict[str, str]) -> dict[str, str]:
    ordered = {key: values[key] for key in _HEADER_ORDER if key in values}
    ordered.update((key, value) for key, value in values.items() if key not in ordered)
    return ordered


def catalog_signature(po: polib.POFile | None, *, ignore: Iterable[str] = DATE_FIELDS) -> object:
    """Everything a catalog says except the given header fields, for change detection."""
    if po is None:
        return None
    skip = set(ignore)
    header = tuple((k, v) for k, v in po.metadata.items() if k not in skip)
    entries = tuple(
        (
            e.obsolete,
            e.msgctxt,
            e.msgid,
            e.msgstr,
            e.tcomment,
            e.comment,
            tuple(e.occurrences),
            tuple(e.flags),
            e.previous_msgctxt,
            e.previous_msgid,
        )
        for e in po
    )
    return (po.header, header, entries)


def template_entries(segments: Sequence[Segment], reference: str) -> list[polib.POEntry]:
    """One entry per distinct (msgctxt, msgid), in order of first occurrence."""
    entries: dict[tuple[str | None, str], polib.POEntry] = {}
    kinds: dict[tuple[str | None, str], list[str]] = {}
    counts: dict[tuple[str | None, str], int] = {}
    for segment in segments:
        key = segment.key
        if key not in entries:
            entries[key] = polib.POEntry(
                msgctxt=segment.context, msgid=segment.text, msgstr="", occurrences=[(reference, "")]
            )
            kinds[key] = []
            counts[key] = 0
        counts[key] += 1
        if str(segment.kind) not in kinds[key]:
            kinds[key].append(str(segment.kind))
    for key, entry in entries.items():
        lines = list(kinds[key])
        if counts[key] > 1:
            lines.append(f"appears {counts[key]} times in the article")
        entry.comment = "\n".join(lines)
    return list(entries.values())


def template_header(project: Project, stamp: str) -> dict[str, str]:
    """The header fields of an article's template (POT)."""
    return {
        "Project-Id-Version": project.name,
        "POT-Creation-Date": stamp,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": f"pressroom {__version__}",
    }


def catalog_header(
    project: Project, language: Language, old: polib.POFile | None, pot_date: str, revision: str
) -> dict[str, str]:
    """The header fields of a language catalog: ours set, the rest as the file had them.

    A new catalog gets GNU's order. An existing one keeps its own order, its unknown
    fields (``X-Poedit-...``) and the ``X-Generator`` of the tool that saved it (Poedit,
    Lokalize, Weblate), so a catalog whose entries did not change comes out of extract
    byte for byte as its editor wrote it: only the fields extract owns are set, in
    place, and missing ones added at the end. Its declared charset is kept (read and
    written honoured, ``catalog.charset``).
    """
    ours = {
        "Project-Id-Version": project.name,
        "POT-Creation-Date": pot_date,
        "PO-Revision-Date": revision,
        "Language": language.code,
        "Plural-Forms": language.plural_forms,
    }
    defaults = {
        "Last-Translator": "",
        "Language-Team": language.name,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": f"pressroom {__version__}",
    }
    if old is None:
        return _ordered_metadata({**defaults, **ours})
    values = dict(old.metadata)
    values.update(ours)
    for key, value in defaults.items():
        values.setdefault(key, value)
    return values
