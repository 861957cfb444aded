"""The printed documents of issue 5 §2, rendered by WeasyPrint: A4, "Trang X/Y", fonts embedded.

Every figure of the periodic report comes from `reports.selectors.report_data`; the lists are
read through the households' own selectors. This module only lays them out: it takes what the
views (or the commands) already scoped to the user, renders a template and returns PDF bytes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from weasyprint import HTML

from giamngheo.formatting import fold_text
from households import standing
from households.models import Assessment, Household, Member, PovertyStatus, Ward
from households.privacy import mask_national_id
from households.selectors import assessment_dimensions
from reports.selectors import DEPRIVATION_GROUPS, period_text

if TYPE_CHECKING:
    from reports.selectors import ReportData

# Shown in the header of every periodic report of the city (REFERENCE §3.6).
CITY_PLACE = "Phan Thiết"


def ascii_filename(*parts: Any, extension: str = "pdf") -> str:
    """An ASCII file name for Content-Disposition: ``("Đức Thắng", 2017)`` → ``duc-thang-2017``."""
    words = "-".join(slugify(fold_text(str(part))) for part in parts if str(part))
    return f"{words or 'report'}.{extension}"


def date_line(place: str, on: datetime.date) -> str:
    """The place-and-date line of an official document: "Phan Thiết, ngày 05 tháng 02 năm 2017".

    Days below 10 and the months January and February take a leading zero, as Vietnamese
    administrative documents write them.
    """
    day = f"{on.day:02d}"
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": place,
        "day": day,
        "month": month,
        "year": on.year,
    }


def _render(template: str, context: dict[str, Any]) -> bytes:
    html = render_to_string(template, context)
    return HTML(string=html).write_pdf()


@dataclass(frozen=True)
class Issuer:
    """Who issues and signs a document: the header's left column and the signature block."""

    upper: str  # "UBND THÀNH PHỐ PHAN THIẾT"
    body: str  # "PHÒNG LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI" or "" for a ward
    number_suffix: str  # "BC-LĐTBXH"
    on_behalf: str  # "TM. ỦY BAN NHÂN DÂN" or ""
    signer: str  # "TRƯỞNG PHÒNG" / "CHỦ TỊCH"
    recipients: list[str] = field(default_factory=list)


def issuer_for(ward: Ward | None) -> Issuer:
    """The city's Labour department for a city report; the ward's People's Committee otherwise."""
    if ward is None:
        return Issuer(
            upper=_("PEOPLE'S COMMITTEE OF PHAN THIET CITY"),
            body=_("DEPARTMENT OF LABOUR, INVALIDS AND SOCIAL AFFAIRS"),
            number_suffix=_("BC-LDTBXH"),
            on_behalf="",
            signer=_("HEAD OF DEPARTMENT"),
            recipients=[
                _("Provincial Department of Labour, Invalids and Social Affairs;"),
                _("City Party Committee, People's Council and People's Committee;"),
                _("Poverty Reduction Steering Committee of the city;"),
                _("Wards and communes;"),
                _("Filed."),
            ],
        )
    return Issuer(
        upper=_("PEOPLE'S COMMITTEE OF %(ward)s") % {"ward": str(ward).upper()},
        body="",
        number_suffix=_("BC-UBND"),
        on_behalf=_("ON BEHALF OF THE PEOPLE'S COMMITTEE"),
        signer=_("CHAIRMAN"),
        recipients=[
            _("City Department of Labour, Invalids and Social Affairs;"),
            _("Party Committee and People's Council of the ward;"),
            _("Filed."),
        ],
    )


# ---------------------------------------------------------------------------------------------
# The periodic report (sơ kết 6 tháng / tổng kết năm)
# ---------------------------------------------------------------------------------------------

PERIOD_ANNUAL = standing.ANNUAL
PERIOD_SIX_MONTH = standing.SIX_MONTH
PERIODS = standing.PERIOD_KINDS


@dataclass(frozen=True)
class DeprivationLine:
    label: str
    is_dimension: bool
    cells: list[Any]  # a `reports.selectors.Count` per group of DEPRIVATION_GROUPS


