"""Load test: full case lifecycles through the API under gunicorn, and a burst of sign-ins.

**Lifecycles.** Virtual citizens (API tokens) submit ``samsat-tahunan`` / ``teknis-fungsional``
(``POST /api/v1/cases``); the officials of the three agencies then claim and act on each step
through the API, in the order the service runs them, until the case is decided:
``pemeriksaan-data`` (polda.metro, approve) → ``penetapan-pkb`` (bapenda.dki, done) →
``pembayaran-swdkllj`` (jasaraharja, paid) → ``pengesahan-stnk`` (polda.metro, done). A
lifecycle is those nine requests (1 submit + 4 claim + 4 act) and ends with status
``approved``; anything else counts as an error. The platform runs as in production: gunicorn
with ``--workers`` (2) and ``sinergi worker`` beside it (decisions' PDFs are signed there).

In the same run, before the lifecycles and with the same number of users, the generator hits
``/livez``: the full middleware stack with no database work, the floor of any request on this
server. The figures are printed with their ratio to it. The generator (Locust as a library,
``FastHttpUser``, one process) and the server share the machine: the script prints the CPU
the generator used (percent of one core) and the server's processes; a throughput figure only
counts where the generator was not at its core's limit.

Prints: lifecycles per second, p50/p95/p99 per request kind and for the whole lifecycle,
errors, the ratio to ``/livez``, generator and server CPU, how many stored cases the database
held, and whether decisions' PDFs lag behind (signed by the worker after the run's end).

**Login burst** (``--login-burst``): ``--burst-users`` (1000) distinct users sign in through
the web form (GET the page for the CSRF token, POST it) spread over ``--burst-seconds`` (60),
with django-axes on; the users share one precomputed Argon2id hash (OWASP parameters, still a
valid hash of their common password; each has their own username). Prints errors, latency and
the peak RSS of each gunicorn worker, sampled during the burst (goal: under 300 MB each).

**Profile** (``--profile``): ``--profile-lifecycles`` lifecycles in one process through
Django's test client (the same middleware, API and actions, no HTTP server) under
pyinstrument, with the SQL statements counted per request kind; the profile is written to
``var/bench/lifecycle/profile.txt``.

Everything goes to 127.0.0.1 only; every phase stops by itself (``--seconds`` and
``--max-lifecycles``; the burst by its count and ``--burst-seconds`` + 60 s at most).

Run (each is one command):

  # empty (demo-only) database on SQLite: fresh file, migrate, demo, tokens, run
  .venv/bin/python bench/lifecycle.py
  # the same on PostgreSQL (the database is dropped and made again)
  .venv/bin/python bench/lifecycle.py --database-url postgres://postgres@127.0.0.1:5432/sinergi_life_bench
  # a prepared database (e.g. after `sinergi demo generate --cases 1000000`): no reset,
  # no migrate/demo; the virtual citizens and tokens are added if missing
  .venv/bin/python bench/lifecycle.py --skip-setup --database-url postgres://.../big
  .venv/bin/python bench/lifecycle.py --skip-setup --sqlite-path var/big.sqlite3
  # the login burst, and the profile
  .venv/bin/python bench/lifecycle.py --login-burst
  .venv/bin/python bench/lifecycle.py --profile --skip-setup

Options: ``--users`` (concurrent virtual users, 20), ``--seconds`` (30), ``--warmup`` (5),
``--max-lifecycles`` (100000), ``--citizens`` (1000 virtual citizens), ``--workers`` (2),
``--port`` (18200).

Benchmarks are not tests: nothing here asserts a timing.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]  # bench/calendar.py would shadow the standard library's calendar

import argparse
import contextlib
import json
import os
import subprocess
import time
from collections.abc import Iterator
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORKDIR = ROOT / "var" / "bench" / "lifecycle"
TOKENS = WORKDIR / "tokens.json"
PYTHON = sys.executable

CAR = {
    "plate": "B 1234 SRH",
    "njkb": 200000000,
    "wheels": 4,
    "swdkllj_class": "mobil_pribadi",
    "province_code": "31",
    "ownership": 1,
}
SERVICE, VARIANT = "samsat-tahunan", "teknis-fungsional"
# (step, official, outcome) in the order the service runs them.
STEPS = [
    ("pemeriksaan-data", "polda.metro", "approve"),
    ("penetapan-pkb", "bapenda.dki", "done"),
    ("pembayaran-swdkllj", "jasaraharja", "paid"),
    ("pengesahan-stnk", "polda.metro", "done"),
]
OFFICIALS = sorted({login for _, login, _ in STEPS})
CITIZEN_PREFIX = "bench.warga."
LOGIN_PREFIX = "bench.login."
BURST_PASSWORD = "bench-login-burst-2026"  # noqa: S105 - a throwaway benchmark password
GAMBIR = "317101"  # a kecamatan of the demo's region list, for the virtual citizens' NIKs


# --- Environment ----------------------------------------------------------------------------


def database_url(args: argparse.Namespace) -> str:
    if args.database_url:
        return str(args.database_url)
    path = Path(args.sqlite_path) if args.sqlite_path else WORKDIR / "lifecycle.sqlite3"
    return f"sqlite:///{path.resolve()}"


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url(args),
            "SINERGI_VAR_DIR": str(WORKDIR),
            "DJANGO_SETTINGS_MODULE": "sinergi.config.settings",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "memory",
        }
    )
    return env


def django_here(args: argparse.Namespace) -> None:
    os.environ.update(server_env(args))
    import django

    django.setup()


def nik_of(i: int) -> str:
    """The i-th synthetic NIK in Gambir: serial 0001-9999, then the next birth date."""
    serial = 1 + i % 9999
    d = i // 9999
    day, month, year = 1 + d % 28, 1 + (d // 28) % 12, 60 + (d // 336) % 40
    if i % 2:
        day += 40  # women: day + 40
    return f"{GAMBIR}{day:02d}{month:02d}{year:02d}{serial:04d}"


# --- Setup (in a child process with Django) -------------------------------------------------


def reset_database(args: argparse.Namespace) -> None:
    url = database_url(args)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup(args: argparse.Namespace) -> None:
    """Database ready, personas' and virtual citizens' tokens written to ``TOKENS``."""
    WORKDIR.mkdir(parents=True, exist_ok=True)
    if not args.skip_setup:
        reset_database(args)
    django_here(args)
    from django.core.management import call_command

    started = time.perf_counter()
    if not args.skip_setup:
        call_command("migrate", verbosity=0)
        from sinergi.demo.load import load_demo

        load_demo(progress=False)
    tokens = {
        "officials": issue_tokens(OFFICIALS, "bench lifecycle"),
        "citizens": virtual_citizens(args.citizens),
    }
    if args.login_burst:
        burst_users(args.burst_users)
    TOKENS.write_text(json.dumps(tokens))
    from sinergi.cases.models import Case

    print(
        f"setup: {time.perf_counter() - started:.1f} s; stored cases: {Case.objects.count():,}; "
        f"virtual citizens: {len(tokens['citizens'])}",
        flush=True,
    )


def issue_tokens(logins: list[str], name: str) -> dict[str, str]:
    from sinergi.accounts.actions import issue_api_token
    from sinergi.accounts.models import User

    out = {}
    for login in logins:
        user = User.objects.get(username=login)
        out[login] = issue_api_token(acting_user=None, user=user, name=name)[1]
    return out


def virtual_citizens(count: int) -> list[str]:
    """``count`` citizens with accounts and valid NIKs, in bulk; a new token each (returned).

    Made directly with ``bulk_create`` (no audit entries: they are test fixtures, not acts)."""
    import secrets

    from django.db import transaction

    from sinergi.accounts.models import ApiToken, User, _hash_token
    from sinergi.accounts.roles import Role
    from sinergi.citizens.models import Citizen
    from sinergi.citizens.nik import parse_nik

    names = [f"{CITIZEN_PREFIX}{i:06d}" for i in range(count)]
    with transaction.atomic():
        have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        new = [
            User(username=n, role=Role.CITIZEN, first_name="Warga", last_name=n[-6:])
            for n in names
            if n not in have
        ]
        for u in new:
            u.set_unusable_password()
        User.objects.bulk_create(new, batch_size=500)
        users = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
        with_citizen = set(
            Citizen.objects.filter(user_id__in=users.values()).values_list("user_id", flat=True)
        )
        citizens = []
        today = __import__("datetime").date.today()
        wanted = [n for n in names if users[n] not in with_citizen]
        # NIKs a prepared database already holds (e.g. its generated citizens) are skipped
        free = free_niks(len(wanted))
        for i, n in enumerate(wanted):
            nik = next(free)
            info = parse_nik(nik, kecamatan_exists=lambda code: True, today=today)
            citizens.append(
                Citizen(
                    user_id=users[n],
                    nik=nik,
                    full_name=f"Warga Uji {i}",
                    birth_date=info.birth_date,
                    sex=info.sex,
                )
            )
        Citizen.objects.bulk_create(citizens, batch_size=500)
        raws, rows = [], []
        for n in names:
            raw = "sng_" + secrets.token_urlsafe(32)
            raws.append(raw)
            rows.append(
                ApiToken(
                    user_id=users[n],
                    name="bench lifecycle",
                    prefix=raw[4:12],
                    digest=_hash_token(raw),
                )
            )
        ApiToken.objects.bulk_create(rows, batch_size=500)
    return raws


def free_niks(count: int) -> Iterator[str]:
    """``count`` synthetic NIKs no citizen holds yet, in ``nik_of`` order."""
    from sinergi.citizens.models import Citizen

    j, given = 0, 0
    while given < count:
        batch = [nik_of(k) for k in range(j, j + 5000)]
        j += len(batch)
        taken = set(Citizen.objects.filter(nik__in=batch).values_list("nik", flat=True))
        for nik in batch:
            if nik not in taken and given < count:
                given += 1
                yield nik


def burst_users(count: int) -> None:
    """``count`` users sharing one Argon2id hash of ``BURST_PASSWORD`` (hashed once)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from sinergi.accounts.models import User
    from sinergi.accounts.roles import Role

    encoded = make_password(BURST_PASSWORD)
    assert encoded.startswith("argon2$argon2id$"), encoded
    names = [f"{LOGIN_PREFIX}{i:05d}" for i in range(count)]
    with transaction.atomic():
        have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        User.objects.bulk_create(
            [User(username=n, role=Role.CITIZEN, password=encoded) for n in names if n not in have],
            batch_size=500,
        )
        User.objects.filter(username__in=names).update(password=encoded, is_active=True)
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username__startswith=LOGIN_PREFIX).delete()


