"""Households are archived with their history, never deleted (issue 10)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from households import selectors, services
from households.models import Household, RequestKind, ReviewRound, ReviewState, User
from households.selectors import HouseholdFilters
from programs.scope import scope_for
from tests.factories import (
    make_assessment,
    make_assessment_in_state,
    make_household,
    make_member,
    make_round,
    member_row,
    workspace_household_form,
)

pytestmark = pytest.mark.django_db

REASON = "Cả hộ chuyển vào TP. Hồ Chí Minh sinh sống lâu dài."


def household_with_head(code: str = "DT-0001", ward_code: str = "duc-thang") -> Household:
    household = make_household(ward_code, code=code, head_name=f"Trần Văn {code}")
    make_member(household, full_name=f"Trần Văn {code}")
    return household


def archive_url(household: Household) -> str:
    return reverse("households:archive", args=[household.pk])


def fresh(household: Household) -> Household:
    return Household.objects.get(pk=household.pk)


# --- the service ---------------------------------------------------------------------------


def test_the_wards_officer_archives_with_a_reason_and_nothing_is_deleted(
    ducthang_officer: User,
) -> None:
    household = household_with_head()
    make_assessment(household)

    services.household_archive(household=household, by=ducthang_officer, reason=f"  {REASON} ")

    saved = fresh(household)
    assert saved.archived_at is not None
    assert saved.archived_by == ducthang_officer
    assert saved.archive_reason == REASON
    assert saved.version == 2  # a form opened before is stale
    assert saved.members.count() == 1 and saved.assessments.count() == 1
    last = saved.history.first()  # type: ignore[attr-defined]
    assert last.history_user == ducthang_officer and last.archive_reason == REASON


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(ducthang_officer: User, reason: str) -> None:
    household = household_with_head()
    with pytest.raises(ValidationError) as exc:
        services.household_archive(household=household, by=ducthang_officer, reason=reason)
    assert exc.value.message_dict == {"archive_reason": ["Nhập lý do lưu trữ hộ."]}
    assert fresh(household).archived_at is None


def test_only_the_wards_officer_or_an_administrator_may_archive(
    tienloi_officer: User, city_reviewer: User, agency_user: User, administrator: User
) -> None:
    household = household_with_head()
    for user in (tienloi_officer, city_reviewer, agency_user):
        with pytest.raises(PermissionDenied):
            services.household_archive(household=household, by=user, reason=REASON)
    assert fresh(household).archived_at is None
    services.household_archive(household=household, by=administrator, reason=REASON)
    assert fresh(household).archived_by == administrator


def test_an_archived_household_is_not_archived_twice(ducthang_officer: User) -> None:
    household = household_with_head()
    services.household_archive(household=household, by=ducthang_officer, reason=REASON)
    first = fresh(household).archived_at
    with pytest.raises(ValidationError, match="đã được lưu trữ ngày"):
        services.household_archive(household=fresh(household), by=ducthang_officer, reason="Khác")
    assert fresh(household).archived_at == first
    assert fresh(household).archive_reason == REASON


def test_a_household_in_the_middle_of_its_public_review_is_not_archived(
    ducthang_officer: User, city_reviewer: User
) -> None:
    household = household_with_head()
    make_assessment_in_state(
        household, ReviewState.SUBMITTED, officer=ducthang_officer, reviewer=city_reviewer
    )
    with pytest.raises(ValidationError, match="đang được rà soát"):
        services.household_archive(household=household, by=ducthang_officer, reason=REASON)
    assert fresh(household).archived_at is None


def test_an_archived_household_and_its_members_are_not_changed(ducthang_officer: User) -> None:
    household = household_with_head()
    services.household_archive(household=household, by=ducthang_officer, reason=REASON)
    household = fresh(household)
    with pytest.raises(ValidationError, match="đã được lưu trữ"):
        services.household_update(household=household, address="1 Lê Lợi")
    with pytest.raises(ValidationError, match="đã được lưu trữ"):
        make_member(household, full_name="Trần Thị Mới", relation="child", birth_year=2010)
    with pytest.raises(ValidationError, match="đã được lưu trữ"):
        services.member_delete(member=household.members.get())
    assert fresh(household).address == "12 Trần Hưng Đạo"
    assert household.members.count() == 1


def test_only_an_administrator_brings_an_archived_household_back(
    ducthang_officer: User, administrator: User
) -> None:
    household = household_with_head()
    services.household_archive(household=household, by=ducthang_officer, reason=REASON)
    with pytest.raises(PermissionDenied):
        services.household_unarchive(household=fresh(household), by=ducthang_officer)

    services.household_unarchive(household=fresh(household), by=administrator)

    saved = fresh(household)
    assert (saved.archived_at, saved.archived_by, saved.archive_reason) == (None, None, "")
    with pytest.raises(ValidationError, match="không ở trạng thái lưu trữ"):
        services.household_unarchive(household=saved, by=administrator)


def test_household_delete_is_gone() -> None:
    assert not hasattr(services, "household_delete")


# --- the workspace -------------------------------------------------------------------------


def test_the_household_page_offers_archiving_to_those_allowed(
    client: Client, ducthang_officer: User, city_reviewer: User
) -> None:
    household = household_with_head()
    client.force_login(ducthang_officer)
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert archive_url(household) in page and "Lưu trữ hộ" in page
    client.force_login(city_reviewer)
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert archive_url(household) not in page


def test_archiving_from_the_workspace(client: Client, ducthang_officer: User) -> None:
    household = household_with_head()
    client.force_login(ducthang_officer)
    form = client.get(archive_url(household))
    assert form.status_code == 200
    assert "Lý do lưu trữ" in form.content.decode()

    response = client.post(archive_url(household), {"reason": REASON}, follow=True)

    assert response.redirect_chain == [(reverse("households:detail", args=[household.pk]), 302)]
    saved = fresh(household)
    assert saved.archive_reason == REASON and saved.archived_by == ducthang_officer
    page = response.content.decode()
    day = timezone.localtime(saved.archived_at).strftime("%d/%m/%Y")
    assert f"Hộ đã lưu trữ ngày {day} – lý do: {REASON}" in page
    # Kept as it was: no edit, survey or archive button any more.
    assert reverse("households:edit", args=[household.pk]) not in page
    assert reverse("households:assessment_create", args=[household.pk]) not in page
    assert archive_url(household) not in page


def test_archiving_without_a_reason_saves_nothing(client: Client, ducthang_officer: User) -> None:
    household = household_with_head()
    client.force_login(ducthang_officer)
    response = client.post(archive_url(household), {"reason": "  "})
    assert response.status_code == 200
    assert "Nhập lý do lưu trữ hộ." in response.content.decode()
    assert fresh(household).archived_at is None and fresh(household).version == 1


def test_archiving_a_household_in_review_shows_why_and_saves_nothing(
    client: Client, ducthang_officer: User, city_reviewer: User
) -> None:
    household = household_with_head()
    make_assessment_in_state(
        household, ReviewState.POSTED, officer=ducthang_officer, reviewer=city_reviewer
    )
    client.force_login(ducthang_officer)
    response = client.post(archive_url(household), {"reason": REASON})
    assert response.status_code == 200
    assert "đang được rà soát" in response.content.decode()
    assert fresh(household).archived_at is None


def test_archiving_checks_who_asks(
    client: Client, tienloi_officer: User, city_reviewer: User
) -> None:
    household = household_with_head()
    assert client.get(archive_url(household)).status_code == 302  # anonymous: to the login page
    assert client.post(archive_url(household), {"reason": REASON}).status_code == 302
    client.force_login(tienloi_officer)
    assert client.post(archive_url(household), {"reason": REASON}).status_code == 404
    client.force_login(city_reviewer)
    assert client.post(archive_url(household), {"reason": REASON}).status_code == 403
    assert fresh(household).archived_at is None


def test_an_archived_household_cannot_be_edited_from_the_workspace(
    client: Client, ducthang_officer: User
) -> None:
    household = household_with_head()
    data = workspace_household_form(
        household, members=[member_row(household.members.get())], address="1 Lê Lợi"
    )
    services.household_archive(household=household, by=ducthang_officer, reason=REASON)
    client.force_login(ducthang_officer)

    for response in (
        client.get(reverse("households:edit", args=[household.pk]), follow=True),
        client.post(reverse("households:edit", args=[household.pk]), data, follow=True),
    ):
        assert response.redirect_chain[-1][0] == reverse("households:detail", args=[household.pk])
        assert "không thể sửa" in response.content.decode()
    assert fresh(household).address == "12 Trần Hưng Đạo"


def test_the_list_hides_archived_households_unless_asked(
    client: Client, ducthang_officer: User, agency_user: User
) -> None:
    kept = household_with_head("DT-0001")
    gone = household_with_head("DT-0002")
    services.household_archive(household=gone, by=ducthang_officer, reason=REASON)

    client.force_login(ducthang_officer)
    page = client.get(reverse("households:list")).content.decode()
    assert "DT-0001" in page and "DT-0002" not in page

    def codes(user: User, **filters: object) -> list[str]:
        found = selectors.household_list(
            user=user, scope=scope_for(user), filters=HouseholdFilters(**filters), sort="code"
        )
        return [h.code for h in found]

    assert codes(ducthang_officer) == [kept.code]
    assert codes(ducthang_officer, archived=True) == [gone.code]
    # Official figures: a day's list leaves out the households archived by then.
    today = timezone.localdate()
    assert codes(ducthang_officer, on=today) == [kept.code]
    assert codes(ducthang_officer, on=today - datetime.timedelta(days=1)) == ["DT-0001", "DT-0002"]


def test_the_page_of_an_archived_household_stays_readable(
    client: Client, ducthang_officer: User, city_reviewer: User
) -> None:
    household = household_with_head()
    services.household_archive(household=household, by=ducthang_officer, reason=REASON)
    client.force_login(city_reviewer)
    response = client.get(reverse("households:detail", args=[household.pk]))
    assert response.status_code == 200
    assert 'data-testid="archived-banner"' in response.content.decode()
    # Asking to archive it again only says it is archived.
    client.force_login(ducthang_officer)
    again = client.get(archive_url(household), follow=True)
    assert again.redirect_chain[-1][0] == reverse("households:detail", args=[household.pk])


def test_no_survey_or_review_of_an_archived_household(
    client: Client, ducthang_officer: User
) -> None:
    household = household_with_head()
    draft = make_assessment(household)
    services.household_archive(household=household, by=ducthang_officer, reason=REASON)
    household = fresh(household)
    detail = reverse("households:detail", args=[household.pk])

    # The service refuses, whoever calls it.
    with pytest.raises(ValidationError, match="lưu trữ"):
        make_assessment(household, review_round=make_round(2018))
    with pytest.raises(ValidationError, match="lưu trữ"):
        services.assessment_submit(assessment=draft, by=ducthang_officer)
    with pytest.raises(ValidationError, match="lưu trữ"):
        services.assessment_open_adhoc(
            household=household,
            round=make_round(2017, kind=ReviewRound.Kind.AD_HOC),
            request_kind=RequestKind.ADDITION,
            request_date=datetime.date(2017, 5, 2),
            by=ducthang_officer,
        )
    # The pages send the officer back to the household page with why.
    client.force_login(ducthang_officer)
    for url in (
        reverse("households:assessment_create", args=[household.pk]),
        reverse("households:assessment_edit", args=[draft.pk]),
        reverse("households:adhoc_open", args=[household.pk]),
    ):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == detail, url
        assert "lưu trữ" in response.content.decode()
    assert household.assessments.count() == 1
    assert fresh(household).assessments.get().state == ReviewState.DRAFT


def test_the_home_page_counts_only_households_in_the_register(ducthang_officer: User) -> None:
    household_with_head("DT-0001")
    gone = household_with_head("DT-0002")
    assert (
        selectors.home_numbers(scope=scope_for(ducthang_officer), with_queues=False).households == 2
    )

    services.household_archive(household=gone, by=ducthang_officer, reason=REASON)

    assert (
        selectors.home_numbers(scope=scope_for(ducthang_officer), with_queues=False).households == 1
    )
    rows = selectors.home_ward_rows(scope=scope_for(ducthang_officer), review_round=None)
    assert [row.households for row in rows] == [1]


def test_the_list_page_toggles_to_archived_households(
    client: Client, ducthang_officer: User
) -> None:
    household_with_head("DT-0001")
    gone = household_with_head("DT-0002")
    services.household_archive(household=gone, by=ducthang_officer, reason=REASON)
    client.force_login(ducthang_officer)

    page = client.get(reverse("households:list") + "?archived=1").content.decode()

    assert "DT-0002" in page and "DT-0001" not in page
