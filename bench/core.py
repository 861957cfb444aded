"""What a measure returns and how it is timed: the pieces every measure shares.

A measure is a function `(ctx: Context) -> Result`. It warms up once (the first request loads
templates, translations and the plan cache), then times `ctx.repeat` runs (`ctx.heavy_repeat`
for the measures that take seconds each) and counts the queries of each timed run with
`CaptureQueriesContext`. Its baseline — the floor the issue compares it with (raw SQL, a bare
openpyxl dump, COPY, a static file) — is timed the same way in the same run.
"""

from __future__ import annotations

import math
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Target:
    """The plan's target for one measure; None = not part of the target."""

    text: str
    max_ms: float | None = None  # on the median
    max_ratio: float | None = None  # median / baseline median
    max_mb: float | None = None  # peak memory of the process doing the work
    min_rps: float | None = None  # requests per second under load
    max_errors: int | None = None
    min_rows_per_s: float | None = None
    min_rows_per_page: float | None = None
    constant_queries: bool = False  # the queries of `queries_small` and `queries` are equal


@dataclass
class Timing:
    """Milliseconds of each timed run, and the queries of the run that made the most."""

    runs_ms: list[float]
    queries: int | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs_ms)

    @property
    def p95_ms(self) -> float:
        # Nearest rank: with a handful of runs this is the slowest one, never an interpolation.
        ordered = sorted(self.runs_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class Result:
    name: str
    title: str
    target: Target
    median_ms: float | None = None
    p95_ms: float | None = None
    runs: int = 0
    queries: int | None = None
    peak_mb: float | None = None
    baseline: str = ""
    baseline_median_ms: float | None = None
    ratio: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    passed: bool | None = None
    failed_checks: list[str] = field(default_factory=list)

    def set_timing(self, timing: Timing) -> None:
        self.median_ms = round(timing.median_ms, 1)
        self.p95_ms = round(timing.p95_ms, 1)
        self.runs = len(timing.runs_ms)
        self.queries = timing.queries

    def set_baseline(self, name: str, timing: Timing | float) -> None:
        self.baseline = name
        median = timing.median_ms if isinstance(timing, Timing) else timing
        self.baseline_median_ms = round(median, 2)

    def judge(self) -> None:
        """Compare with the target; `passed` stays None when the measure did not run."""
        if self.baseline_median_ms and self.median_ms is not None:
            self.ratio = round(self.median_ms / self.baseline_median_ms, 2)
        if self.error:
            self.passed = False
            self.failed_checks.append("error")
            return
        t, checks = self.target, []
        if t.max_ms is not None:
            checks.append(("time", self.median_ms is not None and self.median_ms <= t.max_ms))
        if t.max_ratio is not None:
            checks.append(("ratio", self.ratio is not None and self.ratio <= t.max_ratio))
        if t.max_mb is not None:
            checks.append(("memory", self.peak_mb is not None and self.peak_mb <= t.max_mb))
        if t.min_rps is not None:
            rps = self.extra.get("requests_per_s")
            checks.append(("req/s", rps is not None and rps >= t.min_rps))
        if t.max_errors is not None:
            errors = self.extra.get("errors")
            checks.append(("errors", errors is not None and errors <= t.max_errors))
        if t.min_rows_per_s is not None:
            rate = self.extra.get("rows_per_s")
            checks.append(("rows/s", rate is not None and rate >= t.min_rows_per_s))
        if t.min_rows_per_page is not None:
            per_page = self.extra.get("rows_per_page")
            checks.append(("rows/page", per_page is not None and per_page >= t.min_rows_per_page))
        if t.constant_queries:
            small = self.extra.get("queries_small")
            checks.append(("constant queries", small is not None and small == self.queries))
        for extra_check, ok in self.extra.get("checks", {}).items():
            checks.append((extra_check, bool(ok)))
        self.failed_checks = [name for name, ok in checks if not ok]
        self.passed = not self.failed_checks

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        target = data.pop("target")
        data["target"] = target.pop("text")
        data["target_limits"] = {k: v for k, v in target.items() if v not in (None, False)}
        data["pass"] = data.pop("passed")
        return data


class MeasureError(Exception):
    """The measure could not run as a user would (a refusal, a 500): its message says why."""


class QueryCounter:
    """Counts queries without keeping their SQL: for the heavy measures, where a list of every
    statement (CaptureQueriesContext) would weigh in the peak memory being measured."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def time_runs(
    run: Callable[[], Any],
    *,
    repeat: int,
    warm_up: bool = True,
    count_queries: bool = True,
    light: bool = False,
) -> Timing:
    """One untimed warm-up, then `repeat` timed runs of `run`, counting each run's queries
    (`light`: with `QueryCounter` rather than `CaptureQueriesContext`)."""
    if warm_up:
        run()
    runs: list[float] = []
    most_queries: int | None = None
    for _ in range(repeat):
        if not count_queries:
            start = time.perf_counter()
            run()
            runs.append((time.perf_counter() - start) * 1000)
            continue
        if light:
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                start = time.perf_counter()
                run()
                elapsed = time.perf_counter() - start
            queries = counter.count
        else:
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                run()
                elapsed = time.perf_counter() - start
            queries = len(captured.captured_queries)
        most_queries = max(most_queries or 0, queries)
        runs.append(elapsed * 1000)
    return Timing(runs, most_queries)


def max_rss_mb() -> float:
    """The peak resident memory of this process so far, in MB.

    Linux's VmHWM (/proc/self/status) is the peak of this process's own memory since it
    started. getrusage's ru_maxrss is not: across exec it keeps the peak of the image it
    replaced, and subprocess starts children with vfork, so a child would report its
    parent's peak. ru_maxrss is the fallback where /proc is missing.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@contextmanager
def traced_peak() -> Iterator[dict[str, float]]:
    """The peak of Python allocations inside the block, in MB (in-process runs only: it misses
    what C libraries allocate themselves, so the child-process figure is the one to trust)."""
    out: dict[str, float] = {}
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        yield out
    finally:
        out["peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1024 / 1024, 1)
        if started:
            tracemalloc.stop()
