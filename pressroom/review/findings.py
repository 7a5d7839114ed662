"""Review stage: translation catalogs -> :class:`~pressroom.model.Finding` list.

Input: ``translations/<lang>/<slug>.po`` (translated and fuzzy entries; obsolete ones
are history and are skipped), the glossary and the per-language facts. Output: every
problem found, collected and never raised, each with a stable code (see
``docs/review.md``), a severity, the entry (msgid, msgctxt, line) and, where the
problem is local, the span of the translation to highlight.

The checks are pure functions of (source, translation, language, glossary):
:func:`check_entry` runs them all on one pair and is what the tests and the benchmark
exercise; :func:`review` adds catalog reading and ``# noqa: code`` silencing.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..catalog.conventions import noqa_codes
from ..catalog.io import read_catalog
from ..errors import SourceError
from ..languages import Language
from ..model import Finding, Severity
from ..scripts import BIDI_CONTROLS, BIDI_NAMES, LANG_SCRIPTS, foreign_runs, has_own_letters, iter_script_runs

if TYPE_CHECKING:
    import polib
    from markdown_it import MarkdownIt

    from ..glossary import Glossary
    from ..project import Project

CODES: Mapping[str, Severity] = {
    "untranslated": Severity.ERROR,
    "missing-catalog": Severity.ERROR,
    "identical-to-source": Severity.ERROR,
    "glossary-term": Severity.ERROR,
    "number-mismatch": Severity.ERROR,
    "markup-mismatch": Severity.ERROR,
    "wrong-script": Severity.ERROR,
    "end-punctuation": Severity.WARNING,
    "double-space": Severity.WARNING,
    "bidi-control": Severity.WARNING,
    "length-ratio": Severity.WARNING,
}
"""Every check code and its severity; ``error`` fails the review gate (exit 3)."""

ENTRY_CHECKS = (
    "identical-to-source",
    "glossary-term",
    "number-mismatch",
    "markup-mismatch",
    "wrong-script",
    "end-punctuation",
    "double-space",
    "bidi-control",
    "length-ratio",
)
"""Checks run on every translated entry (untranslated ones get only ``untranslated``)."""

DEFAULT_LENGTH_RATIO = {"ur": 1.1, "fa": 1.0, "si": 1.15}
"""Expected len(translation)/len(source) per language; ``[review] length_ratio`` overrides."""
DEFAULT_LENGTH_TOLERANCE = 2.5
"""A ratio more than this factor away from the expected one is flagged."""
MIN_LENGTH_FOR_RATIO = 30
PARALLEL_MIN_CATALOGS = 200
"""Below this many catalogs, worker processes cost more than they save."""
"""Shorter sources (titles, names) vary too much for a ratio to mean anything."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One check result on one (source, translation) pair, before it becomes a Finding."""

    code: str
    message: str
    hint: str = ""
    span: tuple[int, int] | None = None

    @property
    def severity(self) -> Severity:
        return CODES[self.code]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewSettings:
    """Per-run settings, from the ``[review]`` table of the configuration."""

    length_ratio: Mapping[str, float]
    length_tolerance: float = DEFAULT_LENGTH_TOLERANCE

    @classmethod
    def from_project(cls, project: Project) -> ReviewSettings:
        table = project.section("review")
        ratios = dict(DEFAULT_LENGTH_RATIO)
        configured = table.get("length_ratio", {})
        if isinstance(configured, Mapping):
            ratios.update({str(k): float(v) for k, v in configured.items()})
        return cls(
            length_ratio=ratios,
            length_tolerance=float(table.get("length_tolerance", DEFAULT_LENGTH_TOLERANCE)),
        )


# --------------------------------------------------------------------------- shared patterns

