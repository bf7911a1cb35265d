"""Changes to bodies, their members, partners, secondments and relation type, capacity
building, indicator contributions and readiness assessments. Each is atomic and writes its
audit entry (last) in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.accounts.roles import Role
from sinergi.audit.log import record
from sinergi.coordination import bodies as rules
from sinergi.coordination import continuum, readiness
from sinergi.coordination.access import caller_agency_codes, member_codes
from sinergi.coordination.actions.common import agency_by_code, refuse, require_active, require_lead
from sinergi.coordination.indicators import check_report
from sinergi.coordination.models import (
    Body,
    CapacityActivity,
    Contribution,
    Indicator,
    Membership,
    Participation,
    Partner,
    Programme,
    ReadinessAssessment,
    RelationChange,
    Secondment,
)
from sinergi.core.errors import Forbidden
from sinergi.registry.access import agency_ids_of
from sinergi.rules import gettext_noop


@dataclass(frozen=True)
class BodyData:
    code: str
    name: str
    kind: rules.BodyKind
    lead_agency: str
    start_date: date
    relation_type: continuum.RelationType
    short_name: str = ""
    mandate: str = ""
    legal_basis: str = ""
    legal_basis_url: str = ""
    sector: str = ""
    coordinating_agency: str | None = None
    end_date: date | None = None
    decision_rule: str = "consensus"
    quorum_percent: int = 50


def create_body(*, acting_user: User, data: BodyData) -> Body:
    """A coordinator or agency head creates a body that their own agency leads."""
    rules.check_body(
        kind=data.kind,
        name=data.name,
        mandate=data.mandate,
        legal_basis=data.legal_basis,
        start=data.start_date,
        end=data.end_date,
    )
    from sinergi.coordination.voting import check_quorum_percent

    check_quorum_percent(data.quorum_percent)
    lead = agency_by_code(data.lead_agency, "lead_agency")
    if acting_user.role not in {Role.COORDINATOR, Role.AGENCY_HEAD} or lead.pk not in agency_ids_of(
        acting_user
    ):
        raise Forbidden("A body is created by a coordinator or head of its lead agency.")
    coordinating = (
        agency_by_code(data.coordinating_agency, "coordinating_agency")
        if data.coordinating_agency
        else None
    )
    if Body.objects.filter(code=data.code).exists():
        raise refuse(
            "code", "code_taken", gettext_noop("The code {code} is taken."), code=data.code
        )
    with transaction.atomic():
        body = Body.objects.create(
            code=data.code,
            name=data.name,
            short_name=data.short_name,
            kind=data.kind.value,
            mandate=data.mandate,
            legal_basis=data.legal_basis,
            legal_basis_url=data.legal_basis_url,
            sector=data.sector,
            lead_agency=lead,
            coordinating_agency=coordinating,
            start_date=data.start_date,
            end_date=data.end_date,
            relation_type=data.relation_type.value,
            decision_rule=data.decision_rule,
            quorum_percent=data.quorum_percent,
        )
        Membership.objects.create(
            body=body, agency=lead, role=rules.MemberRole.LEAD, joined_on=data.start_date
        )
        RelationChange.objects.create(
            body=body,
            to_type=body.relation_type,
            on=data.start_date,
            reason="established",
            by=acting_user,
        )
        record(
            actor=acting_user,
            action="coordination.body.create",
            obj=body,
            agency_code=lead.code,
            data={"code": body.code, "kind": body.kind, "end_date": str(body.end_date or "")},
        )
    return body


def add_member(
    *,
    acting_user: User,
    body: Body,
    agency_code: str,
    role: rules.MemberRole,
    joined_on: date,
    continues: Membership | None = None,
) -> Membership:
    require_lead(acting_user, body)
    agency = agency_by_code(agency_code)
    if agency_code in member_codes(body, joined_on):
        raise refuse(
            "agency",
            "already_a_member",
            gettext_noop("{agency} is already a member of this body."),
            agency=agency_code,
        )
    with transaction.atomic():
        membership = Membership.objects.create(
            body=body, agency=agency, role=role.value, joined_on=joined_on, continues=continues
        )
        record(
            actor=acting_user,
            action="coordination.member.add",
            obj=membership,
            agency_code=body.lead_agency.code,
            data={"body": body.code, "agency": agency_code, "role": role.value},
        )
    return membership


def add_partner(
    *,
    acting_user: User,
    body: Body,
    name: str,
    kind: rules.PartnerKind,
    contact_name: str,
    contact_email: str = "",
    joined_on: date,
) -> Partner:
    require_lead(acting_user, body)
    if not name.strip() or not contact_name.strip():
        raise refuse(
            "contact_name",
            "partner_needs_contact",
            gettext_noop("A partner is registered with its name and a contact."),
        )
    with transaction.atomic():
        partner = Partner.objects.create(
            body=body,
            name=name.strip(),
            kind=kind.value,
            contact_name=contact_name.strip(),
            contact_email=contact_email,
            joined_on=joined_on,
        )
        record(
            actor=acting_user,
            action="coordination.partner.add",
            obj=partner,
            agency_code=body.lead_agency.code,
            data={"body": body.code, "name": partner.name, "kind": partner.kind},
        )
    return partner


def second_official(
    *,
    acting_user: User,
    body: Body,
    official: User,
    agency_code: str,
    function: str,
    start: date,
    end: date,
) -> Secondment:
    """The lead records an official of a member agency seconded to the body for a period."""
    require_lead(acting_user, body)
    rules.check_in_body(agency_code, member_codes(body, start))
    if agency_by_code(agency_code).pk not in agency_ids_of(official):
        raise refuse(
            "official",
            "official_not_of_agency",
            gettext_noop("{official} does not work for {agency}."),
            official=official.username,
            agency=agency_code,
        )
    if end < start:
        raise refuse(
            "end_date", "end_before_start", gettext_noop("The end must come after the start.")
        )
    with transaction.atomic():
        secondment = Secondment.objects.create(
            body=body,
            official=official,
            agency=agency_by_code(agency_code),
            function=function,
            start_date=start,
            end_date=end,
        )
        record(
            actor=acting_user,
            action="coordination.secondment.add",
            obj=secondment,
            agency_code=agency_code,
            data={"body": body.code, "official": official.username},
        )
    return secondment


def move_relation(
    *,
    acting_user: User,
    body: Body,
    relation_type: continuum.RelationType,
    reason: str,
    on: date,
    programme: Programme | None = None,
) -> RelationChange:
    require_lead(acting_user, body)
    target: Body | Programme = programme or body
    old = continuum.RelationType(target.relation_type)
    moved = continuum.check_move(old, relation_type, reason)
    with transaction.atomic():
        change = RelationChange.objects.create(
            body=body,
            programme=programme,
            from_type=old.value,
            to_type=relation_type.value,
            on=on,
            reason=reason.strip(),
            by=acting_user,
        )
        target.relation_type = relation_type.value
        target.save(update_fields=["relation_type"])
        record(
            actor=acting_user,
            action="coordination.relation.move",
            obj=change,
            agency_code=body.lead_agency.code,
            data={
                "body": body.code,
                "programme": programme.code if programme else "",
                "from": old.value,
                "to": relation_type.value,
                "direction": moved.value,
            },
        )
    return change


def record_activity(
    *,
    acting_user: User,
    body: Body,
    title: str,
    kind: str,
    held_on: date,
    participants: Mapping[str, int],
    place: str = "",
) -> CapacityActivity:
    """Capacity building the lead runs for members: participants per member agency."""
    require_lead(acting_user, body)
    members = member_codes(body, held_on)
    for code, count in participants.items():
        rules.check_in_body(code, members, field=f"participants.{code}")
        if count < 1:
            raise refuse(
                f"participants.{code}",
                "participants_positive",
                gettext_noop("Count at least one participant."),
            )
    if not title.strip():
        raise refuse("title", "title_required", gettext_noop("Give the activity a title."))
    if kind not in CapacityActivity.Kind.values:
        raise refuse(
            "kind", "unknown_activity_kind",
            gettext_noop("The kind is training, workshop or other."),
        )  # fmt: skip
    with transaction.atomic():
        activity = CapacityActivity.objects.create(
            body=body,
            title=title.strip(),
            kind=kind,
            held_on=held_on,
            run_by=body.lead_agency,
            place=place,
        )
        for code, count in participants.items():
            Participation.objects.create(
                activity=activity, agency=agency_by_code(code), participants=count
            )
        record(
            actor=acting_user,
            action="coordination.activity.record",
            obj=activity,
            agency_code=body.lead_agency.code,
            data={"body": body.code, "participants": dict(participants)},
        )
    return activity


def report_contribution(
    *,
    acting_user: User,
    indicator: Indicator,
    agency_code: str,
    period: str,
    value: Decimal,
    evidence: str,
) -> Contribution:
    """An agency reports its own contribution for a period (a later report of the same period
    replaces its earlier one); no agency can write another's."""
    check_report(
        agency=agency_code,
        caller_agencies=caller_agency_codes(acting_user),
        contributors=indicator.contributors.values_list("agency__code", flat=True),
        period=period,
        periods=indicator.programme.periods,
        value=value,
    )
    if not evidence.strip():
        raise refuse(
            "evidence",
            "evidence_required",
            gettext_noop("Give the evidence for the figure (a document number or link)."),
        )
    agency = agency_by_code(agency_code)
    with transaction.atomic():
        previous = (
            Contribution.objects.select_for_update()
            .filter(indicator=indicator, agency=agency, period=period)
            .first()
        )
        old_value = str(previous.value) if previous else None
        contribution, _ = Contribution.objects.update_or_create(
            indicator=indicator,
            agency=agency,
            period=period,
            defaults={
                "value": value,
                "evidence": evidence.strip(),
                "reported_by": acting_user,
                "reported_at": timezone.now(),
            },
        )
        record(
            actor=acting_user,
            action="coordination.contribution.report",
            obj=contribution,
            agency_code=agency_code,
            data={
                "indicator": indicator.pk,
                "period": period,
                "value": str(value),
                "replaces": old_value,
            },
        )
    return contribution


def assess_readiness(
    *,
    acting_user: User,
    agency_code: str,
    answers: Mapping[str, object],
    body: Body | None = None,
    programme: Programme | None = None,
) -> ReadinessAssessment:
    if agency_code not in caller_agency_codes(acting_user):
        raise refuse(
            "agency",
            "assessment_for_another_agency",
            gettext_noop("An agency assesses its own readiness only."),
        )
    result = readiness.score(answers)
    agency = agency_by_code(agency_code)
    if body is not None:
        require_active(body)
    with transaction.atomic():
        assessment = ReadinessAssessment.objects.create(
            agency=agency,
            body=body,
            programme=programme,
            answers=dict(answers),
            scores={d.value: str(s) for d, s in result.scores.items()},
            overall=result.overall,
            gaps=[g.value for g in result.gaps],
            assessed_by=acting_user,
            assessed_at=timezone.now(),
        )
        record(
            actor=acting_user,
            action="coordination.readiness.assess",
            obj=assessment,
            agency_code=agency_code,
            data={"overall": str(result.overall), "gaps": assessment.gaps},
        )
    return assessment
