"""Coverage worklists: for each 100% target of Plan 221/KH-UBND (2017) section II, who is
still missing (issue 4 §9).

Each list is ONE scoped queryset (subqueries and `Exists`, no per-row query) built for a year:
a household's status is its standing on the year's reference day (`households.standing`: the
recognised list in force that year — the previous year's review plus the year's ad-hoc
decisions), and deliveries are those dated in the year. The loans list is of today, whatever the
year (`programs.loan_status`: overdue, or due for a check). The columns serve both the page and the
Excel export, so both show the same thing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from giamngheo.forms import field_of
from households import standing, units
from households.cards import valid_card_q
from households.classification import STANDARDS, Area, get_standard
from households.forms.picker import PeriodPickerForm
from households.models import (
    Assessment,
    Household,
    Member,
    PovertyStatus,
    Quarter,
    SupportNeed,
    User,
    Ward,
)
from households.scope import Scope
from households.search import folded_search_q
from programs import loan_status, selectors
from programs.excel import Column, Kind
from programs.models import (
    HEALTH_INSURANCE_CARD_PROGRAMMES,
    Benefit,
    Loan,
    LoanCheck,
    Programme,
    TrainingAttendance,
)

PER_PAGE = 50

SCHOOL_PROGRAMMES = ("mien-hoc-phi", "ho-tro-chi-phi-hoc-tap")
CREDIT_NEED = "credit"
# Pupils and students of Decree 86/2015: from pre-school to university age.
PUPIL_MIN_AGE = 3
PUPIL_MAX_AGE = 22
# "At risk of falling back": income at most this share above the poverty line.
RISK_MARGIN_PERCENT = 10

ESCAPED = Programme.Status.ESCAPED.value
STATUSES_FOR_CREDIT = (PovertyStatus.POOR.value, PovertyStatus.NEAR_POOR.value, ESCAPED)


@dataclass(frozen=True)
class WorklistFilters:
    ward: Ward | None = None
    quarter: Quarter | None = None
    status: str = ""
    q: str = ""


@dataclass(frozen=True)
class WorklistColumn:
    header: str | Promise
    value: Callable[[Any], Any]
    kind: Kind = "text"
    width: int = 18
    # Shown on the page only when the user sees several wards (always in the export).
    ward_column: bool = False

    def excel(self) -> Column:
        return Column(header=str(self.header), width=self.width, kind=self.kind)


@dataclass(frozen=True)
class Worklist:
    key: str
    title: str | Promise
    target: str | Promise  # the plan's target the list serves
    description: str | Promise
    subject: str  # "member", "household", "loan" or "officer"
    statuses: tuple[str, ...]  # the statuses a row may have; more than one → a filter
    build: Callable[[Any, int], QuerySet[Any]]  # (scope, year)
    columns: tuple[WorklistColumn, ...]
    # Built for today, whatever the year asked (the loans list): no year to choose.
    as_of_today: bool = False
    # A page's rows are chosen by their ids first (the filter and the order alone, no joins:
    # PostgreSQL keeps the page in a bounded sort), then read with what they show. For a list
    # ordered by expressions of the day over every row (the loans: 72,000 at 300,000
    # households), where a sort of whole rows below the joins spilled to disk.
    ids_first: bool = False

    @property
    def links_to_household(self) -> bool:
        return self.subject != "officer"

    @property
    def household_path(self) -> str:
        """The lookup from a row to its household ("" for a household row)."""
        return {"member": "household__", "loan": "benefit__household__"}.get(self.subject, "")

    def household_id(self, row: Any) -> int | None:
        if not self.links_to_household:
            return None
        if self.subject == "member":
            return int(row.household_id)
        if self.subject == "loan":
            return int(row.benefit.household_id)
        return int(row.pk)


# --- shared pieces --------------------------------------------------------------------------


class YearStanding(TypedDict):
    """What `_with_year_standing` annotates (`households.standing.with_standing`, "year")."""

    year_id: int | None
    year_status: str | None
    year_group: str | None
    year_area: str | None
    year_ward: int | None
    year_income: int | None
    year_deprivations: int | None
    year_standard: str | None
    year_escaped: bool


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    MemberInYear = WithAnnotations[Member, YearStanding]
    HouseholdInYear = WithAnnotations[Household, YearStanding]


def _with_year_standing(qs: QuerySet[Any], year: int, ref: str) -> QuerySet[Any]:
    """Annotate the standing on the year's reference day: `year_status`, `year_group`,
    `year_income`, `year_area`, `year_deprivations`, `year_standard`, `year_escaped`, `year_id`
    (the assessment in effect; NULL when the household had no recognised result by then)."""
    return standing.with_standing(
        qs, standing.reference_day(year), prefix="year", household_ref=ref
    )


def _age_between(day: datetime.date, low: int, high: int, prefix: str = "") -> Q:
    """Members aged `low`..`high` on `day` (`programs.selectors.age_between_q`)."""
    return selectors.age_between_q(day, low, high, prefix)


def school_year(year: int) -> tuple[datetime.date, datetime.date]:
    """The school year starting in `year`: 01/09/year to 31/08/year+1."""
    return datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)


def risk_income_limits(standard_code: str) -> dict[str, int]:
    """Per area, the highest income still "within 10% of the poverty line" of the standard
    (the lines come from the engine, never from here)."""
    standard = get_standard(standard_code)
    return {
        area.value: standard.thresholds[area].poverty_line * (100 + RISK_MARGIN_PERCENT) // 100
        for area in Area
    }


def risk_deprivations(standard_code: str) -> int:
    """One deprivation short of the standard's threshold of poverty: two under Decision
    59/2015 (N2) and Decree 07/2021."""
    return get_standard(standard_code).min_deprivations - 1


# --- the lists ------------------------------------------------------------------------------


def members_in_year(scope: Scope, year: int) -> QuerySet[MemberInYear]:
    """Members of the households `scope` sees, with their household's standing in `year`;
    for a partner-agency user, the members its programmes concern (as on the household
    page)."""
    qs = Member.objects.within(scope).select_related("household__ward", "household__quarter")
    return _with_year_standing(qs, year, "household_id").order_by(
        "household__unit_order", "household__code", "pk"
    )


def _households(scope: Scope, year: int) -> QuerySet[HouseholdInYear]:
    qs = Household.objects.within(scope).select_related("ward", "quarter")
    return _with_year_standing(qs, year, "pk").order_by("unit_order", "code", "pk")


def pupil_q(year: int) -> Q:
    """Pupils and students: attending school, aged 3–22 on the year's reference day."""
    return Q(attends_school=True) & _age_between(
        standing.reference_day(year), PUPIL_MIN_AGE, PUPIL_MAX_AGE
    )