# Regions that are not prose: link destinations, autolinks, bare URLs, domains, code spans.
_NOT_PROSE = re.compile(
    r"%\([A-Za-z_]\w*\)[sdifr]|%[sdifr]|\{[A-Za-z_]\w*\}"
    r"|`+[^`]*`+"
    r"|\]\([^)]*\)"
    r"|<[a-z][a-z0-9+.-]*:[^>\s]*>"
    r"|(?:https?://|www\.)[^\s)\]>]+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:org|com|net|info|edu|gov|pk|ir|lk|uk)(?:/[^\s)\]]*)?",
    re.I,
)
_ACRONYM_RUN = re.compile(r"[A-Z][A-Z0-9&-]{0,7}s?")
_MARKUP_CHARS = frozenset("[]*_`<>!")
_PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sdifr]|%[sdifr]|\{[A-Za-z_]\w*\}")
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
_ANY_DIGIT = re.compile(r"\d")
_SKELETON = re.compile(r"\]\([^)]*\)|`+[^`]*`+|<[^>]*>|[*_\[\]!]")
_DOUBLE_SPACE = re.compile(r"(?<=\S)[ \u00a0]{2,}(?=\S)")


_NOT_PROSE_HINTS = (
    "%", "{", "`", "](", "<", "://", "www.", ".org", ".com", ".net", ".info", ".edu", ".gov",
    ".pk", ".ir", ".lk", ".uk", ".ORG", ".COM",
)  # fmt: skip


@functools.lru_cache(maxsize=8192)
def _mask(text: str) -> str:
    """``text`` with non-prose regions blanked out (offsets kept)."""
    if not any(hint in text for hint in _NOT_PROSE_HINTS):
        return text  # the common case, decided without the regex
    return _NOT_PROSE.sub(lambda found: " " * len(found.group(0)), text)


# --------------------------------------------------------------------------- numbers

_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Extended Arabic-Indic
        **{chr(0x0966 + i): str(i) for i in range(10)},  # Devanagari
        **{chr(0x0DE6 + i): str(i) for i in range(10)},  # Sinhala Lith
        "\u066b": ".",  # ARABIC DECIMAL SEPARATOR
        "\u066c": ",",  # ARABIC THOUSANDS SEPARATOR
    }
)
_NATIVE_DIGIT = re.compile("[\u0660-\u066c\u06f0-\u06f9\u0966-\u096f\u0de6-\u0def]")
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:[.](\d+))?(?![\d])")
_NUMBER_FA = re.compile(r"(?<![\d./])(\d{1,3}(?:,\d{3})+|\d+)(?:[./](\d+))?(?![\d/])")
_SCALES = {
    "thousand": 3, "million": 6, "billion": 9, "trillion": 12, "lakh": 5, "crore": 7,
    "هزار": 3, "ہزار": 3, "لاکھ": 5, "کروڑ": 7, "ارب": 9, "کھرب": 11, "ملین": 6, "بلین": 9,
    "میلیون": 6, "میلیارد": 9, "بیلیون": 9,
    "දහස": 3, "දහසක්": 3, "දහස්": 3, "ලක්ෂ": 5, "මිලියන": 6, "බිලියන": 9, "කෝටි": 7,
}  # fmt: skip
_SCALE_AFTER = re.compile(r"\s*(" + "|".join(sorted(_SCALES, key=len, reverse=True)) + r")", re.I)
_RANGE_BETWEEN = re.compile(r"^\s*(?:to|and|-|–|—|تا|سے|و|සිට|ත්|අතර|දක්වා)\s*$", re.I)
_NUMBER_WORDS = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    r"|hundreds?|thousands?|millions?|billions?|dozens?|twice|half|single|first|second|third)\b",
    re.I,
)


@dataclass(slots=True)
class _Number:
    values: set[str]
    """Canonical decimal strings: ``10000``, ``6.75``; one per stated scale."""
    text: str
    start: int
    end: int


