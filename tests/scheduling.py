"""How the suite's files are ordered and handed to the workers (pytest-xdist, `--dist
loadfile`: a file at a time), and the reference data put back when an ordinary file follows a
transactional one on the same worker, or when a database kept by `--reuse-db` ends a run on a
transactional test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


def _transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs `item` as a TransactionTestCase (it empties the tables after)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


_emptied: list[bool] = [False]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The files in the order they are handed to the workers (pytest-xdist, a file at a time,
    # `--no-loadscope-reorder`): first those with transactional tests (the browser, the
    # migrations, backups, the benchmark: the slowest files, which would otherwise come last
    # and leave one worker running them alone), then the others, most tests first, so the
    # last files handed out are short. Within a file the order stays as it was; an ordinary
    # file after a transactional one gets the reference data back (`pytest_runtest_setup`).
    count: dict[str, int] = {}
    transactional: set[str] = set()
    for item in items:
        count[item.path.as_posix()] = count.get(item.path.as_posix(), 0) + 1
        if _transactional(item):
            transactional.add(item.path.as_posix())
    items.sort(
        key=lambda item: (item.path.as_posix() not in transactional, -count[item.path.as_posix()])
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    # Marked before the teardown empties the tables: after the last test, the session's
    # fixtures are torn down within it (`_kept_database_left_whole`).
    if _transactional(item):
        _emptied[0] = True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # A transactional test leaves the tables empty (Django and pytest-django run them last for
    # that reason; here their files come first, and a worker takes files in any order): before
    # the next ordinary test, the reference data the migrations loaded (wards, programmes,
    # standards) are put back from the copy the test database setup kept for
    # `serialized_rollback`, before any fixture (a module's `module_db` data included).
    if _emptied[0] and not _transactional(item):
        _put_back(item.config)


@pytest.fixture(autouse=True, scope="session")
def _kept_database_left_whole(
    request: pytest.FixtureRequest, django_db_setup: None
) -> Iterator[None]:
    """With `--reuse-db` the test database outlives the run: when its last test was a
    transactional one, the reference data are put back before it is left, or the next run
    would start on empty tables ("Ward matching query does not exist")."""
    yield
    if _emptied[0] and request.config.getoption("reuse_db"):
        _put_back(request.config)


def _put_back(config: pytest.Config) -> None:
    """The initial rows, from the copy the test database setup kept for `serialized_rollback`."""
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is None:
        return
    with config.stash[blocking_manager_key].unblock():
        connection.creation.deserialize_db_from_string(contents)
    _emptied[0] = False
