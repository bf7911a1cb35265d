"""The Whole-of-Government figures of a service variant: doors, hand-offs and citizen carries.

* **Doors** are (visits, counters) on the happy path. A visit is an in-person trip: counter
  steps grouped by (application, location), so in teknis fungsional every application is its own
  trip even to the same office, and in satu atap every counter at the service point is one
  visit. A counter is a counter encounter: counter steps grouped by (application, location,
  counter label). Online, automatic and back-office steps count no door.
* **Hand-offs** are moves of the case from one agency to another inside one application (the
  platform carries it); **citizen carries** are moves between agencies across separate
  applications (the citizen carries the papers). Each parallel branch counts. A move between two
  applications of the same agency is neither: no other agency receives anything.

The static figures are derived from the process graph and the case data (``definition.example``
by default), so they change when the graph does. :func:`measured_figures` measures the same
figures on one real case from the steps it completed, in order; on the happy path the two agree.

Where a step is skipped (its ``when`` is false), its successors still run, and the case moves
from the steps the skipped one waited for straight to them: the hand-off is counted from the
nearest steps that really ran (:func:`happy_path_edges`).

Pure Python: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sinergi.catalog.definitions import Channel, Definition, Step
from sinergi.catalog.expressions import evaluate
from sinergi.catalog.validation import application_of, topological_order
from sinergi.rules import RuleError, Violation, gettext_noop

__all__ = [
    "FigureEvent",
    "Figures",
    "figures",
    "happy_path",
    "happy_path_edges",
    "happy_path_events",
    "measured_figures",
]

_T_EVENT_ORDER = gettext_noop(
    "Event {index} (step {step}) follows step {previous}, which no earlier event completed."
)


@dataclass(frozen=True)
class Figures:
    visits: int
    counters: int
    handoffs: int
    carries: int

    @property
    def doors(self) -> tuple[int, int]:
        return (self.visits, self.counters)

    def as_dict(self) -> dict[str, int]:
        return {
            "visits": self.visits,
            "counters": self.counters,
            "handoffs": self.handoffs,
            "carries": self.carries,
        }


@dataclass(frozen=True)
class FigureEvent:
    """One step completed on a real case, as the figures need it, in completion order.

    ``application`` is the resolved application (:func:`~.validation.application_of`), so a
    case is measured without its definition. ``previous`` names the steps whose completion
    this one waited for and that really ran (for a skipped prerequisite, the steps it waited
    for); each must have been completed by an earlier event. A step done again (a revision)
    is a new event, and its moves count again.
    """

    step_id: str
    agency: str
    application: str | None
    channel: Channel
    location: str | None = None
    counter: str | None = None
    previous: tuple[str, ...] = ()

    @classmethod
    def of_step(cls, definition: Definition, step: Step, previous: Iterable[str]) -> FigureEvent:
        return cls(
            step_id=step.id,
            agency=step.agency,
            application=application_of(definition, step),
            channel=step.channel,
            location=step.location,
            counter=step.counter,
            previous=tuple(previous),
        )


def _runs(step: Step, data: Mapping[str, Any]) -> bool:
    return step.when is None or bool(evaluate(step.when, data))


def _data(definition: Definition, data: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return definition.example if data is None else data


def _walk(
    definition: Definition, data: Mapping[str, Any] | None
) -> tuple[tuple[Step, ...], dict[str, tuple[str, ...]]]:
    """The happy path and, for each step on it, the steps on it that it really waits for."""
    values = _data(definition, data)
    ran: list[Step] = []
    waits: dict[str, tuple[str, ...]] = {}  # step on the path -> the steps it waits for
    stand_in: dict[str, tuple[str, ...]] = {}  # any step -> the steps that ran in its place
    for step in topological_order(definition):
        nearest = tuple(dict.fromkeys(s for name in step.after for s in stand_in[name]))
        if _runs(step, values):
            ran.append(step)
            waits[step.id] = nearest
            stand_in[step.id] = (step.id,)
        else:
            stand_in[step.id] = nearest
    return tuple(ran), waits


def happy_path(definition: Definition, data: Mapping[str, Any] | None = None) -> tuple[Step, ...]:
    """The steps that run when everything is approved, in topological order.

    A step whose ``when`` is false on ``data`` (``definition.example`` by default) is skipped;
    skipped steps count as done for joins, so the steps after them still run.
    """
    return _walk(definition, data)[0]


def happy_path_edges(
    definition: Definition, data: Mapping[str, Any] | None = None
) -> tuple[tuple[Step, Step], ...]:
    """The moves of the case on the happy path: (from, to) for each step and each step on the
    path it waits for, looking through skipped steps to the ones they waited for."""
    steps, waits = _walk(definition, data)
    by_id = {s.id: s for s in steps}
    return tuple((by_id[a], step) for step in steps for a in waits[step.id])


def happy_path_events(
    definition: Definition, data: Mapping[str, Any] | None = None
) -> tuple[FigureEvent, ...]:
    """The events a case records when it runs the happy path (topological order)."""
    steps, waits = _walk(definition, data)
    return tuple(FigureEvent.of_step(definition, s, waits[s.id]) for s in steps)


_Door = tuple[str | None, str | None, str | None]  # (application, location, counter)
_Move = tuple[tuple[str, str | None], tuple[str, str | None]]  # (agency, application) twice


def _count(doors: Iterable[_Door], moves: Iterable[_Move]) -> Figures:
    """Figures from the counter steps met and the moves made between steps."""
    counters = set(doors)
    visits = {(application, location) for application, location, _ in counters}
    handoffs = carries = 0
    for (agency, application), (next_agency, next_application) in moves:
        if agency == next_agency:
            continue
        if application == next_application:
            handoffs += 1
        else:
            carries += 1
    return Figures(visits=len(visits), counters=len(counters), handoffs=handoffs, carries=carries)


def figures(definition: Definition, data: Mapping[str, Any] | None = None) -> Figures:
    """The static figures of a definition on the happy path for ``data`` (its example).

    Raises RuleError when the steps do not form a DAG or a condition is refused.
    """

    def door(step: Step) -> _Door:
        return (application_of(definition, step), step.location, step.counter)

    def end(step: Step) -> tuple[str, str | None]:
        return (step.agency, application_of(definition, step))

    return _count(
        (door(s) for s in happy_path(definition, data) if s.channel is Channel.COUNTER),
        ((end(a), end(b)) for a, b in happy_path_edges(definition, data)),
    )


def measured_figures(events: Sequence[FigureEvent]) -> Figures:
    """The figures of one case from the steps it completed, in completion order.

    Raises RuleError (``figure_event_order``) when an event follows a step that no earlier
    event completed.
    """
    latest: dict[str, FigureEvent] = {}
    moves: list[_Move] = []
    for index, event in enumerate(events):
        for name in event.previous:
            before = latest.get(name)
            if before is None:
                raise RuleError(
                    Violation(
                        field=f"events[{index}].previous",
                        rule="figure_event_order",
                        template=_T_EVENT_ORDER,
                        params={"index": str(index), "step": event.step_id, "previous": name},
                    )
                )
            moves.append(((before.agency, before.application), (event.agency, event.application)))
        latest[event.step_id] = event
    doors = [(e.application, e.location, e.counter) for e in events if e.channel == Channel.COUNTER]
    return _count(doors, moves)
