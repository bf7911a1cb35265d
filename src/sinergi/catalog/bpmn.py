"""BPMN 2.0 export of a service variant: one collaboration, one pool per agency, with a diagram.

:func:`to_bpmn` turns a :class:`~.definitions.Definition` into a BPMN 2.0 XML document that
bpmn.io renders and a BPMN engine (SpiffWorkflow, in the tests) parses and runs. The shape:

* **Pools.** A ``collaboration`` holds one participant for the applicant ("Pemohon") and one per
  agency that owns steps (named by the agency code, in the order the agencies first act); each
  references its own executable ``process``. A citizen step stays in the pool of the agency that
  owns it (the agency waits there for the citizen's action), so pools follow ``Step.agency``.
* **Applicant.** Start "Permohonan diajukan", a message throw "Permohonan dikirim" to the catch
  event in front of every root step, then one message catch "Hasil: <title>" per final step (a
  step no other step waits for), joined by a parallel gateway, and end "Keputusan diterima".
* **Tasks.** verify/assess/recommend/decide/issue/pay are ``userTask`` (an official does it, or
  records the payment, whatever the channel: counter, back office, online) or ``serviceTask``
  when the channel is ``automatic`` (the system does it); citizen steps are ``manualTask``. A
  task is named by the step title; its documentation lists the step id, kind, channel, SLA,
  time-out rule and authority need, and the position, place and condition when there are any.
* **Inside a pool.** A step that waits for a step of the same agency follows it by a sequence
  flow. Several inputs meet in a parallel join; several outputs leave by a parallel split (an
  engine gives a task one outgoing flow). A step with a condition sits between an exclusive
  gateway (the ``when`` text as ``conditionExpression`` of the flow into the task, named "ya",
  and a default flow "tidak: dilewati" that skips it) and an exclusive merge, so the steps after
  it run either way, as in the catalogue (a skipped step counts as done).
* **Between pools.** After a step that a step of another agency waits for (or that ends the
  process) comes a message throw event "Kirim ke <agencies>", which also fires when the step was
  skipped; every dependency across agencies is one message flow from it to a message catch event
  "Diterima: <title>" in front of the waiting step. A step waiting for several agencies joins
  their catch events with a parallel gateway. Every catch event hangs off the pool's start (a
  none start event "Kasus dibuka" and a parallel split: every agency's process starts with the
  case), so it is already waiting when its message comes, whatever the pool's other branches
  are doing. The message of a step is named ``<step id> selesai`` (unique, as step ids are).
  The applicant's participant is listed last in the collaboration although it is drawn first:
  an engine that starts the participants in document order (SpiffWorkflow does) then has every
  agency waiting before the application is sent.
* **Diagram.** Every participant, flow node, sequence flow and message flow has a BPMNShape or
  a BPMNEdge. Columns follow the longest path over sequence and message flows (left to right, a
  message always goes to a later column); each pool is a horizontal band (``isHorizontal``),
  stacked top to bottom with the applicant first; rows inside a pool follow the branches (a node
  keeps the row of its predecessor, a branch that splits off opens a new row). A message flow
  leaves its pool, crosses in the gap before the target's column and enters the target from
  above.

Element ids are NCNames built from the step and agency codes (a letter-led prefix such as
``Task_``; anything outside ``[A-Za-z0-9_.-]`` becomes ``_``; a clash gets a ``_2`` suffix), so
the same definition always gives the same bytes.

Pure Python (``xml.etree.ElementTree``): no Django, no BPMN library.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Final

from sinergi.catalog.definitions import Channel, Definition, Step, StepKind
from sinergi.catalog.validation import topological_order

__all__ = [
    "BPMNDI_NS",
    "BPMN_NS",
    "DC_NS",
    "DI_NS",
    "bpmn_filename",
    "to_bpmn",
]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# The conventional prefixes (bpmn.io writes the same); ``xsi:type="bpmn:tFormalExpression"``
# on a condition needs the ``bpmn`` prefix.
PREFIXES: Final = (
    ("bpmn", BPMN_NS),
    ("bpmndi", BPMNDI_NS),
    ("dc", DC_NS),
    ("di", DI_NS),
    ("xsi", XSI_NS),
)


def _register_prefixes() -> None:
    """ElementTree's prefix registry is global: PDF libraries register ``dc`` for Dublin Core
    (XMP metadata), which would make ours ``ns3``; so ours are registered before each write."""
    for prefix, uri in PREFIXES:
        ET.register_namespace(prefix, uri)


_register_prefixes()

APPLICANT = "Pemohon"
APPLICATION_MESSAGE = "Permohonan diajukan"

# Shape sizes (width, height) and layout constants, in diagram pixels.
_TASK = (120, 80)
_EVENT = (36, 36)
_GATEWAY = (50, 50)
_COLUMN_GAP = 60  # between two columns (wider than an event's label overhang)
_ROW = 160  # height of one row inside a pool (labels hang below events and gateways)
_POOL_PAD = 20  # above the first row and below the last one
_POOL_GAP = 40  # between two pools
_POOL_LABEL = 30  # the band with the pool's name
_POOL_X, _POOL_Y = 100, 80
_CONTENT_PAD = 40  # between the label band (or the pool's right edge) and the first column
_DETOUR = 58  # from a row's centre: where a flow that skips a task runs (above the tasks)

_EVENTS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent"})
_GATEWAYS = frozenset({"exclusiveGateway", "parallelGateway"})
_NOT_NCNAME = re.compile(r"[^A-Za-z0-9_.\-]")


def _q(tag: str, ns: str = BPMN_NS) -> str:
    return f"{{{ns}}}{tag}"


def _ncname(text: str) -> str:
    return _NOT_NCNAME.sub("_", text)


def bpmn_filename(definition: Definition) -> str:
    """``<service>__<variant>__v<version>.bpmn``, e.g. ``samsat-tahunan__satu-atap__v1.bpmn``."""
    return _ncname(f"{definition.service}__{definition.variant}__v{definition.version}") + ".bpmn"


# --- the model --------------------------------------------------------------------------------


@dataclass
class _Node:
    id: str
    tag: str  # BPMN element name: userTask, parallelGateway, intermediateThrowEvent, …
    pool: int
    name: str | None = None
    documentation: str | None = None
    message: str | None = None  # message id of a message event
    default: str | None = None  # default flow of an exclusive gateway
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)

    @property
    def size(self) -> tuple[int, int]:
        if self.tag in _EVENTS:
            return _EVENT
        if self.tag in _GATEWAYS:
            return _GATEWAY
        return _TASK


@dataclass
class _Flow:
    id: str
    source: str
    target: str
    name: str | None = None
    condition: str | None = None


@dataclass
class _Pool:
    participant: str
    process: str
    name: str
    nodes: list[str] = field(default_factory=list)
    flows: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Box:
    x: int
    y: int
    width: int
    height: int

    @property
    def cx(self) -> int:
        return self.x + self.width // 2

    @property
    def cy(self) -> int:
        return self.y + self.height // 2

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height


class _Model:
    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.pools: list[_Pool] = []
        self.nodes: dict[str, _Node] = {}
        self.flows: dict[str, _Flow] = {}
        self.messages: dict[str, str] = {}  # id -> name
        self.message_flows: dict[str, _Flow] = {}

    def new_id(self, base: str) -> str:
        candidate = _ncname(base)
        n = 1
        while candidate in self.ids:
            n += 1
            candidate = f"{_ncname(base)}_{n}"
        self.ids.add(candidate)
        return candidate

    def pool(self, key: str, name: str) -> int:
        self.pools.append(
            _Pool(
                participant=self.new_id(f"Participant_{key}"),
                process=self.new_id(f"Process_{key}"),
                name=name,
            )
        )
        return len(self.pools) - 1

    def node(
        self,
        pool: int,
        base: str,
        tag: str,
        name: str | None = None,
        *,
        documentation: str | None = None,
        message: str | None = None,
    ) -> str:
        node = _Node(self.new_id(base), tag, pool, name, documentation, message)
        self.nodes[node.id] = node
        self.pools[pool].nodes.append(node.id)
        return node.id

    def flow(
        self, source: str, target: str, name: str | None = None, condition: str | None = None
    ) -> str:
        flow = _Flow(self.new_id(f"Flow_{source}__{target}"), source, target, name, condition)
        self.flows[flow.id] = flow
        self.nodes[source].outgoing.append(flow.id)
        self.nodes[target].incoming.append(flow.id)
        self.pools[self.nodes[source].pool].flows.append(flow.id)
        return flow.id

    def fan_out(self, source: str, targets: list[str], split: str) -> None:
        """``source`` into every target; through a parallel split when there are several."""
        if len(targets) > 1:
            gateway = self.node(self.nodes[source].pool, split, "parallelGateway")
            self.flow(source, gateway)
            source = gateway
        for target in targets:
            self.flow(source, target)

    def fan_in(self, sources: list[str], target: str, join: str) -> None:
        """Every source into ``target``; through a parallel join when there are several."""
        if len(sources) > 1:
            gateway = self.node(self.nodes[target].pool, join, "parallelGateway")
            for source in sources:
                self.flow(source, gateway)
            self.flow(gateway, target)
        else:
            self.flow(sources[0], target)

    def message(self, base: str, name: str) -> str:
        message_id = self.new_id(base)
        self.messages[message_id] = name
        return message_id

    def message_flow(self, source: str, target: str) -> None:
        flow = _Flow(self.new_id(f"MessageFlow_{source}__{target}"), source, target)
        self.message_flows[flow.id] = flow


# --- from the definition to the model ---------------------------------------------------------


def _task_tag(step: Step) -> str:
    if step.kind is StepKind.CITIZEN:
        return "manualTask"
    if step.channel is Channel.AUTOMATIC:
        return "serviceTask"
    return "userTask"


def _step_documentation(step: Step) -> str:
    lines = [
        f"step: {step.id}",
        f"kind: {step.kind.value}",
        f"channel: {step.channel.value}",
        f"sla: {step.sla if step.sla is not None else 'none'}",
        f"on_timeout: {step.on_timeout.value}",
        "authority: "
        + (f"{step.authority.service}/{step.authority.decision}" if step.authority else "none"),
    ]
    optional = (
        ("position", step.position),
        ("location", step.location),
        ("counter", step.counter),
        ("application", step.application),
        ("when", step.when),
    )
    lines += [f"{key}: {value}" for key, value in optional if value]
    return "\n".join(lines)


def _definition_documentation(definition: Definition) -> str:
    lines = [
        definition.title,
        f"service: {definition.service}",
        f"variant: {definition.variant}",
        f"version: {definition.version}",
        f"pattern: {definition.pattern.value}",
        f"intake: {definition.intake.value}",
    ]
    optional = (
        ("service_point", definition.service_point),
        ("decider", definition.decider),
        ("deemed_granted_after", definition.deemed_granted_after),
        ("legal_basis", " ".join(definition.legal_basis.split())),
    )
    lines += [f"{key}: {value}" for key, value in optional if value]
    return "\n".join(lines)


def _build(definition: Definition) -> _Model:
    order = topological_order(definition)
    by_id = {s.id: s for s in order}
    after = {s.id: tuple(dict.fromkeys(s.after)) for s in order}
    successors = {s.id: [t.id for t in order if s.id in after[t.id]] for s in order}
    sinks = [s for s in order if not successors[s.id]]
    agencies = list(dict.fromkeys(s.agency for s in order))

    model = _Model()
    applicant = model.pool("applicant", APPLICANT)
    pools = {agency: model.pool(f"agency_{agency}", agency) for agency in agencies}

    # A message per step that a step of another agency waits for or that ends the process.
    application = model.message("Message_application", APPLICATION_MESSAGE)
    crossing = {
        s.id
        for s in order
        if not successors[s.id] or any(by_id[t].agency != s.agency for t in successors[s.id])
    }
    messages = {
        s.id: model.message(f"Message_{s.id}", f"{s.id} selesai") for s in order if s.id in crossing
    }

    # The applicant: submits, then waits for the outcome of every final step.
    start = model.node(applicant, "StartEvent_applicant", "startEvent", "Permohonan diajukan")
    send = model.node(
        applicant,
        "Event_send_application",
        "intermediateThrowEvent",
        "Permohonan dikirim",
        message=application,
    )
    model.flow(start, send)
    results = [
        model.node(
            applicant,
            f"Event_receive_result__{s.id}",
            "intermediateCatchEvent",
            f"Hasil: {s.title}",
            message=messages[s.id],
        )
        for s in sinks
    ]
    end = model.node(applicant, "EndEvent_applicant", "endEvent", "Keputusan diterima")
    model.fan_out(send, results, "Gateway_split_applicant")
    model.fan_in(results, end, "Gateway_join_applicant")

    throws: dict[str, str] = {}  # step id -> its message throw event
    receives: list[tuple[str | None, str]] = []  # (step id or None: the application, catch id)
    for agency in agencies:
        pool = pools[agency]
        steps = [s for s in order if s.agency == agency]
        start = model.node(pool, f"StartEvent_{agency}", "startEvent", "Kasus dibuka")
        inputs: dict[str, list[str]] = {s.id: [] for s in steps}  # feeding each step's entry
        catches: list[str] = []
        for step in steps:
            if not after[step.id]:
                catch = model.node(
                    pool,
                    f"Event_receive_application__{step.id}",
                    "intermediateCatchEvent",
                    "Permohonan diterima",
                    message=application,
                )
                receives.append((None, catch))
                catches.append(catch)
                inputs[step.id].append(catch)
            for name in after[step.id]:
                if by_id[name].agency != agency:
                    catch = model.node(
                        pool,
                        f"Event_receive_{name}__{step.id}",
                        "intermediateCatchEvent",
                        f"Diterima: {by_id[name].title}",
                        message=messages[name],
                    )
                    receives.append((name, catch))
                    catches.append(catch)
                    inputs[step.id].append(catch)
        model.fan_out(start, catches, f"Gateway_split_{agency}_start")

        ends: list[str] = []
        for step in steps:  # topological: a same-agency predecessor is wired before its successor
            task = model.node(
                pool,
                f"Task_{step.id}",
                _task_tag(step),
                step.title,
                documentation=_step_documentation(step),
            )
            head = done = task
            if step.when is not None:
                head = model.node(
                    pool, f"Gateway_when_{step.id}", "exclusiveGateway", f"{step.when}?"
                )
                done = model.node(pool, f"Gateway_merge_{step.id}", "exclusiveGateway")
                model.flow(head, task, "ya", condition=step.when)
                model.flow(task, done)
                model.nodes[head].default = model.flow(head, done, "tidak: dilewati")
            if len(inputs[step.id]) > 1:
                entry = model.node(pool, f"Gateway_join_{step.id}", "parallelGateway")
                model.flow(entry, head)
            else:
                entry = head
            for source in inputs[step.id]:
                model.flow(source, entry)
            tail = done
            if step.id in crossing:
                recipients = [by_id[t].agency for t in successors[step.id]]
                recipients = [r for r in dict.fromkeys(recipients) if r != agency]
                tail = model.node(
                    pool,
                    f"Event_send_{step.id}",
                    "intermediateThrowEvent",
                    "Kirim ke " + ", ".join(recipients or [APPLICANT]),
                    message=messages[step.id],
                )
                throws[step.id] = tail
                model.flow(done, tail)
            local = [t for t in successors[step.id] if by_id[t].agency == agency]
            if not local:
                ends.append(tail)
                continue
            if len(local) > 1:
                split = model.node(pool, f"Gateway_split_{step.id}", "parallelGateway")
                model.flow(tail, split)
                tail = split
            for name in local:
                inputs[name].append(tail)
        end = model.node(pool, f"EndEvent_{agency}", "endEvent", "Bagian instansi selesai")
        model.fan_in(ends, end, f"Gateway_join_{agency}_end")

    for sender, catch in receives:
        model.message_flow(send if sender is None else throws[sender], catch)
    for sink, result in zip(sinks, results, strict=True):
        model.message_flow(throws[sink.id], result)
    return model


# --- layout -----------------------------------------------------------------------------------


def _columns(model: _Model) -> dict[str, int]:
    """The longest path to each node over sequence and message flows (Kahn, stable order)."""
    edges: dict[str, list[str]] = {n: [] for n in model.nodes}
    waiting = dict.fromkeys(model.nodes, 0)
    for flow in (*model.flows.values(), *model.message_flows.values()):
        edges[flow.source].append(flow.target)
        waiting[flow.target] += 1
    column = dict.fromkeys(model.nodes, 0)
    ready = [n for n, count in waiting.items() if count == 0]
    while ready:
        node = ready.pop(0)
        for target in edges[node]:
            column[target] = max(column[target], column[node] + 1)
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    return column


def _rows(model: _Model, column: dict[str, int]) -> dict[str, int]:
    """Rows inside each pool: a node takes the row its predecessor hands it (a node hands its
    row to its first successor only), the smallest if several do; otherwise a new row."""
    row: dict[str, int] = {}
    index = {n: i for i, n in enumerate(model.nodes)}
    for pool in model.pools:
        fresh = 0
        for node_id in sorted(pool.nodes, key=lambda n: (column[n], index[n])):
            handed = [
                row[flow.source]
                for flow in (model.flows[f] for f in model.nodes[node_id].incoming)
                if model.nodes[flow.source].outgoing[0] == flow.id
            ]
            if handed:
                row[node_id] = min(handed)
            else:
                row[node_id] = fresh
                fresh += 1
            fresh = max(fresh, row[node_id] + 1)
    return row


@dataclass(frozen=True)
class _Layout:
    boxes: dict[str, _Box]  # node or participant id -> bounds
    rows: dict[str, int]
    edges: dict[str, list[tuple[int, int]]]  # flow id -> waypoints
    labels: dict[str, _Box]  # named flow id -> bounds of its label


def _layout(model: _Model) -> _Layout:
    column = _columns(model)
    rows = _rows(model, column)
    widths: dict[int, int] = {}
    for node_id, node in model.nodes.items():
        widths[column[node_id]] = max(widths.get(column[node_id], 0), node.size[0])
    left: dict[int, int] = {}
    x = _POOL_X + _POOL_LABEL + _CONTENT_PAD
    for c in range(max(widths) + 1):
        left[c] = x
        x += widths.get(c, 0) + _COLUMN_GAP
    pool_width = x - _COLUMN_GAP + _CONTENT_PAD - _POOL_X

    boxes: dict[str, _Box] = {}
    pool_boxes: list[_Box] = []
    y = _POOL_Y
    for pool in model.pools:
        height = (max(rows[n] for n in pool.nodes) + 1) * _ROW + 2 * _POOL_PAD
        pool_boxes.append(_Box(_POOL_X, y, pool_width, height))
        boxes[pool.participant] = pool_boxes[-1]
        for node_id in pool.nodes:
            width, node_height = model.nodes[node_id].size
            c = column[node_id]
            cx = left[c] + widths[c] // 2
            cy = y + _POOL_PAD + rows[node_id] * _ROW + _ROW // 2
            boxes[node_id] = _Box(cx - width // 2, cy - node_height // 2, width, node_height)
        y += height + _POOL_GAP

    edges: dict[str, list[tuple[int, int]]] = {}
    for flow in model.flows.values():
        edges[flow.id] = _sequence_waypoints(model, flow, boxes, rows)
    for flow in model.message_flows.values():
        # Out of the source's pool, across in the gap before the target's column (no shape
        # stands there), then into the target from above.
        source, target = boxes[flow.source], boxes[flow.target]
        pool_box = pool_boxes[model.nodes[flow.source].pool]
        if target.cy > source.cy:
            start, out = (source.cx, source.bottom), pool_box.bottom + _POOL_GAP // 2
        else:
            start, out = (source.cx, source.y), pool_box.y - _POOL_GAP // 2
        across = left[column[flow.target]] - _COLUMN_GAP // 2
        above = target.y - _COLUMN_GAP // 4
        edges[flow.id] = [
            start,
            (source.cx, out),
            (across, out),
            (across, above),
            (target.cx, above),
            (target.cx, target.y),
        ]
    labels = {
        flow.id: _label_box(flow.name, edges[flow.id])
        for flow in model.flows.values()
        if flow.name is not None
    }
    return _Layout(boxes, rows, edges, labels)


def _label_box(name: str, points: list[tuple[int, int]]) -> _Box:
    """Above the middle of the longest horizontal segment of a flow."""
    (x1, y), (x2, _) = max(
        ((a, b) for a, b in pairwise(points) if a[1] == b[1]),
        key=lambda segment: abs(segment[1][0] - segment[0][0]),
        default=(points[0], points[-1]),
    )
    width = min(90, 6 * len(name) + 8)
    return _Box((x1 + x2) // 2 - width // 2, y - 18, width, 14)


def _sequence_waypoints(
    model: _Model, flow: _Flow, boxes: dict[str, _Box], rows: dict[str, int]
) -> list[tuple[int, int]]:
    source, target = boxes[flow.source], boxes[flow.target]
    outgoing = model.nodes[flow.source].outgoing
    first = outgoing[0] == flow.id
    if rows[flow.source] == rows[flow.target]:
        if first:  # the row is handed on: nothing stands between them
            return [(source.right, source.cy), (target.x, target.cy)]
        detour = source.cy - _DETOUR  # a skip runs above the row, clear of the labels below
        return [
            (source.cx, source.y),
            (source.cx, detour),
            (target.cx, detour),
            (target.cx, target.y),
        ]
    mid = target.x - _COLUMN_GAP // 2
    if first:  # the source's row ends here: along it, then across to the target's row
        return [
            (source.right, source.cy),
            (mid, source.cy),
            (mid, target.cy),
            (target.x, target.cy),
        ]
    down = target.cy > source.cy
    edge = source.bottom if down else source.y
    handed = any(
        model.nodes[model.flows[f].source].outgoing[0] == f
        for f in model.nodes[flow.target].incoming
    )
    if not handed:  # the target opens a new row: down the split, then along the row
        return [(source.cx, edge), (source.cx, target.cy), (target.x, target.cy)]
    detour = source.cy + (_DETOUR if down else -_DETOUR)
    return [
        (source.cx, edge),
        (source.cx, detour),
        (mid, detour),
        (mid, target.cy),
        (target.x, target.cy),
    ]


# --- XML --------------------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, ns: str = BPMN_NS, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, _q(tag, ns), attributes)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = _sub(parent, tag)
    element.text = text
    return element


def _named(attributes: dict[str, str], name: str | None) -> dict[str, str]:
    return {**attributes, "name": name} if name is not None else attributes


def _process_xml(root: ET.Element, model: _Model, pool: _Pool) -> None:
    process = _sub(
        root, "process", **_named({"id": pool.process, "isExecutable": "true"}, pool.name)
    )
    for node_id in pool.nodes:
        node = model.nodes[node_id]
        attributes = _named({"id": node.id}, node.name)
        if node.default is not None:
            attributes["default"] = node.default
        element = _sub(process, node.tag, **attributes)
        if node.documentation:
            _text(element, "documentation", node.documentation)
        for flow_id in node.incoming:
            _text(element, "incoming", flow_id)
        for flow_id in node.outgoing:
            _text(element, "outgoing", flow_id)
        if node.message is not None:
            _sub(
                element,
                "messageEventDefinition",
                id=model.new_id(f"MessageEventDefinition_{node.id}"),
                messageRef=node.message,
            )
    for flow_id in pool.flows:
        flow = model.flows[flow_id]
        attributes = {"id": flow.id, "sourceRef": flow.source, "targetRef": flow.target}
        element = _sub(process, "sequenceFlow", **_named(attributes, flow.name))
        if flow.condition is not None:
            condition = _text(element, "conditionExpression", flow.condition)
            condition.set(_q("type", XSI_NS), "bpmn:tFormalExpression")


def _bounds(parent: ET.Element, box: _Box) -> None:
    _sub(
        parent,
        "Bounds",
        DC_NS,
        x=str(box.x),
        y=str(box.y),
        width=str(box.width),
        height=str(box.height),
    )


def _diagram_xml(root: ET.Element, model: _Model, collaboration: str, layout: _Layout) -> None:
    diagram = _sub(root, "BPMNDiagram", BPMNDI_NS, id=model.new_id("BPMNDiagram_1"))
    plane = _sub(
        diagram, "BPMNPlane", BPMNDI_NS, id=model.new_id("BPMNPlane_1"), bpmnElement=collaboration
    )
    for pool in model.pools:
        shape = _sub(
            plane,
            "BPMNShape",
            BPMNDI_NS,
            id=model.new_id(f"{pool.participant}_di"),
            bpmnElement=pool.participant,
            isHorizontal="true",
        )
        _bounds(shape, layout.boxes[pool.participant])
        for node_id in pool.nodes:
            attributes = {"id": model.new_id(f"{node_id}_di"), "bpmnElement": node_id}
            if model.nodes[node_id].tag == "exclusiveGateway":
                attributes["isMarkerVisible"] = "true"
            shape = _sub(plane, "BPMNShape", BPMNDI_NS, **attributes)
            _bounds(shape, layout.boxes[node_id])
    for flow_id in (*model.flows, *model.message_flows):
        edge = _sub(
            plane, "BPMNEdge", BPMNDI_NS, id=model.new_id(f"{flow_id}_di"), bpmnElement=flow_id
        )
        for x, y in _dedupe(layout.edges[flow_id]):
            _sub(edge, "waypoint", DI_NS, x=str(x), y=str(y))
        if flow_id in layout.labels:
            _bounds(_sub(edge, "BPMNLabel", BPMNDI_NS), layout.labels[flow_id])


def _dedupe(points: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Waypoints without immediate repeats (a bend of zero length)."""
    kept: list[tuple[int, int]] = []
    for point in points:
        if not kept or kept[-1] != point:
            kept.append(point)
    return kept if len(kept) > 1 else [*kept, kept[0]]


