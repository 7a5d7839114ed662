"""The rule kinds of the schema: one key's type and allowed values, and the error it raises."""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

MAX_TEXT = 2000
"""Longest string value accepted anywhere in the configuration."""
LANG_CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
"""A language code as the configuration, the catalogs' folders and file names use it."""


class Invalid(Exception):
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


def key_name(keys: Sequence[str]) -> str:
    """``[render] jobs``, ``[translate.engine] ur``, ``project``."""
    if len(keys) == 1:
        return keys[0]
    return f"[{'.'.join(keys[:-1])}] {keys[-1]}"


def shown_value(value: object) -> str:
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
    """What rules need besides the value."""

    root: Path
    """The project folder, which paths must stay inside."""
    schema: Rule
    """The whole schema, for "did you mean [table] key?" across tables."""


class Rule:
    """One key's type and allowed values."""

    expected = "a value"

    def check(self, value: object, keys: tuple[str, ...], ctx: Context) -> None:
        raise NotImplementedError

    def fail(self, value: object, keys: tuple[str, ...], hint: str | None = None) -> Invalid:
        return Invalid(
            keys, f"{key_name(keys)} must be {self.expected}, not {shown_value(value)}", hint, wrong_type=True
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
            return "one of " + ", ".join(shown_value(c) for c in self.choices)
        return self.what

    def check(self, value: object, keys: tuple[str, ...], ctx: Context) -> None:
        if not isinstance(value, str) or "\0" in value:
            raise self.fail(value, keys)
        if not value:
            if self.empty or "" in self.choices:
                return
            raise self.fail(value, keys)
        if len(value) > self.max_length:
            raise Invalid(keys, f"{key_name(keys)} is longer than {self.max_length} characters")
        if self.choices and value not in self.choices:
            close = difflib.get_close_matches(value, [c for c in self.choices if c], n=1)
            raise self.fail(value, keys, f"did you mean {shown_value(close[0])}?" if close else None)
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
        return "true, false or one of " + ", ".join(shown_value(c) for c in self.choices)

    def check(self, value: object, keys: tuple[str, ...], ctx: Context) -> None:
        if isinstance(value, bool):
            return
        if not isinstance(value, str) or value not in self.choices:
            raise self.fail(value, keys)


@dataclass(frozen=True, slots=True)
class ProjectPath(Rule):
    """A relative path that stays inside the project, symlinks followed."""

    expected = "a relative path inside the project"
    empty: bool = False
    """Whether "" (not set) is allowed."""

    def check(self, value: object, keys: tuple[str, ...], ctx: Context) -> None:
        if self.empty and value == "":
            return
        if not isinstance(value, str) or not value.strip() or "\0" in value or len(value) > MAX_TEXT:
            raise self.fail(value, keys)
        confine(ctx.root, value, keys)


def confine(root: Path, value: str, keys: Sequence[str]) -> Path:
    """``root / value`` if it stays inside ``root`` after following symlinks."""
    relative = Path(value)
    if relative.is_absolute():
        raise Invalid(
            keys,
            f"{key_name(keys)} = {shown_value(value)} is an absolute path",
            "give a path relative to the project folder",
        )
    path = root / relative
    try:
        inside = path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise Invalid(
            keys,
            f"{key_name(keys)} = {shown_value(value)} cannot be followed: {exc}",
            "fix or remove the link",
        ) from exc
    if not inside:
        raise Invalid(
            keys,
            f"{key_name(keys)} = {shown_value(value)} points outside the project",
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
            except Invalid as exc:
                if not exc.wrong_type:
                    raise
                raise Invalid(
                    keys,
                    f"{key_name(keys)}: item {index + 1} must be {self.item.expected}, "
                    f"not {shown_value(item)}",
                ) from exc
            if self.unique and item in seen:
                raise Invalid(keys, f"{key_name(keys)} lists {shown_value(item)} twice")
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
                raise Invalid(
                    (*keys, key),
                    f"unknown key {key_name((*keys, key))}",
                    _suggest(self, keys, key, ctx.schema),
                )
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
                raise Invalid(
                    (*keys, key),
                    f"{key_name((*keys, key))}: {shown_value(key)} is not a language code",
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


def _suggest(table: Table, keys: tuple[str, ...], key: str, schema: Rule) -> str:
    """ "Did you mean" from the sibling keys, else the same key elsewhere, else the list."""
    close = difflib.get_close_matches(key, list(table.fields), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    elsewhere = [path for path in _all_paths(schema) if path[-1] == key and path[:-1] != keys]
    if elsewhere:
        return f"did you mean {key_name(elsewhere[0])}?"
    known = ", ".join(table.fields)
    return f"known keys{' of [' + '.'.join(keys) + ']' if keys else ''}: {known}"
