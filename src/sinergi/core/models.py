"""Platform records that belong to no domain: idempotency keys of API requests, and the
leases that let one of many workers run each periodic job."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotencyRecord(models.Model):
    """The answer given to a creating request sent with an ``Idempotency-Key``, so that a
    retried request gets the same answer instead of creating a duplicate."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"


class PeriodicLease(models.Model):
    """When a periodic job last ran, shared by every worker: with several workers on several
    machines, each job still runs once per period (the first to move ``last_run_at`` wins)."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} {self.last_run_at}"
