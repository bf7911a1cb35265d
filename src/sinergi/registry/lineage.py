"""Lineage of government bodies: renames, mergers and splits over time.

Cabinets reshape ministries (2019, 2021, 2024), but a decision, complaint or licence issued by a
body that no longer exists must still be routed to whoever holds its function today. Agencies are
therefore never deleted: they end on ``valid_to`` and name their successors, and this module
checks that the resulting graph is coherent and walks it.

Periods are half-open, ``[valid_from, valid_to)``: a body renamed on 2024-10-21 is live until
2024-10-20 and its successor from 2024-10-21, so exactly one of them is live on any day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sinergi.rules import RuleError, Violation, gettext_noop

__all__ = [
    "AgencyNode",
    "Succession",
    "current_agencies",
    "is_live",
    "predecessors",
    "validate_lineage",
]


class Succession(StrEnum):
    RENAME = "rename"
    MERGE = "merge"
    SPLIT = "split"


@dataclass(frozen=True, slots=True)
class AgencyNode:
    """One body; ``None`` dates mean unbounded (existed before records, or still exists)."""

    code: str
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    succession: Succession | None = None
    successors: tuple[str, ...] = ()


def is_live(node: AgencyNode, at: date) -> bool:
    """True when ``valid_from <= at < valid_to``."""
    return (node.valid_from is None or node.valid_from <= at) and (
        node.valid_to is None or at < node.valid_to
    )


def _v(field: str, rule: str, template: str, **params: str) -> Violation:
    return Violation(field=field, rule=rule, template=template, params=params)


def _cyclic(edges: Mapping[str, Iterable[str]]) -> set[str]:
    """Codes on a cycle of length >= 2 (Tarjan's SCC, iterative so deep chains cannot overflow)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: set[str] = set()
    counter = 0
    for root in edges:
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, list(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop()
                if nxt not in edges:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, list(edges[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.update(component)
    return found


def validate_lineage(nodes: Mapping[str, AgencyNode]) -> list[Violation]:
    """Every inconsistency in the graph, in the mapping's order; ``[]`` when it is coherent.

    Returned rather than raised so an import can report all of them at once.
    """
    violations: list[Violation] = []
    parent_cycle = _cyclic(
        {code: (n.parent,) if n.parent and n.parent != code else () for code, n in nodes.items()}
    )
    succession_cycle = _cyclic(
        {code: tuple(s for s in n.successors if s != code) for code, n in nodes.items()}
    )
    for key, node in nodes.items():
        code = node.code
        if key != code:
            violations.append(
                _v(
                    "code",
                    "lineage_code_mismatch",
                    gettext_noop("Agency '{agency}' is filed under the key '{key}'."),
                    agency=code,
                    key=key,
                )
            )
        # --- organisational parent -------------------------------------------------------
        if node.parent is not None:
            if node.parent not in nodes:
                violations.append(
                    _v(
                        "parent_code",
                        "lineage_parent_unknown",
                        gettext_noop("Agency '{agency}' has an unknown parent '{parent}'."),
                        agency=code,
                        parent=node.parent,
                    )
                )
            elif node.parent == key or key in parent_cycle:
                violations.append(
                    _v(
                        "parent_code",
                        "lineage_parent_cycle",
                        gettext_noop("Agency '{agency}' is its own ancestor via '{parent}'."),
                        agency=code,
                        parent=node.parent,
                    )
                )
        # --- period ----------------------------------------------------------------------
        if (
            node.valid_from is not None
            and node.valid_to is not None
            and node.valid_to <= node.valid_from
        ):
            violations.append(
                _v(
                    "valid_to",
                    "lineage_period_empty",
                    gettext_noop(
                        "Agency '{agency}' ends on {valid_to}, not after it starts on {valid_from}."
                    ),
                    agency=code,
                    valid_from=node.valid_from.isoformat(),
                    valid_to=node.valid_to.isoformat(),
                )
            )
        # --- succession kind, end date and successor count --------------------------------
        # An end date without successors means the body was dissolved: allowed.
        if node.succession is None:
            if node.successors:
                violations.append(
                    _v(
                        "succession",
                        "lineage_succession_missing",
                        gettext_noop(
                            "Agency '{agency}' names successors but not whether it was renamed, "
                            "merged or split."
                        ),
                        agency=code,
                    )
                )
        else:
            if node.valid_to is None:
                violations.append(
                    _v(
                        "valid_to",
                        "lineage_succession_without_end",
                        gettext_noop(
                            "Agency '{agency}' has a succession ({succession}) but no end date."
                        ),
                        agency=code,
                        succession=node.succession.value,
                    )
                )
            count = len(node.successors)
            if node.succession is Succession.RENAME and count != 1:
                violations.append(
                    _v(
                        "successor_codes",
                        "lineage_rename_successors",
                        gettext_noop(
                            "Agency '{agency}' is renamed, so it needs exactly one successor, "
                            "not {count}."
                        ),
                        agency=code,
                        count=str(count),
                    )
                )
            elif node.succession is Succession.MERGE and count != 1:
                violations.append(
                    _v(
                        "successor_codes",
                        "lineage_merge_successors",
                        gettext_noop(
                            "Agency '{agency}' is merged, so it needs exactly one successor "
                            "(the merged body), not {count}."
                        ),
                        agency=code,
                        count=str(count),
                    )
                )
            elif node.succession is Succession.SPLIT and count < 2:
                violations.append(
                    _v(
                        "successor_codes",
                        "lineage_split_successors",
                        gettext_noop(
                            "Agency '{agency}' is split, so it needs at least two successors, "
                            "not {count}."
                        ),
                        agency=code,
                        count=str(count),
                    )
                )
        # --- each successor ----------------------------------------------------------------
        seen: set[str] = set()
        for successor in node.successors:
            if successor in seen:
                violations.append(
                    _v(
                        "successor_codes",
                        "lineage_successor_duplicate",
                        gettext_noop("Agency '{agency}' lists successor '{successor}' twice."),
                        agency=code,
                        successor=successor,
                    )
                )
                continue
            seen.add(successor)
            if successor == key:
                violations.append(
                    _v(
                        "successor_codes",
                        "lineage_successor_self",
                        gettext_noop("Agency '{agency}' cannot succeed itself."),
                        agency=code,
                        successor=successor,
                    )
                )
                continue
            target = nodes.get(successor)
            if target is None:
                violations.append(
                    _v(
                        "successor_codes",
                        "lineage_successor_unknown",
                        gettext_noop("Agency '{agency}' has an unknown successor '{successor}'."),
                        agency=code,
                        successor=successor,
                    )
                )
                continue
            if node.valid_to is None:
                continue  # already reported as lineage_succession_without_end
            end = node.valid_to
            if not is_live(target, end):
                violations.append(
                    _v(
                        "successor_codes",
                        "lineage_successor_not_live",
                        gettext_noop(
                            "Successor '{successor}' of agency '{agency}' is not live on "
                            "{valid_to}, the day the function passes to it."
                        ),
                        agency=code,
                        successor=successor,
                        valid_to=end.isoformat(),
                    )
                )
            elif node.succession is Succession.RENAME and target.valid_from != end:
                # Split and merge successors may already exist (Kemendikbud received higher
                # education in 2019); a renamed body cannot coexist with its old name.
                violations.append(
                    _v(
                        "valid_to",
                        "lineage_rename_overlap",
                        gettext_noop(
                            "Agency '{agency}' is renamed to '{successor}' on {valid_to}, so "
                            "'{successor}' must start on that day, not on {successor_from}."
                        ),
                        agency=code,
                        successor=successor,
                        valid_to=end.isoformat(),
                        successor_from=(
                            target.valid_from.isoformat() if target.valid_from else "(unbounded)"
                        ),
                    )
                )
        if key in succession_cycle:
            violations.append(
                _v(
                    "successor_codes",
                    "lineage_succession_cycle",
                    gettext_noop("Agency '{agency}' succeeds, through others, to itself."),
                    agency=code,
                )
            )
    return violations


def _unknown(code: str, field: str = "code") -> RuleError:
    return RuleError(
        _v(
            field,
            "lineage_agency_unknown",
            gettext_noop("Agency '{agency}' is not known."),
            agency=code,
        )
    )


def current_agencies(code: str, at: date, nodes: Mapping[str, AgencyNode]) -> tuple[str, ...]:
    """Who holds the function of ``code`` on ``at``: itself if live, else its live successors.

    Successors are followed depth-first in their listed order and each agency appears once, so
    the answer is stable. Before the agency's ``valid_from``, or once it was dissolved without
    successors, nobody holds its function through it and the answer is ``()``. Raises RuleError
    for an unknown code; run :func:`validate_lineage` first so successors are known.
    """
    start = nodes.get(code)
    if start is None:
        raise _unknown(code)
    if start.valid_from is not None and at < start.valid_from:
        return ()
    result: list[str] = []
    visited: set[str] = set()
    stack: list[str] = [code]
    while stack:
        current = stack.pop()
        if current in visited:
            continue
        visited.add(current)
        node = nodes.get(current)
        if node is None:
            raise _unknown(current, "successor_codes")
        if is_live(node, at):
            result.append(current)
        elif node.valid_to is not None and at >= node.valid_to:
            stack.extend(reversed(node.successors))
    return tuple(result)


def predecessors(code: str, nodes: Mapping[str, AgencyNode]) -> tuple[str, ...]:
    """Every agency whose function flowed into ``code``, nearest first (breadth-first).

    Transitive, because a record filed with a body two reorganisations ago still belongs to
    today's holder. Siblings keep the mapping's order. Raises RuleError for an unknown code.
    """
    if code not in nodes:
        raise _unknown(code)
    incoming: dict[str, list[str]] = {}
    for key, node in nodes.items():
        for successor in node.successors:
            incoming.setdefault(successor, []).append(key)
    result: list[str] = []
    seen = {code}
    frontier = [code]
    while frontier:
        following: list[str] = []
        for current in frontier:
            for predecessor in incoming.get(current, ()):
                if predecessor not in seen:
                    seen.add(predecessor)
                    result.append(predecessor)
                    following.append(predecessor)
        frontier = following
    return tuple(result)
