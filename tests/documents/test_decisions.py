"""Decisions that can be trusted (UU 30/2014): every decided case issues one, with the
elements the law requires, a PAdES-signed PDF that pyHanko's own validator accepts, a QR
payload that verifies offline, and annulment only for a defect of wewenang, prosedur or
substansi."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from sinergi.audit.models import AuditEntry
from sinergi.cases.calendar_service import platform_calendar
from sinergi.cases.models import Case
from sinergi.catalog.definitions import Duration, Unit
from sinergi.catalog.models import ProcessDefinition
from sinergi.documents.models import Decision
from tests.cases.test_every_service import REASONS, VARIANTS, run_to_decision

pytestmark = pytest.mark.django_db


def decide(
    as_user: Any, service: str, variant: str, officials: dict[str, str] | None = None,
    **outcomes: str,
) -> Decision:  # fmt: skip
    row = ProcessDefinition.objects.select_related("service").get(
        service__code=service, variant=variant, current=True
    )
    steps = {k.replace("_", "-"): v for k, v in outcomes.items()}
    receipt = run_to_decision(as_user, row, steps, officials)
    return Decision.objects.get(case__receipt_number=receipt)


def pdf_of(client: Any, decision: Decision) -> bytes:
    response = client.get(f"/api/v1/decisions/{decision.pk}/pdf")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content) if response.streaming else response.content


def pyhanko_status(data: bytes) -> Any:
    """pyHanko's own validator, trusting this installation's signing CA."""
    ca = Path(settings.SINERGI["SIGNING_KEYS_DIR"]) / "ca.cert.pem"
    from asn1crypto import pem

    _, _, der = pem.unarmor(ca.read_bytes())
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)])
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    return validate_pdf_signature(signature, context)


# --- Issuing -----------------------------------------------------------------------------
#: The kabid decides business licences under a mandate of the Kepala DPMPTSP (demo manifest).
KABID = {"dpmptsp-bandung": "kabid.perizinan.bdg"}


def test_a_business_licence_decision_carries_every_element_the_law_requires(as_user: Any) -> None:
    decision = decide(as_user, "izin-usaha", "satu-pintu", KABID)
    c = decision.content
    assert decision.outcome == "approved"
    assert decision.status == "valid"
    assert decision.number.endswith(f"/DPMPTSP-BANDUNG/{decision.issued_at.year}")
    # UU 30/2014 Pasal 1 angka 24: under a mandate, signed a.n. the mandator.
    assert c["authority"]["kind"] == "mandat"
    assert c["authority"]["signature"].startswith("a.n. ")
    assert c["authority"]["on_behalf_of"]
    assert c["official"]  # the official who signed, by name
    assert any("PP 28/2025" in b["regulation"] for b in c["legal_bases"])
    assert c["subject"]["nik"].endswith("0003")
    assert "3273015708950003" not in str(c)
    # Keberatan within 21 working days of the decision (Pasal 77 ayat (1)).
    expected = platform_calendar().deadline(decision.issued_at, Duration(21, Unit.WORKING_DAYS))
    assert c["remedies"]["objection_until"] == timezone.localtime(expected).date().isoformat()
    entry = AuditEntry.objects.get(action="documents.issue", object_id=str(decision.pk))
    assert entry.data["content_digest"] == decision.content_digest
    assert entry.authority["kind"] == "mandat"


def test_a_delegated_decision_is_signed_by_the_delegatee_in_its_own_name(as_user: Any) -> None:
    decision = decide(as_user, "izin-usaha", "satu-pintu")  # the kepala acts himself
    authority = decision.content["authority"]
    assert authority["kind"] == "delegasi"
    assert not authority["on_behalf_of"]
    assert not authority["signature"].startswith("a.n.")
    assert any("Wali Kota" in b["regulation"] for b in decision.content["legal_bases"])


def test_numbers_run_per_agency_and_year_without_gaps(as_user: Any) -> None:
    first = decide(as_user, "izin-usaha", "satu-pintu")
    second = decide(as_user, "izin-usaha", "satu-pintu")
    n1, n2 = (int(d.number.split("/")[0]) for d in (first, second))
    assert n2 == n1 + 1


def test_a_refusal_states_its_reasons(as_user: Any) -> None:
    decision = decide(as_user, "izin-usaha", "satu-pintu", pendaftaran="reject")
    assert decision.outcome == "rejected"
    assert decision.content["reasons"] == REASONS
    assert decision.content["outputs"] == []


def test_an_electronic_decision_says_so_in_bahasa_indonesia_whatever_the_ui_language(
    as_user: Any,
) -> None:
    from django.utils import translation

    with translation.override("en"):  # the citizen browses in English
        decision = decide(as_user, "samsat-tahunan", "elektronik")
    assert decision.content["authority"]["electronic"] is True
    assert decision.content["authority"]["signature"].startswith(
        "Diterbitkan secara elektronik berdasarkan kewenangan "
    )


# --- The signed document -------------------------------------------------------------------
def test_the_downloaded_pdf_is_accepted_by_pyhankos_validator(as_user: Any) -> None:
    decision = decide(as_user, "izin-usaha", "satu-pintu")
    # The front desk took this application for a walk-in citizen: the desk downloads it.
    data = pdf_of(as_user("desk.mpp.bdg"), decision)
    assert data.startswith(b"%PDF")
    status = pyhanko_status(data)
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.bottom_line
    assert "DPMPTSP" in status.signing_cert.subject.human_friendly.upper()
    decision.refresh_from_db()
    assert decision.signed_at is not None
    assert decision.pdf_sha256
    assert (
        AuditEntry.objects.filter(action="documents.sign", object_id=str(decision.pk)).count() == 1
    )


@pytest.mark.parametrize(("service", "variant"), VARIANTS, ids=[f"{s}/{v}" for s, v in VARIANTS])
def test_every_variants_decision_is_signed_and_accepted_by_pyhanko(
    as_user: Any, service: str, variant: str
) -> None:
    decision = decide(as_user, service, variant)
    status = pyhanko_status(pdf_of(as_user("auditor"), decision))
    assert status.bottom_line
    assert status.signing_cert.subject.native["organization_name"] == decision.agency.name[:64]


def test_signing_twice_keeps_the_first_document(as_user: Any) -> None:
    decision = decide(as_user, "samsat-tahunan", "satu-atap")
    client = as_user("auditor")
    assert pdf_of(client, decision) == pdf_of(client, decision)
    assert (
        AuditEntry.objects.filter(action="documents.sign", object_id=str(decision.pk)).count() == 1
    )


def test_the_signing_task_is_queued_with_the_decision_and_runs_twice_harmlessly(
    as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Queued in the decision's own transaction (no after-commit callback a crash could lose);
    run again after a worker died mid-task, it keeps the first signature."""
    from django_tasks_db.models import DBTaskResult

    from sinergi.documents.tasks import sign_decision

    with django_capture_on_commit_callbacks(execute=False):
        decision = decide(as_user, "samsat-tahunan", "satu-atap")
    queued = DBTaskResult.objects.filter(
        task_path="sinergi.documents.tasks.sign_decision", status="READY"
    )
    assert [row.args_kwargs["args"] for row in queued] == [[str(decision.pk)]]
    first = sign_decision.call(str(decision.pk))
    assert sign_decision.call(str(decision.pk)) == first
    assert (
        AuditEntry.objects.filter(action="documents.sign", object_id=str(decision.pk)).count() == 1
    )


