"""The one rule of a household's standing (households.standing), on hand-built histories.

Urban lines of Decision 59/2015 (Đức Thắng): poor ≤ 900.000 đ; near-poor ≤ 1.300.000 đ with
fewer than 3 deprivations; above 1.300.000 đ average living or better.
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from households import services, standing
from households.models import (
    OPEN_END,
    Assessment,
    Household,
    ReviewRound,
    ReviewState,
    StandingSpan,
    User,
)
from tests.factories import make_assessment_in_state, make_household, make_member, make_round

pytestmark = pytest.mark.django_db

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

POOR_INCOME = 800_000  # ≤ 900.000: poor, N1
NEAR_INCOME = 1_100_000  # 900.000 < x ≤ 1.300.000, no deprivation: near-poor
ABOVE_INCOME = 1_500_000  # > 1.300.000: average living


def household_with_head(code: str = "HH-0001") -> Household:
    household = make_household(code=code)
    make_member(household, full_name=f"Trần Văn {code}")
    return household


def recognised(
    household: Household,
    year: int,
    income: int,
    officer: User,
    reviewer: User,
    *,
    kind: str = ReviewRound.Kind.PERIODIC,
    decision_date: datetime.date | None = None,
) -> Assessment:
    extra: dict[str, object] = {}
    if kind == ReviewRound.Kind.AD_HOC:
        extra = {"request_kind": "correction", "request_date": datetime.date(year, 3, 1)}
    return make_assessment_in_state(
        household,
        ReviewState.RECOGNISED,
        officer=officer,
        reviewer=reviewer,
        review_round=make_round(year, kind=kind),
        income_per_capita=income,
        decision_date=decision_date,
        **extra,
    )


def test_a_periodic_result_takes_effect_on_1_january_of_the_next_year() -> None:
    assert standing.effective_date(
        kind=ReviewRound.Kind.PERIODIC, year=2016, decision_date=datetime.date(2016, 12, 5)
    ) == datetime.date(2017, 1, 1)
    assert standing.effective_date(
        kind=ReviewRound.Kind.AD_HOC, year=2017, decision_date=datetime.date(2017, 5, 2)
    ) == datetime.date(2017, 5, 2)


def test_periods() -> None:
    year = standing.period(2017)
    assert (year.start, year.end, year.last_day) == (
        datetime.date(2017, 1, 1),
        datetime.date(2018, 1, 1),
        datetime.date(2017, 12, 31),
    )
    half = standing.period(2017, standing.SIX_MONTH)
    assert (half.start, half.end) == (datetime.date(2017, 1, 1), datetime.date(2017, 6, 30))


def test_only_recognised_results_count_from_the_day_they_take_effect(
    ducthang_officer: User, city_reviewer: User
) -> None:
    household = household_with_head()
    recognised(household, 2016, POOR_INCOME, ducthang_officer, city_reviewer)
    # The 2017 survey says near-poor but is only posted: the 2016 list stays in force.
    make_assessment_in_state(
        household,
        ReviewState.POSTED,
        officer=ducthang_officer,
        reviewer=city_reviewer,
        review_round=make_round(2017),
        income_per_capita=NEAR_INCOME,
    )

    assert standing.standing(household, datetime.date(2016, 12, 31)).status is None
    on_new_year = standing.standing(household, datetime.date(2017, 1, 1))
    assert (on_new_year.status, on_new_year.poor_group) == ("poor", "N1")
    assert standing.standing(household, datetime.date(2018, 6, 1)).status == "poor"


def test_a_later_ad_hoc_decision_replaces_the_periodic_result_from_its_date(
    ducthang_officer: User, city_reviewer: User
) -> None:
    household = household_with_head()
    recognised(household, 2016, POOR_INCOME, ducthang_officer, city_reviewer)
    recognised(
        household,
        2017,
        NEAR_INCOME,
        ducthang_officer,
        city_reviewer,
        kind=ReviewRound.Kind.AD_HOC,
        decision_date=datetime.date(2017, 5, 10),
    )

    assert standing.standing(household, datetime.date(2017, 5, 9)).status == "poor"
    assert standing.standing(household, datetime.date(2017, 5, 10)).status == "near_poor"


def test_the_latest_recognised_result_is_the_same_read_or_taken_from_the_page(
    ducthang_officer: User, city_reviewer: User
) -> None:
    # The household page takes it from the assessments it has read; the review services ask
    # the database: the same answer.
    household = household_with_head()
    assert standing.latest_recognised(household) is None
    periodic = recognised(household, 2016, POOR_INCOME, ducthang_officer, city_reviewer)
    adhoc = recognised(
        household,
        2017,
        NEAR_INCOME,
        ducthang_officer,
        city_reviewer,
        kind=ReviewRound.Kind.AD_HOC,
        decision_date=datetime.date(2017, 5, 10),
    )
    draft = make_assessment_in_state(
        household,
        ReviewState.DRAFT,
        officer=ducthang_officer,
        reviewer=city_reviewer,
        review_round=make_round(2017),
    )

    assert standing.latest_recognised(household) == adhoc
    assert standing.latest_recognised_of(household.assessments.all()) == adhoc
    assert standing.latest_recognised_of([periodic, draft]) == periodic
    assert standing.latest_recognised_of([draft]) is None
    assert standing.latest_recognised_of([]) is None


def test_of_results_taking_effect_the_same_day_the_later_decision_then_the_later_one_counts() -> (
    None
):
    def result(pk: int, effective: int, decided: int) -> Assessment:
        return Assessment(
            pk=pk,
            state=ReviewState.RECOGNISED,
            effective_from=datetime.date(2017, 5, effective),
            decision_date=datetime.date(2017, 5, decided),
        )

    first, later_decision, later_made = result(1, 10, 8), result(2, 10, 9), result(3, 10, 9)
    assert standing.latest_recognised_of([later_made, first, later_decision]) == later_made
    assert standing.latest_recognised_of([first, later_decision]) == later_decision
    assert standing.latest_recognised_of([first, result(4, 11, 1)]).pk == 4


def test_escaped_within_three_years_of_leaving_the_list(
    ducthang_officer: User, city_reviewer: User
) -> None:
    household = household_with_head()
    recognised(household, 2016, POOR_INCOME, ducthang_officer, city_reviewer)
    recognised(household, 2017, ABOVE_INCOME, ducthang_officer, city_reviewer)

    assert standing.standing(household, datetime.date(2017, 6, 1)).programme_statuses == {"poor"}
    assert standing.standing(household, datetime.date(2018, 1, 1)).programme_statuses == {"escaped"}
    # Last on the poor list on 31/12/2017: escaped until 3 years after.
    assert standing.standing(household, datetime.date(2020, 12, 31)).escaped
    assert not standing.standing(household, datetime.date(2021, 1, 2)).escaped


def _movements(period: standing.Period, ward_id: int | None = None) -> dict[str, int]:
    rows = standing.with_movement(Household.objects.all(), period)
    return {
        key: rows.filter(standing.movement_q(key, ward_id=ward_id)).count()
        for key in standing.MOVEMENT_LABELS
    }


def test_movements_distinguish_escaped_newly_poor_re_poor_and_fallen_back(
    ducthang_officer: User, city_reviewer: User
) -> None:
    def history(code: str, *incomes: int | None) -> None:
        household = household_with_head(code)
        for year, income in zip((2016, 2017, 2018), incomes, strict=True):
            if income is not None:
                recognised(household, year, income, ducthang_officer, city_reviewer)

    history("ESC", None, POOR_INCOME, NEAR_INCOME)  # escaped, to near-poor
    history("ESC2", None, POOR_INCOME, ABOVE_INCOME)  # escaped, above
    history("NEW", None, None, POOR_INCOME)  # newly poor (never recognised before)
    history("NEW2", None, ABOVE_INCOME, POOR_INCOME)  # newly poor from above
    history("FALL", None, NEAR_INCOME, POOR_INCOME)  # fell back near-poor → poor
    history("RE", POOR_INCOME, ABOVE_INCOME, POOR_INCOME)  # re-poor: escaped in the 2017 review
    history("RE2", POOR_INCOME, NEAR_INCOME, POOR_INCOME)  # re-poor wins over "fell back"
    history("STAY", None, POOR_INCOME, POOR_INCOME)  # no movement
    history("NEARNEW", None, None, NEAR_INCOME)  # newly near-poor

    counts = _movements(standing.period(2018))

    assert counts == {
        "escaped": 2,
        "escaped_to_near_poor": 1,
        "newly_poor": 2,
        "re_poor": 2,
        "near_poor_to_poor": 1,
        "escaped_near_poor": 0,
        "newly_near_poor": 1,
        "poor_to_near_poor": 1,
        "near_poor_to_poor_out": 2,
        "moved_in": 0,
        "moved_out": 0,
        "other_out": 0,
    }


def test_a_household_that_moved_leaves_one_unit_and_enters_the_other(
    ducthang_officer: User, city_reviewer: User, tienloi_officer: User
) -> None:
    household = household_with_head()
    recognised(household, 2016, POOR_INCOME, ducthang_officer, city_reviewer)
    household.ward = tienloi_officer.ward
    household.quarter = tienloi_officer.ward.quarters.first()
    household.save()
    recognised(household, 2017, 650_000, tienloi_officer, city_reviewer)  # poor on rural lines

    period = standing.period(2017)
    duc_thang = _movements(period, ducthang_officer.ward_id)
    tien_loi = _movements(period, tienloi_officer.ward_id)

    assert duc_thang["moved_out"] == 1 and tien_loi["moved_in"] == 1
    assert sum(duc_thang.values()) == 1 and sum(tien_loi.values()) == 1
    assert _movements(period)["moved_in"] == 0  # the city: no movement at all


def _archive_on(household: Household, by: User, when: datetime.datetime) -> None:
    """Archive through the service, then date it `when` (the service archives now)."""
    services.household_archive(household=household, by=by, reason="Chuyển đi nơi khác")
    Household.objects.filter(pk=household.pk).update(archived_at=when)
    standing.refresh_spans([household.pk])  # the stored standings follow the archive day


def test_an_archived_household_has_no_standing_from_the_day_it_was_archived(
    ducthang_officer: User, city_reviewer: User
) -> None:
    household = household_with_head()
    recognised(household, 2016, POOR_INCOME, ducthang_officer, city_reviewer)  # from 01/01/2017
    # 00:30 in Việt Nam on 15/03/2018 is still 14/03 in UTC: the day is the local one.
    _archive_on(household, ducthang_officer, datetime.datetime(2018, 3, 15, 0, 30, tzinfo=HCM))

    assert standing.standing(household, datetime.date(2018, 3, 14)).status == "poor"
    assert not standing.standing(household, datetime.date(2018, 3, 15)).is_known
    assert not standing.standing(household, datetime.date(2019, 1, 1)).is_known
    # The past is unchanged: the 2017 list still counts it.
    assert standing.standing(household, datetime.date(2017, 6, 1)).status == "poor"


def test_archiving_is_an_outflow_and_the_movement_table_still_balances(
    ducthang_officer: User, city_reviewer: User
) -> None:
    """Hand-worked, the year 2018 (standing on 01/01/2018 → on 01/01/2019), Đức Thắng:

    - STAY: poor from the 2017 review, poor again in 2018: on the poor list at both ends;
    - GONE: poor from the 2017 review, archived 15/03/2018: poor at the start, nothing at the
      end → "other" outflow of the poor list;
    - NEARGONE: near-poor from the 2017 review, archived 15/03/2018 → "other" outflow of the
      near-poor list;
    - OLD: poor from the 2016 review, archived 20/06/2017: in neither balance of 2018 (it was
      the 2017 table's outflow), and the first half of 2017 still counts it;
    - NEW: first recognised poor in the 2018 review → newly poor.

    Poor list: start 2 (STAY, GONE) + in 1 (NEW) − out 1 (GONE) = end 2 (STAY, NEW).
    Near-poor list: start 1 (NEARGONE) + in 0 − out 1 (NEARGONE) = end 0.
    """
    archived_in_2018 = datetime.datetime(2018, 3, 15, 9, 0, tzinfo=HCM)
    stay, gone, near_gone, old, new = (
        household_with_head(code) for code in ("STAY", "GONE", "NEARGONE", "OLD", "NEW")
    )
    recognised(old, 2016, POOR_INCOME, ducthang_officer, city_reviewer)
    for household, income in ((stay, POOR_INCOME), (gone, POOR_INCOME), (near_gone, NEAR_INCOME)):
        recognised(household, 2017, income, ducthang_officer, city_reviewer)
    recognised(stay, 2018, POOR_INCOME, ducthang_officer, city_reviewer)
    recognised(new, 2018, POOR_INCOME, ducthang_officer, city_reviewer)
    _archive_on(gone, ducthang_officer, archived_in_2018)
    _archive_on(near_gone, ducthang_officer, archived_in_2018)
    _archive_on(old, ducthang_officer, datetime.datetime(2017, 6, 20, 9, 0, tzinfo=HCM))

    period = standing.period(2018)
    rows = standing.with_movement(Household.objects.all(), period)
    ward = ducthang_officer.ward_id
    for ward_id in (None, ward):
        for status, flows_in, flows_out, start, end in (
            ("poor", standing.POOR_FLOWS_IN, standing.POOR_FLOWS_OUT, 2, 2),
            ("near_poor", standing.NEAR_POOR_FLOWS_IN, standing.NEAR_POOR_FLOWS_OUT, 1, 0),
        ):

            def count(key: str, status: str = status, ward_id: int | None = ward_id) -> int:
                return rows.filter(standing.list_movement_q(status, key, ward_id=ward_id)).count()

            assert rows.filter(start_status=status).count() == start
            assert rows.filter(end_status=status).count() == end
            inflow = sum(count(key) for key in flows_in)
            outflow = sum(count(key) for key in flows_out)
            assert start + inflow - outflow == end
            assert count(standing.OTHER_OUT) == 1
    assert set(
        rows.filter(standing.movement_q(standing.OTHER_OUT)).values_list("code", flat=True)
    ) == {"GONE", "NEARGONE"}
    assert rows.filter(standing.movement_q(standing.NEWLY_POOR)).get().code == "NEW"
    # The 2017 table, whose first half OLD was on the poor list, counts it out once.
    first_half = standing.with_movement(
        Household.objects.filter(code="OLD"), standing.period(2017, standing.SIX_MONTH)
    ).get()
    assert (first_half.start_status, first_half.end_status) == ("poor", None)
    assert standing.standing(old, datetime.date(2017, 6, 19)).status == "poor"


def _spans() -> list[tuple[object, ...]]:
    return sorted(
        StandingSpan.objects.values_list(
            "household_id",
            "assessment_id",
            "valid_from",
            "valid_until",
            "status",
            "first_poor_from",
        )
    )


def test_the_stored_spans_follow_each_decision_and_a_full_rebuild_gives_the_same(
    ducthang_officer: User, city_reviewer: User
) -> None:
    household = household_with_head()
    periodic = recognised(household, 2016, POOR_INCOME, ducthang_officer, city_reviewer)
    adhoc = recognised(
        household,
        2017,
        ABOVE_INCOME,
        ducthang_officer,
        city_reviewer,
        kind=ReviewRound.Kind.AD_HOC,
        decision_date=datetime.date(2017, 4, 10),
    )
    # The periodic result counts from 1/1/2017 until the ad-hoc decision of 10/4/2017 replaces it.
    assert _spans() == [
        (
            household.pk,
            periodic.pk,
            datetime.date(2017, 1, 1),
            datetime.date(2017, 4, 10),
            "poor",
            datetime.date(2017, 1, 1),
        ),
        (
            household.pk,
            adhoc.pk,
            datetime.date(2017, 4, 10),
            OPEN_END,
            "average_living",
            datetime.date(2017, 1, 1),
        ),
    ]
    kept = _spans()
    assert standing.refresh_spans() == 2  # what bulk loaders call
    assert _spans() == kept
