"""Every change to decisions goes through here: issuing (in the deciding transaction of the
case), signing (after commit, or on first download), annulment."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime
from functools import partial
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from sinergi.accounts.models import User
from sinergi.accounts.roles import Role
from sinergi.audit.log import chain_head, record
from sinergi.cases import engine
from sinergi.cases.calendar_service import platform_calendar
from sinergi.cases.models import Case
from sinergi.cases.windows import window_end
from sinergi.catalog.definitions import Duration, Unit
from sinergi.citizens.nik import mask_nik, scrub_niks
from sinergi.config.scaleout import queue_in_database
from sinergi.core.errors import Conflict, Forbidden
from sinergi.documents import content, payload, render
from sinergi.documents.models import Annulment, Decision, DecisionCounter, SigningCertificate
from sinergi.documents.notifications import notify_annulled
from sinergi.documents.payload import content_digest, key_id
from sinergi.registry.access import agency_ids_of
from sinergi.registry.models import Agency
from sinergi.rules import RuleError

logger = logging.getLogger("sinergi.documents")

#: Application fields never printed on a decision (personal data beyond what it needs): by
#: part of the name, so family_card_number, no_kk, alamat_usaha are all left out.
_PRIVATE_FIELDS = ("address", "alamat", "nik", "phone", "email", "telepon", "family_card", "kk")
#: Field types printed on a decision (booleans are answers, not facts of the decision).
_PRINTED_TYPES = frozenset({"text", "choice", "number", "int", "integer", "date"})


def _next_number(agency: Agency, year: int) -> str:
    """``<n>/<AGENCY>/<year>``: numbers run per agency per year, without gaps; the counter row
    is locked until the deciding transaction ends."""
    DecisionCounter.objects.get_or_create(agency=agency, year=year)
    DecisionCounter.objects.filter(agency=agency, year=year).update(last=F("last") + 1)
    last = DecisionCounter.objects.get(agency=agency, year=year).last
    return f"{last:05d}/{agency.code.upper()}/{year}"


def _place(agency: Agency) -> str:
    region = agency.region
    return region.name.title() if region is not None else "Jakarta"


def _details(case: Case, data: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in case.service.form:
        name = str(item.get("name", ""))
        value = data.get(name)
        if any(p in name for p in _PRIVATE_FIELDS) or value is None or value == "":
            continue
        if item.get("type", "text") in _PRINTED_TYPES:
            out[str(item.get("label") or name)] = scrub_niks(str(value))
    return out


def _deciding_agency(case: Case, step_id: str | None) -> str:
    definition = case.definition.parsed()
    if step_id is not None:
        return definition.step(step_id).agency
    return definition.decider or definition.steps[-1].agency


def issue_for_case(
    case: Case,
    state: engine.CaseState,
    decided: engine.CaseDecided,
    now: datetime,
    *,
    supersedes: Decision | None = None,
    basis: dict[str, Any] | None = None,
    actor_id: int | None = None,
) -> Decision:
    """Record the decision a case reached, in the transaction that reached it. RuleError (and
    the whole transaction rolls back) when an element the law requires is missing."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("issue_for_case() must run in the deciding transaction")
    # The chain's lock first, then the agency's counter row: every writer takes them in this
    # order (an act's own audit entry comes first), so two decisions never wait on each other.
    chain_head(connection)
    agency = Agency.objects.select_related("region").get(
        code=_deciding_agency(case, decided.step_id)
    )
    step_state = state.steps.get(decided.step_id) if decided.step_id else None
    authority = basis if basis is not None else (
        dict(step_state.basis) if step_state is not None and step_state.basis else None
    )  # fmt: skip
    actor_id = actor_id if actor_id is not None else decided.actor
    # One read of the official: their name goes on the decision, and they are its actor.
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    facts = content.Facts(
        number=_next_number(agency, timezone.localtime(now).year),
        receipt_number=case.receipt_number,
        service_code=case.service.code,
        service_name=case.service.name,
        outputs=[str(o) for o in case.service.output],
        agency_code=agency.code,
        agency_name=agency.name,
        place=_place(agency),
        issued_at=timezone.localtime(now),
        outcome=content.Outcome(decided.outcome.value),
        subject_name=case.citizen.full_name,
        subject_nik_masked=mask_nik(case.citizen.nik),
        authority=authority,
        official_name=(actor.get_full_name() or actor.get_username()) if actor else "",
        service_legal_bases=list(case.service.legal_basis),
        reasons=decided.reasons or (step_state.reasons if step_state is not None else ""),
        objection_until=timezone.localtime(window_end(now, "OBJECTION_WINDOW_WORKING_DAYS")).date(),
        details=_details(case, dict(state.data)),
        supersedes=supersedes.number if supersedes is not None else "",
        objection_working_days=int(settings.SINERGI["OBJECTION_WINDOW_WORKING_DAYS"]),
    )
    frozen = content.build(facts)
    decision = Decision.objects.create(
        number=facts.number,
        case=case,
        agency=agency,
        outcome=facts.outcome.value,
        issued_at=now,
        issued_by=actor,
        content=frozen,
        content_digest=content_digest(frozen),
        supersedes=supersedes,
    )
    if supersedes is not None:
        # An annulled decision stays annulled (and says why); only one in force is replaced.
        Decision.objects.filter(pk=supersedes.pk, status=Decision.Status.VALID).update(
            status=Decision.Status.SUPERSEDED
        )
    record(
        actor=actor,
        action="documents.issue",
        obj=decision,
        agency_code=agency.code,
        authority=authority,
        data={
            "number": decision.number,
            "case": case.receipt_number,
            "outcome": decision.outcome,
            "content_digest": decision.content_digest,
            "supersedes": facts.supersedes,
        },
    )
    if queue_in_database():
        # Queued in the decision's own transaction: a crash right after the commit cannot
        # leave a decision that nobody will sign.
        _enqueue_signing(str(decision.pk))
    else:
        transaction.on_commit(lambda: _enqueue_signing(str(decision.pk)))
    return decision


