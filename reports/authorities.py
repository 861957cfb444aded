"""Who issues the reports and what the whole area is called, over time (issue 12).

Until 30/06/2025 the city's People's Committee compiled its wards' and communes' results
through its Labour department (Phòng Lao động – Thương binh và Xã hội), and the area was
"Thành phố Phan Thiết". From 01/07/2025 districts are abolished: Phan Thiết's units are seven
commune-level units of Lâm Đồng province, which report to the province, and poverty reduction
is the Ministry of Agriculture and Environment's (REFERENCE.md §7). A report of the seven
units is therefore issued by the province's Department of Agriculture and Environment (Sở Nông
nghiệp và Môi trường), for "the wards and communes of the former Phan Thiết city": not "Tỉnh
Lâm Đồng" (the District row the new units belong to, households migration 0015), which would
claim the whole province, nor "Thành phố Phan Thiết", which no longer exists.

Everything from 01/07/2025 is UNCONFIRMED: no document of Lâm Đồng saying who compiles the
former city's area, under which number series and with which recipients, was read. It is data,
here and nowhere else: a correction changes this table.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Authority:
    """The city-level authority of a period: the whole area's name, the place of its
    documents' date line, its heading, number series, signer and recipients, and the office a
    ward's report goes to."""

    valid_from: datetime.date | None
    area: Promise  # the whole area in headings: "Thành phố Phan Thiết"
    place: str  # the date line of a city-wide document: "Phan Thiết, ngày …"
    upper: Promise  # "UBND THÀNH PHỐ PHAN THIẾT"
    body: Promise  # "PHÒNG LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI"
    number_suffix: Promise  # "BC-LĐTBXH"
    signer: Promise  # "TRƯỞNG PHÒNG"
    recipients: tuple[Promise, ...]
    ward_reports_to: Promise  # a ward report's first recipient


MERGER_DAY = datetime.date(2025, 7, 1)  # UNCONFIRMED, households migration 0015


@dataclass(frozen=True)
class Plan:
    """The poverty-reduction plan whose section II sets a year's targets (indicators)."""

    number: str  # "221/KH-UBND"
    issued_on: datetime.date


# The plans by the year they cover (Kế hoạch 221/KH-UBND of 09/3/2017, the source plan, covers
# 2017): a year not here cites no plan, in the year-end report and on the dashboard alike.
PLANS: dict[int, Plan] = {2017: Plan(number="221/KH-UBND", issued_on=datetime.date(2017, 3, 9))}


def plan_of(year: int | None) -> Plan | None:
    """The plan that sets `year`'s targets, or None when none is recorded."""
    return PLANS.get(year) if year is not None else None


AUTHORITIES: tuple[Authority, ...] = (
    Authority(
        valid_from=None,
        area=_("Phan Thiet city"),
        place="Phan Thiết",
        upper=_("PEOPLE'S COMMITTEE OF PHAN THIET CITY"),
        body=_("DEPARTMENT OF LABOUR, INVALIDS AND SOCIAL AFFAIRS"),
        number_suffix=_("BC-LDTBXH"),
        signer=_("HEAD OF DEPARTMENT"),
        recipients=(
            _("Provincial Department of Labour, Invalids and Social Affairs;"),
            _("City Party Committee, People's Council and People's Committee;"),
            _("Poverty Reduction Steering Committee of the city;"),
            _("Wards and communes;"),
            _("Filed."),
        ),
        ward_reports_to=_("City Department of Labour, Invalids and Social Affairs;"),
    ),
    # UNCONFIRMED (see above).
    Authority(
        valid_from=MERGER_DAY,
        area=_("The wards and communes of the former Phan Thiet city"),
        place="Lâm Đồng",
        upper=_("PEOPLE'S COMMITTEE OF LAM DONG PROVINCE"),
        body=_("DEPARTMENT OF AGRICULTURE AND ENVIRONMENT"),
        number_suffix=_("BC-SNNMT"),
        signer=_("DIRECTOR"),
        recipients=(
            _("Ministry of Agriculture and Environment;"),
            _("Provincial People's Committee;"),
            _("Wards and communes of the former Phan Thiet city;"),
            _("Filed."),
        ),
        ward_reports_to=_("Provincial Department of Agriculture and Environment;"),
    ),
)


def authority_on(day: datetime.date) -> Authority:
    """The authority in force on `day`."""
    found = AUTHORITIES[0]
    for authority in AUTHORITIES:
        if authority.valid_from is None or authority.valid_from <= day:
            found = authority
    return found
