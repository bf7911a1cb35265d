"""The pure rules of coordination, table-driven, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from sinergi.cases.calendar import JAKARTA, default_calendar
from sinergi.coordination import bodies, continuum, indicators, readiness, voting
from sinergi.coordination.escalation import Level, level_at
from sinergi.rules import RuleError

C = continuum.RelationType
Y, N, A = voting.Choice.YES, voting.Choice.NO, voting.Choice.ABSTAIN
FOUR = {"pmk", "pu", "bappenas", "kemendes"}


# --- Perry 6 (2004): three categories, nine types -------------------------------------------


@pytest.mark.parametrize(
    ("relation", "category"),
    [
        (C.TAKING_INTO_ACCOUNT, continuum.Category.COORDINATION),
        (C.DIALOGUE, continuum.Category.COORDINATION),
        (C.JOINT_PLANNING, continuum.Category.COORDINATION),
        (C.JOINT_WORKING, continuum.Category.INTEGRATION),
        (C.JOINT_VENTURE, continuum.Category.INTEGRATION),
        (C.SATELLITE, continuum.Category.INTEGRATION),
        (C.STRATEGIC_ALLIANCE, continuum.Category.CLOSE_INVOLVEMENT),
        (C.UNION, continuum.Category.CLOSE_INVOLVEMENT),
        (C.MERGER, continuum.Category.CLOSE_INVOLVEMENT),
    ],
)
def test_perry_6_places_each_of_the_nine_types_in_one_of_three_categories(
    relation: continuum.RelationType, category: continuum.Category
) -> None:
    assert continuum.category_of(relation) is category


def test_perry_6_continuum_has_nine_types_each_with_a_definition() -> None:
    assert len(continuum.ORDER) == 9
    assert set(continuum.DEFINITIONS) == set(C)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (C.DIALOGUE, C.JOINT_WORKING, continuum.Direction.CLOSER),
        (C.MERGER, C.UNION, continuum.Direction.LOOSER),
        (C.TAKING_INTO_ACCOUNT, C.MERGER, continuum.Direction.CLOSER),
    ],
)
def test_a_move_along_the_continuum_is_closer_or_looser(
    old: continuum.RelationType, new: continuum.RelationType, expected: continuum.Direction
) -> None:
    assert continuum.check_move(old, new, "joint secretariat") is expected


def test_a_move_that_does_not_move_or_gives_no_reason_is_refused() -> None:
    with pytest.raises(RuleError) as caught:
        continuum.check_move(C.DIALOGUE, C.DIALOGUE, "  ")
    assert [v.rule for v in caught.value.violations] == ["relation_unchanged", "reason_required"]


# --- Collegiate decisions: one agency, one vote ----------------------------------------------


@pytest.mark.parametrize(
    ("members", "percent", "needed"),
    [(4, 50, 2), (5, 50, 3), (13, 50, 7), (3, 100, 3), (4, 1, 1), (10, 67, 7)],
)
def test_the_quorum_is_a_share_of_voting_members_rounded_up(
    members: int, percent: int, needed: int
) -> None:
    assert voting.quorum_needed(members, percent) == needed


@pytest.mark.parametrize(
    ("rule", "votes", "outcome"),
    [
        # musyawarah untuk mufakat: no one against, at least one for; abstentions do not block
        (voting.DecisionRule.CONSENSUS, {"pu": Y, "bappenas": Y, "kemendes": A}, "adopted"),
        (voting.DecisionRule.CONSENSUS, {"pu": Y, "bappenas": Y, "kemendes": N}, "rejected"),
        (voting.DecisionRule.CONSENSUS, {"pu": A, "bappenas": A}, "rejected"),
        # quorum 50 % of 4 = 2: one vote is not enough, even unanimous
        (voting.DecisionRule.CONSENSUS, {"pu": Y}, "no_quorum"),
        (voting.DecisionRule.SIMPLE_MAJORITY, {"pu": Y, "bappenas": Y, "kemendes": N}, "adopted"),
        (voting.DecisionRule.SIMPLE_MAJORITY, {"pu": Y, "bappenas": N}, "rejected"),
        (voting.DecisionRule.SIMPLE_MAJORITY, {"pu": Y, "bappenas": A, "kemendes": A}, "adopted"),
        # absolute majority counts all four voting members: 2 of 4 is not more than half
        (voting.DecisionRule.ABSOLUTE_MAJORITY, {"pu": Y, "bappenas": Y, "pmk": A}, "rejected"),
        (voting.DecisionRule.ABSOLUTE_MAJORITY, {"pu": Y, "bappenas": Y, "pmk": Y}, "adopted"),
        (voting.DecisionRule.TWO_THIRDS, {"pu": Y, "bappenas": Y, "kemendes": N}, "adopted"),
        (voting.DecisionRule.TWO_THIRDS, {"pu": Y, "bappenas": N, "pmk": A}, "rejected"),
        # a vote by an agency that is not a voting member is not counted
        (voting.DecisionRule.CONSENSUS, {"pu": Y, "outsider": N}, "no_quorum"),
    ],
)
def test_the_tally_follows_the_body_s_rule(
    rule: voting.DecisionRule, votes: dict[str, voting.Choice], outcome: str
) -> None:
    assert voting.tally(rule, 50, FOUR, votes).outcome.value == outcome


def test_the_tally_counts_for_against_and_abstentions() -> None:
    result = voting.tally(
        voting.DecisionRule.CONSENSUS, 50, FOUR, {"pu": Y, "pmk": Y, "bappenas": A}
    )
    assert (result.yes, result.no, result.abstain, result.voters, result.quorum) == (2, 0, 1, 4, 2)


@pytest.mark.parametrize(
    ("agency", "already", "is_open", "rule"),
    [
        ("outsider", set(), True, "not_a_voting_member"),
        ("pu", {"pu"}, True, "already_voted"),
        ("pu", set(), False, "proposal_closed"),
    ],
)
def test_a_vote_that_may_not_be_cast_is_refused(
    agency: str, already: set[str], is_open: bool, rule: str
) -> None:
    with pytest.raises(RuleError) as caught:
        voting.check_vote(agency=agency, voters=FOUR, already_voted=already, is_open=is_open)
    assert caught.value.violations[0].rule == rule


# --- Shared indicators -------------------------------------------------------------------------

D = Decimal
WEIGHTS = {"pu": D(1), "kemendes": D(1)}


def reports(*rows: tuple[str, str, str]) -> list[indicators.Report]:
    return [indicators.Report(a, p, D(v)) for a, p, v in rows]


def test_a_cumulative_sum_adds_each_agency_s_contribution_to_the_running_total() -> None:
    points = indicators.series(
        method=indicators.Method.SUM, cumulative=True, baseline=D(100), target=D(1100),
        weights=WEIGHTS, periods=["2024", "2025", "2026"],
        reports=reports(("pu", "2024", "200"), ("kemendes", "2024", "300"), ("pu", "2025", "100")),
    )  # fmt: skip
    assert [(p.period, p.value, p.progress) for p in points] == [
        ("2024", D("600.00"), D("50.0")),
        ("2025", D("700.00"), D("60.0")),
    ]
    assert points[1].missing == ("kemendes",)


def test_a_weighted_average_counts_each_agency_by_its_weight() -> None:
    points = indicators.series(
        method=indicators.Method.WEIGHTED_AVERAGE, cumulative=False, baseline=D(40),
        target=D(90), weights={"bappenas": D(2), "kemendes": D(1)}, periods=["2024"],
        reports=reports(("bappenas", "2024", "70"), ("kemendes", "2024", "40")),
    )  # fmt: skip
    assert points[0].value == D("60.00")  # (2*70 + 40) / 3
    assert points[0].progress == D("40.0")  # (60 - 40) / (90 - 40)


def test_minimum_takes_the_weakest_agency_and_ignores_non_contributors() -> None:
    points = indicators.series(
        method=indicators.Method.MINIMUM, cumulative=False, baseline=D(0), target=D(100),
        weights=WEIGHTS, periods=["2024"],
        reports=reports(("pu", "2024", "80"), ("kemendes", "2024", "65"), ("x", "2024", "1")),
    )  # fmt: skip
    assert points[0].value == D("65.00")
    assert dict(points[0].contributions) == {"kemendes": D(65), "pu": D(80)}


@pytest.mark.parametrize(
    ("agency", "period", "rules"),
    [
        ("kemendes", "2024", ["report_for_another_agency"]),
        ("bappenas", "2024", ["not_a_contributor"]),
        ("pu", "2031", ["unknown_period"]),
    ],
)
def test_an_agency_reports_only_its_own_contribution_for_a_known_period(
    agency: str, period: str, rules: list[str]
) -> None:
    with pytest.raises(RuleError) as caught:
        indicators.check_report(
            agency=agency, caller_agencies={"pu", "bappenas"}, contributors=WEIGHTS,
            period=period, periods=["2024", "2025"], value=D(1),
        )  # fmt: skip
    assert [v.rule for v in caught.value.violations] == rules


# --- Readiness: the APSC's four prerequisites and three challenges ---------------------------


def test_the_questionnaire_covers_four_prerequisites_and_three_challenges() -> None:
    assert len(readiness.PREREQUISITES) == 4
    assert len(readiness.CHALLENGES) == 3
    for dimension in readiness.DIMENSIONS:
        assert sum(1 for d, _ in readiness.QUESTIONS.values() if d is dimension) == 3


def test_scores_map_the_mean_rating_to_0_100_and_gaps_come_weakest_first() -> None:
    answers: dict[str, object] = dict.fromkeys(readiness.QUESTIONS, 5)
    answers.update({"ld1": 1, "ld2": 2, "ld3": 3, "hc1": 3, "hc2": 3, "hc3": 3})
    result = readiness.score(answers)
    assert result.scores[readiness.Dimension.LEADERSHIP] == D("25.0")  # mean 2
    assert result.scores[readiness.Dimension.CAPACITY] == D("50.0")  # mean 3
    assert result.scores[readiness.Dimension.CULTURE_AND_PHILOSOPHY] == D("100.0")
    assert result.gaps == (readiness.Dimension.LEADERSHIP, readiness.Dimension.CAPACITY)
    assert result.overall == D("82.1")  # (5 * 100 + 25 + 50) / 7


@pytest.mark.parametrize(
    ("change", "rule"),
    [({"cp1": 6}, "answer_out_of_range"), ({"cp1": True}, "answer_out_of_range"),
     ({"zz9": 3}, "unknown_question")],
)  # fmt: skip
def test_a_questionnaire_with_a_bad_answer_is_refused(change: dict[str, object], rule: str) -> None:
    answers: dict[str, object] = dict.fromkeys(readiness.QUESTIONS, 3)
    answers.update(change)
    with pytest.raises(RuleError) as caught:
        readiness.score(answers)
    assert [v.rule for v in caught.value.violations] == [rule]


def test_an_incomplete_questionnaire_names_every_missing_answer() -> None:
    answers = dict.fromkeys(list(readiness.QUESTIONS)[2:], 3)
    with pytest.raises(RuleError) as caught:
        readiness.score(answers)
    assert [v.field for v in caught.value.violations] == ["answers.cp1", "answers.cp2"]


# --- Bodies ------------------------------------------------------------------------------------


def test_a_task_force_is_temporary_with_a_mandate_and_a_legal_basis() -> None:
    with pytest.raises(RuleError) as caught:
        bodies.check_body(
            kind=bodies.BodyKind.TASK_FORCE, name="Satgas", mandate="", legal_basis="",
            start=date(2026, 1, 1), end=None,
        )  # fmt: skip
    assert [v.rule for v in caught.value.violations] == [
        "task_force_needs_end",
        "task_force_needs_mandate",
        "task_force_needs_legal_basis",
    ]


def test_a_forum_needs_no_end_but_an_end_must_follow_the_start() -> None:
    bodies.check_body(
        kind=bodies.BodyKind.FORUM, name="Forum", mandate="", legal_basis="",
        start=date(2026, 1, 1), end=None,
    )  # fmt: skip
    with pytest.raises(RuleError) as caught:
        bodies.check_body(
            kind=bodies.BodyKind.FORUM, name="Forum", mandate="", legal_basis="",
            start=date(2026, 1, 1), end=date(2025, 1, 1),
        )  # fmt: skip
    assert caught.value.violations[0].rule == "end_before_start"


# --- Escalation in working days ----------------------------------------------------------------


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=JAKARTA)


DUE = datetime(2026, 12, 4, 16, 59, 59, 999999, tzinfo=JAKARTA).astimezone(UTC)  # Friday


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at("2026-12-01"), Level.NONE),  # Tuesday: 3 working days left
        (at("2026-12-03"), Level.REMINDER),  # Thursday: 1 working day left
        (at("2026-12-04"), Level.REMINDER),  # the due day itself
        (at("2026-12-05"), Level.LEAD),  # Saturday after the deadline: overdue
        (at("2026-12-09"), Level.LEAD),  # 3 working days late (Mon, Tue, Wed)
        (at("2026-12-10"), Level.COORDINATING_MINISTRY),  # 4 working days late
    ],
)
def test_an_overdue_action_goes_to_the_lead_then_to_the_coordinating_ministry(
    now: datetime, expected: Level
) -> None:
    assert level_at(due=DUE, now=now, calendar=default_calendar()) is expected


def test_without_a_coordinating_ministry_escalation_stops_at_the_lead() -> None:
    late = at("2026-12-31")
    assert level_at(due=DUE, now=late, calendar=default_calendar(), has_ministry=False) is (
        Level.LEAD
    )
