"""BPMN 2.0 export of process definitions (catalog/bpmn.py).

Every variant of every bundled service file is exported and then read back three ways: as XML
(the structure: pools, tasks, gateways, message flows, diagram), by SpiffWorkflow's parser with
the BPMN 2.0 XML schema switched on (a spec for every process and for the collaboration), and by
SpiffWorkflow's engine, which runs the collaboration to its end: the steps it runs must be the
catalogue's own happy path for the same data, in an order the dependencies allow. Two small
hand-built definitions pin the exact counts of pools, tasks, message flows and gateways.

SpiffWorkflow (LGPL) is a test-only dependency; the platform code never imports it.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml
from SpiffWorkflow.bpmn.parser.BpmnParser import (  # type: ignore[import-untyped]
    BpmnParser,
    BpmnValidator,
)
from SpiffWorkflow.bpmn.script_engine.python_engine import (  # type: ignore[import-untyped]
    PythonScriptEngine,
)
from SpiffWorkflow.bpmn.script_engine.python_environment import (  # type: ignore[import-untyped]
    TaskDataEnvironment,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # type: ignore[import-untyped]
from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped]

from sinergi.catalog.bpmn import (
    BPMN_NS,
    BPMNDI_NS,
    DC_NS,
    DI_NS,
    bpmn_filename,
    to_bpmn,
)
from sinergi.catalog.definitions import Channel, Definition, StepKind, parse_definition
from sinergi.catalog.expressions import evaluate
from sinergi.catalog.figures import happy_path, happy_path_edges
from sinergi.rules import RuleError

SERVICES = Path(__file__).resolve().parents[2] / "src" / "sinergi" / "catalog" / "services"
NS = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS}
APPLICANT = "Pemohon"
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
TASKS = ("userTask", "serviceTask", "manualTask", "receiveTask", "task")
FLOW_NODES = (
    *TASKS,
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "parallelGateway",
    "exclusiveGateway",
)


def q(tag: str, ns: str = BPMN_NS) -> str:
    return f"{{{ns}}}{tag}"


def local(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


@cache
def variants() -> tuple[Definition, ...]:
    found: list[Definition] = []
    for path in sorted(SERVICES.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.extend(parse_definition(variant) for variant in raw["variants"])
    return tuple(found)


def variant_params() -> list[Any]:
    return [pytest.param(d, id=f"{d.service}/{d.variant}") for d in variants()]


def test_every_service_file_is_covered() -> None:
    assert len(variants()) == 11
    assert len({d.service for d in variants()}) == 5


# --- reading an export back ------------------------------------------------------------------


@dataclass
class Doc:
    """An export parsed with the standard library, with the indexes the assertions need."""

    xml: str
    root: ET.Element
    collaboration: ET.Element
    participants: list[ET.Element]
    processes: dict[str, ET.Element]  # process id -> element
    nodes: dict[str, ET.Element]  # flow node id -> element
    owner: dict[str, str]  # flow node id -> participant name
    flows: dict[str, ET.Element]  # sequence flow id -> element
    message_flows: list[ET.Element]
    shapes: dict[str, ET.Element]  # bpmnElement -> BPMNShape
    edges: dict[str, ET.Element]  # bpmnElement -> BPMNEdge

    @classmethod
    def of(cls, xml: str) -> Doc:
        root = ET.fromstring(xml.encode())  # noqa: S314 - our own export, not untrusted input
        collaboration = root.find("bpmn:collaboration", NS)
        assert collaboration is not None
        participants = collaboration.findall("bpmn:participant", NS)
        processes = {p.attrib["id"]: p for p in root.findall("bpmn:process", NS)}
        names = {p.attrib["processRef"]: p.attrib["name"] for p in participants}
        nodes: dict[str, ET.Element] = {}
        owner: dict[str, str] = {}
        flows: dict[str, ET.Element] = {}
        for process_id, process in processes.items():
            for element in process:
                if local(element) in FLOW_NODES:
                    nodes[element.attrib["id"]] = element
                    owner[element.attrib["id"]] = names[process_id]
                elif local(element) == "sequenceFlow":
                    flows[element.attrib["id"]] = element
        plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
        assert plane is not None
        return cls(
            xml=xml,
            root=root,
            collaboration=collaboration,
            participants=participants,
            processes=processes,
            nodes=nodes,
            owner=owner,
            flows=flows,
            message_flows=collaboration.findall("bpmn:messageFlow", NS),
            shapes={s.attrib["bpmnElement"]: s for s in plane.findall("bpmndi:BPMNShape", NS)},
            edges={e.attrib["bpmnElement"]: e for e in plane.findall("bpmndi:BPMNEdge", NS)},
        )

    def of_tag(self, tag: str) -> list[ET.Element]:
        return [n for n in self.nodes.values() if local(n) == tag]

    @property
    def tasks(self) -> list[ET.Element]:
        return [n for n in self.nodes.values() if local(n) in TASKS]

    def step_of(self, task: ET.Element) -> str:
        """The step id a task carries in its documentation (``step: <id>``)."""
        documentation = task.findtext("bpmn:documentation", "", NS)
        (line,) = [ln for ln in documentation.splitlines() if ln.startswith("step: ")]
        return line.removeprefix("step: ")

    def task_of(self, step_id: str) -> ET.Element:
        (task,) = [t for t in self.tasks if self.step_of(t) == step_id]
        return task

    def outgoing(self, node_id: str) -> list[ET.Element]:
        return [f for f in self.flows.values() if f.attrib["sourceRef"] == node_id]

    def incoming(self, node_id: str) -> list[ET.Element]:
        return [f for f in self.flows.values() if f.attrib["targetRef"] == node_id]

    def is_default(self, flow: ET.Element) -> bool:
        return self.nodes[flow.attrib["sourceRef"]].get("default") == flow.attrib["id"]

    def nearest_tasks(self, node_id: str, *, forward: bool) -> set[str]:
        """The steps of the first tasks met walking the sequence flows from ``node_id``, taking
        the condition's branch at an exclusive gateway (not the default flow that skips)."""
        found: set[str] = set()
        todo = [node_id]
        while todo:
            current = todo.pop()
            flows = self.outgoing(current) if forward else self.incoming(current)
            for flow in flows:
                if self.is_default(flow):
                    continue
                nxt = flow.attrib["targetRef" if forward else "sourceRef"]
                if local(self.nodes[nxt]) in TASKS:
                    found.add(self.step_of(self.nodes[nxt]))
                else:
                    todo.append(nxt)
        return found

    def message_ref(self, node_id: str) -> str:
        definition = self.nodes[node_id].find("bpmn:messageEventDefinition", NS)
        assert definition is not None, node_id
        return definition.attrib["messageRef"]

    def bounds(self, element_id: str) -> tuple[int, int, int, int]:
        box = self.shapes[element_id].find("dc:Bounds", NS)
        assert box is not None, element_id
        return tuple(int(box.attrib[k]) for k in ("x", "y", "width", "height"))  # type: ignore[return-value]

    def waypoints(self, element_id: str) -> list[tuple[int, int]]:
        return [
            (int(p.attrib["x"]), int(p.attrib["y"]))
            for p in self.edges[element_id].findall("di:waypoint", NS)
        ]


