"""The worker outlives a database outage: connections refused and cut for a few seconds, then
it reconnects and runs the next task (a worker that exited would stop `sinergi serve` too).

PostgreSQL only (the outage is made with ``ALTER DATABASE … ALLOW_CONNECTIONS false`` and
``pg_terminate_backend``); skipped with the reason shown without SINERGI_TEST_DATABASE_URL.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest

from tests.reliability.test_crash import SINERGI, Process, _admin, _query, _with_db, run

pytestmark = pytest.mark.reliability

ENQUEUE = "from sinergi.cases.tasks import sweep_sla; print(sweep_sla.enqueue().id)"


def _wait_successful(url: str, task_id: str, worker: Process, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert worker.popen is not None
        assert worker.popen.poll() is None, worker.log.read_text()[-3000:]
        rows = _query(url, "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s",
                      (task_id,))  # fmt: skip
        if rows and rows[0][0] == "SUCCESSFUL":
            return
        time.sleep(0.2)
    raise AssertionError(f"task {task_id} not run in {seconds}s:\n{worker.log.read_text()[-3000:]}")


def test_the_worker_survives_a_database_outage(tmp_path: Path) -> None:
    base = os.environ.get("SINERGI_TEST_DATABASE_URL")
    if not base:
        pytest.skip(
            "SKIP worker outage test: needs PostgreSQL; SINERGI_TEST_DATABASE_URL is not set"
        )
    name = f"sinergi_outage_{uuid.uuid4().hex[:8]}"
    url = _with_db(base, name)
    env = {**os.environ, "SINERGI_VAR_DIR": str(tmp_path), "LOG_LEVEL": "WARNING",
           "DATABASE_URL": url}  # fmt: skip
    env.pop("DJANGO_SETTINGS_MODULE", None)
    _admin(base, f'CREATE DATABASE "{name}"')
    worker = Process("worker", [*SINERGI, "worker", "--interval", "0.2"], env,
                     tmp_path / "worker.log")  # fmt: skip
    try:
        run(env, "migrate", "--noinput", "-v0")
        worker.start()
        before = run(env, "shell", "-v0", "-c", ENQUEUE).strip()
        _wait_successful(url, before, worker, 120)
        # The outage: no new connections, the open ones cut, for a few seconds.
        _admin(base, f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        cut = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"  # noqa: S608
        _admin(base, cut)
        time.sleep(4)
        assert worker.popen is not None
        assert worker.popen.poll() is None, worker.log.read_text()[-3000:]
        _admin(base, f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        after = run(env, "shell", "-v0", "-c", ENQUEUE).strip()
        _wait_successful(url, after, worker, 120)
        assert "database unavailable" in worker.log.read_text()
    finally:
        worker.stop()
        _admin(base, f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
