"""The region registry through the API: the full Kepmendagri 2025 list plus retired codes."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("level", "count"),
    [("provinsi", 38), ("kabupaten_kota", 514), ("kecamatan", 7285), ("desa_kelurahan", 83762)],
)
def test_each_level_has_the_count_of_kepmendagri_2025(
    client: Client, level: str, count: int
) -> None:
    response = client.get(f"/api/v1/regions?level={level}&limit=1")
    assert response.status_code == 200
    assert response.json()["count"] == count


def test_provinces_are_the_38_from_aceh_to_papua_barat_daya(client: Client) -> None:
    body = client.get("/api/v1/regions?level=provinsi").json()
    codes = [r["code"] for r in body["items"]]
    assert body["count"] == 38
    assert len(codes) == 38
    assert codes[0] == "11"
    assert codes[-1] == "96"
    assert {r["level"] for r in body["items"]} == {"provinsi"}
    assert body["items"][0]["name"] == "Aceh"
    assert body["items"][0]["decree"] == "Kepmendagri No. 300.2.2-2138 Tahun 2025"


def test_children_of_a_city_are_its_kecamatan(client: Client) -> None:
    body = client.get("/api/v1/regions?parent=31.71&limit=100").json()
    assert body["count"] == 8  # Kota Administrasi Jakarta Pusat has eight kecamatan
    assert all(r["parent"] == "31.71" and r["level"] == "kecamatan" for r in body["items"])


def test_retired_codes_stay_known_with_the_lists_they_appear_in(client: Client) -> None:
    merauke = client.get("/api/v1/regions/91.01.01").json()
    assert merauke["current"] is False
    assert merauke["lists"] == [2016, 2018, 2020, 2022]
    assert merauke["decree"] == "Permendagri No. 58 Tahun 2021"
    assert merauke["parent"] == "91.01"
    listed = client.get("/api/v1/regions?parent=91.01&limit=1").json()
    assert listed["count"] == 0  # retired codes are hidden unless asked for
    with_retired = client.get("/api/v1/regions?parent=91.01&include_retired=true&limit=1").json()
    assert with_retired["count"] > 0


def test_a_current_region_appears_in_every_list_it_was_unchanged_in(client: Client) -> None:
    gambir = client.get("/api/v1/regions/31.71.01").json()
    assert gambir == {
        "code": "31.71.01",
        "name": "Gambir",
        "level": "kecamatan",
        "kind": "kecamatan",
        "parent": "31.71",
        "bps_code": "",
        "current": True,
        "lists": [2016, 2018, 2020, 2022, 2023, 2025],
        "decree": "Kepmendagri No. 300.2.2-2138 Tahun 2025",
    }


def test_kota_and_kabupaten_are_told_apart_by_their_number(client: Client) -> None:
    assert client.get("/api/v1/regions/32.73").json()["kind"] == "kota"
    assert client.get("/api/v1/regions/32.04").json()["kind"] == "kabupaten"


def test_unknown_region_is_a_problem_404(client: Client) -> None:
    response = client.get("/api/v1/regions/99.99")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_an_unknown_level_is_refused_with_the_field_named(client: Client) -> None:
    response = client.get("/api/v1/regions?level=kelurahan")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "level"
