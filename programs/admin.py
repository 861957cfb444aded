"""The Django admin for issue 4: reference data, the Steering Committee, trainings and targets.

The city Labour department keeps the catalogue, the committee, trainings and targets; ward
officers read them. Benefits and loans are read-only here: they are recorded in the workspace
through `programs.services`, which checks eligibility, so the admin can never bypass it.
Assignments, trainings and targets are saved through the same services as the workspace.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from giamngheo.formatting import format_vnd
from households.access import can_decide
from households.admin import RoleAccessMixin
from households.models import Household
from programs import services
from programs.models import (
    Agency,
    Benefit,
    CommitteeMember,
    HouseholdAssignment,
    Loan,
    LoanCheck,
    Programme,
    Training,
    TrainingAttendance,
    WardTarget,
)


class CityManagedMixin(RoleAccessMixin):
    """Everyone with admin access reads; the city Labour department and administrators write."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request, *args) or can_decide(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) or can_decide(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) or can_decide(request.user)


class ReadOnlyMixin(RoleAccessMixin):
    """Records written only by the workspace's services: nobody adds or edits them here."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _adopt(obj: Any, saved: Any) -> None:
    """Point the admin's unsaved instance at the row a service created."""
    obj.pk = saved.pk
    obj._state.adding = False


# --- Agencies and programmes ----------------------------------------------------------------