def health_insurance_gaps(scope: Scope, year: int) -> QuerySet[MemberInYear]:
    """Members of poor and near-poor households without a card valid on the year's reference
    day, and no health-insurance card recorded as a benefit in the year."""
    day = standing.reference_day(year)
    card_recorded = Benefit.objects.filter(
        member=OuterRef("pk"),
        programme__code__in=HEALTH_INSURANCE_CARD_PROGRAMMES,
        date__year=year,
    )
    return (
        members_in_year(scope, year)
        .filter(Q(year_status__in=[PovertyStatus.POOR, PovertyStatus.NEAR_POOR]))
        .exclude(valid_card_q(day))
        .exclude(Exists(card_recorded))
    )


def school_support_gaps(scope: Scope, year: int) -> QuerySet[MemberInYear]:
    """Pupils (attending school, aged 3–22 on the reference day) of poor households with no
    tuition exemption or study-cost support dated in the school year starting in the year."""
    start, end = school_year(year)
    supported = Benefit.objects.filter(
        member=OuterRef("pk"), programme__code__in=SCHOOL_PROGRAMMES, date__range=(start, end)
    )
    return (
        members_in_year(scope, year)
        .filter(year_status=PovertyStatus.POOR)
        .filter(pupil_q(year))
        .exclude(Exists(supported))
    )


