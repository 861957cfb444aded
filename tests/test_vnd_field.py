"""`giamngheo.forms.VndField`: the one reader of money typed by officers, and the survey's
`IncomeField` built on it (also the spreadsheet import's reader of the income cell)."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError

from giamngheo.forms import VndField
from households.forms.survey import IncomeField

NOT_A_NUMBER = "Nhập số tiền là số nguyên đồng, ví dụ 1.300.000 hoặc 1300000."
INCOME_NOT_A_NUMBER = "Nhập thu nhập bình quân đầu người bằng số đồng nguyên, ví dụ 1100000."


class AmountForm(forms.Form):
    amount = VndField(label="Số tiền", required=False)
    balance = VndField(label="Dư nợ", required=False, allow_zero=True)


def messages_of(field: forms.Field, value: object) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        field.clean(value)
    return exc.value.messages


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1300000", 1_300_000),
        ("1.300.000", 1_300_000),
        ("1.300.000 đ", 1_300_000),
        ("  1 300 000  ", 1_300_000),
        ("900.000VND", 900_000),
        ("50.000", 50_000),
        ("7", 7),
        (1_300_000, 1_300_000),  # an int (a spreadsheet cell) reads as its digits
    ],
)
def test_reads_an_amount_typed_the_vietnamese_way(typed: object, amount: int) -> None:
    assert VndField().clean(typed) == amount


@pytest.mark.parametrize(
    "typed",
    [
        "1,3 triệu",  # never accepted: a word for the amount is not a number of đồng
        "1,5",
        "1.30.000",  # dots only between groups of three digits
        "1.100.00",
        "1.300.000,5",  # no fractions of a đồng
        "abc",
        "1.5",
    ],
)
def test_refuses_what_is_not_a_whole_number_of_dong(typed: str) -> None:
    assert messages_of(VndField(), typed) == [NOT_A_NUMBER]


def test_refuses_a_negative_amount_and_zero_unless_allowed() -> None:
    assert messages_of(VndField(), "-5") == ["Số tiền không được là số âm."]
    assert messages_of(VndField(allow_zero=True), "-500.000") == ["Số tiền không được là số âm."]
    assert messages_of(VndField(), "0") == ["Số tiền phải lớn hơn 0."]
    assert VndField(allow_zero=True).clean("0") == 0


def test_blank_is_none_when_optional_and_the_required_message_otherwise() -> None:
    assert VndField(required=False).clean("  ") is None
    field = VndField(error_messages={"required": "Nhập số tiền vay."})
    assert messages_of(field, "") == ["Nhập số tiền vay."]


def test_shows_a_stored_amount_with_dots_and_a_typed_one_as_typed() -> None:
    html = str(AmountForm(initial={"amount": 1_300_000, "balance": 0})["amount"])
    assert 'value="1.300.000"' in html
    assert 'inputmode="numeric"' in html
    assert 'type="text"' in html
    assert 'value="0"' in str(AmountForm(initial={"balance": 0})["balance"])

    bound = AmountForm(data={"amount": "1,3 triệu", "balance": "2.500.000 đ"})
    assert not bound.is_valid()
    assert bound.errors["amount"] == [NOT_A_NUMBER]
    assert 'value="1,3 triệu"' in str(bound["amount"])  # given back to be corrected
    assert bound.cleaned_data["balance"] == 2_500_000


@pytest.mark.parametrize(
    ("typed", "messages"),
    [
        ("abc", [INCOME_NOT_A_NUMBER]),
        ("1,5 triệu", [INCOME_NOT_A_NUMBER]),
        ("-5", ["Thu nhập không được âm."]),
        ("2.000.000.000", ["Thu nhập không hợp lý: trên 1 tỷ đồng."]),
    ],
)
def test_income_is_worded_for_the_income_and_kept_within_the_models_bounds(
    typed: str, messages: list[str]
) -> None:
    assert messages_of(IncomeField(), typed) == messages


def test_income_may_be_zero_and_up_to_a_billion() -> None:
    assert IncomeField().clean("0") == 0
    assert IncomeField().clean("1.000.000.000") == 1_000_000_000
    assert IncomeField().clean(1_100_000) == 1_100_000
