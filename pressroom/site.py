"""Site strings: the words of the templates (navigation, footer, banners), as a catalog.

Input: the jinja2 templates in ``render/`` (``{% trans %}`` blocks and ``_()`` calls).
Output: ``translations/templates/site.pot`` and one ``translations/<lang>/site.po`` per
target language, translated and reviewed like any article; at render time a
:class:`SiteTranslations` object that jinja2's i18n extension calls. The slug
``site`` is reserved for this catalog.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CatalogError, ConfigError
from .project import Project

if TYPE_CHECKING:
    import polib

    from .languages import Language

SITE_SLUG = "site"
PACKAGED_TEMPLATES_DIR = Path(__file__).resolve().parent / "render"
"""The templates shipped with pressroom; a project's own ``render/`` files override them."""


def template_dirs(project: Project) -> list[Path]:
    """Folders searched for templates and CSS, the project's own first.

    A content root needs no ``render/`` of its own: the packaged templates serve. A
    ``templates_dir`` set in workflow.toml must exist, and so must the packaged
    folder: without templates, extract would obsolete every site string.
    """
    section = project.section("render")
    configured = str(section.get("templates_dir", "render"))
    own = project.root / configured
    if "templates_dir" in section and not own.is_dir():
        raise ConfigError(
            f"[render] templates_dir {configured!r} is not a folder",
            path=project.root / "workflow.toml",
            hint="create it (workflow init --with-templates copies the defaults) or remove the setting",
        )
    if not (PACKAGED_TEMPLATES_DIR / "base.html.j2").is_file():
        raise ConfigError(
            f"pressroom's own templates are missing from {PACKAGED_TEMPLATES_DIR}",
            hint="reinstall pressroom: the installation is incomplete",
        )
    dirs = [own] if own.is_dir() and own.resolve() != PACKAGED_TEMPLATES_DIR else []
    return [*dirs, PACKAGED_TEMPLATES_DIR]


