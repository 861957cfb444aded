"""What a request may see, built once above the apps: the scope middleware.

`request.scope` is the signed-in user's `households.scope.Scope` (`programs.scope.scope_for`,
the one rule), computed when first read and then kept for the rest of the request: a partner
agency's rules or a committee member's wards are read once, however many lists the page
shows. Views read it with `households.scope.scope_of(request)`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from programs.scope import scope_for


def scope_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Put the request's scope on it (after authentication: it reads `request.user`)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request.scope = SimpleLazyObject(lambda: scope_for(request.user))  # type: ignore[attr-defined]
        return get_response(request)

    return middleware
