"""Every change to a case goes through here (DESIGN rules 1 and 3): load, call the pure
engine, persist the new state and its effects in one transaction with an optimistic version
check, write the audit entry, and send notifications after commit."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from sinergi.accounts.models import User
from sinergi.accounts.roles import Role
from sinergi.audit.log import record
from sinergi.cases import engine
from sinergi.cases.calendar_service import platform_calendar
from sinergi.cases.forms import clean_application
from sinergi.cases.models import Case, CaseEvent, CaseStep
from sinergi.cases.notifications import notify_effects
from sinergi.cases.receipts import new_pin, new_receipt
from sinergi.cases.windows import ensure_within, window_end
from sinergi.catalog.authority import agency_authority
from sinergi.catalog.definitions import AuthorityNeed, Channel, Definition, Step, StepKind
from sinergi.catalog.models import ProcessDefinition, Service
from sinergi.citizens.models import Citizen
from sinergi.core.errors import Conflict, Forbidden, NotFound
from sinergi.documents.actions import issue_for_case
from sinergi.registry.access import works_in
from sinergi.registry.authority import Basis, Official, Scope, Tenure, resolve_authority
from sinergi.registry.models import Agency, Position, ServicePoint, ServicePointStaff
from sinergi.registry.resolve import authority_of, grant_rules_for
from sinergi.rules import RuleError, Violation, gettext_noop


def _agency_ids(codes: Iterable[str]) -> dict[str, int]:
    return dict(Agency.objects.filter(code__in=set(codes)).values_list("code", "id"))


def _basis_json(basis: Basis) -> dict[str, Any]:
    return {
        "kind": basis.kind.value,
        "chain": list(basis.chain),
        "acting_position": basis.acting_position,
        "acting_title": basis.acting_title,
        "accountable_position": basis.accountable_position,
        "accountable_title": basis.accountable_title,
        "on_behalf_of": basis.on_behalf_of,
        "signature": basis.signature,
        "legal_bases": [
            {"regulation": b.regulation, "article": b.article, "url": b.url}
            for b in basis.legal_bases
        ],
    }


def resolve_basis(
    acting_user: User, need: AuthorityNeed | None, now: datetime
) -> dict[str, Any] | None:
    """The authority the official acts under at ``now`` (None when the act needs none), or
    Forbidden naming the rule of UU 30/2014 that fails; called at the moment of every act."""
    if need is None:
        return None
    result = authority_of(acting_user, Scope(need.service, need.decision), now)
    if not isinstance(result, Basis):
        raise Forbidden(f"{result.translated(gettext)} ({result.article})")
    return _basis_json(result)


def _effect_json(effect: engine.Effect) -> dict[str, Any]:
    data: dict[str, Any] = {"effect": type(effect).__name__}
    for item in dataclasses.fields(effect):
        name = item.name
        value = getattr(effect, name)
        data[name] = (
            value.isoformat()
            if isinstance(value, datetime)
            else str(value)
            if (value is not None and not isinstance(value, (int, bool, str)))
            else value
        )
    return data


def _sync_steps(
    case: Case,
    old: engine.CaseState | None,
    new: engine.CaseState,
    agency_ids: Mapping[str, int],
    definition_agencies: Mapping[str, str],
) -> None:
    """Mirror the engine's step states into CaseStep rows (only the ones that changed)."""
    if old is None:
        CaseStep.objects.bulk_create(
            [
                CaseStep(
                    case=case,
                    service_id=case.service_id,
                    step_id=sid,
                    agency_id=agency_ids[definition_agencies[sid]],
                    **_step_fields(state),
                )
                for sid, state in new.steps.items()
            ]
        )
        return
    for sid, state in new.steps.items():
        if old.steps.get(sid) != state:
            CaseStep.objects.filter(case=case, step_id=sid).update(**_step_fields(state))


#: The actor id the engine records for what the system does itself (electronic steps).
SYSTEM = 0


def _user_id(value: int | None) -> int | None:
    return None if value in (None, SYSTEM) else value


