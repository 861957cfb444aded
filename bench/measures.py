"""The measures of issue 11's table, each a function `(ctx) -> Result`, with its baseline.

Pages are read as a new user reads them: a `django.test.Client` through the real middleware,
signed in with `force_login` as the city reviewer (`ctx.city_user`) or the ward officer
(`ctx.ward_user`). The heavy measures (export, import, PDFs) run in a child process of their
own (`bench.child`), so the peak memory reported is theirs alone; with `ctx.isolate` off (the
test suite) they run in this process and the peak is tracemalloc's.
"""

from __future__ import annotations

import fnmatch
import io
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bench import sql
from bench.core import (
    MeasureError,
    QueryCounter,
    Result,
    Target,
    Timing,
    max_rss_mb,
    time_runs,
    traced_peak,
)
from bench.environment import PYTHON, ROOT

if TYPE_CHECKING:
    from households.models import User


@dataclass
class Context:
    """What a run asks for; JSON-serialisable, so a child process gets the same."""

    repeat: int = 5
    heavy_repeat: int = 1
    # Off: the heavy measures' first run is timed cold (quick checks, the test suite).
    heavy_warm_up: bool = True
    isolate: bool = True
    # With `isolate` off: the heavy parts' peak from tracemalloc, which makes them several times
    # slower; off, no peak (the test suite: the code measured, not its memory).
    trace_memory: bool = True
    year: int = 2017
    city_user: str = "thanhpho"
    ward_user: str = "ducthang"
    import_rows: int = 50_000
    list_pdf_households: int = 2_000
    # The year-end PDF's unit (a ward's code); empty: the city's, as the plan's target. The
    # test suite asks for one ward: the city's PDF is read by tests/reports at the same level.
    year_end_unit: str = ""
    # As many as the app's list PDF held (set by the measure for its baseline's child).
    list_pdf_baseline_rows: int = 0
    load_seconds: float = 15.0
    load_connections: int = 16
    gunicorn_workers: int = 2
    # A load generator to use instead of wrk (tests pin "python").
    load_generator: str = "auto"
    # Where the timings go when the child reports (not passed to children).
    clients: dict[str, Client] = field(default_factory=dict, repr=False)

    def for_child(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("clients")
        return data

    def client(self, username: str) -> Client:
        """A browser signed in as `username`, reused across measures."""
        if username not in self.clients:
            from households.models import User

            user = User.objects.filter(username=username).first()
            if user is None:
                raise MeasureError(
                    f"no user {username!r} in this database: seed it with seed_demo or "
                    "generate_synthetic (they create the demo logins)"
                )
            client = Client()
            client.force_login(user)
            self.clients[username] = client
        return self.clients[username]

    def sign_out(self) -> None:
        for client in self.clients.values():
            client.logout()
        self.clients.clear()


# --- the registry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    name: str
    function: Callable[[Context], Result]
    heavy: bool = False
    needs_postgres_server: bool = False


MEASURES: dict[str, Measure] = {}


def measure(
    name: str, *, heavy: bool = False, server: bool = False
) -> Callable[[Callable[[Context], Result]], Callable[[Context], Result]]:
    def register(function: Callable[[Context], Result]) -> Callable[[Context], Result]:
        MEASURES[name] = Measure(name, function, heavy, server)
        return function

    return register


def selected(patterns: list[str] | None) -> list[Measure]:
    """The measures named (exact names or shell patterns, e.g. `worklist_*`), in table order."""
    _register_worklists()
    if not patterns:
        return list(MEASURES.values())
    unknown = [p for p in patterns if not fnmatch.filter(MEASURES, p)]
    if unknown:
        raise SystemExit(f"unknown measure(s) {', '.join(unknown)}; known: {', '.join(MEASURES)}")
    return [m for name, m in MEASURES.items() if any(fnmatch.fnmatch(name, p) for p in patterns)]


def run_measure(item: Measure, ctx: Context) -> Result:
    """Run one measure; a failure is its result (with the error), never the end of the run."""
    try:
        with translation.override("vi"):
            return item.function(ctx)
    except MeasureError as error:
        result = Result(item.name, item.name, Target("see error"), error=str(error))
        result.judge()
        return result


# --- helpers -----------------------------------------------------------------------------------


def _get(client: Client, url: str, *, content_type: str = "text/html", keep: bool = False) -> Any:
    """GET `url`, check it is a 200 of `content_type`; its size (`keep`: its bytes)."""
    return _body(client.get(url), url, content_type, keep)


def _body(response: Any, url: str, content_type: str, keep: bool) -> Any:
    if response.status_code != 200:
        where = response.get("Location", "")
        raise MeasureError(
            f"GET {url} answered {response.status_code}" + (f" → {where}" if where else "")
        )
    if not response.get("Content-Type", "").startswith(content_type):
        raise MeasureError(f"GET {url} answered {response.get('Content-Type')}, not {content_type}")
    if keep:
        content = b"".join(response.streaming_content) if response.streaming else response.content
    elif response.streaming:
        content = sum(len(chunk) for chunk in response.streaming_content)
    else:
        content = len(response.content)
    response.close()
    return content


JOB_PATH = re.compile(r"/jobs/(?P<pk>[0-9a-f-]{36})/$")


def _fetch_file(
    client: Client, url: str, *, content_type: str, extra: dict[str, Any], keep: bool = False
) -> Any:
    """The file `url` gives, as the user gets it: straight from the response, or — when the
    view hands the work to a background job (issue 11 §4) and redirects to its page — by
    running that job here as the worker would (`jobs.services.job_run`), then downloading it.
    The job, its file and its task are removed afterwards. Returns the file's size (`keep`:
    its bytes)."""
    response = client.get(url)
    location = response.get("Location", "") if response.status_code == 302 else ""
    match = JOB_PATH.search(location.split("?")[0])
    if match is None:
        return _body(response, url, content_type, keep)
    from jobs import services as job_services
    from jobs.models import Job

    pk = match.group("pk")
    extra["via"] = "background job, run in the measuring process as the worker would"
    try:
        job_services.job_run(job_id=pk)
        job = Job.objects.get(pk=pk)
        if job.status != Job.Status.DONE:
            raise MeasureError(f"the job of {url} ended {job.status}: {job.message}")
        download = reverse("jobs:download", args=[pk])
        return _get(client, download, content_type=content_type, keep=keep)
    finally:
        _remove_job(pk)


def _remove_job(pk: str) -> None:
    from jobs import storage
    from jobs.models import Job

    job = Job.objects.filter(pk=pk).first()
    if job is None:
        return
    path = storage.result_path(job.file) if job.file else None
    if path is not None:
        path.unlink(missing_ok=True)
    if job.task_id:
        try:
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.filter(pk=job.task_id).delete()
        except (ImportError, ValueError):
            pass
    job.delete()


def _page(ctx: Context, username: str, url: str) -> Callable[[], Any]:
    """A request for the HTML page `url`, signed in as `username`."""
    client = ctx.client(username)
    return lambda: _get(client, url)


def _user(username: str) -> User:
    from households.models import User

    user = User.objects.select_related("ward").filter(username=username).first()
    if user is None:
        raise MeasureError(f"no user {username!r} in this database")
    return user


def _year(ctx: Context, result: Result) -> int:
    """The year asked for if it has a periodic review, else the latest (said in the result)."""
    from reports import selectors

    years = selectors.available_years()
    if not years:
        raise MeasureError("no periodic review round in this database")
    if ctx.year in years:
        return ctx.year
    result.extra["note"] = f"no {ctx.year} review here: measured {years[0]}"
    return years[0]


def _default_round(username: str) -> Any:
    from households import selectors
    from programs.scope import scope_for

    scope = scope_for(_user(username))
    return selectors.default_review_round(selectors.review_rounds_for_list(scope))


def _trivial_page(ctx: Context, username: str) -> Timing:
    """The floor of a signed-in page: the password form (middleware, session, base template)."""
    return time_runs(_page(ctx, username, reverse("password_change")), repeat=ctx.repeat)


# --- dashboards --------------------------------------------------------------------------------

DASHBOARD_TARGET = Target("≤ 500 ms and ≤ 3× raw SQL", max_ms=500, max_ratio=3)
PAGE_300 = Target("≤ 300 ms", max_ms=300)


@measure("dashboard_city")
def dashboard_city(ctx: Context) -> Result:
    from households import standing

    result = Result("dashboard_city", "city dashboard /reports/", DASHBOARD_TARGET)
    year = _year(ctx, result)
    url = f"{reverse('reports:dashboard')}?year={year}"
    result.set_timing(time_runs(_page(ctx, ctx.city_user, url), repeat=ctx.repeat))
    day = standing.period(year).end
    result.extra.update(url=url, standing_day=day.isoformat(), headline=sql.headline(day))
    result.set_baseline(
        "raw SQL: households by status on the standing day (city)",
        time_runs(lambda: sql.headline(day), repeat=ctx.repeat, count_queries=False),
    )
    result.judge()
    return result


def _after_a_write(run: Callable[[], Any]) -> Callable[[], Any]:
    """`run` after a write to a table the reports read (one household's phone set to itself,
    as a saved form would): the stored figures are stale, so the page computes them again."""
    from django.db.models import F

    from households.models import Household

    household = Household.objects.order_by("pk").values_list("pk", flat=True).first()

    def written_then_run() -> Any:
        if household is not None:  # none in an empty database: nothing to write
            Household.objects.filter(pk=household).update(phone=F("phone"))
        return run()

    return written_then_run


STALE_MARK = b'data-testid="figures-stale"'


def _run_the_worker() -> None:
    """The job worker's part (`manage.py db_worker`), once over the queued tasks."""
    from django_tasks_db.management.commands import db_worker

    db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench",
        excluded_queue_names=[],
    ).run()


