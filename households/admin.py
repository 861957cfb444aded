"""The Django admin: the administrators' tool, never the officers' (they use the workspace).

Writes go through `households.services`. Nothing recognised is deleted here, by anyone: a
recognised assessment and its review steps stay, a household is archived instead of deleted,
a member who received benefits stays on the record (`KeepsRecordsMixin`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from audit.models import ViewLog
from giamngheo.formatting import format_vnd
from households import services
from households.access import is_administrator, signed_in_user
from households.classification import get_standard
from households.forms import AssessmentAdminForm, MemberFormSet
from households.models import (
    DEPRIVATION_COLUMNS,
    EDITABLE_STATES,
    Assessment,
    District,
    Household,
    Member,
    PovertyCause,
    Quarter,
    ReviewRound,
    ScoreCard,
    ScoreOption,
    ScreeningCriterion,
    Standard,
    StandardIndicator,
    StandardLine,
    SupportNeed,
    UnitMerger,
    User,
    Ward,
    WardKindPeriod,
    _standard_choices,
)
from households.scope import scope_of
from households.services.deletion import assessment_delete, assessment_is_deletable


class FoldedSearchMixin:
    """Admin search through the model's own accent-insensitive `QuerySet.search`, so the
    admin and the workspace search the same fields ("nguyen van" finds "Nguyễn Văn")."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        if not search_term.strip():
            return queryset, False
        return self.search(queryset, search_term), False

    def search(self, queryset: QuerySet[Any], term: str) -> QuerySet[Any]:
        return queryset.search(term)  # type: ignore[attr-defined]


# --- Who enters the admin -------------------------------------------------------------------


def _administrators_only(request: HttpRequest) -> bool:
    """The admin is the administrators' tool: ward officers, the city Labour department and
    everyone else work in the workspace, whose views check each right (`households.access`).
    The role decides, not Django's staff flag, so a staff officer is refused too."""
    return is_administrator(request.user)


class AdministratorLoginForm(AdminAuthenticationForm):
    """The admin's sign-in, for administrators only, with a refusal an officer understands."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "not_administrator": _(
            "The administration is for administrators only. Ward and commune officers and the "
            "city Labour department work in the workspace."
        ),
    }

    def confirm_login_allowed(self, user: User) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)  # active accounts only
        if not is_administrator(user):
            raise ValidationError(
                self.error_messages["not_administrator"], code="not_administrator"
            )


# One place: every admin page, its login and its index ask the site.
admin.site.has_permission = _administrators_only  # type: ignore[method-assign]
admin.site.login_form = AdministratorLoginForm


# --- Nothing recognised is deleted -----------------------------------------------------------


class KeepsRecordsMixin:
    """Rows that are a record are never deleted, whoever asks and however (the delete page,
    the bulk "delete selected" action, or a crafted POST): `may_delete` says which may go.

    Django's bulk action asks `has_delete_permission(request)` without a row, so the rows it
    would delete are also listed as protected (Django then refuses and names them), and
    `delete_queryset` refuses as a last guard.
    """

    def may_delete(self, obj: Any) -> bool:
        return True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not self.may_delete(obj):
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc]

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)  # type: ignore[misc]
        kept = [obj for obj in objs if not self.may_delete(obj)]
        if kept:
            # Name the rows kept, rather than Django's "you lack the permission to delete".
            name = capfirst(self.model._meta.verbose_name)  # type: ignore[attr-defined]
            perms_needed = perms_needed - {self.model._meta.verbose_name}  # type: ignore[attr-defined]
            protected = [*protected, *(f"{name}: {obj}" for obj in kept)]
        return deleted, counts, perms_needed, protected

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        objs = list(queryset)
        if not all(self.may_delete(obj) for obj in objs):
            raise PermissionDenied
        for obj in objs:
            self.delete_model(request, obj)  # type: ignore[attr-defined]


class ScopedChoicesMixin:
    """Foreign-key choices limited to the user's wards, so a write cannot leave the scope."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        scope = scope_of(request)
        if db_field.related_model is Ward:
            kwargs["queryset"] = Ward.objects.within(scope)
        elif db_field.related_model is Quarter:
            kwargs["queryset"] = Quarter.objects.filter(
                ward__in=Ward.objects.within(scope)
            ).select_related("ward")
        elif db_field.related_model is Household:
            kwargs["queryset"] = Household.objects.within(scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


# --- Units ---------------------------------------------------------------------------------


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "code"]


