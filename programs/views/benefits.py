"""The programme catalogue, recording benefits and loans, and following loans up (issue 4 §3–§6).

Households are looked up in the user's scope (another ward's is a 404); a user who may record
no programme for the household gets a 403; a programme outside those they may record (another
agency's) is refused on the form's programme field. Eligibility, dates and amounts are
`programs.services`'s rules: their messages land on the fields they name, and an ineligible
delivery opens the "reason for giving it anyway" box with the reason it is not eligible.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import HiddenInput
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from giamngheo.forms import add_service_error
from households.access import AuthenticatedRequest, require
from households.models import Asker, Household, Member
from households.scope import Scope, scope_of
from programs import eligibility, loan_status, selectors, services
from programs.access import can_record_benefit
from programs.forms import (
    BenefitForm,
    LoanCheckForm,
    LoanForm,
    LoanUpdateForm,
)
from programs.models import Agency, Loan, Programme, ProgrammeRule

# --- The catalogue ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeRow:
    programme: Programme
    rule: ProgrammeRule | None
    who: str


@login_required
@require_http_methods(["GET", "HEAD"])
def programme_list(request: HttpRequest) -> HttpResponse:
    """The catalogue, each programme with its rule in force today."""
    programmes = list(
        Programme.objects.filter(is_active=True)
        .select_related("agency")
        .order_by("agency__display_order", "agency__name", "display_order", "name")
    )
    rules = selectors.rules_of(programmes)
    today = timezone.localdate()
    groups: list[tuple[Agency, list[ProgrammeRow]]] = []
    for agency, rows in groupby(programmes, key=lambda p: p.agency):
        entries = []
        for programme in rows:
            rule = eligibility.rule_in_force(rules[programme.pk], today)
            entries.append(ProgrammeRow(programme, rule, who_is_eligible(programme, rule)))
        groups.append((agency, entries))
    return render(
        request,
        "programs/programme_list.html",
        {"nav": "programmes", "groups": groups, "today": today},
    )


def who_is_eligible(programme: Programme, rule: ProgrammeRule | None) -> str:
    """A rule in words: "Hộ nghèo, hộ cận nghèo · thành viên từ 6 đến 18 tuổi"."""
    if rule is None:
        return str(_("No rule in force"))
    labels = dict(Programme.Status.choices)
    if rule.any_household:
        who = str(_("Any household"))
    else:
        names = [str(labels[s]) for s in eligibility.STATUSES if s in rule.eligible_statuses]
        if rule.also_social_protection:
            names.append(str(_("Social-protection household")))
        who = ", ".join(names) or str(_("Nobody yet"))
    parts = [who]
    if rule.area != ProgrammeRule.Area.ANY:
        parts.append(str(rule.get_area_display()))
    if programme.level == Programme.Level.MEMBER:
        low, high = rule.min_age, rule.max_age
        if low is not None and high is not None:
            parts.append(_("members aged %(min)s to %(max)s") % {"min": low, "max": high})
        elif low is not None:
            parts.append(_("members aged %(min)s or more") % {"min": low})
        elif high is not None:
            parts.append(_("members aged up to %(max)s") % {"max": high})
        else:
            parts.append(_("each member"))
        if rule.pupils_only:
            parts.append(_("pupils and students only"))
    return " · ".join(parts)


# --- Recording a benefit or a loan ----------------------------------------------------------


def recordable_programmes(user: Asker, household: Household, *, credit: bool) -> list[Programme]:
    """The active programmes `user` may record for `household` (credit ones or the others)."""
    allowed: dict[int, bool] = {}
    result = []
    for programme in Programme.objects.filter(is_active=True, is_credit=credit).select_related(
        "agency"
    ):
        # Who may record depends on the programme only through its agency: ask once per agency.
        if programme.agency_id not in allowed:
            allowed[programme.agency_id] = can_record_benefit(user, household, programme)
        if allowed[programme.agency_id]:
            result.append(programme)
    return result


@dataclass(frozen=True)
class Hint:
    """What the page says about the chosen programme before anything is saved: the verdict of
    `programs.selectors`, on the delivery date typed in the form, as the save will judge it."""

    programme: Programme
    day: datetime.date
    eligible: bool
    reason: str


@login_required
@require_http_methods(["GET", "POST"])
def benefit_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _delivery_page(request, pk, credit=False)


@login_required
@require_http_methods(["GET", "POST"])
def loan_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _delivery_page(request, pk, credit=True)


def _delivery_page(request: HttpRequest, pk: int, *, credit: bool) -> HttpResponse:
    user = request.user
    scope = scope_of(request)
    household = get_object_or_404(Household.objects.within(scope).select_related("ward"), pk=pk)
    programmes = recordable_programmes(user, household, credit=credit)
    require(bool(programmes))
    source = request.POST if request.method == "POST" else request.GET
    by_code = {p.code: p for p in programmes}
    chosen = by_code.get(source.get("programme", ""))
    today = timezone.localdate()
    # A partner agency chooses among the members its programmes concern, as it is shown them.
    members = selectors.concerned_members(scope, household)
    form_class = LoanForm if credit else BenefitForm
    day = _delivery_day(form_class, source) or today
    hint, ordered, notes, rule = _eligibility_hints(chosen, household, members, source, day)
    kwargs: dict[str, Any] = {"programmes": programmes, "members": ordered, "member_notes": notes}
    # A choice changed (htmx, or the button shown without JavaScript): the form again with
    # what was typed and the verdict on the new choice, nothing checked or saved.
    refresh = request.method == "POST" and "refresh" in request.POST
    if request.method == "POST" and not refresh:
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            try:
                saved_programme = form.cleaned_data["programme"]
                _record(form, household=household, credit=credit, by=user)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Recorded: %(programme)s for household %(code)s.")
                    % {"programme": saved_programme.name, "code": household.code},
                )
                return redirect(reverse("households:detail", args=[household.pk]) + "#supports")
    else:
        form = form_class(
            initial=_initial(form_class, source, chosen, rule, credit=credit, today=today), **kwargs
        )
    show_override = bool(
        (hint and not hint.eligible)
        or form.has_error("override_reason")
        or source.get("override_reason", "").strip()
    )
    if not show_override:
        form.fields["override_reason"].widget = HiddenInput()
    context = {
        "nav": "households",
        "household": household,
        "form": form,
        "hint": hint,
        "credit": credit,
        "show_override": show_override,
        # The card's number and expiry, for a health-insurance card only (hidden, not dropped,
        # for the others: what was typed there stays if the programme is changed back).
        "card_fields": chosen is not None and chosen.gives_health_insurance_card,
        "url": reverse(
            "programs:loan_create" if credit else "programs:benefit_create", args=[household.pk]
        ),
    }
    template = "programs/loan_form.html" if credit else "programs/benefit_form.html"
    return render(request, template, context)


def _delivery_day(form_class: type[BenefitForm | LoanForm], source: Any) -> datetime.date | None:
    """The delivery date typed in the form, read as the form reads it (None if not a date)."""
    field = form_class.base_fields["date"]
    try:
        value = field.clean(source.get("date", ""))
    except ValidationError:
        return None
    return value if isinstance(value, datetime.date) else None


def _eligibility_hints(
    programme: Programme | None,
    household: Household,
    members: list[Member],
    source: Any,
    day: datetime.date,
) -> tuple[Hint | None, list[Member], dict[int, str], ProgrammeRule | None]:
    """The verdict on the chosen programme on `day`, the members with eligible ones first and
    why, and the programme's rule in force that day."""
    if programme is None:
        return None, members, {}, None
    verdicts = selectors.verdicts_on(programme, household, members, day)
    if programme.level == Programme.Level.HOUSEHOLD:
        verdict = verdicts.household
        return Hint(programme, day, verdict.eligible, verdict.reason), members, {}, verdicts.rule
    ordered = sorted(members, key=lambda m: not verdicts.members[m.pk].eligible)
    notes = {pk: v.reason for pk, v in verdicts.members.items()}
    chosen_member = next((m for m in members if str(m.pk) == source.get("member", "")), None)
    if chosen_member is None:
        return None, ordered, notes, verdicts.rule
    verdict = verdicts.members[chosen_member.pk]
    hint = Hint(programme, day, verdict.eligible, verdict.reason)
    return hint, ordered, notes, verdicts.rule


