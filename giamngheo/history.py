"""The audit trail's switch, per thread or asyncio task: `without_history()`.

django-simple-history records a historical row for every save, and bulk writes through
`bulk_history_create`; before each it reads one setting, `SIMPLE_HISTORY_ENABLED`, and offers
no API to turn recording off for one piece of work (only one instance at a time, with
`skip_history_when_saving`, which does not reach the services' bulk writes). Overriding the
setting while a loader runs would stop the recording of every thread of the process, and
`override_settings` is a test tool. So the setting is `RECORDING`, whose truth is per context:
true, except inside `without_history()` in the same thread or task.

A loader of many records (the demo data, `demo.write`) writes through the services inside
`without_history()`, then writes one "created" entry per record in bulk; a request served by
another thread meanwhile still records its changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_paused: ContextVar[bool] = ContextVar("giamngheo_history_paused", default=False)


class HistorySwitch:
    """True (record history) unless the current thread or task is inside `without_history()`.

    django-simple-history only tests the setting's truth (`if not SIMPLE_HISTORY_ENABLED`)."""

    def __bool__(self) -> bool:
        return not _paused.get()

    def __repr__(self) -> str:
        return f"<HistorySwitch: {'on' if self else 'off'} in this context>"


RECORDING = HistorySwitch()


@contextmanager
def without_history() -> Iterator[None]:
    """Write no audit-trail rows in this thread or task until the block ends (whatever
    happens in it). The caller owes the trail its entries: see `demo.write._record_history`."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)
