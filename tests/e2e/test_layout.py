"""The shared layout in a real browser: the accessibility statement passes axe-core in both
languages, fits a 360 px phone, keeps the strict CSP and starts with a working skip link."""

from __future__ import annotations

from typing import Any

from tests.e2e.axe import PHONE, check_page, sideways_overflow


def test_the_accessibility_statement_passes_axe_in_both_languages_and_at_360px(
    page: Any, platform_url: str
) -> None:
    page.goto(f"{platform_url}/accessibility/")
    assert page.get_attribute("html", "lang") == "id"
    assert page.inner_text("h1") == "Pernyataan aksesibilitas"
    assert page.evaluate("() => typeof window.htmx") == "object"
    check_page(page, "accessibility-id")

    page.click("button[name=language][value=en]")
    page.wait_for_url(f"{platform_url}/accessibility/")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Accessibility statement"
    check_page(page, "accessibility-en")

    page.goto(f"{platform_url}/sign-in/")
    assert page.get_attribute("html", "lang") == "en", "the language choice is kept"
    check_page(page, "sign-in-en")
    assert page.console_errors == [], "no CSP violation or script error"


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_main(
    page: Any, platform_url: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{platform_url}/accessibility/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#main"
    assert page.evaluate("() => document.activeElement.getBoundingClientRect().width") > 0
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert sideways_overflow(page) <= 0


def test_a_failed_sign_in_focuses_the_error_summary_and_passes_axe(
    page: Any, platform_url: str
) -> None:
    page.goto(f"{platform_url}/sign-in/")
    page.fill("#id_username", "siti")
    page.click("button.sg-button")
    page.wait_for_selector(".sg-error-summary")
    assert page.evaluate("() => document.activeElement.className") == "sg-error-summary"
    assert page.title().startswith("Kesalahan:")
    check_page(page, "sign-in-error-id")
    page.click(".sg-error-summary a[href='#id_password']")
    assert page.evaluate("() => document.activeElement.id") == "id_password"
