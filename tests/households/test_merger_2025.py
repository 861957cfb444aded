"""The 2025 merger of Phan Thiết's units as data (issue 12 item 3; every fact UNCONFIRMED,
households/migrations/0015_merger_2025.py): the units in force and the area on the days around
01/07/2025, surveys and benefits made in the new units, and roles that follow the units."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from households import access, services, units
from households.classification import Area, standard_for_date
from households.models import Household, ReviewRound, User, Ward
from programs import services as programme_services
from programs.models import Agency, Programme
from programs.scope import scope_for
from tests.factories import make_assessment, make_household, make_member, make_round, make_user

pytestmark = pytest.mark.django_db

LAST_OLD_DAY = datetime.date(2025, 6, 30)
MERGER_DAY = datetime.date(2025, 7, 1)

FORMER_UNITS = {
    "binh-hung",
    "duc-long",
    "duc-nghia",
    "duc-thang",
    "ham-tien",
    "hung-long",
    "lac-dao",
    "mui-ne",
    "phu-hai",
    "phu-tai",
    "phu-thuy",
    "phu-trinh",
    "thanh-hai",
    "xuan-an",
    "phong-nam",
    "thien-nghiep",
    "tien-loi",
    "tien-thanh",
}
# REFERENCE.md §7 (UNCONFIRMED), and Đức Thắng, Đức Nghĩa, Hưng Long to P. Phan Thiết.
PREDECESSORS = {
    "phuong-phan-thiet": {
        "phu-trinh",
        "lac-dao",
        "binh-hung",
        "duc-thang",
        "duc-nghia",
        "hung-long",
    },
    "phuong-mui-ne": {"ham-tien", "mui-ne", "thien-nghiep"},
    "phuong-phu-thuy": {"thanh-hai", "phu-hai", "phu-thuy"},
    "phuong-tien-thanh": {"duc-long", "tien-thanh"},
    "phuong-binh-thuan": {"phu-tai", "phong-nam"},
    "phuong-ham-thang": {"xuan-an"},
    "xa-tuyen-quang": {"tien-loi"},
}


def unit(code: str) -> Ward:
    return Ward.objects.get(code=code)


def codes(wards: object) -> set[str]:
    return {w.code for w in wards}  # type: ignore[attr-defined]


def periodic_round(year: int) -> ReviewRound:
    """The periodic round of `year` under the standard in force that year (issue 12 item 1)."""
    return ReviewRound.objects.filter(year=year, kind=ReviewRound.Kind.PERIODIC).first() or (
        services.review_round_create(
            year=year,
            kind=ReviewRound.Kind.PERIODIC,
            name=f"Rà soát định kỳ năm {year}",
            standard=standard_for_date(datetime.date(year, 12, 31)).code,
            reference_date=datetime.date(year, 9, 1),
            starts_on=datetime.date(year, 9, 1),
            ends_on=datetime.date(year, 12, 31),
        )
    )


# --- the 2025 merger's data ------------------------------------------------------------------


def test_every_former_unit_ends_on_30_june_2025_with_exactly_one_successor() -> None:
    former = Ward.objects.filter(district__code="phan-thiet")
    assert codes(former) == FORMER_UNITS
    for ward in former:
        assert ward.valid_to == LAST_OLD_DAY
        assert ward.merged_into.effective_from == MERGER_DAY  # one, by the OneToOne
        assert ward.merged_into.successor.code in PREDECESSORS


def test_the_new_units_and_their_predecessors() -> None:
    new = Ward.objects.exclude(district__code="phan-thiet")
    assert codes(new) == set(PREDECESSORS)
    for ward in new:
        assert codes(m.predecessor for m in ward.merged_from.all()) == PREDECESSORS[ward.code]
        assert (ward.valid_from, ward.valid_to) == (MERGER_DAY, None)
        assert ward.district.code == "lam-dong"
        assert not hasattr(ward, "merged_into")
    kinds = {w.code: w.kind for w in new}
    assert kinds.pop("xa-tuyen-quang") == Ward.Kind.COMMUNE
    assert set(kinds.values()) == {Ward.Kind.WARD}


def test_units_in_force_on_the_days_around_the_merger() -> None:
    assert codes(Ward.objects.in_force(datetime.date(2017, 12, 31))) == FORMER_UNITS
    assert codes(Ward.objects.in_force(LAST_OLD_DAY)) == FORMER_UNITS
    assert codes(Ward.objects.in_force(MERGER_DAY)) == set(PREDECESSORS)
    phu_trinh, phan_thiet = unit("phu-trinh"), unit("phuong-phan-thiet")
    assert phu_trinh.is_in_force(LAST_OLD_DAY) and not phu_trinh.is_in_force(MERGER_DAY)
    assert not phan_thiet.is_in_force(LAST_OLD_DAY) and phan_thiet.is_in_force(MERGER_DAY)


def test_unit_on_and_lineage_follow_the_successions() -> None:
    phu_trinh, phan_thiet = unit("phu-trinh"), unit("phuong-phan-thiet")
    assert units.unit_on(phu_trinh.pk, LAST_OLD_DAY) == phu_trinh.pk
    assert units.unit_on(phu_trinh.pk, MERGER_DAY) == phan_thiet.pk
    assert units.unit_on(phan_thiet.pk, MERGER_DAY) == phan_thiet.pk
    assert units.lineage(phan_thiet.pk) == {
        phan_thiet.pk,
        *(unit(code).pk for code in PREDECESSORS["phuong-phan-thiet"]),
    }
    assert units.lineage(phu_trinh.pk) == {phu_trinh.pk}
    # Before the merger nothing is mapped: earlier figures are read exactly as before.
    assert units.unit_map(LAST_OLD_DAY) == {}
    assert units.unit_map(MERGER_DAY)[phu_trinh.pk] == phan_thiet.pk


# --- the area on a day ----------------------------------------------------------------------


def test_a_former_commune_merged_into_a_ward_is_urban_from_the_merger_day() -> None:
    thien_nghiep = unit("thien-nghiep")
    assert thien_nghiep.area_on(LAST_OLD_DAY) == Area.RURAL
    assert thien_nghiep.area_on(MERGER_DAY) == Area.URBAN
    assert unit("phuong-mui-ne").area_on(MERGER_DAY) == Area.URBAN
    # Today's `area` is the unit's own kind, as before.
    assert thien_nghiep.area == Area.RURAL


def test_tuyen_quang_stays_a_commune() -> None:
    tien_loi = unit("tien-loi")
    assert tien_loi.area_on(LAST_OLD_DAY) == Area.RURAL
    assert tien_loi.area_on(MERGER_DAY) == Area.RURAL
    assert unit("xa-tuyen-quang").area_on(MERGER_DAY) == Area.RURAL


# --- what a survey and a benefit are made in ------------------------------------------------


def test_a_survey_after_the_merger_is_made_in_the_new_unit_with_its_lines() -> None:
    household = make_household("thien-nghiep", code="TN-0001")
    make_member(household)

    before = make_assessment(
        household, income_per_capita=1_800_000, review_round=periodic_round(2024)
    )
    after = make_assessment(
        household, income_per_capita=1_800_000, review_round=periodic_round(2026)
    )

    # 1,800,000 đ is above the rural line (1,500,000) and below the urban one (2,000,000).
    assert (before.ward.code, before.area, before.status) == ("thien-nghiep", "rural", "not_poor")
    assert (after.ward.code, after.area, after.status) == ("phuong-mui-ne", "urban", "near_poor")
    household.refresh_from_db()
    assert household.ward.code == "thien-nghiep"  # households stay where they were registered


def test_a_benefit_keeps_the_unit_it_was_given_in(administrator: User) -> None:
    household = make_household("phu-trinh", code="PT-0002")
    make_member(household)
    make_assessment(household, review_round=make_round(2016))
    agency = Agency.objects.create(code="unit-test", name="Phòng thử", kind="department")
    programme = Programme.objects.create(
        code="unit-test", name="Hỗ trợ thử", agency=agency, level="household", unit="item"
    )

    def give(day: datetime.date) -> str:
        benefit = programme_services.benefit_record(
            programme=programme,
            household=household,
            date=day,
            override_reason="Thử nghiệm đơn vị hành chính.",
            by=administrator,
        )
        return benefit.ward.code

    assert give(datetime.date(2017, 3, 1)) == "phu-trinh"
    assert give(LAST_OLD_DAY) == "phu-trinh"
    assert give(MERGER_DAY) == "phuong-phan-thiet"


# --- roles follow the units ------------------------------------------------------------------


@pytest.fixture
def phan_thiet_officer() -> User:
    return make_user("pt-officer", role=User.Role.WARD_OFFICER, ward=unit("phuong-phan-thiet"))


def test_the_merged_wards_officer_sees_its_predecessors_households(
    phan_thiet_officer: User,
) -> None:
    phu_trinh = make_household("phu-trinh", code="PT-0001")
    duc_thang = make_household("duc-thang", code="DT-0001")
    mui_ne = make_household("mui-ne", code="MN-0001")

    visible = set(Household.objects.within(scope_for(phan_thiet_officer)))

    assert phu_trinh in visible and duc_thang in visible
    assert mui_ne not in visible
    assert access.can_edit_household(phan_thiet_officer, phu_trinh)
    assert not access.can_edit_household(phan_thiet_officer, mui_ne)


def test_an_officer_left_on_a_former_unit_keeps_its_households_only(
    ducthang_officer: User,
) -> None:
    duc_thang = make_household("duc-thang", code="DT-0001")
    phu_trinh = make_household("phu-trinh", code="PT-0001")

    visible = set(Household.objects.within(scope_for(ducthang_officer)))

    assert duc_thang in visible and phu_trinh not in visible
    assert codes(Ward.objects.within(scope_for(ducthang_officer))) == {"duc-thang"}


def test_household_page_for_the_merged_wards_officer(
    client: Client, phan_thiet_officer: User
) -> None:
    phu_trinh = make_household("phu-trinh", code="PT-0001")
    mui_ne = make_household("mui-ne", code="MN-0001")
    url = reverse("households:detail", args=[phu_trinh.pk])

    assert client.get(url).status_code == 302  # anonymous: to the login page

    client.force_login(phan_thiet_officer)
    assert client.get(url).status_code == 200
    assert client.get(reverse("households:detail", args=[mui_ne.pk])).status_code == 404


def test_a_mui_ne_officer_cannot_open_a_phu_trinh_household(client: Client) -> None:
    officer = make_user("mn-officer", role=User.Role.WARD_OFFICER, ward=unit("phuong-mui-ne"))
    phu_trinh = make_household("phu-trinh", code="PT-0001")
    client.force_login(officer)

    assert client.get(reverse("households:detail", args=[phu_trinh.pk])).status_code == 404
    edit = client.get(reverse("households:edit", args=[phu_trinh.pk]))
    assert edit.status_code in (403, 404)
