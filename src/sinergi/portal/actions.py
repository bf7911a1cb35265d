"""The portal's changes: messages, uploaded documents and PIN attempts (DESIGN rule 1).

Each is atomic and writes its audit entry in the same transaction; e-mails go after commit.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from sinergi.accounts.models import User
from sinergi.accounts.roles import Role
from sinergi.audit.log import record
from sinergi.cases.models import Case, CaseStep
from sinergi.core import uploads
from sinergi.core.errors import Forbidden, NotFound
from sinergi.portal.models import CaseDocument, CaseMessage, PinAttempt
from sinergi.portal.rules import HEAD_BYTES, check_upload, suffix_for
from sinergi.registry.access import agency_ids_of
from sinergi.registry.models import Agency
from sinergi.rules import RuleError, Violation, gettext_noop

logger = logging.getLogger("sinergi.portal")

MESSAGE_MAX = 2000


def _portal_setting(name: str) -> int:
    return int(settings.SINERGI_PORTAL[name])


def _official_agency(acting_user: User, case: Case) -> Agency:
    """The agency the official writes for: one of theirs with a step in this case."""
    agencies = agency_ids_of(acting_user)
    step = (
        CaseStep.objects.filter(case=case, agency_id__in=agencies, activated_at__isnull=False)
        .select_related("agency")
        .order_by("-activated_at")
        .first()
    )
    if step is None:
        raise NotFound(case.receipt_number)
    return step.agency


def send_message(
    *, acting_user: User, case: Case, body: str, now: datetime | None = None
) -> CaseMessage:
    """A message on the case from its citizen, or from an official of an agency acting on it;
    the citizen is e-mailed when an official writes."""
    now = now or timezone.now()
    text = body.strip()
    if not text:
        raise RuleError(Violation("body", "message_empty", gettext_noop("Enter a message.")))
    if len(text) > MESSAGE_MAX:
        raise RuleError(
            Violation(
                "body",
                "message_too_long",
                gettext_noop("The message must be {limit} characters or fewer."),
                {"limit": str(MESSAGE_MAX)},
            )
        )
    from_citizen = case.citizen.user_id == acting_user.pk
    agency = None
    if not from_citizen:
        if not acting_user.works_in_agency:
            raise Forbidden(gettext("Only the citizen and the agencies on the case write here."))
        agency = _official_agency(acting_user, case)
    with transaction.atomic():
        message = CaseMessage.objects.create(
            case=case,
            sender=acting_user,
            from_citizen=from_citizen,
            agency=agency,
            body=text,
            sent_at=now,
        )
        record(
            actor=acting_user,
            action="portal.message",
            obj=case,
            agency_code=agency.code if agency else "",
            data={"message": message.pk, "from_citizen": from_citizen},
        )
        if not from_citizen:
            transaction.on_commit(partial(notify_message, message.pk))
    return message


def notify_message(message_id: int) -> None:
    message = CaseMessage.objects.select_related("case__citizen", "agency").get(pk=message_id)
    citizen = message.case.citizen
    if not citizen.email:
        return
    agency = message.agency.name if message.agency else "Sinergi"
    body = gettext("{agency} wrote about your application {receipt}:").format(
        agency=agency, receipt=message.case.receipt_number
    )
    try:
        mail.mailers.default.send_messages(
            [
                mail.EmailMessage(
                    subject=gettext("Sinergi: a message about {receipt}").format(
                        receipt=message.case.receipt_number
                    ),
                    body=f"{body}\n\n{message.body}",
                    to=[citizen.email],
                )
            ]
        )
    except Exception:
        logger.exception("message notification failed", extra={"case": message.case_id})


def attach_document(
    *,
    acting_user: User,
    case: Case,
    upload: UploadedFile[bytes],
    requirement: str = "",
    now: datetime | None = None,
) -> CaseDocument:
    """Keep a document the citizen (or the front desk that took the case) uploaded, after
    checking its real type by its first bytes and its size. The same file twice is kept once."""
    now = now or timezone.now()
    own = case.citizen.user_id == acting_user.pk
    desk = acting_user.role == Role.FRONT_DESK and case.submitted_by_id == acting_user.pk
    if not (own or desk):
        raise NotFound(case.receipt_number)
    size = upload.size or 0
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    content_type = check_upload(head, size, _portal_setting("UPLOAD_MAX_BYTES"))
    upload.seek(0)
    if uploads.configured_problem(upload.read()) is not None:
        raise RuleError(Violation("file", "file_expands", uploads.EXPANDS_TOO_MUCH))
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    sha = digest.hexdigest()
    existing = CaseDocument.objects.filter(case=case, sha256=sha).first()
    if existing is not None:
        return existing
    upload.seek(0)
    stem = "".join(
        c for c in (upload.name or "dokumen").rsplit(".", 1)[0] if c.isalnum() or c in "-_ "
    )
    name = f"{stem.strip()[:80] or 'dokumen'}{suffix_for(content_type)}"
    try:
        with transaction.atomic():
            document = CaseDocument(
                case=case,
                uploaded_by=acting_user,
                requirement=requirement[:64],
                name=name,
                content_type=content_type,
                size=size,
                sha256=sha,
                uploaded_at=now,
            )
            document.file.save(f"{sha[:16]}{suffix_for(content_type)}", upload, save=False)
            document.save()
            record(
                actor=acting_user,
                action="portal.document",
                obj=case,
                data={"document": document.pk, "sha256": sha, "size": size, "type": content_type},
            )
    except IntegrityError:
        return CaseDocument.objects.get(case=case, sha256=sha)
    return document


def record_pin_attempt(
    *, receipt_number: str, ip_address: str, succeeded: bool, now: datetime | None = None
) -> PinAttempt:
    """A try of a receipt number and PIN, kept for the throttle; failures are audited."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = PinAttempt.objects.create(
            receipt_number=receipt_number[:20],
            ip_address=ip_address[:45],
            at=now,
            succeeded=succeeded,
        )
        if not succeeded:
            record(
                actor=None,
                action="portal.pin_failed",
                obj=attempt,
                data={"receipt": receipt_number[:20]},
            )
    return attempt
