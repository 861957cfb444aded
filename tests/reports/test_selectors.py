"""The report's figures (reports.selectors) against a small hand-built data set.

Đức Thắng (urban lines: poor ≤ 900.000 đ, near-poor ≤ 1.300.000 đ), periodic rounds 2016 and
2017, 100 households in the ward both years, 2 households planned to escape in 2017:

    household  2016        2017
    A          poor        average (escaped)
    B          poor        poor N1, expected to escape, got a benefit in 2017
    C          near-poor   poor N1 (fell back: near-poor → poor)
    D          average     poor N2: 1.200.000 đ and 3 housing/water deprivations (relapsed)
    E          —           poor N1, asks for credit, no loan (newly poor)
    F          —           near-poor, its only member has no health-insurance card

Tiến Lợi has one poor household G in 2017: never counted for the Đức Thắng officer.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from households.models import Household, SupportNeed, User, Ward
from programs.models import Agency, Benefit, Programme, WardTarget
from reports import selectors
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db

POOR = 800_000
NEAR_POOR = 1_200_000
AVERAGE = 1_500_000
N2_DEPRIVATIONS = ("housing_quality", "housing_area", "water_source")


def _household(code: str, ward: str = "duc-thang", **member: Any) -> Household:
    household = make_household(ward, code=code, head_name=f"Chủ hộ {code}")
    make_member(household, full_name=f"Chủ hộ {code}", **member)
    return household


@pytest.fixture
def data_set(duc_thang: Ward, tien_loi: Ward) -> dict[str, Household]:
    r2016, r2017 = make_round(2016), make_round(2017)
    h = {code: _household(code) for code in "ABCDE"}
    h["F"] = _household("F", health_insurance_number="")
    h["G"] = _household("G", ward="tien-loi")
    make_assessment(h["A"], review_round=r2016, income_per_capita=POOR)
    make_assessment(h["B"], review_round=r2016, income_per_capita=POOR)
    make_assessment(h["C"], review_round=r2016, income_per_capita=NEAR_POOR)
    make_assessment(h["D"], review_round=r2016, income_per_capita=AVERAGE)
    make_assessment(h["A"], review_round=r2017, income_per_capita=AVERAGE)
    make_assessment(h["B"], review_round=r2017, income_per_capita=POOR, expected_to_escape=True)
    make_assessment(h["C"], review_round=r2017, income_per_capita=POOR)
    make_assessment(
        h["D"], review_round=r2017, income_per_capita=NEAR_POOR, deprivations=N2_DEPRIVATIONS
    )
    make_assessment(
        h["E"],
        review_round=r2017,
        income_per_capita=POOR,
        needs=[SupportNeed.objects.get(code="credit")],
    )
    make_assessment(h["F"], review_round=r2017, income_per_capita=NEAR_POOR)
    make_assessment(h["G"], review_round=r2017, income_per_capita=600_000)
    for year in (2016, 2017):
        WardTarget.objects.create(
            ward=duc_thang, year=year, households_to_escape=2, total_households=100
        )
    agency = Agency.objects.create(code="ld", name="Phòng LĐ-TB&XH", kind=Agency.Kind.DEPARTMENT)
    food = Programme.objects.create(
        code="qua-tet",
        name="Quà Tết",
        agency=agency,
        level=Programme.Level.HOUSEHOLD,
        eligible_statuses=["poor"],
        unit=Programme.Unit.ITEM,
    )
    Benefit.objects.create(
        programme=food, household=h["B"], date=datetime.date(2017, 2, 1), quantity=1
    )
    return h


def test_poor_rate_start_end_and_reduction(data_set: Any, ducthang_officer: User) -> None:
    data = selectors.report_data(user=ducthang_officer, year=2017)
    start = data.indicator(selectors.POOR_RATE_START)
    # 2016: A and B poor, of 100 households: 2 / 100 = 2,00 %.
    assert (start.numerator, start.denominator, start.actual) == (2, 100, Decimal("2.00"))
    end = data.indicator(selectors.POOR_RATE_END)
    # 2017: B, C, D, E poor: 4 / 100 = 4,00 % (G is in Tiến Lợi).
    assert (end.numerator, end.denominator, end.actual) == (4, 100, Decimal("4.00"))
    reduction = data.indicator(selectors.POOR_RATE_REDUCTION)
    # 2,00 - 4,00 = -2,00 points: the rate rose, the 0,2-point target is not met.
    assert reduction.actual == Decimal("-2.00")
    assert reduction.target == Decimal("0.20")
    assert reduction.met is False


def test_start_rate_falls_back_to_the_years_total_and_says_so(
    data_set: Any, ducthang_officer: User
) -> None:
    WardTarget.objects.filter(year=2016).delete()
    start = selectors.report_data(user=ducthang_officer, year=2017).indicator(
        selectors.POOR_RATE_START
    )
    # No 2016 total: the 2017 one (100) is used, and the note names the ward.
    assert start.denominator == 100
    assert "Đức Thắng" in start.note


def test_coverage_indicators(data_set: Any, ducthang_officer: User) -> None:
    data = selectors.report_data(user=ducthang_officer, year=2017)
    policies = data.indicator(selectors.POLICIES)
    # Poor and near-poor: B, C, D, E, F = 5; only B got support and has no gap: 1 / 5 = 20 %.
    assert (policies.numerator, policies.denominator, policies.actual) == (1, 5, Decimal("20.00"))
    assert policies.met is False
    cards = data.indicator(selectors.HEALTH_INSURANCE)
    # One member each in B..F = 5 members; F's has no card: 4 / 5 = 80 %.
    assert (cards.numerator, cards.denominator, cards.actual) == (4, 5, Decimal("80.00"))
    school = data.indicator(selectors.SCHOOL_SUPPORT)
    # Nobody attends school: no base, no rate, no verdict.
    assert (school.denominator, school.actual, school.met) == (0, None, None)
    credit = data.indicator(selectors.CREDIT)
    # E asks for credit and got no loan: 0 / 1.
    assert (credit.numerator, credit.denominator, credit.actual) == (0, 1, Decimal("0.00"))
    trained = data.indicator(selectors.OFFICERS_TRAINED)
    # The one Đức Thắng officer (Tiến Lợi's is not counted) attended no training: 0 / 1.
    assert (trained.numerator, trained.denominator) == (0, 1)


def test_escape_indicators(data_set: Any, ducthang_officer: User) -> None:
    data = selectors.report_data(user=ducthang_officer, year=2017)
    planned = data.indicator(selectors.ESCAPE_PLANNED)
    # B is expected to escape; the ward planned 2: 1 < 2, not met.
    assert (planned.numerator, planned.target, planned.met) == (1, Decimal(2), False)
    escaped = data.indicator(selectors.ESCAPED)
    # No 2018 round yet: not known.
    assert (escaped.actual, escaped.met) == (None, None)
    assert "2018" in escaped.note


def test_escaped_counts_once_the_next_round_exists(data_set: Any, ducthang_officer: User) -> None:
    r2018 = make_round(2018)
    make_assessment(data_set["B"], review_round=r2018, income_per_capita=AVERAGE)
    make_assessment(data_set["C"], review_round=r2018, income_per_capita=AVERAGE)
    escaped = selectors.report_data(user=ducthang_officer, year=2017).indicator(selectors.ESCAPED)
    # B and C were poor in 2017 and are average in 2018: 2, the planned 2: met.
    assert (escaped.numerator, escaped.met) == (2, True)


def test_status_table(data_set: Any, city_reviewer: User, duc_thang: Ward) -> None:
    data = selectors.report_data(user=city_reviewer, year=2017)
    row = next(r for r in data.status_by_ward if r.ward == duc_thang)
    # A..F surveyed; poor B, C, E (N1) and D (N2); near-poor F.
    assert row.assessed.value == 6
    assert (row.poor.value, row.poor_n1.value, row.poor_n2.value) == (4, 3, 1)
    assert row.near_poor.value == 1
    assert row.poor_rate == Decimal("4.00")
    # The city's total adds Tiến Lợi's G: 5 poor.
    assert data.status_total is not None
    assert data.status_total.poor.value == 5


def test_deprivations_and_movements(data_set: Any, ducthang_officer: User) -> None:
    data = selectors.report_data(user=ducthang_officer, year=2017)
    assert data.group_sizes == {"N1": 3, "N2": 1, "near_poor": 1}
    housing = next(r for r in data.deprivations if r.indicator == "housing_quality")
    # D (the one N2 household) is deprived in housing quality: 1 of 1 = 100 %.
    assert housing.by_group["N2"].value == 1
    assert housing.by_group["N2"].percent == Decimal("100.00")
    assert housing.by_group["N1"].value == 0
    dimension = next(r for r in data.dimensions if r.dimension == "housing")
    # Two housing indicators, one household: counted once.
    assert dimension.by_group["N2"].value == 1
    moved = {m.key: m.count.value for m in data.movements}
    assert moved == {
        "escaped": 1,  # A
        "poor_to_near_poor": 0,
        "newly_poor": 1,  # E
        "near_poor_to_poor": 1,  # C
        "relapsed": 1,  # D
        "newly_near_poor": 1,  # F
        "near_poor_out": 0,
    }
    credit = next(r for r in data.needs if r.code == "credit")
    assert (credit.poor.value, credit.near_poor.value) == (1, 0)


def test_officer_never_counts_another_ward(
    data_set: Any, tienloi_officer: User, duc_thang: Ward
) -> None:
    data = selectors.report_data(user=tienloi_officer, year=2017)
    assert [w.code for w in data.wards] == ["tien-loi"]
    assert data.status_total is not None
    assert data.status_total.poor.value == 1  # G only
    with pytest.raises(Ward.DoesNotExist):
        selectors.report_data(user=tienloi_officer, year=2017, ward=duc_thang)


@pytest.mark.parametrize(
    "figure",
    [
        lambda d: d.indicator(selectors.POOR_RATE_END).url,
        lambda d: d.indicator(selectors.ESCAPE_PLANNED).url,
        lambda d: (
            next(r for r in d.deprivations if r.indicator == "housing_quality").by_group["N2"].url
        ),
        lambda d: next(r for r in d.dimensions if r.dimension == "housing").by_group["N2"].url,
        lambda d: next(m for m in d.movements if m.key == "near_poor_to_poor").count.url,
        lambda d: next(m for m in d.movements if m.key == "newly_poor").count.url,
        lambda d: next(r for r in d.needs if r.code == "credit").poor.url,
        lambda d: d.status_by_ward[0].poor_n1.url,
    ],
)
def test_each_figure_links_to_a_list_of_that_many(
    data_set: Any, ducthang_officer: User, client: Any, figure: Any
) -> None:
    data = selectors.report_data(user=ducthang_officer, year=2017)
    client.force_login(ducthang_officer)
    url = figure(data)
    response = client.get(url)
    assert response.status_code == 200
    listed = response.context["page"].paginator.count
    assert listed > 0
    value = _value_at(data, url)
    assert listed == value


def _value_at(data: selectors.ReportData, url: str) -> int:
    for indicator in data.indicators:
        if indicator.url == url and indicator.numerator is not None:
            return indicator.numerator
    for row in [*data.deprivations, *data.dimensions]:
        for count in row.by_group.values():
            if count.url == url:
                return count.value
    for movement in data.movements:
        if movement.count.url == url:
            return movement.count.value
    for code_row in [*data.causes, *data.needs]:
        for count in (code_row.poor, code_row.near_poor):
            if count.url == url:
                return count.value
    for status_row in data.status_by_ward:
        for key, _label in data.status_columns:
            if getattr(status_row, key).url == url:
                return getattr(status_row, key).value
    raise AssertionError(url)


def test_query_count_does_not_grow_with_households(
    duc_thang: Ward, city_reviewer: User, django_assert_num_queries: Any
) -> None:
    review_round = make_round(2017)
    make_round(2016)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            make_assessment(
                _household(f"Q{i:03}"), review_round=review_round, income_per_capita=POOR
            )

    add(5, 0)
    with django_assert_num_queries(NUM_QUERIES):
        selectors.report_data(user=city_reviewer, year=2017)
    add(35, 5)
    with django_assert_num_queries(NUM_QUERIES):
        data = selectors.report_data(user=city_reviewer, year=2017)
    assert data.status_total is not None
    assert data.status_total.poor.value == 40


# wards, rounds, targets, status counts, 8 coverage, deprivations, movements, causes, needs
NUM_QUERIES = 16
