"""Is a process definition a lawful, runnable process? The validator of the catalogue.

Checks the step graph (unique ids, known dependencies, no cycle, a root, every step reachable),
the conditions (safe, and naming only fields the definition's ``example`` declares), authority
(every deciding step needs a named authority that its agency holds), SLAs and time-outs, counter
placement, and the profile of the service pattern (teknis fungsional, satu atap, satu pintu,
terpusat, elektronik). Every broken rule is reported at once as a :class:`Violation` with a path
(``steps[2].after``, ``intake``) and a stable rule code.

Pure Python: no Django. Authority lives in the registry, so the Django layer passes an
:class:`AuthorityCheck` built from the grants; without one, authority holdings are not checked.

Decisions where the rules leave room:

* In teknis fungsional a step without ``application`` belongs to an application named after its
  agency (:func:`application_of`). A citizen who carries papers on to another agency and later
  comes back files a new application there, so a chain that leaves an application and re-enters
  it is refused (``teknis_fungsional_application_reentered``): the return needs its own name.
  This keeps the visit count (one trip per application and location) honest.
  In every other pattern a step without ``application`` is in the one integrated application,
  and naming a separate one is refused (``application_not_integrated``).
* Unreachable means: waits (transitively) for a step that does not exist or that is on a cycle.
  The step naming the unknown id or sitting on the cycle gets that violation; the steps
  downstream of it get ``step_unreachable``.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sinergi.catalog.definitions import (
    AuthorityNeed,
    Channel,
    Definition,
    Intake,
    OnTimeout,
    Pattern,
    Step,
    StepKind,
)
from sinergi.catalog.expressions import compile_expression
from sinergi.rules import RuleError, Violation, gettext_noop

__all__ = [
    "DECISION_KINDS",
    "NEEDS_AUTHORITY",
    "TRANSFERRED_AUTHORITY",
    "AuthorityAnswer",
    "AuthorityCheck",
    "application_of",
    "topological_order",
    "validate_definition",
    "validate_or_raise",
]

#: Steps that decide the application or issue its output.
DECISION_KINDS = frozenset({StepKind.DECIDE, StepKind.ISSUE})
#: Steps an official takes under authority; citizen actions and payments need none.
NEEDS_AUTHORITY = frozenset(
    {StepKind.DECIDE, StepKind.ISSUE, StepKind.ASSESS, StepKind.VERIFY, StepKind.RECOMMEND}
)
#: Grant kinds by which authority reaches a unit that does not hold it by law (atribusi).
TRANSFERRED_AUTHORITY = frozenset({"delegasi", "mandat"})
# Names the expression language reads as literals, never from the case data.
_LITERAL_NAMES = frozenset({"true", "false", "null"})

_ART_DEEMED = "UU 30/2014 Pasal 53, as amended by UU 6/2023"
_ART_ELECTRONIC = "UU 30/2014 Pasal 38, as amended by UU 6/2023"
_ART_AUTHORITY = "UU 30/2014 Pasal 8 ayat (2)"
_ART_TRANSFER = "UU 30/2014 Pasal 13 dan Pasal 14"

_T_DUPLICATE = gettext_noop("Step id {step} is used again; it was first used by steps[{first}].")
_T_UNKNOWN_AFTER = gettext_noop("Step {step} waits for {missing}, which is not a step.")
_T_CYCLE = gettext_noop(
    "Steps {steps} wait for each other in a cycle ({cycle}); none of them can ever start."
)
_T_NO_ROOT = gettext_noop("Every step waits for another one, so no step can start.")
_T_UNREACHABLE = gettext_noop(
    "Step {step} can never start: it waits for {blocked_by}, which can never finish."
)
_T_CONDITION = gettext_noop("The condition of step {step} is not allowed: {reason}.")
_T_CONDITION_NAME = gettext_noop(
    "The condition of step {step} reads {name}, which the example data does not declare "
    "(declared: {known})."
)
_T_AUTHORITY_MISSING = gettext_noop(
    "Step {step} is a {kind} step and must name the authority it needs."
)
_T_NO_AUTHORITY = gettext_noop(
    "Step {step}: no position of {agency} holds authority to decide {decision} on {service}."
)
_T_SLA_MISSING = gettext_noop("Step {step} needs an SLA; only citizen steps may have none.")
_T_DEEM_KIND = gettext_noop(
    "Step {step} is a {kind} step; only decide and issue steps can be deemed granted on time-out."
)
_T_DEEMED_NO_DECISION = gettext_noop(
    "The definition can be deemed granted but has no decide or issue step."
)
_T_COUNTER_LOCATION = gettext_noop("Counter step {step} must name its location.")
_T_COUNTER_LABEL = gettext_noop("Counter step {step} must name its counter.")
_T_PLACE_NOT_COUNTER = gettext_noop(
    "Step {step} happens {channel}, so it has no {place}; only counter steps have one."
)
_T_NOT_INTEGRATED = gettext_noop(
    "Step {step} names the separate application {application}, but a {pattern} service runs "
    "as one application."
)
_T_TF_INTAKE = gettext_noop(
    "A teknis fungsional service takes applications at each agency's counter, not by {intake}."
)
_T_TF_SHARED = gettext_noop(
    "Application {application} is shared by {agencies}; in teknis fungsional every "
    "application belongs to one agency (step {step})."
)
_T_TF_HANDOFF = gettext_noop(
    "Step {step} of {agency} follows step {previous} of {previous_agency} inside application "
    "{application}; in teknis fungsional the citizen carries the papers between applications."
)
_T_TF_REENTERED = gettext_noop(
    "Step {step} returns to application {application} after the citizen left it for step "
    "{via}; a return is a new application and needs its own name."
)
_T_SA_AGENCIES = gettext_noop(
    "A satu atap service brings several agencies to one service point; this one has only "
    "{agencies}."
)
_T_SA_POINT = gettext_noop("A satu atap service must name its service point.")
_T_SA_INTAKE = gettext_noop(
    "A satu atap service takes applications at the front desk, not by {intake}."
)
_T_SA_ELSEWHERE = gettext_noop(
    "Counter step {step} is at {location}, not at the service point {service_point}."
)
_T_DECIDER = gettext_noop("A {pattern} service must name its deciding or coordinating agency.")
_T_SP_DECISION = gettext_noop(
    "Step {step} is a {kind} step of {agency}; in satu pintu only {decider} decides and issues."
)
_T_SP_OTHER = gettext_noop(
    "Step {step} is a {kind} step of {agency}; in satu pintu other agencies only verify or "
    "recommend to {decider}."
)
_T_SP_TRANSFER = gettext_noop(
    "Step {step}: {agency} decides by {kind} ({position}); satu pintu needs the authority "
    "transferred to it by delegasi or mandat."
)
_T_TP_ROOT = gettext_noop(
    "Step {step} starts the process but belongs to {agency}; in terpusat the coordinating "
    "agency {decider} takes the application."
)
_T_TP_ISSUE = gettext_noop(
    "Step {step} issues the output but belongs to {agency}; in terpusat {decider} issues."
)
_T_EL_INTAKE = gettext_noop("An elektronik service takes applications online, not by {intake}.")
_T_EL_COUNTER = gettext_noop(
    "Step {step} happens at a counter; a service that needs the citizen in person cannot be "
    "elektronik."
)
_T_EL_CHECK = gettext_noop(
    "Check step {step} happens {channel}; in elektronik checks run automatically or online."
)
_T_EL_DECISION = gettext_noop(
    "Step {step} happens {channel}; in elektronik the decision is issued automatically when "
    "every check passes."
)


@dataclass(frozen=True)
class AuthorityAnswer:
    """The grant by which an agency's position holds the authority a step needs."""

    kind: str  # "atribusi" | "delegasi" | "mandat"
    position: str