_exports: dict[int, tuple[Definition, Doc]] = {}


def export(definition: Definition) -> Doc:
    """The export of ``definition``, parsed once per definition object."""
    kept = _exports.get(id(definition))
    if kept is None or kept[0] is not definition:
        kept = _exports[id(definition)] = (definition, Doc.of(to_bpmn(definition)))
    return kept[1]


def cross_agency(definition: Definition) -> set[tuple[str, str]]:
    agency = {s.id: s.agency for s in definition.steps}
    return {(a, s.id) for s in definition.steps for a in s.after if agency[a] != s.agency}


def agencies_in_order(definition: Definition) -> list[str]:
    return list(dict.fromkeys(s.agency for s in definition.steps))


def roots(definition: Definition) -> set[str]:
    return {s.id for s in definition.steps if not s.after}


def sinks(definition: Definition) -> set[str]:
    waited_for = {a for s in definition.steps for a in s.after}
    return {s.id for s in definition.steps if s.id not in waited_for}


# --- SpiffWorkflow ----------------------------------------------------------------------------


class CatalogueConditions(TaskDataEnvironment):  # type: ignore[misc]
    """Conditions are read by the catalogue's own safe evaluator (``true``, unknown names…),
    never by Python's ``eval``."""

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: Any = None
    ) -> Any:
        return evaluate(expression, context)


