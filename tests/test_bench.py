"""The benchmark suite (bench/, issue 11) runs here at a tiny size so it cannot rot: every
measure runs as a user would and the report keeps its shape. No timing is checked: the targets
are judged by `python bench/run.py` on a database of the issue's size, never by a timed test.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands

from bench import core, measures, run
from households.models import Household, User
from jobs.models import Job
from tests.factories import make_household, make_member, make_user

# transaction=True: the heavy measures roll their own transactions back (the import) and the
# gunicorn measure's workers read the database from other processes, so the data is committed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

MEASURE_KEYS = {
    "name",
    "title",
    "median_ms",
    "p95_ms",
    "queries",
    "peak_mb",
    "baseline",
    "baseline_median_ms",
    "ratio",
    "target",
    "target_limits",
    "pass",
    "failed_checks",
    "extra",
    "error",
}
MACHINE_KEYS = {
    "cpu_count",
    "cpu_model",
    "ram_gb",
    "database",
    "date",
    "git_commit",
    "households",
}


def _tiny_data() -> None:
    """A few dozen households with both periodic reviews recognised and the demo logins."""
    out = io.StringIO()
    if "generate_synthetic" in get_commands():
        call_command(
            "generate_synthetic", households=40, seed=2017, force=True, stdout=out, stderr=out
        )
    else:
        call_command("seed_demo", households=40, force=True, stdout=out, stderr=out)


def _options(tmp_path: Path, names: list[str]) -> Any:
    return run.parse(
        [
            "--repeat",
            "1",
            "--no-heavy-warm-up",
            "--import-rows",
            "24",
            "--list-pdf-households",
            "8",
            "--load-seconds",
            "2",
            "--json",
            str(tmp_path / "results.json"),
            "--only",
            *names,
        ]
    )


def _check_shape(report: dict[str, Any], tmp_path: Path, names: list[str]) -> None:
    written = json.loads((tmp_path / "results.json").read_text())
    assert written == json.loads(json.dumps(report, default=str))
    assert written["machine"].keys() >= MACHINE_KEYS
    assert written["machine"]["households"] == Household.objects.count()
    assert [m["name"] for m in written["measures"]] == names
    for measure in written["measures"]:
        assert measure.keys() >= MEASURE_KEYS, measure["name"]
        assert measure["error"] == "", (measure["name"], measure["error"])
        assert measure["median_ms"] is not None, measure["name"]
        assert measure["baseline"], measure["name"]
        assert measure["baseline_median_ms"] is not None, measure["name"]
        assert measure["pass"] in (True, False), measure["name"]
        assert measure["target"], measure["name"]


def test_every_measure_runs_and_reports_its_figures(tmp_path: Path, settings: Any) -> None:
    # The whole city's export goes to a background job, as at full size: bench follows it.
    settings.JOBS_XLSX_MIN_HOUSEHOLDS = 10
    settings.JOBS_DIR = tmp_path / "jobs"
    _tiny_data()
    households_before = Household.objects.count()
    names = [m.name for m in measures.selected(None) if not m.needs_postgres_server]
    # In this process (the test's data is in its database only), Python's client for load;
    # without tracemalloc, which made the heavy measures several times slower (its peak is
    # checked below). The year-end PDF of one ward: the city's is read by
    # tests/reports/test_periodic_pdf.py through the same view.
    ward = User.objects.select_related("ward").get(username="ducthang").ward
    assert ward is not None
    report = run.run(
        _options(tmp_path, names), isolate=False, trace_memory=False, year_end_unit=ward.code
    )
    _check_shape(report, tmp_path, names)
    assert run.markdown(report).count("\n| `") == len(names)
    by_name = {m["name"]: m for m in report["measures"]}
    # Every worklist is measured, the overdue-loans list (issue 13) among them.
    assert "worklist_vay_qua_han" in by_name
    assert by_name["household_page"]["extra"]["queries_small"] is not None
    assert by_name["import_households"]["extra"]["rows"] == 24
    assert by_name["import_households"]["extra"]["rows_per_s"] > 0
    assert by_name["export_households"]["extra"]["rows"] > 0
    assert by_name["export_households"]["extra"]["via"].startswith("background job")
    assert by_name["pdf_household_list"]["extra"]["pages"] >= 1
    assert by_name["pdf_year_end_city"]["extra"]["url"].endswith(f"&unit={ward.code}")
    assert by_name["pdf_year_end_city"]["extra"]["bytes"] > 0
    # Writing measures leave the database as they found it; so do signing in and the job.
    assert Household.objects.count() == households_before
    assert not Job.objects.exists()
    assert not list(settings.JOBS_DIR.iterdir())


@pytest.mark.django_db
def test_traced_peak_is_the_python_allocations_of_the_block() -> None:
    # What the heavy measures report as their peak when run in process with tracing on.
    with core.traced_peak() as peak:
        block = bytearray(8 * 1024 * 1024)
        del block
    assert 8 <= peak["peak_mb"] < 64


@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="gunicorn's workers are other processes: they cannot see the SQLite test database "
    "(in memory), only a PostgreSQL one",
)
def test_household_page_under_gunicorn(tmp_path: Path, duc_thang: Any) -> None:
    make_user("thanhpho", role=User.Role.CITY_REVIEWER)
    make_user("ducthang", role=User.Role.WARD_OFFICER, ward=duc_thang)
    household = make_household()
    make_member(household)
    names = ["household_page_gunicorn"]
    report = run.run(_options(tmp_path, names), isolate=False, load_generator="python")
    _check_shape(report, tmp_path, names)
    figures = report["measures"][0]["extra"]
    assert figures["requests_per_s"] > 0
    assert figures["errors"] == 0
    assert figures["baseline_requests_per_s"] > 0
    # gunicorn.conf.py's threads, reported with the figure (synchronous workers by default).
    assert figures["threads"] == int(os.environ.get("GUNICORN_THREADS", 1))
