"""Every change in coordination goes through these functions (DESIGN rule 1)."""

from sinergi.coordination.actions.bodies import (
    BodyData,
    add_member,
    add_partner,
    assess_readiness,
    create_body,
    move_relation,
    record_activity,
    report_contribution,
    second_official,
)
from sinergi.coordination.actions.decisions import (
    assign_action,
    cast_vote,
    close_proposal,
    escalate_item,
    escalate_overdue,
    hold_meeting,
    open_proposal,
    update_action,
)

__all__ = [
    "BodyData",
    "add_member",
    "add_partner",
    "assess_readiness",
    "assign_action",
    "cast_vote",
    "close_proposal",
    "create_body",
    "escalate_item",
    "escalate_overdue",
    "hold_meeting",
    "move_relation",
    "open_proposal",
    "record_activity",
    "report_contribution",
    "second_official",
    "update_action",
]
