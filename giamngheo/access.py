"""What a request may see and do, built once above the apps.

- `scope_middleware`: `request.scope` is the signed-in user's `households.scope.Scope`
  (`programs.scope.scope_for`, the one rule), computed when first read and then kept for the
  rest of the request: a partner agency's rules or a committee member's wards are read once,
  however many lists the page shows. Views read it with `households.scope.scope_of(request)`.
- `permissions`: the one place templates read what the user may do (`may.…`), asked of the
  rules in `households.access` and `programs.access`; no template restates a role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from households import access as household_access
from households.models import Asker
from programs import access as programme_access
from programs.scope import scope_for


def scope_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Put the request's scope on it (after authentication: it reads `request.user`)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request.scope = SimpleLazyObject(lambda: scope_for(request.user))  # type: ignore[attr-defined]
        return get_response(request)

    return middleware


@dataclass(frozen=True)
class Permissions:
    """What the menu and the pages' shared parts offer the signed-in user."""

    follow_review: bool  # the review's progress in the wards
    manage_households: bool  # a Steering Committee member's own households
    see_committee: bool  # the Steering Committee list
    see_trainings: bool  # trainings and targets (open to all; not in an agency's menu)
    see_reports: bool  # dashboard, report PDFs, exports
    administer: bool  # the links into the admin

    @classmethod
    def of(cls, user: Asker) -> Permissions:
        return cls(
            follow_review=household_access.can_follow_review(user),
            manage_households=programme_access.has_own_households(user),
            see_committee=programme_access.can_see_committee(user),
            see_trainings=programme_access.trainings_in_menu(user),
            see_reports=household_access.can_see_reports(user),
            administer=household_access.is_administrator(user),
        )


def permissions(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `may`, what the request's user may do (`Permissions`), worked out
    when a template first reads it."""
    return {"may": SimpleLazyObject(lambda: Permissions.of(request.user))}
