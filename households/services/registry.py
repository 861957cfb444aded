"""Writes to the registry: households, members, review rounds and users."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from households.models import (
    Household,
    Member,
    ReviewRound,
    User,
    Ward,
)
from households.services.locking import check_and_bump_version

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


def _assign(instance: Any, allowed: frozenset[str], fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown fields for {type(instance).__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


# --- Households ----------------------------------------------------------------------------


@transaction.atomic
def household_save(*, household: Household, expected_version: int | None = None) -> Household:
    """Validate and save a new or changed household (the admin and forms fill the instance).

    `expected_version` is the version the editing form was opened at: a later save by someone
    else makes this one fail with `StaleEditError` (optimistic locking).
    """
    household.full_clean()
    check_and_bump_version(household, expected_version)
    household.save()
    return household


def household_create(**fields: Any) -> Household:
    household = Household()
    _assign(household, HOUSEHOLD_FIELDS, fields)
    return household_save(household=household)


def household_update(
    *, household: Household, expected_version: int | None = None, **fields: Any
) -> Household:
    _assign(household, HOUSEHOLD_FIELDS, fields)
    return household_save(household=household, expected_version=expected_version)


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
