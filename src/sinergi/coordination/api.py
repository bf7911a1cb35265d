"""Coordination endpoints: bodies, members, programmes and indicators, forums, votes, action
items, the integration map and readiness. Every read goes through ``access``, every change
through ``actions``; creating POSTs accept an ``Idempotency-Key``.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router, Status
from ninja.pagination import paginate

from sinergi.accounts.models import User
from sinergi.api.auth import SIGNED_IN, signed_in
from sinergi.api.pagination import Pages
from sinergi.coordination import access, actions, readiness, reading
from sinergi.coordination.actions.common import agency_by_code, refuse
from sinergi.coordination.models import ActionItem, Membership, ReadinessAssessment
from sinergi.coordination.schemas import (
    ActionIn,
    ActionOut,
    ActionUpdateIn,
    ActivityIn,
    AssessmentIn,
    AssessmentOut,
    BodyIn,
    BodyOut,
    BodySummaryOut,
    ContributionIn,
    IndicatorOut,
    MapOut,
    MeetingIn,
    MemberIn,
    PartnerIn,
    ProgrammeOut,
    ProposalIn,
    ProposalOut,
    QuestionnaireOut,
    RelationIn,
    SecondmentIn,
    VoteIn,
)
from sinergi.core.idempotency import idempotent
from sinergi.rules import gettext_noop

router = Router(tags=["coordination"])


@router.get("/coordination/bodies", response=list[BodySummaryOut], auth=SIGNED_IN)
@paginate(Pages)
def list_bodies(request: HttpRequest) -> list[dict[str, Any]]:
    """The bodies the caller's agency is (or was) a member of, or leads or coordinates."""
    return [reading.body_summary(b) for b in access.visible_bodies(signed_in(request))]


@router.post("/coordination/bodies", response={201: BodyOut}, auth=SIGNED_IN)
@idempotent
def create_body(request: HttpRequest, payload: BodyIn) -> Status[dict[str, Any]]:
    user = signed_in(request)
    body = actions.create_body(
        acting_user=user,
        data=actions.BodyData(**payload.dict()),
    )
    return Status(201, reading.body_detail(access.access_body(user, body.code)))


@router.get("/coordination/bodies/{code}", response=BodyOut, auth=SIGNED_IN)
def get_body(request: HttpRequest, code: str) -> dict[str, Any]:
    """Members (with lineage), relation type and its history, partners, secondments,
    capacity building, programmes, meetings, proposals and action items."""
    return reading.body_detail(access.access_body(signed_in(request), code))


@router.post("/coordination/bodies/{code}/members", response={201: BodyOut}, auth=SIGNED_IN)
@idempotent
def add_member(request: HttpRequest, code: str, payload: MemberIn) -> Status[dict[str, Any]]:
    user = signed_in(request)
    body = access.access_body(user, code)
    continues = None
    if payload.continues:
        continues = (
            Membership.objects.filter(body=body, agency__code=payload.continues)
            .order_by("-joined_on")
            .first()
        )
        if continues is None:
            raise refuse(
                "continues",
                "not_a_member",
                gettext_noop("{agency} was never a member of this body."),
                agency=payload.continues,
            )
    actions.add_member(
        acting_user=user,
        body=body,
        agency_code=payload.agency,
        role=payload.role,
        joined_on=payload.joined_on,
        continues=continues,
    )
    return Status(201, reading.body_detail(body))


@router.post("/coordination/bodies/{code}/partners", response={201: BodyOut}, auth=SIGNED_IN)
@idempotent
def add_partner(request: HttpRequest, code: str, payload: PartnerIn) -> Status[dict[str, Any]]:
    user = signed_in(request)
    body = access.access_body(user, code)
    actions.add_partner(acting_user=user, body=body, **payload.dict())
    return Status(201, reading.body_detail(body))


@router.post("/coordination/bodies/{code}/secondments", response={201: BodyOut}, auth=SIGNED_IN)
@idempotent
def add_secondment(
    request: HttpRequest, code: str, payload: SecondmentIn
) -> Status[dict[str, Any]]:
    user = signed_in(request)
    body = access.access_body(user, code)
    official = User.objects.filter(username=payload.official).first()
    if official is None:
        raise refuse(
            "official", "unknown_official", gettext_noop("There is no official {username}."),
            username=payload.official,
        )  # fmt: skip
    actions.second_official(
        acting_user=user,
        body=body,
        official=official,
        agency_code=payload.agency,
        function=payload.function,
        start=payload.start_date,
        end=payload.end_date,
    )
    return Status(201, reading.body_detail(body))


