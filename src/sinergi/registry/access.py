"""The only way to read the registry's protected records (DESIGN rule 2).

Regions, agencies, service points, units and positions are public. An official's account and
an unpublished authority grant are visible only to the agencies party to them, to auditors
and to platform admins; to anyone else they do not exist (404, never 403).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.core.errors import NotFound
from sinergi.registry.models import Appointment, AuthorityGrant

Caller = AbstractBaseUser | AnonymousUser


def _user(caller: Caller) -> User | None:
    return caller if isinstance(caller, User) and caller.is_active else None


def agency_ids_of(caller: Caller, at: datetime | None = None) -> set[int]:
    """The agencies the caller works in now (through positions held at ``at``)."""
    user = _user(caller)
    if user is None:
        return set()
    at = at or timezone.now()
    return set(
        Appointment.objects.active_at(at)
        .filter(user=user)
        .values_list("position__agency_id", flat=True)
    )


def works_in(caller: Caller, agency_code: str, at: datetime | None = None) -> bool:
    """Whether the caller holds a position in the agency ``agency_code`` now: one query, where
    ``agency_ids_of`` and a lookup of the agency's id took two."""
    user = _user(caller)
    if user is None:
        return False
    at = at or timezone.now()
    return (
        Appointment.objects.active_at(at)
        .filter(user=user, position__agency__code=agency_code)
        .exists()
    )


def visible_officials(caller: Caller) -> QuerySet[User]:
    user = _user(caller)
    officials = User.objects.filter(appointments__isnull=False).distinct()
    if user is None:
        return officials.none()
    if user.sees_everything:
        return officials
    agencies = agency_ids_of(user)
    if not agencies:
        return officials.none()
    return officials.filter(appointments__position__agency_id__in=agencies)


def access_official(caller: Caller, username: str) -> User:
    official = visible_officials(caller).filter(username=username).first()
    if official is None:
        raise NotFound(username)
    return official


def visible_grants(caller: Caller) -> QuerySet[AuthorityGrant]:
    grants = AuthorityGrant.objects.select_related("holder__agency", "grantor__agency", "source")
    user = _user(caller)
    if user is not None and user.sees_everything:
        return grants
    party = Q(published_at__isnull=False)
    agencies = agency_ids_of(caller)
    if agencies:
        party |= Q(holder__agency_id__in=agencies) | Q(grantor__agency_id__in=agencies)
    return grants.filter(party)


def access_grant(caller: Caller, grant_id: int) -> AuthorityGrant:
    grant = visible_grants(caller).filter(pk=grant_id).first()
    if grant is None:
        raise NotFound(grant_id)
    return grant
