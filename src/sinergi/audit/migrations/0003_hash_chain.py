"""The audit hash chain: ``seq``, ``prev_hash`` and ``hash`` on every entry, and the published
chain heads.

Entries already in the table get their chain here, in ``id`` order, with the same canonical
function the application uses (``sinergi.audit.chain``). On PostgreSQL the append-only trigger
of 0002 is switched off for that one pass inside this migration's transaction (the table is
locked by the ALTERs, so no other client writes meanwhile) and switched on again; published
heads get the same trigger.
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from sinergi.audit.chain import GENESIS, entry_hash, fields_of

BATCH = 1000


def chain_existing_entries(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    entry_model = apps.get_model("audit", "AuditEntry")
    db = schema_editor.connection.alias
    entries = entry_model.objects.using(db)
    if not entries.exists():
        return
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(
            "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only", params=None
        )
    seq, prev_hash, last_id = 0, GENESIS, 0
    while True:
        batch = list(entries.filter(id__gt=last_id).order_by("id")[:BATCH])
        if not batch:
            break
        for entry in batch:
            seq += 1
            entry.seq, entry.prev_hash = seq, prev_hash
            entry.hash = prev_hash = entry_hash(prev_hash, fields_of(entry))
        entries.bulk_update(batch, ["seq", "prev_hash", "hash"])
        last_id = batch[-1].id
    if postgresql:
        schema_editor.execute(
            "ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only", params=None
        )


HEAD_TRIGGER = """
CREATE TRIGGER audit_chainhead_append_only
    BEFORE UPDATE OR DELETE ON audit_chainhead
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""


def protect_heads(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(HEAD_TRIGGER, params=None)


def unprotect_heads(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS audit_chainhead_append_only ON audit_chainhead", params=None
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True, verbose_name="sequence"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(
                editable=False, max_length=64, null=True, verbose_name="previous hash"
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="hash"),
        ),
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(editable=False, unique=True, verbose_name="sequence"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(editable=False, max_length=64, verbose_name="previous hash"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(editable=False, max_length=64, unique=True, verbose_name="hash"),
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.CheckConstraint(
                condition=models.Q(("seq__gte", 1)), name="audit_entry_seq_positive"
            ),
        ),
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "ordering": ["seq"],
                "verbose_name": "audit entry",
                "verbose_name_plural": "audit entries",
            },
        ),
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(unique=True, verbose_name="day")),
                ("seq", models.BigIntegerField(verbose_name="sequence")),
                ("hash", models.CharField(max_length=64, verbose_name="hash")),
                (
                    "published_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="published at"
                    ),
                ),
            ],
            options={
                "verbose_name": "published chain head",
                "verbose_name_plural": "published chain heads",
                "ordering": ["-day"],
            },
        ),
        migrations.RunPython(protect_heads, unprotect_heads),
    ]
