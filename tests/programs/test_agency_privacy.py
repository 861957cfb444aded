"""Issue 10: a partner agency sees only the households and members its programmes concern, and
only its own agency's records (Decree 13/2023/NĐ-CP: no more personal data than the purpose).

The education office's programmes (tuition exemption for the poor, the 50% reduction for the
near-poor) are for pupils: a near-poor household with no pupil is none of its business; one
with a pupil is, and only the pupil is listed.
"""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import ViewLog
from households.models import Household, Member, User
from households.selectors import HouseholdFilters
from programs import selectors, services, worklists
from programs.models import Agency, Loan, Programme
from programs.scope import scope_for
from reports import households_export
from tests.factories import (
    ASYNC_COMMIT,
    REFERENCE_READ_AGAIN,
    REFERENCE_VERSION,
    make_household,
    make_member,
    make_recognised,
    make_round,
    make_user,
)

pytestmark = pytest.mark.django_db

NEAR_POOR = 1_100_000  # Đức Thắng is urban: between the poverty line and the near-poor line
POOR = 600_000
HEAD_ID = "060075001234"
PUPIL_ID = "060112009876"


def agency_login(username: str, code: str) -> User:
    return make_user(username, role=User.Role.AGENCY_USER, agency=Agency.objects.get(code=code))


@pytest.fixture
def education() -> User:
    return agency_login("giaoduc", "gd-dt")


@pytest.fixture
def health() -> User:
    return agency_login("yte", "y-te")


@pytest.fixture
def bank() -> User:
    return agency_login("nhcsxh", "nhcsxh")


def _family(code: str, income: int, *, pupil: bool) -> Household:
    """A household recognised in the 2017 review (the list in force today): a head with an ID
    number, an ethnicity and a disability, an adult child, and a pupil if asked."""
    household = make_household(code=code, head_name=f"Chủ hộ {code}")
    make_member(
        household,
        full_name=f"Chủ hộ {code}",
        birth_year=1975,
        national_id=HEAD_ID if pupil else None,
        ethnicity="cham",
        disability="severe",
    )
    make_member(
        household,
        full_name=f"Con lớn {code}",
        birth_year=1998,
        relation=Member.Relation.CHILD,
        education_level=Member.Education.UPPER_SECONDARY,
    )
    if pupil:
        make_member(
            household,
            full_name=f"Học sinh {code}",
            birth_year=2012,
            relation=Member.Relation.CHILD,
            attends_school=True,
            national_id=PUPIL_ID,
            education_level=Member.Education.LOWER_SECONDARY,
        )
    make_recognised(household, income, year=2017)
    return household


@pytest.fixture
def homes(db: None) -> dict[str, Household]:
    make_round(2017)
    return {
        "no_pupil": _family("DT-0001", NEAR_POOR, pupil=False),
        "pupil": _family("DT-0002", NEAR_POOR, pupil=True),
    }


def listed(client: Client) -> list[str]:
    response = client.get(reverse("households:list"))
    assert response.status_code == 200
    return sorted(h.code for h in response.context["page"].object_list)


def members_section(body: str) -> str:
    match = re.search(r'aria-labelledby="members-heading">(.*?)</section>', body, re.S)
    assert match is not None
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


# --- scope ----------------------------------------------------------------------------------


def test_the_education_office_sees_a_near_poor_household_only_if_it_has_a_pupil(
    client: Client, education: User, homes: dict[str, Household]
) -> None:
    client.force_login(education)

    assert listed(client) == ["DT-0002"]
    no_pupil = reverse("households:detail", args=[homes["no_pupil"].pk])
    assert client.get(no_pupil).status_code == 404
    pdf = reverse("reports:household_profile_pdf", args=[homes["no_pupil"].pk])
    assert client.get(pdf).status_code == 404


def test_the_education_office_is_shown_the_pupil_only_masked_and_without_traits(
    client: Client, education: User, homes: dict[str, Household]
) -> None:
    client.force_login(education)

    response = client.get(reverse("households:detail", args=[homes["pupil"].pk]))

    assert response.status_code == 200
    section = members_section(response.content.decode())
    assert "Thành viên (1)" in section
    assert "Học sinh DT-0002" in section
    assert "Con lớn DT-0002" not in section
    assert "Chủ hộ DT-0002" not in section
    assert PUPIL_ID not in section
    assert "060*******76" in section
    assert "Dân tộc" not in section and "Chăm" not in section
    assert "Khuyết tật" not in section and "khuyết tật" not in section


