"""Periodic jobs run by ``sinergi worker`` (the SLA sweep and others register here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

F = TypeVar("F", bound=Callable[[], object])


@dataclass
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[], object]
    last_run: datetime | None = field(default=None)

    def due(self, now: datetime) -> bool:
        return self.last_run is None or now - self.last_run >= self.every


JOBS: list[PeriodicJob] = []


def register(name: str, every: timedelta) -> Callable[[F], F]:
    def decorator(func: F) -> F:
        JOBS.append(PeriodicJob(name=name, every=every, run=func))
        return func

    return decorator