@measure("dashboard_city_after_write")
def dashboard_city_after_write(ctx: Context) -> Result:
    """The city dashboard the first time after any write: the figures stored before it,
    marked as such, while the job worker computes the current ones
    (`reports.figures.report_or_previous`). Then the worker's part, timed (`refresh_ms`:
    how long the page says "being computed"), and the page read again, current. Not a row of
    the plan's table: the cost behind it."""
    from households import standing

    result = Result(
        "dashboard_city_after_write",
        "city dashboard, first request after a write (previous figures, marked; the worker "
        "computes the current ones)",
        DASHBOARD_TARGET,
    )
    year = _year(ctx, result)
    url = f"{reverse('reports:dashboard')}?year={year}"
    client = ctx.client(ctx.city_user)
    marked: list[bool] = []

    def page() -> None:
        marked.append(STALE_MARK in _get(client, url, keep=True))

    result.set_timing(time_runs(_after_a_write(page), repeat=ctx.repeat))
    started = time.perf_counter()
    _run_the_worker()
    refresh_ms = round((time.perf_counter() - started) * 1000, 1)
    current = STALE_MARK not in _get(client, url, keep=True)
    day = standing.period(year).end
    result.extra.update(
        url=url,
        refresh_ms=refresh_ms,
        checks={
            "the figures of before the write, marked": all(marked[1:]),
            "current once the worker has run": current,
        },
    )
    result.set_baseline(
        "raw SQL: households by status on the standing day (city)",
        time_runs(lambda: sql.headline(day), repeat=ctx.repeat, count_queries=False),
    )
    result.judge()
    return result


