"""Doors, hand-offs and citizen carries (DESIGN.md, "Doors and hand-offs, the WoG figures").

The worked example is the annual vehicle tax (PKB) with STNK endorsement: Polda verifies,
Bapenda assesses, Jasa Raharja collects (SWDKLLJ), Polda endorses. The three variants are built
here as plain data, parsed like a catalogue file, and must give the table's figures exactly; then
the graph is changed and the figures must follow it. The per-case measure, from the steps a case
completed, must equal the static figure on the happy path.
"""

from __future__ import annotations

import copy
import dataclasses
import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sinergi.catalog.definitions import (
    Channel,
    Definition,
    Duration,
    Pattern,
    Step,
    StepKind,
    Unit,
    parse_definition,
)
from sinergi.catalog.expressions import evaluate
from sinergi.catalog.figures import (
    FigureEvent,
    Figures,
    figures,
    happy_path,
    happy_path_edges,
    happy_path_events,
    measured_figures,
)
from sinergi.rules import RuleError

POLDA, BAPENDA, JASA_RAHARJA = "polda-metro-jaya", "bapenda-dki", "jasa-raharja"
SAMSAT_JAKPUS = "samsat-jakarta-pusat"
POLDA_OFFICE, BAPENDA_OFFICE, JR_OFFICE = (
    "ditlantas-polda-metro-jaya",
    "kantor-bapenda-dki",
    "kantor-jasa-raharja-dki",
)
SERVICE = "pkb-pengesahan-stnk-tahunan"
HOURS_1 = {"amount": 1, "unit": "hours"}
EXAMPLE = {"bebas_swdkllj": False, "mutasi": False}

Raw = dict[str, Any]


def need(decision: str) -> dict[str, str]:
    return {"service": SERVICE, "decision": decision}


def _steps(
    channels: tuple[str, str, str, str],
    places: list[dict[str, str]],
) -> list[Raw]:
    verify, assess, pay, issue = channels
    return [
        {"id": "verifikasi", "kind": "verify", "agency": POLDA, "channel": verify,
         "authority": need("verifikasi-kendaraan"), "sla": HOURS_1, **places[0]},
        {"id": "penetapan", "kind": "assess", "agency": BAPENDA, "after": ["verifikasi"],
         "channel": assess, "authority": need("penetapan-pkb"), "sla": HOURS_1, **places[1]},
        {"id": "pembayaran", "kind": "pay", "agency": JASA_RAHARJA, "after": ["penetapan"],
         "channel": pay, "sla": HOURS_1, **places[2]},
        {"id": "pengesahan", "kind": "issue", "agency": POLDA, "after": ["pembayaran"],
         "channel": issue, "authority": need("pengesahan-stnk"), "sla": HOURS_1, **places[3]},
    ]  # fmt: skip


def samsat_teknis_fungsional() -> Raw:
    """No integration: four separate applications at three offices, papers in hand."""
    return {
        "service": SERVICE, "variant": "teknis-fungsional", "pattern": "teknis_fungsional",
        "intake": "counter", "illustrative": True, "example": dict(EXAMPLE),
        "steps": _steps(("counter",) * 4, [
            {"location": POLDA_OFFICE, "counter": "cek-fisik", "application": "polda-cek"},
            {"location": BAPENDA_OFFICE, "counter": "penetapan", "application": "bapenda-pkb"},
            {"location": JR_OFFICE, "counter": "kasir", "application": "jr-swdkllj"},
            {"location": POLDA_OFFICE, "counter": "pengesahan", "application": "polda-stnk"},
        ]),
    }  # fmt: skip


def samsat_satu_atap() -> Raw:
    """One SAMSAT office: registration, assessment, cashier and endorsement counters."""
    return {
        "service": SERVICE, "variant": "satu-atap", "pattern": "satu_atap",
        "intake": "front_desk", "service_point": SAMSAT_JAKPUS, "example": dict(EXAMPLE),
        "steps": _steps(("counter",) * 4, [
            {"location": SAMSAT_JAKPUS, "counter": label}
            for label in ("pendaftaran", "penetapan", "kasir", "pengesahan")
        ]),
    }  # fmt: skip


