"""Agency lineage: each validation rule on a hand-made graph, then the real agencies.csv."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sinergi.registry
from sinergi.registry.lineage import (
    AgencyNode,
    Succession,
    current_agencies,
    is_live,
    predecessors,
    validate_lineage,
)
from sinergi.rules import RuleError

_SHARED_DATA = Path("/work/shared/data")

D2019 = date(2019, 10, 23)
D2021 = date(2021, 4, 28)
D2024 = date(2024, 10, 21)


def data_file(name: str) -> Path:
    """The project's copy of a reference CSV, else the shared one; skip if neither exists."""
    for folder in (Path(sinergi.registry.__file__).parent / "data", _SHARED_DATA):
        if (folder / name).is_file():
            return folder / name
    pytest.skip(f"reference data {name} not found in src/sinergi/registry/data/ or {_SHARED_DATA}")


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def load_agencies() -> dict[str, AgencyNode]:
    with data_file("agencies.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: AgencyNode(
                code=row["code"],
                parent=row["parent_code"] or None,
                valid_from=_date(row["valid_from"]),
                valid_to=_date(row["valid_to"]),
                succession=Succession(row["succession"]) if row["succession"] else None,
                successors=tuple(row["successor_codes"].split(";"))
                if row["successor_codes"]
                else (),
            )
            for row in csv.DictReader(handle)
        }


def graph(*nodes: AgencyNode) -> dict[str, AgencyNode]:
    return {node.code: node for node in nodes}


def found(nodes: Mapping[str, AgencyNode]) -> list[tuple[str, str, str]]:
    """(agency, field, rule) of every violation, in order."""
    return [(v.params["agency"], v.field, v.rule) for v in validate_lineage(nodes)]


# --- is_live -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "at", "live"),
    [
        (None, None, date(1945, 8, 17), True),
        (D2024, None, date(2024, 10, 20), False),
        (D2024, None, D2024, True),
        (None, D2024, date(2024, 10, 20), True),
        (None, D2024, D2024, False),
        (D2021, D2024, D2021, True),
        (D2021, D2024, date(2024, 10, 20), True),
    ],
)
def test_is_live_is_half_open(
    valid_from: date | None, valid_to: date | None, at: date, live: bool
) -> None:
    node = AgencyNode("x", valid_from=valid_from, valid_to=valid_to)
    assert is_live(node, at) is live


# --- validate_lineage: a coherent graph ----------------------------------------------------


def coherent() -> dict[str, AgencyNode]:
    return graph(
        AgencyNode("ministry"),
        AgencyNode("directorate", parent="ministry"),
        AgencyNode("old", valid_to=D2024, succession=Succession.RENAME, successors=("new",)),
        AgencyNode("new", valid_from=D2024),
        AgencyNode(
            "whole", valid_to=D2024, succession=Succession.SPLIT, successors=("left", "existing")
        ),
        AgencyNode("left", valid_from=D2024),
        AgencyNode("existing"),  # already existed and received functions: allowed for a split
        AgencyNode(
            "absorbed", valid_to=D2021, succession=Succession.MERGE, successors=("ministry",)
        ),
        AgencyNode("dissolved", valid_from=D2019, valid_to=D2021),  # end without successor
    )


def test_coherent_graph_has_no_violations() -> None:
    assert validate_lineage(coherent()) == []


# --- validate_lineage: each rule -----------------------------------------------------------


