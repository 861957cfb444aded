"""Security headers and sessions: the Content-Security-Policy, no-store on personal data, the idle
sign-out, and error pages that never show the app's internals."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.template import engines
from django.test import Client
from django.urls import reverse

from giamngheo.middleware import LAST_ACTIVITY_KEY
from households.models import User

pytestmark = pytest.mark.django_db

TEMPLATES = settings.BASE_DIR / "templates"
# Rendered by WeasyPrint into PDFs, never by a browser: inline styles are how they are laid out.
PDF_TEMPLATES = TEMPLATES / "reports" / "pdf"


# --- Content-Security-Policy ---------------------------------------------------------------------


def test_every_page_carries_the_content_security_policy(
    client: Client, ducthang_officer: User
) -> None:
    anonymous = client.get(reverse("login"))
    client.force_login(ducthang_officer)
    signed_in = client.get(reverse("households:list"))

    for response in (anonymous, signed_in):
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy


def _browser_templates() -> list[Any]:
    return sorted(path for path in TEMPLATES.rglob("*.html") if PDF_TEMPLATES not in path.parents)


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\s on[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*["']""", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("inline <script>", INLINE_SCRIPT),
        ("inline event handler", EVENT_HANDLER),
        ("style attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
    ],
)
def test_no_template_has_what_the_policy_blocks(what: str, pattern: re.Pattern[str]) -> None:
    assert len(_browser_templates()) > 20
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}"
        for path in _browser_templates()
        for match in pattern.finditer(path.read_text())
    ]
    assert offenders == [], f"{what} in templates (move it to static/js or static/css)"


def test_htmx_does_not_inject_its_inline_style(client: Client) -> None:
    html = client.get(reverse("login")).content.decode()

    assert '"includeIndicatorStyles": false' in html


def test_the_submit_confirmation_is_a_data_attribute(client: Client) -> None:
    source = (TEMPLATES / "households" / "includes" / "review_actions.html").read_text()

    assert "data-confirm=" in source
    assert "confirm(" not in source


# --- No copies of personal data -----------------------------------------------------------------


def _assert_no_store(response: Any) -> None:
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control, response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def test_pages_for_a_signed_in_user_are_not_stored(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)

    for url in (reverse("home"), reverse("households:list"), reverse("households:review_progress")):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_store(response)


def test_downloads_are_not_stored(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)

    response = client.get(reverse("reports:household_list_xlsx"))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    _assert_no_store(response)


def test_the_login_page_may_be_cached_by_nobody_else(client: Client) -> None:
    # Nothing personal on it; Django already marks it never-cache (CSRF token).
    response = client.get(reverse("login"))

    assert "no-store" in response["Cache-Control"]


# --- Idle sign-out ------------------------------------------------------------------------------


def _idle_for(client: Client, minutes: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - minutes * 60
    session.save()


def test_a_session_idle_for_longer_than_the_limit_is_signed_out(
    client: Client, ducthang_officer: User
) -> None:
    assert settings.SESSION_IDLE_MINUTES == 30
    client.force_login(ducthang_officer)
    assert client.get(reverse("home")).status_code == 200
    assert isinstance(client.session[LAST_ACTIVITY_KEY], int)

    _idle_for(client, 31)
    url = reverse("households:list")
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert SESSION_KEY not in client.session
    login_page = client.get(response["Location"]).content.decode()
    assert "Phiên làm việc đã hết hạn do không hoạt động quá 30 phút." in login_page


def test_signing_in_starts_the_idle_clock(
    client: Client, ducthang_officer: User, password: str
) -> None:
    client.post(reverse("login"), {"username": "alice", "password": password})

    # Set with the sign-in itself: the first page does not write the session again.
    assert int(time.time()) - client.session[LAST_ACTIVITY_KEY] < 5


def test_a_session_used_within_the_limit_stays_signed_in(
    client: Client, ducthang_officer: User
) -> None:
    client.force_login(ducthang_officer)
    client.get(reverse("home"))

    _idle_for(client, 29)

    assert client.get(reverse("households:list")).status_code == 200
    assert SESSION_KEY in client.session
    # The request counted as activity: the clock starts again.
    assert int(time.time()) - client.session[LAST_ACTIVITY_KEY] < 5


def test_an_htmx_request_after_the_idle_limit_opens_the_login_page(
    client: Client, ducthang_officer: User
) -> None:
    client.force_login(ducthang_officer)
    client.get(reverse("home"))
    _idle_for(client, 45)

    response = client.get(reverse("households:list"), headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))
    assert SESSION_KEY not in client.session


def test_the_session_cookie_ends_with_the_browser(
    client: Client, ducthang_officer: User, password: str
) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": password})

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    # And the server forgets it after 12 hours whatever happens.
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert client.session.get_expiry_age() <= 12 * 60 * 60


# --- Error pages --------------------------------------------------------------------------------


def test_a_missing_page_is_the_vietnamese_404_without_url_patterns_even_with_debug(
    client: Client, ducthang_officer: User, settings: Any
) -> None:
    settings.DEBUG = True
    client.force_login(ducthang_officer)

    for url in ("/no-such-page/", reverse("households:detail", args=[987654])):
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "Không tìm thấy trang" in html, url
        assert "URLconf" not in html
        assert "households/" not in html.split("<main", 1)[1]
        assert "admin/" not in html.split("<main", 1)[1]


def test_superusers_still_get_the_debug_404(
    client: Client, administrator: User, settings: Any
) -> None:
    settings.DEBUG = True
    client.force_login(administrator)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


def test_without_debug_a_missing_page_is_the_vietnamese_404(client: Client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    assert "Content-Security-Policy" in response


def test_a_refused_page_is_the_vietnamese_403(client: Client, agency_user: User) -> None:
    client.force_login(agency_user)

    response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


def test_the_500_page_needs_neither_the_database_nor_context_processors(
    django_assert_num_queries: Any,
) -> None:
    # Rendered the way Django's server_error renders it: no request, no context processor.
    with django_assert_num_queries(0):
        html = engines["django"].get_template("500.html").render({})

    assert "Đã xảy ra lỗi" in html
    assert "/static/css/giamngheo.css" in html


@pytest.mark.parametrize("template", ["400.html", "403_csrf.html"])
def test_the_other_standalone_error_pages_render_without_a_request(template: str) -> None:
    html = engines["django"].get_template(template).render({})

    assert '<html lang="vi">' in html


def test_a_forged_form_is_the_vietnamese_csrf_page(ducthang_officer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(ducthang_officer)

    response = client.post(reverse("logout"))

    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()
