"""Case endpoints: submit, track, an agency's task list, claim and act, revise, withdraw.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from sinergi.api.auth import PUBLIC, SIGNED_IN, caller, signed_in
from sinergi.cases import actions, objections
from sinergi.cases.access import access_case, access_case_by_pin
from sinergi.cases.measures import case_figures
from sinergi.cases.models import Case, CaseEvent, CaseStep, Objection
from sinergi.cases.receipts import is_valid_receipt, normalise_receipt
from sinergi.catalog.fees import DEFAULT_SETTINGS, FORMULAS
from sinergi.citizens.models import Citizen
from sinergi.citizens.validation import check_nik
from sinergi.core.errors import NotFound
from sinergi.core.idempotency import idempotent
from sinergi.registry.access import agency_ids_of
from sinergi.rules import RuleError, Violation, gettext_noop

router = Router(tags=["cases"])


class WalkInCitizen(Schema):
    nik: str
    full_name: str
    email: str = ""
    phone: str = ""


class SubmitIn(Schema):
    service: str
    variant: str
    data: dict[str, Any] = {}
    citizen: WalkInCitizen | None = None


class SubmittedOut(Schema):
    receipt_number: str
    pin: str | None
    status: str
    version: int


class StepOut(Schema):
    step_id: str
    title: str
    agency: str
    status: str
    activated_at: datetime | None
    due_at: datetime | None
    done_at: datetime | None
    outcome: str
    escalation: int
    signature: str | None


class EventOut(Schema):
    at: datetime
    kind: str
    step_id: str
    agency: str | None


class FiguresOut(Schema):
    visits: int
    counters: int
    handoffs: int
    carries: int


class FeeItemOut(Schema):
    code: str
    label: str
    amount: int
    legal_basis: str


class FeeOut(Schema):
    total: int
    items: list[FeeItemOut]


class CaseOut(Schema):
    receipt_number: str
    service: str
    variant: str
    version: int
    pattern: str
    status: str
    submitted_at: datetime
    decided_at: datetime | None
    deemed_due_at: datetime | None
    waiting_on: list[str]
    figures: FiguresOut
    fee: FeeOut | None
    steps: list[StepOut]
    events: list[EventOut]


class TaskOut(Schema):
    receipt_number: str
    service: str
    step_id: str
    title: str
    agency: str
    status: str
    activated_at: datetime | None
    due_at: datetime | None
    sla_state: str
    claimed_by: str | None
    case_version: int


class ActIn(Schema):
    outcome: str
    reasons: str = ""
    data: dict[str, Any] = {}
    version: int | None = None


class ReviseIn(Schema):
    data: dict[str, Any]


class WithdrawIn(Schema):
    reason: str = ""


def _receipt(value: str) -> str:
    receipt = normalise_receipt(value)
    if not is_valid_receipt(receipt):
        raise RuleError(
            Violation(
                field="receipt_number",
                rule="receipt_invalid",
                template=gettext_noop("{receipt} is not a valid receipt number."),
                params={"receipt": value[:24]},
            )
        )
    return receipt


def _fee(case: Case) -> dict[str, Any] | None:
    """The itemised fee computed from the application data by the service's formula."""
    formula = FORMULAS.get(case.service.fee_formula)
    if formula is None:
        return None
    try:
        fee = formula(case.state.get("data", {}), DEFAULT_SETTINGS)
    except RuleError:
        return None  # data the formula cannot price (the assessing step will say why)
    return {
        "total": fee.total,
        "items": [
            {"code": i.code, "label": i.label, "amount": i.amount, "legal_basis": i.legal_basis}
            for i in fee.items
        ],
    }


