"""The household list: search, filters, sorting and pages, all in the query string."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from audit.models import ViewLog
from audit.services import record_view
from households import access, selectors
from households.forms.lists import HouseholdFilterForm
from households.pagination import household_list_page
from households.scope import scope_of

# A search for a person by their national ID number (CMND: 9 digits, CCCD: 12) is logged.
NATIONAL_ID_RE = re.compile(r"[0-9]{9}|[0-9]{12}")


@login_required
@require_http_methods(["GET", "HEAD"])
def household_list(request: HttpRequest) -> HttpResponse:
    """Issue 3 §3: the households the user may see; every filter can be bookmarked."""
    user = request.user
    scope = scope_of(request)
    form = HouseholdFilterForm.for_scope(request.GET, scope)
    wards = form.wards
    filters = form.filters()
    sort = selectors.parse_sort(request.GET.get("sort"))
    # A page past the end (an old bookmark, a narrower filter) shows the last page.
    page = household_list_page(
        user=user, scope=scope, filters=filters, sort=sort, number=request.GET.get("page")
    )
    paginator = page.paginator
    if NATIONAL_ID_RE.fullmatch(filters.q.strip()):
        record_view(
            request=request,
            action=ViewLog.Action.SEARCH_BY_ID,
            # page[0] loads the page the template shows: no query of its own.
            household=page[0] if paginator.count == 1 else None,
            detail=f"q={filters.q.strip()} rows={paginator.count}",
        )
    return render(
        request,
        "households/household_list.html",
        {
            "nav": "households",
            "form": form,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "sort": sort,
            "standing_day": filters.standing_day,
            "columns": selectors.sort_columns(sort),
            "show_ward": len(wards) > 1,
            "has_scope": bool(wards),
            "is_filtered": bool(filters.q) or form.active_filter_count > 0,
            "can_create": access.can_create_households(user),
            "can_export": access.can_oversee(user) or access.can_create_households(user),
        },
    )
