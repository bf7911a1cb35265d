"""The chain across real processes, on SQLite and (with SINERGI_TEST_DATABASE_URL) PostgreSQL:

* entries written before the chain existed get one from migration 0003;
* ``sinergi audit verify`` passes on the demo database and fails, naming the entry, after one
  entry is altered in a copy of it;
* two writers appending at the same time leave one unbroken chain.

Each backend gets a database of its own (a temp SQLite file, or a temp PostgreSQL database),
built once for the module: the session's test database is never touched.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

SINERGI = [sys.executable, "-m", "sinergi"]

# Rows as the interim (unchained) log held them, one with an actor, written with SQL at 0002.
LEGACY_ROWS = """
from django.db import connection
from django.utils import timezone
now = timezone.now()
with connection.cursor() as c:
    c.execute(
        "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,"
        " email, is_staff, is_active, date_joined, role) VALUES"
        " ('!', false, 'legacy', '', '', '', false, true, %s, 'official')", [now])
    c.execute("SELECT id FROM accounts_user WHERE username = 'legacy'")
    user_id = c.fetchone()[0]
    for i, actor in enumerate([user_id, None, user_id]):
        c.execute(
            "INSERT INTO audit_auditentry (at, actor_id, actor_username, agency_code, action,"
            " object_type, object_id, authority, request_id, data) VALUES"
            " (%s, %s, %s, '', 'legacy.event', 'x', %s, %s, '-', %s)",
            [now, actor, 'legacy' if actor else '', str(i), '{"basis": "atribusi"}',
             '{"i": %d, "ratio": 1e16, "zero": -0.0}' % i])
"""

WRITER = """
import os, time
from pathlib import Path
from django.db import transaction
from sinergi.audit.log import record
me, barrier, n = os.environ["WRITER"], Path(os.environ["BARRIER"]), int(os.environ["N"])
pause = float(os.environ["PAUSE"])
(barrier / me).touch()
deadline = time.monotonic() + 120
while len(list(barrier.iterdir())) < 2 and time.monotonic() < deadline:
    time.sleep(0.005)
for i in range(n):
    with transaction.atomic():
        record(actor=None, action="test.concurrent", object_type="writer", object_id=me,
               data={"i": i})
    time.sleep(pause)
"""

WRITERS_ORDER = """
from sinergi.audit.models import AuditEntry
ids = AuditEntry.objects.filter(action="test.concurrent").order_by("seq")
print("".join(ids.values_list("object_id", flat=True)))
"""

ENTRY_ID = """
from sinergi.audit.models import AuditEntry
print(AuditEntry.objects.get(seq={seq}).pk)
"""


def run(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*SINERGI, *args], env=env, capture_output=True, text=True, timeout=600)
    if ok:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def shell(env: dict[str, str], code: str) -> str:
    return run(env, "shell", "-v0", "-c", textwrap.dedent(code)).stdout


@dataclass
class Platform:
    backend: str
    env: dict[str, str]
    url: str
    tmp: Path

    def copy(self) -> Platform:
        """A copy of the database (for tampering), in the same form."""
        name = f"copy_{uuid.uuid4().hex[:8]}"
        if self.backend == "sqlite":
            source = urlsplit(self.url).path
            target = self.tmp / f"{name}.sqlite3"
            with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
                src.backup(dst)
            url = f"sqlite:///{target}"
        else:
            _admin(self.url, f'CREATE DATABASE "{name}" TEMPLATE "{_dbname(self.url)}"')
            url = _with_db(self.url, name)
        return Platform(self.backend, {**self.env, "DATABASE_URL": url}, url, self.tmp)

    def alter_entry(self, seq: int) -> None:
        """What an intruder with database access would do: rewrite one entry's data."""
        if self.backend == "sqlite":
            with sqlite3.connect(urlsplit(self.url).path) as db:
                db.execute("UPDATE audit_auditentry SET data = '{\"forged\": 1}' WHERE seq = ?",
                           (seq,))  # fmt: skip
            return
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
            db.execute("UPDATE audit_auditentry SET data = '{\"forged\": 1}' WHERE seq = %s", [seq])
            db.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")

    def drop(self) -> None:
        if self.backend == "postgresql":
            _admin(self.url, f'DROP DATABASE IF EXISTS "{_dbname(self.url)}" WITH (FORCE)')


