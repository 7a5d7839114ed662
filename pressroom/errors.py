"""One error tree for the whole workflow.

Library code raises these; only the CLI turns them into messages and exit codes.
They render GNU style, ``path:line: message (hint: ...)``, so editors and CI logs
can jump to the place that needs fixing.
"""

from __future__ import annotations

from pathlib import Path


class WorkflowError(Exception):
    """A problem the user can fix: bad input, missing model or font, unknown language."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.hint = hint

    def location(self, relative_to: Path | None = None) -> str:
        """``path:line`` (path relative to ``relative_to`` when inside it), or ``""``."""
        if self.path is None:
            return ""
        path = self.path
        if relative_to is not None:
            try:
                path = path.resolve().relative_to(relative_to.resolve())
            except (ValueError, OSError, RuntimeError):  # outside, or a symlink loop
                pass
        return f"{path}:{self.line}" if self.line is not None else str(path)

    def render(self, relative_to: Path | None = None) -> str:
        """The one-line GNU-style message the CLI prints."""
        where = self.location(relative_to)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def __str__(self) -> str:
        return self.render()


class ConfigError(WorkflowError):
    """The project configuration (workflow.toml) is unusable."""


class SourceError(WorkflowError):
    """A source article or raw export cannot be read or parsed."""


class CatalogError(WorkflowError):
    """A PO/POT file does not parse or would be damaged by a write."""


class GlossaryError(WorkflowError):
    """glossary.csv is malformed or contradicts itself."""


class UnknownLanguageError(WorkflowError):
    """A language code that is not configured for this project."""


class ModelMissingError(WorkflowError):
    """No translation model is installed for a language pair."""


class IndexUnreachableError(WorkflowError):
    """The package index for translation models cannot be reached."""


class FontMissingError(WorkflowError):
    """A font a language needs for rendering is not installed."""


class RenderError(WorkflowError):
    """HTML or PDF rendering failed."""


class ClusterError(WorkflowError):
    """The distributed executor is missing, unreachable, or lost a task for good."""
