from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_reports_a_reachable_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_livez_answers_without_touching_the_database(client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(queries) == 0
    assert client.post("/livez").status_code == 405


def test_readyz_reports_no_pending_migrations(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["pending_migrations"] == 0


def test_every_response_carries_a_request_id(client: Client) -> None:
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "abc-12345678"})["X-Request-ID"] == (
        "abc-12345678"
    )
    forged = client.get("/healthz", headers={"X-Request-ID": 'x"\n{"level":"ERROR"}'})
    assert forged["X-Request-ID"] != 'x"\n{"level":"ERROR"}'
    assert len(forged["X-Request-ID"]) == 32


def test_pages_carry_a_strict_content_security_policy(client: Client) -> None:
    policy = client.get("/api/v1/docs")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
