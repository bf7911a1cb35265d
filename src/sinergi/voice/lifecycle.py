"""The complaint's life cycle and its deadlines (SP4N-LAPOR!, regulations.md 3.4-3.5).

Pure Python (no Django): ``voice/actions.py`` loads a complaint, calls :func:`apply` or
:func:`sweep`, and stores the new state with its audit entry in one transaction.

Flow::

    submitted --verify(agency)--> disposed --follow_up--> followed_up --rate(satisfied)--> closed
        |  \\--defer--> deferred --resume--> submitted           |                ^
        |   \\--archive--> archived          decline ("bukan     |--rate(reopen)--/ disposed
        |                                     wewenang") --> returned --reroute(agency)--> disposed
        |                                                                     (one more hop)
    followed_up --10 working days without an answer--> closed (automatically)

Deadlines, each with its unit (DESIGN rule 5):

- verification: 3 working days after filing (LAPOR!: verify and dispose within 3 hari kerja);
- follow-up: 5 working days after the *first* disposition (LAPOR!: the agency posts its
  follow-up within 5 hari kerja). Re-routing does not restart it: the clock runs across hops,
  so a bounced complaint shows how long the citizen has really waited;
- settlement: 60 calendar days after the report is complete, i.e. verified (Perpres 76/2013
  Pasal 15: complaints settled within 60 days of a complete file); past it the complaint is
  escalated to the Ombudsman (LAPOR!: the Ombudsman takes over after 60 days);
- closing: 10 working days after a follow-up the citizen did not answer (LAPOR!).

A reopened complaint goes back to the agency with a new 5-working-day follow-up deadline; the
settlement deadline stays. A missed verification or follow-up deadline escalates once each (to
the coordinator, then the agency head); the sweep is idempotent.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final, Protocol

from sinergi.catalog.definitions import Duration, Unit
from sinergi.rules import RuleError, Violation, gettext_noop

__all__ = [
    "CLOSE_AFTER",
    "FOLLOW_UP_WITHIN",
    "SETTLE_WITHIN",
    "VERIFY_WITHIN",
    "Action",
    "ComplaintState",
    "Escalation",
    "Status",
    "apply",
    "new_complaint",
    "sweep",
]

VERIFY_WITHIN: Final = Duration(3, Unit.WORKING_DAYS)
FOLLOW_UP_WITHIN: Final = Duration(5, Unit.WORKING_DAYS)
SETTLE_WITHIN: Final = Duration(60, Unit.CALENDAR_DAYS)
CLOSE_AFTER: Final = Duration(10, Unit.WORKING_DAYS)

ARTICLE_LAPOR: Final = "SP4N-LAPOR! (Perpres 76/2013; PermenPANRB 62/2018)"
ARTICLE_SETTLE: Final = "Perpres 76/2013 Pasal 15"


class Calendar(Protocol):
    def deadline(self, start: datetime, duration: Duration) -> datetime: ...


class Status(StrEnum):
    SUBMITTED = "submitted"  # Belum Terverifikasi
    DEFERRED = "deferred"  # Tunda: waiting for the citizen to complete the report
    ARCHIVED = "archived"  # Arsipkan: not a complaint the platform handles
    DISPOSED = "disposed"  # at the agency: Belum Ditindaklanjuti
    RETURNED = "returned"  # "bukan wewenang": back with the coordinator to re-route
    FOLLOWED_UP = "followed_up"  # the agency posted its follow-up: Proses
    CLOSED = "closed"  # Selesai


OPEN: Final = frozenset(
    {Status.SUBMITTED, Status.DEFERRED, Status.DISPOSED, Status.RETURNED, Status.FOLLOWED_UP}
)


class Action(StrEnum):
    VERIFY = "verify"  # coordinator: verify and dispose to an agency
    DEFER = "defer"  # coordinator: tunda
    RESUME = "resume"  # citizen: the missing information is given
    ARCHIVE = "archive"  # coordinator: arsipkan
    DECLINE = "decline"  # agency: bukan wewenang, with a reason
    REROUTE = "reroute"  # coordinator: dispose to another agency after a decline
    FOLLOW_UP = "follow_up"  # agency: post the follow-up
    RATE = "rate"  # citizen: rate the follow-up, satisfied (close) or not (reopen)


class Escalation(StrEnum):
    VERIFICATION_OVERDUE = "verification_overdue"
    FOLLOW_UP_OVERDUE = "follow_up_overdue"
    OMBUDSMAN = "ombudsman"  # settlement deadline passed


@dataclass(frozen=True)
class ComplaintState:
    status: Status
    submitted_at: datetime
    verify_due: datetime
    agency: str = ""  # the agency it is disposed to now (or was last)
    agencies: tuple[str, ...] = ()  # every agency it was disposed to, in order
    hops: int = 0  # re-routings: dispositions after the first
    verified_at: datetime | None = None
    disposed_at: datetime | None = None  # first disposition
    follow_up_due: datetime | None = None
    settle_due: datetime | None = None
    followed_up_at: datetime | None = None
    close_due: datetime | None = None
    closed_at: datetime | None = None
    closed_automatically: bool = False
    reopened: int = 0
    rating: int | None = None
    escalations: tuple[Escalation, ...] = ()


def _refuse(rule: str, template: str, **params: object) -> RuleError:
    return RuleError(
        Violation(
            field="action",
            rule=rule,
            template=template,
            params={k: str(v) for k, v in params.items()},
            article=ARTICLE_LAPOR,
        )
    )


def new_complaint(now: datetime, calendar: Calendar) -> ComplaintState:
    return ComplaintState(
        status=Status.SUBMITTED,
        submitted_at=now,
        verify_due=calendar.deadline(now, VERIFY_WITHIN),
    )


#: Which action is allowed in which status.
ALLOWED: Final[dict[Action, frozenset[Status]]] = {
    Action.VERIFY: frozenset({Status.SUBMITTED}),
    Action.DEFER: frozenset({Status.SUBMITTED}),
    Action.RESUME: frozenset({Status.DEFERRED}),
    Action.ARCHIVE: frozenset({Status.SUBMITTED, Status.DEFERRED}),
    Action.DECLINE: frozenset({Status.DISPOSED}),
    Action.REROUTE: frozenset({Status.RETURNED}),
    Action.FOLLOW_UP: frozenset({Status.DISPOSED}),
    Action.RATE: frozenset({Status.FOLLOWED_UP}),
}


def apply(
    state: ComplaintState,
    action: Action,
    now: datetime,
    calendar: Calendar,
    *,
    agency: str = "",
    reason: str = "",
    rating: int | None = None,
    reopen: bool = False,
) -> ComplaintState:
    """The state after ``action``; ``RuleError`` when it is not allowed now (nothing changes)."""
    if state.status not in ALLOWED[action]:
        raise _refuse(
            "complaint_action_not_allowed",
            gettext_noop("A complaint that is {status} cannot be given the action {action}."),
            status=state.status.value,
            action=action.value,
        )
    replace = dataclasses.replace
    match action:
        case Action.VERIFY | Action.REROUTE:
            if not agency:
                raise _refuse(
                    "complaint_agency_required",
                    gettext_noop("Choose the agency to dispose the complaint to."),
                )
            if action is Action.REROUTE and agency == state.agency:
                raise _refuse(
                    "complaint_reroute_same_agency",
                    gettext_noop("The agency declined this complaint; choose another agency."),
                )
            first = state.disposed_at is None
            verified = state.verified_at or now
            return replace(
                state,
                status=Status.DISPOSED,
                agency=agency,
                agencies=(*state.agencies, agency),
                hops=state.hops + (0 if first else 1),
                verified_at=verified,
                disposed_at=state.disposed_at or now,
                # The follow-up clock starts at the first disposition and runs across hops.
                follow_up_due=state.follow_up_due or calendar.deadline(now, FOLLOW_UP_WITHIN),
                settle_due=state.settle_due or calendar.deadline(verified, SETTLE_WITHIN),
            )
        case Action.DEFER:
            return replace(state, status=Status.DEFERRED)
        case Action.RESUME:
            return replace(state, status=Status.SUBMITTED)
        case Action.ARCHIVE:
            return replace(state, status=Status.ARCHIVED, closed_at=now)
        case Action.DECLINE:
            if not reason.strip():
                raise RuleError(
                    Violation(
                        field="reason",
                        rule="complaint_decline_reason_required",
                        template=gettext_noop(
                            "Say why the complaint is not your agency's authority."
                        ),
                        article=ARTICLE_LAPOR,
                    )
                )
            return replace(state, status=Status.RETURNED)
        case Action.FOLLOW_UP:
            return replace(
                state,
                status=Status.FOLLOWED_UP,
                followed_up_at=now,
                close_due=calendar.deadline(now, CLOSE_AFTER),
            )
        case Action.RATE:
            if rating is None or not 1 <= rating <= 5:
                raise RuleError(
                    Violation(
                        field="rating",
                        rule="complaint_rating_out_of_scale",
                        template=gettext_noop("The rating must be a whole number from 1 to 5."),
                    )
                )
            if reopen:
                return replace(
                    state,
                    status=Status.DISPOSED,
                    rating=rating,
                    reopened=state.reopened + 1,
                    close_due=None,
                    follow_up_due=calendar.deadline(now, FOLLOW_UP_WITHIN),
                )
            return replace(state, status=Status.CLOSED, rating=rating, closed_at=now)
    raise AssertionError(action)  # pragma: no cover


def sweep(state: ComplaintState, now: datetime) -> tuple[ComplaintState, tuple[Escalation, ...]]:
    """Deadlines passed by ``now``: auto-close, and the escalations not raised before.

    Returns the new state and the escalations raised by this call (empty when nothing is due,
    so running the sweep twice changes nothing the second time).
    """
    if state.status not in OPEN:
        return state, ()
    if state.status is Status.FOLLOWED_UP and state.close_due and now > state.close_due:
        closed = dataclasses.replace(
            state,
            status=Status.CLOSED,
            closed_at=now,
            closed_automatically=True,
        )
        return closed, ()
    raised: list[Escalation] = []
    if state.status in (Status.SUBMITTED, Status.DEFERRED) and now > state.verify_due:
        raised.append(Escalation.VERIFICATION_OVERDUE)
    if (
        state.status in (Status.DISPOSED, Status.RETURNED)
        and state.follow_up_due
        and now > state.follow_up_due
    ):
        raised.append(Escalation.FOLLOW_UP_OVERDUE)
    if state.settle_due and now > state.settle_due:
        raised.append(Escalation.OMBUDSMAN)
    new = tuple(e for e in raised if e not in state.escalations)
    if not new:
        return state, ()
    return dataclasses.replace(state, escalations=(*state.escalations, *new)), new
