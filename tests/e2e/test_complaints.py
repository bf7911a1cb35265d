"""A complaint in a real browser: filed by a citizen, verified and disposed by the coordinator,
declined as "bukan wewenang" by the first agency, re-routed once, followed up by the competent
agency and closed by the citizen's rating; the hop is counted and the deadlines are shown in
working days. Every page passes axe-core."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.axe import check_page

DEMO_PASSWORD = "sinergi-demo-2026"
TEXT = (
    "Saluran drainase di Jalan Dipatiukur tersumbat sampah dan jalan kota di depannya "
    "berlubang; setiap hujan air meluap ke jalan."
)


def sign_in(page: Any, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button.sg-button")
    page.wait_for_url(re.compile(r".*/$"))


def act(page: Any, action: str, **fields: str) -> None:
    form = page.locator(f"form[data-action={action}]")
    for name, value in fields.items():
        control = form.locator(f"[name={name}]").first
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(value)
        elif control.get_attribute("type") == "radio":
            form.locator(f"[name={name}][value='{value}']").check()
        else:
            control.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".sg-notification-banner--success")


def test_complaint_filed_verified_rerouted_followed_up_and_closed(
    page: Any, platform_url: str
) -> None:
    url = platform_url
    sign_in(page, url, "siti")
    page.goto(f"{url}/pengaduan/baru/")
    check_page(page, "complaint-form")
    page.click("button.sg-button[type=submit]")  # empty: the error summary, nothing filed
    page.wait_for_selector(".sg-error-summary")
    assert "Ceritakan apa yang terjadi." in page.inner_text(".sg-error-summary")
    check_page(page, "complaint-form-errors")
    page.fill("#id_text", TEXT)
    page.fill("#id_region_code", "32.73.02")
    page.check("input[name=confidentiality][value=confidential]")
    page.click("button.sg-button[type=submit]")
    page.wait_for_selector(".sg-notification-banner--success")
    number = page.inner_text("h1").strip()
    assert number.startswith("ADU-")
    assert "3 hari kerja setelah dilaporkan" in page.inner_text("#deadlines")
    check_page(page, "complaint-tracking-filed")

    sign_in(page, url, "koordinator.panrb")
    page.goto(f"{url}/pengaduan/")
    assert number in page.inner_text("main")
    check_page(page, "complaint-inbox-coordinator")
    page.click(f"text={number}")
    # The router's suggestion comes first in the list of agencies.
    first = page.locator("form[data-action=verify] select[name=agency] option").first
    assert first.get_attribute("value") == "dsdabm-bandung"
    check_page(page, "complaint-verify")
    act(page, "verify", agency="dlh-bandung")  # the coordinator picks the wrong agency

    sign_in(page, url, "dlh.bdg")
    page.goto(f"{url}/pengaduan/{number}/")
    assert "Disembunyikan" in page.inner_text("#complaint-complainant")  # confidential
    check_page(page, "complaint-agency-view")
    act(page, "decline", reason="Bukan wewenang DLH: jalan kota dan drainase kewenangan DSDABM.")

    sign_in(page, url, "koordinator.panrb")
    page.goto(f"{url}/pengaduan/{number}/")
    act(page, "reroute", agency="dsdabm-bandung")
    assert page.inner_text("#complaint-hops").strip() == "1"

    sign_in(page, url, "dsdabm.bdg")
    page.goto(f"{url}/pengaduan/")
    assert number in page.inner_text("main")
    page.goto(f"{url}/pengaduan/{number}/")
    deadlines = page.inner_text("#deadlines")
    assert "5 hari kerja setelah disposisi pertama" in deadlines
    act(page, "follow_up", message="Saluran dibersihkan dan lubang ditambal hari ini.")

    sign_in(page, url, "siti")
    page.goto(f"{url}/pengaduan/{number}/")
    assert "10 hari kerja setelah tindak lanjut" in page.inner_text("#deadlines")
    act(page, "rate", rating="5")
    assert page.locator("#complaint-status [data-status]").get_attribute("data-status") == "closed"
    assert page.inner_text("#complaint-hops").strip() == "1"
    kinds = page.locator("#timeline [data-kind]").evaluate_all(
        "items => items.map(i => i.dataset.kind)"
    )
    assert kinds == ["filed", "verify", "decline", "reroute", "follow_up", "rate"]
    check_page(page, "complaint-closed")

    page.goto(f"{url}/statistik/pengaduan/?region=32.73")
    row = page.locator("tr[data-agency=dsdabm-bandung]")
    assert row.locator("[data-hops]").inner_text() == "1"
    assert page.locator("tr[data-agency=dlh-bandung] [data-declined]").inner_text() == "1"
    check_page(page, "complaint-statistics")
    # The only console error is the 422 of the empty form sent on purpose: no CSP violation.
    assert [e for e in page.console_errors if "422" not in e] == []


def test_outsider_gets_404_for_a_complaint(page: Any, platform_url: str) -> None:
    sign_in(page, platform_url, "outsider.kemenag")
    response = page.goto(f"{platform_url}/pengaduan/ADU-2026-ZZZZZZZZ/")
    assert response.status == 404
