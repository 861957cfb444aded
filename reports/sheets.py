"""The periodic report as spreadsheet sheets: the same tables as the dashboard and the PDF,
read from `reports.selectors.ReportData` (nothing is counted here)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from households.models import PovertyStatus
from programs.excel import Column, Sheet
from reports.authorities import plan_of
from reports.selectors import FormTable, ReportData, period_text


def _where(data: ReportData) -> str:
    return _("%(place)s, %(period)s (report dated %(date)s)") % {
        "place": data.place,
        "period": period_text(data.period),
        "date": data.report_date.strftime("%d/%m/%Y"),
    }


def form_sheet(table: FormTable, where: str) -> Sheet:
    """One form (Biểu) as a sheet: a row per ward / commune, subtotal and total; counts as
    integers, rates as numbers with a % format."""
    columns = [Column(_("Ward / commune"), 22)]
    columns += [Column(c.label, 12, "percent" if c.rate_of else "int") for c in table.columns]
    rows = [(row.label, *(cell.value for cell in row.cells)) for row in table.rows]
    if table.note:
        rows.append((table.note, *([None] * len(table.columns))))
    return Sheet(table.number, f"{table.number}. {table.title} – {where}", columns, rows)


def report_sheets(data: ReportData) -> list[Sheet]:
    """Every table of the report as a spreadsheet sheet, titled with what, where and when."""
    where = _where(data)
    indicator_rows = [
        (
            i.label,
            i.target_text,
            i.actual if i.unit == "percent" else None,
            i.actual if i.unit == "points" else None,
            i.numerator,
            i.denominator,
            _verdict(i.met),
            i.note,
        )
        for i in data.indicators
    ]
    groups = list(data.deprivation_groups)
    deprivation_header = [Column(_("Dimension"), 22), Column(_("Indicator"), 30)]
    for group in groups:
        deprivation_header += [
            Column(data.group_labels[group], 12, "int"),
            Column(f"{data.group_labels[group]} (%)", 10, "percent"),
        ]
    deprivation_rows = [
        (
            row.dimension_label,
            row.label if row.indicator else _("Any indicator of the dimension"),
            *(
                cell
                for group in groups
                for cell in (row.by_group[group].value, row.by_group[group].percent)
            ),
        )
        for row in [*data.deprivations, *data.dimensions]
    ]
    code_header = [
        Column(_("Name"), 36),
        Column(str(PovertyStatus.POOR.label), 12, "int"),
        Column(str(PovertyStatus.NEAR_POOR.label), 12, "int"),
    ]
    return [
        Sheet(
            _("Indicators"),
            _("Indicators of Plan %(plan)s, %(where)s") % {"plan": plan.number, "where": where}
            if (plan := plan_of(data.year))
            else _("Poverty-reduction targets for %(year)s, %(where)s")
            % {"year": data.year, "where": where},
            [
                Column(_("Indicator"), 48),
                Column(_("Target"), 16),
                Column(_("Achieved (%)"), 12, "percent"),
                Column(_("Achieved (points)"), 12, "points"),
                Column(_("Numerator"), 12, "int"),
                Column(_("Denominator"), 12, "int"),
                Column(_("Result"), 12),
                Column(_("Note"), 40),
            ],
            indicator_rows,
        ),
        *(form_sheet(table, where) for table in data.form_tables),
        form_sheet(data.in_review, where),
        Sheet(
            _("Deprivations"),
            _("Deprivations by indicator and dimension, %(where)s") % {"where": where},
            deprivation_header,
            deprivation_rows,
        ),
        Sheet(
            _("Causes"),
            _("Causes of poverty, %(where)s") % {"where": where},
            code_header,
            [(r.label, r.poor.value, r.near_poor.value) for r in data.causes],
        ),
        Sheet(
            _("Needs"),
            _("Support needs, %(where)s") % {"where": where},
            code_header,
            [(r.label, r.poor.value, r.near_poor.value) for r in data.needs],
        ),
        Sheet(
            _("Supports"),
            _("Supports delivered, %(where)s") % {"where": where},
            [
                Column(_("Programme"), 40),
                Column(_("Households"), 12, "int"),
                Column(_("Benefits"), 12, "int"),
                Column(_("Amount (VND)"), 16, "vnd"),
            ],
            [(r.label, r.households, r.benefits, r.amount) for r in data.supports],
        ),
    ]


def _verdict(met: bool | None) -> str:
    if met is None:
        return ""
    return _("Met") if met else _("Not met")
