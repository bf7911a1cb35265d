"""The append-only audit log: one entry per change of state, written in the same transaction.

Entries are never updated or deleted: the model refuses it, and on PostgreSQL a trigger
refuses it for any client. Entries form a hash chain (``seq``, ``prev_hash``, ``hash``; see
``audit.chain``), so a change made around those refusals is still found by
``sinergi audit verify``; the chain head is published daily (``ChainHead``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.audit.chain import fields_of


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    #: The position in the chain, 1, 2, 3, ... without gaps (the row ``id`` is not hashed).
    seq = models.BigIntegerField(_("sequence"), unique=True, editable=False)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(_("actor"), max_length=150, blank=True)
    agency_code = models.CharField(_("agency"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    authority = models.JSONField(_("authority basis"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_entry_seq_positive")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")

    def chain_fields(self) -> dict[str, Any]:
        """The fields the entry's hash covers (``audit.chain.HASHED_FIELDS``)."""
        return fields_of(self)


class ChainHeadQuerySet(models.QuerySet["ChainHead"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("published chain heads cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("published chain heads cannot be removed")


class ChainHead(models.Model):
    """The head of the chain as published on a day (the transparency page lists them).

    Whoever kept a copy can later check that the chain still leads to it; ``audit verify``
    checks every published head against the entries.
    """

    day = models.DateField(_("day"), unique=True)
    seq = models.BigIntegerField(_("sequence"))
    hash = models.CharField(_("hash"), max_length=64)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    objects = ChainHeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("published chain head")
        verbose_name_plural = _("published chain heads")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: #{self.seq} {self.hash}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("published chain heads cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("published chain heads cannot be removed")