def _credit_ids() -> tuple[int | None, list[int]]:
    """The credit need's id (None: no survey can ask for it) and the credit programmes' ids,
    in one query. The credit lists test them by id: joined to the needs and programmes by
    code, PostgreSQL takes them for average ones (70,000 of the 236,773 links of the credit
    need at 300,000 households; 395,000 benefits of the year for 72,000 loans), then tests each
    candidate's loans in a loop or reads every benefit of the year (credit list 1.1 s; 0.55 s
    by id, the loans hashed once from the credit programmes' own)."""
    needs = SupportNeed.objects.filter(code=CREDIT_NEED).order_by().annotate(kind=Value(0))
    programmes = Programme.objects.filter(is_credit=True).order_by().annotate(kind=Value(1))
    rows = list(
        needs.values_list("kind", "pk").union(programmes.values_list("kind", "pk"), all=True)
    )
    need = next((pk for kind, pk in rows if kind == 0), None)
    return need, [pk for kind, pk in rows if kind == 1]


def _credit_candidates(scope: Scope, year: int, need: int | None) -> QuerySet[HouseholdInYear]:
    if need is None:  # no survey can ask for credit
        return _households(scope, year).none()
    # The survey's needs read from the link table alone (no join to every assessment).
    asked = Assessment.needs.through.objects.filter(
        assessment_id=OuterRef("year_id"), supportneed_id=need
    )
    return (
        _households(scope, year)
        .filter(Exists(asked))
        .filter(standing.programme_statuses_q(STATUSES_FOR_CREDIT, prefix="year"))
    )


def credit_candidates(scope: Scope, year: int) -> QuerySet[HouseholdInYear]:
    """Poor, near-poor and newly escaped households (Decision 28/2015: `standing.escaped`)
    whose recognised survey in force asks for credit (the reports' credit denominator)."""
    need, _programmes = _credit_ids()
    return _credit_candidates(scope, year, need)


def credit_gaps(scope: Scope, year: int) -> QuerySet[HouseholdInYear]:
    """Poor, near-poor and newly escaped households whose survey in force asks for credit and
    that received no loan (a benefit of a credit programme) in the year."""
    need, programmes = _credit_ids()
    loan = Benefit.objects.filter(
        household=OuterRef("pk"), programme_id__in=programmes, date__year=year
    )
    return _credit_candidates(scope, year, need).exclude(Exists(loan))


def unsupported_households(scope: Scope, year: int) -> QuerySet[HouseholdInYear]:
    """Poor households that received no benefit at all in the year."""
    any_benefit = Benefit.objects.filter(household=OuterRef("pk"), date__year=year)
    return (
        _households(scope, year).filter(year_status=PovertyStatus.POOR).exclude(Exists(any_benefit))
    )


def officers_in_year(scope: Scope, year: int) -> QuerySet[User]:
    """Active ward and commune officers of the year: of the wards `scope` sees whole that
    were in force at some time in the year (a unit begun or ended by a merger has no
    officer to train in the years it did not exist, issue 12). The officers the training
    indicator counts and the untrained-officers worklist lists."""
    in_year = Ward.objects.in_force_in_year(year).values("pk")
    qs = User.objects.filter(role=User.Role.WARD_OFFICER, is_active=True, ward__in=in_year)
    return qs if scope.wards is None else qs.filter(ward_id__in=scope.wards)


def untrained_officers(scope: Scope, year: int) -> QuerySet[User]:
    """The officers of the year (`officers_in_year`) who attended no training course dated
    in the year."""
    qs = officers_in_year(scope, year).select_related("ward")
    trained = TrainingAttendance.objects.filter(officer=OuterRef("pk"), training__date__year=year)
    last = (
        TrainingAttendance.objects.filter(officer=OuterRef("pk"))
        .order_by()
        .values("officer")
        .annotate(last=Max("training__date"))
        .values("last")
    )
    return (
        qs.exclude(Exists(trained))
        .annotate(last_trained=Subquery(last))
        .order_by("ward__display_order", "last_name", "first_name", "username")
    )