def test_a_delivery_naming_a_member_shows_that_member(
    client: Client, education: User, homes: dict[str, Household]
) -> None:
    # The adult child received a study-cost support (an exception given by the office).
    household = homes["pupil"]
    adult = household.members.get(full_name="Con lớn DT-0002")
    services.benefit_record(
        programme=Programme.objects.get(code="ho-tro-chi-phi-hoc-tap"),
        household=household,
        member=adult,
        date=datetime.date(2018, 10, 1),
        amount=100_000,
        override_reason="Sinh viên, Phòng GD-ĐT quyết định",
        by=User.objects.get(username="factory-admin"),
    )
    client.force_login(education)

    section = members_section(
        client.get(reverse("households:detail", args=[household.pk])).content.decode()
    )

    assert "Con lớn DT-0002" in section
    assert "Chủ hộ DT-0002" not in section


def test_a_programme_for_every_member_shows_them_all(
    client: Client, health: User, homes: dict[str, Household]
) -> None:
    # Medical care for the poor and near-poor covers every member of an eligible household.
    client.force_login(health)

    assert listed(client) == ["DT-0001", "DT-0002"]
    section = members_section(
        client.get(reverse("households:detail", args=[homes["pupil"].pk])).content.decode()
    )
    assert "Thành viên (3)" in section
    assert HEAD_ID not in section and "060*******34" in section


def test_concerned_members_follow_the_rules_member_conditions(
    education: User, health: User, ducthang_officer: User, homes: dict[str, Household]
) -> None:
    today = timezone.localdate()
    household = homes["pupil"]

    def names(user: User) -> list[str]:
        return [m.full_name for m in selectors.concerned_members(scope_for(user), household)]

    assert names(education) == ["Học sinh DT-0002"]
    assert names(health) == ["Chủ hộ DT-0002", "Con lớn DT-0002", "Học sinh DT-0002"]
    assert names(ducthang_officer) == names(health)
    assert selectors.concerned_members_q(ducthang_officer, today) is None


def test_a_rule_with_ages_concerns_members_of_those_ages(
    homes: dict[str, Household],
) -> None:
    # Vocational training: working-age members (15–60) only.
    agency = Agency.objects.create(code="nghe", name="Trường nghề", kind="department")
    training = Programme.objects.get(code="day-nghe")
    training.agency = agency
    training.save()
    user = make_user("nghe", role=User.Role.AGENCY_USER, agency=agency)

    concerned = selectors.concerned_members_q(user, datetime.date(2026, 6, 1))
    assert concerned is not None
    names = [m.full_name for m in homes["pupil"].members.filter(concerned).order_by("id")]

    assert names == ["Chủ hộ DT-0002", "Con lớn DT-0002"]


# --- other agencies' records ----------------------------------------------------------------


@pytest.fixture
def loan(homes: dict[str, Household]) -> Loan:
    household = homes["pupil"]
    return services.loan_record(
        programme=Programme.objects.get(code="vay-ho-can-ngheo"),
        household=household,
        date=datetime.date(2018, 3, 1),
        amount=20_000_000,
        purpose="Nuôi bò",
        term_months=36,
        by=User.objects.get(username="factory-admin"),
    )


def test_the_health_office_cannot_open_a_social_policy_bank_loan(
    client: Client, health: User, bank: User, loan: Loan
) -> None:
    client.force_login(health)
    # The household itself is in the health office's scope: the loan is not.
    assert (
        client.get(reverse("households:detail", args=[loan.benefit.household_id])).status_code
        == 200
    )

    assert client.get(reverse("programs:loan_detail", args=[loan.pk])).status_code == 404
    response = client.post(
        reverse("programs:loan_check_create", args=[loan.pk]),
        {"checked_on": "01/06/2018", "used_as_intended": "yes", "note": "x"},
    )
    assert response.status_code == 404
    assert not loan.checks.exists()

    client.force_login(bank)
    assert client.get(reverse("programs:loan_detail", args=[loan.pk])).status_code == 200


