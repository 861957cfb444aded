"""The home page: each user's own numbers (issue 3 §2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from households.models import Household, ReviewRound, ReviewState, User
from households.selectors import HOME_QUEUE_LENGTH, home_numbers
from programs.scope import scope_for
from tests.factories import (
    make_assessment,
    make_assessment_in_state,
    make_household,
    make_member,
    make_round,
    persona,
)

pytestmark = pytest.mark.django_db

N2 = ["housing_quality", "sanitation", "telecom"]  # three deprivations, none from the roster


def _household(ward_code: str, number: int) -> Household:
    prefix = "DT" if ward_code == "duc-thang" else "TL"
    household = make_household(
        ward_code, code=f"{prefix}-{number:04d}", head_name=f"Hộ số {number}"
    )
    make_member(household, full_name=f"Hộ số {number}", health_insurance_number=f"HN{number:013d}")
    return household


@pytest.fixture(scope="module")
def _ward_numbers(module_db: None, django_db_blocker: Any) -> dict[str, int]:
    """Đức Thắng (urban lines: 900.000 / 1.300.000 / 1.950.000 đ).

    The 2016 review, recognised (in force from 1/1/2017): two poor N1 (≤ 900.000 đ), one poor
    N2 (≤ 1.300.000 đ with 3 deprivations), one near-poor, one average living; two households
    never surveyed. The 2017 review is under way: h1–h5 are in review at every step (they keep
    their 2016 standing, "in review": 5), h6 is recognised not poor (in force from 1/1/2018).
    A Tiến Lợi household, poor N1 in 2016 and a 2017 draft, must not be counted for the officer.
    """
    with django_db_blocker.unblock():
        ducthang_officer, city_reviewer = persona("ducthang_officer"), persona("city_reviewer")
        h = {f"h{i}": _household("duc-thang", i) for i in range(1, 9)}
        reviewed = {"officer": ducthang_officer, "reviewer": city_reviewer}
        in_2016 = {"review_round": make_round(2016), **reviewed}
        for key, income, extra in (
            ("h1", 800_000, {}),
            ("h2", 850_000, {}),
            ("h3", 1_100_000, {"deprivations": N2}),
            ("h4", 1_100_000, {}),
            ("h5", 1_500_000, {}),
        ):
            make_assessment_in_state(
                h[key], ReviewState.RECOGNISED, income_per_capita=income, **extra, **in_2016
            )
        make_round(2017)
        make_assessment_in_state(h["h1"], ReviewState.DRAFT, income_per_capita=800_000, **reviewed)
        make_assessment_in_state(
            h["h2"], ReviewState.SUBMITTED, income_per_capita=850_000, **reviewed
        )
        make_assessment_in_state(
            h["h3"],
            ReviewState.MEETING_HELD,
            income_per_capita=1_100_000,
            deprivations=N2,
            **reviewed,
        )
        make_assessment_in_state(
            h["h4"],
            ReviewState.RETURNED,
            income_per_capita=1_100_000,
            reason="Chưa có chữ ký chủ hộ.",
            **reviewed,
        )
        make_assessment_in_state(
            h["h5"], ReviewState.POSTED, income_per_capita=1_500_000, **reviewed
        )
        make_assessment_in_state(
            h["h6"], ReviewState.RECOGNISED, income_per_capita=2_500_000, **reviewed
        )
        tien_loi = _household("tien-loi", 1)
        make_assessment_in_state(
            tien_loi,
            ReviewState.RECOGNISED,
            income_per_capita=500_000,
            review_round=make_round(2016),
            officer=User.objects.create(
                username="tl-officer", role="ward_officer", ward=tien_loi.ward
            ),
            reviewer=city_reviewer,
        )
        make_assessment(tien_loi, income_per_capita=500_000)
        return {key: household.pk for key, household in h.items()}


@pytest.fixture
def ward_numbers(_ward_numbers: dict[str, int], db: None) -> dict[str, Household]:
    """The module's households (written once, `module_db`: each test runs in a savepoint
    rolled back to them), read again for the test."""
    found = Household.objects.in_bulk(_ward_numbers.values())
    return {key: found[pk] for key, pk in _ward_numbers.items()}


def _stat(html: str, key: str) -> tuple[str, dict[str, list[str]]]:
    """The number shown on the card `key` and the list filter its link carries."""
    start = html.index(f'data-testid="status-{key}"')
    card = html[html.rindex("<a ", 0, start) : html.index("</a>", start)]
    href = card.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    number = card.split('class="home-stat-number">', 1)[1].split("<", 1)[0]
    assert urlsplit(href).path == reverse("households:list")
    return number, parse_qs(urlsplit(href).query)


def test_officer_sees_their_ward_by_status_with_links_to_the_list(
    client: Client, ducthang_officer: User, ward_numbers: dict[str, Household]
) -> None:
    client.force_login(ducthang_officer)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Phường Đức Thắng" in html
    assert "8 hộ trong sổ quản lý" in html
    today = [timezone.localdate().isoformat()]
    assert _stat(html, "poor_n1") == ("2", {"on": today, "status": ["poor"], "group": ["N1"]})
    assert _stat(html, "poor_n2") == ("1", {"on": today, "status": ["poor"], "group": ["N2"]})
    assert _stat(html, "near_poor") == ("1", {"on": today, "status": ["near_poor"]})
    assert _stat(html, "average_living") == ("1", {"on": today, "status": ["average_living"]})
    assert _stat(html, "not_poor") == ("1", {"on": today, "status": ["not_poor"]})
    assert _stat(html, "none") == ("2", {"on": today, "status": ["none"]})
    assert "Hộ nghèo – nhóm N1" in html
    assert "Chưa có kết quả được công nhận" in html
    # The 2017 results in review are shown apart, with their list.
    in_review = html[html.index('data-testid="in-review"') :]
    assert "5 kết quả chưa được công nhận" in in_review
    round_id = str(ReviewRound.objects.get(year=2017, kind="periodic").pk)
    assert f"round={round_id}&amp;state=in_review" in in_review


def test_officer_sees_drafts_and_returned_with_the_reason(
    client: Client, ducthang_officer: User, ward_numbers: dict[str, Household]
) -> None:
    client.force_login(ducthang_officer)

    numbers = client.get(reverse("home")).context["numbers"]
    html = client.get(reverse("home")).content.decode()

    assert [a.household for a in numbers.drafts] == [ward_numbers["h1"]]
    assert [a.household for a in numbers.returned] == [ward_numbers["h4"]]
    assert numbers.states == {
        "draft": 1,
        "submitted": 1,
        "meeting_held": 1,
        "posted": 1,
        "recognised": 6,  # five in 2016, h6 in 2017
        "returned": 1,
    }
    drafts = html[html.index('id="drafts-heading"') : html.index('id="returned-heading"')]
    assert reverse("households:detail", args=[ward_numbers["h1"].pk]) in drafts
    assert "DT-0001 – Hộ số 1" in drafts
    returned = html[html.index('id="returned-heading"') :]
    assert reverse("households:detail", args=[ward_numbers["h4"].pk]) in returned
    assert "Chưa có chữ ký chủ hộ." in returned
    assert "Bị trả lại, cần chỉnh sửa" in html
    assert "Đã nộp, chờ họp dân" in html
    # The officer records the ward chairman's decision on the posted ones.
    assert "Đã niêm yết, chờ bạn ghi nhận quyết định công nhận" in html
    assert reverse("households:review_progress") in html
    assert reverse("households:create") in html


def test_officer_never_sees_another_wards_numbers(
    client: Client, tienloi_officer: User, ward_numbers: dict[str, Household]
) -> None:
    client.force_login(tienloi_officer)

    response = client.get(reverse("home"))

    numbers = response.context["numbers"]
    assert numbers.households == 1
    assert numbers.in_review == 1  # its 2017 draft
    assert {s.key: s.count for s in numbers.by_status} == {
        "poor_n1": 1,
        "poor_n2": 0,
        "near_poor": 0,
        "average_living": 0,
        "not_poor": 0,
        "none": 0,
    }
    assert [a.household.code for a in numbers.drafts] == ["TL-0001"]
    assert numbers.returned == []
    html = response.content.decode()
    assert "Xã Tiến Lợi" in html
    assert "DT-0001" not in html
    assert "Chưa có chữ ký chủ hộ." not in html


def test_the_queues_show_the_latest_few_and_say_how_many_there_are(
    client: Client, ducthang_officer: User
) -> None:
    make_round(2017)
    for i in range(1, HOME_QUEUE_LENGTH + 3):
        make_assessment(_household("duc-thang", i))
    client.force_login(ducthang_officer)

    response = client.get(reverse("home"))

    assert len(response.context["numbers"].drafts) == HOME_QUEUE_LENGTH
    html = response.content.decode()
    assert f"{HOME_QUEUE_LENGTH} phiếu sửa gần nhất trong tổng số {HOME_QUEUE_LENGTH + 2}." in html
    assert "state=draft" in html


def test_city_reviewer_sees_the_whole_city_and_what_waits_for_a_decision(
    client: Client, city_reviewer: User, ward_numbers: dict[str, Household]
) -> None:
    client.force_login(city_reviewer)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Thành phố Phan Thiết" in html
    assert "9 hộ trong sổ quản lý" in html
    assert _stat(html, "poor_n1")[0] == "3"  # two in Đức Thắng, one in Tiến Lợi
    # The ward's officer records the chairman's decision: the city waits for it, it does not
    # take it.
    assert "Đã niêm yết, chờ quyết định công nhận" in html
    assert "chờ bạn" not in html
    posted = html[html.index('data-testid="state-posted"') :]
    assert posted.split('class="home-stat-number">', 1)[1].startswith("1<")
    assert reverse("households:review_progress") in html
    assert "Tiến độ rà soát theo phường, xã" in html
    # The city does not enter surveys: no drafts queue, no "new household".
    assert "drafts-heading" not in html
    assert reverse("households:create") not in html


def test_city_sees_each_ward_with_links_to_its_households(
    client: Client, city_reviewer: User, ward_numbers: dict[str, Household]
) -> None:
    client.force_login(city_reviewer)

    response = client.get(reverse("home"))

    rows = {row.ward.code: row for row in response.context["wards"]}
    # Every ward and commune in force today, even without households: those of the 2025
    # merger, Đức Thắng's households in P. Phan Thiết, Tiến Lợi's in xã Tuyên Quang (issue 12).
    assert len(rows) == 7
    duc_thang, tien_loi = rows["phuong-phan-thiet"], rows["xa-tuyen-quang"]
    assert (duc_thang.households, duc_thang.poor, duc_thang.near_poor) == (8, 3, 1)
    assert (duc_thang.not_recognised, duc_thang.in_review, duc_thang.posted) == (2, 5, 1)
    assert (tien_loi.households, tien_loi.poor, tien_loi.posted) == (1, 1, 0)
    assert rows["phuong-mui-ne"].households == 0
    ward_id = duc_thang.ward.pk
    today = timezone.localdate().isoformat()
    assert parse_qs(urlsplit(duc_thang.poor_url).query) == {
        "on": [today],
        "ward": [str(ward_id)],
        "status": ["poor"],
    }
    html = response.content.decode()
    assert f"?on={today}&amp;ward={ward_id}&amp;status=none" in html
    assert f"Theo phường, xã – danh sách đã công nhận có hiệu lực ngày {today[8:]}/" in html


def test_administrator_sees_the_whole_city(
    client: Client, administrator: User, ward_numbers: dict[str, Household]
) -> None:
    client.force_login(administrator)

    response = client.get(reverse("home"))

    assert response.context["city"].households == 9


@pytest.mark.parametrize("persona", ["agency_user", "committee_member"])
def test_agency_and_committee_are_told_why_they_see_no_household(
    client: Client,
    request: pytest.FixtureRequest,
    persona: str,
    ward_numbers: dict[str, Household],
) -> None:
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="no-scope"' in html
    assert "Phòng LĐ-TB" in html or "chương trình" in html
    assert "home-stat-number" not in html
    assert "DT-0001" not in html


def test_without_a_periodic_round_the_page_says_so(client: Client, ducthang_officer: User) -> None:
    _household("duc-thang", 1)
    client.force_login(ducthang_officer)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Chưa có kỳ rà soát định kỳ nào" in response.content.decode()
    assert response.context["numbers"].households == 1


def test_only_recognised_results_are_counted(client: Client, ducthang_officer: User) -> None:
    household = _household("duc-thang", 1)
    make_assessment(household, review_round=make_round(2016), income_per_capita=500_000)
    make_round(2017)  # opened, but nobody surveyed yet: the 2016 round stays the one in review
    client.force_login(ducthang_officer)

    numbers = client.get(reverse("home")).context["numbers"]

    assert numbers.round.year == 2016
    # A draft is no official figure: the household has no recognised result yet.
    counts = {s.key: s.count for s in numbers.by_status}
    assert (counts["poor_n1"], counts["none"], numbers.in_review) == (0, 1, 1)


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_home_is_read_only(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)

    assert client.post(reverse("home")).status_code == 405


def _fill_ward(officer: User, reviewer: User, count: int) -> None:
    make_round(2017)
    states = [ReviewState.DRAFT, ReviewState.RETURNED, ReviewState.SUBMITTED]
    for i in range(1, count + 1):
        make_assessment_in_state(
            _household("duc-thang", i),
            states[i % len(states)],
            officer=officer,
            reviewer=reviewer,
            income_per_capita=700_000 + 100_000 * (i % 8),
            deprivations=N2 if i % 2 else (),
        )


@pytest.mark.parametrize("count", [3, 12])
def test_officer_home_query_count_does_not_grow_with_households(
    client: Client,
    ducthang_officer: User,
    city_reviewer: User,
    django_assert_num_queries: Callable[..., object],
    count: int,
) -> None:
    _fill_ward(ducthang_officer, city_reviewer, count)
    client.force_login(ducthang_officer)

    # The request's savepoint and its release (ATOMIC_REQUESTS), session, user, the user's ward,
    # the rounds, one aggregate for every number, the drafts, the returned.
    with django_assert_num_queries(10):  # type: ignore[operator]
        response = client.get(reverse("home"))

    assert response.status_code == 200
    assert len(response.context["numbers"].drafts) == min(count // 3, HOME_QUEUE_LENGTH)


@pytest.mark.parametrize("count", [3, 12])
def test_city_home_query_count_does_not_grow_with_households(
    client: Client,
    ducthang_officer: User,
    city_reviewer: User,
    django_assert_num_queries: Callable[..., object],
    count: int,
) -> None:
    _fill_ward(ducthang_officer, city_reviewer, count)
    client.force_login(city_reviewer)

    # Savepoint and release, session, user, the rounds, one aggregate for every number, one
    # for the wards' lines.
    with django_assert_num_queries(10):  # type: ignore[operator]
        response = client.get(reverse("home"))

    assert response.context["city"].households == count


def test_home_numbers_for_a_user_without_scope_are_zero(
    agency_user: User, ward_numbers: dict[str, Household]
) -> None:
    numbers = home_numbers(scope=scope_for(agency_user), with_queues=True)

    assert numbers.households == 0
    assert all(s.count == 0 for s in numbers.by_status)
    assert numbers.drafts == []
