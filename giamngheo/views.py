"""Project-level pages: the home page with each user's own numbers, and the sign-in pages."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from giamngheo.forms import BootstrapFormMixin
from households import access, selectors
from households.models import Assessment, Household, PovertyStatus, ReviewRound, User, Ward


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
def home(request: HttpRequest) -> HttpResponse:
    """Each user's own numbers: an officer's ward, the whole city, or why there is nothing yet."""
    user = request.user
    context: dict[str, Any] = {"nav": "home"}
    if access.can_decide(user):
        numbers = selectors.home_numbers(user=user, with_queues=False)
        context["city"] = numbers
        if numbers.round is not None:
            context["wards"] = selectors.home_ward_rows(user=user, review_round=numbers.round)
    elif user.role == User.Role.WARD_OFFICER and user.ward_id:  # type: ignore[union-attr]
        context["ward"] = user.ward  # type: ignore[union-attr]
        context["numbers"] = selectors.home_numbers(user=user, with_queues=True)
        context["can_create"] = access.can_create_households(user)
    elif user.role in (User.Role.COMMITTEE_MEMBER, User.Role.AGENCY_USER):  # type: ignore[union-attr]
        context["programme_home"] = _programme_home(user)
    return render(request, "home.html", context)


def _programme_home(user: Any) -> dict[str, Any]:
    """A committee member's assigned households, or the households an agency's programmes
    concern, counted by status in the latest periodic round (issue 4 §1, §6)."""
    households = Household.objects.visible_to(user)
    if user.role == User.Role.COMMITTEE_MEMBER:
        households = households.filter(
            assignment__member__user=user, assignment__member__is_active=True
        )
    review_round = (
        ReviewRound.objects.filter(kind=ReviewRound.Kind.PERIODIC).order_by("-year").first()
    )
    by_status = dict(
        Assessment.objects.filter(round=review_round, household__in=households)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    total = households.count()
    return {
        "is_committee": user.role == User.Role.COMMITTEE_MEMBER,
        "round": review_round,
        "total": total,
        "poor": by_status.get(PovertyStatus.POOR, 0),
        "near_poor": by_status.get(PovertyStatus.NEAR_POOR, 0),
        "other": sum(by_status.values())
        - by_status.get(PovertyStatus.POOR, 0)
        - by_status.get(PovertyStatus.NEAR_POOR, 0),
        "not_assessed": total - sum(by_status.values()),
        "wards": list(Ward.objects.visible_to(user)),
    }
