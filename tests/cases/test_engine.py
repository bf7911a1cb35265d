"""The case engine, rule by rule: a pure state machine over a process definition.

The calendar here is a fake with Monday-Friday working days and no holidays; working-day
deadlines keep the time of day (the real calendar rounds to the end of the day), so every
expected datetime below can be checked by hand against a 2026 calendar. 2 March 2026 is a
Monday.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Mapping
from dataclasses import FrozenInstanceError
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from sinergi.cases import engine
from sinergi.cases.engine import (
    Act,
    CaseClosed,
    CaseDecided,
    CaseState,
    CaseStatus,
    CitizenRevised,
    Claim,
    DeadlineShifted,
    DeemedGrantedTimeout,
    Effect,
    EngineError,
    Escalated,
    Event,
    Outcome,
    Reminded,
    StepActivated,
    StepClaimed,
    StepCompleted,
    StepSkipped,
    StepState,
    StepStatus,
    Timeout,
    WaitingOnCitizen,
    Withdraw,
    active_steps,
    advance,
    from_json,
    initial_state,
    next_due,
    plan_for,
    to_json,
)
from sinergi.catalog.definitions import Definition, Duration, StepKind, Unit, parse_definition

WIB = timezone(timedelta(hours=7))


def at(day: int, hour: int = 9, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


T0 = at(2, 9)  # Monday 2 March 2026, 09:00 WIB


class WeekdayCalendar:
    """Working days Monday-Friday, no holidays; times of day are kept."""

    def deadline(self, start: datetime, duration: Duration) -> datetime:
        if duration.unit is Unit.HOURS:
            return start + timedelta(hours=duration.amount)
        if duration.unit is Unit.CALENDAR_DAYS:
            return start + timedelta(days=duration.amount)
        day, left = start, duration.amount
        while left > 0:
            day += timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day

    def shift_for_pause(
        self, due: datetime, paused_from: datetime, paused_to: datetime, unit: Unit
    ) -> datetime:
        """Working days: by the weekdays in (date of paused_from, date of paused_to]."""
        if unit is Unit.WORKING_DAYS:
            first, last = paused_from.date(), paused_to.date()
            lost = sum(
                1 for n in range(1, (last - first).days + 1) if (first + timedelta(n)).weekday() < 5
            )
            return self.deadline(due, Duration(lost, unit))
        return due + (paused_to - paused_from)


CAL = WeekdayCalendar()


def wd(amount: int) -> dict[str, Any]:
    return {"amount": amount, "unit": "working_days"}


def define(steps: list[dict[str, Any]], **extra: Any) -> Definition:
    return parse_definition(
        {"service": "izin-test", "variant": "standar", "pattern": "satu_pintu", "steps": steps}
        | extra
    )


# a, b, c in sequence; then d and e in parallel (e only for high risk); then the join f.
PROCESS = define(
    [
        {"id": "a", "kind": "verify", "agency": "A", "sla": wd(1), "on_timeout": "remind"},
        {"id": "b", "kind": "assess", "agency": "B", "after": ["a"], "sla": wd(2),
         "on_timeout": "escalate"},
        {"id": "c", "kind": "recommend", "agency": "C", "after": ["b"], "sla": wd(3)},
        {"id": "d", "kind": "recommend", "agency": "D", "after": ["c"], "sla": wd(3)},
        {"id": "e", "kind": "recommend", "agency": "E", "after": ["c"], "sla": wd(2),
         "when": "risk_level == 'tinggi'"},
        {"id": "f", "kind": "decide", "agency": "F", "after": ["d", "e"], "sla": wd(5),
         "on_timeout": "deem_granted"},
    ],
    deemed_granted_after=wd(10),
)  # fmt: skip

HIGH = {"risk_level": "tinggi", "nib": "1234567890123"}
LOW = {"risk_level": "rendah", "nib": "1234567890123"}


def start(data: Mapping[str, Any] = HIGH, definition: Definition = PROCESS) -> CaseState:
    return initial_state(definition, data, T0, CAL)[0]


def step(
    state: CaseState, event: Event, now: datetime, definition: Definition = PROCESS
) -> tuple[CaseState, tuple[Effect, ...]]:
    """Advance and check the contract every successful event keeps."""
    before = to_json(state)
    new, effects = advance(definition, state, event, now, CAL)
    assert to_json(state) == before, "advance mutated its input"
    assert new.version == state.version + 1
    return new, effects


def done(state: CaseState, step_id: str, now: datetime, **data: Any) -> CaseState:
    kind = PROCESS.step(step_id).kind
    outcome = {
        StepKind.VERIFY: Outcome.APPROVE,
        StepKind.ASSESS: Outcome.DONE,
        StepKind.RECOMMEND: Outcome.RECOMMEND,
        StepKind.DECIDE: Outcome.APPROVE,
    }[kind]
    return step(state, Act(step_id, 7, outcome, data=data), now)[0]


def refused(
    state: CaseState, event: Event, now: datetime, definition: Definition = PROCESS
) -> EngineError:
    before = to_json(state)
    with pytest.raises(EngineError) as caught:
        advance(definition, state, event, now, CAL)
    assert to_json(state) == before
    return caught.value


def statuses(state: CaseState) -> dict[str, str]:
    return {sid: s.status.value for sid, s in state.steps.items()}


def through_c(data: Mapping[str, Any] = HIGH) -> CaseState:
    """a Mon 10:00, b Tue 10:00, c Wed 4 March 10:00: d (and e when high risk) are active."""
    state = done(start(data), "a", at(2, 10))
    state = done(state, "b", at(3, 10))
    return done(state, "c", at(4, 10))


# --------------------------------------------------------------------------- submission


def test_submission_activates_the_first_step_with_its_deadline() -> None:
    state, effects = initial_state(PROCESS, HIGH, T0, CAL)
    assert T0.weekday() == 0
    assert state.status is CaseStatus.IN_PROGRESS
    assert state.version == 1
    assert statuses(state) == {
        "a": "active", "b": "pending", "c": "pending", "d": "pending", "e": "pending",
        "f": "pending",
    }  # fmt: skip
    assert state.steps["a"] == StepState(
        status=StepStatus.ACTIVE, activated_at=T0, due_at=at(3, 9), next_timeout_at=at(3, 9)
    )
    assert effects == (StepActivated("a", "A", at(3, 9)),)
    assert state.submitted_at == state.complete_at == T0
    assert state.deemed_due_at == at(16, 9)  # 10 working days after Monday 2 March
    assert state.decided_at is None
    assert state.paused_since is None
    assert dict(state.data) == HIGH
    assert active_steps(state) == ("a",)
    assert next_due(state) == at(3, 9)


def test_submission_copies_the_data_it_is_given() -> None:
    data = dict(HIGH)
    state = start(data)
    data["risk_level"] = "rendah"
    assert state.data["risk_level"] == "tinggi"


def test_roots_with_false_conditions_are_skipped_and_the_skip_passes_on() -> None:
    definition = define(
        [
            {"id": "survey", "kind": "verify", "agency": "A", "when": "luas > 1000"},
            {"id": "check", "kind": "verify", "agency": "A"},
            {"id": "decide", "kind": "decide", "agency": "B", "after": ["survey"]},
        ]
    )
    state, effects = initial_state(definition, {"luas": 200}, T0, CAL)
    assert statuses(state) == {"survey": "skipped", "check": "active", "decide": "active"}
    assert effects == (
        StepSkipped("survey", "A", "condition"),
        StepActivated("check", "A", None),
        StepActivated("decide", "B", None),
    )


def test_a_case_whose_every_step_is_skipped_is_approved_at_once() -> None:
    definition = define([{"id": "x", "kind": "verify", "agency": "A", "when": "false"}])
    state, effects = initial_state(definition, {}, T0, CAL)
    assert state.status is CaseStatus.APPROVED
    assert state.decided_at == T0
    assert effects[-1] == CaseDecided(CaseStatus.APPROVED)


def test_naive_datetimes_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        initial_state(PROCESS, HIGH, datetime(2026, 3, 2, 9), CAL)


# --------------------------------------------------------------------------- the happy path


def test_sequence_then_parallel_branches_then_join_ends_approved() -> None:
    state, effects = step(start(), Act("a", 7, Outcome.APPROVE), at(2, 10))
    assert effects == (StepCompleted("a", "A", "approve", 7), StepActivated("b", "B", at(4, 10)))
    state, effects = step(state, Act("b", 8, Outcome.DONE, data={"fee": 50_000}), at(3, 10))
    assert effects == (StepCompleted("b", "B", "done", 8), StepActivated("c", "C", at(6, 10)))
    assert state.data["fee"] == 50_000
    state, effects = step(state, Act("c", 9, Outcome.RECOMMEND), at(4, 10))
    assert effects == (
        StepCompleted("c", "C", "recommend", 9),
        StepActivated("d", "D", at(9, 10)),  # Thu, Fri, Mon
        StepActivated("e", "E", at(6, 10)),  # Thu, Fri
    )
    assert active_steps(state) == ("d", "e")
    # the join waits for both branches
    state, effects = step(state, Act("e", 10, Outcome.RECOMMEND), at(5, 10))
    assert effects == (StepCompleted("e", "E", "recommend", 10),)
    assert state.steps["f"].status is StepStatus.PENDING
    state, effects = step(state, Act("d", 11, Outcome.RECOMMEND), at(5, 11))
    assert effects == (
        StepCompleted("d", "D", "recommend", 11),
        StepActivated("f", "F", at(12, 11)),
    )
    state, effects = step(
        state, Act("f", 12, Outcome.APPROVE, basis={"grant": 41, "by": "delegasi"}), at(6, 15)
    )
    assert effects == (
        StepCompleted("f", "F", "approve", 12),
        CaseDecided(CaseStatus.APPROVED, "", "f", 12),
    )
    assert state.status is CaseStatus.APPROVED
    assert state.decided_at == at(6, 15)
    assert state.version == 7
    assert state.steps["f"] == StepState(
        status=StepStatus.DONE,
        activated_at=at(5, 11),
        due_at=at(12, 11),
        done_at=at(6, 15),
        outcome="approve",
        actor=12,
        basis={"grant": 41, "by": "delegasi"},
    )
    assert active_steps(state) == ()
    assert next_due(state) is None


def test_a_false_condition_skips_the_branch_and_the_join_waits_only_for_the_other() -> None:
    state = done(start(LOW), "a", at(2, 10))
    state = done(state, "b", at(3, 10))
    state, effects = step(state, Act("c", 9, Outcome.RECOMMEND), at(4, 10))
    assert effects == (
        StepCompleted("c", "C", "recommend", 9),
        StepActivated("d", "D", at(9, 10)),
        StepSkipped("e", "E", "condition"),
    )
    assert state.steps["e"] == StepState(status=StepStatus.SKIPPED, done_at=at(4, 10))
    assert state.steps["f"].status is StepStatus.PENDING
    state, effects = step(state, Act("d", 11, Outcome.RECOMMEND), at(5, 10))
    assert effects[-1] == StepActivated("f", "F", at(12, 10))
    state = done(state, "f", at(6, 10))
    assert state.status is CaseStatus.APPROVED
    assert statuses(state)["e"] == "skipped"


def test_conditions_see_data_added_by_earlier_steps() -> None:
    state = done(start({"nib": "1"}), "a", at(2, 10))
    state = done(state, "b", at(3, 10), risk_level="tinggi")  # the assessment sets the risk
    state = done(state, "c", at(4, 10))
    assert active_steps(state) == ("d", "e")


def test_a_join_of_two_skipped_branches_still_runs_when_its_own_condition_holds() -> None:
    definition = define(
        [
            {"id": "x", "kind": "verify", "agency": "A", "when": "false"},
            {"id": "y", "kind": "verify", "agency": "A", "when": "false"},
            {"id": "z", "kind": "decide", "agency": "B", "after": ["x", "y"]},
        ]
    )
    state, _ = initial_state(definition, {}, T0, CAL)
    assert statuses(state) == {"x": "skipped", "y": "skipped", "z": "active"}


# --------------------------------------------------------------------------- outcomes by kind

ALLOWED = {
    "decide": {"approve", "reject", "return_for_revision"},
    "recommend": {"recommend", "return_for_revision"},
    "verify": {"approve", "reject", "return_for_revision"},
    "assess": {"done", "return_for_revision"},
    "pay": {"paid"},
    "issue": {"done"},
    "citizen": {"done"},
}


@pytest.mark.parametrize("kind", sorted(ALLOWED))
@pytest.mark.parametrize("outcome", list(Outcome))
def test_the_outcome_must_fit_the_step_kind(kind: str, outcome: Outcome) -> None:
    definition = define([{"id": "s", "kind": kind, "agency": "A"}])
    state = start({}, definition)
    event = Act("s", 7, outcome, reasons="Dokumen tidak sesuai")
    if outcome in ALLOWED[kind]:
        new, _ = advance(definition, state, event, at(2, 10), CAL)
        assert new.version == 2
    else:
        error = refused(state, event, at(2, 10), definition)
        assert error.rule == "outcome_not_allowed"
        assert error.violations[0].field == "outcome"


def test_an_outcome_given_as_text_is_read_and_unknown_text_refused() -> None:
    state = start()
    new, _ = step(state, Act("a", 7, "approve"), at(2, 10))  # type: ignore[arg-type]
    assert new.steps["a"].outcome == "approve"
    assert refused(state, Act("a", 7, "maybe"), at(2, 10)).rule == "outcome_not_allowed"  # type: ignore[arg-type]


# --------------------------------------------------------------------------- reject


@pytest.mark.parametrize("outcome", [Outcome.REJECT, Outcome.RETURN_FOR_REVISION])
@pytest.mark.parametrize("reasons", ["", "   \n"])
def test_refusing_or_returning_must_state_reasons(outcome: Outcome, reasons: str) -> None:
    error = refused(start(), Act("a", 7, outcome, reasons=reasons), at(2, 10))
    assert error.rule == "reasons_required"
    assert error.violations[0].field == "reasons"
    assert error.violations[0].article == "UU 30/2014 Pasal 55 ayat (1)"


def test_a_reject_with_reasons_decides_the_case() -> None:
    reasons = "Lokasi berada di kawasan lindung"
    state = done(done(through_c(), "d", at(5, 10)), "e", at(5, 11))
    state, effects = step(state, Act("f", 12, Outcome.REJECT, reasons=f"  {reasons}\n"), at(6, 10))
    assert effects == (
        StepCompleted("f", "F", "reject", 12),
        CaseDecided(CaseStatus.REJECTED, reasons, "f", 12),
    )
    assert state.status is CaseStatus.REJECTED
    assert state.decided_at == at(6, 10)
    assert state.steps["f"].status is StepStatus.REJECTED
    assert state.steps["f"].reasons == reasons
    assert state.steps["f"].done_at == at(6, 10)


def test_a_reject_while_parallel_steps_run_closes_them_as_skipped() -> None:
    definition = define(
        [
            {"id": "p", "kind": "verify", "agency": "P"},
            {"id": "q", "kind": "recommend", "agency": "Q"},
            {"id": "r", "kind": "recommend", "agency": "R"},
            {"id": "s", "kind": "decide", "agency": "S", "after": ["p", "q", "r"]},
        ]
    )
    state = start({}, definition)
    returned = Act("r", 3, Outcome.RETURN_FOR_REVISION, reasons="Foto buram")
    state, _ = step(state, returned, at(2, 10), definition)
    assert state.status is CaseStatus.WAITING_CITIZEN
    refusal = Act("p", 1, Outcome.REJECT, reasons="NIK tidak valid")
    state, effects = step(state, refusal, at(2, 11), definition)
    assert effects == (
        StepCompleted("p", "P", "reject", 1),
        StepSkipped("q", "Q", "closed"),
        StepSkipped("r", "R", "closed"),
        CaseDecided(CaseStatus.REJECTED, "NIK tidak valid", "p", 1),
    )
    assert statuses(state) == {"p": "rejected", "q": "skipped", "r": "skipped", "s": "pending"}
    assert state.paused_since is None
    assert state.decided_at == at(2, 11)


# --------------------------------------------------------------------------- claims


def test_a_claimed_step_belongs_to_its_official() -> None:
    state, effects = step(start(), Claim("a", 7), at(2, 9, 5))
    assert effects == (StepClaimed("a", "A", 7),)
    assert state.steps["a"].claimed_by == 7
    error = refused(state, Claim("a", 8), at(2, 9, 6))
    assert (error.rule, error.violations[0].field) == ("step_claimed", "step")
    assert refused(state, Act("a", 8, Outcome.APPROVE), at(2, 9, 6)).rule == "step_claimed"
    again, effects = step(state, Claim("a", 7), at(2, 9, 7))  # the holder again: no change
    assert effects == ()
    assert again.steps == state.steps
    state, effects = step(state, Act("a", 7, Outcome.APPROVE), at(2, 10))
    assert state.steps["a"].actor == 7


def test_an_unclaimed_step_can_be_acted_on_directly() -> None:
    state, _ = step(start(), Act("a", 8, Outcome.APPROVE), at(2, 10))
    assert state.steps["a"].actor == 8
    assert state.steps["a"].claimed_by is None


@pytest.mark.parametrize(
    ("event", "rule"),
    [
        (Claim("b", 7), "step_not_active"),
        (Claim("zz", 7), "step_unknown"),
        (Act("b", 7, Outcome.DONE), "step_not_active"),
        (Act("zz", 7, Outcome.DONE), "step_unknown"),
        (Timeout("b"), "step_not_active"),
        (Timeout("zz"), "step_unknown"),
        (CitizenRevised({"x": 1}), "not_waiting"),
    ],
)
def test_events_on_steps_that_cannot_take_them_are_refused(event: Event, rule: str) -> None:
    assert refused(start(), event, at(5, 10)).rule == rule


# --------------------------------------------------------------------------- closed cases


def _closed_cases() -> dict[str, CaseState]:
    rejected = step(start(), Act("a", 7, Outcome.REJECT, reasons="Palsu"), at(2, 10))[0]
    withdrawn = step(start(), Withdraw("Salah layanan"), at(2, 10))[0]
    deemed = step(start(), DeemedGrantedTimeout(), at(16, 9))[0]
    approved = done(done(done(through_c(), "d", at(5, 10)), "e", at(5, 11)), "f", at(6, 10))
    return {"rejected": rejected, "withdrawn": withdrawn, "deemed": deemed, "approved": approved}


CLOSED = _closed_cases()
ANY_EVENT: list[Event] = [
    Claim("a", 7),
    Act("a", 7, Outcome.APPROVE),
    Act("f", 7, Outcome.APPROVE),
    CitizenRevised({"x": 1}),
    Withdraw(),
    Timeout("a"),
    DeemedGrantedTimeout(),
]


@pytest.mark.parametrize("case", sorted(CLOSED))
@pytest.mark.parametrize("event", ANY_EVENT, ids=lambda e: type(e).__name__)
def test_a_closed_case_takes_no_event(case: str, event: Event) -> None:
    state = CLOSED[case]
    assert state.status.value in {"approved", "rejected", "withdrawn", "deemed_granted"}
    error = refused(state, event, at(30, 9))
    assert (error.rule, error.violations[0].field) == ("case_closed", "case")


def test_closed_cases_have_no_open_steps_and_a_decision_time() -> None:
    for state in CLOSED.values():
        assert active_steps(state) == ()
        assert state.decided_at is not None
        assert next_due(state) is None


# --------------------------------------------------------------------------- revision


def test_a_return_pauses_the_clock_and_the_revision_resumes_with_shifted_deadlines() -> None:
    state = through_c()
    assert state.steps["d"].due_at == at(9, 10)
    assert state.steps["e"].due_at == at(6, 10)
    reasons = "Lampirkan gambar situasi yang ditandatangani"
    state, effects = step(
        state,
        Act("d", 11, Outcome.RETURN_FOR_REVISION, reasons=reasons, data={"missing": ["situasi"]}),
        at(5, 9),  # Thursday
    )
    assert effects == (WaitingOnCitizen("d", reasons, "D", 11),)
    assert state.status is CaseStatus.WAITING_CITIZEN
    assert state.paused_since == at(5, 9)
    assert state.steps["d"].status is StepStatus.RETURNED
    assert state.data["missing"] == ["situasi"]
    assert next_due(state) is None  # nothing comes due while the clock is paused
    assert refused(state, Timeout("e"), at(7, 9)).rule == "not_due"
    assert refused(state, DeemedGrantedTimeout(), at(30, 9)).rule == "not_due"
    assert refused(state, Act("d", 11, Outcome.RECOMMEND), at(6, 9)).rule == "step_not_active"

    # the citizen revises on Monday 9 March: Fri 6 and Mon 9 were lost (Thu 5 is the pause's start)
    state, effects = step(state, CitizenRevised({"situasi": "doc-991"}), at(9, 9))
    assert effects == (
        StepActivated("d", "D", at(12, 9)),  # fresh: Tue, Wed, Thu
        DeadlineShifted("e", "E", at(10, 10)),  # Fri 6 10:00 + 2 working days
    )
    assert state.status is CaseStatus.IN_PROGRESS
    assert state.paused_since is None
    assert state.steps["d"] == StepState(
        status=StepStatus.ACTIVE, activated_at=at(9, 9), due_at=at(12, 9), next_timeout_at=at(12, 9)
    )
    assert state.steps["e"].due_at == state.steps["e"].next_timeout_at == at(10, 10)
    assert state.steps["e"].activated_at == at(4, 10)
    assert state.complete_at == T0  # a recommending agency returned it: the file was complete
    assert state.deemed_due_at == at(18, 9)  # Mon 16 + 2 working days
    assert state.data["situasi"] == "doc-991"
    assert state.data["missing"] == ["situasi"]
    assert next_due(state) == at(10, 10)


def test_a_completeness_check_that_returns_the_file_restarts_the_fiktif_positif_clock() -> None:
    state, _ = step(start(), Claim("a", 7), at(2, 9, 30))
    state, _ = step(
        state, Act("a", 7, Outcome.RETURN_FOR_REVISION, reasons="KTP tidak terbaca"), at(2, 10)
    )
    state, effects = step(state, CitizenRevised({"ktp": "scan-2"}), at(4, 14))
    assert effects == (StepActivated("a", "A", at(5, 14)),)
    assert state.complete_at == at(4, 14)
    assert state.deemed_due_at == at(18, 14)  # 10 working days from the complete file
    assert state.steps["a"].claimed_by == 7  # the same official takes the revision back


def test_other_agencies_keep_working_while_the_case_waits() -> None:
    state = through_c()
    state, _ = step(state, Act("e", 10, Outcome.RETURN_FOR_REVISION, reasons="Peta"), at(5, 9))
    state, effects = step(state, Act("d", 11, Outcome.RECOMMEND), at(6, 9))
    assert effects == (StepCompleted("d", "D", "recommend", 11),)
    assert state.status is CaseStatus.WAITING_CITIZEN  # still waiting on e's revision
    state, _ = step(state, CitizenRevised(), at(9, 9))
    state, effects = step(state, Act("e", 10, Outcome.RECOMMEND), at(9, 12))
    assert effects[-1] == StepActivated("f", "F", at(16, 12))


def test_a_step_activated_during_the_pause_starts_its_clock_at_the_revision() -> None:
    definition = define(
        [
            {"id": "p", "kind": "verify", "agency": "P", "sla": wd(1)},
            {"id": "q", "kind": "recommend", "agency": "Q", "sla": wd(1)},
            {"id": "r", "kind": "recommend", "agency": "R", "after": ["q"], "sla": wd(2)},
        ]
    )
    state = start({}, definition)
    returned = Act("p", 1, Outcome.RETURN_FOR_REVISION, reasons="Ulang")
    state, _ = step(state, returned, at(2, 10), definition)
    state, effects = step(state, Act("q", 2, Outcome.RECOMMEND), at(3, 10), definition)
    assert effects[-1] == StepActivated("r", "R", at(5, 10))
    state, effects = step(state, CitizenRevised(), at(6, 10), definition)
    assert effects == (
        StepActivated("p", "P", at(9, 10)),
        DeadlineShifted("r", "R", at(10, 10)),  # two working days from Friday
    )


def test_revision_is_refused_unless_the_case_waits() -> None:
    error = refused(start(), CitizenRevised({"x": 1}), at(2, 10))
    assert (error.rule, error.violations[0].field) == ("not_waiting", "case")


# --------------------------------------------------------------------------- timeouts


def test_remind_then_escalate_to_the_head_then_to_the_coordinator() -> None:
    state = start()  # a is due Tuesday 3 March 09:00, on_timeout remind
    assert refused(state, Timeout("a"), at(3, 8, 59)).rule == "not_due"
    state, effects = step(state, Timeout("a"), at(3, 9))
    assert effects == (Reminded("a", "A", at(3, 9)),)
    assert state.steps["a"].reminded is True
    assert state.steps["a"].escalation == 0
    assert next_due(state) == at(4, 9)  # one working day to react to the reminder
    assert refused(state, Timeout("a"), at(3, 18)).rule == "not_due"
    state, effects = step(state, Timeout("a"), at(4, 9))
    assert effects == (Escalated("a", "A", "agency_head", at(3, 9)),)
    assert state.steps["a"].escalation == 1
    state, effects = step(state, Timeout("a"), at(5, 9))
    assert effects == (Escalated("a", "A", "coordinator", at(3, 9)),)
    assert state.steps["a"].escalation == 2
    assert state.steps["a"].next_timeout_at is None
    assert next_due(state) == at(16, 9)  # only the fiktif-positif deadline is left
    error = refused(state, Timeout("a"), at(20, 9))
    assert (error.rule, error.violations[0].field) == ("already_escalated", "step")
    assert state.steps["a"].due_at == at(3, 9)  # the SLA deadline itself never moves


def test_an_escalating_step_goes_to_the_head_on_its_first_timeout() -> None:
    state = done(start(), "a", at(2, 10))  # b: due Wed 4 March 10:00, on_timeout escalate
    state, effects = step(state, Timeout("b"), at(4, 10))
    assert effects == (Escalated("b", "B", "agency_head", at(4, 10)),)
    assert state.steps["b"].reminded is False
    state, effects = step(state, Timeout("b"), at(5, 10))
    assert effects == (Escalated("b", "B", "coordinator", at(4, 10)),)
    assert refused(state, Timeout("b"), at(6, 10)).rule == "already_escalated"


def test_a_deciding_step_that_stays_silent_is_deemed_granted() -> None:
    state = done(done(through_c(), "d", at(5, 10)), "e", at(5, 11))  # f due Thu 12 March 11:00
    state, _ = step(state, Claim("f", 12), at(6, 9))
    assert refused(state, Timeout("f"), at(12, 10, 59)).rule == "not_due"
    state, effects = step(state, Timeout("f"), at(12, 11))
    assert effects == (
        StepCompleted("f", "F", "deemed_granted", None),
        CaseDecided(CaseStatus.DEEMED_GRANTED, "", "f", None),
    )
    assert state.status is CaseStatus.DEEMED_GRANTED
    assert state.decided_at == at(12, 11)
    assert state.steps["f"].outcome == "deemed_granted"
    assert state.steps["f"].actor is None


def test_a_silent_recommendation_is_deemed_given_and_the_process_goes_on() -> None:
    definition = define(
        [
            {"id": "rec", "kind": "recommend", "agency": "R", "sla": {"amount": 48,
             "unit": "hours"}, "on_timeout": "deem_granted"},
            {"id": "dec", "kind": "decide", "agency": "D", "after": ["rec"]},
        ]
    )  # fmt: skip
    state = start({}, definition)
    assert state.steps["rec"].due_at == at(4, 9)
    state, effects = step(state, Timeout("rec"), at(4, 9, 1), definition)
    assert effects == (
        StepCompleted("rec", "R", "deemed_granted", None),
        StepActivated("dec", "D", None),
    )
    assert state.status is CaseStatus.IN_PROGRESS


def test_a_step_without_sla_never_times_out() -> None:
    definition = define([{"id": "x", "kind": "decide", "agency": "A"}])
    state = start({}, definition)
    assert next_due(state) is None
    assert refused(state, Timeout("x"), at(30, 9), definition).rule == "not_due"


def test_the_application_is_deemed_granted_only_once_its_period_ran_out() -> None:
    state = done(start(), "a", at(2, 10))
    assert state.deemed_due_at == at(16, 9)
    error = refused(state, DeemedGrantedTimeout(), at(16, 8, 59))
    assert (error.rule, error.violations[0].field) == ("not_due", "case")
    assert error.violations[0].article == "UU 30/2014 Pasal 53"
    state, effects = step(state, DeemedGrantedTimeout(), at(16, 9))
    assert effects == (StepSkipped("b", "B", "closed"), CaseDecided(CaseStatus.DEEMED_GRANTED))
    assert state.status is CaseStatus.DEEMED_GRANTED
    assert state.decided_at == at(16, 9)
    assert statuses(state) == {
        "a": "done", "b": "skipped", "c": "pending", "d": "pending", "e": "pending",
        "f": "pending",
    }  # fmt: skip


def test_without_a_fiktif_positif_period_the_case_is_never_deemed_granted() -> None:
    definition = define([{"id": "x", "kind": "decide", "agency": "A"}])
    state = start({}, definition)
    assert state.deemed_due_at is None
    assert refused(state, DeemedGrantedTimeout(), at(1, 9, month=12), definition).rule == "not_due"


# --------------------------------------------------------------------------- withdraw


def test_the_citizen_may_withdraw_an_open_case() -> None:
    state = through_c()
    state, _ = step(state, Act("d", 11, Outcome.RETURN_FOR_REVISION, reasons="Peta"), at(5, 9))
    state, effects = step(state, Withdraw("Usaha batal"), at(6, 9))
    assert effects == (
        StepSkipped("d", "D", "closed"),
        StepSkipped("e", "E", "closed"),
        CaseClosed("Usaha batal"),
    )
    assert state.status is CaseStatus.WITHDRAWN
    assert state.paused_since is None
    assert state.decided_at == at(6, 9)
    assert statuses(state)["f"] == "pending"


# --------------------------------------------------------------------------- versions, JSON


def test_every_accepted_event_increments_the_version_and_refusals_leave_it() -> None:
    state = start()
    versions = [state.version]
    events: list[tuple[Event, datetime]] = [
        (Claim("a", 7), at(2, 9, 1)),
        (Timeout("a"), at(3, 9)),
        (Act("a", 7, Outcome.RETURN_FOR_REVISION, reasons="x"), at(3, 10)),
        (CitizenRevised(), at(3, 11)),
        (Act("a", 7, Outcome.APPROVE), at(3, 12)),
        (Withdraw(), at(3, 13)),
    ]
    for event, when in events:
        state, _ = advance(PROCESS, state, event, when, CAL)
        versions.append(state.version)
    assert versions == [1, 2, 3, 4, 5, 6, 7]


def test_state_round_trips_through_json_exactly() -> None:
    jakarta_summer = timezone(timedelta(hours=8))  # a different offset survives too
    state = through_c()
    state, _ = step(state, Claim("d", 11), at(5, 8))
    state, _ = step(
        state,
        Act("e", 10, Outcome.RECOMMEND, reasons="Sesuai RTRW", basis={"grant_id": 5, "path": [1]}),
        at(5, 9),
    )
    returned = Act("d", 11, Outcome.RETURN_FOR_REVISION, reasons="Peta")
    state, _ = step(state, returned, datetime(2026, 3, 5, 12, tzinfo=jakarta_summer))
    assert type(to_json(state)["steps"]["e"]["outcome"]) is str
    raw = json.loads(json.dumps(to_json(state)))
    assert raw["paused_since"] == "2026-03-05T12:00:00+08:00"
    assert raw["steps"]["a"]["activated_at"] == "2026-03-02T09:00:00+07:00"
    back = from_json(raw)
    assert back == state
    assert to_json(back) == to_json(state)
    assert back.steps["e"].basis == {"grant_id": 5, "path": [1]}
    assert back.status is CaseStatus.WAITING_CITIZEN
    assert back.steps["d"].status is StepStatus.RETURNED
    for closed in CLOSED.values():
        assert from_json(json.loads(json.dumps(to_json(closed)))) == closed


def test_the_engine_can_continue_from_a_state_loaded_from_json() -> None:
    state = from_json(json.loads(json.dumps(to_json(through_c()))))
    state, effects = step(state, Act("d", 11, Outcome.RECOMMEND), at(5, 10))
    assert effects == (StepCompleted("d", "D", "recommend", 11),)


# --------------------------------------------------------------------------- definitions


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([{"id": "x", "kind": "verify", "agency": "A"}] * 2, "used twice"),
        ([{"id": "x", "kind": "verify", "agency": "A", "after": ["nope"]}], "not a step"),
        (
            [
                {"id": "x", "kind": "verify", "agency": "A", "after": ["y"]},
                {"id": "y", "kind": "verify", "agency": "A", "after": ["x"]},
            ],
            "wait on each other",
        ),
    ],
)
def test_definitions_the_engine_cannot_run_are_refused(
    steps: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(EngineError, match=message) as caught:
        initial_state(define(steps), {}, T0, CAL)
    assert caught.value.rule == "definition_invalid"


def test_the_plan_is_built_once_per_definition() -> None:
    assert plan_for(PROCESS) is plan_for(PROCESS)
    twin = define([{"id": "x", "kind": "verify", "agency": "A"}])
    assert plan_for(twin) is not plan_for(PROCESS)
    assert plan_for(twin).successors == {"x": ()}


def test_the_plan_cache_forgets_a_definition_once_it_is_gone() -> None:
    twin = define([{"id": "x", "kind": "verify", "agency": "A"}])
    key = id(twin)
    plan_for(twin)
    assert key in engine._PLANS
    plan_for(PROCESS)  # the one-entry fast path lets go of the twin
    del twin
    gc.collect()
    assert key not in engine._PLANS


def test_states_and_effects_built_by_the_engine_are_frozen() -> None:
    state, effects = step(through_c(), Act("d", 11, Outcome.RECOMMEND), at(5, 10))
    with pytest.raises(FrozenInstanceError):
        state.version = 99  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        state.steps["d"].status = StepStatus.ACTIVE  # type: ignore[misc]
    completed = effects[0]
    assert isinstance(completed, StepCompleted)
    with pytest.raises(FrozenInstanceError):
        completed.step_id = "x"  # type: ignore[misc]
    assert completed == StepCompleted("d", "D", "recommend", 11)
    assert hash(completed) == hash(StepCompleted("d", "D", "recommend", 11))


# --------------------------------------------------------------------------- properties

PASSED = {StepStatus.DONE, StepStatus.SKIPPED}
FINAL = {StepStatus.DONE, StepStatus.SKIPPED, StepStatus.REJECTED}
ALLOWED_MOVES = {
    StepStatus.PENDING: {StepStatus.PENDING, StepStatus.ACTIVE, StepStatus.SKIPPED},
    StepStatus.ACTIVE: set(StepStatus) - {StepStatus.PENDING},
    StepStatus.RETURNED: {StepStatus.RETURNED, StepStatus.ACTIVE, StepStatus.SKIPPED},
}

RANDOM_PROCESS = define(
    [
        {"id": "a", "kind": "verify", "agency": "A", "sla": wd(1), "on_timeout": "remind"},
        {"id": "b", "kind": "assess", "agency": "B", "after": ["a"], "sla": wd(2),
         "on_timeout": "escalate"},
        {"id": "c", "kind": "recommend", "agency": "C", "after": ["b"],
         "sla": {"amount": 8, "unit": "hours"}, "on_timeout": "deem_granted"},
        {"id": "d", "kind": "recommend", "agency": "D", "after": ["c"], "sla": wd(3)},
        {"id": "e", "kind": "recommend", "agency": "E", "after": ["c"], "sla": wd(2),
         "when": "risk_level == 'tinggi'"},
        {"id": "e2", "kind": "verify", "agency": "E", "after": ["e"]},
        {"id": "f", "kind": "decide", "agency": "F", "after": ["d", "e2"], "sla": wd(5),
         "on_timeout": "deem_granted"},
        {"id": "g", "kind": "pay", "agency": "F", "after": ["f"],
         "sla": {"amount": 3, "unit": "calendar_days"}},
        {"id": "h", "kind": "issue", "agency": "F", "after": ["g"]},
    ],
    deemed_granted_after=wd(15),
)  # fmt: skip
STEP_IDS = st.sampled_from([*RANDOM_PROCESS.step_ids, "zz"])
OFFICIALS = st.integers(1, 3)


class CaseMachine(RuleBasedStateMachine):
    """Random event sequences, valid or not, never break the state's invariants."""

    def __init__(self) -> None:
        super().__init__()
        self.now = T0
        self.state: CaseState | None = None

    @rule(risk=st.sampled_from(["tinggi", "rendah"]))
    @precondition(lambda self: self.state is None)
    def submit(self, risk: str) -> None:
        self.state, _ = initial_state(RANDOM_PROCESS, {"risk_level": risk}, self.now, CAL)

    def apply(self, event: Event) -> None:
        old = self.state
        assert old is not None
        before = to_json(old)
        try:
            new, effects = advance(RANDOM_PROCESS, old, event, self.now, CAL)
        except EngineError as error:
            refusal: str | None = error.rule
        else:
            refusal = None
        assert to_json(old) == before, "advance mutated its input"
        was_open = old.status in {CaseStatus.IN_PROGRESS, CaseStatus.WAITING_CITIZEN}
        if refusal is not None:
            assert (refusal == "case_closed") == (not was_open)
            return
        assert was_open
        assert new.version == old.version + 1
        assert new.submitted_at == old.submitted_at
        assert set(old.data) <= set(new.data)
        for sid, before_step in old.steps.items():
            after_step = new.steps[sid]
            if before_step.status in FINAL:
                assert after_step == before_step, f"{sid} changed after it was final"
            else:
                assert after_step.status in ALLOWED_MOVES[before_step.status], sid
        if new.status not in {CaseStatus.IN_PROGRESS, CaseStatus.WAITING_CITIZEN}:
            assert any(isinstance(e, (CaseDecided, CaseClosed)) for e in effects)
        self.state = new

    @rule(hours=st.integers(0, 72))
    def tick(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule(step_id=STEP_IDS, official=OFFICIALS)
    @precondition(lambda self: self.state is not None)
    def claim(self, step_id: str, official: int) -> None:
        self.apply(Claim(step_id, official))

    @rule(
        step_id=STEP_IDS,
        official=OFFICIALS,
        outcome=st.sampled_from(Outcome),
        reasons=st.sampled_from(["", "Berkas kurang"]),
        risk=st.sampled_from([None, "tinggi", "rendah"]),
    )
    @precondition(lambda self: self.state is not None)
    def act(self, step_id: str, official: int, outcome: Outcome, reasons: str, risk: str) -> None:
        data = {"risk_level": risk} if risk else {}
        self.apply(Act(step_id, official, outcome, reasons, data))

    @rule(
        pick=st.integers(0, 5),
        choice=st.integers(0, 9),
        official=OFFICIALS,
        risk=st.sampled_from([None, "tinggi", "rendah"]),
    )
    @precondition(lambda self: self.state is not None)
    def act_on_an_active_step(self, pick: int, choice: int, official: int, risk: str) -> None:
        """Mostly valid acts: an active step, an outcome its kind allows, reasons given."""
        assert self.state is not None
        ids = active_steps(self.state)
        if not ids:
            return
        sid = ids[pick % len(ids)]
        allowed = sorted(ALLOWED[RANDOM_PROCESS.step(sid).kind])
        forward = [o for o in allowed if o not in {"reject", "return_for_revision"}]
        outcome = Outcome(forward[0] if choice < 7 else allowed[choice % len(allowed)])
        data = {"risk_level": risk} if risk else {}
        self.apply(Act(sid, official, outcome, "Alasan tertulis", data))

    @rule()
    @precondition(lambda self: self.state is not None)
    def revise(self) -> None:
        self.apply(CitizenRevised({"revised": True}))

    @rule(step_id=STEP_IDS)
    @precondition(lambda self: self.state is not None)
    def timeout(self, step_id: str) -> None:
        self.apply(Timeout(step_id))

    @rule()
    @precondition(lambda self: self.state is not None)
    def sweep(self) -> None:
        """What the sweeper does: jump to the next due moment and send the timeout."""
        assert self.state is not None
        due = next_due(self.state)
        if due is None:
            return
        self.now = max(self.now, due)
        for sid, s in self.state.steps.items():
            if s.status is StepStatus.ACTIVE and s.next_timeout_at == due:
                self.apply(Timeout(sid))
                return
        assert due == self.state.deemed_due_at
        self.apply(DeemedGrantedTimeout())

    @rule()
    @precondition(lambda self: self.state is not None)
    def deemed(self) -> None:
        self.apply(DeemedGrantedTimeout())

    @rule()
    @precondition(
        lambda self: (
            self.state is not None
            and (
                self.state.version % 9 == 8
                or (self.state.status is CaseStatus.WAITING_CITIZEN and self.state.version % 2 == 0)
            )
        )
    )
    def withdraw(self) -> None:
        self.apply(Withdraw("bosan"))

    @invariant()
    def consistent(self) -> None:
        state = self.state
        if state is None:
            return
        plan = plan_for(RANDOM_PROCESS)
        open_case = state.status in {CaseStatus.IN_PROGRESS, CaseStatus.WAITING_CITIZEN}
        returned = [s for s in state.steps.values() if s.status is StepStatus.RETURNED]
        assert (state.status is CaseStatus.WAITING_CITIZEN) == bool(returned)
        assert (state.status is CaseStatus.WAITING_CITIZEN) == (state.paused_since is not None)
        assert (state.decided_at is None) == open_case
        if not open_case:
            assert active_steps(state) == ()
            assert next_due(state) is None
        if state.status is CaseStatus.APPROVED:
            assert all(s.status in PASSED for s in state.steps.values())
        rejected = [s for s in state.steps.values() if s.status is StepStatus.REJECTED]
        assert len(rejected) == (1 if state.status is CaseStatus.REJECTED else 0)
        for sid, s in state.steps.items():
            definition_step = plan.steps[sid]
            deps_passed = all(state.steps[d].status in PASSED for d in definition_step.after)
            assert 0 <= s.escalation <= 2
            if s.status in {StepStatus.ACTIVE, StepStatus.RETURNED}:
                assert deps_passed
                assert s.activated_at is not None
                assert (s.due_at is None) == (definition_step.sla is None)
            if s.status is StepStatus.ACTIVE:
                assert s.outcome is None
            if s.status in {StepStatus.DONE, StepStatus.REJECTED}:
                assert s.outcome is not None
                assert s.done_at is not None
            if s.status is StepStatus.PENDING and open_case:
                assert not deps_passed, f"{sid} is reachable but was left pending"
        assert from_json(json.loads(json.dumps(to_json(state)))) == state
        due = next_due(state)
        if due is not None:
            assert state.status is CaseStatus.IN_PROGRESS
            alarms = [
                s.next_timeout_at
                for s in state.steps.values()
                if s.status is StepStatus.ACTIVE and s.next_timeout_at is not None
            ]
            assert due == min([*alarms, *([state.deemed_due_at] if state.deemed_due_at else [])])


CaseMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestCaseMachine = CaseMachine.TestCase