def spiff_parser(xml: str) -> Any:
    parser = BpmnParser(validator=BpmnValidator())  # the BPMN 2.0 XSD, with DI and DC
    parser.add_bpmn_str(xml.encode())  # bytes: lxml refuses str with an encoding declaration
    return parser


def run(definition: Definition, data: Mapping[str, Any]) -> list[str]:
    """Run the collaboration in SpiffWorkflow; officials do every user task, citizens every
    manual task and the system every service task (which Spiff leaves STARTED, waiting for an
    implementation). Returns the steps done, in order."""
    doc = export(definition)
    parser = spiff_parser(doc.xml)
    (collaboration,) = parser.collaborations
    spec, subprocesses = parser.get_collaboration(collaboration)
    workflow = BpmnWorkflow(
        spec, subprocesses, script_engine=PythonScriptEngine(environment=CatalogueConditions())
    )
    workflow.task_tree.data.update(data)  # the case data: every participant starts with it
    steps = {t.attrib["id"]: doc.step_of(t) for t in doc.tasks}
    done: list[str] = []
    workflow.do_engine_steps()
    for _ in range(10 * len(steps) + 10):
        pending = [
            t
            for state in (TaskState.READY, TaskState.STARTED)
            for t in workflow.get_tasks(state=state)
            if t.task_spec.name in steps
        ]
        if not pending:
            break
        task = pending[0]
        done.append(steps[task.task_spec.name])
        if task.state == TaskState.READY:
            task.run()
        else:
            task.complete()
        workflow.do_engine_steps()
    waiting = [t.task_spec.name for t in workflow.get_tasks(state=TaskState.WAITING)]
    assert workflow.is_completed(), f"stuck after {done}; waiting: {waiting}"
    assert workflow.get_events() == []  # no message went unheard
    return done


# --- every bundled variant --------------------------------------------------------------------


@pytest.mark.parametrize("definition", variant_params())
def test_spiffworkflow_parses_every_process_and_the_collaboration(definition: Definition) -> None:
    doc = export(definition)
    parser = spiff_parser(doc.xml)
    assert sorted(parser.get_process_ids()) == sorted(doc.processes)
    for process_id, process in doc.processes.items():
        assert process.attrib["isExecutable"] == "true"
        spec = parser.get_spec(process_id)
        node_ids = {e.attrib["id"] for e in process if local(e) in FLOW_NODES}
        assert node_ids <= set(spec.task_specs), process_id
    (collaboration,) = parser.collaborations
    assert collaboration == doc.collaboration.attrib["id"]
    spec, subprocesses = parser.get_collaboration(collaboration)
    assert set(subprocesses) == set(doc.processes)
    assert spec.name == collaboration


@pytest.mark.parametrize("definition", variant_params())
def test_every_element_has_a_shape_or_an_edge(definition: Definition) -> None:
    doc = export(definition)
    plane = doc.root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane is not None
    assert plane.attrib["bpmnElement"] == doc.collaboration.attrib["id"]
    participant_ids = {p.attrib["id"] for p in doc.participants}
    assert set(doc.shapes) == set(doc.nodes) | participant_ids
    assert set(doc.edges) == set(doc.flows) | {m.attrib["id"] for m in doc.message_flows}
    for element_id, shape in doc.shapes.items():
        x, y, width, height = doc.bounds(element_id)
        assert min(width, height) > 0
        assert min(x, y) >= 0
        if element_id in participant_ids:
            assert shape.attrib["isHorizontal"] == "true"
    for element_id in doc.edges:
        assert len(doc.waypoints(element_id)) >= 2


@pytest.mark.parametrize("definition", variant_params())
def test_pools_are_stacked_bands_holding_their_own_nodes(definition: Definition) -> None:
    doc = export(definition)
    pool_of_name = {p.attrib["name"]: p.attrib["id"] for p in doc.participants}
    order = [APPLICANT, *agencies_in_order(definition)]
    bands = [doc.bounds(pool_of_name[name]) for name in order]
    assert len({(x, width) for x, _, width, _ in bands}) == 1  # one width, aligned
    for (_, y, _, height), (_, next_y, _, _) in pairwise(bands):
        assert y + height < next_y  # top to bottom, the applicant first, no overlap
    for node_id, name in doc.owner.items():
        px, py, pw, ph = doc.bounds(pool_of_name[name])
        x, y, width, height = doc.bounds(node_id)
        assert px < x < x + width < px + pw, node_id
        assert py < y < y + height < py + ph, node_id
    # left to right: a message goes to a later column, a sequence flow never goes back
    for flow in doc.message_flows:
        source, target = doc.bounds(flow.attrib["sourceRef"]), doc.bounds(flow.attrib["targetRef"])
        assert source[0] + source[2] < target[0]
    for flow_id, flow in doc.flows.items():
        source, target = doc.bounds(flow.attrib["sourceRef"]), doc.bounds(flow.attrib["targetRef"])
        assert source[0] < target[0], flow_id
        points = doc.waypoints(flow_id)
        assert points[0][0] <= points[-1][0]
    # no two shapes overlap
    boxes = sorted(doc.bounds(n) for n in doc.nodes)
    for i, (x, y, width, height) in enumerate(boxes):
        for ox, oy, _, oh in boxes[i + 1 :]:
            if ox >= x + width:
                break
            assert oy >= y + height or oy + oh <= y


