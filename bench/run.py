"""The benchmark suite of issue 11: `python bench/run.py [--households N] [--database URL-or-name]
[--only NAME ...] [--repeat K] [--json PATH]`.

Measures every row of the issue's table against PostgreSQL, each with its baseline in the same
run, prints a table and writes bench/results.json. See docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    # `python bench/run.py`: make the project importable as when run with -m.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import environment

DEFAULT_JSON = environment.ROOT / "bench" / "results.json"


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--households",
        type=int,
        help="Measure at this many households: generate them (generate_synthetic --seed 2017 "
        "--wipe) when the database has fewer. Default: what the database holds.",
    )
    parser.add_argument(
        "--database",
        help="A database URL, or a database name on the local PostgreSQL server "
        "(postgres://postgres@127.0.0.1:5432/NAME). Default: DATABASE_URL.",
    )
    parser.add_argument("--only", nargs="+", metavar="NAME", help="Measures (or patterns) to run.")
    parser.add_argument("--repeat", type=int, default=5, help="Timed runs of each page (5).")
    parser.add_argument(
        "--heavy-repeat",
        type=int,
        default=1,
        help="Timed runs of the export, import and PDFs, which take seconds each (1).",
    )
    parser.add_argument(
        "--no-heavy-warm-up",
        dest="heavy_warm_up",
        action="store_false",
        help="Time the heavy measures' first run cold (quick checks; the suite's own test).",
    )
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="Where to write results.")
    parser.add_argument(
        "--load-seconds", type=float, default=15.0, help="Length of the gunicorn load (15)."
    )
    parser.add_argument(
        "--import-rows", type=int, default=50_000, help="Member rows of the import file (50000)."
    )
    parser.add_argument(
        "--list-pdf-households",
        type=int,
        default=2_000,
        help="Households in the list PDF (2000).",
    )
    parser.add_argument("--list", action="store_true", help="List the measures and stop.")
    parser.add_argument(
        "--markdown", action="store_true", help="Print the table as Markdown (for the docs)."
    )
    parser.add_argument(
        "--from-json",
        type=Path,
        metavar="PATH",
        help="Print the table of a saved run (with --markdown: as Markdown) and stop.",
    )
    return parser.parse_args(argv)


# --- what bench leaves behind --------------------------------------------------------------------


class Footprint:
    """What reading pages as a user writes (view-log rows of exports and PDFs, the sign-in's
    last_login and axes log, background jobs left by a failed measure), put back as it was
    when the run ends. The import is rolled back
    by its measure; sessions are removed by signing out."""

    def __init__(self, usernames: list[str]) -> None:
        from django.db.models import Max

        from audit.models import ViewLog
        from households.models import User

        self.usernames = usernames
        self.started = _now()
        self.last_login = dict(
            User.objects.filter(username__in=usernames).values_list("username", "last_login")
        )
        self.last_view = ViewLog.objects.aggregate(m=Max("pk"))["m"] or 0

    def restore(self) -> None:
        from axes.models import AccessLog

        from audit.models import ViewLog
        from households.models import User

        ViewLog.objects.filter(pk__gt=self.last_view, username__in=self.usernames).delete()
        AccessLog.objects.filter(
            username__in=self.usernames, attempt_time__gte=self.started
        ).delete()
        try:
            from jobs.models import Job
        except ImportError:
            pass
        else:
            from bench.measures import _remove_job

            for pk in Job.objects.filter(
                owner__username__in=self.usernames, created_at__gte=self.started
            ).values_list("pk", flat=True):
                _remove_job(str(pk))
        for username, last_login in self.last_login.items():
            User.objects.filter(username=username).update(last_login=last_login)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


# --- the data ------------------------------------------------------------------------------------


def household_count() -> int:
    from households.models import Household

    return Household.objects.count()


def ensure_households(wanted: int | None) -> int:
    """Generate `wanted` households when the database has fewer; the count measured at."""
    count = household_count()
    if wanted is None or count >= wanted:
        return count
    from django.core.management import get_commands

    if "generate_synthetic" not in get_commands():
        raise SystemExit(
            f"The database has {count:,} households, fewer than {wanted:,}, and this checkout "
            "has no generate_synthetic command to make more: seed it (manage.py seed_demo "
            "--households N) or point --database at a bigger one."
        )
    print(
        f"The database has {count:,} households: generating {wanted:,} "
        "(generate_synthetic --seed 2017 --wipe)…",
        file=sys.stderr,
    )
    subprocess.run(
        [
            environment.PYTHON,
            "manage.py",
            "generate_synthetic",
            "--households",
            str(wanted),
            "--seed",
            "2017",
            "--wipe",
            "--force",  # bench runs with DEBUG off, as production does
        ],
        cwd=environment.ROOT,
        env=os.environ.copy(),
        check=True,
    )
    return household_count()


def unapplied_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


# --- the machine ---------------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine(households: int) -> dict[str, Any]:
    import django
    from django.db import connection

    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or platform.machine(),
    )
    mem_kb = next(
        (
            int(line.split()[1])
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    git = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=environment.ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=environment.ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "date": _now().isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "database": database,
        "database_name": connection.settings_dict["NAME"],
        "python": platform.python_version(),
        "django": django.get_version(),
        "git_commit": git,
        "git_dirty": bool(dirty),
        "households": households,
        "load_average_start": list(os.getloadavg()),
    }


# --- the run -------------------------------------------------------------------------------------


def run(options: argparse.Namespace, *, isolate: bool = True, **context: Any) -> dict[str, Any]:
    """Run the measures asked for and return the report (also written to `options.json`).

    Django must be set up. `isolate` off runs the heavy measures in this process (tests)."""
    from bench import measures

    chosen = measures.selected(options.only)
    households = ensure_households(options.households)
    ctx = measures.Context(
        repeat=options.repeat,
        heavy_repeat=options.heavy_repeat,
        heavy_warm_up=options.heavy_warm_up,
        isolate=isolate,
        import_rows=options.import_rows,
        list_pdf_households=options.list_pdf_households,
        load_seconds=options.load_seconds,
        **context,
    )
    facts = machine(households)
    footprint = Footprint([ctx.city_user, ctx.ward_user])
    results = []
    try:
        for item in chosen:
            start = time.perf_counter()
            print(f"· {item.name} …", file=sys.stderr, flush=True)
            result = measures.run_measure(item, ctx)
            results.append(result)
            verdict = {True: "pass", False: "FAIL", None: "-"}[result.passed]
            print(
                f"  {item.name}: {verdict} ({time.perf_counter() - start:.0f} s)"
                + (f" — {result.error}" if result.error else ""),
                file=sys.stderr,
                flush=True,
            )
    finally:
        ctx.sign_out()
        footprint.restore()
    facts["load_average_end"] = list(os.getloadavg())
    report = {"machine": facts, "measures": [r.as_json() for r in results]}
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    return report


def _number(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _key_figure(measure: dict[str, Any]) -> str:
    extra = measure["extra"]
    if "requests_per_s" in extra:
        return f"{extra['requests_per_s']:,} req/s, {extra['errors']} err"
    if "rows_per_s" in extra:
        cap = f" (cap {extra['cap']:,})" if extra.get("cap") else ""
        return f"{extra['rows_per_s']:,} rows/s, {extra['rows']:,} rows{cap}"
    if "rows_per_page" in extra:
        return f"{extra['households']:,} hh, {extra['pages']} p, {extra['rows_per_page']}/p"
    if "seconds_per_100k" in extra:
        return f"{extra['rows']:,} rows, {extra['seconds_per_100k']} s/100k"
    if "queries_small" in extra:
        return f"queries small {extra['queries_small']}"
    return ""


def table(report: dict[str, Any]) -> str:
    facts = report["machine"]
    lines = [
        f"{facts['households']:,} households · {facts['database']} · {facts['cpu_count']} CPU "
        f"{facts['cpu_model']} · {facts['ram_gb']} GB · {facts['date']} · "
        f"{facts['git_commit'][:10]}{' (modified)' if facts['git_dirty'] else ''}",
        "",
    ]
    header = (
        f"{'measure':<28} {'median ms':>10} {'p95 ms':>9} {'queries':>7} {'peak MB':>8} "
        f"{'base ms':>9} {'ratio':>7}  {'result':<6} {'target':<38} figures"
    )
    lines += [header, "-" * len(header)]
    for m in report["measures"]:
        verdict = {True: "pass", False: "FAIL", None: "-"}[m["pass"]]
        lines.append(
            f"{m['name']:<28} {_number(m['median_ms'], 1):>10} {_number(m['p95_ms'], 1):>9} "
            f"{_number(m['queries']):>7} {_number(m['peak_mb'], 1):>8} "
            f"{_number(m['baseline_median_ms'], 1):>9} {_number(m['ratio'], 1):>7}  "
            f"{verdict:<6} {m['target'][:38]:<38} {_key_figure(m)}"
        )
        if m["error"]:
            lines.append(f"{'':<28} error: {m['error']}")
        elif m["failed_checks"]:
            lines.append(f"{'':<28} missed: {', '.join(m['failed_checks'])}")
        if m["extra"].get("refused_at_size"):
            lines.append(f"{'':<28} refused at full size: {m['extra']['refused_at_size']}")
    return "\n".join(lines)


def markdown(report: dict[str, Any]) -> str:
    """The report as the table of docs/PERFORMANCE.md (`--markdown`, or `--from-json` to
    print a saved run)."""
    facts = report["machine"]
    load = ", ".join(f"{x:.1f}" for x in facts.get("load_average_start", []))
    lines = [
        f"{facts['households']:,} households, {facts['database']}, {facts['cpu_count']} × "
        f"{facts['cpu_model']}, {facts['ram_gb']} GB RAM, {facts['date']}, commit "
        f"`{facts['git_commit'][:10]}`{' (modified)' if facts['git_dirty'] else ''}; load "
        f"average at the start {load}.",
        "",
        "| measure | median ms | p95 ms | queries | peak MB | baseline ms | ratio | figures "
        "| target | result |",
        "|---|--:|--:|--:|--:|--:|--:|---|---|---|",
    ]
    for m in report["measures"]:
        verdict = {True: "pass", False: "**fail**", None: "-"}[m["pass"]]
        if m["failed_checks"] and not m["error"]:
            verdict += f" ({', '.join(m['failed_checks'])})"
        figures = m["error"] or _key_figure(m)
        lines.append(
            f"| `{m['name']}` | {_number(m['median_ms'])} | {_number(m['p95_ms'])} "
            f"| {_number(m['queries'])} | {_number(m['peak_mb'])} "
            f"| {_number(m['baseline_median_ms'], 1)} | {_number(m['ratio'], 1)} | {figures} "
            f"| {m['target']} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    if options.from_json:
        saved = json.loads(options.from_json.read_text())
        print(markdown(saved) if options.markdown else table(saved))
        return 0
    environment.setup(options.database)
    from django.db import connection

    from bench import measures

    if options.list:
        print("\n".join(m.name for m in measures.selected(None)))
        return 0
    if connection.vendor != "postgresql":
        print(
            f"Warning: {connection.vendor}, not PostgreSQL: figures are not comparable with "
            "the targets, and the gunicorn measure is skipped.",
            file=sys.stderr,
        )
    pending = unapplied_migrations()
    if pending:
        print(
            f"The database lacks {len(pending)} migration(s) ({', '.join(pending[:3])}…): run "
            "manage.py migrate on it first.",
            file=sys.stderr,
        )
        return 2
    environment.collect_static()
    report = run(options)
    print(markdown(report) if options.markdown else table(report))
    print(f"\nWritten to {options.json}")
    return 0 if all(m["pass"] for m in report["measures"]) else 1


if __name__ == "__main__":
    sys.exit(main())