def decisions_report(args: argparse.Namespace, since: str, wait: float) -> None:
    """How many of the decisions issued since ``since`` are signed; waits up to ``wait`` s."""
    django_here(args)
    from datetime import datetime

    from sinergi.documents.models import Decision

    start = datetime.fromisoformat(since)
    issued = Decision.objects.filter(issued_at__gte=start)
    total = issued.count()
    began = time.monotonic()
    pending = issued.filter(signed_at__isnull=True).count()
    first_pending = pending
    while pending and time.monotonic() - began < wait:
        time.sleep(1)
        pending = issued.filter(signed_at__isnull=True).count()
    waited = time.monotonic() - began
    if not total:
        print("decisions: none issued in the run")
    elif not first_pending:
        print(f"decisions: {total} issued, every PDF signed by the end of the run (no lag)")
    else:
        print(
            f"decisions: {total} issued; {first_pending} PDFs unsigned at the end of the run "
            f"(the worker lags); {pending} still unsigned after {waited:.0f} s more"
        )


def profile(args: argparse.Namespace) -> None:
    """Lifecycles through the test client under pyinstrument; SQL statements per request kind."""
    django_here(args)
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    tokens = json.loads(TOKENS.read_text())
    clients = {
        k: Client(headers={"Authorization": f"Bearer {v}"}) for k, v in tokens["officials"].items()
    }
    citizens = [Client(headers={"Authorization": f"Bearer {t}"}) for t in tokens["citizens"]]
    queries: dict[str, list[int]] = {}

    def call(kind: str, client: Client, path: str, body: dict[str, Any]) -> Any:
        with CaptureQueriesContext(connection) as captured:
            response = client.post(path, body, content_type="application/json")
        queries.setdefault(kind, []).append(len(captured))
        assert response.status_code in {200, 201}, response.content
        return response.json()

    def lifecycle(i: int) -> None:
        receipt = call(
            "submit",
            citizens[i % len(citizens)],
            "/api/v1/cases",
            {"service": SERVICE, "variant": VARIANT, "data": CAR},
        )
        number = receipt["receipt_number"]
        for step, login, outcome in STEPS:
            base = f"/api/v1/cases/{number}/steps/{step}"
            claimed = call(f"claim {step}", clients[login], f"{base}/claim", {})
            body = {"outcome": outcome, "version": claimed["version"]}
            done = call(f"act {step}", clients[login], f"{base}/act", body)
        assert done["status"] == "approved", done["status"]

    lifecycle(0)  # warm: imports, caches, the first connection
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    for i in range(1, args.profile_lifecycles + 1):
        lifecycle(i)
    profiler.stop()
    elapsed = time.perf_counter() - started
    out = WORKDIR / "profile.txt"
    out.write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    n = args.profile_lifecycles
    print(
        f"profile: {n} lifecycles in {elapsed:.2f} s under the profiler "
        f"({elapsed / n * 1000:.0f} ms each); written to {out}"
    )
    print("SQL statements per request (median of the profiled lifecycles):")
    for kind, counts in queries.items():
        print(f"  {kind:28} {sorted(counts)[len(counts) // 2]}")


