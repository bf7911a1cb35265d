"""``sinergi demo generate --cases N``: many realistic cases, written in bulk, for load and
scale measurements.

Writing a million cases through ``cases.actions`` would take hours (a transaction, an audit
append and a dozen queries per event), so the generator writes rows directly, in batches, and
keeps the invariants the action path keeps:

* Each case's life is run through the **pure engine** (``cases.engine``), event by event, with
  the officials of the demo acting under the authority they hold (``resolve_basis``) and the
  electronic steps done by the system as ``actions._run_automatic`` does; the SLA time-outs
  that fell due are applied as the sweeper would have (reminders, escalations, deemed
  approval), so the database looks like one where the sweeper ran all along. ``Case.state`` is
  ``engine.to_json`` of the result and the ``CaseStep`` rows are its steps, field by field as
  ``actions._step_fields`` writes them; the ``CaseEvent`` rows are the effects of each event.
* Such a life is a **template**: one per (process variant, kind of life, day, small index). A
  template is stamped out for many cases with their own citizen, receipt number and id; cases
  of one template share their timestamps. With a million cases there are some tens of
  thousands of templates, so the engine is run a few hundred thousand times, not tens of
  millions.
* Every event gets the **audit entry** the action would have written (same action name,
  object, actor, agency, authority and data), appended to the hash chain in ``seq`` order:
  the generator reads the head under the chain's lock (``audit.log.chain_head``) and computes
  each link itself. An entry's ``at`` is when it was written (as in the action path, where it
  follows the chain's order), not the simulated time of the event; the case's events carry that.
* Citizens are new and realistic: a valid NIK (a kecamatan of the registry, a birth date, the
  day + 40 for women), a village of that kecamatan as domicile, a citizen account that cannot
  sign in (an unusable password). Online applications are submitted by the citizen's account,
  front-desk ones by the front-desk officer posted where the service is taken.
* Receipt numbers are in the project's format (``cases.receipts``), drawn from a seeded
  generator whose seed also depends on how many cases exist, so a second run adds new ones;
  a collision with a stored number is drawn again.

Not generated: signed decision documents (``documents.Decision``; rendering and signing is
about 0.3 s a decision), IKM invitations and notifications. A decided generated case has no
decision document; the pages and the API show a case without one (as for a decision being
issued), and ``documents sign-pending`` only looks at decision rows, so it has nothing to do.
Every generated case shares one tracking PIN, printed in the summary (one Argon2 hash).
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.accounts.roles import AGENCY_ROLES, Role
from sinergi.audit.chain import canonical_text, entry_hash
from sinergi.audit.log import CHAIN_LOCK, _clean, chain_head
from sinergi.cases import engine
from sinergi.cases.actions import (
    AUTOMATIC_OUTCOME,
    SYSTEM,
    _automatic_basis,
    _effect_json,
    _user_id,
    resolve_basis,
)
from sinergi.cases.calendar import JAKARTA, CalendarRangeError
from sinergi.cases.calendar_service import platform_calendar
from sinergi.cases.forms import clean_application
from sinergi.cases.models import Case
from sinergi.cases.receipts import ALPHABET, _check
from sinergi.catalog.definitions import Channel, Definition, Step
from sinergi.catalog.models import ProcessDefinition
from sinergi.citizens.models import Citizen
from sinergi.core.context import current_request_id
from sinergi.core.errors import Forbidden
from sinergi.registry.codes import RegionLevel
from sinergi.registry.models import Agency, Appointment, Region, ServicePointStaff
from sinergi.rules import RuleError

#: Kinds of life and how often each is drawn. "fresh": submitted, nobody acted yet; "open":
#: some steps done, one possibly claimed; "revision": returned to the citizen; "revised": a
#: return answered, then decided; the others end decided or withdrawn. Time-outs (reminders,
#: escalations, deemed approval) happen in any of them when officials are slow.
LIVES: dict[str, float] = {
    "fresh": 0.08,
    "open": 0.22,
    "revision": 0.06,
    "approved": 0.38,
    "revised": 0.08,
    "rejected": 0.10,
    "withdrawn": 0.08,
}
OPEN_LIVES = frozenset({"fresh", "open", "revision"})
#: Open cases were mostly submitted lately (mean age in days); decided ones over a year.
OPEN_MEAN_AGE_DAYS = 12.0
HISTORY_DAYS = 365
#: Templates per (variant, life, day): variety for small runs, reuse for large ones.
TEMPLATES_PER_DAY = 2


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Share of cases filed by a citizen who already has a generated case in this run.
RETURNING_CITIZENS = 0.35

FIRST_NAMES = _words("""
Agus Budi Dewi Eko Fitri Gita Hadi Indah Joko Kartika Lestari Made Nur Putri Rina Sari
Taufik Wayan Yusuf Ayu Bambang Citra Dian Endang Fajar Galih Hendra Intan Krisna Lukman
Maya Nanda Oki Purnama Rahmat Siti Teguh Umar Vina Wulan Yanti Zainal Andi Bayu Cahya Dodi
Erna Ferry Hana Irfan Ketut Lina Mega Novi Rudi Slamet Tri Wahyu Yoga Ratna Asep
""")
LAST_NAMES = _words("""
Santoso Wijaya Saputra Hidayat Lestari Pratama Kurniawan Rahayu Susanto Nugroho Siregar
Harahap Nasution Simanjuntak Sitompul Wibowo Setiawan Gunawan Halim Permana Sulistyo Hakim
Firmansyah Kusuma Utomo Maulana Ramadhan Putra Anggraini Purba Tanjung Lubis Pohan
Manurung Sembiring Ginting Tarigan Hutapea Panjaitan Sinaga Daulay Rangkuti
""")
STREETS = _words("""
Merdeka Sudirman Diponegoro Gatot-Subroto Ahmad-Yani Pahlawan Veteran Kartini Asia-Afrika
Braga Dago Pasteur Cihampelas Juanda Thamrin Kebon-Jeruk Cempaka Melati Mawar Kenanga
""")
REVISION_REASONS = (
    "Dokumen pendukung belum lengkap; unggah ulang salinan yang terbaca.",
    "Data pada formulir tidak sesuai dengan dokumen; mohon diperbaiki.",
    "Foto lampiran tidak jelas; kirim ulang dengan resolusi lebih baik.",
)
REJECT_REASONS = (
    "Persyaratan teknis tidak terpenuhi menurut hasil pemeriksaan.",
    "Lokasi tidak sesuai dengan rencana tata ruang yang berlaku.",
    "Data kendaraan tidak cocok dengan hasil cek fisik.",
)
WITHDRAW_REASONS = ("Tidak jadi mengajukan.", "Salah memilih layanan.", "")


class GenerateError(ValueError):
    """The demo the generator builds on is missing (run ``sinergi demo load`` first)."""


# --------------------------------------------------------------------------- templates


@dataclass(frozen=True, slots=True)
class Actor:
    id: int | None
    username: str


@dataclass(frozen=True, slots=True)
class Record:
    """One event of a template: its audit entry (without seq, object id and time) and the
    case events (``CaseEvent``) it caused."""

    actor_id: int | None  # None: the system, or the case's citizen (``CITIZEN``)
    by_citizen: bool
    action: str
    agency_code: str
    authority_json: str
    data_json: str
    username: str  # the actor's username ("" for the system; the citizen's is per case)
    action_json: str  # canonical JSON of the action
    audit_prefix: str  # canonical JSON up to the time (for an official or the system)
    audit_middle: str  # canonical JSON from the agency code to the object id
    at: Any  # the event's time as the database takes it
    events: tuple[tuple[str, str, int | None, str], ...]  # kind, step_id, agency_id, data JSON


@dataclass(slots=True)
class Template:
    definition_id: int
    service_id: int
    online: bool  # submitted by the citizen's account, else by the front desk
    submitter: Actor | None
    service_point_id: int | None
    status: str
    state_json: str
    version: int
    submitted_at: Any
    decided_at: Any
    deemed_due_at: Any
    steps: list[tuple[Any, ...]]  # service_id, step_id, agency_id, then the CaseStep fields
    records: list[Record]
    year: int


@dataclass
class Variant:
    row: ProcessDefinition
    definition: Definition
    agency_ids: dict[str, int]
    online: bool
    desk: tuple[Actor, int] | None  # front-desk officer and service point
    point_code: str | None
    actors: dict[str, tuple[Actor, dict[str, Any] | None]]  # step id -> who acts, basis
    automatic_basis: dict[str, dict[str, Any] | None]


def _canon(value: Any) -> str:
    return canonical_text(value)


class Templates:
    """Builds lives with the pure engine and keeps them for reuse."""

    def __init__(self, variants: list[Variant], now: datetime, request_id: str) -> None:
        self.variants = variants
        self.now = now
        self.calendar = platform_calendar()
        self.request_id = request_id
        self.cache: dict[tuple[int, str, date, int], Template] = {}
        self.adapt = connection.ops.adapt_datetimefield_value
        self.built = 0
        #: The bases of the variants' actors, cleaned and written once (kept alive here, so
        #: their ids stay theirs).
        self.authorities: dict[int, tuple[Any, str, str]] = {}

    def get(self, variant: int, life: str, day: date, index: int, seed: int) -> Template:
        key = (variant, life, day, index)
        found = self.cache.get(key)
        if found is None:
            rng = random.Random(f"{seed}:{variant}:{life}:{day.isoformat()}:{index}")
            found = self.cache[key] = self._build(self.variants[variant], life, day, rng)
            self.built += 1
        return found

    # -- one life --------------------------------------------------------------------------
    def _build(self, v: Variant, life: str, day: date, rng: random.Random) -> Template:
        definition, calendar, horizon = v.definition, self.calendar, self.now
        opening = datetime(day.year, day.month, day.day, 8, tzinfo=JAKARTA)
        at = opening + timedelta(minutes=rng.randrange(0, 7 * 60))
        at = min(at, horizon - timedelta(minutes=1))
        row = v.row
        data = _application(v, rng)
        state, effects = engine.initial_state(definition, data, at, calendar)
        state, effects = self._automatic(v, state, effects, at)
        submit_events: list[tuple[str, str, int | None, str]] = [
            (
                "Submitted",
                "",
                None,
                json.dumps(
                    {
                        "variant": definition.variant,
                        "version": row.version,
                        "service_point": self._point_code(v),
                    }
                ),
            )
        ]
        submitter = v.desk[0] if (v.desk is not None and not v.online) else None
        records = [
            self._record(
                v,
                at,
                submitter.id if submitter else None,
                submitter is None,
                "cases.submit",
                "",
                None,
                {
                    "service": definition.service,
                    "variant": definition.variant,
                    "version": row.version,
                },
                effects,
                state,
                extra_events=submit_events,
            )
        ]
        plan = self._plan(life, rng)
        returned = False
        while state.status in engine.OPEN_STATUSES and plan:
            move = plan[0]
            gap = (
                timedelta(hours=rng.uniform(0.3, 30.0))
                if move != "claim"
                else timedelta(minutes=rng.uniform(5, 240))
            )
            moment = at + gap
            state, records = self._timeouts(v, state, records, min(moment, horizon))
            if moment >= horizon or state.status not in engine.OPEN_STATUSES:
                break
            at = moment
            if move == "revise":
                if state.status != engine.CaseStatus.WAITING_CITIZEN:
                    plan.pop(0)
                    continue
                new, eff = engine.advance(
                    definition, state, engine.CitizenRevised({}), at, calendar
                )
                new, eff = self._automatic(v, new, eff, at)
                records.append(
                    self._record(
                        v, at, None, True, "cases.revise", "", None, {"fields": []}, eff, new
                    )
                )
                state = new
                plan.pop(0)
                continue
            if move == "withdraw":
                new, eff = engine.advance(
                    definition,
                    state,
                    engine.Withdraw(reason := rng.choice(WITHDRAW_REASONS)),
                    at,
                    calendar,
                )
                records.append(
                    self._record(
                        v, at, None, True, "cases.withdraw", "", None, {"reason": reason}, eff, new
                    )
                )
                state = new
                break
            if state.status == engine.CaseStatus.WAITING_CITIZEN:
                break  # the plan waits on the citizen who never answers
            sid = self._next_step(v, state)
            if sid is None:
                break
            actor, basis = v.actors[sid]
            current = state.steps[sid]
            if move == "claim":
                plan.pop(0)
                if current.claimed_by is not None:
                    continue
                state = self._claim(v, state, sid, actor, at, records)
                continue
            step = definition.step(sid)
            outcome, reasons = self._outcome(step, move, returned, rng)
            if outcome is engine.Outcome.RETURN_FOR_REVISION:
                returned = True
            if move in {"return", "reject"} and outcome not in (
                engine.Outcome.RETURN_FOR_REVISION,
                engine.Outcome.REJECT,
            ):
                pass  # this step cannot return or reject: act normally, try the next one
            else:
                plan.pop(0)
            if rng.random() < 0.6 and current.claimed_by is None:
                state = self._claim(v, state, sid, actor, at, records)
            event = engine.Act(sid, actor.id or 0, outcome, reasons, {}, basis)
            new, eff = engine.advance(definition, state, event, at, calendar)
            new, eff = self._automatic(v, new, eff, at)
            records.append(
                self._record(
                    v,
                    at,
                    actor.id,
                    False,
                    f"cases.act.{outcome.value}",
                    step.agency,
                    basis,
                    {"step": sid, "agency": step.agency, "reasons": reasons},
                    eff,
                    new,
                    actor,
                )
            )
            state = new
        if state.status in engine.OPEN_STATUSES:
            state, records = self._timeouts(v, state, records, horizon)
        return self._template(v, state, records, submitter)

    def _plan(self, life: str, rng: random.Random) -> list[str]:
        """What the officials and the citizen do, in order ("act" is the next step's happy
        outcome); the life ends when the plan does, the case closes, or time runs out."""
        acts = ["act"] * 12
        match life:
            case "fresh":
                return []
            case "open":
                return ["act"] * rng.randrange(0, 4) + (["claim"] if rng.random() < 0.5 else [])
            case "revision":
                return ["act"] * rng.randrange(0, 2) + ["return"]
            case "revised":
                return ["act"] * rng.randrange(0, 2) + ["return", "revise", *acts]
            case "rejected":
                return ["act"] * rng.randrange(0, 3) + ["reject"]
            case "withdrawn":
                return ["act"] * rng.randrange(0, 2) + ["withdraw"]
        return acts

    def _outcome(
        self, step: Step, move: str, returned: bool, rng: random.Random
    ) -> tuple[engine.Outcome, str]:
        allowed = engine.ALLOWED_OUTCOMES[step.kind]
        if move == "return" and engine.Outcome.RETURN_FOR_REVISION in allowed and not returned:
            return engine.Outcome.RETURN_FOR_REVISION, rng.choice(REVISION_REASONS)
        if move == "reject" and engine.Outcome.REJECT in allowed:
            return engine.Outcome.REJECT, rng.choice(REJECT_REASONS)
        return AUTOMATIC_OUTCOME[step.kind], ""

    def _next_step(self, v: Variant, state: engine.CaseState) -> str | None:
        for sid in engine.active_steps(state):
            if sid in v.actors:
                return sid
        return None

    def _automatic(
        self,
        v: Variant,
        state: engine.CaseState,
        effects: tuple[engine.Effect, ...],
        at: datetime,
    ) -> tuple[engine.CaseState, tuple[engine.Effect, ...]]:
        """``actions._run_automatic`` with the system's bases looked up once per step."""
        definition = v.definition
        for _guard in range(len(definition.steps) + 1):
            if state.status not in engine.OPEN_STATUSES:
                break
            automatic = [
                sid
                for sid in engine.active_steps(state)
                if definition.step(sid).channel is Channel.AUTOMATIC
            ]
            if not automatic:
                break
            step = definition.step(automatic[0])
            event = engine.Act(
                step.id, SYSTEM, AUTOMATIC_OUTCOME[step.kind], "", {}, v.automatic_basis[step.id]
            )
            state, more = engine.advance(definition, state, event, at, self.calendar)
            effects = (*effects, *more)
        return state, effects

    def _timeouts(
        self, v: Variant, state: engine.CaseState, records: list[Record], until: datetime
    ) -> tuple[engine.CaseState, list[Record]]:
        """The time-outs the sweeper would have applied before ``until``, in time order."""
        for _guard in range(4 * len(v.definition.steps) + 2):
            if state.status != engine.CaseStatus.IN_PROGRESS:
                break
            due: list[tuple[datetime, str | None]] = [
                (s.next_timeout_at, sid)
                for sid, s in state.steps.items()
                if s.status == engine.StepStatus.ACTIVE and s.next_timeout_at is not None
            ]
            if state.deemed_due_at is not None:
                due.append((state.deemed_due_at, None))
            if not due:
                break
            when, sid = min(due, key=lambda item: item[0])
            if when > until:
                break
            event: engine.Event = (
                engine.Timeout(sid) if sid is not None else engine.DeemedGrantedTimeout()
            )
            try:
                new, eff = engine.advance(v.definition, state, event, when, self.calendar)
            except CalendarRangeError:
                break
            action = "cases.timeout" if sid is not None else "cases.deemed_granted"
            records.append(
                self._record(v, when, None, False, action, "", None, {"step": sid or ""}, eff, new)
            )
            state = new
        return state, records

    def _point_code(self, v: Variant) -> str | None:
        return v.point_code if (v.desk and not v.online) else None

    def _claim(
        self,
        v: Variant,
        state: engine.CaseState,
        sid: str,
        actor: Actor,
        at: datetime,
        records: list[Record],
    ) -> engine.CaseState:
        """The official takes the step (a claim event and its audit entry); the new state."""
        new, eff = engine.advance(
            v.definition, state, engine.Claim(sid, actor.id or 0), at, self.calendar
        )
        records.append(
            self._record(
                v, at, actor.id, False, "cases.claim", "", None, {"step": sid}, eff, new, actor
            )
        )
        return new

    def _record(
        self,
        v: Variant,
        at: datetime,
        actor_id: int | None,
        by_citizen: bool,
        action: str,
        agency_code: str,
        authority: dict[str, Any] | None,
        data: dict[str, Any],
        effects: tuple[engine.Effect, ...],
        new: engine.CaseState,
        actor: Actor | None = None,
        extra_events: list[tuple[str, str, int | None, str]] | None = None,
    ) -> Record:
        known = self.authorities.get(id(authority))
        if known is None:
            clean_authority = _clean(authority or {})
            known = self.authorities[id(authority)] = (
                authority,
                json.dumps(clean_authority),
                _canon(clean_authority),
            )
        authority_json, authority_canon = known[1], known[2]
        clean_data = _clean({**data, "version": new.version, "status": new.status.value})
        events = list(extra_events or [])
        for effect in effects:
            agency = getattr(effect, "agency", "") or ""
            events.append(
                (
                    type(effect).__name__,
                    getattr(effect, "step_id", "") or "",
                    v.agency_ids.get(agency),
                    json.dumps(_effect_json(effect)),
                )
            )
        username = actor.username if actor is not None else ""
        if actor is None and actor_id is not None and v.desk is not None:
            username = v.desk[0].username
        prefix = (
            f'{{"action":{_canon(action)},"actor_id":{_canon(actor_id)},'
            f'"actor_username":{_canon(username)},"agency_code":{_canon(agency_code)},"at":"'
        )
        middle = f'","authority":{authority_canon},"data":{_canon(clean_data)},"object_id":"'
        return Record(
            actor_id=actor_id,
            by_citizen=by_citizen,
            action=action,
            agency_code=agency_code,
            username=username,
            action_json=_canon(action),
            authority_json=authority_json,
            data_json=json.dumps(clean_data),
            audit_prefix=prefix,
            audit_middle=middle,
            at=self.adapt(at),
            events=tuple(events),
        )

    def _template(
        self,
        v: Variant,
        state: engine.CaseState,
        records: list[Record],
        submitter: Actor | None,
    ) -> Template:
        adapt = self.adapt
        steps = []
        for sid, s in state.steps.items():
            steps.append(
                (
                    v.row.service_id,
                    sid,
                    v.agency_ids[v.definition.step(sid).agency],
                    s.status.value,
                    adapt(s.activated_at),
                    adapt(s.due_at),
                    adapt(s.done_at),
                    adapt(s.next_timeout_at),
                    _user_id(s.claimed_by),
                    _user_id(s.actor),
                    s.outcome or "",
                    s.escalation,
                    json.dumps(dict(s.basis)) if s.basis is not None else None,
                )
            )
        open_ = state.status in engine.OPEN_STATUSES
        return Template(
            definition_id=v.row.pk,
            service_id=v.row.service_id,
            online=submitter is None,
            submitter=submitter,
            service_point_id=v.desk[1] if submitter is not None and v.desk else None,
            status=state.status.value,
            state_json=json.dumps(engine.to_json(state)),
            version=state.version,
            submitted_at=adapt(state.submitted_at),
            decided_at=adapt(state.decided_at),
            deemed_due_at=adapt(state.deemed_due_at) if open_ else None,
            steps=steps,
            records=records,
            year=state.submitted_at.astimezone(JAKARTA).year,
        )