def deprivation_table(data: ReportData) -> list[DeprivationLine]:
    """Each dimension followed by its indicators, one cell per group (N1, N2, near-poor)."""
    lines: list[DeprivationLine] = []
    for dimension in data.dimensions:
        lines.append(
            DeprivationLine(
                label=dimension.label,
                is_dimension=True,
                cells=[dimension.by_group.get(g) for g in DEPRIVATION_GROUPS],
            )
        )
        lines.extend(
            DeprivationLine(
                label=row.label,
                is_dimension=False,
                cells=[row.by_group.get(g) for g in DEPRIVATION_GROUPS],
            )
            for row in data.deprivations
            if row.dimension == dimension.dimension
        )
    return lines


def render_periodic_report(data: ReportData, *, place: str = CITY_PLACE, number: str = "") -> bytes:
    """The six-month (sơ kết, 1 January – 30 June) or year-end (tổng kết) report of the plan
    for `data`'s unit and period, dated `data.report_date`, with the report forms of Circular
    17/2016 (Biểu 1–4; their annex layout is UNCONFIRMED, as the document's footnote says).
    The PDF's title (its metadata) is the Vietnamese title of the report."""
    ward = data.ward
    issuer = issuer_for(ward)
    if data.is_six_month:
        title = _(
            "Preliminary review of the first six months of the %(year)s poverty reduction plan"
        ) % {"year": data.year}
    else:
        title = _("Results of the %(year)s poverty reduction plan") % {"year": data.year}
    unit = _("Phan Thiet city") if ward is None and len(data.wards) != 1 else str(data.place)
    context = {
        "data": data,
        "issuer": issuer,
        "number": number,
        "date_line": date_line(place, data.report_date),
        "title": title,
        "unit": unit,
        "period_text": period_text(data.period),
        "deprivation_groups": [
            (data.group_labels.get(group, group), data.group_sizes.get(group, 0))
            for group in DEPRIVATION_GROUPS
        ],
        "deprivation_table": deprivation_table(data),
        "document_title": f"{_('Report')}: {title} – {unit}",
    }
    return _render("reports/pdf/periodic_report.html", context)


# ---------------------------------------------------------------------------------------------
# The household list by status (landscape)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    number: int
    household: Household
    assessment: Assessment | None


@dataclass(frozen=True)
class StatusGroup:
    label: str
    rows: list[ListRow]


def _group_label(assessment: Assessment | None) -> str:
    if assessment is None:
        return _("Not assessed in this round")
    if assessment.status == PovertyStatus.POOR and assessment.poor_group:
        return f"{assessment.get_status_display()} – {assessment.poor_group}"
    return str(assessment.get_status_display())


def group_by_status(households: Iterable[Household]) -> list[StatusGroup]:
    """Consecutive households of the same status (and poor group) under one heading.

    `households` comes from `households.selectors.household_list` sorted by status, each with
    its `round_assessments`; numbering (STT) restarts in every group, as the printed lists do.
    """
    groups: list[StatusGroup] = []
    for household in households:
        assessments = getattr(household, "round_assessments", [])
        assessment = assessments[0] if assessments else None
        label = _group_label(assessment)
        if not groups or groups[-1].label != label:
            groups.append(StatusGroup(label=label, rows=[]))
        rows = groups[-1].rows
        rows.append(ListRow(number=len(rows) + 1, household=household, assessment=assessment))
    return groups


def render_household_list(
    households: Iterable[Household],
    *,
    title: str,
    subtitle: str = "",
    ward: Ward | None = None,
    show_ward: bool = False,
    place: str = CITY_PLACE,
    on: datetime.date | None = None,
) -> bytes:
    """The households grouped by status, landscape A4, with the officer's signature line."""
    groups = group_by_status(households)
    context = {
        "title": title,
        "subtitle": subtitle,
        "groups": groups,
        "total": sum(len(g.rows) for g in groups),
        "issuer": issuer_for(ward),
        "show_ward": show_ward,
        "date_line": date_line(place, on or timezone.localdate()),
        "document_title": title,
    }
    return _render("reports/pdf/household_list.html", context)


# ---------------------------------------------------------------------------------------------
# The public-posting list (danh sách niêm yết)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostingRow:
    number: int
    assessment: Assessment
    household: Household
    member_count: int
    head_id_masked: str