def _canonical(whole: str, fraction: str) -> str:
    whole = whole.replace(",", "").lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _scaled(value: str, exponent: int) -> str:
    """``value`` times 10**exponent, as a canonical string (exact, no floats)."""
    whole, _, fraction = value.partition(".")
    digits = whole + fraction
    point = len(whole) + exponent
    if point > len(digits):
        digits += "0" * (point - len(digits))
    return _canonical(digits[:point], digits[point:])


def extract_numbers(text: str, *, persian_slash: bool = False) -> list[_Number]:
    """Numbers in ``text`` in any digit system, with their values at each stated scale.

    ``10,000``, ``۱۰٬۰۰۰`` and ``10 ہزار`` all carry the value 10000; a scale word after
    the second number of a range applies to the first (``۱۰ تا ۲۰ هزار``). Link URLs and
    code spans are ignored.
    """
    if not _ANY_DIGIT.search(text):
        return []
    plain = _mask(text)
    if _NATIVE_DIGIT.search(plain):
        plain = plain.translate(_DIGITS)
    pattern = _NUMBER_FA if persian_slash else _NUMBER
    numbers: list[_Number] = []
    for found in pattern.finditer(plain):
        whole, fraction = found.groups()
        value = (
            whole
            if not fraction and "," not in whole and whole[0] != "0"
            else _canonical(whole, fraction or "")
        )
        number = _Number({value}, found.group(0), found.start(), found.end())
        scale = _SCALE_AFTER.match(plain, found.end())  # anchored: one position, cheap
        if scale:
            exponent = _SCALES[scale.group(1).lower()]
            number.values.add(_scaled(value, exponent))
            if numbers and _RANGE_BETWEEN.match(plain[numbers[-1].end : found.start()]):
                previous = numbers[-1]
                previous.values.update({_scaled(v, exponent) for v in list(previous.values)})
        numbers.append(number)
    return numbers


@functools.lru_cache(maxsize=4096)
def _source_numbers(source: str) -> list[_Number]:
    """extract_numbers for a msgid, shared by its three translations (never mutated)."""
    return extract_numbers(source)


def check_numbers(source: str, target: str, lang: str) -> list[Problem]:
    """Numbers of the source appear in the translation, in any digit system or scale."""
    source_numbers = _source_numbers(source)
    target_numbers = extract_numbers(target, persian_slash=lang == "fa")
    if not source_numbers and not target_numbers:
        return []
    used = [False] * len(target_numbers)
    missing = []
    for number in source_numbers:
        for index, candidate in enumerate(target_numbers):
            if not used[index] and number.values & candidate.values:
                used[index] = True
                break
        else:
            missing.append(number)
    problems = []
    if missing:
        shown = ", ".join(number.text for number in missing)
        problems.append(
            Problem(
                code="number-mismatch",
                message=f"number{'s' if len(missing) > 1 else ''} {shown} of the source "
                f"{'are' if len(missing) > 1 else 'is'} missing from the translation",
                hint="write every number of the source (any digit system; 10,000 may be 10 ہزار)",
            )
        )
    extra = [number for index, number in enumerate(target_numbers) if not used[index]]
    if extra and not _NUMBER_WORDS.search(source):
        first = extra[0]
        problems.append(
            Problem(
                code="number-mismatch",
                message=f"number {', '.join(n.text for n in extra)} is not in the source",
                hint="check for a mistyped or invented number",
                span=(first.start, first.end),
            )
        )
    return problems


# --------------------------------------------------------------------------- markup

_PARSER: MarkdownIt | None = None


def _parser() -> MarkdownIt:
    global _PARSER
    if _PARSER is None:
        from markdown_it import MarkdownIt

        _PARSER = MarkdownIt("commonmark")
    return _PARSER


@dataclass(slots=True)
class _Markup:
    links: list[str]
    images: list[str]
    code: list[str]
    emphasis: int
    strong: int
    html: list[str]


