"""Benchmark: appending to the audit hash chain (``audit.log.record``) and verifying it.

Figures, on a fresh database (a temp SQLite file, or PostgreSQL with ``--database-url``, whose
database must exist and be empty of Sinergi tables or migrated):

* ``record()`` in a transaction of its own (what an action adds: one more statement or two and
  the hash), and ``record()`` alone, many calls inside one transaction (the Python and SQL cost
  of one append without the commit);
* the parts of one append: the canonical form and SHA-256 of an entry, and the head read;
* ``audit verify`` throughput over the entries written (entries per second).

Benchmarks are not tests: nothing here asserts a timing.

Run: .venv/bin/python bench/audit.py [--entries 2000] [--database-url postgres://...]

The folder of this script holds ``calendar.py``, which would shadow the standard library's
``calendar`` when run as a script, so that folder is taken off the path first.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="sinergi-bench-"))
    os.environ["SINERGI_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from sinergi.audit.chain import GENESIS, entry_hash
    from sinergi.audit.log import chain_head, record
    from sinergi.audit.models import AuditEntry
    from sinergi.audit.reading import verify_database

    call_command("migrate", verbosity=0)
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


if __name__ == "__main__":
    main()
