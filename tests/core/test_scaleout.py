"""The switches that move Sinergi onto many machines: object storage, a Redis task queue,
read replicas, and periodic jobs that run once per period whatever the number of workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from sinergi.cases.models import Case
from sinergi.config import scaleout
from sinergi.core.models import PeriodicLease
from sinergi.core.periodic import PeriodicJob, claim
from sinergi.core.routers import ReplicaRouter, reading_from_replica

NOON = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


def _job() -> PeriodicJob:
    return PeriodicJob(name="test-sweep", every=timedelta(minutes=1), run=lambda: None)


@pytest.mark.django_db
def test_of_two_workers_claiming_the_same_period_exactly_one_runs_the_job() -> None:
    first, second = _job(), _job()  # each worker process has its own copy of the job
    assert claim(first, NOON, "worker-a") is True
    assert claim(second, NOON + timedelta(seconds=5), "worker-b") is False
    assert PeriodicLease.objects.get(name="test-sweep").worker == "worker-a"


@pytest.mark.django_db
def test_the_next_period_goes_to_whichever_worker_asks_first() -> None:
    first, second = _job(), _job()
    claim(first, NOON, "worker-a")
    # worker-a was killed: nobody runs the job again before its period is over...
    assert claim(second, NOON + timedelta(seconds=59), "worker-b") is False
    # ...and the next period is worker-b's.
    second.last_run = None
    assert claim(second, NOON + timedelta(minutes=1), "worker-b") is True
    assert PeriodicLease.objects.get(name="test-sweep").worker == "worker-b"


def test_documents_go_to_an_s3_bucket_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIA_STORAGE", "s3")
    monkeypatch.setenv("S3_BUCKET", "sinergi-documents")
    monkeypatch.setenv("S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    monkeypatch.setenv("S3_ACCESS_KEY_ID", "minio")
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY", "minio-secret")
    config = scaleout.media_storage()
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    from storages.backends.s3 import S3Storage

    storage = S3Storage(**config["OPTIONS"])
    # A signed, expiring address to a private object (computed locally, no request sent).
    url = storage.url("decisions/abc.pdf")
    assert url.startswith("http://127.0.0.1:9000/sinergi-documents/decisions/abc.pdf?")
    assert "Signature" in url or "X-Amz-Signature" in url
    assert storage.file_overwrite is False


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MEDIA_STORAGE": "s3"}, "S3_BUCKET"),
        ({"MEDIA_STORAGE": "ftp"}, "'filesystem' or 's3'"),
    ],
)
def test_a_storage_setting_that_cannot_work_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        scaleout.media_storage()


def test_replicas_are_read_from_the_environment_and_mirror_the_primary_in_tests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    primary = {"ENGINE": "django.db.backends.postgresql"}
    monkeypatch.setenv(
        "DATABASE_REPLICA_URLS", "postgres://r@10.0.0.2/sinergi, postgres://r@10.0.0.3/sinergi"
    )
    replicas = scaleout.replica_databases(primary)
    assert sorted(replicas) == ["replica_1", "replica_2"]
    assert replicas["replica_2"]["HOST"] == "10.0.0.3"
    assert replicas["replica_1"]["TEST"] == {"MIRROR": "default"}
    monkeypatch.setenv("DATABASE_REPLICA_URLS", "sqlite:///elsewhere.sqlite3")
    with pytest.raises(ImproperlyConfigured, match="same database kind"):
        scaleout.replica_databases(primary)


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_reads_go_to_a_replica_only_inside_a_view_that_asks_for_it() -> None:
    router = ReplicaRouter()
    databases: dict[str, dict[str, str]] = {"default": {}, "replica_1": {}}
    with override_settings(DATABASES=databases):
        assert router.db_for_read(Case) is None  # the primary
        with reading_from_replica() as alias:
            assert alias == "replica_1"
            assert router.db_for_read(Case) == "replica_1"
            assert router.db_for_write(Case) == "default"
        assert router.db_for_read(Case) is None
    assert router.allow_migrate("replica_1", "cases") is False


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="SKIP: no Redis on 127.0.0.1:6379")
def test_tasks_run_through_redis_when_the_queue_is_switched_to_it(tmp_path: Path) -> None:
    """A real queue: a task enqueued by one process is run by ``sinergi worker`` in another."""
    env = {
        **os.environ,
        "SINERGI_VAR_DIR": str(tmp_path),
        "TASKS_BACKEND": "redis",
        "REDIS_URL": "redis://127.0.0.1:6379/9",
    }
    env.pop("DATABASE_URL", None)
    sinergi = str(Path(sys.executable).with_name("sinergi"))
    subprocess.run([sinergi, "migrate", "-v0"], env=env, check=True, timeout=120)
    enqueue = (
        "import django; django.setup()\n"
        "from sinergi.cases.tasks import sweep_sla\n"
        "print(sweep_sla.enqueue().id)\n"
    )
    env["DJANGO_SETTINGS_MODULE"] = "sinergi.config.settings"
    task_id = subprocess.run(
        [sys.executable, "-c", enqueue],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run([sinergi, "worker", "--once"], env=env, check=True, timeout=120)
    status = (
        "import sys, django; django.setup()\n"
        "from django.tasks import default_task_backend\n"
        "print(default_task_backend.get_result(sys.argv[1]).status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", status, task_id],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert result.endswith("SUCCESSFUL")
