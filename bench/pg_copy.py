"""Copy a prepared SQLite database into a new PostgreSQL database, table by table with COPY.

Generating 1,000,000 cases takes minutes on SQLite and much longer on PostgreSQL through
row inserts; for the PostgreSQL benchmarks the same generated rows are copied across instead,
so both databases hold exactly the same cases (and the same audit chain: `sinergi audit
verify` passes on the copy).

    .venv/bin/python bench/pg_copy.py --sqlite /path/scale.sqlite3 \
        --database-url postgres://postgres@127.0.0.1:5432/sinergi_1m

The PostgreSQL database is dropped and created again, migrated with `sinergi migrate`, emptied,
filled with COPY (foreign-key triggers off while copying, as in a restore), its sequences
reset and its tables analysed. Loopback only.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
SINERGI = str(Path(sys.executable).with_name("sinergi"))
SKIP = {"django_migrations"}  # PostgreSQL's own, written by `migrate`


def _admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def recreate(url: str) -> None:
    admin, name = _admin_url(url)
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"database name {name!r}: letters, digits and _ only")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _columns(target: psycopg.Connection[tuple[str]], table: str) -> list[str]:
    return [
        row[0]
        for row in target.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
            (table,),
        )
    ]


def copy_table(sqlite_path: Path, url: str, table: str) -> tuple[str, int, float]:
    """One table in its own connections (several tables are copied side by side)."""
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    started, n = time.perf_counter(), 0
    with psycopg.connect(url) as target:
        target.execute("SET TIME ZONE 'UTC'")  # SQLite holds UTC times without an offset
        target.execute("SET session_replication_role = replica")  # no FK triggers, as a restore
        target.execute("SET synchronous_commit = off")
        quoted = ", ".join(f'"{c}"' for c in _columns(target, table))
        rows = source.execute(f'SELECT {quoted} FROM "{table}"')  # noqa: S608
        with target.cursor().copy(f'COPY "{table}" ({quoted}) FROM STDIN') as out:
            for row in rows:
                out.write_row(row)
                n += 1
        target.commit()
    return table, n, time.perf_counter() - started


def copy(sqlite_path: Path, url: str, jobs: int) -> dict[str, int]:
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    present = {
        row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    with psycopg.connect(url) as target:
        tables = [
            row[0]
            for row in target.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
            if row[0] not in SKIP
        ]
        target.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        target.commit()
    tables = [t for t in tables if t in present]
    # Largest first, so the long tables do not wait at the end.
    size = {
        t: source.execute(f'SELECT max(rowid) FROM "{t}"').fetchone()[0] or 0  # noqa: S608
        for t in tables
    }
    tables.sort(key=lambda t: -size[t])
    counts: dict[str, int] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(copy_table, sqlite_path, url, t) for t in tables]
        for future in as_completed(futures):
            table, n, seconds = future.result()
            counts[table] = n
            if n:
                print(f"  {table}: {n:,} rows in {seconds:.1f} s", flush=True)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", type=Path, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--jobs", type=int, default=3, help="Tables copied side by side.")
    args = parser.parse_args()
    host = urlsplit(args.database_url).hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("loopback only: the PostgreSQL host must be 127.0.0.1")
    env = {**os.environ, "DATABASE_URL": args.database_url}
    started = time.perf_counter()
    recreate(args.database_url)
    subprocess.run([SINERGI, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    counts = copy(args.sqlite, args.database_url, args.jobs)
    reset = subprocess.run(
        [SINERGI, "sqlsequencereset", *_apps(env)],
        env=env, check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout  # fmt: skip
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute(reset)
        conn.execute("ANALYZE")
    total = sum(counts.values())
    print(f"copied {total:,} rows in {time.perf_counter() - started:.0f} s")


def _apps(env: dict[str, str]) -> list[str]:
    script = (
        "import django; django.setup()\n"
        "from django.apps import apps\n"
        "print(' '.join(a.label for a in apps.get_app_configs() if a.get_models()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "sinergi.config.settings"},
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout  # fmt: skip
    return out.split()


if __name__ == "__main__":
    main()
