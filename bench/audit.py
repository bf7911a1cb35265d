"""Benchmark: what the audit hash chain costs the action path, and its parts.

First the engine benchmark's action path (``bench/engine.py``: ``submit_case`` and six
``act_on_step`` calls at three agencies, the decision issued at the end) run three ways in
interleaved rounds, on one database:

* **chained**: as the platform runs, every change appending its entry to the hash chain
  (the head read under the chain's lock, canonical JSON, SHA-256, the insert);
* **unchained**: the same entries inserted as plain rows (no head read, no lock, no hash),
  the append-only log a platform without the chain would keep;
* **none**: no audit entry at all.

It prints cases per second for each and the chain's cost as a share of throughput against
both; the goal is a cost of at most 15%. It runs last, as its unchained rows are no links of
the chain: the database is a throwaway. Before it, on the same database:

* ``record()`` in a transaction of its own (what an action adds: one more statement or two and
  the hash), and ``record()`` alone, many calls inside one transaction (the Python and SQL cost
  of one append without the commit);
* the parts of one append: the canonical form and SHA-256 of an entry, and the head read;
* ``audit verify`` throughput over the entries written (entries per second).

Benchmarks are not tests: nothing here asserts a timing.

Run: .venv/bin/python bench/audit.py [--cases 40] [--rounds 4] [--entries 2000]
     [--database-url postgres://...]

The folder of this script holds ``calendar.py``, which would shadow the standard library's
``calendar`` when run as a script, so that folder is taken off the path first.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import argparse
import importlib.util
import itertools
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

DATA = {"service": "pbg-bandung", "variant": "satu-pintu", "version": 3, "status": "in_progress"}
AUTHORITY = {"basis": "delegasi", "grant": 17, "position": "kepala-dpmptsp-bdg"}


def per_call(func: Callable[[], object], n: int, rounds: int = 3) -> tuple[float, float]:
    """Best and median microseconds per call over ``rounds`` runs of ``n`` calls."""
    runs = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            func()
        runs.append((time.perf_counter() - start) / n * 1e6)
    return min(runs), statistics.median(runs)


def _engine_bench() -> Any:
    """``bench/engine.py`` as a module (this folder is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "sinergi_bench_engine", Path(__file__).resolve().parent / "engine.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


#: The modules of the action path that write audit entries (each imported ``record``).
AUDITING_MODULES = ("sinergi.cases.actions", "sinergi.documents.actions", "sinergi.voice.actions")


@contextmanager
def audit_as(kind: str) -> Iterator[None]:
    """Run the action path with ``record`` replaced: ``unchained`` inserts the same entry as a
    plain row, ``none`` writes nothing; ``chained`` leaves the platform as it is."""
    import importlib

    from sinergi.audit.log import _clean
    from sinergi.audit.models import AuditEntry
    from sinergi.core.context import current_request_id

    seqs = itertools.count(10**12 + secrets.randbelow(10**9) * 1000)

    def unchained(*, actor: Any, action: str, obj: Any = None, object_type: str = "",
                  object_id: str = "", agency_code: str = "", authority: Any = None,
                  data: Any = None) -> AuditEntry:  # fmt: skip
        from django.utils import timezone

        from sinergi.accounts.models import User

        user = actor if isinstance(actor, User) else None
        return AuditEntry.objects.create(
            seq=next(seqs), prev_hash="", hash=secrets.token_hex(32), at=timezone.now(),
            actor=user, actor_username=user.get_username() if user else "",
            agency_code=agency_code, action=action,
            object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
            object_id=object_id or (str(obj.pk) if obj is not None else ""),
            authority=_clean(authority or {}), request_id=current_request_id(),
            data=_clean(data or {}),
        )  # fmt: skip

    def none(**kwargs: Any) -> None:
        return None

    modules = [importlib.import_module(name) for name in AUDITING_MODULES]
    saved = [getattr(m, "record") for m in modules]  # noqa: B009 - set and restored below
    replacement = {"unchained": unchained, "none": none}.get(kind)
    try:
        if replacement is not None:
            for module in modules:
                setattr(module, "record", replacement)  # noqa: B010
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            setattr(module, "record", original)  # noqa: B010


def action_path(engine: Any, cases: int, rounds: int) -> None:
    path = engine.SinergiPath()
    path.run(5, 0)  # warm-up: caches, the calendar, the first decision number
    totals = {"chained": 0.0, "unchained": 0.0, "none": 0.0}
    first = 10
    for _round in range(rounds):
        for kind in totals:
            with audit_as(kind):
                timing = path.run(cases, first)
            first += cases
            totals[kind] += timing.submit_s + timing.steps_s
    n = cases * rounds
    rates = {kind: n / seconds for kind, seconds in totals.items()}
    print(f"action path, {n} cases each ({rounds} rounds of {cases}), cases/s "
          "(submit + 6 steps + the decision):")  # fmt: skip
    for kind, rate in rates.items():
        print(f"  {kind:<10} {rate:8.1f} cases/s   {1000 / rate:7.1f} ms/case")
    for against in ("unchained", "none"):
        cost = 1 - rates["chained"] / rates[against]
        verdict = "met" if cost <= 0.15 else "MISSED"
        print(f"  chain cost vs {against:<10} {cost:6.1%} of throughput "
              f"(goal <= 15%: {verdict}); ratio chained/{against} "
              f"{rates['chained'] / rates[against]:.3f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--cases", type=int, default=40, help="cases per kind per round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="sinergi-bench-"))
    os.environ["SINERGI_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["EMAIL_BACKEND"] = "memory"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from sinergi.audit.chain import GENESIS, entry_hash
    from sinergi.audit.log import chain_head, record
    from sinergi.audit.models import AuditEntry
    from sinergi.audit.reading import verify_database

    call_command("migrate", verbosity=0)
    engine = _engine_bench()
    from sinergi.catalog.loaders import load_service
    from sinergi.demo.load import load_demo

    os.environ.setdefault("EMAIL_BACKEND", "memory")
    load_demo(progress=False)
    load_service(engine.service_mapping(), where="bench")

    n = args.entries

    def append() -> AuditEntry:
        return record(actor=None, action="bench.event", object_type="cases.case",
                      object_id="123", agency_code="bapenda-dki", authority=AUTHORITY,
                      data=DATA)  # fmt: skip

    def own_transaction() -> AuditEntry:
        with transaction.atomic():
            return append()

    for _ in range(200):
        own_transaction()  # warm-up
    best, median = per_call(own_transaction, n)
    print(f"database                          {connection.vendor}")
    print(f"record() in its own transaction   {best:8.1f} us/call (median {median:.1f})")
    with transaction.atomic():
        best, median = per_call(append, n)
        head_best, _ = per_call(lambda: chain_head(connection), n)
    print(f"record() alone, in one transaction {best:7.1f} us/call (median {median:.1f})")
    print(f"  of which: head read (+ lock)    {head_best:8.1f} us/call")
    entry = own_transaction()
    fields = entry.chain_fields()
    hash_best, _ = per_call(lambda: entry_hash(GENESIS, fields), n * 5)
    print(f"  of which: canonical + SHA-256   {hash_best:8.1f} us/call")
    start = time.perf_counter()
    verdict = verify_database()
    elapsed = time.perf_counter() - start
    assert verdict.broken is None, verdict.broken
    print(
        f"audit verify                      {verdict.count} entries in {elapsed:.2f} s, "
        f"{verdict.count / elapsed:,.0f} entries/s"
    )
    # Last: its unchained rows are not links of the chain (this database is thrown away).
    action_path(engine, args.cases, args.rounds)


if __name__ == "__main__":
    main()
