"""What a coordination body must have to exist (pure rules, no Django).

Four kinds (the ways of working together the literature names): a coordination forum, a
dedicated coordinating body, a task force (gugus tugas: temporary, so it has a mandate, a
legal basis, a start and an end, and a lead agency) and a social coalition (with
non-government partners). Members take roles; only the lead and members vote.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sinergi.rules import RuleError, Violation, gettext_noop

__all__ = ["BodyKind", "MemberRole", "PartnerKind", "check_body", "check_in_body"]


class BodyKind(StrEnum):
    FORUM = "forum"
    COORDINATING_BODY = "coordinating_body"
    TASK_FORCE = "task_force"
    SOCIAL_COALITION = "social_coalition"


class MemberRole(StrEnum):
    LEAD = "lead"
    MEMBER = "member"
    OBSERVER = "observer"
    PARTNER = "partner"


VOTING_ROLES = frozenset({MemberRole.LEAD, MemberRole.MEMBER})


class PartnerKind(StrEnum):
    BUSINESS = "business"
    COMMUNITY = "community"
    UNIVERSITY = "university"
    OTHER = "other"


def _v(field: str, rule: str, template: str, **params: str) -> Violation:
    return Violation(field=field, rule=rule, template=template, params=params)


def check_body(
    *,
    kind: BodyKind,
    name: str,
    mandate: str,
    legal_basis: str,
    start: date | None,
    end: date | None,
) -> None:
    violations: list[Violation] = []
    if not name.strip():
        violations.append(_v("name", "name_required", gettext_noop("Give the body a name.")))
    if start is None:
        violations.append(_v("start_date", "start_required", gettext_noop("Give the start date.")))
    if start is not None and end is not None and end <= start:
        violations.append(
            _v("end_date", "end_before_start", gettext_noop("The end must come after the start."))
        )
    if kind is BodyKind.TASK_FORCE:
        if end is None:
            violations.append(
                _v(
                    "end_date",
                    "task_force_needs_end",
                    gettext_noop("A task force is temporary: give the date its mandate ends."),
                )
            )
        if not mandate.strip():
            violations.append(
                _v(
                    "mandate",
                    "task_force_needs_mandate",
                    gettext_noop("State the task force's mandate."),
                )
            )
        if not legal_basis.strip():
            violations.append(
                _v(
                    "legal_basis",
                    "task_force_needs_legal_basis",
                    gettext_noop("Name the decree that establishes the task force."),
                )
            )
    if violations:
        raise RuleError(*violations)


def check_in_body(agency: str, members: frozenset[str] | set[str], field: str = "agency") -> None:
    """An action item, a contribution, a secondment: only for agencies inside the body."""
    if agency not in members:
        raise RuleError(
            _v(
                field,
                "agency_outside_body",
                gettext_noop("{agency} is not a member of this body."),
                agency=agency,
            )
        )


def is_active(start: date | None, end: date | None, on: date) -> bool:
    """A body's end date is the last day of its mandate: active from ``start`` through ``end``."""
    return (start is None or start <= on) and (end is None or on <= end)
