"""Writing the demo set: users, review rounds, then the planned households, all through
`households.services`, so every record is validated and classified as an officer's would be.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from demo.adhoc import seed_adhoc
from demo.data import (
    EXPECTED,
    LATER_YEARS,
    ROUND_YEARS,
    STANDARD_CODE,
    password_hash,
)
from demo.later import seed_later_years
from demo.people import name_parts
from demo.plan import plan_households
from demo.programs import record_programmes_history, seed_programmes
from demo.review import seed_review
from giamngheo.history import without_history
from households import services
from households.classification import standard_for_date
from households.codes import ward_prefixes
from households.ethnicities import Ethnicity
from households.models import (
    Assessment,
    Household,
    Member,
    PovertyCause,
    ReviewRound,
    SupportNeed,
    User,
    Ward,
)

# --- Entry point ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedResult:
    """What one call of `seed_demo` created (zeros for what already existed)."""

    households: int
    members: int
    assessments: int
    users: int
    review_rounds: int
    created: bool


Progress = Callable[[str, int, int], None]
"""Called with (phase, done, total) as the seeding goes: "households" counts the households
written; the other phases ("plan", "review", "programmes", "history") report 0/1 when they
start and 1/1 when they end."""

# Households written between two progress reports.
PROGRESS_EVERY = 50
# The demo's households and first officers are in the units of 2016–2017; the later years'
# reviews are made in the units of the 2025 merger (issue 12), which get officers of their own.
UNITS_ON = datetime.date(max(ROUND_YEARS), 12, 31)
LATER_UNITS_ON = datetime.date(max(LATER_YEARS), 12, 31)


def _no_progress(phase: str, done: int, total: int) -> None:
    pass


@transaction.atomic
def seed_demo(
    *, households: int = 3000, seed: int = 2017, progress: Progress | None = None
) -> SeedResult:
    """Load the demo users, the 2016 and 2017 periodic rounds and about `households` households,
    then their 2025 and 2026 reviews in the merged units (`demo.later`).

    Safe to run again: existing users (and their passwords) and rounds are left alone, no
    household is created once any demo household exists, and the later years are added to
    existing demo households once. `progress` hears how far it got.
    """
    if households < 1:
        raise ValueError("households must be at least 1")
    with _without_savepoints():
        return _seed(households=households, seed=seed, report=progress or _no_progress)


@contextmanager
def _without_savepoints() -> Iterator[None]:
    """The services' own atomic blocks, inside the seeding's transaction, without a savepoint
    each: two queries per service call (SAVEPOINT, RELEASE), a fifth of the seeding's. Nothing
    in the seeding goes on after an error in one of them (the seeder catches none; the one
    service that catches its own, `_insert_or_update`'s IntegrityError, only reports it), so no
    savepoint would ever be rolled back to: without them, an error leaves the transaction
    marked for rollback and the whole seeding is undone, as it was. On this thread's
    connection only, until the seeding returns."""
    features = transaction.get_connection().features
    before = vars(features).get("uses_savepoints")
    features.uses_savepoints = False
    try:
        yield
    finally:
        if before is None:
            del features.uses_savepoints  # the backend's own value again
        else:
            features.uses_savepoints = before


def _seed(*, households: int, seed: int, report: Progress) -> SeedResult:
    password = password_hash()
    wards = list(
        Ward.objects.in_force(UNITS_ON)
        .order_by("display_order", "name")
        .prefetch_related("quarters")
    )
    later_units = list(Ward.objects.in_force(LATER_UNITS_ON).order_by("display_order", "name"))
    users_created = _seed_users(wards, seed=seed, password=password)
    users_created += _seed_users(later_units, seed=seed, named=False, password=password)
    rounds, rounds_created = _seed_rounds()
    later_rounds, later_created = _seed_later_rounds()
    rounds_created += later_created
    prefixes = ward_prefixes([w.code for w in wards])
    later_officers = _officers(later_units)
    if _demo_households_exist(prefixes):
        # A demo loaded before the later years were: add them to its households.
        demo = _demo_households(prefixes)
        with without_history():
            added = seed_later_years(
                households=demo,
                rounds=later_rounds,
                officers=later_officers,
                seed=seed,
                progress=report,
            )
        if added:
            _record_history(demo, only=Assessment.objects.filter(round__in=later_rounds.values()))
            record_programmes_history(demo, since=datetime.date(min(LATER_YEARS), 1, 1))
        return SeedResult(0, 0, added, users_created, rounds_created, created=False)

    used_ids = {
        national_id
        for national_id in Member.objects.values_list("national_id", flat=True)
        if national_id
    }
    report("plan", 0, 1)
    plan = plan_households(
        wards, households=households, seed=seed, prefixes=prefixes, used_ids=used_ids
    )
    report("plan", 1, 1)
    officers = _officers(wards)
    # The audit trail is written once at the end, in bulk: recording each of the tens of
    # thousands of saves one by one would make `make run` minutes slower.
    with without_history():
        members, assessments, created = _write_plan(plan, rounds, officers, report)
        city = User.objects.get(username="thanhpho")
        report("review", 0, 1)
        seed_review(
            wards=wards,
            rounds=rounds,
            officers=officers,
            city=city,
            before_latest=lambda undecided: seed_adhoc(
                wards=undecided, officers=officers, periodic=rounds[max(rounds)]
            ),
        )
        report("review", 1, 1)
        report("programmes", 0, 1)
        seed_programmes(
            wards=wards, rounds=rounds, officers=officers, city=city, seed=seed, password=password
        )
        report("programmes", 1, 1)
        assessments += seed_later_years(
            households=Household.objects.filter(pk__in=created),
            rounds=later_rounds,
            officers=later_officers,
            seed=seed,
            progress=report,
        )
    report("history", 0, 1)
    _record_history(Household.objects.filter(pk__in=created))
    record_programmes_history(Household.objects.filter(pk__in=created))
    report("history", 1, 1)
    return SeedResult(len(plan), members, assessments, users_created, rounds_created, True)


def _write_plan(
    plan: Sequence[Any],
    rounds: Mapping[int, ReviewRound],
    officers: Mapping[int, User],
    report: Progress = _no_progress,
) -> tuple[int, int, list[int]]:
    causes = {c.code: c for c in PovertyCause.objects.all()}
    needs = {n.code: n for n in SupportNeed.objects.all()}
    members = assessments = 0
    created: list[int] = []
    report("households", 0, len(plan))
    for planned in plan:
        household = services.household_create(**planned.household_fields())
        created.append(household.pk)
        for member in planned.members:
            services.member_create(household=household, **member.fields())
        members += len(planned.members)
        for planned_assessment in planned.assessments:
            assessment = services.assessment_save(
                household=household,
                round=rounds[planned_assessment.year],
                income_per_capita=planned_assessment.income,
                deprivations=planned_assessment.deprivations,
                household_type=planned_assessment.household_type,
                causes=[causes[c] for c in planned_assessment.causes if c in causes],
                needs=[needs[n] for n in planned_assessment.needs if n in needs],
                expected_to_escape=planned_assessment.expected_to_escape,
                notes=planned_assessment.notes,
                by=officers.get(planned.ward.pk),
            )
            _check_reached(assessment, planned_assessment.target)
            assessments += 1
        if len(created) % PROGRESS_EVERY == 0 or len(created) == len(plan):
            report("households", len(created), len(plan))
    return members, assessments, created


def _record_history(
    created: QuerySet[Household], *, only: QuerySet[Assessment] | None = None
) -> None:
    """One "created" entry per demo record, by nobody (the system), in the audit trail; with
    `only`, for those assessments alone (the later years added to an existing demo)."""
    reason = "Dữ liệu mẫu"
    tables: list[tuple[Any, QuerySet[Any]]] = [
        (Household, created),
        (Member, Member.objects.filter(household__in=created)),
        (Assessment, Assessment.objects.filter(household__in=created)),
    ]
    if only is not None:
        tables = [(Assessment, only.filter(household__in=created))]
    for model, rows in tables:
        model.history.bulk_history_create(list(rows), batch_size=1000, default_change_reason=reason)


def _check_reached(assessment: Assessment, target: str) -> None:
    # A mismatch is a generator bug, never bad input: stop rather than store a wrong story.
    reached = (assessment.status, assessment.poor_group)
    if reached != EXPECTED[target]:
        raise RuntimeError(
            f"Demo household {assessment.household.code} aimed at {target} in "
            f"{assessment.round.year} but the engine gave {reached}."
        )


# --- Users and rounds ----------------------------------------------------------------------


def _officer_username(ward: Ward) -> str:
    return ward.code.replace("-", "")


def _officers(wards: Sequence[Ward]) -> dict[int, User]:
    return {
        u.ward_id: u
        for u in User.objects.filter(
            role=User.Role.WARD_OFFICER, username__in=[_officer_username(w) for w in wards]
        )
        if u.ward_id is not None  # always, for an officer (ward_officer_has_ward)
    }


def _seed_users(
    wards: Sequence[Ward],
    *,
    seed: int,
    password: Callable[[], str] | None = None,
    named: bool = True,
) -> int:
    """The admin and the city's user (`named`) and one officer per unit of `wards`, with the
    demo password (`password`: a seeding's `password_hash()`, one hash for all its users)."""
    rng = random.Random(f"{seed}:users" if named else f"{seed}:users:later")
    specs: list[dict[str, Any]] = [
        {
            "username": "admin",
            "role": User.Role.ADMIN,
            "is_superuser": True,
            # The only demo user of the admin: officers and the city work in the workspace.
            "is_staff": True,
            "last_name": "Nguyễn",
            "first_name": "Văn Quản",
        },
        {
            "username": "thanhpho",
            "role": User.Role.CITY_REVIEWER,
            "last_name": "Trần",
            "first_name": "Thị Thu Hà",
        },
    ]
    if not named:
        specs = []
    for ward in wards:
        sex = rng.choice([Member.Sex.MALE, Member.Sex.FEMALE])
        family, middle, given = name_parts(rng, sex, Ethnicity.KINH, birth_year=1980)
        specs.append(
            {
                "username": _officer_username(ward),
                "role": User.Role.WARD_OFFICER,
                "ward": ward,
                "last_name": family,
                "first_name": f"{middle} {given}",
            }
        )
    existing = set(
        User.objects.filter(username__in=[s["username"] for s in specs]).values_list(
            "username", flat=True
        )
    )
    missing = [s for s in specs if s["username"] not in existing]
    if not missing:
        return 0
    password = password or password_hash()
    for spec in missing:
        services.user_create(**spec, password_hash=password())
    return len(missing)


def _seed_rounds() -> tuple[dict[int, ReviewRound], int]:
    rounds: dict[int, ReviewRound] = {}
    created = 0
    for year in ROUND_YEARS:
        existing = ReviewRound.objects.filter(year=year, kind=ReviewRound.Kind.PERIODIC).first()
        if existing is not None:
            rounds[year] = existing
            continue
        rounds[year] = services.review_round_create(
            year=year,
            kind=ReviewRound.Kind.PERIODIC,
            name=f"Rà soát định kỳ năm {year}",
            standard=STANDARD_CODE,
            reference_date=datetime.date(year, 9, 1),
            starts_on=datetime.date(year, 9, 1),
            ends_on=datetime.date(year, 12, 31),
        )
        created += 1
    # Ad-hoc reviews (Circular 17 Art. 4) of the latest year: households asking to be added
    # or to be recognised as having escaped, and corrections.
    year = max(ROUND_YEARS)
    if not ReviewRound.objects.filter(year=year, kind=ReviewRound.Kind.AD_HOC).exists():
        services.review_round_create(
            year=year,
            kind=ReviewRound.Kind.AD_HOC,
            name=f"Rà soát thường xuyên năm {year}",
            standard=STANDARD_CODE,
            reference_date=datetime.date(year, 1, 1),
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year, 12, 31),
        )
        created += 1
    return rounds, created


def _seed_later_rounds() -> tuple[dict[int, ReviewRound], int]:
    """The periodic rounds of the later years, each under the standard in force in its year
    (the 2022–2025 one for 2025; 2026's own code, the same lines, for 2026)."""
    rounds: dict[int, ReviewRound] = {}
    created = 0
    for year in LATER_YEARS:
        existing = ReviewRound.objects.filter(year=year, kind=ReviewRound.Kind.PERIODIC).first()
        if existing is not None:
            rounds[year] = existing
            continue
        start = datetime.date(year, 9, 1)
        rounds[year] = services.review_round_create(
            year=year,
            kind=ReviewRound.Kind.PERIODIC,
            name=f"Rà soát định kỳ năm {year}",
            standard=standard_for_date(start).code,
            reference_date=start,
            starts_on=start,
            ends_on=datetime.date(year, 12, 31),
        )
        created += 1
    return rounds, created


def _demo_households(prefixes: Mapping[str, str]) -> QuerySet[Household]:
    condition = Q()
    for code, prefix in prefixes.items():
        condition |= Q(ward__code=code, code__startswith=f"{prefix}-")
    return Household.objects.filter(condition) if prefixes else Household.objects.none()


def _demo_households_exist(prefixes: Mapping[str, str]) -> bool:
    return _demo_households(prefixes).exists()