def test_a_pdf_changed_after_signing_is_rejected(as_user: Any) -> None:
    decision = decide(as_user, "izin-usaha", "satu-pintu")
    data = pdf_of(as_user("auditor"), decision)
    # An incremental update that changes the document after the signature.
    from pyhanko.pdf_utils.generic import pdf_string

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/Lang"] = pdf_string("en")
    writer.update_root()  # type: ignore[no-untyped-call]
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    changed = out.getvalue()
    assert changed.startswith(data)
    assert len(changed) > len(data)
    response = as_user("siti").post("/api/v1/verify/pdf", {"file": _upload(changed)})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "invalid"
    assert not body["signature_intact"]
    # A byte flipped inside the signed range breaks the signature itself.
    flipped = bytearray(data)
    at = data.index(b"Keputusan") + 2
    flipped[at] ^= 0x01
    assert (
        as_user("siti")
        .post("/api/v1/verify/pdf", {"file": _upload(bytes(flipped))})
        .json()["status"]
        == "invalid"
    )
    ok = as_user("siti").post("/api/v1/verify/pdf", {"file": _upload(data)}).json()
    assert ok["status"] == "valid"
    assert ok["signature_trusted"]
    assert ok["id"] == str(decision.pk)


def _upload(data: bytes, name: str = "keputusan.pdf") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_a_file_that_is_not_a_pdf_is_reported_not_raised(client: Any) -> None:
    body = client.post("/api/v1/verify/pdf", {"file": _upload(b"hello")}).json()
    assert body["status"] == "invalid"
    assert body["reason"]


