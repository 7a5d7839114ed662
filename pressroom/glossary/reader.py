"""Reading and checking ``glossary.csv``: every problem at its line, or a :class:`Glossary`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import GlossaryError
from ..fsio import decode_utf8, read_bytes
from ..model import Term
from ..scripts import LANG_SCRIPTS, fold, foreign_letters
from .terms import FIXED_COLUMNS, KEEP_LATIN, KINDS, LAST_COLUMN, Glossary, GlossaryProblem

_YES = {"yes": True, "no": False, "": False}
_LANG_COLUMN = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&.\-]*")


def check_glossary(
    path: Path, *, scripts: Mapping[str, str] | None = None
) -> tuple[Glossary | None, list[GlossaryProblem]]:
    """Read ``path`` and collect every problem; the Glossary is None when any was found.

    ``scripts`` maps language columns to ISO 15924 scripts (defaults: ur/fa Arab, si Sinh).
    """
    raw = read_bytes(path, error=GlossaryError)
    problems: list[GlossaryProblem] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(
            GlossaryProblem(
                line=1, message="file starts with a byte-order mark (BOM)", hint="save as UTF-8 without BOM"
            )
        )
        raw = raw[3:]
    try:
        text = decode_utf8(raw, path, error=GlossaryError)
    except GlossaryError as exc:
        problems.append(GlossaryProblem(line=exc.line or 1, message=exc.message, hint=exc.hint or ""))
        return None, problems
    glossary = parse_glossary(text, path=path, scripts=scripts, problems=problems)
    return (glossary if not problems else None), problems


def read_glossary(path: Path, *, scripts: Mapping[str, str] | None = None) -> Glossary:
    """Read ``glossary.csv``; raise ``GlossaryError`` (file:line, hint) on the first problem."""
    glossary, problems = check_glossary(path, scripts=scripts)
    if problems or glossary is None:
        raise problems[0].error(path)
    return glossary


def parse_glossary(
    text: str,
    *,
    path: Path | None = None,
    scripts: Mapping[str, str] | None = None,
    problems: list[GlossaryProblem],
) -> Glossary:
    """Parse glossary CSV ``text``, appending problems; returns the terms that are usable."""
    script_of_lang = dict(LANG_SCRIPTS)
    script_of_lang.update(scripts or {})
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        problems.append(
            GlossaryProblem(
                line=1,
                message="no header row",
                hint="first line: " + ",".join((*FIXED_COLUMNS, "ur", "fa", "si", "note")),
            )
        )
        return Glossary((), path=path)
    header_line = lines[0]
    if "," not in header_line:
        used = "';'" if ";" in header_line else "(tab)" if "\t" in header_line else None
        message = f"wrong delimiter {used}" if used else "header has a single column"
        problems.append(
            GlossaryProblem(
                line=1, message=message, hint="separate cells with commas (save as CSV, comma-delimited)"
            )
        )
        return Glossary((), path=path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    header = [cell.strip() for cell in next(_rows(reader, problems), [])]
    if not header:
        return Glossary((), path=path)
    languages = _check_header(header, problems)
    if languages is None:
        return Glossary((), path=path)
    terms: list[Term] = []
    english_forms: dict[int, tuple[str, ...]] = {}
    first_line = reader.line_num + 1
    seen_english: dict[str, tuple[int, Term]] = {}
    seen_spelling: dict[tuple[str, str], tuple[int, str]] = {}
    for row in _rows(reader, problems):
        line = first_line
        first_line = reader.line_num + 1
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            hint = "quote cells that contain commas"
            if len(row) == 1 and (";" in row[0] or "\t" in row[0]):
                hint = "separate cells with commas, not semicolons or tabs"
            problems.append(
                GlossaryProblem(
                    line=line, message=f"expected {len(header)} cells, found {len(row)}", hint=hint
                )
            )
            continue
        cells = dict(zip(header, (cell.strip() for cell in row), strict=True))
        parsed = _parse_row(cells, languages, script_of_lang, line, problems)
        if parsed is None:
            continue
        term, forms = parsed
        if _check_conflicts(term, forms, line, seen_english, seen_spelling, script_of_lang, problems):
            english_forms[len(terms)] = forms
            terms.append(term)
    return Glossary(terms, english_forms=english_forms, path=path)


def _rows(reader: Any, problems: list[GlossaryProblem]) -> Iterator[list[str]]:
    """The rows of ``reader``; a row csv cannot read (a cell over its field limit) ends the file
    with a problem at that row's line, instead of a ``_csv.Error``."""
    while True:
        start = reader.line_num + 1
        try:
            row: list[str] = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            limit = csv.field_size_limit()
            message = str(exc)
            if "field larger than field limit" in message:
                message = f"a cell is longer than {limit:,} characters"
            problems.append(
                GlossaryProblem(
                    line=start,
                    message=f"cannot read this row: {message}",
                    hint="check the quotes around this cell; a glossary cell holds a name or a short note",
                )
            )
            return
        yield row