def _dashboard_ward(ctx: Context, name: str, title: str, username: str) -> Result:
    from households import standing

    result = Result(name, title, PAGE_300)
    year = _year(ctx, result)
    ward = _user(ctx.ward_user).ward
    if ward is None:
        raise MeasureError(f"{ctx.ward_user} has no ward")
    url = f"{reverse('reports:dashboard')}?year={year}"
    if username == ctx.city_user:
        url += f"&ward={ward.pk}"
    result.set_timing(time_runs(_page(ctx, username, url), repeat=ctx.repeat))
    day = standing.period(year).end
    result.extra.update(url=url, ward=ward.code)
    result.set_baseline(
        "raw SQL: households by status on the standing day (the ward)",
        time_runs(lambda: sql.headline(day, ward.pk), repeat=ctx.repeat, count_queries=False),
    )
    result.judge()
    return result


@measure("dashboard_ward_city")
def dashboard_ward_city(ctx: Context) -> Result:
    return _dashboard_ward(
        ctx, "dashboard_ward_city", "one ward's dashboard, city user", ctx.city_user
    )


@measure("dashboard_ward_officer")
def dashboard_ward_officer(ctx: Context) -> Result:
    return _dashboard_ward(
        ctx, "dashboard_ward_officer", "one ward's dashboard, ward officer", ctx.ward_user
    )


# --- worklists ---------------------------------------------------------------------------------


@measure("worklists_index")
def worklists_index(ctx: Context) -> Result:
    result = Result("worklists_index", "worklists index", PAGE_300)
    url = reverse("programs:worklists")
    result.set_timing(time_runs(_page(ctx, ctx.city_user, url), repeat=ctx.repeat))
    result.extra["url"] = url
    result.set_baseline("a trivial signed-in page (/password/)", _trivial_page(ctx, ctx.city_user))
    result.judge()
    return result


