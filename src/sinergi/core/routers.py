"""Reads from PostgreSQL replicas, where a view says it can take slightly stale data.

Nothing is sent to a replica by default: a case page read just after an action must see that
action, and a replica lags. Public statistics, dashboards and reports opt in with
``@replica_reads``; inside it every read goes to one of the configured replicas, chosen per
request, and writes still go to the primary.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings

_replica: ContextVar[str | None] = ContextVar("sinergi_replica", default=None)


def replicas() -> list[str]:
    return sorted(alias for alias in settings.DATABASES if alias.startswith("replica_"))


@contextmanager
def reading_from_replica() -> Iterator[str | None]:
    """Send this block's reads to a replica (the primary when none is configured)."""
    aliases = replicas()
    chosen = random.choice(aliases) if aliases else None
    token = _replica.set(chosen)
    try:
        yield chosen
    finally:
        _replica.reset(token)


def replica_reads[**P, R](view: Callable[P, R]) -> Callable[P, R]:
    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_from_replica():
            return view(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        return _replica.get()

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # every alias holds the same data

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"