def _check_header(header: list[str], problems: list[GlossaryProblem]) -> list[str] | None:
    expected = ",".join((*FIXED_COLUMNS, "ur", "fa", "si", LAST_COLUMN))
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        problems.append(
            GlossaryProblem(
                line=1, message="duplicate column " + ", ".join(duplicated), hint=f"the header is {expected}"
            )
        )
        return None
    missing = [name for name in (*FIXED_COLUMNS, LAST_COLUMN) if name not in header]
    languages = [name for name in header if name not in (*FIXED_COLUMNS, LAST_COLUMN)]
    unknown = [name for name in languages if not _LANG_COLUMN.fullmatch(name)]
    if missing or unknown or not languages:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if unknown:
            parts.append("unexpected " + ", ".join(unknown))
        if not languages:
            parts.append("no language columns")
        problems.append(
            GlossaryProblem(
                line=1,
                message="wrong column set: " + "; ".join(parts),
                hint=f"the header is {expected} (one column per target language)",
            )
        )
        return None
    return languages


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|")]


def _parse_row(
    cells: dict[str, str],
    languages: list[str],
    script_of_lang: Mapping[str, str],
    line: int,
    problems: list[GlossaryProblem],
) -> tuple[Term, tuple[str, ...]] | None:
    before = len(problems)

    def problem(message: str, hint: str) -> None:
        problems.append(GlossaryProblem(line=line, message=message, hint=hint))

    english = _split(cells["english"])
    if not cells["english"]:
        problem("empty english cell", "give the English name or term")
    elif "" in english:
        problem("empty variant in the english cell", "remove the stray '|'")
    elif len(set(english)) != len(english):
        problem("repeated variant in the english cell", "list each English form once")
    for form in english:
        for script, start, end in foreign_letters(form, "Latn"):
            problem(
                f"{script} letters in the english cell: {form[start:end]!r}", "the english column is English"
            )
    kind = cells["kind"]
    if not kind:
        problem("empty kind cell", "one of " + ", ".join(KINDS))
    elif kind not in KINDS:
        problem(f"unknown kind {kind!r}", "one of " + ", ".join(KINDS))
    flag = cells["case_sensitive"].lower()
    if flag not in _YES:
        problem(
            f"case_sensitive must be yes or no, not {cells['case_sensitive']!r}",
            "write yes, no or leave empty",
        )
    acronym = cells["acronym"] or None
    if acronym is not None and not _ACRONYM.fullmatch(acronym):
        problem(f"acronym {acronym!r} is not an acronym", "capital letters, digits and '-', e.g. PML-N")
    spellings: dict[str, tuple[str, ...]] = {}
    for lang in languages:
        cell = cells[lang]
        if not cell and kind == KEEP_LATIN:
            continue  # kept in Latin: no spelling of its own to check
        if not cell:
            problem(
                f"empty {lang} cell for {english[0]!r}",
                f"give the {lang} spelling (canonical first, variants after '|')",
            )
            continue
        forms = _split(cell)
        if "" in forms:
            problem(f"empty variant in the {lang} cell", "remove the stray '|'")
            continue
        if len(set(forms)) != len(forms):
            problem(f"repeated variant in the {lang} cell", "list each spelling once")
        expected = script_of_lang.get(lang)
        if expected and kind != KEEP_LATIN:
            # The acronym itself may be listed as a variant: a name the press keeps in Latin.
            for form in (form for form in forms if form != cells["acronym"]):
                for found, start, end in foreign_letters(form, expected):
                    problem(
                        f"{found} letters in the {lang} cell: {form[start:end]!r}",
                        f"the {lang} column must be written in {expected} script",
                    )
        spellings[lang] = tuple(forms)
    if len(problems) > before:
        return None
    term = Term(
        english=english[0],
        acronym=acronym,
        kind=kind,
        note=cells[LAST_COLUMN],
        case_sensitive=_YES[flag],
        spellings=spellings,
        line=line,
    )
    return term, tuple(english)


def _check_conflicts(
    term: Term,
    english: tuple[str, ...],
    line: int,
    seen_english: dict[str, tuple[int, Term]],
    seen_spelling: dict[tuple[str, str], tuple[int, str]],
    script_of_lang: Mapping[str, str],
    problems: list[GlossaryProblem],
) -> bool:
    ok = True
    names = [*english, *([term.acronym] if term.acronym else [])]
    for name in names:
        key = name if name == term.acronym or term.case_sensitive else name.casefold()
        previous = seen_english.get(key)
        if previous is None:
            continue
        other_line, other = previous
        ok = False
        if other.spellings == term.spellings:
            problems.append(
                GlossaryProblem(
                    line=line,
                    message=f"duplicate entry for {name!r} (also on line {other_line})",
                    hint="delete one of the two rows",
                )
            )
        else:
            differing = [lang for lang in term.spellings if term.spellings[lang] != other.spellings.get(lang)]
            problems.append(
                GlossaryProblem(
                    line=line,
                    message=f"{name!r} contradicts line {other_line}: "
                    f"different {', '.join(differing)} spellings",
                    hint="keep one row per English name and list accepted variants after '|'",
                )
            )
    if not ok:
        return False
    for name in names:
        key = name if name == term.acronym or term.case_sensitive else name.casefold()
        seen_english[key] = (line, term)
    for lang, forms in term.spellings.items():
        for form in forms:
            folded = fold(form, script_of_lang.get(lang, "Latn"))
            taken = seen_spelling.get((lang, folded))
            if taken is not None and taken[1] != term.english:
                problems.append(
                    GlossaryProblem(
                        line=line,
                        message=f"{lang} spelling {form!r} is also given for {taken[1]!r} on line {taken[0]}",
                        hint="one spelling cannot stand for two different names; make them distinct",
                    )
                )
                ok = False
            seen_spelling[(lang, folded)] = (line, term.english)
    return ok
