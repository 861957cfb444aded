"""Households and their members."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.formatting import fold_text
from households.ethnicities import Ethnicity
from households.models.units import Quarter, Ward
from households.scope import Scope
from households.search import folded_search_q
from households.units import lineage

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

household_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
    _("Use letters, digits and . _ / - only, e.g. DT-0001."),
)
phone_validator = RegexValidator(
    r"^(\+84|0)[0-9]{8,10}$", _("Enter a Vietnamese phone number, e.g. 0912345678.")
)
# The accent-stripped copies of names are searched, never shown: `fold_text` can lengthen a
# name (a Hangul syllable decomposes into two or three letters), so they are cut to fit.
FOLDED_MAX_LENGTH = 100


def fold_name(name: str) -> str:
    """The folded copy of a name, as the `*_folded` columns store it (`FOLDED_MAX_LENGTH`)."""
    return fold_text(name)[:FOLDED_MAX_LENGTH].rstrip()


national_id_validator = RegexValidator(
    r"^([0-9]{9}|[0-9]{12})$",
    _("A national ID number has 9 digits (CMND) or 12 digits (CCCD)."),
)


class HouseholdQuerySet(models.QuerySet["Household"]):
    def within(self, scope: Scope) -> HouseholdQuerySet:
        """The households `scope` sees: every lookup from a request (`households.scope`)."""
        if scope.wards is None:
            return self
        condition = Q(ward_id__in=scope.wards)
        if scope.households is not None:
            condition |= scope.households
        return self.filter(condition)

    def in_register(self) -> HouseholdQuerySet:
        """Households not archived (issue 10): the register as it stands today."""
        return self.filter(archived_at__isnull=True)

    def search(self, term: str, *, by_row: bool = False) -> HouseholdQuerySet:
        """Accent-insensitive search over head and member names, household codes and ID numbers.

        Members are searched in a subquery, never a join: a household with several matching
        members is still one row, with no DISTINCT. By default the households whose head or
        code matches and those with a matching member are gathered first, each through its own
        index (the trigram indexes on PostgreSQL): cheapest when the words are rare. `by_row`
        looks at each household and its own members instead, one after another: cheapest for
        a common name ("nguyen van", one household in five) when only the first matches, in
        an order an index gives, are read (`households.pagination`)."""
        condition = folded_search_q(term, folded_fields=["head_name_folded"], exact_fields=["code"])
        if condition is None:
            return self
        members = Member.objects.search(term).order_by()
        if by_row:
            # A scalar subquery is looked up row by row, never hashed over all the members.
            first = Subquery(members.filter(household=OuterRef("pk")).values("pk")[:1])
            return self.alias(_member_hit=first).filter(condition | Q(_member_hit__isnull=False))
        heads = Household.objects.filter(condition).order_by().values("pk")
        return self.filter(pk__in=heads.union(members.values("household_id"), all=True))


class MemberQuerySet(models.QuerySet["Member"]):
    def within(self, scope: Scope) -> MemberQuerySet:
        """The members `scope` shows: of the households it sees, narrowed to `scope.members`
        (a partner agency's concerned members). Every ward: no semi-join to every household
        (0.1 s of every list of members at 300,000 households)."""
        qs = self
        if scope.wards is not None:
            qs = qs.filter(household__in=Household.objects.within(scope).values("pk"))
        if scope.members is not None:
            qs = qs.filter(scope.members)
        return qs

    def search(self, term: str) -> MemberQuerySet:
        condition = folded_search_q(
            term, folded_fields=["full_name_folded"], literal_fields=["national_id"]
        )
        return self if condition is None else self.filter(condition)


class Household(models.Model):
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="households", verbose_name=_("ward / commune")
    )
    quarter = models.ForeignKey(
        Quarter,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("quarter / hamlet"),
    )
    code = models.CharField(
        _("household code"), max_length=20, validators=[household_code_validator]
    )
    head_name = models.CharField(_("head of household"), max_length=100)
    head_name_folded = models.CharField(max_length=FOLDED_MAX_LENGTH, editable=False, db_index=True)
    address = models.CharField(_("address"), max_length=255)
    phone = models.CharField(_("phone"), max_length=15, blank=True, validators=[phone_validator])
    is_merit_family = models.BooleanField(
        _("people-with-merit household"),
        default=False,
        help_text=_(
            "A member receives preferential treatment as a person with meritorious service."
        ),
    )
    is_social_protection = models.BooleanField(
        _("social-protection household"),
        default=False,
        help_text=_("A member receives a monthly social-assistance allowance."),
    )
    is_ethnic_minority = models.BooleanField(_("ethnic-minority household"), default=False)
    is_female_headed = models.BooleanField(_("female-headed household"), default=False)
    has_no_working_age_labour = models.BooleanField(_("no working-age labour"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Households are archived, never deleted: the record and its recognised history stay.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        "households.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("archived by"),
    )
    archive_reason = models.CharField(
        _("reason archived"), max_length=255, blank=True, editable=False
    )
    # Optimistic locking: each save checks and bumps it, so a stale form cannot overwrite.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Its unit's display order, kept by the database (a trigger on this table and one on the
    # units, migration 0019), so that the lists ordered as the city reads them (units in their
    # order, then codes) walk one index instead of sorting every household joined to its unit
    # (issue 11). Whatever the ORM writes here is replaced by the unit's order.
    unit_order = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = HouseholdQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["head_name_folded", "updated_at", "version", "unit_order"],
        verbose_name=_("historical household"),
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["unit_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "code"],
                name="household_code_unique_in_ward",
                violation_error_message=_("This household code is already used in this ward."),
            ),
        ]
        # The household list (`households.pagination`): its default order read from an index
        # either way (first and last page alike), its count from a small index of the register,
        # a code typed in any case; a ward's households in the order of a status run
        # (`households.pagination.StatusWalk`). The trigram indexes of the folded names exist
        # on PostgreSQL only (migration 0010).
        indexes = [
            models.Index(fields=["code", "id"], name="household_code_order_idx"),
            models.Index(
                fields=["ward"],
                condition=Q(archived_at__isnull=True),
                name="household_in_register_idx",
            ),
            models.Index(
                fields=["ward", "code", "id"],
                condition=Q(archived_at__isnull=True),
                name="household_ward_code_order_idx",
            ),
            models.Index(Upper("code"), name="household_code_upper_idx"),
            # Units in their order, then codes (`unit_order`): the worklists' order.
            models.Index(fields=["unit_order", "code", "id"], name="household_unit_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.head_name}"

    def clean(self) -> None:
        self.head_name = " ".join(self.head_name.split())
        self.head_name_folded = fold_name(self.head_name)
        # A merged unit's households live in its predecessors' quarters and hamlets until it
        # names its own (`households.units.lineage`).
        if self.quarter_id and self.ward_id and self.quarter.ward_id not in lineage(self.ward_id):
            raise ValidationError(
                {"quarter": _("This quarter / hamlet does not belong to the chosen ward.")}
            )


class Member(models.Model):
    class Sex(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        GRANDCHILD = "grandchild", _("Grandchild")
        SIBLING = "sibling", _("Sibling")
        OTHER_RELATIVE = "relative", _("Other relative")
        OTHER = "other", _("Other")

    class Education(models.TextChoices):
        """Highest level completed."""

        NONE = "none", _("None")
        PRIMARY = "primary", _("Primary school")
        LOWER_SECONDARY = "lower_secondary", _("Lower-secondary school")
        UPPER_SECONDARY = "upper_secondary", _("Upper-secondary school")
        VOCATIONAL = "vocational", _("Vocational / professional secondary")
        COLLEGE = "college", _("College")
        UNIVERSITY = "university", _("University or higher")

    class Disability(models.TextChoices):
        NONE = "none", _("None")
        MILD = "mild", _("Mild")
        SEVERE = "severe", _("Severe")
        ESPECIALLY_SEVERE = "especially_severe", _("Especially severe")

    class WorkAbility(models.TextChoices):
        ABLE = "able", _("Able to work")
        LIMITED = "limited", _("Limited ability to work")
        UNABLE = "unable", _("Unable to work")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("household")
    )
    full_name = models.CharField(_("full name"), max_length=100)
    full_name_folded = models.CharField(max_length=FOLDED_MAX_LENGTH, editable=False, db_index=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        blank=True,  # may be filled from the date of birth in clean()
        validators=[MinValueValidator(1900)],
        help_text=_("Filled from the date of birth when that is known."),
    )
    relation = models.CharField(_("relation to head"), max_length=10, choices=Relation.choices)
    national_id = models.CharField(
        _("national ID number"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[national_id_validator],
        help_text=_("CMND (9 digits) or CCCD (12 digits)."),
        error_messages={"unique": _("This national ID number is already used by another member.")},
    )
    ethnicity = models.CharField(
        _("ethnicity"), max_length=20, choices=Ethnicity.choices, default=Ethnicity.KINH
    )
    education_level = models.CharField(
        _("education level"), max_length=20, choices=Education.choices, default=Education.NONE
    )
    attends_school = models.BooleanField(_("attending school"), default=False)
    health_insurance_number = models.CharField(
        _("health-insurance card number"), max_length=20, blank=True
    )
    health_insurance_expiry = models.DateField(
        _("health-insurance card valid until"), null=True, blank=True
    )
    disability = models.CharField(
        _("disability"), max_length=20, choices=Disability.choices, default=Disability.NONE
    )
    work_ability = models.CharField(
        _("ability to work"), max_length=10, choices=WorkAbility.choices, default=WorkAbility.ABLE
    )
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["full_name_folded"], verbose_name=_("historical member")
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["household", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "full_name_folded", "birth_year"],
                name="member_listed_once_per_household",
                violation_error_message=_(
                    "A member with this name and year of birth is already listed in this household."
                ),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relation="head"),
                name="one_head_per_household",
                violation_error_message=_("This household already has a head."),
            ),
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900), name="member_birth_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.birth_year})"

    def clean(self) -> None:
        self.full_name = " ".join(self.full_name.split())
        self.full_name_folded = fold_name(self.full_name)
        if self.national_id == "":
            self.national_id = None
        today = timezone.localdate()
        errors: dict[str, StrOrPromise] = {}
        if self.date_of_birth:
            if self.date_of_birth > today:
                errors["date_of_birth"] = _("The date of birth cannot be in the future.")
            elif self.birth_year is None:
                self.birth_year = self.date_of_birth.year
            elif self.birth_year != self.date_of_birth.year:
                errors["birth_year"] = _("The year of birth does not match the date of birth.")
        if self.birth_year is None and not self.date_of_birth:
            errors["birth_year"] = _("Enter the year or the date of birth.")
        elif self.birth_year is not None and self.birth_year > today.year:
            errors["birth_year"] = _("The year of birth cannot be in the future.")
        if self.health_insurance_expiry and not self.health_insurance_number:
            errors["health_insurance_number"] = _("Enter the card number for this expiry date.")
        if errors:
            raise ValidationError(errors)

    def age_on(self, day: datetime.date) -> int:
        from households.roster import age_on

        return age_on(birth_year=self.birth_year, date_of_birth=self.date_of_birth, day=day)
