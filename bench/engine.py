"""Benchmark: the case engine and the action path, against SpiffWorkflow, django-viewflow and a
plain-sqlite3 ceiling, on one process.

The process (the issue's): three sequential steps at three agencies (polda-metro-jaya,
bapenda-dki, jasa-raharja), then two parallel steps (polda-metro-jaya, bapenda-dki) and a join
(polda-metro-jaya issues). A case is its start plus its six steps: seven transactions, each
one as a web request would run it; SQLite in WAL mode with the platform's pragmas, a fresh
file database for every engine, all in one temp folder.

* **Sinergi action path.** ``submit_case`` as ``siti`` (citizen), then per step what the act
  endpoint runs: ``access_case`` (the case as the official may see it) and ``act_on_step`` as
  the demo official of the step's agency (authority from the registry's grants, the pure
  engine, optimistic version update, CaseStep sync, CaseEvent rows, the audit entry, the
  notification after commit; mail goes to Django's locmem backend). The response body
  (``_case_out``) and authentication are outside the timed part, as they are for the peers.
* **SpiffWorkflow 3.x + SQLite.** The equivalent BPMN (user tasks, a parallel gateway pair)
  run by SpiffWorkflow's engine; per step, in one ``BEGIN IMMEDIATE`` transaction: load the
  JSON state (``BpmnWorkflowSerializer``) from a SQLite row, run the task and the engine steps,
  save the JSON back with a version check. The start creates the workflow and inserts its row.
* **django-viewflow 2.x.** In its own virtualenv (``var/bench/viewflow-venv``, Django 5.2 and
  django-viewflow 2.4, built once by this script with ``python -m venv`` and pip): see
  ``engine_peers/viewflow_peer.py``. It prints its figures as JSON for this script.
* **Ceiling.** Plain ``sqlite3`` with the platform's pragmas writing, per transaction, exactly
  the rows the action path wrote for a case (captured from a warm-up case: the case insert or
  version-checked update, the CaseStep rows that changed, the CaseEvent rows, the audit row)
  into a copy of the platform's database (same tables, indexes and foreign keys), one
  ``BEGIN IMMEDIATE`` transaction per step, no reads, no engine; the audit chain's head is
  kept in memory. A second line writes the case row only (one row per step, like Spiff).
* **Pure engines.** ``initial_state`` + six ``advance`` calls against SpiffWorkflow creating the
  workflow and completing its six user tasks, both in memory.

The engines take turns in rounds (``--rounds``, 4), so that a busy spell of the shared machine
falls on all of them rather than on one; each engine's figure sums its rounds.

Each figure is cases per second (start plus six steps) with, beside it, the same rate without
the start ("steps only"): Sinergi's submission hashes the receipt PIN with Argon2id, a cost no
peer has. The goals are the issue's: Sinergi >= 5x Spiff-on-SQLite and >= 20x viewflow, pure
``advance`` >= 30x Spiff in memory, and >= 10% of the ceiling. Then the pyinstrument profile of
the action path (top entries by cumulative time, Sinergi's own functions, own time by
module) and the SQL statements of one case.
Benchmarks are not tests: nothing here asserts a timing; wrong results raise.

Run: .venv/bin/python bench/engine.py [--cases 200] [--skip-viewflow]

The folder of this script holds ``calendar.py``, which would shadow the standard library's
``calendar`` when run as a script, so that folder is taken off the path first.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import argparse
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from pyinstrument.frame import Frame
    from pyinstrument.session import Session

    from sinergi.accounts.models import User

ROOT = Path(__file__).resolve().parents[1]
PEERS = Path(__file__).resolve().parent / "engine_peers"
VIEWFLOW_VENV = ROOT / "var" / "bench" / "viewflow-venv"
VIEWFLOW_REQUIREMENTS = ("Django>=5.2,<5.3", "django-viewflow>=2.4,<2.5")
VIEWFLOW_VERSIONS: dict[str, str] = {}  # as the peer reports them
JAKARTA = ZoneInfo("Asia/Jakarta")
#: The bench's clock: a Monday inside every demo grant's validity, one minute per case.
EPOCH = datetime(2026, 3, 2, 8, 0, tzinfo=JAKARTA)
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=20000",
    "PRAGMA foreign_keys=ON",
)

# --------------------------------------------------------------------------- the process

SERVICE = "bench-samsat-paralel"
VARIANT = "terpusat"
#: (step id, kind, agency, after, authority service, authority decision, acting login, outcome)
STEPS: tuple[tuple[str, str, str, tuple[str, ...], str, str, str, str], ...] = (
    ("cek-fisik", "verify", "polda-metro-jaya", (), "stnk-perpanjangan", "verifikasi",
     "polda.metro", "approve"),
    ("penetapan-pkb", "assess", "bapenda-dki", ("cek-fisik",), "pkb", "tetapkan",
     "bapenda.dki", "done"),
    ("pembayaran-swdkllj", "pay", "jasa-raharja", ("penetapan-pkb",), "swdkllj", "terbit",
     "jasaraharja", "paid"),
    ("pemeriksaan-bpkb", "verify", "polda-metro-jaya", ("pembayaran-swdkllj",),
     "stnk-perpanjangan", "verifikasi", "polda.metro", "approve"),
    ("penerbitan-skpd", "assess", "bapenda-dki", ("pembayaran-swdkllj",), "pkb", "terbit",
     "bapenda.dki", "done"),
    ("penerbitan-stnk", "issue", "polda-metro-jaya", ("pemeriksaan-bpkb", "penerbitan-skpd"),
     "stnk-perpanjangan", "terbit", "polda.metro", "done"),
)  # fmt: skip
APPLICATION = {"plate": "B 5678 KLM", "bpkb_number": "Q-01234567", "njkb": 20_000_000}


def service_mapping() -> dict[str, Any]:
    """The bench service, in the shape of ``catalog/services/*.yaml``."""
    from sinergi.catalog.models import STANDARD_COMPONENTS

    steps = [
        {
            "id": sid,
            "kind": kind,
            "agency": agency,
            "title": sid.replace("-", " ").capitalize(),
            "after": list(after),
            "authority": {"service": service, "decision": decision},
            "channel": "back_office",
            "sla": {"amount": 1, "unit": "working_days"},
        }
        for sid, kind, agency, after, service, decision, _login, _outcome in STEPS
    ]
    return {
        "code": SERVICE,
        "kind": "service",
        "name": "Bench: tiga instansi berurutan, dua paralel, satu gabungan",
        "type": "administratif",
        "coordinator": "polda-metro-jaya",
        "competent_authorities": ["polda-metro-jaya", "bapenda-dki", "jasa-raharja"],
        "standard": {name: "Bench only." for name in STANDARD_COMPONENTS},
        "form": [
            {"name": "plate", "label": "Nomor polisi", "type": "text", "required": True},
            {"name": "bpkb_number", "label": "Nomor BPKB", "type": "text", "required": True},
            {"name": "njkb", "label": "NJKB", "type": "integer", "required": True},
        ],
        "variants": [
            {
                "service": SERVICE,
                "version": 1,
                "variant": VARIANT,
                "pattern": "terpusat",
                "title": "Bench process",
                "intake": "online",
                "decider": "polda-metro-jaya",
                "example": dict(APPLICATION),
                "steps": steps,
            }
        ],
    }


def bpmn_xml() -> str:
    """The same process in BPMN: user tasks, a parallel split and join."""
    ns = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    nodes = ['<bpmn:startEvent id="start"/>', '<bpmn:endEvent id="end"/>']
    nodes += [f'<bpmn:userTask id="{sid}" name="{sid}"/>' for sid, *_ in STEPS]
    nodes += ['<bpmn:parallelGateway id="split"/>', '<bpmn:parallelGateway id="join"/>']
    edges = [
        ("start", "cek-fisik"),
        ("cek-fisik", "penetapan-pkb"),
        ("penetapan-pkb", "pembayaran-swdkllj"),
        ("pembayaran-swdkllj", "split"),
        ("split", "pemeriksaan-bpkb"),
        ("split", "penerbitan-skpd"),
        ("pemeriksaan-bpkb", "join"),
        ("penerbitan-skpd", "join"),
        ("join", "penerbitan-stnk"),
        ("penerbitan-stnk", "end"),
    ]
    nodes += [
        f'<bpmn:sequenceFlow id="flow{i}" sourceRef="{a}" targetRef="{b}"/>'
        for i, (a, b) in enumerate(edges)
    ]
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions {ns} id="bench" '
        'targetNamespace="http://bpmn.io/schema/bpmn">'
        f'<bpmn:process id="bench" isExecutable="true">{"".join(nodes)}</bpmn:process>'
        "</bpmn:definitions>"
    )


def case_clock(case: int, step: int) -> datetime:
    """When step ``step`` (0: the submission) of case ``case`` happens."""
    return EPOCH + timedelta(minutes=case, seconds=step)


# --------------------------------------------------------------------------- results


@dataclass
class Timing:
    """Seconds spent in the timed parts over ``cases`` cases."""

    cases: int
    submit_s: float = 0.0
    steps_s: float = 0.0

    def __add__(self, other: Timing) -> Timing:
        return Timing(
            self.cases + other.cases, self.submit_s + other.submit_s, self.steps_s + other.steps_s
        )

    @property
    def rate(self) -> float:
        return self.cases / (self.submit_s + self.steps_s)

    @property
    def steps_rate(self) -> float:
        return self.cases / self.steps_s if self.steps_s else float("nan")


@dataclass
class WriteSet:
    """The rows one transaction of the action path wrote (as SQLite stores them)."""

    case: dict[str, Any]
    steps: list[dict[str, Any]]  # all of them on submission, else the ones that changed
    events: list[dict[str, Any]]
    audit: list[dict[str, Any]]


@dataclass
class Results:
    timings: dict[str, Timing] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- Django setup


def setup_django(workdir: Path) -> None:
    os.environ["SINERGI_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'sinergi.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "sinergi.config.settings"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DEBUG"] = "0"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.core.management import call_command

    from sinergi.catalog.loaders import load_service
    from sinergi.demo.load import load_demo

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    load_demo(progress=False)
    load_service(service_mapping(), where="bench")
    print(f"  demo and bench service loaded in {time.perf_counter() - began:.1f} s")


class SinergiPath:
    """Drives cases through the platform's own entry points."""

    def __init__(self) -> None:
        from sinergi.accounts.models import User

        logins = {"siti"} | {step[6] for step in STEPS}
        self.users: dict[str, User] = {
            u.username: u for u in User.objects.filter(username__in=logins)
        }
        self.citizen = self.users["siti"]

    def submit(self, index: int) -> str:
        from sinergi.cases.actions import submit_case

        case, _pin = submit_case(
            acting_user=self.citizen,
            service_code=SERVICE,
            variant=VARIANT,
            data=APPLICATION,
            now=case_clock(index, 0),
        )
        return case.receipt_number

    def act(self, index: int, receipt: str, step: int) -> None:
        from sinergi.cases.access import access_case
        from sinergi.cases.actions import act_on_step

        sid, *_rest, login, outcome = STEPS[step]
        official = self.users[login]
        case = access_case(official, receipt)
        act_on_step(
            acting_user=official,
            case=case,
            step_id=sid,
            outcome=outcome,
            now=case_clock(index, step + 1),
        )

    def act_all(self, index: int, receipt: str) -> None:
        for step in range(len(STEPS)):
            self.act(index, receipt, step)

    def run(
        self,
        cases: int,
        first: int,
        *,
        around_submit: Callable[[Callable[[], str]], str] | None = None,
        around_steps: Callable[[Callable[[], None]], None] | None = None,
    ) -> Timing:
        timing = Timing(cases)
        receipts = []
        for index in range(first, first + cases):
            submit = partial(self.submit, index)
            began = time.perf_counter()
            receipt = around_submit(submit) if around_submit else submit()
            timing.submit_s += time.perf_counter() - began

            steps = partial(self.act_all, index, receipt)
            began = time.perf_counter()
            around_steps(steps) if around_steps else steps()
            timing.steps_s += time.perf_counter() - began
            receipts.append(receipt)
        self.check_approved(receipts)
        return timing

    @staticmethod
    def check_approved(receipts: Sequence[str]) -> None:
        from sinergi.cases.models import Case

        done = Case.objects.filter(receipt_number__in=receipts, status="approved").count()
        if done != len(receipts):
            raise RuntimeError(f"only {done} of {len(receipts)} cases were approved")


def _rows(sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    # As the platform's connection stores them (its adapter), so the ceiling writes the same.
    return [
        {k: v.isoformat(" ") if isinstance(v, datetime) else v for k, v in row.items()}
        for row in rows
    ]


def capture_writes(path: SinergiPath, index: int) -> list[WriteSet]:
    """Run one case and record, per transaction, the rows it wrote (for the ceiling)."""
    writes: list[WriteSet] = []
    seen_steps: dict[str, dict[str, Any]] = {}
    last_event = last_audit = 0

    def snapshot(case_id: int) -> None:
        nonlocal last_event, last_audit
        case = _rows("SELECT * FROM cases_case WHERE id = %s", [case_id])[0]
        steps = _rows("SELECT * FROM cases_casestep WHERE case_id = %s ORDER BY id", [case_id])
        changed = [s for s in steps if seen_steps.get(s["step_id"]) != s]
        seen_steps.update({s["step_id"]: s for s in steps})
        events = _rows(
            "SELECT * FROM cases_caseevent WHERE case_id = %s AND id > %s ORDER BY id",
            [case_id, last_event],
        )
        audit = _rows(
            "SELECT * FROM audit_auditentry WHERE object_type = 'cases.case' AND object_id = %s"
            " AND id > %s ORDER BY id",
            [str(case_id), last_audit],
        )
        last_event = max([last_event, *(e["id"] for e in events)])
        last_audit = max([last_audit, *(a["id"] for a in audit)])
        writes.append(WriteSet(case, changed, events, audit))

    from sinergi.cases.models import Case

    receipt = path.submit(index)
    case_id = Case.objects.get(receipt_number=receipt).pk
    snapshot(case_id)
    for step in range(len(STEPS)):
        path.act(index, receipt, step)
        snapshot(case_id)
    return writes


def count_queries(path: SinergiPath, index: int) -> tuple[list[str], list[list[str]]]:
    """The SQL of one submission and of each of the six steps of one case."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as submitted:
        receipt = path.submit(index)
    per_step = []
    for step in range(len(STEPS)):
        with CaptureQueriesContext(connection) as acted:
            path.act(index, receipt, step)
        per_step.append([q["sql"] for q in acted.captured_queries])
    return [q["sql"] for q in submitted.captured_queries], per_step


_TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)


def statement_shape(sql: str) -> str:
    verb = sql.lstrip().split(None, 1)[0].upper()
    match = _TABLE.search(sql)
    return f"{verb} {match.group(1)}" if match else verb


# --------------------------------------------------------------------------- ceiling


def copy_database(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)  # we issue BEGIN IMMEDIATE ourselves
    for pragma in PRAGMAS:
        db.execute(pragma)
    return db


def _insert(db: sqlite3.Connection, table: str, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert ``rows`` (all of one shape, ``id`` left to the database); the last row id."""
    if not rows:
        return 0
    names = [n for n in rows[0] if n != "id"]
    sql = (
        f'INSERT INTO "{table}" ({", ".join(f'"{n}"' for n in names)}) '  # noqa: S608
        f"VALUES ({', '.join('?' * len(names))})"
    )
    if len(rows) == 1:
        cursor = db.execute(sql, [rows[0][n] for n in names])
    else:
        cursor = db.executemany(sql, [[row[n] for n in names] for row in rows])
    return cursor.lastrowid or 0


CASE_MUTABLE = ("state", "version", "status", "decided_at", "deemed_due_at")
STEP_MUTABLE = (
    "status", "activated_at", "due_at", "done_at", "next_timeout_at", "claimed_by_id",
    "acted_by_id", "outcome", "escalation", "basis",
)  # fmt: skip


def run_ceiling(
    db_path: Path,
    writes: Sequence[WriteSet],
    cases: int,
    first: int = 0,
    *,
    case_only: bool = False,
) -> Timing:
    """The same row writes with plain sqlite3; ``case_only``: only the case row (its insert,
    then one version-checked update per step), the single row per step Spiff writes."""
    db = connect(db_path)
    update_case = (
        f'UPDATE "cases_case" SET {", ".join(f'"{c}" = ?' for c in CASE_MUTABLE)}'  # noqa: S608
        ' WHERE "id" = ? AND "version" = ?'
    )
    update_step = (
        f'UPDATE "cases_casestep" SET {", ".join(f'"{c}" = ?' for c in STEP_MUTABLE)}'  # noqa: S608
        ' WHERE "case_id" = ? AND "step_id" = ?'
    )
    chained = "hash" in writes[0].audit[0]  # the audit log's hash chain (seq, prev_hash, hash)
    last = "SELECT seq, hash FROM audit_auditentry ORDER BY seq DESC LIMIT 1"
    head = db.execute(last).fetchone() if chained else None
    chain: list[Any] = list(head) if head else [0, ""]

    def audit(rows: Sequence[Mapping[str, Any]], case_id: int) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            entry = {**row, "object_id": str(case_id)}
            if chained:  # the head is kept in memory: the ceiling does no reads
                digest = hashlib.sha256(f"{chain[1]}|{entry['data']}|{chain[0]}".encode())
                chain[0] += 1
                entry.update(seq=chain[0], prev_hash=chain[1], hash=digest.hexdigest())
                chain[1] = entry["hash"]
            out.append(entry)
        return out

    timing = Timing(cases)
    opening, rest = writes[0], writes[1:]
    for index in range(first, first + cases):
        began = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        case = {**opening.case, "receipt_number": f"CEIL-{index:09d}"}
        case_id = _insert(db, "cases_case", [case])
        if not case_only:
            _insert(db, "cases_casestep", [{**row, "case_id": case_id} for row in opening.steps])
            _insert(db, "cases_caseevent", [{**row, "case_id": case_id} for row in opening.events])
            _insert(db, "audit_auditentry", audit(opening.audit, case_id))
        db.execute("COMMIT")
        timing.submit_s += time.perf_counter() - began

        began = time.perf_counter()
        version = opening.case["version"]
        for write in rest:
            db.execute("BEGIN IMMEDIATE")
            values = [write.case[c] for c in CASE_MUTABLE]
            if db.execute(update_case, [*values, case_id, version]).rowcount != 1:
                raise RuntimeError("ceiling: version check failed")
            version = write.case["version"]
            if not case_only:
                for row in write.steps:
                    step = [*(row[c] for c in STEP_MUTABLE), case_id, row["step_id"]]
                    db.execute(update_step, step)
                events = [{**row, "case_id": case_id} for row in write.events]
                _insert(db, "cases_caseevent", events)
                _insert(db, "audit_auditentry", audit(write.audit, case_id))
            db.execute("COMMIT")
        timing.steps_s += time.perf_counter() - began
    db.close()
    return timing


# --------------------------------------------------------------------------- SpiffWorkflow


def spiff_spec() -> Any:
    from SpiffWorkflow.bpmn.parser.BpmnParser import (  # type: ignore[import-untyped]
        BpmnParser,
    )

    parser = BpmnParser()
    parser.add_bpmn_str(bpmn_xml().encode(), filename="bench.bpmn")
    return parser.get_spec("bench")


def _spiff_complete(workflow: Any, sid: str, outcome: str) -> None:
    from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped]

    task = workflow.get_next_task(state=TaskState.READY, manual=True, spec_name=sid)
    if task is None:
        raise RuntimeError(f"SpiffWorkflow: {sid} is not ready")
    task.data["outcome"] = outcome
    task.run()
    workflow.do_engine_steps()


def run_spiff_memory(spec: Any, cases: int) -> Timing:
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # type: ignore[import-untyped]

    timing = Timing(cases)
    began = time.perf_counter()
    for _ in range(cases):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        for sid, *_rest, outcome in STEPS:
            _spiff_complete(workflow, sid, outcome)
        if not workflow.is_completed():
            raise RuntimeError("SpiffWorkflow: the workflow did not complete")
    timing.steps_s = time.perf_counter() - began
    return timing


def run_spiff_sqlite(spec: Any, db_path: Path, cases: int) -> Timing:
    from SpiffWorkflow.bpmn.serializer.config import (  # type: ignore[import-untyped]
        DEFAULT_CONFIG,
    )
    from SpiffWorkflow.bpmn.serializer.workflow import (  # type: ignore[import-untyped]
        BpmnWorkflowSerializer,
    )
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
    db = connect(db_path)
    db.execute(
        "CREATE TABLE IF NOT EXISTS spiff_case (id INTEGER PRIMARY KEY,"
        " version INTEGER NOT NULL, state TEXT NOT NULL)"
    )
    timing = Timing(cases)
    for _ in range(cases):
        began = time.perf_counter()
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        db.execute("BEGIN IMMEDIATE")
        cursor = db.execute(
            "INSERT INTO spiff_case (version, state) VALUES (1, ?)",
            [serializer.serialize_json(workflow)],
        )
        db.execute("COMMIT")
        case_id = cursor.lastrowid
        timing.submit_s += time.perf_counter() - began

        began = time.perf_counter()
        for sid, *_rest, outcome in STEPS:
            db.execute("BEGIN IMMEDIATE")
            version, state = db.execute(
                "SELECT version, state FROM spiff_case WHERE id = ?", [case_id]
            ).fetchone()
            workflow = serializer.deserialize_json(state)
            _spiff_complete(workflow, sid, outcome)
            updated = db.execute(
                "UPDATE spiff_case SET state = ?, version = ? WHERE id = ? AND version = ?",
                [serializer.serialize_json(workflow), version + 1, case_id, version],
            ).rowcount
            if updated != 1:
                raise RuntimeError("SpiffWorkflow: version check failed")
            db.execute("COMMIT")
        timing.steps_s += time.perf_counter() - began
        if not workflow.is_completed():
            raise RuntimeError("SpiffWorkflow: the workflow did not complete")
    db.close()
    return timing


# --------------------------------------------------------------------------- pure Sinergi


def run_pure(
    bases: Sequence[dict[str, Any] | None], officials: Sequence[int], cases: int
) -> Timing:
    from sinergi.cases import engine
    from sinergi.cases.calendar_service import platform_calendar
    from sinergi.catalog.models import ProcessDefinition

    definition = ProcessDefinition.objects.get(service__code=SERVICE, current=True).parsed()
    calendar = platform_calendar()
    acts = [
        engine.Act(sid, official, engine.Outcome(outcome), "", {}, basis)
        for (sid, *_rest, outcome), official, basis in zip(STEPS, officials, bases, strict=True)
    ]
    timing = Timing(cases)
    began = time.perf_counter()
    for index in range(cases):
        now = case_clock(index, 0)
        state, _effects = engine.initial_state(definition, APPLICATION, now, calendar)
        for act in acts:
            state, _effects = engine.advance(definition, state, act, now, calendar)
        if state.status is not engine.CaseStatus.APPROVED:
            raise RuntimeError(f"pure engine: case ended {state.status}")
    timing.steps_s = time.perf_counter() - began
    return timing


# --------------------------------------------------------------------------- viewflow


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1][:200] if lines else "no message"


def viewflow_python() -> Path | str:
    """The bench virtualenv's Python (built once, then reused), or why there is none."""
    python = VIEWFLOW_VENV / "bin" / "python"
    marker = VIEWFLOW_VENV / ".bench-requirements"
    wanted = "\n".join(VIEWFLOW_REQUIREMENTS)
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return python
    print(f"  building {VIEWFLOW_VENV.relative_to(ROOT)} (once) ...", flush=True)
    try:
        if VIEWFLOW_VENV.exists():
            shutil.rmtree(VIEWFLOW_VENV)
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(VIEWFLOW_VENV)], check=True, timeout=300)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             *VIEWFLOW_REQUIREMENTS],
            check=True, timeout=900, capture_output=True, text=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        return f"could not build its virtualenv: {_last_line(detail)}"
    marker.write_text(wanted)
    return python


def run_viewflow(python: Path, cases: int, db: Path) -> Timing | str:
    """One run of the viewflow peer in its virtualenv (the database is kept between runs)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PYTHONPATH", "VIRTUAL_ENV"}
    }
    try:
        done = subprocess.run(
            [str(python), str(PEERS / "viewflow_peer.py"), "--cases", str(cases), "--db", str(db)],
            check=True, timeout=900, capture_output=True, text=True, env=env,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        return f"its run failed: {_last_line(detail)}"
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    VIEWFLOW_VERSIONS.update(viewflow=figures["viewflow"], django=figures["django"])
    return Timing(int(figures["cases"]), float(figures["submit_s"]), float(figures["steps_s"]))


# --------------------------------------------------------------------------- profile


def _where(path: str, package: str) -> str:
    """A frame's file, short: ``sinergi/...``, ``bench/...``, ``django/...``, or its name."""
    if path.startswith(package):
        return "sinergi/" + path[len(package) :].lstrip("/")
    if path == str(Path(__file__).resolve()):
        return "bench/engine.py"
    if "/site-packages/" in path:
        return path.split("/site-packages/", 1)[1]
    return Path(path).name if path else "?"


def _largest(totals: Mapping[str, float]) -> list[tuple[str, float]]:
    return sorted(totals.items(), key=lambda item: -item[1])


def profile_tables(session: Session, top: int) -> list[str]:
    """The profile's top entries: every function by cumulative time (Sinergi's own starred),
    Sinergi's own functions by cumulative time, and own time by module."""
    import sinergi

    package = str(Path(sinergi.__file__).resolve().parent)
    root = session.root_frame()
    assert root is not None
    cumulative: defaultdict[str, float] = defaultdict(float)
    by_module: defaultdict[str, float] = defaultdict(float)

    def walk(frame: Frame, active: frozenset[str]) -> None:
        if not frame.is_synthetic:
            where = _where(frame.file_path or "", package)
            key = f"{frame.function}  ({where}:{frame.line_no})"
            if key not in active:  # a recursive call is counted once
                cumulative[key] += frame.time
                active = active | {key}
            parts = where.split("/")
            by_module["/".join(parts[:3]) if len(parts) > 1 else parts[0]] += frame.total_self_time
        for child in frame.children:
            walk(child, active)

    walk(root, frozenset())
    total = root.time
    ranked = [(k, t) for k, t in _largest(cumulative) if "(bench/" not in k]
    lines = [f"    by cumulative time (of {total:.2f} s profiled; * = Sinergi's own code):"]
    lines += [
        f"    {'*' if '(sinergi/' in k else ' '} {t / total:6.1%}  {k}" for k, t in ranked[:top]
    ]
    lines.append("    Sinergi's own functions by cumulative time:")
    lines += [f"      {t / total:6.1%}  {k}" for k, t in ranked if "(sinergi/" in k][:top]
    lines.append("    own time by module:")
    lines += [f"      {t / total:6.1%}  {k}" for k, t in _largest(by_module)[:8]]
    return lines


def run_profiled(path: SinergiPath, cases: int, first: int) -> tuple[Session, Session]:
    from pyinstrument import Profiler

    submit_profiler = Profiler()
    steps_profiler = Profiler()

    def profiled_submit(call: Callable[[], str]) -> str:
        submit_profiler.start()
        try:
            return call()
        finally:
            submit_profiler.stop()

    def profiled_steps(call: Callable[[], None]) -> None:
        steps_profiler.start()
        try:
            call()
        finally:
            steps_profiler.stop()

    path.run(cases, first, around_submit=profiled_submit, around_steps=profiled_steps)
    submit, steps = submit_profiler.last_session, steps_profiler.last_session
    assert submit is not None
    assert steps is not None
    return submit, steps


# --------------------------------------------------------------------------- report


def verdict(ratio: float, goal: float) -> str:
    return "met" if ratio >= goal else "MISSED"


def report(results: Results) -> None:
    t = results.timings
    print()
    print(f"{'engine (cases: start + 6 steps)':<52}{'cases/s':>9}{'steps only':>12}{'ms/step':>9}")
    from SpiffWorkflow.version import __version__ as spiff  # type: ignore[import-untyped]

    viewflow = VIEWFLOW_VERSIONS.get("viewflow", "2.x")
    django = VIEWFLOW_VERSIONS.get("django", "5.2")
    labels = {
        "sinergi": "Sinergi action path (submit_case + act_on_step)",
        "spiff_sqlite": f"SpiffWorkflow {spiff}, JSON state in SQLite",
        "viewflow": f"django-viewflow {viewflow} (Django {django}, own venv)",
        "ceiling": "ceiling: plain sqlite3, the same row writes",
        "ceiling_case_only": "  the same, case row only (1 row/step, as Spiff)",
        "pure": "Sinergi pure initial_state + 6 advance",
        "spiff_memory": f"SpiffWorkflow {spiff} engine in memory",
    }
    for key, label in labels.items():
        if key in t:
            timing = t[key]
            per_step = timing.steps_s / (timing.cases * len(STEPS)) * 1000
            steps = f"{timing.steps_rate:12.1f}" if key not in {"pure", "spiff_memory"} else ""
            print(f"{label:<52}{timing.rate:9.1f}{steps:>12}{per_step:9.3f}")
        else:
            print(f"{label:<52}{'-':>9}   {results.notes.get(key, 'not measured')}")
    print()
    print("goals (ratios of figures measured in this run):")
    goals: list[tuple[str, str, str, float, bool]] = [
        ("Sinergi / SpiffWorkflow on SQLite", "sinergi", "spiff_sqlite", 5.0, True),
        ("Sinergi / django-viewflow", "sinergi", "viewflow", 20.0, True),
        ("pure advance / SpiffWorkflow in memory", "pure", "spiff_memory", 30.0, False),
        ("Sinergi / plain-sqlite3 ceiling", "sinergi", "ceiling", 0.10, True),
    ]
    for label, mine, theirs, goal, has_steps in goals:
        shown = f"{goal:.0%}" if goal < 1 else f"{goal:.0f}x"
        if mine not in t or theirs not in t:
            print(f"  {label:<40} >= {shown:<5} not measured")
            continue
        ratio = t[mine].rate / t[theirs].rate
        value = f"{ratio:.1%}" if goal < 1 else f"{ratio:.2f}x"
        line = f"  {label:<40} >= {shown:<5} {value:>8}  {verdict(ratio, goal)}"
        if has_steps:
            only = t[mine].steps_rate / t[theirs].steps_rate
            only_value = f"{only:.1%}" if goal < 1 else f"{only:.2f}x"
            line += f"   (steps only {only_value}: {verdict(only, goal)})"
        print(line)


def print_queries(submit_sql: Sequence[str], per_step: Sequence[Sequence[str]]) -> None:
    print("  SQL statements: submission", len(submit_sql), "; per step",
          [len(s) for s in per_step])  # fmt: skip
    shapes: Counter[str] = Counter(statement_shape(q) for step in per_step for q in step)
    print(f"  over the six steps ({sum(shapes.values())} statements), by kind and table:")
    for shape, n in shapes.most_common(14):
        print(f"    {n:4d}  {shape}")


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=200, help="cases per engine (200)")
    parser.add_argument("--rounds", type=int, default=4, help="rounds the cases are run in (4)")
    parser.add_argument("--profile-cases", type=int, default=50, help="cases profiled (50)")
    parser.add_argument("--skip-viewflow", action="store_true", help="do not run viewflow")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args()
    rounds: int = max(1, args.rounds)
    per_round: int = max(1, args.cases // rounds)
    workdir = Path(tempfile.mkdtemp(prefix="sinergi-bench-engine-"))
    results = Results()
    started = time.perf_counter()
    try:
        print(f"setup in {workdir} (load average {os.getloadavg()[0]:.1f})")
        setup_django(workdir)
        path = SinergiPath()
        from django.db import connection

        # Warm-up, untimed: the rows a case writes (for the ceiling) and its SQL.
        writes = capture_writes(path, 0)
        submit_sql, step_sql = count_queries(path, 1)
        path.run(3, 2)
        connection.close()
        copy_database(workdir / "sinergi.sqlite3", workdir / "ceiling.sqlite3")
        spec = spiff_spec()
        run_spiff_memory(spec, 5)
        bases = [json.loads(w.audit[0]["authority"]) or None for w in writes[1:]]
        officials = [path.users[step[6]].pk for step in STEPS]
        run_pure(bases, officials, 100)
        python: Path | str = "skipped (--skip-viewflow)"
        if not args.skip_viewflow:
            python = viewflow_python()
        if isinstance(python, str):
            results.notes["viewflow"] = python if args.skip_viewflow else f"not measured ({python})"
            if not args.skip_viewflow:
                print(f"viewflow: not measured ({python})")

        # The engines take turns, round by round, so that a busy spell of the (shared)
        # machine falls on all of them rather than on one.
        benches: dict[str, Callable[[int, int], Timing | str]] = {
            "sinergi": lambda n, first: path.run(n, first),
            "ceiling": lambda n, first: run_ceiling(workdir / "ceiling.sqlite3", writes, n, first),
            "ceiling_case_only": lambda n, first: run_ceiling(
                workdir / "ceiling.sqlite3", writes, n, 1_000_000 + first, case_only=True
            ),
            "spiff_sqlite": lambda n, _first: run_spiff_sqlite(spec, workdir / "spiff.sqlite3", n),
            "spiff_memory": lambda n, _first: run_spiff_memory(spec, n),
            "pure": lambda n, _first: run_pure(bases, officials, 20 * n),
        }
        if isinstance(python, Path):
            viewflow_db = workdir / "viewflow.sqlite3"
            benches["viewflow"] = lambda n, _first: run_viewflow(python, n, viewflow_db)
        for number in range(rounds):
            print(f"round {number + 1}/{rounds}: {per_round} cases per engine"
                  f" (load average {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
            for key, bench in benches.items():
                outcome = bench(per_round, 100 + number * per_round)
                if isinstance(outcome, str):
                    results.notes[key] = f"not measured ({outcome})"
                    print(f"{key}: not measured ({outcome})")
                    continue
                previous = results.timings.get(key)
                results.timings[key] = previous + outcome if previous else outcome
            for key in results.notes:
                benches.pop(key, None)

        print(f"profiling the action path over {args.profile_cases} cases ...", flush=True)
        submit_session, steps_session = run_profiled(path, args.profile_cases, 100 + args.cases)

        report(results)
        print()
        print(f"profile of the six act steps ({args.profile_cases} cases, pyinstrument):")
        print("\n".join(profile_tables(steps_session, 12)))
        print(f"profile of the submission ({args.profile_cases} cases):")
        print("\n".join(profile_tables(submit_session, 6)))
        print()
        print_queries(submit_sql, step_sql)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\ntotal bench time {time.perf_counter() - started:.0f} s"
          f" (load average {os.getloadavg()[0]:.1f})")  # fmt: skip


if __name__ == "__main__":
    main()
