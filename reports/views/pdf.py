"""The PDF documents of issue 5 §2: every lookup scoped by the user, served inline as A4 PDFs."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from audit.models import ViewLog
from audit.services import describe_query, record_view
from households import access, privacy, units
from households import selectors as household_selectors
from households.forms.lists import HouseholdFilterForm
from households.models import (
    Assessment,
    Household,
    Member,
    PovertyStatus,
    ReviewRound,
    ReviewState,
    User,
    Ward,
)
from households.scope import scope_of
from jobs.models import Job
from jobs.views import start_job
from programs.models import Benefit, HouseholdAssignment
from reports import figures, pdf
from reports import jobs as reports_jobs
from reports import selectors as report_selectors
from reports.forms import PeriodicReportForm

# The most households a list PDF lays out while the officer waits; a longer list is printed by
# a background job (up to settings.JOBS_PDF_MAX_HOUSEHOLDS). Laid out as a compact table (a line
# a household, reports.pdf_grid), 1,883 households of the 60,000-household synthetic city took
# 4.1 s and 180 MB at peak on 2 busy cores (the old table: 24 s, 462 MB; issue 11: 31–50 s).
PDF_MAX_HOUSEHOLDS = 2000

# The review steps after which a household is on the posted list (Circular 17 Art. 5.4).
POSTED_STATES = (ReviewState.MEETING_HELD, ReviewState.POSTED, ReviewState.RECOGNISED)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _bad_request(request: HttpRequest, form: forms.Form) -> HttpResponse:
    """The parameters were wrong: say which and why, in Vietnamese, on a page (not a PDF)."""
    return render(
        request, "reports/pdf/bad_request.html", {"nav": "reports", "form": form}, status=400
    )


def _officer_ward(user: User) -> Ward | None:
    """An officer's reports are always of their own ward, whatever the link says."""
    if user.role == User.Role.WARD_OFFICER and user.ward_id is not None:
        return user.ward
    return None


def _ward_by_code(request: HttpRequest, user: User, code: str) -> Ward | None:
    """The ward `code` names, if the request's scope sees it; another ward is a 404
    (STYLE.md §3)."""
    if not code:
        return _officer_ward(user)
    ward = Ward.objects.within(scope_of(request)).filter(code=code).first()
    if ward is None:
        raise Http404
    return ward


# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def periodic_pdf(request: HttpRequest) -> HttpResponse:
    """The six-month (1 January – 30 June) or year-end report of the plan, for the city or one
    ward, dated with its own date (`date`, by default today for the period under way, else the
    period's last day)."""
    user = request.user
    assert isinstance(user, User)
    access.require(access.can_see_reports(user))
    data = request.GET.copy()
    if not data.get("year"):
        years = report_selectors.available_years()
        if years:
            data["year"] = str(years[0])
    form = PeriodicReportForm(data)
    if not form.is_valid():
        return _bad_request(request, form)
    ward = _ward_by_code(request, user, form.cleaned_data["unit"])
    year = form.cleaned_data["year"]
    period = form.cleaned_data["period"] or pdf.PERIOD_ANNUAL
    report = figures.report(
        scope=scope_of(request),
        year=year,
        ward=ward,
        period=period,
        report_date=form.cleaned_data["date"],
    )
    content = pdf.render_periodic_report(report, number=form.cleaned_data["number"])
    kind = "so-ket-6-thang" if period == pdf.PERIOD_SIX_MONTH else "tong-ket"
    unit = ward.name if ward else "thanh-pho"
    return _pdf_response(content, pdf.ascii_filename("bao-cao", kind, year, unit))


# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def household_list_pdf(request: HttpRequest) -> HttpResponse:
    """The household list's households, grouped by status, on landscape A4.

    Takes the household list's own parameters (ward, round, status, …), checked by its form:
    a value the user may not use is left out, as on the list page.
    """
    user = request.user
    assert isinstance(user, User)
    access.require(access.can_see_reports(user))
    scope = scope_of(request)
    form = HouseholdFilterForm.for_scope(request.GET, scope)
    wards, rounds = form.wards, form.rounds
    if "ward" in form.errors:
        raise Http404  # another ward's list: as if it did not exist (STYLE.md §3)
    filters = form.filters()
    households = household_selectors.household_list(
        user=user, scope=scope, filters=filters, sort="status"
    )
    query = request.GET.urlencode()
    back = f"{reverse('households:list')}?{query}" if query else reverse("households:list")
    limit = settings.JOBS_PDF_MAX_HOUSEHOLDS
    try:
        # Reads at most one household past the limit, and no assessment when over it.
        rows = pdf.household_list_rows(households, limit=PDF_MAX_HOUSEHOLDS)
    except pdf.TooManyHouseholds:
        if not reports_jobs.list_is_larger_than(
            user=user, scope=scope, filters=filters, limit=limit
        ):
            # Too long to lay out while the officer waits: a background job (issue 11 §4).
            record_view(
                request=request, action=ViewLog.Action.EXPORT_REPORT, detail=describe_query(request)
            )
            return start_job(
                request,
                kind=Job.Kind.HOUSEHOLD_PDF,
                parameters={"query": query, "limit": limit},
                ward=next((w for w in wards if w.pk == filters.ward), None),
                back=back,
            )
        messages.error(
            request,
            _(
                "This list has more than %(limit)s households, too many for one PDF. Choose a "
                "ward or commune (or a status) to print it in parts, or export it to Excel."
            )
            % {"limit": f"{limit:,}".replace(",", ".")},
        )
        return redirect(back)
    ward = next((w for w in wards if w.pk == filters.ward), None)
    if ward is None and len(wards) == 1:
        ward = wards[0]
    review_round = next((r for r in rounds if r.pk == filters.review_round), None)
    status = PovertyStatus(filters.status).label if filters.status in PovertyStatus else ""
    title = (
        _("List of %(status)s") % {"status": str(status).lower()}
        if status
        else _("List of households by status")
    )
    parts = [str(ward) if ward else _("Phan Thiet city")]
    if review_round:
        parts.append(review_round.name)
    record_view(
        request=request,
        action=ViewLog.Action.EXPORT_REPORT,
        detail=describe_query(request, rows=len(rows)),
    )
    content = pdf.render_household_list(
        rows,
        title=title,
        subtitle=" – ".join(parts),
        ward=ward,
        show_ward=ward is None,
    )
    year = review_round.year if review_round else ""
    filename = pdf.ascii_filename(
        "danh-sach-ho", ward.name if ward else "thanh-pho", filters.status, year
    )
    return _pdf_response(content, filename)