# --------------------------------------------------------------------------- setup


def _application(v: Variant, rng: random.Random) -> dict[str, Any]:
    """The variant's example answers, with the required ones it leaves out filled in, cleaned
    by the service's form as ``submit_case`` cleans an application."""
    data = dict(v.definition.example)
    born = date(1975, 1, 1) + timedelta(days=rng.randrange(0, 9000))
    fillers: dict[str, Any] = {
        "kbli": rng.choice(("56303", "47111", "10792", "62019", "56101")),
        "address": f"Jl. {rng.choice(STREETS).replace('-', ' ')} No. {rng.randrange(1, 200)}, "
        "Bandung",
        "family_card_number": f"3273{rng.randrange(10**11, 10**12)}",
        "father_nik": f"327301{born:%d%m%y}{rng.randrange(1, 10_000):04d}",
        "mother_nik": f"327301{born.day + 40:02d}{born:%m%y}{rng.randrange(1, 10_000):04d}",
    }
    for item in v.row.service.form:
        name = str(item.get("name", ""))
        if item.get("required") and name not in data and name in fillers:
            data[name] = fillers[name]
    try:
        return clean_application(v.row.service.form, data)
    except RuleError as exc:
        raise GenerateError(f"{v.definition.service}/{v.definition.variant}: {exc}") from exc