def _initial(
    form_class: type[BenefitForm | LoanForm],
    source: Any,
    programme: Programme | None,
    rule: ProgrammeRule | None,
    *,
    credit: bool,
    today: datetime.date,
) -> dict[str, Any]:
    """A new form: today's date, the usual amount of the rule in force on the date, and what a
    link or the page already chose."""
    initial: dict[str, Any] = {"date": today}
    for name in form_class.base_fields:
        value = source.get(name)
        if value:
            initial[name] = value
    if programme is not None and not source.get("amount"):
        if rule is not None and rule.amount:
            initial["amount"] = rule.amount
        if not credit and programme.unit != Programme.Unit.VND and not source.get("quantity"):
            initial["quantity"] = 1
    return initial


def _record(form: BenefitForm | LoanForm, *, household: Household, credit: bool, by: Any) -> None:
    data = form.cleaned_data
    common = {
        "programme": data["programme"],
        "household": household,
        "member": data["member"],
        "date": data["date"],
        "reference": data["reference"],
        "override_reason": data["override_reason"].strip(),
        "by": by,
    }
    if credit:
        services.loan_record(
            **common,
            amount=data["amount"],
            purpose=data["purpose"],
            term_months=data["term_months"],
            outstanding=data["outstanding"],
        )
    else:
        services.benefit_record(
            **common,
            amount=data["amount"],
            quantity=data["quantity"],
            note=data["note"],
            card_number=data["card_number"],
            card_valid_until=data["card_valid_until"],
        )