class QuarterInline(admin.TabularInline):
    model = Quarter
    extra = 0
    fields = ["name", "kind", "display_order"]


@admin.register(Ward)
class WardAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "area_label",
        "district",
        "code",
        "valid_from",
        "valid_to",
        "household_count",
    ]
    list_filter = ["kind", "district"]
    search_fields = ["name"]
    inlines = [QuarterInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ward]:
        return (
            super()
            .get_queryset(request)
            .select_related("district")
            .annotate(household_total=Count("households"))
        )

    @admin.display(description=_("area"))
    def area_label(self, obj: Ward) -> str:
        return str(obj.area.label)

    @admin.display(description=_("households"), ordering="household_total")
    def household_count(self, obj: Ward) -> int:
        return obj.household_total  # type: ignore[attr-defined]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows shown in the administration, never added, changed or removed there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UnitHistoryAdmin(ReadOnlyAdmin):
    """Mergers and earlier kinds are facts changed by data migration (`households.units` keeps
    them in memory): shown here, never edited."""


@admin.register(UnitMerger)
class UnitMergerAdmin(UnitHistoryAdmin):
    list_display = ["predecessor", "successor", "effective_from", "basis"]
    list_filter = ["effective_from", "successor"]
    list_select_related = ["predecessor", "successor"]


@admin.register(WardKindPeriod)
class WardKindPeriodAdmin(UnitHistoryAdmin):
    list_display = ["ward", "kind", "valid_from", "valid_to", "basis"]
    list_select_related = ["ward"]


@admin.register(Quarter)
class QuarterAdmin(admin.ModelAdmin):
    list_display = ["name", "ward", "kind"]
    list_filter = ["kind", "ward"]
    list_select_related = ["ward"]
    search_fields = ["name", "ward__name"]


# --- Users ---------------------------------------------------------------------------------


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "ward", "is_active", "last_login"]
    list_filter = ["role", "ward", "is_active", "is_staff"]
    list_select_related = ["ward"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Role and scope"), {"fields": ("role", "ward")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("role", "ward")}),
    )


# --- Reference lists -----------------------------------------------------------------------


@admin.register(PovertyCause, SupportNeed)
class CodedLabelAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "display_order", "is_active"]
    list_editable = ["display_order", "is_active"]
    list_filter = ["is_active"]


# --- Households ----------------------------------------------------------------------------


# Django refuses to remove a member whose benefits protect them (`Benefit.member` is PROTECT),
# but its Vietnamese says the benefits "will be deleted automatically": ours, consulted first
# (LOCALE_PATHS), says what happens.
gettext_noop(
    "Deleting %(class_name)s %(instance)s would require deleting the following protected "
    "related objects: %(related_objects)s"
)


