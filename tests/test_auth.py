"""Signing in and out, the password change and the django-axes lockout, in Vietnamese."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from households.models import User

pytestmark = pytest.mark.django_db


def _log_in(client: Client, username: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def test_login_page_is_in_vietnamese(client: Client) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Tên đăng nhập" in html
    assert "Mật khẩu" in html
    # The language switcher is there before signing in too.
    assert 'id="language-select"' in html
    assert reverse("set_language") in html


def test_login_page_switches_to_english(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302

    html = client.get(reverse("login")).content.decode()

    assert '<html lang="en">' in html
    assert "Username" in html
    assert "Tên đăng nhập" not in html


def test_the_right_password_signs_in_and_opens_the_home_page(
    client: Client, ducthang_officer: User, password: str
) -> None:
    response = _log_in(client, "alice", password)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(ducthang_officer.pk)


def test_a_wrong_password_says_so_in_vietnamese(client: Client, ducthang_officer: User) -> None:
    response = _log_in(client, "alice", "not-the-password")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in html
    assert 'value="alice"' in html  # the username is kept, the password is not
    assert SESSION_KEY not in client.session


def test_an_empty_form_names_the_missing_fields(client: Client) -> None:
    response = _log_in(client, "", "")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Trường này là bắt buộc.") == 2
    assert 'id="id_username_errors"' in html
    assert 'id="id_password_errors"' in html


def test_an_inactive_user_cannot_sign_in(
    client: Client, ducthang_officer: User, password: str
) -> None:
    ducthang_officer.is_active = False
    ducthang_officer.save()

    response = _log_in(client, "alice", password)

    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_anonymous_is_sent_to_login_with_next(client: Client) -> None:
    for url in (reverse("home"), reverse("households:list"), reverse("password_change")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_next_is_honoured_after_login(
    client: Client, ducthang_officer: User, password: str
) -> None:
    page = client.get(reverse("login"), {"next": reverse("households:list")})
    assert f'name="next" value="{reverse("households:list")}"' in page.content.decode()
    assert "Vui lòng đăng nhập để xem trang này." in page.content.decode()

    response = _log_in(client, "alice", password, next=reverse("households:list"))

    assert response.status_code == 302
    assert response["Location"] == reverse("households:list")


def test_next_to_another_site_is_ignored(
    client: Client, ducthang_officer: User, password: str
) -> None:
    response = _log_in(client, "alice", password, next="https://example.com/phish")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_signed_in_user_skips_the_login_page(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)

    response = client.get(reverse("login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_logout_returns_to_the_login_page_with_a_message(
    client: Client, ducthang_officer: User
) -> None:
    client.force_login(ducthang_officer)

    response = client.post(reverse("logout"), follow=True)

    assert response.redirect_chain == [(reverse("login"), 302)]
    assert "Bạn đã đăng xuất." in response.content.decode()
    assert SESSION_KEY not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_logout_needs_a_post(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert SESSION_KEY in client.session


# --- Password change ---------------------------------------------------------------------------


def _change_password(client: Client, old: str, new1: str, new2: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )


def test_password_change_form_is_in_vietnamese(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)

    html = client.get(reverse("password_change")).content.decode()

    assert "Đổi mật khẩu" in html
    assert "Mật khẩu cũ" in html
    assert 'class="form-control"' in html


def test_password_change_works(client: Client, ducthang_officer: User, password: str) -> None:
    client.force_login(ducthang_officer)

    response = _change_password(client, password, "Mui-Ne-2017-bien", "Mui-Ne-2017-bien")

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    ducthang_officer.refresh_from_db()
    assert ducthang_officer.check_password("Mui-Ne-2017-bien")
    # The session survives the change: the officer stays signed in.
    done = client.get(reverse("password_change_done"))
    assert done.status_code == 200
    assert "Mật khẩu của bạn đã được đổi." in done.content.decode()


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field", "message"),
    [
        (
            "wrong-old-password",
            "Mui-Ne-2017-bien",
            "Mui-Ne-2017-bien",
            "old_password",
            "Mật khẩu cũ không chính xác.",
        ),
        (None, "Mui-Ne-2017-bien", "Mui-Ne-2017-song", "new_password2", "không giống nhau"),
        (None, "ab12", "ab12", "new_password2", "Mật khẩu này quá ngắn."),
        (None, "12345678901", "12345678901", "new_password2", "Mật khẩu này hoàn toàn là số."),
        (None, "password123", "password123", "new_password2", "Mật khẩu này quá phổ biến."),
    ],
)
def test_password_change_refuses_bad_input_in_vietnamese(
    client: Client,
    ducthang_officer: User,
    password: str,
    old: str | None,
    new1: str,
    new2: str,
    field: str,
    message: str,
) -> None:
    client.force_login(ducthang_officer)

    response = _change_password(client, old or password, new1, new2)

    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    html = response.content.decode()
    assert f'id="id_{field}_errors"' in html
    ducthang_officer.refresh_from_db()
    assert ducthang_officer.check_password(password)


# --- Lockout (django-axes) ---------------------------------------------------------------------


def _fail(client: Client, username: str, times: int, **extra: str) -> None:
    for _ in range(times):
        _log_in(client, username, "wrong-password", **extra)


def test_the_sixth_try_is_locked_out_even_with_the_right_password(
    client: Client, ducthang_officer: User, password: str
) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert _log_in(client, "alice", "wrong-password").status_code == 200

    fifth = _log_in(client, "alice", "wrong-password")
    sixth = _log_in(client, "alice", password)

    assert fifth.status_code == 429
    assert sixth.status_code == 429
    html = sixth.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in html
    assert "15 phút" in html
    assert SESSION_KEY not in client.session


def _from(address: str, **headers: str) -> Client:
    return Client(REMOTE_ADDR=address, **headers)


def test_a_username_is_locked_from_every_address(ducthang_officer: User, password: str) -> None:
    # 12 wrong guesses spread over 3 addresses, 4 each: under the limit at every address.
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        _fail(_from(address), "alice", 4)

    # The username is locked, from a fourth address too, even with the right password.
    response = _log_in(_from("10.0.0.4"), "alice", password)

    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()


def test_a_locked_username_does_not_lock_others_at_the_same_address(
    ducthang_officer: User, tienloi_officer: User, password: str
) -> None:
    office = _from("10.0.0.1")
    _fail(office, "alice", 5)

    assert _log_in(_from("10.0.0.9"), "alice", password).status_code == 429
    # Another officer at the same computer still signs in.
    assert _log_in(office, "charlie", password).status_code == 302


def test_an_address_guessing_many_usernames_is_locked(tienloi_officer: User, password: str) -> None:
    assert settings.AXES_IP_FAILURE_LIMIT == 20
    attacker = _from("203.0.113.7")
    # 20 wrong passwords, 2 per username: no username reaches its limit of 5.
    for number in range(10):
        _fail(attacker, f"officer{number}", 2)

    # The address is locked, even for a real account with the right password ...
    assert _log_in(attacker, "charlie", password).status_code == 429
    # ... and only that address.
    assert _log_in(_from("203.0.113.8"), "charlie", password).status_code == 302


def test_a_shared_office_address_is_not_locked_by_a_few_typos(
    ducthang_officer: User, tienloi_officer: User, password: str
) -> None:
    office = _from("10.0.0.1")
    for number in range(6):
        _fail(office, f"colleague{number}", 1)

    assert _log_in(office, "alice", password).status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_guesses_at_another(
    ducthang_officer: User, tienloi_officer: User, password: str
) -> None:
    attacker = _from("10.0.0.1")
    _fail(attacker, "alice", 4)
    assert _log_in(attacker, "charlie", password).status_code == 302

    _fail(_from("10.0.0.1"), "alice", 1)

    assert _log_in(_from("10.0.0.2"), "alice", password).status_code == 429


@pytest.mark.parametrize(
    ("proxy_count", "locked_address"),
    [(0, "127.0.0.1"), (1, "198.51.100.1")],
)
def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_proxy(
    settings: Any, tienloi_officer: User, password: str, proxy_count: int, locked_address: str
) -> None:
    settings.PROXY_COUNT = proxy_count
    settings.AXES_IP_FAILURE_LIMIT = 3

    # Three visitors behind the same nginx (REMOTE_ADDR 127.0.0.1); the first forges a header.
    def visitor(address: str, forged: str = "") -> Client:
        forwarded = f"{forged}, {address}" if forged else address
        return _from("127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    _fail(visitor("198.51.100.1", forged="192.0.2.99"), "nobody", 1)
    _fail(visitor("198.51.100.1"), "nobody2", 2)

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {locked_address}
    # Behind the proxy only the guessing visitor is locked; without PROXY_COUNT the header is
    # ignored and everyone behind the proxy shares (and loses) 127.0.0.1.
    other_visitor_locked = _log_in(visitor("198.51.100.2"), "charlie", password).status_code
    assert other_visitor_locked == (429 if proxy_count == 0 else 302)


def test_fewer_failures_than_the_limit_are_forgotten_after_a_success(
    client: Client, ducthang_officer: User, password: str
) -> None:
    _fail(client, "alice", 4)
    assert _log_in(client, "alice", password).status_code == 302
    client.logout()

    _fail(client, "alice", 4)

    assert _log_in(client, "alice", password).status_code == 302


def test_the_lockout_ends_after_the_cool_off(
    client: Client, ducthang_officer: User, password: str
) -> None:
    _fail(client, "alice", 5)
    assert _log_in(client, "alice", password).status_code == 429

    # The failures are now older than the cool-off (15 minutes).
    earlier = datetime.timedelta(minutes=16)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= earlier
        attempt.save(update_fields=["attempt_time"])

    assert _log_in(client, "alice", password).status_code == 302


def test_the_administrator_can_unlock_a_user(
    client: Client, ducthang_officer: User, password: str
) -> None:
    _fail(client, "alice", 5)
    assert _log_in(client, "alice", password).status_code == 429

    assert reset(username="alice") == 1

    assert _log_in(client, "alice", password).status_code == 302


def test_admin_login_still_works(client: Client, administrator: User, password: str) -> None:
    response = client.post(
        reverse("admin:login"),
        {"username": "root", "password": password, "next": reverse("admin:index")},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_login_is_locked_out_too(client: Client, administrator: User, password: str) -> None:
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "root", "password": "wrong"})

    response = client.post(reverse("admin:login"), {"username": "root", "password": password})

    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
