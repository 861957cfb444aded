"""`manage.py db_worker`: django-tasks-db's job worker, its log lines in Vietnamese.

This command takes the place of the library's own (the `jobs` app is listed before
`django_tasks_db` in INSTALLED_APPS); it only translates what the worker prints
(`jobs.worker_log`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django_tasks_db.management.commands import db_worker

from jobs.worker_log import translate_worker_log


class Command(db_worker.Command):
    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        translate_worker_log()

    def handle(self, *args: Any, **options: Any) -> None:
        # The library refuses this in English: say it first.
        if options.get("exclude_queues") and "*" not in options["queue_name"].split(","):
            raise CommandError(_("--exclude-queues only goes with --queue-name=*."))
        super().handle(*args, **options)
