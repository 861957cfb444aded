"""The household list sorted by status in a round (issue 11): pages near either end are walked
run by run through the indexes on PostgreSQL (`pagination.StatusWalk`); every page must show
the households a plain full sort of `selectors.household_list` shows, in the same order."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households import pagination, selectors, services
from households.models import Household, PovertyStatus, User, Ward
from households.selectors import NOT_ASSESSED, HouseholdFilters
from programs.scope import scope_for
from tests.factories import make_assessment, make_household, make_member, make_round, make_user

pytestmark = pytest.mark.django_db

URL = reverse("households:list")
PER_PAGE = 3
DEPRIVED = ("housing_quality", "housing_area", "water_source", "sanitation")

# (income, deprivations) giving each result in both a ward (urban lines) and a commune (rural).
RESULTS: dict[str, tuple[int | None, tuple[str, ...]]] = {
    "N1": (500_000, ()),
    "N2": (950_000, DEPRIVED),
    "near": (950_000, ()),
    "average": (1_400_000, ()),
    "notpoor": (3_000_000, ()),
    "none": (None, ()),
}
# Codes out of creation order, so that code order is not id order; a repeated code in another
# ward ties on code and is told apart by ward and id.
LAYOUT = [
    ("duc-thang", "DT-09", "N2"),
    ("duc-thang", "DT-03", "none"),
    ("duc-thang", "DT-07", "N1"),
    ("duc-thang", "DT-01", "near"),
    ("duc-thang", "DT-05", "N1"),
    ("duc-thang", "DT-11", "average"),
    ("duc-thang", "DT-02", "notpoor"),
    ("duc-thang", "DT-08", "none"),
    ("duc-thang", "DT-04", "N2"),
    ("duc-thang", "DT-10", "near"),
    ("duc-thang", "dt-06", "N1"),
    ("tien-loi", "TL-05", "N1"),
    ("tien-loi", "TL-02", "none"),
    ("tien-loi", "TL-04", "near"),
    ("tien-loi", "TL-01", "N2"),
    ("tien-loi", "TL-03", "average"),
    ("tien-loi", "DT-07", "N1"),
    ("tien-loi", "TL-06", "N1"),
    ("tien-loi", "TL-07", "notpoor"),
    ("tien-loi", "TL-08", "none"),
    ("duc-long", "DL-02", "near"),
    ("duc-long", "DL-01", "N1"),
    ("duc-long", "DL-03", "none"),
    ("duc-long", "DL-04", "N2"),
    ("duc-long", "DT-05", "average"),
]


@pytest.fixture(scope="module")
def _mixed(module_db: None, django_db_blocker: Any) -> None:
    """25 households of three wards in every status run of the 2017 round (and a few not
    assessed in it: one only in 2016), an archived one; Đức Long shares Tiến Lợi's place in
    the ward order, so their households interleave by code. Written once for the module
    (`module_db`): each test runs in a savepoint rolled back to them."""
    with django_db_blocker.unblock():
        Ward.objects.filter(code="duc-long").update(
            display_order=Ward.objects.get(code="tien-loi").display_order
        )
        current = make_round(2017)
        earlier = make_round(2016)
        created = {}
        for ward_code, code, result in LAYOUT:
            household = make_household(ward_code, code=code, head_name=f"Hộ {code}")
            make_member(household, full_name=f"Hộ {code}")
            income, deprivations = RESULTS[result]
            if income is not None:
                make_assessment(
                    household,
                    income_per_capita=income,
                    deprivations=deprivations,
                    review_round=current,
                )
            created[f"{ward_code}/{code}"] = household
        make_assessment(created["duc-thang/DT-03"], income_per_capita=500_000, review_round=earlier)
        archived = make_household("duc-thang", code="DT-12", head_name="Hộ đã lưu trữ")
        make_member(archived, full_name="Hộ đã lưu trữ")
        make_assessment(archived, income_per_capita=500_000, review_round=current)
        archivist = make_user("archivist", role=User.Role.ADMIN, is_superuser=True, is_staff=True)
        services.household_archive(household=archived, by=archivist, reason="Chuyển đi")


@pytest.fixture
def mixed(_mixed: None, db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The module's households, PER_PAGE to a page."""
    monkeypatch.setattr(selectors, "HOUSEHOLDS_PER_PAGE", PER_PAGE)


