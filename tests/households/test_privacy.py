"""Issue 10: national ID numbers in full only for the ward's officers and administrators; masked
for everyone else on the household page, the household profile PDF and the export with members
(Decree 13/2023/NĐ-CP). One rule: `households.privacy`."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from households import privacy
from households.models import Household, Member, User, Ward
from programs.models import CommitteeMember
from tests.factories import make_household, make_member, make_recognised, make_round, make_user
from tests.reports.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

HEAD_ID = "060075001234"
MASKED = "060*******34"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("060075001234", "060*******34"),
        ("261000111", "261****11"),
        ("12345", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_national_id_keeps_the_first_three_and_last_two_digits(
    value: str | None, masked: str
) -> None:
    assert privacy.mask_national_id(value) == masked


@pytest.fixture
def household(db: None) -> Household:
    make_round(2017)
    household = make_household(code="DT-0001", head_name="Trần Văn Hai")
    make_member(
        household, full_name="Trần Văn Hai", national_id=HEAD_ID, ethnicity="cham", birth_year=1975
    )
    make_member(
        household,
        full_name="Trần Thị Ba",
        birth_year=2012,
        relation=Member.Relation.CHILD,
        attends_school=True,
    )
    make_recognised(household, 600_000, year=2017)  # poor, on the list in force today
    return household


@pytest.fixture
def follower(committee_member: User, duc_thang: Ward) -> User:
    member = CommitteeMember.objects.create(
        full_name="Lê Văn Theo Dõi", position="Ủy viên", level="city", user=committee_member
    )
    member.assigned_wards.set([duc_thang])
    return committee_member


@pytest.fixture
def health(db: None) -> User:
    from programs.models import Agency

    return make_user("yte", role=User.Role.AGENCY_USER, agency=Agency.objects.get(code="y-te"))


# Who sees the number in full on the household page and its PDF.
ROLES = [
    ("ducthang_officer", True),
    ("administrator", True),
    ("city_reviewer", False),
    ("follower", False),
    ("health", False),
]


@pytest.mark.parametrize(("persona", "full"), ROLES)
def test_can_see_national_id_by_role(
    request: pytest.FixtureRequest, household: Household, persona: str, full: bool
) -> None:
    user = request.getfixturevalue(persona)
    assert privacy.can_see_national_id(user, household) is full
    assert privacy.national_id_for(user, HEAD_ID, household) == (HEAD_ID if full else MASKED)


def test_an_officer_of_another_ward_may_not_see_the_number(
    tienloi_officer: User, household: Household
) -> None:
    assert not privacy.can_see_national_id(tienloi_officer, household)
    assert privacy.can_see_national_id(tienloi_officer)  # their own ward's, when no household


def test_anonymous_and_inactive_users_may_not_see_the_number(
    ducthang_officer: User, household: Household
) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not privacy.can_see_national_id(AnonymousUser(), household)
    ducthang_officer.is_active = False
    assert not privacy.can_see_national_id(ducthang_officer, household)


@pytest.mark.parametrize(("persona", "full"), ROLES)
def test_household_page_shows_the_number_in_full_or_masked(
    client: Client, request: pytest.FixtureRequest, household: Household, persona: str, full: bool
) -> None:
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("households:detail", args=[household.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    cells = re.findall(r'data-testid="national-id">([^<]*)<', body)
    assert cells[0] == (HEAD_ID if full else MASKED)
    assert (HEAD_ID in body) is full


@pytest.mark.parametrize(("persona", "full"), ROLES)
def test_household_profile_pdf_shows_the_number_in_full_or_masked(
    client: Client, request: pytest.FixtureRequest, household: Household, persona: str, full: bool
) -> None:
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("reports:household_profile_pdf", args=[household.pk]))

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Trần Văn Hai" in text
    assert (HEAD_ID in text) is full
    assert (MASKED in text) is not full


def test_the_profile_pdf_leaves_out_the_ethnic_minority_flag_for_an_agency(
    client: Client, health: User, ducthang_officer: User, household: Household
) -> None:
    household.is_ethnic_minority = True
    household.save()
    url = reverse("reports:household_profile_pdf", args=[household.pk])

    client.force_login(ducthang_officer)
    assert "dân tộc thiểu số" in pdf_text(client.get(url).content).lower()
    client.force_login(health)
    assert "dân tộc thiểu số" not in pdf_text(client.get(url).content).lower()


def test_ethnicity_shows_to_the_city_but_not_to_an_agency(
    client: Client, city_reviewer: User, health: User, household: Household
) -> None:
    url = reverse("households:detail", args=[household.pk])
    client.force_login(city_reviewer)
    assert "Chăm" in client.get(url).content.decode()
    client.force_login(health)
    assert "Chăm" not in client.get(url).content.decode()


def _export(client: Client) -> tuple[list[str], list[tuple[Any, ...]]]:
    response = client.get(reverse("reports:household_list_xlsx"), {"members": "1"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headers = [cell.value for cell in sheet[2]]
    return headers, list(sheet.iter_rows(min_row=3, values_only=True))


# Exports are for the ward's officers, the city and administrators (`can_see_reports`); an
# agency's narrowing is tested in tests/programs/test_agency_privacy.py.
@pytest.mark.parametrize(("persona", "full"), ROLES[:3])
def test_export_with_members_shows_the_number_in_full_or_masked(
    client: Client, request: pytest.FixtureRequest, household: Household, persona: str, full: bool
) -> None:
    client.force_login(request.getfixturevalue(persona))

    headers, rows = _export(client)

    column = headers.index("Số CMND/CCCD")
    assert rows[0][column] == (HEAD_ID if full else MASKED)


def test_searching_by_a_full_number_finds_the_household_but_shows_it_masked(
    client: Client, city_reviewer: User, household: Household
) -> None:
    # Knowing the number already discloses nothing: the city may look a person up by it.
    client.force_login(city_reviewer)

    response = client.get(reverse("households:list"), {"q": HEAD_ID})

    assert [h.code for h in response.context["page"].object_list] == ["DT-0001"]
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert HEAD_ID not in page and MASKED in page


def test_the_export_command_runs_as_an_administrator_with_full_numbers(
    household: Household, tmp_path: Any
) -> None:
    from django.core.management import call_command

    out = tmp_path / "ho.xlsx"
    call_command(
        "export_households", year=2017, members=True, output=str(out), stdout=io.StringIO()
    )

    sheet = load_workbook(out).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert HEAD_ID in values
