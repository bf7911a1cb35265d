"""Writing audit entries: the only way anything is added to the audit log.

Each entry is appended to the hash chain (``audit.chain``) in the transaction of the change it
records. Appending reads the head and inserts the next link, so writers are serialised for the
rest of their transaction: on PostgreSQL by a transaction-level advisory lock taken before the
head is read (released at commit or rollback), on SQLite by the write lock that the IMMEDIATE
transactions of the settings take at BEGIN. Unique ``seq`` and ``hash`` are the last line of
defence: a writer that got past both would fail, never fork the chain.
"""

from __future__ import annotations

import math
from typing import Any, Final

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.audit.chain import GENESIS, entry_hash
from sinergi.audit.models import AuditEntry
from sinergi.citizens.nik import scrub_niks
from sinergi.core.context import current_request_id


def _clean(value: Any) -> Any:
    """JSON-safe, with NIKs masked: the audit log is evidence, not a store of personal data."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)  # NaN and infinities are not JSON
    # Lone surrogates cannot be stored (jsonb) nor hashed as UTF-8: replace them.
    return scrub_niks(str(value)).encode("utf-8", "replace").decode("utf-8")


#: The key of the PostgreSQL advisory lock that serialises appends: any fixed signed 64-bit
#: number that nothing else uses; this one is b"sngaudit" read as a big-endian integer.
CHAIN_LOCK: Final = int.from_bytes(b"sngaudit", "big")

#: The head: the highest seq (the unique index on seq answers it from the index's end).
HEAD_SQL: Final = "SELECT seq, hash FROM audit_auditentry ORDER BY seq DESC LIMIT 1"
#: On PostgreSQL: the lock, then the head, as two statements sent in one round trip.
LOCKED_HEAD_SQL: Final = f"SELECT pg_advisory_xact_lock({CHAIN_LOCK}); {HEAD_SQL}"


def chain_head(connection: BaseDatabaseWrapper) -> tuple[int, str]:
    """Lock the chain for this transaction (PostgreSQL) and read its head: ``(seq, hash)``.

    The lock and the read are two statements on purpose: under READ COMMITTED the read then
    takes its snapshot after the lock is granted, so it sees the entry of the writer that held
    the lock before (one statement would read with a snapshot from before the wait). They go
    in one ``execute`` (no parameters, so psycopg sends them together), the head being the
    second result.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(LOCKED_HEAD_SQL)
            if not cursor.nextset():
                raise RuntimeError("the chain head query returned no second result")
        else:
            cursor.execute(HEAD_SQL)
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


_INSERTED: Final = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
_INSERT: dict[str, str] = {}


def _insert(entry: AuditEntry, connection: BaseDatabaseWrapper) -> None:
    """Insert the entry with one prepared ``INSERT … RETURNING id``: the statement and values
    the ORM's ``save()`` sends (each field prepares its own value), without building the query
    for every entry. No save signals are sent for audit entries (nothing listens to them)."""
    sql = _INSERT.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in _INSERTED)
        marks = ", ".join(["%s"] * len(_INSERTED))
        table, pk = quote(AuditEntry._meta.db_table), quote(str(AuditEntry._meta.pk.column))
        # Built from the model's own metadata, never from input:
        sql = _INSERT[connection.vendor] = (
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608
        )
    params = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in _INSERTED]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    entry.pk = row[0]
    entry._state.adding = False
    entry._state.db = connection.alias


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
    """Append one entry. Must run inside the transaction that makes the change it records.

    On PostgreSQL this holds the chain's lock until that transaction ends: call it as the
    transaction's last write, as the actions do, to keep the time other writers wait short.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the changing transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor if isinstance(actor, User) else None
    entry = AuditEntry(
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
    head_seq, head_hash = chain_head(connection)
    entry.seq, entry.prev_hash = head_seq + 1, head_hash
    entry.at = timezone.now()  # after the lock, so time follows the chain's order
    entry.hash = entry_hash(head_hash, entry.chain_fields())
    if connection.features.can_return_columns_from_insert:
        _insert(entry, connection)
    else:  # pragma: no cover - SQLite >= 3.35 and PostgreSQL both return columns
        entry.save(force_insert=True)
    return entry