# --- Server ---------------------------------------------------------------------------------


class Server:
    """gunicorn (``workers`` processes) and ``sinergi worker``, stopped on exit."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.url = f"http://127.0.0.1:{args.port}"
        env = server_env(args)
        WORKDIR.mkdir(parents=True, exist_ok=True)
        self.log = (WORKDIR / "server.log").open("w")
        self.web = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "sinergi.config.wsgi",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--graceful-timeout",
                "5",
                "--timeout",
                "60",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        self.worker = subprocess.Popen(
            [PYTHON, "-m", "sinergi", "worker"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        import urllib.request

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("the server did not become ready in 60 s")

    def processes(self) -> dict[str, Any]:
        import psutil  # type: ignore[import-untyped,unused-ignore]

        master = psutil.Process(self.web.pid)
        found = {"gunicorn master": master, "sinergi worker": psutil.Process(self.worker.pid)}
        for i, child in enumerate(master.children()):
            found[f"gunicorn worker {i + 1}"] = child
        return found

    def stop(self) -> None:
        for proc in (self.web, self.worker):
            if proc.poll() is None:
                proc.terminate()
        for proc in (self.web, self.worker):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.log.close()


class Cpu:
    """CPU of the generator (this process), the web processes, the task worker and the machine
    (so that other load on a shared machine shows), as percent of one core since ``start``."""

    def __init__(self, server: Server) -> None:
        import psutil  # type: ignore[import-untyped,unused-ignore]

        self.psutil = psutil
        self.me = psutil.Process()
        self.server = server
        self.start()

    def _seconds(self) -> dict[str, float]:
        out = {"generator": 0.0, "web": 0.0, "worker": 0.0}
        t = self.me.cpu_times()
        out["generator"] = t.user + t.system
        for name, proc in self.server.processes().items():
            try:
                t = proc.cpu_times()
            except self.psutil.Error:
                continue
            out["worker" if name == "sinergi worker" else "web"] += t.user + t.system
        for proc in self._postgres():
            try:
                t = proc.cpu_times()
            except self.psutil.Error:
                continue
            out["postgres"] = out.get("postgres", 0.0) + t.user + t.system
        machine = self.psutil.cpu_times()
        out["machine"] = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
        return out

    def _postgres(self) -> list[Any]:
        """PostgreSQL's backends serving this database (their titles name it)."""
        url = database_url(self.server.args)
        if not url.startswith("postgres"):
            return []
        name = url.rpartition("/")[2]
        found = []
        for proc in self.psutil.process_iter(["name", "cmdline"]):
            cmd = " ".join(proc.info["cmdline"] or [])
            if proc.info["name"] == "postgres" and f" {name} " in f"{cmd} ":
                found.append(proc)
        return found

    def start(self) -> None:
        self.t0, self.wall0 = self._seconds(), time.time()
        self.t0.setdefault("postgres", 0.0)

    def read(self) -> dict[str, float]:
        """Percent of one core per part, and ``wall`` (seconds)."""
        now, wall = self._seconds(), time.time() - self.wall0
        now.setdefault("postgres", 0.0)
        # a backend opened during the phase counts whole; one closed during it is lost
        out = {k: max(0.0, now[k] - self.t0[k]) / wall * 100 for k in now}
        ours = out["generator"] + out["web"] + out["worker"] + out["postgres"]
        out["others"] = max(0.0, out["machine"] - ours)
        out["wall"] = wall
        return out


