"""Benchmark: loading all region codes (current 2025 list plus historical codes) on SQLite.

Goal (foundation issue): the full load in under 10 s on SQLite. Baseline, measured in the same
run: the bare floor of reading the same CSV with the csv module and inserting the raw rows with
the sqlite3 module's executemany into a table of the same shape (no parsing, no validation, no
Django). The figure printed is the loader's time and its ratio to that floor.

Run: .venv/bin/python bench/regions.py
"""

from __future__ import annotations

import csv
import os
import sqlite3
import tempfile
import time
from pathlib import Path


def baseline(csv_path: Path, db_path: Path) -> float:
    start = time.perf_counter()
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = [(r["kode"], r["nama"], r["tingkat"]) for r in csv.DictReader(handle)]
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        "CREATE TABLE region (code TEXT PRIMARY KEY, name TEXT, level TEXT, kind TEXT,"
        " parent_id TEXT, source_list_id INTEGER, lists TEXT, current INTEGER, bps_code TEXT)"
    )
    with db:
        db.executemany("INSERT INTO region VALUES (?, ?, ?, '', NULL, 2025, '[]', 1, '')", rows)
    db.close()
    return time.perf_counter() - start


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="sinergi-bench-"))
    os.environ["SINERGI_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    from sinergi.registry.loaders import REGIONS_CSV, load_regions

    call_command("migrate", verbosity=0)
    floor = baseline(REGIONS_CSV, workdir / "baseline.sqlite3")

    start = time.perf_counter()
    first = load_regions(progress=False, force=True)
    fresh = time.perf_counter() - start

    start = time.perf_counter()
    load_regions(progress=False, force=True)
    reload = time.perf_counter() - start

    start = time.perf_counter()
    skipped = load_regions(progress=False)
    unchanged = time.perf_counter() - start
    assert skipped.skipped

    print(f"rows loaded                 {first.rows}")
    print(f"baseline (csv + executemany) {floor:6.2f} s")
    print(f"load into empty database    {fresh:6.2f} s  ratio {fresh / floor:5.1f}x baseline")
    print(f"reload (upsert every row)   {reload:6.2f} s  ratio {reload / floor:5.1f}x baseline")
    print(f"reload, file unchanged      {unchanged:6.3f} s  (skipped by checksum)")
    goal = 10.0
    print(f"goal: < {goal:.0f} s on SQLite -> {'met' if fresh < goal else 'MISSED'}")


if __name__ == "__main__":
    main()