def inline_markup(text: str) -> _Markup:
    """Links, images, code spans, emphasis and raw HTML of one segment, as markdown-it parses it."""
    markup = _Markup([], [], [], 0, 0, [])
    if not _MARKUP_CHARS.intersection(text):
        return markup
    tokens = _parser().parseInline(text)
    stack = list(tokens)
    while stack:
        token = stack.pop(0)
        if token.children:
            stack[:0] = token.children
        if token.type == "link_open":
            markup.links.append(str(token.attrGet("href") or ""))
        elif token.type == "image":
            markup.images.append(str(token.attrGet("src") or ""))
        elif token.type == "code_inline":
            markup.code.append(token.content)
        elif token.type == "em_open":
            markup.emphasis += 1
        elif token.type == "strong_open":
            markup.strong += 1
        elif token.type == "html_inline":
            markup.html.append(token.content)
    return markup


def _missing(first: Sequence[str], second: Sequence[str]) -> list[str]:
    rest = list(second)
    result = []
    for item in first:
        if item in rest:
            rest.remove(item)
        else:
            result.append(item)
    return result


def check_markup(source: str, target: str) -> list[Problem]:
    """Links (same URLs), images, code spans (same content), emphasis, strong and HTML tags match."""
    if not _MARKUP_CHARS.intersection(source) and not _MARKUP_CHARS.intersection(target):
        return []
    if _SKELETON.findall(source) == _SKELETON.findall(target):
        return []  # the same markup characters and link URLs in the same order: parsing would agree
    want, got = inline_markup(source), inline_markup(target)
    problems = []

    def add(message: str, hint: str, located: str | None = None) -> None:
        span = None
        if located:
            at = target.find(located)
            span = (at, at + len(located)) if at >= 0 else None
        problems.append(Problem(code="markup-mismatch", message=message, hint=hint, span=span))

    for kind, source_items, target_items in (
        ("link", want.links, got.links),
        ("image", want.images, got.images),
    ):
        lost = _missing(source_items, target_items)
        added = _missing(target_items, source_items)
        for url in lost:
            add(
                f"{kind} to {url} is missing or its URL was changed",
                f"keep [text]({url}) with the URL exactly as in the source",
                added[0] if added else None,
            )
        for url in added[len(lost) :]:
            add(f"{kind} to {url} is not in the source", "remove it or use the source's URL", url)
    for code in _missing(want.code, got.code):
        add(f"code span `{code}` is missing or changed", "copy code spans unchanged, backticks included")
    for code in _missing(got.code, want.code):
        add(f"code span `{code}` is not in the source", "code spans are copied, not translated", code)
    for name, count, have in (
        ("emphasis (*...*)", want.emphasis, got.emphasis),
        ("strong (**...**)", want.strong, got.strong),
    ):
        if count != have:
            add(f"{name}: {count} in the source, {have} in the translation", "keep the same inline markup")
    for tag in _missing(want.html, got.html):
        add(f"HTML tag {tag} is missing", "copy HTML tags unchanged")
    return problems


def check_placeholders(source: str, target: str) -> list[Problem]:
    """Format placeholders (``%(link)s``, ``%s``, ``{name}``) of site strings are kept verbatim."""
    if "%" not in source and "{" not in source and "%" not in target and "{" not in target:
        return []
    want, got = _PLACEHOLDER.findall(source), _PLACEHOLDER.findall(target)
    problems = [
        Problem(
            code="markup-mismatch",
            message=f"placeholder {name} is missing or changed",
            hint=f"copy {name} unchanged; the program fills it in",
        )
        for name in _missing(want, got)
    ]
    for name in _missing(got, want):
        at = target.find(name)
        problems.append(
            Problem(
                code="markup-mismatch",
                message=f"placeholder {name} is not in the source",
                hint="remove it or use the source's placeholder",
                span=(at, at + len(name)),
            )
        )
    return problems


# --------------------------------------------------------------------------- script, punctuation