def households_at_risk(scope: Scope, year: int) -> QuerySet[HouseholdInYear]:
    """Near-poor households at risk of falling back into poverty, under the standard their
    recognised result was made with: one deprivation short of being poor, or, where income
    alone makes a household poor (Decision 59/2015's N1), income within 10% of the poverty
    line of their area. Under the Decree 07/2021 rule every near-poor household is at or
    below the line, so income says nothing there."""
    at_risk = Q(pk__in=[])
    for code, standard in STANDARDS.items():
        of_standard = Q(year_standard=code)
        if standard.has_poor_groups:
            for area, limit in risk_income_limits(code).items():
                at_risk |= of_standard & Q(year_area=area, year_income__lte=limit)
        at_risk |= of_standard & Q(year_deprivations=risk_deprivations(code))
    return _households(scope, year).filter(year_status=PovertyStatus.NEAR_POOR).filter(at_risk)


def loans_needing_attention(
    scope: Scope, year: int | None = None, *, day: datetime.date | None = None
) -> QuerySet[Loan]:
    """Open loans overdue or due for a check on `day` (today by default; the year is not
    read), by `programs.loan_status`: of the households `scope` sees, a partner agency's own
    (the Social Policy Bank's across the city, `selectors.visible_loans`). Most overdue
    first (the earliest due date), then those the bank marked overdue before their due date,
    then those due for a check, the earliest lent first. Each row carries its last check
    (`last_checked_on`, `last_used_as_intended`) and the day (`as_of`)."""
    day = day or timezone.localdate()
    last = LoanCheck.objects.filter(loan=OuterRef("pk")).order_by("-checked_on", "-id")
    return (
        selectors.visible_loans(scope)
        .select_related(
            "benefit__household__ward", "benefit__household__quarter", "benefit__programme"
        )
        .annotate(
            last_checked_on=Subquery(last.values("checked_on")[:1]),
            last_used_as_intended=Subquery(last.values("used_as_intended")[:1]),
        )
        .filter(loan_status.attention_q(day))
        .annotate(
            overdue_now=ExpressionWrapper(loan_status.overdue_q(day), output_field=BooleanField()),
            # The overdue by their due date, the others by the day they were lent.
            sort_day=Case(
                When(loan_status.overdue_q(day), then=F("due_on")), default=F("disbursed_on")
            ),
            as_of=Value(day, output_field=DateField()),
        )
        .order_by("-overdue_now", "sort_day", "pk")
    )


# --- columns --------------------------------------------------------------------------------


def _status_label(value: str | None) -> str:
    if value == ESCAPED:
        return str(Programme.Status.ESCAPED.label)
    return str(PovertyStatus(value).label) if value in PovertyStatus.values else ""


def _household_columns(subject: str) -> tuple[WorklistColumn, ...]:
    def h(obj: Any) -> Household:
        return obj.household if subject == "member" else obj

    return (
        WorklistColumn(_("Ward / commune"), lambda o: h(o).ward.name, width=16, ward_column=True),
        WorklistColumn(_("Household code"), lambda o: h(o).code, width=12),
        WorklistColumn(_("Head of household"), lambda o: h(o).head_name, width=24),
        WorklistColumn(_("Quarter / hamlet"), lambda o: h(o).quarter.name, width=16),
    )


def _member_columns() -> tuple[WorklistColumn, ...]:
    return (
        WorklistColumn(_("Member"), lambda m: m.full_name, width=24),
        WorklistColumn(_("Year of birth"), lambda m: m.birth_year, kind="year", width=10),
    )


_STATUS = WorklistColumn(_("Status"), lambda o: _status_label(o.year_status), width=18)
_INCOME = WorklistColumn(
    _("Income per person per month"), lambda o: o.year_income, kind="vnd", width=16
)


def _credit_standing(household: HouseholdInYear) -> str:
    if household.year_status in (PovertyStatus.POOR, PovertyStatus.NEAR_POOR):
        return _status_label(household.year_status)
    return _status_label(ESCAPED)


