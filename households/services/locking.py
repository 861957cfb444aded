"""Optimistic locking: a form carries the version it was opened at; a stale save is refused.

Two officers may open the same household; the first save wins and bumps the version, the second
is refused with `StaleEditError` (a ValidationError, so forms show it) and its form is shown
again with what was typed, so nothing is lost on either side.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


class StaleEditError(ValidationError):
    """Someone saved the record after this form was opened."""


def check_and_bump_version(instance: Any, expected_version: int | None) -> None:
    """Lock the row, compare its version with `expected_version`, and bump it on `instance`.

    New records and callers that pass `expected_version=None` (imports, commands) skip the
    comparison but still bump, so open forms become stale.
    """
    if instance.pk is None:
        return
    current = (
        type(instance)
        ._default_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current is None:
        raise StaleEditError(_("This record was deleted by someone else while you were editing."))
    if expected_version is not None and current != expected_version:
        raise StaleEditError(_stale_message(instance))
    instance.version = current + 1


def _stale_message(instance: Any) -> str:
    last = instance.history.select_related("history_user").first()
    if last is None:
        return _("Someone else saved this record after you opened it. Your changes were not saved.")
    user = last.history_user
    who = (user.get_full_name() or user.username) if user else ""
    when = date_format(timezone.localtime(last.history_date), "d/m/Y H:i")
    return _(
        "%(who)s saved this record at %(when)s, after you opened it. Your changes were not "
        "saved: check the latest data below, then enter your changes again."
    ) % {"who": who or _("Someone else"), "when": when}
