"""The case engine: a pure state machine that runs one case through its process definition.

``advance(definition, state, event, now, calendar)`` returns the next ``CaseState`` and the
effects the Django layer must turn into rows, notifications and audit entries. It does no I/O,
reads no clock (``now`` is passed), never mutates its inputs and is deterministic; a refused
event raises ``EngineError`` (a ``RuleError``) carrying a ``Violation`` with a stable rule code.
Every successful event increments ``CaseState.version`` (the optimistic-lock column).

Decisions where the brief left room (keep in sync with the tests):

* **Reachability.** A step becomes reachable when every step in its ``after`` is done or
  skipped; its ``when`` condition is evaluated once, then, against the case data of that moment
  (the application data merged with every earlier ``Act.data`` and ``CitizenRevised.data``):
  true activates it, false skips it and the skip passes on. Skipped branches therefore let a
  join through; a join whose branches were all skipped still activates if its own condition
  holds. A skipped step is never re-evaluated, even when a revision changes the data.
* **Deadlines.** ``due_at = calendar.deadline(activated_at, step.sla)``; a step without an SLA
  has no due date and never times out. ``StepState.next_timeout_at`` (the Django layer's
  ``CaseStep.next_timeout_at``) is when the sweeper should send the next ``Timeout``: the due
  date at first, then, after each reminder or escalation, one unit of the step's SLA later (one
  working day, one calendar day or one hour), so a reminder has time to work before the
  escalation follows; ``None`` once nothing is left to do. ``next_due`` reads it; ``due_at``
  itself only moves with a pause, so SLA reports compare ``done_at`` with it.
* **Waiting on the citizen.** While the case is ``waiting_citizen`` the SLA and fiktif-positif
  clocks are paused: ``Timeout`` and ``DeemedGrantedTimeout`` are refused ``not_due`` and
  ``next_due`` is None. Officials may still claim and act on the *other* active steps (parallel
  agencies keep working); a second return while waiting keeps the first ``paused_since``. On
  ``CitizenRevised`` every returned step is active again with a fresh due date from now (and a
  fresh reminder/escalation ladder; its claim is kept); steps active since before the pause
  get ``calendar.shift_for_pause(due, paused_since, now, unit)`` on ``due_at`` and
  ``next_timeout_at``; steps first activated during the pause get a fresh due date from now
  (their clock starts when the case resumes). Each changed due date is a ``DeadlineShifted``.
* **Complete file.** The file is taken as complete on submission (``complete_at`` is the
  submission time). If a VERIFY step (the completeness check) returned it, the file only became
  complete with the revision: ``complete_at = now`` and ``deemed_due_at`` is recomputed from it
  (UU 30/2014 Pasal 53: the period runs from the complete application). A return by any other
  kind keeps ``complete_at`` and shifts ``deemed_due_at`` by the pause like the step deadlines.
* **Closing.** Reject, withdraw, a deemed-granted decision and ``DeemedGrantedTimeout`` close
  every active or returned step as ``skipped`` (``StepSkipped(cause="closed")``); pending steps
  stay pending (never reached). ``decided_at`` is the moment the case reached any terminal
  status, withdrawal included; ``paused_since`` is cleared. A Timeout on a ``deem_granted`` step
  of kind DECIDE or ISSUE decides the case ``deemed_granted``; on another kind the step is done
  (outcome ``deemed_granted``) and the process goes on.
* **Claims.** A claim by the official who already holds the step succeeds without effect; an
  ``Act`` on an unclaimed step is allowed (the Django layer checks authority and agency).
* **Effects.** Beyond the brief's list: ``StepClaimed`` and ``StepSkipped`` (audit, work
  queue) and ``DeadlineShifted`` (work-queue due dates after a pause); ``WaitingOnCitizen``,
  ``CaseDecided``, ``Reminded`` and ``Escalated`` also carry agency, actor or due date where a
  notification needs them. A reject emits ``StepCompleted`` (outcome ``reject``) before
  ``CaseDecided``; a return emits only ``WaitingOnCitizen``. ``StepState.outcome`` holds the
  ``Outcome`` member (a ``str``) or ``"deemed_granted"``; after JSON it is the plain string.
* **Plans.** ``Definition`` is frozen but not hashable (its ``example`` is a dict), so the
  per-definition index (``Plan``: steps by id, successors, compiled conditions) is cached by
  ``id(definition)`` and dropped by a weakref callback when the definition dies. Building a plan
  checks duplicate ids, unknown ``after`` references and cycles (``definition_invalid``) and
  compiles the conditions (``expression_unsafe`` from the expression module).
* **Datetimes** must be timezone-aware (a naive ``now`` raises ``ValueError``, a programming
  error rather than a rule); ``to_json`` writes ISO 8601 with offset.
* **Immutability.** ``steps`` and ``data`` are fresh dicts typed ``Mapping``; the engine never
  writes to a mapping it did not just create. Unchanged ``StepState`` objects (and ``data``,
  when an event brings none) are shared between the old and the new state, so callers must
  treat them as read-only. ``CaseState`` is therefore not hashable.
* **Speed.** Building frozen dataclasses through their ``__init__`` (one ``object.__setattr__``
  per field) was most of an event's cost, so the hot paths copy instances with ``_evolve`` and
  build the per-event effects with ``_build`` (see there). The states and effects are frozen
  dataclasses without ``__slots__`` for that reason. An event costs a handful of allocations
  and O(steps) work; measured in CPU instructions, a whole case of the 3-sequential +
  2-parallel + join process costs about 1/32 of SpiffWorkflow 3.2's in-memory run with a
  constant calendar, 1/24 with ``WorkingCalendar`` (whose ``deadline`` is a quarter of it).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final, Protocol

from sinergi.catalog.definitions import Definition, Duration, OnTimeout, Step, StepKind, Unit
from sinergi.catalog.expressions import Expression, compile_expression
from sinergi.rules import RuleError, Violation, gettext_noop

# --------------------------------------------------------------------------- calendar


class Calendar(Protocol):
    """The working-day calendar (``sinergi.cases.calendar`` implements it)."""

    def deadline(self, start: datetime, duration: Duration) -> datetime: ...

    def shift_for_pause(
        self, due: datetime, paused_from: datetime, paused_to: datetime, unit: Unit
    ) -> datetime: ...


# --------------------------------------------------------------------------- state


class CaseStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    WAITING_CITIZEN = "waiting_citizen"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    DEEMED_GRANTED = "deemed_granted"


OPEN_STATUSES: Final = frozenset({CaseStatus.IN_PROGRESS, CaseStatus.WAITING_CITIZEN})
CLOSED_STATUSES: Final = frozenset(CaseStatus) - OPEN_STATUSES


class StepStatus(StrEnum):
    PENDING = "pending"  # not yet reachable
    ACTIVE = "active"
    DONE = "done"
    SKIPPED = "skipped"  # condition false, or closed with the case
    REJECTED = "rejected"
    RETURNED = "returned"  # sent back to the citizen for revision


class Outcome(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    RECOMMEND = "recommend"
    RETURN_FOR_REVISION = "return_for_revision"
    PAID = "paid"
    DONE = "done"


DEEMED_GRANTED: Final = "deemed_granted"  # StepState.outcome of a step granted by silence
ESCALATE_TO: Final = ("agency_head", "coordinator")  # Escalated.to for escalation 1, 2
MAX_ESCALATION: Final = len(ESCALATE_TO)

ALLOWED_OUTCOMES: Final[Mapping[StepKind, frozenset[Outcome]]] = {
    StepKind.DECIDE: frozenset({Outcome.APPROVE, Outcome.REJECT, Outcome.RETURN_FOR_REVISION}),
    StepKind.RECOMMEND: frozenset({Outcome.RECOMMEND, Outcome.RETURN_FOR_REVISION}),
    StepKind.VERIFY: frozenset({Outcome.APPROVE, Outcome.REJECT, Outcome.RETURN_FOR_REVISION}),
    StepKind.ASSESS: frozenset({Outcome.DONE, Outcome.RETURN_FOR_REVISION}),
    StepKind.PAY: frozenset({Outcome.PAID}),
    StepKind.ISSUE: frozenset({Outcome.DONE}),
    StepKind.CITIZEN: frozenset({Outcome.DONE}),
}
DECISIVE_KINDS: Final = frozenset({StepKind.DECIDE, StepKind.ISSUE})
_NEEDS_REASONS: Final = frozenset({Outcome.REJECT, Outcome.RETURN_FOR_REVISION})
_PASSED: Final = frozenset({StepStatus.DONE, StepStatus.SKIPPED})  # lets successors through
_OPEN_STEP: Final = frozenset({StepStatus.ACTIVE, StepStatus.RETURNED})
_OUTCOMES: Final[Mapping[str, Outcome]] = {o.value: o for o in Outcome}


@dataclass(frozen=True)
class StepState:
    status: StepStatus = StepStatus.PENDING
    activated_at: datetime | None = None
    due_at: datetime | None = None  # the SLA deadline (shifted by pauses), for reports
    done_at: datetime | None = None  # when it was done, rejected or skipped
    outcome: str | None = None  # an Outcome value, or "deemed_granted"
    actor: int | None = None  # the official who acted (None: the system)
    claimed_by: int | None = None
    reminded: bool = False
    escalation: int = 0  # 0 none, 1 agency head, 2 coordinator
    basis: Mapping[str, Any] | None = None  # authority basis resolved by the Django layer
    reasons: str = ""  # the reasons given with the last act (refusal, return, note)
    next_timeout_at: datetime | None = None  # when the sweeper should next send Timeout


PENDING: Final = StepState()


@dataclass(frozen=True)
class CaseState:
    status: CaseStatus
    steps: Mapping[str, StepState]  # in definition order
    data: Mapping[str, Any]
    submitted_at: datetime
    complete_at: datetime | None  # the fiktif-positif period runs from here
    decided_at: datetime | None = None  # when the case reached a terminal status
    paused_since: datetime | None = None  # set exactly while waiting on the citizen
    deemed_due_at: datetime | None = None
    version: int = 1


# --------------------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class Claim:
    step_id: str
    official: int


@dataclass(frozen=True, slots=True)
class Act:
    step_id: str
    official: int
    outcome: Outcome
    reasons: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    basis: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class CitizenRevised:
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Withdraw:
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Timeout:
    step_id: str


@dataclass(frozen=True, slots=True)
class DeemedGrantedTimeout:
    pass


type Event = Claim | Act | CitizenRevised | Withdraw | Timeout | DeemedGrantedTimeout


# --------------------------------------------------------------------------- effects


@dataclass(frozen=True)
class StepActivated:
    step_id: str
    agency: str
    due_at: datetime | None


@dataclass(frozen=True)
class StepClaimed:
    step_id: str
    agency: str
    official: int


@dataclass(frozen=True)
class StepCompleted:
    step_id: str
    agency: str
    outcome: str  # an Outcome value, or "deemed_granted"
    actor: int | None  # None: decided by the system (a timeout)


@dataclass(frozen=True)
class StepSkipped:
    step_id: str
    agency: str
    cause: str  # "condition" (its condition was false) or "closed" (closed with the case)


@dataclass(frozen=True)
class DeadlineShifted:
    step_id: str
    agency: str
    due_at: datetime | None


@dataclass(frozen=True)
class WaitingOnCitizen:
    step_id: str
    reasons: str
    agency: str = ""
    actor: int | None = None


@dataclass(frozen=True)
class CaseDecided:
    outcome: CaseStatus  # approved, rejected or deemed_granted
    reasons: str = ""
    step_id: str | None = None  # the step whose act or timeout decided it
    actor: int | None = None


@dataclass(frozen=True)
class CaseClosed:
    reason: str


@dataclass(frozen=True)
class Reminded:
    step_id: str
    agency: str
    due_at: datetime | None = None


@dataclass(frozen=True)
class Escalated:
    step_id: str
    agency: str
    to: str  # "agency_head" or "coordinator"
    due_at: datetime | None = None


type Effect = (
    StepActivated
    | StepClaimed
    | StepCompleted
    | StepSkipped
    | DeadlineShifted
    | WaitingOnCitizen
    | CaseDecided
    | CaseClosed
    | Reminded
    | Escalated
)


# --------------------------------------------------------------------------- refusals


class EngineError(RuleError):
    """An event the case cannot take; ``rule`` is the first violation's stable code."""

    @property
    def rule(self) -> str:
        return self.violations[0].rule