# --- Load (Locust as a library) --------------------------------------------------------------


def percentiles(entry: Any) -> str:
    return " / ".join(f"{entry.get_response_time_percentile(q):.0f}" for q in (0.5, 0.95, 0.99))


def run_phase(
    server: Server,
    user_class: Any,
    users: int,
    spawn_rate: float,
    warmup: float,
    seconds: float,
    stop_when: Any = None,
) -> tuple[Any, dict[str, float]]:
    """Run ``user_class`` × ``users``; stats and CPU are reset after ``warmup`` seconds."""
    import gevent  # type: ignore[import-untyped,unused-ignore]
    from locust.env import Environment

    env = Environment(user_classes=[user_class], host=server.url)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=spawn_rate)
    gevent.sleep(warmup)
    env.stats.reset_all()
    on_reset = getattr(user_class, "reset", None)
    if on_reset:
        on_reset()
    cpu = Cpu(server)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (stop_when and stop_when()):
        gevent.sleep(0.2)
    figures = cpu.read()
    runner.quit()
    return env.stats, figures


def cpu_line(cpu: dict[str, float]) -> str:
    verdict = (
        "the GENERATOR WAS AT ITS LIMIT: the figures understate the server"
        if cpu["generator"] > 85
        else "generator not the bottleneck"
    )
    return (
        f"CPU (% of one core): generator {cpu['generator']:.0f}, gunicorn {cpu['web']:.0f}, "
        f"sinergi worker {cpu['worker']:.0f}, PostgreSQL backends of this database "
        f"{cpu['postgres']:.0f}, other processes on the machine "
        f"{cpu['others']:.0f} ({verdict})"
    )