def _worklist_measure(key: str) -> Callable[[Context], Result]:
    name = f"worklist_{key.replace('-', '_')}"

    def run(ctx: Context) -> Result:
        result = Result(name, f"city worklist {key}", PAGE_300)
        url = reverse("programs:worklist", args=[key])
        result.set_timing(time_runs(_page(ctx, ctx.city_user, url), repeat=ctx.repeat))
        result.extra["url"] = url
        result.set_baseline(
            "a trivial signed-in page (/password/)", _trivial_page(ctx, ctx.city_user)
        )
        result.judge()
        return result

    run.__name__ = name
    return run


def _register_worklists() -> None:
    """One measure per worklist the app has (read from programs.worklists, so a new list is
    measured too), placed after the index."""
    if any(name.startswith("worklist_") for name in MEASURES):
        return
    from programs import worklists

    ordered = dict(MEASURES)
    MEASURES.clear()
    for name, item in ordered.items():
        MEASURES[name] = item
        if name == "worklists_index":
            for key in worklists.WORKLISTS:
                function = _worklist_measure(key)
                MEASURES[function.__name__] = Measure(function.__name__, function)


# --- the household list and page ---------------------------------------------------------------

PAGE_100 = Target("≤ 100 ms", max_ms=100)
SEARCH_TERM = "nguyen van"


@measure("household_search")
def household_search(ctx: Context) -> Result:
    from giamngheo.formatting import fold_text

    result = Result("household_search", 'household list, name search "nguyen van"', PAGE_100)
    url = f"{reverse('households:list')}?q={SEARCH_TERM.replace(' ', '+')}"
    result.set_timing(time_runs(_page(ctx, ctx.city_user, url), repeat=ctx.repeat))
    words = fold_text(SEARCH_TERM).split()
    result.extra.update(url=url, baseline_rows=len(sql.search_page(words, SEARCH_TERM)))
    result.set_baseline(
        "raw SQL: the same filter, LIMIT 50",
        time_runs(
            lambda: sql.search_page(words, SEARCH_TERM), repeat=ctx.repeat, count_queries=False
        ),
    )
    result.judge()
    return result


@measure("household_list_last_page")
def household_list_last_page(ctx: Context) -> Result:
    from households import selectors

    result = Result(
        "household_list_last_page", "household list sorted by status, last page", PAGE_100
    )
    count = sql.register_count()
    last = max(1, math.ceil(count / selectors.HOUSEHOLDS_PER_PAGE))
    url = f"{reverse('households:list')}?sort=status&page={last}"
    result.set_timing(time_runs(_page(ctx, ctx.city_user, url), repeat=ctx.repeat))
    review_round = _default_round(ctx.city_user)
    round_id = review_round.pk if review_round else None
    offset = (last - 1) * selectors.HOUSEHOLDS_PER_PAGE
    result.extra.update(url=url, households=count, round=getattr(review_round, "name", None))
    result.set_baseline(
        "raw SQL: sorted by status in the round, LIMIT 50 OFFSET (last page)",
        time_runs(
            lambda: sql.sorted_page(round_id, offset), repeat=ctx.repeat, count_queries=False
        ),
    )
    result.judge()
    return result


@measure("household_page")
def household_page(ctx: Context) -> Result:
    result = Result(
        "household_page",
        "household page (the biggest household; queries vs the smallest)",
        Target("≤ 100 ms, constant queries", max_ms=100, constant_queries=True),
    )
    small, big = sql.members_extremes()
    small_url = reverse("households:detail", args=[small])
    big_url = reverse("households:detail", args=[big])
    small_timing = time_runs(_page(ctx, ctx.city_user, small_url), repeat=ctx.repeat)
    result.set_timing(time_runs(_page(ctx, ctx.city_user, big_url), repeat=ctx.repeat))
    result.extra.update(
        url=big_url,
        small_url=small_url,
        queries_small=small_timing.queries,
        median_ms_small=round(small_timing.median_ms, 1),
    )
    result.set_baseline(
        "raw SQL: the household, its members, its assessments",
        time_runs(lambda: sql.household_page(big), repeat=ctx.repeat, count_queries=False),
    )
    result.judge()
    return result


@measure("household_page_gunicorn", server=True)
def household_page_gunicorn(ctx: Context) -> Result:
    from bench import serve

    return serve.household_page_under_load(ctx)


# --- heavy measures, each part in a child process -------------------------------------------


@dataclass
class Part:
    """What one side of a heavy measure (the app, or its baseline) reports."""

    timing: Timing
    peak_mb: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "runs_ms": self.timing.runs_ms,
            "queries": self.timing.queries,
            "peak_mb": self.peak_mb,
            "extra": self.extra,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Part:
        return cls(Timing(data["runs_ms"], data["queries"]), data["peak_mb"], data["extra"])