@dataclass(frozen=True)
class PostingGroup:
    label: str
    rows: list[PostingRow]


def posting_groups(assessments: Sequence[Assessment]) -> list[PostingGroup]:
    """Poor households first, then near-poor; each with its members and masked head's ID.

    The assessments carry `household` and its prefetched `members`.
    """
    groups: list[PostingGroup] = []
    for status in (PovertyStatus.POOR, PovertyStatus.NEAR_POOR):
        rows: list[PostingRow] = []
        for assessment in assessments:
            if assessment.status != status:
                continue
            members: list[Member] = list(assessment.household.members.all())
            head = next((m for m in members if m.relation == Member.Relation.HEAD), None)
            rows.append(
                PostingRow(
                    number=len(rows) + 1,
                    assessment=assessment,
                    household=assessment.household,
                    member_count=len(members),
                    head_id_masked=mask_national_id(head.national_id if head else None),
                )
            )
        label = _("Poor households") if status == PovertyStatus.POOR else _("Near-poor households")
        groups.append(PostingGroup(label=label, rows=rows))
    return groups


def posting_period(assessments: Sequence[Assessment]) -> tuple[datetime.date | None, ...]:
    """The posting dates when every household was posted over the same days, else blanks (each
    row then shows its own period)."""
    periods = {(a.posted_from, a.posted_to) for a in assessments}
    if len(periods) == 1:
        return periods.pop()
    return (None, None)


def not_posted(assessments: Iterable[Assessment]) -> int:
    """How many of the listed assessments have no public posting recorded yet: the posting list
    states each household's posting period, so it is not printed while one has none."""
    return sum(1 for a in assessments if a.posted_from is None or a.posted_to is None)


def render_posting_list(
    assessments: Sequence[Assessment],
    *,
    ward: Ward,
    round_name: str,
    year: int,
    on: datetime.date | None = None,
) -> bytes:
    """The list posted at the ward office and in the quarters for the community's comments,
    each household with its own posting period. Every assessment must have been posted
    (`not_posted` is 0): the view refuses the document otherwise."""
    if not_posted(assessments):
        raise ValueError("The posting list needs every household's posting period.")
    posted_from, posted_to = posting_period(assessments)
    context = {
        "groups": posting_groups(assessments),
        "issuer": issuer_for(ward),
        "ward": ward,
        "round_name": round_name,
        "year": year,
        "posted_from": posted_from,
        "posted_to": posted_to,
        "date_line": date_line(CITY_PLACE, on or timezone.localdate()),
        "document_title": _("Public posting list"),
    }
    return _render("reports/pdf/posting_list.html", context)


# ---------------------------------------------------------------------------------------------
# One household's profile sheet
# ---------------------------------------------------------------------------------------------


def render_household_profile(
    household: Household,
    *,
    members: Sequence[Any],
    assessment: Assessment | None,
    benefits: Sequence[Any],
    assignment: Any,
    on: datetime.date | None = None,
    show_traits: bool = True,
) -> bytes:
    """The household's sheet for the officer's file, never posted publicly.

    `members` are `(member, age, national ID as the reader may see it)` triples, the members
    the reader may see (`households.privacy.shown_members`); `benefits` the household's
    benefits the reader may see, newest first; `show_traits` False leaves out the
    ethnic-minority flag (`households.privacy.can_see_traits`).
    """
    flags = [
        str(Household._meta.get_field(name).verbose_name).capitalize()
        for name in (
            "is_merit_family",
            "is_social_protection",
            "is_ethnic_minority",
            "is_female_headed",
            "has_no_working_age_labour",
        )
        if getattr(household, name) and (show_traits or name != "is_ethnic_minority")
    ]
    context = {
        "household": household,
        "flags": flags,
        "causes": [str(c) for c in assessment.causes.all()] if assessment else [],
        "needs": [str(n) for n in assessment.needs.all()] if assessment else [],
        "members": members,
        "assessment": assessment,
        "dimensions": assessment_dimensions(assessment) if assessment else [],
        "benefits": benefits,
        "assignment": assignment,
        "issuer": issuer_for(household.ward),
        "date_line": date_line(CITY_PLACE, on or timezone.localdate()),
        "document_title": _("Household profile"),
    }
    return _render("reports/pdf/household_profile.html", context)
