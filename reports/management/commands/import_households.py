"""`manage.py import_households FILE`: households with members from an .xlsx (issue 5 §5).

The same check and save as the import page (`reports.imports`): any invalid row and nothing
is saved, the problems are printed by row and column, and the command exits non-zero.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from households.models import Ward
from reports.imports import import_households


class Command(BaseCommand):
    help = "Import households with their members from an Excel file in the template's layout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--unit", help="ward / commune code: every row must be of this ward")
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        ward = None
        if options["unit"]:
            ward = Ward.objects.filter(code=options["unit"]).first()
            if ward is None:
                raise CommandError(f"No ward or commune with code {options['unit']!r}.")
        try:
            with open(options["file"], "rb") as source:
                result = import_households(
                    source, user=None, ward=ward, commit=not options["dry_run"]
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        if not result.is_valid:
            for problem in result.problems:
                where = f"row {problem.row}" if problem.row else "file"
                column = f", {problem.column}" if problem.column else ""
                self.stderr.write(f"{where}{column}: {problem.message}")
            raise CommandError(f"{len(result.problems)} problems: nothing was imported.")
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(
            f"{verb} {len(result.households)} households with {result.member_count} members "
            f"from {result.rows} rows."
        )
