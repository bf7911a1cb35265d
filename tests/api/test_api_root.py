"""The API root: OpenAPI 3.1, interactive docs, one problem-details shape for every 4xx."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from sinergi.api.root import api

SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"

pytestmark = pytest.mark.django_db


def test_openapi_is_version_3_1(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/regions" in schema["paths"]


def test_the_committed_openapi_snapshot_is_current() -> None:
    """Regenerate with `make openapi` when the API changes on purpose."""
    current = api.get_openapi_schema()
    assert json.loads(SNAPSHOT.read_text()) == json.loads(json.dumps(current, sort_keys=True))


def test_interactive_docs_load_their_assets_locally(client: Client) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in page.content
    assert b"cdn." not in page.content


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1/no-such-thing", 404),
        ("get", "/api/v1/regions/99", 404),
        ("get", "/api/v1/officials", 401),
        ("get", "/api/v1/regions?limit=abc", 422),
        ("post", "/api/v1/grants", 401),
    ],
)
def test_every_4xx_is_a_problem_detail(client: Client, method: str, path: str, status: int) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert set(body) >= {"title", "detail", "instance", "request_id"}
    assert body["request_id"] == response["X-Request-ID"]


@pytest.mark.parametrize(
    "query",
    [
        "offset=220819091174966280847360",
        "offset=10000001",
        "limit=1000000000000000000000",
        "limit=501",
    ],
)
def test_a_page_past_any_bound_is_refused_not_overflowed(client: Client, query: str) -> None:
    """Found by fuzzing: an offset past 64 bits reached the database and answered 500."""
    response = client.get(f"/api/v1/agencies?{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] in {"offset", "limit"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/cases/B%00X", None),
        ("get", "/api/v1/agencies?region=31%00", None),
        ("get", "/api/v1/complaints/statistics?agency=%00", None),
        ("post", "/api/v1/complaints/route", {"text": "Jalan\x00 rusak", "region_code": "32.73"}),
        ("post", "/api/v1/citizens/nik-check", {"nik": "3171\x00"}),
    ],
)
def test_a_nul_character_is_refused_before_it_reaches_the_database(
    as_user: Any, method: str, path: str, body: dict[str, str] | None
) -> None:
    """Found by fuzzing on PostgreSQL, which cannot store or compare text with NUL (500)."""
    client = as_user("siti")
    if body is None:
        response = getattr(client, method)(path)
    else:
        response = getattr(client, method)(path, body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "nul_character"