def _case_out(case: Case) -> dict[str, Any]:
    """The case as the API answers it; its steps and events are read as columns (two small
    queries, no model instances: this runs on every case request)."""
    definition = case.definition.parsed()
    titles = {s.id: s.title for s in definition.steps}
    order = {sid: i for i, sid in enumerate(definition.step_ids)}
    columns = ("step_id", "agency__code", "status", "activated_at", "due_at", "done_at",
               "outcome", "escalation", "basis")  # fmt: skip
    steps = sorted(
        CaseStep.objects.filter(case=case).order_by("id").values(*columns),
        key=lambda s: order.get(s["step_id"], 0),
    )
    events = list(
        CaseEvent.objects.filter(case=case)
        .order_by("at", "id")
        .values_list("at", "kind", "step_id", "agency__code")
    )
    return {
        "receipt_number": case.receipt_number,
        "service": case.service.code,
        "variant": case.definition.variant,
        "version": case.version,
        "pattern": case.definition.pattern,
        "status": case.status,
        "submitted_at": case.submitted_at,
        "decided_at": case.decided_at,
        "deemed_due_at": case.deemed_due_at,
        "waiting_on": sorted({s["agency__code"] for s in steps if s["status"] == "active"}),
        "fee": _fee(case),
        "figures": case_figures(
            definition,
            [step for _at, kind, step, _a in events if kind == "StepCompleted" and step in titles],
        ).as_dict(),
        "steps": [
            {
                "step_id": s["step_id"],
                "title": titles.get(s["step_id"], s["step_id"]),
                "agency": s["agency__code"],
                "status": s["status"],
                "activated_at": s["activated_at"],
                "due_at": s["due_at"],
                "done_at": s["done_at"],
                "outcome": s["outcome"],
                "escalation": s["escalation"],
                "signature": (s["basis"] or {}).get("signature"),
            }
            for s in steps
        ],
        "events": [
            {"at": at, "kind": kind, "step_id": step, "agency": agency}
            for at, kind, step, agency in events
        ],
    }


def _walk_in(citizen: WalkInCitizen) -> Citizen:
    info = check_nik(citizen.nik)
    found = Citizen.objects.filter(nik=citizen.nik).first()
    if found is not None:
        return found
    return Citizen.objects.create(
        nik=citizen.nik,
        full_name=citizen.full_name.strip(),
        birth_date=info.birth_date,
        sex=info.sex,
        email=citizen.email,
        phone=citizen.phone,
    )


@router.post("/cases", response={201: SubmittedOut}, auth=SIGNED_IN)
@idempotent
def submit(request: HttpRequest, payload: SubmitIn) -> Status[dict[str, Any]]:
    """Apply once: the answer carries the receipt number and the PIN (shown only here)."""
    user = signed_in(request)
    citizen = _walk_in(payload.citizen) if payload.citizen is not None else None
    case, pin = actions.submit_case(
        acting_user=user,
        service_code=payload.service,
        variant=payload.variant,
        data=payload.data,
        citizen=citizen,
    )
    return Status(
        201,
        {"receipt_number": case.receipt_number, "pin": pin, "status": case.status,
         "version": case.version},
    )  # fmt: skip


@router.get("/cases/{receipt}", response=CaseOut, auth=PUBLIC)
def get_case(request: HttpRequest, receipt: str, pin: str | None = None) -> dict[str, Any]:
    """Signed in: a case the caller may see. Anyone: with the receipt number and the PIN."""
    number = _receipt(receipt)
    who = caller(request)
    if pin:
        return _case_out(access_case_by_pin(number, pin))
    if not who.is_authenticated:
        raise NotFound(number)
    return _case_out(access_case(who, number))


def _sla_state(step: CaseStep, now: datetime) -> str:
    if step.due_at is None:
        return "no_deadline"
    if step.due_at < now:
        return "overdue"
    if (step.due_at - now).total_seconds() < 24 * 3600:
        return "due_soon"
    return "on_time"


