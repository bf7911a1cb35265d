"""Reading what the portal keeps (DESIGN rule 2): a case's messages and documents are read only
through a case the caller may already see (``cases.access``); PIN tracking is throttled."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.cases.access import access_case_by_pin, visible_cases
from sinergi.cases.models import Case
from sinergi.core.errors import NotFound
from sinergi.portal import actions
from sinergi.portal.models import CaseDocument, CaseMessage, PinAttempt
from sinergi.portal.rules import PinLimits, pin_throttled


class Throttled(Exception):
    """Too many wrong PINs for this receipt number or from this address: try later (429)."""


def messages_of(case: Case) -> QuerySet[CaseMessage]:
    return CaseMessage.objects.filter(case=case).select_related("sender", "agency")


def documents_of(case: Case) -> QuerySet[CaseDocument]:
    return CaseDocument.objects.filter(case=case)


def access_document(case: Case, document_id: int) -> CaseDocument:
    document = documents_of(case).filter(pk=document_id).first()
    if document is None:
        raise NotFound(document_id)
    return document


def _limits() -> tuple[PinLimits, timedelta]:
    conf = settings.SINERGI_PORTAL
    limits = PinLimits(int(conf["PIN_FAILURES_PER_RECEIPT"]), int(conf["PIN_FAILURES_PER_ADDRESS"]))
    return limits, timedelta(minutes=int(conf["PIN_WINDOW_MINUTES"]))


def is_throttled(receipt_number: str, ip_address: str) -> bool:
    limits, window = _limits()
    failures = PinAttempt.objects.filter(succeeded=False, at__gte=timezone.now() - window)
    return pin_throttled(
        failures.filter(receipt_number=receipt_number).count(),
        failures.filter(ip_address=ip_address).count(),
        limits,
    )


def access_case_by_pin_throttled(receipt_number: str, pin: str, ip_address: str) -> Case:
    """``cases.access.access_case_by_pin`` behind the throttle: Throttled before any PIN is
    checked once the limit is reached; every try is recorded."""
    if is_throttled(receipt_number, ip_address):
        raise Throttled(receipt_number)
    try:
        case = access_case_by_pin(receipt_number, pin)
    except NotFound:
        actions.record_pin_attempt(
            receipt_number=receipt_number, ip_address=ip_address, succeeded=False
        )
        raise
    actions.record_pin_attempt(receipt_number=receipt_number, ip_address=ip_address, succeeded=True)
    return case


def own_cases(user: User) -> QuerySet[Case]:
    return visible_cases(user).filter(citizen__user=user)
