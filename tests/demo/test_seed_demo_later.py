"""`seed_demo`'s later years (issue 12): the 2025 and 2026 reviews in the merged units."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import translation

from demo.review import chairman
from households import units
from households.classification import standard_for_date
from households.models import Assessment, Household, ReviewRound, Ward
from programs.models import Benefit, WardTarget

pytestmark = pytest.mark.django_db

MERGED = datetime.date(2025, 7, 1)
# The test that seeds in two steps: one household per unit of 2016–2017 is enough for the
# later years to add assessments.
HOUSEHOLDS_OF_ONE_STEP = 18


@pytest.fixture(autouse=True)
def _debug(settings: Any) -> None:
    settings.DEBUG = True


@pytest.fixture(scope="module")
def seeded(module_db: None, django_db_blocker: Any) -> None:
    """One seeding for the tests that read it; the test that seeds in two steps, its own."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        seed()


def seed(households: int = 60) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", stdout=out, households=households)
    return out.getvalue()


def by_year(year: int) -> dict[int, Assessment]:
    return {
        a.household_id: a
        for a in Assessment.objects.filter(
            round__year=year, round__kind=ReviewRound.Kind.PERIODIC
        ).select_related("household__ward", "ward", "round")
    }


def test_the_later_rounds_are_made_in_the_new_units_under_the_standard_of_their_year(
    seeded: None,
) -> None:
    rounds = {r.year: r for r in ReviewRound.objects.filter(year__in=(2025, 2026))}
    assert rounds[2025].standard == "2022-2025"
    assert rounds[2026].standard == standard_for_date(datetime.date(2026, 9, 1)).code == "2026"
    new_units = set(Ward.objects.filter(valid_from=MERGED).values_list("pk", flat=True))
    for year in (2025, 2026):
        surveys = by_year(year).values()
        assert surveys
        for a in surveys:
            # Made in the unit the household's place belongs to after the merger; the
            # household stays registered in its 2017 unit.
            assert a.ward_id in new_units
            assert a.household.ward_id not in new_units
            assert a.ward_id == units.unit_on(a.household.ward_id, units.made_on(a.round))
            assert a.area == a.ward.area_on(units.made_on(a.round)).value
            assert a.poor_group == ""  # no N1/N2 from 2022
    # Former communes merged into wards are surveyed on the urban line; xã Tuyên Quang's
    # households (Tiến Lợi) on the rural one.
    areas = {(a.household.ward.code, a.area) for a in by_year(2026).values()}
    assert ("phong-nam", "urban") in areas
    assert ("tien-loi", "rural") in areas
    assert not any(code == "phong-nam" and area == "rural" for code, area in areas)


def test_the_later_reviews_are_recognised_by_the_new_units_with_movements_and_benefits(
    seeded: None,
) -> None:
    y2017, y2025, y2026 = by_year(2017), by_year(2025), by_year(2026)
    assert {a.state for a in y2025.values()} == {"recognised"}
    for a in y2025.values():
        assert a.decision_signer == chairman(a.ward)
        assert a.decision_date == datetime.date(2025, 12, 4)
    recognised = [a for a in y2026.values() if a.state == "recognised"]
    assert recognised
    assert {"draft", "returned", "recognised"} == {a.state for a in y2026.values()}
    assert [e.action for e in recognised[0].events.all()] == [
        "create",
        "submit",
        "meeting",
        "posting",
        "recognise",
    ]
    # Movements across the later rounds: escapes, falls, newly poor.
    shared = y2025.keys() & y2026.keys()
    assert any(y2025[h].status == "poor" and y2026[h].status != "poor" for h in shared)
    assert any(y2025[h].status == "near_poor" and y2026[h].status == "poor" for h in shared)
    assert any(
        y2026[h].status == "poor" and (h not in y2025 or y2025[h].status == "not_poor")
        for h in y2026
    )
    assert any(y2017[h].status == "poor" and y2025[h].status != "poor" for h in y2025 if h in y2017)
    # The indicators the 2022 standard added are recorded.
    recorded = {key for a in [*y2025.values(), *y2026.values()] for key in a.deprivations}
    assert {"employment", "dependants", "nutrition"} <= recorded
    # 2026 benefits: in the new unit, by its officer, for households on the 2025 list.
    benefits = Benefit.objects.filter(date__year=2026).select_related("ward", "recorded_by")
    assert benefits.exists()
    for benefit in benefits:
        assert benefit.ward.valid_from == MERGED
        assert benefit.recorded_by.ward_id == benefit.ward_id
        assert y2025[benefit.household_id].status in ("poor", "near_poor")
    assert {b.programme.code for b in benefits.select_related("programme")} >= {
        "bhyt-ngheo",
        "ho-tro-tien-dien",
    }
    # The new units' plans, so the 2026 report has its rates.
    for year in (2025, 2026):
        planned = WardTarget.objects.filter(year=year)
        assert set(planned.values_list("ward_id", flat=True)) == {
            a.ward_id for a in by_year(year).values()
        }
        assert all(t.total_households > 0 for t in planned)


def test_a_demo_loaded_before_the_later_years_gets_them_once(monkeypatch: Any) -> None:
    monkeypatch.setattr("demo.write.LATER_YEARS", ())
    seed(HOUSEHOLDS_OF_ONE_STEP)
    assert not ReviewRound.objects.filter(year__gte=2025).exists()
    households = Household.objects.count()
    monkeypatch.undo()

    out = seed(HOUSEHOLDS_OF_ONE_STEP)

    assert Household.objects.count() == households
    added = Assessment.objects.filter(round__year__gte=2025).count()
    assert added > 0
    assert f"added 0 users, 2 review rounds and {added} assessments of the later years" in out
    assert "already present; nothing was created" in seed(HOUSEHOLDS_OF_ONE_STEP)
    assert Assessment.objects.filter(round__year__gte=2025).count() == added
