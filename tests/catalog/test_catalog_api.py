"""The catalogue through the API: each service's standard and its variants' WoG figures."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_catalogue_lists_the_five_demo_services(client: Client) -> None:
    codes = [s["code"] for s in client.get("/api/v1/services").json()]
    assert codes == sorted(
        ["izin-usaha", "kelahiran", "pbg-bandung", "samsat-lima-tahunan", "samsat-tahunan"]
    )


def test_a_service_shows_doors_and_handoffs_per_pattern(client: Client) -> None:
    body = client.get("/api/v1/services/samsat-tahunan").json()
    figures = {v["pattern"]: v["figures"] for v in body["variants"]}
    assert figures == {
        "teknis_fungsional": {"visits": 4, "counters": 4, "handoffs": 0, "carries": 3},
        "satu_atap": {"visits": 1, "counters": 4, "handoffs": 3, "carries": 0},
        "elektronik": {"visits": 0, "counters": 0, "handoffs": 3, "carries": 0},
    }
    assert len(body["standard"]) == 14
    assert body["coordinator"] == "bapenda-dki"


def test_the_five_yearly_renewal_is_not_offered_online(client: Client) -> None:
    patterns = client.get("/api/v1/services/samsat-lima-tahunan").json()["patterns"]
    assert "elektronik" not in patterns
    assert len(patterns) >= 2


def test_filter_by_agency_and_life_events(client: Client) -> None:
    by_agency = [s["code"] for s in client.get("/api/v1/services?agency=dlh-bandung").json()]
    assert by_agency == ["izin-usaha", "pbg-bandung"]
    events = client.get("/api/v1/services?kind=life_event").json()
    assert [s["code"] for s in events] == ["kelahiran"]


def test_each_variant_downloads_as_bpmn(client: Client) -> None:
    response = client.get("/api/v1/services/samsat-tahunan/variants/satu-atap/bpmn")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert b"bpmndi:BPMNDiagram" in response.content or b"BPMNDiagram" in response.content
    assert client.get("/api/v1/services/samsat-tahunan/variants/tidak-ada/bpmn").status_code == 404