class AuthorityCheck(Protocol):
    """``(agency_code, need, position) -> AuthorityAnswer | None``, from the registry's grants.

    None means that no position of the agency (or not the given position) holds a grant in
    force covering ``need``.
    """

    def __call__(
        self, agency_code: str, need: AuthorityNeed, position: str | None, /
    ) -> AuthorityAnswer | None: ...


def _v(where: str, rule: str, template: str, article: str = "", **params: str) -> Violation:
    return Violation(field=where, rule=rule, template=template, params=params, article=article)


def application_of(definition: Definition, step: Step) -> str | None:
    """The application a step runs in; None is the one integrated application.

    In teknis fungsional a step without one runs in an application named after its agency.
    """
    if step.application is None and definition.pattern is Pattern.TEKNIS_FUNGSIONAL:
        return step.agency
    return step.application


# --- the step graph -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Graph:
    steps: tuple[Step, ...]  # the first step of each id, in definition order
    index: Mapping[str, int]  # id -> its index in definition.steps
    order: tuple[str, ...]  # the ids that can run, topologically (definition order on ties)
    violations: tuple[Violation, ...]


def _graph(definition: Definition) -> _Graph:
    errors: list[Violation] = []
    index: dict[str, int] = {}
    for i, step in enumerate(definition.steps):
        if step.id in index:
            errors.append(
                _v(f"steps[{i}].id", "step_duplicate_id", _T_DUPLICATE, step=step.id,
                   first=str(index[step.id]))
            )  # fmt: skip
        else:
            index[step.id] = i
    for i, step in enumerate(definition.steps):
        for name in dict.fromkeys(step.after):
            if name not in index:
                errors.append(
                    _v(f"steps[{i}].after", "step_unknown_after", _T_UNKNOWN_AFTER,
                       step=step.id, missing=name)
                )  # fmt: skip
    unique = tuple(definition.steps[i] for i in index.values())
    after = {s.id: frozenset(s.after) for s in unique}
    if not any(not s.after for s in unique):
        errors.append(_v("steps", "no_root_step", _T_NO_ROOT))

    # Kahn's algorithm; a step waiting for an unknown id is never ready.
    waiting = {s.id: len(after[s.id]) for s in unique}
    successors: dict[str, list[str]] = {s.id: [] for s in unique}
    for s in unique:
        for name in after[s.id]:
            if name in successors:
                successors[name].append(s.id)
    ready = [index[s.id] for s in unique if waiting[s.id] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        step_id = definition.steps[heapq.heappop(ready)].id
        order.append(step_id)
        for nxt in successors[step_id]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, index[nxt])

    stuck = [s for s in unique if s.id not in set(order)]
    if stuck:
        errors.extend(_stuck_violations(stuck, after, index))
    return _Graph(unique, index, tuple(order), tuple(errors))