def samsat_elektronik() -> Raw:
    """Online: checks automatic, payment online, endorsement issued electronically."""
    return {
        "service": SERVICE, "variant": "elektronik", "pattern": "elektronik",
        "intake": "online", "example": dict(EXAMPLE),
        "steps": _steps(("automatic", "automatic", "online", "automatic"), [{}] * 4),
    }  # fmt: skip


VARIANTS: dict[str, Callable[[], Raw]] = {
    "teknis_fungsional": samsat_teknis_fungsional,
    "satu_atap": samsat_satu_atap,
    "elektronik": samsat_elektronik,
}

# DESIGN.md's worked table: (visits, counters), hand-offs, citizen carries.
TABLE = {
    "teknis_fungsional": Figures(visits=4, counters=4, handoffs=0, carries=3),
    "satu_atap": Figures(visits=1, counters=4, handoffs=3, carries=0),
    "elektronik": Figures(visits=0, counters=0, handoffs=3, carries=0),
}


def step_index(raw: Raw, step_id: str) -> int:
    return [s["id"] for s in raw["steps"]].index(step_id)


def changed(raw: Raw, change: Callable[[Raw], None]) -> Definition:
    raw = copy.deepcopy(raw)
    change(raw)
    return parse_definition(raw)


@pytest.mark.parametrize("pattern", TABLE)
def test_worked_table_pkb_and_stnk_endorsement(pattern: str) -> None:
    definition = parse_definition(VARIANTS[pattern]())
    assert definition.pattern == Pattern(pattern)
    assert figures(definition) == TABLE[pattern]
    assert figures(definition).doors == (TABLE[pattern].visits, TABLE[pattern].counters)


def test_happy_path_runs_the_chain_in_order() -> None:
    definition = parse_definition(samsat_satu_atap())
    assert [s.id for s in happy_path(definition)] == [
        "verifikasi",
        "penetapan",
        "pembayaran",
        "pengesahan",
    ]
    assert [(a.id, b.id) for a, b in happy_path_edges(definition)] == [
        ("verifikasi", "penetapan"),
        ("penetapan", "pembayaran"),
        ("pembayaran", "pengesahan"),
    ]


def test_figures_as_dict_for_the_catalogue_row() -> None:
    assert TABLE["satu_atap"].as_dict() == {
        "visits": 1,
        "counters": 4,
        "handoffs": 3,
        "carries": 0,
    }


# --- the figures follow the graph -------------------------------------------------------------


def add_parallel_insurance_check(raw: Raw) -> None:
    """Jasa Raharja checks its insurance data in parallel with Bapenda's assessment; the
    cashier waits for both (a join)."""
    check = {
        "id": "cek-asuransi", "kind": "verify", "agency": JASA_RAHARJA, "after": ["verifikasi"],
        "channel": "automatic" if raw["pattern"] == "elektronik" else "back_office",
        "authority": need("verifikasi-swdkllj"), "sla": HOURS_1,
    }  # fmt: skip
    raw["steps"].insert(2, check)
    raw["steps"][step_index(raw, "pembayaran")]["after"] = ["penetapan", "cek-asuransi"]


def remove_assessment(raw: Raw) -> None:
    """The tax is assessed with the payment; the separate assessment step (a counter in the
    offline variants) disappears."""
    del raw["steps"][step_index(raw, "penetapan")]
    raw["steps"][step_index(raw, "pembayaran")]["after"] = ["verifikasi"]


def assessment_at_the_back_office(raw: Raw) -> None:
    """Same graph, but the assessment is done without the citizen at a counter."""
    step = raw["steps"][step_index(raw, "penetapan")]
    step["channel"] = "back_office"
    step.pop("location", None)
    step.pop("counter", None)