# --- QR payloads ---------------------------------------------------------------------------
def test_the_qr_payload_verifies_online_and_offline(as_user: Any, tmp_path: Path) -> None:
    decision = decide(as_user, "izin-usaha", "satu-pintu")
    pdf_of(as_user("auditor"), decision)
    decision.refresh_from_db()
    out = io.StringIO()
    call_command("documents", "verify-qr", decision.qr_payload, stdout=out)
    assert out.getvalue().startswith(f"valid: {decision.number}")
    # The whole scanned text (the verification address) works the same.
    url = f"{settings.SINERGI['PUBLIC_URL']}/verifikasi/{decision.pk}?qr={decision.qr_payload}"
    body = as_user("siti").post("/api/v1/verify/qr", {"payload": url},
                                content_type="application/json").json()  # fmt: skip
    assert body["status"] == "valid"
    assert body["summary"]["number"] == decision.number
    # Offline: only the agency's published certificate.
    cert = as_user("siti").get("/api/v1/signing-certificates").json()
    pem = next(c["certificate_pem"] for c in cert if c["key_id"] == decision.key_id)
    key_file = tmp_path / "dpmptsp.pem"
    key_file.write_text(pem)
    out = io.StringIO()
    call_command("documents", "verify-qr", decision.qr_payload, "--public-key", str(key_file),
                 stdout=out)  # fmt: skip
    assert out.getvalue().startswith("signature valid (offline):")


def test_a_forged_qr_payload_is_refused(as_user: Any) -> None:
    import base64
    import json

    decision = decide(as_user, "izin-usaha", "satu-pintu")
    pdf_of(as_user("auditor"), decision)
    decision.refresh_from_db()
    prefix, claims, signature = decision.qr_payload.split(".")
    raw = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    raw["o"] = "approved" if raw["o"] != "approved" else "rejected"
    forged_claims = (
        base64.urlsafe_b64encode(json.dumps(raw, separators=(",", ":"), sort_keys=True).encode())
        .rstrip(b"=")
        .decode()
    )
    forged = f"{prefix}.{forged_claims}.{signature}"
    with pytest.raises(CommandError, match="invalid"):
        call_command("documents", "verify-qr", forged)
    body = as_user("siti").post("/api/v1/verify/qr", {"payload": forged},
                                content_type="application/json").json()  # fmt: skip
    assert body["status"] == "invalid"
    assert body["reason"]
    for junk in ("", "SNG1.abc", "https://example.invalid/verifikasi/x", "SNG1.!!.??"):
        answer = as_user("siti").post(
            "/api/v1/verify/qr", {"payload": junk}, content_type="application/json"
        )
        assert answer.json()["status"] == "invalid"


def test_an_unknown_document_id_is_unknown(client: Any) -> None:
    import uuid

    for key in (str(uuid.uuid4()), "not-a-uuid"):
        body = client.get(f"/api/v1/verify/{key}").json()
        assert body["status"] == "unknown"
        assert body["summary"] == {}