def _step_fields(state: engine.StepState) -> dict[str, Any]:
    return {
        "status": state.status.value,
        "activated_at": state.activated_at,
        "due_at": state.due_at,
        "done_at": state.done_at,
        "next_timeout_at": state.next_timeout_at,
        "claimed_by_id": _user_id(state.claimed_by),
        "acted_by_id": _user_id(state.actor),
        "outcome": state.outcome or "",
        "escalation": state.escalation,
        "basis": dict(state.basis) if state.basis is not None else None,
    }


def _events(
    case: Case,
    effects: tuple[engine.Effect, ...],
    now: datetime,
    actor: User | None,
    agency_ids: Mapping[str, int],
) -> None:
    rows = []
    for effect in effects:
        agency = getattr(effect, "agency", "") or ""
        rows.append(
            CaseEvent(
                case=case,
                at=now,
                kind=type(effect).__name__,
                step_id=getattr(effect, "step_id", "") or "",
                agency_id=agency_ids.get(agency),
                actor=actor,
                data=_effect_json(effect),
            )
        )
    CaseEvent.objects.bulk_create(rows)


def case_completed(case_id: int) -> None:
    """After a case completes: the citizens' voice app invites its citizen to the IKM survey."""
    from sinergi.voice.actions import invite_after_case

    invite_after_case(case_id)


def _persist(
    case: Case,
    old: engine.CaseState,
    new: engine.CaseState,
    effects: tuple[engine.Effect, ...],
    *,
    actor: User | None,
    action: str,
    now: datetime,
    authority: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> Case:
    """Write the new state if nobody else did first; else Conflict, and nothing changes."""
    definition = case.definition.parsed()
    agencies = {s.id: s.agency for s in definition.steps}
    agency_ids = _agency_ids(agencies.values())  # reference data: read before taking the lock
    state = engine.to_json(new)
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, version=old.version).update(
            state=state,
            version=new.version,
            status=new.status.value,
            decided_at=new.decided_at,
            deemed_due_at=new.deemed_due_at if new.status in engine.OPEN_STATUSES else None,
        )
        if updated != 1:
            raise Conflict(gettext("Someone else acted on this case first; reload it."))
        _sync_steps(case, old, new, agency_ids, agencies)
        _events(case, effects, now, actor, agency_ids)
        record(
            actor=actor,
            action=action,
            obj=case,
            agency_code=(data or {}).get("agency", ""),
            authority=authority,
            data={**(data or {}), "version": new.version, "status": new.status.value},
        )
        _issue_decisions(case, new, effects, now)
        transaction.on_commit(partial(notify_effects, case.pk, effects))
        if old.status in engine.OPEN_STATUSES and new.status not in engine.OPEN_STATUSES:
            transaction.on_commit(partial(case_completed, case.pk))
    case.state = state
    case.version = new.version
    case.status = new.status.value
    case.decided_at = new.decided_at
    return case


def _issue_decisions(
    case: Case, state: engine.CaseState, effects: tuple[engine.Effect, ...], now: datetime
) -> None:
    """The decision a case reached is issued in the same transaction (documents app)."""
    for effect in effects:
        if isinstance(effect, engine.CaseDecided):
            issue_for_case(case, state, effect, now)


# --- Electronic steps ------------------------------------------------------------------------
#: What an automatic (electronic) step of each kind does; also the happy path of each kind.
AUTOMATIC_OUTCOME = {
    StepKind.VERIFY: engine.Outcome.APPROVE,
    StepKind.DECIDE: engine.Outcome.APPROVE,
    StepKind.ASSESS: engine.Outcome.DONE,
    StepKind.ISSUE: engine.Outcome.DONE,
    StepKind.PAY: engine.Outcome.PAID,
    StepKind.RECOMMEND: engine.Outcome.RECOMMEND,
    StepKind.CITIZEN: engine.Outcome.DONE,
}


