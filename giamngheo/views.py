"""Project-level pages: the home page with each user's own numbers, the sign-in pages and the
error pages."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_http_methods

from giamngheo.forms import BootstrapFormMixin
from households import access, selectors, standing
from households.access import AuthenticatedRequest
from households.models import Household, PovertyStatus, User, Ward
from households.scope import Scope, scope_of


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Wrong username or password. Passwords are case-sensitive: check Caps Lock."
        ),
    }


class PasswordChangeForm(BootstrapFormMixin, DjangoPasswordChangeForm):
    pass


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST only), then the login page says the user is signed out."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # Added after the logout, so that flushing the session does not drop it.
        messages.info(request, gettext("You have logged out."))
        return response


def lockout(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): the Vietnamese page, status 429.

    django-axes gives its template only an ISO 8601 duration; officers need the minutes.
    """
    cooloff = get_cool_off(request)
    minutes = round(cooloff.total_seconds() / 60) if cooloff else None
    return render(
        request,
        "registration/lockout.html",
        {"cooloff_minutes": minutes, "failure_limit": get_failure_limit(request, credentials)},
        status=429,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Each user's own numbers: an officer's ward, the whole city, or why there is nothing yet."""
    user = request.user
    scope = scope_of(request)
    context: dict[str, Any] = {"nav": "home"}
    if access.can_oversee(user):
        numbers = selectors.home_numbers(scope=scope, with_queues=False)
        context["city"] = numbers
        context["wards"] = selectors.home_ward_rows(scope=scope, review_round=numbers.round)
    elif user.role == User.Role.WARD_OFFICER and user.ward_id:
        context["ward"] = user.ward
        context["numbers"] = selectors.home_numbers(scope=scope, with_queues=True)
        context["can_create"] = access.can_create_households(user)
    elif user.role in (User.Role.COMMITTEE_MEMBER, User.Role.AGENCY_USER):
        context["programme_home"] = _programme_home(user, scope)
    return render(request, "home.html", context)


def _programme_home(user: User, scope: Scope) -> dict[str, Any]:
    """A committee member's assigned households, or the households an agency's programmes
    concern, counted by their recognised standing today (issue 4 §1, §6; households.standing)."""
    households = Household.objects.within(scope)
    if user.role == User.Role.COMMITTEE_MEMBER:
        households = households.filter(
            assignment__member__user=user, assignment__member__is_active=True
        )
    day = timezone.localdate()
    counts = standing.with_standing(households, day).aggregate(
        total=Count("pk"),
        poor=Count("pk", filter=standing.status_q(PovertyStatus.POOR)),
        near_poor=Count("pk", filter=standing.status_q(PovertyStatus.NEAR_POOR)),
        not_assessed=Count("pk", filter=Q(standing_id__isnull=True)),
    )
    return {
        "is_committee": user.role == User.Role.COMMITTEE_MEMBER,
        "day": day,
        **counts,
        "other": counts["total"] - counts["poor"] - counts["near_poor"] - counts["not_assessed"],
        "wards": list(Ward.objects.within(scope)),
    }


# Error pages (handler404, handler403, handler400, handler500 in giamngheo/urls.py). 404 and 403
# show the navigation; 400 and 500 use a standalone page that needs neither the database nor the
# context processors, since whatever failed may be one of them.


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    response = render(request, "404.html", status=404)
    # friendly_404_middleware replaces every other 404 page when DEBUG is on.
    response.is_project_error_page = True  # type: ignore[attr-defined]
    return response


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponseBadRequest(loader.get_template("400.html").render())


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponseServerError(loader.get_template("500.html").render())