def to_bpmn(definition: Definition) -> str:
    """The definition as a BPMN 2.0 XML document (collaboration, processes and diagram).

    Raises RuleError when the steps do not form a DAG with unique ids.
    """
    model = _build(definition)
    layout = _layout(model)
    key = f"{definition.service}__{definition.variant}__v{definition.version}"
    root = ET.Element(
        _q("definitions"),
        {
            "id": model.new_id(f"Definitions_{key}"),
            "targetNamespace": f"urn:sinergi:bpmn:{_ncname(key)}",
            "exporter": "Sinergi",
            "exporterVersion": "1",
        },
    )
    for message_id, name in model.messages.items():
        _sub(root, "message", id=message_id, name=name)
    collaboration_id = model.new_id(f"Collaboration_{key}")
    collaboration = _sub(root, "collaboration", id=collaboration_id)
    _text(collaboration, "documentation", _definition_documentation(definition))
    for pool in (*model.pools[1:], model.pools[0]):  # the applicant last: see the module doc
        _sub(
            collaboration,
            "participant",
            id=pool.participant,
            name=pool.name,
            processRef=pool.process,
        )
    for flow in model.message_flows.values():
        _sub(
            collaboration,
            "messageFlow",
            id=flow.id,
            sourceRef=flow.source,
            targetRef=flow.target,
        )
    for pool in model.pools:
        _process_xml(root, model, pool)
    _diagram_xml(root, model, collaboration_id, layout)
    ET.indent(root, space="  ")
    _register_prefixes()
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
