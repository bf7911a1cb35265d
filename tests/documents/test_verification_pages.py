"""The public verification pages answer valid, revoked, not genuine or unknown, for a QR
address, a pasted QR text or an uploaded PDF; bad input gets a form error and no answer."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sinergi.documents.models import Decision
from tests.documents.test_decisions import annul, decide, pdf_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(as_user: Any) -> Decision:
    decision = decide(as_user, "izin-usaha", "satu-pintu")
    pdf_of(as_user("auditor"), decision)
    decision.refresh_from_db()
    return decision


def test_the_qr_address_opens_a_valid_answer(client: Client, signed: Decision) -> None:
    page = client.get(f"/verifikasi/{signed.pk}?qr={signed.qr_payload}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Keputusan yang sah" in text or "Valid decision" in text
    assert signed.number in text
    assert "D*** A********" in text  # the applicant's name, masked
    assert "3273015708950003" not in text


def test_a_real_address_with_a_forged_payload_is_not_genuine(
    client: Client, signed: Decision
) -> None:
    head, claims, signature = signed.qr_payload.split(".")
    forged = f"{head}.{claims}.{signature[::-1]}"
    page = client.get(f"/verifikasi/{signed.pk}?qr={forged}")
    assert page.status_code == 200
    assert "sg-tag--red" in page.content.decode()


def test_an_unknown_document_is_404_with_an_answer(client: Client) -> None:
    page = client.get(f"/verifikasi/{uuid.uuid4()}")
    assert page.status_code == 404
    assert "sg-tag--grey" in page.content.decode()


def test_pasting_the_qr_text_and_uploading_the_pdf(as_user: Any, signed: Decision) -> None:
    client = Client()
    pasted = client.post("/verifikasi/", {"check": "qr", "qr-qr": signed.qr_payload})
    assert pasted.status_code == 200
    assert signed.number in pasted.content.decode()
    pdf = pdf_of(as_user("auditor"), signed)
    upload = SimpleUploadedFile("k.pdf", pdf, content_type="application/pdf")
    uploaded = client.post("/verifikasi/", {"check": "pdf", "pdf-pdf": upload})
    assert uploaded.status_code == 200
    assert signed.number in uploaded.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"check": "qr", "qr-qr": ""}, "Masukkan teks kode QR."),
        ({"check": "pdf"}, "Pilih berkas PDF keputusan."),
        (
            {"check": "pdf", "pdf-pdf": SimpleUploadedFile("x.pdf", b"GIF89a not a pdf")},
            "Berkas harus berupa PDF.",
        ),
    ],
)
def test_bad_input_gets_a_form_error(data: dict[str, Any], message: str) -> None:
    page = Client().post("/verifikasi/", data)
    assert page.status_code == 422
    text = page.content.decode()
    assert "sg-error-summary" in text
    assert message in text


def test_an_annulled_decision_shows_revoked_and_why(as_user: Any, signed: Decision) -> None:
    assert annul(as_user("kepala.dpmptsp.bdg"), signed).status_code == 200
    page = Client().get(f"/verifikasi/{signed.pk}?qr={signed.qr_payload}")
    text = page.content.decode()
    assert "Rekomendasi teknis tidak dimintakan." in text
    assert "prosedur" in text


def test_the_transparency_page_shows_the_chain_head(client: Client, as_user: Any) -> None:
    from sinergi.audit.transparency import current_head

    decide(as_user, "samsat-tahunan", "satu-atap")
    head = current_head()
    assert head is not None
    page = client.get("/transparansi/")
    assert page.status_code == 200
    assert head.hash in page.content.decode()
