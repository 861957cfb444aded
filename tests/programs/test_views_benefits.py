"""The programme catalogue, recording benefits and loans, and the loan page (issue 4 §3–§6)."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from households.models import Household, Member, User
from programs import services
from programs.models import (
    Agency,
    Benefit,
    CommitteeMember,
    HouseholdAssignment,
    Loan,
    LoanCheck,
    Programme,
)
from tests.factories import (
    make_assessment_in_state,
    make_household,
    make_member,
    make_recognised,
    make_round,
)

pytestmark = pytest.mark.django_db

DAY = "15/10/2017"  # the 2016 review's list is in force (from 01/01/2017)


def text(response: HttpResponse) -> str:
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def field_errors(response: HttpResponse, name: str) -> str:
    """The text of the error list under field `name` (empty when there is none)."""
    match = re.search(
        rf'<ul class="errorlist" id="id_{name}_errors">(.*?)</ul>', response.content.decode(), re.S
    )
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split()) if match else ""


def make_family(
    ward_code: str = "duc-thang", *, code: str = "DT-0001", income: int = 700_000
) -> tuple[Household, Member]:
    """A household recognised poor (700.000 đ) in the 2016 review, so on the list in force in
    2017, with a pupil born 2010."""
    household = make_household(ward_code, code=code)
    make_member(household, full_name="Nguyễn Văn An", birth_year=1975)
    pupil = make_member(
        household,
        full_name="Nguyễn Thị Bé",
        birth_year=2010,
        sex=Member.Sex.FEMALE,
        relation=Member.Relation.CHILD,
        attends_school=True,
        education_level=Member.Education.PRIMARY,
    )
    make_recognised(household, income, year=2016)
    return household, pupil


@pytest.fixture(scope="module")
def _family(module_db: None, django_db_blocker: Any) -> tuple[int, int]:
    """make_family() written once for the module (`module_db`): each test runs in a savepoint
    rolled back to it."""
    with django_db_blocker.unblock():
        household, pupil = make_family()
    return household.pk, pupil.pk


@pytest.fixture
def family(_family: tuple[int, int], ducthang_officer: User) -> tuple[Household, Member]:
    # Each test's own copies.
    household, pupil = _family
    return Household.objects.get(pk=household), Member.objects.get(pk=pupil)


def new_benefit(household: Household) -> str:
    return reverse("programs:benefit_create", args=[household.pk])


def new_loan(household: Household) -> str:
    return reverse("programs:loan_create", args=[household.pk])


def benefit_form(programme: str, **fields: str) -> dict[str, str]:
    return {"programme": programme, "member": "", "date": DAY, "amount": "", **fields}


def loan_form(**fields: str) -> dict[str, str]:
    return {
        "programme": "vay-ho-ngheo",
        "member": "",
        "date": DAY,
        "amount": "20.000.000",
        "term_months": "36",
        "purpose": "Nuôi bò sinh sản",
        "reference": "KU-0457",
        **fields,
    }


def agency_of(user: User, code: str) -> User:
    user.agency = Agency.objects.get(code=code)
    user.save()
    return user


# --- The catalogue ---------------------------------------------------------------------------


def test_catalogue_lists_programmes_by_agency_with_who_is_eligible(
    client: Client, ducthang_officer: User, django_assert_num_queries: Any
) -> None:
    client.force_login(ducthang_officer)

    # session, user, the ward in the menu, programmes with their agencies, their rules, and
    # the savepoints
    with django_assert_num_queries(7):
        response = client.get(reverse("programs:programmes"))

    assert response.status_code == 200
    page = text(response)
    assert Agency.objects.get(code="gd-dt").name in page
    row = re.search(
        r'data-testid="programme-ho-tro-chi-phi-hoc-tap">(.*?)</tr>',
        response.content.decode(),
        re.S,
    )
    assert row is not None
    cells = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row.group(1))).split())
    assert "Hỗ trợ chi phí học tập" in cells
    assert "100.000 đ" in cells
    assert "Hộ nghèo" in cells
    assert "quy định có hiệu lực từ 01/01/2016" in cells

    def row_text(code: str) -> str:
        found = re.search(rf'data-testid="programme-{code}">(.*?)</tr>', page_html, re.S)
        assert found is not None, code
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())

    page_html = response.content.decode()
    assert "Hộ nghèo · Chỉ các xã (nông thôn)" in row_text("ho-tro-nha-o")
    assert "danh sách hộ nghèo theo chuẩn 2011–2015" in row_text("ho-tro-nha-o")
    assert "Mọi hộ · Chỉ các xã (nông thôn)" in row_text("vay-nuoc-sach")
    assert "Mọi hộ" in row_text("cuu-tro-dot-xuat")
    assert "Hộ nghèo, Hộ bảo trợ xã hội" in row_text("ho-tro-tien-dien")
    assert "Hộ cận nghèo" in row_text("giam-hoc-phi")
    assert "CHƯA XÁC NHẬN" in row_text("giam-hoc-phi")


def test_catalogue_needs_login(client: Client) -> None:
    response = client.get(reverse("programs:programmes"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_catalogue_is_open_to_agency_users(client: Client, agency_user: User) -> None:
    client.force_login(agency_of(agency_user, "gd-dt"))

    assert client.get(reverse("programs:programmes")).status_code == 200


# --- Recording a benefit -------------------------------------------------------------------


def test_household_level_benefit_is_recorded(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    client.force_login(ducthang_officer)

    response = client.post(
        new_benefit(household),
        benefit_form("ho-tro-tien-dien", amount="138.000", reference="45/QĐ-UBND"),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("households:detail", args=[household.pk]) + "#supports"
    benefit = Benefit.objects.get()
    assert benefit.programme.code == "ho-tro-tien-dien"
    assert benefit.household == household
    assert benefit.member is None
    assert benefit.amount == 138_000
    assert benefit.date == datetime.date(2017, 10, 15)
    assert benefit.reference == "45/QĐ-UBND"
    assert benefit.recorded_by == ducthang_officer


def test_member_level_benefit_is_recorded_for_the_pupil(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    household, pupil = family
    client.force_login(ducthang_officer)

    response = client.post(
        new_benefit(household), benefit_form("mien-hoc-phi", member=str(pupil.pk), quantity="1")
    )

    assert response.status_code == 302
    benefit = Benefit.objects.get()
    assert (benefit.programme.code, benefit.member, benefit.quantity) == ("mien-hoc-phi", pupil, 1)
    assert benefit.override_reason == ""


def test_form_preselects_the_programme_and_lists_eligible_members_first(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    household, pupil = family
    client.force_login(ducthang_officer)

    response = client.get(new_benefit(household) + "?programme=ho-tro-chi-phi-hoc-tap")

    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'<option value="ho-tro-chi-phi-hoc-tap" selected>', body)
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', body)
    assert int(options[0][0]) == pupil.pk  # the pupil first, the father after
    assert "Nguyễn Văn An" in html.unescape(options[1][1])
    assert 'value="100.000"' in body  # the programme's usual amount


def test_member_level_programme_without_member_is_refused(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    client.force_login(ducthang_officer)

    response = client.post(new_benefit(household), benefit_form("mien-hoc-phi", quantity="1"))

    assert response.status_code == 200
    assert field_errors(response, "member")
    assert not Benefit.objects.exists()


def test_ineligible_delivery_asks_for_a_reason_then_is_recorded_with_it(
    client: Client, ducthang_officer: User
) -> None:
    household, pupil = make_family(income=3_000_000)  # not poor: no tuition exemption
    client.force_login(ducthang_officer)
    data = benefit_form("mien-hoc-phi", member=str(pupil.pk), quantity="1")

    refused = client.post(new_benefit(household), data)

    assert refused.status_code == 200
    assert "hộ nghèo" in field_errors(refused, "override_reason")
    assert '<textarea name="override_reason"' in refused.content.decode()
    assert not Benefit.objects.exists()

    reason = "UBND phường quyết định hỗ trợ do hoàn cảnh đặc biệt khó khăn."
    accepted = client.post(new_benefit(household), {**data, "override_reason": reason})

    assert accepted.status_code == 302
    assert Benefit.objects.get().override_reason == reason


def test_ineligible_member_chosen_on_the_form_shows_why_before_saving(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    head = household.members.get(relation=Member.Relation.HEAD)
    client.force_login(ducthang_officer)

    response = client.get(new_benefit(household) + f"?programme=mien-hoc-phi&member={head.pk}")

    assert response.status_code == 200
    assert 'data-testid="eligibility"' in response.content.decode()
    assert '<textarea name="override_reason"' in response.content.decode()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": "-138.000"}, "amount", "âm"),
        ({"amount": "0"}, "amount", "lớn hơn 0"),
        ({"amount": "một trăm"}, "amount", "1.300.000"),
        ({"amount": "138.000", "date": "01/01/2099"}, "date", "sau ngày hôm nay"),
        ({"amount": "138.000", "date": "01/06/2016"}, "date", "01/09/2016"),
        ({"amount": "138.000", "date": "31/02/2017"}, "date", ""),
        ({"amount": "", "date": DAY}, "amount", ""),
    ],
)
def test_bad_input_is_refused_on_the_field_and_nothing_saved(
    client: Client,
    ducthang_officer: User,
    family: tuple[Household, Member],
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    household, _ = family
    client.force_login(ducthang_officer)

    response = client.post(new_benefit(household), benefit_form("ho-tro-tien-dien", **fields))

    assert response.status_code == 200
    errors = field_errors(response, field)
    assert errors
    assert message in errors
    assert "Chưa lưu" in text(response) or "sửa" in text(response)
    assert not Benefit.objects.exists()


def test_member_of_another_household_is_refused(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    _, stranger = make_family(code="DT-0002")
    client.force_login(ducthang_officer)

    response = client.post(
        new_benefit(household), benefit_form("mien-hoc-phi", member=str(stranger.pk), quantity="1")
    )

    assert response.status_code == 200
    assert "thành viên của hộ" in field_errors(response, "member")
    assert not Benefit.objects.exists()


def test_credit_programme_is_not_offered_as_a_benefit(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    client.force_login(ducthang_officer)

    response = client.post(new_benefit(household), loan_form())

    assert response.status_code == 200
    assert field_errors(response, "programme")
    assert not Benefit.objects.exists()


def test_benefit_pages_need_login(client: Client, family: tuple[Household, Member]) -> None:
    household, _ = family
    for url in (new_benefit(household), new_loan(household)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_another_wards_household_is_not_found(
    client: Client, tienloi_officer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    client.force_login(tienloi_officer)

    assert client.get(new_benefit(household)).status_code == 404
    response = client.post(new_benefit(household), benefit_form("ho-tro-tien-dien", amount="1"))
    assert response.status_code == 404
    assert client.get(new_loan(household)).status_code == 404
    assert not Benefit.objects.exists()


def test_city_reviewer_reads_but_may_not_record(
    client: Client, city_reviewer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    client.force_login(city_reviewer)

    assert client.get(new_benefit(household)).status_code == 403
    response = client.post(
        new_benefit(household), benefit_form("ho-tro-tien-dien", amount="138.000")
    )
    assert response.status_code == 403
    assert client.post(new_loan(household), loan_form()).status_code == 403
    assert not Benefit.objects.exists()


def test_agency_user_records_only_their_agencys_programmes(
    client: Client, agency_user: User, family: tuple[Household, Member]
) -> None:
    household, pupil = family
    client.force_login(agency_of(agency_user, "gd-dt"))

    form = client.get(new_benefit(household))
    assert form.status_code == 200
    select = re.search(r'<select name="programme".*?</select>', form.content.decode(), re.S)
    assert select is not None
    offered = set(re.findall(r'<option value="([a-z-]+)"', select.group(0)))
    assert offered == set(
        Programme.objects.filter(agency__code="gd-dt", is_credit=False).values_list(
            "code", flat=True
        )
    )

    other = client.post(new_benefit(household), benefit_form("ho-tro-tien-dien", amount="138.000"))
    assert other.status_code == 200
    assert "chương trình" in field_errors(other, "programme")
    assert not Benefit.objects.exists()

    own = client.post(
        new_benefit(household), benefit_form("mien-hoc-phi", member=str(pupil.pk), quantity="1")
    )
    assert own.status_code == 302
    assert Benefit.objects.get().recorded_by == agency_user


def test_agency_user_may_not_record_on_a_bank_loan_page(
    client: Client, agency_user: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    client.force_login(agency_of(agency_user, "gd-dt"))

    assert client.get(new_loan(household)).status_code == 403


def test_agency_user_does_not_see_households_their_programmes_do_not_concern(
    client: Client, agency_user: User
) -> None:
    household, _ = make_family("tien-loi", code="TL-0001", income=5_000_000)
    client.force_login(agency_of(agency_user, "gd-dt"))

    assert client.get(new_benefit(household)).status_code == 404


def test_committee_member_records_for_an_assigned_household(
    client: Client,
    committee_member: User,
    ducthang_officer: User,
    family: tuple[Household, Member],
) -> None:
    household, _ = family
    other, _ = make_family(code="DT-0002")
    member = CommitteeMember.objects.create(
        full_name="Lê Thị Hoa",
        position="Phó Chủ tịch Hội Liên hiệp Phụ nữ",
        level=CommitteeMember.Level.CITY,
        user=committee_member,
    )
    HouseholdAssignment.objects.create(
        household=household, member=member, since=datetime.date(2017, 9, 1)
    )
    client.force_login(committee_member)

    response = client.post(
        new_benefit(household), benefit_form("ho-tro-tien-dien", amount="138.000")
    )

    assert response.status_code == 302
    assert Benefit.objects.get().recorded_by == committee_member
    assert client.get(new_benefit(other)).status_code == 404


# --- Recording a loan --------------------------------------------------------------------------


def test_loan_is_recorded_with_its_balance(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    client.force_login(ducthang_officer)

    response = client.post(new_loan(household), loan_form())

    assert response.status_code == 302
    loan = Loan.objects.select_related("benefit__programme").get()
    assert loan.benefit.programme.code == "vay-ho-ngheo"
    assert loan.benefit.amount == 20_000_000
    assert loan.benefit.reference == "KU-0457"
    assert loan.benefit.date == datetime.date(2017, 10, 15)
    assert (loan.purpose, loan.term_months, loan.outstanding) == (
        "Nuôi bò sinh sản",
        36,
        20_000_000,
    )
    assert not loan.is_overdue


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "-5.000.000"}, "amount"),
        ({"term_months": "0"}, "term_months"),
        ({"purpose": ""}, "purpose"),
        ({"outstanding": "25.000.000"}, "outstanding"),
        ({"date": "01/01/2016"}, "date"),
        ({"programme": "ho-tro-tien-dien"}, "programme"),
    ],
)
def test_bad_loan_is_refused_and_nothing_saved(
    client: Client,
    ducthang_officer: User,
    family: tuple[Household, Member],
    fields: dict[str, str],
    field: str,
) -> None:
    household, _ = family
    client.force_login(ducthang_officer)

    response = client.post(new_loan(household), loan_form(**fields))

    assert response.status_code == 200
    assert field_errors(response, field)
    assert not Benefit.objects.exists()
    assert not Loan.objects.exists()


# --- The loan page -----------------------------------------------------------------------------


def make_loan(household: Household, by: User, *, updates: int = 0, checks: int = 0) -> Loan:
    programme = Programme.objects.get(code="vay-ho-ngheo")
    loan = services.loan_record(
        programme=programme,
        household=household,
        date=datetime.date(2017, 10, 15),
        amount=20_000_000,
        purpose="Nuôi bò sinh sản",
        term_months=36,
        reference="KU-0457",
        by=by,
    )
    for n in range(updates):
        loan = services.loan_update(
            loan=loan,
            outstanding=20_000_000 - (n + 1) * 1_000_000,
            is_overdue=False,
            balance_on=datetime.date(2018, 1 + n, 1),
            by=by,
        )
    for n in range(checks):
        services.loan_check_record(
            loan=loan,
            checked_on=datetime.date(2018, 1 + n, 10),
            used_as_intended=True,
            note=f"Đã mua {n + 1} con bò.",
            by=by,
        )
    return loan


def loan_url(loan: Loan) -> str:
    return reverse("programs:loan_detail", args=[loan.pk])


def check_url(loan: Loan) -> str:
    return reverse("programs:loan_check_create", args=[loan.pk])


@pytest.mark.parametrize("rows", [1, 5])
def test_loan_page_shows_balances_and_checks_in_fixed_queries(
    client: Client,
    ducthang_officer: User,
    family: tuple[Household, Member],
    django_assert_num_queries: Any,
    rows: int,
) -> None:
    household, _ = family
    loan = make_loan(household, ducthang_officer, updates=rows, checks=rows)
    client.force_login(ducthang_officer)

    # session, user, the ward in the menu, the loan with its benefit, balance history, checks,
    # and the savepoints
    with django_assert_num_queries(8):
        response = client.get(loan_url(loan))

    assert response.status_code == 200
    page = text(response)
    assert "20.000.000 đ" in page
    assert f"{20_000_000 - rows * 1_000_000:,} đ".replace(",", ".") in page
    assert "Nuôi bò sinh sản" in page
    assert f"Đã mua {rows} con bò." in page
    balances = re.search(
        r'data-testid="loan-balances">(.*?)</table>', response.content.decode(), re.S
    )
    assert balances is not None
    assert balances.group(1).count("<tr>") == 1 + rows + 1  # header, updates, the first entry


def test_loan_balance_is_updated(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    loan = make_loan(household, ducthang_officer)
    client.force_login(ducthang_officer)

    response = client.post(
        loan_url(loan),
        {"outstanding": "15.000.000", "balance_on": "31/12/2018", "is_overdue": "on"},
    )

    assert response.status_code == 302
    loan.refresh_from_db()
    assert (loan.outstanding, loan.is_overdue, loan.balance_on) == (
        15_000_000,
        True,
        datetime.date(2018, 12, 31),
    )
    assert loan.history.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"outstanding": "25.000.000", "balance_on": "31/12/2018"}, "outstanding"),
        ({"outstanding": "-1", "balance_on": "31/12/2018"}, "outstanding"),
        ({"outstanding": "15.000.000", "balance_on": "01/01/2017"}, "balance_on"),
        ({"outstanding": "15.000.000", "balance_on": ""}, "balance_on"),
    ],
)
def test_bad_balance_is_refused_and_nothing_changed(
    client: Client,
    ducthang_officer: User,
    family: tuple[Household, Member],
    fields: dict[str, str],
    field: str,
) -> None:
    household, _ = family
    loan = make_loan(household, ducthang_officer)
    client.force_login(ducthang_officer)

    response = client.post(loan_url(loan), fields)

    assert response.status_code == 200
    assert field_errors(response, field)
    loan.refresh_from_db()
    assert loan.outstanding == 20_000_000
    assert loan.history.count() == 1


def test_loan_check_is_recorded(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    loan = make_loan(household, ducthang_officer)
    client.force_login(ducthang_officer)

    response = client.post(
        check_url(loan),
        {"checked_on": "10/01/2018", "used_as_intended": "no", "note": "Dùng mua xe máy."},
    )

    assert response.status_code == 302
    assert response["Location"] == loan_url(loan)
    check = LoanCheck.objects.get()
    assert (check.loan, check.checked_on, check.used_as_intended, check.note) == (
        loan,
        datetime.date(2018, 1, 10),
        False,
        "Dùng mua xe máy.",
    )
    assert check.checked_by == ducthang_officer


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"checked_on": "10/01/2018", "used_as_intended": "no", "note": ""}, "note"),
        ({"checked_on": "01/01/2017", "used_as_intended": "yes"}, "checked_on"),
        ({"checked_on": "10/01/2018"}, "used_as_intended"),
    ],
)
def test_bad_loan_check_is_refused(
    client: Client,
    ducthang_officer: User,
    family: tuple[Household, Member],
    fields: dict[str, str],
    field: str,
) -> None:
    household, _ = family
    loan = make_loan(household, ducthang_officer)
    client.force_login(ducthang_officer)

    response = client.post(check_url(loan), fields)

    assert response.status_code == 200
    assert field_errors(response, field)
    assert not LoanCheck.objects.exists()


def test_loan_pages_check_scope_and_role(
    client: Client,
    ducthang_officer: User,
    tienloi_officer: User,
    city_reviewer: User,
    family: tuple[Household, Member],
) -> None:
    household, _ = family
    loan = make_loan(household, ducthang_officer)
    check = {"checked_on": "10/01/2018", "used_as_intended": "yes"}
    balance = {"outstanding": "1", "balance_on": "31/12/2018"}

    anonymous = client.get(loan_url(loan))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert client.post(check_url(loan), check).status_code == 302

    client.force_login(tienloi_officer)
    assert client.get(loan_url(loan)).status_code == 404
    assert client.post(check_url(loan), check).status_code == 404

    client.force_login(city_reviewer)
    page = client.get(loan_url(loan))
    assert page.status_code == 200
    assert 'data-testid="loan-update-form"' not in page.content.decode()
    assert client.post(loan_url(loan), balance).status_code == 403
    assert client.post(check_url(loan), check).status_code == 403
    assert client.get(check_url(loan)).status_code == 405

    loan.refresh_from_db()
    assert loan.outstanding == 20_000_000
    assert not LoanCheck.objects.exists()


def test_loan_page_shows_a_dash_for_a_recorder_whose_account_is_gone(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    loan = make_loan(household, ducthang_officer, checks=1)
    Benefit.objects.update(recorded_by=None)
    LoanCheck.objects.update(checked_by=None)
    loan.history.update(history_user=None)
    client.force_login(ducthang_officer)

    response = client.get(loan_url(loan))

    assert response.status_code == 200
    assert "alice" not in text(response).split("Lịch sử dư nợ")[1]


# --- One verdict: the form's is the save's --------------------------------------------------


def verdict_on(client: Client, household: Household, programme: str, day: str = "") -> str:
    """The form's verdict (as htmx reloads it) for `programme` on `day` (empty: none typed)."""
    query = f"?programme={programme}" + (f"&date={day}" if day else "")
    response = client.get(new_benefit(household) + query, headers={"HX-Request": "true"})
    assert response.status_code == 200
    match = re.search(r'data-testid="eligibility">(.*?)</div>', response.content.decode(), re.S)
    assert match is not None
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def test_the_form_judges_on_the_delivery_date_as_the_save_does(
    client: Client, ducthang_officer: User, city_reviewer: User
) -> None:
    # Poor on the 2016 list (in force from 01/01/2017), near-poor by an ad-hoc decision of
    # 10/05/2017: poor on 15/03/2017 and 09/05/2017, near-poor from 10/05/2017 and today.
    household, _ = make_family()
    make_assessment_in_state(
        household,
        "recognised",
        officer=ducthang_officer,
        reviewer=city_reviewer,
        review_round=make_round(2017, kind="ad_hoc"),
        income_per_capita=1_100_000,
        decision_date=datetime.date(2017, 5, 10),
        request_kind="correction",
        request_date=datetime.date(2017, 3, 1),
    )
    client.force_login(ducthang_officer)
    today = timezone.localdate().strftime("%d/%m/%Y")
    refused = "Chỉ dành cho hộ nghèo, hộ thuộc diện bảo trợ xã hội."

    # No date typed: the form's default, today.
    assert verdict_on(client, household, "ho-tro-tien-dien") == (
        f"Không đủ điều kiện (vào ngày {today}, ngày hỗ trợ): {refused} "
        "Vẫn có thể ghi nhận nếu nêu lý do hỗ trợ."
    )
    for day, eligible in (
        ("15/03/2017", True),
        ("09/05/2017", True),
        ("10/05/2017", False),
        ("15/06/2017", False),
    ):
        shown = verdict_on(client, household, "ho-tro-tien-dien", day)
        assert shown.startswith(
            f"{'Đủ điều kiện' if eligible else 'Không đủ điều kiện'} (vào ngày {day}, ngày hỗ trợ)"
        ), shown
        if eligible:  # the label once, not "Đủ điều kiện (…): Đủ điều kiện." (issue 13)
            assert shown == f"Đủ điều kiện (vào ngày {day}, ngày hỗ trợ).", shown
        response = client.post(
            new_benefit(household), benefit_form("ho-tro-tien-dien", date=day, amount="46.000")
        )
        saved = Benefit.objects.filter(household=household, date=parse_day(day)).exists()
        assert saved is eligible, day
        if not eligible:
            assert response.status_code == 200
            assert refused in field_errors(response, "override_reason")
            assert refused in shown
    assert Benefit.objects.filter(override_reason="").count() == 2