def _automatic_basis(step: Step, now: datetime) -> dict[str, Any] | None:
    """The basis of the position responsible for an automated decision (UU 30/2014 Pasal 53
    as amended: the system issues it as the decision of the competent official)."""
    if step.authority is None:
        return None
    answer = agency_authority(step.agency, step.authority, step.position, now)
    position = Position.objects.filter(code=answer.position).first() if answer is not None else None
    if position is None:
        raise Forbidden(gettext("No position holds the authority for step {step}.").format(
            step=step.id))  # fmt: skip
    official = Official(
        id=SYSTEM, name="Sinergi", tenures=(Tenure(position.pk, now - timedelta(seconds=1)),)
    )
    grants = grant_rules_for(official)
    result = resolve_authority(
        grants, official, Scope(step.authority.service, step.authority.decision), now
    )
    if not isinstance(result, Basis):
        raise Forbidden(f"{result.translated(gettext)} ({result.article})")
    basis = _basis_json(result)
    basis["electronic"] = True
    with translation.override("id"):  # frozen into the decision, always in Bahasa Indonesia
        basis["signature"] = gettext("Issued electronically under the authority of {title}").format(
            title=result.signature
        )
    return basis


def _run_automatic(
    definition: Definition,
    state: engine.CaseState,
    effects: tuple[engine.Effect, ...],
    now: datetime,
) -> tuple[engine.CaseState, tuple[engine.Effect, ...]]:
    """Advance every active automatic step (pure checks, electronic issuance) in turn."""
    calendar = platform_calendar()
    for _guard in range(len(definition.steps) + 1):
        if state.status not in engine.OPEN_STATUSES:
            break
        automatic = [
            sid
            for sid in engine.active_steps(state)
            if definition.step(sid).channel is Channel.AUTOMATIC
        ]
        if not automatic:
            break
        step = definition.step(automatic[0])
        event = engine.Act(
            step.id, SYSTEM, AUTOMATIC_OUTCOME[step.kind], "", {}, _automatic_basis(step, now)
        )
        state, more = engine.advance(definition, state, event, now, calendar)
        effects = (*effects, *more)
    return state, effects


# --- Submitting ------------------------------------------------------------------------------
def _refuse(field: str, rule: str, template: str, **params: str) -> RuleError:
    return RuleError(Violation(field=field, rule=rule, template=template, params=params))


def _citizen_for(acting_user: User, citizen: Citizen | None) -> Citizen:
    if acting_user.role == Role.CITIZEN:
        own = Citizen.objects.filter(user=acting_user).first()
        if own is None:
            raise _refuse(
                "citizen",
                "citizen_profile_missing",
                gettext_noop("Complete your citizen profile (NIK) before applying."),
            )
        return own
    if acting_user.role == Role.FRONT_DESK:
        if citizen is None:
            raise _refuse("citizen", "citizen_required",
                          gettext_noop("Identify the walk-in citizen by NIK."))  # fmt: skip
        return citizen
    raise Forbidden(gettext("Only citizens and front-desk officers submit applications."))


def _desk_point(acting_user: User, now: datetime) -> ServicePoint | None:
    if acting_user.role != Role.FRONT_DESK:
        return None
    posting = (
        ServicePointStaff.objects.select_related("service_point")
        .filter(user=acting_user, valid_from__lte=now)
        .exclude(valid_to__lte=now)
        .first()
    )
    if posting is None:
        raise Forbidden(gettext("You are not posted at a service point."))
    return posting.service_point


