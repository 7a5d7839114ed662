"""The schema of ``workflow.toml``: every key, its type and its allowed values.

Input: the configuration merged from ``defaults.toml`` and a project's
``workflow.toml`` (plain TOML data), and the text of ``workflow.toml`` for line
numbers. Output: nothing, or a :class:`~pressroom.errors.ConfigError` such as
``workflow.toml:3: [render] jobs must be an integer from 0 to 1024, not "many"``.

The stages read their tables (``project.section("render")``) after this check, so
they can trust types: one schema here instead of an ``int()`` in every reader. An
unknown key is an error with a "did you mean" hint (difflib), so a typo never
silently falls back to a default. Paths are confined to the project; values that end
up in CSS (font names, page size) or in file names (package names) are restricted
to what cannot escape their place.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .languages import NUMBERING_SYSTEMS

CONFIG_NAME = "workflow.toml"

LANG_CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
"""A language code as the configuration, the catalogs' folders and file names use it."""
ENGINES = ("argos", "nllb")
"""Drafting engines (``pressroom.models`` checks it keeps to this list)."""
COMPUTE_TYPES = (
    "auto",
    "default",
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)
"""CTranslate2's compute types."""
OUTPUT_FORMATS = ("html", "pdf")
SEARCHABLE_MODES = ("none", "ltr", "clusters", "words")
"""``[render] searchable_text`` (``pressroom.render_pdf`` keeps to this list), or true/false."""
PDF_VARIANTS = (
    "",
    "pdf/a-1b",
    "pdf/a-2b",
    "pdf/a-3b",
    "pdf/a-2u",
    "pdf/a-3u",
    "pdf/a-4u",
    "pdf/a-1a",
    "pdf/a-2a",
    "pdf/a-3a",
    "pdf/a-4e",
    "pdf/a-4f",
    "pdf/ua-1",
    "pdf/ua-2",
    "pdf/x-1a",
    "pdf/x-3",
    "pdf/x-4",
    "pdf/x-5g",
    "debug",
)
"""WeasyPrint's ``pdf_variant`` values; empty for a plain PDF."""

_LENGTH = r"\d+(?:\.\d+)?(?:mm|cm|in|pt|pc|px|q)"
PAGE_SIZE = re.compile(
    rf"(?:(?:a[3-5]|b[45]|jis-b[45]|letter|legal|ledger)(?:\s+(?:portrait|landscape))?"
    rf"|(?:portrait|landscape)(?:\s+(?:a[3-5]|b[45]|jis-b[45]|letter|legal|ledger))?"
    rf"|{_LENGTH}(?:\s+{_LENGTH})?|auto)",
    re.IGNORECASE,
)
"""CSS ``@page size`` values: the value is pasted into a stylesheet, so nothing else."""
FONT_FAMILY = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}")
"""A font family name as it goes into CSS between quotes."""
FONT_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,199}\.(?:ttf|otf|ttc|woff2?)", re.IGNORECASE)
"""A font file name (no folders: fonts are looked up in ``font_dirs``)."""
PACKAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
"""An installed package folder name (no folders, no ``..``)."""
PLURAL_FORMS = re.compile(r"nplurals\s*=\s*[1-6]\s*;\s*plural\s*=\s*[n0-9\s()!=<>&|?:%+*/-]+;?")
SCRIPT_CODE = re.compile(r"[A-Z][a-z]{3}")
NLLB_CODE = re.compile(r"[a-z]{3}_[A-Z][a-z]{3}")
BASE_URL = re.compile(r"(?:https?://[^\s\"'<>\\]+)?")

MAX_TEXT = 2000
"""Longest string value accepted anywhere in the configuration."""