@pytest.mark.parametrize(
    ("nodes", "expected"),
    [
        pytest.param(
            graph(AgencyNode("a", parent="ghost")),
            [("a", "parent_code", "lineage_parent_unknown")],
            id="lineage_parent_unknown",
        ),
        pytest.param(
            graph(AgencyNode("a", parent="a")),
            [("a", "parent_code", "lineage_parent_cycle")],
            id="lineage_parent_cycle-self",
        ),
        pytest.param(
            graph(
                AgencyNode("a", parent="c"),
                AgencyNode("b", parent="a"),
                AgencyNode("c", parent="b"),
                AgencyNode("d", parent="a"),  # hangs off the cycle, is not on it
            ),
            [
                ("a", "parent_code", "lineage_parent_cycle"),
                ("b", "parent_code", "lineage_parent_cycle"),
                ("c", "parent_code", "lineage_parent_cycle"),
            ],
            id="lineage_parent_cycle",
        ),
        pytest.param(
            graph(AgencyNode("a", valid_to=D2024, succession=Succession.RENAME, successors=("z",))),
            [("a", "successor_codes", "lineage_successor_unknown")],
            id="lineage_successor_unknown",
        ),
        pytest.param(
            graph(AgencyNode("a", valid_to=D2024, succession=Succession.RENAME, successors=("a",))),
            [("a", "successor_codes", "lineage_successor_self")],
            id="lineage_successor_self",
        ),
        pytest.param(
            graph(
                AgencyNode("a", valid_to=D2024, succession=Succession.SPLIT, successors=("b", "b")),
                AgencyNode("b", valid_from=D2024),
            ),
            [("a", "successor_codes", "lineage_successor_duplicate")],
            id="lineage_successor_duplicate",
        ),
        pytest.param(
            graph(
                AgencyNode(
                    "a",
                    valid_from=D2021,
                    valid_to=D2024,
                    succession=Succession.MERGE,
                    successors=("b",),
                ),
                AgencyNode(
                    "b",
                    valid_from=D2019,
                    valid_to=D2024,
                    succession=Succession.MERGE,
                    successors=("a",),
                ),
            ),
            [
                ("a", "successor_codes", "lineage_successor_not_live"),
                ("a", "successor_codes", "lineage_succession_cycle"),
                ("b", "successor_codes", "lineage_successor_not_live"),
                ("b", "successor_codes", "lineage_succession_cycle"),
            ],
            id="lineage_succession_cycle",
        ),
        pytest.param(
            graph(AgencyNode("a", valid_from=D2024, valid_to=D2024)),
            [("a", "valid_to", "lineage_period_empty")],
            id="lineage_period_empty-same-day",
        ),
        pytest.param(
            graph(AgencyNode("a", valid_from=D2024, valid_to=D2021)),
            [("a", "valid_to", "lineage_period_empty")],
            id="lineage_period_empty-reversed",
        ),
        pytest.param(
            graph(
                AgencyNode("a", succession=Succession.RENAME, successors=("b",)),
                AgencyNode("b", valid_from=D2024),
            ),
            [("a", "valid_to", "lineage_succession_without_end")],
            id="lineage_succession_without_end",
        ),
        pytest.param(
            graph(
                AgencyNode("a", valid_to=D2024, successors=("b",)),
                AgencyNode("b", valid_from=D2024),
            ),
            [("a", "succession", "lineage_succession_missing")],
            id="lineage_succession_missing",
        ),
        pytest.param(
            graph(
                AgencyNode(
                    "a", valid_to=D2024, succession=Succession.RENAME, successors=("b", "c")
                ),
                AgencyNode("b", valid_from=D2024),
                AgencyNode("c", valid_from=D2024),
            ),
            [("a", "successor_codes", "lineage_rename_successors")],
            id="lineage_rename_successors",
        ),
        pytest.param(
            graph(AgencyNode("a", valid_to=D2024, succession=Succession.RENAME)),
            [("a", "successor_codes", "lineage_rename_successors")],
            id="lineage_rename_successors-none",
        ),
        pytest.param(
            graph(
                AgencyNode("a", valid_to=D2024, succession=Succession.MERGE, successors=("b", "c")),
                AgencyNode("b"),
                AgencyNode("c"),
            ),
            [("a", "successor_codes", "lineage_merge_successors")],
            id="lineage_merge_successors",
        ),
        pytest.param(
            graph(
                AgencyNode("a", valid_to=D2024, succession=Succession.SPLIT, successors=("b",)),
                AgencyNode("b", valid_from=D2024),
            ),
            [("a", "successor_codes", "lineage_split_successors")],
            id="lineage_split_successors",
        ),
        pytest.param(
            graph(
                AgencyNode("a", valid_to=D2024, succession=Succession.MERGE, successors=("b",)),
                AgencyNode("b", valid_from=date(2024, 10, 22)),
            ),
            [("a", "successor_codes", "lineage_successor_not_live")],
            id="lineage_successor_not_live-starts-late",
        ),
        pytest.param(
            graph(
                AgencyNode("a", valid_to=D2024, succession=Succession.SPLIT, successors=("b", "c")),
                AgencyNode("b", valid_to=D2024),
                AgencyNode("c", valid_from=D2024),
            ),
            [("a", "successor_codes", "lineage_successor_not_live")],
            id="lineage_successor_not_live-ends-same-day",
        ),
        pytest.param(
            graph(
                AgencyNode("a", valid_to=D2024, succession=Succession.RENAME, successors=("b",)),
                AgencyNode("b", valid_from=D2021),
            ),
            [("a", "valid_to", "lineage_rename_overlap")],
            id="lineage_rename_overlap",
        ),
        pytest.param(
            graph(
                AgencyNode("a", valid_to=D2024, succession=Succession.RENAME, successors=("b",)),
                AgencyNode("b"),
            ),
            [("a", "valid_to", "lineage_rename_overlap")],
            id="lineage_rename_overlap-unbounded",
        ),
        pytest.param(
            {"x": AgencyNode("a")},
            [("a", "code", "lineage_code_mismatch")],
            id="lineage_code_mismatch",
        ),
    ],
)
def test_each_rule_fires(
    nodes: dict[str, AgencyNode], expected: list[tuple[str, str, str]]
) -> None:
    assert found(nodes) == expected


