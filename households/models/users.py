"""People who sign in: a role decides what they may see; a ward scopes officers."""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Protocol, TypeAlias

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models.units import Ward


class UserManager(DjangoUserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        # `createsuperuser` knows nothing of roles: a superuser is an administrator.
        extra.setdefault("role", User.Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A person who signs in. The role decides what they may see; the ward scopes officers."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        CITY_REVIEWER = "city_reviewer", _("City Labour department reviewer")
        WARD_OFFICER = "ward_officer", _("Ward / commune officer")
        COMMITTEE_MEMBER = "committee_member", _("Steering Committee member")
        AGENCY_USER = "agency_user", _("Partner agency user")

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.WARD_OFFICER
    )
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        related_name="officers",
        verbose_name=_("ward / commune"),
        null=True,
        blank=True,
    )

    agency = models.ForeignKey(
        "programs.Agency",
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        help_text=_("Partner-agency users record and see their agency's programmes only."),
    )

    objects: ClassVar[UserManager] = UserManager()

    # `ward_scope`'s cache of a Steering Committee member's wards, for the request.
    _followed_wards: frozenset[int]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="ward_officer") | Q(ward__isnull=False),
                name="ward_officer_has_ward",
                violation_error_message=_("A ward / commune officer must belong to a ward."),
            ),
        ]

    def get_full_name(self) -> str:
        # Vietnamese order: family name first ("Nguyễn Văn An").
        return f"{self.last_name} {self.first_name}".strip()


class SignedIn(Protocol):
    """Who asks, once signed in, as the scoping rules read it: a `User`, or a stand-in with a
    role and no row (the command line's `reports.selectors.ALL_WARDS`, the whole city)."""

    @property
    def is_authenticated(self) -> Literal[True]: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def is_superuser(self) -> bool: ...
    @property
    def role(self) -> str: ...
    @property
    def pk(self) -> int | None: ...
    @property
    def ward_id(self) -> int | None: ...
    @property
    def agency_id(self) -> int | None: ...


# Who asks: the request's user (`AnonymousUser` before signing in) or a stand-in (`SignedIn`).
Asker: TypeAlias = SignedIn | AnonymousUser


def ward_scope(user: Asker) -> frozenset[int] | None:
    """The one rule for which wards a user may see: None means every ward (STYLE.md §3).

    Administrators and the city Labour department see every ward; a ward or commune officer
    sees their own; a Steering Committee member the wards they follow (`household_scope` adds
    the households assigned to them); anyone else (anonymous, inactive, agency users, whose
    households come from `household_scope`) sees no whole ward.
    Roles follow the units (issue 12): a unit comes with every unit merged into it
    (`households.units.lineage`), so the officer of a merged ward sees its predecessors'
    households; an officer still attached to a former unit keeps that unit's, and no more.
    `Household.objects.visible_to` and `Ward.objects.visible_to` both apply it.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser or user.role in (User.Role.ADMIN, User.Role.CITY_REVIEWER):
        return None
    from households import units

    if user.role == User.Role.WARD_OFFICER and user.ward_id:
        return units.lineage(user.ward_id)
    if user.role == User.Role.COMMITTEE_MEMBER and isinstance(user, User):
        cached = getattr(user, "_followed_wards", None)
        if cached is None:
            from programs.models import CommitteeMember

            member = CommitteeMember.objects.filter(user=user, is_active=True).first()
            cached = (
                units.lineages(member.assigned_wards.values_list("pk", flat=True))
                if member
                else frozenset()
            )
            user._followed_wards = cached
        return cached
    return frozenset()


def household_scope(user: Asker) -> Q | None:
    """Households a user sees beyond whole wards: None when there are none.

    A Steering Committee member sees the households assigned to them (cán bộ quản lý hộ); a
    partner-agency user the households their agency's programmes concern: those it delivered
    to, and those with at least one member one of its programmes' rules in force today
    concerns (`programs.selectors.concerned_members_q`: on the recognised list the rule is for,
    and meeting its member conditions — the education office sees households with a pupil,
    not every near-poor household).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.role == User.Role.COMMITTEE_MEMBER:
        return Q(assignment__member__user=user, assignment__member__is_active=True)
    if user.role == User.Role.AGENCY_USER and user.agency_id:
        from django.utils import timezone

        from households.models.registry import Member
        from programs.models import Benefit
        from programs.selectors import concerned_members_q

        concerned = concerned_members_q(user, timezone.localdate())
        delivered = Benefit.objects.filter(programme__agency_id=user.agency_id).values(
            "household_id"
        )
        condition = Q(pk__in=delivered)
        if concerned is not None:
            condition |= Q(pk__in=Member.objects.filter(concerned).values("household_id"))
        return condition
    return None
