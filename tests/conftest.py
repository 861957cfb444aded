"""Personas shared by every test (STYLE.md §11).

- ducthang_officer: officer of Đức Thắng ward (urban lines);
- tienloi_officer: officer of Tiến Lợi commune (rural lines) — "should have no access" to
  Đức Thắng's households;
- city_reviewer: the city Labour department (Phòng LĐ-TB&XH), every ward;
- agency_user: a partner-agency user;
- committee_member: a Steering Committee member (no assignments yet: sees no household);
- the anonymous visitor is pytest-django's `client`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from django.db.backends.base.creation import BaseDatabaseCreation
from django.test.utils import override_settings
from django.utils import translation

from households import standards, units
from households.models import User, Ward
from programs import reference
from tests import restore
from tests.factories import PASSWORD, make_user, persona

# How the tests are ordered and handed to the workers, and the data put back between files.
pytest_plugins = ["tests.scheduling"]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> object:
    # The default PBKDF2 hasher takes a good part of a second per persona; tests only need a
    # hash that checks. Session-wide, so data seeded once per module (`module_db`) have it too.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def _quick_serialized_rollback() -> Iterator[None]:
    # A `serialized_rollback` test puts the initial rows back a table at a time, not a row at a
    # time (tests/restore.py): the same rows and signals, a fraction of the set-up.
    with mock.patch.object(
        BaseDatabaseCreation, "deserialize_db_from_string", restore.deserialize_db_from_string
    ):
        yield


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The tests on data kept for their module (`module_db`) run after the module's other tests,
    # so those others never see them, whatever order they are written in. Before pytest-django
    # puts transactional tests last (a stable sort: this order stays within each kind).
    run = 0
    runs: dict[int, int] = {}
    for i, item in enumerate(items):
        if i and item.module is not items[i - 1].module:
            run += 1
        runs[id(item)] = run
    items.sort(key=lambda item: (runs[id(item)], "module_db" in item.fixturenames))


@pytest.fixture(scope="module")
def module_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """A transaction open for the whole module: data a module-scoped fixture writes in it
    (the demo data set, seeded in minutes, not seconds) are built once, each test that asks
    for them runs in a savepoint rolled back to them, and they are rolled back at the end of
    the module. Not for `transaction=True` tests, which empty the database."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _vietnamese() -> object:
    # The app's default language: tests read the messages an officer reads.
    with translation.override("vi"):
        yield


@pytest.fixture(autouse=True)
def _activity_clock(settings: Any) -> None:
    # A page writes the session's last-activity time when the last write is a minute old
    # (giamngheo.middleware): on a busy machine a test's set-up between signing in and the
    # page it counts queries of can take longer, and the count would gain the session write.
    # Ten minutes here; tests/test_security.py's idle clocks are set 29 and 31 minutes back.
    settings.SESSION_ACTIVITY_RESOLUTION_SECONDS = 600


_standards_read_at: list[int] = []


@pytest.fixture(autouse=True)
def _poverty_standards(request: pytest.FixtureRequest) -> None:
    # The engine reads the poverty standards from the database once per process, as a server
    # does on its first request (households.standards). A test with the database reads them
    # before it starts, so no query count includes them, and again after a test changed them
    # (its rows are rolled back; the cache would keep them).
    if request.node.get_closest_marker("django_db") is None:
        uses = [name for name in ("transactional_db", "db") if name in request.fixturenames]
        if not uses:
            return
        request.getfixturevalue(uses[0])
    if standards.changes not in _standards_read_at or not standards.is_loaded():
        standards.clear_cache()
        standards.registry()
        standards.phieu_tables()
        _standards_read_at[:] = [standards.changes]


@pytest.fixture(autouse=True)
def _unit_successions(request: pytest.FixtureRequest) -> Iterator[None]:
    # `households.units` keeps the successions of units in memory, as a server does from its
    # first request: each database test reads its database's before it starts (a test's own
    # mergers are rolled back with it), so no query count includes them.
    units.forget()
    if request.node.get_closest_marker("django_db") is None:
        uses = [name for name in ("transactional_db", "db") if name in request.fixturenames]
        if not uses:
            yield
            return
        request.getfixturevalue(uses[0])
    units.successions()
    yield
    units.forget()


@pytest.fixture(autouse=True)
def _programme_reference() -> Iterator[None]:
    # `programs.reference` keeps the programmes and rounds per process while their version
    # stays the same: each test starts without them, so its first page reads them (a query
    # count is the same whichever test ran before).
    reference.forget()
    yield
    reference.forget()


@pytest.fixture
def duc_thang(db: None) -> Ward:
    return Ward.objects.get(code="duc-thang")


@pytest.fixture
def tien_loi(db: None) -> Ward:
    return Ward.objects.get(code="tien-loi")


@pytest.fixture
def ducthang_officer(db: None) -> User:
    return persona("ducthang_officer")


@pytest.fixture
def tienloi_officer(db: None) -> User:
    return persona("tienloi_officer")


@pytest.fixture
def city_reviewer(db: None) -> User:
    return persona("city_reviewer")


@pytest.fixture
def agency_user(db: None) -> User:
    return persona("agency_user")


@pytest.fixture
def committee_member(db: None) -> User:
    return persona("committee_member")


@pytest.fixture
def administrator(db: None) -> User:
    return make_user("root", role=User.Role.ADMIN, is_superuser=True, is_staff=True)


@pytest.fixture
def password() -> str:
    return PASSWORD