def _refuse(where: str, rule: str, template: str, article: str = "", **params: str) -> EngineError:
    return EngineError(
        Violation(field=where, rule=rule, template=template, params=params, article=article)
    )


def _closed(state: CaseState) -> EngineError:
    return _refuse(
        "case",
        "case_closed",
        gettext_noop("The case is closed ({status}); it takes no further action."),
        status=state.status.value,
    )


def _unknown(step_id: str) -> EngineError:
    return _refuse(
        "step", "step_unknown", gettext_noop("The process has no step {step}."), step=step_id
    )


def _not_active(step_id: str, status: StepStatus) -> EngineError:
    return _refuse(
        "step",
        "step_not_active",
        gettext_noop("Step {step} is not active (it is {status})."),
        step=step_id,
        status=status.value,
    )


def _paused() -> EngineError:
    return _refuse(
        "case",
        "not_due",
        gettext_noop("The case is waiting on the citizen; its deadlines are paused."),
    )


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True, slots=True)
class Plan:
    """What the engine needs from a definition, indexed once per definition."""

    steps: Mapping[str, Step]
    order: tuple[str, ...]  # definition order
    roots: tuple[str, ...]
    successors: Mapping[str, tuple[str, ...]]
    conditions: Mapping[str, Expression | None]


_PLANS: dict[int, tuple[weakref.ref[Definition], Plan]] = {}
_LAST: tuple[Definition, Plan] | None = None  # the last definition asked for: one `is` test