# -- where a key is written -----------------------------------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _read_key(text: str, pos: int) -> tuple[tuple[str, ...], int] | None:
    """A (possibly dotted, possibly quoted) TOML key at ``text[pos:]``, and where it ends."""
    parts: list[str] = []
    while True:
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos >= len(text):
            return None
        if text[pos] in "\"'":
            quote = text[pos]
            end = text.find(quote, pos + 1)
            while quote == '"' and end > 0 and text[end - 1] == "\\":
                end = text.find(quote, end + 1)
            if end < 0:
                return None
            raw = text[pos + 1 : end]
            parts.append(json.loads(f'"{raw}"') if quote == '"' and "\\" in raw else raw)
            pos = end + 1
        else:
            bare = _BARE_KEY.match(text, pos)
            if bare is None:
                return None
            parts.append(bare.group())
            pos = bare.end()
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return tuple(parts), pos


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """1-based line of every table header and key written in TOML ``text``.

    A small scanner, not a parser: ``tomllib`` keeps no positions, and the file has
    already parsed when this runs. Lines inside multi-line strings are skipped; the
    first occurrence of a key wins.
    """
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if line.count(in_string) % 2:
                in_string = None
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            array = stripped.startswith("[[")
            found = _read_key(stripped, 2 if array else 1)
            if found is not None:
                table = found[0]
                lines.setdefault(table, number)
            continue
        found = _read_key(line, 0)
        if found is None or found[1] >= len(line) or line[found[1]] != "=":
            continue
        lines.setdefault((*table, *found[0]), number)
        rest = line[found[1] + 1 :]
        for quotes in ('"""', "'''"):
            if rest.count(quotes) % 2:
                in_string = quotes
                break
    return lines


def line_of(lines: Mapping[tuple[str, ...], int], keys: Sequence[str]) -> int | None:
    """The line of ``keys``, or of the nearest enclosing table or key that is written."""
    for end in range(len(keys), 0, -1):
        if tuple(keys[:end]) in lines:
            return lines[tuple(keys[:end])]
    return None


# -- rules ------------------------------------------------------------------------------


class _Invalid(Exception):
    """A value breaks its rule (internal; turned into a ConfigError with file and line)."""

    def __init__(
        self, keys: Sequence[str], message: str, hint: str | None = None, *, wrong_type: bool = False
    ) -> None:
        super().__init__(message)
        self.keys = tuple(keys)
        self.message = message
        self.hint = hint
        self.wrong_type = wrong_type
        """The value is not of the expected kind at all (a list item reports it in its own words)."""


def _name(keys: Sequence[str]) -> str:
    """``[render] jobs``, ``[translate.engine] ur``, ``project``."""
    if len(keys) == 1:
        return keys[0]
    return f"[{'.'.join(keys[:-1])}] {keys[-1]}"


def _shown(value: object) -> str:
    """A value as TOML would write it, cut short."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, Mapping):
        text = "a table"
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True, slots=True)
class Context:
    """What rules need besides the value: the project root, for paths."""

    root: Path


class Rule:
    """One key's type and allowed values."""

    expected = "a value"

    def check(self, value: object, keys: tuple[str, ...], ctx: Context) -> None:
        raise NotImplementedError

    def fail(self, value: object, keys: tuple[str, ...], hint: str | None = None) -> _Invalid:
        return _Invalid(
            keys, f"{_name(keys)} must be {self.expected}, not {_shown(value)}", hint, wrong_type=True
        )


@dataclass(frozen=True, slots=True)
class Text(Rule):
    choices: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    what: str = "a string"
    empty: bool = True
    max_length: int = MAX_TEXT

    @property
    def expected(self) -> str:  # type: ignore[override]
        if self.choices:
            return "one of " + ", ".join(_shown(c) for c in self.choices)
        return self.what

    def check(self, value: object, keys: tuple[str, ...], ctx: Context) -> None:
        if not isinstance(value, str) or "\0" in value:
            raise self.fail(value, keys)
        if not value:
            if self.empty or "" in self.choices:
                return
            raise self.fail(value, keys)
        if len(value) > self.max_length:
            raise _Invalid(keys, f"{_name(keys)} is longer than {self.max_length} characters")
        if self.choices and value not in self.choices:
            close = difflib.get_close_matches(value, [c for c in self.choices if c], n=1)
            raise self.fail(value, keys, f"did you mean {_shown(close[0])}?" if close else None)
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise self.fail(value, keys)


