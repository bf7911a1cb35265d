"""The audit log only grows: entries cannot be changed or removed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from sinergi.audit.log import record
from sinergi.audit.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


def an_entry() -> AuditEntry:
    with transaction.atomic():
        return record(actor=None, action="test.event", object_type="x", object_id="1")


def test_an_entry_cannot_be_saved_again_or_deleted() -> None:
    entry = an_entry()
    entry.action = "test.forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="test.forged")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.event"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_refuses_update_and_delete_from_any_client() -> None:
    entry = an_entry()
    for sql in [
        "UPDATE audit_auditentry SET action = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ]:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.event"


def test_record_refuses_to_write_outside_the_changing_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each test runs inside a transaction, so pretend the connection is in autocommit."""

    class Autocommit:
        in_atomic_block = False

    monkeypatch.setattr(transaction, "get_connection", lambda *a, **k: Autocommit())
    with pytest.raises(RuntimeError, match="inside the changing transaction"):
        record(actor=None, action="test.event", object_type="x", object_id="1")


def test_a_nik_in_audit_data_is_masked() -> None:
    with transaction.atomic():
        entry = record(
            actor=None,
            action="t",
            object_type="x",
            object_id="1",
            data={"nik": "3171015208900001", "nested": ["3171015208900001"]},
        )
    assert entry.data == {"nik": "************0001", "nested": ["************0001"]}


def test_admin_changes_are_logged(as_user: Any) -> None:
    admin = as_user("admin")
    before = AuditEntry.objects.count()
    response = admin.post(
        "/admin/registry/regionlist/add/", {"year": "2030", "decree": "Kepmendagri (uji)"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry is not None
    assert (entry.action, entry.object_type, entry.object_id, entry.actor_username) == (
        "admin.add",
        "registry.regionlist",
        "2030",
        "admin",
    )
