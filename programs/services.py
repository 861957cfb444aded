"""Writes for issue 4: benefits and loans, Steering Committee assignments, training, targets.

Every write checks who may make it (`programs.access`, `PermissionDenied`) and the rules of the
plan and the policies behind each programme (`ValidationError` keyed by field). A delivery to a
household that is not eligible on its date (`programs.selectors.eligibility_on`: the recognised
standing and the programme's rule in force that day) is refused unless an override reason is
recorded with it, so every exception stays visible in the record.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from households import units
from households.access import can_oversee
from households.cards import normalise_card_number
from households.models import Assessment, Household, Member, User, Ward
from households.services import member_update
from programs import access, loan_status, selectors
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
from programs.scope import kept, scope_for


def _deny() -> PermissionDenied:
    return PermissionDenied(_("You are not allowed to do this."))


def _first_day(household: Household) -> datetime.date | None:
    """The day the household is first known: the start of the first round it was assessed in."""
    return Assessment.objects.filter(household=household).aggregate(first=Min("round__starts_on"))[
        "first"
    ]


def _check_date(errors: dict[str, str], key: str, day: datetime.date, household: Household) -> None:
    if day > timezone.localdate():
        errors[key] = _("The date cannot be in the future.")
        return
    first = _first_day(household)
    if first is not None and day < first:
        errors[key] = _("The household is only known from %(date)s (its first review round).") % {
            "date": date_format(first, "d/m/Y")
        }


def _check_delivery(
    *,
    programme: Programme,
    household: Household,
    member: Member | None,
    date: datetime.date,
    override_reason: str,
    by: User,
    errors: dict[str, str],
) -> None:
    """The rules shared by benefits and loans: who records it, for whom, when, and eligibility."""
    _require_recording(by, household, programme)
    if not programme.is_active:
        errors["programme"] = _("This programme is no longer active.")
    if member is not None and member.household_id != household.pk:
        errors["member"] = _("This person is not a member of this household.")
    elif programme.level == Programme.Level.MEMBER and member is None:
        errors["member"] = _("This programme is given to a member: choose the member.")
    elif programme.level == Programme.Level.HOUSEHOLD and member is not None:
        errors["member"] = _("This programme is given to the whole household, not to a member.")
    _check_date(errors, "date", date, household)
    if errors:
        return
    result = selectors.eligibility_on(programme, household, member, date)
    if not result.eligible and not override_reason.strip():
        errors["override_reason"] = _(
            "Not eligible: %(reason)s To give it anyway, record the reason."
        ) % {"reason": result.reason}


@transaction.atomic
def benefit_record(
    *,
    programme: Programme,
    household: Household,
    member: Member | None = None,
    date: datetime.date,
    amount: int | None = None,
    quantity: int | None = None,
    reference: str = "",
    note: str = "",
    override_reason: str = "",
    card_number: str = "",
    card_valid_until: datetime.date | None = None,
    by: User,
) -> Benefit:
    """Record one delivery of a programme (REFERENCE §4: health-insurance cards under Decree
    146/2018 and its predecessors, tuition exemption and study support under Decree 86/2015,
    vocational training under Decision 46/2015, electricity support under Decision 28/2014…).

    Credit goes through `loan_record`. An ineligible delivery needs `override_reason`. A
    health-insurance card (`Programme.gives_health_insurance_card`) needs the card's number
    and the day it is valid until, and records them on the member in the same transaction
    (`_member_card_record`): the card is what the worklist, the household page and the survey's
    indicator read (`households.cards`).
    """
    errors: dict[str, str] = {}
    if programme.is_credit:
        errors["programme"] = _("This is a credit programme: record it as a loan.")
    if amount is not None and amount <= 0:
        errors["amount"] = _("The amount must be more than 0 đồng.")
    elif amount is None and programme.unit == Programme.Unit.VND:
        errors["amount"] = _("Enter the amount in đồng.")
    if quantity is not None and quantity <= 0:
        errors["quantity"] = _("The quantity must be at least 1.")
    number = _check_card(programme, date, card_number, card_valid_until, errors)
    _check_delivery(
        programme=programme,
        household=household,
        member=member,
        date=date,
        override_reason=override_reason,
        by=by,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    if amount is None and quantity is None:
        quantity = 1  # one card, one course, one visit
    benefit = Benefit(
        programme=programme,
        household=household,
        ward_id=units.made_in(household.ward_id, date),
        member=member,
        date=date,
        amount=amount,
        quantity=quantity,
        reference=reference.strip(),
        note=note.strip(),
        override_reason=override_reason.strip(),
        recorded_by=by,
    )
    benefit.full_clean()
    benefit._history_user = by  # type: ignore[attr-defined]
    benefit.save()
    if number and card_valid_until is not None and member is not None:
        _member_card_record(member, number=number, valid_until=card_valid_until, by=by)
    return benefit


def _check_card(
    programme: Programme,
    day: datetime.date,
    card_number: str,
    valid_until: datetime.date | None,
    errors: dict[str, str],
) -> str:
    """The card's number as printed (`households.cards.normalise_card_number`), or "" with the
    reason in `errors`; nothing is asked of a programme that gives no card."""
    if not programme.gives_health_insurance_card:
        if card_number.strip() or valid_until is not None:
            errors["card_number"] = _("Only a health-insurance card has a card number.")
        return ""
    number = normalise_card_number(card_number)
    if not card_number.strip():
        errors["card_number"] = _("Enter the health-insurance card's number.")
    elif number is None:
        errors["card_number"] = _(
            "A health-insurance card number is two letters and 13 digits, e.g. HN4600000000001, "
            "or the 10-digit social-insurance number."
        )
    if valid_until is None:
        errors["card_valid_until"] = _("Enter the date the card is valid until.")
    elif valid_until <= day:
        errors["card_valid_until"] = _(
            "The card must be valid after the date it was received (%(date)s)."
        ) % {"date": date_format(day, "d/m/Y")}
    return number or ""


def _member_card_record(
    member: Member, *, number: str, valid_until: datetime.date, by: User
) -> None:
    """The card just recorded becomes the member's card, unless the member's card on file is
    valid longer (a card of an earlier year recorded late does not replace this year's)."""
    locked = Member.objects.select_for_update().get(pk=member.pk)
    held = locked.health_insurance_expiry
    if locked.health_insurance_number.strip() and held is not None and held > valid_until:
        return
    locked._history_user = by  # type: ignore[attr-defined]
    member_update(
        member=locked, health_insurance_number=number, health_insurance_expiry=valid_until
    )
    member.health_insurance_number, member.health_insurance_expiry = number, valid_until


@transaction.atomic
def loan_record(
    *,
    programme: Programme,
    household: Household,
    member: Member | None = None,
    date: datetime.date,
    amount: int,
    purpose: str,
    term_months: int,
    reference: str = "",
    outstanding: int | None = None,
    override_reason: str = "",
    by: User,
) -> Loan:
    """Record a preferential loan of the Social Policy Bank (Decree 78/2002; poor and near-poor
    households, Decision 15/2013; newly escaped households, Decision 28/2015; housing, Decision
    33/2015): the benefit (principal, disbursement date) and the loan behind it."""
    errors: dict[str, str] = {}
    if not programme.is_credit:
        errors["programme"] = _("This programme is not credit: record it as a benefit.")
    if amount is None or amount <= 0:
        errors["amount"] = _("The amount must be more than 0 đồng.")
    if not purpose.strip():
        errors["purpose"] = _("Enter what the loan is for.")
    if term_months is None or not 1 <= term_months <= 360:
        errors["term_months"] = _("The term must be between 1 and 360 months.")
    if outstanding is None:
        outstanding = amount
    if outstanding is not None and outstanding < 0:
        errors["outstanding"] = _("The outstanding balance cannot be negative.")
    elif outstanding is not None and amount and outstanding > amount:
        errors["outstanding"] = _("The outstanding balance cannot exceed the amount lent.")
    _check_delivery(
        programme=programme,
        household=household,
        member=member,
        date=date,
        override_reason=override_reason,
        by=by,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    benefit = Benefit(
        programme=programme,
        household=household,
        ward_id=units.made_in(household.ward_id, date),
        member=member,
        date=date,
        amount=amount,
        reference=reference.strip(),
        override_reason=override_reason.strip(),
        recorded_by=by,
    )
    benefit.full_clean()
    benefit._history_user = by  # type: ignore[attr-defined]
    benefit.save()
    loan = Loan(
        benefit=benefit,
        purpose=purpose.strip(),
        term_months=term_months,
        disbursed_on=date,
        due_on=loan_status.due_date(date, term_months),
        outstanding=outstanding,
        balance_on=date,
    )
    loan.full_clean()
    loan._history_user = by  # type: ignore[attr-defined]
    loan.save()
    return loan


def _require_recording(by: User, household: Household, programme: Programme) -> None:
    """`by` sees the household and may record the programme for it; the scope is built once for
    both checks (`programs.scope.kept`)."""
    with kept(by):
        if not Household.objects.within(scope_for(by)).filter(pk=household.pk).exists():
            raise _deny()
        if not access.can_record_benefit(by, household, programme):
            raise _deny()


def _require_loan_access(loan: Loan, by: User) -> None:
    benefit = loan.benefit
    _require_recording(by, benefit.household, benefit.programme)


@transaction.atomic
def loan_update(
    *, loan: Loan, outstanding: int, is_overdue: bool, balance_on: datetime.date, by: User
) -> Loan:
    """Update a loan's balance from the bank's statement (plan IV.2: keep overdue debt down)."""
    _require_loan_access(loan, by)
    errors: dict[str, str] = {}
    principal = loan.benefit.amount or 0
    if outstanding is None or outstanding < 0:
        errors["outstanding"] = _("The outstanding balance cannot be negative.")
    elif outstanding > principal:
        errors["outstanding"] = _("The outstanding balance cannot exceed the amount lent.")
    elif outstanding == 0 and is_overdue:
        errors["is_overdue"] = _("A repaid loan cannot be overdue.")
    if balance_on is None:
        errors["balance_on"] = _("Enter the date of the balance.")
    elif balance_on > timezone.localdate():
        errors["balance_on"] = _("The date cannot be in the future.")
    elif balance_on < loan.benefit.date:
        errors["balance_on"] = _("The date cannot be before the loan was disbursed.")
    if errors:
        raise ValidationError(errors)
    loan.outstanding = outstanding
    loan.is_overdue = is_overdue
    loan.balance_on = balance_on
    loan.full_clean()
    loan._history_user = by  # type: ignore[attr-defined]
    loan.save()
    return loan


@transaction.atomic
def loan_check_record(
    *, loan: Loan, checked_on: datetime.date, used_as_intended: bool, note: str = "", by: User
) -> LoanCheck:
    """Record a check of how a loan is used (kiểm tra sử dụng vốn vay, plan IV.2)."""
    _require_loan_access(loan, by)
    errors: dict[str, str] = {}
    if checked_on is None:
        errors["checked_on"] = _("Enter the date of the check.")
    elif checked_on > timezone.localdate():
        errors["checked_on"] = _("The date cannot be in the future.")
    elif checked_on < loan.benefit.date:
        errors["checked_on"] = _("The date cannot be before the loan was disbursed.")
    if not used_as_intended and not note.strip():
        errors["note"] = _("Describe how the loan is used instead.")
    if errors:
        raise ValidationError(errors)
    check = LoanCheck(
        loan=loan,
        checked_on=checked_on,
        used_as_intended=used_as_intended,
        note=note.strip(),
        checked_by=by,
    )
    check.full_clean()
    check.save()
    return check


@transaction.atomic
def household_assign(
    *,
    household: Household,
    member: CommitteeMember,
    since: datetime.date,
    note: str = "",
    by: User,
) -> HouseholdAssignment:
    """Make `member` the officer who manages the household (cán bộ quản lý hộ, plan III),
    replacing the current one."""
    if not access.can_assign(by, household):
        raise _deny()
    errors: dict[str, str] = {}
    if not member.is_active:
        errors["member"] = _("This Steering Committee member is no longer active.")
    elif member.level == CommitteeMember.Level.WARD and (
        # The household's ward, or a unit it was merged into (issue 12).
        member.ward_id not in units.successors(household.ward_id)
    ):
        errors["member"] = _("This member sits on the Steering Committee of another ward.")
    if since is None:
        errors["since"] = _("Enter the date.")
    elif since > timezone.localdate():
        errors["since"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    assignment = HouseholdAssignment.objects.select_for_update().filter(
        household=household
    ).first() or HouseholdAssignment(household=household)
    assignment.member = member
    assignment.since = since
    assignment.note = note.strip()
    assignment.full_clean()
    assignment._history_user = by  # type: ignore[attr-defined]
    assignment.save()
    household._state.fields_cache.pop("assignment", None)
    return assignment


@transaction.atomic
def household_unassign(*, household: Household, by: User) -> None:
    """No officer manages the household any more."""
    if not access.can_assign(by, household):
        raise _deny()
    assignment = HouseholdAssignment.objects.filter(household=household).first()
    if assignment is not None:
        assignment._history_user = by  # type: ignore[attr-defined]
        assignment.delete()
    household._state.fields_cache.pop("assignment", None)


@transaction.atomic
def training_create(
    *,
    date: datetime.date,
    topic: str,
    organiser: Agency,
    location: str = "",
    by: User,
) -> Training:
    """A training course for poverty-reduction officers (plan II: 100% of officers trained)."""
    if not access.can_manage_training(by):
        raise _deny()
    errors: dict[str, str] = {}
    if date is None:
        errors["date"] = _("Enter the date.")
    if not topic.strip():
        errors["topic"] = _("Enter the topic.")
    if errors:
        raise ValidationError(errors)
    training = Training(
        date=date, topic=topic.strip(), organiser=organiser, location=location.strip()
    )
    training.full_clean()
    training.save()
    return training


def officer_users() -> QuerySet[User]:
    """The people whose training counts: ward and commune officers and committee members."""
    return User.objects.filter(is_active=True).filter(
        Q(role=User.Role.WARD_OFFICER) | Q(committee_member__isnull=False)
    )


@transaction.atomic
def training_set_attendance(*, training: Training, officers: Iterable[User], by: User) -> None:
    """Set who attended the course: only officers who work on poverty reduction."""
    if not access.can_manage_training(by):
        raise _deny()
    wanted = {user.pk: user for user in officers}
    allowed = set(officer_users().filter(pk__in=wanted).values_list("pk", flat=True))
    refused = [wanted[pk] for pk in wanted if pk not in allowed]
    if refused:
        names = ", ".join(sorted(u.get_full_name() or u.username for u in refused))
        raise ValidationError(
            {
                "officers": _(
                    "Only ward officers and Steering Committee members can be listed: %(names)s."
                )
                % {"names": names}
            }
        )
    TrainingAttendance.objects.filter(training=training).exclude(officer_id__in=wanted).delete()
    present = set(
        TrainingAttendance.objects.filter(training=training).values_list("officer_id", flat=True)
    )
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(training=training, officer_id=pk)
        for pk in sorted(wanted)
        if pk not in present
    )


@transaction.atomic
def ward_target_save(
    *,
    ward: Ward,
    year: int,
    households_to_escape: int,
    total_households: int,
    rate_reduction_min: Decimal = Decimal("0.2"),
    rate_reduction_max: Decimal = Decimal("0.3"),
    by: User,
) -> WardTarget:
    """Set a ward's targets for a year (plan 221/KH-UBND section II: the poor rate to fall by
    0.2–0.3 points a year), creating or replacing them."""
    if not access.can_set_targets(by):
        raise _deny()
    errors: dict[str, str] = {}
    if year is None or not 2016 <= year <= 2100:
        errors["year"] = _("Enter a year between 2016 and 2100.")
    if total_households is None or total_households <= 0:
        errors["total_households"] = _("Enter the number of households in the ward.")
    if households_to_escape is None or households_to_escape < 0:
        errors["households_to_escape"] = _("The number of households cannot be negative.")
    elif total_households and households_to_escape > total_households:
        errors["households_to_escape"] = _(
            "More households cannot escape poverty than live in the ward."
        )
    if rate_reduction_min is None or rate_reduction_min < 0:
        errors["rate_reduction_min"] = _("The reduction cannot be negative.")
    if rate_reduction_max is None or rate_reduction_max < 0:
        errors["rate_reduction_max"] = _("The reduction cannot be negative.")
    elif rate_reduction_min is not None and rate_reduction_max < rate_reduction_min:
        errors["rate_reduction_max"] = _("The upper reduction cannot be below the lower one.")
    if errors:
        raise ValidationError(errors)
    target = WardTarget.objects.select_for_update().filter(ward=ward, year=year).first()
    if target is None:
        target = WardTarget(ward=ward, year=year)
    target.households_to_escape = households_to_escape
    target.total_households = total_households
    target.rate_reduction_min = rate_reduction_min
    target.rate_reduction_max = rate_reduction_max
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def benefits_record_bulk(
    *,
    programme: Programme,
    recipients: Iterable[tuple[Household, Member | None]],
    date: datetime.date,
    amount: int | None = None,
    quantity: int | None = None,
    note: str = "",
    by: User,
) -> list[Benefit]:
    """Record one programme for a whole list at once (a ward's health-insurance card list, the
    year's electricity support): the rules of `benefit_record`, checked in a fixed number of
    queries. Nothing is saved if one recipient is refused; there is no override here, an
    exception is recorded on its own with `benefit_record`."""
    from simple_history.utils import bulk_create_with_history

    pairs = list(recipients)
    errors: dict[str, str] = {}
    if programme.is_credit:
        errors["programme"] = _("This is a credit programme: record it as a loan.")
    if amount is not None and amount <= 0:
        errors["amount"] = _("The amount must be more than 0 đồng.")
    elif amount is None and programme.unit == Programme.Unit.VND:
        errors["amount"] = _("Enter the amount in đồng.")
    if quantity is not None and quantity <= 0:
        errors["quantity"] = _("The quantity must be at least 1.")
    if errors:
        raise ValidationError(errors)
    households = {household.pk: household for household, _member in pairs}
    with kept(by):  # one scope for the whole list (`programs.scope.kept`)
        visible = set(
            Household.objects.within(scope_for(by))
            .filter(pk__in=households)
            .values_list("pk", flat=True)
        )
        if visible != set(households) or not all(
            access.can_record_benefit(by, household, programme) for household in households.values()
        ):
            raise _deny()
    first_days = dict(
        Assessment.objects.filter(household_id__in=households)
        .order_by()
        .values_list("household_id")
        .annotate(first=Min("round__starts_on"))
        .values_list("household_id", "first")
    )
    verdicts = selectors.eligibilities_on(programme, pairs, date)
    refused: list[str] = []
    if date > timezone.localdate():
        errors["date"] = _("The date cannot be in the future.")
    for (household, member), verdict in zip(pairs, verdicts, strict=True):
        first = first_days.get(household.pk)
        wrong_level = (programme.level == Programme.Level.MEMBER) != (member is not None)
        if (
            wrong_level
            or (member is not None and member.household_id != household.pk)
            or (first is not None and date < first)
            or not verdict.eligible
        ):
            refused.append(member.full_name if member is not None else household.code)
    if refused:
        errors["recipients"] = _("Not eligible or not a member of the household: %(names)s.") % {
            "names": ", ".join(refused)
        }
    if errors:
        raise ValidationError(errors)
    benefits = [
        Benefit(
            programme=programme,
            household=household,
            ward_id=units.made_in(household.ward_id, date),
            member=member,
            date=date,
            amount=amount,
            quantity=quantity if quantity is not None or amount is not None else 1,
            note=note.strip(),
            recorded_by=by,
        )
        for household, member in pairs
    ]
    return bulk_create_with_history(benefits, Benefit, batch_size=500, default_user=by)


# Fields of a rule that the programme mirrors (`Programme`'s docstring).
_MIRRORED = {
    "eligible_statuses": "eligible_statuses",
    "min_age": "min_age",
    "max_age": "max_age",
    "pupils_only": "pupils_only",
    "default_amount": "amount",
}


def _mirror_latest_rule(programme: Programme) -> None:
    latest = programme.rules.order_by("-valid_from").first()
    if latest is None:
        return
    for field, source in _MIRRORED.items():
        setattr(programme, field, getattr(latest, source))
    programme.save(update_fields=list(_MIRRORED))


def _latest_rule(programme: Programme, *, lock: bool = False) -> ProgrammeRule | None:
    if programme.pk is None:
        return None
    rules = ProgrammeRule.objects.filter(programme=programme)
    if lock:
        rules = rules.select_for_update()
    return rules.order_by("-valid_from").first()


def programme_rule_prepare(
    *,
    programme: Programme,
    valid_from: datetime.date,
    legal_basis: str,
    by: User,
    valid_to: datetime.date | None = None,
    any_household: bool = False,
    eligible_statuses: Iterable[str] = (),
    also_social_protection: bool = False,
    area: str = ProgrammeRule.Area.ANY,
    min_age: int | None = None,
    max_age: int | None = None,
    pupils_only: bool = False,
    amount: int | None = None,
    note: str = "",
    _lock: bool = False,
) -> ProgrammeRule:
    """The new rule `programme_rule_add` would save, checked (who, when, what), unsaved: the
    admin shows its errors on the form before anything is written."""
    if not can_oversee(by):
        raise _deny()
    errors: dict[str, str] = {}
    if valid_from is None:
        errors["valid_from"] = _("Enter the first day the rule applies.")
    if not (legal_basis or "").strip():
        errors["legal_basis"] = _("Enter the decision or circular the rule comes from.")
    if errors:
        raise ValidationError(errors)
    latest = _latest_rule(programme, lock=_lock)
    if latest is not None and valid_from <= latest.valid_from:
        raise ValidationError(
            {
                "valid_from": _(
                    "A new rule must start after the latest one (valid from %(date)s): the "
                    "rules of the past stay as they were."
                )
                % {"date": date_format(latest.valid_from, "d/m/Y")}
            }
        )
    rule = ProgrammeRule(
        programme=programme,
        valid_from=valid_from,
        valid_to=valid_to,
        any_household=any_household,
        eligible_statuses=list(eligible_statuses or []),
        also_social_protection=also_social_protection,
        area=area,
        min_age=min_age,
        max_age=max_age,
        pupils_only=pupils_only,
        amount=amount,
        legal_basis=legal_basis.strip(),
        note=(note or "").strip(),
    )
    # Every check but the overlap with the rule in force, which the save ends the day before.
    rule.clean_fields(exclude=["programme"])
    rule.clean_rule()
    if rule.valid_to is not None and rule.valid_to < rule.valid_from:
        raise ValidationError({"valid_to": _("A rule cannot end before it starts.")})
    if rule.min_age is not None and rule.max_age is not None and rule.max_age < rule.min_age:
        raise ValidationError({"max_age": _("The upper age cannot be below the lower age.")})
    return rule


@transaction.atomic
def programme_rule_add(*, programme: Programme, by: User, **fields: Any) -> ProgrammeRule:
    """A change of a programme's rule or amount from `valid_from` (the fields of
    `programme_rule_prepare`): a new rule, never an edit of history (REFERENCE.md §4 marks which
    rules are UNCONFIRMED; a corrected decision is a new rule from its own date). The rule in
    force until then ends the day before; a rule can only start after the latest one starts,
    so the deliveries already judged keep their rule. The programme's mirror fields follow.
    """
    rule = programme_rule_prepare(programme=programme, by=by, _lock=True, **fields)
    latest = _latest_rule(programme)
    if latest is not None and (latest.valid_to is None or latest.valid_to >= rule.valid_from):
        latest.valid_to = rule.valid_from - datetime.timedelta(days=1)
        latest.full_clean()
        latest._history_user = by  # type: ignore[attr-defined]
        latest.save(update_fields=["valid_to"])
    rule.full_clean()
    rule._history_user = by  # type: ignore[attr-defined]
    rule.save()
    _mirror_latest_rule(programme)
    return rule


def benefits_follow_merger(before: Ward, successor: Ward, effective_from: datetime.date) -> None:
    """The benefits recorded in `before` from `effective_from` on are the successor's: a step
    of `households.services.units_merge` (`households.extensions.unit_merger_steps`,
    registered in ProgramsConfig.ready), in its transaction."""
    Benefit.objects.filter(ward=before, date__gte=effective_from).update(ward=successor)