PARTS: dict[str, Callable[[Context], Part]] = {}


def part(name: str) -> Callable[[Callable[[Context], Part]], Callable[[Context], Part]]:
    def register(function: Callable[[Context], Part]) -> Callable[[Context], Part]:
        PARTS[name] = function
        return function

    return register


def run_part(name: str, ctx: Context) -> Part:
    """Run the part `name` in a child process (`ctx.isolate`), else here (under tracemalloc
    unless `ctx.trace_memory` is off)."""
    if not ctx.isolate and not ctx.trace_memory:
        result = PARTS[name](ctx)
        result.extra["memory"] = "not measured (in process, tracing off)"
        return result
    if not ctx.isolate:
        with traced_peak() as peak:
            result = PARTS[name](ctx)
        result.peak_mb = peak["peak_mb"]
        result.extra["memory"] = "tracemalloc (Python allocations, in process)"
        return result
    completed = subprocess.run(
        [PYTHON, "-m", "bench.child", name, json.dumps(ctx.for_child())],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
        raise MeasureError(f"child {name} failed ({completed.returncode}): {' | '.join(tail)}")
    data = json.loads(lines[-1])
    if data.get("error"):
        raise MeasureError(data["error"])
    result = Part.from_json(data)
    result.extra["memory"] = "peak RSS of a child process running only this"
    return result


def child_main(name: str, ctx_json: str) -> dict[str, Any]:
    """In the child: run the part, then report it with this process's peak RSS."""
    ctx = Context(**json.loads(ctx_json))
    try:
        with translation.override("vi"):
            result = PARTS[name](ctx)
    except MeasureError as error:
        return {"error": str(error)}
    finally:
        ctx.sign_out()
    result.peak_mb = max_rss_mb()
    return result.as_json()


def _heavy(ctx: Context, run: Callable[[], Any], warm_up: Callable[[], Any] | None) -> Timing:
    if warm_up is not None and ctx.heavy_warm_up:
        warm_up()
    return time_runs(run, repeat=ctx.heavy_repeat, warm_up=False, light=True)


# Export ----------------------------------------------------------------------------------------


@part("export")
def _export_part(ctx: Context) -> Part:
    ward = _user(ctx.ward_user).ward
    url = reverse("reports:household_list_xlsx")
    sizes: list[int] = []
    client = ctx.client(ctx.city_user)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extra: dict[str, Any] = {"url": url}
    timing = _heavy(
        ctx,
        lambda: sizes.append(_fetch_file(client, url, content_type=xlsx, extra=extra)),
        # One ward's export loads the code paths without the city's cost (at 300,000
        # households a ward is above the jobs' threshold too).
        lambda: (
            _fetch_file(client, f"{url}?ward={ward.pk}", content_type=xlsx, extra={})
            if ward
            else None
        ),
    )
    return Part(timing, extra={**extra, "bytes": sizes[-1]})


@part("export_baseline")
def _export_baseline_part(ctx: Context) -> Part:
    from openpyxl import Workbook

    review_round = _default_round(ctx.city_user)
    round_id = review_round.pk if review_round else None
    counted: list[int] = []

    def dump() -> None:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        rows = 0
        for row in sql.export_rows(round_id):
            sheet.append(list(row))
            rows += 1
        with tempfile.TemporaryFile() as target:
            workbook.save(target)
        counted.append(rows)

    timing = time_runs(dump, repeat=ctx.heavy_repeat, warm_up=False)
    return Part(timing, extra={"rows": counted[-1]})


@measure("export_households", heavy=True)
def export_households(ctx: Context) -> Result:
    result = Result(
        "export_households",
        "Excel export of the city's households",
        Target("100k in ≤ 30 s, ≤ 300 MB, ≤ 1.5× the bare dump", max_mb=300, max_ratio=1.5),
    )
    app = run_part("export", ctx)
    baseline = run_part("export_baseline", ctx)
    rows = baseline.extra["rows"]
    result.set_timing(app.timing)
    result.peak_mb = app.peak_mb
    result.set_baseline("bare openpyxl write-only dump of one raw SQL query", baseline.timing)
    per_100k = app.timing.median_ms / 1000 * 100_000 / rows if rows else None
    result.extra.update(
        app.extra,
        rows=rows,
        seconds_per_100k=round(per_100k, 1) if per_100k is not None else None,
        baseline_peak_mb=baseline.peak_mb,
        checks={"≤ 30 s per 100k rows": per_100k is not None and per_100k <= 30},
    )
    result.judge()
    return result


# Import ----------------------------------------------------------------------------------------


def _import_rows(ward: Any, count: int, *, start: int = 0) -> list[list[Any]]:
    """`count` member rows of new households of `ward`, four members a household, each valid."""
    from households.models import Quarter
    from reports.imports import LAYOUT, example_rows

    quarters = list(Quarter.objects.filter(ward=ward).values_list("name", flat=True))
    if not quarters:
        raise MeasureError(f"{ward} has no quarter to import into")
    head, child = example_rows()
    fields = [c.field for c in LAYOUT]
    rows = []
    for index in range(start, start + count):
        number, position = divmod(index, 4)
        row = list(head if position == 0 else child)
        values = dict(zip(fields, row, strict=True))
        values.update(
            code=f"BENCH-{number + 1:06d}",
            ward=ward.name,
            quarter=quarters[number % len(quarters)],
            address=f"{number + 1} Bench",
            phone="",
            full_name=f"Bench Thị {number + 1} {'ABCD'[position]}",
        )
        if position == 0:
            # Unique 12-digit numbers in a range the demo and generator do not use.
            values["national_id"] = f"0999{number:08d}"
        rows.append([values[f] for f in fields])
    return rows


def _write_import_file(rows: list[list[Any]], path: Path) -> None:
    from programs.excel import write_xlsx
    from reports.imports import LAYOUT

    write_xlsx(
        path,
        sheet_title="Households and members",
        title="bench import",
        columns=[column.column() for column in LAYOUT],
        rows=rows,
    )


class _Rollback(Exception):
    pass


def _import_once(path: Path, user: User) -> Any:
    """Import `path` as `user` into their ward, saving, then undo everything it wrote."""
    from reports.imports import import_households

    outcome: list[Any] = []
    try:
        with transaction.atomic():
            outcome.append(import_households(path, user=user, ward=user.ward, commit=True))
            raise _Rollback
    except _Rollback:
        pass
    return outcome[0]


@part("import")
def _import_part(ctx: Context) -> Part:
    from households.models import Household
    from reports import imports

    user = _user(ctx.ward_user)
    if user.ward is None:
        raise MeasureError(f"{ctx.ward_user} has no ward")
    before = Household.objects.count()
    extra: dict[str, Any] = {"rows_asked": ctx.import_rows}
    with tempfile.TemporaryDirectory() as folder:
        full = Path(folder) / "full.xlsx"
        rows = _import_rows(user.ward, ctx.import_rows)
        _write_import_file(rows, full)
        extra["file_mb"] = round(full.stat().st_size / 1024 / 1024, 2)
        small = Path(folder) / "small.xlsx"
        _write_import_file(rows[:40], small)
        if ctx.heavy_warm_up:
            _import_once(small, user)
        outcomes: list[Any] = []

        def timed(path: Path) -> None:
            outcomes.append(_import_once(path, user))

        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            start = time.perf_counter()
            timed(full)
            first_ms = (time.perf_counter() - start) * 1000
        first_queries = counter.count
        if outcomes[-1].problems:
            extra["refused_at_size"] = outcomes[-1].problems[0].message
            cap = getattr(imports, "MAX_ROWS", None)
            if not cap or cap >= ctx.import_rows:
                raise MeasureError(f"import refused a valid file: {extra['refused_at_size']}")
            rows = rows[: cap - cap % 4]
            capped = Path(folder) / "capped.xlsx"
            _write_import_file(rows, capped)
            extra["cap"] = cap
            timing = time_runs(
                lambda: timed(capped), repeat=ctx.heavy_repeat, warm_up=False, light=True
            )
        else:
            more = time_runs(
                lambda: timed(full), repeat=ctx.heavy_repeat - 1, warm_up=False, light=True
            )
            timing = Timing([first_ms, *more.runs_ms], max(first_queries, more.queries or 0))
        outcome = outcomes[-1]
        if outcome.problems or not outcome.saved:
            detail = outcome.problems[0].message if outcome.problems else "not saved"
            raise MeasureError(f"import of {len(rows)} rows failed: {detail}")
    after = Household.objects.count()
    if after != before:
        raise MeasureError(f"the import left {after - before} households behind")
    extra.update(rows=len(rows), households=len(rows) // 4, accepted=len(rows) == ctx.import_rows)
    return Part(timing, extra=extra)


@part("import_baseline")
def _import_baseline_part(ctx: Context) -> Part:
    user = _user(ctx.ward_user)
    count = ctx.import_rows
    rows = [["" if v is None else str(v) for v in row] for row in _import_rows(user.ward, count)]
    columns = len(rows[0])
    names = ", ".join(f"c{i} text" for i in range(columns))

    def copy() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE bench_import ({names})")
            if connection.vendor == "postgresql":
                with cursor.copy("COPY bench_import FROM STDIN") as stream:
                    for row in rows:
                        stream.write_row(row)
            else:
                marks = ", ".join(["%s"] * columns)
                cursor.executemany(f"INSERT INTO bench_import VALUES ({marks})", rows)
            cursor.execute("DROP TABLE bench_import")

    timing = time_runs(copy, repeat=ctx.heavy_repeat, warm_up=True, count_queries=False)
    how = "COPY" if connection.vendor == "postgresql" else "executemany (no COPY here)"
    return Part(timing, extra={"rows": count, "how": how})


@measure("import_households", heavy=True)
def import_households(ctx: Context) -> Result:
    result = Result(
        "import_households",
        "import of new households (member rows), rolled back",
        Target("≥ 1,000 rows/s, 50,000 rows a file", min_rows_per_s=1000),
    )
    app = run_part("import", ctx)
    baseline = run_part("import_baseline", ctx)
    result.set_timing(app.timing)
    result.peak_mb = app.peak_mb
    result.set_baseline(
        f"{baseline.extra['how']} of the same {baseline.extra['rows']:,} rows into a temp table",
        baseline.timing,
    )
    rows = app.extra["rows"]
    rate = rows / (app.timing.median_ms / 1000)
    baseline_rate = baseline.extra["rows"] / (baseline.timing.median_ms / 1000)
    result.extra.update(
        app.extra,
        rows_per_s=round(rate),
        baseline_rows_per_s=round(baseline_rate),
        checks={f"{ctx.import_rows:,} rows accepted in one file": app.extra["accepted"]},
    )
    # Time per row against the baseline's: the files differ in length when the import is capped.
    result.judge()
    result.ratio = round(baseline_rate / rate, 1) if rate else None
    return result


# PDFs ------------------------------------------------------------------------------------------


def _weasyprint_page() -> None:
    from weasyprint import HTML

    HTML(string="<html><body><p>Báo cáo</p></body></html>").write_pdf()


@part("pdf_year_end")
def _pdf_year_end_part(ctx: Context) -> Part:
    probe = Result("", "", Target(""))
    year = _year(ctx, probe)
    url = f"{reverse('reports:periodic_pdf')}?year={year}"
    if ctx.year_end_unit:
        url += f"&unit={ctx.year_end_unit}"
    client = ctx.client(ctx.city_user)
    sizes: list[int] = []
    extra: dict[str, Any] = {"url": url, **probe.extra}

    def fetch() -> None:
        sizes.append(_fetch_file(client, url, content_type="application/pdf", extra=extra))

    timing = _heavy(ctx, fetch, fetch)
    return Part(timing, extra={**extra, "bytes": sizes[-1]})


@part("pdf_one_page")
def _pdf_one_page_part(ctx: Context) -> Part:
    return Part(time_runs(_weasyprint_page, repeat=ctx.repeat, count_queries=False))


@measure("pdf_year_end_city", heavy=True)
def pdf_year_end_city(ctx: Context) -> Result:
    unit = f"ward {ctx.year_end_unit}" if ctx.year_end_unit else "city"
    result = Result("pdf_year_end_city", f"year-end PDF, {unit}", Target("≤ 3 s", max_ms=3000))
    app = run_part("pdf_year_end", ctx)
    result.set_timing(app.timing)
    result.peak_mb = app.peak_mb
    result.extra.update(app.extra)
    baseline = run_part("pdf_one_page", ctx)
    result.set_baseline("WeasyPrint: a one-line page", baseline.timing)
    result.judge()
    return result


def _list_pdf_filter(ctx: Context, wanted: int) -> tuple[dict[str, Any], int]:
    """The household-list filter (a ward, maybe a status in the default round) whose size is
    nearest `wanted`, and that size."""
    review_round = _default_round(ctx.city_user)
    counts = sql.counts_by_ward_and_status(review_round.pk if review_round else None)
    candidates: dict[tuple[int, str], int] = {}
    for ward_id, status, count in counts:
        candidates[(ward_id, "")] = candidates.get((ward_id, ""), 0) + count
        candidates[(ward_id, status or "none")] = count
    total = sum(count for _ward, _status, count in counts)
    best = min(candidates.items(), key=lambda item: (abs(item[1] - wanted), item[0]))
    if abs(total - wanted) <= abs(best[1] - wanted):
        return {}, total
    (ward_id, status), count = best
    params: dict[str, Any] = {"ward": ward_id}
    if status:
        params["status"] = status
        if review_round:
            params["round"] = review_round.pk
    return params, count


def _pdf_pages(content: bytes) -> int | None:
    try:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(content)).pages)
    except ImportError:
        pass
    if not shutil.which("pdfinfo"):
        return None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        info = subprocess.run(
            ["pdfinfo", handle.name], capture_output=True, text=True, check=False
        ).stdout
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


