"""The chain in the database: record() links entries, ``sinergi audit`` verifies, exports and
shows the head, heads are published, and the audit endpoints answer whom they should."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from ninja import NinjaAPI
from ninja.testing import TestClient

from sinergi.api import errors
from sinergi.audit import chain
from sinergi.audit.api import router
from sinergi.audit.log import record
from sinergi.audit.models import AppendOnlyError, AuditEntry, ChainHead
from sinergi.audit.reading import stream, verify_database
from sinergi.audit.transparency import current_head, publish_head
from sinergi.core.periodic import JOBS

pytestmark = pytest.mark.django_db


def append(n: int = 3, **data: Any) -> list[AuditEntry]:
    with transaction.atomic():
        return [
            record(actor=None, action="test.event", object_type="x", object_id=str(i), data=data)
            for i in range(n)
        ]


def audit(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def tamper() -> Any:
    """Raw SQL on the audit table, around the model's refusals (and, on PostgreSQL, the
    trigger, disabled inside the test's transaction only)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")

    def run(sql: str, params: list[Any]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


# --- Appending ---------------------------------------------------------------------------------
def test_record_appends_linked_entries() -> None:
    before = current_head()
    entries = append(3)
    start_seq = before.seq if before else 0
    prev = before.hash if before else chain.GENESIS
    for offset, entry in enumerate(entries, start=1):
        stored = AuditEntry.objects.get(pk=entry.pk)
        assert (stored.seq, stored.prev_hash, stored.hash) == (
            start_seq + offset,
            prev,
            entry.hash,
        )
        assert chain.entry_hash(prev, stored.chain_fields()) == stored.hash
        prev = stored.hash
    head = current_head()
    assert head is not None
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)


def test_the_database_chain_verifies() -> None:
    append(5)
    verdict = verify_database(chunk_size=2)
    assert verdict.broken is None
    assert verdict.count == AuditEntry.objects.count()


def test_values_that_change_on_the_way_through_the_database_still_verify() -> None:
    """jsonb turns 1e16 into an integer and -0.0 into 0; NaN is no JSON; a lone surrogate
    is no UTF-8: each entry still hashes the same as read back."""
    (entry,) = append(
        1,
        big=1e16,
        huge=1e300,
        negative_zero=-0.0,
        tenth=0.1,
        small=1e-7,
        integer=2**70,
        nan=float("nan"),
        text="Jl. Ciumbuleuit é 漢字 🙂 \ud800",
        nested=[{"a": None, "b": True}, [1.5, "x"]],
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.data["nan"] == "nan"
    assert chain.entry_hash(stored.prev_hash, stored.chain_fields()) == stored.hash == entry.hash
    assert verify_database().broken is None


def test_only_record_adds_entries() -> None:
    """Without a place in the chain, the database refuses the row."""
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.create(action="test.bypass", object_type="x", object_id="1")


# --- sinergi audit verify ----------------------------------------------------------------------
def test_verify_passes_on_the_demo_database() -> None:
    count = AuditEntry.objects.count()
    assert count > 0
    head = current_head()
    assert head is not None
    assert audit("verify").strip() == f"chain valid: {count} entries, head {head.hash}"


def test_verify_fails_naming_the_altered_entry(tamper: Any) -> None:
    entries = append(3)
    target = entries[1]
    tamper("UPDATE audit_auditentry SET data = %s WHERE id = %s", ['{"forged": true}', target.pk])
    with pytest.raises(CommandError) as failure:
        audit("verify")
    message = str(failure.value)
    assert f"seq {target.seq} (id {target.pk}): hash mismatch" in message
    assert f"after {target.seq - 1} valid entries" in message


def test_verify_fails_on_a_deleted_entry(tamper: Any) -> None:
    entries = append(3)
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError, match=rf"seq {entries[2].seq} \(id {entries[2].pk}\): gap"):
        audit("verify")


def test_a_truncated_tail_is_found_against_the_published_head(tamper: Any) -> None:
    entries = append(2)
    published = publish_head(datetime(2031, 1, 1, 1, tzinfo=UTC))
    assert published is not None
    assert published.seq == entries[-1].seq
    assert "chain valid" in audit("verify")
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    with pytest.raises(CommandError, match=rf"seq {entries[-1].seq}: missing"):
        audit("verify")


def test_verify_checks_a_head_kept_elsewhere() -> None:
    (entry,) = append(1)
    assert "chain valid" in audit("verify", "--expect", f"{entry.seq}:{entry.hash}")
    with pytest.raises(CommandError, match="differs from a published head"):
        audit("verify", "--expect", f"{entry.seq}:{'f' * 64}")
    with pytest.raises(CommandError, match="missing"):
        audit("verify", "--expect", f"{entry.seq + 5}:{'f' * 64}")
    with pytest.raises(CommandError, match="SEQ:HASH"):
        audit("verify", "--expect", "nonsense")


