"""Each step row carries its case's service (``CaseStep.service``, for the coordinator's counts):
set by the action path when a case is submitted, and filled for the rows already stored by
migration ``cases.0005``, on SQLite and (with SINERGI_TEST_DATABASE_URL) PostgreSQL, each in a
database of its own (the session's test database is never migrated back)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from sinergi.accounts.models import User
from sinergi.cases import actions
from sinergi.cases.models import CaseStep
from sinergi.catalog.models import Service

IZIN: dict[str, Any] = {"business_name": "CV Uji", "kbli": "10792", "scale": "kecil",
        "risk_level": "tinggi", "address": "Jl. Uji 1"}  # fmt: skip
PBG: dict[str, Any] = {
    "building_function": "hunian",
    "floor_area": 120,
    "floors": 2,
    "address": "Jl. Contoh 2",
}


@pytest.mark.django_db
def test_a_submitted_case_gives_each_of_its_steps_its_service() -> None:
    siti = User.objects.get(username="siti")
    for code, data in [("izin-usaha", IZIN), ("pbg-bandung", PBG)]:
        case, _pin = actions.submit_case(
            acting_user=siti, service_code=code, variant="satu-pintu", data=data
        )
        service = Service.objects.get(code=code)
        steps = list(CaseStep.objects.filter(case=case))
        assert len(steps) == len(case.definition.parsed().step_ids) > 1
        assert {s.service_id for s in steps} == {service.pk}


SINERGI = [sys.executable, "-m", "sinergi"]

# At cases 0004 (no CaseStep.service yet): two services, three cases, five steps written with
# SQL as the old code wrote them; prints each step's id with the service its case has.
BEFORE = """
import json
from django.db import connection
from django.utils import timezone
from sinergi.accounts.models import User
from sinergi.cases.models import Case
from sinergi.catalog.models import ProcessDefinition, Service
from sinergi.citizens.models import Citizen
from sinergi.registry.models import Agency
now = timezone.now()
agency = Agency.objects.create(code="dinas-uji", name="Dinas Uji", short_name="Uji",
                               kind="dinas", level="kabupaten_kota")
user = User.objects.create(username="warga.uji", role="citizen")
citizen = Citizen.objects.create(user=user, nik="3273015708950009", full_name="Warga Uji",
                                 birth_date="1995-08-17", sex="P")
expected = {}
with connection.cursor() as cursor:
    for code, n_cases in [("uji-satu", 2), ("uji-dua", 1)]:
        service = Service.objects.create(code=code, name=code, type="administratif",
                                         coordinator=agency)
        definition = ProcessDefinition.objects.create(
            service=service, variant="v", version=1, pattern="satu_pintu", title=code, body={})
        for i in range(n_cases):
            case = Case.objects.create(
                receipt_number=f"{code}-{i}", pin_hash="!", service=service,
                definition=definition, citizen=citizen, submitted_by=user,
                status="in_progress", state={}, submitted_at=now)
            for step in ["a", "b"][: 2 - i]:
                cursor.execute(
                    "INSERT INTO cases_casestep (case_id, step_id, agency_id, status, outcome,"
                    " escalation) VALUES (%s, %s, %s, 'active', '', 0)",
                    [case.pk, step, agency.pk])
                cursor.execute("SELECT MAX(id) FROM cases_casestep")
                expected[cursor.fetchone()[0]] = service.pk
print(json.dumps(expected))
"""

AFTER = """
import json
from django.db import IntegrityError, connection, transaction
with connection.cursor() as cursor:
    cursor.execute("SELECT id, service_id FROM cases_casestep")
    rows = {str(i): s for i, s in cursor.fetchall()}
    columns = connection.introspection.get_table_description(cursor, "cases_casestep")
    nullable = {c.name: c.null_ok for c in columns}["service_id"]
    indexes = [c["columns"] for c in connection.introspection.get_constraints(
        cursor, "cases_casestep").values() if c["index"]]
    try:
        with transaction.atomic():
            cursor.execute(
                "INSERT INTO cases_casestep (case_id, step_id, agency_id, status, outcome,"
                " escalation) SELECT case_id, 'c', agency_id, 'active', '', 0"
                " FROM cases_casestep LIMIT 1")
        null_refused = False
    except IntegrityError:
        null_refused = True
print(json.dumps({"rows": rows, "nullable": nullable, "indexes": indexes,
                  "null_refused": null_refused}))
"""


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*SINERGI, *args], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(params=["sqlite", "postgresql"])
def platform_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {**os.environ, "SINERGI_VAR_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    name = ""
    if request.param == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'steps.sqlite3'}"
    else:
        base = os.environ.get("SINERGI_TEST_DATABASE_URL")
        if not base:
            pytest.skip("SKIP PostgreSQL: SINERGI_TEST_DATABASE_URL is not set")
        name = f"sinergi_steps_{uuid.uuid4().hex[:8]}"
        _admin(base, f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = _with_db(base, name)
    try:
        yield env
    finally:
        if name:
            _admin(env["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_migration_fills_the_service_of_steps_already_stored(
    platform_env: dict[str, str],
) -> None:
    run(platform_env, "migrate", "--noinput", "-v0")
    run(platform_env, "migrate", "cases", "0004", "--noinput", "-v0")
    expected: dict[str, Any] = json.loads(
        run(platform_env, "shell", "-v0", "-c", textwrap.dedent(BEFORE))
    )
    assert len(expected) == 5
    assert len(set(expected.values())) == 2
    run(platform_env, "migrate", "cases", "--noinput", "-v0")
    after = json.loads(run(platform_env, "shell", "-v0", "-c", textwrap.dedent(AFTER)))
    assert after["rows"] == expected
    assert after["nullable"] is False
    assert after["null_refused"] is True
    assert ["service_id", "status", "agency_id", "due_at"] in after["indexes"]