def plan_for(definition: Definition) -> Plan:
    """The cached plan of ``definition``.

    A ``Definition`` is frozen but not hashable (its ``example`` is a dict), so the cache is
    keyed by ``id(definition)``, checked against a weak reference (an id can be reused once
    its object is gone) and emptied by that reference's callback when the definition dies.
    """
    global _LAST
    last = _LAST
    if last is not None and last[0] is definition:
        return last[1]
    key = id(definition)
    hit = _PLANS.get(key)
    if hit is not None and hit[0]() is definition:
        plan = hit[1]
    else:
        plan = _build_plan(definition)
        _PLANS[key] = (weakref.ref(definition, lambda _ref: _PLANS.pop(key, None)), plan)
    _LAST = (definition, plan)  # one assignment: threads see a matching pair
    return plan


def _invalid(template: str, **params: str) -> EngineError:
    return _refuse("definition", "definition_invalid", template, **params)


def _build_plan(definition: Definition) -> Plan:
    steps: dict[str, Step] = {}
    for step in definition.steps:
        if step.id in steps:
            raise _invalid(gettext_noop("Step id {step} is used twice."), step=step.id)
        steps[step.id] = step
    successors: dict[str, list[str]] = {sid: [] for sid in steps}
    for step in definition.steps:
        for dep in step.after:
            if dep not in steps:
                raise _invalid(
                    gettext_noop("Step {step} comes after {dep}, which is not a step."),
                    step=step.id,
                    dep=dep,
                )
            successors[dep].append(step.id)
    # Kahn: anything left with unmet dependencies sits on a cycle and could never be reached.
    waiting = {sid: len(set(step.after)) for sid, step in steps.items()}
    ready = [sid for sid, n in waiting.items() if n == 0]
    while ready:
        for succ in successors[ready.pop()]:
            waiting[succ] -= 1
            if waiting[succ] == 0:
                ready.append(succ)
    cyclic = [sid for sid, n in waiting.items() if n > 0]
    if cyclic:
        raise _invalid(gettext_noop("Steps {steps} wait on each other."), steps=", ".join(cyclic))
    return Plan(
        steps=steps,
        order=tuple(steps),
        roots=tuple(sid for sid, step in steps.items() if not step.after),
        successors={sid: tuple(dict.fromkeys(succ)) for sid, succ in successors.items()},
        conditions={
            sid: compile_expression(step.when) if step.when is not None else None
            for sid, step in steps.items()
        },
    )