def check_script(target: str, lang: str, script: str) -> list[Problem]:
    """Letters outside the language's script, except URLs, code, domains and ACRONYMS."""
    masked = _mask(target)
    stretches: list[list[int]] = []
    for found_script, start, end in foreign_runs(masked, script):
        if found_script == "Latn" and _ACRONYM_RUN.fullmatch(masked, start, end):
            continue
        if stretches and not has_own_letters(masked, script, stretches[-1][1], start):
            stretches[-1][1] = end  # only spaces, digits or punctuation between: one stretch
        else:
            stretches.append([start, end])
    problems = []
    names = {"Latn": "Latin", "Arab": "Arabic-script", "Sinh": "Sinhala", "Deva": "Devanagari"}
    for start, end in stretches:
        found = target[start:end]
        kind = names.get(_first_script(found), "foreign")
        problems.append(
            Problem(
                code="wrong-script",
                message=f"{kind} text in the {lang} translation: {found!r}",
                hint=f"write it in {names.get(script, script)} script (names as in the glossary); "
                "Latin is kept only for URLs, code and acronyms",
                span=(start, end),
            )
        )
    return problems


def _first_script(text: str) -> str:
    """Script of the first letter run of ``text`` (``Zyyy`` when none)."""
    for script, _, _ in iter_script_runs(text):
        return script
    return "Zyyy"


_TRAILING = " \t\n\u00a0\"'”’»)]*_\u200f\u200e\u061c"
_END_MARKS = ".?!,;:۔؟،؛…"


def _end_mark(text: str) -> tuple[str, int]:
    """The last punctuation mark before closing quotes, brackets and markup, and its offset."""
    index = len(text) - 1
    while index >= 0 and text[index] in _TRAILING:
        index -= 1
    if index >= 0 and text[index] in _END_MARKS:
        return text[index], index
    return "", index


def check_end_punctuation(source: str, target: str, language: Language) -> list[Problem]:
    """The translation ends the way the source does, in the language's own punctuation."""
    want, _ = _end_mark(source)
    have, at = _end_mark(target)
    arabic = language.script == "Arab"
    span = (at, at + 1) if have else None
    expected = {
        ".": language.full_stop,
        "?": language.question_mark,
        ",": language.comma,
        ";": "؛" if arabic else ";",
    }

    def problem(message: str, hint: str) -> list[Problem]:
        return [Problem(code="end-punctuation", message=message, hint=hint, span=span)]

    if arabic and have and have in "?,;":
        return problem(
            f"Latin {have!r} at the end of {language.name} text",
            f"use {expected[have]!r}",
        )
    if have == "۔" and language.full_stop != "۔":
        return problem(f"Urdu full stop '۔' in {language.name}", f"use {language.full_stop!r}")
    if want in expected:
        target_mark = expected[want]
        accepted = {target_mark}
        if want == ".":
            accepted |= {language.question_mark, "!", "…", ":"}
        elif want == ",":
            accepted.add(language.full_stop)  # a segment cannot end mid-sentence; the source slipped
            if not arabic:
                accepted.add("?")
        if have not in accepted:
            found = f"ends with {have!r}" if have else "has no end punctuation"
            return problem(
                f"source ends with {want!r}, translation {found}",
                f"end with {target_mark!r}",
            )
    elif want in ("!", ":", "…"):
        if not have:
            return problem(
                f"source ends with {want!r}, translation has no end punctuation", f"end with {want!r}"
            )
    elif not want and have in (".", "۔"):
        return problem(
            "translation ends with a full stop, the source does not",
            "titles, headings and list items keep the source's (absent) end punctuation",
        )
    return []


# --------------------------------------------------------------------------- other checks


def _is_prose(text: str) -> bool:
    """Whether English ``text`` has words to translate (not only URLs, code or acronyms)."""
    masked = _mask(text)
    words = re.findall(r"[A-Za-z]{2,}", masked)
    return any(not _ACRONYM_RUN.fullmatch(word) for word in words)