def _reach(start: str, edges: Mapping[str, Iterable[str]]) -> set[str]:
    """Every node reachable from ``start`` in one or more steps along ``edges``."""
    seen: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return seen


def _stuck_violations(
    stuck: list[Step], after: Mapping[str, frozenset[str]], index: Mapping[str, int]
) -> list[Violation]:
    """Cycles among the steps that can never run, and the steps stuck behind them."""
    ids = {s.id for s in stuck}
    edges = {s: [a for a in after[s] if a in ids] for s in ids}  # towards prerequisites
    reach = {s: _reach(s, edges) for s in ids}
    errors: list[Violation] = []
    on_cycle: set[str] = set()
    for step in stuck:  # definition order
        if step.id in on_cycle or step.id not in reach[step.id]:
            continue
        members = {m for m in reach[step.id] if step.id in reach[m]}
        on_cycle |= members
        errors.append(
            _v(f"steps[{index[step.id]}].after", "step_cycle", _T_CYCLE,
               step=step.id, steps=", ".join(sorted(members, key=index.__getitem__)),
               cycle=" -> ".join(_cycle_path(step.id, members, after)))
        )  # fmt: skip
    causes = on_cycle | {s for s in ids if any(a not in index for a in after[s])}
    for step in stuck:
        if step.id in causes:
            continue
        blocked_by = sorted(reach[step.id] & causes, key=index.__getitem__)
        errors.append(
            _v(f"steps[{index[step.id]}].after", "step_unreachable", _T_UNREACHABLE,
               step=step.id, blocked_by=", ".join(blocked_by))
        )  # fmt: skip
    return errors


def _cycle_path(start: str, members: set[str], after: Mapping[str, frozenset[str]]) -> list[str]:
    """A shortest cycle through ``start``, in the order the steps would run."""
    successors = {m: sorted(n for n in members if m in after[n]) for m in members}
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in successors[node]:
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    raise AssertionError("a cycle member reaches itself")  # pragma: no cover


def topological_order(definition: Definition) -> tuple[Step, ...]:
    """The steps in an order that respects ``after`` (definition order on ties).

    Raises RuleError with the graph violations when the steps do not form a DAG with unique ids.
    """
    graph = _graph(definition)
    if graph.violations:
        raise RuleError(*graph.violations)
    return tuple(definition.steps[graph.index[step_id]] for step_id in graph.order)