@pytest.mark.parametrize("definition", variant_params())
def test_one_pool_per_agency_and_the_applicant(definition: Definition) -> None:
    doc = export(definition)
    names = [p.attrib["name"] for p in doc.participants]
    assert Counter(names) == Counter([APPLICANT, *agencies_in_order(definition)])
    assert sorted(p.attrib["processRef"] for p in doc.participants) == sorted(doc.processes)
    for participant in doc.participants:
        process = doc.processes[participant.attrib["processRef"]]
        assert process.attrib["name"] == participant.attrib["name"]
    applicant = {n for n, owner in doc.owner.items() if owner == APPLICANT}
    assert Counter(local(doc.nodes[n]) for n in applicant) == Counter(
        startEvent=1,
        intermediateThrowEvent=1,
        intermediateCatchEvent=len(sinks(definition)),
        endEvent=1,
        parallelGateway=2 if len(sinks(definition)) > 1 else 0,
    )
    (start,) = [doc.nodes[n] for n in applicant if local(doc.nodes[n]) == "startEvent"]
    (end,) = [doc.nodes[n] for n in applicant if local(doc.nodes[n]) == "endEvent"]
    assert (start.attrib["name"], end.attrib["name"]) == (
        "Permohonan diajukan",
        "Keputusan diterima",
    )
    for agency in agencies_in_order(definition):
        owned = [local(doc.nodes[n]) for n, owner in doc.owner.items() if owner == agency]
        assert (owned.count("startEvent"), owned.count("endEvent")) == (1, 1)


@pytest.mark.parametrize("definition", variant_params())
def test_one_task_per_step_by_kind_and_channel(definition: Definition) -> None:
    doc = export(definition)
    assert sorted(doc.step_of(t) for t in doc.tasks) == sorted(definition.step_ids)
    for step in definition.steps:
        task = doc.task_of(step.id)
        if step.kind is StepKind.CITIZEN:
            expected = "manualTask"
        elif step.channel is Channel.AUTOMATIC:
            expected = "serviceTask"
        else:
            expected = "userTask"
        assert local(task) == expected, step.id
        assert task.attrib["name"] == step.title
        assert doc.owner[task.attrib["id"]] == step.agency
        lines = task.findtext("bpmn:documentation", "", NS).splitlines()
        assert f"sla: {step.sla}" in lines
        need = step.authority
        assert (
            f"authority: {need.service}/{need.decision}" if need else "authority: none"
        ) in lines
        assert f"step: {step.id}" in lines
        assert f"channel: {step.channel.value}" in lines


@pytest.mark.parametrize("definition", variant_params())
def test_message_flows_are_exactly_the_cross_agency_dependencies(definition: Definition) -> None:
    doc = export(definition)
    between_agencies: set[tuple[str, str]] = set()
    from_applicant: list[str] = []
    to_applicant: list[str] = []
    for flow in doc.message_flows:
        source, target = flow.attrib["sourceRef"], flow.attrib["targetRef"]
        assert local(doc.nodes[source]) == "intermediateThrowEvent"
        assert local(doc.nodes[target]) == "intermediateCatchEvent"
        assert doc.message_ref(source) == doc.message_ref(target)
        assert doc.owner[source] != doc.owner[target]
        (waiting,) = doc.nearest_tasks(target, forward=True) or {""}
        (done,) = doc.nearest_tasks(source, forward=False) or {""}
        if doc.owner[source] == APPLICANT:
            from_applicant.append(waiting)
        elif doc.owner[target] == APPLICANT:
            to_applicant.append(done)
        else:
            between_agencies.add((done, waiting))
    expected = cross_agency(definition)
    assert between_agencies == expected
    assert len(doc.message_flows) == len(expected) + len(from_applicant) + len(to_applicant)
    assert sorted(from_applicant) == sorted(roots(definition))
    assert sorted(to_applicant) == sorted(sinks(definition))
    messages = {m.attrib["id"]: m.attrib["name"] for m in doc.root.findall("bpmn:message", NS)}
    assert len(set(messages.values())) == len(messages)  # SpiffWorkflow matches by name


