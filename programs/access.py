"""Who may do what with Steering Committee work, benefits, trainings and targets.

Which households a user sees is their scope (`programs.scope.scope_for`; an unseen household
is a 404); these functions decide what a user may *do* (a refusal is a 403). `programs.services`
checks them again, so the admin and management commands obey them too.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from households.access import can_edit_household, can_oversee, is_administrator
from households.models import Asker, Household, SignedIn, User
from programs.scope import scope_for


def _active(user: Asker) -> TypeGuard[SignedIn]:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_see_household(user: Asker, household: Household) -> bool:
    return Household.objects.within(scope_for(user)).filter(pk=household.pk).exists()


def can_record_benefit(user: Asker, household: Household, programme: Any) -> bool:
    """Record a delivery: administrators; the officer of the household's ward; a partner-agency
    user for their own agency's programmes (plan section IV); a Steering Committee member for
    the households they see (the wards they follow and the households they manage)."""
    if is_administrator(user):
        return True
    if not _active(user):
        return False
    if user.role == User.Role.WARD_OFFICER:
        return can_edit_household(user, household)
    if user.role == User.Role.AGENCY_USER:
        return bool(
            user.agency_id
            and programme.agency_id == user.agency_id
            and can_see_household(user, household)
        )
    if user.role == User.Role.COMMITTEE_MEMBER:
        return can_see_household(user, household)
    return False


def has_own_households(user: Asker) -> bool:
    """A Steering Committee member's own page of the households they manage."""
    return _active(user) and user.role == User.Role.COMMITTEE_MEMBER


def can_see_committee(user: Asker) -> bool:
    """The Steering Committee list: the city and administrators all of it, a ward officer
    their own ward's committee and the city members."""
    return can_oversee(user) or is_ward_officer(user)


def is_ward_officer(user: Asker) -> bool:
    return bool(_active(user) and user.role == User.Role.WARD_OFFICER and user.ward_id)


def trainings_in_menu(user: Asker) -> bool:
    """Trainings and targets are open to every signed-in user; the menu offers them to all but
    partner agencies, whose work is their own programmes."""
    return _active(user) and user.role != User.Role.AGENCY_USER


def can_manage_committee(user: Asker) -> bool:
    """Keep the Steering Committee list: the city Labour department and administrators."""
    return can_oversee(user)


def can_assign(user: Asker, household: Household) -> bool:
    """Choose who manages a household: the city, administrators and the ward's own officer."""
    return can_oversee(user) or can_edit_household(user, household)


def can_manage_training(user: Asker) -> bool:
    return can_oversee(user)


def can_set_targets(user: Asker) -> bool:
    return can_oversee(user)
