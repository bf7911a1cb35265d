"""The chain head, live and as published once a day (the public transparency endpoints)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from sinergi.audit.models import AuditEntry, ChainHead


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    at: datetime


def current_head() -> Head | None:
    """The last entry of the chain (None while the log is empty)."""
    row = AuditEntry.objects.order_by("-seq").values_list("seq", "hash", "at").first()
    return Head(*row) if row else None


def publish_head(now: datetime | None = None) -> ChainHead | None:
    """Publish today's head (local date) once; later calls the same day return the first.

    Run by ``sinergi worker`` (job ``audit-head``) and by ``sinergi audit publish-head``;
    safe to run from several workers at once.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    published = ChainHead.objects.filter(day=day).first()
    if published is not None:
        return published
    head = current_head()
    if head is None:
        return None
    try:
        with transaction.atomic():
            return ChainHead.objects.create(day=day, seq=head.seq, hash=head.hash, published_at=now)
    except IntegrityError:  # another worker published today's first
        return ChainHead.objects.get(day=day)


def published_heads(limit: int = 30) -> list[ChainHead]:
    return list(ChainHead.objects.order_by("-day")[:limit])