@router.post("/coordination/bodies/{code}/relation", response=BodyOut, auth=SIGNED_IN)
@idempotent
def move_relation(request: HttpRequest, code: str, payload: RelationIn) -> dict[str, Any]:
    """Move the body (or one of its programmes) along Perry 6's continuum, with the reason."""
    user = signed_in(request)
    body = access.access_body(user, code)
    programme = None
    if payload.programme:
        programme = body.programmes.filter(code=payload.programme).first()
        if programme is None:
            raise refuse(
                "programme", "unknown_programme",
                gettext_noop("{code} is not a programme of this body."), code=payload.programme,
            )  # fmt: skip
    actions.move_relation(
        acting_user=user,
        body=body,
        relation_type=payload.relation_type,
        reason=payload.reason,
        on=payload.on,
        programme=programme,
    )
    return reading.body_detail(access.access_body(user, code))


@router.post("/coordination/bodies/{code}/activities", response={201: BodyOut}, auth=SIGNED_IN)
@idempotent
def record_activity(request: HttpRequest, code: str, payload: ActivityIn) -> Status[dict[str, Any]]:
    """Capacity building the lead runs for members, with participants per agency."""
    user = signed_in(request)
    body = access.access_body(user, code)
    actions.record_activity(acting_user=user, body=body, **payload.dict())
    return Status(201, reading.body_detail(body))


@router.get("/coordination/programmes/{code}", response=ProgrammeOut, auth=SIGNED_IN)
def get_programme(request: HttpRequest, code: str) -> dict[str, Any]:
    """Shared indicators with each agency's reports and the joint progress per period."""
    return reading.programme_detail(access.access_programme(signed_in(request), code))


@router.get("/coordination/indicators/{indicator_id}", response=IndicatorOut, auth=SIGNED_IN)
def get_indicator(request: HttpRequest, indicator_id: int) -> dict[str, Any]:
    return reading.indicator_detail(access.access_indicator(signed_in(request), indicator_id))


@router.post(
    "/coordination/indicators/{indicator_id}/contributions",
    response={201: IndicatorOut},
    auth=SIGNED_IN,
)
@idempotent
def report_contribution(
    request: HttpRequest, indicator_id: int, payload: ContributionIn
) -> Status[dict[str, Any]]:
    """An agency reports its own contribution for a period, with evidence."""
    user = signed_in(request)
    indicator = access.access_indicator(user, indicator_id)
    actions.report_contribution(
        acting_user=user,
        indicator=indicator,
        agency_code=payload.agency,
        period=payload.period,
        value=payload.value,
        evidence=payload.evidence,
    )
    return Status(201, reading.indicator_detail(indicator))


@router.post("/coordination/bodies/{code}/meetings", response={201: BodyOut}, auth=SIGNED_IN)
@idempotent
def hold_meeting(request: HttpRequest, code: str, payload: MeetingIn) -> Status[dict[str, Any]]:
    user = signed_in(request)
    body = access.access_body(user, code)
    actions.hold_meeting(acting_user=user, body=body, **payload.dict())
    return Status(201, reading.body_detail(body))


@router.post("/coordination/bodies/{code}/proposals", response={201: ProposalOut}, auth=SIGNED_IN)
@idempotent
def open_proposal(request: HttpRequest, code: str, payload: ProposalIn) -> Status[dict[str, Any]]:
    user = signed_in(request)
    body = access.access_body(user, code)
    meeting = None
    if payload.meeting is not None:
        meeting = body.meetings.filter(pk=payload.meeting).first()
        if meeting is None:
            raise refuse(
                "meeting", "meeting_of_another_body",
                gettext_noop("That meeting belongs to another body."),
            )  # fmt: skip
    proposal = actions.open_proposal(
        acting_user=user, body=body, title=payload.title, text=payload.text, meeting=meeting
    )
    return Status(201, reading.proposal_detail(proposal))


@router.get("/coordination/proposals/{proposal_id}", response=ProposalOut, auth=SIGNED_IN)
def get_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    return reading.proposal_detail(access.access_proposal(signed_in(request), proposal_id))


@router.post(
    "/coordination/proposals/{proposal_id}/votes", response={201: ProposalOut}, auth=SIGNED_IN
)
@idempotent
def cast_vote(request: HttpRequest, proposal_id: int, payload: VoteIn) -> Status[dict[str, Any]]:
    """One agency, one vote: for, against or abstain."""
    user = signed_in(request)
    proposal = access.access_proposal(user, proposal_id)
    actions.cast_vote(
        acting_user=user,
        proposal=proposal,
        choice=payload.choice,
        agency_code=payload.agency,
        remark=payload.remark,
    )
    return Status(201, reading.proposal_detail(proposal))


@router.post("/coordination/proposals/{proposal_id}/close", response=ProposalOut, auth=SIGNED_IN)
@idempotent
def close_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    """The lead closes the vote; the result is recorded and shown to every member."""
    user = signed_in(request)
    proposal = actions.close_proposal(
        acting_user=user, proposal=access.access_proposal(user, proposal_id)
    )
    return reading.proposal_detail(proposal)