# --- Who sees a decision ---------------------------------------------------------------------
def test_only_the_parties_see_a_decision(as_user: Any, client: Any) -> None:
    decision = decide(as_user, "izin-usaha", "satu-pintu")
    for username in ("outsider.kemenag", "polda.metro"):
        assert as_user(username).get(f"/api/v1/decisions/{decision.pk}").status_code == 404
        assert as_user(username).get(f"/api/v1/decisions/{decision.pk}/pdf").status_code == 404
    assert as_user("kepala.dpmptsp.bdg").get(f"/api/v1/decisions/{decision.pk}").status_code == 200
    assert client.get(f"/api/v1/decisions/{decision.pk}").status_code == 401
    # The public verification shows what is decided, with the name masked and no NIK.
    public = client.get(f"/api/v1/verify/{decision.pk}").json()
    assert public["status"] == "valid"
    assert "nik" not in str(public["summary"]).lower()
    assert public["summary"]["subject"] == "D*** A********"  # Dewi Anggraini


# --- Annulment ---------------------------------------------------------------------------
def annul(client: Any, decision: Decision, **body: Any) -> Any:
    payload = {"defect": "prosedur", "annulled_by": "pejabat",
               "reasons": "Rekomendasi teknis tidak dimintakan.",
               "legal_basis": "UU 30/2014 Pasal 66", "discovered_on": date.today().isoformat(),
               **body}  # fmt: skip
    return client.post(f"/api/v1/decisions/{decision.pk}/annul", payload,
                       content_type="application/json")  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"defect": "politik"}, "defect"),
        ({"reasons": "  "}, "reasons"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"annulled_by": "menteri"}, "annulled_by"),
        ({"annulled_by": "pengadilan", "reference": ""}, "reference"),
        ({"discovered_on": (date.today() + timedelta(days=3)).isoformat()}, "discovered_on"),
    ],
)
def test_an_annulment_without_a_lawful_ground_is_refused_and_changes_nothing(
    as_user: Any, body: dict[str, Any], field: str
) -> None:
    decision = decide(as_user, "izin-usaha", "satu-pintu")
    entries = AuditEntry.objects.count()
    response = annul(as_user("kepala.dpmptsp.bdg"), decision, **body)
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    decision.refresh_from_db()
    assert decision.status == "valid"
    assert AuditEntry.objects.count() == entries


