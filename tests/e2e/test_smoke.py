"""The platform as a browser sees it: docs and admin render under the strict CSP."""

from __future__ import annotations

from typing import Any

DEMO_PASSWORD = "sinergi-demo-2026"


def test_the_api_docs_render_with_no_policy_violation(page: Any, platform_url: str) -> None:
    page.goto(f"{platform_url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    assert "Sinergi API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock", timeout=15000)
    assert "/api/v1/regions" in page.inner_text(".swagger-ui")
    assert page.console_errors == []


def test_the_admin_signs_in_and_shows_the_registry(page: Any, platform_url: str) -> None:
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{platform_url}/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#content", timeout=15000)
    assert page.url.rstrip("/").endswith("/admin")
    page.goto(f"{platform_url}/admin/registry/agency/?q=kemenkumham")
    assert "kemenkumham" in page.content()
    assert failed == []