# --- per-step rules -------------------------------------------------------------------------


def _condition_violations(definition: Definition) -> list[Violation]:
    errors: list[Violation] = []
    known = frozenset(definition.example)
    for i, step in enumerate(definition.steps):
        if step.when is None:
            continue
        where = f"steps[{i}].when"
        if not isinstance(step.when, str):
            errors.append(
                _v(where, "expression_unsafe", _T_CONDITION, step=step.id,
                   reason="it is not text")
            )  # fmt: skip
            continue
        try:
            expression = compile_expression(step.when)
        except RuleError as error:
            errors.extend(
                _v(where, v.rule, _T_CONDITION, step=step.id, source=v.params.get("source", ""),
                   reason=v.params.get("reason", ""))
                for v in error.violations
            )  # fmt: skip
            continue
        for name in sorted(expression.names - _LITERAL_NAMES - known):
            errors.append(
                _v(where, "condition_unknown_name", _T_CONDITION_NAME, step=step.id, name=name,
                   known=", ".join(sorted(known)) or "-")
            )  # fmt: skip
    return errors


def _authority_violations(
    definition: Definition, authority: AuthorityCheck | None
) -> tuple[list[Violation], dict[int, AuthorityAnswer]]:
    errors: list[Violation] = []
    answers: dict[int, AuthorityAnswer] = {}
    for i, step in enumerate(definition.steps):
        if step.authority is None:
            if step.kind in NEEDS_AUTHORITY:
                errors.append(
                    _v(f"steps[{i}].authority", "authority_missing", _T_AUTHORITY_MISSING,
                       _ART_AUTHORITY, step=step.id, kind=step.kind.value)
                )  # fmt: skip
            continue
        if authority is None:
            continue
        answer = authority(step.agency, step.authority, step.position)
        if answer is None:
            errors.append(
                _v(f"steps[{i}].authority", "step_without_authority", _T_NO_AUTHORITY,
                   _ART_AUTHORITY, step=step.id, agency=step.agency,
                   service=step.authority.service, decision=step.authority.decision)
            )  # fmt: skip
        else:
            answers[i] = answer
    return errors, answers


def _timing_violations(definition: Definition) -> list[Violation]:
    errors: list[Violation] = []
    for i, step in enumerate(definition.steps):
        if step.sla is None and step.kind is not StepKind.CITIZEN:
            errors.append(_v(f"steps[{i}].sla", "sla_missing", _T_SLA_MISSING, step=step.id))
        if step.on_timeout is OnTimeout.DEEM_GRANTED and step.kind not in DECISION_KINDS:
            errors.append(
                _v(f"steps[{i}].on_timeout", "deem_granted_kind", _T_DEEM_KIND, _ART_DEEMED,
                   step=step.id, kind=step.kind.value)
            )  # fmt: skip
    if definition.deemed_granted_after is not None and not any(
        s.kind in DECISION_KINDS for s in definition.steps
    ):
        errors.append(
            _v("deemed_granted_after", "deemed_granted_without_decision", _T_DEEMED_NO_DECISION,
               _ART_DEEMED)
        )  # fmt: skip
    return errors


def _place_violations(definition: Definition) -> list[Violation]:
    errors: list[Violation] = []
    for i, step in enumerate(definition.steps):
        if step.channel is Channel.COUNTER:
            if not step.location:
                errors.append(
                    _v(f"steps[{i}].location", "counter_location_missing", _T_COUNTER_LOCATION,
                       step=step.id)
                )  # fmt: skip
            if not step.counter:
                errors.append(
                    _v(f"steps[{i}].counter", "counter_label_missing", _T_COUNTER_LABEL,
                       step=step.id)
                )  # fmt: skip
            continue
        for attribute, value in (("location", step.location), ("counter", step.counter)):
            if value is not None:
                errors.append(
                    _v(f"steps[{i}].{attribute}", "place_without_counter", _T_PLACE_NOT_COUNTER,
                       step=step.id, channel=step.channel.value, place=attribute)
                )  # fmt: skip
    return errors


# --- pattern profiles -----------------------------------------------------------------------


