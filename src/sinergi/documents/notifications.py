"""E-mail to the citizen when a decision they hold stops holding (sent after commit)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import mail
from django.utils.translation import gettext as _

from sinergi.documents.models import Decision

logger = logging.getLogger("sinergi.documents")


def notify_annulled(decision_id: str) -> None:
    decision = Decision.objects.select_related("case__citizen", "annulment").get(pk=decision_id)
    citizen = decision.case.citizen if decision.case is not None else None
    if citizen is None or not citizen.email:
        return
    annulment = decision.annulment
    body = _(
        "Decision {number} on your application {receipt} was annulled for a defect of "
        "{defect}: {reasons} ({legal_basis}). You may object within {days} working days."
    ).format(
        number=decision.number,
        receipt=decision.content["receipt_number"],
        defect=annulment.defect,
        reasons=annulment.reasons,
        legal_basis=annulment.legal_basis,
        days=settings.SINERGI["OBJECTION_WINDOW_WORKING_DAYS"],
    )
    try:
        mail.mailers.default.send_messages(
            [
                mail.EmailMessage(
                    subject=_("Sinergi: decision {number} annulled").format(number=decision.number),
                    body=body,
                    to=[citizen.email],
                )
            ]
        )
    except Exception:
        logger.exception("notification failed", extra={"decision": decision.number})