def _interpolated(message: str | Promise, **values: Any) -> str:
    """The lazy `message` translated when shown, with `values` put in (a lazy string)."""
    return lazy(lambda: str(message) % values, str)()


def _loan_standing(loan: Loan) -> loan_status.LoanStanding:
    """What the rule says of a row of `loans_needing_attention`, on its day."""
    row: Any = loan  # annotated by `loans_needing_attention`
    return loan_status.of_loan(row, row.as_of, last_checked_on=row.last_checked_on)


def _loan_reason(loan: Loan) -> str:
    status = _loan_standing(loan)
    reasons = []
    if status.past_due:
        reasons.append(str(_("Overdue")))
    elif status.bank_overdue:
        reasons.append(str(_("Overdue (bank statement)")))
    if status.check_due:
        reasons.append(str(_("Due for a check")))
    return "; ".join(reasons)


def _last_check_result(loan: Any) -> str:
    if loan.last_used_as_intended is None:
        return str(_("Never checked"))
    return str(_("Used as intended") if loan.last_used_as_intended else _("Not used as intended"))


def _loan_columns() -> tuple[WorklistColumn, ...]:
    def h(loan: Any) -> Household:
        return loan.benefit.household

    return (
        WorklistColumn(_("Ward / commune"), lambda o: h(o).ward.name, width=16, ward_column=True),
        WorklistColumn(_("Household code"), lambda o: h(o).code, width=12),
        WorklistColumn(_("Head of household"), lambda o: h(o).head_name, width=24),
        WorklistColumn(_("Programme"), lambda o: o.benefit.programme.name, width=28),
        WorklistColumn(_("Amount lent"), lambda o: o.benefit.amount, kind="vnd", width=14),
        WorklistColumn(_("Outstanding balance"), lambda o: o.outstanding, kind="vnd", width=14),
        WorklistColumn(_("Disbursed on"), lambda o: o.disbursed_on, kind="date", width=12),
        WorklistColumn(_("Due on"), lambda o: o.due_on, kind="date", width=12),
        WorklistColumn(_("Last checked"), lambda o: o.last_checked_on, kind="date", width=12),
        WorklistColumn(_("Result of the last check"), _last_check_result, width=20),
        WorklistColumn(
            _("Days overdue"), lambda o: _loan_standing(o).days_overdue, kind="int", width=10
        ),
        WorklistColumn(_("Why listed"), _loan_reason, width=24),
    )