@part("pdf_list")
def _pdf_list_part(ctx: Context) -> Part:
    from django.utils.http import urlencode

    from reports.views import pdf as pdf_views

    extra: dict[str, Any] = {"households_asked": ctx.list_pdf_households}
    cap = getattr(pdf_views, "PDF_MAX_HOUSEHOLDS", None)
    params, count = _list_pdf_filter(ctx, ctx.list_pdf_households)
    base = reverse("reports:household_list_pdf")
    client = ctx.client(ctx.city_user)
    contents: list[bytes] = []

    def fetch(url: str) -> None:
        contents[:] = [
            _fetch_file(client, url, content_type="application/pdf", extra=extra, keep=True)
        ]

    url = f"{base}?{urlencode(params)}"
    try:
        # The first request tells whether the list is accepted: it is the warm-up, or (with
        # the warm-up off) the first timed run.
        first = time_runs(lambda: fetch(url), repeat=1, warm_up=False, light=True)
    except MeasureError as refused:
        extra["refused_at_size"] = f"{count} households: {refused}"
        if not cap or cap >= count:
            raise
        params, count = _list_pdf_filter(ctx, min(ctx.list_pdf_households, cap))
        extra["cap"] = cap
        url = f"{base}?{urlencode(params)}"
        first = time_runs(lambda: fetch(url), repeat=1, warm_up=False, light=True)
    if ctx.heavy_warm_up:
        timing = time_runs(lambda: fetch(url), repeat=ctx.heavy_repeat, warm_up=False, light=True)
    else:
        more = time_runs(lambda: fetch(url), repeat=ctx.heavy_repeat - 1, warm_up=False, light=True)
        timing = Timing([*first.runs_ms, *more.runs_ms], max(first.queries or 0, more.queries or 0))
    pages = _pdf_pages(contents[-1])
    extra.update(
        url=url,
        households=count,
        pages=pages,
        rows_per_page=round(count / pages, 1) if pages else None,
        accepted=count >= ctx.list_pdf_households * 0.9,
    )
    return Part(timing, extra=extra)


