"""Two officers creating the same household code at once (issue 10), on PostgreSQL.

Both requests pass the duplicate-code check; the database lets one insert through and makes
the other wait, then refuses it. The refused one must get the form's message, not a 500.
SQLite serialises writers, so the real race only runs on PostgreSQL (DATABASE_URL); the
deterministic version of it is in test_services.py.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from households.codes import next_household_code
from households.models import Household, Member, User, Ward
from households.services import registry
from households.services.registry import HouseholdRegisterError, household_register

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a real race needs PostgreSQL (DATABASE_URL)"
    ),
]

RACERS = 4


def test_racing_creates_of_one_code_save_one_and_refuse_the_others_cleanly(
    monkeypatch: pytest.MonkeyPatch, ducthang_officer: User
) -> None:
    ward = Ward.objects.get(code="duc-thang")
    quarter = ward.quarters.first()
    # Every request waits until all have passed their checks, then all insert at once.
    all_checked = threading.Barrier(RACERS, timeout=30)
    original = registry._register_problems

    def checked_then_wait(*args: Any, **kwargs: Any) -> Any:
        problems = original(*args, **kwargs)
        all_checked.wait()
        return problems

    monkeypatch.setattr(registry, "_register_problems", checked_then_wait)
    outcomes: list[object] = []

    def officer_creates(number: int) -> None:
        try:
            household = Household(ward=ward, quarter=quarter, code="DT-RACE")
            household.head_name, household.address = f"Người Số {number}", "1 Lê Lợi"
            head = Member(
                full_name=f"Người Số {number}", sex="male", relation="head", birth_year=1970
            )
            household_register(household=household, members=[head], by=ducthang_officer)
            outcomes.append("saved")
        except HouseholdRegisterError as exc:
            outcomes.append(exc.household_errors)
        except Exception as exc:  # what used to be a 500
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=officer_creates, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    code_taken = {"code": ["Mã hộ này đã được dùng trong phường/xã này."]}
    assert sorted(map(str, outcomes)) == sorted(["saved"] + [str(code_taken)] * (RACERS - 1)), (
        outcomes
    )
    assert Household.objects.filter(code="DT-RACE").count() == 1
    assert Member.objects.filter(full_name__startswith="Người Số").count() == 1


def test_officers_taking_the_proposed_code_at_once_get_distinct_codes(
    monkeypatch: pytest.MonkeyPatch, ducthang_officer: User
) -> None:
    # Every officer opens the form on the same proposal (issue 13) and saves at once: one is
    # saved; each refused one takes the next proposal and saves again. No code is given twice.
    ward = Ward.objects.get(code="duc-thang")
    quarter = ward.quarters.first()
    proposal = next_household_code(ward)
    all_checked = threading.Barrier(RACERS, timeout=30)
    original = registry._register_problems
    first_try: set[int] = set()

    def checked_then_wait(household: Household, *args: Any, **kwargs: Any) -> Any:
        problems = original(household, *args, **kwargs)
        if household.code == proposal:
            all_checked.wait()
        return problems

    monkeypatch.setattr(registry, "_register_problems", checked_then_wait)
    codes: list[str] = []

    def officer_creates(number: int) -> None:
        try:
            code = proposal
            for _attempt in range(RACERS):
                household = Household(ward=ward, quarter=quarter, code=code)
                household.head_name, household.address = f"Người Số {number}", "1 Lê Lợi"
                head = Member(
                    full_name=f"Người Số {number}", sex="male", relation="head", birth_year=1970
                )
                try:
                    household_register(household=household, members=[head], by=ducthang_officer)
                except HouseholdRegisterError as exc:
                    assert exc.household_errors == {
                        "code": ["Mã hộ này đã được dùng trong phường/xã này."]
                    }
                    first_try.add(number)
                    code = next_household_code(ward)
                else:
                    codes.append(code)
                    return
        finally:
            connection.close()

    threads = [threading.Thread(target=officer_creates, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(first_try) == RACERS - 1
    assert sorted(codes) == [f"DT-{n:04d}" for n in range(1, RACERS + 1)]
    assert Household.objects.filter(head_name__startswith="Người Số").count() == RACERS
