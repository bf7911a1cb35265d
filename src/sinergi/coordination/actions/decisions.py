"""Forums and collegiate decisions: meetings, proposals, votes (one agency, one vote), and the
action items decisions assign, with their updates and the escalation of overdue ones."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.audit.log import record
from sinergi.cases.calendar_service import platform_calendar
from sinergi.catalog.definitions import Duration, Unit
from sinergi.coordination import voting
from sinergi.coordination.access import caller_agency_codes, leads, member_codes, voter_codes
from sinergi.coordination.actions.common import agency_by_code, refuse, require_active, require_lead
from sinergi.coordination.bodies import check_in_body
from sinergi.coordination.escalation import Level, level_at
from sinergi.coordination.models import (
    ActionEscalation,
    ActionItem,
    ActionUpdate,
    Body,
    Meeting,
    Proposal,
    Vote,
)
from sinergi.coordination.notifications import notify_escalations
from sinergi.core.errors import Conflict, Forbidden
from sinergi.rules import gettext_noop

logger = logging.getLogger("sinergi.coordination")

#: Working days between the deadline and the escalation to the coordinating ministry.
MINISTRY_AFTER_WORKING_DAYS = 3
#: Working days before the deadline when the assigned agency is reminded.
REMIND_WORKING_DAYS = 1


def hold_meeting(
    *, acting_user: User, body: Body, title: str, held_at: datetime, agenda: str, minutes: str = ""
) -> Meeting:
    require_lead(acting_user, body)
    if not title.strip() or not agenda.strip():
        raise refuse(
            "agenda", "agenda_required", gettext_noop("A meeting has a title and an agenda.")
        )
    with transaction.atomic():
        meeting = Meeting.objects.create(
            body=body, title=title.strip(), held_at=held_at, agenda=agenda, minutes=minutes
        )
        record(
            actor=acting_user,
            action="coordination.meeting.hold",
            obj=meeting,
            agency_code=body.lead_agency.code,
            data={"body": body.code, "title": meeting.title},
        )
    return meeting


def open_proposal(
    *, acting_user: User, body: Body, title: str, text: str, meeting: Meeting | None = None
) -> Proposal:
    """The lead puts a proposal to the members, under the body's rule and quorum of today."""
    require_lead(acting_user, body)
    require_active(body)
    if not title.strip() or not text.strip():
        raise refuse(
            "text",
            "proposal_text_required",
            gettext_noop("Give the proposal a title and its text."),
        )
    if meeting is not None and meeting.body_id != body.pk:
        raise refuse(
            "meeting",
            "meeting_of_another_body",
            gettext_noop("That meeting belongs to another body."),
        )
    with transaction.atomic():
        proposal = Proposal.objects.create(
            body=body,
            meeting=meeting,
            title=title.strip(),
            text=text.strip(),
            decision_rule=body.decision_rule,
            quorum_percent=body.quorum_percent,
            opened_at=timezone.now(),
            opened_by=acting_user,
        )
        record(
            actor=acting_user,
            action="coordination.proposal.open",
            obj=proposal,
            agency_code=body.lead_agency.code,
            data={
                "body": body.code,
                "rule": proposal.decision_rule,
                "quorum": proposal.quorum_percent,
            },
        )
    return proposal


def _voting_agency(acting_user: User, voters: set[str], agency_code: str | None) -> str:
    mine = caller_agency_codes(acting_user)
    if agency_code:
        if agency_code not in mine:
            raise refuse(
                "agency",
                "vote_for_another_agency",
                gettext_noop("You vote for your own agency only, not for {agency}."),
                agency=agency_code,
            )
        return agency_code
    candidates = sorted(mine & voters)
    if len(candidates) > 1:
        raise refuse("agency", "agency_required", gettext_noop("Say which of your agencies votes."))
    if candidates:
        return candidates[0]
    return sorted(mine)[0] if mine else acting_user.username


