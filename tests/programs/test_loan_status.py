"""When a loan needs attention (`programs.loan_status`): overdue, days overdue, due for a check;
the rule in Python and its database form agree, loan by loan."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from households.models import Household, User
from programs import loan_status, worklists
from programs.models import Benefit, Loan, LoanCheck, Programme
from programs.scope import scope_for
from tests.factories import make_household

D = datetime.date
# The day of the hand-worked example: the check interval (6 months) reaches back to 15/07/2018.
DAY = D(2019, 1, 15)


def test_months_are_added_at_the_months_last_day_when_shorter() -> None:
    assert loan_status.add_months(D(2017, 1, 31), 1) == D(2017, 2, 28)
    assert loan_status.add_months(D(2016, 1, 31), 1) == D(2016, 2, 29)
    assert loan_status.add_months(D(2017, 8, 31), 6) == D(2018, 2, 28)
    assert loan_status.add_months(D(2017, 10, 15), 36) == D(2020, 10, 15)
    assert loan_status.add_months(D(2019, 1, 15), -6) == D(2018, 7, 15)
    assert loan_status.add_months(D(2018, 8, 31), -6) == D(2018, 2, 28)


def test_the_check_interval_is_six_months() -> None:
    assert loan_status.CHECK_INTERVAL_MONTHS == 6
    assert loan_status.check_cutoff(DAY) == D(2018, 7, 15)


def standing(**changes: Any) -> loan_status.LoanStanding:
    facts: dict[str, Any] = {
        "disbursed_on": D(2017, 3, 10),
        "due_on": D(2018, 3, 10),
        "outstanding": 5_000_000,
        "bank_overdue": False,
        "last_checked_on": D(2018, 12, 1),
        "day": DAY,
    }
    return loan_status.standing(**{**facts, **changes})


def test_a_loan_is_overdue_the_day_after_its_due_date() -> None:
    assert standing(due_on=DAY).overdue is False
    assert standing(due_on=DAY).days_overdue is None
    one_day = standing(due_on=D(2019, 1, 14))
    assert (one_day.overdue, one_day.past_due, one_day.days_overdue) == (True, True, 1)
    # 10/03/2018 to 15/01/2019: 21 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31 + 15 days.
    assert standing().days_overdue == 311


def test_the_banks_mark_makes_a_loan_overdue_without_days() -> None:
    marked = standing(due_on=D(2020, 1, 1), bank_overdue=True)
    assert (marked.overdue, marked.past_due, marked.bank_overdue) == (True, False, True)
    assert marked.days_overdue is None


def test_a_repaid_loan_needs_nothing() -> None:
    repaid = standing(outstanding=0, bank_overdue=True, last_checked_on=None)
    assert not (repaid.is_open or repaid.overdue or repaid.check_due or repaid.needs_attention)
    assert repaid.days_overdue is None


def test_a_check_is_due_six_months_after_the_last_one_or_the_disbursement() -> None:
    not_due = {"due_on": D(2020, 1, 1)}
    assert standing(**not_due, last_checked_on=D(2018, 7, 15)).check_due is True
    assert standing(**not_due, last_checked_on=D(2018, 7, 16)).check_due is False
    never = {**not_due, "last_checked_on": None}
    assert standing(**never, disbursed_on=D(2018, 7, 15)).check_due is True
    assert standing(**never, disbursed_on=D(2018, 7, 16)).check_due is False
    assert standing(**never, disbursed_on=D(2018, 7, 16)).needs_attention is False


# --- the hand-worked example, through the database -------------------------------------------


def lend(
    household: Household,
    lent: datetime.date,
    term: int,
    *,
    outstanding: int = 10_000_000,
    bank_overdue: bool = False,
    checks: tuple[tuple[datetime.date, bool], ...] = (),
    reference: str,
) -> Loan:
    """A Social Policy Bank loan of 20.000.000 đ, written as the bank's statement left it."""
    benefit = Benefit.objects.create(
        programme=Programme.objects.get(code="vay-ho-ngheo"),
        household=household,
        ward_id=household.ward_id,
        date=lent,
        amount=20_000_000,
        reference=reference,
    )
    loan = Loan.objects.create(
        benefit=benefit,
        purpose="Nuôi bò sinh sản",
        term_months=term,
        disbursed_on=lent,
        due_on=loan_status.due_date(lent, term),
        outstanding=outstanding,
        is_overdue=bank_overdue,
    )
    for day, used in checks:
        LoanCheck.objects.create(
            loan=loan, checked_on=day, used_as_intended=used, note="" if used else "Mua xe máy"
        )
    return loan


