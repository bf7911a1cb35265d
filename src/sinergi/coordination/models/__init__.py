"""Coordination: bodies and their members, programmes with shared indicators, forums and
collegiate decisions, action items, capacity building and readiness."""

from sinergi.coordination.models.bodies import (
    Body,
    CapacityActivity,
    Membership,
    Participation,
    Partner,
    RelationChange,
    Secondment,
)
from sinergi.coordination.models.decisions import (
    ActionEscalation,
    ActionItem,
    ActionUpdate,
    Meeting,
    Proposal,
    Vote,
)
from sinergi.coordination.models.programmes import (
    Contribution,
    Contributor,
    Indicator,
    Programme,
    ReadinessAssessment,
)

__all__ = [
    "ActionEscalation",
    "ActionItem",
    "ActionUpdate",
    "Body",
    "CapacityActivity",
    "Contribution",
    "Contributor",
    "Indicator",
    "Meeting",
    "Membership",
    "Participation",
    "Partner",
    "Programme",
    "Proposal",
    "ReadinessAssessment",
    "RelationChange",
    "Secondment",
    "Vote",
]
