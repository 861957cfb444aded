"""`manage.py export_report`: the periodic report as a PDF or a workbook, for scheduled jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from households.models import Ward
from programs.excel import write_xlsx_sheets
from reports import pdf, selectors


class Command(BaseCommand):
    help = "Write the periodic report of a year, for the city or one ward, as PDF or Excel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--period", choices=pdf.PERIODS, default=pdf.PERIOD_ANNUAL)
        parser.add_argument("--unit", default="", help="Ward / commune code; the city if none.")
        parser.add_argument("--format", choices=("pdf", "xlsx"), required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        year, code, fmt = options["year"], options["unit"], options["format"]
        ward = None
        if code:
            ward = Ward.objects.filter(code=code).first()
            if ward is None:
                raise CommandError(_("Unknown unit “%(code)s”.") % {"code": code})
        if year not in selectors.available_years():
            raise CommandError(_("There is no periodic review for %(year)s.") % {"year": year})
        # Run as the city: every ward, no user to scope by.
        data = selectors.report_data(user=selectors.ALL_WARDS, year=year, ward=ward)
        output = Path(options["output"])
        if fmt == "pdf":
            output.write_bytes(pdf.render_periodic_report(data, period=options["period"]))
        else:
            with output.open("wb") as target:
                write_xlsx_sheets(target, selectors.report_sheets(data))
        self.stdout.write(
            _("%(file)s written: report %(year)s, %(place)s, %(format)s.")
            % {"file": output, "year": year, "place": data.place, "format": fmt}
        )