def _dbname(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    """A database with three legacy entries chained by 0003, then the demo loaded."""
    tmp = tmp_path_factory.mktemp(f"audit-{request.param}")
    env = {**os.environ, "SINERGI_VAR_DIR": str(tmp), "LOG_LEVEL": "WARNING"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'audit.sqlite3'}"
    else:
        base = os.environ.get("SINERGI_TEST_DATABASE_URL")
        if not base:
            pytest.skip("SKIP PostgreSQL: SINERGI_TEST_DATABASE_URL is not set")
        url = _with_db(base, f"sinergi_audit_{uuid.uuid4().hex[:8]}")
        _admin(base, f'CREATE DATABASE "{_dbname(url)}"')
    env["DATABASE_URL"] = url
    made = Platform(request.param, env, url, tmp)
    try:
        run(env, "migrate", "audit", "0002", "--noinput", "-v0")
        shell(env, LEGACY_ROWS)
        run(env, "migrate", "--noinput", "-v0")
        yield made
    finally:
        made.drop()


def test_migration_chains_the_entries_already_written(platform: Platform) -> None:
    out = run(platform.env, "audit", "verify").stdout
    assert out.startswith("chain valid: 3 entries, head "), out


def test_verify_passes_on_the_demo_and_fails_naming_the_entry_altered_in_a_copy(
    platform: Platform,
) -> None:
    run(platform.env, "demo", "load", "--no-progress")
    valid = run(platform.env, "audit", "verify").stdout
    assert valid.startswith("chain valid: "), valid
    assert int(valid.split()[2]) > 3
    copy = platform.copy()
    try:
        seq = 5
        entry_id = shell(copy.env, ENTRY_ID.format(seq=seq)).strip()
        copy.alter_entry(seq)
        broken = run(copy.env, "audit", "verify", ok=False)
        assert broken.returncode != 0
        assert f"chain broken at seq {seq} (id {entry_id}): hash mismatch" in broken.stderr, (
            broken.stderr
        )
        # The original is untouched.
        assert run(platform.env, "audit", "verify").stdout == valid
    finally:
        copy.drop()


def test_two_writers_at_the_same_time_leave_one_unbroken_chain(platform: Platform) -> None:
    before = int(run(platform.env, "audit", "verify").stdout.split()[2])
    barrier = platform.tmp / f"barrier-{uuid.uuid4().hex[:6]}"
    barrier.mkdir()
    n = 300
    # SQLite's busy handler backs off while the lock holder takes it again at once: without a
    # pause between transactions (as between requests) one writer would run through alone.
    pause = "0.002" if platform.backend == "sqlite" else "0"
    writers = [
        subprocess.Popen(
            [*SINERGI, "shell", "-v0", "-c", WRITER],
            env={
                **platform.env,
                "WRITER": name,
                "BARRIER": str(barrier),
                "N": str(n),
                "PAUSE": pause,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in "ab"
    ]
    outputs = [w.communicate(timeout=600) for w in writers]
    assert [w.returncode for w in writers] == [0, 0], outputs
    out = run(platform.env, "audit", "verify").stdout
    assert out.startswith(f"chain valid: {before + 2 * n} entries, head "), out
    order = shell(platform.env, WRITERS_ORDER).strip()
    assert sorted(order) == sorted("a" * n + "b" * n)
    switches = sum(1 for x, y in itertools.pairwise(order) if x != y)
    assert switches >= 2, f"the writers did not overlap: {order}"
