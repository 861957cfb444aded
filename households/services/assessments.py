"""Recording a household's survey and classifying it under the round's poverty standard."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from households import review_rules, standards, units
from households.classification import classify, get_standard
from households.models import (
    DEPRIVATION_COLUMNS,
    EDITABLE_STATES,
    Assessment,
    Household,
    IncomeRoute,
    PovertyCause,
    ReviewEvent,
    ReviewRound,
    ReviewState,
    SupportNeed,
    User,
    Ward,
)
from households.phieu import B1Score, ScreeningCriterion, score_b1, screened_out_by
from households.roster import RosterMember, derive_indicators, roster_member, rules_of
from households.services.locking import check_and_bump_version

# Stored explanations are part of the official record, so they are written in the
# language of the record (Vietnamese) whatever the officer's interface language.
RECORD_LANGUAGE = "vi"


# --- Assessments ---------------------------------------------------------------------------


def typed_income(value: int | None) -> int:
    """The typed income as stored: an int of đồng within the model field's bounds.

    Callers read what officers type with `households.forms.survey.IncomeField` (the survey,
    the admin's form, the spreadsheet import); a service takes the number, never the text.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            {
                "income_per_capita": _(
                    "Enter the income per person as a whole number of đồng, e.g. 1100000."
                )
            }
        )
    try:
        Assessment._meta.get_field("income_per_capita").run_validators(value)
    except ValidationError as exc:
        raise ValidationError({"income_per_capita": exc.messages}) from None
    return value


def roster_of(household: Household) -> list[RosterMember]:
    return [roster_member(m) for m in household.members.all()]


def assessment_apply_result(assessment: Assessment, roster: Iterable[RosterMember]) -> None:
    """Derive the roster indicators and classify, writing the result onto `assessment`.

    Under the round's standard: its indicators derived from the members (`households.roster`),
    its rule and lines (`classify`); a deprivation column the standard does not have is set
    False (`Assessment`). Does not save: `assessment_save` saves, and the demo seeder saves in
    bulk.
    """
    review_round = assessment.round
    standard = get_standard(review_round.standard)
    with translation.override(RECORD_LANGUAGE):
        try:
            derived = derive_indicators(
                roster, on=review_round.reference_date, rules=rules_of(standard)
            )
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        for key, indicator in derived.items():
            setattr(assessment, key, indicator.deprived)
        assessment.derived_reasons = {key: d.reason for key, d in derived.items()}
        for column in set(DEPRIVATION_COLUMNS) - set(standard.indicator_keys):
            setattr(assessment, column, False)
        area = assessment_area(assessment)
        screened, b1 = _phieu_of(assessment, standard.code, area)
        try:
            result = classify(
                area=area,
                income_per_capita=assessment.income_per_capita
                if assessment.income_route == IncomeRoute.TYPED
                else None,
                deprivations={key: getattr(assessment, key) for key in standard.indicator_keys},
                standard=standard,
                b1=b1,
                screened_out=screened,
            )
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        assessment.b1_score = b1.total if b1 else None
        assessment.b1_band = b1.band.value if b1 else ""
        assessment.status = result.status.value
        assessment.poor_group = result.poor_group.value if result.poor_group else ""
        assessment.deprivation_count = result.deprivation_count
        assessment.area = result.area.value
        assessment.explanation = str(result.explanation)


