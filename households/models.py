"""The household registry: administrative units, users, households, members and assessments.

Rules live elsewhere: the classification in `households.classification` (pure), the
roster-derived indicators in `households.roster` (pure), and every write in
`households.services`. Models hold data, choices and the invariants the database enforces.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giamngheo.formatting import fold_text
from households.classification import DEFAULT_STANDARD, STANDARDS, Area, PoorGroup, Status
from households.ethnicities import Ethnicity
from households.search import folded_search_q

# --- Administrative units ------------------------------------------------------------------


class District(models.Model):
    """A district-level unit (huyện / thị xã / thành phố thuộc tỉnh), e.g. Phan Thiết city."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.CharField(_("province"), max_length=100)

    class Meta:
        verbose_name = _("city / district")
        verbose_name_plural = _("cities / districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ward(models.Model):
    """A commune-level unit (phường, xã or thị trấn): where households are reviewed and recognised.

    Wards and townships use the urban poverty lines, communes the rural ones
    (Decision 59/2015/QĐ-TTg Art. 1; REFERENCE.md §1.5).
    """

    class Kind(models.TextChoices):
        WARD = "ward", _("Ward")
        COMMUNE = "commune", _("Commune")
        TOWNSHIP = "township", _("Township")

    AREA_BY_KIND = {Kind.WARD: Area.URBAN, Kind.TOWNSHIP: Area.URBAN, Kind.COMMUNE: Area.RURAL}

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="wards", verbose_name=_("city / district")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_folded = models.CharField(max_length=100, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("ward / commune")
        verbose_name_plural = _("wards / communes")
        ordering = ["display_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="ward_name_unique_in_district"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    def clean(self) -> None:
        self.name_folded = fold_text(self.name)

    @property
    def area(self) -> Area:
        return self.AREA_BY_KIND[self.Kind(self.kind)]


class Quarter(models.Model):
    """A quarter (khu phố) of a ward or a hamlet (thôn) of a commune."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("Quarter")
        HAMLET = "hamlet", _("Hamlet")

    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="quarters", verbose_name=_("ward / commune")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("quarter / hamlet")
        verbose_name_plural = _("quarters / hamlets")
        ordering = ["ward__display_order", "display_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "name"], name="quarter_name_unique_in_ward"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.ward}"


# --- Users ---------------------------------------------------------------------------------


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

    class Meta(AbstractUser.Meta):
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


# --- Reference lists -----------------------------------------------------------------------


class CodedLabel(models.Model):
    """A short, admin-editable code list (the official lists are UNCONFIRMED: REFERENCE §3.6)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["display_order", "code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "vi").startswith("en"):
            return self.name_en
        return self.name


class PovertyCause(CodedLabel):
    class Meta(CodedLabel.Meta):
        verbose_name = _("cause of poverty")
        verbose_name_plural = _("causes of poverty")


class SupportNeed(CodedLabel):
    class Meta(CodedLabel.Meta):
        verbose_name = _("support need")
        verbose_name_plural = _("support needs")


# --- Households and members ----------------------------------------------------------------

household_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
    _("Use letters, digits and . _ / - only, e.g. DT-0001."),
)
phone_validator = RegexValidator(
    r"^(\+84|0)[0-9]{8,10}$", _("Enter a Vietnamese phone number, e.g. 0912345678.")
)
national_id_validator = RegexValidator(
    r"^([0-9]{9}|[0-9]{12})$",
    _("A national ID number has 9 digits (CMND) or 12 digits (CCCD)."),
)


class HouseholdQuerySet(models.QuerySet["Household"]):
    def visible_to(self, user: Any) -> HouseholdQuerySet:
        """The one place that decides whose households a user may see (STYLE.md §3).

        Administrators and the city Labour department see every ward; a ward or commune
        officer sees their own ward; anyone else sees nothing until given a scope.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or user.role in (User.Role.ADMIN, User.Role.CITY_REVIEWER):
            return self
        if user.role == User.Role.WARD_OFFICER and user.ward_id:
            return self.filter(ward_id=user.ward_id)
        return self.none()

    def search(self, term: str) -> HouseholdQuerySet:
        """Accent-insensitive search over head and member names, household codes and ID numbers."""
        condition = folded_search_q(
            term,
            folded_fields=["head_name_folded", "members__full_name_folded"],
            exact_fields=["code", "members__national_id"],
        )
        return self if condition is None else self.filter(condition).distinct()


class MemberQuerySet(models.QuerySet["Member"]):
    def search(self, term: str) -> MemberQuerySet:
        condition = folded_search_q(
            term, folded_fields=["full_name_folded"], exact_fields=["national_id"]
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
    head_name_folded = models.CharField(max_length=100, editable=False, db_index=True)
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

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["ward__display_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "code"],
                name="household_code_unique_in_ward",
                violation_error_message=_("This household code is already used in this ward."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.head_name}"

    def clean(self) -> None:
        self.head_name = " ".join(self.head_name.split())
        self.head_name_folded = fold_text(self.head_name)
        if self.quarter_id and self.ward_id and self.quarter.ward_id != self.ward_id:
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
    full_name_folded = models.CharField(max_length=100, editable=False, db_index=True)
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
        self.full_name_folded = fold_text(self.full_name)
        if self.national_id == "":
            self.national_id = None
        today = timezone.localdate()
        errors: dict[str, str] = {}
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


# --- Review rounds and assessments ---------------------------------------------------------


class PovertyStatus(models.TextChoices):
    """The engine's statuses (`households.classification.Status`), labels from the engine."""

    POOR = Status.POOR.value, Status.POOR.label
    NEAR_POOR = Status.NEAR_POOR.value, Status.NEAR_POOR.label
    AVERAGE_LIVING = Status.AVERAGE_LIVING.value, Status.AVERAGE_LIVING.label
    NOT_POOR = Status.NOT_POOR.value, Status.NOT_POOR.label


class PoorGroupChoice(models.TextChoices):
    N1 = PoorGroup.N1.value, PoorGroup.N1.label
    N2 = PoorGroup.N2.value, PoorGroup.N2.label


class AreaChoice(models.TextChoices):
    URBAN = Area.URBAN.value, Area.URBAN.label
    RURAL = Area.RURAL.value, Area.RURAL.label


_INDICATOR_LABELS = {i.key: i.label for i in STANDARDS[DEFAULT_STANDARD].indicators}


def _standard_choices() -> list[tuple[str, Any]]:
    return [(code, standard.name) for code, standard in STANDARDS.items()]


class ReviewRound(models.Model):
    """A review round (kỳ rà soát), Circular 17/2016/TT-BLĐTBXH Art. 4.

    Periodic reviews run once a year from 1 September to 31 December; ad-hoc reviews are
    opened when households ask to be added or recognised as having escaped poverty.
    Ages and card validity are judged on `reference_date`.
    """

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Periodic review")
        AD_HOC = "ad_hoc", _("Ad-hoc review")

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2016), MaxValueValidator(2100)]
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERIODIC)
    name = models.CharField(_("name"), max_length=200)
    standard = models.CharField(_("poverty standard"), max_length=20, choices=_standard_choices)
    reference_date = models.DateField(
        _("reference date"), help_text=_("Ages and health-insurance cards are judged on this date.")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-year", "kind", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(kind="periodic"),
                name="one_periodic_round_per_year",
                violation_error_message=_("There is already a periodic review for this year."),
            ),
            models.UniqueConstraint(fields=["name"], name="review_round_name_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="review_round_ends_after_start",
                violation_error_message=_("The round cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        standard = STANDARDS.get(self.standard)
        if standard is None or self.year is None:
            return
        last_year = standard.valid_to.year if standard.valid_to else 9999
        if not standard.valid_from.year <= self.year <= last_year:
            raise ValidationError(
                {"standard": _("This poverty standard does not apply in the chosen year.")}
            )


class Assessment(models.Model):
    """One household's review in one round: the survey, and the result the engine gave.

    The result fields (status, poor group, deprivation count, explanation) are written only by
    `households.services.assessment_save`, which calls `households.classification.classify`.
    """

    class HouseholdType(models.TextChoices):
        """The three kinds of poor household in Plan 221/KH-UBND (2017), section III.2.3."""

        SOCIAL_ASSISTANCE = "social_assistance", _("Needs social assistance")
        LACKS_MEANS = "lacks_means", _("Has labour but lacks capital, skills or work")
        NEEDS_PERSUASION = "needs_persuasion", _("Needs persuasion and education")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("household")
    )
    round = models.ForeignKey(
        ReviewRound,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("review round"),
    )
    income_per_capita = models.PositiveBigIntegerField(
        _("income per person per month (VND)"),
        validators=[
            MinValueValidator(0, _("Income cannot be negative.")),
            MaxValueValidator(1_000_000_000, _("Income looks wrong: more than 1 billion đồng.")),
        ],
    )

    # The ten deprivation indicators of Decision 59/2015/QĐ-TTg: field names are the engine's
    # keys and labels its official wording.
    health_access = models.BooleanField(_INDICATOR_LABELS["health_access"], default=False)
    health_insurance = models.BooleanField(_INDICATOR_LABELS["health_insurance"], default=False)
    adult_education = models.BooleanField(_INDICATOR_LABELS["adult_education"], default=False)
    child_school_attendance = models.BooleanField(
        _INDICATOR_LABELS["child_school_attendance"], default=False
    )
    housing_quality = models.BooleanField(_INDICATOR_LABELS["housing_quality"], default=False)
    housing_area = models.BooleanField(_INDICATOR_LABELS["housing_area"], default=False)
    water_source = models.BooleanField(_INDICATOR_LABELS["water_source"], default=False)
    sanitation = models.BooleanField(_INDICATOR_LABELS["sanitation"], default=False)
    telecom = models.BooleanField(_INDICATOR_LABELS["telecom"], default=False)
    information_assets = models.BooleanField(_INDICATOR_LABELS["information_assets"], default=False)
    derived_reasons = models.JSONField(
        _("indicators derived from the roster"), default=dict, blank=True, editable=False
    )

    status = models.CharField(
        _("status"), max_length=20, choices=PovertyStatus.choices, editable=False
    )
    poor_group = models.CharField(
        _("poor group"), max_length=2, choices=PoorGroupChoice.choices, blank=True, editable=False
    )
    deprivation_count = models.PositiveSmallIntegerField(
        _("deprived indicators"), default=0, editable=False
    )
    area = models.CharField(_("area"), max_length=5, choices=AreaChoice.choices, editable=False)
    explanation = models.TextField(_("why"), editable=False)

    household_type = models.CharField(
        _("household type"), max_length=20, choices=HouseholdType.choices, blank=True
    )
    causes = models.ManyToManyField(
        PovertyCause, blank=True, related_name="assessments", verbose_name=_("causes of poverty")
    )
    needs = models.ManyToManyField(
        SupportNeed, blank=True, related_name="assessments", verbose_name=_("support needs")
    )
    expected_to_escape = models.BooleanField(
        _("expected to escape poverty this year"), default=False
    )
    notes = models.TextField(_("notes"), blank=True)

    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-round__year", "household"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "round"],
                name="one_assessment_per_household_per_round",
                violation_error_message=_("This household is already assessed in this round."),
            ),
            models.CheckConstraint(
                condition=Q(deprivation_count__lte=10), name="assessment_deprivation_count_range"
            ),
            models.CheckConstraint(
                condition=(Q(status="poor") & Q(poor_group__in=["N1", "N2"]))
                | (~Q(status="poor") & Q(poor_group="")),
                name="assessment_poor_group_iff_poor",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PovertyStatus.values), name="assessment_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["round", "status", "poor_group"])]

    def __str__(self) -> str:
        return f"{self.household} – {self.round}"

    @property
    def deprivations(self) -> frozenset[str]:
        from households.classification import get_standard

        keys = get_standard(self.round.standard).indicator_keys
        return frozenset(key for key in keys if getattr(self, key))
