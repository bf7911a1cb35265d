"""The case's service on each of its steps (a case's service never changes), so the coordinator
view counts a service's open steps per agency from one index range instead of visiting every
open step and then its case. The column is added nullable, filled from the cases in one
statement, then made NOT NULL; the index comes last, built once over the filled column.

SQLite cannot make a column NOT NULL in place: Django rebuilds the table, and the rebuilt table
has no planner statistics (``sqlite_stat1`` loses its rows). Without them SQLite reads the steps
of the coordinator's 50 listed cases through the status index, every open step, so the table is
analysed again at the end (PostgreSQL accepts the same statement; its autovacuum would get
there later)."""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = (
    "UPDATE cases_casestep SET service_id = "
    "(SELECT c.service_id FROM cases_case c WHERE c.id = cases_casestep.case_id) "
    "WHERE service_id IS NULL"
)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_service_indexes"),
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="casestep",
            name="service",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="catalog.service",
            ),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop, elidable=False),
        migrations.AlterField(
            model_name="casestep",
            name="service",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="catalog.service",
            ),
        ),
        migrations.AddIndex(
            model_name="casestep",
            index=models.Index(
                fields=["service", "status", "agency", "due_at"],
                name="cases_cases_service_401ed7_idx",
            ),
        ),
        migrations.RunSQL("ANALYZE cases_casestep", reverse_sql=migrations.RunSQL.noop),
    ]
