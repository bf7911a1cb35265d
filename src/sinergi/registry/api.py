"""Registry endpoints: regions, agencies, service points, officials and authority grants.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from sinergi.accounts.models import User
from sinergi.api.auth import PUBLIC, SIGNED_IN, caller, signed_in
from sinergi.api.pagination import Pages
from sinergi.core.idempotency import idempotent
from sinergi.registry import access, actions
from sinergi.registry.authority import Basis, GrantKind, Scope
from sinergi.registry.codes import RegionLevel
from sinergi.registry.models import (
    Agency,
    Appointment,
    AuthorityGrant,
    Position,
    Region,
    ServiceCounter,
    ServicePoint,
)
from sinergi.registry.resolve import authority_of
from sinergi.registry.schemas import (
    AgencyDetail,
    AgencyOut,
    BasisOut,
    GrantIn,
    GrantOut,
    OfficialOut,
    RegionOut,
    RevokeIn,
    ServicePointOut,
)
from sinergi.rules import RuleError, Violation, gettext_noop

router = Router(tags=["registry"])


# --- Regions ---------------------------------------------------------------------------------
class RegionFilter(Schema):
    level: RegionLevel | None = None
    parent: str | None = None
    q: str | None = None
    include_retired: bool = False


def _region(r: Region) -> dict[str, Any]:
    return {
        "code": r.code,
        "name": r.name,
        "level": r.level,
        "kind": r.kind,
        "parent": r.parent_id,
        "bps_code": r.bps_code,
        "current": r.current,
        "lists": r.lists,
        "decree": r.source_list.decree,
    }


@router.get("/regions", response=list[RegionOut], auth=PUBLIC)
@paginate(Pages)
def list_regions(request: HttpRequest, filters: Query[RegionFilter]) -> list[dict[str, Any]]:
    regions = Region.objects.select_related("source_list").order_by("code")
    if not filters.include_retired:
        regions = regions.filter(current=True)
    if filters.level:
        regions = regions.filter(level=filters.level.value)
    if filters.parent:
        regions = regions.filter(parent_id=filters.parent)
    if filters.q:
        regions = regions.filter(name__icontains=filters.q)
    return _LazyMap(regions, _region)  # type: ignore[return-value]


@router.get("/regions/{code}", response=RegionOut, auth=PUBLIC)
def get_region(request: HttpRequest, code: str) -> dict[str, Any]:
    return _region(get_object_or_404(Region.objects.select_related("source_list"), code=code))


class _LazyMap:
    """A queryset mapped through a function, still sliceable and countable for pagination."""

    def __init__(self, queryset: QuerySet[Any], fn: Any) -> None:
        self.queryset = queryset
        self.fn = fn

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[Any]:
        return [self.fn(obj) for obj in self.queryset[item]]


# --- Agencies --------------------------------------------------------------------------------
class AgencyFilter(Schema):
    level: str | None = None
    kind: str | None = None
    sector: str | None = None
    region: str | None = None
    live_on: datetime | None = None


def _agency_ref(a: Agency) -> dict[str, str]:
    return {"code": a.code, "name": a.name, "short_name": a.short_name}


def _agency(a: Agency) -> dict[str, Any]:
    return {
        "code": a.code,
        "name": a.name,
        "short_name": a.short_name,
        "kind": a.kind,
        "level": a.level,
        "region": a.region_id,
        "parent": a.parent.code if a.parent else None,
        "sector": a.sector,
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
        "succession": a.succession or None,
    }


@router.get("/agencies", response=list[AgencyOut], auth=PUBLIC)
@paginate(Pages)
def list_agencies(request: HttpRequest, filters: Query[AgencyFilter]) -> list[dict[str, Any]]:
    agencies = Agency.objects.select_related("parent").order_by("code")
    if filters.level:
        agencies = agencies.filter(level=filters.level)
    if filters.kind:
        agencies = agencies.filter(kind=filters.kind)
    if filters.sector:
        agencies = agencies.filter(sector__icontains=filters.sector)
    if filters.region:
        agencies = agencies.filter(region__code__startswith=filters.region)
    if filters.live_on:
        day = filters.live_on.date()
        agencies = agencies.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day)
        )
    return _LazyMap(agencies, _agency)  # type: ignore[return-value]


@router.get("/agencies/{code}", response=AgencyDetail, auth=PUBLIC)
def get_agency(request: HttpRequest, code: str) -> dict[str, Any]:
    agency = get_object_or_404(Agency.objects.select_related("parent"), code=code)
    today = timezone.localdate()
    return {
        **_agency(agency),
        "successors": [_agency_ref(s) for s in agency.successors.order_by("code")],
        "predecessors": [_agency_ref(p) for p in agency.predecessors.order_by("code")],
        "live": agency.is_live(today),
        "current_bodies": [_agency_ref(a) for a in agency.current_successors(today)],
    }


# --- Service points --------------------------------------------------------------------------
def _service_point(p: ServicePoint) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "kind": p.kind,
        "region": p.region_id,
        "address": p.address,
        "operator": _agency_ref(p.operator),
        "counters": [{"label": c.label, "agency": _agency_ref(c.agency)} for c in p.counters.all()],
    }


def _service_points() -> QuerySet[ServicePoint]:
    counters = ServiceCounter.objects.select_related("agency").order_by("label")
    return ServicePoint.objects.select_related("operator").prefetch_related(
        Prefetch("counters", queryset=counters)
    )


@router.get("/service-points", response=list[ServicePointOut], auth=PUBLIC)
def list_service_points(request: HttpRequest, region: str | None = None) -> list[dict[str, Any]]:
    points = _service_points().order_by("code")
    if region:
        points = points.filter(region__code__startswith=region)
    return [_service_point(p) for p in points]


@router.get("/service-points/{code}", response=ServicePointOut, auth=PUBLIC)
def get_service_point(request: HttpRequest, code: str) -> dict[str, Any]:
    return _service_point(get_object_or_404(_service_points(), code=code))


# --- Officials -------------------------------------------------------------------------------
def _position(p: Position) -> dict[str, Any]:
    return {
        "code": p.code,
        "title": p.title,
        "agency": p.agency.code,
        "unit": p.unit.name if p.unit else None,
        "is_head": p.is_head,
    }


def _official(user: User) -> dict[str, Any]:
    appointments = Appointment.objects.filter(user=user).select_related(
        "position__agency", "position__unit"
    )
    return {
        "username": user.username,
        "full_name": user.get_full_name(),
        "role": user.role,
        "appointments": [
            {
                "position": _position(a.position),
                "kind": a.kind,
                "valid_from": a.valid_from,
                "valid_to": a.valid_to,
            }
            for a in appointments
        ],
    }


@router.get("/officials", response=list[OfficialOut], auth=SIGNED_IN)
@paginate(Pages)
def list_officials(request: HttpRequest) -> list[dict[str, Any]]:
    officials = access.visible_officials(signed_in(request)).order_by("username")
    return _LazyMap(officials, _official)  # type: ignore[return-value]


@router.get("/officials/{username}", response=OfficialOut, auth=SIGNED_IN)
def get_official(request: HttpRequest, username: str) -> dict[str, Any]:
    return _official(access.access_official(signed_in(request), username))


class AuthorityQuery(Schema):
    service: str
    decision: str
    at: datetime | None = None


@router.get("/officials/{username}/authority", response=BasisOut, auth=SIGNED_IN)
def official_authority(
    request: HttpRequest, username: str, query: Query[AuthorityQuery]
) -> dict[str, Any]:
    """Under which authority this official could decide ``decision`` on ``service``, or why not."""
    official = access.access_official(signed_in(request), username)
    try:
        scope = Scope(service=query.service, decision=query.decision)
    except ValueError:
        raise RuleError(
            Violation(
                field="service",
                rule="scope_wildcard",
                template=gettext_noop("Ask about one service and one decision, not a wildcard."),
            )
        ) from None
    result = authority_of(official, scope, query.at or timezone.now())
    if isinstance(result, Basis):
        codes = dict(
            Position.objects.filter(
                pk__in=[result.acting_position, result.accountable_position]
            ).values_list("pk", "code")
        )
        return {
            "allowed": True,
            "kind": result.kind.value,
            "chain": list(result.chain),
            "acting_position": codes.get(result.acting_position),
            "accountable_position": codes.get(result.accountable_position),
            "on_behalf_of": result.on_behalf_of,
            "signature": result.signature,
            "legal_bases": [
                {"regulation": b.regulation, "article": b.article, "url": b.url}
                for b in result.legal_bases
            ],
        }
    return {
        "allowed": False,
        "rule": result.rule,
        "article": result.article,
        "message": result.translated(gettext),
    }


# --- Authority grants ------------------------------------------------------------------------
def _grant(g: AuthorityGrant) -> dict[str, Any]:
    return {
        "id": g.pk,
        "kind": g.kind,
        "holder": _position(g.holder),
        "grantor": _position(g.grantor) if g.grantor else None,
        "source": g.source_id,
        "services": g.services,
        "decisions": g.decisions,
        "legal_basis": {"regulation": g.regulation, "article": g.article, "url": g.url},
        "valid_from": g.valid_from,
        "valid_to": g.valid_to,
        "allows_onward_delegation": g.allows_onward_delegation,
        "published": g.is_published,
        "revoked_at": g.revoked_at,
        "revoked_reason": g.revoked_reason,
    }


def _grants(caller: Any) -> QuerySet[AuthorityGrant]:
    return access.visible_grants(caller).select_related(
        "holder__agency", "holder__unit", "grantor__agency", "grantor__unit"
    )


@router.get("/grants", response=list[GrantOut], auth=PUBLIC)
@paginate(Pages)
def list_grants(
    request: HttpRequest, agency: str | None = None, position: str | None = None
) -> list[dict[str, Any]]:
    grants = _grants(caller(request)).order_by("id")
    if agency:
        grants = grants.filter(Q(holder__agency__code=agency) | Q(grantor__agency__code=agency))
    if position:
        grants = grants.filter(holder__code=position)
    return _LazyMap(grants, _grant)  # type: ignore[return-value]


@router.get("/grants/{grant_id}", response=GrantOut, auth=PUBLIC)
def get_grant(request: HttpRequest, grant_id: int) -> dict[str, Any]:
    return _grant(access.access_grant(caller(request), grant_id))


def _position_by_code(code: str | None, field: str) -> Position | None:
    if code is None:
        return None
    position = Position.objects.select_related("agency").filter(code=code).first()
    if position is None:
        raise RuleError(
            Violation(
                field=field,
                rule="unknown_position",
                template=gettext_noop("Unknown position {code}."),
                params={"code": code},
            )
        )
    return position


@router.post("/grants", response={201: GrantOut}, auth=SIGNED_IN)
@idempotent
def create_grant(request: HttpRequest, payload: GrantIn) -> Status[dict[str, Any]]:
    try:
        kind = GrantKind(payload.kind)
    except ValueError:
        raise RuleError(
            Violation(
                field="kind",
                rule="unknown_kind",
                template=gettext_noop("The kind must be atribusi, delegasi or mandat."),
            )
        ) from None
    holder = _position_by_code(payload.holder, "holder")
    assert holder is not None
    source = None
    if payload.source is not None:
        source = access.visible_grants(signed_in(request)).filter(pk=payload.source).first()
        if source is None:
            raise RuleError(
                Violation(
                    field="source",
                    rule="source_required",
                    template=gettext_noop("Unknown source grant {id}."),
                    params={"id": str(payload.source)},
                )
            )
    grant = actions.create_grant(
        acting_user=signed_in(request),
        kind=kind,
        holder=holder,
        grantor=_position_by_code(payload.grantor, "grantor"),
        source=source,
        services=payload.services,
        decisions=payload.decisions,
        regulation=payload.regulation,
        article=payload.article,
        url=payload.url,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        allows_onward_delegation=payload.allows_onward_delegation,
        publish=payload.publish,
    )
    return Status(201, _grant(_grants(signed_in(request)).get(pk=grant.pk)))


@router.post("/grants/{grant_id}/revoke", response=GrantOut, auth=SIGNED_IN)
@idempotent
def revoke_grant(request: HttpRequest, grant_id: int, payload: RevokeIn) -> dict[str, Any]:
    grant = access.access_grant(signed_in(request), grant_id)
    actions.revoke_grant(acting_user=signed_in(request), grant=grant, reason=payload.reason)
    return _grant(_grants(signed_in(request)).get(pk=grant_id))


@router.post("/grants/{grant_id}/publish", response=GrantOut, auth=SIGNED_IN)
@idempotent
def publish_grant(request: HttpRequest, grant_id: int) -> dict[str, Any]:
    grant = access.access_grant(signed_in(request), grant_id)
    actions.publish_grant(acting_user=signed_in(request), grant=grant)
    return _grant(_grants(signed_in(request)).get(pk=grant_id))