def _enqueue_signing(decision_id: str) -> None:
    from sinergi.documents.tasks import sign_decision

    try:
        with transaction.atomic():  # a failed insert rolls back alone, not the decision
            sign_decision.enqueue(decision_id)
    except Exception:  # the download signs on demand if the queue is not there
        logger.exception("could not enqueue signing of decision %s", decision_id)


def publish_certificate(agency: Agency, certificate: Any) -> SigningCertificate:
    """Publish the agency's certificate (idempotent: by key id)."""
    kid = key_id(certificate.public_key())
    row, _ = SigningCertificate.objects.get_or_create(
        key_id=kid,
        defaults={
            "agency": agency,
            "certificate_pem": certificate.public_bytes(serialization.Encoding.PEM).decode(),
            "issuer": certificate.issuer.rfc4514_string(),
            "valid_from": certificate.not_valid_before_utc,
            "valid_to": certificate.not_valid_after_utc,
        },
    )
    return row


def qr_claims(decision: Decision) -> dict[str, str]:
    """What the QR payload says of a decision (the signer adds its key id, ``k``)."""
    return {
        "i": str(decision.pk),
        "n": decision.number,
        "a": decision.agency.code,
        "d": decision.content["issued_on"],
        "o": decision.outcome,
        "h": decision.content_digest,
    }


def ensure_signed(decision: Decision, now: datetime | None = None) -> Decision:
    """Make the decision's signed PDF and QR payload once; later calls return it as it is.
    Two processes racing both sign, the first to store wins and the other's file is removed."""
    if decision.pdf_sha256:
        return decision
    from sinergi.documents.signing import get_signer  # pyHanko loads only where one signs

    now = now or timezone.now()
    signer = get_signer()
    agency = decision.agency
    publish_certificate(agency, signer.certificate(agency))
    c = decision.content
    qr = signer.sign_payload(qr_claims(decision), agency)
    pdf = render.decision_pdf(str(decision.pk), c, qr)
    signed = signer.sign_pdf(
        pdf,
        agency=agency,
        reason=f"Keputusan {decision.number}",
        location=c["place"],
    )
    digest = hashlib.sha256(signed).hexdigest()
    name = default_storage.save(f"decisions/{decision.pk}.pdf", ContentFile(signed))
    kid = str(payload.parse(qr)[1]["k"])
    with transaction.atomic():
        won = Decision.objects.filter(pk=decision.pk, pdf_sha256="").update(
            qr_payload=qr, pdf=name, pdf_sha256=digest, key_id=kid, signed_at=now
        )
        if won:
            record(actor=None, action="documents.sign", obj=decision, agency_code=agency.code,
                   data={"pdf_sha256": digest, "key_id": kid})  # fmt: skip
    if not won:
        default_storage.delete(name)
    decision.refresh_from_db()
    return decision


