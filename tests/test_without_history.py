"""`giamngheo.history.without_history()`: the audit trail is off for one thread's block of work
(a bulk loader such as `seed_demo`), and on everywhere else."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings

from giamngheo.history import RECORDING, without_history
from households.models import Household
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def test_the_setting_is_the_switch() -> None:
    assert settings.SIMPLE_HISTORY_ENABLED is RECORDING
    assert RECORDING


def test_saves_and_bulk_writes_inside_record_nothing() -> None:
    with without_history():
        household = make_household(code="DT-0001")
        household.address = "12 Trần Hưng Đạo"
        household.save()
        Household.history.bulk_history_create([household], default_change_reason="bulk")
    assert Household.history.filter(id=household.pk).count() == 0

    household.address = "14 Trần Hưng Đạo"
    household.save()
    assert list(Household.history.filter(id=household.pk).values_list("address", flat=True)) == [
        "14 Trần Hưng Đạo"
    ]


def test_recording_resumes_after_an_error_inside() -> None:
    with pytest.raises(RuntimeError), without_history():
        assert not RECORDING
        raise RuntimeError("the loader failed")
    assert RECORDING
    household = make_household(code="DT-0002")
    assert Household.history.filter(id=household.pk).count() == 1


def test_other_threads_still_record() -> None:
    seen: list[bool] = []
    inside, checked = threading.Event(), threading.Event()

    def other_thread() -> None:
        inside.wait(5)
        seen.append(bool(settings.SIMPLE_HISTORY_ENABLED))
        checked.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    with without_history():
        inside.set()
        checked.wait(5)
        seen.append(bool(settings.SIMPLE_HISTORY_ENABLED))
    thread.join(5)
    assert seen == [True, False]