# (change, pattern, expected figures)
GRAPH_CHANGES = [
    # A parallel branch to another agency is one more hand-off (each branch counted); the
    # join inside Jasa Raharja is not a move between agencies.
    (add_parallel_insurance_check, "satu_atap", Figures(1, 4, 4, 0)),
    (add_parallel_insurance_check, "elektronik", Figures(0, 0, 4, 0)),
    # In teknis fungsional the new step is a fifth application: one more carry, no hand-off.
    (add_parallel_insurance_check, "teknis_fungsional", Figures(4, 4, 0, 4)),
    # One counter step fewer: one counter, one move and (teknis fungsional) one trip fewer.
    (remove_assessment, "satu_atap", Figures(1, 3, 2, 0)),
    (remove_assessment, "teknis_fungsional", Figures(3, 3, 0, 2)),
    (remove_assessment, "elektronik", Figures(0, 0, 2, 0)),
    # A counter moved to the back office: one counter fewer, the moves stay.
    (assessment_at_the_back_office, "satu_atap", Figures(1, 3, 3, 0)),
]


@pytest.mark.parametrize(
    ("change", "pattern", "expected"),
    GRAPH_CHANGES,
    ids=[f"{c.__name__}-{p}" for c, p, _ in GRAPH_CHANGES],
)
def test_figures_follow_the_graph(
    change: Callable[[Raw], None], pattern: str, expected: Figures
) -> None:
    definition = changed(VARIANTS[pattern](), change)
    assert figures(definition) == expected
    assert figures(definition) != TABLE[pattern]


def swdkllj_conditional(raw: Raw) -> None:
    """Illustrative: vehicles exempt from SWDKLLJ skip Jasa Raharja's cashier."""
    raw["steps"][step_index(raw, "pembayaran")]["when"] = "not bebas_swdkllj"


# (pattern, figures when exempt): skipping the payment drops its counter and its two moves,
# and the case moves from Bapenda straight to Polda (skipped steps count as done for joins).
SKIPPED = [
    ("satu_atap", Figures(1, 3, 2, 0)),
    ("teknis_fungsional", Figures(3, 3, 0, 2)),
    ("elektronik", Figures(0, 0, 2, 0)),
]


@pytest.mark.parametrize(("pattern", "exempt"), SKIPPED)
def test_conditional_step_follows_the_case_data(pattern: str, exempt: Figures) -> None:
    definition = changed(VARIANTS[pattern](), swdkllj_conditional)
    assert figures(definition) == TABLE[pattern]  # the example: not exempt
    assert figures(definition, {"bebas_swdkllj": False}) == TABLE[pattern]
    assert figures(definition, {"bebas_swdkllj": True}) == exempt
    path = happy_path(definition, {"bebas_swdkllj": True})
    assert [s.id for s in path] == ["verifikasi", "penetapan", "pengesahan"]
    edges = happy_path_edges(definition, {"bebas_swdkllj": True})
    assert [(a.id, b.id) for a, b in edges] == [
        ("verifikasi", "penetapan"),
        ("penetapan", "pengesahan"),
    ]


def test_missing_field_makes_a_condition_false_and_skips_the_step() -> None:
    definition = changed(samsat_satu_atap(), swdkllj_conditional)
    # "not bebas_swdkllj" with no field: not None is true, the step runs.
    assert figures(definition, {}) == TABLE["satu_atap"]
    mutation = changed(samsat_satu_atap(), physical_check_on_transfer)
    assert figures(mutation, {}) == TABLE["satu_atap"]


def physical_check_on_transfer(raw: Raw) -> None:
    """Illustrative: a vehicle transferred from another region gets a physical check at its
    own counter, by Polda, before the assessment."""
    raw["steps"].insert(1, {
        "id": "cek-fisik", "kind": "verify", "agency": POLDA, "after": ["verifikasi"],
        "when": "mutasi == true", "channel": "counter", "location": SAMSAT_JAKPUS,
        "counter": "cek-fisik", "authority": need("cek-fisik"), "sla": HOURS_1,
    })  # fmt: skip
    raw["steps"][step_index(raw, "penetapan")]["after"] = ["cek-fisik"]


