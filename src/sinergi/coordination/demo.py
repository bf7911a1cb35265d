"""The coordination part of the demo, built from the manifest's ``coordination_bodies``.

Idempotent: every row is found by its natural key before it is created. Each body created
writes one audit entry, like the rest of the demo loader.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.audit.log import record
from sinergi.cases.calendar_service import platform_calendar
from sinergi.catalog.definitions import Duration, Unit
from sinergi.coordination import voting
from sinergi.coordination.models import (
    ActionItem,
    ActionUpdate,
    Body,
    CapacityActivity,
    Contribution,
    Contributor,
    Indicator,
    Meeting,
    Membership,
    Participation,
    Programme,
    Proposal,
    RelationChange,
    Secondment,
    Vote,
)
from sinergi.registry.models import Agency


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _day(text: str) -> date:
    return date.fromisoformat(text)


def load_coordination(data: dict[str, Any], users: dict[str, User]) -> None:
    agencies = {a.code: a for a in Agency.objects.all()}
    admin = users["admin"]
    for spec in data.get("coordination_bodies", []):
        body, created = Body.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "short_name": spec.get("short_name", ""),
                "kind": spec["kind"],
                "mandate": spec.get("mandate", ""),
                "legal_basis": spec.get("legal_basis", ""),
                "legal_basis_url": spec.get("legal_basis_url", ""),
                "sector": spec.get("sector", ""),
                "lead_agency": agencies[spec["lead"]],
                "coordinating_agency": agencies.get(spec.get("coordinating", "")),
                "start_date": _day(spec["start"]),
                "end_date": _date(spec.get("end")),
                "relation_type": spec["relations"][-1]["to"],
                "decision_rule": spec["decision_rule"],
                "quorum_percent": spec["quorum_percent"],
                "illustrative": spec.get("illustrative", False),
                "sources": spec.get("sources", []),
            },
        )
        _members(body, spec, agencies)
        previous = ""
        for change in spec["relations"]:
            RelationChange.objects.get_or_create(
                body=body,
                programme=None,
                to_type=change["to"],
                on=_day(change["on"]),
                defaults={"from_type": previous, "reason": change["reason"]},
            )
            previous = change["to"]
        for item in spec.get("secondments", []):
            Secondment.objects.get_or_create(
                body=body,
                official=users[item["username"]],
                agency=agencies[item["agency"]],
                defaults={
                    "function": item["function"],
                    "start_date": _day(item["start"]),
                    "end_date": _day(item["end"]),
                },
            )
        for item in spec.get("activities", []):
            activity, _ = CapacityActivity.objects.get_or_create(
                body=body,
                title=item["title"],
                defaults={
                    "kind": item["kind"],
                    "held_on": _day(item["held_on"]),
                    "run_by": body.lead_agency,
                    "place": item.get("place", ""),
                },
            )
            for code, count in item["participants"]:
                Participation.objects.get_or_create(
                    activity=activity, agency=agencies[code], defaults={"participants": count}
                )
        for programme in spec.get("programmes", []):
            _programme(body, programme, agencies)
        for meeting in spec.get("meetings", []):
            _meeting(body, meeting, agencies, users)
        if created:
            record(
                actor=admin,
                action="demo.coordination.body",
                obj=body,
                agency_code=body.lead_agency.code,
                data={"code": body.code, "members": len(spec["members"])},
            )


def _members(body: Body, spec: dict[str, Any], agencies: dict[str, Agency]) -> None:
    by_agency: dict[str, Membership] = {}
    for item in spec["members"]:
        membership, _ = Membership.objects.get_or_create(
            body=body,
            agency=agencies[item["agency"]],
            joined_on=_day(item["joined"]),
            defaults={
                "role": item["role"],
                "left_on": _date(item.get("left")),
                "continues": by_agency.get(item.get("continues", "")),
                "note": item.get("note", ""),
            },
        )
        by_agency[item["agency"]] = membership


def _programme(body: Body, spec: dict[str, Any], agencies: dict[str, Agency]) -> None:
    programme, created = Programme.objects.update_or_create(
        code=spec["code"],
        defaults={
            "body": body,
            "name": spec["name"],
            "description": spec.get("description", ""),
            "relation_type": spec["relation_type"],
            "first_year": spec["first_year"],
            "last_year": spec["last_year"],
        },
    )
    if created:
        RelationChange.objects.create(
            body=body,
            programme=programme,
            to_type=programme.relation_type,
            on=date(spec["first_year"], 1, 1),
            reason="programme started",
        )
    for item in spec["indicators"]:
        indicator, _ = Indicator.objects.update_or_create(
            programme=programme,
            code=item["code"],
            defaults={
                "name": item["name"],
                "unit": item["unit"],
                "baseline": Decimal(item["baseline"]),
                "target": Decimal(item["target"]),
                "method": item["method"],
                "cumulative": item["cumulative"],
                "source_note": item.get("source_note", ""),
            },
        )
        for contributor in item["contributors"]:
            Contributor.objects.get_or_create(
                indicator=indicator,
                agency=agencies[contributor["agency"]],
                defaults={
                    "weight": Decimal(contributor.get("weight", "1")),
                    "counts_as": contributor["counts_as"],
                },
            )
        for code, period, value, evidence in item["reports"]:
            Contribution.objects.get_or_create(
                indicator=indicator,
                agency=agencies[code],
                period=period,
                defaults={
                    "value": Decimal(value),
                    "evidence": evidence,
                    "reported_at": datetime(int(period) + 1, 1, 15, tzinfo=UTC)
                    if period.isdigit()
                    else timezone.now(),
                },
            )


def _official_of(agency: Agency, users: dict[str, User]) -> User:
    """A demo login working for ``agency`` (the admin when the demo has none)."""
    found = (
        User.objects.filter(username__in=list(users), appointments__position__agency=agency)
        .order_by("username")
        .first()
    )
    return found or users["admin"]


def _meeting(
    body: Body, spec: dict[str, Any], agencies: dict[str, Agency], users: dict[str, User]
) -> None:
    held_at = datetime.fromisoformat(spec["held_at"])
    meeting, _ = Meeting.objects.get_or_create(
        body=body,
        title=spec["title"],
        defaults={
            "held_at": held_at,
            "place": spec.get("place", ""),
            "agenda": spec["agenda"],
            "minutes": spec.get("minutes", ""),
        },
    )
    lead_user = _official_of(body.lead_agency, users)
    item = spec.get("proposal")
    if item is None:
        return
    proposal = Proposal.objects.filter(body=body, title=item["title"]).first()
    if proposal is None:
        votes = {code: voting.Choice(choice) for code, choice in item["votes"]}
        voters = {code for code, _ in item["votes"]}
        result = voting.tally(
            voting.DecisionRule(body.decision_rule), body.quorum_percent, voters, votes
        )
        proposal = Proposal.objects.create(
            body=body,
            meeting=meeting,
            title=item["title"],
            text=item["text"],
            status=result.outcome.value,
            decision_rule=body.decision_rule,
            quorum_percent=body.quorum_percent,
            opened_at=held_at,
            opened_by=lead_user,
            closed_at=held_at,
            result={
                "outcome": result.outcome.value,
                "yes": result.yes,
                "no": result.no,
                "abstain": result.abstain,
                "voters": sorted(voters),
                "quorum": result.quorum,
                "votes": {code: choice.value for code, choice in sorted(votes.items())},
            },
        )
        for code, choice in item["votes"]:
            Vote.objects.create(
                proposal=proposal,
                agency=agencies[code],
                choice=choice,
                cast_by=_official_of(agencies[code], users),
                cast_at=held_at,
            )
    calendar = platform_calendar()
    for action in spec.get("actions", []):
        if ActionItem.objects.filter(body=body, title=action["title"]).exists():
            continue
        due = calendar.deadline(held_at, Duration(action["working_days"], Unit.WORKING_DAYS))
        done = "done" in action
        item_row = ActionItem.objects.create(
            body=body,
            proposal=proposal,
            title=action["title"],
            agency=agencies[action["agency"]],
            working_days=action["working_days"],
            assigned_at=held_at,
            assigned_by=lead_user,
            due_at=due,
            status=ActionItem.Status.DONE if done else ActionItem.Status.OPEN,
            done_at=due if done else None,
        )
        if done:
            ActionUpdate.objects.create(
                item=item_row,
                status=ActionItem.Status.DONE,
                note=action["done"],
                evidence=action["done"],
                by=lead_user,
                at=due,
            )
