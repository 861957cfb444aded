"""What a job runner is: `runner(job, *, target, progress) -> Outcome`.

A runner does the work of one `Job.kind` in the worker, for `job.owner` (scoped by the same
selectors as the page it replaces), reading its input from `job.parameters`. It writes its
file, if any, to `target`, and reports how far it got by calling `progress(done, total)` —
the callback the export, PDF and import functions take. It raises `JobFailed` with a message
for the user when the work is refused (an import with problems); any other exception is
logged and the user sees a general message, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from jobs.models import Job

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Outcome:
    # Shown on the job's page when it is done.
    message: str = ""
    # The download's name, when the runner wrote a file to `target`.
    filename: str = ""
    content_type: str = ""
    # Where to go next (the imported households).
    link: str = ""
    # A next step posted with a button (with the CSRF token) from the job's page.
    action_url: str = ""
    action_label: str = ""


class JobFailed(Exception):
    """The work was refused for a reason the user can act on: `message` says which."""

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class Runner(Protocol):
    def __call__(self, job: Job, *, target: Path, progress: Progress) -> Outcome: ...
