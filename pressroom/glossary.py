"""Glossary stage: ``glossary.csv`` -> :class:`Glossary`; term matching per script.

Input: the project's ``glossary.csv`` (schema in ``docs/glossary.md``)::

    english,acronym,kind,case_sensitive,ur,fa,si,note
    Pakistan People's Party,PPP,organisation,no,پاکستان پیپلز پارٹی|پیپلز پارٹی,...

Output: a :class:`Glossary` that finds terms in English text (``match_source``),
tells whether a translation spells a term the agreed way (``target_contains``,
script-folded and tolerant of attached affixes), and writes the ``glossary: X = Y``
notes ``extract`` puts in front of translators.

:func:`check_glossary` collects every problem in the file; :func:`read_glossary`
raises the first as a :class:`~pressroom.errors.GlossaryError`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import GlossaryError
from .fsio import decode_utf8, read_bytes
from .model import Term
from .scripts import ARABIC_LETTERS, LANG_SCRIPTS, SINHALA_CHARS, fold, foreign_letters

FIXED_COLUMNS = ("english", "acronym", "kind", "case_sensitive")
LAST_COLUMN = "note"
KEEP_LATIN = "keep-latin"
"""Kind of a name the press keeps in Latin letters (a product, a software name): review
does not flag it, and its language cells may be empty."""
KINDS = ("person", "place", "organisation", "publication", "term", KEEP_LATIN)
_YES = {"yes": True, "no": False, "": False}
_LANG_COLUMN = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&.\-]*")

# Affixes a correct translation may attach to a glossary spelling (after folding, so
# one list serves ی/ي and ه/ہ alike). Longest first: the regex tries them in order.
ARABIC_SUFFIXES = (
    "هایشان",
    "هایش",
    "هایی",
    "های",
    "ها",  # Persian plural (ZWNJ folded away)
    "یانی",
    "یان",
    "گان",
    "ان",  # Persian plural of people
    "ئیں",
    "یوں",
    "ؤں",
    "وں",
    "یں",
    "ں",
    "ئے",
    "ئی",
    "ے",  # Urdu oblique, plural
    "اش",
    "شان",
    "است",  # Persian copula clitics: واشنگتن‌اند "they are Washington's"
    "اند",
    "ایم",
    "اید",
    "ست",
    "یی",
    "ای",
    "ی",
    "ش",  # Persian ezafe, clitics, adjective ی
)
ARABIC_PREFIXES = ("غیر",)
SINHALA_SUFFIXES = (
    "වරුන්ගේ",
    "වරුන්ට",
    "වරුන්",
    "වරයාගේ",
    "වරයා",
    "වරු",
    "යන්ගේ",
    "යන්ට",
    "යන්",
    "යාගේ",
    "යාට",
    "යා",
    "යෙහි",
    "යෙන්",
    "යක්",
    "යේද",
    "යේ",
    "යට",
    "යත්",
    "යි",
    "ය",
    "වලින්",
    "වලට",
    "වල",
    "වෙන්",
    "වේ",
    "වට",
    "ව",
    "ගෙන්",
    "ගේද",
    "ගේ",
    "ටත්",
    "ට",
    "ෙහි",
    "ෙන්",
    "ේ",
    "හි",
    "න්ගේ",
    "න්ට",
    "න්",
    "ලාගේ",
    "ලා",
    "නු",
    "ීය",
    "ී",
    "ු",
    "ත්",
    "ද",
    "ක්",
)
_SINHALA_STEM_ENDINGS = ("ය", "ව")
_ENGLISH_SUFFIX = r"(?:['’]s|['’]|es|s)?"
_ACRONYM_SUFFIX = r"(?:['’]s|s)?"
_WORD = re.compile(r"(?<!\w)[A-Za-z]+")
_FIRST_WORD = re.compile(r"[\s\-‐‑'’]+")
# Where English text is not prose: link destinations, autolinks, bare URLs, code spans.
_NOT_PROSE = re.compile(r"`+[^`]*`+|\]\([^)]*\)|<[a-z][a-z0-9+.-]*:[^>\s]*>|https?://\S+|www\.\S+", re.I)


@dataclass(frozen=True, slots=True)
class SourceMatch:
    """One occurrence of a glossary term in English text."""

    term: Term
    start: int
    end: int
    full: bool = True
    """Matched the full English name (not an acronym or a listed short form)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GlossaryProblem:
    """One thing wrong in glossary.csv (``glossary check`` lists them all)."""

    line: int
    message: str
    hint: str

    def error(self, path: Path) -> GlossaryError:
        return GlossaryError(self.message, path=path, line=self.line, hint=self.hint)


