"""Synthetic households at city or province scale (issue 11), for measuring, never for people.

The demo set (`demo`) writes a few thousand households through the services, one
save at a time, as an officer would. This module makes tens or hundreds of thousands of the
same households — the same plan (`demo.plan`: rosters, names, ID numbers, cards,
incomes and surveys in the demo's proportions) — and writes them in bulk:

- every household of a chunk (`CHUNK_SIZE`) is planned in memory, classified by the one engine
  through `households.services.assessments.assessment_apply_result` (roster indicators derived,
  then `households.classification.classify`, exactly as `assessment_save` does), then written
  with PostgreSQL's COPY (psycopg 3) or `bulk_create` elsewhere, so memory stays flat;
- the 2016 and 2017 periodic reviews are recognised in every ward (meeting, posting, the ward
  chairman's decision, `effective_from` from `households.standing.effective_date`) with the
  review steps (`ReviewEvent`) the review services would leave; the 2017 ad-hoc round has some
  requests decided and some still in review;
- benefits and loans are then chosen chunk by chunk by the demo's own rules
  (`demo.programs`), judged by `programs.selectors` on the recognised standing.

What it skips, on purpose, for speed: the audit trail (django-simple-history rows are not
written for bulk data), committee members, household assignments and trainings. ID numbers are
unique by construction (`SerialIds`), so nothing is remembered across chunks.

Deterministic for a seed and a chunk size (one `random.Random` per chunk and concern); the
timestamps (`created_at`, review steps' `at`) are the time of the run.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import json
import operator
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, reset_queries, transaction
from django.db.models import ForeignObjectRel, Max
from django.utils import timezone, translation
from django.utils.formats import date_format

from demo import programs as demo_programs
from demo.adhoc import ADDITION_DATES, ESCAPE_DATES
from demo.data import (
    AVERAGE,
    DEFAULT_WARD_WEIGHT,
    EXPECTED,
    NOT_POOR,
    POOR_TARGETS,
    ROUND_YEARS,
    WARD_WEIGHTS,
    password_hash,
)
from demo.people import IdMaker
from demo.plan import (
    PlannedAssessment,
    PlannedHousehold,
    _plan_assessments,
    _plan_household,
    allocate,
    plan_trajectories,
)
from demo.review import chairman, posting_dates
from demo.write import UNITS_ON, _officer_username, _seed_rounds, _seed_users
from households import review_rules, standing, units
from households.classification import get_standard
from households.codes import DIGITS, household_code, ward_prefixes
from households.models import (
    Assessment,
    Household,
    Member,
    PovertyCause,
    RequestKind,
    ReviewEvent,
    ReviewRound,
    ReviewState,
    SupportNeed,
    User,
    Ward,
)
from households.models.registry import fold_name
from households.services.assessments import RECORD_LANGUAGE, assessment_apply_result
from households.services.registry import MEMBER_FIELDS
from programs import loan_status
from programs.models import Benefit, HouseholdAssignment, Loan, LoanCheck, Programme

CHUNK_SIZE = 10_000
# Of the households whose 2017 survey moves them across the poverty line, the share whose
# ad-hoc request (Circular 17 Art. 4) was decided in the first half of 2017, and the share
# whose request is still in review at the year-end.
ADHOC_SHARES: dict[str, tuple[float, float]] = {
    RequestKind.ESCAPE: (0.06, 0.04),
    RequestKind.ADDITION: (0.25, 0.10),
}
# (request, meeting, first day of the posting) of the requests still in review.
IN_REVIEW_DATES = (
    datetime.date(2017, 11, 6),
    datetime.date(2017, 11, 20),
    datetime.date(2017, 11, 21),
)
IN_REVIEW_STATES = (ReviewState.SUBMITTED, ReviewState.MEETING_HELD, ReviewState.POSTED)
LOCAL = datetime.timezone(datetime.timedelta(hours=7))  # Asia/Ho_Chi_Minh, no summer time

Progress = Callable[[str, int, int], None]
"""Called with (phase, done, total) after each chunk: phases "households", "standing",
"benefits"."""


@dataclass
class SyntheticResult:
    households: int = 0
    members: int = 0
    assessments: int = 0
    review_events: int = 0
    benefits: int = 0
    loans: int = 0
    users: int = 0
    review_rounds: int = 0
    seconds: float = 0.0


# --- Unique ID numbers without a registry of them ------------------------------------------


class SerialIds(IdMaker):
    """National ID numbers unique by construction: each kind of number (CMND "26…", CCCD
    "060…" by sex, century and year of birth) draws the next value of its own counter through
    a fixed permutation, so numbers look scattered and never repeat across chunks."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        super().__init__(rng, set())
        self.counters: dict[str, int] = {}
        self.offset = random.Random(f"{seed}:ids").randrange(10**6)

    def make(self, *, sex: str, birth_year: int) -> str:
        if self.rng.random() < 0.25:
            century = 0 if birth_year < 2000 else 2
            gender = century + (1 if sex == Member.Sex.FEMALE else 0)
            stem, digits, step = f"060{gender}{birth_year % 100:02d}", 6, 654_321
        else:
            stem, digits, step = "26", 7, 7_654_321
        count = self.counters.get(stem, 0)
        if count >= 10**digits:
            raise RuntimeError(f"No ID numbers left under {stem}.")
        self.counters[stem] = count + 1
        # step is prime to 10, so n -> n * step + offset (mod 10^digits) is a permutation.
        serial = (count * step + self.offset) % 10**digits
        return f"{stem}{serial:0{digits}d}"


