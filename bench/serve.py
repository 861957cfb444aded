"""The household page under load: gunicorn as `make serve-prod` runs it, and a load generator.

The page is a household of median size (members, then assessments): the page most requests
are for. gunicorn runs with the project's config (giamngheo/gunicorn.conf.py), DEBUG off, on a free
port; the city reviewer's session cookie (made by `force_login`, i.e. the session engine)
signs the requests in. The load comes from `wrk` when it is installed, else from a small
multi-process Python client (more CPU per request than wrk, so on a small machine it takes
some of the server's CPU: the figure is then a floor). The baseline is a static file served by
the same server (WhiteNoise), under the same load.
"""

from __future__ import annotations

import http.client
import math
import multiprocessing
import os
import re
import runpy
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.environment import PYTHON, ROOT, production_env

STATIC_FILE = "css/giamngheo.css"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url() -> str:
    """The URL of the database this process uses (in tests: the test database)."""
    from django.db import connection

    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{s.get('USER') or 'postgres'}{password}@{host}:{port}/{s['NAME']}"


def _server_env() -> dict[str, str]:
    from django.conf import settings

    env = os.environ.copy()
    env.update(production_env(_database_url()))
    # This process's key: the session cookie it made must sign the server's requests in.
    env["SECRET_KEY"] = settings.SECRET_KEY
    return env


def _collect_static(env: dict[str, str]) -> None:
    if (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists():
        return
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


@contextmanager
def gunicorn(workers: int) -> Iterator[str]:
    """A gunicorn of the project on a free port, stopped (its whole group) on the way out."""
    env = _server_env()
    _collect_static(env)
    port = _free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "--config",
            "giamngheo/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "giamngheo.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,  # the access log: a line a request
        stderr=log,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                log.seek(0)
                tail = log.read().decode(errors="replace").strip().splitlines()[-5:]
                raise RuntimeError(f"gunicorn stopped: {' | '.join(tail)}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start within 60 s") from None
                time.sleep(0.2)
        yield base
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()


def _get(url: str, cookie: str | None) -> tuple[int, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.request(
            "GET",
            parts.path + (f"?{parts.query}" if parts.query else ""),
            headers=({"Cookie": cookie} if cookie else {}),
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- load generators ---------------------------------------------------------------------------


def _unit_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def wrk_load(url: str, cookie: str | None, connections: int, seconds: float) -> dict[str, Any]:
    # A 30 s timeout as the Python client's: a slow answer is slow, not an error (wrk's own 2 s
    # would count every queued request on a busy machine as a socket error).
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "--latency",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    socket_errors = r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
    timeouts = 0
    if match := re.search(socket_errors, out):
        errors += sum(int(n) for n in match.groups())
        timeouts = int(match.group(4))
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+\w+)", out, re.MULTILINE))
    total = re.search(r"(\d+) requests in", out)
    return {
        "generator": "wrk",
        "requests_per_s": round(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), 1),  # type: ignore[union-attr]
        "requests": int(total.group(1)) if total else None,
        "errors": errors,
        "timeouts": timeouts,
        "median_ms": _unit_ms(latency["50"]) if "50" in latency else None,
        "p95_ms": None,
        "p99_ms": _unit_ms(latency["99"]) if "99" in latency else None,
    }


def _python_worker(args: tuple[str, str | None, int, float]) -> tuple[int, int, list[float]]:
    """One process of the Python client: `threads` keep-alive connections until the deadline."""
    import threading

    url, cookie, threads, deadline = args
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Cookie": cookie} if cookie else {}
    lock = threading.Lock()
    totals = {"ok": 0, "errors": 0}
    latencies: list[float] = []

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)

    def loop() -> None:
        ok = errors = 0
        mine: list[float] = []
        conn = connect()
        while time.time() < deadline:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    ok += 1
                    mine.append((time.perf_counter() - start) * 1000)
                else:
                    errors += 1
                if response.will_close:
                    conn.close()
                    conn = connect()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = connect()
        conn.close()
        with lock:
            totals["ok"] += ok
            totals["errors"] += errors
            latencies.extend(mine)

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return totals["ok"], totals["errors"], latencies


