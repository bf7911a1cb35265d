"""Decision endpoints: a party's decision and its signed PDF, annulment, and the public
verification of a document id, a QR payload or a PDF file.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

import logging
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import File, Router, Schema, UploadedFile

from sinergi.api.auth import PUBLIC, SIGNED_IN, caller, signed_in
from sinergi.api.errors import problem
from sinergi.cases.access import access_case
from sinergi.core import uploads
from sinergi.core.errors import NotFound
from sinergi.core.idempotency import idempotent
from sinergi.documents import actions, verification
from sinergi.documents.access import access_decision, access_decision_to_annul, decision_for_case
from sinergi.documents.forms import max_pdf_bytes
from sinergi.documents.models import Decision, SigningCertificate
from sinergi.documents.signing import SigningUnavailable
from sinergi.rules import RuleError, Violation, gettext_noop

router = Router(tags=["documents"])
logger = logging.getLogger("sinergi.documents")


class DecisionOut(Schema):
    id: str
    number: str
    receipt_number: str | None
    agency: str
    outcome: str
    status: str
    issued_at: datetime
    signed: bool
    content: dict[str, Any]
    content_digest: str
    pdf_url: str
    verify_url: str


class AnnulIn(Schema):
    defect: str
    annulled_by: str = "pejabat"
    reasons: str = ""
    legal_basis: str = ""
    reference: str = ""
    discovered_on: date


class VerifyOut(Schema):
    status: str
    reason: str
    id: str | None
    summary: dict[str, Any]
    revocation: dict[str, Any]


class VerifyPdfOut(VerifyOut):
    signature_intact: bool
    signature_trusted: bool
    signer: str


class QrIn(Schema):
    payload: str


class CertificateOut(Schema):
    agency: str
    key_id: str
    certificate_pem: str
    valid_from: datetime
    valid_to: datetime


def _out(decision: Decision) -> dict[str, Any]:
    from sinergi.documents.render import verification_url

    return {
        "id": str(decision.pk),
        "number": decision.number,
        "receipt_number": decision.case.receipt_number if decision.case else None,
        "agency": decision.agency.code,
        "outcome": decision.outcome,
        "status": decision.status,
        "issued_at": decision.issued_at,
        "signed": bool(decision.pdf_sha256),
        "content": decision.content,
        "content_digest": decision.content_digest,
        "pdf_url": f"/api/v1/decisions/{decision.pk}/pdf",
        "verify_url": verification_url(str(decision.pk)),
    }


def _answer(answer: verification.Answer) -> dict[str, Any]:
    from django.utils.translation import gettext

    return {
        "status": answer.status,
        "reason": gettext(answer.reason) if answer.reason else "",
        "id": str(answer.decision.pk) if answer.decision is not None else None,
        "summary": answer.summary,
        "revocation": {
            k: gettext(v) if k == "reasons" and answer.revocation.get("kind") == "superseded" else v
            for k, v in answer.revocation.items()
        },
    }


@router.get("/decisions/{decision_id}", response=DecisionOut, auth=SIGNED_IN)
def get_decision(request: HttpRequest, decision_id: str) -> dict[str, Any]:
    return _out(access_decision(caller(request), decision_id))


@router.get("/cases/{receipt}/decision", response=DecisionOut, auth=SIGNED_IN)
def case_decision(request: HttpRequest, receipt: str) -> dict[str, Any]:
    decision = decision_for_case(access_case(caller(request), receipt.strip().upper()))
    if decision is None:
        raise NotFound(receipt)
    return _out(decision)


@router.get(
    "/decisions/{decision_id}/pdf",
    auth=SIGNED_IN,
    response={200: None},
    openapi_extra={
        "responses": {
            200: {"description": "The signed PDF (PAdES)", "content": {"application/pdf": {}}}
        }
    },
)
def decision_pdf(request: HttpRequest, decision_id: str) -> HttpResponse:
    decision = access_decision(caller(request), decision_id)
    try:
        data = actions.pdf_bytes(decision)
    except (SigningUnavailable, FileNotFoundError):
        logger.exception("decision %s could not be signed or read", decision.number)
        unavailable = gettext("The signed document is not available yet; try again later.")
        return problem(request, 503, unavailable)
    response = HttpResponse(data, content_type="application/pdf")
    filename = decision.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="keputusan-{filename}.pdf"'
    return response


@router.post("/decisions/{decision_id}/annul", response=DecisionOut, auth=SIGNED_IN)
@idempotent
def annul(request: HttpRequest, decision_id: str, payload: AnnulIn) -> dict[str, Any]:
    decision = access_decision_to_annul(caller(request), decision_id)
    actions.annul_decision(
        acting_user=signed_in(request),
        decision=decision,
        defect=payload.defect,
        annulled_by=payload.annulled_by,
        reasons=payload.reasons,
        legal_basis=payload.legal_basis,
        reference=payload.reference,
        discovered_on=payload.discovered_on,
    )
    decision.refresh_from_db()
    return _out(decision)


@router.post("/verify/qr", response=VerifyOut, auth=PUBLIC)
def verify_qr(request: HttpRequest, payload: QrIn) -> dict[str, Any]:
    """Public: the scanned QR text (the verification address or the payload alone)."""
    return _answer(verification.verify_qr(payload.payload))


@router.post("/verify/pdf", response=VerifyPdfOut, auth=PUBLIC)
def verify_pdf(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    """Public: a PDF someone holds; its PAdES signature is checked with pyHanko."""
    if file.size is None or file.size > max_pdf_bytes():
        too_large = gettext_noop("The file is larger than 5 MB.")
        raise RuleError(Violation(field="file", rule="file_too_large", template=too_large))
    data = file.read()
    if uploads.configured_problem(data) is not None:
        raise RuleError(
            Violation(field="file", rule="file_expands", template=uploads.EXPANDS_TOO_MUCH)
        )
    check, answer = verification.verify_pdf(data)
    return {
        **_answer(answer),
        "signature_intact": check.intact,
        "signature_trusted": check.trusted,
        "signer": check.signer,
    }


@router.get("/verify/{decision_id}", response=VerifyOut, auth=PUBLIC)
def verify_id(request: HttpRequest, decision_id: str) -> dict[str, Any]:
    """Public: valid, revoked (with why) or unknown, and what the decision decides."""
    return _answer(verification.by_id(decision_id))


# Declared after /verify/qr and /verify/pdf, whose paths its pattern would also match.


@router.get("/signing-certificates", response=list[CertificateOut], auth=PUBLIC)
def certificates(request: HttpRequest) -> list[dict[str, Any]]:
    """Public: every agency's signing certificate, to verify documents and QR codes offline."""
    return [
        {"agency": row.agency.code, "key_id": row.key_id, "certificate_pem": row.certificate_pem,
         "valid_from": row.valid_from, "valid_to": row.valid_to}
        for row in SigningCertificate.objects.select_related("agency")
    ]  # fmt: skip
