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

    # What a page shows of who did something: `get_full_name`, else the username.
    NAME_FIELDS: ClassVar[tuple[str, ...]] = ("first_name", "last_name", "username")

    @classmethod
    def unshown_fields_of(cls, relation: str) -> tuple[str, ...]:
        """The user's columns other than `NAME_FIELDS`, through `relation` (a foreign key to
        the user joined with `select_related`), for `.defer()`: a list that names who did
        something reads no more of the user, since every column costs the ORM about a thousand
        Python steps to compile and load (issue 11, the household page's CPU)."""
        return tuple(
            f"{relation}__{field.name}"
            for field in cls._meta.concrete_fields
            if not field.primary_key and field.name not in cls.NAME_FIELDS
        )

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
    """Who asks, once signed in, as the permission rules read it: a `User`, or a stand-in with
    a role and no row. Which records they see is their `households.scope.Scope`."""

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