class MemberInline(admin.StackedInline):
    model = Member
    formset = MemberFormSet
    extra = 0
    fields = [
        ("full_name", "sex", "relation"),
        ("date_of_birth", "birth_year"),
        ("national_id", "ethnicity"),
        ("education_level", "attends_school"),
        ("health_insurance_number", "health_insurance_expiry"),
        ("disability", "work_ability", "occupation"),
    ]

    # An archived household's roster is kept as it was (`services.ensure_not_archived`).
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not is_archived(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not is_archived(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not is_archived(obj) and super().has_delete_permission(request, obj)


class AssessmentInline(admin.TabularInline):
    model = Assessment
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = (
        "round",
        "income",
        "status",
        "poor_group",
        "deprivation_count",
        "explanation",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("income per person per month"))
    def income(self, obj: Assessment) -> str:
        return "—" if obj.income_per_capita is None else format_vnd(obj.income_per_capita)


def is_archived(household: Household | None) -> bool:
    return household is not None and household.archived_at is not None


class ArchivedFilter(admin.SimpleListFilter):
    title = _("archive status")
    parameter_name = "archived"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("In the registry")), ("yes", _("Archived"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for archiving"),
        max_length=Household._meta.get_field("archive_reason").max_length,
        help_text=_("For example: the household moved to another city, or was entered twice."),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


@admin.register(Household)
class HouseholdAdmin(ScopedChoicesMixin, FoldedSearchMixin, admin.ModelAdmin):
    """A household is never deleted: its recognised results and benefits are the ward's
    record. One that left the ward or was entered twice is archived, with a reason."""

    list_display = [
        "code",
        "head_name",
        "ward",
        "quarter",
        "member_count",
        "is_merit_family",
        "is_social_protection",
        "archived_at",
    ]
    list_filter = [
        ArchivedFilter,
        "ward",
        "is_merit_family",
        "is_social_protection",
        "is_ethnic_minority",
        "is_female_headed",
        "has_no_working_age_labour",
    ]
    list_select_related = ["ward", "quarter__ward"]
    search_fields = ["head_name"]
    search_help_text = _("Name (with or without accents), household code or national ID number")
    fieldsets = [
        (None, {"fields": ["ward", "quarter", "code", "head_name", "address", "phone"]}),
        (
            _("Household characteristics"),
            {
                "fields": [
                    "is_merit_family",
                    "is_social_protection",
                    "is_ethnic_minority",
                    "is_female_headed",
                    "has_no_working_age_labour",
                ]
            },
        ),
        (_("Archive"), {"fields": ["archived_at", "archived_by", "archive_reason"]}),
    ]
    readonly_fields = ["archived_at", "archived_by", "archive_reason"]
    inlines = [MemberInline, AssessmentInline]
    actions = ["archive", "unarchive"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Household]:
        return (
            super()
            .get_queryset(request)
            .within(scope_of(request))  # type: ignore[attr-defined]
            .annotate(member_total=Count("members", distinct=True))
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Never, not even in bulk: Django drops "delete selected" without this permission.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An archived household is read only until an administrator restores it.
        return not is_archived(obj) and super().has_change_permission(request, obj)

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj: Household) -> int:
        return obj.member_total  # type: ignore[attr-defined]

    def save_model(
        self, request: HttpRequest, obj: Household, form: ModelForm, change: bool
    ) -> None:
        # The form has already put the cleaned values on obj; the service validates and saves.
        services.household_save(household=obj)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseModelFormSet, change: bool
    ) -> None:
        if formset.model is not Member:
            super().save_formset(request, form, formset, change)
            return
        members = formset.save(commit=False)
        for member in formset.deleted_objects:
            services.member_delete(member=member)
        for member in members:
            member.household = form.instance
            services.member_save(member=member)

    @admin.action(description=_("Archive the selected households"), permissions=["change"])
    def archive(self, request: HttpRequest, queryset: QuerySet[Household]) -> HttpResponse | None:
        """Ask for the reason on a page of its own, then archive through the service."""
        form = ArchiveForm(request.POST if "apply" in request.POST else None)
        households = list(queryset.select_related("ward"))
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/households/household/archive_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Archive households"),
                    "opts": self.opts,
                    "households": households,
                    "form": form,
                    "action": request.POST.get("action", "archive"),
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                    "media": self.media + form.media,
                },
            )
        reason = form.cleaned_data["reason"]
        self._apply(
            request,
            households,
            lambda household: services.household_archive(
                household=household,
                by=signed_in_user(request),
                reason=reason,
            ),
            lambda count: ngettext(
                "%(count)d household archived; its history and results are kept.",
                "%(count)d households archived; their history and results are kept.",
                count,
            ),
        )
        return None

    @admin.action(description=_("Restore the selected archived households"), permissions=["change"])
    def unarchive(self, request: HttpRequest, queryset: QuerySet[Household]) -> None:
        self._apply(
            request,
            list(queryset.select_related("ward")),
            lambda household: services.household_unarchive(
                household=household,
                by=signed_in_user(request),
            ),
            lambda count: ngettext(
                "%(count)d household restored to the registry.",
                "%(count)d households restored to the registry.",
                count,
            ),
        )

    def _apply(
        self, request: HttpRequest, households: list[Household], step: Any, done: Any
    ) -> None:
        count = 0
        for household in households:
            try:
                step(household)
            except (ValidationError, PermissionDenied) as exc:
                reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"{household}: {reason}", messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, done(count) % {"count": count}, messages.SUCCESS)