def hand_worked_loans() -> dict[str, Loan]:
    """On 15/01/2019 (checks due for anything last seen on or before 15/07/2018):

    | loan | lent       | term | due        | owed | bank | checks                | listed        |
    |------|------------|------|------------|------|------|-----------------------|---------------|
    | J    | 01/01/2016 | 24   | 01/01/2018 | yes  |      | 01/12/2018            | 379 days over |
    | A    | 10/03/2017 | 12   | 10/03/2018 | yes  |      | 01/12/2018            | 311 days over |
    | I    | 14/01/2018 | 12   | 14/01/2019 | yes  |      | 01/01/2019            | 1 day over    |
    | B    | 20/05/2017 | 24   | 20/05/2019 | yes  | over | 01/11/2018            | bank's mark   |
    | C    | 01/06/2017 | 36   | 01/06/2020 | yes  |      | 01/02/2018 15/07/2018 | check due     |
    | F    | 15/07/2018 | 36   | 15/07/2021 | yes  |      | none                  | check due     |
    | D    | 01/06/2017 | 36   | 01/06/2020 | yes  |      | 16/07/2018            | no            |
    | E    | 16/07/2018 | 36   | 16/07/2021 | yes  |      | none                  | no            |
    | G    | 01/01/2016 | 12   | 01/01/2017 | no   |      | none                  | no (repaid)   |
    | H    | 15/01/2018 | 12   | 15/01/2019 | yes  |      | 01/01/2019            | no (due today)|

    J is a Tiến Lợi household's; every other loan is of Đức Thắng."""
    ducthang = make_household("duc-thang", code="DT-1", head_name="Nguyễn Văn An")
    tienloi = make_household("tien-loi", code="TL-1", head_name="Trần Văn Bình")
    seen = ((D(2018, 12, 1), True),)
    return {
        "J": lend(tienloi, D(2016, 1, 1), 24, checks=seen, reference="J"),
        "A": lend(ducthang, D(2017, 3, 10), 12, checks=seen, reference="A"),
        "I": lend(ducthang, D(2018, 1, 14), 12, checks=((D(2019, 1, 1), True),), reference="I"),
        "B": lend(
            ducthang,
            D(2017, 5, 20),
            24,
            bank_overdue=True,
            checks=((D(2018, 11, 1), True),),
            reference="B",
        ),
        "C": lend(
            ducthang,
            D(2017, 6, 1),
            36,
            checks=((D(2018, 2, 1), True), (D(2018, 7, 15), False)),
            reference="C",
        ),
        "F": lend(ducthang, D(2018, 7, 15), 36, reference="F"),
        "D": lend(ducthang, D(2017, 6, 1), 36, checks=((D(2018, 7, 16), True),), reference="D"),
        "E": lend(ducthang, D(2018, 7, 16), 36, reference="E"),
        "G": lend(ducthang, D(2016, 1, 1), 12, outstanding=0, reference="G"),
        "H": lend(ducthang, D(2018, 1, 15), 12, checks=((D(2019, 1, 1), True),), reference="H"),
    }


def listed(user: User) -> list[tuple[str, int | None, str]]:
    rows = worklists.loans_needing_attention(scope_for(user), day=DAY)
    return [
        (
            row.benefit.reference,
            worklists._loan_standing(row).days_overdue,
            worklists._loan_reason(row),
        )
        for row in rows
    ]


@pytest.mark.django_db
def test_hand_worked_example(city_reviewer: User, ducthang_officer: User) -> None:
    hand_worked_loans()
    overdue, check = "Nợ quá hạn", "Đến hạn kiểm tra sử dụng vốn"
    assert listed(city_reviewer) == [
        ("J", 379, overdue),
        ("A", 311, overdue),
        ("I", 1, overdue),
        ("B", None, "Nợ quá hạn (theo sao kê ngân hàng)"),
        ("C", None, check),
        ("F", None, check),
    ]
    # The ward's officer: the same, without Tiến Lợi's loan.
    assert [ref for ref, _days, _why in listed(ducthang_officer)] == ["A", "I", "B", "C", "F"]


@pytest.mark.django_db
def test_the_database_filter_and_the_rule_agree_on_every_loan(city_reviewer: User) -> None:
    loans = hand_worked_loans()
    in_list = {
        row.pk for row in worklists.loans_needing_attention(scope_for(city_reviewer), day=DAY)
    }
    for name, loan in loans.items():
        loan = Loan.objects.select_related("benefit").prefetch_related("checks").get(pk=loan.pk)
        assert (loan.pk in in_list) == loan_status.of_loan(loan, DAY).needs_attention, name
    # ... on other days too: the rule's edges move with the day.
    for day in (D(2018, 1, 14), D(2018, 3, 11), D(2019, 1, 14), D(2019, 7, 16), D(2021, 8, 1)):
        in_list = {
            row.pk for row in worklists.loans_needing_attention(scope_for(city_reviewer), day=day)
        }
        for name, loan in loans.items():
            loan = Loan.objects.select_related("benefit").prefetch_related("checks").get(pk=loan.pk)
            expected = loan_status.of_loan(loan, day).needs_attention
            assert (loan.pk in in_list) == expected, (name, day)