def full_sort(user: User, filters: HouseholdFilters, sort: str) -> list[int]:
    """The list in order, as one plain ORDER BY of every household gives it."""
    households = selectors.household_list(
        user=user, scope=scope_for(user), filters=filters, sort=sort
    )
    return list(households.prefetch_related(None).values_list("pk", flat=True))


def paged(user: User, filters: HouseholdFilters, sort: str, number: int) -> list[int]:
    page = pagination.household_list_page(
        user=user, scope=scope_for(user), filters=filters, sort=sort, number=number
    )
    return [household.pk for household in page.object_list]


def walked(queries: CaptureQueriesContext) -> bool:
    return any("LATERAL" in query["sql"] for query in queries.captured_queries)


@pytest.mark.usefixtures("mixed")
def test_the_fixture_has_every_run() -> None:
    statuses = {
        (a.status, a.poor_group) for h in Household.objects.all() for a in h.assessments.all()
    }
    assert statuses >= {
        (PovertyStatus.POOR, "N1"),
        (PovertyStatus.POOR, "N2"),
        (PovertyStatus.NEAR_POOR, ""),
        (PovertyStatus.AVERAGE_LIVING, ""),
        (PovertyStatus.NOT_POOR, ""),
    }


@pytest.mark.usefixtures("mixed")
@pytest.mark.parametrize("sort", ["status", "-status"])
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"ward": "duc-thang"},
        {"ward": "tien-loi"},
        {"status": PovertyStatus.POOR},
        {"status": PovertyStatus.POOR, "group": "N1"},
        {"status": NOT_ASSESSED},
        {"group": "N2"},
        {"quarter": True},
    ],
    ids=["all", "ward", "commune", "poor", "poor-N1", "not-assessed", "N2", "quarter"],
)
def test_every_page_is_the_full_sort_s(
    city_reviewer: User, sort: str, filters: dict[str, Any]
) -> None:
    filters = dict(filters)
    review_round = make_round(2017).pk
    ward = Ward.objects.get(code=filters.pop("ward")).pk if "ward" in filters else None
    quarter = None
    if filters.pop("quarter", False):
        quarter = Ward.objects.get(code="duc-thang").quarters.order_by("display_order")[0].pk
    chosen = HouseholdFilters(review_round=review_round, ward=ward, quarter=quarter, **filters)
    expected = full_sort(city_reviewer, chosen, sort)
    assert expected, "every filter here lists someone"
    pages = range(1, (len(expected) + PER_PAGE - 1) // PER_PAGE + 1)
    for number in pages:
        with CaptureQueriesContext(connection) as queries:
            shown = paged(city_reviewer, chosen, sort, number)
        assert shown == expected[(number - 1) * PER_PAGE : number * PER_PAGE], number
        assert walked(queries) == (connection.vendor == "postgresql")


@pytest.mark.usefixtures("mixed")
@pytest.mark.parametrize("sort", ["status", "-status"])
def test_a_round_nobody_was_assessed_in(city_reviewer: User, sort: str) -> None:
    chosen = HouseholdFilters(review_round=make_round(2018).pk)
    expected = full_sort(city_reviewer, chosen, sort)
    assert len(expected) == len(LAYOUT)
    for number in (1, 5, 9):
        shown = paged(city_reviewer, chosen, sort, number)
        assert shown == expected[(number - 1) * PER_PAGE : number * PER_PAGE], number


@pytest.mark.usefixtures("mixed")
@pytest.mark.parametrize("sort", ["status", "-status"])
def test_deep_pages_sort_as_before_and_agree(
    monkeypatch: pytest.MonkeyPatch, city_reviewer: User, sort: str
) -> None:
    # Pages more than 4 rows from both ends are read by the plain sort: the two agree.
    monkeypatch.setattr(pagination, "STATUS_WALK_ROWS", 4)
    chosen = HouseholdFilters(review_round=make_round(2017).pk)
    expected = full_sort(city_reviewer, chosen, sort)
    assert len(expected) == len(LAYOUT)
    for number, walks in ((1, True), (2, False), (5, False), (7, False), (8, True), (9, True)):
        with CaptureQueriesContext(connection) as queries:
            shown = paged(city_reviewer, chosen, sort, number)
        assert shown == expected[(number - 1) * PER_PAGE : number * PER_PAGE], number
        assert walked(queries) == (walks and connection.vendor == "postgresql")


@pytest.mark.usefixtures("mixed")
def test_the_walk_keeps_the_scope(ducthang_officer: User) -> None:
    chosen = HouseholdFilters(review_round=make_round(2017).pk)
    expected = full_sort(ducthang_officer, chosen, "status")
    ward = Ward.objects.get(code="duc-thang")
    # Đức Thắng's 11 households in the register; not Tiến Lợi's DT-07, not the archived DT-12.
    assert len(expected) == 11
    assert set(Household.objects.filter(pk__in=expected).values_list("ward", flat=True)) == {
        ward.pk
    }
    shown = [
        pk for number in range(1, 5) for pk in paged(ducthang_officer, chosen, "status", number)
    ]
    assert shown == expected


@pytest.mark.usefixtures("mixed")
@pytest.mark.parametrize("sort", ["status", "-status"])
def test_the_order_itself(city_reviewer: User, sort: str) -> None:
    """Poor N1, poor N2, near-poor, average, not poor, then those not assessed in the round
    (reversed by "-status"); within each, the wards in their order (Tiến Lợi and Đức Long tie),
    whichever way the status goes."""
    chosen = HouseholdFilters(review_round=make_round(2017).pk)
    ids = full_sort(city_reviewer, chosen, sort)
    found = Household.objects.select_related("ward").in_bulk(ids)
    by_pk = {household.pk: key for key, household in _created_keys().items()}
    runs = [
        (next(r for w, c, r in LAYOUT if f"{w}/{c}" == by_pk[pk]), found[pk].ward.display_order)
        for pk in ids
    ]
    results = ["N1", "N2", "near", "average", "notpoor", "none"]
    if sort.startswith("-"):
        results.reverse()
    expected = sorted(runs, key=lambda run: (results.index(run[0]), run[1]))
    assert runs == expected
    assert [result for result, _order in runs].count("none") == 5


def _created_keys() -> dict[str, Household]:
    return {
        f"{household.ward.code}/{household.code}": household
        for household in Household.objects.select_related("ward").filter(archived_at=None)
    }


@pytest.mark.usefixtures("mixed")
def test_the_view_shows_the_last_page_in_a_fixed_number_of_queries(
    client: Client,
    city_reviewer: User,
    django_assert_num_queries: Any,
) -> None:
    client.force_login(city_reviewer)
    chosen = HouseholdFilters(review_round=make_round(2017).pk)
    expected = full_sort(city_reviewer, chosen, "status")
    last = (len(expected) + PER_PAGE - 1) // PER_PAGE
    # Savepoint and release, session, user; the filters' wards, quarters and rounds; the
    # count, the page's ids (the walk), its rows, their assessments.
    with django_assert_num_queries(11):
        response = client.get(URL, {"sort": "status", "page": last})
    assert [h.pk for h in response.context["page"].object_list] == expected[(last - 1) * 3 :]

    for n in range(1, 21):
        household = make_household("tien-loi", code=f"TL-{20 + n:02d}", head_name=f"Hộ {n}")
        make_member(household, full_name=f"Hộ {n}")
        if n % 3:
            make_assessment(household, income_per_capita=500_000 + 50_000 * n)
    with django_assert_num_queries(11):
        response = client.get(URL, {"sort": "status", "page": 2})
    assert [h.pk for h in response.context["page"].object_list] == full_sort(
        city_reviewer, chosen, "status"
    )[PER_PAGE : 2 * PER_PAGE]
