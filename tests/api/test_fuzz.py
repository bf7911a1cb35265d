"""Schemathesis against the committed OpenAPI snapshot, as each kind of caller: no answer is a
server error, and every answer (status, content type, body) is one the schema documents.

Bounded and seeded (the same examples every run): a few positive and negative examples per
operation and role. Each operation x role is one ordinary database test, so whatever an
official changes is rolled back afterwards; it runs in both passes (SQLite and PostgreSQL).

A longer hunt: ``SINERGI_FUZZ_EXAMPLES=50 SINERGI_FUZZ_COVERAGE=1 pytest tests/api/test_fuzz.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
EXAMPLES = int(os.environ.get("SINERGI_FUZZ_EXAMPLES", "4"))
#: The coverage phase (boundary values, wrong types, NUL bytes, huge numbers, unexpected
#: methods) sends dozens of requests per operation: on for a hunt, off in the suite.
COVERAGE = os.environ.get("SINERGI_FUZZ_COVERAGE", "") == "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: Anonymous, a citizen, officials of two agencies, the coordinator, the auditor, an official
#: of an agency that is party to nothing, the platform administrator.
ROLES = [
    None,
    "siti",
    "polda.metro",
    "kepala.dpmptsp.bdg",
    "koordinator.panrb",
    "auditor",
    "outsider.kemenag",
    "admin",
]
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261201,
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES,
            "database": "none",
            "with-security-parameters": False,
        },
        "phases": {"coverage": {"enabled": COVERAGE}},
    }
)
schema: BaseSchema = schemathesis.openapi.from_path(SNAPSHOT, config=CONFIG)
app = get_wsgi_application()
pytestmark = pytest.mark.django_db


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Requests go through the real WSGI handler, whose end-of-request signal closes the
    database connection (the test client disconnects it too): on PostgreSQL that would close
    the test's transaction under it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_documented(
    case: Case[Any], role: str | None, bearer: Any, in_test_transaction: None
) -> None:
    headers = bearer(role) if role else {}
    case.call_and_validate(app=app, base_url="http://localhost", headers=headers, checks=CHECKS)