@admin.register(Agency)
class AgencyAdmin(CityManagedMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "display_order"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en", "code"]


@admin.register(Programme)
class ProgrammeAdmin(CityManagedMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "agency",
        "level",
        "statuses",
        "unit",
        "usual_amount",
        "is_credit",
        "is_active",
    ]
    list_filter = ["agency", "level", "unit", "is_credit", "is_active"]
    list_select_related = ["agency"]
    search_fields = ["name", "name_en", "code", "legal_basis"]
    fieldsets = [
        (None, {"fields": ["code", "name", "name_en", "agency", "legal_basis", "description"]}),
        (
            _("Who is eligible"),
            {
                "fields": [
                    "level",
                    "eligible_statuses",
                    ("min_age", "max_age"),
                    "pupils_only",
                ]
            },
        ),
        (
            _("What is given"),
            {"fields": ["unit", "default_amount", "is_credit", "is_active", "display_order"]},
        ),
    ]

    @admin.display(description=_("eligible households"))
    def statuses(self, obj: Programme) -> str:
        labels = dict(Programme.Status.choices)
        return ", ".join(str(labels.get(s, s)) for s in obj.eligible_statuses)

    @admin.display(description=_("usual amount"), ordering="default_amount")
    def usual_amount(self, obj: Programme) -> str:
        return format_vnd(obj.default_amount) if obj.default_amount is not None else "–"


# --- Steering Committee -----------------------------------------------------------------------


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(CityManagedMixin, admin.ModelAdmin):
    list_display = ["full_name", "position", "level", "ward", "agency", "user", "is_active"]
    list_filter = ["level", "ward", "agency", "is_active"]
    list_select_related = ["ward", "agency", "user"]
    search_fields = ["full_name", "position"]
    filter_horizontal = ["assigned_wards"]
    raw_id_fields = ["user"]


@admin.register(HouseholdAssignment)
class HouseholdAssignmentAdmin(CityManagedMixin, admin.ModelAdmin):
    list_display = ["household", "member", "since", "note"]
    list_filter = ["household__ward", "member"]
    list_select_related = ["household", "member"]
    raw_id_fields = ["household"]
    search_fields = ["household__code", "household__head_name", "member__full_name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HouseholdAssignment]:
        visible = Household.objects.visible_to(request.user)
        return super().get_queryset(request).filter(household__in=visible)

    def save_model(
        self, request: HttpRequest, obj: HouseholdAssignment, form: ModelForm, change: bool
    ) -> None:
        saved = services.household_assign(
            household=obj.household,
            member=obj.member,
            since=obj.since,
            note=obj.note,
            by=request.user,  # type: ignore[arg-type]
        )
        _adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: HouseholdAssignment) -> None:
        services.household_unassign(household=obj.household, by=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for assignment in queryset.select_related("household"):
            self.delete_model(request, assignment)


# --- Benefits and loans (read-only) ---------------------------------------------------------


class LoanCheckInline(ReadOnlyMixin, admin.TabularInline):
    model = LoanCheck
    extra = 0
    fields = ("checked_on", "used_as_intended", "note", "checked_by")
    readonly_fields = fields


@admin.register(Benefit)
class BenefitAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["date", "programme", "household", "member", "amount_vnd", "quantity"]
    list_filter = ["programme", "household__ward", "date"]
    list_select_related = ["programme", "household", "member"]
    search_fields = ["household__code", "household__head_name", "reference"]
    date_hierarchy = "date"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Benefit]:
        visible = Household.objects.visible_to(request.user)
        return super().get_queryset(request).filter(household__in=visible)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        extra_context = {
            **(extra_context or {}),
            "subtitle": _("Benefits are recorded on the household page, which checks eligibility."),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_vnd(self, obj: Benefit) -> str:
        return format_vnd(obj.amount) if obj.amount is not None else "–"


@admin.register(Loan)
class LoanAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["benefit", "purpose", "term_months", "outstanding_vnd", "is_overdue"]
    list_filter = ["is_overdue", "benefit__programme", "benefit__household__ward"]
    list_select_related = ["benefit__programme", "benefit__household"]
    search_fields = ["benefit__household__code", "benefit__household__head_name", "purpose"]
    inlines = [LoanCheckInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Loan]:
        visible = Household.objects.visible_to(request.user)
        return super().get_queryset(request).filter(benefit__household__in=visible)

    @admin.display(description=_("outstanding balance"), ordering="outstanding")
    def outstanding_vnd(self, obj: Loan) -> str:
        return format_vnd(obj.outstanding)


# --- Training and targets --------------------------------------------------------------------


class TrainingAttendanceInline(CityManagedMixin, admin.TabularInline):
    model = TrainingAttendance
    extra = 1
    raw_id_fields = ["officer"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "officer":
            kwargs["queryset"] = services.officer_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Training)
class TrainingAdmin(CityManagedMixin, admin.ModelAdmin):
    list_display = ["date", "topic", "organiser", "location"]
    list_filter = ["organiser", "date"]
    list_select_related = ["organiser"]
    search_fields = ["topic", "location"]
    date_hierarchy = "date"
    inlines = [TrainingAttendanceInline]

    def save_model(
        self, request: HttpRequest, obj: Training, form: ModelForm, change: bool
    ) -> None:
        if change:
            obj.full_clean()
            obj.save()
            return
        saved = services.training_create(
            date=obj.date,
            topic=obj.topic,
            organiser=obj.organiser,
            location=obj.location,
            by=request.user,  # type: ignore[arg-type]
        )
        _adopt(obj, saved)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not TrainingAttendance:
            super().save_formset(request, form, formset, change)
            return
        officers = [
            row["officer"]
            for row in formset.cleaned_data
            if row and row.get("officer") and not row.get("DELETE")
        ]
        services.training_set_attendance(
            training=form.instance,
            officers=officers,
            by=request.user,  # type: ignore[arg-type]
        )
        # The admin's change message reads these; the service has done the saving.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(WardTarget)
class WardTargetAdmin(CityManagedMixin, admin.ModelAdmin):
    list_display = [
        "ward",
        "year",
        "households_to_escape",
        "rate_reduction_min",
        "rate_reduction_max",
        "total_households",
    ]
    list_filter = ["year", "ward"]
    list_select_related = ["ward"]

    def save_model(
        self, request: HttpRequest, obj: WardTarget, form: ModelForm, change: bool
    ) -> None:
        saved = services.ward_target_save(
            ward=obj.ward,
            year=obj.year,
            households_to_escape=obj.households_to_escape,
            total_households=obj.total_households,
            rate_reduction_min=obj.rate_reduction_min,
            rate_reduction_max=obj.rate_reduction_max,
            by=request.user,  # type: ignore[arg-type]
        )
        _adopt(obj, saved)