WORKLISTS: dict[str, Worklist] = {
    w.key: w
    for w in (
        Worklist(
            key="bhyt",
            title=_("Health-insurance cards"),
            target=_("Every poor and near-poor person has a health-insurance card."),
            description=_(
                "Members of poor and near-poor households without a card valid on the review's "
                "reference date and with no health-insurance card recorded this year."
            ),
            subject="member",
            statuses=(PovertyStatus.POOR, PovertyStatus.NEAR_POOR),
            build=health_insurance_gaps,
            columns=(
                *_household_columns("member"),
                *_member_columns(),
                WorklistColumn(_("Card number"), lambda m: m.health_insurance_number, width=18),
                WorklistColumn(
                    _("Valid until"), lambda m: m.health_insurance_expiry, kind="date", width=12
                ),
                _STATUS,
            ),
        ),
        Worklist(
            key="hoc-phi",
            title=_("Tuition exemption and study support"),
            target=_(
                "Every pupil and student of a poor household receives tuition exemption and "
                "study-cost support."
            ),
            description=_(
                "Pupils and students (attending school, aged 3 to 22) of poor households with "
                "no tuition exemption or study-cost support recorded in the school year."
            ),
            subject="member",
            statuses=(PovertyStatus.POOR,),
            build=school_support_gaps,
            columns=(
                *_household_columns("member"),
                *_member_columns(),
                WorklistColumn(
                    _("Education level"), lambda m: m.get_education_level_display(), width=20
                ),
            ),
        ),
        Worklist(
            key="tin-dung",
            title=_("Preferential credit"),
            target=_(
                "Every poor, near-poor and newly escaped household that needs it can borrow "
                "preferential credit."
            ),
            description=_(
                "Poor, near-poor and newly escaped households whose survey this year asks for "
                "credit and that received no loan this year."
            ),
            subject="household",
            statuses=(PovertyStatus.POOR, PovertyStatus.NEAR_POOR, ESCAPED),
            build=credit_gaps,
            columns=(
                *_household_columns("household"),
                WorklistColumn(_("Status"), _credit_standing, width=18),
                _INCOME,
            ),
        ),
        Worklist(
            key="chua-ho-tro",
            title=_("Poor households without support"),
            target=_("Every poor household receives the support policies it is entitled to."),
            description=_("Poor households with no support of any programme recorded this year."),
            subject="household",
            statuses=(PovertyStatus.POOR,),
            build=unsupported_households,
            columns=(*_household_columns("household"), _INCOME),
        ),
        Worklist(
            key="tap-huan",
            title=_("Officer training"),
            target=_("Every officer working on poverty reduction is trained."),
            description=_("Ward and commune officers who attended no training course this year."),
            subject="officer",
            statuses=(),
            build=untrained_officers,
            columns=(
                WorklistColumn(
                    _("Ward / commune"),
                    lambda u: u.ward.name if u.ward else "",
                    width=16,
                    ward_column=True,
                ),
                WorklistColumn(_("Officer"), lambda u: u.get_full_name() or u.username, width=24),
                WorklistColumn(_("Username"), lambda u: u.username, width=16),
                WorklistColumn(_("Last trained"), lambda u: u.last_trained, kind="date", width=14),
            ),
        ),
        Worklist(
            key="nguy-co",
            title=_("Near-poor households at risk"),
            target=_("No household falls back into poverty."),
            description=_(
                "Near-poor households whose income is less than a tenth above the poverty line "
                "of their area, or that are deprived in two indicators (one short of poor)."
            ),
            subject="household",
            statuses=(PovertyStatus.NEAR_POOR,),
            build=households_at_risk,
            columns=(
                *_household_columns("household"),
                _INCOME,
                WorklistColumn(
                    _("Deprived indicators"), lambda h: h.year_deprivations, kind="int", width=10
                ),
            ),
        ),
        Worklist(
            key="vay-qua-han",
            title=_("Overdue or unchecked loans"),
            target=_("The use of loans is checked regularly and overdue debt is kept down."),
            description=_interpolated(
                _(
                    "Social Policy Bank loans still owed that are past their due date or marked "
                    "overdue on the bank's statement, or whose use has not been checked for "
                    "%(months)s months."
                ),
                months=loan_status.CHECK_INTERVAL_MONTHS,
            ),
            subject="loan",
            statuses=(),
            build=loans_needing_attention,
            columns=_loan_columns(),
            as_of_today=True,
            ids_first=True,
        ),
    )
}


# --- reading a list -------------------------------------------------------------------------


# How a list's unfiltered count is read (its index card and its pages): counted at each look,
# unless a layer above keeps the counts until the data changes (`reports.figures`, which sets
# it in ReportsConfig.ready: `set_count_store`).
CountStore = Callable[[Scope, str, int], int]  # (scope, worklist key, year) -> count


def _count(scope: Scope, key: str, year: int) -> int:
    return WORKLISTS[key].build(scope, year).count()


_count_store: CountStore = _count


def set_count_store(store: CountStore) -> None:
    global _count_store
    _count_store = store


def worklist_count(*, scope: Scope, key: str, year: int) -> int:
    """How many rows the list `key` has in `year` within `scope`, unfiltered."""
    return _count_store(scope, key, year)


def worklist_years() -> list[int]:
    """The years a list can be built for, newest first: the years of the periodic reviews and
    the year after each (when its result is in force), up to the current year."""
    reviewed = standing.periodic_years()
    this_year = timezone.localdate().year
    years = set(reviewed) | {y + 1 for y in reviewed if y + 1 <= this_year}
    return sorted(years, reverse=True)