def submit_case(
    *,
    acting_user: User,
    service_code: str,
    variant: str,
    data: Mapping[str, Any],
    citizen: Citizen | None = None,
    now: datetime | None = None,
) -> tuple[Case, str]:
    """One application, one receipt number and PIN (returned once; only its hash is kept)."""
    now = now or timezone.now()
    service = Service.objects.filter(code=service_code, published=True).first()
    if service is None:
        raise _refuse("service", "service_unknown", gettext_noop("Unknown service {code}."),
                      code=service_code)  # fmt: skip
    row = (
        ProcessDefinition.objects.select_related("service")
        .filter(service=service, variant=variant, current=True)
        .first()
    )
    if row is None:
        raise _refuse("variant", "variant_unknown",
                      gettext_noop("The service {code} is not offered as {variant}."),
                      code=service_code, variant=variant)  # fmt: skip
    who = _citizen_for(acting_user, citizen)
    point = _desk_point(acting_user, now)
    clean = clean_application(service.form, data)
    definition = row.parsed()
    state, effects = engine.initial_state(definition, clean, now, platform_calendar())
    state, effects = _run_automatic(definition, state, effects, now)
    pin = new_pin()
    # Hashed before the transaction: on SQLite an IMMEDIATE transaction holds the database's
    # one write lock from BEGIN, and Argon2id takes tens of milliseconds.
    pin_hash = make_password(pin)
    agencies = {s.id: s.agency for s in definition.steps}
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    receipt_number=new_receipt(now.year),
                    pin_hash=pin_hash,
                    service=service,
                    definition=row,
                    citizen=who,
                    submitted_by=acting_user,
                    service_point=point,
                    status=state.status.value,
                    state=engine.to_json(state),
                    version=state.version,
                    submitted_at=now,
                    decided_at=state.decided_at,
                    deemed_due_at=state.deemed_due_at,
                )
                agency_ids = _agency_ids(agencies.values())
                _sync_steps(case, None, state, agency_ids, agencies)
                CaseEvent.objects.create(
                    case=case, at=now, kind="Submitted", actor=acting_user,
                    data={"variant": variant, "version": row.version,
                          "service_point": point.code if point else None},
                )  # fmt: skip
                _events(case, effects, now, acting_user, agency_ids)
                record(
                    actor=acting_user,
                    action="cases.submit",
                    obj=case,
                    data={"service": service.code, "variant": variant, "version": row.version},
                )
                _issue_decisions(case, state, effects, now)
                transaction.on_commit(partial(notify_effects, case.pk, effects, submitted=True))
                if state.status not in engine.OPEN_STATUSES:
                    transaction.on_commit(partial(case_completed, case.pk))
            return case, pin
        except IntegrityError:
            continue  # a receipt number collision: draw another
    raise Conflict(gettext("Could not allocate a receipt number; try again."))


# --- Officials acting on steps -----------------------------------------------------------------
def _step_for_official(acting_user: User, case: Case, step_id: str) -> engine.StepState:
    definition = case.definition.parsed()
    try:
        step = definition.step(step_id)
    except KeyError:
        raise NotFound(step_id) from None
    if not works_in(acting_user, step.agency):
        raise Forbidden(gettext("This step belongs to another agency."))
    return engine.from_json(case.state).steps[step_id]


def claim_step(*, acting_user: User, case: Case, step_id: str, now: datetime | None = None) -> Case:
    now = now or timezone.now()
    _step_for_official(acting_user, case, step_id)
    old = engine.from_json(case.state)
    new, effects = engine.advance(
        case.definition.parsed(), old, engine.Claim(step_id, acting_user.pk), now,
        platform_calendar(),
    )  # fmt: skip
    return _persist(case, old, new, effects, actor=acting_user, action="cases.claim", now=now,
                    data={"step": step_id})  # fmt: skip


def assign_step(
    *, acting_user: User, case: Case, step_id: str, assignee: User, now: datetime | None = None
) -> Case:
    """The agency head gives an unclaimed step of the agency to one of its officials (the
    engine's claim, made for them); the audit entry names both."""
    now = now or timezone.now()
    if acting_user.role != Role.AGENCY_HEAD:
        raise Forbidden(gettext("Only the agency head assigns steps."))
    _step_for_official(acting_user, case, step_id)
    _step_for_official(assignee, case, step_id)
    old = engine.from_json(case.state)
    new, effects = engine.advance(
        case.definition.parsed(), old, engine.Claim(step_id, assignee.pk), now,
        platform_calendar(),
    )  # fmt: skip
    return _persist(case, old, new, effects, actor=acting_user, action="cases.assign", now=now,
                    data={"step": step_id, "assignee": assignee.username})  # fmt: skip


