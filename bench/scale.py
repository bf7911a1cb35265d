"""Benchmark: the SLA sweep, an agency inbox and the coordinator view with many stored cases.

With N generated cases (``sinergi demo generate``) it measures

* **sweep**: ``cases.sweeper.sweep`` as the sweeper task runs it (``cases.tasks.sweep_sla``),
  (1) at the moment the data ends (the steady state of a sweeper that runs every minute: the
  generator applied every time-out due until then, so it finds only what fell due since) and
  (2) one day later (a catch-up: many reminders and escalations due; one call applies at most
  its ``limit`` of 5,000 steps and 5,000 cases). Goal: under 10 s with 1,000,000 cases.
  Baseline: the same call with nothing due (its queries only, ``now`` a year back).
* **inbox**: ``/work/`` signed in as an official of a busy agency (``--login``, default
  ``polda.metro``: every SAMSAT variant passes through Polda Metro Jaya); p95 of ``--rounds``
  requests. Goal: p95 under 100 ms.
* **coordinator**: ``/work/coordinator/`` as ``kepala.dpmptsp.bdg`` (DPMPTSP Kota Bandung
  coordinates business licensing and building approval); p95. Goal: under 1 s.

Pages are requested in-process with Django's test client (no network, no server), after two
warm-up requests. Each figure is printed with its ratio to baselines measured in the same run:
the same page on the demo database before any case was generated (fresh runs only) and
``/healthz`` (a bare view with one query) on the same database. The sweeps run in a transaction
that is rolled back, so ``--reuse`` leaves the database as it was.

Benchmarks are not tests: nothing here asserts a timing.

Run (a fresh SQLite database under a temporary folder, 20,000 cases by default):

    .venv/bin/python bench/scale.py --cases 20000

The quiet-machine run with a million cases (generation alone is the longest part):

    .venv/bin/python bench/scale.py --cases 1000000 --keep
    # later runs on the kept database (its path is printed), without generating again:
    .venv/bin/python bench/scale.py --reuse --database-url sqlite:////tmp/sinergi-scale-XXXX/scale.sqlite3

On PostgreSQL (the database must exist and be empty, or use ``--reuse`` on a generated one):

    .venv/bin/python bench/scale.py --cases 1000000 --database-url postgres://postgres@127.0.0.1:5432/sinergi_scale

``--profile DIR`` writes a pyinstrument profile (text) of one inbox request, one coordinator
request and the catch-up sweep into DIR.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]  # this folder's calendar.py would shadow the standard library's

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

#: The coordinator view's user: the head of DPMPTSP Kota Bandung, whose agency coordinates
#: business licensing and building approval (four process variants between them).
COORDINATOR = "kepala.dpmptsp.bdg"
GOALS = {"sweep": 10.0, "inbox": 0.100, "coordinator": 1.0}


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed_pages(client: Any, path: str, rounds: int) -> tuple[float, float]:
    """p95 of the wall-clock and of the CPU seconds of ``rounds`` GETs of ``path`` (after
    two warm-ups). On a busy machine the CPU time is the steadier figure; with SQLite it
    includes the database's work (in-process), with PostgreSQL it does not."""
    for _ in range(2):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    wall, cpu = [], []
    for _ in range(rounds):
        start, used = time.perf_counter(), time.process_time()
        client.get(path)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - used)
    return p95(wall), p95(cpu)


def timed_sweep(now: datetime) -> tuple[float, float, int, int]:
    """Wall and CPU seconds of one sweep at ``now``, what it applied and skipped; rolled
    back."""
    from django.db import transaction

    from sinergi.cases.calendar_service import platform_calendar
    from sinergi.cases.sweeper import sweep

    platform_calendar()  # built once per process: not the sweep's cost
    with transaction.atomic():
        start, used = time.perf_counter(), time.process_time()
        result = sweep(now=now)
        seconds, cpu = time.perf_counter() - start, time.process_time() - used
        transaction.set_rollback(True)
    return seconds, cpu, result.applied, result.skipped


def profiled(directory: Path | None, name: str, func: Callable[[], object]) -> None:
    if directory is None:
        return
    from pyinstrument import Profiler

    profiler = Profiler()
    profiler.start()
    func()
    profiler.stop()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.txt").write_text(
        profiler.output_text(unicode=True, show_all=False, timeline=False)
    )


def client_for(username: str) -> Any:
    from django.test import Client

    from sinergi.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


