"""`households.services.user_create`: the one way a user is created."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError

from households import services
from households.models import User, Ward

pytestmark = pytest.mark.django_db


def test_it_creates_a_ward_officer_who_can_sign_in(duc_thang: Ward, password: str) -> None:
    user = services.user_create(
        username="an",
        role=User.Role.WARD_OFFICER,
        ward=duc_thang,
        password=password,
        last_name="Nguyễn",
        first_name="Văn An",
    )

    user = User.objects.get(pk=user.pk)
    assert user.role == User.Role.WARD_OFFICER
    assert user.ward == duc_thang
    assert user.get_full_name() == "Nguyễn Văn An"
    assert user.check_password(password)
    assert not user.check_password("wrong")
    assert not user.is_staff and not user.is_superuser


def test_it_stores_a_given_hash_or_an_unusable_password(password: str) -> None:
    hashed = services.user_create(
        username="bob", role=User.Role.CITY_REVIEWER, password_hash=make_password(password)
    )
    nothing = services.user_create(username="dave", role=User.Role.AGENCY_USER)

    assert User.objects.get(pk=hashed.pk).check_password(password)
    assert not User.objects.get(pk=nothing.pk).has_usable_password()


def test_it_refuses_a_ward_officer_without_a_ward(password: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.user_create(username="an", role=User.Role.WARD_OFFICER, password=password)

    assert "Cán bộ phường/xã phải thuộc một phường/xã." in excinfo.value.messages
    assert not User.objects.filter(username="an").exists()


def test_it_refuses_a_duplicate_username(duc_thang: Ward, password: str) -> None:
    services.user_create(username="an", role=User.Role.CITY_REVIEWER, password=password)

    with pytest.raises(ValidationError) as excinfo:
        services.user_create(
            username="an", role=User.Role.WARD_OFFICER, ward=duc_thang, password=password
        )

    assert "username" in excinfo.value.message_dict
    assert User.objects.filter(username="an").count() == 1
    assert User.objects.get(username="an").role == User.Role.CITY_REVIEWER


def test_createsuperuser_makes_an_administrator(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-password-2017")
    call_command("createsuperuser", interactive=False, username="boss", email="boss@example.org")
    boss = User.objects.get(username="boss")
    assert (boss.role, boss.is_superuser, boss.ward) == (User.Role.ADMIN, True, None)
