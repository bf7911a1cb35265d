"""Readiness self-assessment on the APSC's prerequisites and challenges of connected government.

Four prerequisites (Australian Public Service Commission, *Connecting Government*, 2004):
culture and philosophy; new ways of working; accountability and incentives; new ways of
developing policy and designing programmes. Three challenges: human and institutional
capacity; values and culture; leadership. Each dimension has three statements an agency rates
from 1 (not at all) to 5 (fully); a dimension's score is the mean mapped to 0-100, and a
dimension scoring under the gap threshold is a gap, weakest first. Pure Python: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sinergi.rules import RuleError, Violation, gettext_noop

__all__ = ["DIMENSIONS", "QUESTIONS", "Dimension", "Result", "score"]


class Dimension(StrEnum):
    CULTURE_AND_PHILOSOPHY = "culture_and_philosophy"
    NEW_WAYS_OF_WORKING = "new_ways_of_working"
    ACCOUNTABILITY_AND_INCENTIVES = "accountability_and_incentives"
    POLICY_AND_PROGRAMME_DESIGN = "policy_and_programme_design"
    CAPACITY = "capacity"
    VALUES_AND_CULTURE = "values_and_culture"
    LEADERSHIP = "leadership"


PREREQUISITES = (
    Dimension.CULTURE_AND_PHILOSOPHY,
    Dimension.NEW_WAYS_OF_WORKING,
    Dimension.ACCOUNTABILITY_AND_INCENTIVES,
    Dimension.POLICY_AND_PROGRAMME_DESIGN,
)
CHALLENGES = (Dimension.CAPACITY, Dimension.VALUES_AND_CULTURE, Dimension.LEADERSHIP)
DIMENSIONS = PREREQUISITES + CHALLENGES

LABELS: dict[Dimension, str] = {
    Dimension.CULTURE_AND_PHILOSOPHY: gettext_noop("Culture and philosophy"),
    Dimension.NEW_WAYS_OF_WORKING: gettext_noop("New ways of working"),
    Dimension.ACCOUNTABILITY_AND_INCENTIVES: gettext_noop("Accountability and incentives"),
    Dimension.POLICY_AND_PROGRAMME_DESIGN: gettext_noop(
        "New ways of developing policy and designing programmes"
    ),
    Dimension.CAPACITY: gettext_noop("Human and institutional capacity"),
    Dimension.VALUES_AND_CULTURE: gettext_noop("Values and culture"),
    Dimension.LEADERSHIP: gettext_noop("Leadership"),
}

#: Question code -> (dimension, statement).
QUESTIONS: dict[str, tuple[Dimension, str]] = {
    "cp1": (Dimension.CULTURE_AND_PHILOSOPHY, gettext_noop(
        "Our staff see shared outcomes with other agencies as part of their own job.")),
    "cp2": (Dimension.CULTURE_AND_PHILOSOPHY, gettext_noop(
        "Our leaders speak of the programme as a joint effort, not a sector's.")),
    "cp3": (Dimension.CULTURE_AND_PHILOSOPHY, gettext_noop(
        "We share information with partner agencies by default.")),
    "nw1": (Dimension.NEW_WAYS_OF_WORKING, gettext_noop(
        "We have joint teams or seconded staff working with other agencies.")),
    "nw2": (Dimension.NEW_WAYS_OF_WORKING, gettext_noop(
        "Our systems exchange data with partner agencies without paper.")),
    "nw3": (Dimension.NEW_WAYS_OF_WORKING, gettext_noop(
        "Budgets can be pooled or aligned for a joint programme.")),
    "ai1": (Dimension.ACCOUNTABILITY_AND_INCENTIVES, gettext_noop(
        "Our performance indicators include the joint outcomes.")),
    "ai2": (Dimension.ACCOUNTABILITY_AND_INCENTIVES, gettext_noop(
        "Staff are recognised for work that serves another agency's goals.")),
    "ai3": (Dimension.ACCOUNTABILITY_AND_INCENTIVES, gettext_noop(
        "It is clear who answers for each joint result.")),
    "pd1": (Dimension.POLICY_AND_PROGRAMME_DESIGN, gettext_noop(
        "Partner agencies take part in designing our programmes from the start.")),
    "pd2": (Dimension.POLICY_AND_PROGRAMME_DESIGN, gettext_noop(
        "Citizens and communities are consulted when the programme is designed.")),
    "pd3": (Dimension.POLICY_AND_PROGRAMME_DESIGN, gettext_noop(
        "Our policies are checked for their effect on other agencies.")),
    "hc1": (Dimension.CAPACITY, gettext_noop(
        "We have enough staff with the skills to work across agencies.")),
    "hc2": (Dimension.CAPACITY, gettext_noop(
        "Our institutions (rules, units, mandates) allow joint work.")),
    "hc3": (Dimension.CAPACITY, gettext_noop(
        "We train our staff for coordination and collaboration.")),
    "vc1": (Dimension.VALUES_AND_CULTURE, gettext_noop(
        "Sectoral interests give way to the shared goal when they conflict.")),
    "vc2": (Dimension.VALUES_AND_CULTURE, gettext_noop(
        "We trust the data and judgement of partner agencies.")),
    "vc3": (Dimension.VALUES_AND_CULTURE, gettext_noop(
        "Disagreements between agencies are settled openly in the forum.")),
    "ld1": (Dimension.LEADERSHIP, gettext_noop(
        "Our head takes part in the body's decisions in person.")),
    "ld2": (Dimension.LEADERSHIP, gettext_noop(
        "Leadership commits resources to the joint decisions.")),
    "ld3": (Dimension.LEADERSHIP, gettext_noop(
        "Leadership follows up action items assigned to us.")),
}  # fmt: skip

GAP_THRESHOLD = Decimal(60)


@dataclass(frozen=True)
class Result:
    scores: Mapping[Dimension, Decimal]
    overall: Decimal
    gaps: tuple[Dimension, ...]


def _rating(value: object) -> int | None:
    return (
        value
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5
        else None
    )


def score(answers: Mapping[str, object], gap_threshold: Decimal = GAP_THRESHOLD) -> Result:
    """Score a complete questionnaire; refuse unknown, missing or out-of-range answers."""
    violations: list[Violation] = []
    for code in sorted(set(answers) - set(QUESTIONS)):
        violations.append(
            Violation(
                field=f"answers.{code}",
                rule="unknown_question",
                template=gettext_noop("There is no question {code}."),
                params={"code": code},
            )
        )
    for code in QUESTIONS:
        if code not in answers:
            violations.append(
                Violation(
                    field=f"answers.{code}",
                    rule="answer_missing",
                    template=gettext_noop("Answer every statement (missing: {code})."),
                    params={"code": code},
                )
            )
        elif _rating(answers[code]) is None:
            violations.append(
                Violation(
                    field=f"answers.{code}",
                    rule="answer_out_of_range",
                    template=gettext_noop("Rate {code} from 1 (not at all) to 5 (fully)."),
                    params={"code": code},
                )
            )
    if violations:
        raise RuleError(*violations)
    scores: dict[Dimension, Decimal] = {}
    for dimension in DIMENSIONS:
        ratings = [int(str(answers[c])) for c, (d, _) in QUESTIONS.items() if d is dimension]
        mean = Decimal(sum(ratings)) / len(ratings)
        scores[dimension] = ((mean - 1) * 25).quantize(Decimal("0.1"))
    overall = (sum(scores.values(), Decimal(0)) / len(scores)).quantize(Decimal("0.1"))
    gaps = tuple(
        d
        for d in sorted(DIMENSIONS, key=lambda d: (scores[d], DIMENSIONS.index(d)))
        if scores[d] < gap_threshold
    )
    return Result(scores=scores, overall=overall, gaps=gaps)
