"""Officer training (issue 4 §7): courses, who attended, and how many of each ward's officers
were trained in a year, for the plan's "100% of officers trained" target."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from giamngheo.forms import add_service_error
from households import standing
from households.access import AuthenticatedRequest, require
from households.forms.picker import PeriodPickerForm
from households.models import User, Ward
from households.scope import scope_of
from programs import access, services, worklists
from programs.forms_committee import AttendanceForm, TrainingForm
from programs.models import Training

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _officers() -> QuerySet[User]:
    """Whose training counts (`services.officer_users`): ward officers first, by ward."""
    return (
        User.objects.filter(pk__in=services.officer_users().values("pk"))
        .select_related("ward")
        .order_by(
            F("ward__display_order").asc(nulls_last=True), "last_name", "first_name", "username"
        )
    )


class OfficerCounts(TypedDict):
    """A unit's ward officers and those of them trained in the year (`training_list`)."""

    officer_count: int
    trained_count: int


@login_required
@require_http_methods(["GET", "HEAD"])
def training_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    course_years = {d.year for d in Training.objects.dates("date", "year")}
    # Opens, as the worklists and the dashboard, on the latest periodic review's year, else on
    # the latest year with a course; the current year stays on offer for this year's courses.
    with_content = sorted(course_years | set(standing.periodic_years()), reverse=True)
    today = timezone.localdate()
    years = sorted(set(with_content) | {today.year}, reverse=True)
    picker = PeriodPickerForm(
        request.GET, years=years, default_year=worklists.default_year(with_content) or today.year
    )
    picker.is_valid()  # a year not offered: the default
    year = picker.chosen_year() or today.year
    trainings = (
        Training.objects.filter(date__year=year)
        .select_related("organiser")
        .annotate(attendee_count=Count("attendance"))
        .order_by("-date", "topic")
    )
    officer = Q(officers__role=User.Role.WARD_OFFICER, officers__is_active=True)
    # The units of the year (issue 12): a unit begun or ended by a merger that year is
    # listed, with the officers attached to it, as the untrained officers' worklist does.
    counted = (
        Ward.objects.within(scope_of(request))
        .in_force_in_year(year)
        .annotate(
            officer_count=Count("officers", filter=officer, distinct=True),
            trained_count=Count(
                "officers",
                filter=officer & Q(officers__attendance__training__date__year=year),
                distinct=True,
            ),
        )
        .order_by("display_order")
    )
    wards = cast("list[WithAnnotations[Ward, OfficerCounts]]", list(counted))
    total = sum(w.officer_count for w in wards)
    trained = sum(w.trained_count for w in wards)
    return render(
        request,
        "programs/training_list.html",
        {
            "nav": "trainings",
            "year": year,
            "years": years,
            "trainings": trainings,
            "wards": wards,
            "total": total,
            "trained": trained,
            "can_manage": access.can_manage_training(user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def training_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require(access.can_manage_training(user))
    form = TrainingForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(**form.cleaned_data, by=user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("The course was saved: now tick the officers who attended.")
            )
            return redirect("programs:training_detail", pk=training.pk)
    return render(request, "programs/training_form.html", {"nav": "trainings", "form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def training_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    training = get_object_or_404(Training.objects.select_related("organiser"), pk=pk)
    can_manage = access.can_manage_training(user)
    officers = _officers()
    attending = set(training.attendance.values_list("officer_id", flat=True))
    if request.method == "POST":
        require(can_manage)
        form = AttendanceForm(request.POST, officers=officers)
        if form.is_valid():
            try:
                services.training_set_attendance(
                    training=training, officers=list(form.cleaned_data["officers"]), by=user
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The attendance list was saved."))
                return redirect("programs:training_detail", pk=training.pk)
        attending = {o.pk for o in form.cleaned_data.get("officers", [])}
    else:
        form = AttendanceForm(initial={"officers": sorted(attending)}, officers=officers)
    officer_list = list(officers)
    groups = [
        (ward or _("Steering Committee members"), [(o, o.pk in attending) for o in rows])
        for ward, rows in groupby(officer_list, key=lambda o: o.ward)
    ]
    return render(
        request,
        "programs/training_detail.html",
        {
            "nav": "trainings",
            "training": training,
            "form": form,
            "groups": groups,
            "attendee_count": sum(1 for o in officer_list if o.pk in attending),
            "can_manage": can_manage,
        },
    )