@admin.register(Member)
class MemberAdmin(KeepsRecordsMixin, ScopedChoicesMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["full_name", "birth_year", "sex", "relation", "national_id", "household"]
    list_filter = ["sex", "relation", "household__ward", "ethnicity", "disability"]
    list_select_related = ["household"]
    search_fields = ["full_name"]
    search_help_text = _("Name (with or without accents) or national ID number")
    raw_id_fields = ["household"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Member]:
        visible = Household.objects.within(scope_of(request))
        return super().get_queryset(request).filter(household__in=visible)

    def may_delete(self, obj: Member) -> bool:
        # What an agency delivered names the member (`Benefit.member` is PROTECT).
        return not is_archived(obj.household) and not obj.benefits.exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (
            obj is not None and is_archived(obj.household)
        ) and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Member, form: ModelForm, change: bool) -> None:
        services.member_save(member=obj)

    def delete_model(self, request: HttpRequest, obj: Member) -> None:
        services.member_delete(member=obj)


# --- Rounds and assessments ----------------------------------------------------------------


@admin.register(ReviewRound)
class ReviewRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "kind", "standard", "starts_on", "ends_on", "assessment_count"]
    list_filter = ["kind", "year"]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "standard":
            # The standards of the database (the model field declares no choices).
            return forms.ChoiceField(
                label=capfirst(db_field.verbose_name), choices=_standard_choices
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReviewRound]:
        return super().get_queryset(request).annotate(assessment_total=Count("assessments"))

    @admin.display(description=_("assessments"), ordering="assessment_total")
    def assessment_count(self, obj: ReviewRound) -> int:
        return obj.assessment_total  # type: ignore[attr-defined]


# --- Poverty standards: read only (they change by data migration, households.standards) ----


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StandardLineInline(_ReadOnlyInline):
    model = StandardLine
    fields = ["area", "poverty_line", "near_poverty_line", "average_living_line"]


class StandardIndicatorInline(_ReadOnlyInline):
    model = StandardIndicator
    fields = ["order", "dimension", "key", "label", "threshold_text", "derivation"]


class ScoreCardInline(_ReadOnlyInline):
    model = ScoreCard
    fields = [
        "area",
        "region",
        "name",
        "poor_max_score",
        "near_poor_max_score",
        "deprivation_points",
        "complete",
    ]


