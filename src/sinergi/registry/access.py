"""The only way to read the registry's protected records (DESIGN rule 2).

Regions, agencies, service points, units and positions are public. An official's account and
an unpublished authority grant are visible only to the agencies party to them, to auditors
and to platform admins; to anyone else they do not exist (404, never 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.core.errors import NotFound
from sinergi.core.memo import memoised
from sinergi.registry.models import Appointment, AuthorityGrant

Caller = AbstractBaseUser | AnonymousUser


def _user(caller: Caller) -> User | None:
    return caller if isinstance(caller, User) and caller.is_active else None


@dataclass(frozen=True, slots=True)
class Held:
    """A position an official holds, held or will hold, with its agency."""

    position: int
    agency: int
    agency_code: str
    valid_from: datetime
    valid_to: datetime | None

    def active_at(self, at: datetime) -> bool:
        """As ``Appointment.objects.active_at``: from ``valid_from``, until before ``valid_to``."""
        return self.valid_from <= at and (self.valid_to is None or self.valid_to > at)


def appointments_of(user: User) -> tuple[Held, ...]:
    """Every appointment of ``user`` (latest first): one query per request, whatever asks."""
    return memoised(
        ("appointments", user.pk),
        lambda: tuple(
            Held(*row)
            for row in Appointment.objects.filter(user=user).values_list(
                "position_id",
                "position__agency_id",
                "position__agency__code",
                "valid_from",
                "valid_to",
            )
        ),
    )


def agency_ids_of(caller: Caller, at: datetime | None = None) -> set[int]:
    """The agencies the caller works in now (through positions held at ``at``)."""
    user = _user(caller)
    if user is None:
        return set()
    at = at or timezone.now()
    return {held.agency for held in appointments_of(user) if held.active_at(at)}


def works_in(caller: Caller, agency_code: str, at: datetime | None = None) -> bool:
    """Whether the caller holds a position in the agency ``agency_code`` at ``at``."""
    user = _user(caller)
    if user is None:
        return False
    at = at or timezone.now()
    return any(h.agency_code == agency_code and h.active_at(at) for h in appointments_of(user))


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