def default_year(years: list[int]) -> int | None:
    """The year a list opens on: that of the latest periodic review, as the dashboard."""
    latest = standing.periodic_years()
    if latest and latest[0] in years:
        return latest[0]
    return years[0] if years else None


def worklist_rows(
    worklist: Worklist, *, scope: Scope, year: int, filters: WorklistFilters
) -> QuerySet[Any]:
    """The rows of `worklist` for `year`, within `scope` and filtered."""
    qs = worklist.build(scope, year)
    if worklist.subject == "officer":
        if filters.ward:
            qs = qs.filter(ward_id__in=sorted(units.lineage(filters.ward.pk)))
        words = filters.q.split()
        for word in words:
            qs = qs.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
            )
        return qs
    household = worklist.household_path
    if filters.ward:
        # A unit's households: registered in it or in a unit merged into it (issue 12).
        qs = qs.filter(**{f"{household}ward_id__in": sorted(units.lineage(filters.ward.pk))})
    if filters.quarter:
        qs = qs.filter(**{f"{household}quarter": filters.quarter})
    if filters.status and len(worklist.statuses) > 1:
        qs = qs.filter(standing.programme_statuses_q([filters.status], prefix="year"))
    if filters.q:
        folded = [f"{household}head_name_folded"]
        exact = [f"{household}code"]
        if worklist.subject == "member":
            folded.insert(0, "full_name_folded")
            exact.append("national_id")
        condition = folded_search_q(filters.q, folded_fields=folded, exact_fields=exact)
        if condition is not None:
            qs = qs.filter(condition)
    return qs


def table_rows(worklist: Worklist, rows: Any, *, show_ward: bool) -> list[dict[str, Any]]:
    """What the page shows for each row: the cells and the household it links to."""
    columns = [c for c in worklist.columns if show_ward or not c.ward_column]
    return [
        {
            "cells": [(column.kind, column.value(row)) for column in columns],
            "household_id": worklist.household_id(row),
            "loan_id": row.pk if worklist.subject == "loan" else None,
        }
        for row in rows
    ]


def page_columns(worklist: Worklist, *, show_ward: bool) -> list[WorklistColumn]:
    return [c for c in worklist.columns if show_ward or not c.ward_column]


class WorklistFilterForm(PeriodPickerForm):
    """The query string of a worklist page and its export: the picker's year and ward, and
    quarter, status, q."""

    quarter = forms.ModelChoiceField(
        label=_("Quarter / hamlet"),
        queryset=Quarter.objects.none(),
        required=False,
        empty_label=_("All quarters"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(
        self,
        data: Any,
        *,
        worklist: Worklist,
        years: list[int],
        wards: list[Ward],
        quarters: list[Quarter],
    ) -> None:
        super().__init__(data, years=years, default_year=default_year(years), wards=wards)
        self.worklist = worklist
        quarter = field_of(self, "quarter", forms.ModelChoiceField)
        quarter.queryset = Quarter.objects.filter(ward_id__in=list(self.wards))
        quarter.choices = [
            ("", _("All quarters")),
            *((q.pk, f"{q.name} – {q.ward.name}" if len(wards) > 1 else q.name) for q in quarters),
        ]
        field_of(self, "status", forms.ChoiceField).choices = [
            ("", _("All")),
            *((s, _status_label(s)) for s in worklist.statuses),
        ]
        self.fields["q"].widget.attrs["placeholder"] = _("Name, household code or ID number")
        self.show_year = not worklist.as_of_today
        self.show_quarter = worklist.subject != "officer"
        self.show_status = len(worklist.statuses) > 1

    @property
    def show_ward(self) -> bool:
        return not self.single_ward

    def filters(self) -> WorklistFilters:
        data = getattr(self, "cleaned_data", {})
        return WorklistFilters(
            ward=self.chosen_ward(),
            quarter=data.get("quarter"),
            status=data.get("status") or "",
            q=(data.get("q") or "").strip(),
        )
