"""`manage.py import_households FILE`: households with members from an .xlsx (issue 5 §5).

The same check and save as the import page (`reports.imports`): any invalid row and nothing
is saved, the problems are printed by row and column, and the command exits non-zero.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

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
                raise CommandError(
                    _("There is no ward or commune with the code %(code)s.")
                    % {"code": options["unit"]}
                )
        try:
            with open(options["file"], "rb") as source:
                result = import_households(
                    source, user=None, ward=ward, commit=not options["dry_run"]
                )
        except FileNotFoundError as exc:
            raise CommandError(_("There is no file %(file)s.") % {"file": options["file"]}) from exc
        except OSError as exc:
            raise CommandError(
                _("The file %(file)s cannot be read (%(error)s).")
                % {"file": options["file"], "error": exc.strerror or exc}
            ) from exc
        if not result.is_valid:
            for problem in result.problems:
                self.stderr.write(_problem_line(problem.row, problem.column, problem.message))
            raise CommandError(
                _("%(count)s problems: nothing was imported.") % {"count": len(result.problems)}
            )
        if options["dry_run"]:
            message = _(
                "Checked, nothing saved: %(households)s households with %(members)s members "
                "from %(rows)s rows would be imported."
            )
        else:
            message = _(
                "Imported %(households)s households with %(members)s members from %(rows)s rows."
            )
        self.stdout.write(
            message
            % {
                "households": len(result.households),
                "members": result.member_count,
                "rows": result.rows,
            }
        )


def _problem_line(row: int, column: str, message: str) -> str:
    """One problem as the import page's table shows it: the row (none for the whole file), the
    column, the message."""
    params = {"row": row, "column": column, "message": message}
    if row and column:
        return _("Row %(row)s, %(column)s: %(message)s") % params
    if row:
        return _("Row %(row)s: %(message)s") % params
    if column:
        return _("The file, %(column)s: %(message)s") % params
    return _("The file: %(message)s") % params