def cast_vote(
    *,
    acting_user: User,
    proposal: Proposal,
    choice: voting.Choice,
    agency_code: str | None = None,
    remark: str = "",
) -> Vote:
    body = proposal.body
    voters = voter_codes(body)
    agency = _voting_agency(acting_user, voters, agency_code)
    already = set(proposal.votes.values_list("agency__code", flat=True))
    voting.check_vote(
        agency=agency,
        voters=voters,
        already_voted=already,
        is_open=proposal.status == Proposal.Status.OPEN,
    )
    try:
        with transaction.atomic():
            vote = Vote.objects.create(
                proposal=proposal,
                agency=agency_by_code(agency),
                choice=choice.value,
                cast_by=acting_user,
                cast_at=timezone.now(),
                remark=remark,
            )
            record(
                actor=acting_user,
                action="coordination.vote.cast",
                obj=vote,
                agency_code=agency,
                data={"proposal": proposal.pk, "choice": choice.value},
            )
    except IntegrityError:
        raise refuse(
            "agency",
            "already_voted",
            gettext_noop("{agency} has already voted on this proposal: one agency, one vote."),
            agency=agency,
        ) from None
    return vote


def close_proposal(*, acting_user: User, proposal: Proposal) -> Proposal:
    """The lead closes the vote; the tally under the proposal's rule and quorum is the result,
    recorded and published to the members."""
    body = proposal.body
    require_lead(acting_user, body)
    if proposal.status != Proposal.Status.OPEN:
        raise refuse(
            "proposal", "proposal_closed", gettext_noop("Voting on this proposal is closed.")
        )
    voters = voter_codes(body)
    votes = {
        code: voting.Choice(choice)
        for code, choice in proposal.votes.values_list("agency__code", "choice")
    }
    result = voting.tally(
        voting.DecisionRule(proposal.decision_rule), proposal.quorum_percent, voters, votes
    )
    now = timezone.now()
    summary = {
        "outcome": result.outcome.value,
        "yes": result.yes,
        "no": result.no,
        "abstain": result.abstain,
        "voters": sorted(voters),
        "quorum": result.quorum,
        "votes": {code: choice.value for code, choice in sorted(votes.items())},
    }
    with transaction.atomic():
        updated = Proposal.objects.filter(
            pk=proposal.pk, version=proposal.version, status="open"
        ).update(
            status=result.outcome.value, closed_at=now, result=summary, version=F("version") + 1
        )
        if not updated:
            raise Conflict()
        record(
            actor=acting_user,
            action="coordination.proposal.close",
            obj=proposal,
            agency_code=body.lead_agency.code,
            data=summary,
        )
    proposal.refresh_from_db()
    return proposal


def assign_action(
    *,
    acting_user: User,
    body: Body,
    title: str,
    agency_code: str,
    working_days: int,
    description: str = "",
    proposal: Proposal | None = None,
) -> ActionItem:
    """The lead assigns a member agency an action with a deadline in working days."""
    require_lead(acting_user, body)
    require_active(body)
    check_in_body(agency_code, member_codes(body))
    if not 1 <= working_days <= 250:
        raise refuse(
            "working_days",
            "working_days_range",
            gettext_noop("Give the deadline as 1 to 250 working days."),
        )
    if not title.strip():
        raise refuse("title", "title_required", gettext_noop("Give the action a title."))
    if proposal is not None and (
        proposal.body_id != body.pk or proposal.status != Proposal.Status.ADOPTED
    ):
        raise refuse(
            "proposal",
            "proposal_not_adopted",
            gettext_noop("Actions follow from an adopted proposal of this body."),
        )
    now = timezone.now()
    due = platform_calendar().deadline(now, Duration(working_days, Unit.WORKING_DAYS))
    with transaction.atomic():
        item = ActionItem.objects.create(
            body=body,
            proposal=proposal,
            title=title.strip(),
            description=description,
            agency=agency_by_code(agency_code),
            working_days=working_days,
            assigned_at=now,
            assigned_by=acting_user,
            due_at=due,
        )
        record(
            actor=acting_user,
            action="coordination.action.assign",
            obj=item,
            agency_code=agency_code,
            data={"body": body.code, "working_days": working_days, "due_at": due.isoformat()},
        )
    return item


