"""The reports tests' shared history (tests/reports/history.py), written once for a module."""

from __future__ import annotations

from typing import Any

import pytest

from tests.reports.history import History, kept_history, reread


@pytest.fixture(scope="module")
def _history(module_db: None, django_db_blocker: Any) -> History:
    # Written once for the module (`module_db`): each test runs in a savepoint rolled back to it.
    with django_db_blocker.unblock():
        return kept_history()


@pytest.fixture
def history(_history: History, db: None) -> History:
    """The hand-worked history, read again in the test's own savepoint. A module whose tests
    write a history of their own for each test defines its own `history`."""
    return reread(_history)