def pdf_bytes(decision: Decision) -> bytes:
    decision = ensure_signed(decision)
    with default_storage.open(str(decision.pdf.name), "rb") as handle:
        data: bytes = handle.read()
    if hashlib.sha256(data).hexdigest() != decision.pdf_sha256:
        raise Conflict(gettext("The stored document does not match its recorded hash."))
    return data


# --- Annulment -------------------------------------------------------------------------------
def _may_annul(acting_user: User, decision: Decision, annulled_by: str, now: datetime) -> None:
    """The issuing agency annuls (its head, or an official holding the authority the decision
    was made under); a superior is the head of the agency or of its parent; a court's order
    is entered by the issuing agency's head."""
    agencies = agency_ids_of(acting_user, now)
    head = acting_user.role == Role.AGENCY_HEAD
    if annulled_by == content.AnnulledBy.SUPERIOR:
        parent = decision.agency.parent_id
        if head and (decision.agency_id in agencies or (parent and parent in agencies)):
            return
    elif decision.agency_id in agencies and (
        head
        or (annulled_by == content.AnnulledBy.ISSUER and decision.issued_by_id == acting_user.pk)
    ):
        return
    raise Forbidden(gettext("Only the issuing official, their superior or the agency head "
                            "on a court's order may annul this decision."))  # fmt: skip


def annul_decision(
    *,
    acting_user: User,
    decision: Decision,
    defect: str,
    annulled_by: str,
    reasons: str,
    legal_basis: str,
    discovered_on: date,
    reference: str = "",
    now: datetime | None = None,
) -> Annulment:
    """Pembatalan for a defect of authority, procedure or substance (UU 30/2014 Pasal 66);
    the decision then verifies as revoked, with this reason."""
    now = now or timezone.now()
    found = content.annulment_problems(
        defect, annulled_by, reasons, legal_basis, reference, discovered_on, timezone.localdate(now)
    )
    if found:
        raise RuleError(*found)
    _may_annul(acting_user, decision, annulled_by, now)
    start = timezone.make_aware(datetime.combine(discovered_on, datetime.min.time()))
    due_by = timezone.localtime(
        platform_calendar().deadline(
            start, Duration(content.ANNULMENT_WINDOW_WORKING_DAYS, Unit.WORKING_DAYS)
        )
    ).date()
    with transaction.atomic():
        updated = Decision.objects.filter(pk=decision.pk, status=Decision.Status.VALID).update(
            status=Decision.Status.ANNULLED
        )
        if updated != 1:
            raise Conflict(gettext("This decision no longer holds: it was annulled or replaced."))
        annulment = Annulment.objects.create(
            decision=decision, defect=defect, annulled_by=annulled_by, reasons=reasons.strip(),
            legal_basis=legal_basis.strip(), reference=reference.strip(),
            discovered_on=discovered_on, due_by=due_by, at=now, actor=acting_user,
        )  # fmt: skip
        record(
            actor=acting_user,
            action="documents.annul",
            obj=decision,
            agency_code=decision.agency.code,
            data={"number": decision.number, "defect": defect, "annulled_by": annulled_by,
                  "reasons": reasons.strip(), "legal_basis": legal_basis.strip(),
                  "reference": reference.strip(), "due_by": due_by.isoformat(),
                  "late": timezone.localdate(now) > due_by},
        )  # fmt: skip
        transaction.on_commit(partial(notify_annulled, str(decision.pk)))
    decision.refresh_from_db()
    return annulment
