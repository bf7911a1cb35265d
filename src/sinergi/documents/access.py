"""The only way to load a decision (DESIGN rule 2): whoever may see its case may see it;
the public sees only what verification shows. Missing and forbidden are the same 404."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from sinergi.accounts.models import User
from sinergi.accounts.roles import Role
from sinergi.cases.access import visible_cases
from sinergi.cases.models import Case
from sinergi.core.errors import NotFound
from sinergi.documents.models import Decision, decision_key
from sinergi.registry.access import agency_ids_of


def visible_decisions(caller: User | AnonymousUser) -> QuerySet[Decision]:
    return Decision.objects.select_related("agency", "case").filter(
        case__in=visible_cases(caller).values("pk")
    )


def access_decision(caller: User | AnonymousUser, decision_id: str) -> Decision:
    key = decision_key(decision_id)
    decision = visible_decisions(caller).filter(pk=key).first() if key else None
    if decision is None:
        raise NotFound(decision_id)
    return decision


def access_decision_to_annul(caller: User | AnonymousUser, decision_id: str) -> Decision:
    """A party's view, and also the superior's: the head of the agency above the issuing one
    may annul (UU 30/2014 Pasal 66 ayat (3)) without being a party to the case."""
    key = decision_key(decision_id)
    if key is None:
        raise NotFound(decision_id)
    decisions = Decision.objects.select_related("agency", "case").filter(pk=key)
    rule = Q(case__in=visible_cases(caller).values("pk"))
    if isinstance(caller, User) and caller.role == Role.AGENCY_HEAD:
        rule |= Q(agency__parent_id__in=agency_ids_of(caller))
    decision = decisions.filter(rule).first()
    if decision is None:
        raise NotFound(decision_id)
    return decision


def decision_for_case(case: Case) -> Decision | None:
    """The case's decision in force: the latest issued (a decision on an objection replaces
    the one before). The caller has already loaded ``case`` through cases.access."""
    return (
        Decision.objects.select_related("agency").filter(case=case).order_by("-issued_at").first()
    )