@pytest.mark.parametrize("definition", variant_params())
def test_same_agency_dependencies_are_sequence_flows(definition: Definition) -> None:
    doc = export(definition)
    agency = {s.id: s.agency for s in definition.steps}
    for step in definition.steps:
        task = doc.task_of(step.id)
        local_after = {a for a in step.after if agency[a] == step.agency}
        reached_from = doc.nearest_tasks(task.attrib["id"], forward=False)
        # through gateways (and the throw event of a step that also tells another agency)
        assert reached_from == local_after, step.id
    for gateway in doc.of_tag("parallelGateway"):  # a split or a join, never both
        ins, outs = (
            len(doc.incoming(gateway.attrib["id"])),
            len(doc.outgoing(gateway.attrib["id"])),
        )
        assert (ins == 1 and outs > 1) or (ins > 1 and outs == 1), gateway.attrib["id"]
    for task in doc.tasks:  # an engine gives a task one way in and one way out
        assert len(doc.incoming(task.attrib["id"])) == len(doc.outgoing(task.attrib["id"])) == 1


@pytest.mark.parametrize("definition", variant_params())
def test_conditions_are_exclusive_gateways_with_a_skipping_default(definition: Definition) -> None:
    doc = export(definition)
    conditional = [s for s in definition.steps if s.when is not None]
    assert len(doc.of_tag("exclusiveGateway")) == 2 * len(conditional)
    for step in conditional:
        task = doc.task_of(step.id)
        (into,) = doc.incoming(task.attrib["id"])
        gateway = doc.nodes[into.attrib["sourceRef"]]
        assert local(gateway) == "exclusiveGateway"
        assert into.findtext("bpmn:conditionExpression", None, NS) == step.when
        (skip,) = [f for f in doc.outgoing(gateway.attrib["id"]) if f is not into]
        assert gateway.attrib["default"] == skip.attrib["id"]
        assert skip.find("bpmn:conditionExpression", NS) is None
        (out,) = doc.outgoing(task.attrib["id"])
        assert out.attrib["targetRef"] == skip.attrib["targetRef"]  # the merge
        assert local(doc.nodes[skip.attrib["targetRef"]]) == "exclusiveGateway"
    if not conditional:
        assert "conditionExpression" not in doc.xml


@pytest.mark.parametrize("definition", variant_params())
def test_ids_are_unique_ncnames_and_the_output_is_stable(definition: Definition) -> None:
    xml = to_bpmn(definition)
    ids = [e.attrib["id"] for e in Doc.of(xml).root.iter() if "id" in e.attrib]
    assert len(ids) == len(set(ids))
    assert all(NCNAME.match(i) for i in ids), [i for i in ids if not NCNAME.match(i)]
    assert to_bpmn(definition) == xml
    copy = dataclasses.replace(
        definition, steps=tuple(dataclasses.replace(s) for s in definition.steps)
    )
    assert to_bpmn(copy) == xml


def test_the_output_does_not_depend_on_the_hash_seed() -> None:
    """Byte-identical across interpreter runs (set and dict order must not leak in)."""
    script = (
        "import sys, yaml; from pathlib import Path;"
        "from sinergi.catalog.definitions import parse_definition;"
        "from sinergi.catalog.bpmn import to_bpmn;"
        "raw = yaml.safe_load(Path(sys.argv[1]).read_text(encoding='utf-8'));"
        "sys.stdout.write(to_bpmn(parse_definition(raw['variants'][0])))"
    )
    path = SERVICES / "izin-usaha.yaml"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, str(path)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    (definition,) = [
        d for d in variants() if (d.service, d.variant) == ("izin-usaha", "satu-pintu")
    ]
    assert outputs == {to_bpmn(definition)}


