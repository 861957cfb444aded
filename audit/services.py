"""Writing the view log: one row per look at, or export of, personal data (issue 10)."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.http import HttpRequest

from audit.models import ViewLog
from giamngheo.security import client_ip

DETAIL_MAX_LENGTH = ViewLog._meta.get_field("detail").max_length or 500


def _address(request: HttpRequest) -> str | None:
    # The column is an `inet` on PostgreSQL: a malformed header must not fail the page.
    candidate = client_ip(request)
    try:
        return str(ipaddress.ip_address(candidate or ""))
    except ValueError:
        return None


def record_view(
    *, request: HttpRequest, action: str, household: Any = None, detail: str = ""
) -> ViewLog:
    """Log that `request.user` opened or exported personal data: `household` for one household,
    `detail` for what a list held (its filters, how many rows). One INSERT; inside the request's
    transaction, so a page that fails leaves no row."""
    if action not in ViewLog.Action.values:
        raise ValueError(f"Unknown view-log action: {action!r}")
    user: Any = request.user if getattr(request.user, "is_authenticated", False) else None
    return ViewLog.objects.create(
        user=user,
        username=user.get_username() if user is not None else "",
        action=action,
        household=household,
        household_code=getattr(household, "code", "") or "",
        detail=detail[:DETAIL_MAX_LENGTH],
        ip_address=_address(request),
    )


def describe_query(request: HttpRequest, *, rows: int | None = None) -> str:
    """What a list export was asked for: its address with the filters and, when known, how
    many rows it held."""
    parts = [request.get_full_path()]
    if rows is not None:
        parts.append(f"rows={rows}")
    return " ".join(parts)
