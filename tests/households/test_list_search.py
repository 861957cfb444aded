"""The household list at scale (issue 11): the search's meaning in both of its query shapes,
and pages read by id, from either end, with a count that stops at a limit for common words.

Run on SQLite and on PostgreSQL (DATABASE_URL): PostgreSQL serves the same conditions from its
trigram indexes (households migration 0010), and must find exactly the same households.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from households import pagination, selectors
from households.models import Household, Member, User
from households.selectors import HouseholdFilters
from programs.scope import scope_for
from tests.factories import make_assessment, make_household, make_member

pytestmark = pytest.mark.django_db

URL = reverse("households:list")


def found(term: str) -> dict[str, list[str]]:
    """The codes each shape of the search finds, in code order."""
    return {
        shape: sorted(Household.objects.search(term, by_row=by_row).values_list("code", flat=True))
        for shape, by_row in (("indexed", False), ("by_row", True))
    }


def both(term: str) -> list[str]:
    shapes = found(term)
    assert shapes["indexed"] == shapes["by_row"], term
    return shapes["indexed"]


@pytest.fixture
def registry(db: None) -> dict[str, Household]:
    an = make_household(code="DT-0001", head_name="Nguyễn Văn An")
    make_member(an, full_name="Nguyễn Văn An")
    make_member(
        an,
        full_name="Trần Thị Bưởi",
        birth_year=1975,
        sex=Member.Sex.FEMALE,
        relation=Member.Relation.SPOUSE,
        national_id="261234567890",
    )
    anh = make_household(code="DT-0002", head_name="Nguyễn Văn Anh")
    make_member(anh, full_name="Nguyễn Văn Anh")
    bay = make_household(code="DT-0003", head_name="Trần Văn Bảy")
    make_member(bay, full_name="Trần Văn Bảy")
    # The words only in the members' names: two of them match, the household is one row.
    dang = make_household("tien-loi", code="TL-0001", head_name="Đặng Thị Hoa")
    make_member(dang, full_name="Đặng Thị Hoa", sex=Member.Sex.FEMALE)
    for n, name in enumerate(["Lê Đức Thắng", "Lê Đức Thành"]):
        make_member(dang, full_name=name, birth_year=2000 + n, relation=Member.Relation.CHILD)
    return {h.code: h for h in (an, anh, bay, dang)}


def test_every_word_must_begin_a_word_of_the_same_name(registry: dict[str, Household]) -> None:
    assert both("nguyen van an") == ["DT-0001", "DT-0002"]
    assert both("an nguyen") == ["DT-0001", "DT-0002"]
    assert both("van") == ["DT-0001", "DT-0002", "DT-0003"]
    # Inside a word is not the start of one; words from two different people do not add up.
    assert both("guyen") == []
    assert both("van buoi") == []
    assert both("nguyen bay") == []


def test_accents_and_d_are_folded_on_both_sides(registry: dict[str, Household]) -> None:
    assert both("Nguyễn Văn Ánh") == ["DT-0002"]
    assert both("NGUYEN VAN ANH") == ["DT-0002"]
    assert both("đặng") == ["TL-0001"]
    assert both("dang thi") == ["TL-0001"]
    assert both("  bưởi  ") == ["DT-0001"]


def test_member_names_find_their_household_once(registry: dict[str, Household]) -> None:
    assert both("le duc") == ["TL-0001"]
    assert both("tran thi buoi") == ["DT-0001"]
    # A search that matches two members of a household still lists it once, in both shapes.
    assert Household.objects.search("le duc th").count() == 1
    assert Household.objects.search("le duc th", by_row=True).count() == 1


def test_codes_in_any_case_and_id_numbers_as_typed(registry: dict[str, Household]) -> None:
    assert both("DT-0003") == ["DT-0003"]
    assert both("dt-0003") == ["DT-0003"]
    assert both("261234567890") == ["DT-0001"]
    assert both("26123456789") == []  # a whole number, not a part of one
    assert both("DT-000") == []


def test_a_blank_search_finds_everything(registry: dict[str, Household]) -> None:
    assert Household.objects.search("   ").count() == 4


def test_the_list_shows_a_member_match_once_and_counts_every_member(
    client: Client, city_reviewer: User, registry: dict[str, Household]
) -> None:
    client.force_login(city_reviewer)
    response = client.get(URL, {"q": "le duc"})
    rows = list(response.context["page"].object_list)
    assert [h.code for h in rows] == ["TL-0001"]
    assert rows[0].member_count == 3
    assert response.context["page"].paginator.count == 1


# --- Pages ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _forty(module_db: None, django_db_blocker: Any) -> None:
    """40 households over two wards: a third of them called Nguyễn Văn, a few without an
    assessment in the round. Written once for the module (`module_db`): the tests only read."""
    with django_db_blocker.unblock():
        for n in range(40):
            name = "Nguyễn Văn Số" if n % 3 == 0 else "Trần Thị Số"
            household = make_household(
                "duc-thang" if n % 2 else "tien-loi",
                code=f"HH-{(n * 7) % 40:04d}",  # codes not in the order of creation
                head_name=f"{name} {n}",
            )
            make_member(household, full_name=f"{name} {n}")
            for m in range(n % 3):
                make_member(
                    household,
                    full_name=f"Phạm Thị Con {m}",
                    birth_year=2000 + m,
                    relation=Member.Relation.CHILD,
                    sex=Member.Sex.FEMALE,
                )
            if n % 5:
                make_assessment(household, income_per_capita=400_000 + 37_000 * ((n * 11) % 40))


@pytest.fixture
def forty(_forty: None, db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 40 households, 4 to a page."""
    monkeypatch.setattr(selectors, "HOUSEHOLDS_PER_PAGE", 4)


