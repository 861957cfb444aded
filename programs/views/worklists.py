"""Coverage worklists (issue 4 §9): who is still missing for each 100% target of the plan."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.services import describe_query, record_view
from households import selectors as household_selectors
from households import standing
from households.scope import scope_of
from programs import loan_status, worklists
from programs.excel import xlsx_response


def _worklist(key: str) -> worklists.Worklist:
    try:
        return worklists.WORKLISTS[key]
    except KeyError:
        raise Http404 from None


def _filter_form(request: HttpRequest, worklist: worklists.Worklist) -> Any:
    form = worklists.WorklistFilterForm(
        request.GET,
        worklist=worklist,
        years=worklists.worklist_years(),
        wards=household_selectors.visible_wards(scope_of(request)),
        quarters=household_selectors.visible_quarters(scope_of(request)),
    )
    form.is_valid()  # an invalid filter is ignored and shown with its message
    year = form.chosen_year()
    if year is not None:
        form.offer_units_of(standing.reference_day(year))
    return form


def _where(request: HttpRequest, form: Any) -> str:
    """Which households a list covers, for its title: a ward, the wards seen, or the city."""
    chosen = form.filters().ward
    if chosen is not None:
        return chosen.name
    if scope_of(request).every_ward:
        return _("Phan Thiết city")
    return ", ".join(w.name for w in form.offered) or _("the households assigned to you")


@login_required
@require_http_methods(["GET", "HEAD"])
def worklist_index(request: HttpRequest) -> HttpResponse:
    """The lists, each with how many are still missing in the year of the latest review (the
    loans list: today)."""
    year = worklists.default_year(worklists.worklist_years())
    cards = [
        {
            "worklist": worklist,
            "count": worklists.worklist_count(scope=scope_of(request), key=key, year=year)
            if year is not None
            else None,
        }
        for key, worklist in worklists.WORKLISTS.items()
    ]
    return render(
        request,
        "programs/worklist_index.html",
        {"nav": "worklists", "cards": cards, "year": year},
    )


class _WorklistPaginator(Paginator):
    """A worklist's pages: told its `count` (a stored one) instead of counting the rows again,
    and with `ids_first` (`Worklist.ids_first`), a page's rows chosen by their ids before they
    are read with their joins."""

    def __init__(
        self, object_list: QuerySet[Any], per_page: int, *, count: int | None, ids_first: bool
    ) -> None:
        super().__init__(object_list, per_page)
        self.rows = object_list
        self._known_count = count
        self._ids_first = ids_first

    @cached_property
    def count(self) -> int:
        return super().count if self._known_count is None else self._known_count

    def page(self, number: Any) -> Any:
        if not self._ids_first:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.rows.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.rows.filter(pk__in=ids)}
        # A row written away between the two reads is left out, not an error.
        return Page([rows[pk] for pk in ids if pk in rows], number, self)


@login_required
@require_http_methods(["GET", "HEAD"])
def worklist_detail(request: HttpRequest, key: str) -> HttpResponse:
    worklist = _worklist(key)
    form = _filter_form(request, worklist)
    year = form.chosen_year()
    page = None
    page_range: Any = []
    if year is not None:
        rows = worklists.worklist_rows(
            worklist, scope=scope_of(request), year=year, filters=form.filters()
        )
        # Unfiltered: the count the index shows, stored until the data changes.
        count = (
            worklists.worklist_count(scope=scope_of(request), key=key, year=year)
            if form.filters() == worklists.WorklistFilters()
            else None
        )
        paginator = _WorklistPaginator(
            rows, worklists.PER_PAGE, count=count, ids_first=worklist.ids_first
        )
        page = paginator.get_page(request.GET.get("page"))
        page_range = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    school_start, school_end = worklists.school_year(year) if year else (None, None)
    return render(
        request,
        "programs/worklist_detail.html",
        {
            "nav": "worklists",
            "worklist": worklist,
            "form": form,
            "year": year,
            "reference_day": standing.reference_day(year) if year else None,
            "page": page,
            "page_range": page_range,
            "columns": worklists.page_columns(worklist, show_ward=form.show_ward),
            "rows": (
                worklists.table_rows(worklist, page.object_list, show_ward=form.show_ward)
                if page is not None
                else []
            ),
            "today": timezone.localdate(),
            "check_interval": loan_status.CHECK_INTERVAL_MONTHS,
            "school_start": school_start,
            "school_end": school_end,
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def worklist_export(request: HttpRequest, key: str) -> HttpResponseBase:
    """The whole filtered list as an Excel sheet, scoped exactly like the page."""
    worklist = _worklist(key)
    form = _filter_form(request, worklist)
    year = form.chosen_year()
    if year is None:
        raise Http404
    rows = worklists.worklist_rows(
        worklist, scope=scope_of(request), year=year, filters=form.filters()
    )
    columns = worklist.columns
    record_view(request=request, action="export_worklist", detail=describe_query(request))
    today = timezone.localdate()
    stamp = today.isoformat() if worklist.as_of_today else str(year)
    if worklist.as_of_today:
        title = _("%(list)s – %(where)s – as of %(date)s") % {
            "list": worklist.title,
            "where": _where(request, form),
            "date": today.strftime("%d/%m/%Y"),
        }
    else:
        title = _("%(list)s – %(where)s – year %(year)s (exported %(date)s)") % {
            "list": worklist.title,
            "where": _where(request, form),
            "year": year,
            "date": today.strftime("%d/%m/%Y"),
        }
    return xlsx_response(
        filename=f"danh-sach-{worklist.key}-{stamp}.xlsx",
        sheet_title=str(worklist.title),
        title=title,
        columns=[column.excel() for column in columns],
        rows=([column.value(row) for column in columns] for row in rows.iterator()),
    )
