"""axe-core in the browser tests: the page in Chromium has no serious or critical violation.

axe-core is vendored under tests/browser/vendor/ (no network at test time). It is evaluated
through the DevTools protocol, which the page's Content-Security-Policy does not govern, so the
app's policy stays as strict as in production and no script tag is added to the page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
# The impacts that fail a test; "moderate" and "minor" ones are left to judgement.
FAILING = ("serious", "critical")
# WCAG 2.1 A and AA, plus axe's best practices (landmarks, headings, region...).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_source() + "\n;undefined")
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: "
        "['violations']})",
        TAGS,
    )
    return [v for v in results["violations"] if v["impact"] in FAILING]


def describe(violations: list[dict[str, Any]]) -> str:
    """One paragraph per rule: what fails, and each element's selector and axe's summary."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}\n        {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fails with a readable list when axe finds a serious or critical violation on the page."""
    violations = axe_violations(page)
    assert not violations, f"axe-core on {page.url}:\n{describe(violations)}"
