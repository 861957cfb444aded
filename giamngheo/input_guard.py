"""NUL bytes in what forms do not validate: the address, the query string and the cookies.

PostgreSQL refuses NUL in text ("PostgreSQL text fields cannot contain NUL (0x00) bytes"), so a
NUL that reaches a query is a 500. Form fields already refuse it (Django's
ProhibitNullCharactersValidator), but a session cookie is looked up before any form runs: a
tampered `sessionid=abc%00…` was a 500 on every page. No browser sends NUL by itself, so:

- a cookie holding NUL is dropped, as if it had not been sent: the visitor is signed out and the
  next response sets a fresh cookie over it (a 400 instead would lock the browser out for as
  long as it keeps the cookie);
- an address or query string holding NUL is a 400 (the "request not understood" page).

Put it before SessionMiddleware in MIDDLEWARE.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

NUL = "\x00"


def input_guard_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        for name in [n for n, v in request.COOKIES.items() if NUL in n or NUL in v]:
            del request.COOKIES[name]
        if NUL in request.path or any(
            NUL in key or any(NUL in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL byte in the address or the query string")
        return get_response(request)

    return middleware