# ---------------------------------------------------------------------------------------------


class PostingForm(forms.Form):
    round = forms.ModelChoiceField(
        label=gettext_lazy("Review round"),
        queryset=ReviewRound.objects.all(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("There is no such review round.")},
    )
    ward = forms.IntegerField(label=gettext_lazy("Ward / commune"), required=False)


@login_required
@require_http_methods(["GET", "HEAD"])
def posting_pdf(request: HttpRequest) -> HttpResponse:
    """The list posted publicly after the community meeting, ID numbers masked (Circular 17)."""
    user = request.user
    assert isinstance(user, User)
    access.require(access.can_see_reports(user))
    form = PostingForm(request.GET)
    if not form.is_valid():
        return _bad_request(request, form)
    review_round = form.cleaned_data["round"] or household_selectors.default_review_round(
        household_selectors.review_rounds_for_list(scope_of(request))
    )
    if review_round is None:
        form.add_error("round", _("There is no review round yet."))
        return _bad_request(request, form)
    ward_id = form.cleaned_data["ward"]
    officer_ward = _officer_ward(user)
    if ward_id is None and officer_ward is not None:
        ward = officer_ward
    elif ward_id is None:
        form.add_error("ward", _("Choose the ward or commune whose list is posted."))
        return _bad_request(request, form)
    else:
        ward = get_object_or_404(Ward.objects.within(scope_of(request)), pk=ward_id)
    assessments = list(
        Assessment.objects.filter(
            household__in=Household.objects.within(scope_of(request)),
            household__ward_id__in=units.lineage(ward.pk),
            round=review_round,
            status__in=(PovertyStatus.POOR, PovertyStatus.NEAR_POOR),
            state__in=POSTED_STATES,
        )
        .select_related("household__quarter")
        .prefetch_related(Prefetch("household__members", queryset=Member.objects.order_by("id")))
        .order_by("household__quarter__display_order", "household__code")
    )
    waiting = pdf.not_posted(assessments)
    if waiting:
        # Each row states its own posting period: a household whose posting is not recorded
        # would go out with none (or with another's), so the list is not printed yet.
        form.add_error(
            None,
            ngettext(
                "%(count)d household on this list has not been posted yet: record its public "
                "posting (from/to) first, then print the list.",
                "%(count)d households on this list have not been posted yet: record their public "
                "posting (from/to) first, then print the list.",
                waiting,
            )
            % {"count": waiting},
        )
        return _bad_request(request, form)
    record_view(
        request=request,
        action=ViewLog.Action.EXPORT_REPORT,
        detail=describe_query(request, rows=len(assessments)),
    )
    content = pdf.render_posting_list(
        assessments, ward=ward, round_name=review_round.name, year=review_round.year
    )
    return _pdf_response(content, pdf.ascii_filename("niem-yet", ward.name, review_round.year))


# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def household_profile_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One household's sheet for the officer's file: members, latest survey and why, supports."""
    user = request.user
    scope = scope_of(request)
    household = get_object_or_404(
        Household.objects.within(scope).select_related("ward", "quarter"), pk=pk
    )
    today = timezone.localdate()
    # Only the members, ID numbers and agencies' records the user may read (households.privacy).
    members = [
        (shown.member, shown.member.age_on(today), shown.national_id)
        for shown in privacy.shown_members(user, scope, household, household.members.all())
    ]
    assessment = (
        household.assessments.select_related("round")
        .prefetch_related("causes", "needs")
        .order_by("-round__reference_date", "-round__starts_on", "-pk")
        .first()
    )
    scoped = Benefit.objects.filter(household=household)
    if scope.agency is not None:
        scoped = scoped.filter(programme__agency_id=scope.agency)
    benefits = list(scoped.select_related("programme", "member").order_by("-date", "-id"))
    assignment = (
        HouseholdAssignment.objects.filter(household=household)
        .select_related("member__agency")
        .first()
    )
    record_view(request=request, action=ViewLog.Action.HOUSEHOLD_PDF, household=household)
    content = pdf.render_household_profile(
        household,
        members=members,
        assessment=assessment,
        benefits=benefits,
        assignment=assignment,
        on=today,
        show_traits=privacy.can_see_traits(user),
    )
    return _pdf_response(content, pdf.ascii_filename("ho-so-ho", household.code))