def test_violation_params_and_message() -> None:
    nodes = graph(
        AgencyNode(
            "kominfo", valid_to=D2024, succession=Succession.RENAME, successors=("komdigi",)
        ),
        AgencyNode("komdigi", valid_from=D2021),
    )
    (violation,) = validate_lineage(nodes)
    assert violation.params == {
        "agency": "kominfo",
        "successor": "komdigi",
        "valid_to": "2024-10-21",
        "successor_from": "2021-04-28",
    }
    assert violation.message == (
        "Agency 'kominfo' is renamed to 'komdigi' on 2024-10-21, so 'komdigi' must start on "
        "that day, not on 2021-04-28."
    )


def test_split_successor_that_already_existed_is_allowed() -> None:
    # Kemenristekdikti's higher education went to the existing Kemendikbud in 2019.
    nodes = graph(
        AgencyNode(
            "ristekdikti",
            valid_to=D2019,
            succession=Succession.SPLIT,
            successors=("ristek-brin", "dikbud"),
        ),
        AgencyNode("ristek-brin", valid_from=D2019),
        AgencyNode("dikbud", valid_from=date(1945, 8, 19)),
    )
    assert validate_lineage(nodes) == []


def _reaches_itself(start: str, edges: Mapping[str, tuple[str, ...]]) -> bool:
    seen: set[str] = set()
    todo = [n for n in edges[start] if n != start]
    while todo:
        current = todo.pop()
        if current == start:
            return True
        if current not in seen and current in edges:
            seen.add(current)
            todo.extend(n for n in edges[current] if n != current)
    return False


_EDGES = st.integers(min_value=1, max_value=12).flatmap(
    lambda size: st.lists(
        st.lists(st.integers(min_value=0, max_value=size - 1), max_size=3),
        min_size=size,
        max_size=size,
    )
)


@given(_EDGES)
def test_succession_cycle_is_reported_exactly_for_agencies_on_a_cycle(
    edges: list[list[int]],
) -> None:
    successors = {f"a{i}": tuple(f"a{j}" for j in targets) for i, targets in enumerate(edges)}
    nodes = {code: AgencyNode(code, successors=succ) for code, succ in successors.items()}
    reported = {
        v.params["agency"] for v in validate_lineage(nodes) if v.rule == "lineage_succession_cycle"
    }
    assert reported == {code for code in successors if _reaches_itself(code, successors)}