@dataclass(frozen=True, slots=True)
class Flag(Rule):
    expected = "true or false"

    def check(self, value: object, keys: tuple[str, ...], ctx: Context) -> None:
        if not isinstance(value, bool):
            raise self.fail(value, keys)


@dataclass(frozen=True, slots=True)
class Integer(Rule):
    minimum: int = 0
    maximum: int = 1024

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"an integer from {self.minimum} to {self.maximum}"

    def check(self, value: object, keys: tuple[str, ...], ctx: Context) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not self.minimum <= value <= self.maximum:
            raise self.fail(value, keys)


@dataclass(frozen=True, slots=True)
class Number(Rule):
    """A positive number (int or float) up to ``maximum``."""

    maximum: float = 1000.0

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a number above 0 and at most {self.maximum:g}"

    def check(self, value: object, keys: tuple[str, ...], ctx: Context) -> None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not 0 < value <= self.maximum
        ):
            raise self.fail(value, keys)


@dataclass(frozen=True, slots=True)
class FlagOrText(Rule):
    """``true``/``false`` or one of ``choices`` (``[render] searchable_text``)."""

    choices: tuple[str, ...] = ()

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "true, false or one of " + ", ".join(_shown(c) for c in self.choices)

    def check(self, value: object, keys: tuple[str, ...], ctx: Context) -> None:
        if isinstance(value, bool):
            return
        if not isinstance(value, str) or value not in self.choices:
            raise self.fail(value, keys)


@dataclass(frozen=True, slots=True)
class ProjectPath(Rule):
    """A relative path that stays inside the project, symlinks followed."""

    expected = "a relative path inside the project"

    def check(self, value: object, keys: tuple[str, ...], ctx: Context) -> None:
        if not isinstance(value, str) or not value.strip() or "\0" in value or len(value) > MAX_TEXT:
            raise self.fail(value, keys)
        confine(ctx.root, value, keys)


def confine(root: Path, value: str, keys: Sequence[str]) -> Path:
    """``root / value`` if it stays inside ``root`` after following symlinks."""
    relative = Path(value)
    if relative.is_absolute():
        raise _Invalid(
            keys,
            f"{_name(keys)} = {_shown(value)} is an absolute path",
            "give a path relative to the project folder",
        )
    path = root / relative
    try:
        inside = path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise _Invalid(
            keys, f"{_name(keys)} = {_shown(value)} cannot be followed: {exc}", "fix or remove the link"
        ) from exc
    if not inside:
        raise _Invalid(
            keys,
            f"{_name(keys)} = {_shown(value)} points outside the project",
            "use a folder inside the project; symlinks out of it are not followed",
        )
    return path


@dataclass(frozen=True, slots=True)
class ListOf(Rule):
    item: Rule
    what: str = "a list of strings"
    unique: bool = False
    max_items: int = 1000

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.what

    def check(self, value: object, keys: tuple[str, ...], ctx: Context) -> None:
        if not isinstance(value, list) or len(value) > self.max_items:
            raise self.fail(value, keys)
        seen: set[object] = set()
        for index, item in enumerate(value):
            try:
                self.item.check(item, keys, ctx)
            except _Invalid as exc:
                if not exc.wrong_type:
                    raise
                raise _Invalid(
                    keys, f"{_name(keys)}: item {index + 1} must be {self.item.expected}, not {_shown(item)}"
                ) from exc
            if self.unique and item in seen:
                raise _Invalid(keys, f"{_name(keys)} lists {_shown(item)} twice")
            seen.add(item)