# --------------------------------------------------------------------------- helpers


def _aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("the case engine needs timezone-aware datetimes")


_new = object.__new__
_set = object.__setattr__


def _evolve[T](obj: T, changes: dict[str, Any]) -> T:
    """``dataclasses.replace(obj, **changes)`` for the frozen state classes, faster.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, which
    dominated the cost of an event. This copies the instance ``__dict__`` (every field is there:
    the object was built by its ``__init__`` or by this function) with the changes applied and
    installs it on a fresh instance. ``StepState`` and ``CaseState`` have no ``__post_init__``,
    so nothing is skipped; the result is as frozen as the original. Field names are checked by
    the tests, not by mypy: keep the keys to real fields.
    """
    new = _new(type(obj))
    _set(new, "__dict__", obj.__dict__ | changes)
    return new


def _build[T](cls: type[T], fields: dict[str, Any]) -> T:
    """``cls(**fields)`` for the effects built on every event (see ``_evolve``): ``fields``
    must name every field of ``cls``."""
    new = _new(cls)
    _set(new, "__dict__", fields)
    return new


def _propagate(
    plan: Plan,
    steps: dict[str, StepState],
    data: Mapping[str, Any],
    candidates: Iterable[str],
    now: datetime,
    calendar: Calendar,
    effects: list[Effect],
) -> int:
    """Activate or skip every pending candidate whose dependencies have all passed; returns
    how many steps it activated (none: the case may be complete)."""
    activated = 0
    queue = list(candidates)
    for sid in queue:  # grows while it is read: a skip passes on to the successors
        if steps[sid].status != StepStatus.PENDING:
            continue
        step = plan.steps[sid]
        ready = True
        for dep in step.after:  # a loop: cheaper than all() over a generator here
            if steps[dep].status not in _PASSED:
                ready = False
                break
        if not ready:
            continue
        condition = plan.conditions[sid]
        if condition is None or condition.evaluate(data):
            due = calendar.deadline(now, step.sla) if step.sla is not None else None
            steps[sid] = _evolve(
                PENDING,
                {"status": StepStatus.ACTIVE, "activated_at": now, "due_at": due,
                 "next_timeout_at": due},
            )  # fmt: skip
            activation = {"step_id": sid, "agency": step.agency, "due_at": due}
            effects.append(_build(StepActivated, activation))
            activated += 1
        else:
            steps[sid] = _evolve(PENDING, {"status": StepStatus.SKIPPED, "done_at": now})
            effects.append(StepSkipped(sid, step.agency, "condition"))
            queue.extend(plan.successors[sid])
    return activated


