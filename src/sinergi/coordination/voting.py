"""Collegiate decisions: one agency, one vote, with a quorum and a rule per body.

- Only voting members (the lead and members; observers and partners do not vote) vote, once
  each; an abstention counts towards the quorum but neither for nor against.
- The quorum is a share of the voting members (in percent) that must have taken part
  (for, against or abstaining), rounded up: 50 % of 4 members is 2, of 5 members is 3.
- Rules: ``consensus`` (no vote against and at least one for: musyawarah untuk mufakat),
  ``simple_majority`` (more for than against among the votes cast),
  ``absolute_majority`` (for by more than half of all voting members),
  ``two_thirds`` (for by at least two thirds of the votes cast, abstentions not cast).

Pure Python: no Django.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from sinergi.rules import RuleError, Violation, gettext_noop

__all__ = ["Choice", "DecisionRule", "Outcome", "Tally", "check_vote", "quorum_needed", "tally"]


class Choice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class DecisionRule(StrEnum):
    CONSENSUS = "consensus"
    SIMPLE_MAJORITY = "simple_majority"
    ABSOLUTE_MAJORITY = "absolute_majority"
    TWO_THIRDS = "two_thirds"


class Outcome(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"


@dataclass(frozen=True)
class Tally:
    outcome: Outcome
    yes: int
    no: int
    abstain: int
    voters: int
    quorum: int

    @property
    def participated(self) -> int:
        return self.yes + self.no + self.abstain


def quorum_needed(voters: int, quorum_percent: int) -> int:
    """Voting members who must take part: ``ceil(voters * percent / 100)``, at least 1."""
    return max(1, -(-voters * quorum_percent // 100))


def check_vote(
    *, agency: str, voters: Collection[str], already_voted: Collection[str], is_open: bool
) -> None:
    """Refuse a vote that may not be cast; nothing is written when this raises."""
    if not is_open:
        raise RuleError(
            Violation(
                field="proposal",
                rule="proposal_closed",
                template=gettext_noop("Voting on this proposal is closed."),
            )
        )
    if agency not in voters:
        raise RuleError(
            Violation(
                field="agency",
                rule="not_a_voting_member",
                template=gettext_noop(
                    "{agency} is not a voting member of this body: only the lead and members vote."
                ),
                params={"agency": agency},
            )
        )
    if agency in already_voted:
        raise RuleError(
            Violation(
                field="agency",
                rule="already_voted",
                template=gettext_noop(
                    "{agency} has already voted on this proposal: one agency, one vote."
                ),
                params={"agency": agency},
            )
        )


def tally(
    rule: DecisionRule,
    quorum_percent: int,
    voters: Collection[str],
    votes: Mapping[str, Choice],
) -> Tally:
    """The result of a proposal from the votes of ``voters`` (votes of others are ignored)."""
    counted = [choice for agency, choice in votes.items() if agency in voters]
    yes = counted.count(Choice.YES)
    no = counted.count(Choice.NO)
    abstain = counted.count(Choice.ABSTAIN)
    needed = quorum_needed(len(voters), quorum_percent)
    if yes + no + abstain < needed:
        outcome = Outcome.NO_QUORUM
    else:
        match rule:
            case DecisionRule.CONSENSUS:
                adopted = no == 0 and yes > 0
            case DecisionRule.SIMPLE_MAJORITY:
                adopted = yes > no
            case DecisionRule.ABSOLUTE_MAJORITY:
                adopted = 2 * yes > len(voters)
            case DecisionRule.TWO_THIRDS:
                adopted = yes > 0 and 3 * yes >= 2 * (yes + no)
        outcome = Outcome.ADOPTED if adopted else Outcome.REJECTED
    return Tally(outcome, yes, no, abstain, len(voters), needed)


def check_quorum_percent(value: int) -> None:
    if not 1 <= value <= 100:
        raise RuleError(
            Violation(
                field="quorum_percent",
                rule="quorum_out_of_range",
                template=gettext_noop("The quorum is a share of members from 1 to 100 percent."),
            )
        )