def test_an_annulled_decision_verifies_as_revoked_and_says_why(
    as_user: Any, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    # Siti applies herself (with an e-mail address), so she is told of the annulment.
    decision = decide(as_user, "pbg-bandung", "teknis-fungsional")
    pdf = pdf_of(as_user("auditor"), decision)
    decision.refresh_from_db()
    assert annul(as_user("outsider.kemenag"), decision).status_code == 404
    assert annul(as_user("dlh.bdg"), decision).status_code == 403  # a party, not the issuer
    with django_capture_on_commit_callbacks(execute=True):
        response = annul(as_user("kepala.dpmptsp.bdg"), decision)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "annulled"
    assert [m.to for m in mailoutbox] == [["siti@example.id"]]
    assert decision.number in mailoutbox[0].body
    public = as_user("siti").get(f"/api/v1/verify/{decision.pk}").json()
    assert public["status"] == "revoked"
    assert public["revocation"]["defect"] == "prosedur"
    assert public["revocation"]["reasons"] == "Rekomendasi teknis tidak dimintakan."
    with pytest.raises(CommandError, match="revoked"):
        call_command("documents", "verify-qr", decision.qr_payload)
    assert (
        as_user("siti").post("/api/v1/verify/pdf", {"file": _upload(pdf)}).json()["status"]
        == "revoked"
    )
    entry = AuditEntry.objects.get(action="documents.annul", object_id=str(decision.pk))
    assert entry.data["defect"] == "prosedur"
    assert entry.actor_username == "kepala.dpmptsp.bdg"
    # Once annulled, it cannot be annulled again.
    assert annul(as_user("kepala.dpmptsp.bdg"), decision).status_code == 409


def object_and_uphold(as_user: Any, case: Case) -> None:
    """Siti objects to the refusal within its window; the Kepala DPMPTSP upholds it."""
    filed = as_user("siti").post(
        f"/api/v1/cases/{case.receipt_number}/objection",
        {"reasons": "Berkas sudah lengkap."},
        content_type="application/json",
    )
    assert filed.status_code == 201, filed.content
    decided = as_user("kepala.dpmptsp.bdg").post(
        f"/api/v1/cases/{case.receipt_number}/objection/decide",
        {"upheld": True, "reasons": "Berkas ternyata lengkap."},
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.content


def test_an_upheld_objection_replaces_the_refusal(as_user: Any) -> None:
    # Siti applies herself (a counter intake, no front desk), and the permit is refused.
    refusal = decide(as_user, "pbg-bandung", "teknis-fungsional", persetujuan="reject")
    case = Case.objects.get(decisions=refusal)
    citizen = "siti"
    object_and_uphold(as_user, case)
    refusal.refresh_from_db()
    new = Decision.objects.get(supersedes=refusal)
    assert refusal.status == "superseded"
    assert new.outcome == "approved"
    assert new.content["supersedes"] == refusal.number
    public = as_user("siti").get(f"/api/v1/verify/{refusal.pk}").json()
    assert public["status"] == "revoked"
    assert public["revocation"]["replaced_by"] == new.number
    mine = as_user(citizen).get(f"/api/v1/cases/{case.receipt_number}/decision").json()
    assert mine["id"] == str(new.pk)


def test_a_late_annulment_is_recorded_as_late(as_user: Any) -> None:
    """Pasal 66: within 5 working days of finding the defect; a late one still annuls (a
    defective decision must not stand) but the record says it was late."""
    decision = decide(as_user, "izin-usaha", "satu-pintu")
    found = date.today() - timedelta(days=30)
    response = annul(as_user("kepala.dpmptsp.bdg"), decision, discovered_on=found.isoformat())
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.get(action="documents.annul", object_id=str(decision.pk))
    assert entry.data["late"] is True
    expected = platform_calendar().deadline(
        timezone.make_aware(datetime.combine(found, datetime.min.time())),
        Duration(5, Unit.WORKING_DAYS),
    )
    assert entry.data["due_by"] == timezone.localtime(expected).date().isoformat()


def test_the_qr_code_carries_the_verification_address_and_the_payload(as_user: Any) -> None:
    from sinergi.documents import render

    decision = decide(as_user, "samsat-tahunan", "satu-atap")
    pdf_of(as_user("auditor"), decision)
    decision.refresh_from_db()
    address = f"{settings.SINERGI['PUBLIC_URL']}/verifikasi/{decision.pk}?qr={decision.qr_payload}"
    html = render.decision_html(str(decision.pk), decision.content, decision.qr_payload)
    assert render.qr_png_data_uri(address) in html
    # The address a phone opens checks the payload too.
    page = Client().get(address.removeprefix(settings.SINERGI["PUBLIC_URL"]))
    assert decision.number in page.content.decode()


def test_the_documents_command_checks_pdfs_makes_keys_and_signs_what_is_pending(
    as_user: Any, tmp_path: Path
) -> None:
    decision = decide(as_user, "samsat-tahunan", "satu-atap")
    out = io.StringIO()
    call_command("documents", "sign-pending", stdout=out)
    assert out.getvalue().strip().endswith("decisions signed")
    decision.refresh_from_db()
    assert decision.pdf_sha256
    pdf = tmp_path / "keputusan.pdf"
    pdf.write_bytes(decision.pdf_bytes())
    out = io.StringIO()
    call_command("documents", "verify-pdf", str(pdf), stdout=out)
    assert out.getvalue().startswith(f"valid: {decision.number}")
    pdf.write_bytes(decision.pdf_bytes().replace(b"Keputusan", b"Keputusam", 1))
    with pytest.raises(CommandError, match="invalid"):
        call_command("documents", "verify-pdf", str(pdf))
    with pytest.raises(CommandError, match="no such file"):
        call_command("documents", "verify-pdf", str(tmp_path / "missing.pdf"))
    out = io.StringIO()
    call_command("documents", "keys", "--agency", "bapenda-dki", stdout=out)
    assert out.getvalue().startswith("bapenda-dki: key ")
    with pytest.raises(CommandError, match="unknown agency: tidak-ada"):
        call_command("documents", "keys", "--agency", "tidak-ada")


# --- What the review of this feature asked for -------------------------------------------
def _signed(as_user: Any, *args: Any, **kwargs: Any) -> Decision:
    decision = decide(as_user, *args, **kwargs)
    pdf_of(as_user("auditor"), decision)
    decision.refresh_from_db()
    return decision


def test_a_payload_signed_by_another_agencys_real_key_does_not_verify(as_user: Any) -> None:
    """A genuine key of agency B cannot vouch for agency A's decision."""
    from sinergi.documents import payload
    from sinergi.documents.actions import qr_claims
    from sinergi.documents.signing import get_signer
    from sinergi.registry.models import Agency

    decision = _signed(as_user, "izin-usaha", "satu-pintu")
    other = Agency.objects.get(code="bapenda-dki")
    signer = get_signer()
    from sinergi.documents.actions import publish_certificate

    publish_certificate(other, signer.certificate(other))
    forged = signer.sign_payload({**qr_claims(decision), "a": other.code}, other)
    assert payload.parse(forged)[1]["a"] == "bapenda-dki"
    body = as_user("siti").post("/api/v1/verify/qr", {"payload": forged},
                                content_type="application/json").json()  # fmt: skip
    assert body["status"] == "invalid"
    # The same with the right agency claim but B's key: the key is not A's.
    forged = signer.sign_payload(qr_claims(decision), other)
    body = as_user("siti").post("/api/v1/verify/qr", {"payload": forged},
                                content_type="application/json").json()  # fmt: skip
    assert body["status"] == "invalid"


def test_one_decisions_payload_at_anothers_address_is_not_genuine(as_user: Any) -> None:
    first = _signed(as_user, "samsat-tahunan", "satu-atap")
    second = _signed(as_user, "samsat-tahunan", "satu-atap")
    page = Client().get(f"/verifikasi/{second.pk}?qr={first.qr_payload}")
    assert "sg-tag--red" in page.content.decode()
    assert first.number not in page.content.decode()


def test_two_signers_racing_keep_one_document(as_user: Any) -> None:
    from django.core.files.storage import default_storage

    from sinergi.documents.actions import ensure_signed

    decision = decide(as_user, "samsat-tahunan", "satu-atap")
    stale_a = Decision.objects.select_related("agency").get(pk=decision.pk)
    stale_b = Decision.objects.select_related("agency").get(pk=decision.pk)
    won = ensure_signed(stale_a)
    lost = ensure_signed(stale_b)  # it had not seen the first signature: it signs, then loses
    assert lost.pdf_sha256 == won.pdf_sha256
    assert lost.pdf.name == won.pdf.name
    entries = AuditEntry.objects.filter(action="documents.sign", object_id=str(decision.pk))
    assert entries.count() == 1
    stored = default_storage.listdir("decisions")[1]
    assert sum(name.startswith(str(decision.pk)) for name in stored) == 1


def test_the_issuing_official_may_annul_their_own_decision(as_user: Any) -> None:
    decision = decide(as_user, "izin-usaha", "satu-pintu", KABID)
    assert decision.issued_by is not None
    assert decision.issued_by.username == "kabid.perizinan.bdg"
    response = annul(as_user("kabid.perizinan.bdg"), decision)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "annulled"


def test_an_annulled_refusal_stays_annulled_when_an_objection_is_upheld(as_user: Any) -> None:
    refusal = decide(as_user, "pbg-bandung", "teknis-fungsional", persetujuan="reject")
    case = Case.objects.get(decisions=refusal)
    assert annul(as_user("kepala.dpmptsp.bdg"), refusal).status_code == 200
    object_and_uphold(as_user, case)
    refusal.refresh_from_db()
    assert refusal.status == "annulled"
    public = as_user("siti").get(f"/api/v1/verify/{refusal.pk}").json()
    assert public["revocation"]["defect"] == "prosedur"