def _all_passed(steps: Mapping[str, StepState]) -> bool:
    for s in steps.values():  # noqa: SIM110 - a loop is cheaper than all() over a generator
        if s.status not in _PASSED:
            return False
    return True


def _close_open_steps(
    plan: Plan, steps: dict[str, StepState], now: datetime, effects: list[Effect]
) -> None:
    for sid in plan.order:
        current = steps[sid]
        if current.status in _OPEN_STEP:
            steps[sid] = _evolve(
                current, {"status": StepStatus.SKIPPED, "done_at": now, "next_timeout_at": None}
            )
            effects.append(StepSkipped(sid, plan.steps[sid].agency, "closed"))


def _closed_state(
    state: CaseState,
    status: CaseStatus,
    steps: Mapping[str, StepState],
    data: Mapping[str, Any],
    now: datetime,
) -> CaseState:
    return _evolve(
        state,
        {
            "status": status,
            "steps": steps,
            "data": data,
            "decided_at": now,
            "paused_since": None,
            "version": state.version + 1,
        },
    )


def _active_step(plan: Plan, state: CaseState, step_id: str) -> tuple[Step, StepState]:
    step = plan.steps.get(step_id)
    if step is None:
        raise _unknown(step_id)
    current = state.steps[step_id]
    if current.status != StepStatus.ACTIVE:
        raise _not_active(step_id, current.status)
    return step, current


# --------------------------------------------------------------------------- entry points


def initial_state(
    definition: Definition, data: Mapping[str, Any], now: datetime, calendar: Calendar
) -> tuple[CaseState, tuple[Effect, ...]]:
    """The state of a case submitted at ``now`` with ``data`` (version 1)."""
    _aware(now)
    plan = plan_for(definition)
    case_data = dict(data)
    steps = dict.fromkeys(plan.order, PENDING)
    effects: list[Effect] = []
    _propagate(plan, steps, case_data, plan.roots, now, calendar, effects)
    after = definition.deemed_granted_after
    fields = {
        "status": CaseStatus.IN_PROGRESS,
        "steps": steps,
        "data": case_data,
        "submitted_at": now,
        "complete_at": now,
        "decided_at": None,
        "paused_since": None,
        "deemed_due_at": calendar.deadline(now, after) if after is not None else None,
        "version": 1,
    }
    state = _build(CaseState, fields)
    if _all_passed(steps):  # every step skipped: nothing left to do
        state = _evolve(state, {"status": CaseStatus.APPROVED, "decided_at": now})
        effects.append(CaseDecided(CaseStatus.APPROVED))
    return state, tuple(effects)


def advance(
    definition: Definition, state: CaseState, event: Event, now: datetime, calendar: Calendar
) -> tuple[CaseState, tuple[Effect, ...]]:
    """Apply ``event`` at ``now``; raises ``EngineError`` when the case cannot take it."""
    if now.tzinfo is None:
        _aware(now)
    if state.status not in OPEN_STATUSES:
        raise _closed(state)
    plan = plan_for(definition)
    match event:
        case Act():
            return _act(plan, state, event, now, calendar)
        case Claim():
            return _claim(plan, state, event)
        case Timeout():
            return _timeout(plan, state, event, now, calendar)
        case CitizenRevised():
            return _revised(plan, definition, state, event, now, calendar)
        case Withdraw():
            return _withdraw(plan, state, event, now)
        case DeemedGrantedTimeout():
            return _deemed(plan, state, now)
    raise TypeError(f"not a case event: {event!r}")  # pragma: no cover - typing prevents it


def _claim(plan: Plan, state: CaseState, event: Claim) -> tuple[CaseState, tuple[Effect, ...]]:
    step, current = _active_step(plan, state, event.step_id)
    if current.claimed_by == event.official:
        return _evolve(state, {"version": state.version + 1}), ()
    if current.claimed_by is not None:
        raise _refuse(
            "step",
            "step_claimed",
            gettext_noop("Step {step} is already claimed by another official."),
            step=event.step_id,
        )
    steps = dict(state.steps)
    steps[event.step_id] = _evolve(current, {"claimed_by": event.official})
    new = _evolve(state, {"steps": steps, "version": state.version + 1})
    return new, (StepClaimed(event.step_id, step.agency, event.official),)