def act_on_step(
    *,
    acting_user: User,
    case: Case,
    step_id: str,
    outcome: str,
    reasons: str = "",
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Act under the authority the official's position holds at this moment; the basis is
    stored on the step and in the audit entry."""
    now = now or timezone.now()
    _step_for_official(acting_user, case, step_id)
    if expected_version is not None and expected_version != case.version:
        raise Conflict(gettext("The case changed since you loaded it; reload it."))
    try:
        chosen = engine.Outcome(outcome)
    except ValueError:
        raise _refuse("outcome", "outcome_unknown", gettext_noop("Unknown outcome {outcome}."),
                      outcome=outcome) from None  # fmt: skip
    definition = case.definition.parsed()
    step = definition.step(step_id)
    basis_json = resolve_basis(acting_user, step.authority, now)
    old = engine.from_json(case.state)
    event = engine.Act(step_id, acting_user.pk, chosen, reasons.strip(), dict(data or {}),
                       basis_json)  # fmt: skip
    new, effects = engine.advance(definition, old, event, now, platform_calendar())
    new, effects = _run_automatic(definition, new, effects, now)
    return _persist(
        case, old, new, effects, actor=acting_user, action=f"cases.act.{chosen.value}", now=now,
        authority=basis_json, data={"step": step_id, "agency": step.agency, "reasons": reasons},
    )  # fmt: skip


# --- Citizens --------------------------------------------------------------------------------
def _own(acting_user: User, case: Case) -> None:
    if case.citizen.user_id != acting_user.pk:
        raise NotFound(case.receipt_number)


def _within_revision_window(case: Case, now: datetime) -> None:
    """A returned application must be revised within its window (a setting: [U])."""
    paused = engine.from_json(case.state).paused_since
    if paused is None:
        return
    ensure_within(
        now,
        window_end(paused, "REVISION_WINDOW_WORKING_DAYS"),
        rule="revision_late",
        template=gettext_noop("The revision was due by {deadline}."),
    )


def revise_case(
    *, acting_user: User, case: Case, data: Mapping[str, Any], now: datetime | None = None
) -> Case:
    now = now or timezone.now()
    _own(acting_user, case)
    _within_revision_window(case, now)
    clean = clean_application(case.service.form, {**engine.from_json(case.state).data, **data})
    changed = {k: v for k, v in clean.items() if k in data}
    old = engine.from_json(case.state)
    definition = case.definition.parsed()
    new, effects = engine.advance(
        definition, old, engine.CitizenRevised(changed), now, platform_calendar()
    )
    new, effects = _run_automatic(definition, new, effects, now)
    return _persist(case, old, new, effects, actor=acting_user, action="cases.revise", now=now,
                    data={"fields": sorted(changed)})  # fmt: skip


def withdraw_case(
    *, acting_user: User, case: Case, reason: str = "", now: datetime | None = None
) -> Case:
    now = now or timezone.now()
    _own(acting_user, case)
    old = engine.from_json(case.state)
    new, effects = engine.advance(
        case.definition.parsed(), old, engine.Withdraw(reason), now, platform_calendar()
    )
    return _persist(case, old, new, effects, actor=acting_user, action="cases.withdraw", now=now,
                    data={"reason": reason})  # fmt: skip


# --- The sweeper's events --------------------------------------------------------------------
def apply_timeout(case: Case, step_id: str | None, now: datetime) -> Case:
    """A step's time-out (or the case's deemed approval when ``step_id`` is None), applied
    by the sweeper; the version check makes it happen once even with several workers."""
    old = engine.from_json(case.state)
    event: engine.Event = (
        engine.Timeout(step_id) if step_id is not None else engine.DeemedGrantedTimeout()
    )
    new, effects = engine.advance(case.definition.parsed(), old, event, now, platform_calendar())
    action = "cases.timeout" if step_id is not None else "cases.deemed_granted"
    return _persist(case, old, new, effects, actor=None, action=action, now=now,
                    data={"step": step_id or ""})  # fmt: skip