def lifecycles(args: argparse.Namespace, server: Server) -> None:
    from locust import FastHttpUser, constant, task

    tokens = json.loads(TOKENS.read_text())
    officials = {k: {"Authorization": f"Bearer {v}"} for k, v in tokens["officials"].items()}
    citizens = [{"Authorization": f"Bearer {t}"} for t in tokens["citizens"]]
    state: dict[str, Any] = {"done": 0, "bad": 0, "times": [], "next": 0}

    class Livez(FastHttpUser):
        wait_time = constant(0)

        @task
        def livez(self) -> None:
            self.client.get("/livez", name="livez")

    class Lifecycle(FastHttpUser):
        wait_time = constant(0)

        @staticmethod
        def reset() -> None:
            state.update(done=0, bad=0, times=[])

        def _post(self, name: str, path: str, body: dict[str, Any], headers: Any) -> Any:
            with self.client.post(
                path, json=body, headers=headers, name=name, catch_response=True
            ) as r:
                if r.status_code not in {200, 201}:
                    r.failure(f"{r.status_code}: {(r.text or '')[:200]}")
                    return None
                return r.json()

        @task
        def lifecycle(self) -> None:
            started = time.perf_counter()
            who = citizens[state["next"] % len(citizens)]
            state["next"] += 1
            receipt = self._post(
                "submit",
                "/api/v1/cases",
                {"service": SERVICE, "variant": VARIANT, "data": CAR},
                who,
            )
            if receipt is None:
                state["bad"] += 1
                return
            number = receipt["receipt_number"]
            body: Any = None
            for step, login, outcome in STEPS:
                base = f"/api/v1/cases/{number}/steps/{step}"
                claimed = self._post("claim", f"{base}/claim", {}, officials[login])
                if claimed is None:
                    state["bad"] += 1
                    return
                body = self._post(
                    "act",
                    f"{base}/act",
                    {"outcome": outcome, "version": claimed["version"]},
                    officials[login],
                )
                if body is None:
                    state["bad"] += 1
                    return
            if body["status"] != "approved":
                state["bad"] += 1
                return
            state["done"] += 1
            state["times"].append(time.perf_counter() - started)

    users = args.users
    print(f"\n== /livez: {users} users, {args.baseline_seconds:.0f} s", flush=True)
    base_stats, base_cpu = run_phase(server, Livez, users, users, 2, args.baseline_seconds)
    b = base_stats.total
    base_rps = b.num_requests / max(base_cpu["wall"], 1e-9)
    print(f"requests/s {base_rps:.0f}; p50/p95/p99 ms {percentiles(b)}; errors {b.num_failures}")
    print(cpu_line(base_cpu))

    from datetime import UTC, datetime

    since = datetime.now(UTC).isoformat()
    print(
        f"\n== lifecycles: {users} users, {args.seconds:.0f} s after {args.warmup:.0f} s "
        f"warm-up, at most {args.max_lifecycles} lifecycles",
        flush=True,
    )
    stats, figures = run_phase(
        server,
        Lifecycle,
        users,
        users,
        args.warmup,
        args.seconds,
        stop_when=lambda: state["done"] >= args.max_lifecycles,
    )
    wall = figures["wall"]
    total = stats.total
    rps = total.num_requests / wall
    rate = state["done"] / wall
    times = sorted(state["times"]) or [0.0]

    def q(p: float) -> float:
        return float(times[min(len(times) - 1, int(p * len(times)))]) * 1000

    print(f"lifecycles/s {rate:.1f} ({state['done']} in {wall:.1f} s); API requests/s {rps:.0f}")
    print(f"lifecycle p50/p95/p99 ms {q(0.5):.0f} / {q(0.95):.0f} / {q(0.99):.0f}")
    for name in ("submit", "claim", "act"):
        entry = stats.get(name, "POST")
        print(f"  {name:7} p50/p95/p99 ms {percentiles(entry)}  ({entry.num_requests} requests)")
    print(f"all requests p50/p95/p99 ms {percentiles(total)}")
    errors = total.num_failures + state["bad"]
    print(f"errors: {total.num_failures} failed requests, {state['bad']} lifecycles not approved")
    for err in list(stats.errors.values())[:5]:
        print(f"  {err.occurrences}× {err.method} {err.name}: {str(err.error)[:160]}")
    p50_ratio = total.get_response_time_percentile(0.5) / max(
        b.get_response_time_percentile(0.5), 1
    )
    print(f"ratio to /livez: requests/s {rps / base_rps:.3f}x; p50 {p50_ratio:.1f}x")
    print(cpu_line(figures))
    goal = rate >= 50 and total.get_response_time_percentile(0.95) < 300 and errors == 0
    print(f"goal (>= 50 lifecycles/s, p95 < 300 ms, no error): {'met' if goal else 'MISSED'}")
    subprocess.run(
        [PYTHON, __file__, "--decisions-since", since, *passthrough(args)],
        check=False,
    )