def test_the_household_page_shows_an_agency_its_own_benefits_only(
    client: Client, health: User, ducthang_officer: User, loan: Loan
) -> None:
    household = loan.benefit.household
    services.benefit_record(
        programme=Programme.objects.get(code="kham-chua-benh"),
        household=household,
        member=household.members.get(full_name="Chủ hộ DT-0002"),
        date=datetime.date(2018, 4, 1),
        quantity=1,
        by=User.objects.get(username="factory-admin"),
    )
    page = reverse("households:detail", args=[household.pk])

    client.force_login(health)
    body = client.get(page).content.decode()
    assert "Hỗ trợ khám, chữa bệnh" in body
    assert "Nuôi bò" not in body and "Cho vay hộ cận nghèo" not in body

    client.force_login(ducthang_officer)
    body = client.get(page).content.decode()
    assert "Hỗ trợ khám, chữa bệnh" in body and "Cho vay hộ cận nghèo" in body


# --- worklists and exports ------------------------------------------------------------------


def test_the_agency_worklists_list_only_concerned_members(
    education: User, health: User, homes: dict[str, Household]
) -> None:
    def names(user: User) -> set[str]:
        return set(
            worklists.members_in_year(scope_for(user), 2018).values_list("full_name", flat=True)
        )

    assert names(education) == {"Học sinh DT-0002"}
    assert names(health) == {
        "Chủ hộ DT-0001",
        "Con lớn DT-0001",
        "Chủ hộ DT-0002",
        "Con lớn DT-0002",
        "Học sinh DT-0002",
    }


def test_the_export_with_members_is_narrowed_and_masked_for_an_agency(
    education: User, homes: dict[str, Household]
) -> None:
    sheet = households_export.household_sheet(
        user=education,
        scope=scope_for(education),
        filters=HouseholdFilters(),
        sort="code",
        ward=None,
        review_round=None,
        with_members=True,
    )
    headers = [str(c.header) for c in sheet.columns]
    rows = list(sheet.rows)

    assert [row[headers.index("Họ và tên")] for row in rows] == ["Học sinh DT-0002"]
    row = rows[0]
    assert row[headers.index("Số CMND/CCCD")] == "060*******76"
    # Hidden: the cells are left empty (the member is Chăm and has a disability).
    assert row[headers.index("Dân tộc")] is None
    assert row[headers.index("Khuyết tật")] is None


# --- queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 6])
def test_an_agency_users_page_runs_fixed_queries(
    client: Client,
    education: User,
    homes: dict[str, Household],
    django_assert_num_queries: Any,
    extra: int,
) -> None:
    household = homes["pupil"]
    for n in range(extra):
        make_member(
            household,
            full_name=f"Cháu {n}",
            birth_year=2010,
            relation=Member.Relation.GRANDCHILD,
            attends_school=bool(n % 2),
        )
    client.force_login(education)
    client.get(reverse("households:detail", args=[household.pk]))

    with django_assert_num_queries(QUERIES_AGENCY_PAGE):
        response = client.get(reverse("households:detail", args=[household.pk]))

    assert response.status_code == 200
    # The change history is for the ward's officers and the city (`access.can_see_history`).
    assert 'data-testid="history-link"' not in response.content.decode()
    assert client.get(reverse("households:history", args=[household.pk])).status_code == 403
    assert not ViewLog.objects.filter(detail="history").exists()


# The page as tests/households/test_views_detail.py counts it for an officer (the view log's
# insert included; the change history is a page of its own, never shown to agencies), plus,
# for the members section (`households.privacy.shown_members`), the ids of the members the
# agency's rules concern: one query, whatever the number of members. The rules in force are
# read once, with the request's scope (`giamngheo.access.scope_middleware`; before it, once for
# the household's lookup and again for the members: 17 here). The look counted is the second:
# the programmes, their rules and the latest periodic round are kept from the first
# (`programs.reference`: its version is one query).
QUERIES_AGENCY_PAGE = 16 + REFERENCE_VERSION + REFERENCE_READ_AGAIN + ASYNC_COMMIT
