"""The one rule for "a member holds a valid health-insurance card on a day" (households.cards):
its Python and SQL forms agree, and the card number's layout."""

from __future__ import annotations

import datetime

import pytest

from households.cards import holds_valid_card, normalise_card_number, valid_card_q
from households.models import Member
from tests.factories import make_household, make_member

DAY = datetime.date(2017, 9, 1)

CASES = [
    # (number, valid until, valid on DAY)
    ("HN4600000000001", None, True),  # no expiry recorded: valid
    ("HN4600000000002", DAY, True),  # the last day of the card
    ("HN4600000000003", DAY + datetime.timedelta(days=1), True),
    ("HN4600000000004", DAY - datetime.timedelta(days=1), False),  # expired the day before
    ("", None, False),  # no card
    ("   ", None, False),  # blanks are no number
]


@pytest.mark.parametrize(("number", "valid_until", "valid"), CASES)
def test_the_rule_in_python(number: str, valid_until: datetime.date | None, valid: bool) -> None:
    assert holds_valid_card(number, valid_until, DAY) is valid


@pytest.mark.django_db
def test_the_rule_in_sql_agrees_with_python() -> None:
    household = make_household()
    made = {}
    for index, (number, valid_until, _valid) in enumerate(CASES):
        member = make_member(
            household,
            full_name=f"Thành viên {index}",
            relation="head" if index == 0 else "child",
            health_insurance_number="",
        )
        # Written as stored, past the forms (which strip the blanks).
        Member.objects.filter(pk=member.pk).update(
            health_insurance_number=number, health_insurance_expiry=valid_until
        )
        made[member.pk] = (number, valid_until)

    in_sql = set(Member.objects.filter(valid_card_q(DAY)).values_list("pk", flat=True))
    not_in_sql = set(Member.objects.exclude(valid_card_q(DAY)).values_list("pk", flat=True))

    in_python = {pk for pk, (number, until) in made.items() if holds_valid_card(number, until, DAY)}
    assert in_sql == in_python
    assert not_in_sql == set(made) - in_python
    assert len(in_python) == 3


@pytest.mark.django_db
def test_the_rule_through_a_relation() -> None:
    household = make_household()
    make_member(household, health_insurance_expiry=DAY)
    assert household.__class__.objects.filter(valid_card_q(DAY, prefix="members__")).exists()
    assert not household.__class__.objects.filter(
        valid_card_q(DAY + datetime.timedelta(days=1), prefix="members__")
    ).exists()


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("HN4600000000001", "HN4600000000001"),
        ("hn 4 60 0000000001", "HN4600000000001"),
        ("CN3-60-1234567890", "CN3601234567890"),
        ("6012345678", "6012345678"),  # the social-insurance number alone
        ("HN460000000001", None),  # a digit short
        ("HN6600000000001", None),  # no benefit level 6
        ("H14600000000001", None),
        ("12345", None),
        ("", None),
    ],
)
def test_the_card_number_layout(typed: str, number: str | None) -> None:
    assert normalise_card_number(typed) == number