def python_load(url: str, cookie: str | None, connections: int, seconds: float) -> dict[str, Any]:
    processes = max(1, min(connections, os.cpu_count() or 1))
    per_process = math.ceil(connections / processes)
    start = time.time()
    deadline = start + seconds
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        parts = pool.map(_python_worker, [(url, cookie, per_process, deadline)] * processes)
    duration = time.time() - start
    ok = sum(p[0] for p in parts)
    latencies = sorted(ms for p in parts for ms in p[2])
    return {
        "generator": f"python ({processes} processes × {per_process} connections)",
        "requests_per_s": round(ok / duration, 1),
        "requests": ok,
        "errors": sum(p[1] for p in parts),
        "median_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(latencies[max(0, math.ceil(0.95 * len(latencies)) - 1)], 1)
        if latencies
        else None,
    }


def load(
    generator: str, url: str, cookie: str | None, connections: int, seconds: float
) -> dict[str, Any]:
    if generator == "wrk" or (generator == "auto" and shutil.which("wrk")):
        return wrk_load(url, cookie, connections, seconds)
    return python_load(url, cookie, connections, seconds)


# --- the measure -------------------------------------------------------------------------------


def household_page_under_load(ctx: Any) -> Any:
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.db import connection
    from django.urls import reverse

    from bench import sql
    from bench.core import MeasureError, Result, Target

    # The threads of each worker: the project's gunicorn settings, as the server reads them.
    threads = runpy.run_path(str(ROOT / "giamngheo" / "gunicorn.conf.py"))["threads"]
    result = Result(
        "household_page_gunicorn",
        f"household page (median size) under gunicorn, {ctx.gunicorn_workers} workers "
        f"x {threads} threads, {ctx.load_connections} connections",
        Target("≥ 100 req/s, 0 errors", min_rps=100, max_errors=0),
    )
    if connection.vendor != "postgresql":
        raise MeasureError("needs PostgreSQL: gunicorn's workers must reach the same database")
    household = sql.typical_household()
    page = reverse("households:detail", args=[household])
    client = ctx.client(ctx.city_user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    with gunicorn(ctx.gunicorn_workers) as base:
        status, body = _get(base + page, cookie)
        if status != 200 or b'name="password"' in body:
            raise MeasureError(f"the household page under gunicorn answered {status}")
        static_path = "/static/" + _static_name(base, staticfiles_storage, STATIC_FILE)
        status, _body = _get(base + static_path, None)
        if status != 200:
            raise MeasureError(f"the static file answered {status}")
        app = load(ctx.load_generator, base + page, cookie, ctx.load_connections, ctx.load_seconds)
        baseline = load(
            ctx.load_generator,
            base + static_path,
            None,
            ctx.load_connections,
            # A third of the load, at least 3 s (as long as the load when that is shorter).
            max(min(3.0, ctx.load_seconds), ctx.load_seconds / 3),
        )
        status, body = _get(base + page, cookie)
        if status != 200 or b'name="password"' in body:
            raise MeasureError("the session no longer signs in after the load")
    result.median_ms = app["median_ms"]
    result.p95_ms = app["p95_ms"]
    result.runs = app["requests"] or 0
    result.extra.update(
        url=page,
        threads=threads,
        seconds=ctx.load_seconds,
        generator=app["generator"],
        requests_per_s=app["requests_per_s"],
        errors=app["errors"],
        timeouts=app.get("timeouts"),
        p99_ms=app.get("p99_ms"),
        baseline_requests_per_s=baseline["requests_per_s"],
        baseline_errors=baseline["errors"],
    )
    result.set_baseline(
        f"a static file ({STATIC_FILE}) from the same server, same load",
        baseline["median_ms"] or 0.0,
    )
    result.judge()
    return result


def _static_name(base: str, storage: Any, name: str) -> str:
    """The hashed name the server's manifest gives `name` (this process may run with DEBUG on,
    as in the tests, and then has no manifest of its own)."""
    import json

    manifest = Path(_server_env()["STATIC_ROOT"]) / "staticfiles.json"
    if manifest.exists():
        return json.loads(manifest.read_text())["paths"].get(name, name)
    return storage.url(name).removeprefix("/static/")
