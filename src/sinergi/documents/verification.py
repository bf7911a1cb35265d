"""Is this document genuine, and does it still hold? Answers for the public page, the API
and ``sinergi documents verify-qr``: valid, annulled (with why) or unknown."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any, Final

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from sinergi.documents import keys, payload
from sinergi.documents.content import public_summary
from sinergi.documents.models import Decision, SigningCertificate, decision_key
from sinergi.rules import gettext_noop

VALID: Final = "valid"
REVOKED: Final = "revoked"
UNKNOWN: Final = "unknown"
INVALID: Final = "invalid"  # a payload or a PDF whose signature does not hold

NOT_A_PDF: Final = gettext_noop("The file is not a readable PDF.")
UNSIGNED: Final = gettext_noop("The PDF carries no signature.")
SIGNATURE_BROKEN: Final = gettext_noop(
    "The PDF was changed after it was signed, or its signature is not intact."
)
UNTRUSTED: Final = gettext_noop("The PDF's signer is not a trusted agency certificate.")
NOT_ISSUED_HERE: Final = gettext_noop("No decision with this content was issued by Sinergi.")


@dataclass(frozen=True)
class Answer:
    status: str  # valid, revoked, unknown or invalid
    reason: str = ""
    decision: Decision | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    revocation: dict[str, Any] = field(default_factory=dict)


def _revocation(decision: Decision) -> dict[str, Any]:
    if decision.status == Decision.Status.SUPERSEDED:
        newer = Decision.objects.filter(supersedes=decision).values_list("number", flat=True)
        why = gettext_noop("Replaced by a new decision after an objection.")
        return {"kind": "superseded", "replaced_by": newer.first() or "", "reasons": why}
    annulment = getattr(decision, "annulment", None)
    if annulment is None:
        return {}
    return {
        "kind": "annulled",
        "defect": annulment.defect,
        "annulled_by": annulment.annulled_by,
        "reasons": annulment.reasons,
        "legal_basis": annulment.legal_basis,
        "reference": annulment.reference,
        "at": annulment.at.isoformat(),
    }


def status_of(decision: Decision | None) -> Answer:
    if decision is None:
        return Answer(UNKNOWN, gettext_noop("No document with this identifier was issued."))
    summary = public_summary(decision.content)
    if decision.status != Decision.Status.VALID:
        return Answer(REVOKED, "", decision, summary, _revocation(decision))
    return Answer(VALID, "", decision, summary)


def by_id(decision_id: str) -> Answer:
    key = decision_key(decision_id)
    if key is None:
        return status_of(None)
    return status_of(Decision.objects.select_related("annulment", "agency").filter(pk=key).first())


def published_keys() -> tuple[dict[str, ec.EllipticCurvePublicKey], dict[str, str]]:
    """Every published agency key by key id, and the agency each belongs to."""
    public: dict[str, ec.EllipticCurvePublicKey] = {}
    agencies: dict[str, str] = {}
    for row in SigningCertificate.objects.select_related("agency"):
        key = x509.load_pem_x509_certificate(row.certificate_pem.encode()).public_key()
        if isinstance(key, ec.EllipticCurvePublicKey):
            public[row.key_id] = key
            agencies[row.key_id] = row.agency.code
    return public, agencies


def verify_qr(text: str) -> Answer:
    """Check the payload's signature with the published keys, then the decision's status and
    that the payload's digest is the decision's content."""
    public, agencies = published_keys()
    check = payload.verify(text, public, agencies)
    if not check.valid:
        return Answer(INVALID, check.reason)
    answer = by_id(check.claims["i"])
    decision = answer.decision
    if decision is not None and (
        decision.content_digest != check.claims["h"]
        or decision.agency.code != check.claims["a"]
        or (decision.qr_payload and decision.qr_payload != payload.extract(text))
    ):  # signed by a real key, but not the payload this decision was issued with
        return Answer(INVALID, payload.BAD_SIGNATURE)
    return answer


def load_public_key(data: bytes) -> ec.EllipticCurvePublicKey:
    """A public key from a PEM certificate or a PEM public key (for offline checks)."""
    try:
        key: Any = x509.load_pem_x509_certificate(data).public_key()
    except ValueError:
        key = serialization.load_pem_public_key(data)
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("not an EC P-256 public key")
    return key


def validation_context() -> ValidationContext:
    from sinergi.documents.signing import asn1_certificate

    roots = [asn1_certificate(c) for c in keys.trust_roots()]
    return ValidationContext(trust_roots=roots, allow_fetching=False)


@dataclass(frozen=True)
class PdfCheck:
    intact: bool
    trusted: bool
    reason: str = ""
    signer: str = ""


def check_pdf_signature(data: bytes) -> PdfCheck:
    """pyHanko's own validation of the document's (last) signature, against our roots."""
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError):
        return PdfCheck(False, False, NOT_A_PDF)
    if not signatures:
        return PdfCheck(False, False, UNSIGNED)
    try:
        status = validate_pdf_signature(signatures[-1], validation_context())
    except Exception:  # a malformed signature is an answer, not an error
        return PdfCheck(False, False, SIGNATURE_BROKEN)
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    # Signed once, changed never: an incremental update after the signature is a change.
    untouched = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not (status.intact and status.valid and untouched):
        return PdfCheck(False, False, SIGNATURE_BROKEN, signer)
    if not (status.trusted and status.bottom_line):
        return PdfCheck(True, False, UNTRUSTED, signer)
    return PdfCheck(True, True, "", signer)


def verify_pdf(data: bytes) -> tuple[PdfCheck, Answer]:
    """A PDF someone holds: its signature (pyHanko), then which decision it is (by the hash
    of the signed file we keep) and whether that decision still holds."""
    check = check_pdf_signature(data)
    if not check.trusted:
        return check, Answer(INVALID, check.reason)
    digest = hashlib.sha256(data).hexdigest()
    decision = Decision.objects.select_related("annulment").filter(pdf_sha256=digest).first()
    if decision is None:
        return check, Answer(UNKNOWN, NOT_ISSUED_HERE)
    return check, status_of(decision)