class Glossary:
    """The agreed names and terms, with matchers for English and each target script."""

    __slots__ = (
        "_english_forms",
        "_key_patterns",
        "_source_index",
        "_source_keys",
        "_target_patterns",
        "_terms_cache",
        "path",
        "terms",
    )

    def __init__(
        self,
        terms: Iterable[Term],
        *,
        english_forms: Mapping[int, tuple[str, ...]] | None = None,
        path: Path | None = None,
    ) -> None:
        self.terms: tuple[Term, ...] = tuple(terms)
        self.path = path
        forms = dict(english_forms or {})
        self._english_forms: dict[int, tuple[str, ...]] = {
            index: forms.get(index, (term.english,)) for index, term in enumerate(self.terms)
        }
        self._target_patterns: dict[tuple[str, int, bool], re.Pattern[str] | None] = {}
        self._source_index = self._compile_source()
        self._source_keys = frozenset(self._source_index)
        self._terms_cache: dict[str, list[tuple[Term, bool]]] = {}
        self._key_patterns = {
            key: re.compile(rf"(?<!\w){re.escape(key)}", re.I) for key in self._source_index
        }

    # -- English -------------------------------------------------------------------

    def _compile_source(self) -> dict[str, list[tuple[int, re.Pattern[str], Term, bool]]]:
        """Index of compiled English forms by their first word, for a scan word by word.

        One regex per form, tried only where its first word occurs: much faster than
        one alternation of every form tried at every word.
        """
        index: dict[str, list[tuple[int, re.Pattern[str], Term, bool]]] = {}
        for number, term in enumerate(self.terms):
            forms = [(form, self._alternative(form, term), position == 0)
                     for position, form in enumerate(self._english_forms[number])]  # fmt: skip
            if term.acronym:
                body = re.escape(term.acronym).replace(r"\-", "[-‐‑]")
                forms.append((term.acronym, rf"(?-i:{body}){_ACRONYM_SUFFIX}(?!\\?\$)", False))
            for form, pattern, full in forms:
                key = _FIRST_WORD.split(form, maxsplit=1)[0].casefold()
                compiled = re.compile(rf"(?:{pattern})(?!\w)")
                index.setdefault(key, []).append((len(form), compiled, term, full))
        for candidates in index.values():
            candidates.sort(key=lambda item: -item[0])  # longest first: Imran Khan before Khan
        return index

    @staticmethod
    def _alternative(form: str, term: Term) -> str:
        pieces = []
        for char in form:
            if char.isspace():
                pieces.append(r"\s+")
            elif char in "-‐‑":
                pieces.append(r"[-‐‑\s]")
            elif char in "'’":
                pieces.append("['’]")
            else:
                pieces.append(re.escape(char))
        flags = "" if term.case_sensitive else "i"
        body = "".join(pieces)
        return rf"(?{flags or '-i'}:{body}){_ENGLISH_SUFFIX}"

    def match_source(self, text: str) -> list[SourceMatch]:
        """Glossary terms in English ``text``, in order, longest match winning.

        Finds plurals and possessives (Hazaras, Khan's), multiword names across line
        breaks, hyphen variants and acronyms (case-sensitive); ignores link URLs,
        bare URLs and code spans, and "US" in "US$".
        """
        if not self._source_index:
            return []
        prose = (
            _NOT_PROSE.sub(lambda found: " " * len(found.group(0)), text)
            if "`" in text or "](" in text or "://" in text or "www." in text
            else text
        )
        # Which first words occur at all (set operations in C), then where: most
        # segments have no or few terms, and only those are looked at word by word.
        words = set(map(str.casefold, _WORD.findall(prose)))
        present = self._source_keys & words
        stems = {word[:-1] for word in words if word.endswith("s")}
        stems |= {word[:-1] for word in stems if word.endswith("e")}
        present |= self._source_keys & stems
        if not present:
            return []
        starts = sorted(
            {found.start() for key in present for found in self._key_patterns[key].finditer(prose)}
        )
        matches: list[SourceMatch] = []
        done = 0
        index = self._source_index
        for start in starts:
            if start < done:
                continue
            key = _WORD.match(prose, start)
            if key is None:  # pragma: no cover - every start is a word start
                continue
            word = key.group(0).casefold()
            candidates = index.get(word, [])
            for stem in (word[:-1] if word.endswith("s") else "", word[:-2] if word.endswith("es") else ""):
                if stem and stem in index:
                    candidates = sorted([*candidates, *index[stem]], key=lambda item: -item[0])
            for _, pattern, term, full in candidates:
                found = pattern.match(prose, start)
                if found:
                    matches.append(SourceMatch(term, start, found.end(), full))
                    done = found.end()
                    break
        return matches

    def source_terms(self, text: str) -> list[tuple[Term, bool]]:
        """Distinct terms in ``text`` in order of first occurrence, and whether any use was full.

        Cached: a msgid is looked up once for all the languages it is reviewed in.
        """
        cached = self._terms_cache.get(text)
        if cached is not None:
            return cached
        if len(self._terms_cache) > 4096:
            self._terms_cache.clear()
        seen: dict[int, tuple[Term, bool]] = {}
        for match in self.match_source(text):
            key = id(match.term)
            previous = seen.get(key)
            seen[key] = (match.term, match.full or (previous is not None and previous[1]))
        result = self._terms_cache[text] = list(seen.values())
        return result

    # -- targets -------------------------------------------------------------------

    def _target_pattern(self, lang: str, term: Term, *, full: bool) -> re.Pattern[str] | None:
        key = (lang, id(term), full)
        if key in self._target_patterns:
            return self._target_patterns[key]
        forms = list(term.spellings.get(lang, ()))
        script = LANG_SCRIPTS.get(lang, "Latn")
        if full and len(forms) > 1:
            # For the full English name, a short form (a word sequence inside the
            # canonical spelling, like خان in عمران خان) is not enough.
            canonical = f" {fold(forms[0], script)} "
            forms = [forms[0]] + [form for form in forms[1:] if f" {fold(form, script)} " not in canonical]
        # A ZWNJ in a glossary spelling may be a space or nothing in the text (both occur).
        folded_forms = {fold(form.replace("\u200c", " "), script) for form in forms if form}
        alternatives = sorted({_target_body(form, script) for form in folded_forms}, key=len)
        pattern = None
        if alternatives:
            body = "|".join(reversed(alternatives))
            if script == "Arab":
                prefix = "|".join(ARABIC_PREFIXES)
                suffix = "|".join(ARABIC_SUFFIXES)
                letter = f"[{ARABIC_LETTERS}]"
                pattern = re.compile(rf"(?<!{letter})(?:(?:{prefix}) ?)?(?:{body})(?:{suffix})?(?!{letter})")
            elif script == "Sinh":
                suffix = "|".join(SINHALA_SUFFIXES)
                pattern = re.compile(rf"(?<![{SINHALA_CHARS}])(?:{body})(?:{suffix})?(?![{SINHALA_CHARS}])")
            else:
                pattern = re.compile(rf"(?<!\w)(?:{body}){_ENGLISH_SUFFIX}(?!\w)", re.I)
        self._target_patterns[key] = pattern
        return pattern

    def target_contains(self, lang: str, text: str, term: Term, *, full: bool = False) -> bool:
        """Whether translation ``text`` in ``lang`` spells ``term`` as the glossary says.

        Canonical spelling or any listed variant, compared after script folding, with
        the attached affixes of the language allowed around it. With ``full`` (the
        English had the full name) short forms inside the canonical spelling do not count.
        A term without a spelling in ``lang`` is always "contained".
        """
        pattern = self._target_pattern(lang, term, full=full)
        if pattern is None:
            return True
        return pattern.search(fold(text, LANG_SCRIPTS.get(lang, "Latn"))) is not None

    def notes(self, text: str, langs: Sequence[str]) -> list[str]:
        """``glossary: <English> → <lang> <spelling> / <variant>`` per term in ``text`` and language.

        For the template, whence msgmerge copies them. One line per language, spellings
        last: wrapped in a narrow pane, a right-to-left run never straddles another's line."""
        notes = []
        for term, _ in self.source_terms(text):
            english = f"{term.english} ({term.acronym})" if term.acronym else term.english
            for lang in (lang for lang in langs if term.spellings.get(lang)):
                notes.append(f"glossary: {english} → {lang} " + " / ".join(term.spellings[lang]))
        return notes

    def english_forms(self, term: Term) -> tuple[str, ...]:
        """Every English form of ``term``: canonical name, listed variants and acronym."""
        for index, known in enumerate(self.terms):
            if known is term:
                forms = self._english_forms[index]
                return (*forms, term.acronym) if term.acronym else forms
        return (term.english,)


