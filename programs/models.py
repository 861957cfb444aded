"""Steering Committee, agencies, support programmes, benefits, loans, training and targets.

Plan 221/KH-UBND (2017) sections II–IV: who does what (agencies and committee members), what
poor and near-poor households are entitled to (programmes, REFERENCE.md §4), what they received
(benefits and loans), and the plan's targets per ward. Rules live in `programs.eligibility`
(pure) and every write in `programs.services`.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.models import Household, Member, User, Ward


class Agency(models.Model):
    """A city department, the Social Policy Bank branch, a mass organisation or a ward's
    People's Committee, with its share of the plan (section IV)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("City department")
        BANK = "bank", _("Bank")
        ORGANISATION = "organisation", _("Fatherland Front and mass organisations")
        PEOPLES_COMMITTEE = "committee", _("Ward and commune People's Committees")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    responsibilities = models.TextField(_("responsibilities in the plan"), blank=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    """A member of a poverty-reduction Steering Committee (Ban Chỉ đạo), city or ward level.

    Each is assigned wards to follow (địa bàn phụ trách) and households to manage (cán bộ
    quản lý hộ, `HouseholdAssignment`). With a `user`, they sign in and see exactly those.
    """

    class Level(models.TextChoices):
        CITY = "city", _("City Steering Committee")
        WARD = "ward", _("Ward / commune Steering Committee")

    full_name = models.CharField(_("full name"), max_length=100)
    position = models.CharField(_("position"), max_length=200)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_members",
        verbose_name=_("agency"),
    )
    level = models.CharField(_("level"), max_length=4, choices=Level.choices)
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_members",
        verbose_name=_("committee of ward / commune"),
    )
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    user = models.OneToOneField(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="committee_member",
        verbose_name=_("login account"),
    )
    assigned_wards = models.ManyToManyField(
        Ward, blank=True, related_name="followed_by", verbose_name=_("wards followed")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Steering Committee member")
        verbose_name_plural = _("Steering Committee members")
        ordering = ["level", "ward__display_order", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="ward") & Q(ward__isnull=False))
                | (Q(level="city") & Q(ward__isnull=True)),
                name="committee_member_ward_iff_ward_level",
                violation_error_message=_(
                    "A ward committee member needs the ward; a city member has none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} – {self.position}"


class HouseholdAssignment(models.Model):
    """The committee member who manages a household (cán bộ quản lý hộ): one per household."""

    household = models.OneToOneField(
        Household,
        on_delete=models.CASCADE,
        related_name="assignment",
        verbose_name=_("household"),
    )
    member = models.ForeignKey(
        CommitteeMember,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("assigned officer"),
    )
    since = models.DateField(_("since"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    history = HistoricalRecords(verbose_name=_("historical household assignment"))

    class Meta:
        verbose_name = _("household assignment")
        verbose_name_plural = _("household assignments")

    def __str__(self) -> str:
        return f"{self.household} → {self.member}"


# The programmes whose delivery is a health-insurance card: recording one records the card on
# the member (`programs.services.benefit_record`), and the card's facts say who still needs one.
HEALTH_INSURANCE_CARD_PROGRAMMES = ("bhyt-ngheo", "bhyt-can-ngheo")


class Programme(models.Model):
    """A support policy or programme households or their members can receive (REFERENCE §4).

    Who is eligible, and the usual amount, are the programme's dated rules (`ProgrammeRule`),
    judged by `programs.eligibility` on the day of each delivery. `eligible_statuses`, the ages,
    `pupils_only` and `default_amount` here only mirror the latest rule (kept in step by
    `programs.services.programme_rule_add`) for code that asks "who does this agency serve
    today"; no eligibility decision reads them.
    """

    class Level(models.TextChoices):
        HOUSEHOLD = "household", _("Household")
        MEMBER = "member", _("Member")

    class Unit(models.TextChoices):
        VND = "vnd", _("đồng")
        CARD = "card", _("card")
        COURSE = "course", _("course")
        LOAN = "loan", _("loan")
        MONTH = "month", _("month of allowance")
        VISIT = "visit", _("visit / case")
        JOB = "job", _("job placement")
        ITEM = "item", _("item")

    class Status(models.TextChoices):
        """Who a programme is for: the engine's statuses plus "escaped within 3 years"."""

        POOR = "poor", _("Poor household")
        NEAR_POOR = "near_poor", _("Near-poor household")
        ESCAPED = "escaped", _("Household that recently escaped poverty")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("agency")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(_("given to"), max_length=10, choices=Level.choices)
    eligible_statuses = models.JSONField(
        _("eligible households"),
        default=list,
        help_text=_('Any of "poor", "near_poor", "escaped".'),
    )
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("up to age"), null=True, blank=True)
    pupils_only = models.BooleanField(_("pupils and students only"), default=False)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    default_amount = models.PositiveBigIntegerField(_("usual amount (VND)"), null=True, blank=True)
    is_credit = models.BooleanField(
        _("preferential credit"),
        default=False,
        help_text=_("Deliveries are loans with a term, a balance and checks on their use."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("support programme")
        verbose_name_plural = _("support programmes")
        ordering = ["display_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(max_age__gte=models.F("min_age")),
                name="programme_age_range_ordered",
                violation_error_message=_("The upper age cannot be below the lower age."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def gives_health_insurance_card(self) -> bool:
        return self.code in HEALTH_INSURANCE_CARD_PROGRAMMES


class ProgrammeRule(models.Model):
    """Who may receive a programme, and its usual amount, from `valid_from` to `valid_to`.

    A change of policy is a new rule starting on the day it applies, never an edit of an old
    one (`programs.services.programme_rule_add` closes the previous rule the day before), so a
    delivery is always judged by the rule in force on its own date. The rules of a programme
    never overlap (`clean`).
    """

    class Area(models.TextChoices):
        ANY = "any", _("Urban and rural")
        URBAN = "urban", _("Urban wards only")
        RURAL = "rural", _("Rural communes only")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="rules", verbose_name=_("programme")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("The last day the rule applies; empty while it is in force."),
    )
    any_household = models.BooleanField(
        _("any household"),
        default=False,
        help_text=_("Not tied to poverty status: any household may receive it."),
    )
    eligible_statuses = models.JSONField(
        _("eligible households"),
        default=list,
        blank=True,
        help_text=_('Any of "poor", "near_poor", "escaped".'),
    )
    also_social_protection = models.BooleanField(
        _("also social-protection households"),
        default=False,
        help_text=_("Households with a member on a monthly social-assistance allowance."),
    )
    area = models.CharField(_("area"), max_length=5, choices=Area.choices, default=Area.ANY)
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("up to age"), null=True, blank=True)
    pupils_only = models.BooleanField(_("pupils and students only"), default=False)
    amount = models.PositiveBigIntegerField(_("usual amount (VND)"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    note = models.TextField(
        _("note"), blank=True, help_text=_("The source, what is not confirmed, what is checked.")
    )

    history = HistoricalRecords(verbose_name=_("historical programme rule"))

    class Meta:
        verbose_name = _("programme rule")
        verbose_name_plural = _("programme rules")
        ordering = ["programme", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "valid_from"],
                name="programme_rule_one_per_start",
                violation_error_message=_("This programme already has a rule from this day."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="programme_rule_dates_ordered",
                violation_error_message=_("A rule cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(max_age__gte=models.F("min_age")),
                name="programme_rule_age_range_ordered",
                violation_error_message=_("The upper age cannot be below the lower age."),
            ),
        ]

    def __str__(self) -> str:
        end = f"{self.valid_to:%d/%m/%Y}" if self.valid_to else "…"
        return f"{self.programme} ({self.valid_from:%d/%m/%Y} – {end})"

    def clean(self) -> None:
        self.clean_rule()
        self.clean_overlap()

    def clean_rule(self) -> None:
        """Who the rule is for makes sense."""
        statuses = self.eligible_statuses
        if not isinstance(statuses, list) or not set(statuses) <= set(Programme.Status.values):
            raise ValidationError(
                {"eligible_statuses": _('List any of "poor", "near_poor", "escaped".')}
            )
        if self.any_household and (statuses or self.also_social_protection):
            raise ValidationError(
                {
                    "any_household": _(
                        "A rule for any household lists no statuses and no social-protection "
                        "condition."
                    )
                }
            )
        if not (self.any_household or statuses or self.also_social_protection):
            raise ValidationError(
                {"eligible_statuses": _('Say who is eligible, or tick "any household".')}
            )

    def clean_overlap(self) -> None:
        """The rules of a programme never overlap."""
        if self.programme_id is None or self.valid_from is None:
            return
        overlapping = ProgrammeRule.objects.filter(programme_id=self.programme_id).exclude(
            pk=self.pk
        )
        overlapping = overlapping.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
        )
        if self.valid_to is not None:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        clash = overlapping.order_by("valid_from").first()
        if clash is not None:
            raise ValidationError(
                {
                    "valid_from": _(
                        "These dates overlap the rule valid from %(date)s: end that rule first."
                    )
                    % {"date": f"{clash.valid_from:%d/%m/%Y}"}
                }
            )

    def in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Benefit(models.Model):
    """One delivery of a programme to a household or one of its members.

    Written only by `programs.services.benefit_record`, which checks eligibility and refuses an
    ineligible delivery unless `override_reason` says why it is given anyway.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("programme")
    )
    # Protected: what an agency delivered is never deleted with a member or household.
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="benefits", verbose_name=_("household")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benefits",
        verbose_name=_("member"),
    )
    # The ward or commune the benefit was given in: the household's unit on its date
    # (`households.units.made_in`), kept when the household moves or its unit is merged.
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        related_name="benefits",
        verbose_name=_("ward / commune"),
        editable=False,
    )
    date = models.DateField(_("date"))
    amount = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("Decision or loan number.")
    )
    note = models.TextField(_("note"), blank=True)
    override_reason = models.TextField(_("reason for giving it although not eligible"), blank=True)
    recorded_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("historical benefit"))

    class Meta:
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=False) | Q(quantity__isnull=False),
                name="benefit_has_amount_or_quantity",
                violation_error_message=_("Enter the amount or the quantity."),
            ),
        ]
        indexes = [models.Index(fields=["programme", "date"], name="benefit_programme_date_idx")]

    def __str__(self) -> str:
        return f"{self.programme} – {self.household} ({self.date:%d/%m/%Y})"


class Loan(models.Model):
    """The loan behind a credit benefit (Social Policy Bank): the plan asks that its use be
    checked and overdue debt kept down (section IV.2). The benefit's amount is the principal
    and its date the disbursement date."""

    benefit = models.OneToOneField(
        Benefit, on_delete=models.CASCADE, related_name="loan", verbose_name=_("benefit")
    )
    purpose = models.CharField(_("purpose"), max_length=255)
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(360)]
    )
    # The benefit's date (the disbursement) and that date plus the term
    # (`programs.loan_status.due_date`), set when the loan is recorded (a benefit's date is never
    # changed after): stored so the overdue-loans worklist filters and sorts on the loan alone.
    disbursed_on = models.DateField(_("disbursed on"))
    due_on = models.DateField(_("due on"))
    outstanding = models.PositiveBigIntegerField(_("outstanding balance (VND)"))
    is_overdue = models.BooleanField(_("overdue"), default=False)
    balance_on = models.DateField(_("balance as of"), null=True, blank=True)

    history = HistoricalRecords(verbose_name=_("historical loan"))

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")

    def __str__(self) -> str:
        return str(self.benefit)


class LoanCheck(models.Model):
    """A check of how a loan is used (kiểm tra sử dụng vốn vay)."""

    loan = models.ForeignKey(
        Loan, on_delete=models.CASCADE, related_name="checks", verbose_name=_("loan")
    )
    checked_on = models.DateField(_("checked on"))
    used_as_intended = models.BooleanField(_("used as intended"))
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )

    class Meta:
        verbose_name = _("loan check")
        verbose_name_plural = _("loan checks")
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.loan} – {self.checked_on:%d/%m/%Y}"


class Training(models.Model):
    """A training course for the officers who work on poverty reduction (target: 100%)."""

    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=255)
    organiser = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="trainings",
        verbose_name=_("organiser"),
    )
    location = models.CharField(_("location"), max_length=255, blank=True)
    attendees: models.ManyToManyField[User, TrainingAttendance] = models.ManyToManyField(
        User,
        through="TrainingAttendance",
        related_name="trainings",
        verbose_name=_("attendees"),
    )

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["-date", "topic"]

    def __str__(self) -> str:
        return f"{self.topic} ({self.date:%d/%m/%Y})"


class TrainingAttendance(models.Model):
    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("course")
    )
    officer = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("officer")
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["training", "officer"],
                name="attendance_once_per_course",
                violation_error_message=_("This officer is already listed for this course."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer} – {self.training}"


class WardTarget(models.Model):
    """A ward's plan for a year: households to escape poverty, the reduction of its poor rate,
    and the total number of households (the denominator of the rate, entered by the city)."""

    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="targets", verbose_name=_("ward / commune")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2016), MaxValueValidator(2100)]
    )
    households_to_escape = models.PositiveIntegerField(_("households planned to escape poverty"))
    rate_reduction_min = models.DecimalField(
        _("poor rate to fall by at least (points)"),
        max_digits=4,
        decimal_places=2,
        default=0.2,
        validators=[MinValueValidator(0)],
    )
    rate_reduction_max = models.DecimalField(
        _("poor rate to fall by up to (points)"),
        max_digits=4,
        decimal_places=2,
        default=0.3,
        validators=[MinValueValidator(0)],
    )
    total_households = models.PositiveIntegerField(
        _("total households in the ward"),
        help_text=_("All households living in the ward this year, poor or not."),
    )

    class Meta:
        verbose_name = _("ward target")
        verbose_name_plural = _("ward targets")
        ordering = ["-year", "ward__display_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "year"],
                name="one_target_per_ward_per_year",
                violation_error_message=_("This ward already has targets for this year."),
            ),
            models.CheckConstraint(
                condition=Q(rate_reduction_max__gte=models.F("rate_reduction_min")),
                name="target_rate_range_ordered",
                violation_error_message=_("The upper reduction cannot be below the lower one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ward} – {self.year}"