def parse_day(day: str) -> datetime.date:
    return datetime.datetime.strptime(day, "%d/%m/%Y").date()  # noqa: DTZ007


def test_the_usual_amount_is_that_of_the_rule_in_force_on_the_date(
    client: Client, ducthang_officer: User, city_reviewer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    services.programme_rule_add(
        programme=Programme.objects.get(code="ho-tro-tien-dien"),
        valid_from=datetime.date(2018, 1, 1),
        eligible_statuses=["poor"],
        also_social_protection=True,
        amount=50_000,
        legal_basis="Quyết định thử nghiệm 1/2018",
        by=city_reviewer,
    )
    client.force_login(ducthang_officer)

    def amount_on(day: str) -> str:
        response = client.get(new_benefit(household) + f"?programme=ho-tro-tien-dien&date={day}")
        match = re.search(r'name="amount" value="([^"]*)"', response.content.decode())
        assert match is not None
        return match.group(1)

    assert amount_on("31/12/2017") == "46.000"
    assert amount_on("01/01/2018") == "50.000"


# --- Changing a choice on the form (issue 13 B) ---------------------------------------------


def test_a_changed_programme_brings_the_form_back_with_what_was_typed_and_saves_nothing(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    # What htmx posts on a change of programme, member or date (and the "Cập nhật biểu mẫu"
    # button without JavaScript): the form again, as typed, with the verdict on the new choice.
    household, pupil = family
    client.force_login(ducthang_officer)
    reason = "UBND phường quyết định hỗ trợ do hoàn cảnh đặc biệt khó khăn."
    typed = benefit_form(
        "ho-tro-tien-dien",
        member=str(pupil.pk),
        amount="138.000",
        reference="45/QĐ-UBND",
        note="Phát tại nhà văn hóa",
        card_number="HN4601234567890",
        override_reason=reason,
        refresh="1",
    )

    response = client.post(new_benefit(household), typed)

    assert response.status_code == 200
    assert not Benefit.objects.exists()
    body = response.content.decode()
    for value in ("138.000", "45/QĐ-UBND", "HN4601234567890", DAY):
        assert f'value="{value}"' in body, value
    assert "Phát tại nhà văn hóa</textarea>" in body
    # Eligible, yet the reason typed for an earlier choice stays in its box.
    assert f"{reason}</textarea>" in body
    assert "Đủ điều kiện (vào ngày 15/10/2017, ngày hỗ trợ)." in text(response)
    assert 'class="errorlist"' not in body and "Chưa lưu" not in text(response)
    assert '<noscript><button type="submit" name="refresh" value="1"' in body


def test_a_changed_programme_on_another_wards_household_is_not_found(
    client: Client, tienloi_officer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    data = benefit_form("ho-tro-tien-dien", refresh="1")

    anonymous = client.post(new_benefit(household), data)
    client.force_login(tienloi_officer)
    stranger = client.post(new_benefit(household), data)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert stranger.status_code == 404
