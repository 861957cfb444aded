"""`manage.py generate_synthetic` and `demo.synthetic`, at a small size.

Runs on the default database: bulk_create on SQLite, COPY on PostgreSQL (run it once with
DATABASE_URL=postgres://… to cover that path). Speed is measured by bench/, never here.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test.utils import override_settings
from django.utils import translation

from audit.models import ViewLog
from demo.data import DEMO_PASSWORD
from households import standing
from households.classification import classify, get_standard
from households.models import (
    Assessment,
    Household,
    Member,
    RequestKind,
    ReviewEvent,
    ReviewRound,
    ReviewState,
    StandingSpan,
    User,
)
from households.models.registry import fold_name
from households.roster import derive_indicators
from households.services import roster_of
from programs.models import Benefit, Loan

pytestmark = pytest.mark.django_db

SIZE = 200
SEED = 1


@pytest.fixture(autouse=True)
def _debug(settings: Any) -> None:
    # pytest-django runs with DEBUG off; the command refuses that without --force.
    settings.DEBUG = True


@pytest.fixture(scope="module")
def generated(module_db: None, django_db_blocker: Any) -> str:
    """One generation of the default set for the tests that only read it (the command's summary
    is returned); the tests that need an empty database generate their own."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        return generate()


def generate(**options: Any) -> str:
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command(
            "generate_synthetic",
            stdout=out,
            stderr=err,
            **{"households": SIZE, "seed": SEED, "chunk_size": 80, **options},
        )
    assert "households" in err.getvalue()  # the progress bar
    return out.getvalue()


def digest() -> str:
    """Everything generated but ids and timestamps, in a stable order."""
    rows: list[object] = []
    households = Household.objects.select_related("ward", "quarter").prefetch_related(
        "members",
        "assessments__round",
        "assessments__causes",
        "assessments__needs",
        "assessments__events",
        "benefits__programme",
        "benefits__loan",
    )
    for h in households.order_by("ward__code", "code"):
        rows.append((h.ward.code, h.quarter.name, h.code, h.head_name, h.address, h.phone))
        members = sorted(h.members.all(), key=lambda m: m.pk)
        rows.extend(
            (m.full_name, m.birth_year, m.date_of_birth, m.national_id, m.health_insurance_number)
            for m in members
        )
        for a in sorted(h.assessments.all(), key=lambda a: (a.round.year, a.round.kind)):
            rows.append(
                (
                    a.round.year,
                    a.round.kind,
                    a.income_per_capita,
                    a.status,
                    a.poor_group,
                    sorted(a.deprivations),
                    sorted(c.code for c in a.causes.all()),
                    sorted(n.code for n in a.needs.all()),
                    a.notes,
                    a.state,
                    a.decision_number,
                    a.effective_from,
                    [(e.action, e.to_state, e.note) for e in a.events.all()],
                )
            )
        rows.extend(
            (
                b.programme.code,
                b.date,
                b.amount,
                b.quantity,
                b.reference,
                b.member_id and members.index(next(m for m in members if m.pk == b.member_id)),
                getattr(getattr(b, "loan", None), "outstanding", None),
            )
            for b in sorted(h.benefits.all(), key=lambda b: b.pk)
        )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_it_generates_households_reviews_and_benefits(generated: str) -> None:
    assert f"{SIZE} households" in generated
    assert Household.objects.count() == SIZE
    members = Member.objects.count()
    assert 2.5 * SIZE < members < 4.5 * SIZE
    assert Member.objects.filter(relation=Member.Relation.HEAD).count() == SIZE
    assert Household.objects.values("ward").distinct().count() == 18

    periodic = Assessment.objects.filter(round__kind=ReviewRound.Kind.PERIODIC)
    by_year = Counter(periodic.values_list("round__year", flat=True))
    assert 0.9 * SIZE < by_year[2016] < SIZE
    assert 0.9 * SIZE < by_year[2017] <= SIZE
    assert not periodic.exclude(state=ReviewState.RECOGNISED).exists()
    # The demo's proportions: about 45% poor and 40% near-poor in the first round.
    statuses = Counter(periodic.filter(round__year=2016).values_list("status", flat=True))
    assert 0.3 < statuses["poor"] / by_year[2016] < 0.6
    assert 0.25 < statuses["near_poor"] / by_year[2016] < 0.55

    adhoc = Assessment.objects.filter(round__kind=ReviewRound.Kind.AD_HOC)
    assert adhoc.filter(state=ReviewState.RECOGNISED).exists()
    assert adhoc.exclude(state=ReviewState.RECOGNISED).exists()
    assert set(adhoc.values_list("request_kind", flat=True)) <= {
        RequestKind.ESCAPE,
        RequestKind.ADDITION,
    }

    # Each recognised result has its decision, its day in effect and the five review steps.
    for a in Assessment.objects.filter(state=ReviewState.RECOGNISED).select_related("round"):
        assert a.decision_number and a.decision_date and a.decision_signer
        assert a.posted_to and a.posted_from and a.meeting_date and a.meeting_attendance
        assert a.effective_from == standing.effective_date(
            kind=a.round.kind, year=a.round.year, decision_date=a.decision_date
        )
    steps = Counter(ReviewEvent.objects.values_list("assessment_id", flat=True))
    recognised = Assessment.objects.filter(state=ReviewState.RECOGNISED).values_list(
        "pk", flat=True
    )
    assert {steps[pk] for pk in recognised} == {5}

    benefits = Benefit.objects.count()
    assert 2 * SIZE < benefits < 8 * SIZE
    loans = Loan.objects.select_related("benefit__programme")
    assert loans.exists()
    assert all(loan.benefit.programme.is_credit for loan in loans)
    assert not Benefit.objects.filter(programme__is_credit=True, loan__isnull=True).exists()

    # The stored standings were rebuilt after the load.
    assert StandingSpan.objects.values("household").distinct().count() == (
        Assessment.objects.filter(state=ReviewState.RECOGNISED)
        .values("household")
        .distinct()
        .count()
    )

    for username in ("thanhpho", "ducthang", "nhcsxh"):
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


