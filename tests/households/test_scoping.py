"""`programs.scope.scope_for` and `Household.objects.within`: the single rule deciding whose
households a user sees, built once per request (`giamngheo.access.scope_middleware`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from giamngheo import access
from households.models import Household, User, Ward
from households.scope import Scope
from programs.scope import scope_for
from tests.factories import make_household, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def households() -> dict[str, Household]:
    return {
        "duc-thang": make_household("duc-thang", code="DT-0001"),
        "tien-loi": make_household("tien-loi", code="TL-0001", head_name="Lê Văn Bốn"),
    }


def visible_codes(user: object) -> list[str]:
    return sorted(Household.objects.within(scope_for(user)).values_list("code", flat=True))


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


def test_everything_and_nothing(households: dict[str, Household]) -> None:
    assert Scope.EVERYTHING.every_ward and Scope.EVERYTHING.key == "all"
    assert sorted(Household.objects.within(Scope.EVERYTHING).values_list("code", flat=True)) == [
        "DT-0001",
        "TL-0001",
    ]
    assert list(Household.objects.within(Scope.NOTHING)) == []
    assert list(Ward.objects.within(Scope.NOTHING)) == []
    assert Scope.NOTHING.key is None


def test_the_scope_is_built_once_per_request_and_only_when_read(
    client: Client,
    households: dict[str, Household],
    ducthang_officer: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[object] = []

    def counted(user: Any) -> Scope:
        built.append(user)
        return scope_for(user)

    monkeypatch.setattr(access, "scope_for", counted)
    client.force_login(ducthang_officer)

    # The household list reads it for its filters, its rounds and its rows.
    response = client.get(reverse("households:list"))
    assert response.status_code == 200
    assert "DT-0001" in response.content.decode() and "TL-0001" not in response.content.decode()
    assert len(built) == 1

    built.clear()
    assert client.get(reverse("password_change")).status_code == 200
    assert built == []
