"""Builds the demo from the manifest. Idempotent: running it again changes nothing."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from sinergi.accounts.models import User
from sinergi.accounts.roles import Role
from sinergi.audit.log import record
from sinergi.catalog.loaders import load_services
from sinergi.citizens.models import Citizen
from sinergi.citizens.validation import check_nik
from sinergi.coordination.demo import load_coordination
from sinergi.demo.manifest import manifest
from sinergi.registry.authority import GrantKind
from sinergi.registry.loaders import load_agencies, load_regions
from sinergi.registry.models import (
    Agency,
    Appointment,
    AuthorityGrant,
    Position,
    ServiceCounter,
    ServicePoint,
    ServicePointStaff,
    Unit,
)
from sinergi.rules import RuleError

JAKARTA = ZoneInfo("Asia/Jakarta")
DEMO_START = datetime(2025, 1, 2, tzinfo=JAKARTA)


def _day(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.min, JAKARTA)


def _at(day: str | None) -> datetime | None:
    return datetime.combine(date.fromisoformat(day), time.min, JAKARTA) if day else None


def _users(data: dict[str, Any], password: str) -> dict[str, User]:
    users: dict[str, User] = {}
    for login in data["logins"]:
        first, _, last = login["name"].rpartition(" ")
        user, created = User.objects.get_or_create(
            username=login["username"],
            defaults={
                "first_name": first or login["name"],
                "last_name": last if first else "",
                "role": login["role"],
            },
        )
        if created:
            user.set_password(password)
            if login["role"] == Role.PLATFORM_ADMIN:
                user.is_staff = user.is_superuser = True
            user.save()
        users[user.username] = user
    return users


def _positions(data: dict[str, Any]) -> dict[str, Position]:
    agencies = {a.code: a for a in Agency.objects.all()}
    positions: dict[str, Position] = {}
    for spec in data["positions"]:
        agency = agencies[spec["agency"]]
        unit = None
        if "unit" in spec:
            unit, _ = Unit.objects.get_or_create(
                agency=agency, code=spec["unit"][0], defaults={"name": spec["unit"][1]}
            )
        position, _ = Position.objects.update_or_create(
            code=spec["code"],
            defaults={
                "agency": agency,
                "unit": unit,
                "title": spec["title"],
                "is_head": spec.get("is_head", False),
                "superior": positions.get(spec.get("superior", "")),
            },
        )
        positions[position.code] = position
    return positions


def _grants(data: dict[str, Any], positions: dict[str, Position], admin: User) -> None:
    by_handle: dict[str, AuthorityGrant] = {}
    for spec in data["grants"]:
        holder = positions[spec["holder"]]
        source = by_handle.get(spec.get("source", ""))
        existing = AuthorityGrant.objects.filter(
            holder=holder, regulation=spec["regulation"], kind=spec["kind"]
        ).first()
        if existing is not None:
            by_handle[spec["id"]] = existing
            continue
        kind = GrantKind(spec["kind"])
        grant = AuthorityGrant(
            kind=kind.value,
            holder=holder,
            grantor=positions.get(spec.get("grantor", "")),
            source=source,
            services=spec["services"],
            decisions=spec["decisions"],
            regulation=spec["regulation"],
            article=spec.get("article", ""),
            url=spec.get("url", ""),
            valid_from=_day(spec["valid_from"]),
            valid_to=_at(spec.get("valid_to")),
            allows_onward_delegation=kind is GrantKind.ATRIBUSI
            and bool(settings.SINERGI["ATTRIBUTION_DELEGABLE_BY_DEFAULT"]),
            published_at=_at(spec["valid_from"]) if spec.get("published") else None,
            created_by=admin,
        )
        refusals = grant.refusals()
        if refusals:
            raise RuleError(*refusals)
        grant.save()
        record(actor=admin, action="demo.grant.create", obj=grant, agency_code=holder.agency.code)
        by_handle[spec["id"]] = grant


def _service_points(data: dict[str, Any], users: dict[str, User]) -> None:
    agencies = {a.code: a for a in Agency.objects.all()}
    for spec in data["service_points"]:
        point, _ = ServicePoint.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                "region_id": spec["region"],
                "operator": agencies[spec["operator"]],
                "address": spec["address"],
            },
        )
        for label, agency in spec["counters"]:
            ServiceCounter.objects.update_or_create(
                service_point=point, label=label, defaults={"agency": agencies[agency]}
            )
    for login in data["logins"]:
        if "service_point" in login:
            ServicePointStaff.objects.get_or_create(
                user=users[login["username"]],
                service_point=ServicePoint.objects.get(code=login["service_point"]),
                defaults={"valid_from": DEMO_START},
            )


def _appointments(
    data: dict[str, Any], users: dict[str, User], positions: dict[str, Position]
) -> None:
    for login in data["logins"]:
        if "position" in login:
            Appointment.objects.get_or_create(
                user=users[login["username"]],
                position=positions[login["position"]],
                defaults={"valid_from": DEMO_START},
            )


def _citizens(data: dict[str, Any], users: dict[str, User]) -> None:
    for spec in data["citizens"]:
        info = check_nik(spec["nik"])
        Citizen.objects.get_or_create(
            nik=spec["nik"],
            defaults={
                "user": users.get(spec.get("username", "")),
                "full_name": spec["full_name"],
                "birth_date": info.birth_date,
                "sex": info.sex,
                "domicile_id": spec.get("domicile"),
                "address": spec.get("address", ""),
                "email": spec.get("email", ""),
            },
        )


def load_demo(*, progress: bool = True) -> None:
    """Reference data first (regions, agencies), then the demo's people and authority."""
    load_regions(progress=progress)
    load_agencies()
    data = manifest()
    password = str(settings.SINERGI["DEMO_PASSWORD"])
    with transaction.atomic():
        users = _users(data, password)
        positions = _positions(data)
        _appointments(data, users, positions)
        _service_points(data, users)
        _grants(data, positions, users["admin"])
        _citizens(data, users)
        load_services()
        load_coordination(data, users)