def _officials_by_agency(now: datetime) -> dict[int, list[User]]:
    out: dict[int, list[User]] = {}
    appointments = (
        Appointment.objects.active_at(now)
        .filter(user__role__in=[r.value for r in AGENCY_ROLES], user__is_active=True)
        .select_related("user", "position")
        .order_by("user__username")
    )
    for appointment in appointments:
        users = out.setdefault(appointment.position.agency_id, [])
        if appointment.user not in users:
            users.append(appointment.user)
    return out


def _variants(now: datetime) -> list[Variant]:
    rows = list(
        ProcessDefinition.objects.select_related("service")
        .filter(current=True, service__published=True)
        .order_by("service__code", "variant")
    )
    if not rows:
        raise GenerateError("No published services: run `sinergi demo load` first.")
    officials = _officials_by_agency(now)
    postings = list(
        ServicePointStaff.objects.select_related("user", "service_point")
        .filter(valid_from__lte=now, user__role=Role.FRONT_DESK)
        .exclude(valid_to__lte=now)
        .order_by("user__username")
    )
    point_agencies = {
        p.service_point_id: set(p.service_point.agencies.values_list("code", flat=True))
        for p in postings
    }
    variants = []
    for row in rows:
        definition = row.parsed()
        codes = {s.agency for s in definition.steps}
        agency_ids = dict(Agency.objects.filter(code__in=codes).values_list("code", "id"))
        desk, point_code = None, None
        for posting in postings:
            point = posting.service_point
            if (definition.service_point and point.code == definition.service_point) or (
                not definition.service_point and codes & point_agencies[point.pk]
            ):
                desk = (Actor(posting.user_id, posting.user.username), point.pk)
                point_code = point.code
                break
        actors: dict[str, tuple[Actor, dict[str, Any] | None]] = {}
        automatic: dict[str, dict[str, Any] | None] = {}
        for step in definition.steps:
            if step.channel is Channel.AUTOMATIC:
                automatic[step.id] = _automatic_basis(step, now)
                continue
            for user in officials.get(agency_ids.get(step.agency, -1), []):
                try:
                    basis = resolve_basis(user, step.authority, now)
                except Forbidden:
                    continue
                actors[step.id] = (Actor(user.pk, user.get_username()), basis)
                break
        online = definition.intake.value == "online" or desk is None
        variants.append(
            Variant(row, definition, agency_ids, online, desk, point_code, actors, automatic)
        )
    return variants


