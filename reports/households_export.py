"""The household list as spreadsheet rows (issue 5 §3), for the download and the command.

Both read `households.selectors.household_list`, so a filter means what it means on
`/households/` and the rows are scoped to the user exactly like the page. Two layouts:

- the list: one row per household with its status in the chosen round;
- with members: one row per member in the import layout (`reports.imports.LAYOUT`), so an
  exported file can be corrected and imported again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from households import privacy
from households.models import Household, Member, PovertyStatus, ReviewRound, Ward
from households.selectors import HouseholdFilters, household_list
from programs import selectors
from programs.excel import Column
from reports.imports import LAYOUT, layout_row, yes_no

# Rows fetched per query: memory stays flat however many households are exported.
CHUNK = 2000

HEAD_FIRST = Case(When(relation=Member.Relation.HEAD, then=Value(0)), default=Value(1))


@dataclass(frozen=True)
class Sheet:
    """What `programs.excel.write_xlsx` needs, rows still to be read."""

    filename: str
    sheet_title: str
    title: str
    columns: list[Column]
    rows: Iterator[list[Any]]


def household_columns() -> list[Column]:
    return [
        Column(_("Household code"), 12),
        Column(_("Head of household"), 24),
        Column(_("Address"), 28),
        Column(_("Quarter / hamlet"), 16),
        Column(_("Ward / commune"), 16),
        Column(_("Phone"), 13),
        Column(_("People-with-merit household"), 12),
        Column(_("Social-protection household"), 12),
        Column(_("Members"), 9, "int"),
        Column(_("Status"), 16),
        Column(_("Poor group"), 9),
        Column(_("Income per capita per month"), 16, "vnd"),
        Column(_("Review state"), 16),
    ]


def _household_row(household: Household) -> list[Any]:
    assessments = getattr(household, "round_assessments", [])
    assessment = assessments[0] if assessments else None
    poor = assessment is not None and assessment.status == PovertyStatus.POOR
    return [
        household.code,
        household.head_name,
        household.address,
        household.quarter.name,
        household.ward.name,
        household.phone,
        yes_no(household.is_merit_family),
        yes_no(household.is_social_protection),
        household.member_count,  # type: ignore[attr-defined]
        assessment.get_status_display() if assessment else _("Not assessed in this round"),
        assessment.poor_group if poor and assessment else "",
        assessment.income_per_capita if assessment else None,
        assessment.get_state_display() if assessment else "",
    ]


# The import layout's columns a reader may not get in full (`households.privacy`).
_NATIONAL_ID = next(i for i, c in enumerate(LAYOUT) if c.field == "national_id")
_TRAITS = tuple(i for i, c in enumerate(LAYOUT) if c.field in ("ethnicity", "disability"))
_MINORITY = next(i for i, c in enumerate(LAYOUT) if c.field == "is_ethnic_minority")


def _member_rows(households: QuerySet[Household], user: Any) -> Iterator[list[Any]]:
    # The list's ordering, then the head first: the rows of a household stay together. A
    # partner agency gets the members its programmes concern, and nobody but the officers of
    # the ward and administrators gets full ID numbers (Decree 13/2023/NĐ-CP).
    ordered = households.order_by("ward__display_order", "code", "pk").select_related(
        "ward", "quarter"
    )
    members = Member.objects.order_by(HEAD_FIRST, "pk")
    concerned = selectors.concerned_members_q(user, timezone.localdate())
    if concerned is not None:
        members = members.filter(concerned)
    traits = privacy.can_see_traits(user)
    for household in ordered.prefetch_related(Prefetch("members", queryset=members)).iterator(
        chunk_size=CHUNK
    ):
        full = privacy.can_see_national_id(user, household)
        for member in household.members.all():
            row = layout_row(household, member)
            if not full:
                row[_NATIONAL_ID] = privacy.mask_national_id(member.national_id)
            if not traits:
                for index in (*_TRAITS, _MINORITY):
                    row[index] = ""
            yield row


def where_label(ward: Ward | None) -> str:
    return str(ward) if ward is not None else _("Phan Thiết city")


def household_sheet(
    *,
    user: Any,
    filters: HouseholdFilters,
    sort: str,
    ward: Ward | None,
    review_round: ReviewRound | None,
    with_members: bool,
) -> Sheet:
    """The households `user` sees that match `filters`, ready for `write_xlsx`."""
    households = household_list(user=user, filters=filters, sort=sort)
    today = timezone.localdate().strftime("%d/%m/%Y")
    where = where_label(ward)
    if with_members:
        what = _("Households and members")
        title = _("%(what)s – %(where)s (exported %(date)s)") % {
            "what": what,
            "where": where,
            "date": today,
        }
        return Sheet(
            filename="ho-gia-dinh-thanh-vien.xlsx",
            sheet_title=what,
            title=title,
            columns=[column.column() for column in LAYOUT],
            rows=_member_rows(households, user),
        )
    title = _("%(what)s – %(where)s – %(round)s (exported %(date)s)") % {
        "what": _("Household list"),
        "where": where,
        "round": review_round.name if review_round else _("no review round"),
        "date": today,
    }
    return Sheet(
        filename="danh-sach-ho.xlsx",
        sheet_title=_("Household list"),
        title=title,
        columns=household_columns(),
        rows=(_household_row(h) for h in households.iterator(chunk_size=CHUNK)),
    )
