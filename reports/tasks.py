"""The dashboard's figures computed outside the request (`reports.figures.report_or_previous`):
after a write, the page answers with the figures of before it and this task, run by the job
worker (`manage.py db_worker`), computes and stores the current ones."""

from __future__ import annotations

import datetime

from django.utils import translation
from django_tasks import task


@task()
def refresh_report(
    *,
    user_id: int,
    year: int,
    ward_id: int | None,
    period: str,
    report_date: str | None,
    language: str,
) -> None:
    from households.models import User, Ward
    from programs.scope import scope_for
    from reports import figures

    # Whoever asked, as they are now: a user deactivated or moved since sees nothing stored
    # for the scope they had (`Scope.key` keys by the scope of now).
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    scope = scope_for(user)
    ward = Ward.objects.within(scope).filter(pk=ward_id).first() if ward_id else None
    if ward_id and ward is None:
        return
    day = datetime.date.fromisoformat(report_date) if report_date else None
    with translation.override(language):
        figures.report(scope=scope, year=year, ward=ward, period=period, report_date=day)
