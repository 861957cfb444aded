"""Remove background jobs older than JOBS_KEEP_HOURS and their files (also done on each
new job; run it from a timer when jobs are rare)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jobs.services import jobs_remove_expired


class Command(BaseCommand):
    help = "Remove expired background jobs and their files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many would be removed."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        count = jobs_remove_expired(dry_run=dry_run)
        verb = "would be removed" if dry_run else "removed"
        self.stdout.write(f"{count} expired job(s) {verb}.")