def pages(user: User, sort: str, q: str = "") -> list[list[str]]:
    filters = HouseholdFilters(
        q=q,
        review_round=selectors.default_review_round(
            selectors.review_rounds_for_list(scope_for(user))
        ).pk,
    )
    first = pagination.household_list_page(
        user=user, scope=scope_for(user), filters=filters, sort=sort, number=1
    )
    return [
        [
            h.code
            for h in pagination.household_list_page(
                user=user, scope=scope_for(user), filters=filters, sort=sort, number=number
            ).object_list
        ]
        for number in first.paginator.page_range
    ]


@pytest.mark.parametrize("sort", [s for key in selectors.SORT_KEYS for s in (key, f"-{key}")])
def test_pages_read_from_either_end_are_the_order_of_the_list(
    forty: None, city_reviewer: User, sort: str
) -> None:
    filters = HouseholdFilters(
        review_round=selectors.default_review_round(
            selectors.review_rounds_for_list(scope_for(city_reviewer))
        ).pk
    )
    expected = list(
        selectors.household_list(
            user=city_reviewer, scope=scope_for(city_reviewer), filters=filters, sort=sort
        ).values_list("code", flat=True)
    )
    read = pages(city_reviewer, sort)
    assert len(read) == 10
    assert [code for page in read for code in page] == expected


def test_a_page_out_of_range_is_the_last_one(forty: None, city_reviewer: User) -> None:
    filters = HouseholdFilters()
    page = pagination.household_list_page(
        user=city_reviewer, scope=scope_for(city_reviewer), filters=filters, sort="code", number=99
    )
    assert page.number == 10
    assert [h.code for h in page.object_list] == ["HH-0036", "HH-0037", "HH-0038", "HH-0039"]


def test_a_common_search_is_counted_up_to_the_limit(
    forty: None,
    city_reviewer: User,
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pagination, "SEARCH_SCAN", 20)
    monkeypatch.setattr(pagination, "SEARCH_SAMPLE", 10)
    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 5)
    read = pages(city_reviewer, "code", q="nguyen van")
    # 14 match; the count stops at 5, and those 5 are the first matches in the list's order.
    assert [code for page in read for code in page] == [
        "HH-0000",
        "HH-0002",
        "HH-0004",
        "HH-0006",
        "HH-0008",
    ]
    client.force_login(city_reviewer)
    response = client.get(URL, {"q": "nguyen van"})
    assert response.context["page"].paginator.truncated
    assert "Có hơn 5 hộ phù hợp" in response.content.decode()


@pytest.mark.parametrize("sort", ["code", "-members", "status"])
def test_a_search_is_counted_exactly_below_the_limit_whichever_way_it_looks(
    forty: None,
    city_reviewer: User,
    monkeypatch: pytest.MonkeyPatch,
    sort: str,
) -> None:
    filters = HouseholdFilters(
        q="nguyen van",
        review_round=selectors.default_review_round(
            selectors.review_rounds_for_list(scope_for(city_reviewer))
        ).pk,
    )
    expected = list(
        selectors.household_list(
            user=city_reviewer, scope=scope_for(city_reviewer), filters=filters, sort=sort
        ).values_list("code", flat=True)
    )
    assert len(expected) == 14
    # Few households: each looked at. Many, rare words: the indexes. Many, words that look
    # common in the sample but match no more than the limit: the indexes too.
    for scan, sample, limit in ((1000, 10, 1000), (20, 10, 1000), (20, 10, 7)):
        monkeypatch.setattr(pagination, "SEARCH_SCAN", scan)
        monkeypatch.setattr(pagination, "SEARCH_SAMPLE", sample)
        monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", limit)
        read = pages(city_reviewer, sort, q="nguyen van")
        assert [code for page in read for code in page] == expected


# --- Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{"sort": "status", "page": "999"}, {"sort": "-members"}])
def test_a_page_costs_the_same_queries_for_3_or_20_households(
    client: Client,
    city_reviewer: User,
    django_assert_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
    params: dict[str, str],
) -> None:
    def add(first: int, last: int) -> None:
        for n in range(first, last + 1):
            household = make_household(
                "duc-thang" if n % 2 else "tien-loi", code=f"HH-{n:04d}", head_name=f"Hộ {n}"
            )
            make_member(household, full_name=f"Chủ Hộ {n}")
            make_assessment(household, income_per_capita=500_000 + 1_000 * n)

    # 10 to a page: 3 rows on the page, then 10 (an N+1 would cost 7 more queries).
    monkeypatch.setattr(selectors, "HOUSEHOLDS_PER_PAGE", 10)
    client.force_login(city_reviewer)
    add(1, 3)
    # Savepoint and release, session, user; the filters' wards, quarters and rounds; the
    # count, the page's ids, its rows, their assessments.
    with django_assert_num_queries(11):
        response = client.get(URL, params)
    assert len(response.context["page"].object_list) == 3
    add(4, 20)
    with django_assert_num_queries(11):
        response = client.get(URL, params)
    assert response.context["page"].paginator.count == 20
    assert len(response.context["page"].object_list) == 10