def update_action(
    *, acting_user: User, item: ActionItem, status: ActionItem.Status, note: str, evidence: str = ""
) -> ActionUpdate:
    """The assigned agency reports progress (with evidence when it says done)."""
    if item.agency.code not in caller_agency_codes(acting_user) and not leads(
        acting_user, item.body
    ):
        raise Forbidden("Only the assigned agency or the lead updates this action.")
    if item.status == ActionItem.Status.DONE:
        raise refuse("status", "action_done", gettext_noop("This action is already done."))
    if not note.strip():
        raise refuse("note", "note_required", gettext_noop("Say what was done."))
    if status == ActionItem.Status.DONE and not evidence.strip():
        raise refuse(
            "evidence", "evidence_required", gettext_noop("Give the evidence that it is done.")
        )
    now = timezone.now()
    with transaction.atomic():
        changed = ActionItem.objects.filter(pk=item.pk, version=item.version).update(
            status=status.value,
            done_at=now if status == ActionItem.Status.DONE else None,
            version=F("version") + 1,
        )
        if not changed:
            raise Conflict()
        update = ActionUpdate.objects.create(
            item=item,
            status=status.value,
            note=note.strip(),
            evidence=evidence.strip(),
            by=acting_user,
            at=now,
        )
        record(
            actor=acting_user,
            action="coordination.action.update",
            obj=item,
            agency_code=item.agency.code,
            data={"status": status.value, "evidence": update.evidence},
        )
    item.refresh_from_db()
    return update


def _target(item: ActionItem, level: Level) -> int:
    body = item.body
    if level is Level.REMINDER:
        return item.agency_id
    if level is Level.LEAD:
        return body.lead_agency_id
    return body.coordinating_agency_id or body.lead_agency_id


def escalate_item(item: ActionItem, now: datetime) -> list[ActionEscalation]:
    """Apply the levels the item has reached at ``now`` and not yet had, once each.

    The write is conditional on the level read (``UPDATE … WHERE escalation = old``): a second
    worker that read the same item matches nothing and writes nothing.
    """
    body = item.body
    reached = level_at(
        due=item.due_at,
        now=now,
        calendar=platform_calendar(),
        remind_days=REMIND_WORKING_DAYS,
        ministry_after=MINISTRY_AFTER_WORKING_DAYS,
        has_ministry=body.coordinating_agency_id is not None,
    )
    if reached <= item.escalation:
        return []
    levels = [Level(n) for n in range(item.escalation + 1, reached + 1)]
    with transaction.atomic():
        updated = (
            ActionItem.objects.filter(pk=item.pk, escalation=item.escalation, version=item.version)
            .exclude(status=ActionItem.Status.DONE)
            .update(escalation=int(reached), version=F("version") + 1)
        )
        if not updated:
            return []
        created = [
            ActionEscalation.objects.create(
                item=item, level=int(level), to_agency_id=_target(item, level), at=now
            )
            for level in levels
        ]
        ids = [e.pk for e in created]
        transaction.on_commit(partial(notify_escalations, ids))
        record(
            actor=None,
            action="coordination.action.escalate",
            obj=item,
            agency_code=item.agency.code,
            data={
                "levels": [level.name.lower() for level in levels],
                "to": [e.to_agency_id for e in created],
                "due_at": item.due_at.isoformat(),
                "now": now.isoformat(),
            },
        )
    return created


def escalate_overdue(now: datetime | None = None, limit: int = 5000) -> int:
    """The periodic job: every open item that reached a new level gets it, once."""
    now = now or timezone.now()
    horizon = now + (
        platform_calendar().deadline(now, Duration(REMIND_WORKING_DAYS + 1, Unit.WORKING_DAYS))
        - now
    )
    items = (
        ActionItem.objects.select_related("body", "agency")
        .exclude(status=ActionItem.Status.DONE)
        .filter(escalation__lt=int(Level.COORDINATING_MINISTRY), due_at__lte=horizon)
        .order_by("due_at")[:limit]
    )
    applied = 0
    for item in items:
        if escalate_item(item, now):
            applied += 1
    if applied:
        logger.info("action items escalated", extra={"escalated": applied})
    return applied
