"""`manage.py export_households`: the household list of a year as .xlsx or .pdf (issue 5 §5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from households import standing
from households.models import PovertyStatus, User, Ward
from households.scope import Scope
from households.selectors import NOT_ASSESSED, HouseholdFilters
from reports import households_export


class Command(BaseCommand):
    help = "Export the households of a year (one ward or the city) as an Excel sheet or a PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--unit", help="ward / commune code, e.g. duc-thang (default: city)")
        parser.add_argument(
            "--status", choices=[*PovertyStatus.values, NOT_ASSESSED], help="only this status"
        )
        parser.add_argument("--format", choices=["xlsx", "pdf"], default="xlsx")
        parser.add_argument("--members", action="store_true", help="xlsx: one row per member")
        parser.add_argument("--output", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        review_round = standing.periodic_round(options["year"])
        if review_round is None:
            raise CommandError(
                _("There is no periodic review for %(year)s.") % {"year": options["year"]}
            )
        ward = None
        if options["unit"]:
            ward = Ward.objects.filter(code=options["unit"]).first()
            if ward is None:
                raise CommandError(
                    _("There is no ward or commune with the code %(code)s.")
                    % {"code": options["unit"]}
                )
        # A scheduled job acts for the city (`Scope.EVERYTHING`), as an administrator would
        # read it (full ID numbers); nothing saved.
        system = User(username="export_households", role=User.Role.ADMIN, is_active=True)
        filters = HouseholdFilters(
            ward=ward.pk if ward else None,
            review_round=review_round.pk,
            status=options["status"] or "",
        )
        output = Path(options["output"])
        if options["format"] == "pdf":
            from households.selectors import household_list
            from reports import pdf  # WeasyPrint loads only when a PDF is asked for

            households = household_list(
                user=system, scope=Scope.EVERYTHING, filters=filters, sort="status"
            )
            title = _("Household list by status – %(where)s – %(round)s") % {
                "where": households_export.where_label(ward),
                "round": review_round.name,
            }
            output.write_bytes(
                pdf.render_household_list(
                    households, title=title, ward=ward, show_ward=ward is None
                )
            )
            count = len(households)
        else:
            count = households_export.write_household_xlsx(
                output,
                user=system,
                scope=Scope.EVERYTHING,
                filters=filters,
                sort="code",
                ward=ward,
                review_round=review_round,
                with_members=options["members"],
            )
        self.stdout.write(_("Wrote %(count)s rows to %(file)s.") % {"count": count, "file": output})
