"""The project's own middleware: language, security headers, idle sign-out, private pages.

Language: Vietnamese unless the user picked another language with the switcher. Django's
LocaleMiddleware follows the browser's Accept-Language, and many officers' tablets and office
PCs are set to English; the app should still open in Vietnamese for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext


def chosen_language_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    supported = {code for code, _ in settings.LANGUAGES}

    def middleware(request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response

    return middleware


def content_security_policy_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """The Content-Security-Policy header (settings.CONTENT_SECURITY_POLICY) on every response.

    Injected markup cannot run script or load anything from elsewhere; the templates therefore
    have no inline script, event handler or style attribute (their code is in static/js).
    """
    policy = settings.CONTENT_SECURITY_POLICY

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if policy:
            response.headers.setdefault("Content-Security-Policy", policy)
        return response

    return middleware


LAST_ACTIVITY_KEY = "giamngheo_last_activity"


def start_activity_clock(
    sender: Any, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """On signing in (the user_logged_in signal, connected in giamngheo.apps): the idle clock
    starts now, in the session being saved anyway, not with an extra write on the next page."""
    if hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = int(time.time())


def session_idle_timeout_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Sign out after settings.SESSION_IDLE_MINUTES without a request.

    Officers use shared office computers: a session left open must not stay usable for the
    next person. The next request goes to the login page, which says why.
    """
    idle_seconds = settings.SESSION_IDLE_MINUTES * 60

    def middleware(request: HttpRequest) -> HttpResponse:
        if idle_seconds > 0 and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if isinstance(last, int) and now - last > idle_seconds:
                logout(request)
                messages.warning(
                    request,
                    gettext(
                        "Your session has expired after %(minutes)d minutes without activity. "
                        "Please sign in again."
                    )
                    % {"minutes": settings.SESSION_IDLE_MINUTES},
                )
                login_url = redirect_to_login(request.get_full_path())
                if request.headers.get("HX-Request"):
                    # htmx would put the login page inside the fragment: open it as a page.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = login_url["Location"]
                    return response
                return login_url
            # Written at most every SESSION_ACTIVITY_RESOLUTION_SECONDS, not on every request.
            resolution = settings.SESSION_ACTIVITY_RESOLUTION_SECONDS
            if not isinstance(last, int) or now - last >= resolution:
                request.session[LAST_ACTIVITY_KEY] = now
        return get_response(request)

    return middleware


def private_pages_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Cache-Control: no-store on everything a signed-in user sees, and on every download.

    Every page behind the login shows households' personal data (names, ID numbers, incomes);
    neither the browser nor a proxy may keep a copy after the officer signs out.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        is_download = response.has_header("Content-Disposition")
        if is_download or request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
            response.headers["Pragma"] = "no-cache"
        return response

    return middleware


def friendly_404_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """With DEBUG on, Django's 404 page lists every URL pattern of the app: only superusers
    see it; everyone else gets the project's own "page not found" (templates/404.html)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not getattr(response, "is_project_error_page", False)
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(request.user, "is_superuser", False)
        ):
            from giamngheo.views import page_not_found

            return page_not_found(request, exception=None)
        return response

    return middleware
