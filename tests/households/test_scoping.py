"""Household.objects.visible_to: the single rule deciding whose households a user sees."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from households.models import Household, User
from tests.factories import make_household, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def households() -> dict[str, Household]:
    return {
        "duc-thang": make_household("duc-thang", code="DT-0001"),
        "tien-loi": make_household("tien-loi", code="TL-0001", head_name="Lê Văn Bốn"),
    }


def visible_codes(user: object) -> list[str]:
    return sorted(Household.objects.visible_to(user).values_list("code", flat=True))


def test_a_ward_officer_sees_only_their_ward(
    households: dict[str, Household], ducthang_officer: User, tienloi_officer: User
) -> None:
    assert visible_codes(ducthang_officer) == ["DT-0001"]
    assert visible_codes(tienloi_officer) == ["TL-0001"]


def test_the_city_reviewer_sees_every_ward(
    households: dict[str, Household], city_reviewer: User
) -> None:
    assert visible_codes(city_reviewer) == ["DT-0001", "TL-0001"]


def test_anonymous_inactive_and_unscoped_users_see_nothing(
    households: dict[str, Household], agency_user: User, ducthang_officer: User
) -> None:
    assert visible_codes(AnonymousUser()) == []
    assert visible_codes(agency_user) == []
    ducthang_officer.is_active = False
    assert visible_codes(ducthang_officer) == []


def test_a_superuser_sees_everything(households: dict[str, Household]) -> None:
    root = make_user("root", role=User.Role.ADMIN, is_superuser=True)
    assert visible_codes(root) == ["DT-0001", "TL-0001"]