# --- A loan: balance history, checks on its use -------------------------------------------


def _get_loan(scope: Scope, pk: int) -> Loan:
    """The loan `pk` if `scope` sees it, else a 404 (STYLE.md §3)."""
    return get_object_or_404(
        selectors.visible_loans(scope).select_related(
            "benefit__programme__agency",
            "benefit__household__ward",
            "benefit__member",
            "benefit__recorded_by",
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def loan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    loan = _get_loan(scope_of(request), pk)
    benefit = loan.benefit
    can_update = can_record_benefit(request.user, benefit.household, benefit.programme)
    update_form = None
    if request.method == "POST":
        require(can_update)
        update_form = LoanUpdateForm(request.POST)
        if update_form.is_valid():
            try:
                services.loan_update(loan=loan, by=request.user, **update_form.cleaned_data)
            except ValidationError as exc:
                add_service_error(update_form, exc)
            else:
                messages.success(request, _("The loan's balance was updated."))
                return redirect("programs:loan_detail", pk=loan.pk)
    return _loan_page(request, loan, can_update=can_update, update_form=update_form)


@login_required
@require_POST
def loan_check_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    loan = _get_loan(scope_of(request), pk)
    benefit = loan.benefit
    can_update = can_record_benefit(request.user, benefit.household, benefit.programme)
    require(can_update)
    check_form = LoanCheckForm(request.POST)
    if check_form.is_valid():
        try:
            services.loan_check_record(loan=loan, by=request.user, **check_form.cleaned_data)
        except ValidationError as exc:
            add_service_error(check_form, exc)
        else:
            messages.success(request, _("The check on the loan's use was recorded."))
            return redirect("programs:loan_detail", pk=loan.pk)
    return _loan_page(request, loan, can_update=can_update, check_form=check_form)


def _loan_page(
    request: HttpRequest,
    loan: Loan,
    *,
    can_update: bool,
    update_form: LoanUpdateForm | None = None,
    check_form: LoanCheckForm | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    checks = list(loan.checks.select_related("checked_by"))
    context = {
        "nav": "households",
        "loan": loan,
        "status": loan_status.of_loan(
            loan, today, last_checked_on=checks[0].checked_on if checks else None
        ),
        "benefit": loan.benefit,
        "household": loan.benefit.household,
        "balances": list(
            loan.history.select_related("history_user").order_by("-history_date", "-history_id")
        ),
        "checks": checks,
        "can_update": can_update,
        "update_form": update_form
        or LoanUpdateForm(
            initial={
                "outstanding": loan.outstanding,
                "is_overdue": loan.is_overdue,
                "balance_on": loan.balance_on or today,
            }
        ),
        "check_form": check_form or LoanCheckForm(initial={"checked_on": today}),
    }
    return render(request, "programs/loan_detail.html", context)
