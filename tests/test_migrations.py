"""Every migration of the project's apps reverses: down to zero and up again, on the real
test database (SQLite or PostgreSQL), and the reference data come back as they were."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# transaction=True: schema changes cannot run inside the test's transaction. The data that the
# test database was created with (the reference data) are put back after the test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Reference data loaded by migrations, compared without primary keys (they may be renumbered).
REFERENCE_TABLES = {
    "households.District": ("code", "name", "province"),
    "households.Ward": (
        "code",
        "name",
        "name_folded",
        "kind",
        "display_order",
        "district__code",
        "valid_from",
        "valid_to",
    ),
    "households.UnitMerger": ("predecessor__code", "successor__code", "effective_from", "basis"),
    "households.Quarter": ("ward__code", "name", "kind", "display_order"),
    "households.PovertyCause": ("code", "name", "name_en", "display_order"),
    "households.SupportNeed": ("code", "name", "name_en", "display_order"),
    "programs.Agency": ("code", "name", "kind", "display_order"),
    "programs.Programme": (
        "code",
        "name",
        "agency__code",
        "eligible_statuses",
        "level",
        "unit",
        "display_order",
    ),
    "programs.ProgrammeRule": (
        "programme__code",
        "valid_from",
        "eligible_statuses",
        "min_age",
        "max_age",
        "pupils_only",
        "amount",
    ),
}


def project_apps() -> list[str]:
    """Labels of the apps of this project (not of third-party packages) that have migrations."""
    base = Path(settings.BASE_DIR).resolve()
    loader = MigrationExecutor(connection).loader
    return sorted(
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
        and not Path(config.path).resolve().is_relative_to(base / ".venv")
        and config.label in loader.migrated_apps
    )


def applied(labels: list[str]) -> set[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return {key for key in executor.loader.applied_migrations if key[0] in labels}


def reference_digest() -> dict[str, str]:
    digests = {}
    for label, fields in REFERENCE_TABLES.items():
        rows = apps.get_model(label).objects.order_by(*fields).values_list(*fields)
        text = json.dumps([list(row) for row in rows], default=str, ensure_ascii=False)
        digests[label] = hashlib.sha256(text.encode()).hexdigest()
    return digests


def project_tables(labels: list[str]) -> list[str]:
    prefixes = tuple(f"{label}_" for label in labels)
    return [name for name in connection.introspection.table_names() if name.startswith(prefixes)]


@pytest.fixture
def restores_schema() -> Iterator[None]:
    # Whatever happens in the test, the rest of the suite gets the full schema back.
    yield
    call_command("migrate", verbosity=0)
    ContentType.objects.clear_cache()


def test_project_apps_are_found() -> None:
    assert {"households", "programs"} <= set(project_apps())


def test_every_app_migrates_to_zero_and_back(restores_schema: None) -> None:
    # One forward migration from an empty schema serves both reverse checks (it is most of this
    # file's time): first the failing case, `migrate households zero` alone, which takes
    # the apps depending on households down with it; then every other app to zero, dependants
    # first. Every migration of every project app is reversed once, by the command an operator
    # runs.
    labels = project_apps()
    before = reference_digest()
    latest = applied(labels)
    assert latest

    call_command("migrate", "households", "zero", verbosity=0)
    assert applied(["households", "programs"]) == set()

    # Dependants first: households 0004 depends on programs 0001, so `programs zero` takes the
    # later households migrations down with it; each app's own reverse steps all run.
    for label in reversed(labels):
        call_command("migrate", label, "zero", verbosity=0)
    assert applied(labels) == set()
    assert project_tables(labels) == []

    call_command("migrate", verbosity=0)
    assert applied(labels) == latest
    assert reference_digest() == before


def test_programs_data_migrations_reverse_one_step_at_a_time(restores_schema: None) -> None:
    before = reference_digest()
    executor = MigrationExecutor(connection)
    names = sorted(name for app, name in executor.loader.disk_migrations if app == "programs")
    # Down one migration at a time, checking each reverse step on its own.
    for name in reversed(names[:-1]):
        call_command("migrate", "programs", name, verbosity=0)
        assert ("programs", names[-1]) not in applied(["programs"])
    call_command("migrate", "programs", verbosity=0)
    assert reference_digest() == before


def test_a_loans_disbursement_date_is_filled_from_its_benefit(restores_schema: None) -> None:
    # programs 0012 copies each loan's benefit date onto the loan (and its history rows).
    import datetime

    from households.models import User, Ward
    from programs import services
    from programs.models import Loan, Programme
    from tests.factories import make_household, make_user

    officer = make_user(
        "can_bo_vay", role=User.Role.WARD_OFFICER, ward=Ward.objects.get(code="duc-thang")
    )
    lent = datetime.date(2017, 3, 31)
    loan = services.loan_record(
        programme=Programme.objects.get(code="vay-ho-ngheo"),
        household=make_household("duc-thang", code="DT-VAY"),
        date=lent,
        amount=20_000_000,
        purpose="Nuôi bò",
        term_months=24,
        override_reason="Kiểm tra di chuyển dữ liệu",
        by=officer,
    )
    call_command("migrate", "programs", "0011_loan_due_on", verbosity=0)
    call_command("migrate", "programs", "0012_loan_disbursed_on", verbosity=0)
    assert Loan.objects.get(pk=loan.pk).disbursed_on == lent
    assert {row.disbursed_on for row in Loan.history.filter(id=loan.pk)} == {lent}
