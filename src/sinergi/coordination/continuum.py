"""Perry 6's continuum of inter-agency relations (Perry 6, 2004), as data.

Three categories, nine types, from the loosest to the closest way of working together:

- coordination: taking into account, dialogue, joint planning;
- integration: joint working, joint venture, satellite;
- close involvement: strategic alliance, union, merger.

Every body and programme records the type it operates at; moving along the continuum is
kept as history. Pure Python: no Django.
"""

from __future__ import annotations

from enum import StrEnum

from sinergi.rules import RuleError, Violation, gettext_noop

__all__ = ["Category", "Direction", "RelationType", "category_of", "check_move", "direction"]


class Category(StrEnum):
    COORDINATION = "coordination"
    INTEGRATION = "integration"
    CLOSE_INVOLVEMENT = "close_involvement"


class RelationType(StrEnum):
    TAKING_INTO_ACCOUNT = "taking_into_account"
    DIALOGUE = "dialogue"
    JOINT_PLANNING = "joint_planning"
    JOINT_WORKING = "joint_working"
    JOINT_VENTURE = "joint_venture"
    SATELLITE = "satellite"
    STRATEGIC_ALLIANCE = "strategic_alliance"
    UNION = "union"
    MERGER = "merger"


class Direction(StrEnum):
    CLOSER = "closer"
    LOOSER = "looser"


#: The continuum in order, loosest first.
ORDER: tuple[RelationType, ...] = tuple(RelationType)

_CATEGORY: dict[RelationType, Category] = {
    RelationType.TAKING_INTO_ACCOUNT: Category.COORDINATION,
    RelationType.DIALOGUE: Category.COORDINATION,
    RelationType.JOINT_PLANNING: Category.COORDINATION,
    RelationType.JOINT_WORKING: Category.INTEGRATION,
    RelationType.JOINT_VENTURE: Category.INTEGRATION,
    RelationType.SATELLITE: Category.INTEGRATION,
    RelationType.STRATEGIC_ALLIANCE: Category.CLOSE_INVOLVEMENT,
    RelationType.UNION: Category.CLOSE_INVOLVEMENT,
    RelationType.MERGER: Category.CLOSE_INVOLVEMENT,
}

#: What each type means, as Perry 6's table describes it (translated by the Django layer).
DEFINITIONS: dict[RelationType, str] = {
    RelationType.TAKING_INTO_ACCOUNT: gettext_noop(
        "Strategy development considers the impact of and on other agencies."
    ),
    RelationType.DIALOGUE: gettext_noop("Exchange of information."),
    RelationType.JOINT_PLANNING: gettext_noop("Temporary joint planning or joint working."),
    RelationType.JOINT_WORKING: gettext_noop(
        "Temporary collaboration between agencies in programmes."
    ),
    RelationType.JOINT_VENTURE: gettext_noop(
        "Long-term joint planning and joint working on a major project core to the mission of "
        "at least one participating agency."
    ),
    RelationType.SATELLITE: gettext_noop(
        "A separate entity jointly owned, created to serve as an integrative mechanism."
    ),
    RelationType.STRATEGIC_ALLIANCE: gettext_noop(
        "Long-term joint planning and working on issues core to the mission of at least one "
        "participating agency."
    ),
    RelationType.UNION: gettext_noop(
        "Formal administrative unification, maintaining some distinct identities."
    ),
    RelationType.MERGER: gettext_noop(
        "Fusion to create a new structure with a single new identity."
    ),
}


def category_of(relation: RelationType) -> Category:
    return _CATEGORY[relation]


def direction(old: RelationType, new: RelationType) -> Direction | None:
    """Closer or looser along the continuum; None when nothing moves."""
    a, b = ORDER.index(old), ORDER.index(new)
    if a == b:
        return None
    return Direction.CLOSER if b > a else Direction.LOOSER


def check_move(old: RelationType, new: RelationType, reason: str) -> Direction:
    """A move along the continuum must move and must say why (it becomes the history)."""
    violations: list[Violation] = []
    moved = direction(old, new)
    if moved is None:
        violations.append(
            Violation(
                field="relation_type",
                rule="relation_unchanged",
                template=gettext_noop("The body already operates at this type of relation."),
            )
        )
    if not reason.strip():
        violations.append(
            Violation(
                field="reason",
                rule="reason_required",
                template=gettext_noop("Say why the relation moves along the continuum."),
            )
        )
    if violations:
        raise RuleError(*violations)
    assert moved is not None
    return moved