def check_length(source: str, target: str, lang: str, settings: ReviewSettings) -> list[Problem]:
    """The translation is not far shorter or longer than the language usually is."""
    source_length = len(_mask(source).strip())
    if source_length < MIN_LENGTH_FOR_RATIO:
        return []
    expected = settings.length_ratio.get(lang, 1.0)
    ratio = len(_mask(target).strip()) / source_length
    tolerance = settings.length_tolerance
    if expected / tolerance <= ratio <= expected * tolerance:
        return []
    side = "short" if ratio < expected else "long"
    return [
        Problem(
            code="length-ratio",
            message=f"translation is {ratio:.2f}x the source length (usual for {lang}: {expected:.2f}x)",
            hint=f"check that nothing was left out or added; {side} translations often are truncated"
            if side == "short"
            else "check for repeated or added text",
        )
    ]


def check_entry(
    source: str,
    target: str,
    language: Language,
    *,
    glossary: Glossary | None = None,
    settings: ReviewSettings | None = None,
) -> list[Problem]:
    """Run every entry check on one translated pair; the core of :func:`review`."""
    lang = language.code
    settings = settings or ReviewSettings(length_ratio=DEFAULT_LENGTH_RATIO)
    if target.strip() == source.strip() and _is_prose(source):
        return [
            Problem(
                code="identical-to-source",
                message="translation is the English source text",
                hint=f"translate it into {language.name}",
                span=(0, len(target)),
            )
        ]
    problems: list[Problem] = []
    if glossary is not None:
        for term, full in glossary.source_terms(source):
            if glossary.target_contains(lang, target, term, full=full):
                continue
            forms = term.spellings.get(lang, ())
            also = f" (also accepted: {', '.join(forms[1:])})" if len(forms) > 1 else ""
            problems.append(
                Problem(
                    code="glossary-term",
                    message=f"{term.english!r} is not spelled {forms[0]} as the glossary says",
                    hint=f"use {forms[0]}{also}; see glossary.csv line {term.line}",
                    span=_closest(forms[0], target),
                )
            )
    problems += check_numbers(source, target, lang)
    problems += check_markup(source, target)
    problems += check_placeholders(source, target)
    script = language.script or LANG_SCRIPTS.get(lang, "Latn")
    if script != "Latn":
        problems += check_script(target, lang, script)
    problems += check_end_punctuation(source, target, language)
    if not _DOUBLE_SPACE.search(source):
        found = _DOUBLE_SPACE.search(target)
        if found:
            problems.append(
                Problem(
                    code="double-space",
                    message="doubled space in the translation",
                    hint="use one space between words",
                    span=(found.start(), found.end()),
                )
            )
    stray = []
    if _BIDI.search(target):
        stray = [index for index, char in enumerate(target) if char in BIDI_CONTROLS and char not in source]
    if stray:
        names = sorted({BIDI_NAMES[target[index]] for index in stray})
        problems.append(
            Problem(
                code="bidi-control",
                message=f"invisible bidi control character{'s' if len(names) > 1 else ''} "
                f"{', '.join(names)} in the translation",
                hint="delete it; direction comes from the page's lang and dir attributes",
                span=(stray[0], stray[0] + 1),
            )
        )
    problems += check_length(source, target, lang, settings)
    return problems


def _closest(spelling: str, target: str) -> tuple[int, int] | None:
    """Where in ``target`` a misspelling of ``spelling`` most likely is, for highlighting."""
    from rapidfuzz import fuzz

    if not target or not spelling:
        return None
    found = fuzz.partial_ratio_alignment(spelling, target, score_cutoff=60)
    if found is None:
        return None
    start, end = int(found.dest_start), int(found.dest_end)
    return (start, end) if end > start else None


# --------------------------------------------------------------------------- catalogs


