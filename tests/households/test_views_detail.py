"""The household page `/households/<id>/` (issue 3 §4) and its change history (§8) at
`/households/<id>/history/`."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households import selectors, services, units
from households.models import (
    Assessment,
    Household,
    Member,
    PovertyCause,
    RequestKind,
    ReviewRound,
    SupportNeed,
    UnitMerger,
    User,
)
from tests.factories import (
    ASYNC_COMMIT,
    REFERENCE_VERSION,
    make_assessment,
    make_household,
    make_member,
    make_round,
    make_user,
    persona,
)

pytestmark = pytest.mark.django_db


def url(household: Household) -> str:
    return reverse("households:detail", args=[household.pk])


def history_url(household: Household) -> str:
    return reverse("households:history", args=[household.pk])


def text(response: HttpResponse) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    return text_of(response.content.decode())


def text_of(page: str) -> str:
    body = re.sub(r"<script.*?</script>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def build(
    *, members: int, officer: User, reviewer: User, code: str = "DT-0001"
) -> tuple[Household, dict[str, Assessment]]:
    """A household surveyed three times: 2017 recognised, 2018 returned, an ad-hoc draft.

    The head has a health-insurance card; Trần Văn Cường (born 1990) has none, so the
    health-insurance indicator is deprived with his name as the reason.
    """
    household = make_household(
        code=code, phone="0912345678", is_merit_family=True, is_female_headed=True
    )
    make_member(household, full_name="Nguyễn Văn An", birth_year=1970, national_id="261000111")
    make_member(
        household,
        full_name="Trần Văn Cường",
        birth_year=1990,
        relation=Member.Relation.CHILD,
        health_insurance_number="",
    )
    for n in range(members - 2):
        make_member(
            household,
            full_name=f"Nguyễn Thị Cháu {n}",
            birth_year=2005 + n,
            sex=Member.Sex.FEMALE,
            relation=Member.Relation.GRANDCHILD,
            attends_school=True,
        )
    capital = PovertyCause.objects.get(code="lack-capital")
    illness = PovertyCause.objects.get(code="illness")
    credit = SupportNeed.objects.get(code="credit")

    first = make_assessment(
        household,
        review_round=make_round(2017),
        income_per_capita=800_000,
        deprivations=["sanitation"],
        causes=[capital, illness],
        needs=[credit],
        household_type=Assessment.HouseholdType.LACKS_MEANS,
        expected_to_escape=True,
        by=officer,
    )
    services.assessment_submit(assessment=first, by=officer)
    services.assessment_record_meeting(
        assessment=first,
        by=officer,
        meeting_date=datetime.date(2017, 10, 2),
        attendance=42,
        agreement_percent=95,
        minutes="Họp khu phố 1, thống nhất danh sách.",
    )
    services.assessment_record_posting(
        assessment=first,
        by=officer,
        # Tue 3 – Wed 11 October 2017: 7 working days (3–6, 9–11).
        posted_from=datetime.date(2017, 10, 3),
        posted_to=datetime.date(2017, 10, 11),
    )
    # The ward chairman's decision, recorded by the ward's officer.
    services.assessment_recognise(
        assessment=first,
        by=officer,
        decision_number="125/QĐ-UBND",
        decision_date=datetime.date(2017, 10, 20),
        decision_signer="Nguyễn Văn Ánh – Chủ tịch UBND phường Đức Thắng",
    )

    second = make_assessment(
        household,
        review_round=make_round(2018),
        income_per_capita=1_100_000,
        deprivations=["sanitation", "telecom"],
        causes=[capital],
        by=officer,
    )
    services.assessment_submit(assessment=second, by=officer)
    services.assessment_return(
        assessment=second, by=reviewer, reason="Thu nhập chưa khớp với biên bản họp."
    )

    adhoc = services.assessment_open_adhoc(
        household=household,
        round=make_round(2019, kind=ReviewRound.Kind.AD_HOC),
        request_kind="escape",
        request_date=datetime.date(2019, 3, 4),
        by=officer,
    )
    return household, {"2017": first, "2018": second, "adhoc": adhoc}


def _named(city_reviewer: User) -> User:
    city_reviewer.first_name, city_reviewer.last_name = "Bình", "Lê Văn"
    city_reviewer.save()
    return city_reviewer


@pytest.fixture
def reviewer(city_reviewer: User) -> User:
    return _named(city_reviewer)


@pytest.fixture(scope="module")
def _surveyed(module_db: None, django_db_blocker: Any) -> tuple[int, dict[str, int]]:
    """The household surveyed three times, written once for the module (`module_db`): each
    test runs in a savepoint rolled back to it."""
    with django_db_blocker.unblock():
        household, assessments = build(
            members=4,
            officer=persona("ducthang_officer"),
            reviewer=_named(persona("city_reviewer")),
        )
    return household.pk, {key: a.pk for key, a in assessments.items()}


@pytest.fixture
def surveyed(
    _surveyed: tuple[int, dict[str, int]], ducthang_officer: User, reviewer: User
) -> tuple[Household, dict[str, Assessment]]:
    household, assessments = _surveyed
    found = Assessment.objects.in_bulk(assessments.values())
    return Household.objects.get(pk=household), {key: found[pk] for key, pk in assessments.items()}


# --- Happy path --------------------------------------------------------------------------------


def test_the_header_shows_the_household_its_flags_and_the_recognised_status(
    client: Client, ducthang_officer: User, surveyed: tuple[Household, dict[str, Assessment]]
) -> None:
    household, _ = surveyed
    client.force_login(ducthang_officer)

    response = client.get(url(household))

    assert response.status_code == 200
    page = text(response)
    assert "DT-0001 · Nguyễn Văn An" in page
    assert (
        "Địa chỉ 12 Trần Hưng Đạo Khu phố/thôn Khu phố 1 Phường/xã Phường Đức Thắng "
        "nay thuộc Phường Phan Thiết (từ 01/07/2025) Điện thoại 0912345678"
    ) in page
    assert "Người có công" in page
    assert "Chủ hộ là nữ" in page
    assert "Bảo trợ xã hội" not in page
    assert (
        "Kết quả đã được công nhận Hộ nghèo – N1 "
        "Rà soát định kỳ năm 2017 – Quyết định số 125/QĐ-UBND ngày 20/10/2017 "
        "Người ký: Nguyễn Văn Ánh – Chủ tịch UBND phường Đức Thắng"
    ) in page
    for label, name in [
        ("Sửa hộ và thành viên", "households:edit"),
        ("Nhập phiếu khảo sát", "households:assessment_create"),
        ("Rà soát thường xuyên", "households:adhoc_open"),
    ]:
        assert label in page
        assert f'href="{reverse(name, args=[household.pk])}"' in response.content.decode()


def test_a_household_never_recognised_says_so(client: Client, ducthang_officer: User) -> None:
    household = make_household()
    make_member(household)
    make_assessment(household)
    client.force_login(ducthang_officer)

    page = text(client.get(url(household)))

    assert "Chưa được công nhận trong kỳ rà soát nào" in page


def test_the_roster_lists_every_member_with_their_details(
    client: Client, ducthang_officer: User, surveyed: tuple[Household, dict[str, Assessment]]
) -> None:
    household, _ = surveyed
    make_member(
        household,
        full_name="Phạm Thị Dung",
        birth_year=1972,
        date_of_birth=datetime.date(1972, 5, 17),
        sex=Member.Sex.FEMALE,
        relation=Member.Relation.SPOUSE,
        health_insurance_expiry=datetime.date(2016, 12, 31),
        disability=Member.Disability.MILD,
        work_ability=Member.WorkAbility.LIMITED,
        occupation="Buôn bán nhỏ",
    )
    client.force_login(ducthang_officer)

    page = text(client.get(url(household)))

    assert "Thành viên (5)" in page
    age = timezone.localdate().year - 1970
    assert f"Nguyễn Văn An Chủ hộ · Nam · Kinh 1970 {age} tuổi 261000111 Trung học cơ sở" in page
    assert "Trần Văn Cường Con · Nam · Kinh 1990" in page
    assert "Chưa có thẻ" in page
    assert "Nguyễn Thị Cháu 0 Cháu · Nữ · Kinh 2005" in page
    assert "Đang đi học" in page
    assert "Phạm Thị Dung Vợ/chồng · Nữ · Kinh 17/05/1972" in page
    assert (
        "HN4600000000001 hạn đến 31/12/2016 (đã hết hạn) "
        "Buôn bán nhỏ Hạn chế khả năng lao động · khuyết tật: nhẹ"
    ) in page


def test_each_assessment_shows_its_result_dimensions_and_review(
    client: Client, ducthang_officer: User, surveyed: tuple[Household, dict[str, Assessment]]
) -> None:
    household, _ = surveyed
    client.force_login(ducthang_officer)

    response = client.get(url(household))
    page = text(response)

    # Newest round first.
    assert (
        page.index("Rà soát thường xuyên 2019")
        < page.index("Rà soát định kỳ năm 2018")
        < page.index("Rà soát định kỳ năm 2017 Hộ nghèo – N1 Đã công nhận")
    )
    # The engine's result and its explanation.
    assert "Thu nhập bình quân người/tháng: 800.000 đ" in page
    assert "Hộ nghèo – nhóm N1: thu nhập 800.000 đ ≤ chuẩn nghèo 900.000 đ (thành thị)" in page
    # Deprivations under the five dimensions, with the roster's reason.
    for dimension in ["Y tế", "Giáo dục", "Nhà ở", "Nước sạch và vệ sinh", "Tiếp cận thông tin"]:
        assert dimension in page
    assert "✗ Thiếu hụt: Bảo hiểm y tế" in page
    assert (
        "Theo danh sách thành viên: Từ 6 tuổi trở lên không có thẻ bảo hiểm y tế còn hạn: "
        "Trần Văn Cường (27)"
    ) in page
    assert "✓ Không thiếu hụt: Tiếp cận dịch vụ y tế" in page
    # Causes, needs, type, expected to escape.
    assert "Thiếu vốn sản xuất, kinh doanh; Có người ốm đau nặng, tai nạn" in page
    assert "Vay vốn ưu đãi" in page
    assert "Dự kiến thoát nghèo trong năm Có" in page
    # The review: meeting, posting, decision, and its steps with who took them.
    assert "02/10/2017: 42 người dự họp, 95% đồng ý" in page
    assert "Họp khu phố 1, thống nhất danh sách." in page
    assert "từ 03/10/2017 đến 11/10/2017" in page
    assert (
        "Số 125/QĐ-UBND ngày 20/10/2017 Người ký: Nguyễn Văn Ánh – Chủ tịch UBND phường Đức Thắng"
    ) in page
    # The steps are counted on the card and read when its list is opened (htmx asks for it).
    assert "Quá trình rà soát (5 bước)" in page
    recognised = Assessment.objects.get(
        household=household, round__name__contains="định kỳ năm 2017"
    )
    steps_url = reverse("households:assessment_review_steps", args=[recognised.pk])
    assert f'hx-get="{steps_url}"' in response.content.decode()
    steps = text(client.get(steps_url, headers={"HX-Request": "true"}))
    # Recorded by the ward's officer (alice); the step's note repeats the decision.
    assert (
        "Công nhận theo quyết định Đã niêm yết → Đã công nhận alice 125/QĐ-UBND (20/10/2017) – "
        "Nguyễn Văn Ánh – Chủ tịch UBND phường Đức Thắng"
    ) in steps.replace("Đang niêm yết", "Đã niêm yết")
    # The returned assessment says why, prominently.
    assert 'data-testid="return-reason"' in response.content.decode()
    assert "Bị trả lại: Thu nhập chưa khớp với biên bản họp." in page
    # The ad-hoc review names the request.
    assert "Đề nghị của hộ Hộ đề nghị công nhận thoát nghèo – nhận đơn ngày 04/03/2019" in page


def test_edit_survey_links_only_for_editable_assessments(
    client: Client, ducthang_officer: User, surveyed: tuple[Household, dict[str, Assessment]]
) -> None:
    household, assessments = surveyed
    client.force_login(ducthang_officer)

    body = client.get(url(household)).content.decode()

    def edit(key: str) -> str:
        return reverse("households:assessment_edit", args=[assessments[key].pk])

    assert edit("2018") in body  # returned
    assert edit("adhoc") in body  # draft
    assert edit("2017") not in body  # recognised: locked


def test_programme_sections_say_nothing_is_recorded_yet(
    client: Client, ducthang_officer: User, surveyed: tuple[Household, dict[str, Assessment]]
) -> None:
    household, _ = surveyed
    client.force_login(ducthang_officer)

    page = text(client.get(url(household)))

    assert "Cán bộ phụ trách Chưa phân công cán bộ phụ trách hộ này." in page
    assert "Chưa ghi nhận khoản hỗ trợ nào cho hộ này." in page


# --- The change history ------------------------------------------------------------------------


def test_the_change_history_shows_who_changed_what(
    client: Client, ducthang_officer: User, surveyed: tuple[Household, dict[str, Assessment]]
) -> None:
    household, _ = surveyed
    household._history_user = ducthang_officer  # type: ignore[attr-defined]
    services.household_update(household=household, address="14 Trần Hưng Đạo")
    services.member_delete(member=household.members.get(full_name="Nguyễn Thị Cháu 0"))
    client.force_login(ducthang_officer)

    page = text(client.get(history_url(household)))
    history = page[page.index("Lịch sử thay đổi") :]

    assert "alice Sửa Hộ Địa chỉ: 12 Trần Hưng Đạo → 14 Trần Hưng Đạo" in history
    assert "hệ thống Xoá Thành viên Nguyễn Thị Cháu 0" in history
    assert "Tạo Thành viên Nguyễn Thị Cháu 0 Họ và tên: Nguyễn Thị Cháu 0" in history
    assert (
        "Lê Văn Bình Sửa Phiếu Rà soát định kỳ năm 2018 "
        "Trạng thái rà soát: Đã nộp → Bị trả lại "
        "Lý do trả lại: — → Thu nhập chưa khớp với biên bản họp."
    ) in history
    # A review step leaves the causes and needs as they were.
    assert re.search(
        r"alice Sửa Phiếu Rà soát định kỳ năm 2018 Trạng thái rà soát: Bản nháp → Đã nộp "
        r"\d{2}/\d{2}/\d{4}",
        history,
    )
    assert "Thu nhập bình quân người/tháng (đồng): 800.000 đ" in history
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2} alice Sửa Hộ", history)


def test_the_household_page_links_to_the_history_and_does_not_read_it(
    client: Client, ducthang_officer: User, surveyed: tuple[Household, dict[str, Assessment]]
) -> None:
    household, _ = surveyed
    client.force_login(ducthang_officer)

    response = client.get(url(household))

    assert f'href="{history_url(household)}"' in response.content.decode()
    assert "Xem lịch sử thay đổi" in text(response)
    assert 'data-testid="history-entry"' not in response.content.decode()


def test_the_history_is_capped_with_a_note(client: Client, ducthang_officer: User) -> None:
    household = make_household()
    member = make_member(household)
    for n in range(100):
        services.member_update(member=member, occupation=f"Nghề {n}")
    client.force_login(ducthang_officer)

    response = client.get(history_url(household))

    assert response.content.decode().count('data-testid="history-entry"') == 100
    assert "Hiển thị 100 thay đổi gần nhất trong tổng số 102 thay đổi." in text(response)


def test_a_household_without_changes_says_so(client: Client, ducthang_officer: User) -> None:
    household = make_household()
    household.history.all().delete()  # type: ignore[attr-defined]
    client.force_login(ducthang_officer)

    response = client.get(history_url(household))

    assert response.status_code == 200
    assert "Chưa ghi nhận thay đổi nào." in text(response)


def test_the_city_reviewer_sees_the_page_and_history_but_cannot_edit(
    client: Client, reviewer: User, surveyed: tuple[Household, dict[str, Assessment]]
) -> None:
    household, _ = surveyed
    client.force_login(reviewer)

    response = client.get(url(household))

    assert response.status_code == 200
    page = text(response)
    assert "Xem lịch sử thay đổi" in page
    assert "Sửa hộ và thành viên" not in page
    assert "Nhập phiếu khảo sát" not in page
    assert "Sửa phiếu" not in page
    history = client.get(history_url(household))
    assert history.status_code == 200
    assert "Tạo Hộ" in text(history)


def test_the_history_of_an_archived_household_is_kept(
    client: Client, ducthang_officer: User
) -> None:
    household = make_household()
    services.household_archive(household=household, by=ducthang_officer, reason="Chuyển đi")
    client.force_login(ducthang_officer)

    response = client.get(history_url(household))

    assert response.status_code == 200
    assert "Tạo Hộ" in text(response)


# --- Access ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client: Client) -> None:
    household = make_household()

    response = client.get(url(household))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url(household)}"


def test_it_checks_the_ward(client: Client, tienloi_officer: User) -> None:
    household = make_household()
    client.force_login(tienloi_officer)

    assert client.get(url(household)).status_code == 404


@pytest.mark.parametrize("persona", ["agency_user", "committee_member"])
def test_roles_without_households_get_404(
    client: Client, request: pytest.FixtureRequest, persona: str
) -> None:
    household = make_household()
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url(household)).status_code == 404


def test_an_unknown_household_is_404(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)

    assert client.get(reverse("households:detail", args=[999_999])).status_code == 404


def test_the_page_is_read_only(client: Client, ducthang_officer: User) -> None:
    household = make_household()
    client.force_login(ducthang_officer)

    response = client.post(url(household), {"address": "Địa chỉ khác"})

    assert response.status_code == 405
    household.refresh_from_db()
    assert household.address == "12 Trần Hưng Đạo"


def test_an_inactive_officer_is_sent_to_login(client: Client) -> None:
    household = make_household()
    user = make_user("old", role=User.Role.WARD_OFFICER, ward=household.ward, is_active=False)
    client.force_login(user)

    assert client.get(url(household)).status_code == 302


def test_anonymous_is_sent_to_login_from_the_history(client: Client) -> None:
    household = make_household()

    response = client.get(history_url(household))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={history_url(household)}"


def test_the_history_checks_the_ward(client: Client, tienloi_officer: User) -> None:
    household = make_household()
    client.force_login(tienloi_officer)

    assert client.get(history_url(household)).status_code == 404


def test_the_history_of_an_unknown_household_is_404(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)

    assert client.get(reverse("households:history", args=[999_999])).status_code == 404


def test_the_history_is_read_only(client: Client, ducthang_officer: User) -> None:
    household = make_household()
    versions = household.history.count()  # type: ignore[attr-defined]
    client.force_login(ducthang_officer)

    response = client.post(history_url(household), {"address": "Địa chỉ khác"})

    assert response.status_code == 405
    assert household.history.count() == versions  # type: ignore[attr-defined]


# --- Queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("members", [2, 8])
def test_the_number_of_queries_does_not_grow(
    client: Client,
    django_assert_num_queries: Any,
    ducthang_officer: User,
    reviewer: User,
    members: int,
) -> None:
    household, _ = build(members=members, officer=ducthang_officer, reviewer=reviewer)
    for member in household.members.all():
        services.member_update(member=member, occupation="Ngư dân")
    client.force_login(ducthang_officer)

    # Session and user; the savepoint of the request's transaction; the household; members;
    # assessments with their rounds; their causes and needs (one statement); their review steps
    # (the latest recognised is taken from them: `standing.latest_recognised_of`); the
    # programmes section (programmes, the household's benefits with their loans, its standing,
    # the programmes' dated rules; the assigned officer comes with the household); the user's
    # ward in the menu; the view-log row of this look (audit.ViewLog, issue 10). The change
    # history is a page of its own. And the reference data's version (`programs.reference`):
    # the first look of a process reads the programmes, their rules and the latest periodic
    # round too; the next ones keep them (tests/programs/test_household_page.py).
    with django_assert_num_queries(16 + REFERENCE_VERSION + ASYNC_COMMIT):
        response = client.get(url(household))

    assert response.status_code == 200


def test_the_pages_read_of_other_users_only_their_names(
    client: Client, ducthang_officer: User, surveyed: tuple[Household, dict[str, Assessment]]
) -> None:
    # Who took each review step and who recorded each support: the pages show their names, so
    # they read no other column of theirs (each costs the ORM compiling and loading: issue 11).
    # Only the signed-in user is read whole, by the authentication middleware.
    household, assessments = surveyed
    returned = assessments["2018"]  # returned by the city's reviewer, Lê Văn Bình
    client.force_login(ducthang_officer)

    for page in (url(household), steps_url(returned)):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)

        assert response.status_code == 200
        reading_passwords = [
            q["sql"] for q in queries.captured_queries if '."password"' in q["sql"]
        ]
        assert len(reading_passwords) == 1, page
        assert reading_passwords[0].startswith('SELECT "households_user"."id"')
    assert "Lê Văn Bình" in text(response)


def steps_url(assessment: Assessment) -> str:
    return reverse("households:assessment_review_steps", args=[assessment.pk])


def test_the_review_steps_open_in_place_or_as_a_page(
    client: Client, ducthang_officer: User, surveyed: tuple[Household, dict[str, Assessment]]
) -> None:
    household, assessments = surveyed
    recognised = assessments["2017"]
    count = recognised.events.count()
    assert count == 5
    client.force_login(ducthang_officer)
    page = client.get(url(household)).content.decode()
    # The card counts the steps and links to them; the steps themselves are not on the page.
    assert "Quá trình rà soát (5 bước)" in text_of(page)
    assert f'hx-get="{steps_url(recognised)}"' in page
    assert "Công nhận theo quyết định" not in text_of(page)

    fragment = client.get(steps_url(recognised), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert fragment.content.decode().count("<tr>") == 1 + count  # the heading row and each step
    assert "Công nhận theo quyết định" in text(fragment)

    # Without script (or opened apart): a page of its own, back to the household's card.
    whole = client.get(steps_url(recognised))
    assert whole.status_code == 200
    assert "<html" in whole.content.decode()
    assert f'href="{url(household)}#assessment-{recognised.pk}"' in whole.content.decode()
    assert whole.content.decode().count("<tr>") == 1 + count
    assert "Lịch sử rà soát – hộ DT-0001 – Rà soát định kỳ năm 2017" in text(whole)


def test_a_card_without_review_steps_offers_none(
    client: Client, ducthang_officer: User, surveyed: tuple[Household, dict[str, Assessment]]
) -> None:
    household, assessments = surveyed
    assessments["adhoc"].events.all().delete()
    client.force_login(ducthang_officer)
    page = client.get(url(household)).content.decode()
    assert f'hx-get="{steps_url(assessments["adhoc"])}"' not in page
    # Asked for all the same, the page says so.
    assert "Chưa có bước rà soát nào" in text(client.get(steps_url(assessments["adhoc"])))


def test_the_review_steps_need_a_sign_in_and_the_ward(
    client: Client, tienloi_officer: User, surveyed: tuple[Household, dict[str, Assessment]]
) -> None:
    _, assessments = surveyed
    recognised = assessments["2017"]
    response = client.get(steps_url(recognised))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

    client.force_login(tienloi_officer)
    assert client.get(steps_url(recognised)).status_code == 404
    assert (
        client.get(reverse("households:assessment_review_steps", args=[10**9])).status_code == 404
    )
    assert client.get(f"/households/assessments/{recognised.pk}x/review-steps/").status_code == 404
    assert client.post(steps_url(recognised)).status_code == 405


def test_the_review_steps_queries_do_not_grow(
    client: Client,
    django_assert_num_queries: Any,
    ducthang_officer: User,
    surveyed: tuple[Household, dict[str, Assessment]],
) -> None:
    _, assessments = surveyed
    client.force_login(ducthang_officer)
    # Five steps and two: session and user; the request's savepoint and its release; the
    # assessment with its household and round; its steps with who took them.
    for key in ("2017", "2018"):
        with django_assert_num_queries(6):
            response = client.get(steps_url(assessments[key]), headers={"HX-Request": "true"})
        assert response.status_code == 200


@pytest.mark.parametrize("members", [2, 8])
def test_the_history_queries_do_not_grow(
    client: Client,
    django_assert_num_queries: Any,
    ducthang_officer: User,
    reviewer: User,
    members: int,
) -> None:
    household, _ = build(members=members, officer=ducthang_officer, reviewer=reviewer)
    for member in household.members.all():
        services.member_update(member=member, occupation="Ngư dân")
    client.force_login(ducthang_officer)

    # Session and user; the savepoint of the request's transaction and its release; the
    # household with its ward and quarter; the history (3 tables, 2 snapshot tables); the
    # user's ward in the menu; the view-log row of this look.
    with django_assert_num_queries(12 + ASYNC_COMMIT):
        response = client.get(history_url(household))

    assert response.status_code == 200
    # The household, each member created and changed, 3 surveys created and 6 review steps.
    entries = response.content.decode().count('data-testid="history-entry"')
    assert entries == 1 + 2 * members + 3 + 6


def test_review_buttons_follow_the_state_and_the_role(
    client: Client,
    ducthang_officer: User,
    reviewer: User,
    surveyed: tuple[Household, dict[str, Assessment]],
) -> None:
    household, assessments = surveyed
    posted = make_assessment(household, review_round=make_round(2020), by=ducthang_officer)
    services.assessment_submit(assessment=posted, by=ducthang_officer)
    services.assessment_record_meeting(
        assessment=posted,
        by=ducthang_officer,
        meeting_date=datetime.date(2020, 10, 1),
        attendance=30,
        agreement_percent=90,
        minutes="Biên bản.",
    )
    services.assessment_record_posting(
        assessment=posted,
        by=ducthang_officer,
        # Fri 2 – Mon 12 October 2020: 7 working days (2, 5–9, 12).
        posted_from=datetime.date(2020, 10, 2),
        posted_to=datetime.date(2020, 10, 12),
    )

    def step(name: str, assessment: Assessment) -> str:
        return reverse(f"households:assessment_{name}", args=[assessment.pk])

    # The ward's officer records the chairman's decision; the city returns.
    client.force_login(ducthang_officer)
    body = client.get(url(household)).content.decode()
    assert step("submit", assessments["2018"]) in body
    assert step("submit", assessments["adhoc"]) in body
    assert step("recognise", posted) in body
    assert "Ghi nhận quyết định công nhận" in body
    assert step("return", posted) not in body

    client.force_login(reviewer)
    body = client.get(url(household)).content.decode()
    assert step("recognise", posted) not in body
    assert step("return", posted) in body
    assert step("submit", assessments["adhoc"]) not in body


def test_a_correction_names_the_round_of_the_assessment_it_corrects(
    client: Client, ducthang_officer: User
) -> None:
    household = make_household()
    make_member(household)
    corrected = make_assessment(household, review_round=make_round(2017))
    make_assessment(
        household,
        review_round=make_round(2018, kind=ReviewRound.Kind.AD_HOC),
        request_kind=RequestKind.CORRECTION,
        request_date=datetime.date(2018, 3, 1),
        corrects=corrected,
    )
    client.force_login(ducthang_officer)
    page = text(client.get(url(household)))
    assert "Điều chỉnh phiếu của Rà soát định kỳ năm 2017" in page


def test_a_correction_of_an_assessment_the_page_did_not_read_is_named_too(
    client: Client, ducthang_officer: User
) -> None:
    # The page names corrected assessments from the ones it read (the household's own); one
    # written otherwise (the admin, an import) is looked up.
    other = make_household(code="DT-0002")
    make_member(other)
    corrected = make_assessment(other, review_round=make_round(2017))
    household = make_household()
    make_member(household)
    make_assessment(
        household,
        review_round=make_round(2018, kind=ReviewRound.Kind.AD_HOC),
        request_kind=RequestKind.CORRECTION,
        request_date=datetime.date(2018, 3, 1),
        corrects=corrected,
    )
    client.force_login(ducthang_officer)

    page = text(client.get(url(household)))

    assert "Điều chỉnh phiếu của Rà soát định kỳ năm 2017" in page


def test_causes_and_needs_read_in_one_statement_in_their_lists_order(
    django_assert_num_queries: Any, ducthang_officer: User
) -> None:
    household = make_household(code="DT-0009")
    make_member(household, full_name="Nguyễn Văn An", birth_year=1970)
    capital = PovertyCause.objects.get(code="lack-capital")
    illness = PovertyCause.objects.get(code="illness")
    capital.display_order, illness.display_order = 1, 2
    illness.save(), capital.save()
    credit = SupportNeed.objects.get(code="credit")
    first = make_assessment(
        household,
        review_round=make_round(2017),
        income_per_capita=800_000,
        causes=[illness, capital],
        needs=[credit],
        by=ducthang_officer,
    )
    second = make_assessment(
        household, review_round=make_round(2018), income_per_capita=800_000, causes=[capital]
    )
    third = make_assessment(household, review_round=make_round(2019), income_per_capita=800_000)

    with django_assert_num_queries(1):
        causes, needs = selectors.causes_and_needs([first.pk, second.pk, third.pk])

    # The list's display order, not the codes' nor the order they were ticked in.
    assert [c.code for c in causes[first.pk]] == ["lack-capital", "illness"]
    assert [c.code for c in causes[second.pk]] == ["lack-capital"]
    assert causes[third.pk] == [] and needs[second.pk] == [] and needs[third.pk] == []
    assert needs[first.pk] == [credit]
    assert str(needs[first.pk][0]) == credit.name
    assert selectors.causes_and_needs([]) == ({}, {})


def test_a_former_units_household_says_which_unit_it_now_belongs_to(
    client: Client, ducthang_officer: User
) -> None:
    # Đức Thắng was merged into P. Phan Thiết on 01/07/2025 (households migration 0015,
    # UNCONFIRMED); the household stays registered in Đức Thắng.
    old = make_household("duc-thang", code="DT-0001")
    make_member(old)
    client.force_login(ducthang_officer)

    page = client.get(url(old)).content.decode()

    note = re.search(r'data-testid="now-part-of">([^<]*)<', page)
    assert note is not None
    assert note.group(1).strip() == "nay thuộc Phường Phan Thiết (từ 01/07/2025)"
    # Without the merger, no note.
    UnitMerger.objects.filter(predecessor__code="duc-thang").delete()
    units.forget()
    assert "now-part-of" not in client.get(url(old)).content.decode()
