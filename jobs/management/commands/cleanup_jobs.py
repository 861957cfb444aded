"""Remove background jobs older than JOBS_KEEP_HOURS and their files (also done on each
new job; run it from a timer when jobs are rare)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from jobs.services import jobs_remove_expired


class Command(BaseCommand):
    help = "Remove expired background jobs and their files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many would be removed."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        count = jobs_remove_expired(dry_run=dry_run)
        if dry_run:
            message = _("%(count)s expired background jobs would be removed.")
        else:
            message = _("%(count)s expired background jobs removed.")
        self.stdout.write(message % {"count": count})