def login_burst(args: argparse.Namespace, server: Server) -> None:
    import re
    from itertools import count

    import gevent  # type: ignore[import-untyped,unused-ignore]
    import psutil  # type: ignore[import-untyped,unused-ignore]
    from locust import FastHttpUser, constant, task

    numbers = count()
    results: dict[str, Any] = {"ok": 0, "bad": 0, "times": []}
    token_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    n = args.burst_users

    class SignIn(FastHttpUser):
        wait_time = constant(3600)  # one sign-in per user, then idle until the phase ends

        @task
        def sign_in(self) -> None:
            i = next(numbers)
            if i >= n:
                return
            started = time.perf_counter()
            page = self.client.get("/sign-in/", name="sign-in page")
            match = token_re.search(page.text or "")
            if match is None:
                results["bad"] += 1
                return
            form = {
                "username": f"{LOGIN_PREFIX}{i:05d}",
                "password": BURST_PASSWORD,
                "csrfmiddlewaretoken": match.group(1),
            }
            with self.client.post(
                "/sign-in/",
                data=form,
                name="sign-in post",
                allow_redirects=False,
                catch_response=True,
            ) as r:
                # 302 away from the form is a sign-in; a wrong password re-renders the form
                # (200), a lockout is 429, a CSRF refusal 403
                where = r.headers.get("location") or ""
                if r.status_code != 302 or "sign-in" in where:
                    r.failure(f"{r.status_code}")
                    results["bad"] += 1
                    return
            results["ok"] += 1
            results["times"].append(time.perf_counter() - started)

    from locust.env import Environment

    rss: dict[int, int] = {}

    def sample() -> None:
        while True:
            for name, proc in server.processes().items():
                if name.startswith("gunicorn worker"):
                    with contextlib.suppress(psutil.Error):
                        rss[proc.pid] = max(rss.get(proc.pid, 0), proc.memory_info().rss)
            gevent.sleep(0.25)

    before = {
        p.pid: p.memory_info().rss
        for k, p in server.processes().items()
        if k.startswith("gunicorn worker")
    }
    env = Environment(user_classes=[SignIn], host=server.url)
    runner = env.create_local_runner()
    sampler = gevent.spawn(sample)
    cpu = Cpu(server)
    print(f"\n== login burst: {n} distinct users over {args.burst_seconds:.0f} s", flush=True)
    runner.start(n, spawn_rate=n / args.burst_seconds)
    deadline = time.monotonic() + args.burst_seconds + 60
    while time.monotonic() < deadline and results["ok"] + results["bad"] < n:
        gevent.sleep(0.2)
    figures = cpu.read()
    runner.quit()
    sampler.kill()
    times = sorted(results["times"]) or [0.0]

    def q(p: float) -> float:
        return float(times[min(len(times) - 1, int(p * len(times)))]) * 1000

    print(
        f"signed in: {results['ok']} of {n} in {figures['wall']:.1f} s; errors {results['bad']} "
        f"(failed requests {env.stats.total.num_failures})"
    )
    print(f"sign-in (page + POST) p50/p95/p99 ms {q(0.5):.0f} / {q(0.95):.0f} / {q(0.99):.0f}")
    post = env.stats.get("sign-in post", "POST")
    print(f"  POST alone p50/p95/p99 ms {percentiles(post)}")
    for err in list(env.stats.errors.values())[:5]:
        print(f"  {err.occurrences}× {err.method} {err.name}: {str(err.error)[:160]}")
    for pid, peak in sorted(rss.items()):
        print(
            f"gunicorn worker {pid}: RSS {before.get(pid, 0) / 2**20:.0f} MB before, "
            f"peak {peak / 2**20:.0f} MB during the burst"
        )
    print(cpu_line(figures))
    worst = max(rss.values(), default=0) / 2**20
    goal = results["ok"] == n and worst < 300
    print(
        f"goal ({n} sign-ins, no error, every worker < 300 MB RSS): "
        f"{'met' if goal else 'MISSED'}; the last finished {figures['wall']:.0f} s after the "
        f"first began (arrivals spread over {args.burst_seconds:.0f} s: "
        f"{'within' if figures['wall'] <= args.burst_seconds + 5 else 'NOT within'} the window)"
    )