@router.get("/tasks", response=list[TaskOut], auth=SIGNED_IN)
def my_tasks(
    request: HttpRequest, status: str = "active", sla: str | None = None
) -> list[dict[str, Any]]:
    """The caller's agencies' steps (active by default), oldest deadline first."""
    user = signed_in(request)
    agencies = agency_ids_of(user)
    steps = (
        CaseStep.objects.filter(agency_id__in=agencies, status=status)
        .select_related("case__service", "case__definition", "agency", "claimed_by")
        .order_by("due_at", "id")[:500]
    )
    now = timezone.now()
    out = []
    for step in steps:
        state = _sla_state(step, now)
        if sla and state != sla:
            continue
        definition = step.case.definition.parsed()
        out.append(
            {
                "receipt_number": step.case.receipt_number,
                "service": step.case.service.code,
                "step_id": step.step_id,
                "title": definition.step(step.step_id).title,
                "agency": step.agency.code,
                "status": step.status,
                "activated_at": step.activated_at,
                "due_at": step.due_at,
                "sla_state": state,
                "claimed_by": step.claimed_by.username if step.claimed_by else None,
                "case_version": step.case.version,
            }
        )
    return out


@router.post("/cases/{receipt}/steps/{step_id}/claim", response=CaseOut, auth=SIGNED_IN)
@idempotent
def claim(request: HttpRequest, receipt: str, step_id: str) -> dict[str, Any]:
    user = signed_in(request)
    case = access_case(user, _receipt(receipt))
    return _case_out(actions.claim_step(acting_user=user, case=case, step_id=step_id))


@router.post("/cases/{receipt}/steps/{step_id}/act", response=CaseOut, auth=SIGNED_IN)
@idempotent
def act(request: HttpRequest, receipt: str, step_id: str, payload: ActIn) -> dict[str, Any]:
    user = signed_in(request)
    case = access_case(user, _receipt(receipt))
    return _case_out(
        actions.act_on_step(
            acting_user=user,
            case=case,
            step_id=step_id,
            outcome=payload.outcome,
            reasons=payload.reasons,
            data=payload.data,
            expected_version=payload.version,
        )
    )


@router.post("/cases/{receipt}/revise", response=CaseOut, auth=SIGNED_IN)
@idempotent
def revise(request: HttpRequest, receipt: str, payload: ReviseIn) -> dict[str, Any]:
    user = signed_in(request)
    case = access_case(user, _receipt(receipt))
    return _case_out(actions.revise_case(acting_user=user, case=case, data=payload.data))


class ObjectionIn(Schema):
    reasons: str


class ObjectionDecisionIn(Schema):
    upheld: bool
    reasons: str


class ObjectionOut(Schema):
    status: str
    filed_at: datetime
    deadline: datetime
    agency: str
    decided_at: datetime | None
    decision_reasons: str


def _objection_out(objection: Objection) -> dict[str, Any]:
    return {
        "status": objection.status,
        "filed_at": objection.filed_at,
        "deadline": objection.deadline,
        "agency": objection.agency.code,
        "decided_at": objection.decided_at,
        "decision_reasons": objection.decision_reasons,
    }


@router.post("/cases/{receipt}/objection", response={201: ObjectionOut}, auth=SIGNED_IN)
@idempotent
def object_to(request: HttpRequest, receipt: str, payload: ObjectionIn) -> Status[dict[str, Any]]:
    """Keberatan within 21 working days of the decision."""
    user = signed_in(request)
    case = access_case(user, _receipt(receipt))
    objection = objections.file_objection(acting_user=user, case=case, reasons=payload.reasons)
    return Status(201, _objection_out(objection))


@router.post("/cases/{receipt}/objection/decide", response=ObjectionOut, auth=SIGNED_IN)
@idempotent
def decide_objection(
    request: HttpRequest, receipt: str, payload: ObjectionDecisionIn
) -> dict[str, Any]:
    user = signed_in(request)
    case = access_case(user, _receipt(receipt))
    objection = objections.decide_objection(
        acting_user=user, case=case, upheld=payload.upheld, reasons=payload.reasons
    )
    return _objection_out(objection)


@router.post("/cases/{receipt}/withdraw", response=CaseOut, auth=SIGNED_IN)
@idempotent
def withdraw(request: HttpRequest, receipt: str, payload: WithdrawIn) -> dict[str, Any]:
    user = signed_in(request)
    case = access_case(user, _receipt(receipt))
    return _case_out(actions.withdraw_case(acting_user=user, case=case, reason=payload.reason))
