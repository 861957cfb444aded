"""Writing the view log: one row per look at, or export of, personal data (issue 10)."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import connection
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
    user = request.user if request.user.is_authenticated else None
    if request.method in ("GET", "HEAD") and connection.vendor == "postgresql":
        # A page that only reads: its transaction's one write is this row, committed without
        # waiting for the disk (a server crash may lose the last fraction of a second of the
        # log, never a half-written row). The COMMIT's flush was 6 ms of each household page.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
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