# --- head, export ------------------------------------------------------------------------------
def test_head_prints_seq_hash_and_time() -> None:
    (entry,) = append(1)
    assert audit("head").strip() == f"seq {entry.seq} hash {entry.hash} at {chain.iso(entry.at)}"


def test_a_jsonl_export_verifies_and_carries_no_nik(tmp_path: Path) -> None:
    entries = append(4, nik="3171015208900001")
    path = tmp_path / "range.jsonl"
    audit("export", "--from", str(entries[0].seq), "--to", str(entries[-1].seq),
          "--output", str(path))  # fmt: skip
    text = path.read_text(encoding="utf-8")
    assert "3171015208900001" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["seq"] for line in lines] == [e.seq for e in entries]
    assert lines[0]["data"] == {"nik": "************0001"}
    assert audit("verify", "--file", str(path)).startswith(
        f"export valid: 4 entries, seq {entries[0].seq}..{entries[-1].seq}, head {entries[-1].hash}"
    )
    lines[2]["object_id"] = "forged"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with pytest.raises(CommandError, match=rf"seq {entries[2].seq} \(id {entries[2].pk}\): hash"):
        audit("verify", "--file", str(path))


def test_a_csv_export_has_a_header_and_a_row_per_entry() -> None:
    entries = append(2, formula="=1+1", nik="3171015208900001")
    text = audit("export", "--from", str(entries[0].seq), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(row["seq"]) for row in rows] == [e.seq for e in entries]
    assert rows[0]["hash"] == entries[0].hash
    assert json.loads(rows[0]["data"]) == {"formula": "=1+1", "nik": "************0001"}
    assert "3171015208900001" not in text


def test_export_streams_a_range() -> None:
    entries = append(5)
    seqs = [e["seq"] for e in stream(entries[1].seq, entries[3].seq, chunk_size=2)]
    assert seqs == [entries[1].seq, entries[2].seq, entries[3].seq]


# --- Published heads ---------------------------------------------------------------------------
def test_a_head_is_published_once_a_day() -> None:
    (entry,) = append(1)
    morning = datetime(2031, 3, 1, 17, 30, tzinfo=UTC)  # 2 March, 00:30 in Jakarta (UTC+7)
    first = publish_head(morning)
    assert first is not None
    assert (first.day, first.seq, first.hash) == (date(2031, 3, 2), entry.seq, entry.hash)
    append(1)
    again = publish_head(morning.replace(hour=20))
    assert again is not None
    assert again.pk == first.pk  # later the same day: the day's head stays as published
    with pytest.raises(AppendOnlyError):
        first.save()
    with pytest.raises(AppendOnlyError):
        ChainHead.objects.filter(pk=first.pk).delete()
    assert "audit-head" in {job.name for job in JOBS}


def test_publish_head_command() -> None:
    (entry,) = append(1)
    out = audit("publish-head", "--now", "2031-05-01T00:05:00+07:00")
    assert out.strip() == f"2031-05-01: seq {entry.seq} hash {entry.hash}"


# --- Endpoints ---------------------------------------------------------------------------------
@pytest.fixture
def api_client() -> TestClient:
    """The audit router on an API of its own (with the platform's problem details), so these
    tests do not depend on where the root mounts it."""
    api = NinjaAPI(urls_namespace="audit-test")
    errors.install(api)
    api.add_router("", router)
    return TestClient(api)


def test_the_head_and_published_heads_are_public(api_client: TestClient) -> None:
    (entry,) = append(1)
    publish_head(datetime(2031, 6, 1, 3, tzinfo=UTC))
    head = api_client.get("/audit/head")
    assert head.status_code == 200
    assert head.json() == {"seq": entry.seq, "hash": entry.hash, "at": chain.iso(entry.at)}
    heads = api_client.get("/audit/heads").json()
    assert heads[0] == {"day": "2031-06-01", "seq": entry.seq, "hash": entry.hash,
                        "published_at": "2031-06-01T03:00:00.000000Z"}  # fmt: skip


def test_entries_are_for_auditors_only(api_client: TestClient, bearer: Any) -> None:
    entries = append(3)
    url = f"/audit/entries?from_seq={entries[0].seq}&to_seq={entries[-1].seq}"
    answer = api_client.get(url, headers=bearer("auditor"))
    assert answer.status_code == 200
    body = answer.json()
    assert [e["seq"] for e in body] == [e.seq for e in entries]
    assert chain.verify(body, start=(entries[0].seq - 1, entries[0].prev_hash)) is None
    assert api_client.get(url, headers=bearer("polda.metro")).status_code == 404
    assert api_client.get(url, headers=bearer("admin")).status_code == 404
    assert api_client.get(url).status_code == 401
