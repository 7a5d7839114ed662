"""The glossary model: terms and their spellings, matched per script.

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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import GlossaryError
from ..model import Term
from ..scripts import ARABIC_LETTERS, LANG_SCRIPTS, SINHALA_CHARS, fold

FIXED_COLUMNS = ("english", "acronym", "kind", "case_sensitive")
LAST_COLUMN = "note"
KEEP_LATIN = "keep-latin"
"""Kind of a name the press keeps in Latin letters (a product, a software name): review
does not flag it, and its language cells may be empty."""
KINDS = ("person", "place", "organisation", "publication", "term", KEEP_LATIN)

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
