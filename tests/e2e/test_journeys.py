"""The two journeys of the one-door portal in a real browser.

A citizen applies (the SAMSAT journey with the keyboard alone), officials of three agencies,
each signed in in their own browser context, act in their inboxes, the citizen follows the
progress, answers a revision request and sees the decision. Every page visited passes axe-core
(no serious or critical violation) in Bahasa Indonesia and in English, does not scroll sideways
at 360 px, and is saved as a screenshot under test-results/screenshots/. An official of an
agency party to nothing finds the case nowhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.e2e.axe import check_page

DEMO_PASSWORD = "sinergi-demo-2026"
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"

Person = Callable[[str], Any]


@pytest.fixture
def person(browser: Any, platform_url: str) -> Iterator[Person]:
    """``person("polda.metro")``: a page in a browser context of its own, signed in."""
    contexts: list[Any] = []
    pages: list[Any] = []

    def make(username: str) -> Any:
        context = browser.new_context(locale="id-ID", viewport={"width": 1024, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.base = platform_url
        page.goto(f"{platform_url}/sign-in/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{platform_url}/")
        pages.append(page)
        return page

    yield make
    for page in pages:
        assert page.console_errors == [], page.console_errors
    for context in contexts:
        context.close()


def both_languages(page: Any, name: str) -> None:
    """axe, 360 px and a screenshot in Bahasa Indonesia, then the same page in English."""
    assert page.get_attribute("html", "lang") == "id"
    check_page(page, f"{name}-id")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    check_page(page, f"{name}-en")
    page.click("button[name=language][value=id]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "id"


def visit(page: Any, path: str, name: str) -> None:
    page.goto(page.base + path)
    both_languages(page, name)


def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching ``selector`` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with the Tab key")


def act(
    page: Any, receipt: str, step: str, outcome: str, reasons: str = "", *, name: str = ""
) -> None:
    page.goto(f"{page.base}/work/")
    page.click(f"a[href='/work/{receipt}/{step}/']")
    page.wait_for_selector("#authority")
    if name:
        both_languages(page, name)
    if page.locator("#claim").count():
        page.click("#claim")
        page.wait_for_selector("#act-form")
    page.check(f"input[name=outcome][value={outcome}]")
    if reasons:
        page.fill("#id_reasons", reasons)
    page.click("#act")
    page.wait_for_url(f"{page.base}/work/")


def assert_signed_pdf(download: Any) -> None:
    assert download.suggested_filename.startswith("keputusan-")
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    assert b"/ByteRange" in data, "a PAdES signature covers the document"


def receipt_of(page: Any) -> str:
    receipt: str = page.inner_text("#receipt-number").strip()
    assert re.fullmatch(r"SNG-\d{4}-[0-9A-Z*~$=]{9}", receipt)
    assert re.fullmatch(r"\d{6}", page.inner_text("#receipt-pin").strip())
    return receipt


def test_samsat_journey_with_the_keyboard_alone(person: Person) -> None:
    siti = person("siti")
    visit(siti, "/services/", "catalogue")
    visit(siti, "/services/samsat-tahunan/", "service-samsat")

    # Apply, with the keyboard alone.
    tab_to(siti, "#apply-satu-atap")
    siti.keyboard.press("Enter")
    siti.wait_for_selector("#id_plate")
    both_languages(siti, "apply-samsat")
    for selector, text in [
        ("#id_plate", "B 1234 SRH"),
        ("#id_njkb", "200000000"),
        ("#id_wheels", "4"),
    ]:
        tab_to(siti, selector)
        siti.keyboard.type(text)
    tab_to(siti, "#id_swdkllj_class")
    siti.keyboard.type("mobil")
    for selector, text in [("#id_province_code", "31"), ("#id_ownership", "1")]:
        tab_to(siti, selector)
        siti.keyboard.type(text)
    assert siti.input_value("#id_swdkllj_class") == "mobil_pribadi"
    tab_to(siti, "main button[type=submit]")
    siti.keyboard.press("Enter")
    siti.wait_for_selector(".sg-summary-list")
    both_languages(siti, "check-answers")
    tab_to(siti, "main form button[type=submit]")
    siti.keyboard.press("Enter")
    siti.wait_for_selector("#receipt-number")
    receipt = receipt_of(siti)
    check_page(siti, "submitted")

    # Polda returns it for revision; Bapenda cannot see it yet.
    polda = person("polda.metro")
    visit(polda, "/work/", "inbox-polda")
    assert receipt in polda.inner_text("main")
    bapenda = person("bapenda.dki")
    bapenda.goto(f"{bapenda.base}/work/")
    assert receipt not in bapenda.inner_text("main")
    act(
        polda,
        receipt,
        "pendaftaran",
        "return_for_revision",
        "Nomor polisi tidak sesuai STNK.",
        name="step-polda",
    )

    # The citizen sees why, and revises with the keyboard (the file comes from the chooser).
    visit(siti, f"/applications/{receipt}/", "case-waiting")
    assert "Nomor polisi tidak sesuai STNK." in siti.inner_text("main")
    tab_to(siti, "#revise-link")
    siti.keyboard.press("Enter")
    siti.wait_for_selector("#id_plate")
    both_languages(siti, "revise")
    tab_to(siti, "#id_plate")
    siti.keyboard.press("Control+A")
    siti.keyboard.type("B 1234 SRI")
    siti.set_input_files(
        "#id_file", files=[{"name": "stnk.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    tab_to(siti, "main form button[type=submit]")
    siti.keyboard.press("Enter")
    siti.wait_for_selector("#case-status")
    assert siti.inner_text("#case-status") == "Sedang diproses"
    assert "stnk.pdf" in siti.inner_text("main")

    # Three agencies act in turn, each in its own inbox.
    act(polda, receipt, "pendaftaran", "approve")
    jasaraharja = person("jasaraharja")
    act(bapenda, receipt, "penetapan-pkb", "done", name="step-bapenda")
    act(jasaraharja, receipt, "pembayaran", "paid", name="step-jasaraharja")
    act(polda, receipt, "pengesahan-stnk", "done")

    visit(siti, f"/applications/{receipt}/", "case-decided")
    assert siti.inner_text("#case-status") == "Disetujui"
    assert "Keputusan dibuat" in siti.inner_text("main")
    tab_to(siti, "#decision-download")
    with siti.expect_download() as download:
        siti.keyboard.press("Enter")
    assert_signed_pdf(download.value)

    # An official of an agency party to nothing finds it nowhere.
    outsider = person("outsider.kemenag")
    outsider.goto(f"{outsider.base}/work/")
    assert receipt not in outsider.inner_text("main")
    for path in (
        f"/work/{receipt}/pendaftaran/",
        f"/applications/{receipt}/",
        f"/track/{receipt}/",
    ):
        response = outsider.goto(outsider.base + path)
        assert response.status == 404, path
    check_page(outsider, "not-found")
    outsider.console_errors.clear()  # the three 404 answers above, asked for on purpose


def test_business_licence_journey(person: Person) -> None:
    siti = person("siti")
    visit(siti, "/services/izin-usaha/", "service-izin")
    siti.click("#apply-satu-pintu")
    siti.fill("#id_business_name", "Warung Kopi Siti")
    siti.fill("#id_kbli", "56303")
    siti.check("input[name=scale][value=kecil]")
    siti.check("input[name=risk_level][value=tinggi]")
    siti.fill("#id_address", "Jl. Braga No. 5, Bandung")
    siti.click("main button[type=submit]")
    siti.click("main form button[type=submit]")
    siti.wait_for_selector("#receipt-number")
    receipt = receipt_of(siti)

    dpmptsp = person("kepala.dpmptsp.bdg")
    act(dpmptsp, receipt, "pendaftaran", "approve", name="step-dpmptsp")
    act(dpmptsp, receipt, "penerbitan-nib", "done")
    visit(dpmptsp, "/work/load/", "agency-load")

    # Two technical recommendations in parallel, by two other agencies.
    dlh, dsdabm = person("dlh.bdg"), person("dsdabm.bdg")
    act(dlh, receipt, "rekomendasi-lingkungan", "recommend", name="step-dlh")
    siti.goto(f"{siti.base}/applications/{receipt}/")
    holders = siti.inner_text("#holders")
    assert "Dinas Sumber Daya Air dan Bina Marga Kota Bandung" in holders
    assert "Dinas Lingkungan Hidup" not in holders, "its recommendation is given"
    act(dsdabm, receipt, "rekomendasi-jalan-air", "recommend")

    # The decision needs a revision first; the citizen also writes to the agency (htmx).
    act(dpmptsp, receipt, "keputusan-izin", "return_for_revision", "Lengkapi alamat dengan RT/RW.")
    siti.goto(f"{siti.base}/applications/{receipt}/")
    siti.fill("#id_body", "Alamat sudah saya lengkapi.")
    siti.click("#messages button[type=submit]")
    siti.wait_for_selector("#messages .sg-card")
    assert "Alamat sudah saya lengkapi." in siti.inner_text("#messages")
    siti.click("#revise-link")
    siti.fill("#id_address", "Jl. Braga No. 5 RT 01/RW 02, Bandung")
    siti.click("main form button[type=submit]")
    siti.wait_for_selector("#case-status")

    act(dpmptsp, receipt, "keputusan-izin", "approve")
    act(dpmptsp, receipt, "penerbitan-izin", "done")
    visit(siti, f"/applications/{receipt}/", "case-izin-decided")
    assert siti.inner_text("#case-status") == "Disetujui"
    with siti.expect_download() as download:
        siti.click("#decision-download")
    assert_signed_pdf(download.value)

    coordinator = person("koordinator.panrb")
    visit(coordinator, "/work/coordinator/", "coordinator")


def test_tracking_by_pin_and_the_front_desk(person: Person) -> None:
    desk = person("desk.samsat.jakpus")
    visit(desk, "/desk/", "desk-choose")
    desk.click("a[href='/desk/?service=samsat-tahunan/satu-atap']")
    desk.fill("#id_citizen-nik", "3273015708950003")
    desk.fill("#id_citizen-full_name", "Dewi Anggraini")
    for field, value in [
        ("plate", "B 9 DEW"),
        ("njkb", "150000000"),
        ("wheels", "4"),
        ("province_code", "31"),
    ]:
        desk.fill(f"#id_{field}", value)
    desk.select_option("#id_swdkllj_class", "mobil_pribadi")
    desk.click("main button[type=submit]")
    desk.wait_for_selector("#receipt-number")
    receipt = receipt_of(desk)
    pin = desk.inner_text("#receipt-pin").strip()
    check_page(desk, "desk-receipt")

    visitor = desk.context.browser.new_context(locale="id-ID").new_page()
    visitor.console_errors = []
    visitor.base = desk.base
    visit(visitor, "/track/", "track")
    visitor.fill("#id_receipt_number", receipt)
    visitor.fill("#id_pin", "000000" if pin != "000000" else "111111")
    visitor.click("main button[type=submit]")
    visitor.wait_for_selector(".sg-error-summary")
    check_page(visitor, "track-wrong-pin")
    visitor.fill("#id_pin", pin)
    visitor.click("main button[type=submit]")
    visitor.wait_for_selector("#case-status")
    both_languages(visitor, "tracked-case")
    assert "Kepolisian Daerah Metro Jaya" in visitor.inner_text("#holders")
    visitor.context.close()
