"""Every write to the household registry goes through these functions.

Views, the admin, imports and management commands call them, so each rule is enforced once:
`full_clean()` before `save()`, the classification by `households.classification.classify`
and the roster-derived indicators by `households.roster.derive_indicators`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from households.classification import classify, get_standard
from households.models import (
    Assessment,
    Household,
    Member,
    PovertyCause,
    ReviewRound,
    SupportNeed,
    User,
    Ward,
)
from households.roster import (
    ROSTER_INDICATORS,
    RosterMember,
    derive_indicators,
    roster_member,
)

HOUSEHOLD_FIELDS = frozenset(
    {
        "ward",
        "quarter",
        "code",
        "head_name",
        "address",
        "phone",
        "is_merit_family",
        "is_social_protection",
        "is_ethnic_minority",
        "is_female_headed",
        "has_no_working_age_labour",
    }
)
MEMBER_FIELDS = frozenset(
    {
        "full_name",
        "sex",
        "date_of_birth",
        "birth_year",
        "relation",
        "national_id",
        "ethnicity",
        "education_level",
        "attends_school",
        "health_insurance_number",
        "health_insurance_expiry",
        "disability",
        "work_ability",
        "occupation",
    }
)
# Stored explanations are part of the official record, so they are written in the
# language of the record (Vietnamese) whatever the officer's interface language.
RECORD_LANGUAGE = "vi"


def _assign(instance: Any, allowed: frozenset[str], fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown fields for {type(instance).__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


# --- Households ----------------------------------------------------------------------------


@transaction.atomic
def household_save(*, household: Household) -> Household:
    """Validate and save a new or changed household (the admin and forms fill the instance)."""
    household.full_clean()
    household.save()
    return household


def household_create(**fields: Any) -> Household:
    household = Household()
    _assign(household, HOUSEHOLD_FIELDS, fields)
    return household_save(household=household)


def household_update(*, household: Household, **fields: Any) -> Household:
    _assign(household, HOUSEHOLD_FIELDS, fields)
    return household_save(household=household)


@transaction.atomic
def household_delete(*, household: Household) -> None:
    household.delete()


# --- Members -------------------------------------------------------------------------------


@transaction.atomic
def member_save(*, member: Member) -> Member:
    """Validate and save a new or changed member of `member.household`."""
    member.full_clean()
    member.save()
    return member


def member_create(*, household: Household, **fields: Any) -> Member:
    member = Member(household=household)
    _assign(member, MEMBER_FIELDS, fields)
    return member_save(member=member)


def member_update(*, member: Member, **fields: Any) -> Member:
    _assign(member, MEMBER_FIELDS, fields)
    return member_save(member=member)


@transaction.atomic
def member_delete(*, member: Member) -> None:
    member.delete()


# --- Review rounds -------------------------------------------------------------------------


@transaction.atomic
def review_round_create(**fields: Any) -> ReviewRound:
    review_round = ReviewRound(**fields)
    review_round.full_clean()
    review_round.save()
    return review_round


# --- Assessments ---------------------------------------------------------------------------


_WHOLE_DONG = re.compile(r"-?(\d+|\d{1,3}(\.\d{3})+)")


def _income(value: object) -> int:
    """A whole number of đồng; officers may type "1.100.000" with thousand separators."""
    if isinstance(value, str) and _WHOLE_DONG.fullmatch(value.strip().replace(" ", "")):
        value = int(value.strip().replace(" ", "").replace(".", ""))
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            {
                "income_per_capita": _(
                    "Enter the income per person as a whole number of đồng, e.g. 1100000."
                )
            }
        )
    if value < 0:
        raise ValidationError({"income_per_capita": _("Income cannot be negative.")})
    return value


def roster_of(household: Household) -> list[RosterMember]:
    return [roster_member(m) for m in household.members.all()]


def assessment_apply_result(assessment: Assessment, roster: Iterable[RosterMember]) -> None:
    """Derive the roster indicators and classify, writing the result onto `assessment`.

    Does not save: `assessment_save` saves, and the demo seeder saves in bulk.
    Decision 59/2015/QĐ-TTg Art. 2 via `classify`; indicators per REFERENCE.md §1.4.
    """
    household = assessment.household
    review_round = assessment.round
    standard = get_standard(review_round.standard)
    with translation.override(RECORD_LANGUAGE):
        try:
            derived = derive_indicators(roster, on=review_round.reference_date)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        for key, indicator in derived.items():
            setattr(assessment, key, indicator.deprived)
        assessment.derived_reasons = {key: d.reason for key, d in derived.items()}
        result = classify(
            area=household.ward.area,
            income_per_capita=assessment.income_per_capita,
            deprivations={key: getattr(assessment, key) for key in standard.indicator_keys},
            standard=standard,
        )
        assessment.status = result.status.value
        assessment.poor_group = result.poor_group.value if result.poor_group else ""
        assessment.deprivation_count = result.deprivation_count
        assessment.area = result.area.value
        assessment.explanation = str(result.explanation)


@transaction.atomic
def assessment_save(
    *,
    household: Household,
    round: ReviewRound,
    income_per_capita: object,
    deprivations: Mapping[str, bool] | Iterable[str] = (),
    household_type: str = "",
    causes: Iterable[PovertyCause] = (),
    needs: Iterable[SupportNeed] = (),
    expected_to_escape: bool = False,
    notes: str = "",
    by: User | None = None,
) -> Assessment:
    """Record a household's survey for a review round and classify it.

    One assessment per household per round: saving again updates it. Indicators decided by the
    roster (see `households.roster`) are derived, whatever was passed for them.
    """
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

    assessment = Assessment.objects.filter(household=household, round=round).first()
    if assessment is None:
        assessment = Assessment(household=household, round=round, created_by=by)
    assessment.income_per_capita = _income(income_per_capita)
    for key in standard.indicator_keys:
        if key not in ROSTER_INDICATORS:
            setattr(assessment, key, key in deprived)
    assessment.household_type = household_type
    assessment.expected_to_escape = expected_to_escape
    assessment.notes = notes
    assessment_apply_result(assessment, roster_of(household))
    assessment.full_clean()
    assessment.save()
    assessment.causes.set(causes)
    assessment.needs.set(needs)
    return assessment


@transaction.atomic
def assessment_reclassify(*, assessment: Assessment) -> Assessment:
    """Classify again from the stored survey and the current roster (e.g. after a correction)."""
    assessment_apply_result(assessment, roster_of(assessment.household))
    assessment.full_clean()
    assessment.save()
    return assessment


# --- Users ---------------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    ward: Ward | None = None,
    password: str | None = None,
    password_hash: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a person who signs in.

    The role decides what the user sees (`households.models.ward_scope`); a ward officer must
    have a ward, which the model constraint `ward_officer_has_ward` enforces through
    `full_clean()`. `password` is hashed here; `password_hash` is stored as given (the demo
    seeder hashes its public password once for all its users); with neither, the user cannot
    sign in with a password.
    """
    user = User(
        username=username,
        role=role,
        ward=ward,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if password is not None:
        user.set_password(password)
    elif password_hash is not None:
        user.password = password_hash
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user