# --- Main -----------------------------------------------------------------------------------


def passthrough(args: argparse.Namespace) -> list[str]:
    out = ["--port", str(args.port)]
    if args.database_url:
        out += ["--database-url", args.database_url]
    if args.sqlite_path:
        out += ["--sqlite-path", args.sqlite_path]
    return out


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    p.add_argument(
        "--database-url", help="postgres://... (dropped and made again unless --skip-setup)"
    )
    p.add_argument("--sqlite-path", help="SQLite file (default var/bench/lifecycle/...)")
    p.add_argument(
        "--skip-setup",
        action="store_true",
        help="use the database as it is: no reset, no migrate, no demo load",
    )
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--warmup", type=float, default=5)
    p.add_argument("--baseline-seconds", type=float, default=10)
    p.add_argument("--max-lifecycles", type=int, default=100_000)
    p.add_argument("--citizens", type=int, default=1000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--port", type=int, default=18200)
    p.add_argument("--login-burst", action="store_true")
    p.add_argument("--burst-users", type=int, default=1000)
    p.add_argument("--burst-seconds", type=float, default=60)
    p.add_argument("--profile", action="store_true")
    p.add_argument("--profile-lifecycles", type=int, default=30)
    p.add_argument("--decisions-since", help=argparse.SUPPRESS)
    p.add_argument("--setup-only", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.database_url and args.sqlite_path:
        p.error("give --database-url or --sqlite-path, not both")
    return args


def child(args: argparse.Namespace, *flags: str) -> None:
    extra = ["--citizens", str(args.citizens), "--burst-users", str(args.burst_users)]
    if args.skip_setup:
        extra.append("--skip-setup")
    if args.login_burst:
        extra.append("--login-burst")
    done = subprocess.run([PYTHON, __file__, *flags, *extra, *passthrough(args)], check=False)
    if done.returncode:
        raise SystemExit(done.returncode)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.decisions_since:
        decisions_report(args, args.decisions_since, wait=30)
        return None
    if args.setup_only:
        setup(args)
        return None
    import psutil  # type: ignore[import-untyped,unused-ignore]

    print(
        f"database: {database_url(args)}; {psutil.cpu_count()} cores; load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        flush=True,
    )
    child(args, "--setup-only")  # Django stays out of this process (Locust patches it)
    if args.profile:
        profile(args)
        return None
    server = Server(args)
    try:
        print(f"server: gunicorn --workers {args.workers} and sinergi worker on {server.url}")
        if args.login_burst:
            login_burst(args, server)
        else:
            lifecycles(args, server)
    finally:
        server.stop()
    return None


if __name__ == "__main__":
    main()