def _act(
    plan: Plan, state: CaseState, event: Act, now: datetime, calendar: Calendar
) -> tuple[CaseState, tuple[Effect, ...]]:
    sid = event.step_id
    step, current = _active_step(plan, state, sid)
    if current.claimed_by is not None and current.claimed_by != event.official:
        raise _refuse(
            "step",
            "step_claimed",
            gettext_noop("Step {step} is claimed by another official; only they may act on it."),
            step=sid,
        )
    outcome = _OUTCOMES.get(event.outcome)  # the Django layer may pass plain text
    if outcome is None or outcome not in ALLOWED_OUTCOMES[step.kind]:
        raise _refuse(
            "outcome",
            "outcome_not_allowed",
            gettext_noop("A {kind} step cannot end with {outcome}; it allows {allowed}."),
            kind=step.kind.value,
            outcome=str(event.outcome),
            allowed=", ".join(sorted(ALLOWED_OUTCOMES[step.kind])),
        )
    reasons = event.reasons.strip()
    if outcome in _NEEDS_REASONS and not reasons:
        raise _refuse(
            "reasons",
            "reasons_required",
            gettext_noop("A refusal or a return to the citizen must state its reasons."),
            article="UU 30/2014 Pasal 55 ayat (1)",
        )
    data = {**state.data, **event.data} if event.data else state.data
    basis = dict(event.basis) if event.basis is not None else None
    steps = dict(state.steps)
    effects: list[Effect] = []
    if outcome is Outcome.RETURN_FOR_REVISION:
        steps[sid] = _evolve(
            current,
            {
                "status": StepStatus.RETURNED,
                "outcome": outcome,
                "actor": event.official,
                "basis": basis,
                "reasons": reasons,
                "next_timeout_at": None,
            },
        )
        effects.append(WaitingOnCitizen(sid, reasons, step.agency, event.official))
        new = _evolve(
            state,
            {
                "status": CaseStatus.WAITING_CITIZEN,
                "steps": steps,
                "data": data,
                "paused_since": state.paused_since or now,
                "version": state.version + 1,
            },
        )
        return new, tuple(effects)
    final = StepStatus.REJECTED if outcome is Outcome.REJECT else StepStatus.DONE
    steps[sid] = _evolve(
        current,
        {
            "status": final,
            "done_at": now,
            "outcome": outcome,
            "actor": event.official,
            "basis": basis,
            "reasons": reasons,
            "next_timeout_at": None,
        },
    )
    completed = {"step_id": sid, "agency": step.agency, "outcome": outcome, "actor": event.official}
    effects.append(_build(StepCompleted, completed))
    if final is StepStatus.REJECTED:
        _close_open_steps(plan, steps, now, effects)
        effects.append(CaseDecided(CaseStatus.REJECTED, reasons, sid, event.official))
        return _closed_state(state, CaseStatus.REJECTED, steps, data, now), tuple(effects)
    activated = _propagate(plan, steps, data, plan.successors[sid], now, calendar, effects)
    if not activated and _all_passed(steps):
        effects.append(CaseDecided(CaseStatus.APPROVED, "", sid, event.official))
        return _closed_state(state, CaseStatus.APPROVED, steps, data, now), tuple(effects)
    new = _evolve(state, {"steps": steps, "data": data, "version": state.version + 1})
    return new, tuple(effects)


