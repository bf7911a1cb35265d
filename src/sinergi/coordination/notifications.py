"""E-mails to the officials of an agency that an action item reminds or escalates to, sent
after the escalation committed (DESIGN rule 1: side effects on commit)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core import mail
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.accounts.models import User
from sinergi.coordination.escalation import Level
from sinergi.coordination.models import ActionEscalation

logger = logging.getLogger("sinergi.coordination")


def _subject(level: Level) -> str:
    match level:
        case Level.REMINDER:
            return _("Reminder: action {title} is due on {due}")
        case Level.LEAD:
            return _("Overdue action in {body}: {title}")
        case _:
            return _("Escalated to the coordinating ministry: {title} ({body})")


def recipients(agency_id: int) -> list[str]:
    """The e-mail addresses of the officials who hold a position at the agency now."""
    now = timezone.now()
    return sorted(
        set(
            User.objects.filter(
                is_active=True,
                appointments__position__agency_id=agency_id,
                appointments__valid_from__lte=now,
            )
            .filter(Q(appointments__valid_to__isnull=True) | Q(appointments__valid_to__gt=now))
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def notify_escalations(escalation_ids: Iterable[int]) -> None:
    messages = []
    for escalation in ActionEscalation.objects.select_related(
        "item__body", "item__agency", "to_agency"
    ).filter(pk__in=list(escalation_ids)):
        item = escalation.item
        to = recipients(escalation.to_agency_id)
        if not to:
            continue
        due = timezone.localtime(item.due_at).date().isoformat()
        subject = _subject(Level(escalation.level)).format(
            title=item.title, due=due, body=str(item.body)
        )
        body = _("{agency} was assigned this action by {body}, due on {due}.").format(
            agency=str(item.agency), body=str(item.body), due=due
        )
        messages.append(mail.EmailMessage(subject=subject, body=body, to=to))
    if not messages:
        return
    try:
        mail.mailers.default.send_messages(messages)
    except Exception:
        logger.exception("escalation notification failed")
