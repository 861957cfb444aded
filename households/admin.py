"""The Django admin for the registry. Writes go through `households.services`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, QuerySet
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from giamngheo.formatting import format_vnd
from households import services
from households.forms import AssessmentAdminForm, MemberFormSet
from households.models import (
    EDITABLE_STATES,
    Assessment,
    District,
    Household,
    Member,
    PovertyCause,
    Quarter,
    ReviewRound,
    SupportNeed,
    User,
    Ward,
)


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


class RoleAccessMixin:
    """What each role may do in the admin; which rows it sees is `visible_to`'s job.

    The city Labour department reads everything; ward and commune officers read the reference
    data and keep the registry of their own ward (`officers_may_edit`). Django's own
    permissions still apply on top, for administrators who grant more.
    """

    read_roles: frozenset[str] = frozenset({User.Role.CITY_REVIEWER, User.Role.WARD_OFFICER})
    officers_may_edit = False

    def _role(self, request: HttpRequest) -> str | None:
        return getattr(request.user, "role", None) if request.user.is_active else None

    def _officer_edits(self, request: HttpRequest) -> bool:
        return self.officers_may_edit and self._role(request) == User.Role.WARD_OFFICER

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or self._role(request) in self.read_roles  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or self._role(request) in self.read_roles  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request, *args) or self._officer_edits(request)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) or self._officer_edits(request)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) or self._officer_edits(request)  # type: ignore[misc]


class ScopedChoicesMixin:
    """Foreign-key choices limited to the user's wards, so a write cannot leave the scope."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        user = request.user
        if db_field.related_model is Ward:
            kwargs["queryset"] = Ward.objects.visible_to(user)
        elif db_field.related_model is Quarter:
            kwargs["queryset"] = Quarter.objects.filter(
                ward__in=Ward.objects.visible_to(user)
            ).select_related("ward")
        elif db_field.related_model is Household:
            kwargs["queryset"] = Household.objects.visible_to(user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


# --- Units ---------------------------------------------------------------------------------


@admin.register(District)
class DistrictAdmin(RoleAccessMixin, admin.ModelAdmin):
    list_display = ["name", "province", "code"]


class QuarterInline(RoleAccessMixin, admin.TabularInline):
    model = Quarter
    extra = 0
    fields = ["name", "kind", "display_order"]


@admin.register(Ward)
class WardAdmin(RoleAccessMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "area_label", "district", "code", "household_count"]
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


@admin.register(Quarter)
class QuarterAdmin(RoleAccessMixin, admin.ModelAdmin):
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
        *BaseUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ("role", "ward")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("role", "ward")}),
    )


# --- Reference lists -----------------------------------------------------------------------


@admin.register(PovertyCause, SupportNeed)
class CodedLabelAdmin(RoleAccessMixin, admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "display_order", "is_active"]
    list_editable = ["display_order", "is_active"]
    list_filter = ["is_active"]


# --- Households ----------------------------------------------------------------------------


class MemberInline(RoleAccessMixin, admin.StackedInline):
    officers_may_edit = True
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


class AssessmentInline(RoleAccessMixin, admin.TabularInline):
    model = Assessment
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["round", "income", "status", "poor_group", "deprivation_count", "explanation"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("income per person per month"))
    def income(self, obj: Assessment) -> str:
        return format_vnd(obj.income_per_capita)


@admin.register(Household)
class HouseholdAdmin(RoleAccessMixin, ScopedChoicesMixin, FoldedSearchMixin, admin.ModelAdmin):
    officers_may_edit = True
    list_display = [
        "code",
        "head_name",
        "ward",
        "quarter",
        "member_count",
        "is_merit_family",
        "is_social_protection",
    ]
    list_filter = [
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
    ]
    inlines = [MemberInline, AssessmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Household]:
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)  # type: ignore[attr-defined]
            .annotate(member_total=Count("members", distinct=True))
        )

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


@admin.register(Member)
class MemberAdmin(RoleAccessMixin, ScopedChoicesMixin, FoldedSearchMixin, admin.ModelAdmin):
    officers_may_edit = True
    list_display = ["full_name", "birth_year", "sex", "relation", "national_id", "household"]
    list_filter = ["sex", "relation", "household__ward", "ethnicity", "disability"]
    list_select_related = ["household"]
    search_fields = ["full_name"]
    search_help_text = _("Name (with or without accents) or national ID number")
    raw_id_fields = ["household"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Member]:
        visible = Household.objects.visible_to(request.user)
        return super().get_queryset(request).filter(household__in=visible)

    def save_model(self, request: HttpRequest, obj: Member, form: ModelForm, change: bool) -> None:
        services.member_save(member=obj)

    def delete_model(self, request: HttpRequest, obj: Member) -> None:
        services.member_delete(member=obj)


# --- Rounds and assessments ----------------------------------------------------------------


@admin.register(ReviewRound)
class ReviewRoundAdmin(RoleAccessMixin, admin.ModelAdmin):
    list_display = ["name", "year", "kind", "standard", "starts_on", "ends_on", "assessment_count"]
    list_filter = ["kind", "year"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReviewRound]:
        return super().get_queryset(request).annotate(assessment_total=Count("assessments"))

    @admin.display(description=_("assessments"), ordering="assessment_total")
    def assessment_count(self, obj: ReviewRound) -> int:
        return obj.assessment_total  # type: ignore[attr-defined]


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
class AssessmentAdmin(RoleAccessMixin, ScopedChoicesMixin, FoldedSearchMixin, admin.ModelAdmin):
    officers_may_edit = True
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
    ]
    actions = ["reclassify"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assessment]:
        visible = Household.objects.visible_to(request.user)
        return super().get_queryset(request).filter(household__in=visible)

    def search(self, queryset: QuerySet[Any], term: str) -> QuerySet[Any]:
        return queryset.filter(household__in=Household.objects.search(term))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        survey = [name for name in AssessmentAdminForm.Meta.fields]
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
            (_("Result (computed under Decision 59/2015/QĐ-TTg)"), {"fields": result}),
            (_("Review (Circular 17/2016), recorded in the workspace"), {"fields": REVIEW_FIELDS}),
        ]

    @admin.display(description=_("ward / commune"), ordering="household__ward")
    def ward(self, obj: Assessment) -> Ward:
        return obj.household.ward

    @admin.display(description=_("income per person per month"), ordering="income_per_capita")
    def income(self, obj: Assessment) -> str:
        return format_vnd(obj.income_per_capita)

    @admin.display(description=_("indicators derived from the roster"))
    def roster_reasons(self, obj: Assessment) -> str:
        return format_html_join("\n", "<p>{}</p>", ((r,) for r in obj.derived_reasons.values()))

    def save_model(
        self, request: HttpRequest, obj: Assessment, form: AssessmentAdminForm, change: bool
    ) -> None:
        saved = form.save_through_service(by=request.user)
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
