"""`seed_demo`'s later years (issue 12) added to a demo loaded before them. The 2025 and 2026
reviews of a fresh seeding are checked on test_seed_programs.py's seeding (one seeding for
both: issue 13)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from households.models import Assessment, Household, ReviewRound

pytestmark = pytest.mark.django_db

# One household per unit of 2016–2017: enough for the later years to add assessments.
HOUSEHOLDS = 18


@pytest.fixture(autouse=True)
def _debug(settings: Any) -> None:
    settings.DEBUG = True


def seed(households: int) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", stdout=out, households=households)
    return out.getvalue()


def test_a_demo_loaded_before_the_later_years_gets_them_once(monkeypatch: Any) -> None:
    monkeypatch.setattr("demo.write.LATER_YEARS", ())
    seed(HOUSEHOLDS)
    assert not ReviewRound.objects.filter(year__gte=2025).exists()
    households = Household.objects.count()
    monkeypatch.undo()

    out = seed(HOUSEHOLDS)

    assert Household.objects.count() == households
    added = Assessment.objects.filter(round__year__gte=2025).count()
    assert added > 0
    assert f"added 0 users, 2 review rounds and {added} assessments of the later years" in out
    assert "already present; nothing was created" in seed(HOUSEHOLDS)
    assert Assessment.objects.filter(round__year__gte=2025).count() == added
