"""The settings that move Sinergi from one machine to many (docs/operations.md).

Each part is switched on by the environment and is off by default, so a fresh clone runs on
SQLite with nothing else installed:

- ``MEDIA_STORAGE=s3``: documents (signed decisions, uploads) go to S3-compatible object
  storage through django-storages, so any application server can serve any document;
- ``TASKS_BACKEND=redis``: background tasks go through Redis (RQ) instead of the database;
- ``DATABASE_REPLICA_URLS``: read-only pages and reports read from PostgreSQL replicas.
"""

from __future__ import annotations

from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from sinergi.config.env import env_int, env_list, env_str

TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
}
RQ_BACKEND = TASK_BACKENDS["redis"]


def media_storage() -> dict[str, Any]:
    """The default storage: local files, or an S3-compatible bucket (MinIO, Ceph, AWS...)."""
    kind = env_str("MEDIA_STORAGE", "filesystem")
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE={kind!r}: use 'filesystem' or 's3'")
    bucket = env_str("S3_BUCKET")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET")
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": env_str("S3_PREFIX", ""),
        # Private objects, handed out through short-lived signed addresses only.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": env_int("S3_URL_EXPIRE_SECONDS", 300),
        # A document is never overwritten: a second file of the same name gets a new name.
        "file_overwrite": False,
    }
    for option, name in (
        ("endpoint_url", "S3_ENDPOINT_URL"),
        ("region_name", "S3_REGION"),
        ("access_key", "S3_ACCESS_KEY_ID"),
        ("secret_key", "S3_SECRET_ACCESS_KEY"),  # or S3_SECRET_ACCESS_KEY_FILE
    ):
        value = env_str(name)
        if value:
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def tasks_backend() -> str:
    """The task backend's class: the database by default (a task commits with the change
    that queued it), Redis through RQ when the database should not carry the queue."""
    name = env_str("TASKS_BACKEND", "database")
    return TASK_BACKENDS.get(name, name)


def queue_in_database() -> bool:
    """Whether tasks are queued in the database (the default): then a task is queued in the
    transaction of the change that needs it, pruned by the worker and requeued after a crash
    by it; Redis does both itself."""
    from django.conf import settings

    return bool(settings.TASKS["default"]["BACKEND"] == TASK_BACKENDS["database"])


def rq_queues() -> dict[str, Any]:
    return {
        "default": {
            "URL": env_str("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "DEFAULT_TIMEOUT": env_int("RQ_DEFAULT_TIMEOUT", 600),
        }
    }


def replica_databases(primary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``replica_1``, ``replica_2``... from ``DATABASE_REPLICA_URLS`` (comma-separated).

    Tests treat each replica as a mirror of the primary, as streaming replication would.
    """
    replicas: dict[str, dict[str, Any]] = {}
    for number, url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
        config: dict[str, Any] = dict(
            dj_database_url.parse(
                url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
            )
        )
        if config["ENGINE"] != primary["ENGINE"]:
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS entry {number} is not the same database kind as "
                "DATABASE_URL"
            )
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica_{number}"] = config
    return replicas
