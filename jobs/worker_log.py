"""The job worker's log lines in the user's language (issue 13: English left in command output).

`manage.py db_worker` comes from django-tasks-db, whose lines ("Starting worker worker_id=…",
"Task id=… state=SUCCESSFUL") are English and unmarked for translation. `Translate` is a logging
filter on the two loggers it writes to (`jobs.management.commands.db_worker` adds it): each
known line is rewritten in Vietnamese, with the same values; a line it does not know is left
as it is.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.utils.translation import gettext as _


def _status(value: Any) -> str:
    labels = {
        "READY": _("waiting"),
        "RUNNING": _("running"),
        "SUCCESSFUL": _("finished"),
        "FAILED": _("failed"),
    }
    return labels.get(str(value), str(value))


# The library's message (its %-format) -> a function of its arguments giving ours.
LINES: dict[str, Callable[[Sequence[Any]], str]] = {
    "Starting worker worker_id=%s queues=%s": lambda a: (
        _("Job worker %(worker)s started, queues: %(queues)s.") % {"worker": a[0], "queues": a[1]}
    ),
    "Received %s - shutting down gracefully... (press Ctrl+C again to force)": lambda a: (
        _(
            "%(signal)s received: stopping once the current job is finished (press Ctrl+C again "
            "to stop now)."
        )
        % {"signal": a[0]}
    ),
    "Received %s - terminating current task.": lambda a: (
        _("%(signal)s received again: stopping the current job now.") % {"signal": a[0]}
    ),
    "No more tasks to run for worker_id=%s - exiting gracefully.": lambda a: (
        _("No job left to run: job worker %(worker)s stops.") % {"worker": a[0]}
    ),
    "Run maximum tasks (%d) on worker=%s - exiting gracefully.": lambda a: (
        _("Job worker %(worker)s ran its maximum of %(count)s jobs and stops.")
        % {"count": a[0], "worker": a[1]}
    ),
    "Task id=%s path=%s state=%s": lambda a: (
        _("Job %(id)s (%(path)s): %(state)s.") % {"id": a[0], "path": a[1], "state": _status(a[2])}
    ),
    "Task id=%s path=%s enqueued backend=%s": lambda a: (
        _("Job %(id)s (%(path)s) queued on %(backend)s.")
        % {"id": a[0], "path": a[1], "backend": a[2]}
    ),
    "Task id=%s failed unexpectedly": lambda a: _("Job %(id)s failed unexpectedly.") % {"id": a[0]},
    "Warning: --reload and --batch cannot be specified together. Disabling autoreload.": (
        lambda a: _("--reload and --batch do not go together: the worker runs without reloading.")
    ),
}

LOGGERS = ("django_tasks", "django_tasks_db")


class Translate(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        line = LINES.get(str(record.msg))
        if line is not None:
            args = record.args if isinstance(record.args, tuple) else ()
            # Should the library change its arguments, its own line is better than none.
            with contextlib.suppress(IndexError, KeyError, TypeError):
                record.msg, record.args = line(args), ()
        return True


TRANSLATE = Translate()


def translate_worker_log() -> None:
    """Put the filter on the worker's loggers (once: the same filter is not added twice)."""
    for name in LOGGERS:
        logging.getLogger(name).addFilter(TRANSLATE)
