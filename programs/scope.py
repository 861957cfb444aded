"""The one rule for whose records a user sees (STYLE.md §3): `scope_for`, a `Scope` value.

It sits in this app, above `households`, because two roles see households by programme data:
a Steering Committee member the households assigned to them, a partner agency those its
programmes concern. A request's scope is built once, when first read, by
`giamngheo.access.scope_middleware`; services that check a user given to them call
`scope_for` themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import Q
from django.utils import timezone

from households import units
from households.models import Asker, Member, User
from households.scope import Scope
from programs.models import Benefit, CommitteeMember
from programs.selectors import agency_only, concerned_members_q


def scope_for(user: Asker) -> Scope:
    """Which wards and households `user` sees, and which members of them.

    Administrators and the city Labour department see every ward; a ward or commune officer
    sees their own; a Steering Committee member the wards they follow and the households
    assigned to them (cán bộ quản lý hộ); a partner-agency user no whole ward, but the
    households its programmes concern (those it delivered to, and those with at least one
    member one of its programmes' rules in force today concerns: `concerned_members_q`, on the
    recognised list the rule is for and meeting its member conditions — the education office
    sees households with a pupil, not every near-poor household), and of them only those
    members. Anyone else (anonymous, inactive) sees nothing.

    Roles follow the units (issue 12): a unit comes with every unit merged into it
    (`households.units.lineage`), so the officer of a merged ward sees its predecessors'
    households; an officer still attached to a former unit keeps that unit's, and no more.
    Queries: none for most roles; one for a committee member (their wards), one for a partner
    agency (its rules in force). Inside `kept(user)`, the scope built when first asked.
    """
    held: Scope | None = getattr(user, "__dict__", {}).get("_kept_scope")
    if held is not None:
        return held
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope.NOTHING
    if user.is_superuser or user.role in (User.Role.ADMIN, User.Role.CITY_REVIEWER):
        return Scope.EVERYTHING
    if user.role == User.Role.WARD_OFFICER and user.ward_id:
        return Scope(wards=units.lineage(user.ward_id))
    if user.role == User.Role.COMMITTEE_MEMBER:
        return Scope(
            wards=_followed_wards(user),
            households=Q(assignment__member__user_id=user.pk, assignment__member__is_active=True),
        )
    agency = agency_only(user)
    if agency is not None:
        concerned = concerned_members_q(user, timezone.localdate())
        if not agency:
            return Scope(wards=frozenset(), members=concerned, agency=agency)
        delivered = Benefit.objects.filter(programme__agency_id=agency).values("household_id")
        households = Q(pk__in=delivered)
        if concerned is not None:
            households |= Q(pk__in=Member.objects.filter(concerned).values("household_id"))
        return Scope(wards=frozenset(), households=households, members=concerned, agency=agency)
    return Scope.NOTHING


@contextmanager
def kept(user: Asker) -> Iterator[None]:
    """Within the block, `scope_for(user)` is built once and the same `Scope` is returned
    (a partner agency's costs a query and a few milliseconds of building). For one service
    call, or one run that records many deliveries for the same user: the scope's households
    are still read by the database each time they are used (its querysets are lazy), only the
    rules in force are read once. Nested blocks keep the outer block's scope."""
    kept_here = vars(user)
    if "_kept_scope" in kept_here:
        yield
        return
    kept_here["_kept_scope"] = scope_for(user)
    try:
        yield
    finally:
        kept_here.pop("_kept_scope", None)


def _followed_wards(user: Asker) -> frozenset[int]:
    """The wards a Steering Committee member follows, with the units merged into them. Kept
    on the user object: a service given the request's user (`programs.access`) asks again."""
    kept: frozenset[int] | None = vars(user).get("_followed_wards")
    if kept is None:
        member = CommitteeMember.objects.filter(user_id=user.pk or 0, is_active=True).first()
        kept = (
            units.lineages(member.assigned_wards.values_list("pk", flat=True))
            if member
            else frozenset()
        )
        vars(user)["_followed_wards"] = kept
    return kept