def _phieu_of(
    assessment: Assessment, code: str, area: str
) -> tuple[tuple[ScreeningCriterion, ...], B1Score | None]:
    """The Phiếu A criteria met and the Phiếu B1 score of `assessment`'s route, read on the
    standard's forms for its area (`households.standards`); ValidationError on what they lack."""
    if assessment.income_route == IncomeRoute.PHIEU_A:
        criteria = standards.screening_criteria(code)
        try:
            met = screened_out_by(criteria, assessment.screened_out)
        except ValueError as exc:
            raise ValidationError({"screened_out": str(exc)}) from None
        if not met:
            raise ValidationError(
                {"screened_out": _("Tick the Phiếu A criteria the household meets.")}
            )
        return met, None
    if assessment.income_route == IncomeRoute.PHIEU_B:
        card = standards.score_card(code, area)
        if card is None or not card.items:
            raise ValidationError(
                {
                    "income_route": _(
                        "The poverty standard of this round has no Phiếu B1 table for this "
                        "area: enter the income."
                    )
                }
            )
        try:
            b1 = score_b1(card, assessment.b1_answers)
        except ValueError as exc:
            raise ValidationError({"b1_answers": str(exc)}) from None
        if not b1.decided:  # a partial table's score at or below its top threshold
            raise ValidationError({"income_route": b1.undetermined_reason()})
        return (), b1
    return (), None


def assessment_unit(household: Household, review_round: ReviewRound) -> Ward:
    """The unit a new survey of `household` in `review_round` is made in: the household's unit
    on the day it is made (`households.units.made_on`), a merged unit's successor from the day
    of the merger (issue 12). Kept on the assessment (`Assessment.ward`) once created."""
    unit = units.made_in(household.ward_id, units.made_on(review_round))
    return household.ward if unit == household.ward_id else Ward.objects.get(pk=unit)


def assessment_area(assessment: Assessment) -> str:
    """The area whose income lines classify `assessment`: its unit's on the day it was made
    (`Ward.area_on`, the one rule; a survey not yet saved is made today, in the household's
    unit that day)."""
    created = assessment.created_at
    day = units.made_on(assessment.round, timezone.localdate(created) if created else None)
    household = assessment.household
    same = assessment.ward_id is None or assessment.ward_id == household.ward_id
    return (household.ward if same else assessment.ward).area_on(day).value


def ensure_editable(assessment: Assessment) -> None:
    """Refuse changes to a survey under review or recognised (Circular 17/2016)."""
    if assessment.state == ReviewState.RECOGNISED:
        raise ValidationError(
            _(
                "This assessment was recognised by decision %(number)s of %(date)s and can no "
                "longer be changed. Open an ad-hoc review to correct it."
            )
            % {
                "number": assessment.decision_number,
                # Set on every recognised assessment (recognised_assessment_has_decision).
                "date": date_format(assessment.decision_date, "d/m/Y")
                if assessment.decision_date
                else "",
            }
        )
    if assessment.state not in EDITABLE_STATES:
        raise ValidationError(
            _(
                "This assessment is under review (“%(state)s”) and cannot be changed. Withdraw "
                "it, or ask the city to return it."
            )
            % {"state": assessment.get_state_display()}
        )


