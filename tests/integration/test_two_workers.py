"""Two real worker processes sweeping the same due time-out apply it exactly once, on SQLite
(WAL, IMMEDIATE transactions) and, when SINERGI_TEST_DATABASE_URL is set, on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

SINERGI = [sys.executable, "-m", "sinergi"]

SUBMIT = """
from sinergi.accounts.models import User
from sinergi.cases.actions import submit_case
case, _ = submit_case(acting_user=User.objects.get(username="siti"), service_code="pbg-bandung",
    variant="satu-pintu", data={"building_function": "hunian", "floor_area": 120, "floors": 2,
    "address": "Jl. Contoh 2"})
print(case.receipt_number)
"""

COUNT = """
from sinergi.audit.models import AuditEntry
from sinergi.cases.models import CaseEvent
print(CaseEvent.objects.filter(kind="Reminded").count(),
      AuditEntry.objects.filter(action="cases.timeout").count())
"""


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*SINERGI, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _postgres(url: str) -> Iterator[str]:
    import psycopg

    name = f"sinergi_workers_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def platform_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {**os.environ, "SINERGI_VAR_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if request.param == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'workers.sqlite3'}"
        yield env
        return
    url = os.environ.get("SINERGI_TEST_DATABASE_URL")
    if not url:
        pytest.skip("SKIP PostgreSQL: SINERGI_TEST_DATABASE_URL is not set")
    for database in _postgres(url):
        env["DATABASE_URL"] = database
        yield env


def test_two_sweepers_apply_a_due_timeout_once(platform_env: dict[str, str]) -> None:
    run(platform_env, "migrate", "--noinput", "-v0")
    run(platform_env, "demo", "load", "--no-progress")
    receipt = run(platform_env, "shell", "-v0", "-c", SUBMIT).strip()
    assert receipt.startswith("SNG-")
    later = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    sweepers = [
        subprocess.Popen(
            [*SINERGI, "cases", "sweep", "--now", later],
            env=platform_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [s.communicate(timeout=300) for s in sweepers]
    assert [s.returncode for s in sweepers] == [0, 0], outputs
    assert run(platform_env, "shell", "-v0", "-c", COUNT).split() == ["1", "1"]
