"""Process definitions as data: the shape of a service variant's steps, parsed from YAML/JSON.

Pure Python (no Django): the engine, the validator, the figures (doors, hand-offs) and the
BPMN export all read these frozen dataclasses. ``parse_definition`` turns a plain mapping
(from YAML or JSON) into a ``Definition`` or raises ``RuleError`` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sinergi.rules import RuleError, Violation, gettext_noop


class Pattern(StrEnum):
    """The five WoG service patterns."""

    TEKNIS_FUNGSIONAL = "teknis_fungsional"
    SATU_ATAP = "satu_atap"
    SATU_PINTU = "satu_pintu"
    TERPUSAT = "terpusat"
    ELEKTRONIK = "elektronik"


class StepKind(StrEnum):
    VERIFY = "verify"  # check requirements or data
    ASSESS = "assess"  # assess or compute a fee
    RECOMMEND = "recommend"  # technical recommendation to the deciding agency
    DECIDE = "decide"  # approve or refuse
    PAY = "pay"  # the citizen pays; an official (or the bank) records it
    ISSUE = "issue"  # issue the output (document, card, endorsement)
    CITIZEN = "citizen"  # a citizen action: attend in person, bring a document


class Channel(StrEnum):
    """Where a step happens, as the citizen experiences it (doors are counted from this)."""

    COUNTER = "counter"  # the citizen stands at a counter, in person
    ONLINE = "online"  # the citizen does it online (counts no door)
    AUTOMATIC = "automatic"  # the system does it (pure checks, electronic decisions)
    BACK_OFFICE = "back_office"  # officials do it without the citizen present


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    HOURS = "hours"


class OnTimeout(StrEnum):
    REMIND = "remind"
    ESCALATE = "escalate"  # to the agency head, then to the coordinator
    DEEM_GRANTED = "deem_granted"  # fiktif positif (UU 30/2014 Pasal 53 as amended)


class Intake(StrEnum):
    ONLINE = "online"
    FRONT_DESK = "front_desk"  # a front desk at a service point takes the application
    COUNTER = "counter"  # each agency's own counter (separate applications)


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: Unit

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value}"


@dataclass(frozen=True)
class AuthorityNeed:
    """The authority a step needs: the grant scope an official must hold to act on it."""

    service: str
    decision: str


@dataclass(frozen=True)
class Step:
    id: str
    kind: StepKind
    agency: str  # owning agency code
    title: str
    after: tuple[str, ...] = ()  # steps that must be done first (a join when several)
    when: str | None = None  # condition in the safe expression language
    authority: AuthorityNeed | None = None  # None: no decision (e.g. a citizen action)
    position: str | None = None  # owning position code, when narrower than the agency
    channel: Channel = Channel.BACK_OFFICE
    location: str | None = None  # service point or office code of a counter step
    counter: str | None = None  # counter label at that location
    sla: Duration | None = None
    on_timeout: OnTimeout = OnTimeout.REMIND
    application: str | None = None  # separate application this step belongs to (teknis fungsional)


@dataclass(frozen=True)
class Definition:
    service: str
    version: int
    variant: str
    pattern: Pattern
    title: str
    steps: tuple[Step, ...]
    intake: Intake = Intake.ONLINE
    service_point: str | None = None  # satu atap: the service point that hosts the counters
    decider: str | None = None  # satu pintu: the one unit that decides; terpusat: coordinator
    legal_basis: str = ""
    illustrative: bool = False
    deemed_granted_after: Duration | None = None  # fiktif positif once the file is complete
    example: Mapping[str, Any] = field(default_factory=dict)  # data for the static figures

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def step_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.steps)

    def successors(self, step_id: str) -> tuple[str, ...]:
        return tuple(s.id for s in self.steps if step_id in s.after)


def _violation(where: str, rule: str, template: str, **params: str) -> Violation:
    return Violation(field=where, rule=rule, template=template, params=params)


def _enum[E: StrEnum](kind: type[E], raw: Any, path: str, errors: list[Violation]) -> E | None:
    try:
        return kind(raw)
    except ValueError:
        errors.append(
            _violation(
                path,
                "definition_value",
                gettext_noop("{path}: {value} is not one of {allowed}."),
                path=path,
                value=repr(raw),
                allowed=", ".join(m.value for m in kind),
            )
        )
        return None


def _duration(raw: Any, path: str, errors: list[Violation]) -> Duration | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("amount"), int) or raw["amount"] < 0:
        errors.append(
            _violation(
                path,
                "definition_duration",
                gettext_noop("{path}: a duration needs a whole, non-negative amount and a unit."),
                path=path,
            )
        )
        return None
    unit = _enum(Unit, raw.get("unit"), f"{path}.unit", errors)
    return Duration(raw["amount"], unit) if unit else None


def _str(raw: Mapping[str, Any], key: str, path: str, errors: list[Violation]) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        errors.append(
            _violation(
                f"{path}.{key}",
                "definition_required",
                gettext_noop("{path} is required."),
                path=f"{path}.{key}",
            )
        )
        return ""
    return value


def _step(raw: Any, index: int, errors: list[Violation]) -> Step | None:
    path = f"steps[{index}]"
    if not isinstance(raw, Mapping):
        errors.append(
            _violation(
                path, "definition_shape", gettext_noop("{path} must be a mapping."), path=path
            )
        )
        return None
    step_id = _str(raw, "id", path, errors)
    kind = _enum(StepKind, raw.get("kind"), f"{path}.kind", errors)
    channel = _enum(Channel, raw.get("channel", "back_office"), f"{path}.channel", errors)
    on_timeout = _enum(OnTimeout, raw.get("on_timeout", "remind"), f"{path}.on_timeout", errors)
    authority = None
    if raw.get("authority") is not None:
        need = raw["authority"]
        if isinstance(need, Mapping):
            authority = AuthorityNeed(
                service=_str(need, "service", f"{path}.authority", errors),
                decision=_str(need, "decision", f"{path}.authority", errors),
            )
        else:
            errors.append(
                _violation(
                    f"{path}.authority",
                    "definition_shape",
                    gettext_noop("{path} must be a mapping."),
                    path=f"{path}.authority",
                )
            )
    after = raw.get("after", [])
    if isinstance(after, str):
        after = [after]
    if not isinstance(after, list) or not all(isinstance(a, str) for a in after):
        errors.append(
            _violation(
                f"{path}.after",
                "definition_shape",
                gettext_noop("{path} must be a list of step ids."),
                path=f"{path}.after",
            )
        )
        after = []
    if kind is None or channel is None or on_timeout is None:
        return None
    return Step(
        id=step_id,
        kind=kind,
        agency=_str(raw, "agency", path, errors),
        title=str(raw.get("title") or step_id),
        after=tuple(after),
        when=raw.get("when"),
        authority=authority,
        position=raw.get("position"),
        channel=channel,
        location=raw.get("location"),
        counter=raw.get("counter"),
        sla=_duration(raw.get("sla"), f"{path}.sla", errors),
        on_timeout=on_timeout,
        application=raw.get("application"),
    )


def parse_definition(raw: Mapping[str, Any]) -> Definition:
    """A definition from plain data; every shape error is reported at once, by path."""
    errors: list[Violation] = []
    if not isinstance(raw, Mapping):
        raise RuleError(
            _violation("definition", "definition_shape", gettext_noop("{path} must be a mapping."),
                       path="definition")
        )  # fmt: skip
    pattern = _enum(Pattern, raw.get("pattern"), "pattern", errors)
    intake = _enum(Intake, raw.get("intake", "online"), "intake", errors)
    version = raw.get("version", 1)
    if not isinstance(version, int) or version < 1:
        errors.append(
            _violation("version", "definition_value",
                       gettext_noop("{path}: {value} is not one of {allowed}."),
                       path="version", value=repr(version), allowed="1, 2, 3, …")
        )  # fmt: skip
    raw_steps = raw.get("steps")
    steps: list[Step] = []
    if not isinstance(raw_steps, list) or not raw_steps:
        errors.append(
            _violation("steps", "definition_required", gettext_noop("{path} is required."),
                       path="steps")
        )  # fmt: skip
    else:
        for index, item in enumerate(raw_steps):
            step = _step(item, index, errors)
            if step is not None:
                steps.append(step)
    example = raw.get("example", {})
    definition = Definition(
        service=_str(raw, "service", "definition", errors),
        version=version if isinstance(version, int) else 1,
        variant=_str(raw, "variant", "definition", errors),
        pattern=pattern or Pattern.ELEKTRONIK,
        title=str(raw.get("title") or raw.get("variant") or ""),
        steps=tuple(steps),
        intake=intake or Intake.ONLINE,
        service_point=raw.get("service_point"),
        decider=raw.get("decider"),
        legal_basis=str(raw.get("legal_basis", "")),
        illustrative=bool(raw.get("illustrative", False)),
        deemed_granted_after=_duration(
            raw.get("deemed_granted_after"), "deemed_granted_after", errors
        ),
        example=example if isinstance(example, Mapping) else {},
    )
    if errors:
        raise RuleError(*errors)
    return definition
