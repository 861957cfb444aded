"""Units with history (issue 12 item 3), on hand-built units: validity, successions, the area on
a day (`households.units`, `Ward.area_on`), merging units (`households.services.units`), and the
unit a survey or a benefit is made in."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from households import services, units
from households.classification import Area, standard_for_date
from households.models import District, ReviewRound, User, Ward
from households.services import units as unit_services
from programs import services as programme_services
from programs.models import Agency, Programme
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db

# A merger already in effect whatever day the tests run on (a survey of the 2026 round is made
# on a day of September–December 2026).
MERGER_DAY = datetime.date(2026, 9, 1)
LAST_OLD_DAY = datetime.date(2026, 8, 31)


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


@pytest.fixture
def test_units() -> dict[str, Ward]:
    """Commune A (rural lines) and ward B of a test district, and the ward they are merged into
    (`merge`), which begins on `MERGER_DAY`."""
    district = District.objects.create(code="thu", name="Huyện Thử", province="Thử")
    a = Ward.objects.create(district=district, code="thu-a", name="A", kind="commune")
    b = Ward.objects.create(district=district, code="thu-b", name="B", kind="ward")
    new = Ward.objects.create(
        district=district, code="thu-moi", name="Mới", kind="ward", valid_from=MERGER_DAY
    )
    a.quarters.create(name="Thôn 1", kind="hamlet")
    b.quarters.create(name="Khu phố 1", kind="quarter")
    return {"a": a, "b": b, "new": new}


def merge(test_units: dict[str, Ward]) -> None:
    unit_services.units_merge(
        predecessors=[test_units["a"], test_units["b"]],
        successor=test_units["new"],
        effective_from=MERGER_DAY,
    )
    for ward in test_units.values():
        ward.refresh_from_db()


# --- validity and successions ---------------------------------------------------------------


def test_a_merger_ends_the_units_the_day_before(test_units: dict[str, Ward]) -> None:
    a, b, new = test_units["a"], test_units["b"], test_units["new"]
    assert a.is_in_force(MERGER_DAY) and not new.is_in_force(LAST_OLD_DAY)

    merge(test_units)

    assert (a.valid_to, b.valid_to, new.valid_from) == (LAST_OLD_DAY, LAST_OLD_DAY, MERGER_DAY)
    assert a.is_in_force(LAST_OLD_DAY) and not a.is_in_force(MERGER_DAY)
    assert new.is_in_force(MERGER_DAY) and not new.is_in_force(LAST_OLD_DAY)
    district = Ward.objects.filter(district__code="thu")
    assert set(district.in_force(LAST_OLD_DAY)) == {a, b}
    assert set(district.in_force(MERGER_DAY)) == {new}


def test_unit_on_lineage_and_unit_map(test_units: dict[str, Ward]) -> None:
    a, b, new = test_units["a"], test_units["b"], test_units["new"]
    merge(test_units)

    assert units.unit_on(a.pk, LAST_OLD_DAY) == a.pk
    assert units.unit_on(a.pk, MERGER_DAY) == new.pk
    assert units.unit_on(new.pk, MERGER_DAY) == new.pk
    assert units.lineage(new.pk) == {new.pk, a.pk, b.pk}
    assert units.lineage(a.pk) == {a.pk}
    assert a.pk not in units.unit_map(LAST_OLD_DAY)
    assert units.unit_map(MERGER_DAY)[a.pk] == new.pk
    assert units.row_of([new.pk]) == {new.pk: new.pk, a.pk: new.pk, b.pk: new.pk}


def test_a_successor_merged_again_is_followed(test_units: dict[str, Ward]) -> None:
    merge(test_units)
    later = Ward.objects.create(
        district=test_units["new"].district,
        code="thu-sau",
        name="Sau",
        kind="ward",
        valid_from=datetime.date(2027, 1, 1),
    )
    unit_services.units_merge(
        predecessors=[test_units["new"]], successor=later, effective_from=later.valid_from
    )

    a = test_units["a"].pk
    assert units.unit_on(a, datetime.date(2026, 12, 31)) == test_units["new"].pk
    assert units.unit_on(a, datetime.date(2027, 1, 1)) == later.pk
    assert a in units.lineage(later.pk)


def test_a_merger_is_refused_when_it_cannot_be(test_units: dict[str, Ward]) -> None:
    a, new = test_units["a"], test_units["new"]
    with pytest.raises(ValidationError):  # the successor does not exist yet that day
        unit_services.units_merge(
            predecessors=[a], successor=new, effective_from=datetime.date(2026, 1, 1)
        )
    with pytest.raises(ValidationError):
        unit_services.units_merge(predecessors=[new], successor=new, effective_from=MERGER_DAY)
    merge(test_units)
    with pytest.raises(ValidationError):  # already merged
        unit_services.units_merge(predecessors=[a], successor=new, effective_from=MERGER_DAY)
    assert test_units["a"].merged_into.successor == new


def test_a_picker_offers_the_units_in_force(test_units: dict[str, Ward]) -> None:
    a, b, new = test_units["a"], test_units["b"], test_units["new"]
    merge(test_units)

    assert units.offered([a, b, new], LAST_OLD_DAY) == [a, b]
    assert units.offered([a, b, new], MERGER_DAY) == [new]
    assert units.offered([a, b, new], MERGER_DAY, keep=a.pk) == [a, new]
    # Someone who sees only a former unit is offered it.
    assert units.offered([a], MERGER_DAY) == [a]


# --- the area on a day ----------------------------------------------------------------------


def test_a_commune_merged_into_a_ward_is_urban_from_the_merger_day(
    test_units: dict[str, Ward],
) -> None:
    a = test_units["a"]
    assert a.area_on(MERGER_DAY) == Area.RURAL  # not merged yet
    merge(test_units)

    assert a.area_on(LAST_OLD_DAY) == Area.RURAL
    assert a.area_on(MERGER_DAY) == Area.URBAN
    assert a.area == Area.RURAL  # the unit's own kind, as before


def test_an_earlier_kind_decides_the_area_up_to_its_last_day() -> None:
    phu_hai = Ward.objects.get(code="phu-hai")  # a commune until 2001 (REFERENCE.md §5)
    unit_services.ward_kind_period_add(
        ward=phu_hai, kind=Ward.Kind.COMMUNE, valid_to=datetime.date(2001, 6, 30)
    )
    assert phu_hai.area_on(datetime.date(2001, 6, 30)) == Area.RURAL
    assert phu_hai.area_on(datetime.date(2001, 7, 1)) == Area.URBAN

    with pytest.raises(ValidationError):  # overlapping
        unit_services.ward_kind_period_add(
            ward=phu_hai,
            kind=Ward.Kind.COMMUNE,
            valid_from=datetime.date(2000, 1, 1),
            valid_to=datetime.date(2000, 12, 31),
        )
    assert phu_hai.kind_periods.count() == 1


# --- what a survey is made in ----------------------------------------------------------------


def test_what_was_made_in_a_unit_since_the_merger_moves_with_it(
    test_units: dict[str, Ward],
) -> None:
    household = make_household("thu-a", code="A-0001")
    make_member(household)
    before = make_assessment(household, review_round=periodic_round(2024))
    since = make_assessment(household, review_round=periodic_round(2026))
    assert since.ward == test_units["a"]  # recorded before the merger was known

    merge(test_units)

    before.refresh_from_db()
    since.refresh_from_db()
    assert before.ward == test_units["a"]
    # Surveyed in the round of September–December 2026: made in the new unit.
    assert since.ward == test_units["new"]


# --- what a survey and a benefit are made in ------------------------------------------------


def test_a_survey_after_the_merger_is_made_in_the_successor_with_its_lines(
    test_units: dict[str, Ward],
) -> None:
    household = make_household("thu-a", code="A-0001")
    make_member(household)
    merge(test_units)

    before = make_assessment(
        household, income_per_capita=1_800_000, review_round=periodic_round(2024)
    )
    after = make_assessment(
        household, income_per_capita=1_800_000, review_round=periodic_round(2026)
    )

    # Decree 07/2021: 1,800,000 đ is above the rural line (1,500,000), below the urban one
    # (2,000,000); commune A's household is in the new ward from the merger day.
    assert (before.ward, before.area, before.status) == (test_units["a"], "rural", "not_poor")
    assert (after.ward, after.area, after.status) == (test_units["new"], "urban", "near_poor")
    household.refresh_from_db()
    assert household.ward == test_units["a"]  # households stay where they were registered


def test_a_survey_typed_in_late_belongs_to_its_rounds_units(test_units: dict[str, Ward]) -> None:
    household = make_household("thu-a", code="A-0001")
    make_member(household)
    merge(test_units)

    # Typed in today for the 2017 round: made in the units of 2017.
    late = make_assessment(household, review_round=make_round(2017))

    assert late.ward == test_units["a"]
    assert units.made_on(late.round, datetime.date(2026, 12, 6)) == datetime.date(2017, 12, 31)


def test_a_benefit_keeps_the_unit_it_was_given_in(
    test_units: dict[str, Ward], administrator: User
) -> None:
    household = make_household("thu-a", code="A-0001")
    make_member(household)
    make_assessment(household, review_round=make_round(2016))
    agency = Agency.objects.create(code="unit-test", name="Phòng thử", kind="department")
    programme = Programme.objects.create(
        code="unit-test", name="Hỗ trợ thử", agency=agency, level="household", unit="item"
    )
    merge(test_units)

    def given_in(day: datetime.date) -> Ward:
        return programme_services.benefit_record(
            programme=programme,
            household=household,
            date=day,
            override_reason="Thử nghiệm đơn vị hành chính.",
            by=administrator,
        ).ward

    assert given_in(datetime.date(2017, 3, 1)) == test_units["a"]
    assert given_in(LAST_OLD_DAY) == test_units["a"]
    assert given_in(MERGER_DAY) == test_units["new"]