@given(_EDGES)
def test_parent_cycle_is_reported_exactly_for_agencies_on_a_cycle(edges: list[list[int]]) -> None:
    parents = {f"a{i}": f"a{targets[0]}" if targets else None for i, targets in enumerate(edges)}
    nodes = {code: AgencyNode(code, parent=parent) for code, parent in parents.items()}
    reported = {
        v.params["agency"] for v in validate_lineage(nodes) if v.rule == "lineage_parent_cycle"
    }
    on_cycle = set()
    for code in parents:
        current, steps = parents[code], 0
        while current is not None and current != code and steps < len(parents):
            current, steps = parents[current], steps + 1
        if current == code:
            on_cycle.add(code)
    assert reported == on_cycle


# --- current_agencies and predecessors on the real data -----------------------------------


def test_agencies_csv_has_no_violations() -> None:
    nodes = load_agencies()
    assert len(nodes) == 79
    assert validate_lineage(nodes) == []


@pytest.mark.parametrize(
    ("code", "at", "expected"),
    [
        ("kemenkumham", date(2025, 1, 1), ("kemenkum", "kemenham", "kemen-imipas")),
        ("kemenkumham", date(2024, 10, 20), ("kemenkumham",)),
        ("kemenkumham", D2024, ("kemenkum", "kemenham", "kemen-imipas")),
        ("kemenkominfo", date(2025, 1, 1), ("komdigi",)),
        ("bkpm", date(2022, 1, 1), ("kemen-investasi",)),
        ("bkpm", date(2025, 1, 1), ("kemen-investasi-hilirisasi",)),
        ("kemenristekdikti", date(2020, 1, 1), ("kemenristek-brin", "kemendikbud")),
        ("kemenristekdikti", date(2022, 1, 1), ("kemendikbudristek",)),  # both branches merged
        (
            "kemenristekdikti",
            date(2025, 1, 1),
            ("kemendikdasmen", "kemendiktisaintek", "kemenbud"),
        ),
        ("komdigi", date(2020, 1, 1), ()),  # did not exist yet
        ("kemenkeu", date(2025, 1, 1), ("kemenkeu",)),
    ],
)
def test_current_agencies(code: str, at: date, expected: tuple[str, ...]) -> None:
    assert current_agencies(code, at, load_agencies()) == expected


def test_current_agencies_of_a_dissolved_agency_is_empty() -> None:
    nodes = graph(AgencyNode("gone", valid_to=D2021))
    assert current_agencies("gone", D2024, nodes) == ()


def test_current_agencies_survives_a_succession_cycle() -> None:
    nodes = graph(
        AgencyNode("a", valid_to=D2021, succession=Succession.RENAME, successors=("b",)),
        AgencyNode("b", valid_to=D2021, succession=Succession.RENAME, successors=("a",)),
    )
    assert current_agencies("a", D2024, nodes) == ()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("kemen-investasi-hilirisasi", ("kemen-investasi", "bkpm")),
        (
            "kemendikdasmen",
            ("kemendikbudristek", "kemendikbud", "kemenristek-brin", "kemenristekdikti"),
        ),
        ("kemenkum", ("kemenkumham",)),
        ("kemenkeu", ()),
    ],
)
def test_predecessors(code: str, expected: tuple[str, ...]) -> None:
    assert predecessors(code, load_agencies()) == expected


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda nodes: current_agencies("ghost", D2024, nodes), id="current_agencies"),
        pytest.param(lambda nodes: predecessors("ghost", nodes), id="predecessors"),
    ],
)
def test_unknown_agency_is_a_rule_error(
    call: Callable[[Mapping[str, AgencyNode]], tuple[str, ...]],
) -> None:
    nodes = graph(AgencyNode("a"))
    with pytest.raises(RuleError) as error:
        call(nodes)
    assert [(v.field, v.rule, dict(v.params)) for v in error.value.violations] == [
        ("code", "lineage_agency_unknown", {"agency": "ghost"})
    ]