@dataclass
class Places:
    """Kecamatan with their villages, for NIKs and domiciles; most near the demo's services."""

    near: list[tuple[str, list[str]]]
    anywhere: list[tuple[str, list[str]]]

    @classmethod
    def load(cls) -> Places:
        villages: dict[str, list[str]] = {}
        for code, parent in Region.objects.filter(
            level=RegionLevel.DESA_KELURAHAN.value, current=True
        ).values_list("code", "parent_id"):
            villages.setdefault(parent, []).append(code)
        kecamatan = sorted(
            Region.objects.filter(level=RegionLevel.KECAMATAN.value, current=True).values_list(
                "code", flat=True
            )
        )
        places = [(k, sorted(villages.get(k, []))) for k in kecamatan if villages.get(k)]
        if not places:
            raise GenerateError("No regions: run `sinergi demo load` first.")
        near = [p for p in places if p[0].startswith(("31.", "32.73."))] or places
        return cls(near, places)

    def pick(self, rng: random.Random) -> tuple[str, list[str]]:
        return rng.choice(self.near if rng.random() < 0.7 else self.anywhere)


@dataclass
class Summary:
    cases: int
    citizens: int
    steps: int
    events: int
    audit_entries: int
    seconds: float
    templates: int
    pin: str
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0


# --------------------------------------------------------------------------- writing


