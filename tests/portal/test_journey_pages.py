"""The citizen portal and the agency workspace through the Django test client: a SAMSAT case
from application to decision, with a revision; access for an outsider; bad input."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sinergi.cases.models import Case
from sinergi.portal.models import CaseDocument, CaseMessage

pytestmark = pytest.mark.django_db

SAMSAT = {
    "plate": "B 1234 SRH",
    "njkb": "200000000",
    "wheels": "4",
    "swdkllj_class": "mobil_pribadi",
    "province_code": "31",
    "ownership": "1",
}
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _apply(client: Client, data: dict[str, str] | None = None) -> str:
    base = "/services/samsat-tahunan/satu-atap"
    response = client.post(f"{base}/apply/", data or SAMSAT)
    assert response.status_code == 302, response.content.decode()[:2000]
    check = client.get(f"{base}/check/")
    token = re.search(r'name="token" value="([^"]+)"', check.content.decode())
    assert token is not None
    sent = client.post(f"{base}/check/", {"token": token.group(1)})
    assert sent.status_code == 302
    match = re.search(r"/applications/([^/]+)/submitted/", sent.headers["Location"])
    assert match is not None
    return match.group(1)


def _act(client: Client, receipt: str, step: str, outcome: str, reasons: str = "") -> Any:
    case = Case.objects.get(receipt_number=receipt)
    return client.post(
        f"/work/{receipt}/{step}/",
        {"outcome": outcome, "reasons": reasons, "version": case.version},
    )


def test_a_samsat_case_runs_from_application_to_decision_with_a_revision(
    as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    siti = as_user("siti")
    with django_capture_on_commit_callbacks(execute=True):
        receipt = _apply(siti)
    receipt_page = siti.get(f"/applications/{receipt}/submitted/").content.decode()
    assert receipt in receipt_page
    assert re.search(r'id="receipt-pin">\d{6}<', receipt_page)
    assert any(receipt in m.body for m in mail.outbox), "the receipt is e-mailed"

    polda, bapenda, jasaraharja = (
        as_user("polda.metro"),
        as_user("bapenda.dki"),
        as_user("jasaraharja"),
    )
    assert receipt in polda.get("/work/").content.decode()
    assert receipt not in bapenda.get("/work/").content.decode(), "not reached yet"
    assert bapenda.get(f"/work/{receipt}/penetapan-pkb/").status_code == 404

    step = polda.get(f"/work/{receipt}/pendaftaran/").content.decode()
    assert "Siti Rahayu" in step
    assert "B 1234 SRH" in step
    assert "3171015208900001" not in step, "the NIK is not what this step needs"
    assert "mandat" in step.lower()
    assert polda.post(f"/work/{receipt}/pendaftaran/claim/").status_code == 302

    missing_reasons = _act(polda, receipt, "pendaftaran", "return_for_revision")
    assert missing_reasons.status_code == 200
    assert "sg-error-summary" in missing_reasons.content.decode()
    assert Case.objects.get(receipt_number=receipt).status == "in_progress"
    returned = _act(polda, receipt, "pendaftaran", "return_for_revision", "Nomor polisi salah")
    assert returned.status_code == 302

    page = siti.get(f"/applications/{receipt}/").content.decode()
    assert "Nomor polisi salah" in page
    case = Case.objects.get(receipt_number=receipt)
    assert case.status == "waiting_citizen"
    revised = siti.post(
        f"/applications/{receipt}/revise/",
        {
            **SAMSAT,
            "plate": "B 1234 SRI",
            "version": case.version,
            "file": SimpleUploadedFile("stnk.pdf", PDF, "application/pdf"),
        },
    )
    assert revised.status_code == 302, revised.content.decode()[:3000]
    case.refresh_from_db()
    assert case.status == "in_progress"
    assert case.state["data"]["plate"] == "B 1234 SRI"
    assert CaseDocument.objects.filter(case=case).count() == 1

    assert _act(polda, receipt, "pendaftaran", "approve").status_code == 302
    assert _act(bapenda, receipt, "penetapan-pkb", "done").status_code == 302
    assert _act(jasaraharja, receipt, "pembayaran", "paid").status_code == 302
    assert _act(polda, receipt, "pengesahan-stnk", "done").status_code == 302
    case.refresh_from_db()
    assert case.status == "approved"
    final = siti.get(f"/applications/{receipt}/").content.decode()
    assert "Disetujui" in final
    assert f'href="/applications/{receipt}/decision/"' in final
    pdf = siti.get(f"/applications/{receipt}/decision/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert b"/ByteRange" in pdf.content, "the PDF is signed"
    assert as_user("outsider.kemenag").get(f"/applications/{receipt}/decision/").status_code == 404


def test_a_double_click_on_send_creates_one_case(as_user: Any) -> None:
    siti = as_user("siti")
    base = "/services/samsat-tahunan/satu-atap"
    siti.post(f"{base}/apply/", SAMSAT)
    token = re.search(r'name="token" value="([^"]+)"', siti.get(f"{base}/check/").content.decode())
    assert token is not None
    before = Case.objects.count()
    first = siti.post(f"{base}/check/", {"token": token.group(1)})
    second = siti.post(f"{base}/check/", {"token": token.group(1)})
    assert Case.objects.count() == before + 1
    assert first.headers["Location"] == second.headers["Location"]


def test_missing_and_malformed_fields_show_errors_and_create_nothing(as_user: Any) -> None:
    siti = as_user("siti")
    before = Case.objects.count()
    response = siti.post(
        "/services/samsat-tahunan/satu-atap/apply/", {**SAMSAT, "plate": "", "njkb": "banyak"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_plate">' in html
    assert '<a href="#id_njkb">' in html
    assert Case.objects.count() == before


def test_an_outsider_sees_the_case_nowhere(as_user: Any) -> None:
    receipt = _apply(as_user("siti"))
    outsider = as_user("outsider.kemenag")
    assert receipt not in outsider.get("/work/").content.decode()
    assert outsider.get(f"/work/{receipt}/pendaftaran/").status_code == 404
    assert outsider.get(f"/applications/{receipt}/").status_code == 404
    assert outsider.post(f"/work/{receipt}/pendaftaran/claim/").status_code == 404
    assert outsider.get("/applications/SNG-2026-00000000X/").status_code == 404


def test_uploads_are_checked_by_content_and_size(as_user: Any, settings: Any) -> None:
    siti = as_user("siti")
    receipt = _apply(siti)
    url = f"/applications/{receipt}/upload/"
    fake = SimpleUploadedFile("ktp.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    wrong = siti.post(url, {"file": fake})
    assert wrong.status_code == 200
    assert "PDF, JPG atau PNG" in wrong.content.decode()
    settings.SINERGI_PORTAL = {**settings.SINERGI_PORTAL, "UPLOAD_MAX_BYTES": 100}
    big = siti.post(url, {"file": SimpleUploadedFile("a.pdf", PDF + b"0" * 200, "application/pdf")})
    assert "lebih kecil dari" in big.content.decode()
    assert CaseDocument.objects.filter(case__receipt_number=receipt).count() == 0
    settings.SINERGI_PORTAL = {**settings.SINERGI_PORTAL, "UPLOAD_MAX_BYTES": 5_000_000}
    for _ in range(2):
        ok = siti.post(url, {"file": SimpleUploadedFile("stnk.pdf", PDF, "application/pdf")})
        assert ok.status_code == 302
    assert CaseDocument.objects.filter(case__receipt_number=receipt).count() == 1


def test_a_wrong_pin_is_refused_and_repeated_tries_are_throttled(as_user: Any) -> None:
    siti = as_user("siti")
    receipt = _apply(siti)
    pin = siti.session["portal_pins"][receipt]
    visitor = Client()
    wrong = "000000" if pin != "000000" else "111111"
    first = visitor.post("/track/", {"receipt_number": receipt, "pin": wrong})
    assert first.status_code == 200
    assert "tidak cocok" in first.content.decode()
    for _ in range(4):
        visitor.post("/track/", {"receipt_number": receipt, "pin": wrong})
    throttled = visitor.post("/track/", {"receipt_number": receipt, "pin": pin})
    assert throttled.status_code == 429, "even the right PIN waits once the limit is reached"
    other = Client(REMOTE_ADDR="10.3.3.3")
    assert other.post("/track/", {"receipt_number": receipt, "pin": pin}).status_code == 429
    assert visitor.get(f"/track/{receipt}/").status_code == 404


def test_the_right_pin_shows_the_case_to_a_visitor(as_user: Any) -> None:
    siti = as_user("siti")
    receipt = _apply(siti)
    pin = siti.session["portal_pins"][receipt]
    visitor = Client()
    response = visitor.post("/track/", {"receipt_number": receipt.lower(), "pin": pin})
    assert response.status_code == 302
    page = visitor.get(f"/track/{receipt}/").content.decode()
    assert "Kepolisian Daerah Metro Jaya" in page
    assert 'name="body"' not in page, "a PIN holder reads, but does not write"


def test_messages_go_both_ways_and_the_citizen_is_emailed(
    as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    siti = as_user("siti")
    receipt = _apply(siti)
    polda = as_user("polda.metro")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = polda.post(
            f"/work/{receipt}/pendaftaran/message/", {"body": "Mohon bawa STNK asli."}
        )
    assert sent.status_code == 302
    assert len(mail.outbox) == 1
    assert "Mohon bawa STNK asli." in mail.outbox[0].body
    reply = siti.post(
        f"/applications/{receipt}/", {"body": "Baik, terima kasih."}, headers={"HX-Request": "true"}
    )
    assert reply.status_code == 200
    assert "Baik, terima kasih." in reply.content.decode()
    assert "<html" not in reply.content.decode(), "htmx gets the partial only"
    empty = siti.post(f"/applications/{receipt}/", {"body": "  "})
    assert empty.status_code == 200
    assert "sg-error-summary" in empty.content.decode()
    assert CaseMessage.objects.filter(case__receipt_number=receipt).count() == 2
    assert (
        as_user("outsider.kemenag")
        .post(f"/work/{receipt}/pendaftaran/message/", {"body": "x"})
        .status_code
        == 404
    )


def test_a_stale_decision_form_changes_nothing(as_user: Any) -> None:
    receipt = _apply(as_user("siti"))
    polda = as_user("polda.metro")
    case = Case.objects.get(receipt_number=receipt)
    stale_version = case.version
    polda.post(f"/work/{receipt}/pendaftaran/claim/")
    stale = polda.post(
        f"/work/{receipt}/pendaftaran/",
        {"outcome": "approve", "reasons": "", "version": stale_version},
    )
    assert stale.status_code == 200
    assert "sg-error-summary" in stale.content.decode()
    case.refresh_from_db()
    assert case.steps.get(step_id="pendaftaran").status == "active"


def test_the_front_desk_takes_a_walk_in_application(as_user: Any) -> None:
    desk = as_user("desk.samsat.jakpus")
    assert "samsat-tahunan/satu-atap" in desk.get("/desk/").content.decode()
    fields = {
        f"citizen-{k}": v
        for k, v in {"nik": "3273015708950003", "full_name": "Dewi Anggraini", "email": ""}.items()
    }
    response = desk.post("/desk/", {"service": "samsat-tahunan/satu-atap", **fields, **SAMSAT})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="receipt-pin">\d{6}<', html)
    bad = desk.post(
        "/desk/", {"service": "samsat-tahunan/satu-atap", **fields, "citizen-nik": "123"}
    )
    assert "sg-error-summary" in bad.content.decode()


def test_the_agency_head_and_the_coordinator_see_their_views(as_user: Any) -> None:
    assert as_user("kepala.dpmptsp.bdg").get("/work/load/").status_code == 200
    assert as_user("polda.metro").get("/work/load/").status_code == 404
    assert as_user("siti").get("/work/").status_code == 404
    page = as_user("koordinator.panrb").get("/work/coordinator/")
    assert page.status_code == 200


def _decided(as_user: Any) -> str:
    receipt = _apply(as_user("siti"))
    polda, bapenda, jasaraharja = (
        as_user("polda.metro"),
        as_user("bapenda.dki"),
        as_user("jasaraharja"),
    )
    for client, step, outcome in [
        (polda, "pendaftaran", "approve"),
        (bapenda, "penetapan-pkb", "done"),
        (jasaraharja, "pembayaran", "paid"),
        (polda, "pengesahan-stnk", "done"),
    ]:
        assert _act(client, receipt, step, outcome).status_code == 302
    return receipt


def test_the_citizen_objects_once_within_the_window(as_user: Any) -> None:
    receipt = _decided(as_user)
    siti = as_user("siti")
    page = siti.get(f"/applications/{receipt}/").content.decode()
    assert f'href="/applications/{receipt}/objection/"' in page
    empty = siti.post(f"/applications/{receipt}/objection/", {"reasons": ""})
    assert "sg-error-summary" in empty.content.decode()
    filed = siti.post(f"/applications/{receipt}/objection/", {"reasons": "PKB terlalu tinggi."})
    assert filed.status_code == 302
    again = siti.post(f"/applications/{receipt}/objection/", {"reasons": "Sekali lagi."})
    assert again.status_code == 200
    assert "sg-error-summary" in again.content.decode()
    case = Case.objects.get(receipt_number=receipt)
    assert case.objection.reasons == "PKB terlalu tinggi."


def test_the_citizen_withdraws_and_then_cannot_revise(as_user: Any) -> None:
    siti = as_user("siti")
    receipt = _apply(siti)
    assert (
        siti.post(f"/applications/{receipt}/withdraw/", {"reason": "Salah pilih"}).status_code
        == 302
    )
    case = Case.objects.get(receipt_number=receipt)
    assert case.status == "withdrawn"
    again = siti.post(f"/applications/{receipt}/withdraw/", {"reason": ""})
    assert again.status_code == 200
    assert "sg-error-summary" in again.content.decode()
    assert siti.get(f"/applications/{receipt}/revise/").status_code == 302
    assert as_user("polda.metro").post(f"/work/{receipt}/pendaftaran/claim/").status_code == 302
    assert Case.objects.get(receipt_number=receipt).status == "withdrawn"


def test_the_deciding_agency_hears_the_objection(as_user: Any) -> None:
    receipt = _decided(as_user)
    as_user("siti").post(f"/applications/{receipt}/objection/", {"reasons": "PKB terlalu tinggi."})
    polda = as_user("polda.metro")
    assert f"/work/{receipt}/objection/" in polda.get("/work/").content.decode()
    assert as_user("outsider.kemenag").get(f"/work/{receipt}/objection/").status_code == 404
    missing = polda.post(f"/work/{receipt}/objection/", {"upheld": "no", "reasons": ""})
    assert "sg-error-summary" in missing.content.decode()
    decided = polda.post(
        f"/work/{receipt}/objection/", {"upheld": "no", "reasons": "Tarif sesuai Perda."}
    )
    assert decided.status_code == 302
    case = Case.objects.get(receipt_number=receipt)
    assert case.objection.status == "dismissed"
    assert "Tarif sesuai Perda." in case.objection.decision_reasons


def test_the_inbox_filter_answers_htmx_with_the_rows_only(as_user: Any) -> None:
    receipt = _apply(as_user("siti"))
    polda = as_user("polda.metro")
    partial = polda.get("/work/?status=active", headers={"HX-Request": "true"}).content.decode()
    assert receipt in partial
    assert "<html" not in partial
    done = polda.get("/work/?status=done", headers={"HX-Request": "true"}).content.decode()
    assert receipt not in done