def test_conditional_counter_adds_a_counter_not_a_hand_off() -> None:
    definition = changed(samsat_satu_atap(), physical_check_on_transfer)
    assert figures(definition) == Figures(1, 4, 3, 0)
    # Polda to Polda is no move between agencies: still three hand-offs, one more counter.
    assert figures(definition, {"mutasi": True}) == Figures(1, 5, 3, 0)


def test_teknis_fungsional_default_application_is_the_agency() -> None:
    """Without ``application`` a teknis fungsional step runs in its agency's application, so
    Polda's two steps at its office become one trip (the validator refuses that re-entry)."""

    def drop_applications(raw: Raw) -> None:
        for step in raw["steps"]:
            del step["application"]

    definition = changed(samsat_teknis_fungsional(), drop_applications)
    assert figures(definition) == Figures(visits=3, counters=4, handoffs=0, carries=3)


def test_same_agency_across_applications_is_not_a_carry() -> None:
    raw = samsat_teknis_fungsional()
    raw["steps"].append({
        "id": "pengambilan", "kind": "citizen", "agency": POLDA, "after": ["pengesahan"],
        "channel": "counter", "location": POLDA_OFFICE, "counter": "pengambilan",
        "application": "polda-ambil",
    })  # fmt: skip
    assert figures(parse_definition(raw)) == Figures(visits=5, counters=5, handoffs=0, carries=3)


def test_a_cycle_has_no_figures() -> None:
    raw = samsat_satu_atap()
    raw["steps"][0]["after"] = ["pengesahan"]
    with pytest.raises(RuleError) as error:
        figures(parse_definition(raw))
    assert {v.rule for v in error.value.violations} == {"step_cycle", "no_root_step"}


# --- measured per case -------------------------------------------------------------------------


def test_measured_satu_atap_case_equals_the_table() -> None:
    """The events a SAMSAT satu atap case records, written out as the engine records them."""

    def at(counter: str) -> dict[str, Any]:
        return {"channel": Channel.COUNTER, "location": SAMSAT_JAKPUS, "counter": counter}

    events = [
        FigureEvent("verifikasi", POLDA, None, **at("pendaftaran")),
        FigureEvent("penetapan", BAPENDA, None, **at("penetapan"), previous=("verifikasi",)),
        FigureEvent("pembayaran", JASA_RAHARJA, None, **at("kasir"), previous=("penetapan",)),
        FigureEvent("pengesahan", POLDA, None, **at("pengesahan"), previous=("pembayaran",)),
    ]
    assert measured_figures(events) == TABLE["satu_atap"]


def test_measured_teknis_fungsional_case_equals_the_table() -> None:
    events = [
        FigureEvent("verifikasi", POLDA, "polda-cek", Channel.COUNTER, POLDA_OFFICE, "cek"),
        FigureEvent("penetapan", BAPENDA, "bapenda-pkb", Channel.COUNTER, BAPENDA_OFFICE, "pkb",
                    ("verifikasi",)),
        FigureEvent("pembayaran", JASA_RAHARJA, "jr", Channel.COUNTER, JR_OFFICE, "kasir",
                    ("penetapan",)),
        FigureEvent("pengesahan", POLDA, "polda-stnk", Channel.COUNTER, POLDA_OFFICE, "stnk",
                    ("pembayaran",)),
    ]  # fmt: skip
    assert measured_figures(events) == TABLE["teknis_fungsional"]


@pytest.mark.parametrize("pattern", TABLE)
def test_measured_happy_path_equals_static(pattern: str) -> None:
    definition = changed(VARIANTS[pattern](), add_parallel_insurance_check)
    events = happy_path_events(definition)
    assert [e.step_id for e in events] == [s.id for s in happy_path(definition)]
    assert measured_figures(events) == figures(definition)


