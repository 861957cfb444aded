"""Stored figures (reports.figures): a report is computed once per figures version and served
from storage until a write to a table it reads; never across scopes; never for users whose
scope is more than whole wards. PostgreSQL only (the triggers); on SQLite nothing is stored."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from households.models import Household, Member, User, Ward
from programs.models import WardTarget
from programs.scope import scope_for
from reports import figures, selectors
from reports.models import FiguresChange, FiguresSnapshot
from tests.factories import make_member, run_job_worker
from tests.reports.history import History

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="figures are stored on PostgreSQL only"
)


def _city_figures(data: selectors.ReportData, ward: Ward) -> tuple[Any, ...]:
    row = data.results.row(ward)
    return row.value("poor"), row.value("near_poor"), row.value("poor_persons")


@postgres_only
def test_every_table_the_reports_read_has_its_triggers() -> None:
    tables = {
        model._meta.db_table
        for app in ("households", "programs")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if not model._meta.db_table.startswith(f"{app}_historical")
        and not model._meta.db_table.startswith("households_user_")
    }
    assert tables == set(figures.WATCHED_TABLES), "watch the new table (and add its triggers)"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'reports_figures_%%'"
        )
        found = set(cursor.fetchall())
    for table in tables:
        assert (table, "reports_figures_changed") in found
        assert (table, "reports_figures_truncated") in found


@postgres_only
def test_each_write_statement_moves_the_version_and_pruning_keeps_it(
    history: History,
) -> None:
    before = figures.version()
    assert before is not None
    Household.objects.filter(code="nobody").update(phone="0")  # no row: still a write
    Household.objects.filter(pk=history.households["A"].pk).update(phone="0903")
    assert figures.version() == before + 2
    Household.objects.filter(pk=history.households["A"].pk).first()  # a read: no change
    assert figures.version() == before + 2

    old = timezone.now() - figures.PRUNE_AFTER - datetime.timedelta(minutes=1)
    FiguresChange.objects.bulk_create(
        [FiguresChange(at=old) for _ in range(figures.PRUNE_ABOVE + 1)]
    )
    grown = figures.version()
    assert grown == before + 2 + figures.PRUNE_ABOVE + 1
    figures.prune()
    assert figures.version() == grown
    assert FiguresChange.objects.count() <= figures.PRUNE_ABOVE


@postgres_only
def test_a_stored_report_is_served_until_the_data_changes(
    history: History, city_reviewer: User, duc_thang: Ward
) -> None:
    first = figures.report(scope=scope_for(city_reviewer), year=2017)
    assert FiguresSnapshot.objects.count() == 1
    with CaptureQueriesContext(connection) as served:
        again = figures.report(scope=scope_for(city_reviewer), year=2017)
    assert len(served.captured_queries) == 1  # the version and the stored report
    assert _city_figures(again, duc_thang) == _city_figures(first, duc_thang) == (2, 3, 6)

    # A member added to poor household B (2 persons): the next report counts 7 poor persons.
    make_member(
        history.households["B"],
        full_name="Cháu mới",
        birth_year=2015,
        relation=Member.Relation.GRANDCHILD,
    )
    live = selectors.report_data(scope=scope_for(city_reviewer), year=2017)
    stored = figures.report(scope=scope_for(city_reviewer), year=2017)
    assert _city_figures(stored, duc_thang) == _city_figures(live, duc_thang) == (2, 3, 7)


@postgres_only
def test_a_target_entered_is_read_by_the_next_report(
    history: History, city_reviewer: User, duc_thang: Ward
) -> None:
    before = (
        figures.report(scope=scope_for(city_reviewer), year=2017)
        .results.row(duc_thang)
        .value("total")
    )
    WardTarget.objects.filter(ward=duc_thang, year=2017).update(total_households=400)
    after = (
        figures.report(scope=scope_for(city_reviewer), year=2017)
        .results.row(duc_thang)
        .value("total")
    )
    assert (before, after) == (300, 400)


@postgres_only
def test_stored_results_never_cross_scopes(
    history: History,
    city_reviewer: User,
    ducthang_officer: User,
    duc_thang: Ward,
    tien_loi: Ward,
) -> None:
    city_view = figures.report(scope=scope_for(city_reviewer), year=2017, ward=tien_loi)
    assert city_view.ward == tien_loi
    # The city's stored report of Tiến Lợi is not the officer of Đức Thắng's to read.
    with pytest.raises(Ward.DoesNotExist):
        figures.report(scope=scope_for(ducthang_officer), year=2017, ward=tien_loi)
    own = figures.report(scope=scope_for(ducthang_officer), year=2017)
    assert [w.pk for w in own.wards] == [duc_thang.pk]
    keys = set(FiguresSnapshot.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert any(key.split(":")[5] == str(duc_thang.pk) for key in keys)


@postgres_only
def test_committee_members_and_agencies_are_always_computed(
    history: History, committee_member: User, agency_user: User
) -> None:
    assert scope_for(committee_member).key is None
    assert scope_for(agency_user).key is None
    figures.worklist_count(scope=scope_for(agency_user), key="bhyt", year=2017)
    assert not FiguresSnapshot.objects.exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite only")
def test_on_sqlite_nothing_is_stored(history: History, city_reviewer: User) -> None:
    assert figures.version() is None
    figures.report(scope=scope_for(city_reviewer), year=2017)
    assert not FiguresSnapshot.objects.exists()


# --- the dashboard after a write: the figures of before it, while the worker computes -------


def _add_grandchild(history: History, name: str = "Cháu mới") -> None:
    # Poor household B (2 persons) gets one more: 6 poor persons in Đức Thắng become 7.
    make_member(
        history.households["B"],
        full_name=name,
        birth_year=2015,
        relation=Member.Relation.GRANDCHILD,
    )


@postgres_only
def test_after_a_write_the_previous_figures_are_served_and_one_refresh_is_asked(
    history: History,
    city_reviewer: User,
    duc_thang: Ward,
    settings: Any,
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    first = figures.report_or_previous(
        user=city_reviewer, scope=scope_for(city_reviewer), year=2017
    )
    assert first.stale_since is None  # nothing stored yet: computed by the request
    assert _city_figures(first.value, duc_thang) == (2, 3, 6)
    computed_at = FiguresSnapshot.objects.get().computed_at

    _add_grandchild(history)
    with CaptureQueriesContext(connection) as served:
        stale = figures.report_or_previous(
            user=city_reviewer, scope=scope_for(city_reviewer), year=2017
        )
    # The lookup, the refresh asked, the task queued: no counting.
    assert len(served.captured_queries) <= 4
    assert stale.stale_since == computed_at
    assert _city_figures(stale.value, duc_thang) == (2, 3, 6)
    again = figures.report_or_previous(
        user=city_reviewer, scope=scope_for(city_reviewer), year=2017
    )
    assert again.stale_since == computed_at
    task = DBTaskResult.objects.get()  # asked once, not once per request
    assert task.task_path == "reports.tasks.refresh_report"
    # What is printed or exported never reads the previous figures.
    current = figures.report(scope=scope_for(city_reviewer), year=2017)
    assert _city_figures(current, duc_thang) == (2, 3, 7)

    _add_grandchild(history, "Cháu thứ hai")  # a further write: the refresh asked stands
    run_job_worker()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    fresh = figures.report_or_previous(
        user=city_reviewer, scope=scope_for(city_reviewer), year=2017
    )
    assert fresh.stale_since is None
    assert _city_figures(fresh.value, duc_thang) == (2, 3, 8)
    assert FiguresSnapshot.objects.get().refresh_asked_at is None


@postgres_only
def test_a_refresh_no_worker_answered_is_computed_by_the_next_request(
    history: History, city_reviewer: User, duc_thang: Ward, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    figures.report_or_previous(user=city_reviewer, scope=scope_for(city_reviewer), year=2017)
    _add_grandchild(history)
    assert (
        figures.report_or_previous(
            user=city_reviewer, scope=scope_for(city_reviewer), year=2017
        ).stale_since
        is not None
    )
    long_ago = timezone.now() - figures.REFRESH_GRACE - datetime.timedelta(seconds=1)
    FiguresSnapshot.objects.update(refresh_asked_at=long_ago)

    served = figures.report_or_previous(
        user=city_reviewer, scope=scope_for(city_reviewer), year=2017
    )
    assert served.stale_since is None
    assert _city_figures(served.value, duc_thang) == (2, 3, 7)


@postgres_only
def test_a_refresh_for_a_user_since_deactivated_stores_nothing(
    history: History, city_reviewer: User, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    figures.report_or_previous(user=city_reviewer, scope=scope_for(city_reviewer), year=2017)
    _add_grandchild(history)
    figures.report_or_previous(user=city_reviewer, scope=scope_for(city_reviewer), year=2017)
    stale_version = FiguresSnapshot.objects.get().version
    User.objects.filter(pk=city_reviewer.pk).update(is_active=False)
    run_job_worker()
    assert FiguresSnapshot.objects.get().version == stale_version


@postgres_only
def test_the_dashboard_says_its_figures_predate_the_latest_changes(
    history: History,
    city_reviewer: User,
    settings: Any,
) -> None:
    from django.test import Client
    from django.urls import reverse

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = Client()
    client.force_login(city_reviewer)
    url = reverse("reports:dashboard") + "?year=2017"
    page = client.get(url).content.decode()
    assert 'data-testid="figures-stale"' not in page

    _add_grandchild(history)
    page = client.get(url).content.decode()
    assert 'data-testid="figures-stale"' in page
    computed_at = timezone.localtime(FiguresSnapshot.objects.get().computed_at)
    assert f"Số liệu này được tính lúc {computed_at:%H:%M %d/%m/%Y}" in page
    assert "Tải lại trang" in page

    run_job_worker()
    page = client.get(url).content.decode()
    assert 'data-testid="figures-stale"' not in page
