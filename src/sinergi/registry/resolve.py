"""Which authority an official would act under: the database side of ``resolve_authority``."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from sinergi.accounts.models import User
from sinergi.registry.authority import Basis, Official, Refusal, Scope, Tenure, resolve_authority
from sinergi.registry.models import Appointment, AuthorityGrant


def official_of(user: User) -> Official:
    tenures = tuple(
        Tenure(position=a.position_id, valid_from=a.valid_from, valid_to=a.valid_to)
        for a in Appointment.objects.filter(user=user).only("position_id", "valid_from", "valid_to")
    )
    return Official(id=user.pk, name=user.get_full_name() or user.get_username(), tenures=tenures)


def grants_for(official: Official) -> list[AuthorityGrant]:
    """Grants held by the official's positions, plus every grant up their chains."""
    positions = {t.position for t in official.tenures}
    grants: dict[int, AuthorityGrant] = {}
    frontier = list(
        AuthorityGrant.objects.filter(holder_id__in=positions).select_related("holder", "grantor")
    )
    while frontier:
        for grant in frontier:
            grants[grant.pk] = grant
        wanted = {g.source_id for g in frontier if g.source_id and g.source_id not in grants}
        frontier = (
            list(
                AuthorityGrant.objects.filter(Q(pk__in=wanted)).select_related("holder", "grantor")
            )
            if wanted
            else []
        )
    return list(grants.values())


def authority_of(user: User, scope: Scope, at: datetime) -> Basis | Refusal:
    official = official_of(user)
    return resolve_authority([g.to_rule() for g in grants_for(official)], official, scope, at)
