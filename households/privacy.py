"""Who sees which personal data of a member (Decree 13/2023/NĐ-CP): the one place that decides.

- National ID numbers: in full for administrators and the officers of the household's own ward
  (they keep the file and need the number to serve and correct it). Everyone else — the city
  Labour department reviewer, Steering Committee members, partner agencies — sees them masked
  (`mask_national_id`) on pages, PDFs and exports: approving a list, following households or
  delivering a programme does not need the number. No programme or agency in the registry is
  marked as needing the number for its delivery, so every agency sees it masked. Searching by
  a full number still finds the household for whoever may see it: knowing the number already
  discloses nothing.
- Ethnicity and disability: hidden from partner agencies, since no programme rule reads them
  (`programs.models.ProgrammeRule` has no condition on either); every other role that sees the
  household sees them.
- Which members a partner agency sees at all: its `Scope.members` (the rule is
  `programs.selectors.concerned_members_q`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeGuard

from households import units
from households.access import is_administrator
from households.models import Asker, Household, Member, SignedIn, User
from households.scope import Scope

MASK = "*"


def mask_national_id(value: str | None) -> str:
    """A national ID number masked: first 3 and last 2 digits, as the public posting of
    Circular 17 shows it (``"001085012345"`` → ``"001*******45"``); one format everywhere."""
    if not value:
        return ""
    value = value.strip()
    if len(value) <= 5:
        return MASK * len(value)
    return f"{value[:3]}{MASK * (len(value) - 5)}{value[-2:]}"


def _active(user: Asker) -> TypeGuard[SignedIn]:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_see_national_id(user: Asker, household: Household | None = None) -> bool:
    """Whether `user` sees ID numbers in full: administrators, and the officers of the
    household's ward (of their own ward when no household is given)."""
    if is_administrator(user):
        return True
    if not _active(user) or user.role != User.Role.WARD_OFFICER or not user.ward_id:
        return False
    return household is None or household.ward_id in units.lineage(user.ward_id)


def national_id_for(user: Asker, value: str | None, household: Household | None = None) -> str:
    """The ID number as `user` may read it: in full, or masked."""
    if not value:
        return ""
    return value if can_see_national_id(user, household) else mask_national_id(value)


def can_see_traits(user: Asker) -> bool:
    """Whether `user` sees members' ethnicity and disability (and the household's
    ethnic-minority flag): everyone who sees the household but partner agencies, whose
    programme rules use neither."""
    return _active(user) and user.role != User.Role.AGENCY_USER


@dataclass(frozen=True)
class ShownMember:
    """A member as `user` is shown it: the row the caller listed, the ID number to print and
    whether ethnicity and disability may show."""

    row: Any
    member: Member
    national_id: str
    show_traits: bool


def shown_members(
    user: Asker, scope: Scope, household: Household, rows: Iterable[Any]
) -> list[ShownMember]:
    """The `rows` (members, or rows with a `.member`) of `household` that `user` may see
    (`scope.members`), with what they may read of each. No query but for a partner-agency
    user (one)."""
    listed = list(rows)
    condition = scope.members
    if condition is not None:
        allowed = set(household.members.filter(condition).values_list("pk", flat=True))
    full = can_see_national_id(user, household)
    traits = can_see_traits(user)
    shown = []
    for row in listed:
        member = getattr(row, "member", row)
        if condition is not None and member.pk not in allowed:
            continue
        number = member.national_id or ""
        shown.append(
            ShownMember(
                row=row,
                member=member,
                national_id=number if full else mask_national_id(number),
                show_traits=traits,
            )
        )
    return shown


def history_value(user: Asker, household: Household, field: str, value: str) -> str:
    """A value of the change history as `user` may read it: an ID number masked unless they
    may see it in full (the city reviewer reads the history, not the numbers)."""
    if value and field == "national_id" and not can_see_national_id(user, household):
        return mask_national_id(value)
    return value