def review_catalog(
    po: Iterable[polib.POEntry],
    language: Language,
    *,
    article: str,
    path: Path | None = None,
    glossary: Glossary | None = None,
    settings: ReviewSettings | None = None,
    include_untranslated: bool = True,
) -> list[Finding]:
    """Findings for one parsed catalog: translated and fuzzy entries; obsolete ones skipped."""

    findings: list[Finding] = []
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        pairs = _pairs(entry)
        silenced = noqa_codes(entry)
        for source, target in pairs:
            if not target.strip():
                if include_untranslated and "untranslated" not in silenced:
                    problems = [
                        Problem(
                            code="untranslated",
                            message="not translated",
                            hint="translate it in the PO file, or run 'workflow.py draft'",
                        )
                    ]
                else:
                    problems = []
            else:
                problems = check_entry(source, target, language, glossary=glossary, settings=settings)
            for problem in problems:
                if problem.code in silenced:
                    continue
                findings.append(
                    Finding(
                        code=problem.code,
                        severity=problem.severity,
                        article=article,
                        lang=language.code,
                        msgid=entry.msgid,
                        msgctxt=entry.msgctxt,
                        msgstr=target,
                        line=entry.linenum,
                        path=path,
                        message=problem.message,
                        hint=problem.hint,
                        span=problem.span,
                    )
                )
    return findings


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    forms = sorted(entry.msgstr_plural.items())
    return [(entry.msgid if int(index) == 0 else entry.msgid_plural, text) for index, text in forms]


def _review_slugs(project: Project, slugs: Sequence[str] | None) -> list[str]:
    from ..catalog.stats import catalog_slugs

    known = set(catalog_slugs(project))
    for lang in project.targets:
        known.update(path.stem for path in (project.translations_dir / lang).glob("*.po"))
    if slugs is None:
        return sorted(known)
    for slug in slugs:
        if slug not in known:
            raise SourceError(
                f"unknown article {slug!r}",
                path=project.source_path(slug),
                hint="articles are source/<slug>.md; run without ARTICLE to review all catalogs",
            )
    return list(dict.fromkeys(slugs))


def load_glossary(project: Project) -> Glossary | None:
    """The project's glossary, or None when it has no glossary.csv."""
    from ..glossary import read_glossary

    if not project.glossary_path.exists():
        return None
    scripts = {code: language.script for code, language in project.languages.items()}
    return read_glossary(project.glossary_path, scripts=scripts)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Task:
    """Everything needed to review one catalog, picklable for worker processes."""

    slug: str
    language: Language
    path: Path
    include_untranslated: bool


_WORKER: dict[str, Any] = {}


def _init_worker(glossary: Glossary | None, settings: ReviewSettings) -> None:
    _WORKER["glossary"] = glossary
    _WORKER["settings"] = settings


def _review_task(
    task: _Task, glossary: Glossary | None = None, settings: ReviewSettings | None = None
) -> list[Finding]:
    if settings is None:  # in a worker process
        glossary, settings = _WORKER["glossary"], _WORKER["settings"]
    language = task.language
    if not task.path.exists():
        if not task.include_untranslated:
            return []
        return [
            Finding(
                code="missing-catalog",
                severity=CODES["missing-catalog"],
                article=task.slug,
                lang=language.code,
                msgid="",
                path=task.path,
                message=f"no {language.name} catalog",
                hint="run 'workflow.py extract' to create it",
            )
        ]
    return review_catalog(
        read_catalog(task.path),
        language,
        article=task.slug,
        path=task.path,
        glossary=glossary,
        settings=settings,
        include_untranslated=task.include_untranslated,
    )