def execution_data(definition: Definition) -> list[Any]:
    base = dict(definition.example)
    cases: list[dict[str, Any]] = [base]
    if "risk_level" in base:
        cases = [
            {**base, "risk_level": r}
            for r in ("rendah", "menengah_rendah", "menengah_tinggi", "tinggi")
        ]
    if "parents_jkn_participant" in base:
        cases = [{**base, "parents_jkn_participant": v} for v in (True, False)]
    return cases


def execution_params() -> list[Any]:
    return [
        pytest.param(d, data, id=f"{d.service}/{d.variant}/{i}")
        for d in variants()
        for i, data in enumerate(execution_data(d))
    ]


@pytest.mark.parametrize(("definition", "data"), execution_params())
def test_spiffworkflow_runs_the_happy_path(definition: Definition, data: dict[str, Any]) -> None:
    done = run(definition, data)
    assert sorted(done) == sorted(s.id for s in happy_path(definition, data))
    for before, after in happy_path_edges(definition, data):
        assert done.index(before.id) < done.index(after.id), (before.id, after.id)


def test_the_branches_of_the_risk_levels_are_all_run() -> None:
    (definition,) = [
        d for d in variants() if (d.service, d.variant) == ("izin-usaha", "satu-pintu")
    ]
    runs = {d["risk_level"]: run(definition, d) for d in execution_data(definition)}
    assert runs["rendah"] == ["pendaftaran", "penerbitan-nib"]
    assert runs["menengah_rendah"] == ["pendaftaran", "penerbitan-nib", "penerbitan-ss-mandiri"]
    assert runs["menengah_tinggi"][2:] == [
        "verifikasi-ss",
        "keputusan-ss",
        "penerbitan-ss-terverifikasi",
    ]
    assert set(runs["tinggi"][2:4]) == {"rekomendasi-lingkungan", "rekomendasi-jalan-air"}
    assert runs["tinggi"][4:] == ["keputusan-izin", "penerbitan-izin"]


def test_bpmn_filename() -> None:
    by_key = {(d.service, d.variant): d for d in variants()}
    assert (
        bpmn_filename(by_key["samsat-tahunan", "satu-atap"]) == "samsat-tahunan__satu-atap__v1.bpmn"
    )
    odd = dataclasses.replace(
        by_key["samsat-tahunan", "satu-atap"], variant="satu atap/2", version=3
    )
    assert bpmn_filename(odd) == "samsat-tahunan__satu_atap_2__v3.bpmn"
    assert export(by_key["samsat-tahunan", "satu-atap"]).root.attrib["id"] == (
        "Definitions_samsat-tahunan__satu-atap__v1"
    )


# --- hand-built definitions -------------------------------------------------------------------


def step(step_id: str, agency: str, *after: str, when: str | None = None) -> dict[str, Any]:
    return {
        "id": step_id,
        "kind": "verify",
        "agency": agency,
        "title": f"Langkah {step_id}",
        "after": list(after),
        "when": when,
        "authority": {"service": "uji", "decision": "verifikasi"},
        "sla": {"amount": 1, "unit": "working_days"},
    }


def hand_built(*steps: dict[str, Any], example: dict[str, Any] | None = None) -> Definition:
    return parse_definition(
        {
            "service": "uji",
            "version": 1,
            "variant": "tangan",
            "pattern": "satu_atap",
            "title": "Dibuat tangan",
            "steps": list(steps),
            "example": example or {},
        }
    )


def census(doc: Doc) -> dict[str, int]:
    counts = Counter(local(n) for n in doc.nodes.values())
    return {
        "pools": len(doc.participants),
        "tasks": len(doc.tasks),
        "message_flows": len(doc.message_flows),
        "parallel": counts["parallelGateway"],
        "exclusive": counts["exclusiveGateway"],
        "throws": counts["intermediateThrowEvent"],
        "catches": counts["intermediateCatchEvent"],
    }