class ScreeningCriterionInline(_ReadOnlyInline):
    model = ScreeningCriterion
    fields = ["order", "key", "label"]


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "valid_from", "valid_to", "rule", "figures_confirmed"]
    inlines = [
        StandardLineInline,
        StandardIndicatorInline,
        ScoreCardInline,
        ScreeningCriterionInline,
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ScoreOption)
class ScoreOptionAdmin(admin.ModelAdmin):
    """The Phiếu B1 tables' answers and points, read only (households.phieu, data migrations)."""

    list_display = ["item", "label", "points"]
    list_filter = ["item__card__standard", "item__card__area", "item__key"]
    list_select_related = ["item"]
    ordering = ["item__card", "item__order", "order"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


REVIEW_FIELDS = [
    "state",
    "request_kind",
    "request_date",
    "corrects",
    "submitted_at",
    "meeting_date",
    "meeting_attendance",
    "meeting_agreement_percent",
    "meeting_minutes",
    "meeting_minutes_file",
    "posted_from",
    "posted_to",
    "decision_number",
    "decision_date",
    "return_reason",
]


@admin.register(Assessment)
class AssessmentAdmin(KeepsRecordsMixin, ScopedChoicesMixin, FoldedSearchMixin, admin.ModelAdmin):
    form = AssessmentAdminForm
    list_display = [
        "household",
        "ward",
        "round",
        "income",
        "status",
        "poor_group",
        "deprivation_count",
        "expected_to_escape",
        "state",
    ]
    list_filter = [
        "round",
        "state",
        "status",
        "poor_group",
        "household__ward",
        "household_type",
        "expected_to_escape",
    ]
    list_select_related = ["household__ward", "round"]
    search_fields = ["household__head_name"]
    raw_id_fields = ["household"]
    filter_horizontal = ["causes", "needs"]
    readonly_fields = [
        "status",
        "poor_group",
        "deprivation_count",
        "area",
        "explanation",
        "roster_reasons",
        *REVIEW_FIELDS,
        "review_steps",
    ]
    actions = ["reclassify"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assessment]:
        visible = Household.objects.within(scope_of(request))
        return super().get_queryset(request).filter(household__in=visible)

    def may_delete(self, obj: Assessment) -> bool:
        return assessment_is_deletable(obj)

    def delete_model(self, request: HttpRequest, obj: Assessment) -> None:
        assessment_delete(assessment=obj, by=signed_in_user(request))

    def search(self, queryset: QuerySet[Any], term: str) -> QuerySet[Any]:
        return queryset.filter(household__in=Household.objects.search(term))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        survey = list(AssessmentAdminForm.Meta.fields)
        if obj is not None:
            # A saved survey shows its round's standard's indicators (AssessmentAdminForm).
            keys = get_standard(obj.round.standard).indicator_keys
            survey = [name for name in survey if name not in DEPRIVATION_COLUMNS or name in keys]
        result = [
            "status",
            "poor_group",
            "deprivation_count",
            "area",
            "explanation",
            "roster_reasons",
        ]
        return [
            (None, {"fields": survey}),
            (_("Result (computed under the round's poverty standard)"), {"fields": result}),
            (
                _("Review (Circular 17/2016), recorded in the workspace"),
                {"fields": [*REVIEW_FIELDS, "review_steps"]},
            ),
        ]

    @admin.display(description=_("ward / commune"), ordering="household__ward")
    def ward(self, obj: Assessment) -> Ward:
        return obj.household.ward

    @admin.display(description=_("income per person per month"), ordering="income_per_capita")
    def income(self, obj: Assessment) -> str:
        return "—" if obj.income_per_capita is None else format_vnd(obj.income_per_capita)

    @admin.display(description=_("review steps"))
    def review_steps(self, obj: Assessment) -> str:
        """The assessment's review record, read only: never edited or deleted here."""
        steps = obj.events.select_related("by").order_by("at", "id") if obj.pk else []
        return format_html_join(
            "\n",
            "<p>{} – {} ({})</p>",
            (
                (
                    date_format(timezone.localtime(step.at), "d/m/Y H:i"),
                    step.get_action_display(),
                    step.by or "–",
                )
                for step in steps
            ),
        )

    @admin.display(description=_("indicators derived from the roster"))
    def roster_reasons(self, obj: Assessment) -> str:
        return format_html_join("\n", "<p>{}</p>", ((r,) for r in obj.derived_reasons.values()))

    def save_model(
        self, request: HttpRequest, obj: Assessment, form: AssessmentAdminForm, change: bool
    ) -> None:
        saved = form.save_through_service(by=signed_in_user(request))
        # The admin goes on with `obj` (log entry, redirect): give it the saved identity.
        obj.pk = saved.pk

    def save_related(
        self, request: HttpRequest, form: AssessmentAdminForm, formsets: Any, change: bool
    ) -> None:
        # Causes and needs were saved by the service with the assessment.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description=_("Classify the selected assessments again"))
    def reclassify(self, request: HttpRequest, queryset: QuerySet[Assessment]) -> None:
        count = 0
        editable = queryset.filter(state__in=EDITABLE_STATES)
        skipped = queryset.exclude(state__in=EDITABLE_STATES).count()
        for assessment in editable.select_related("household__ward", "round"):
            services.assessment_reclassify(assessment=assessment)
            count += 1
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d assessment is under review or recognised and was left alone.",
                    "%(count)d assessments are under review or recognised and were left alone.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d assessment classified again.",
                "%(count)d assessments classified again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


# --- The view log --------------------------------------------------------------------------
# The `audit` app sits below households (every page writes the log), so its admin is here,
# with the rule for who is an administrator: read-only, administrators only.


@admin.register(ViewLog)
class ViewLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "action", "household_code", "detail", "ip_address")
    list_filter = ("action", ("at", admin.DateFieldListFilter), "username")
    search_fields = ("username", "household_code")
    date_hierarchy = "at"
    ordering = ("-at", "-id")
    # The detail page shows the values as text: no form, no raw-id look-ups.
    readonly_fields = (
        "at",
        "user",
        "username",
        "action",
        "household",
        "household_code",
        "detail",
        "ip_address",
    )
    fields = readonly_fields

    # Only administrators read the log; nobody (not even a superuser) writes or removes it
    # (`ReadOnlyAdmin`).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user) and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)