def review(
    project: Project,
    langs: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    *,
    include_untranslated: bool = True,
    glossary: Glossary | None = None,
    jobs: int | None = None,
) -> list[Finding]:
    """Review every catalog of ``slugs`` (all by default) in ``langs`` (all targets by default).

    Raises ``GlossaryError`` for a broken glossary and ``CatalogError`` for a broken
    catalog (both are input errors, not findings); an article with no catalog in a
    language is a ``missing-catalog`` finding when ``include_untranslated``. Findings
    come in article, language and entry order. With ``jobs`` > 1 (default: ``[review]
    jobs``, else the number of CPUs) a large review is spread over worker processes;
    the result is the same.
    """
    languages = project.target_languages(list(langs) if langs else None)
    if glossary is None:
        glossary = load_glossary(project)
    settings = ReviewSettings.from_project(project)
    tasks = [
        _Task(
            slug=slug,
            language=language,
            path=project.po_path(language.code, slug),
            include_untranslated=include_untranslated,
        )
        for slug in _review_slugs(project, slugs)
        for language in languages
    ]
    if jobs is None:
        jobs = int(project.section("review").get("jobs", 0)) or os.cpu_count() or 1
    findings: list[Finding] = []
    if jobs > 1 and len(tasks) >= PARALLEL_MIN_CATALOGS:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(
            max_workers=jobs, initializer=_init_worker, initargs=(glossary, settings)
        ) as pool:
            for part in pool.map(_review_task, tasks, chunksize=max(1, len(tasks) // (jobs * 8))):
                findings += part
        return findings
    for task in tasks:
        findings += _review_task(task, glossary, settings)
    return findings


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding fails the review gate."""
    return any(finding.severity is Severity.ERROR for finding in findings)


def finding_to_dict(finding: Finding, project_root: Path | None = None) -> dict[str, Any]:
    """A JSON-ready dict of one finding (paths relative to ``project_root`` when inside it)."""
    path: str | None = None
    if finding.path is not None:
        path = str(finding.path)
        if project_root is not None:
            try:
                path = finding.path.resolve().relative_to(project_root.resolve()).as_posix()
            except ValueError:
                pass
    return {
        "code": finding.code,
        "severity": str(finding.severity),
        "article": finding.article,
        "lang": finding.lang,
        "path": path,
        "line": finding.line,
        "msgctxt": finding.msgctxt,
        "msgid": finding.msgid,
        "msgstr": finding.msgstr,
        "message": finding.message,
        "hint": finding.hint,
        "span": list(finding.span) if finding.span else None,
    }


# --------------------------------------------------------------------------- reports


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts per severity: ``{"error": n, "warning": n, "info": n}``."""
    counts = {str(severity): 0 for severity in Severity}
    for finding in findings:
        counts[str(finding.severity)] += 1
    return counts


def format_json(findings: Sequence[Finding], project_root: Path | None = None) -> str:
    """The JSON report: findings, counts per severity and the checks that ran."""
    import json

    payload = {
        "summary": summarize(findings),
        "checks": {code: str(severity) for code, severity in CODES.items()},
        "findings": [finding_to_dict(finding, project_root) for finding in findings],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _pieces(text: str, span: tuple[int, int] | None) -> tuple[str, str, str]:
    if span is None or not (0 <= span[0] <= span[1] <= len(text)):
        return text, "", ""
    return text[: span[0]], text[span[0] : span[1]], text[span[1] :]


def format_html(project: Project, findings: Sequence[Finding], *, title: str = "Review report") -> str:
    """The self-contained HTML report (``render/review_report.html.j2``), autoescaped."""
    import jinja2

    from ..site import template_dirs

    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for finding in findings:
        language = project.languages.get(finding.lang)
        before, marked, after = _pieces(finding.msgstr, finding.span)
        item = finding_to_dict(finding, project.root)
        item.update(
            before=before,
            marked=marked,
            after=after,
            dir=language.direction if language else "auto",
            lang_name=language.name if language else finding.lang,
        )
        groups.setdefault((finding.article, finding.lang), []).append(item)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(project)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    template = env.get_template("review_report.html.j2")
    return template.render(
        title=title,
        source_lang=project.source_language,
        summary=summarize(findings),
        groups=[
            {"article": article, "lang": lang, "items": items} for (article, lang), items in groups.items()
        ],
        checks=CODES,
    )
