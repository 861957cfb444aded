"""Review rounds and the assessment of each household in a round."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.formatting import format_vnd
from households import review_rules
from households.classification import Area, PoorGroup, Status, get_standard, standards
from households.models.reference import PovertyCause, SupportNeed
from households.models.registry import Household
from households.models.users import User
from households.phieu import B1Score, IncomeBand, score_b1

# The most people a quarter / hamlet community meeting can plausibly have (UNCONFIRMED default).
MEETING_ATTENDANCE_MAX = 2000


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


# The columns an assessment records deprivations in: every indicator of every standard names
# one (`StandardIndicator.key`, checked by a constraint there). See `Assessment`.
DEPRIVATION_COLUMNS = (
    "health_access",
    "health_insurance",
    "adult_education",
    "child_school_attendance",
    "housing_quality",
    "housing_area",
    "water_source",
    "sanitation",
    "telecom",
    "information_assets",
    "employment",
    "dependants",
    "nutrition",
)


def _standard_choices() -> list[tuple[str, Any]]:
    """The standards of the database (`households.standards`), for forms."""
    return [(code, standard.name) for code, standard in standards().items()]


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
    # The code of a `Standard`; its choices are read from the database by the forms
    # (`_standard_choices`), not declared here: the system checks would read them before
    # `migrate` has made the table. `clean` refuses an unknown code.
    standard = models.CharField(_("poverty standard"), max_length=20)
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
        if not self.standard:
            return
        try:
            standard = get_standard(self.standard)
        except ValueError:
            raise ValidationError(
                {"standard": _("Choose a poverty standard from the list.")}
            ) from None
        if self.year is None:
            return
        last_year = standard.valid_to.year if standard.valid_to else 9999
        if not standard.valid_from.year <= self.year <= last_year:
            raise ValidationError(
                {"standard": _("This poverty standard does not apply in the chosen year.")}
            )
        if self.kind == self.Kind.AD_HOC:
            problems = review_rules.adhoc_round_problems(
                year=self.year,
                reference_date=self.reference_date,
                starts_on=self.starts_on,
                ends_on=self.ends_on,
            )
            if problems:
                raise ValidationError(problems)


class ReviewState(models.TextChoices):
    """Where an assessment stands in the review of Circular 17/2016/TT-BLĐTBXH (REFERENCE §3.3).

    The officer drafts and submits; the community meeting (họp dân) reviews it; the list is
    posted publicly (niêm yết); the ward chairman's decision recognises it, or it is returned
    with a reason and goes back to the officer.
    """

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    MEETING_HELD = "meeting_held", _("Community meeting held")
    POSTED = "posted", _("Publicly posted")
    RECOGNISED = "recognised", _("Recognised")
    RETURNED = "returned", _("Returned")


# The officer may change the survey only in these states; anything later goes through review.
EDITABLE_STATES = frozenset({ReviewState.DRAFT, ReviewState.RETURNED})


class RequestKind(models.TextChoices):
    """Why an ad-hoc review (rà soát thường xuyên, Circular 17 Art. 4) was opened."""

    ADDITION = "addition", _("Household asks to be added to the list")
    ESCAPE = "escape", _("Household asks to be recognised as having escaped poverty")
    CORRECTION = "correction", _("Correction of a recognised assessment")


class IncomeRoute(models.TextChoices):
    """How a survey places the household's income (Circular 17/2016, REFERENCE.md §3.3–3.4)."""

    TYPED = "typed", _("Income typed by the officer")
    PHIEU_B = "phieu_b", _("Estimated by the Phiếu B1 score")
    PHIEU_A = "phieu_a", _("Screened out by Phiếu A")


class IncomeBandChoice(models.TextChoices):
    AT_OR_BELOW_POVERTY_LINE = (
        IncomeBand.AT_OR_BELOW_POVERTY_LINE.value,
        IncomeBand.AT_OR_BELOW_POVERTY_LINE.label,
    )
    BETWEEN_LINES = IncomeBand.BETWEEN_LINES.value, IncomeBand.BETWEEN_LINES.label
    ABOVE = IncomeBand.ABOVE.value, IncomeBand.ABOVE.label