class Writer:
    """Raw multi-row inserts through the connection: prepared once, values from templates."""

    # The statements are built from constants (the JSON cast only), never from input.
    def __init__(self, conn: BaseDatabaseWrapper) -> None:
        self.conn = conn
        self.pg = conn.vendor == "postgresql"
        j = "%s::jsonb" if self.pg else "%s"
        sql = {
            "user": (
                "INSERT INTO accounts_user (id, password, last_login, is_superuser, username, "
                "first_name, last_name, email, is_staff, is_active, date_joined, role) "
                "VALUES (%s, %s, NULL, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            ),
            "citizen": (
                "INSERT INTO citizens_citizen (id, user_id, nik, full_name, birth_date, sex, "
                "domicile_id, address, email, phone, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            ),
            "case": (
                "INSERT INTO cases_case (id, receipt_number, pin_hash, service_id, definition_id,"
                " citizen_id, submitted_by_id, service_point_id, status, state, version, "
                "submitted_at, decided_at, deemed_due_at) VALUES (%s, %s, %s, %s, %s, %s, %s, "
                "%s, %s, JSON, %s, %s, %s, %s)"
            ),
            "step": (
                "INSERT INTO cases_casestep (case_id, service_id, step_id, agency_id, status, "
                "activated_at, due_at, done_at, next_timeout_at, claimed_by_id, acted_by_id, "
                "outcome, escalation, basis) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, JSON)"
            ),
            "event": (
                "INSERT INTO cases_caseevent (case_id, at, kind, step_id, agency_id, actor_id, "
                "data) VALUES (%s, %s, %s, %s, %s, %s, JSON)"
            ),
            "audit": (
                "INSERT INTO audit_auditentry (seq, at, actor_id, actor_username, agency_code, "
                "action, object_type, object_id, authority, request_id, data, prev_hash, hash) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, JSON, %s, JSON, %s, %s)"
            ),
        }
        self.sql = {kind: text.replace("JSON", j) for kind, text in sql.items()}

    def ids(self, table: str, count: int) -> list[int]:
        """Ids for ``count`` new rows of ``table``, taken from its sequence on PostgreSQL
        (so concurrent inserts never collide) or after the largest one on SQLite (whose write
        lock this transaction holds)."""
        with self.conn.cursor() as cursor:
            if self.pg:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return sorted(int(r[0]) for r in cursor.fetchall())
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            first = int(cursor.fetchone()[0]) + 1
        return list(range(first, first + count))

    def insert(self, kind: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self.conn.cursor() as cursor:
                cursor.executemany(self.sql[kind], rows)

    def lock_chain(self) -> tuple[int, str]:
        if self.pg:
            with self.conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        return chain_head(self.conn)


def _receipt_body(bits: int) -> str:
    chars = []
    for _ in range(8):
        chars.append(ALPHABET[bits & 31])
        bits >>= 5
    body = "".join(chars)
    return body + _check(body)


def _case_days(rng: random.Random, life: str, today: date) -> date:
    if life in OPEN_LIVES:
        age = min(int(rng.expovariate(1.0 / OPEN_MEAN_AGE_DAYS)), HISTORY_DAYS)
    else:
        age = rng.randrange(0, HISTORY_DAYS)
    return today - timedelta(days=age)


def generate(
    cases: int,
    *,
    seed: int = 0,
    batch: int = 5000,
    now: datetime | None = None,
    progress: Callable[[int], object] | None = None,
) -> Summary:
    """Add ``cases`` generated cases (see the module's docstring); returns what was written."""
    if cases < 1:
        raise ValueError("cases must be 1 or more")
    if batch < 1:
        raise ValueError("batch must be 1 or more")
    started = time.perf_counter()
    now = now or timezone.now()
    with _bulk_session(connection):
        summary = _generate(
            cases, seed=seed, batch=batch, now=now, progress=progress, started=started
        )
    # Fresh statistics for the query planner: SQLite never gathers them by itself, and without
    # them it walks the 300,000 active steps of a million cases where an index would do
    # (PostgreSQL's autovacuum would get there, later).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    summary.seconds = time.perf_counter() - started
    return summary


@contextmanager
def _bulk_session(conn: BaseDatabaseWrapper) -> Iterator[None]:
    """On SQLite, a page cache that holds the growing indexes (the default is 2 MB) and no
    per-row foreign-key look-ups while writing rows whose references the generator took from
    the database itself (the tests check them with ``PRAGMA foreign_key_check``); both set
    back afterwards. Nothing to do on PostgreSQL."""
    if conn.vendor != "sqlite":
        yield
        return
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -524288")  # 512 MiB
        cursor.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction
    try:
        yield
    finally:
        with conn.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA cache_size = {cache:d}")


def _generate(
    cases: int,
    *,
    seed: int,
    batch: int,
    now: datetime,
    progress: Callable[[int], object] | None,
    started: float,
) -> Summary:
    variants = _variants(now)
    places = Places.load()
    existing = Case.objects.count()
    rng = random.Random(f"{seed}:{existing}")
    templates = Templates(variants, now, current_request_id())
    pin = f"{rng.randrange(1_000_000):06d}"
    pin_hash = make_password(pin)
    unusable = "!" + hashlib.sha256(f"{seed}:{existing}".encode()).hexdigest()[:40]
    niks = set(Citizen.objects.values_list("nik", flat=True))
    adapt = connection.ops.adapt_datetimefield_value
    adapt_date = connection.ops.adapt_datefield_value
    created = adapt(now)
    today = now.astimezone(JAKARTA).date()
    lives, weights = list(LIVES), list(LIVES.values())
    writer = Writer(connection)
    citizens: list[tuple[int, int]] = []  # (citizen id, user id) of this run
    summary = Summary(0, 0, 0, 0, 0, 0.0, 0, pin)
    written = 0
    while written < cases:
        size = min(batch, cases - written)
        plan = []
        for _ in range(size):
            life = rng.choices(lives, weights)[0]
            day = _case_days(rng, life, today)
            variant = rng.randrange(len(variants))
            plan.append(templates.get(variant, life, day, rng.randrange(TEMPLATES_PER_DAY), seed))
        with transaction.atomic():
            head_seq, head_hash = writer.lock_chain()
            # -- citizens (new ones get an account), and who files each case
            returning = [
                bool(citizens or i) and rng.random() < RETURNING_CITIZENS for i in range(size)
            ]
            new_people = [i for i in range(size) if not returning[i]]
            user_ids = writer.ids("accounts_user", len(new_people))
            citizen_ids = writer.ids("citizens_citizen", len(new_people))
            user_rows, citizen_rows, owner = [], [], {}
            for i, uid, cid in zip(new_people, user_ids, citizen_ids, strict=True):
                nik, born, sex, village = _person(rng, places, niks)
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                username = f"warga-{uid}"
                user_rows.append(
                    (
                        uid,
                        unusable,
                        False,
                        username,
                        first,
                        last,
                        "",
                        False,
                        True,
                        created,
                        Role.CITIZEN.value,
                    )
                )
                citizen_rows.append(
                    (
                        cid,
                        uid,
                        nik,
                        f"{first} {last}",
                        adapt_date(born),
                        sex,
                        village,
                        f"Jl. {rng.choice(STREETS).replace('-', ' ')} No. {rng.randrange(1, 200)}",
                        f"{username}@contoh.id",
                        f"08{rng.randrange(10**9, 10**10)}",
                        created,
                    )
                )
                owner[i] = (cid, uid)
            writer.insert("user", user_rows)
            writer.insert("citizen", citizen_rows)
            # -- receipt numbers, new to the database
            receipts = _receipts(rng, plan)
            case_ids = writer.ids("cases_case", size)
            case_rows, step_rows, event_rows, audit_rows = [], [], [], []
            audit: list[tuple[int, str, Record, str, int | None, str]] = []
            for i, (template, receipt, case_id) in enumerate(
                zip(plan, receipts, case_ids, strict=True)
            ):
                if i in owner:
                    cid, uid = owner[i]
                    citizens.append(owner[i])
                else:
                    cid, uid = rng.choice(citizens)
                submitter = template.submitter.id if template.submitter else uid
                case_rows.append(
                    (
                        case_id,
                        receipt,
                        pin_hash,
                        template.service_id,
                        template.definition_id,
                        cid,
                        submitter,
                        template.service_point_id,
                        template.status,
                        template.state_json,
                        template.version,
                        template.submitted_at,
                        template.decided_at,
                        template.deemed_due_at,
                    )
                )
                for s in template.steps:
                    step_rows.append((case_id, *s))
                oid = str(case_id)
                for record in template.records:
                    actor = uid if record.by_citizen else record.actor_id
                    for kind, sid, agency_id, data in record.events:
                        event_rows.append((case_id, record.at, kind, sid, agency_id, actor, data))
                    audit.append((case_id, oid, record, f"warga-{uid}", actor, ""))
                summary.by_status[template.status] = summary.by_status.get(template.status, 0) + 1
            seq, prev = head_seq, head_hash
            rid = templates.request_id
            rid_json = _canon(rid)
            # The moment the batch is written: every entry of it has that time.
            stamp = timezone.now()
            at_text, at_value = _iso_z(stamp), adapt(stamp)
            for _case_id, oid, record, citizen_username, actor, _ in audit:
                seq += 1
                if record.by_citizen:
                    username = citizen_username
                    prefix = (
                        f'{{"action":{record.action_json},"actor_id":{actor},'
                        f'"actor_username":"{username}","agency_code":'
                        f'{_canon(record.agency_code)},"at":"'
                    )
                else:
                    username, prefix = record.username, record.audit_prefix
                text = (
                    f"{prefix}{at_text}{record.audit_middle}{oid}"
                    f'","object_type":"cases.case","prev_hash":"{prev}",'
                    f'"request_id":{rid_json},"seq":{seq}}}'
                )
                digest = hashlib.sha256(prev.encode("ascii"))
                digest.update(text.encode("utf-8"))
                hashed_ = digest.hexdigest()
                audit_rows.append(
                    (
                        seq,
                        at_value,
                        actor,
                        username,
                        record.agency_code,
                        record.action,
                        "cases.case",
                        oid,
                        record.authority_json,
                        rid,
                        record.data_json,
                        prev,
                        hashed_,
                    )
                )
                prev = hashed_
            _check_first(audit_rows[0], rid)
            writer.insert("case", case_rows)
            writer.insert("step", step_rows)
            writer.insert("event", event_rows)
            writer.insert("audit", audit_rows)
        written += size
        summary.citizens += len(citizen_rows)
        summary.steps += len(step_rows)
        summary.events += len(event_rows)
        summary.audit_entries += len(audit_rows)
        if progress is not None:
            progress(size)
    summary.cases = written
    summary.templates = templates.built
    summary.seconds = time.perf_counter() - started
    return summary


def _iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _check_first(row: tuple[Any, ...], request_id: str) -> None:
    """The fast canonical form must be the chain's own: recompute the batch's first link
    with ``audit.chain`` (a wrong generator stops before it writes anything)."""
    seq, at, actor, username, agency, action, otype, oid, authority, rid, data, prev, hashed_ = row
    moment = at if isinstance(at, datetime) else datetime.fromisoformat(at).replace(tzinfo=UTC)
    fields = {
        "seq": seq,
        "at": moment,
        "actor_id": actor,
        "actor_username": username,
        "agency_code": agency,
        "action": action,
        "object_type": otype,
        "object_id": oid,
        "authority": json.loads(authority),
        "request_id": rid,
        "data": json.loads(data),
        "prev_hash": prev,
    }
    if entry_hash(prev, fields) != hashed_:
        raise RuntimeError("generated audit hash differs from audit.chain's")


def _receipts(rng: random.Random, plan: list[Template]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < len(plan):
        wanted = len(plan) - len(out)
        drawn = []
        for template in plan[len(out) : len(out) + wanted]:
            number = f"SNG-{template.year:04d}-{_receipt_body(rng.getrandbits(40))}"
            drawn.append(number)
        taken = set()
        for chunk in _chunks(drawn, 900):
            taken |= set(
                Case.objects.filter(receipt_number__in=chunk).values_list(
                    "receipt_number", flat=True
                )
            )
        for number in drawn:
            if number in taken or number in seen:
                break
            seen.add(number)
            out.append(number)
    return out


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _person(rng: random.Random, places: Places, niks: set[str]) -> tuple[str, date, str, str]:
    """A new, valid NIK (``PP KK CC DDMMYY SSSS``), its birth date and sex, and a village of
    its kecamatan."""
    while True:
        kecamatan, villages = places.pick(rng)
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 20_000))
        sex = "P" if rng.random() < 0.5 else "L"
        day = born.day + (40 if sex == "P" else 0)
        nik = f"{kecamatan.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}"
        nik += f"{rng.randrange(1, 10_000):04d}"
        if nik not in niks:
            niks.add(nik)
            return nik, born, sex, rng.choice(villages)
