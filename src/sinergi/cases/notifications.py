"""E-mails to the citizen at each change they must know, sent after the change committed."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core import mail
from django.utils.translation import gettext as _

from sinergi.cases import engine
from sinergi.cases.models import Case

logger = logging.getLogger("sinergi.cases")

_CITIZEN_EFFECTS = (engine.WaitingOnCitizen, engine.CaseDecided, engine.CaseClosed)


def notify_effects(case_id: int, effects: Iterable[Any], *, submitted: bool = False) -> None:
    relevant = [e for e in effects if isinstance(e, _CITIZEN_EFFECTS)]
    if not relevant and not submitted:
        return
    case = Case.objects.select_related("citizen", "service").get(pk=case_id)
    if not case.citizen.email:
        return
    lines = []
    if submitted:
        lines.append(
            _("Your application {receipt} for {service} was received.").format(
                receipt=case.receipt_number, service=case.service.name
            )
        )
    for effect in relevant:
        if isinstance(effect, engine.WaitingOnCitizen):
            lines.append(_("Please revise your application: {reasons}").format(
                reasons=effect.reasons))  # fmt: skip
        elif isinstance(effect, engine.CaseDecided):
            lines.append(_("A decision was made: {outcome}.").format(outcome=effect.outcome.value))
        else:
            lines.append(_("Your application was closed."))
    try:
        mail.mailers.default.send_messages(
            [
                mail.EmailMessage(
                    subject=_("Sinergi: application {receipt}").format(receipt=case.receipt_number),
                    body="\n\n".join(lines),
                    to=[case.citizen.email],
                )
            ]
        )
    except Exception:
        logger.exception("notification failed", extra={"case": case.receipt_number})
