"""Helpers for browser tests: axe-core in the page, the 360 px check, screenshots.

axe-core comes from the ``axe-playwright-python`` dev dependency (its bundled ``axe.min.js``),
read from disk and evaluated in the page through the DevTools protocol, so the page's strict
CSP stays on and nothing is fetched at run time.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[2] / "test-results"
SCREENSHOTS = RESULTS / "screenshots"
BLOCKING_IMPACTS = ("serious", "critical")
PHONE = {"width": 360, "height": 740}


@cache
def axe_source() -> str:
    return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Any, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, those of the given impacts only.

    Each is ``{"id", "impact", "help", "targets"}``; the rules are axe's default set (WCAG 2.0,
    2.1 and 2.2 A and AA, and best practices).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source() + "\n;void 0")
    results: dict[str, Any] = page.evaluate(
        "async () => await window.axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in results["violations"]
        if violation["impact"] in impacts
    ]


def assert_accessible(page: Any, name: str) -> None:
    """No serious or critical axe violation; on failure a screenshot is saved as ``name``."""
    violations = axe_violations(page)
    if violations:
        save_screenshot(page, f"axe-failure-{name}")
    assert violations == [], f"axe on {page.url}: {violations}"


def sideways_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than its viewport (0 when it fits)."""
    overflow: int = page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )
    return overflow


def assert_no_sideways_scroll(page: Any, name: str, width: int = PHONE["width"]) -> None:
    """At ``width`` CSS pixels the page does not scroll sideways; the viewport is restored."""
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": PHONE["height"]})
    try:
        overflow = sideways_overflow(page)
        if overflow > 0:
            save_screenshot(page, f"overflow-failure-{name}")
        assert overflow <= 0, f"{page.url} is {overflow}px wider than {width}px"
    finally:
        if before:
            page.set_viewport_size(before)


def save_screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """A PNG of the page under test-results/screenshots/ (kept as a CI artefact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9._-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def check_page(page: Any, name: str) -> None:
    """What every visited page must pass: axe, the phone width; plus its screenshot."""
    assert_accessible(page, name)
    assert_no_sideways_scroll(page, name)
    save_screenshot(page, name)
