"""Create and edit a household with its members on one page (issue 3 §5, §7, §9).

The household's fields and the roster are one form, saved by `household_register` in one
transaction. Two officers may open the same household: the second save is refused, and the
page shows what was typed with the latest saved data beside it, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from giamngheo.forms import add_service_error
from households import access
from households.access import signed_in_user
from households.codes import next_household_code
from households.forms.registry import (
    HouseholdArchiveForm,
    HouseholdForm,
    HouseholdMemberFormSetFactory,
)
from households.history import display_value
from households.models import Household, Member, Ward
from households.scope import scope_of
from households.services import StaleEditError
from households.services.registry import (
    HouseholdRegisterError,
    archived_message,
    household_archive,
    household_check_version,
    household_register,
)

MEMBERS_PREFIX = "members"
HEAD_FIRST = Case(When(relation=Member.Relation.HEAD, then=Value(0)), default=Value(1))


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest) -> HttpResponse:
    access.require(access.can_create_households(request.user))
    household = Household()
    if not access.is_administrator(request.user):
        household.ward = request.user.ward  # type: ignore[union-attr,assignment]
    return _household_form_page(request, household)


@login_required
@require_GET
def household_code_proposal(request: HttpRequest) -> HttpResponse:
    """The new-household form's code field for the ward chosen (htmx, on a change of ward):
    the ward's next free code, unless the officer typed a code of their own."""
    access.require(access.can_create_households(request.user))
    ward = _chosen_ward(request, request.GET.get("ward", ""))
    form = HouseholdForm(instance=Household(ward=ward), user=request.user, scope=scope_of(request))
    typed, proposed = request.GET.get("code", "").strip(), request.GET.get("code_proposed", "")
    fresh = next_household_code(ward) if ward is not None else ""
    form.initial.update(
        code=fresh if not typed or typed == proposed else typed, code_proposed=fresh
    )
    return render(request, "households/includes/household_code_field.html", {"form": form})


def _chosen_ward(request: HttpRequest, raw: str) -> Ward | None:
    """The ward a new household is for: an officer's own; the one an administrator chose (none
    yet: None). Another ward's, or one that is not a ward: 404."""
    user = signed_in_user(request)
    if not access.is_administrator(user):
        if raw and raw != str(user.ward_id):
            raise Http404
        return user.ward
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(Ward.objects.within(scope_of(request)), pk=int(raw))


def refuse_archived(
    request: HttpRequest, household: Household, *, level: int = messages.ERROR
) -> HttpResponse | None:
    """An archived household is kept as it was (issue 10): no edit, survey or review. Its page
    says why; None when the household is in the register."""
    if household.archived_at is None:
        return None
    messages.add_message(
        request, level, archived_message(household.archived_at, household.archive_reason)
    )
    return redirect("households:detail", pk=household.pk)


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(
        Household.objects.within(scope_of(request)).select_related("ward", "quarter"), pk=pk
    )
    access.require(access.can_edit_household(request.user, household))
    if refused := refuse_archived(request, household):
        return refused
    return _household_form_page(request, household)


@login_required
@require_http_methods(["GET", "POST"])
def household_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive a household with the reason (issue 10): it keeps its record and history, leaves
    the lists from today and can no longer be changed; nothing is deleted."""
    household = get_object_or_404(
        Household.objects.within(scope_of(request)).select_related("ward", "quarter"), pk=pk
    )
    access.require(access.can_archive(request.user, household))
    if refused := refuse_archived(request, household, level=messages.INFO):
        return refused
    form = HouseholdArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            household_archive(
                household=household,
                by=signed_in_user(request),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc, fields={"archive_reason": "reason"})
        else:
            messages.success(
                request,
                _("Household %(household)s was archived: it is kept with its history.")
                % {"household": household},
            )
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "households/household_archive.html",
        {"nav": "households", "household": household, "form": form},
    )


# --- The page ------------------------------------------------------------------------------


@dataclass
class LatestData:
    """What is saved now where it differs from what the officer typed (after a refused save)."""

    household: list[tuple[str, str]] = field(default_factory=list)
    members: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.household or self.members or self.added or self.removed)


def _household_form_page(request: HttpRequest, household: Household) -> HttpResponse:
    creating = household.pk is None
    context: dict[str, Any] = {}
    if request.method == "POST":
        form = HouseholdForm(
            request.POST, instance=household, user=request.user, scope=scope_of(request)
        )
        formset = _member_formset(household, data=request.POST)
        form_ok = form.is_valid()  # both are validated, so every error shows at once
        formset_ok = formset.is_valid()
        kept: list[forms.ModelForm] = []
        deleted_forms: list[forms.ModelForm] = []
        try:
            if form_ok and formset_ok:
                kept, deleted_forms = _roster(formset)
                saved = household_register(
                    household=form.instance,
                    members=[member_form.instance for member_form in kept],
                    deleted=[member_form.instance for member_form in deleted_forms],
                    expected_version=form.cleaned_data.get("version"),
                    not_duplicate=form.cleaned_data["not_duplicate"],
                    by=signed_in_user(request),
                    scope=scope_of(request),
                )
                return _saved(request, saved, creating=creating)
            if not creating:
                # A form opened before someone else's save may name members deleted since:
                # say so first, rather than only "invalid choice".
                household_check_version(
                    household=household, expected_version=form.cleaned_data.get("version")
                )
        except StaleEditError as exc:
            current = (
                Household.objects.select_related("ward", "quarter").filter(pk=household.pk).first()
            )
            if current is None:
                raise Http404 from exc
            form.show_version(current.version)
            context["stale_message"] = exc.messages[0]
            context["latest"] = _latest_data(form, formset, current)
            household = current
        except HouseholdRegisterError as exc:
            if creating and "code" in exc.household_errors:
                exc.household_errors["code"] = form.code_refused(exc.household_errors["code"])
            _show_errors(form, kept, deleted_forms, exc)
            context["duplicates"] = exc.possible_duplicates
            context["roster_errors"] = exc.roster_errors
    else:
        form = HouseholdForm(instance=household, user=request.user, scope=scope_of(request))
        if creating:
            _propose_code(request, form)
        formset = _member_formset(household)
    context.update(
        form=form,
        formset=formset,
        household=household,
        creating=creating,
        nav="households",
    )
    return render(request, "households/household_form.html", context)


def _propose_code(request: HttpRequest, form: HouseholdForm) -> None:
    """A new household's form opens with the next free code of its ward (`households.codes`);
    an administrator's, once a ward is chosen (`?ward=`, or on a change of ward)."""
    ward = form.instance.ward if form.instance.ward_id else None
    if ward is None:
        try:
            ward = _chosen_ward(request, request.GET.get("ward", ""))
        except Http404:
            ward = None  # a stale or mistyped link: the officer chooses
        if ward is not None:
            form.initial["ward"] = ward.pk
    if ward is not None:
        code = next_household_code(ward)
        form.initial.update(code=code, code_proposed=code)


