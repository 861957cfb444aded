from __future__ import annotations

import pytest

from tests.factories import make_assessment, make_household, make_member

pytestmark = pytest.mark.django_db


def test_smoke_assessment_classifies_from_engine() -> None:
    household = make_household()
    make_member(household)
    assessment = make_assessment(
        household,
        income_per_capita=1_100_000,
        deprivations={"sanitation", "telecom", "housing_area"},
    )
    assert assessment.status == "poor"
    assert assessment.poor_group == "N2"
    assert assessment.deprivation_count == 3
