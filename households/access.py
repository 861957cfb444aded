"""Who may do what in the workspace: one function per kind of action, used by every view.

Which households a user may *see* is their `households.scope.Scope` (an unseen household is a
404). These functions decide what a user may *do* with a household they can see
(a refusal is a 403). The services check them again, so the admin and commands obey them too.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from households import units
from households.models import Asker, Household, User, Ward


class AuthenticatedRequest(HttpRequest):
    """The request a `login_required` view receives: its user has signed in (a type only)."""

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request only a signed-in user reaches (the admin's pages), as a `User`."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def is_administrator(user: Asker) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.role == User.Role.ADMIN)
    )


def is_city_reviewer(user: Asker) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == User.Role.CITY_REVIEWER
    )


def can_edit_ward(user: Asker, ward: Ward | int | None) -> bool:
    """Officers enter and change households and surveys of their own ward (and of the units
    merged into it: `households.units.lineage`, issue 12); administrators too."""
    if is_administrator(user):
        return True
    ward_id = ward.pk if isinstance(ward, Ward) else ward
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == User.Role.WARD_OFFICER
        and ward_id is not None
        and user.ward_id is not None
        and ward_id in units.lineage(user.ward_id)
    )


def can_edit_household(user: Asker, household: Household) -> bool:
    return can_edit_ward(user, household.ward_id)


def can_create_households(user: Asker) -> bool:
    return is_administrator(user) or (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == User.Role.WARD_OFFICER
        and user.ward_id is not None
    )


def can_oversee(user: Asker) -> bool:
    """The city-wide overview and the city's own lists (committee, trainings, targets): the city
    Labour department and administrators."""
    return is_administrator(user) or is_city_reviewer(user)


def can_recognise(user: Asker, household: Household) -> bool:
    """Record the decision recognising a household's result: the officer of the household's
    ward, who enters the ward/commune People's Committee chairman's decision (number, date,
    signer), and administrators. The recognition is the chairman's (Circular 17 Art. 2(1),
    REFERENCE.md §7 "Who decides"), so the city no longer records it."""
    return can_edit_household(user, household)


def can_return(user: Asker) -> bool:
    """Send an assessment under review back to the ward officer: the city Labour department,
    which guides and checks (phúc tra) the wards' reviews, and administrators."""
    return can_oversee(user)


def can_follow_review(user: Asker) -> bool:
    """The review's progress in the wards: the city and administrators follow every ward; an
    officer follows their own."""
    return can_oversee(user) or can_edit_ward(user, getattr(user, "ward_id", None))


def can_see_reports(user: Asker) -> bool:
    """The indicator dashboard, report PDFs and list exports: ward officers (their ward), the
    city and administrators. Agency users and committee members follow households instead."""
    return can_oversee(user) or can_create_households(user)


def can_see_history(user: Asker, household: Household) -> bool:
    """The change history: officers of the household's ward, the city and administrators."""
    return can_oversee(user) or can_edit_household(user, household)


def require(allowed: bool) -> None:
    """Raise 403 with a Vietnamese message when `allowed` is false."""
    if not allowed:
        raise PermissionDenied(_("You are not allowed to do this."))


def can_archive(user: Asker, household: Household) -> bool:
    """Archive a household (issue 10: archived with its history, never deleted): the officer of
    its ward, who knows the family has gone, and administrators. Bringing one back is for
    administrators only."""
    return can_edit_household(user, household)
