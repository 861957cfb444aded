"""The Django admin for issue 4: reference data, the Steering Committee, trainings and targets.

Administrators only (`households.admin` gates the whole site): the city and the officers work
in the workspace. Benefits and loans are read-only here and never deleted: they are the
agencies' records, written in the workspace through `programs.services`, which checks
eligibility, so the admin can never bypass it. Assignments, trainings and targets are saved
through the same services as the workspace.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giamngheo.formatting import format_vnd
from giamngheo.forms import VndField
from households.access import can_oversee, signed_in_user
from households.models import Household, User
from households.scope import scope_of
from programs import eligibility, services
from programs.models import (
    Agency,
    Benefit,
    CommitteeMember,
    HouseholdAssignment,
    Loan,
    LoanCheck,
    Programme,
    ProgrammeRule,
    Training,
    TrainingAttendance,
    WardTarget,
)


class ReadOnlyMixin:
    """Records written only by the workspace's services: nobody adds, edits or deletes them
    here (Django then offers no "delete selected" either)."""

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
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "display_order"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en", "code"]


class RuleHistoryInline(admin.TabularInline):
    """The programme's rules, past and in force: read only — a change is a new rule."""

    model = ProgrammeRule
    verbose_name = _("rule")
    verbose_name_plural = _("rules in force and past rules (read only: add a new rule below)")
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "valid_from",
        "valid_to",
        "who",
        "area",
        "ages",
        "pupils_only",
        "amount_vnd",
        "legal_basis",
        "note",
    )
    ordering = ["-valid_from"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    @admin.display(description=_("eligible households"))
    def who(self, obj: ProgrammeRule) -> str:
        if obj.any_household:
            return str(_("Any household"))
        labels = dict(Programme.Status.choices)
        names = [str(labels.get(s, s)) for s in obj.eligible_statuses]
        if obj.also_social_protection:
            names.append(str(_("Social-protection household")))
        return ", ".join(names)

    @admin.display(description=_("ages"))
    def ages(self, obj: ProgrammeRule) -> str:
        if obj.min_age is None and obj.max_age is None:
            return "–"
        return f"{obj.min_age if obj.min_age is not None else ''}–{obj.max_age or ''}"

    @admin.display(description=_("usual amount"))
    def amount_vnd(self, obj: ProgrammeRule) -> str:
        return format_vnd(obj.amount) if obj.amount is not None else "–"


NEW_RULE_FIELDS = [
    "valid_from",
    "valid_to",
    "any_household",
    "eligible_statuses",
    "also_social_protection",
    "area",
    "min_age",
    "max_age",
    "pupils_only",
    "amount",
    "legal_basis",
    "note",
]


class NewRuleForm(ModelForm):
    """A new rule, checked by `programs.services.programme_rule_prepare` (who may, from when)
    and saved by `programme_rule_add`, which ends the rule in force the day before."""

    user: User | None = None

    class Meta:
        model = ProgrammeRule
        fields = NEW_RULE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "amount" in self.fields:
            # Typed as on every form with money ("150.000"); whether 0 đồng may be a usual
            # amount is the service's to say.
            self.fields["amount"] = VndField(
                label=self.fields["amount"].label, required=False, allow_zero=True
            )

    def _post_clean(self) -> None:
        if self.errors or not self.has_changed():
            return
        try:
            if self.user is None:  # set by ProgrammeAdmin.get_formset for its request
                raise PermissionDenied
            values: dict[str, Any] = {name: self.cleaned_data.get(name) for name in NEW_RULE_FIELDS}
            self.instance = services.programme_rule_prepare(
                programme=self.instance.programme if self.instance.programme_id else Programme(),
                by=self.user,
                **values,
            )
        except ValidationError as exc:
            self._update_errors(exc)  # type: ignore[attr-defined]  # ModelForm, not in django-stubs
        except PermissionDenied:
            self.add_error(None, _("You are not allowed to do this."))


class NewRuleInline(admin.StackedInline):
    """Add a rule from a date: the past rules stay as they were."""

    model = ProgrammeRule
    form = NewRuleForm
    verbose_name = _("new rule")
    verbose_name_plural = _("add a rule from a date (a change of policy or amount)")
    extra = 1
    can_delete = False
    fields = [
        ("valid_from", "valid_to"),
        "any_household",
        "eligible_statuses",
        "also_social_protection",
        "area",
        ("min_age", "max_age"),
        "pupils_only",
        "amount",
        "legal_basis",
        "note",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgrammeRule]:
        return super().get_queryset(request).none()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_oversee(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_oversee(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_oversee(request.user)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type("BoundNewRuleForm", (formset.form,), {"user": signed_in_user(request)})
        return formset


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
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
            _("What is given"),
            {"fields": ["level", "unit", "is_credit", "is_active", "display_order"]},
        ),
    ]
    inlines = [RuleHistoryInline, NewRuleInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Programme]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("rules", queryset=ProgrammeRule.objects.order_by("valid_from"))
            )
        )

    def _rule_today(self, obj: Programme) -> ProgrammeRule | None:
        return eligibility.rule_in_force(obj.rules.all(), timezone.localdate())

    @admin.display(description=_("eligible households (rule in force today)"))
    def statuses(self, obj: Programme) -> str:
        rule = self._rule_today(obj)
        if rule is None:
            return str(_("No rule in force"))
        return RuleHistoryInline.who(self, rule)  # type: ignore[arg-type]

    @admin.display(description=_("usual amount"))
    def usual_amount(self, obj: Programme) -> str:
        rule = self._rule_today(obj)
        return format_vnd(rule.amount) if rule is not None and rule.amount is not None else "–"

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not ProgrammeRule:
            super().save_formset(request, form, formset, change)
            return
        # The admin's change message reads these: the history rows stay as they were.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for rule_form in formset.forms:
            if not isinstance(rule_form, NewRuleForm) or not rule_form.has_changed():
                continue
            rule = services.programme_rule_add(
                programme=form.instance,
                by=signed_in_user(request),
                **{name: rule_form.cleaned_data.get(name) for name in NEW_RULE_FIELDS},
            )
            formset.new_objects.append(rule)


