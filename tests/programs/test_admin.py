"""The admin of issue 4, for administrators only (issue 10): the catalogue, committee, trainings
and targets; benefits and loans are read-only and never deleted (the agencies' records, written
in the workspace, which checks eligibility); assignments, trainings and targets are saved
through the services. Officers and the city do not enter it, even as staff."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.forms import BooleanField
from django.test import Client
from django.urls import reverse

from households.models import Household, User, Ward
from programs import services
from programs.models import (
    Agency,
    Benefit,
    CommitteeMember,
    HouseholdAssignment,
    Programme,
    ProgrammeRule,
    Training,
    WardTarget,
)
from tests.factories import make_household, make_member, make_recognised

pytestmark = pytest.mark.django_db


def staff_client(user: User) -> Client:
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(ducthang_officer: User) -> Client:
    return staff_client(ducthang_officer)


@pytest.fixture
def bob(city_reviewer: User) -> Client:
    return staff_client(city_reviewer)


@pytest.fixture
def root(administrator: User) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


def poor_household(ward_code: str = "duc-thang", code: str = "DT-0001") -> Household:
    household = make_household(ward_code, code=code)
    make_member(household)
    make_recognised(household, 700_000, year=2016)  # poor on the list in force in 2017
    return household


def page_data(response: Any) -> dict[str, str]:
    """The POST data of an admin change page as a browser would send it unchanged."""
    data: dict[str, str] = {}

    def add(form: Any, prefix: str = "") -> None:
        for name, field in form.fields.items():
            key = f"{prefix}{name}"
            value = field.prepare_value(form[name].value())
            if isinstance(field, BooleanField):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        for form in formset.forms:
            add(form, f"{form.prefix}-")
    return data


def new_rule(data: dict[str, str], **fields: str) -> dict[str, str]:
    """`data` with the "add a rule" inline (the second inline on rules) filled in."""
    return {**data, **{f"rules-2-0-{name}": value for name, value in fields.items()}}


def test_the_administrator_adds_a_rule_from_a_date_and_the_old_one_ends_the_day_before(
    root: Client, administrator: User
) -> None:
    programme = Programme.objects.get(code="ho-tro-chi-phi-hoc-tap")
    url = reverse("admin:programs_programme_change", args=[programme.pk])
    data = page_data(root.get(url))

    response = root.post(
        url,
        new_rule(
            data,
            valid_from="2018-09-01",
            eligible_statuses='["poor"]',
            area="any",
            pupils_only="on",
            amount="150.000",  # as on every form with money (giamngheo.forms.VndField)
            legal_basis="Quyết định thử nghiệm 12/2018",
        ),
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    old, new = ProgrammeRule.objects.filter(programme=programme).order_by("valid_from")
    assert (old.valid_to, old.amount) == (datetime.date(2018, 8, 31), 100_000)
    assert (new.valid_from, new.valid_to, new.amount) == (datetime.date(2018, 9, 1), None, 150_000)
    assert new.history.get().history_user == administrator
    programme.refresh_from_db()
    assert programme.default_amount == 150_000


def test_a_rule_cannot_start_before_the_latest_one(root: Client) -> None:
    programme = Programme.objects.get(code="ho-tro-chi-phi-hoc-tap")
    url = reverse("admin:programs_programme_change", args=[programme.pk])
    data = page_data(root.get(url))

    response = root.post(
        url,
        new_rule(
            data,
            valid_from="2015-09-01",
            eligible_statuses='["poor", "near_poor"]',
            area="any",
            amount="1",
            legal_basis="Sửa lịch sử",
        ),
    )

    assert response.status_code == 200
    assert "Quy định mới phải bắt đầu sau quy định gần nhất" in response.content.decode()
    rule = ProgrammeRule.objects.get(programme=programme)
    assert (rule.valid_to, rule.amount, rule.eligible_statuses) == (None, 100_000, ["poor"])


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_officers_and_the_city_do_not_enter_the_catalogue_even_as_staff(
    request: pytest.FixtureRequest, persona: str, root: Client
) -> None:
    client = request.getfixturevalue(persona)
    programme = Programme.objects.get(code="ho-tro-chi-phi-hoc-tap")
    url = reverse("admin:programs_programme_change", args=[programme.pk])
    data = page_data(root.get(url))
    for response in (
        client.get(reverse("admin:programs_programme_changelist")),
        client.get(url),
        client.post(
            url,
            new_rule(
                data,
                valid_from="2018-09-01",
                eligible_statuses='["poor"]',
                area="any",
                amount="1",
                legal_basis="x",
            ),
        ),
        client.get(reverse("admin:programs_programme_add")),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    rule = ProgrammeRule.objects.get(programme=programme)
    assert (rule.valid_to, rule.amount) == (None, 100_000)


def test_the_programme_list_query_count_is_fixed(
    root: Client, django_assert_max_num_queries: object
) -> None:
    url = reverse("admin:programs_programme_changelist")
    root.get(url)  # warm the session and content types
    with django_assert_max_num_queries(13):  # type: ignore[operator]
        response = root.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 21
    assert "100.000 đ" in response.content.decode()


@pytest.fixture
def benefit(ducthang_officer: User) -> Benefit:
    return services.benefit_record(
        programme=Programme.objects.get(code="ho-tro-tien-dien"),
        household=poor_household(),
        date=datetime.date(2017, 10, 15),
        amount=46_000,
        by=ducthang_officer,
    )


def test_benefits_are_read_only_even_for_the_administrator(root: Client, benefit: Benefit) -> None:
    changelist = reverse("admin:programs_benefit_changelist")
    assert "46.000 đ" in root.get(changelist).content.decode()
    assert root.get(reverse("admin:programs_benefit_add")).status_code == 403
    change = reverse("admin:programs_benefit_change", args=[benefit.pk])
    assert root.post(change, {"amount": "1"}).status_code == 403
    benefit.refresh_from_db()
    assert benefit.amount == 46_000


def test_nobody_deletes_a_benefit_single_or_in_bulk(
    root: Client, bob: Client, benefit: Benefit
) -> None:
    delete = reverse("admin:programs_benefit_delete", args=[benefit.pk])
    assert root.get(delete).status_code == 403
    assert root.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:programs_benefit_changelist")
    assert root.get(changelist).context["action_form"] is None  # no "delete selected"
    bulk = {"action": "delete_selected", "post": "yes", "_selected_action": [str(benefit.pk)]}
    root.post(changelist, bulk)
    bob.post(changelist, bulk)
    bob.post(delete, {"post": "yes"})
    assert Benefit.objects.filter(pk=benefit.pk).exists()


def test_nobody_deletes_a_loan(root: Client, ducthang_officer: User) -> None:
    loan = services.loan_record(
        programme=Programme.objects.get(code="vay-ho-ngheo"),
        household=poor_household(),
        date=datetime.date(2017, 10, 15),
        amount=30_000_000,
        term_months=36,
        purpose="Nuôi bò sinh sản",
        by=ducthang_officer,
    )
    delete = reverse("admin:programs_loan_delete", args=[loan.pk])
    assert root.post(delete, {"post": "yes"}).status_code == 403
    root.post(
        reverse("admin:programs_loan_changelist"),
        {"action": "delete_selected", "post": "yes", "_selected_action": [str(loan.pk)]},
    )
    loan.refresh_from_db()  # still there, with its benefit
    assert Benefit.objects.filter(pk=loan.benefit_id).exists()


def test_the_administrator_assigns_in_the_admin(
    root: Client, administrator: User, duc_thang: Ward
) -> None:
    household = poor_household()
    member = CommitteeMember.objects.create(
        full_name="Trần Văn Bình", position="Phó Chủ tịch UBND phường", level="ward", ward=duc_thang
    )
    url = reverse("admin:programs_householdassignment_add")
    data = {"household": str(household.pk), "member": str(member.pk), "since": "15/10/2017"}
    response = root.post(url, data)
    assert response.status_code == 302
    assignment = HouseholdAssignment.objects.get()
    assert (assignment.member, assignment.since) == (member, datetime.date(2017, 10, 15))
    assert assignment.history.get().history_user == administrator

    delete = reverse("admin:programs_householdassignment_delete", args=[assignment.pk])
    assert root.post(delete, {"post": "yes"}).status_code == 302
    assert not HouseholdAssignment.objects.exists()
    assert HouseholdAssignment.history.latest().history_user == administrator


def test_the_committee_form_has_the_wards_followed(root: Client) -> None:
    response = root.get(reverse("admin:programs_committeemember_add"))
    assert response.status_code == 200
    assert "assigned_wards" in response.context["adminform"].form.fields
    assert "selectfilter" in response.content.decode()


def test_a_training_with_attendance(
    root: Client, ducthang_officer: User, tienloi_officer: User
) -> None:
    organiser = Agency.objects.get(code="ldtbxh")
    data = {
        "date": "05/06/2017",
        "topic": "Hướng dẫn rà soát hộ nghèo",
        "organiser": str(organiser.pk),
        "location": "Hội trường UBND thành phố",
        "attendance-TOTAL_FORMS": "2",
        "attendance-INITIAL_FORMS": "0",
        "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
        "attendance-0-officer": str(ducthang_officer.pk),
        "attendance-1-officer": str(tienloi_officer.pk),
    }
    response = root.post(reverse("admin:programs_training_add"), data)
    assert response.status_code == 302
    training = Training.objects.get()
    assert training.topic == "Hướng dẫn rà soát hộ nghèo"
    assert set(training.attendees.values_list("username", flat=True)) == {"alice", "charlie"}


def test_a_ward_target_in_the_admin(root: Client, bob: Client, duc_thang: Ward) -> None:
    data = {
        "ward": str(duc_thang.pk),
        "year": "2017",
        "households_to_escape": "12",
        "rate_reduction_min": "0.2",
        "rate_reduction_max": "0.3",
        "total_households": "3000",
    }
    url = reverse("admin:programs_wardtarget_add")
    assert bob.post(url, data).status_code == 302  # to the admin login: the city sets targets
    assert not WardTarget.objects.exists()  # in the workspace (/programs/targets/)
    assert root.post(url, data).status_code == 302
    target = WardTarget.objects.get()
    assert (target.households_to_escape, target.total_households) == (12, 3000)


@pytest.mark.parametrize(("persona", "linked"), [("city_reviewer", False), ("administrator", True)])
def test_the_committee_page_links_to_the_admin_for_administrators_only(
    request: pytest.FixtureRequest, persona: str, linked: bool
) -> None:
    client = staff_client(request.getfixturevalue(persona))
    response = client.get(reverse("programs:committee"))
    assert response.status_code == 200
    link = reverse("admin:programs_committeemember_changelist")
    assert (link in response.content.decode()) is linked
