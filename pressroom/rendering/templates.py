"""Rendering, templates: the jinja2 environments over ``render/`` (the project's, then pressroom's).

Input: the template folders of :func:`pressroom.site.template_dirs` and, for pages,
the site strings of one language. Output: loaded templates; a template that does
not parse or is missing is a :class:`RenderError` naming the file and line.
jinja2 is imported inside the functions: the CLI's ``--help`` does not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import RenderError
from ..project import Project
from ..site import SiteTranslations, template_dirs

if TYPE_CHECKING:
    import jinja2


def make_environment(project: Project, translations: SiteTranslations) -> jinja2.Environment:
    """jinja2 with autoescaping on for every HTML template and the site strings installed."""
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
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    return env


def make_css_environment(project: Project) -> jinja2.Environment:
    """jinja2 for the stylesheet templates: no autoescaping, no site strings."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(project)]),
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
