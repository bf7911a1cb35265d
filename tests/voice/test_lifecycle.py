"""The complaint life cycle and its deadlines (SP4N-LAPOR!; Perpres 76/2013), pure."""

from __future__ import annotations

from datetime import datetime

import pytest

from sinergi.cases.calendar import JAKARTA, default_calendar
from sinergi.rules import RuleError
from sinergi.voice.lifecycle import Action, Escalation, Status, apply, new_complaint, sweep

CAL = default_calendar()


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=JAKARTA)


def end_of(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T23:59:59.999999").replace(tzinfo=JAKARTA)


def test_verification_is_due_3_working_days_after_filing_skipping_17_august() -> None:
    # Filed Friday 14 August 2026; Monday 17 August is Hari Kemerdekaan.
    state = new_complaint(at("2026-08-14"), CAL)
    assert state.status is Status.SUBMITTED
    assert state.verify_due == end_of("2026-08-20")


def test_full_journey_with_one_bukan_wewenang_hop() -> None:
    state = new_complaint(at("2026-08-14"), CAL)
    state = apply(state, Action.VERIFY, at("2026-08-20"), CAL, agency="dlh-bandung")
    # LAPOR!: 5 working days to follow up; 25 August 2026 is Maulid Nabi.
    assert state.follow_up_due == end_of("2026-08-28")
    # Perpres 76/2013: 60 (calendar) days from the complete (verified) report.
    assert state.settle_due == end_of("2026-10-19")
    assert (state.status, state.agency, state.hops) == (Status.DISPOSED, "dlh-bandung", 0)

    state = apply(state, Action.DECLINE, at("2026-08-21"), CAL, reason="Jalan kewenangan DSDABM")
    assert state.status is Status.RETURNED
    state = apply(state, Action.REROUTE, at("2026-08-24"), CAL, agency="dsdabm-bandung")
    assert (state.agency, state.hops) == ("dsdabm-bandung", 1)
    assert state.agencies == ("dlh-bandung", "dsdabm-bandung")
    # The clock keeps running across the hop: the due date is still the first one.
    assert state.follow_up_due == end_of("2026-08-28")

    state = apply(state, Action.FOLLOW_UP, at("2026-08-27"), CAL)
    assert state.status is Status.FOLLOWED_UP
    assert state.close_due == end_of("2026-09-10")  # 10 working days
    state = apply(state, Action.RATE, at("2026-08-28"), CAL, rating=5)
    assert (state.status, state.rating, state.closed_automatically) == (Status.CLOSED, 5, False)


def test_an_unanswered_follow_up_closes_after_10_working_days() -> None:
    state = new_complaint(at("2026-08-14"), CAL)
    state = apply(state, Action.VERIFY, at("2026-08-18"), CAL, agency="pln")
    state = apply(state, Action.FOLLOW_UP, at("2026-08-27"), CAL)
    same, raised = sweep(state, end_of("2026-09-10"))
    assert same.status is Status.FOLLOWED_UP
    assert raised == ()
    closed, _ = sweep(state, at("2026-09-11", 0))
    assert (closed.status, closed.closed_automatically) == (Status.CLOSED, True)


def test_overdue_deadlines_escalate_once_each() -> None:
    state = new_complaint(at("2026-08-14"), CAL)
    state, raised = sweep(state, at("2026-08-21", 0))
    assert raised == (Escalation.VERIFICATION_OVERDUE,)
    state, again = sweep(state, at("2026-08-21", 9))
    assert again == ()
    state = apply(state, Action.VERIFY, at("2026-08-21"), CAL, agency="pln")
    assert state.follow_up_due == end_of("2026-08-31")  # 24, 26, 27, 28, 31 (25th a holiday)
    state, raised = sweep(state, at("2026-09-01", 0))
    assert raised == (Escalation.FOLLOW_UP_OVERDUE,)
    state, raised = sweep(state, at("2026-10-21"))  # 60 days from 21 August: 20 October
    assert raised == (Escalation.OMBUDSMAN,)
    assert state.escalations == (
        Escalation.VERIFICATION_OVERDUE, Escalation.FOLLOW_UP_OVERDUE, Escalation.OMBUDSMAN,
    )  # fmt: skip


def test_reopening_sends_it_back_with_a_new_follow_up_deadline() -> None:
    state = new_complaint(at("2026-08-14"), CAL)
    state = apply(state, Action.VERIFY, at("2026-08-18"), CAL, agency="pln")
    state = apply(state, Action.FOLLOW_UP, at("2026-08-19"), CAL)
    state = apply(state, Action.RATE, at("2026-08-20"), CAL, rating=1, reopen=True)
    assert (state.status, state.reopened, state.agency) == (Status.DISPOSED, 1, "pln")
    assert state.follow_up_due == end_of("2026-08-28")
    assert state.settle_due == end_of("2026-10-17")  # unchanged: 60 days from 18 August


@pytest.mark.parametrize(
    ("action", "kwargs", "rule"),
    [
        (Action.FOLLOW_UP, {}, "complaint_action_not_allowed"),
        (Action.VERIFY, {}, "complaint_agency_required"),
        (Action.RATE, {}, "complaint_action_not_allowed"),
    ],
)
def test_refusals_before_disposition(action: Action, kwargs: dict[str, str], rule: str) -> None:
    state = new_complaint(at("2026-08-14"), CAL)
    with pytest.raises(RuleError) as raised:
        apply(state, action, at("2026-08-15"), CAL, **kwargs)  # type: ignore[arg-type]
    assert raised.value.violations[0].rule == rule


def test_declining_needs_a_reason_and_rerouting_another_agency() -> None:
    state = apply(new_complaint(at("2026-08-14"), CAL), Action.VERIFY, at("2026-08-18"), CAL,
                  agency="pln")  # fmt: skip
    with pytest.raises(RuleError, match="not your agency"):
        apply(state, Action.DECLINE, at("2026-08-18"), CAL, reason="  ")
    state = apply(state, Action.DECLINE, at("2026-08-18"), CAL, reason="bukan wewenang")
    with pytest.raises(RuleError, match="another agency"):
        apply(state, Action.REROUTE, at("2026-08-18"), CAL, agency="pln")


@pytest.mark.parametrize("rating", [0, 6, None])
def test_rating_must_be_1_to_5(rating: int | None) -> None:
    state = apply(new_complaint(at("2026-08-14"), CAL), Action.VERIFY, at("2026-08-18"), CAL,
                  agency="pln")  # fmt: skip
    state = apply(state, Action.FOLLOW_UP, at("2026-08-19"), CAL)
    with pytest.raises(RuleError):
        apply(state, Action.RATE, at("2026-08-20"), CAL, rating=rating)
