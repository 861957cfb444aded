"""Sign-in throttling for django-axes: the client's address, and lockouts by username and by
address counted separately (settings: AXES_FAILURE_LIMIT, AXES_IP_FAILURE_LIMIT, PROXY_COUNT)."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address (AXES_CLIENT_IP_CALLABLE).

    Without a proxy (PROXY_COUNT=0) it is REMOTE_ADDR, and X-Forwarded-For is ignored: anyone
    can send that header. Behind PROXY_COUNT proxies that each append the address they saw
    (nginx: `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`), the visitor is the
    PROXY_COUNT-th address from the right; what is further left came from the client.
    """
    count = settings.PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR") or None
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Not through the expected chain of proxies: the nearest address is all we know.
        return forwarded[0] if forwarded else remote
    return forwarded[-count]


class LoginAttemptHandler(AxesDatabaseHandler):
    """django-axes' database handler with two limits and a narrower reset.

    With AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"], axes counts a username's failures
    from every address and an address's failures for every username, and locks when either
    reaches AXES_FAILURE_LIMIT. A ward office's computers share one address, so the address gets
    its own, higher limit (AXES_IP_FAILURE_LIMIT). A successful sign-in clears that username's
    failures only: clearing the address's too would let anyone with an account wipe the
    failures they just made against someone else's username.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        by_username, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self._attempts_by_parameter(request, credentials)
        )
        limit = get_failure_limit(request, credentials)
        ip_limit = max(settings.AXES_IP_FAILURE_LIMIT, 1)
        # axes compares one number with AXES_FAILURE_LIMIT: scale the address's count so that it
        # reaches that limit exactly when it reaches AXES_IP_FAILURE_LIMIT.
        return max(by_username, by_address * limit // ip_limit)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        by_username, _ = self._attempts_by_parameter(request, credentials, recent_only=False)
        count, _ = by_username.delete()
        return count

    def _attempts_by_parameter(
        self,
        request: HttpRequest,
        credentials: dict[str, Any] | None,
        *,
        recent_only: bool = True,
    ) -> list[Any]:
        attempts = (
            self.get_user_attempts(request, credentials)
            if recent_only
            else self.filter_user_attempts(request, credentials)
        )
        if len(attempts) != 2:
            raise ValueError(
                'LoginAttemptHandler needs AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"].'
            )
        return attempts