# --- Steering Committee -----------------------------------------------------------------------


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(admin.ModelAdmin):
    list_display = ["full_name", "position", "level", "ward", "agency", "user", "is_active"]
    list_filter = ["level", "ward", "agency", "is_active"]
    list_select_related = ["ward", "agency", "user"]
    search_fields = ["full_name", "position"]
    filter_horizontal = ["assigned_wards"]
    raw_id_fields = ["user"]


@admin.register(HouseholdAssignment)
class HouseholdAssignmentAdmin(admin.ModelAdmin):
    list_display = ["household", "member", "since", "note"]
    list_filter = ["household__ward", "member"]
    list_select_related = ["household", "member"]
    raw_id_fields = ["household"]
    search_fields = ["household__code", "household__head_name", "member__full_name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HouseholdAssignment]:
        visible = Household.objects.within(scope_of(request))
        return super().get_queryset(request).filter(household__in=visible)

    def save_model(
        self, request: HttpRequest, obj: HouseholdAssignment, form: ModelForm, change: bool
    ) -> None:
        saved = services.household_assign(
            household=obj.household,
            member=obj.member,
            since=obj.since,
            note=obj.note,
            by=signed_in_user(request),
        )
        _adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: HouseholdAssignment) -> None:
        services.household_unassign(household=obj.household, by=signed_in_user(request))

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
        visible = Household.objects.within(scope_of(request))
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
        visible = Household.objects.within(scope_of(request))
        return super().get_queryset(request).filter(benefit__household__in=visible)

    @admin.display(description=_("outstanding balance"), ordering="outstanding")
    def outstanding_vnd(self, obj: Loan) -> str:
        return format_vnd(obj.outstanding)


# --- Training and targets --------------------------------------------------------------------


class TrainingAttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 1
    raw_id_fields = ["officer"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "officer":
            kwargs["queryset"] = services.officer_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
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
            by=signed_in_user(request),
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
            by=signed_in_user(request),
        )
        # The admin's change message reads these; the service has done the saving.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(WardTarget)
class WardTargetAdmin(admin.ModelAdmin):
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
            by=signed_in_user(request),
        )
        _adopt(obj, saved)
