"""The household list `/households/` (issue 3 §3): search, filters, sorting, pages, scoping."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from households import selectors, services
from households.models import (
    Assessment,
    Household,
    Member,
    Quarter,
    ReviewRound,
    ReviewState,
    User,
    Ward,
)
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db

URL = reverse("households:list")


def text(response: Any) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def codes(response: Any) -> list[str]:
    return [household.code for household in response.context["page"].object_list]


def surveyed(
    ward_code: str = "duc-thang",
    *,
    code: str,
    head_name: str = "Nguyễn Văn An",
    income: int | None = 800_000,
    deprivations: Iterable[str] = (),
    members: int = 1,
    quarter: Quarter | None = None,
    review_round: ReviewRound | None = None,
    household: dict[str, Any] | None = None,
    **assessment: Any,
) -> Household:
    """A household with `members` members (the head first) and, unless `income` is None,
    an assessment in `review_round` (default: the 2017 periodic round)."""
    created = make_household(
        ward_code, code=code, head_name=head_name, quarter=quarter, **(household or {})
    )
    make_member(created, full_name=head_name)
    for n in range(members - 1):
        make_member(
            created,
            full_name=f"Phạm Thị Con {n}",
            birth_year=2000 + n,
            relation=Member.Relation.CHILD,
            sex=Member.Sex.FEMALE,
        )
    if income is not None:
        make_assessment(
            created,
            income_per_capita=income,
            deprivations=deprivations,
            review_round=review_round,
            **assessment,
        )
    return created


@pytest.fixture
def listed(client: Client, ducthang_officer: User) -> Callable[..., Any]:
    """GET the list as the Đức Thắng officer with these parameters."""
    client.force_login(ducthang_officer)

    def get(**params: Any) -> Any:
        response = client.get(URL, params)
        assert response.status_code == 200
        return response

    return get


# --- Access -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


def test_the_list_only_reads(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)
    assert client.post(URL).status_code == 405


def test_an_officer_sees_their_households_with_this_rounds_result(
    listed: Callable[..., Any],
) -> None:
    household = surveyed(code="DT-0001", head_name="Nguyễn Văn An", income=800_000, members=3)
    response = listed()
    page = text(response)
    assert codes(response) == ["DT-0001"]
    assert "1 hộ" in page
    assert "Nguyễn Văn An" in page
    assert "Hộ nghèo – N1" in page  # the status badge with the group
    assert "Bản nháp" in page  # the review-state badge
    assert "800.000 đ" in page
    assert response.context["page"].object_list[0].member_count == 3
    assert f'href="{reverse("households:detail", args=[household.pk])}"' in response.text
    assert f'href="{reverse("households:create")}"' in response.text
    # One ward: neither a ward column nor a ward filter.
    assert not response.context["show_ward"]
    assert 'name="ward"' not in response.text
    assert response.context["nav"] == "households"


def test_an_officer_never_sees_another_wards_households(
    listed: Callable[..., Any], tien_loi: Ward
) -> None:
    surveyed(code="DT-0001")
    surveyed("tien-loi", code="TL-0001", head_name="Lê Văn Bốn")
    assert codes(listed()) == ["DT-0001"]
    assert codes(listed(q="TL-0001")) == []

    response = listed(ward=tien_loi.pk)
    assert codes(response) == ["DT-0001"]  # the ward filter is ignored, the scope is not
    assert "ward" in response.context["form"].errors
    page = text(response)
    assert "Một số điều kiện lọc không hợp lệ nên đã được bỏ qua." in page
    assert "không thuộc phạm vi bạn được xem" in page
    assert "Lê Văn Bốn" not in page


def test_the_city_reviewer_sees_every_ward_and_can_filter_by_ward(
    client: Client, city_reviewer: User, tien_loi: Ward
) -> None:
    surveyed(code="DT-0001")
    surveyed("tien-loi", code="TL-0001", head_name="Lê Văn Bốn")
    client.force_login(city_reviewer)

    response = client.get(URL)
    assert sorted(codes(response)) == ["DT-0001", "TL-0001"]
    assert response.context["show_ward"]
    assert 'name="ward"' in response.text
    assert "Tiến Lợi" in text(response)
    # The city reviews; it does not enter households.
    assert f'href="{reverse("households:create")}"' not in response.text

    assert codes(client.get(URL, {"ward": tien_loi.pk})) == ["TL-0001"]


@pytest.mark.parametrize("persona", ["agency_user", "committee_member"])
def test_users_without_a_scope_get_an_empty_list_not_an_error(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    surveyed(code="DT-0001")
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    assert codes(response) == []
    page = text(response)
    assert "Không có hộ gia đình nào trong phạm vi bạn được xem." in page
    assert f'href="{reverse("households:create")}"' not in response.text


# --- Search -----------------------------------------------------------------------------------


def test_search_ignores_accents_in_head_names(listed: Callable[..., Any]) -> None:
    surveyed(code="DT-0001", head_name="Nguyễn Văn An")
    surveyed(code="DT-0002", head_name="Trần Thị Bình")
    surveyed(code="DT-0003", head_name="Nguyễn Thị Lan")
    assert codes(listed(q="nguyen van")) == ["DT-0001"]
    assert codes(listed(q="NGUYEN")) == ["DT-0001", "DT-0003"]
    assert codes(listed(q="binh")) == ["DT-0002"]


def test_search_finds_a_member_and_still_counts_every_member(listed: Callable[..., Any]) -> None:
    household = surveyed(code="DT-0001", head_name="Trần Văn Bảy", members=3)
    make_member(
        household,
        full_name="Lê Thị Hoa",
        birth_year=1975,
        relation=Member.Relation.SPOUSE,
        sex=Member.Sex.FEMALE,
    )
    surveyed(code="DT-0002", head_name="Nguyễn Văn An")
    response = listed(q="le thi hoa")
    assert codes(response) == ["DT-0001"]
    # The search matched one member; the column still counts the whole household.
    assert response.context["page"].object_list[0].member_count == 4


def test_search_by_national_id_and_by_code(listed: Callable[..., Any]) -> None:
    household = surveyed(code="DT-0001", head_name="Trần Văn Bảy")
    make_member(
        household,
        full_name="Trần Thị Út",
        birth_year=1999,
        relation=Member.Relation.CHILD,
        sex=Member.Sex.FEMALE,
        national_id="261234567890",
    )
    surveyed(code="DT-0002", head_name="Nguyễn Văn An")
    assert codes(listed(q="261234567890")) == ["DT-0001"]
    assert codes(listed(q="dt-0002")) == ["DT-0002"]
    assert codes(listed(q=" DT-0002 ")) == ["DT-0002"]
    assert codes(listed(q="26123")) == []  # an ID number matches whole, not a prefix


def test_a_search_without_results_says_so(listed: Callable[..., Any]) -> None:
    surveyed(code="DT-0001")
    response = listed(q="không có ai")
    assert codes(response) == []
    page = text(response)
    assert "Không có hộ nào phù hợp với từ khóa tìm kiếm và điều kiện lọc đã chọn." in page
    assert "<table" not in response.text


def test_a_ward_without_households_invites_the_officer_to_enter_one(
    listed: Callable[..., Any],
) -> None:
    response = listed()
    assert "Chưa có hộ gia đình nào được nhập." in text(response)
    assert f'href="{reverse("households:create")}"' in response.text


# --- Filters ----------------------------------------------------------------------------------


def test_filter_by_quarter(listed: Callable[..., Any], duc_thang: Ward) -> None:
    first, second = duc_thang.quarters.order_by("display_order")[:2]
    surveyed(code="DT-0001", quarter=first)
    surveyed(code="DT-0002", quarter=second)
    assert codes(listed(quarter=second.pk)) == ["DT-0002"]


def test_a_quarter_outside_the_chosen_ward_is_ignored_with_a_message(
    client: Client, city_reviewer: User, duc_thang: Ward, tien_loi: Ward
) -> None:
    surveyed(code="DT-0001")
    surveyed("tien-loi", code="TL-0001", head_name="Lê Văn Bốn")
    client.force_login(city_reviewer)
    hamlet = tien_loi.quarters.first()
    assert hamlet is not None
    response = client.get(URL, {"ward": duc_thang.pk, "quarter": hamlet.pk})
    assert codes(response) == ["DT-0001"]
    assert response.context["form"].errors["quarter"] == [
        "Khu phố/thôn này không thuộc phường/xã đã chọn; bộ lọc này đã được bỏ qua."
    ]


def test_an_officer_cannot_filter_by_another_wards_quarter(
    listed: Callable[..., Any], tien_loi: Ward
) -> None:
    surveyed(code="DT-0001")
    hamlet = tien_loi.quarters.first()
    assert hamlet is not None
    response = listed(quarter=hamlet.pk)
    assert codes(response) == ["DT-0001"]
    assert "quarter" in response.context["form"].errors


def test_filter_by_status_and_group_in_the_chosen_round(listed: Callable[..., Any]) -> None:
    surveyed(code="DT-0001", income=800_000)  # poor, N1
    surveyed(
        code="DT-0002", income=1_100_000, deprivations=["sanitation", "telecom", "water_source"]
    )  # poor, N2
    surveyed(code="DT-0003", income=1_100_000)  # near-poor
    surveyed(code="DT-0004", income=1_500_000)  # average living standard
    surveyed(code="DT-0005", income=2_500_000)  # not poor
    surveyed(code="DT-0006", income=None)  # not assessed
    assert codes(listed(status="poor")) == ["DT-0001", "DT-0002"]
    assert codes(listed(status="poor", group="N2")) == ["DT-0002"]
    assert codes(listed(group="N1")) == ["DT-0001"]
    assert codes(listed(status="near_poor")) == ["DT-0003"]
    assert codes(listed(status="average_living")) == ["DT-0004"]
    assert codes(listed(status="not_poor")) == ["DT-0005"]
    assert codes(listed(status="none")) == ["DT-0006"]
    assert "Chưa rà soát trong kỳ này" in text(listed(status="none"))


def test_filter_by_merit_and_social_protection(listed: Callable[..., Any]) -> None:
    surveyed(code="DT-0001", household={"is_merit_family": True})
    surveyed(code="DT-0002", household={"is_social_protection": True})
    surveyed(code="DT-0003", household={"is_merit_family": True, "is_social_protection": True})
    surveyed(code="DT-0004")
    assert codes(listed(merit=1)) == ["DT-0001", "DT-0003"]
    assert codes(listed(social=1)) == ["DT-0002", "DT-0003"]
    assert codes(listed(merit=1, social=1)) == ["DT-0003"]
    assert codes(listed(merit=0, social="false")) == ["DT-0001", "DT-0002", "DT-0003", "DT-0004"]
    # The ticked box sends `merit=1` again, so the link stays as the officer bookmarked it.
    checkbox = re.search(r'<input type="checkbox" name="merit"[^>]*>', listed(merit=1).text)
    assert checkbox is not None
    assert 'value="1"' in checkbox.group()
    assert "checked" in checkbox.group()


def test_filter_by_household_type_and_expected_escape(listed: Callable[..., Any]) -> None:
    surveyed(code="DT-0001", household_type=Assessment.HouseholdType.LACKS_MEANS)
    surveyed(
        code="DT-0002",
        household_type=Assessment.HouseholdType.SOCIAL_ASSISTANCE,
        expected_to_escape=True,
    )
    surveyed(code="DT-0003", expected_to_escape=True)
    assert codes(listed(type="lacks_means")) == ["DT-0001"]
    assert codes(listed(type="social_assistance")) == ["DT-0002"]
    assert codes(listed(escape=1)) == ["DT-0002", "DT-0003"]


def test_filter_by_review_state(listed: Callable[..., Any], ducthang_officer: User) -> None:
    surveyed(code="DT-0001")
    submitted = surveyed(code="DT-0002")
    services.assessment_submit(assessment=submitted.assessments.get(), by=ducthang_officer)
    assert codes(listed(state=ReviewState.SUBMITTED)) == ["DT-0002"]
    assert codes(listed(state=ReviewState.DRAFT)) == ["DT-0001"]
    assert codes(listed(state=ReviewState.RECOGNISED)) == []
    assert "Đã nộp" in text(listed(state=ReviewState.SUBMITTED))


def test_the_round_decides_which_assessment_the_filters_read(listed: Callable[..., Any]) -> None:
    round_2016, round_2017 = make_round(2016), make_round(2017)
    household = surveyed(code="DT-0001", income=800_000, review_round=round_2016)
    make_assessment(household, income_per_capita=2_500_000, review_round=round_2017)
    surveyed(code="DT-0002", income=900_000, review_round=round_2016)

    # Without `round`: the most recent periodic round with assessments, 2017.
    response = listed()
    assert response.context["form"]["round"].value() == str(round_2017.pk)
    assert codes(listed(status="poor")) == []
    assert codes(listed(status="not_poor")) == ["DT-0001"]
    assert codes(listed(status="none")) == ["DT-0002"]
    # In 2016 both were poor.
    assert codes(listed(round=round_2016.pk, status="poor")) == ["DT-0001", "DT-0002"]
    assert "2.500.000 đ" in text(listed())
    assert "800.000 đ" in text(listed(round=round_2016.pk))


def test_the_default_round_skips_empty_and_ad_hoc_rounds(listed: Callable[..., Any]) -> None:
    round_2017 = make_round(2017)
    surveyed(code="DT-0001", review_round=round_2017)
    make_round(2018)  # opened, nobody surveyed yet
    adhoc = make_round(2018, kind=ReviewRound.Kind.AD_HOC)
    household = surveyed(code="DT-0002", income=None)
    make_assessment(
        household,
        income_per_capita=800_000,
        review_round=adhoc,
        request_kind="addition",
        request_date=adhoc.starts_on,
    )
    response = listed()
    assert response.context["form"]["round"].value() == str(round_2017.pk)
    assert codes(listed(status="none")) == ["DT-0002"]
    assert codes(listed(round=adhoc.pk, status="poor")) == ["DT-0002"]


def test_before_any_round_every_household_is_listed_as_not_assessed(
    listed: Callable[..., Any],
) -> None:
    surveyed(code="DT-0001", income=None)
    assert ReviewRound.objects.count() == 0
    assert "Chưa rà soát trong kỳ này" in text(listed())
    assert codes(listed(status="none")) == ["DT-0001"]
    assert codes(listed(status="poor")) == []
    assert codes(listed(sort="-income")) == ["DT-0001"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"ward": "abc"}, "ward", "Phường/xã này không tồn tại hoặc không thuộc phạm vi"),
        ({"quarter": "999999"}, "quarter", "Khu phố/thôn này không tồn tại hoặc không thuộc"),
        ({"round": "abc"}, "round", "Không có kỳ rà soát này"),
        ({"status": "rich"}, "status", "“rich” không có trong danh sách lựa chọn"),
        ({"group": "N3"}, "group", "“N3” không có trong danh sách lựa chọn"),
        ({"type": "lazy"}, "type", "“lazy” không có trong danh sách lựa chọn"),
        ({"state": "lost"}, "state", "“lost” không có trong danh sách lựa chọn"),
        ({"q": "x" * 101}, "q", "100"),
    ],
)
def test_a_bad_parameter_is_ignored_with_a_message(
    listed: Callable[..., Any], params: dict[str, str], field: str, message: str
) -> None:
    surveyed(code="DT-0001")
    response = listed(**params)
    assert codes(response) == ["DT-0001"]
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    page = text(response)
    assert "Một số điều kiện lọc không hợp lệ nên đã được bỏ qua." in page
    assert message in page


def test_an_unknown_round_falls_back_to_the_default_round(listed: Callable[..., Any]) -> None:
    round_2017 = make_round(2017)
    surveyed(code="DT-0001", income=800_000)
    response = listed(round="424242", status="poor")
    assert codes(response) == ["DT-0001"]
    assert response.context["form"]["round"].value() == str(round_2017.pk)
    assert response.context["form"].errors["round"] == [
        "Không có kỳ rà soát này; danh sách đang hiển thị kỳ rà soát gần nhất."
    ]


# --- Sorting ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def three(module_db: None, django_db_blocker: Any) -> None:
    # Written once for the module (`module_db`): each test runs in a savepoint rolled back to it.
    with django_db_blocker.unblock():
        duc_thang = Ward.objects.get(code="duc-thang")
        first, second = duc_thang.quarters.order_by("display_order")[:2]
        surveyed(code="DT-0001", head_name="Trần Văn Cư", income=1_500_000, quarter=second)
        surveyed(code="DT-0002", head_name="Đỗ Thị Bé", income=800_000, members=4, quarter=first)
        surveyed(code="DT-0003", head_name="Âu Văn Ánh", income=None, members=2, quarter=second)


@pytest.mark.usefixtures("three")
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["DT-0001", "DT-0002", "DT-0003"]),
        ("code", ["DT-0001", "DT-0002", "DT-0003"]),
        ("-code", ["DT-0003", "DT-0002", "DT-0001"]),
        ("head", ["DT-0003", "DT-0002", "DT-0001"]),  # Âu, Đỗ (as "do"), Trần
        ("-head", ["DT-0001", "DT-0002", "DT-0003"]),
        ("quarter", ["DT-0002", "DT-0001", "DT-0003"]),
        ("members", ["DT-0001", "DT-0003", "DT-0002"]),
        ("-members", ["DT-0002", "DT-0003", "DT-0001"]),
        ("income", ["DT-0002", "DT-0001", "DT-0003"]),  # not assessed last
        ("-income", ["DT-0001", "DT-0002", "DT-0003"]),
        ("status", ["DT-0002", "DT-0001", "DT-0003"]),  # poorest first
        ("members; DROP TABLE", ["DT-0001", "DT-0002", "DT-0003"]),  # not whitelisted
        ("-pk", ["DT-0001", "DT-0002", "DT-0003"]),
    ],
)
def test_sorting(listed: Callable[..., Any], sort: str, expected: list[str]) -> None:
    assert codes(listed(sort=sort)) == expected


@pytest.mark.usefixtures("three")
def test_column_headings_sort_and_reverse(listed: Callable[..., Any]) -> None:
    response = listed(status="poor", sort="head", page="1")
    # Clicking the sorted column reverses it; the filters stay, the page starts again.
    assert 'href="?status=poor&amp;sort=-head"' in response.text
    assert 'href="?status=poor&amp;sort=income"' in response.text
    assert 'aria-sort="ascending"' in response.text
    assert "▲" in response.text
    assert 'aria-sort="descending"' in listed(sort="-head").text


# --- Pages ------------------------------------------------------------------------------------


@pytest.fixture
def pages_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "HOUSEHOLDS_PER_PAGE", 2)
    for n in range(1, 6):
        surveyed(code=f"DT-000{n}", head_name=f"Nguyễn Văn Số {n}")


@pytest.mark.usefixtures("pages_of_two")
def test_pages_keep_the_search_the_filters_and_the_order(listed: Callable[..., Any]) -> None:
    response = listed(q="nguyen", status="poor", sort="-code")
    assert codes(response) == ["DT-0005", "DT-0004"]
    assert "5 hộ" in text(response)
    assert 'href="?q=nguyen&amp;status=poor&amp;sort=-code&amp;page=2"' in response.text
    response = listed(q="nguyen", status="poor", sort="-code", page=2)
    assert codes(response) == ["DT-0003", "DT-0002"]
    assert 'href="?q=nguyen&amp;status=poor&amp;sort=-code&amp;page=1"' in response.text
    assert 'href="?q=nguyen&amp;status=poor&amp;sort=-code&amp;page=3"' in response.text
    # The filter form itself carries the order, so filtering again keeps it.
    assert '<input type="hidden" name="sort" value="-code">' in response.text


@pytest.mark.usefixtures("pages_of_two")
@pytest.mark.parametrize(
    ("page", "expected"),
    [("3", ["DT-0005"]), ("99", ["DT-0005"]), ("abc", ["DT-0001", "DT-0002"])],
)
def test_a_page_out_of_range_is_not_an_error(
    listed: Callable[..., Any], page: str, expected: list[str]
) -> None:
    assert codes(listed(page=page)) == expected


# --- Queries ----------------------------------------------------------------------------------


def test_the_query_count_does_not_grow_with_the_rows(
    client: Client,
    city_reviewer: User,
    django_assert_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def add(first: int, last: int) -> None:
        for n in range(first, last + 1):
            surveyed(
                "duc-thang" if n % 2 else "tien-loi",
                code=f"HH-{n:04d}",
                head_name=f"Nguyễn Văn Số {n}",
                income=500_000 + 1_000 * n,  # poor on the urban and the rural lines
                members=2,
            )

    # 10 to a page: 3 rows on the page, then 10 (an N+1 would cost 7 more queries).
    monkeypatch.setattr(selectors, "HOUSEHOLDS_PER_PAGE", 10)
    client.force_login(city_reviewer)
    params = {"q": "nguyen", "status": "poor", "sort": "-members"}
    add(1, 3)
    # The request's savepoint and its release (ATOMIC_REQUESTS), the session, the user; the
    # wards, quarters and rounds of the filters; how many households there are to search (up
    # to pagination.SEARCH_SCAN), the count, the page's ids, its rows, their assessments.
    with django_assert_num_queries(12):
        response = client.get(URL, params)
    assert len(codes(response)) == 3

    add(4, 20)
    with django_assert_num_queries(12):
        response = client.get(URL, params)
    assert len(codes(response)) == 10
    assert response.context["page"].paginator.count == 20
    assert "20 hộ" in text(response)