def test_statuses_are_the_engines(generated: str) -> None:
    assessments = Assessment.objects.select_related("household__ward", "round").prefetch_related(
        "household__members"
    )
    for a in assessments:
        roster = derive_indicators(roster_of(a.household), on=a.round.reference_date)
        assert {k: getattr(a, k) for k in roster} == {k: d.deprived for k, d in roster.items()}
        result = classify(
            area=a.household.ward.area,
            income_per_capita=a.income_per_capita,
            deprivations=set(a.deprivations),
            standard=get_standard(a.round.standard),
        )
        assert a.status == result.status.value
        assert a.poor_group == (result.poor_group.value if result.poor_group else "")
        assert a.deprivation_count == result.deprivation_count
        assert a.area == result.area.value
        assert a.explanation
    for h in Household.objects.all():
        assert h.head_name_folded == fold_name(h.head_name)
    for m in Member.objects.all():
        assert m.full_name_folded == fold_name(m.full_name)


def test_same_seed_same_data_and_wipe_keeps_the_view_log() -> None:
    generate()
    first = digest()
    household = Household.objects.order_by("pk").first()
    assert household is not None
    log = ViewLog.objects.create(
        action=ViewLog.Action.HOUSEHOLD_PAGE, household=household, household_code=household.code
    )

    generate(wipe=True)
    assert Household.objects.count() == SIZE
    assert digest() == first
    log.refresh_from_db()
    assert log.household_id is None
    assert log.household_code == household.code

    generate(wipe=True, seed=SEED + 1)
    assert digest() != first


def test_it_refuses_with_debug_off_without_force(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        generate()
    assert not Household.objects.exists()


def test_it_refuses_when_households_exist_without_wipe(generated: str) -> None:
    with pytest.raises(CommandError, match="--wipe"):
        generate(households=30)
    assert Household.objects.count() == SIZE


def test_it_refuses_no_households() -> None:
    with pytest.raises(CommandError, match="at least 1"):
        generate(households=0)