@part("pdf_list_baseline")
def _pdf_list_baseline_part(ctx: Context) -> Part:
    """WeasyPrint laying out a bare table of as many households (code, head, address,
    quarter): the least a list PDF costs."""
    from html import escape

    from weasyprint import HTML

    count = ctx.list_pdf_baseline_rows or ctx.list_pdf_households
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {sql.tables()['household']} WHERE archived_at IS NULL "
            f"ORDER BY id LIMIT %s",
            [count],
        )
        ids = [row[0] for row in cursor.fetchall()]

    def render() -> None:
        rows = sql.list_pdf_rows(ids)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows
        )
        HTML(
            string=(
                "<html><head><style>@page { size: A4 landscape; margin: 1cm } "
                "td { font-size: 9pt; border: 1px solid #999 }</style></head>"
                f"<body><table>{body}</table></body></html>"
            )
        ).write_pdf()

    return Part(
        time_runs(render, repeat=ctx.heavy_repeat, warm_up=False, count_queries=False),
        extra={"households": len(ids)},
    )


@measure("pdf_household_list", heavy=True)
def pdf_household_list(ctx: Context) -> Result:
    result = Result(
        "pdf_household_list",
        "household-list PDF",
        Target(
            "2,000 in ≤ 10 s, ≤ 300 MB, ≥ 25 rows a landscape page",
            max_ms=10_000,
            max_mb=300,
            min_rows_per_page=25,
        ),
    )
    app = run_part("pdf_list", ctx)
    result.set_timing(app.timing)
    result.peak_mb = app.peak_mb
    ctx.list_pdf_baseline_rows = app.extra["households"]
    baseline = run_part("pdf_list_baseline", ctx)
    result.set_baseline(
        f"WeasyPrint: a bare table of {baseline.extra['households']:,} households", baseline.timing
    )
    result.extra.update(
        app.extra,
        baseline_peak_mb=baseline.peak_mb,
        checks={f"{ctx.list_pdf_households:,} households in one PDF": app.extra["accepted"]},
    )
    result.judge()
    return result