# --- Writing rows in bulk ------------------------------------------------------------------


def _getter(field: models.Field[Any, Any], now: datetime.datetime) -> Callable[[Any], Any]:
    name = field.attname
    if isinstance(field, models.JSONField):
        return lambda obj: json.dumps(getattr(obj, name), ensure_ascii=False)
    if isinstance(field, models.FileField):
        return lambda obj: getattr(obj, name).name or ""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: getattr(obj, name) or now
    return operator.attrgetter(name)


class BulkWriter:
    """COPY on PostgreSQL, `bulk_create` elsewhere; rows carry their ids when they have one."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now
        self.copy = connection.vendor == "postgresql"
        self.written: set[type[models.Model]] = set()

    def put(self, model: type[models.Model], objs: Sequence[models.Model]) -> None:
        if not objs:
            return
        self.written.add(model)
        if not self.copy:
            model._default_manager.bulk_create(objs)
            return
        with_id = objs[0].pk is not None
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        getters = [_getter(f, self.now) for f in fields]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for obj in objs:
                copy.write_row([get(obj) for get in getters])

    def put_rows(
        self, model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """Rows as tuples of `columns` (attribute names): no model instance per row on
        PostgreSQL, where most rows go."""
        if not rows:
            return
        if not self.copy:
            self.put(model, [model(**dict(zip(columns, row, strict=True))) for row in rows])
            return
        self.written.add(model)
        quote = connection.ops.quote_name
        column = {f.attname: f.column for f in model._meta.concrete_fields}
        names = ", ".join(quote(column[c]) for c in columns)
        sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def reset_sequences(self) -> None:
        """Move each table's id sequence past the ids written explicitly."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.written))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class Ids:
    """Explicit ids, allocated from the highest id in the table (nothing else writes meanwhile)."""

    def __init__(self, *model_types: type[models.Model]) -> None:
        self.next = {
            m: (m._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1 for m in model_types
        }

    def take(self, model: type[models.Model]) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


# --- Wiping --------------------------------------------------------------------------------


def _wiped_models() -> list[type[models.Model]]:
    """The generated data, children first, with the audit trail of those rows."""
    base: list[type[models.Model]] = [
        LoanCheck,
        Loan,
        Benefit,
        HouseholdAssignment,
        ReviewEvent,
        Assessment.causes.through,
        Assessment.needs.through,
        Assessment,
        Member,
        Household,
    ]
    histories = {
        m._meta.db_table
        for m in (Household, Member, Assessment, Benefit, Loan, HouseholdAssignment)
    }
    history_models = [
        m
        for m in apps.get_models()
        if any(m._meta.db_table.startswith(t.replace("_", "_historical", 1)) for t in histories)
    ]
    return [*base, *history_models]


def wipe() -> None:
    """Delete every household and what hangs on it (members, assessments, review steps,
    benefits, loans, assignments, their audit trail and whatever else cascades from them);
    rows elsewhere that only point at a household (`SET_NULL`, e.g. the view log) lose the
    pointer, as deleting through the ORM would do. TRUNCATE on PostgreSQL."""
    wiped = _wiped_models()
    cascaded: list[type[models.Model]] = []
    nulled: list[tuple[type[models.Model], str]] = []
    for model in wiped:
        relations = model._meta.get_fields(include_hidden=True)
        for relation in (r for r in relations if isinstance(r, ForeignObjectRel)):
            other = cast(type[models.Model], relation.related_model)
            if other in wiped or other in cascaded or relation.on_delete is models.DO_NOTHING:
                continue
            if relation.on_delete is models.SET_NULL:
                nulled.append((other, relation.field.name))
            elif relation.on_delete is models.CASCADE:
                cascaded.append(other)
            else:
                # Data that protects a household (or a member, a result) is not ours to delete.
                raise RuntimeError(f"{other.__name__} refers to {model.__name__}: not wiped.")
    with transaction.atomic():
        for other, name in nulled:
            other._default_manager.filter(**{f"{name}__isnull": False}).update(**{name: None})
        if connection.vendor == "postgresql":
            quote = connection.ops.quote_name
            truncated = [m for m in [*cascaded, *wiped] if m is not Household]
            tables = ", ".join(quote(m._meta.db_table) for m in truncated)
            with connection.cursor() as cursor:
                # TRUNCATE refuses tables with foreign-key checks still pending in this
                # transaction (Django's are deferred): run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {tables} CASCADE")
                # Households stay out of the TRUNCATE: it would empty every table pointing at
                # them (the view log) instead of clearing the pointer.
                cursor.execute(f"DELETE FROM {quote(Household._meta.db_table)}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for model in [*cascaded, *wiped]:
                model._default_manager.all()._raw_delete(connection.alias)


# --- Phase 1: households, members, assessments, the review ---------------------------------


@dataclass
class _Context:
    seed: int
    wards: list[Ward]
    ward_index: dict[int, int]
    quarters: dict[int, list[Any]]
    rounds: dict[int, ReviewRound]
    adhoc: ReviewRound | None
    officers: dict[int, User]
    causes: dict[str, int]
    needs: dict[str, int]
    ids: Ids
    writer: BulkWriter
    now: datetime.datetime
    id_maker: SerialIds
    request_labels: dict[str, str] = field(default_factory=dict)


@dataclass
class _Rows:
    households: list[Household] = field(default_factory=list)
    members: list[tuple[Any, ...]] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    causes: list[tuple[int, int]] = field(default_factory=list)
    needs: list[tuple[int, int]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)


def _slots(wards: Sequence[Ward], total: int) -> Iterator[tuple[Ward, str]]:
    """(ward, household code) for every household, ward by ward."""
    prefixes = ward_prefixes([w.code for w in wards])
    shares = allocate(total, [WARD_WEIGHTS.get(w.code, DEFAULT_WARD_WEIGHT) for w in wards])
    width = max(DIGITS, len(str(max(shares, default=0))))
    for ward, share in zip(wards, shares, strict=True):
        for number in range(1, share + 1):
            yield ward, household_code(prefixes[ward.code], number, width)


def _at(day: datetime.date, hour: int = 8) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LOCAL)


@functools.cache
def _posting_end(start: datetime.date) -> datetime.date:
    return review_rules.earliest_posting_end(start)


def _review(
    ctx: _Context,
    rows: _Rows,
    assessment: Assessment,
    *,
    upto: str,
    officer: User | None,
    meeting_date: datetime.date,
    posted_from: datetime.date,
    decision_number: str,
    decision_date: datetime.date,
    rng: random.Random,
) -> None:
    """Carry `assessment` through the review up to the state `upto`, as the review services
    would (`households.services.review`), with one `ReviewEvent` per step."""
    Action = ReviewEvent.Action
    ward = assessment.ward
    steps: list[tuple[str, str, str, str]] = []
    assessment.submitted_at = _at(meeting_date - datetime.timedelta(days=3))
    steps.append((Action.SUBMIT, ReviewState.DRAFT, ReviewState.SUBMITTED, ""))
    if upto != ReviewState.SUBMITTED:
        attendance = rng.randint(30, 80)
        agreement = rng.randint(85, 100)
        assessment.meeting_date = meeting_date
        assessment.meeting_attendance = attendance
        assessment.meeting_agreement_percent = agreement
        assessment.meeting_minutes = (
            f"Họp dân rà soát hộ nghèo, hộ cận nghèo năm {meeting_date.year}: {attendance} "
            f"người dự, {agreement}% đồng ý với kết quả rà soát. Biên bản có chữ ký của Trưởng "
            "khu phố và đại diện Mặt trận."
        )
        steps.append((Action.MEETING, ReviewState.SUBMITTED, ReviewState.MEETING_HELD, ""))
    if upto in (ReviewState.POSTED, ReviewState.RECOGNISED):
        assessment.posted_from = posted_from
        assessment.posted_to = _posting_end(posted_from)
        steps.append((Action.POSTING, ReviewState.MEETING_HELD, ReviewState.POSTED, ""))
    if upto == ReviewState.RECOGNISED:
        signer = chairman(ward)
        assessment.decision_number = decision_number
        assessment.decision_date = decision_date
        assessment.decision_signer = signer
        assessment.effective_from = standing.effective_date(
            kind=assessment.round.kind, year=assessment.round.year, decision_date=decision_date
        )
        note = f"{decision_number} ({date_format(decision_date, 'd/m/Y')}) – {signer}"
        steps.append((Action.RECOGNISE, ReviewState.POSTED, ReviewState.RECOGNISED, note))
    assessment.state = upto
    assessment.version = 1 + len(steps)
    officer_id = officer.pk if officer else None
    rows.events.extend(
        (assessment.pk, action, before, after, note, officer_id, ctx.now)
        for action, before, after, note in steps
    )


def _assessment(
    ctx: _Context,
    rows: _Rows,
    household: Household,
    planned: PlannedHousehold,
    survey: PlannedAssessment,
    review_round: ReviewRound,
    *,
    request_kind: str = "",
    request_date: datetime.date | None = None,
) -> Assessment:
    """One survey, classified by the engine exactly as `assessment_save` does."""
    officer = ctx.officers.get(household.ward_id)
    adhoc = bool(request_kind)
    assessment = Assessment(
        id=ctx.ids.take(Assessment),
        household=household,
        round=review_round,
        ward=planned.ward,
        income_per_capita=survey.income,
        household_type=survey.household_type,
        expected_to_escape=False if adhoc else survey.expected_to_escape,
        notes=survey.notes,
        request_kind=request_kind,
        request_date=request_date,
        created_by=officer,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    deprived = set(survey.deprivations)
    standard = get_standard(review_round.standard)
    for key in standard.indicator_keys:
        if key not in standard.derived_keys:
            setattr(assessment, key, key in deprived)
    assessment_apply_result(assessment, [m.roster() for m in planned.members])
    if not adhoc:
        reached = (assessment.status, assessment.poor_group)
        if reached != EXPECTED[survey.target]:
            # A generator bug, never bad input: stop rather than store a wrong story.
            raise RuntimeError(
                f"Synthetic household {household.code} aimed at {survey.target} in "
                f"{review_round.year} but the engine gave {reached}."
            )
    rows.assessments.append(assessment)
    rows.causes.extend((assessment.pk, ctx.causes[c]) for c in survey.causes if c in ctx.causes)
    rows.needs.extend((assessment.pk, ctx.needs[n]) for n in survey.needs if n in ctx.needs)
    rows.events.append(
        (
            assessment.pk,
            ReviewEvent.Action.CREATE,
            "",
            ReviewState.DRAFT,
            ctx.request_labels.get(request_kind, ""),
            officer.pk if officer else None,
            ctx.now,
        )
    )
    return assessment


def _plan_chunk(ctx: _Context, slots: Sequence[tuple[Ward, str]], index: int) -> _Rows:
    rng = random.Random(f"{ctx.seed}:synthetic:{index}")
    review_rng = random.Random(f"{ctx.seed}:synthetic-review:{index}")
    ctx.id_maker.rng = rng
    standard = get_standard(ctx.rounds[ROUND_YEARS[0]].standard)
    trajectories = plan_trajectories(rng, len(slots))
    rows = _Rows()
    for (ward, code), trajectory in zip(slots, trajectories, strict=True):
        planned = _plan_household(
            rng,
            ward=ward,
            quarter=rng.choice(ctx.quarters[ward.pk]),
            code=code,
            trajectory=trajectory,
            ids=ctx.id_maker,
        )
        _plan_assessments(rng, planned, trajectory, standard)
        household = Household(
            id=ctx.ids.take(Household),
            head_name_folded=fold_name(planned.head.full_name),
            created_at=ctx.now,
            updated_at=ctx.now,
            **planned.household_fields(),
        )
        rows.households.append(household)
        for member in planned.members:
            fields = member.fields()
            rows.members.append(
                (
                    ctx.ids.take(Member),
                    household.pk,
                    fold_name(member.full_name),
                    *(fields[name] for name in MEMBER_COLUMNS[3:]),
                )
            )
        officer = ctx.officers.get(ward.pk)
        number = ctx.ward_index[ward.pk] + 101
        by_year: dict[int, PlannedAssessment] = {}
        for survey in planned.assessments:
            by_year[survey.year] = survey
            assessment = _assessment(ctx, rows, household, planned, survey, ctx.rounds[survey.year])
            _review(
                ctx,
                rows,
                assessment,
                upto=ReviewState.RECOGNISED,
                officer=officer,
                meeting_date=datetime.date(survey.year, 11, 10),
                posted_from=posting_dates(survey.year)[0],
                decision_number=f"{number}/QĐ-UBND",
                decision_date=datetime.date(survey.year, 12, 5),
                rng=review_rng,
            )
        _adhoc(ctx, rows, household, planned, trajectory, by_year, review_rng)
    return rows


def _adhoc(
    ctx: _Context,
    rows: _Rows,
    household: Household,
    planned: PlannedHousehold,
    trajectory: tuple[str | None, str | None],
    by_year: Mapping[int, PlannedAssessment],
    rng: random.Random,
) -> None:
    """A request of 2017 by a household whose 2017 survey crosses the poverty line: decided
    in the first half of the year (as in `demo.adhoc`), or still in review."""
    before, after = trajectory
    latest = by_year.get(ROUND_YEARS[-1])
    if ctx.adhoc is None or latest is None:
        return
    above = (AVERAGE, NOT_POOR)
    if before in POOR_TARGETS and after in above:
        kind, dates, number = RequestKind.ESCAPE, ESCAPE_DATES, 300
    elif before in above and after in POOR_TARGETS:
        kind, dates, number = RequestKind.ADDITION, ADDITION_DATES, 400
    else:
        return
    decided, in_review = ADHOC_SHARES[kind]
    draw = rng.random()
    if draw < decided:
        upto = ReviewState.RECOGNISED
    elif draw < decided + in_review:
        upto = IN_REVIEW_STATES[household.pk % len(IN_REVIEW_STATES)]
        dates = (*IN_REVIEW_DATES, IN_REVIEW_DATES[-1])
    else:
        return
    assessment = _assessment(
        ctx,
        rows,
        household,
        planned,
        latest,
        ctx.adhoc,
        request_kind=kind,
        request_date=dates[0],
    )
    _review(
        ctx,
        rows,
        assessment,
        upto=upto,
        officer=ctx.officers.get(household.ward_id),
        meeting_date=dates[1],
        posted_from=dates[2],
        decision_number=f"{number + ctx.ward_index[household.ward_id]}/QĐ-UBND",
        decision_date=dates[3],
        rng=rng,
    )


MEMBER_COLUMNS = ("id", "household_id", "full_name_folded", *sorted(MEMBER_FIELDS))
EVENT_COLUMNS = ("assessment_id", "action", "from_state", "to_state", "note", "by_id", "at")
BENEFIT_COLUMNS = (
    "id",
    "programme_id",
    "household_id",
    "ward_id",
    "member_id",
    "date",
    "amount",
    "quantity",
    "reference",
    "note",
    "override_reason",
    "recorded_by_id",
    "recorded_at",
)
LOAN_COLUMNS = (
    "id",
    "benefit_id",
    "purpose",
    "term_months",
    "disbursed_on",
    "due_on",
    "outstanding",
    "is_overdue",
    "balance_on",
)
CHECK_COLUMNS = ("loan_id", "checked_on", "used_as_intended", "note", "checked_by_id")


def _write_rows(writer: BulkWriter, rows: _Rows) -> None:
    writer.put(Household, rows.households)
    writer.put_rows(Member, MEMBER_COLUMNS, rows.members)
    writer.put(Assessment, rows.assessments)
    writer.put_rows(Assessment.causes.through, ("assessment_id", "povertycause_id"), rows.causes)
    writer.put_rows(Assessment.needs.through, ("assessment_id", "supportneed_id"), rows.needs)
    writer.put_rows(ReviewEvent, EVENT_COLUMNS, rows.events)


# --- Phase 2: benefits and loans -----------------------------------------------------------


class _ChunkDeliveries(demo_programs._Deliveries):
    """The demo's deliveries (`demo.programs`: same shares, same eligibility
    judgement), collected as rows instead of saved one by one, on a few fixed days so each
    chunk reads the standing (`programs.selectors.facts_on`) a handful of times."""

    def __init__(
        self,
        cases: Sequence[demo_programs._Case],
        officers: Mapping[int, User],
        *,
        seed: int,
        index: int,
        ids: Ids,
        loans_before: int,
        agency_users: Mapping[int, User],
        now: datetime.datetime,
    ) -> None:
        super().__init__(cases, officers, seed=seed)
        self.rng = random.Random(f"{seed}:synthetic-benefits:{index}")
        self.agency_users = {pk: user for pk, user in agency_users.items()}
        self.ids = ids
        self.loans = loans_before
        self.now = now
        self.benefit_rows: list[tuple[Any, ...]] = []
        self.loan_rows: list[tuple[Any, ...]] = []
        self.check_rows: list[tuple[Any, ...]] = []

    def run(self) -> tuple[int, int]:
        for case in self.cases:
            officer = self.officers.get(case.household.ward_id)
            if officer is None:
                continue
            if case.status == demo_programs.eligibility.POOR and (
                self.rng.random() < demo_programs.NOTHING_SHARE
            ):
                continue
            self._health_cards(case, officer)
            self._school(case, officer)
            self._credit(case, officer)
            self._household_support(case, officer)
            self._member_support(case, officer)
            self._overrides(case, officer)
        for (code, by, day, amount, quantity, note), recipients in self.lists.items():
            for household, member in recipients:
                self._row(
                    code,
                    household,
                    member,
                    by=by,
                    day=day,
                    amount=amount,
                    quantity=quantity,
                    note=note,
                )
        return len(self.benefit_rows), len(self.loan_rows)

    def _row(
        self,
        code: str,
        household: Household,
        member: Member | None,
        *,
        by: User,
        day: datetime.date,
        amount: int | None,
        quantity: int | None,
        note: str = "",
        reference: str = "",
        override_reason: str = "",
    ) -> int:
        if amount is None and quantity is None:
            quantity = 1  # as `programs.services.benefit_record`: one card, one course
        benefit = self.ids.take(Benefit)
        self.benefit_rows.append(
            (
                benefit,
                self.programmes[code].pk,
                household.pk,
                units.made_in(household.ward_id, day),
                member.pk if member else None,
                day,
                amount,
                quantity,
                reference,
                note,
                override_reason,
                by.pk,
                self.now,
            )
        )
        return benefit

    # Days snap to the 15th of the month: each distinct day costs every chunk a read of the
    # standings (`programs.selectors.facts_on`).
    def _day(self, month: int, first: int = 1, last: int = 28) -> datetime.date:
        return datetime.date(demo_programs.YEAR, month, 15 if first <= 15 <= last else first)

    def _ward_day(self, case: demo_programs._Case, month: int, first: int) -> datetime.date:
        return datetime.date(demo_programs.YEAR, month, first)

    def _loan_day(self, case: demo_programs._Case) -> datetime.date:
        earliest = max(case.known_from, datetime.date(demo_programs.YEAR, 3, 1))
        days = [
            datetime.date(demo_programs.YEAR, month, 15)
            for month in range(earliest.month, 12)
            if datetime.date(demo_programs.YEAR, month, 15) >= earliest
        ]
        return self.rng.choice(days) if days else earliest

    def _recorder(self, programme: Programme, case: demo_programs._Case, officer: User) -> User:
        return self.agency_users.get(programme.agency_id, officer)

    def _give(
        self,
        code: str,
        case: demo_programs._Case,
        officer: User,
        *,
        day: datetime.date,
        member: Member | None = None,
        amount: int | None = None,
        quantity: int | None = None,
        reference: str = "",
        note: str = "",
        override_reason: str = "",
    ) -> None:
        self._row(
            code,
            case.household,
            member,
            by=self._recorder(self.programmes[code], case, officer),
            day=day,
            amount=amount,
            quantity=quantity,
            note=note,
            reference=reference,
            override_reason=override_reason,
        )

    def _loan(
        self,
        code: str,
        case: demo_programs._Case,
        officer: User,
        *,
        member: Member | None,
        day: datetime.date,
        amount: int,
        term: int,
        purpose: str,
    ) -> None:
        # As `demo.programs._Deliveries._loan`, written as rows.
        if not self._eligible(code, case, member, day):
            return
        programme = self.programmes[code]
        by = self._recorder(programme, case, officer)
        self.loans += 1
        benefit = self._row(
            code,
            case.household,
            member,
            by=by,
            day=day,
            amount=amount,
            quantity=None,
            reference=f"{case.household.ward.code.upper()[:2]}-{demo_programs.YEAR}-"
            f"{self.loans:05d}",
        )
        balance_on = datetime.date(demo_programs.YEAR, 12, 31)
        months = (balance_on.year - day.year) * 12 + balance_on.month - day.month
        overdue = self.rng.random() < demo_programs.OVERDUE_SHARE
        repaid = 0 if overdue else (months // 3) * 3 * amount // term // 100_000 * 100_000
        loan = self.ids.take(Loan)
        due_on = loan_status.due_date(day, term)
        self.loan_rows.append(
            (loan, benefit, purpose, term, day, due_on, amount - repaid, overdue, balance_on)
        )
        if self.rng.random() < demo_programs.CHECKED_SHARE:
            used = self.rng.random() >= 0.1
            self.check_rows.append(
                (
                    loan,
                    min(day + datetime.timedelta(days=45), balance_on),
                    used,
                    "Tổ tiết kiệm và vay vốn kiểm tra: hộ sử dụng vốn đúng mục đích."
                    if used
                    else demo_programs.MISUSED_NOTE,
                    by.pk,
                )
            )


# --- The whole run -------------------------------------------------------------------------


def _chunks(iterable: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def generate(
    *,
    households: int,
    seed: int,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
) -> SyntheticResult:
    """Create `households` synthetic households with members, the 2016 and 2017 periodic
    reviews (recognised), 2017 ad-hoc requests, benefits and loans, plus the demo users and
    rounds when missing. The caller makes sure no household exists (`wipe`)."""
    if households < 1:
        raise ValueError("households must be at least 1")
    started = time.monotonic()
    report = progress or (lambda phase, done, total: None)
    result = SyntheticResult()
    now = timezone.now()
    with transaction.atomic():
        wards = list(
            Ward.objects.in_force(UNITS_ON)
            .order_by("display_order", "name")
            .prefetch_related("quarters")
        )
        password = password_hash()
        result.users = _seed_users(wards, seed=seed, password=password) + demo_programs._seed_users(
            password
        )
        rounds, result.review_rounds = _seed_rounds()
        officers = {
            u.ward_id: u
            for u in User.objects.filter(
                role=User.Role.WARD_OFFICER, username__in=[_officer_username(w) for w in wards]
            )
            if u.ward_id is not None
        }
        writer = BulkWriter(now)
        with translation.override(RECORD_LANGUAGE):
            labels = {kind: str(RequestKind(kind).label) for kind in RequestKind.values}
        ctx = _Context(
            seed=seed,
            wards=wards,
            ward_index={w.pk: i for i, w in enumerate(wards)},
            quarters={
                w.pk: sorted(w.quarters.all(), key=lambda q: (q.display_order, q.name))
                for w in wards
            },
            rounds=rounds,
            adhoc=ReviewRound.objects.filter(
                year=ROUND_YEARS[-1], kind=ReviewRound.Kind.AD_HOC
            ).first(),
            officers=officers,
            causes=dict(PovertyCause.objects.values_list("code", "pk")),
            needs=dict(SupportNeed.objects.values_list("code", "pk")),
            ids=Ids(Household, Member, Assessment, Benefit, Loan),
            writer=writer,
            now=now,
            id_maker=SerialIds(random.Random(seed), seed),
            request_labels=labels,
        )
        first_id = ctx.ids.next[Household]
        report("households", 0, households)
        for index, slots in enumerate(_chunks(_slots(wards, households), chunk_size)):
            rows = _plan_chunk(ctx, slots, index)
            _write_rows(writer, rows)
            result.households += len(rows.households)
            result.members += len(rows.members)
            result.assessments += len(rows.assessments)
            result.review_events += len(rows.events)
            report("households", result.households, households)
            # With DEBUG on Django keeps the last 9,000 queries' SQL: with chunk-sized lists
            # of ids that alone would grow to hundreds of megabytes.
            reset_queries()
        writer.reset_sequences()

        report("standing", 0, 1)
        # The stored standings are derived from the recognised results: rebuilt once, before
        # the benefits, which are judged on them.
        standing.refresh_spans()
        report("standing", 1, 1)

        result.benefits, result.loans = _deliver(ctx, first_id, households, chunk_size, report)
        writer.reset_sequences()
        _targets(ctx, wards)
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in writer.written)
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {tables}")
    result.seconds = time.monotonic() - started
    return result


def _deliver(
    ctx: _Context, first_id: int, total: int, chunk_size: int, report: Progress
) -> tuple[int, int]:
    agency_users = {
        u.agency_id: u
        for u in User.objects.filter(
            role=User.Role.AGENCY_USER,
            username__in=[spec[0] for spec in demo_programs.AGENCY_USERS],
            is_active=True,
        )
        if u.agency_id is not None
    }
    benefits = loans = done = 0
    # Half-size chunks: each holds its households' members, results and facts on every
    # delivery day; SQLite also limits the number of parameters of one query.
    size = min(chunk_size, 5_000 if connection.vendor == "postgresql" else 2_000)
    report("benefits", 0, total)
    self_cases: list[demo_programs._Case] = []
    for index, start in enumerate(range(first_id, first_id + total, size)):
        ids = list(range(start, min(start + size, first_id + total)))
        cases = demo_programs._load_cases(household_ids=ids)
        deliveries = _ChunkDeliveries(
            cases,
            ctx.officers,
            seed=ctx.seed,
            index=index,
            ids=ctx.ids,
            loans_before=loans,
            agency_users=agency_users,
            now=ctx.now,
        )
        deliveries.run()
        ctx.writer.put_rows(Benefit, BENEFIT_COLUMNS, deliveries.benefit_rows)
        ctx.writer.put_rows(Loan, LOAN_COLUMNS, deliveries.loan_rows)
        ctx.writer.put_rows(LoanCheck, CHECK_COLUMNS, deliveries.check_rows)
        benefits += len(deliveries.benefit_rows)
        loans = deliveries.loans
        self_cases.extend(
            _light_case(c) for c in cases if c.expected_to_escape and c.status == "poor"
        )
        done += len(ids)
        report("benefits", done, total)
        reset_queries()
    ctx.expected_cases = self_cases  # type: ignore[attr-defined]
    return benefits, loans


def _light_case(case: demo_programs._Case) -> demo_programs._Case:
    """What the ward targets read of a case, without its members (memory stays flat)."""
    return demo_programs._Case(
        household=Household(pk=case.household.pk, ward_id=case.household.ward_id),
        status=case.status,
        standing=case.standing,
        needs=set(),
        causes=set(),
        expected_to_escape=case.expected_to_escape,
        known_from=case.known_from,
    )


def _targets(ctx: _Context, wards: Sequence[Ward]) -> None:
    """Each ward's 2016 and 2017 targets, as the demo sets them (`_seed_targets`)."""
    city = User.objects.filter(username="thanhpho").first()
    if city is None:
        return
    cases = getattr(ctx, "expected_cases", [])
    demo_programs._seed_targets(wards, cases, city, seed=ctx.seed)