def _target_body(folded: str, script: str) -> str:
    """Regex for one folded target spelling: spaces optional (ZWNJ and joined forms)."""
    parts = [re.escape(part) for part in folded.split(" ")]
    if script == "Sinh":
        stemmed = parts[-1]
        if len(stemmed) > 2 and stemmed.endswith(_SINHALA_STEM_ENDINGS):
            parts[-1] = f"{stemmed[:-1]}(?:{re.escape(stemmed[-1])})?"
    return " ?".join(parts)


# -- reading and checking --------------------------------------------------------------


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


# -- suggestions -------------------------------------------------------------------------

_CAPITALISED = r"[A-Z][a-zA-Z]*(?:['’][a-z]+)?(?:-[A-Za-z]+)*"
_NAME_RUN = re.compile(
    rf"(?<![\w-]){_CAPITALISED}(?:(?:\s+(?:of|for|the|de|al|ul|bin|e|i)){{0,2}}\s+{_CAPITALISED})*"
)
_ACRONYM_TOKEN = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*(?![\w-])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*|[\"“(*#>]\s*)$")
_LEADING_WORDS = frozenset(
    """a an the in on at of for and but or nor so yet if when while after before since as by
    from to with without however moreover instead also this that these those there their they he she it
    its his her we our you your i many some most one two three four five six seven eight nine ten
    eleven twelve not only both like what which who whom why how no yes according following
    despite during unless until soon any all each every other such more less those boosted seeking
    leaders later earlier then now today yesterday meanwhile""".split()
)
_CALENDAR = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    """A name or acronym found in the sources and not in the glossary."""

    text: str
    kind: str
    """``acronym`` or ``name``."""
    count: int
    articles: tuple[str, ...]