def _revised(
    plan: Plan,
    definition: Definition,
    state: CaseState,
    event: CitizenRevised,
    now: datetime,
    calendar: Calendar,
) -> tuple[CaseState, tuple[Effect, ...]]:
    paused_since = state.paused_since
    if state.status != CaseStatus.WAITING_CITIZEN or paused_since is None:
        raise _refuse(
            "case",
            "not_waiting",
            gettext_noop("The case is not waiting on the citizen for a revision."),
        )
    data = {**state.data, **event.data} if event.data else state.data
    steps = dict(state.steps)
    effects: list[Effect] = []
    completeness_check = False
    for sid in plan.order:
        current = steps[sid]
        step = plan.steps[sid]
        if current.status == StepStatus.RETURNED:
            completeness_check = completeness_check or step.kind is StepKind.VERIFY
            due = calendar.deadline(now, step.sla) if step.sla is not None else None
            steps[sid] = _evolve(
                PENDING,
                {
                    "status": StepStatus.ACTIVE,
                    "activated_at": now,
                    "due_at": due,
                    "claimed_by": current.claimed_by,
                    "next_timeout_at": due,
                },
            )
            effects.append(StepActivated(sid, step.agency, due))
        elif current.status == StepStatus.ACTIVE and step.sla is not None:
            began, due = current.activated_at, current.due_at
            if began is not None and due is not None and began <= paused_since:
                unit = step.sla.unit
                due = calendar.shift_for_pause(due, paused_since, now, unit)
                alarm = current.next_timeout_at
                if alarm is not None:
                    alarm = calendar.shift_for_pause(alarm, paused_since, now, unit)
                steps[sid] = _evolve(current, {"due_at": due, "next_timeout_at": alarm})
            else:  # activated while the case waited: its clock starts now
                due = calendar.deadline(now, step.sla)
                steps[sid] = _evolve(
                    current,
                    {"due_at": due, "next_timeout_at": due, "reminded": False, "escalation": 0},
                )
            effects.append(DeadlineShifted(sid, step.agency, due))
    complete_at = state.complete_at
    deemed_due_at = state.deemed_due_at
    after = definition.deemed_granted_after
    if completeness_check:
        complete_at = now
        deemed_due_at = calendar.deadline(now, after) if after is not None else None
    elif deemed_due_at is not None and after is not None:
        deemed_due_at = calendar.shift_for_pause(deemed_due_at, paused_since, now, after.unit)
    new = _evolve(
        state,
        {
            "status": CaseStatus.IN_PROGRESS,
            "steps": steps,
            "data": data,
            "complete_at": complete_at,
            "paused_since": None,
            "deemed_due_at": deemed_due_at,
            "version": state.version + 1,
        },
    )
    return new, tuple(effects)


def _withdraw(
    plan: Plan, state: CaseState, event: Withdraw, now: datetime
) -> tuple[CaseState, tuple[Effect, ...]]:
    steps = dict(state.steps)
    effects: list[Effect] = []
    _close_open_steps(plan, steps, now, effects)
    effects.append(CaseClosed(event.reason))
    return _closed_state(state, CaseStatus.WITHDRAWN, steps, state.data, now), tuple(effects)


def _timeout(
    plan: Plan, state: CaseState, event: Timeout, now: datetime, calendar: Calendar
) -> tuple[CaseState, tuple[Effect, ...]]:
    sid = event.step_id
    step, current = _active_step(plan, state, sid)
    if state.status == CaseStatus.WAITING_CITIZEN:
        raise _paused()
    policy = step.on_timeout
    if policy is not OnTimeout.DEEM_GRANTED and current.escalation >= MAX_ESCALATION:
        raise _refuse(
            "step",
            "already_escalated",
            gettext_noop("Step {step} has already been escalated to the coordinator."),
            step=sid,
        )
    if step.sla is None or current.next_timeout_at is None or now < current.next_timeout_at:
        raise _refuse(
            "step",
            "not_due",
            gettext_noop("Step {step} is not overdue yet (next check {at})."),
            step=sid,
            at=current.next_timeout_at.isoformat() if current.next_timeout_at else "-",
        )
    steps = dict(state.steps)
    effects: list[Effect] = []
    if policy is OnTimeout.DEEM_GRANTED:
        steps[sid] = _evolve(
            current,
            {
                "status": StepStatus.DONE,
                "done_at": now,
                "outcome": DEEMED_GRANTED,
                "next_timeout_at": None,
            },
        )
        effects.append(StepCompleted(sid, step.agency, DEEMED_GRANTED, None))
        if step.kind in DECISIVE_KINDS:
            _close_open_steps(plan, steps, now, effects)
            effects.append(CaseDecided(CaseStatus.DEEMED_GRANTED, "", sid, None))
            closed = _closed_state(state, CaseStatus.DEEMED_GRANTED, steps, state.data, now)
            return closed, tuple(effects)
        activated = _propagate(
            plan, steps, state.data, plan.successors[sid], now, calendar, effects
        )
        if not activated and _all_passed(steps):
            effects.append(CaseDecided(CaseStatus.APPROVED, "", sid, None))
            return _closed_state(state, CaseStatus.APPROVED, steps, state.data, now), tuple(effects)
        return _evolve(state, {"steps": steps, "version": state.version + 1}), tuple(effects)
    follow_up = calendar.deadline(now, Duration(1, step.sla.unit))
    if policy is OnTimeout.REMIND and not current.reminded:
        steps[sid] = _evolve(current, {"reminded": True, "next_timeout_at": follow_up})
        effects.append(Reminded(sid, step.agency, current.due_at))
    else:
        level = current.escalation + 1
        steps[sid] = _evolve(
            current,
            {"escalation": level, "next_timeout_at": follow_up if level < MAX_ESCALATION else None},
        )
        effects.append(Escalated(sid, step.agency, ESCALATE_TO[level - 1], current.due_at))
    return _evolve(state, {"steps": steps, "version": state.version + 1}), tuple(effects)