def income_text(*, route: str, income: int | None, b1_score: int | None, b1_band: str) -> str:
    """A result's income as every list, export and print shows it: the typed income in đồng,
    else the route that placed it ("Phiếu B1: 165 điểm – trên các chuẩn", "Phiếu A: loại khỏi
    rà soát"); "—" when there is none. The one wording: callers pass the row's four values."""
    if route == IncomeRoute.PHIEU_B and b1_score is not None:
        band = IncomeBand(b1_band).short_label if b1_band else IncomeBand.UNDETERMINED.short_label
        return gettext("Phiếu B1: %(score)s points – %(band)s") % {"score": b1_score, "band": band}
    if route == IncomeRoute.PHIEU_A:
        return gettext("Phiếu A: screened out of the review")
    return "—" if income is None else format_vnd(income)


def minutes_upload_path(instance: Assessment, filename: str) -> str:
    return f"minutes/{instance.round.year}/{instance.household.ward.code}/{filename}"


class Assessment(models.Model):
    """One household's review in one round: the survey, and the result the engine gave.

    Deprivations are one boolean column per indicator concept (`DEPRIVATION_COLUMNS`), shared
    by every standard that measures it: 2016–2020's ten, and the three 2022–2025 added
    (employment, dependants, nutrition); the other nine of 2022–2025 measure the same thing as
    a 2016–2020 indicator and reuse its column, with the wording and threshold of the round's
    standard (`StandardIndicator`). A column stays False on an assessment whose standard does
    not have that indicator, so a count over several standards needs no condition on the
    standard. Only the indicators of the round's standard are counted (`deprivation_count`)
    and shown. A standard measuring a new concept adds a column here and in its migration.

    The result fields (status, poor group, deprivation count, explanation) are written only by
    `households.services.assessment_save`, which calls `households.classification.classify`.
    The review fields (state, meeting, posting, decision) are written only by the review
    services in `households.services.review`.
    """

    class HouseholdType(models.TextChoices):
        """The three kinds of poor household in Plan 221/KH-UBND (2017), section III.2.3."""

        SOCIAL_ASSISTANCE = "social_assistance", _("Needs social assistance")
        LACKS_MEANS = "lacks_means", _("Has labour but lacks capital, skills or work")
        NEEDS_PERSUASION = "needs_persuasion", _("Needs persuasion and education")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("household")
    )
    round = models.ForeignKey(
        ReviewRound,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("review round"),
    )
    # The ward or commune the household belonged to when it was assessed: a household that
    # moves keeps its earlier results in the unit that recognised them.
    ward = models.ForeignKey(
        "households.Ward",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("ward / commune"),
        editable=False,
    )
    # The typed income: none when the survey estimated it by Phiếu B1 or Phiếu A screened
    # the household out (`income_route`).
    income_per_capita = models.PositiveBigIntegerField(
        _("income per person per month (VND)"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, _("Income cannot be negative.")),
            MaxValueValidator(1_000_000_000, _("Income looks wrong: more than 1 billion đồng.")),
        ],
    )
    income_route = models.CharField(
        _("income from"), max_length=10, choices=IncomeRoute.choices, default=IncomeRoute.TYPED
    )
    # Phiếu B1: the answer chosen per item of the standard's table for the area
    # ({item key: option key}, `households.phieu`), the score and the band it gave.
    b1_answers = models.JSONField(_("Phiếu B1 answers"), default=dict, blank=True)
    b1_score = models.PositiveSmallIntegerField(
        _("B1 score"), null=True, blank=True, editable=False
    )
    b1_band = models.CharField(
        _("income band by B1"),
        max_length=30,
        choices=IncomeBandChoice.choices,
        blank=True,
        editable=False,
    )
    # Phiếu A: the keys of the screening criteria the household meets (any one screens it out).
    screened_out = models.JSONField(_("Phiếu A criteria met"), default=list, blank=True)

    # The deprivation indicators (`DEPRIVATION_COLUMNS`): field names are the indicator keys;
    # the wording shown is the round's standard's, these names only label the columns.
    health_access = models.BooleanField(_("Access to health services"), default=False)
    health_insurance = models.BooleanField(_("Health insurance"), default=False)
    adult_education = models.BooleanField(_("Adult education level"), default=False)
    child_school_attendance = models.BooleanField(_("School attendance of children"), default=False)
    housing_quality = models.BooleanField(_("Housing quality"), default=False)
    housing_area = models.BooleanField(_("Housing area per person"), default=False)
    water_source = models.BooleanField(_("Domestic water source"), default=False)
    sanitation = models.BooleanField(_("Hygienic latrine"), default=False)
    telecom = models.BooleanField(_("Use of telecommunication services"), default=False)
    information_assets = models.BooleanField(_("Assets for access to information"), default=False)
    # Added by the 2022–2025 standard (Decree 07/2021/NĐ-CP, REFERENCE.md §7).
    employment = models.BooleanField(_("Employment"), default=False)
    dependants = models.BooleanField(_("Dependants in the household"), default=False)
    nutrition = models.BooleanField(_("Nutrition"), default=False)
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

    # Ad-hoc reviews only: what the household asked for, when, and what it corrects.
    request_kind = models.CharField(
        _("request"), max_length=12, choices=RequestKind.choices, blank=True
    )
    request_date = models.DateField(_("request received on"), null=True, blank=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects the assessment"),
    )

    # The review (Circular 17/2016), in the order it happens.
    state = models.CharField(
        _("review state"),
        max_length=12,
        choices=ReviewState.choices,
        default=ReviewState.DRAFT,
        editable=False,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    meeting_date = models.DateField(_("community meeting date"), null=True, blank=True)
    meeting_attendance = models.PositiveSmallIntegerField(
        _("people attending"),
        null=True,
        blank=True,
        validators=[
            MaxValueValidator(
                MEETING_ATTENDANCE_MAX,
                _("A community meeting of more than %(limit_value)s people is not plausible."),
            )
        ],
    )
    meeting_agreement_percent = models.PositiveSmallIntegerField(
        _("share agreeing (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100, _("A share cannot exceed 100%."))],
    )
    meeting_minutes = models.TextField(_("meeting minutes"), blank=True)
    meeting_minutes_file = models.FileField(
        _("minutes file"), upload_to=minutes_upload_path, blank=True, max_length=255
    )
    posted_from = models.DateField(_("posted from"), null=True, blank=True)
    posted_to = models.DateField(_("posted until"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_signer = models.CharField(
        _("signed by"),
        max_length=100,
        blank=True,
        help_text=_("The ward / commune People's Committee chairman (or deputy) who signed."),
    )
    # When the recognised result takes effect (`households.standing.effective_date`): set with
    # the decision, read by every figure through `households.standing`.
    effective_from = models.DateField(
        _("in effect from"), null=True, blank=True, editable=False, db_index=True
    )
    return_reason = models.TextField(_("reason returned"), blank=True)
    # Optimistic locking: each save checks and bumps it, so a stale form cannot overwrite.
    version = models.PositiveIntegerField(default=1, editable=False)

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

    history = HistoricalRecords(
        excluded_fields=["updated_at", "version", "derived_reasons"],
        m2m_fields=[causes, needs],
        verbose_name=_("historical assessment"),
    )

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
                condition=Q(meeting_attendance__lte=MEETING_ATTENDANCE_MAX),
                name="assessment_meeting_attendance_range",
                violation_error_message=_("The number of people attending is too large."),
            ),
            models.CheckConstraint(
                condition=Q(deprivation_count__lte=len(DEPRIVATION_COLUMNS)),
                name="assessment_deprivation_count_range",
            ),
            # Only a poor household has a group, N1 or N2; a standard of the Decree 07/2021
            # rule gives none (the engine decides which, by the standard's rule).
            models.CheckConstraint(
                condition=(Q(status="poor") & Q(poor_group__in=["N1", "N2"])) | Q(poor_group=""),
                name="assessment_poor_group_only_if_poor",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PovertyStatus.values), name="assessment_status_valid"
            ),
            # The income comes from one route: typed, scored by Phiếu B1, or not needed.
            models.CheckConstraint(
                condition=Q(income_route=IncomeRoute.TYPED, income_per_capita__isnull=False)
                | Q(
                    income_route=IncomeRoute.PHIEU_B,
                    income_per_capita__isnull=True,
                    b1_score__isnull=False,
                )
                | Q(income_route=IncomeRoute.PHIEU_A, income_per_capita__isnull=True),
                name="assessment_income_route_complete",
            ),
            models.CheckConstraint(
                condition=Q(income_route=IncomeRoute.PHIEU_B)
                | Q(b1_score__isnull=True, b1_band=""),
                name="assessment_b1_score_only_on_phieu_b",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReviewState.values), name="assessment_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="recognised")
                | (~Q(decision_number="") & Q(decision_date__isnull=False)),
                name="recognised_assessment_has_decision",
            ),
            models.CheckConstraint(
                condition=~Q(state="recognised") | Q(effective_from__isnull=False),
                name="recognised_assessment_in_effect",
                violation_error_message=_("A recognised result needs the day it takes effect."),
            ),
            models.CheckConstraint(
                condition=Q(meeting_agreement_percent__isnull=True)
                | Q(meeting_agreement_percent__lte=100),
                name="assessment_agreement_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(posted_to__isnull=True)
                | Q(posted_from__isnull=True)
                | Q(posted_to__gte=models.F("posted_from")),
                name="assessment_posting_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "status", "poor_group"]),
            # The household list's row of a round, read without the wide table (issue 11).
            models.Index(
                fields=["round", "household"],
                include=["status", "poor_group", "income_per_capita"],
                name="assessment_round_row_idx",
            ),
            models.Index(fields=["round", "state"], name="assessment_round_state_idx"),
            models.Index(
                fields=["household", "effective_from"],
                condition=Q(state="recognised"),
                name="assessment_in_effect_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} – {self.round}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_locked(self) -> bool:
        return self.state == ReviewState.RECOGNISED

    @property
    def b1(self) -> B1Score | None:
        """The Phiếu B1 score of the answers recorded, item by item, on the round's standard's
        table for the assessment's area (None on another route or without the table)."""
        if self.income_route != IncomeRoute.PHIEU_B or not self.area:
            return None
        from households import standards

        card = standards.score_card(self.round.standard, self.area)
        try:
            return None if card is None else score_b1(card, self.b1_answers)
        except ValueError:
            return None  # the table changed since: the stored score and explanation stand

    @property
    def income_text(self) -> str:
        """The income as lists and prints show it (`income_text`)."""
        return income_text(
            route=self.income_route,
            income=self.income_per_capita,
            b1_score=self.b1_score,
            b1_band=self.b1_band,
        )

    @property
    def b2_score(self) -> int | None:
        """Phiếu B2 on the Phiếu B route: the deprivations × the table's points for each."""
        if self.income_route != IncomeRoute.PHIEU_B or not self.area:
            return None
        from households import standards

        card = standards.score_card(self.round.standard, self.area)
        return None if card is None else self.deprivation_count * card.deprivation_points

    @property
    def deprivations(self) -> frozenset[str]:
        keys = get_standard(self.round.standard).indicator_keys
        return frozenset(key for key in keys if getattr(self, key))


class ReviewEvent(models.Model):
    """One step of an assessment's review: who moved it from which state to which, and why."""

    class Action(models.TextChoices):
        CREATE = "create", _("Survey started")
        SUBMIT = "submit", _("Submitted for review")
        WITHDRAW = "withdraw", _("Withdrawn for changes")
        MEETING = "meeting", _("Community meeting recorded")
        POSTING = "posting", _("Public posting recorded")
        RECOGNISE = "recognise", _("Recognised by decision")
        RETURN = "return", _("Returned")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="events", verbose_name=_("assessment")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=12, choices=ReviewState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=ReviewState.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.assessment} – {self.get_action_display()}"
