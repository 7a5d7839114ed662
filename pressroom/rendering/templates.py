"""Rendering, templates: the jinja2 environments over ``render/`` (the project's, then pressroom's).

Input: the template folders of :func:`pressroom.site.template_dirs` and, for pages,
the site strings of one language. Output: loaded templates; a template that does
not parse or is missing is a :class:`RenderError` naming the file and line.
jinja2 is imported inside the functions: the CLI's ``--help`` does not pay for it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from ..errors import RenderError
from ..project import Project
from ..site import SiteText, SiteTranslations, template_dirs
from .bidi import mark_untranslated

if TYPE_CHECKING:
    import jinja2


class MarkedTranslations:
    """Site strings whose untranslated ones come back marked (:func:`.bidi.mark_untranslated`).

    In a draft page a site string with no translation is English; marked, it becomes
    one ``lang="en" dir="ltr"`` span, whatever text or link it holds.
    """

    def __init__(self, translations: SiteTranslations) -> None:
        self.translations = translations

    def gettext(self, message: str) -> str:
        found = self.translations.gettext(message)
        return SiteText(mark_untranslated(found)) if found == message else found

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular) if n == 1 else self.gettext(plural)

    def pgettext(self, context: str, message: str) -> str:
        found = self.translations.pgettext(context, message)
        return SiteText(mark_untranslated(found)) if found == message else found

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.pgettext(context, singular if n == 1 else plural)


def make_environment(
    project: Project, translations: SiteTranslations, *, mark_missing: bool = False
) -> jinja2.Environment:
    """jinja2 with autoescaping on for every HTML template and the site strings installed.

    ``mark_missing``: strings without a translation are marked, for a page in a
    language other than the source.
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(project)]),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "html.j2"), default_for_string=True, default=False
        ),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    installed = MarkedTranslations(translations) if mark_missing else translations
    env.install_gettext_translations(installed, newstyle=True)  # type: ignore[attr-defined]
    return env


def make_css_environment(project: Project) -> jinja2.Environment:
    """jinja2 for the stylesheet templates: no autoescaping, no site strings.

    One environment per set of template folders and process, so a template is
    compiled once, not on every render (jinja2 reloads a file that changed).
    """
    return _css_environment(tuple(str(d) for d in template_dirs(project)))


@functools.lru_cache(maxsize=8)
def _css_environment(folders: tuple[str, ...]) -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(folders)),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def load_template(env: jinja2.Environment, name: str) -> jinja2.Template:
    """The template ``name``; syntax errors and missing files as RenderError."""
    import jinja2

    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(exc.message or "template syntax error", path=exc.filename, line=exc.lineno) from exc
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"template {name} not found", hint="restore it under render/") from exc