def iter_template_files(project: Project) -> list[tuple[str, Path]]:
    """(name, path) of every template and stylesheet in effect, the project's shadowing the packaged."""
    chosen: dict[str, Path] = {}
    for directory in template_dirs(project):
        for path in sorted(directory.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                chosen.setdefault(path.relative_to(directory).as_posix(), path)
    return sorted(chosen.items())


def extract_site_messages(project: Project) -> list[tuple[str, list[tuple[str, int]]]]:
    """msgids of the HTML templates with their occurrences, in first-seen order.

    Uses jinja2's own babel extractor, so ``{% trans %}`` blocks become exactly the
    msgids the i18n extension will look up at render time.
    """
    from babel.messages.extract import extract

    found: dict[str, list[tuple[str, int]]] = {}
    for name, path in iter_template_files(project):
        if not name.endswith(".html.j2"):
            continue
        with path.open("rb") as handle:
            for lineno, message, _comments, _context in extract(
                "jinja2.ext:babel_extract",
                handle,
                options={"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"},
            ):
                if isinstance(message, tuple):
                    raise CatalogError(
                        "plural site strings are not supported",
                        path=path,
                        line=lineno,
                        hint="rephrase without ngettext",
                    )
                found.setdefault(message, []).append((f"render/{name}", lineno))
    return list(found.items())


def build_site_template(project: Project) -> polib.POFile:
    """The site POT as a polib catalog (not written)."""
    import polib

    pot = polib.POFile(wrapwidth=79)
    pot.metadata = {
        "Project-Id-Version": f"{project.name} site strings",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": _creation_date(),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    for msgid, occurrences in extract_site_messages(project):
        pot.append(
            polib.POEntry(
                msgid=msgid,
                msgstr="",
                occurrences=occurrences,
                flags=["python-format"] if "%(" in msgid else [],
                comment="site string",
            )
        )
    return pot


def _creation_date() -> str:
    """Fixed for reproducible catalogs: SOURCE_DATE_EPOCH when set, else a constant."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
        return moment.strftime("%Y-%m-%d %H:%M+0000")
    return "2021-01-12 00:00+0000"


def update_site_catalogs(project: Project, langs: list[str] | None = None) -> list[Path]:
    """Write site.pot from the templates and merge it into each language's site.po.

    Existing translations, flags and translator comments are kept; new strings
    arrive untranslated; strings gone from the templates become obsolete. Returns the
    files that changed. Like extract, it holds the content root's lock
    (``fsio.folder_lock``) and never writes over a catalog saved by someone else
    after it was read: it reads and merges again.
    """
    from .fsio import ChangedOnDiskError, folder_lock

    with folder_lock(project.root):
        for attempt in range(3):
            try:
                return _update_site_catalogs_once(project, langs)
            except ChangedOnDiskError:
                if attempt == 2:
                    raise
    raise AssertionError("unreachable")


def _new_site_catalog(pot: polib.POFile, language: Language) -> polib.POFile:
    """An empty site.po for ``language``, its header fields in GNU's order."""
    import polib

    po = polib.POFile(wrapwidth=79)
    fields = dict(pot.metadata)
    head = {
        key: fields.pop(key) for key in ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date")
    }
    po.metadata = {
        **head,
        "PO-Revision-Date": pot.metadata["POT-Creation-Date"],
        "Last-Translator": "",
        "Language-Team": language.name,
        "Language": language.code,
        **fields,
        "Plural-Forms": language.plural_forms,
    }
    return po


def _update_site_catalogs_once(project: Project, langs: list[str] | None) -> list[Path]:
    from .catalog.io import format_catalogs, read_catalog
    from .fsio import file_digest, write_all_if_unchanged

    pot = build_site_template(project)
    items: list[tuple[Path, polib.POFile]] = [(project.pot_path(SITE_SLUG), pot)]
    digests = {project.pot_path(SITE_SLUG): file_digest(project.pot_path(SITE_SLUG))}
    for language in project.target_languages(langs):
        po_path = project.po_path(language.code, SITE_SLUG)
        digests[po_path] = file_digest(po_path)  # before reading: a save after it is noticed at write
        po = read_catalog(po_path) if digests[po_path] is not None else _new_site_catalog(pot, language)
        po.merge(pot)
        po.metadata["POT-Creation-Date"] = pot.metadata["POT-Creation-Date"]
        # One Plural-Forms per language, the same in site and article catalogs.
        po.metadata["Plural-Forms"] = language.plural_forms
        items.append((po_path, po))
    outputs = format_catalogs([po for _, po in items])
    written = write_all_if_unchanged(
        [(path, data) for (path, _), data in zip(items, outputs, strict=True)], digests
    )
    return [path for (path, _), did in zip(items, written, strict=True) if did]


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class SiteText(str):
    """A site string: text, escaped wherever it meets HTML.

    jinja2's new-style ``_()`` wraps what gettext returns in ``Markup`` (marking it
    safe) before formatting; ``Markup`` takes ``__html__`` when an object has one,
    so this string arrives escaped and a translator's ``<script>`` is shown, never
    run. As a plain ``str`` it is the text itself (for CSS strings, messages).
    """

    __slots__ = ()

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))


def _formats_like(msgid: str, msgstr: str) -> bool:
    """Whether jinja2 can format ``msgstr`` as it formats ``msgid`` (new-style gettext
    always applies ``%``): same placeholders, no stray ``%``."""
    names = set(_PLACEHOLDER.findall(msgid))
    if set(_PLACEHOLDER.findall(msgstr)) - names or "%" in re.sub(r"%%|%\(\w+\)s", "", msgstr):
        return False
    try:
        msgstr % {name: "" for name in names}
    except (KeyError, ValueError, TypeError):
        return False
    return True


class SiteTranslations:
    """The gettext interface jinja2's i18n extension calls, over one catalog's messages.

    Untranslated strings fall back to English, as gettext does; so does a translation
    whose ``%(name)s`` placeholders or ``%`` signs would break formatting at render
    time (review reports it). Every string returned is a :class:`SiteText`, escaped
    in HTML like any other translated text.
    """

    def __init__(self, messages: Mapping[tuple[str | None, str], str]) -> None:
        self._messages = {
            key: msgstr for key, msgstr in messages.items() if msgstr and _formats_like(key[1], msgstr)
        }

    def gettext(self, message: str) -> str:
        return SiteText(self._messages.get((None, message)) or message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular) if n == 1 else self.gettext(plural)

    def pgettext(self, context: str, message: str) -> str:
        return SiteText(self._messages.get((context, message)) or message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.pgettext(context, singular if n == 1 else plural)


def site_translations(project: Project, lang: str, *, include_drafts: bool) -> SiteTranslations:
    """The site strings of ``lang``; English (the msgids) for the source language or no catalog."""
    if lang == project.source_language or not project.po_path(lang, SITE_SLUG).exists():
        return SiteTranslations({})
    from .catalog.conventions import translations

    return SiteTranslations(translations(project, lang, SITE_SLUG, include_drafts=include_drafts))