def test_three_agencies_in_a_row_then_two_parallel_steps_joined_across_pools() -> None:
    definition = hand_built(
        step("a", "A"),
        step("b", "B", "a"),
        step("c", "C", "b"),
        step("d", "A", "c"),
        step("e", "B", "c"),
        step("f", "C", "d", "e"),
    )
    doc = export(definition)
    assert census(doc) == {
        "pools": 4,  # the applicant, A, B, C
        "tasks": 6,
        "message_flows": 8,  # a>b, b>c, c>d, c>e, d>f, e>f; application>a; f>applicant
        # A and B: a split after the start (two catches) and a join before the end (two
        # branches); C: the same, and the join of d and e before f
        "parallel": 7,
        "exclusive": 0,
        "throws": 7,  # after a, b, c (one throw to A and B), d, e, f; the application
        "catches": 8,  # one per message flow
    }
    (join,) = [
        g
        for g in doc.of_tag("parallelGateway")
        if doc.owner[g.attrib["id"]] == "C"
        and doc.nearest_tasks(g.attrib["id"], forward=True) == {"f"}
    ]
    feeding = [doc.nodes[f.attrib["sourceRef"]] for f in doc.incoming(join.attrib["id"])]
    assert [local(n) for n in feeding] == ["intermediateCatchEvent"] * 2
    assert {doc.message_ref(n.attrib["id"]) for n in feeding} == {
        doc.message_ref(doc.nodes[n].attrib["id"])
        for n in doc.nodes
        if local(doc.nodes[n]) == "intermediateThrowEvent"
        and doc.nearest_tasks(n, forward=False) & {"d", "e"}
    }
    assert run(definition, {}) in (list("abcdef"), list("abcedf"))


def test_three_agencies_in_a_row_then_a_split_a_condition_and_a_join_in_one_pool() -> None:
    definition = hand_built(
        step("a", "A"),
        step("b", "B", "a"),
        step("c", "C", "b"),
        step("d", "C", "c"),
        step("e", "C", "c", when="urgent == true"),
        step("f", "C", "d", "e"),
        example={"urgent": True},
    )
    doc = export(definition)
    assert census(doc) == {
        "pools": 4,
        "tasks": 6,
        "message_flows": 4,  # a>b, b>c; application>a; f>applicant
        "parallel": 2,  # the split after c, the join before f
        "exclusive": 2,  # the condition of e and its merge
        "throws": 4,  # after a, b, f; the application
        "catches": 4,
    }
    c_out = doc.outgoing(doc.task_of("c").attrib["id"])
    assert [local(doc.nodes[f.attrib["targetRef"]]) for f in c_out] == ["parallelGateway"]
    assert doc.nearest_tasks(doc.task_of("f").attrib["id"], forward=False) == {"d", "e"}
    assert run(definition, {"urgent": True}) in (list("abcdef"), list("abcedf"))
    assert run(definition, {"urgent": False}) == list("abcdf")


def test_odd_step_ids_still_give_unique_ncnames_that_spiffworkflow_reads() -> None:
    definition = hand_built(
        step("1 mulai", "instansi satu"),
        step("1_mulai", "instansi/dua", "1 mulai"),
        step("périksa", "instansi satu", "1_mulai"),
    )
    doc = export(definition)
    ids = [e.attrib["id"] for e in doc.root.iter() if "id" in e.attrib]
    assert len(ids) == len(set(ids))
    assert all(NCNAME.match(i) for i in ids)
    assert {p.attrib["name"] for p in doc.participants} == {
        APPLICANT,
        "instansi satu",
        "instansi/dua",
    }
    assert run(definition, {}) == ["1 mulai", "1_mulai", "périksa"]


def test_a_citizen_step_is_a_manual_task_in_its_agency_pool() -> None:
    citizen = {**step("hadir", "A", "a"), "kind": "citizen", "authority": None, "sla": None}
    definition = hand_built(step("a", "A"), citizen)
    doc = export(definition)
    task = doc.task_of("hadir")
    assert local(task) == "manualTask"
    assert doc.owner[task.attrib["id"]] == "A"
    lines = task.findtext("bpmn:documentation", "", NS).splitlines()
    assert "sla: none" in lines
    assert "authority: none" in lines
    assert run(definition, {}) == ["a", "hadir"]


def test_a_graph_that_is_not_a_dag_is_refused() -> None:
    definition = hand_built(step("a", "A", "b"), step("b", "B", "a"), step("c", "A"))
    with pytest.raises(RuleError):
        to_bpmn(definition)


def test_the_export_does_not_need_spiffworkflow() -> None:
    source = (Path(__file__).resolve().parents[2] / "src/sinergi/catalog/bpmn.py").read_text()
    imports = [ln for ln in source.splitlines() if ln.startswith(("import ", "from "))]
    assert not [ln for ln in imports if "Spiff" in ln or "django" in ln or "lxml" in ln]