def _teknis_fungsional(definition: Definition, graph: _Graph) -> list[Violation]:
    errors: list[Violation] = []
    if definition.intake is not Intake.COUNTER:
        errors.append(
            _v("intake", "teknis_fungsional_intake", _T_TF_INTAKE, intake=definition.intake.value)
        )
    app = {s.id: application_of(definition, s) for s in graph.steps}
    first_agency: dict[str | None, Step] = {}
    reported: set[str | None] = set()
    for step in graph.steps:
        owner = first_agency.setdefault(app[step.id], step)
        if owner.agency != step.agency and app[step.id] not in reported:
            reported.add(app[step.id])
            agencies = dict.fromkeys(s.agency for s in graph.steps if app[s.id] == app[step.id])
            errors.append(
                _v(f"steps[{graph.index[step.id]}].application",
                   "teknis_fungsional_shared_application", _T_TF_SHARED, step=step.id,
                   application=str(app[step.id]), agencies=", ".join(agencies))
            )  # fmt: skip
    by_id = {s.id: s for s in graph.steps}
    for step in graph.steps:
        for previous in (by_id[a] for a in dict.fromkeys(step.after) if a in by_id):
            if previous.agency != step.agency and app[previous.id] == app[step.id]:
                errors.append(
                    _v(f"steps[{graph.index[step.id]}].after", "teknis_fungsional_handoff",
                       _T_TF_HANDOFF, step=step.id, agency=step.agency, previous=previous.id,
                       previous_agency=previous.agency, application=str(app[step.id]))
                )  # fmt: skip
    # Re-entry: the chain leaves an application for another one and comes back to it.
    prerequisites = {s.id: [a for a in s.after if a in by_id] for s in graph.steps}
    ancestors = {s.id: _reach(s.id, prerequisites) for s in graph.steps}
    reentered: set[str | None] = set()
    for step in (by_id[step_id] for step_id in graph.order):
        via = [
            v for v in graph.steps
            if v.id in ancestors[step.id] and app[v.id] != app[step.id]
            and any(app[u] == app[step.id] for u in ancestors[v.id])
        ]  # fmt: skip
        if via and app[step.id] not in reentered:
            reentered.add(app[step.id])
            errors.append(
                _v(f"steps[{graph.index[step.id]}].application",
                   "teknis_fungsional_application_reentered", _T_TF_REENTERED, step=step.id,
                   application=str(app[step.id]), via=via[0].id)
            )  # fmt: skip
    return errors


def _integrated(definition: Definition) -> list[Violation]:
    return [
        _v(f"steps[{i}].application", "application_not_integrated", _T_NOT_INTEGRATED,
           step=step.id, application=str(step.application), pattern=definition.pattern.value)
        for i, step in enumerate(definition.steps)
        if step.application is not None
    ]  # fmt: skip


def _satu_atap(definition: Definition) -> list[Violation]:
    errors: list[Violation] = []
    agencies = dict.fromkeys(s.agency for s in definition.steps)
    if len(agencies) < 2:
        errors.append(
            _v("steps", "satu_atap_one_agency", _T_SA_AGENCIES, agencies=", ".join(agencies))
        )
    if not definition.service_point:
        errors.append(_v("service_point", "satu_atap_service_point_missing", _T_SA_POINT))
    if definition.intake is not Intake.FRONT_DESK:
        errors.append(
            _v("intake", "satu_atap_intake", _T_SA_INTAKE, intake=definition.intake.value)
        )
    for i, step in enumerate(definition.steps):
        if (
            step.channel is Channel.COUNTER
            and definition.service_point
            and step.location
            and step.location != definition.service_point
        ):
            errors.append(
                _v(f"steps[{i}].location", "satu_atap_counter_elsewhere", _T_SA_ELSEWHERE,
                   step=step.id, location=step.location, service_point=definition.service_point)
            )  # fmt: skip
    return errors


def _decider(definition: Definition) -> list[Violation]:
    if definition.decider:
        return []
    return [_v("decider", "decider_missing", _T_DECIDER, pattern=definition.pattern.value)]