Timing = tuple[float, float]  # wall-clock and CPU seconds


def pages(login: str, rounds: int) -> dict[str, Timing]:
    official, coordinator = client_for(login), client_for(COORDINATOR)
    return {
        "inbox": timed_pages(official, "/work/", rounds),
        "coordinator": timed_pages(coordinator, "/work/coordinator/", max(5, rounds // 4)),
        "healthz": timed_pages(official, "/healthz", rounds),
    }


def report(name: str, timing: Timing, baselines: dict[str, Timing]) -> None:
    wall, cpu = timing
    ratios = ", ".join(f"{wall / b[0]:.1f}x {label}" for label, b in baselines.items() if b[0] > 0)
    goal = GOALS.get(name.split("+")[0]) if "+" not in name else None
    verdict = f"; goal {goal * 1000:.0f} ms: {'met' if wall <= goal else 'NOT met'}" if goal else ""
    print(f"{name:>12}: {wall * 1000:9.1f} ms wall, {cpu * 1000:8.1f} ms CPU "
          f"({ratios}){verdict}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--database-url")
    parser.add_argument("--reuse", action="store_true", help="Measure an already generated DB.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary database.")
    parser.add_argument("--login", default="polda.metro", help="The official whose inbox.")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", type=Path)
    parser.add_argument(
        "--no-catch-up", action="store_true", help="Skip the sweep a day later (the slow one)."
    )
    args = parser.parse_args()
    if args.reuse and not args.database_url:
        parser.error("--reuse needs --database-url")
    workdir = Path(tempfile.mkdtemp(prefix="sinergi-scale-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'scale.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from sinergi.cases.models import Case, CaseStep

    setup_test_environment()  # the test client's hosts; no test database is created
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(f"database: {os.environ['DATABASE_URL']}")
    empty: dict[str, Timing] = {}
    if not args.reuse:
        call_command("migrate", verbosity=0)
        from sinergi.demo.load import load_demo

        load_demo(progress=False)
        empty = pages(args.login, args.rounds)
        wall, cpu, _, _ = timed_sweep(timezone.now() + timedelta(days=1))
        empty["sweep"] = (wall, cpu)
        from sinergi.demo.generate import generate

        summary = generate(args.cases, seed=args.seed)
        print(
            f"generated {summary.cases} cases in {summary.seconds:.1f} s "
            f"({summary.rate:.0f} cases/s; {summary.events} events, "
            f"{summary.audit_entries} audit entries)"
        )
    else:
        call_command("migrate", verbosity=0)  # indexes added since the data was generated
    cases = Case.objects.count()
    open_steps = CaseStep.objects.filter(status="active").count()
    print(f"cases: {cases}, active steps: {open_steps}, load: {os.getloadavg()[0]:.1f}")
    now = timezone.now()
    wall, cpu, _, _ = timed_sweep(now - timedelta(days=365))
    idle = (wall, cpu)
    wall, cpu, applied, skipped = timed_sweep(now)
    steady = (wall, cpu)
    wall, cpu, applied_later, skipped_later = (
        timed_sweep(now + timedelta(days=1)) if not args.no_catch_up else (0.0, 0.0, 0, 0)
    )
    catchup = (wall, cpu)
    measured = pages(args.login, args.rounds)
    health = {"healthz": measured["healthz"]}
    print(f"sweep at the data's end applied {applied} (skipped {skipped}); a day later "
          f"{applied_later} (skipped {skipped_later})")  # fmt: skip
    report(
        "sweep", steady, {"nothing due": idle, **({"empty demo": empty["sweep"]} if empty else {})}
    )
    report("sweep+1 day", catchup, {"nothing due": idle})
    for name in ("inbox", "coordinator"):
        report(name, measured[name], {**health, **({"empty demo": empty[name]} if empty else {})})
    official, coordinator = client_for(args.login), client_for(COORDINATOR)
    profiled(args.profile, "inbox", lambda: official.get("/work/"))
    profiled(args.profile, "coordinator", lambda: coordinator.get("/work/coordinator/"))
    if not args.no_catch_up:
        profiled(args.profile, "sweep", lambda: timed_sweep(now + timedelta(days=1)))
    if args.keep or args.database_url:
        print(f"kept: {os.environ['DATABASE_URL']}")
    else:
        import shutil

        from django.db import connections

        connections.close_all()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