def _deemed(plan: Plan, state: CaseState, now: datetime) -> tuple[CaseState, tuple[Effect, ...]]:
    if state.status == CaseStatus.WAITING_CITIZEN:
        raise _paused()
    if state.deemed_due_at is None or now < state.deemed_due_at:
        raise _refuse(
            "case",
            "not_due",
            gettext_noop("The period after which the application is deemed granted runs "
                         "until {at}."),
            article="UU 30/2014 Pasal 53",
            at=state.deemed_due_at.isoformat() if state.deemed_due_at else "-",
        )  # fmt: skip
    steps = dict(state.steps)
    effects: list[Effect] = []
    _close_open_steps(plan, steps, now, effects)
    effects.append(CaseDecided(CaseStatus.DEEMED_GRANTED))
    return _closed_state(state, CaseStatus.DEEMED_GRANTED, steps, state.data, now), tuple(effects)


# --------------------------------------------------------------------------- queries


def active_steps(state: CaseState) -> tuple[str, ...]:
    """The ids of the active steps, in definition order."""
    return tuple(sid for sid, s in state.steps.items() if s.status == StepStatus.ACTIVE)


def next_due(state: CaseState) -> datetime | None:
    """When the sweeper should look at this case next: the earliest ``next_timeout_at`` of an
    active step or the fiktif-positif deadline; None when closed or paused (waiting on the
    citizen)."""
    if state.status != CaseStatus.IN_PROGRESS:
        return None
    times = [
        s.next_timeout_at
        for s in state.steps.values()
        if s.status == StepStatus.ACTIVE and s.next_timeout_at is not None
    ]
    if state.deemed_due_at is not None:
        times.append(state.deemed_due_at)
    return min(times, default=None)


# --------------------------------------------------------------------------- JSON


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _step_json(s: StepState) -> dict[str, Any]:
    return {
        "status": s.status.value,
        "activated_at": _iso(s.activated_at),
        "due_at": _iso(s.due_at),
        "done_at": _iso(s.done_at),
        "outcome": str(s.outcome) if s.outcome is not None else None,  # plain text, not an enum
        "actor": s.actor,
        "claimed_by": s.claimed_by,
        "reminded": s.reminded,
        "escalation": s.escalation,
        "basis": dict(s.basis) if s.basis is not None else None,
        "reasons": s.reasons,
        "next_timeout_at": _iso(s.next_timeout_at),
    }


def to_json(state: CaseState) -> dict[str, Any]:
    """The state as JSON-ready data (datetimes as ISO 8601 strings with their offset)."""
    return {
        "status": state.status.value,
        "version": state.version,
        "submitted_at": _iso(state.submitted_at),
        "complete_at": _iso(state.complete_at),
        "decided_at": _iso(state.decided_at),
        "paused_since": _iso(state.paused_since),
        "deemed_due_at": _iso(state.deemed_due_at),
        "data": dict(state.data),
        "steps": {sid: _step_json(s) for sid, s in state.steps.items()},
    }


def _step_from_json(raw: Mapping[str, Any]) -> StepState:
    basis = raw.get("basis")
    return StepState(
        status=StepStatus(raw["status"]),
        activated_at=_dt(raw.get("activated_at")),
        due_at=_dt(raw.get("due_at")),
        done_at=_dt(raw.get("done_at")),
        outcome=raw.get("outcome"),
        actor=raw.get("actor"),
        claimed_by=raw.get("claimed_by"),
        reminded=bool(raw.get("reminded", False)),
        escalation=int(raw.get("escalation", 0)),
        basis=dict(basis) if basis is not None else None,
        reasons=str(raw.get("reasons", "")),
        next_timeout_at=_dt(raw.get("next_timeout_at")),
    )


def from_json(raw: Mapping[str, Any]) -> CaseState:
    """The inverse of ``to_json``: ``from_json(to_json(state)) == state``."""
    return CaseState(
        status=CaseStatus(raw["status"]),
        steps={sid: _step_from_json(s) for sid, s in raw["steps"].items()},
        data=dict(raw.get("data", {})),
        submitted_at=datetime.fromisoformat(raw["submitted_at"]),
        complete_at=_dt(raw.get("complete_at")),
        decided_at=_dt(raw.get("decided_at")),
        paused_since=_dt(raw.get("paused_since")),
        deemed_due_at=_dt(raw.get("deemed_due_at")),
        version=int(raw["version"]),
    )
