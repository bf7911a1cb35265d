"""Which authority an agency's positions hold for a step: the registry side of validation."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from sinergi.catalog.definitions import AuthorityNeed
from sinergi.catalog.validation import AuthorityAnswer
from sinergi.registry.authority import ANY
from sinergi.registry.models import AuthorityGrant

_PRECEDENCE = {"atribusi": 0, "delegasi": 1, "mandat": 2}


def agency_authority(
    agency: str, need: AuthorityNeed, position: str | None, at: datetime | None = None
) -> AuthorityAnswer | None:
    """The strongest grant in force that a position of ``agency`` holds for ``need``."""
    grants = AuthorityGrant.objects.in_force_at(at or timezone.now()).filter(
        holder__agency__code=agency
    )
    if position:
        grants = grants.filter(holder__code=position)
    found: list[tuple[int, str, str]] = []
    for kind, holder, services, decisions in grants.values_list(
        "kind", "holder__code", "services", "decisions"
    ):
        if (need.service in services or ANY in services) and (
            need.decision in decisions or ANY in decisions
        ):
            found.append((_PRECEDENCE[kind], kind, holder))
    if not found:
        return None
    _, kind, holder = min(found)
    return AuthorityAnswer(kind=kind, position=holder)
