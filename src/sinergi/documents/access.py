"""The only way to load a decision (DESIGN rule 2): whoever may see its case may see it;
the public sees only what verification shows. Missing and forbidden are the same 404."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from sinergi.accounts.models import User
from sinergi.cases.access import visible_cases
from sinergi.cases.models import Case
from sinergi.core.errors import NotFound
from sinergi.documents.models import Decision


def visible_decisions(caller: User | AnonymousUser) -> QuerySet[Decision]:
    return Decision.objects.select_related("agency", "case").filter(
        case__in=visible_cases(caller).values("pk")
    )


def access_decision(caller: User | AnonymousUser, decision_id: str) -> Decision:
    import uuid

    try:
        key = uuid.UUID(str(decision_id))
    except ValueError:
        raise NotFound(decision_id) from None
    decision = visible_decisions(caller).filter(pk=key).first()
    if decision is None:
        raise NotFound(decision_id)
    return decision


def decision_for_case(case: Case) -> Decision | None:
    """The case's decision in force: the latest issued (a decision on an objection replaces
    the one before). The caller has already loaded ``case`` through cases.access."""
    return (
        Decision.objects.select_related("agency").filter(case=case).order_by("-issued_at").first()
    )
