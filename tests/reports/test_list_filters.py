"""The household list's report filters: deprived, dimension, cause, need, movement."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from households.models import PovertyCause, User
from tests.factories import (
    make_assessment,
    make_household,
    make_member,
    make_recognised,
    make_round,
)

pytestmark = pytest.mark.django_db

URL = reverse("households:list")


def _codes(response: Any) -> list[str]:
    return sorted(h.code for h in response.context["page"].object_list)


def test_filters_narrow_the_list(client: Any, ducthang_officer: User) -> None:
    r2016, r2017 = make_round(2016), make_round(2017)
    cause = PovertyCause.objects.filter(is_active=True).first()
    assert cause is not None
    households = {}
    for code in ("A", "B", "C"):
        households[code] = make_household(code=code, head_name=f"Chủ hộ {code}")
        make_member(households[code], full_name=f"Chủ hộ {code}")
    # Recognised results: A poor in 2016, above in 2017 (escaped in 2017); B newly poor in
    # 2017; C near-poor in 2017. A draft would make no movement.
    make_recognised(households["A"], 800_000, review_round=r2016)
    make_recognised(households["A"], 1_500_000, review_round=r2017)
    make_recognised(
        households["B"],
        800_000,
        review_round=r2017,
        deprivations=["sanitation"],
        causes=[cause],
    )
    make_recognised(households["C"], 1_200_000, review_round=r2017)
    draft = make_household(code="D", head_name="Chủ hộ D")
    make_member(draft, full_name="Chủ hộ D")
    make_assessment(draft, review_round=r2017, income_per_capita=800_000)
    client.force_login(ducthang_officer)
    base = {"round": r2017.pk}
    moved = {"year": 2017, "period": "annual"}
    assert _codes(client.get(URL, {"movement": "escaped", **moved})) == ["A"]
    assert _codes(client.get(URL, {"movement": "newly_poor", **moved})) == ["B"]
    assert _codes(client.get(URL, {"movement": "newly_poor", "year": 2016})) == ["A"]
    assert _codes(client.get(URL, {**base, "deprived": "sanitation"})) == ["B"]
    assert _codes(client.get(URL, {**base, "dimension": "water_sanitation"})) == ["B"]
    assert _codes(client.get(URL, {**base, "cause": cause.code})) == ["B"]
    assert _codes(client.get(URL, {**base, "need": "credit"})) == []
    response = client.get(URL, {"movement": "escaped", **moved})
    assert "Lọc từ báo cáo" in response.content.decode()


def test_a_made_up_value_is_ignored_with_a_message(client: Any, ducthang_officer: User) -> None:
    review_round = make_round(2017)
    household = make_household(code="A")
    make_member(household)
    make_assessment(household, review_round=review_round)
    client.force_login(ducthang_officer)
    response = client.get(URL, {"round": review_round.pk, "movement": "flew-away"})
    assert response.status_code == 200
    assert _codes(response) == ["A"]
    assert "flew-away" in str(response.context["form"].errors["movement"])
