"""Keberatan (objection) and revision windows: actions with deadlines in working days."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sinergi.accounts.models import User
from sinergi.audit.log import record
from sinergi.cases import engine
from sinergi.cases.actions import resolve_basis
from sinergi.cases.models import Case, CaseEvent, Objection
from sinergi.cases.windows import ensure_within, window_end
from sinergi.catalog.definitions import StepKind
from sinergi.core.errors import Conflict, Forbidden, NotFound
from sinergi.registry.access import agency_ids_of
from sinergi.registry.models import Agency
from sinergi.rules import RuleError, Violation, gettext_noop

_DECIDED = {"approved", "rejected", "deemed_granted"}


def _refuse(field: str, rule: str, template: str) -> RuleError:
    return RuleError(Violation(field=field, rule=rule, template=template))


def objection_deadline(case: Case) -> datetime:
    if case.decided_at is None:
        raise ValueError("an undecided case has no objection window")
    return window_end(case.decided_at, "OBJECTION_WINDOW_WORKING_DAYS")


def _deciding_step(case: Case) -> tuple[str, str]:
    """The last decisive step (decide, else issue) that ran: its agency hears the objection."""
    definition = case.definition.parsed()
    state = engine.from_json(case.state)
    ran = [
        s
        for s in definition.steps
        if state.steps[s.id].status in {engine.StepStatus.DONE, engine.StepStatus.REJECTED}
    ]
    for kind in (StepKind.DECIDE, StepKind.ISSUE, StepKind.VERIFY):
        chosen = [s for s in ran if s.kind is kind]
        if chosen:
            return chosen[-1].id, chosen[-1].agency
    first = definition.steps[0]
    return first.id, first.agency


def _replace_decision(
    case: Case,
    step_id: str,
    acting_user: User,
    basis: dict[str, object] | None,
    reasons: str,
    now: datetime,
) -> None:
    """An upheld objection to a refusal grants the application: a new decision replaces the
    refusal (which then verifies as revoked, replaced by the new one)."""
    from sinergi.documents.access import decision_for_case
    from sinergi.documents.actions import issue_for_case

    decided = engine.CaseDecided(engine.CaseStatus.APPROVED, reasons, step_id, acting_user.pk)
    issue_for_case(case, engine.from_json(case.state), decided, now,
                   supersedes=decision_for_case(case), basis=basis,
                   actor_id=acting_user.pk)  # fmt: skip


def file_objection(
    *, acting_user: User, case: Case, reasons: str, now: datetime | None = None
) -> Objection:
    now = now or timezone.now()
    if case.citizen.user_id != acting_user.pk:
        raise NotFound(case.receipt_number)
    if case.status not in _DECIDED:
        raise _refuse("case", "objection_not_decided",
                      gettext_noop("Only a decided case can be objected to."))  # fmt: skip
    if not reasons.strip():
        raise _refuse("reasons", "reasons_required",
                      gettext_noop("Give the reasons for the objection."))  # fmt: skip
    deadline = objection_deadline(case)
    ensure_within(
        now,
        deadline,
        rule="objection_late",
        template=gettext_noop("The objection window closed on {deadline}."),
        article="UU 30/2014 Pasal 77 ayat (1); 21 hari kerja",
    )
    _, agency_code = _deciding_step(case)
    with transaction.atomic():
        if Objection.objects.filter(case=case).exists():
            raise Conflict(gettext("An objection to this decision was already filed."))
        objection = Objection.objects.create(
            case=case,
            filed_at=now,
            reasons=reasons.strip(),
            deadline=deadline,
            agency=Agency.objects.get(code=agency_code),
        )
        CaseEvent.objects.create(case=case, at=now, kind="ObjectionFiled", actor=acting_user,
                                 agency=objection.agency)  # fmt: skip
        record(actor=acting_user, action="cases.objection.file", obj=case,
               data={"agency": agency_code})  # fmt: skip
    return objection


def decide_objection(
    *, acting_user: User, case: Case, upheld: bool, reasons: str, now: datetime | None = None
) -> Objection:
    """The issuing agency decides again, under the authority of the step that decided; a
    decision on an objection states its reasons either way."""
    now = now or timezone.now()
    objection = Objection.objects.filter(case=case, status=Objection.Status.OPEN).first()
    if objection is None:
        raise NotFound(case.receipt_number)
    if objection.agency_id not in agency_ids_of(acting_user):
        raise Forbidden(gettext("The objection is heard by the agency that decided."))
    if not reasons.strip():
        raise _refuse("reasons", "reasons_required",
                      gettext_noop("Give the reasons for the decision."))  # fmt: skip
    step_id, _ = _deciding_step(case)
    basis = resolve_basis(acting_user, case.definition.parsed().step(step_id).authority, now)
    with transaction.atomic():
        updated = Objection.objects.filter(pk=objection.pk, status=Objection.Status.OPEN).update(
            status=Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED,
            decided_at=now,
            decided_by=acting_user,
            decision_reasons=reasons.strip(),
            basis=basis,
        )
        if updated != 1:
            raise Conflict(gettext("The objection was already decided."))
        if upheld and case.status == "rejected":
            Case.objects.filter(pk=case.pk).update(status="approved", decided_at=now)
            _replace_decision(case, step_id, acting_user, basis, reasons.strip(), now)
        CaseEvent.objects.create(case=case, at=now, kind="ObjectionDecided", actor=acting_user,
                                 agency=objection.agency,
                                 data={"upheld": upheld})  # fmt: skip
        record(actor=acting_user, action="cases.objection.decide", obj=case, authority=basis,
               data={"upheld": upheld, "reasons": reasons.strip()})  # fmt: skip
    objection.refresh_from_db()
    return objection
