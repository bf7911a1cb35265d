"""Writing audit entries: the only way anything is added to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction

from sinergi.accounts.models import User
from sinergi.audit.models import AuditEntry
from sinergi.citizens.nik import scrub_niks
from sinergi.core.context import current_request_id


def _clean(value: Any) -> Any:
    """JSON-safe, with NIKs masked: the audit log is evidence, not a store of personal data."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return scrub_niks(str(value))


def record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    agency_code: str = "",
    authority: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Must run inside the transaction that makes the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the changing transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor if isinstance(actor, User) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_username=user.get_username() if user is not None else "",
        agency_code=agency_code,
        action=action,
        object_type=object_type,
        object_id=object_id,
        authority=_clean(authority or {}),
        request_id=current_request_id(),
        data=_clean(data or {}),
    )
