"""Per-language facts: direction, script, digits, fonts, plural forms.

Languages are configuration (``defaults.toml`` and a project's ``workflow.toml``),
completed from CLDR through babel: names, direction and plural forms are never
typed by hand. Adding a language is a table in the configuration, not code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError, UnknownLanguageError

NUMBERING_SYSTEMS = {
    "latn": "0",
    "arab": "\u0660",  # Arabic-Indic ٠
    "arabext": "\u06f0",  # Extended Arabic-Indic (Persian, Urdu) ۰
    "deva": "\u0966",
    "beng": "\u09e6",
    "sinh": "\u0de6",  # Sinhala Lith digits, historic
    "tamldec": "\u0be6",
}
"""Zero digit of the CLDR numbering systems our languages' presses use.

babel formats numbers with Latin digits only; this maps them to the native ones."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Language:
    """Everything the stages need to know about one language."""

    code: str
    """BCP 47 / gettext code: ``ur``, ``fa``, ``si``."""
    name: str
    """English name from CLDR, e.g. ``Urdu``."""
    native_name: str
    """Name in the language itself, e.g. ``اردو``."""
    direction: str
    """``rtl`` or ``ltr``."""
    script: str
    """ISO 15924 code of the writing system: ``Arab``, ``Sinh``, ``Latn``."""
    numbering: str
    """CLDR numbering system for digits: ``latn``, ``arabext`` ..."""
    plural_forms: str
    """gettext Plural-Forms header value: the configured one (GNU gettext's and Weblate's), else CLDR's."""
    font_family: str
    font_files: tuple[str, ...]
    font_scale: float
    line_height: float
    headline_scale: tuple[float, float, float] = (1.4, 1.65, 1.9)
    """Headline size in ems of the body text on phones (under 600 px), tablets, desktops (1008 px up)."""
    punctuation_files: tuple[str, ...] = ()
    """Fonts drawing the punctuation ``font_files`` lack, one per weight (a deliberate fallback)."""
    calendars: tuple[str, ...] = ("gregorian",)
    """Calendars of a printed date, first the main one: ``gregorian``, ``persian`` (Solar Hijri)."""
    month_names: tuple[str, ...] = ()
    """Gregorian month names as the language's press prints them, where CLDR's long format differs."""
    quotes: tuple[str, ...] = ()
    """Opening and closing double quotation marks, in logical order; empty: leave quotes as written."""
    no_break_after_numbers: bool = False
    """Glue a number to the word after it (and a month name to its day) with a no-break space."""
    word_spacing: str = "normal"
    """CSS ``word-spacing`` of the language's text: Nastaliq's own space is too narrow, Sinhala's too wide."""
    justify: bool = False
    """Justify paragraphs in print and on screens 600 px and wider, as the language's press sets them."""
    emphasis: str = "Italic"
    """Face style of ``em``: ``Italic`` for Latin; a heavier weight (``SemiBold``) for unslanted scripts."""
    emphasis_color: str = ""
    """CSS colour of ``em``, where weight alone does not tell it from ``strong``; empty: the text colour."""
    full_stop: str
    question_mark: str
    comma: str

    @property
    def digits(self) -> str:
        """The ten digits this language prints, zero first."""
        zero = ord(NUMBERING_SYSTEMS[self.numbering])
        return "".join(chr(zero + i) for i in range(10))

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"

    def localize_digits(self, text: str) -> str:
        """Replace Western digits in ``text`` by this language's digits."""
        if self.numbering == "latn":
            return text
        return text.translate(str.maketrans("0123456789", self.digits))


