"""The report's figures (reports.selectors) on the hand-built history of tests/reports/history.py:
recognised results only, the forms of Circular 17, the six-month report, the report date.

Every number below is worked out in history.py's docstring.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from households import standing
from households.models import User, Ward
from households.scope import Scope
from programs.scope import scope_for
from reports import selectors
from tests.factories import make_assessment_in_state, make_round
from tests.reports.history import POOR_URBAN, History, household

pytestmark = pytest.mark.django_db


def _city(period: str = standing.ANNUAL, **kwargs: Any) -> selectors.ReportData:
    return selectors.report_data(scope=Scope.EVERYTHING, year=2017, period=period, **kwargs)


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


# --- the year-end report: recognised results only --------------------------------------------


def test_form_1_counts_recognised_results_only(history: History, duc_thang: Ward) -> None:
    data = _city()
    row = data.results.row(duc_thang)
    # End of 2017 (1/1/2018): poor B (its returned 2017 result does not count) and E (N2);
    # near-poor A, C (its 2017 draft does not count), D (ad-hoc). Persons: B 2 + E 4;
    # A 3 + C 1 + D 2.
    assert (row.value("total"), row.value("poor"), row.value("poor_persons")) == (300, 2, 6)
    assert (row.value("poor_n1"), row.value("poor_n2")) == (1, 1)
    assert (row.value("near_poor"), row.value("near_poor_persons")) == (3, 6)
    # 2 / 300 = 0,667 → 0,67 %; 3 / 300 = 1,00 %.
    assert (row.value("poor_rate"), row.value("near_poor_rate")) == (
        Decimal("0.67"),
        Decimal("1.00"),
    )
    tien_loi = data.results.rows[[r.label for r in data.results.rows].index("Tiến Lợi")]
    # 1 / 800 = 0,125 % → 0,13 (half up, the one rounding of every rate).
    assert (tien_loi.value("poor"), tien_loi.value("poor_rate")) == (1, Decimal("0.13"))


def test_form_1_subtotals_for_wards_and_communes_then_the_city(history: History) -> None:
    rows = _city().results.rows
    levels = [r.level for r in rows]
    # 14 wards, their subtotal, 4 communes, theirs, the city.
    assert levels == ["unit"] * 14 + ["subtotal"] + ["unit"] * 4 + ["subtotal", "total"]
    wards, communes, city = rows[14], rows[19], rows[20]
    # Wards: ĐT 2 poor of 13.300 households = 0,015 → 0,02 %; communes: G of 3.800 = 0,03 %.
    assert (wards.value("total"), wards.value("poor"), wards.value("poor_rate")) == (
        13_300,
        2,
        Decimal("0.02"),
    )
    assert (communes.value("total"), communes.value("poor"), communes.value("poor_rate")) == (
        3_800,
        1,
        Decimal("0.03"),
    )
    assert (city.value("total"), city.value("poor"), city.value("poor_persons")) == (17_100, 3, 7)
    assert (city.value("near_poor"), city.value("near_poor_persons")) == (3, 6)


def test_movement_tables_reconcile_and_match_the_hand_count(
    history: History, duc_thang: Ward, tien_loi: Ward
) -> None:
    data = _city()
    poor = data.poor_movements
    city = poor.total
    assert city is not None
    # 4 + newly poor E 1 − escaped A, D 2 (both to near-poor) = 3.
    assert {k: city.value(k) for k in ("start", "newly_poor", "re_poor", "near_poor_to_poor")} == {
        "start": 4,
        "newly_poor": 1,
        "re_poor": 0,
        "near_poor_to_poor": 0,
    }
    assert (city.value("escaped"), city.value("escaped_to_near_poor"), city.value("end")) == (
        2,
        2,
        3,
    )
    assert (city.value("in_total"), city.value("out_total")) == (1, 2)
    assert [poor.row(duc_thang).value(k) for k in ("start", "end")] == [3, 2]
    assert [poor.row(tien_loi).value(k) for k in ("start", "escaped", "end")] == [1, 0, 1]
    near = data.near_poor_movements.total
    assert near is not None
    # 1 (C) + from the poor list A, D 2 = 3.
    assert (near.value("start"), near.value("poor_to_near_poor"), near.value("end")) == (1, 2, 3)
    for table in (poor, data.near_poor_movements):
        for row in table.rows:
            flows_in = sum(row.value(c.key) for c in table.columns if c.role == "in")
            flows_out = sum(row.value(c.key) for c in table.columns if c.role == "out")
            assert row.value("start") + flows_in - flows_out == row.value("end"), row.label
    # Form 1 and Form 2 tell the same end balance.
    assert data.results.total.value("poor") == city.value("end")


def test_results_in_review_are_shown_apart(history: History, duc_thang: Ward) -> None:
    data = _city()
    row = data.in_review.row(duc_thang)
    # The 2017 round: B returned (would be average living), C a draft (would be poor).
    assert (row.value("count"), row.value("poor"), row.value("average_living")) == (2, 1, 1)
    assert data.in_review.total.value("count") == 2
    assert data.in_review_rounds == [history.rounds["2017"]]
    assert _query(row.values["poor"].url) == {
        "round": str(history.rounds["2017"].pk),
        "state": "in_review",
        "ward": str(duc_thang.pk),
        "status": "poor",
    }


def test_section_ii_indicators(history: History) -> None:
    data = _city()
    start = data.indicator(selectors.POOR_RATE_START)
    # 4 / 17.100 = 0,0234 → 0,02 %; 3 / 17.100 = 0,0175 → 0,02 %; reduction 0,00 < 0,20.
    assert (start.numerator, start.denominator, start.actual) == (4, 17_100, Decimal("0.02"))
    end = data.indicator(selectors.POOR_RATE_END)
    assert (end.numerator, end.denominator, end.actual) == (3, 17_100, Decimal("0.02"))
    reduction = data.indicator(selectors.POOR_RATE_REDUCTION)
    assert (reduction.actual, reduction.target, reduction.met) == (
        Decimal("0.00"),
        Decimal("0.20"),
        False,
    )
    expected = data.indicator(selectors.ESCAPE_PLANNED)
    # A was poor on 1/1/2017 with the forecast on its 2016 result; 3 planned (ĐT 2, TL 1).
    assert (expected.numerator, expected.denominator, expected.met) == (1, 3, False)
    assert _query(expected.url) == {
        "on": "2017-01-01",
        "status": "poor",
        "escape": "1",
    }
    escaped = data.indicator(selectors.ESCAPED)
    # The same 2 as Form 2a, with the same list.
    assert (escaped.numerator, escaped.met) == (2, False)
    assert escaped.url == data.poor_movements.total.values["escaped"].url
    assert _query(escaped.url) == {
        "movement": "escaped",
        "year": "2017",
        "period": "annual",
        "list": "poor",
    }
    # Coverage on the list in force in 2017 (on 31/12/2017): A, B, G poor, C, D near-poor;
    # 3 + 2 + 1 + 2 + 1 = 9 members, every card valid.
    cards = data.indicator(selectors.HEALTH_INSURANCE)
    assert (cards.numerator, cards.denominator) == (9, 9)
    assert data.indicator(selectors.POLICIES).denominator == 5


def test_groups_and_deprivations(history: History, duc_thang: Ward, tien_loi: Ward) -> None:
    data = _city()
    row = data.poor_groups.row(duc_thang)
    # Poor at the end: B (female head), E (ethnic minority); A (merit) is near-poor by then.
    assert {k: row.value(k) for k in ("poor", "poor_merit", "poor_minority", "poor_female")} == {
        "poor": 2,
        "poor_merit": 0,
        "poor_minority": 1,
        "poor_female": 1,
    }
    assert data.poor_groups.row(tien_loi).value("poor_nolabour") == 1
    deprived = data.poor_deprivations.row(duc_thang)
    # E (N2) is deprived in housing quality and area and in water; B in nothing.
    assert (deprived.value("households"), deprived.value("housing_quality")) == (2, 1)
    assert deprived.value("health_access") == 0
    assert data.near_poor_deprivations.total.value("housing_quality") == 0
    assert data.group_sizes == {"N1": 2, "N2": 1, "near_poor": 3}
    housing = next(r for r in data.dimensions if r.dimension == "housing")
    # Two housing indicators, one household: counted once, 1 of 1 N2 = 100 %.
    assert (housing.by_group["N2"].value, housing.by_group["N2"].percent) == (1, Decimal("100.00"))


def test_every_count_links_to_its_households(history: History, duc_thang: Ward) -> None:
    data = _city()
    row = data.results.row(duc_thang)
    assert _query(row.values["poor_n2"].url) == {
        "on": "2018-01-01",
        "ward": str(duc_thang.pk),
        "status": "poor",
        "group": "N2",
    }
    moved = data.poor_movements.row(duc_thang)
    assert _query(moved.values["newly_poor"].url) == {
        "movement": "newly_poor",
        "year": "2017",
        "period": "annual",
        "ward": str(duc_thang.pk),
        "list": "poor",
    }
    assert _query(moved.values["start"].url)["on"] == "2017-01-01"
    group = data.poor_groups.row(duc_thang)
    assert _query(group.values["poor_minority"].url)["minority"] == "1"
    deprived = data.poor_deprivations.row(duc_thang)
    assert _query(deprived.values["housing_quality"].url)["deprived"] == "housing_quality"
    # Subtotals add up units of several wards: no single list to link to.
    assert all(cell.url == "" for cell in data.results.rows[14].cells)


# --- the six-month report ---------------------------------------------------------------------


def test_six_month_report_reads_the_half_years_ad_hoc_decisions(
    history: History, duc_thang: Ward
) -> None:
    half = _city(standing.SIX_MONTH)
    year = _city()
    row = half.results.row(duc_thang)
    # On 30/6/2017: poor A, B (the 2016 list); near-poor C, D (ad-hoc of 10/05). Persons
    # A 3 + B 2 = 5; C 1 + D 2 = 3.
    assert (row.value("poor"), row.value("poor_persons")) == (2, 5)
    assert (row.value("near_poor"), row.value("near_poor_persons")) == (2, 3)
    moved = half.poor_movements.total
    # 4 − escaped D 1 = 3; the year-end one has 2 escapes and a newly poor household.
    assert (moved.value("start"), moved.value("escaped"), moved.value("end")) == (4, 1, 3)
    assert year.poor_movements.total.value("escaped") == 2
    assert half.indicator(selectors.ESCAPED).numerator == 1
    assert half.indicator(selectors.ESCAPED).label != year.indicator(selectors.ESCAPED).label
    # In review: the half-year's ad-hoc round, F's addition (would be poor).
    assert half.in_review_rounds == [history.rounds["adhoc"]]
    assert (half.in_review.total.value("count"), half.in_review.total.value("poor")) == (1, 1)
    # The coverage indicators are the year's: left to the year-end report, and said so.
    keys = [i.key for i in half.indicators]
    assert selectors.HEALTH_INSURANCE not in keys and selectors.HEALTH_INSURANCE in [
        i.key for i in year.indicators
    ]
    assert half.notes
    # The half year is not judged against the year's target.
    assert half.indicator(selectors.POOR_RATE_REDUCTION).met is None
    assert _query(moved.values["escaped"].url)["period"] == "six-month"


# --- the report's date ------------------------------------------------------------------------


def test_report_date_defaults_to_the_periods_last_day_for_a_past_period(history: History) -> None:
    assert _city().report_date == datetime.date(2017, 12, 31)
    assert _city(standing.SIX_MONTH).report_date == datetime.date(2017, 6, 30)
    chosen = datetime.date(2018, 1, 15)
    assert _city(report_date=chosen).report_date == chosen


def test_report_date_defaults_to_today_for_the_period_under_way() -> None:
    today = timezone.localdate()
    period = standing.period(today.year)
    assert selectors.default_report_date(period) == today


def test_a_report_cannot_be_dated_before_its_period(history: History) -> None:
    with pytest.raises(ValidationError, match="không được trước ngày bắt đầu kỳ báo cáo"):
        _city(report_date=datetime.date(2016, 12, 31))


# --- scope and cost ---------------------------------------------------------------------------


def test_officer_never_counts_another_ward(
    history: History, tienloi_officer: User, duc_thang: Ward
) -> None:
    data = selectors.report_data(scope=scope_for(tienloi_officer), year=2017)
    assert [w.code for w in data.wards] == ["tien-loi"]
    # One unit: its row is the table.
    assert [r.level for r in data.results.rows] == ["unit"]
    assert data.results.total.value("poor") == 1  # G only
    assert data.in_review.total.value("count") == 0
    with pytest.raises(Ward.DoesNotExist):
        selectors.report_data(scope=scope_for(tienloi_officer), year=2017, ward=duc_thang)


def test_a_ward_report_equals_its_row_in_the_city_report(
    history: History, ducthang_officer: User, duc_thang: Ward
) -> None:
    ward = selectors.report_data(scope=scope_for(ducthang_officer), year=2017)
    city = _city()
    assert ward.results.total.values == city.results.row(duc_thang).values
    assert ward.poor_movements.total.values == city.poor_movements.row(duc_thang).values


def test_query_count_does_not_grow_with_households(
    history: History, ducthang_officer: User, city_reviewer: User, django_assert_num_queries: Any
) -> None:
    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            make_assessment_in_state(
                household(f"Q{i:03}", "duc-thang", 2),
                "recognised",
                officer=ducthang_officer,
                reviewer=city_reviewer,
                review_round=make_round(2017),
                income_per_capita=POOR_URBAN,
            )

    add(2, 0)
    with django_assert_num_queries(NUM_QUERIES):
        _city()
    add(6, 2)  # an N+1 would cost 6 more
    with django_assert_num_queries(NUM_QUERIES):
        data = _city()
    assert data.poor_movements.total.value("newly_poor") == 9  # E and the 8 added


# wards, periodic round, targets, start and end standings, persons, movements, in review,
# causes and needs (their codes, then the counts), supports (the counts by programme; then the
# programmes' names, none asked here as no benefit is dated in the year: grouping by the name
# sorted every benefit), 11 for the coverage worklists (each of the four household worklists read
# once, its rows giving both its gap count and the households not covered: one more query than
# counting them twice, but no list run twice; each of the two credit lists reads the credit
# need's and programmes' ids first, `worklists._credit_ids`: joined by code, PostgreSQL misjudged
# them).
NUM_QUERIES = 24