@transaction.atomic
def assessment_save(
    *,
    household: Household,
    round: ReviewRound,
    income_per_capita: int | None = None,
    deprivations: Mapping[str, bool] | Iterable[str] = (),
    income_route: str = IncomeRoute.TYPED,
    b1_answers: Mapping[str, str] | None = None,
    screened_out: Iterable[str] = (),
    household_type: str = "",
    causes: Iterable[PovertyCause] = (),
    needs: Iterable[SupportNeed] = (),
    expected_to_escape: bool = False,
    notes: str = "",
    request_kind: str | None = None,
    request_date: datetime.date | None = None,
    corrects: Assessment | None = None,
    expected_version: int | None = None,
    by: User | None = None,
) -> Assessment:
    """Record a household's survey for a review round and classify it.

    One assessment per household per round: saving again updates it, but only while it is a
    draft or returned (Circular 17/2016: once submitted it is under review, once recognised it
    is locked and a correction is an ad-hoc review). Indicators decided by the roster (see
    `households.roster`) are derived, whatever was passed for them. `expected_version` is the
    version the form was opened at (optimistic locking).

    The income comes by `income_route` (REFERENCE.md §3.3–3.4): typed (`income_per_capita`,
    the default), estimated by the Phiếu B1 answers (`b1_answers`, {item: option} on the
    standard's table for the household's area), or not needed when Phiếu A screens the household
    out (`screened_out`, the criteria it meets). What another route would use is not kept.
    """
    from households.services.registry import ensure_not_archived  # registry imports this module

    ensure_not_archived(household)
    standard = get_standard(round.standard)
    if isinstance(deprivations, Mapping):
        deprived = {key for key, value in deprivations.items() if value}
        given = set(deprivations)
    else:
        deprived = set(deprivations)
        given = deprived
    unknown = given - set(standard.indicator_keys)
    if unknown:
        raise ValidationError(
            _("Unknown deprivation indicators: %(keys)s") % {"keys": ", ".join(sorted(unknown))}
        )

    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .filter(household=household, round=round)
        .first()
    )
    created = assessment is None
    if assessment is None:
        assessment = Assessment(
            household=household,
            round=round,
            ward=assessment_unit(household, round),
            created_by=by,
        )
    else:
        ensure_editable(assessment)
    if request_kind is not None:
        assessment.request_kind = request_kind
        assessment.request_date = request_date
        assessment.corrects = corrects
    if round.kind == ReviewRound.Kind.AD_HOC and not assessment.request_kind:
        raise ValidationError(
            {"request_kind": _("An ad-hoc review needs the household's request.")}
        )
    if round.kind == ReviewRound.Kind.AD_HOC and request_kind is not None:
        outside = review_rules.adhoc_request_problems(
            round_name=round.name,
            starts_on=round.starts_on,
            ends_on=round.ends_on,
            request_date=request_date,
        )
        if outside:
            raise ValidationError(outside)
    check_and_bump_version(assessment, expected_version)
    if income_route not in IncomeRoute.values:
        raise ValidationError({"income_route": _("Choose how the income is determined.")})
    assessment.income_route = income_route
    typed = income_route == IncomeRoute.TYPED
    assessment.income_per_capita = typed_income(income_per_capita) if typed else None
    by_score = income_route == IncomeRoute.PHIEU_B
    assessment.b1_answers = dict(b1_answers or {}) if by_score else {}
    screening = income_route == IncomeRoute.PHIEU_A
    assessment.screened_out = sorted(set(screened_out)) if screening else []
    for key in standard.indicator_keys:
        if key not in standard.derived_keys:
            setattr(assessment, key, key in deprived)
    assessment.household_type = household_type
    assessment.expected_to_escape = expected_to_escape
    assessment.notes = notes
    assessment_apply_result(assessment, roster_of(household))
    # The named constraints guard what the engine and the review write (never typed input) and
    # the household/round pair looked up above; the database enforces them on save, so
    # checking each one again by query here would only slow every save down.
    assessment.full_clean(validate_constraints=False)
    if by is not None:
        # The audit trail names the officer even outside a web request (imports, commands).
        assessment._history_user = by  # type: ignore[attr-defined]
    assessment.save()
    assessment.causes.set(causes)
    assessment.needs.set(needs)
    if created:
        ReviewEvent.objects.create(
            assessment=assessment,
            action=ReviewEvent.Action.CREATE,
            to_state=assessment.state,
            note=assessment.get_request_kind_display() if assessment.request_kind else "",
            by=by,
        )
    return assessment


@transaction.atomic
def assessment_reclassify(*, assessment: Assessment) -> Assessment:
    """Classify again from the stored survey and the current roster (e.g. after a correction).

    Only drafts and returned assessments: a submitted or recognised result is not changed.
    """
    if assessment.state not in EDITABLE_STATES:
        raise ValidationError(
            _("%(assessment)s is under review or recognised and is not reclassified.")
            % {"assessment": assessment}
        )
    assessment_apply_result(assessment, roster_of(assessment.household))
    assessment.full_clean()
    assessment.save()
    return assessment
