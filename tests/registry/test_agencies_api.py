"""Agencies and their lineage through renames, mergers and splits."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def codes(items: list[dict[str, str]]) -> list[str]:
    return sorted(i["code"] for i in items)


def test_kemenkumham_shows_its_three_successors(client: Client) -> None:
    response = client.get("/api/v1/agencies/kemenkumham")
    assert response.status_code == 200
    body = response.json()
    assert body["succession"] == "split"
    assert body["valid_to"] == "2024-10-21"
    assert codes(body["successors"]) == ["kemen-imipas", "kemenham", "kemenkum"]
    assert body["live"] is False
    assert codes(body["current_bodies"]) == ["kemen-imipas", "kemenham", "kemenkum"]


def test_a_successor_knows_its_predecessor(client: Client) -> None:
    body = client.get("/api/v1/agencies/kemenkum").json()
    assert codes(body["predecessors"]) == ["kemenkumham"]
    assert body["live"] is True
    assert codes(body["current_bodies"]) == ["kemenkum"]


def test_a_chain_of_renames_leads_to_the_body_that_holds_the_function_today(
    client: Client,
) -> None:
    body = client.get("/api/v1/agencies/bkpm").json()
    assert codes(body["successors"]) == ["kemen-investasi"]
    assert codes(body["current_bodies"]) == ["kemen-investasi-hilirisasi"]


def test_regional_agencies_carry_region_and_parent(client: Client) -> None:
    body = client.get("/api/v1/agencies/dpmptsp-bandung").json()
    assert body["region"] == "32.73"
    assert body["parent"] == "pemkot-bandung"
    assert body["level"] == "kabupaten_kota"


def test_filter_by_level_and_live_date(client: Client) -> None:
    body = client.get("/api/v1/agencies?level=pusat&kind=kementerian&live_on=2025-01-01").json()
    listed = codes(body["items"])
    assert "kemenkum" in listed
    assert "kemenkumham" not in listed
    before = codes(
        client.get("/api/v1/agencies?kind=kementerian&live_on=2024-01-01&limit=200").json()["items"]
    )
    assert "kemenkumham" in before
    assert "kemenkum" not in before


def test_unknown_agency_is_404(client: Client) -> None:
    assert client.get("/api/v1/agencies/kementerian-tidak-ada").status_code == 404


def test_service_points_list_their_counters(client: Client) -> None:
    body = client.get("/api/v1/service-points/samsat-jakarta-pusat").json()
    assert body["kind"] == "samsat"
    assert body["region"] == "31.71"
    agencies = {c["agency"]["code"] for c in body["counters"]}
    assert agencies == {"polda-metro-jaya", "bapenda-dki", "jasa-raharja"}
    bandung = client.get("/api/v1/service-points?region=32.73").json()
    assert sorted(p["code"] for p in bandung) == ["mpp-kota-bandung", "samsat-kota-bandung"]