@router.post("/coordination/bodies/{code}/action-items", response={201: ActionOut}, auth=SIGNED_IN)
@idempotent
def assign_action(request: HttpRequest, code: str, payload: ActionIn) -> Status[dict[str, Any]]:
    """Assign a member agency an action, due in working days (the platform calendar)."""
    user = signed_in(request)
    body = access.access_body(user, code)
    proposal = None
    if payload.proposal is not None:
        proposal = body.proposals.filter(pk=payload.proposal).first()
        if proposal is None:
            raise refuse(
                "proposal", "proposal_not_adopted",
                gettext_noop("Actions follow from an adopted proposal of this body."),
            )  # fmt: skip
    item = actions.assign_action(
        acting_user=user,
        body=body,
        title=payload.title,
        agency_code=payload.agency,
        working_days=payload.working_days,
        description=payload.description,
        proposal=proposal,
    )
    return Status(201, reading.action_detail(item))


@router.get("/coordination/action-items/{item_id}", response=ActionOut, auth=SIGNED_IN)
def get_action(request: HttpRequest, item_id: int) -> dict[str, Any]:
    return reading.action_detail(access.access_action_item(signed_in(request), item_id))


@router.post(
    "/coordination/action-items/{item_id}/updates", response={201: ActionOut}, auth=SIGNED_IN
)
@idempotent
def update_action(
    request: HttpRequest, item_id: int, payload: ActionUpdateIn
) -> Status[dict[str, Any]]:
    user = signed_in(request)
    item = access.access_action_item(user, item_id)
    try:
        status = ActionItem.Status(payload.status)
    except ValueError:
        raise refuse(
            "status", "unknown_status",
            gettext_noop("The status is open, in_progress or done."),
        ) from None  # fmt: skip
    actions.update_action(
        acting_user=user, item=item, status=status, note=payload.note, evidence=payload.evidence
    )
    return Status(201, reading.action_detail(access.access_action_item(user, item_id)))


@router.get("/coordination/map", response=MapOut, auth=SIGNED_IN)
def integration_map(request: HttpRequest, sector: str = "", region: str = "") -> dict[str, Any]:
    """Agencies and their relations in the bodies the caller sees, filterable by sector (of
    the body or either agency) and region (a Kemendagri code prefix)."""
    nodes, edges = reading.integration_map(
        list(access.visible_bodies(signed_in(request))), sector=sector, region=region
    )
    return {
        "nodes": [
            {"code": n.code, "name": n.name, "sector": n.sector, "region": n.region} for n in nodes
        ],
        "edges": [e.__dict__ for e in edges],
    }


@router.get("/coordination/readiness/questionnaire", response=QuestionnaireOut, auth=SIGNED_IN)
def questionnaire(request: HttpRequest) -> dict[str, Any]:
    """The APSC's four prerequisites and three challenges, three statements each, 1 to 5."""
    return {
        "dimensions": [
            {
                "code": d.value,
                "label": gettext(readiness.LABELS[d]),
                "kind": "prerequisite" if d in readiness.PREREQUISITES else "challenge",
            }
            for d in readiness.DIMENSIONS
        ],
        "questions": [
            {"code": code, "dimension": d.value, "statement": gettext(text)}
            for code, (d, text) in readiness.QUESTIONS.items()
        ],
        "scale": [1, 2, 3, 4, 5],
        "gap_threshold": readiness.GAP_THRESHOLD,
    }


def _assessment(a: ReadinessAssessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "agency": a.agency.code,
        "body": a.body.code if a.body else None,
        "programme": a.programme.code if a.programme else None,
        "scores": a.scores,
        "overall": a.overall,
        "gaps": a.gaps,
        "assessed_at": a.assessed_at,
    }


@router.post("/coordination/readiness", response={201: AssessmentOut}, auth=SIGNED_IN)
@idempotent
def assess(request: HttpRequest, payload: AssessmentIn) -> Status[dict[str, Any]]:
    """An agency's readiness self-assessment, optionally for one body or programme."""
    user = signed_in(request)
    body = access.access_body(user, payload.body) if payload.body else None
    programme = access.access_programme(user, payload.programme) if payload.programme else None
    if programme is not None and body is None:
        body = programme.body
    agency_by_code(payload.agency)
    assessment = actions.assess_readiness(
        acting_user=user,
        agency_code=payload.agency,
        answers=payload.answers,
        body=body,
        programme=programme,
    )
    return Status(201, _assessment(assessment))


@router.get("/coordination/readiness/{assessment_id}", response=AssessmentOut, auth=SIGNED_IN)
def get_assessment(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    return _assessment(access.access_assessment(signed_in(request), assessment_id))
