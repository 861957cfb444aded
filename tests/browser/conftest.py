"""Browser tests: Playwright (sync API) drives Debian's Chromium, headless, on the live server.

Each test gets a fresh browser context at tablet size (768 × 1024) and, when it fails, leaves a
screenshot in test-artifacts/screenshots/<test name>.png.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import connections
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there (fixtures, checks) are synchronous and safe, so Django may allow them.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TABLET = {"width": 768, "height": 1024}
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
# Long enough for a busy CI machine, short enough that a wrong selector fails quickly.
TIMEOUT_MS = 10_000

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    # Keep each phase's report on the test item, so the page fixture knows if the test failed.
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


class _InFlight:
    """The live server's requests still being answered. A request runs in a transaction
    (ATOMIC_REQUESTS): one a closed page left running (a progress poll, a page still loading)
    would hold its locks while the test's teardown empties the tables, and the two deadlock."""

    def __init__(self) -> None:
        self.count = 0
        self.idle = threading.Condition()

    # The test client answers in the test's own thread; only the live server's threads count.
    def started(self, **kwargs: Any) -> None:
        if threading.current_thread() is threading.main_thread():
            return
        with self.idle:
            self.count += 1

    def finished(self, **kwargs: Any) -> None:
        if threading.current_thread() is threading.main_thread():
            return
        with self.idle:
            self.count -= 1
            self.idle.notify_all()

    def wait(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        with self.idle:
            while self.count > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.idle.wait(left)
        return True


_in_flight = _InFlight()
request_started.connect(_in_flight.started, dispatch_uid="browser-tests-in-flight")
request_finished.connect(_in_flight.finished, dispatch_uid="browser-tests-in-flight")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # Between calls, Playwright's sync API leaves its event loop marked as running in this
    # thread, and Django then keeps separate "async" database connections, which lack what the
    # test database setup put on the usual ones (the data `serialized_rollback` restores).
    # The tests keep using the usual connections.
    usual = {alias: connections[alias] for alias in connections}
    with sync_playwright() as running:
        for alias, connection in usual.items():
            connections[alias] = connection
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser tests need Debian's package "
            "`chromium` (`make install` installs it as root, or `apt-get install chromium`)."
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def csp_violations(page: Page) -> list[str]:
    """Collects what Chromium reports as blocked by the Content-Security-Policy on `page`."""
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return violations


@pytest.fixture
def page(browser: Browser, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh tablet-sized page whose relative URLs go to the live server.

    The test fails if anything on its pages was blocked by the Content-Security-Policy (an
    inline script, event handler or style that would silently not work in production).
    """
    context = browser.new_context(viewport=TABLET, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    violations = csp_violations(page)
    yield page
    report = request.node.stash.get(_REPORTS, {}).get("call")
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    context.close()
    # The live server finishes what the page asked before the test's data are emptied.
    if not _in_flight.wait(TIMEOUT_MS / 1000 * 3):
        pytest.fail("The live server was still answering this test's page 30 s after it closed.")
    if violations:
        pytest.fail("Blocked by the Content-Security-Policy:\n" + "\n".join(violations))


@pytest.fixture(autouse=True)
def _expect_timeout() -> None:
    expect.set_options(timeout=TIMEOUT_MS)