def _covered(glossary: Glossary | None, text: str) -> list[bool]:
    covered = [False] * len(text)
    if glossary is not None:
        for match in glossary.match_source(text):
            for index in range(match.start, match.end):
                covered[index] = True
    return covered


def _candidates(text: str) -> Iterable[tuple[str, str]]:
    """(kind, text) of proper-noun candidates in English ``text``."""
    prose = _NOT_PROSE.sub(lambda found: " " * len(found.group(0)), text)
    for found in _ACRONYM_TOKEN.finditer(prose):
        yield "acronym", found.group(0)
    for found in _NAME_RUN.finditer(prose):
        words = found.group(0).split()
        start = found.start()
        # Drop function words and sentence-initial capitals in front of the name.
        sentence_initial = bool(_SENTENCE_START.search(prose[:start]))
        if sentence_initial and len(words) > 2 and words[1] == "the":
            words = words[2:]  # "Later the IMF": a sentence opener, then the name
            sentence_initial = False
        while words and (
            words[0].lower() in _LEADING_WORDS
            or words[0].lower() in _CALENDAR
            or (sentence_initial and len(words) == 1)
        ):
            words.pop(0)
            sentence_initial = False
        while words and words[-1].lower() in _LEADING_WORDS | _CALENDAR:
            words.pop()
        if not words:
            continue
        name = re.sub(r"['’]s$", "", " ".join(words))
        if name.isupper() and " " not in name:
            continue  # acronyms are counted above
        yield "name", name


def suggest_terms(articles: Iterable[tuple[str, str]], glossary: Glossary | None) -> list[Suggestion]:
    """Names and acronyms in ``(slug, English text)`` pairs that the glossary lacks.

    Capitalised word runs (joined by of/for/the...) not covered by a glossary term,
    with leading function words and lone sentence-initial capitals dropped, and
    acronyms; counted over all articles, most frequent first.
    """
    counts: dict[tuple[str, str], int] = {}
    seen_in: dict[tuple[str, str], dict[str, None]] = {}
    for slug, text in articles:
        for kind, candidate in _candidates(text):
            covered = _covered(glossary, candidate)
            if all(covered[index] for index, char in enumerate(candidate) if not char.isspace()):
                continue
            # Keep only the uncovered words: "Army Chief General" -> "General".
            pieces = re.split(r"\s+", "".join(c if not covered[i] else " " for i, c in enumerate(candidate)))
            remainder = " ".join(piece for piece in pieces if piece)
            remainder = re.sub(r"^(?:(?:of|for|and|the)\s+)+|(?:\s+(?:of|for|and|the))+$", "", remainder)
            if not remainder or remainder.lower() in _LEADING_WORDS | _CALENDAR:
                continue
            if len(remainder) < 2 or not remainder[0].isupper():
                continue  # a covered name's leftovers: "-backed", "'s"
            key = (kind, remainder)
            counts[key] = counts.get(key, 0) + 1
            seen_in.setdefault(key, {})[slug] = None
    suggestions = [
        Suggestion(text=text, kind=kind, count=count, articles=tuple(seen_in[(kind, text)]))
        for (kind, text), count in counts.items()
    ]
    suggestions.sort(key=lambda item: (-item.count, item.text.casefold()))
    return suggestions