@dataclass(frozen=True, slots=True)
class Table(Rule):
    """A table with a fixed set of keys; every key is optional (defaults fill them in)."""

    fields: Mapping[str, Rule] = field(default_factory=dict)
    expected = "a table"

    def check(self, value: object, keys: tuple[str, ...], ctx: Context) -> None:
        if not isinstance(value, Mapping):
            raise self.fail(
                value,
                keys,
                f"write [{'.'.join(keys)}] on a line of its own, its keys below" if keys else None,
            )
        for key, item in value.items():
            rule = self.fields.get(key)
            if rule is None:
                raise _Invalid((*keys, key), f"unknown key {_name((*keys, key))}", _suggest(self, keys, key))
            rule.check(item, (*keys, key), ctx)


@dataclass(frozen=True, slots=True)
class MapOf(Rule):
    """A table keyed by language code (``[translate.engine]``, ``[languages]``)."""

    value: Rule
    what: str = "a table of language code = value"
    hint: str = ""

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.what

    def check(self, value: object, keys: tuple[str, ...], ctx: Context) -> None:
        if not isinstance(value, Mapping):
            raise self.fail(value, keys, self.hint or f"write [{'.'.join(keys)}] with lines like ur = ...")
        for key, item in value.items():
            if not LANG_CODE.fullmatch(key):
                raise _Invalid(
                    (*keys, key),
                    f"{_name((*keys, key))}: {_shown(key)} is not a language code",
                    "use codes like ur, fa, si",
                )
            self.value.check(item, (*keys, key), ctx)


