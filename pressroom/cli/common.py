"""Shared CLI plumbing: exit codes and the per-run context handed to handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from ..project import Project, load_project

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_REVIEW_FAILED = 3


@dataclass(slots=True)
class Context:
    """What every command handler gets: the project folder and the two consoles."""

    project_dir: Path
    out: Console
    err: Console
    _project: Project | None = field(default=None, repr=False)

    @property
    def project(self) -> Project:
        """The loaded project, read once on first use."""
        if self._project is None:
            self._project = load_project(self.project_dir)
        return self._project

    def warn(self, message: str) -> None:
        self.err.print(f"workflow.py: warning: {message}", markup=False)