def build_language(code: str, table: Mapping[str, Any]) -> Language:
    """Complete one ``[languages.<code>]`` table with CLDR data from babel."""
    from babel import Locale, UnknownLocaleError
    from babel.messages.plurals import get_plural

    try:
        locale = Locale.parse(code)
    except (UnknownLocaleError, ValueError) as exc:
        raise ConfigError(
            f"language {code!r} is not a CLDR locale",
            hint="use a code babel knows, such as ur, fa, si, hi",
        ) from exc
    plural = get_plural(locale)
    order = locale.character_order or "left-to-right"
    direction = table.get("direction") or ("rtl" if order == "right-to-left" else "ltr")
    numbering = table.get("numbering", "latn")
    if numbering not in NUMBERING_SYSTEMS:
        raise ConfigError(
            f"language {code!r}: unknown numbering system {numbering!r}",
            hint="one of " + ", ".join(sorted(NUMBERING_SYSTEMS)),
        )
    try:
        return Language(
            code=code,
            name=locale.english_name or code,
            native_name=locale.display_name or code,
            direction=direction,
            script=table["script"],
            numbering=numbering,
            # Pinned per language in defaults.toml: CLDR's rules change between babel
            # releases, and a catalog Weblate ingests must keep one definition.
            plural_forms=str(
                table.get("plural_forms") or f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"
            ),
            font_family=table["font_family"],
            font_files=tuple(table.get("font_files", ())),
            font_scale=float(table.get("font_scale", 1.0)),
            line_height=float(table.get("line_height", 1.5)),
            headline_scale=_three_floats(
                code, "headline_scale", table.get("headline_scale", (1.4, 1.65, 1.9))
            ),
            punctuation_files=tuple(table.get("punctuation_files", ())),
            calendars=_calendars(code, table.get("calendars", ("gregorian",))),
            month_names=_month_names(code, table.get("month_names", ())),
            quotes=tuple(str(q) for q in table.get("quotes", ())),
            no_break_after_numbers=bool(table.get("no_break_after_numbers", False)),
            word_spacing=str(table.get("word_spacing", "normal")),
            justify=bool(table.get("justify", False)),
            emphasis=str(table.get("emphasis", "Italic")),
            emphasis_color=str(table.get("emphasis_color", "")),
            full_stop=table.get("full_stop", "."),
            question_mark=table.get("question_mark", "?"),
            comma=table.get("comma", ","),
        )
    except KeyError as exc:
        raise ConfigError(
            f"language {code!r} lacks required setting {exc.args[0]!r}",
            hint=f"add {exc.args[0]} = ... under [languages.{code}] in workflow.toml",
        ) from exc


def _three_floats(code: str, key: str, value: Any) -> tuple[float, float, float]:
    """A ``[phone, tablet, desktop]`` setting as three floats; anything else is a ConfigError."""
    try:
        phone, tablet, desktop = (float(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"language {code!r}: {key} = {value!r} is not three numbers",
            hint=f"write {key} = [phone, tablet, desktop], e.g. [1.4, 1.65, 1.9]",
        ) from exc
    return phone, tablet, desktop


CALENDARS = ("gregorian", "persian")


def _calendars(code: str, value: Any) -> tuple[str, ...]:
    calendars = tuple(str(v) for v in value)
    if not calendars or any(c not in CALENDARS for c in calendars):
        raise ConfigError(
            f"language {code!r}: calendars = {list(calendars)!r}",
            hint="a list of " + ", ".join(CALENDARS) + ", the main calendar first",
        )
    return calendars


def _month_names(code: str, value: Any) -> tuple[str, ...]:
    names = tuple(str(v) for v in value)
    if names and len(names) != 12:
        raise ConfigError(
            f"language {code!r}: month_names has {len(names)} names, not 12",
            hint="January to December, as the language's press prints them",
        )
    return names


def select_languages(
    languages: Mapping[str, Language], requested: list[str] | None, targets: list[str]
) -> list[Language]:
    """The languages a command works on: ``requested`` codes, or all targets.

    An unknown code is an error that lists the configured ones.
    """
    codes = requested or targets
    chosen = []
    for code in codes:
        if code not in languages or code not in targets:
            raise UnknownLanguageError(
                f"unknown language {code!r}",
                hint="configured target languages: " + ", ".join(targets),
            )
        chosen.append(languages[code])
    return chosen
