"""Catalogue endpoints: services, their standard, and each variant's doors and hand-offs.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from sinergi.api.auth import PUBLIC
from sinergi.catalog.bpmn import bpmn_filename, to_bpmn
from sinergi.catalog.models import ProcessDefinition, Service

router = Router(tags=["catalogue"])


class FiguresOut(Schema):
    visits: int
    counters: int
    handoffs: int
    carries: int


class VariantOut(Schema):
    variant: str
    version: int
    pattern: str
    title: str
    illustrative: bool
    figures: FiguresOut
    agencies: list[str]
    steps: list[dict[str, Any]]


class ServiceSummary(Schema):
    code: str
    kind: str
    name: str
    name_en: str
    type: str
    coordinator: str
    agencies: list[str]
    patterns: list[str]


class ServiceDetail(ServiceSummary):
    description: str
    legal_basis: list[dict[str, Any]]
    requirements: list[dict[str, Any]]
    output: list[str]
    fee_formula: str
    processing_time: dict[str, Any]
    channels: list[str]
    standard: dict[str, str]
    form: list[dict[str, Any]]
    bundles: list[str]
    variants: list[VariantOut]


def _services() -> QuerySet[Service]:
    current = ProcessDefinition.objects.filter(current=True).order_by("variant")
    return (
        Service.objects.filter(published=True)
        .select_related("coordinator")
        .prefetch_related(
            "competent_authorities", "bundles", Prefetch("definitions", queryset=current)
        )
        .order_by("code")
    )


def _summary(service: Service) -> dict[str, Any]:
    return {
        "code": service.code,
        "kind": service.kind,
        "name": service.name,
        "name_en": service.name_en,
        "type": service.type,
        "coordinator": service.coordinator.code,
        "agencies": sorted(a.code for a in service.competent_authorities.all()),
        "patterns": sorted({d.pattern for d in service.definitions.all()}),
    }


def _variant(row: ProcessDefinition) -> dict[str, Any]:
    definition = row.parsed()
    return {
        "variant": row.variant,
        "version": row.version,
        "pattern": row.pattern,
        "title": row.title,
        "illustrative": row.illustrative,
        "figures": row.figures,
        "agencies": sorted({s.agency for s in definition.steps}),
        "steps": [
            {
                "id": s.id,
                "title": s.title,
                "kind": s.kind.value,
                "agency": s.agency,
                "after": list(s.after),
                "channel": s.channel.value,
                "when": s.when,
                "sla": {"amount": s.sla.amount, "unit": s.sla.unit.value} if s.sla else None,
            }
            for s in definition.steps
        ],
    }


@router.get("/services", response=list[ServiceSummary], auth=PUBLIC)
def list_services(
    request: HttpRequest, agency: str | None = None, q: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    services = _services()
    if agency:
        services = services.filter(competent_authorities__code=agency).distinct()
    if kind:
        services = services.filter(kind=kind)
    if q:
        services = services.filter(name__icontains=q)
    return [_summary(s) for s in services]


@router.get("/services/{code}", response=ServiceDetail, auth=PUBLIC)
def get_service(request: HttpRequest, code: str) -> dict[str, Any]:
    service = get_object_or_404(_services(), code=code)
    return {
        **_summary(service),
        "description": service.description,
        "legal_basis": service.legal_basis,
        "requirements": service.requirements,
        "output": service.output,
        "fee_formula": service.fee_formula,
        "processing_time": service.processing_time,
        "channels": service.channels,
        "standard": service.standard,
        "form": service.form,
        "bundles": sorted(b.code for b in service.bundles.all()),
        "variants": [_variant(d) for d in service.definitions.all()],
    }


@router.get(
    "/services/{code}/variants/{variant}/bpmn",
    auth=PUBLIC,
    response={200: str},
    openapi_extra={"responses": {200: {"content": {"application/xml": {}}}}},
)
def get_bpmn(request: HttpRequest, code: str, variant: str) -> HttpResponse:
    """The variant as BPMN 2.0 with diagram interchange: one pool per agency, message flows
    between them; opens in bpmn.io and other BPMN tools."""
    row = get_object_or_404(
        ProcessDefinition.objects.select_related("service"),
        service__code=code,
        service__published=True,
        variant=variant,
        current=True,
    )
    definition = row.parsed()
    response = HttpResponse(to_bpmn(definition), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{bpmn_filename(definition)}"'
    return response
