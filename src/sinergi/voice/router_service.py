"""The platform's router: built from the registry, the catalogue and the coordinators'
earlier decisions, rebuilt when any of them changed."""

from __future__ import annotations

import threading

from django.db.models import Count, Max
from django.utils import timezone

from sinergi.catalog.models import ProcessDefinition
from sinergi.registry.models import Agency
from sinergi.voice.models import Disposition
from sinergi.voice.routing import AgencyInfo, Decision, Router, load_mandates_csv

_lock = threading.Lock()
_cached: tuple[tuple[object, ...], Router] | None = None

#: How many of the latest earlier decisions the router learns from.
DECISIONS = 5000


def _stamp() -> tuple[object, ...]:
    agencies = Agency.objects.aggregate(n=Count("id"), last=Max("id"))
    dispositions = Disposition.objects.aggregate(n=Count("id"), last=Max("declined_at"))
    definitions = ProcessDefinition.objects.filter(current=True).aggregate(
        n=Count("id"), last=Max("id")
    )
    return (
        tuple(agencies.values()),
        tuple(dispositions.values()),
        tuple(definitions.values()),
        timezone.localdate(),
    )


def _agencies() -> list[AgencyInfo]:
    today = timezone.localdate()
    return [
        AgencyInfo(
            code=a.code,
            name=a.name,
            short_name=a.short_name,
            level=a.level,
            region_code=a.region_id or "",
            sector=a.sector,
        )
        for a in Agency.objects.all()
        if a.is_live(today)
    ]


def _services() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for definition in ProcessDefinition.objects.filter(current=True).select_related("service"):
        for step in definition.parsed().steps:
            out.append((step.agency, f"{definition.service.name} {step.title}"))
    return out


def _decisions() -> list[Decision]:
    """Complaints an agency accepted (a disposition it did not decline)."""
    rows = (
        Disposition.objects.filter(declined_at=None)
        .select_related("agency", "complaint")
        .order_by("-id")[:DECISIONS]
    )
    return [Decision(d.complaint.text, d.complaint.region_id, d.agency.code) for d in rows]


def platform_router() -> Router:
    global _cached
    stamp = _stamp()
    cached = _cached
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        router = Router(
            agencies=_agencies(),
            mandates=load_mandates_csv(),
            services=_services(),
            decisions=_decisions(),
        )
        _cached = (stamp, router)
    return router
