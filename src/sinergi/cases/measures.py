"""The WoG figures measured on one real case, from the steps it completed, in order (pure)."""

from __future__ import annotations

from collections.abc import Iterable

from sinergi.catalog.definitions import Definition
from sinergi.catalog.figures import FigureEvent, Figures, measured_figures


def case_figures(definition: Definition, completed: Iterable[str]) -> Figures:
    """``completed``: step ids in completion order; a skipped prerequisite hands over from the
    steps it waited for, as the static figures count it."""
    done: set[str] = set()

    def ran_before(step_id: str) -> list[str]:
        found: list[str] = []
        for before in definition.step(step_id).after:
            for name in [before] if before in done else ran_before(before):
                if name not in found:
                    found.append(name)
        return found

    events = []
    for step_id in completed:
        events.append(
            FigureEvent.of_step(definition, definition.step(step_id), ran_before(step_id))
        )
        done.add(step_id)
    return measured_figures(events)