def _member_formset(household: Household, data: Mapping[str, Any] | None = None) -> Any:
    if household.pk is None:
        # The first row of a new household is usually its head.
        return HouseholdMemberFormSetFactory(
            data, instance=household, prefix=MEMBERS_PREFIX, initial=[{"relation": "head"}]
        )
    return HouseholdMemberFormSetFactory(
        data,
        instance=household,
        prefix=MEMBERS_PREFIX,
        queryset=household.members.order_by(HEAD_FIRST, "id"),
    )


def _roster(formset: Any) -> tuple[list[forms.ModelForm], list[forms.ModelForm]]:
    """The member forms to keep (new rows left blank are skipped) and those of the members to
    delete."""
    deleting = set(formset.deleted_forms)
    kept = [
        member_form
        for member_form in formset.forms
        if member_form not in deleting
        and (member_form.instance.pk is not None or member_form.has_changed())
    ]
    deleted = [f for f in formset.deleted_forms if f.instance.pk is not None]
    return kept, deleted


def _show_errors(
    form: HouseholdForm,
    kept: list[forms.ModelForm],
    deleted_forms: list[forms.ModelForm],
    exc: HouseholdRegisterError,
) -> None:
    add_service_error(form, ValidationError(exc.household_errors))
    for index, errors in exc.member_errors.items():
        add_service_error(kept[index], ValidationError(errors))
    for index, found in exc.deleted_errors.items():
        add_service_error(deleted_forms[index], ValidationError(found))
    if exc.possible_duplicates:
        add_service_error(
            form,
            ValidationError(
                {
                    "not_duplicate": [
                        _("Tick this box once you have checked the households listed above.")
                    ]
                }
            ),
        )


def _saved(request: HttpRequest, household: Household, *, creating: bool) -> HttpResponse:
    if creating:
        messages.success(
            request,
            format_html(
                '{} <a class="alert-link" href="{}">{}</a>',
                _("Household %(household)s was added.") % {"household": household},
                reverse("households:assessment_create", args=[household.pk]),
                _("Enter the survey"),
            ),
        )
    else:
        messages.success(
            request,
            _("The changes to household %(household)s were saved.") % {"household": household},
        )
    return redirect("households:detail", pk=household.pk)


# --- After a refused save: the latest data beside what was typed ----------------------------


def _latest_data(form: HouseholdForm, formset: Any, current: Household) -> LatestData:
    latest = LatestData()
    names = [name for name in form.fields if name not in ("version", "not_duplicate")]
    latest.household = _differences(form, form.instance, current, names)
    saved_members = {member.pk: member for member in current.members.order_by(HEAD_FIRST, "id")}
    member_fields = [name for name in formset.form._meta.fields]
    for member_form in formset.forms[: formset.initial_form_count()]:
        # A member removed meanwhile is no longer found: its row only has the id posted.
        pk = member_form.instance.pk or _posted_id(member_form)
        if pk is None:
            continue
        saved = saved_members.pop(pk, None)
        if saved is None:
            latest.removed.append(member_form.instance.full_name)
        elif member_form not in formset.deleted_forms:
            changes = _differences(member_form, member_form.instance, saved, member_fields)
            if changes:
                latest.members.append((str(saved.full_name), changes))
    latest.added = [
        f"{member.full_name} ({member.birth_year}, {member.get_relation_display()})"
        for member in saved_members.values()
    ]
    return latest


def _differences(
    form: forms.BaseForm, typed: models.Model, saved: models.Model, names: Iterable[str]
) -> list[tuple[str, str]]:
    """(label, saved value) of the fields whose saved value differs from the typed one."""
    found = []
    for name in names:
        model_field = saved._meta.get_field(name)
        attname = model_field.attname  # type: ignore[union-attr]
        saved_value = getattr(saved, attname)
        if _blank_as_none(getattr(typed, attname)) == _blank_as_none(saved_value):
            continue
        related = {}
        if isinstance(model_field, models.ForeignKey) and saved_value is not None:
            obj = getattr(saved, name)
            related = {(model_field.related_model, saved_value): obj}
        found.append(
            (str(form.fields[name].label), display_value(model_field, saved_value, related))  # type: ignore[arg-type]
        )
    return found


def _blank_as_none(value: Any) -> Any:
    return None if value == "" else value


def _posted_id(member_form: forms.Form) -> int | None:
    value = member_form["id"].data
    return int(value) if isinstance(value, str) and value.isdigit() else None
