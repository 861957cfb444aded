"""Recording a health-insurance card records the card on the member (issue 13 B): the benefit
form asks for the card's number and the day it is valid until, and the save writes them on the
member in the same transaction, so the household page shows the card, the worklist and the
"entitled but not received" list leave the member, and the survey's indicator sees the card."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from households.models import Household, Member, User
from programs import selectors, services, worklists
from programs.models import Benefit, Programme
from programs.scope import scope_for
from tests.factories import make_household, make_member, make_recognised

pytestmark = pytest.mark.django_db

DAY = "15/10/2017"  # the 2016 review's list is in force (from 01/01/2017)


def text(response: HttpResponse) -> str:
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def field_errors(response: HttpResponse, name: str) -> str:
    match = re.search(
        rf'<ul class="errorlist" id="id_{name}_errors">(.*?)</ul>', response.content.decode(), re.S
    )
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split()) if match else ""


@pytest.fixture
def uninsured(ducthang_officer: User) -> Member:
    """A son without a card in a household recognised poor in the 2016 review (on the list in
    force in 2017), whose father holds a card with no expiry recorded."""
    household = make_household(code="DT-0001")
    make_member(household, full_name="Nguyễn Văn An", birth_year=1975)
    son = make_member(
        household,
        full_name="Nguyễn Văn Út",
        birth_year=2000,
        relation=Member.Relation.CHILD,
        health_insurance_number="",
    )
    make_recognised(household, 700_000, year=2016)
    return son


def new_benefit(household: Household) -> str:
    return reverse("programs:benefit_create", args=[household.pk])


def card_form(member: Member, **fields: str) -> dict[str, str]:
    return {
        "programme": "bhyt-ngheo",
        "member": str(member.pk),
        "date": DAY,
        "amount": "",
        "quantity": "1",
        "card_number": "HN4601234567890",
        "card_valid_until": "31/12/2018",
        **fields,
    }


def test_the_card_recorded_is_the_members_card(
    client: Client, ducthang_officer: User, uninsured: Member
) -> None:
    household = uninsured.household
    client.force_login(ducthang_officer)
    assert [m.pk for m in worklists.health_insurance_gaps(scope_for(ducthang_officer), 2018)] == [
        uninsured.pk
    ]

    response = client.post(
        new_benefit(household), card_form(uninsured, card_number="hn4 60 1234567890")
    )

    assert response.status_code == 302
    benefit = Benefit.objects.get()
    assert (benefit.programme.code, benefit.member, benefit.quantity) == (
        "bhyt-ngheo",
        uninsured,
        1,
    )
    uninsured.refresh_from_db()
    assert uninsured.health_insurance_number == "HN4601234567890"
    assert uninsured.health_insurance_expiry == datetime.date(2018, 12, 31)
    assert uninsured.history.latest().history_user == ducthang_officer
    # The household page shows the card; the member is no longer owed one.
    page = text(client.get(reverse("households:detail", args=[household.pk])))
    assert "Nguyễn Văn Út" in page
    assert "HN4601234567890 hạn đến 31/12/2018" in page
    assert "Chưa có thẻ" not in page
    assert not [
        row
        for row in selectors.entitlements(household, 2017)
        if row.owed and row.programme.gives_health_insurance_card
    ]
    # Next year's worklist: no card recorded in 2018, but the card is valid on its day.
    assert list(worklists.health_insurance_gaps(scope_for(ducthang_officer), 2018)) == []


def test_the_form_asks_for_the_card_only_for_a_card_programme(
    client: Client, ducthang_officer: User, uninsured: Member
) -> None:
    household = uninsured.household
    client.force_login(ducthang_officer)

    card = client.get(new_benefit(household) + f"?programme=bhyt-ngheo&member={uninsured.pk}")
    other = client.get(new_benefit(household) + "?programme=ho-tro-tien-dien")

    assert "Số thẻ BHYT" in text(card)
    assert re.search(r"<div[^>]*data-card-fields(?![^>]*hidden)", card.content.decode())
    assert re.search(r"<div[^>]*data-card-fields[^>]*hidden", other.content.decode())


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"card_number": ""}, "card_number", "Nhập số thẻ BHYT"),
        ({"card_number": "HN46"}, "card_number", "2 chữ cái và 13 chữ số"),
        ({"card_number": "HN9601234567890"}, "card_number", "2 chữ cái và 13 chữ số"),
        ({"card_valid_until": ""}, "card_valid_until", "Nhập ngày thẻ hết hạn"),
        ({"card_valid_until": "15/10/2017"}, "card_valid_until", "sau ngày nhận thẻ (15/10/2017)"),
        ({"card_valid_until": "31/12/2016"}, "card_valid_until", "sau ngày nhận thẻ (15/10/2017)"),
        ({"card_valid_until": "31/13/2018"}, "card_valid_until", "ngày hợp lệ"),
    ],
)
def test_a_bad_card_is_refused_on_its_field_and_nothing_saved(
    client: Client,
    ducthang_officer: User,
    uninsured: Member,
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    client.force_login(ducthang_officer)

    response = client.post(new_benefit(uninsured.household), card_form(uninsured, **fields))

    assert response.status_code == 200
    assert message in field_errors(response, field)
    assert "Chưa lưu" in text(response)
    assert not Benefit.objects.exists()
    uninsured.refresh_from_db()
    assert (uninsured.health_insurance_number, uninsured.health_insurance_expiry) == ("", None)


def test_card_fields_typed_for_another_programme_are_ignored(
    client: Client, ducthang_officer: User, uninsured: Member
) -> None:
    # Typed while the card programme was chosen, then the programme changed: hidden, not saved.
    client.force_login(ducthang_officer)
    data = {
        **card_form(uninsured, card_valid_until="31/13/2018"),
        "programme": "ho-tro-tien-dien",
        "member": "",
        "amount": "46.000",
    }

    response = client.post(new_benefit(uninsured.household), data)

    assert response.status_code == 302
    assert Benefit.objects.get().programme.code == "ho-tro-tien-dien"
    uninsured.refresh_from_db()
    assert uninsured.health_insurance_number == ""


def test_recording_a_card_needs_login(client: Client, uninsured: Member) -> None:
    response = client.post(new_benefit(uninsured.household), card_form(uninsured))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Benefit.objects.exists()


def test_another_wards_officer_records_no_card(
    client: Client, tienloi_officer: User, uninsured: Member
) -> None:
    client.force_login(tienloi_officer)

    response = client.post(new_benefit(uninsured.household), card_form(uninsured))

    assert response.status_code == 404
    assert not Benefit.objects.exists()
    uninsured.refresh_from_db()
    assert uninsured.health_insurance_number == ""


# --- The service ----------------------------------------------------------------------------


def record_card(
    member: Member, by: User, *, day: datetime.date, number: str, until: datetime.date
) -> Benefit:
    return services.benefit_record(
        programme=Programme.objects.get(code="bhyt-ngheo"),
        household=member.household,
        member=member,
        date=day,
        card_number=number,
        card_valid_until=until,
        by=by,
    )


def test_a_card_recorded_late_does_not_replace_a_later_card(
    ducthang_officer: User, uninsured: Member
) -> None:
    record_card(
        uninsured,
        ducthang_officer,
        day=datetime.date(2018, 1, 10),
        number="HN4601234567890",
        until=datetime.date(2018, 12, 31),
    )
    # Last year's card, entered afterwards: recorded as a benefit, the member keeps this year's.
    record_card(
        uninsured,
        ducthang_officer,
        day=datetime.date(2017, 1, 10),
        number="HN4601234567000",
        until=datetime.date(2017, 12, 31),
    )

    uninsured.refresh_from_db()
    assert Benefit.objects.filter(member=uninsured).count() == 2
    assert (uninsured.health_insurance_number, uninsured.health_insurance_expiry) == (
        "HN4601234567890",
        datetime.date(2018, 12, 31),
    )


def test_a_programme_without_a_card_takes_no_card_number(
    ducthang_officer: User, uninsured: Member
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.benefit_record(
            programme=Programme.objects.get(code="kham-chua-benh"),
            household=uninsured.household,
            member=uninsured,
            date=datetime.date(2017, 10, 15),
            quantity=1,
            card_number="HN4601234567890",
            by=ducthang_officer,
        )

    assert "Chỉ thẻ BHYT mới có số thẻ" in str(refused.value)
    assert not Benefit.objects.exists()
