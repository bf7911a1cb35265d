"""What the API and the pages show of coordination records, built in one place.

Everything here takes records already loaded through ``access.py``; nothing here decides who
may see what.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from sinergi.coordination import continuum, indicators
from sinergi.coordination.access import voter_codes
from sinergi.coordination.escalation import Level
from sinergi.coordination.models import (
    ActionItem,
    Body,
    Indicator,
    Membership,
    Participation,
    Programme,
    Proposal,
)
from sinergi.registry.lineage import current_agencies
from sinergi.registry.models import Agency
from sinergi.registry.models.agencies import lineage_nodes


def relation(value: str) -> dict[str, str]:
    kind = continuum.RelationType(value)
    return {
        "type": kind.value,
        "category": continuum.category_of(kind).value,
        "definition": gettext(continuum.DEFINITIONS[kind]),
    }


def _as_of(body: Body) -> date:
    today = timezone.localdate()
    return min(today, body.end_date) if body.end_date else today


def members(body: Body) -> list[dict[str, Any]]:
    on = _as_of(body)
    nodes = lineage_nodes()
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    for m in body.memberships.select_related("agency", "continues__agency").order_by(
        "joined_on", "agency__code"
    ):
        successors = [
            c for c in current_agencies(m.agency.code, today, nodes) if c != m.agency.code
        ]
        rows.append(
            {
                "agency": m.agency.code,
                "agency_name": str(m.agency),
                "role": m.role,
                "joined_on": m.joined_on,
                "left_on": m.left_on,
                "current": m.is_current(on),
                "continues": m.continues.agency.code if m.continues else None,
                "now_succeeded_by": successors,
                "note": m.note,
            }
        )
    return rows


def capacity(body: Body) -> dict[str, Any]:
    activities = []
    for activity in body.activities.prefetch_related("participations__agency"):
        activities.append(
            {
                "title": activity.title,
                "kind": activity.kind,
                "held_on": activity.held_on,
                "place": activity.place,
                "run_by": activity.run_by.code,
                "participants": {
                    p.agency.code: p.participants for p in activity.participations.all()
                },
            }
        )
    by_agency = dict(
        Participation.objects.filter(activity__body=body)
        .values_list("agency__code")
        .annotate(n=Sum("participants"))
        .order_by("agency__code")
    )
    return {
        "activities": activities,
        "participants_total": sum(by_agency.values()),
        "participants_by_agency": by_agency,
    }


def body_summary(body: Body) -> dict[str, Any]:
    return {
        "code": body.code,
        "name": body.name,
        "short_name": body.short_name,
        "kind": body.kind,
        "lead_agency": body.lead_agency.code,
        "relation": relation(body.relation_type),
        "start_date": body.start_date,
        "end_date": body.end_date,
        "active": body.is_active(timezone.localdate()),
    }


def body_detail(body: Body) -> dict[str, Any]:
    return {
        **body_summary(body),
        "mandate": body.mandate,
        "legal_basis": body.legal_basis,
        "legal_basis_url": body.legal_basis_url,
        "sector": body.sector,
        "coordinating_agency": body.coordinating_agency.code if body.coordinating_agency else None,
        "decision_rule": body.decision_rule,
        "quorum_percent": body.quorum_percent,
        "illustrative": body.illustrative,
        "sources": body.sources,
        "members": members(body),
        "voting_members": sorted(voter_codes(body, _as_of(body))),
        "partners": [
            {
                "name": p.name,
                "kind": p.kind,
                "contact_name": p.contact_name,
                "joined_on": p.joined_on,
            }
            for p in body.partners.all()
        ],
        "secondments": [
            {
                "official": s.official.get_full_name() or s.official.username,
                "agency": s.agency.code,
                "function": s.function,
                "start_date": s.start_date,
                "end_date": s.end_date,
            }
            for s in body.secondments.select_related("official", "agency")
        ],
        "relation_history": [
            {
                "programme": c.programme.code if c.programme else None,
                "from_type": c.from_type or None,
                "to_type": c.to_type,
                "on": c.on,
                "reason": c.reason,
            }
            for c in body.relation_history.select_related("programme")
        ],
        "capacity": capacity(body),
        "programmes": [
            {"code": p.code, "name": p.name, "relation": relation(p.relation_type)}
            for p in body.programmes.all()
        ],
        "meetings": [
            {
                "id": m.pk,
                "title": m.title,
                "held_at": m.held_at,
                "place": m.place,
                "agenda": m.agenda,
                "minutes": m.minutes,
            }
            for m in body.meetings.all()
        ],
        "proposals": [
            {"id": p.pk, "title": p.title, "status": p.status, "opened_at": p.opened_at}
            for p in body.proposals.all()
        ],
        "action_items": [action_summary(a) for a in body.action_items.select_related("agency")],
    }


def indicator_detail(indicator: Indicator) -> dict[str, Any]:
    contributors = list(indicator.contributors.select_related("agency"))
    reports = list(indicator.contributions.select_related("agency", "reported_by"))
    points = indicators.series(
        method=indicators.Method(indicator.method),
        cumulative=indicator.cumulative,
        baseline=indicator.baseline,
        target=indicator.target,
        weights={c.agency.code: c.weight for c in contributors},
        periods=indicator.programme.periods,
        reports=[indicators.Report(r.agency.code, r.period, r.value) for r in reports],
    )
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline": indicator.baseline,
        "target": indicator.target,
        "method": indicator.method,
        "cumulative": indicator.cumulative,
        "source_note": indicator.source_note,
        "periods": indicator.programme.periods,
        "contributors": [
            {"agency": c.agency.code, "weight": c.weight, "counts_as": c.counts_as}
            for c in contributors
        ],
        "series": [
            {
                "period": p.period,
                "value": p.value,
                "progress": p.progress,
                "contributions": dict(p.contributions),
                "missing": list(p.missing),
            }
            for p in points
        ],
        "reports": [
            {
                "agency": r.agency.code,
                "period": r.period,
                "value": r.value,
                "evidence": r.evidence,
                "reported_at": r.reported_at,
            }
            for r in reports
        ],
    }


def programme_detail(programme: Programme) -> dict[str, Any]:
    return {
        "code": programme.code,
        "name": programme.name,
        "body": programme.body.code,
        "description": programme.description,
        "relation": relation(programme.relation_type),
        "first_year": programme.first_year,
        "last_year": programme.last_year,
        "relation_history": [
            {"from_type": c.from_type or None, "to_type": c.to_type, "on": c.on, "reason": c.reason}
            for c in programme.relation_history.all()
        ],
        "indicators": [indicator_detail(i) for i in programme.indicators.all()],
    }


def proposal_detail(proposal: Proposal) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "body": proposal.body.code,
        "meeting": proposal.meeting_id,
        "title": proposal.title,
        "text": proposal.text,
        "status": proposal.status,
        "decision_rule": proposal.decision_rule,
        "quorum_percent": proposal.quorum_percent,
        "opened_at": proposal.opened_at,
        "closed_at": proposal.closed_at,
        "voting_members": sorted(voter_codes(proposal.body)),
        "votes": [
            {"agency": v.agency.code, "choice": v.choice, "cast_at": v.cast_at}
            for v in proposal.votes.select_related("agency")
        ],
        "result": proposal.result,
    }


def action_summary(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "title": item.title,
        "agency": item.agency.code,
        "status": item.status,
        "due_at": item.due_at,
        "escalation": item.escalation,
        "escalation_level": Level(item.escalation).name.lower(),
    }


def action_detail(item: ActionItem) -> dict[str, Any]:
    return {
        **action_summary(item),
        "body": item.body.code,
        "proposal": item.proposal_id,
        "description": item.description,
        "working_days": item.working_days,
        "assigned_at": item.assigned_at,
        "done_at": item.done_at,
        "updates": [
            {
                "status": u.status,
                "note": u.note,
                "evidence": u.evidence,
                "by": u.by.username,
                "at": u.at,
            }
            for u in item.updates.select_related("by")
        ],
        "escalations": [
            {
                "level": Level(e.level).name.lower(),
                "to_agency": e.to_agency.code,
                "at": e.at,
            }
            for e in item.escalations.select_related("to_agency")
        ],
    }


# --- The integration map --------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    sector: str
    region: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Edge:
    body: str
    body_name: str
    source: str
    target: str
    relation_type: str
    category: str


def _matches(text: str, wanted: str) -> bool:
    return wanted.casefold() in text.casefold()


def integration_map(
    bodies: list[Body], *, sector: str = "", region: str = "", size: int = 640
) -> tuple[list[Node], list[Edge]]:
    """Agencies as nodes, one edge from each body's lead to each of its members (of the
    body's last active day), typed by the relation the body operates at."""
    edges: list[Edge] = []
    agencies: dict[str, Agency] = {}
    for body in bodies:
        on = _as_of(body)
        rows: list[Membership] = [
            m
            for m in body.memberships.select_related("agency", "agency__region")
            if m.is_current(on)
        ]
        lead = body.lead_agency
        for m in rows:
            if m.agency_id == lead.pk:
                continue
            pair = (lead, m.agency)
            if sector and not any(
                _matches(text, sector) for text in (body.sector, lead.sector, m.agency.sector)
            ):
                continue
            if (
                region
                and not any((a.region_id or "").startswith(region) for a in pair)
                and not (body.region_id or "").startswith(region)
            ):
                continue
            agencies[lead.code] = lead
            agencies[m.agency.code] = m.agency
            category = continuum.category_of(continuum.RelationType(body.relation_type))
            edges.append(
                Edge(
                    body=body.code,
                    body_name=str(body),
                    source=lead.code,
                    target=m.agency.code,
                    relation_type=body.relation_type,
                    category=category.value,
                )
            )
    codes = sorted(agencies)
    radius, centre = size * 0.36, size / 2
    nodes = []
    for i, code in enumerate(codes):
        angle = 2 * math.pi * i / max(len(codes), 1) - math.pi / 2
        agency = agencies[code]
        cos, sin = math.cos(angle), math.sin(angle)
        nodes.append(
            Node(
                code=code,
                name=str(agency),
                sector=agency.sector,
                region=agency.region_id or "",
                x=round(centre + radius * cos, 1),
                y=round(centre + radius * sin, 1),
                label_x=round(centre + (radius + 16) * cos, 1),
                label_y=round(centre + (radius + 16) * sin + 4, 1),
                anchor="start" if cos > 0.2 else "end" if cos < -0.2 else "middle",
            )
        )
    return nodes, edges


def decimal_or_none(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
