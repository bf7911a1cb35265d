"""Which authority an official would act under: the database side of ``resolve_authority``."""

from __future__ import annotations

from datetime import datetime

from django.db.models.expressions import RawSQL

from sinergi.accounts.models import User
from sinergi.registry.access import appointments_of
from sinergi.registry.authority import (
    Basis,
    Grant,
    Official,
    Refusal,
    Scope,
    Tenure,
    resolve_authority,
)
from sinergi.registry.models import AuthorityGrant
from sinergi.registry.models.grants import RULE_COLUMNS, rule_from_row


def official_of(user: User) -> Official:
    tenures = tuple(
        Tenure(position=held.position, valid_from=held.valid_from, valid_to=held.valid_to)
        for held in appointments_of(user)
    )
    return Official(id=user.pk, name=user.get_full_name() or user.get_username(), tenures=tenures)


#: The grants held by some positions and every grant up their chains (``source``), in one
#: recursive query (SQLite and PostgreSQL); UNION, not UNION ALL, so a cycle ends.
_CHAIN = """
    WITH RECURSIVE chain(id) AS (
        SELECT id FROM registry_authoritygrant WHERE holder_id IN ({holders})
        UNION
        SELECT g.source_id FROM registry_authoritygrant g JOIN chain ON g.id = chain.id
        WHERE g.source_id IS NOT NULL
    )
    SELECT id FROM chain
"""


def grant_rules_for(official: Official) -> list[Grant]:
    """Grants held by the official's positions, plus every grant up their chains, as rules."""
    holders = sorted({t.position for t in official.tenures})
    if not holders:
        return []
    marks = ", ".join(["%s"] * len(holders))  # placeholders only: the ids are parameters
    chain = RawSQL(_CHAIN.format(holders=marks), holders)  # noqa: S611
    rows = AuthorityGrant.objects.filter(pk__in=chain).order_by().values_list(*RULE_COLUMNS)
    return [rule_from_row(row) for row in rows]


def authority_of(user: User, scope: Scope, at: datetime) -> Basis | Refusal:
    official = official_of(user)
    return resolve_authority(grant_rules_for(official), official, scope, at)
