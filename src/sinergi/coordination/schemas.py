"""API shapes of coordination (django-ninja reads the annotations: no postponed ones here)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema

from sinergi.coordination.bodies import BodyKind, MemberRole, PartnerKind
from sinergi.coordination.continuum import RelationType
from sinergi.coordination.voting import Choice, DecisionRule


class RelationOut(Schema):
    type: str
    category: str
    definition: str


class BodySummaryOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    lead_agency: str
    relation: RelationOut
    start_date: date
    end_date: date | None
    active: bool


class MemberOut(Schema):
    agency: str
    agency_name: str
    role: str
    joined_on: date
    left_on: date | None
    current: bool
    continues: str | None
    now_succeeded_by: list[str]
    note: str


class PartnerOut(Schema):
    name: str
    kind: str
    contact_name: str
    joined_on: date


class SecondmentOut(Schema):
    official: str
    agency: str
    function: str
    start_date: date
    end_date: date


class RelationChangeOut(Schema):
    programme: str | None = None
    from_type: str | None
    to_type: str
    on: date
    reason: str


class ActivityOut(Schema):
    title: str
    kind: str
    held_on: date
    place: str
    run_by: str
    participants: dict[str, int]


class CapacityOut(Schema):
    activities: list[ActivityOut]
    participants_total: int
    participants_by_agency: dict[str, int]


class ProgrammeRefOut(Schema):
    code: str
    name: str
    relation: RelationOut


class MeetingOut(Schema):
    id: int
    title: str
    held_at: datetime
    place: str
    agenda: str
    minutes: str


class ProposalRefOut(Schema):
    id: int
    title: str
    status: str
    opened_at: datetime


class ActionSummaryOut(Schema):
    id: int
    title: str
    agency: str
    status: str
    due_at: datetime
    escalation: int
    escalation_level: str


class BodyOut(BodySummaryOut):
    mandate: str
    legal_basis: str
    legal_basis_url: str
    sector: str
    coordinating_agency: str | None
    decision_rule: str
    quorum_percent: int
    illustrative: bool
    sources: list[str]
    members: list[MemberOut]
    voting_members: list[str]
    partners: list[PartnerOut]
    secondments: list[SecondmentOut]
    relation_history: list[RelationChangeOut]
    capacity: CapacityOut
    programmes: list[ProgrammeRefOut]
    meetings: list[MeetingOut]
    proposals: list[ProposalRefOut]
    action_items: list[ActionSummaryOut]


class BodyIn(Schema):
    code: str
    name: str
    kind: BodyKind
    lead_agency: str
    start_date: date
    end_date: date | None = None
    relation_type: RelationType
    short_name: str = ""
    mandate: str = ""
    legal_basis: str = ""
    legal_basis_url: str = ""
    sector: str = ""
    coordinating_agency: str | None = None
    decision_rule: DecisionRule = DecisionRule.CONSENSUS
    quorum_percent: int = 50


class MemberIn(Schema):
    agency: str
    role: MemberRole
    joined_on: date
    continues: str | None = None


class PartnerIn(Schema):
    name: str
    kind: PartnerKind
    contact_name: str
    contact_email: str = ""
    joined_on: date


class SecondmentIn(Schema):
    official: str
    agency: str
    function: str
    start_date: date
    end_date: date


class RelationIn(Schema):
    relation_type: RelationType
    reason: str
    on: date
    programme: str | None = None


class ActivityIn(Schema):
    title: str
    kind: str = "training"
    held_on: date
    place: str = ""
    participants: dict[str, int]


class ContributorOut(Schema):
    agency: str
    weight: Decimal
    counts_as: str


class PointOut(Schema):
    period: str
    value: Decimal
    progress: Decimal | None
    contributions: dict[str, Decimal]
    missing: list[str]


class ReportOut(Schema):
    agency: str
    period: str
    value: Decimal
    evidence: str
    reported_at: datetime


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    method: str
    cumulative: bool
    source_note: str
    periods: list[str]
    contributors: list[ContributorOut]
    series: list[PointOut]
    reports: list[ReportOut]


class ProgrammeOut(Schema):
    code: str
    name: str
    body: str
    description: str
    relation: RelationOut
    first_year: int
    last_year: int
    relation_history: list[RelationChangeOut]
    indicators: list[IndicatorOut]


class ContributionIn(Schema):
    agency: str
    period: str
    value: Decimal
    evidence: str


class MeetingIn(Schema):
    title: str
    held_at: datetime
    agenda: str
    minutes: str = ""


class ProposalIn(Schema):
    title: str
    text: str
    meeting: int | None = None


class VoteOut(Schema):
    agency: str
    choice: str
    cast_at: datetime


class ProposalOut(Schema):
    id: int
    body: str
    meeting: int | None
    title: str
    text: str
    status: str
    decision_rule: str
    quorum_percent: int
    opened_at: datetime
    closed_at: datetime | None
    voting_members: list[str]
    votes: list[VoteOut]
    result: dict[str, Any] | None


class VoteIn(Schema):
    choice: Choice
    agency: str | None = None
    remark: str = ""


class ActionIn(Schema):
    title: str
    agency: str
    working_days: int
    description: str = ""
    proposal: int | None = None


class ActionUpdateOut(Schema):
    status: str
    note: str
    evidence: str
    by: str
    at: datetime


class EscalationOut(Schema):
    level: str
    to_agency: str
    at: datetime


class ActionOut(ActionSummaryOut):
    body: str
    proposal: int | None
    description: str
    working_days: int
    assigned_at: datetime
    done_at: datetime | None
    updates: list[ActionUpdateOut]
    escalations: list[EscalationOut]


class ActionUpdateIn(Schema):
    status: str
    note: str
    evidence: str = ""


class NodeOut(Schema):
    code: str
    name: str
    sector: str
    region: str


class EdgeOut(Schema):
    body: str
    body_name: str
    source: str
    target: str
    relation_type: str
    category: str


class MapOut(Schema):
    nodes: list[NodeOut]
    edges: list[EdgeOut]


class QuestionOut(Schema):
    code: str
    dimension: str
    statement: str


class DimensionOut(Schema):
    code: str
    label: str
    kind: str


class QuestionnaireOut(Schema):
    dimensions: list[DimensionOut]
    questions: list[QuestionOut]
    scale: list[int]
    gap_threshold: Decimal


class AssessmentIn(Schema):
    agency: str
    answers: dict[str, Any]
    body: str | None = None
    programme: str | None = None


class AssessmentOut(Schema):
    id: int
    agency: str
    body: str | None
    programme: str | None
    scores: dict[str, Decimal]
    overall: Decimal
    gaps: list[str]
    assessed_at: datetime
