"""The public verification and transparency pages in a real browser: both languages, axe-core,
a 360 px phone, and clear answers for a forged QR text, an empty form and an unknown id."""

from __future__ import annotations

import uuid
from typing import Any

from tests.e2e.axe import check_page


def test_verification_pages_answer_clearly_and_pass_axe(page: Any, platform_url: str) -> None:
    page.goto(f"{platform_url}/verifikasi/")
    assert page.inner_text("h1") == "Verifikasi keputusan"
    check_page(page, "verify-id")

    page.click("form:has(input[value=qr]) button")  # nothing entered
    page.wait_for_selector(".sg-error-summary")
    assert "Masukkan teks kode QR." in page.inner_text(".sg-error-summary")
    check_page(page, "verify-empty-id")

    page.fill("#id_qr-qr", "SNG1.eyJpIjoieCJ9.AAAA")  # a forged payload
    page.click("form:has(input[value=qr]) button")
    page.wait_for_selector(".sg-tag--red")
    assert "Tidak asli" in page.inner_text("h1")
    check_page(page, "verify-forged-id")

    response = page.goto(f"{platform_url}/verifikasi/{uuid.uuid4()}")
    assert response.status == 404
    assert "Keputusan tidak ditemukan" in page.inner_text("h1")
    check_page(page, "verify-unknown-id")

    page.goto(f"{platform_url}/transparansi/")
    page.click("button[name=language][value=en]")
    page.wait_for_url(f"{platform_url}/transparansi/")
    assert page.inner_text("h1") == "Transparency: the audit record"
    check_page(page, "transparency-en")
    page.goto(f"{platform_url}/verifikasi/")
    assert page.inner_text("h1") == "Verify a decision"
    check_page(page, "verify-en")
    # The 422 of the empty form and the 404 of the unknown id are logged as failed loads;
    # nothing else (no policy violation, no script error) may be.
    assert [e for e in page.console_errors if "Failed to load resource" not in e] == []
