"""`manage.py export_report`: the periodic report as a PDF or a workbook, for scheduled jobs."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from households import standing
from households.models import Ward
from households.scope import Scope
from programs.excel import write_xlsx_sheets
from reports import pdf, selectors
from reports.sheets import report_sheets


def _date(value: str) -> datetime.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    raise CommandError(_("Enter the report date as dd/mm/yyyy.") + f" ({value})")


class Command(BaseCommand):
    help = "Write the periodic report of a year, for the city or one ward, as PDF or Excel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--period", choices=standing.PERIOD_KINDS, default=standing.ANNUAL)
        parser.add_argument(
            "--date",
            default="",
            help="The report's date (dd/mm/yyyy); by default today for the period under way, "
            "else the period's last day.",
        )
        parser.add_argument("--unit", default="", help="Ward / commune code; the city if none.")
        parser.add_argument("--format", choices=("pdf", "xlsx"), required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        year, code, fmt = options["year"], options["unit"], options["format"]
        report_date = _date(options["date"]) if options["date"] else None
        ward = None
        if code:
            ward = Ward.objects.filter(code=code).first()
            if ward is None:
                raise CommandError(_("Unknown unit “%(code)s”.") % {"code": code})
        if year not in selectors.available_years():
            raise CommandError(_("There is no periodic review for %(year)s.") % {"year": year})
        try:
            # Run as the city: every ward.
            data = selectors.report_data(
                scope=Scope.EVERYTHING,
                year=year,
                ward=ward,
                period=options["period"],
                report_date=report_date,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        output = Path(options["output"])
        if fmt == "pdf":
            output.write_bytes(pdf.render_periodic_report(data))
        else:
            with output.open("wb") as target:
                write_xlsx_sheets(target, report_sheets(data))
        self.stdout.write(
            _("%(file)s written: report %(year)s, %(place)s, %(format)s.")
            % {"file": output, "year": year, "place": data.place, "format": fmt}
        )