def test_measured_revision_counts_the_moves_again() -> None:
    """Bapenda returns the file to Polda for a correction: two more hand-offs than the static
    figure, the same doors (the counters were already met)."""
    events = list(happy_path_events(parse_definition(samsat_satu_atap())))
    verify, assess = events[0], events[1]
    revision = [
        dataclasses.replace(verify, previous=("penetapan",)),
        dataclasses.replace(assess, previous=("verifikasi",)),
    ]
    measured = measured_figures([*events[:2], *revision, *events[2:]])
    assert measured == Figures(visits=1, counters=4, handoffs=5, carries=0)


def test_measured_event_after_an_unknown_step_is_refused() -> None:
    events = [FigureEvent("penetapan", BAPENDA, None, Channel.AUTOMATIC, previous=("x",))]
    with pytest.raises(RuleError) as error:
        measured_figures(events)
    [violation] = error.value.violations
    assert (violation.rule, violation.field) == ("figure_event_order", "events[0].previous")
    assert "penetapan" in violation.message


def test_measured_no_events_no_figures() -> None:
    assert measured_figures([]) == Figures(0, 0, 0, 0)


# --- property: on any DAG, any completion order measures what the graph says -------------------

AGENCIES = (POLDA, BAPENDA, JASA_RAHARJA)


@st.composite
def random_definitions(draw: st.DrawFn) -> tuple[Definition, dict[str, bool]]:
    size = draw(st.integers(min_value=1, max_value=8))
    flags = {f"f{i}": draw(st.booleans()) for i in range(3)}
    steps = []
    for i in range(size):
        channel = draw(st.sampled_from(list(Channel)))
        counter = channel is Channel.COUNTER
        steps.append(
            Step(
                id=f"s{i}",
                kind=draw(st.sampled_from(list(StepKind))),
                agency=draw(st.sampled_from(AGENCIES)),
                title=f"s{i}",
                after=tuple(draw(st.sets(st.sampled_from([f"s{j}" for j in range(i)]))))
                if i
                else (),
                when=draw(st.sampled_from([None, "f0", "not f1", "f2 == true"])),
                channel=channel,
                location=draw(st.sampled_from(["a", "b"])) if counter else None,
                counter=draw(st.sampled_from(["1", "2"])) if counter else None,
                sla=Duration(1, Unit.HOURS),
                application=draw(st.sampled_from([None, "x", "y"])),
            )
        )
    definition = Definition(
        service="s",
        version=1,
        variant="v",
        pattern=draw(st.sampled_from(list(Pattern))),
        title="t",
        steps=tuple(steps),
        example=flags,
    )
    return definition, flags


def shuffled_completion(events: tuple[FigureEvent, ...], rng: random.Random) -> list[FigureEvent]:
    """Another order a case could complete the same steps in (parallel branches race)."""
    pending, done, order = list(events), set[str](), []
    while pending:
        ready = [e for e in pending if set(e.previous) <= done]
        event = rng.choice(ready)
        pending.remove(event)
        done.add(event.step_id)
        order.append(event)
    return order


@settings(max_examples=300, deadline=None)
@given(random_definitions(), st.randoms(use_true_random=False))
def test_measured_equals_static_in_any_completion_order(
    case: tuple[Definition, dict[str, bool]], rng: random.Random
) -> None:
    definition, data = case
    events = happy_path_events(definition, data)
    assert measured_figures(events) == figures(definition, data)
    assert measured_figures(shuffled_completion(events, rng)) == figures(definition, data)
    path = [s.id for s in happy_path(definition, data)]
    skipped = {s.id for s in definition.steps if s.when and not evaluate(s.when, data)}
    assert set(path) == set(definition.step_ids) - skipped
    for step in happy_path(definition, data):
        assert all(path.index(a) < path.index(step.id) for a in step.after if a in path)