def _all_paths(rule: Rule, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(rule, Table):
        found = []
        for key, sub in rule.fields.items():
            found.append((*prefix, key))
            found += _all_paths(sub, (*prefix, key))
        return found
    if isinstance(rule, MapOf):
        return _all_paths(rule.value, (*prefix, "<lang>"))
    return []


def _suggest(table: Table, keys: tuple[str, ...], key: str) -> str:
    """ "did you mean" from the sibling keys, else the same key elsewhere, else the list."""
    close = difflib.get_close_matches(key, list(table.fields), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    elsewhere = [path for path in _all_paths(SCHEMA) if path[-1] == key and path[:-1] != keys]
    if elsewhere:
        return f"did you mean {_name(elsewhere[0])}?"
    known = ", ".join(table.fields)
    return f"known keys{' of [' + '.'.join(keys) + ']' if keys else ''}: {known}"


LANGUAGE = Table(
    {
        "direction": Text(choices=("ltr", "rtl")),
        "plural_forms": Text(
            pattern=PLURAL_FORMS, what="a Plural-Forms value like 'nplurals=2; plural=(n != 1);'"
        ),
        "script": Text(pattern=SCRIPT_CODE, what="an ISO 15924 script code like 'Arab'", empty=False),
        "numbering": Text(choices=tuple(sorted(NUMBERING_SYSTEMS))),
        "font_family": Text(
            pattern=FONT_FAMILY, what="a font family name (letters, digits, spaces)", empty=False
        ),
        "font_files": ListOf(Text(pattern=FONT_FILE, what="a font file name like 'NotoSerif-Regular.ttf'")),
        "font_scale": Number(maximum=10),
        "line_height": Number(maximum=10),
        "full_stop": Text(empty=False, max_length=4, what="punctuation of 1 to 4 characters"),
        "question_mark": Text(empty=False, max_length=4, what="punctuation of 1 to 4 characters"),
        "comma": Text(empty=False, max_length=4, what="punctuation of 1 to 4 characters"),
    }
)
"""``[languages.<code>]``."""

SCHEMA = Table(
    {
        "project": Table(
            {
                "name": Text(max_length=200),
                "source_language": Text(pattern=LANG_CODE, what="a language code like 'en'", empty=False),
                "targets": ListOf(
                    Text(pattern=LANG_CODE, what="a language code", empty=False),
                    what='a list of language codes like ["ur", "fa"]',
                    unique=True,
                ),
                "source_dir": ProjectPath(),
                "translations_dir": ProjectPath(),
                "glossary": ProjectPath(),
                "build_dir": ProjectPath(),
            }
        ),
        "languages": MapOf(
            LANGUAGE,
            what="a table of [languages.<code>] tables",
            hint="write one [languages.<code>] table per language, e.g. [languages.ur]",
        ),
        "translate": Table(
            {
                "models_dir": Text(),
                "index_url": Text(),
                "timeout": Number(maximum=3600),
                "beam_size": Integer(1, 64),
                "compute_type": Text(choices=COMPUTE_TYPES),
                "inter_threads": Integer(1),
                "intra_threads": Integer(0),
                "max_batch_tokens": Integer(1, 1_000_000),
                "max_length_factor": Number(maximum=100),
                "cache": Flag(),
                "engine": MapOf(Text(choices=ENGINES)),
                "package": MapOf(Text(pattern=PACKAGE_NAME, what="an installed package folder name")),
                "nllb_code": MapOf(Text(pattern=NLLB_CODE, what="an NLLB code like 'sin_Sinh'", empty=False)),
            }
        ),
        "render": Table(
            {
                "formats": ListOf(
                    Text(choices=OUTPUT_FORMATS), what='a list like ["html", "pdf"]', unique=True
                ),
                "bilingual": Flag(),
                "templates_dir": ProjectPath(),
                "base_url": Text(pattern=BASE_URL, what="empty or an http(s) URL"),
                "page_size": Text(
                    pattern=PAGE_SIZE, what="a CSS page size like 'A4', 'letter landscape' or '210mm 297mm'"
                ),
                "pdf_variant": Text(choices=PDF_VARIANTS),
                "searchable_text": FlagOrText(choices=SEARCHABLE_MODES),
                "font_dirs": ListOf(ProjectPath(), what="a list of folders inside the project"),
                "jobs": Integer(0),
            }
        ),
        "review": Table(
            {
                "jobs": Integer(0),
                "length_tolerance": Number(maximum=100),
                "length_ratio": MapOf(Number(maximum=100)),
            }
        ),
        "import": Table(
            {
                "footer_patterns": ListOf(
                    Text(what="a regular expression"), what="a list of regular expressions"
                )
            }
        ),
    }
)
"""Every table and key of ``workflow.toml`` (and ``defaults.toml``)."""


def validate_config(config: Mapping[str, Any], *, root: Path, config_path: Path, text: str = "") -> None:
    """Check the merged configuration against :data:`SCHEMA`; raise ``ConfigError`` at the key's line.

    ``text`` is the project's ``workflow.toml`` (empty when there is none): errors
    point at the line that sets the key, or at its table.
    """
    lines = key_lines(text)
    try:
        SCHEMA.check(config, (), Context(root=root))
        _check_languages(config)
    except _Invalid as exc:
        raise ConfigError(
            exc.message, path=config_path, line=line_of(lines, exc.keys), hint=exc.hint
        ) from None


def _check_languages(config: Mapping[str, Any]) -> None:
    """The source and every target have a ``[languages.<code>]`` table with the required keys."""
    project = config["project"]
    tables = config["languages"]
    source = project["source_language"]
    if source in project["targets"]:
        raise _Invalid(
            ("project", "targets"),
            f"[project] targets lists the source language {_shown(source)}",
            "targets are the languages translated into",
        )
    for code in (source, *project["targets"]):
        where = ("project", "targets") if code != source else ("project", "source_language")
        if code not in tables:
            raise _Invalid(
                where,
                f"target language {code!r} has no [languages.{code}] table",
                f"add [languages.{code}] with script, numbering and font_family",
            )
        for required in ("script", "font_family"):
            if required not in tables[code]:
                raise _Invalid(
                    ("languages", code),
                    f"language {code!r} lacks required setting {required!r}",
                    f"add {required} = ... under [languages.{code}] in workflow.toml",
                )