def _satu_pintu(definition: Definition, answers: Mapping[int, AuthorityAnswer]) -> list[Violation]:
    errors = _decider(definition)
    decider = definition.decider
    if not decider:
        return errors
    for i, step in enumerate(definition.steps):
        params = {"step": step.id, "kind": step.kind.value, "agency": step.agency}
        if step.agency == decider:
            answer = answers.get(i)
            if (
                step.kind in DECISION_KINDS
                and answer is not None
                and answer.kind not in TRANSFERRED_AUTHORITY
            ):
                errors.append(
                    _v(f"steps[{i}].authority", "satu_pintu_needs_transfer", _T_SP_TRANSFER,
                       _ART_TRANSFER, step=step.id, agency=step.agency, kind=answer.kind,
                       position=answer.position)
                )  # fmt: skip
        elif step.kind in DECISION_KINDS:
            errors.append(
                _v(f"steps[{i}].agency", "satu_pintu_decision_elsewhere", _T_SP_DECISION,
                   decider=decider, **params)
            )  # fmt: skip
        elif step.kind not in {StepKind.RECOMMEND, StepKind.VERIFY}:
            errors.append(
                _v(f"steps[{i}].kind", "satu_pintu_other_agency_step", _T_SP_OTHER,
                   decider=decider, **params)
            )  # fmt: skip
    return errors


def _terpusat(definition: Definition) -> list[Violation]:
    errors = _decider(definition)
    decider = definition.decider
    if not decider:
        return errors
    for i, step in enumerate(definition.steps):
        if step.agency == decider:
            continue
        if not step.after:
            errors.append(
                _v(f"steps[{i}].agency", "terpusat_root_elsewhere", _T_TP_ROOT, step=step.id,
                   agency=step.agency, decider=decider)
            )  # fmt: skip
        if step.kind is StepKind.ISSUE:
            errors.append(
                _v(f"steps[{i}].agency", "terpusat_issue_elsewhere", _T_TP_ISSUE, step=step.id,
                   agency=step.agency, decider=decider)
            )  # fmt: skip
    return errors


def _elektronik(definition: Definition) -> list[Violation]:
    errors: list[Violation] = []
    if definition.intake is not Intake.ONLINE:
        errors.append(
            _v("intake", "elektronik_intake", _T_EL_INTAKE, intake=definition.intake.value)
        )
    for i, step in enumerate(definition.steps):
        where = f"steps[{i}].channel"
        if step.channel is Channel.COUNTER:
            errors.append(_v(where, "elektronik_in_person", _T_EL_COUNTER, step=step.id))
        elif step.kind is StepKind.VERIFY and step.channel is Channel.BACK_OFFICE:
            errors.append(
                _v(where, "elektronik_manual_check", _T_EL_CHECK, step=step.id,
                   channel=step.channel.value)
            )  # fmt: skip
        elif step.kind in DECISION_KINDS and step.channel is not Channel.AUTOMATIC:
            errors.append(
                _v(where, "elektronik_manual_decision", _T_EL_DECISION, _ART_ELECTRONIC,
                   step=step.id, channel=step.channel.value)
            )  # fmt: skip
    return errors


def _pattern_violations(
    definition: Definition, graph: _Graph, answers: Mapping[int, AuthorityAnswer]
) -> list[Violation]:
    pattern = definition.pattern
    if pattern is Pattern.TEKNIS_FUNGSIONAL:
        return _teknis_fungsional(definition, graph)
    errors = _integrated(definition)
    if pattern is Pattern.SATU_ATAP:
        errors += _satu_atap(definition)
    elif pattern is Pattern.SATU_PINTU:
        errors += _satu_pintu(definition, answers)
    elif pattern is Pattern.TERPUSAT:
        errors += _terpusat(definition)
    elif pattern is Pattern.ELEKTRONIK:
        errors += _elektronik(definition)
    return errors


# --- entry points ---------------------------------------------------------------------------


def validate_definition(
    definition: Definition, *, authority: AuthorityCheck | None = None
) -> list[Violation]:
    """Every broken rule of ``definition``; [] when it is valid.

    ``authority`` answers whether an agency holds the authority a step needs; without it,
    holdings are not checked (only that deciding steps name the authority they need).
    """
    graph = _graph(definition)
    authority_errors, answers = _authority_violations(definition, authority)
    return [
        *graph.violations,
        *_condition_violations(definition),
        *authority_errors,
        *_timing_violations(definition),
        *_place_violations(definition),
        *_pattern_violations(definition, graph, answers),
    ]


def validate_or_raise(
    definition: Definition, *, authority: AuthorityCheck | None = None
) -> Definition:
    """``definition`` itself when it is valid; otherwise RuleError with every violation."""
    errors = validate_definition(definition, authority=authority)
    if errors:
        raise RuleError(*errors)
    return definition
