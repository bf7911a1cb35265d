"""NIK checks against the region registry, through the API and the citizen record."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from sinergi.citizens.models import Citizen

pytestmark = pytest.mark.django_db

SITI = "3171015208900001"  # Gambir (31.71.01), woman born 12-08-1990
MERAUKE_1985 = "9101011503850002"  # 91.01.01 Merauke, retired in 2023 (now 93.01.01)


def check(client: Client, nik: str) -> tuple[int, dict[str, object]]:
    response = client.post(
        "/api/v1/citizens/nik-check", {"nik": nik}, content_type="application/json"
    )
    assert nik not in response.content.decode(), "a NIK must never be echoed in clear"
    return response.status_code, response.json()


def test_a_valid_nik_is_answered_masked_with_its_region_and_birth_date(client: Client) -> None:
    status, body = check(client, SITI)
    assert status == 200
    assert body == {
        "nik": "************0001",
        "kecamatan": "31.71.01",
        "kecamatan_name": "Gambir",
        "kecamatan_current": True,
        "birth_date": "1990-08-12",
        "sex": "P",
    }


def test_a_nik_keeps_the_kecamatan_code_of_its_first_registration(client: Client) -> None:
    status, body = check(client, MERAUKE_1985)
    assert status == 200
    assert body["kecamatan"] == "91.01.01"
    assert body["kecamatan_current"] is False
    assert body["sex"] == "L"


@pytest.mark.parametrize(
    ("nik", "rule"),
    [
        ("317101520890001", "nik_format"),
        ("3171 0152 0890 0001", "nik_format"),
        ("9999015208900001", "nik_region_unknown"),
        ("3171013102900001", "nik_birth_date"),  # 31 February
        ("3171017208900001", "nik_birth_date"),  # day 72: neither a man's nor a woman's day
    ],
)
def test_an_invalid_nik_is_refused_with_its_rule(client: Client, nik: str, rule: str) -> None:
    status, body = check(client, nik)
    assert status == 422
    assert body["errors"][0]["field"] == "nik"  # type: ignore[index]
    assert body["errors"][0]["rule"] == rule  # type: ignore[index]


def test_a_citizen_record_refuses_an_invalid_nik() -> None:
    citizen = Citizen(nik="9999015208900001", full_name="X", birth_date="1990-08-12", sex="P")
    with pytest.raises(ValidationError) as error:
        citizen.full_clean()
    assert "nik" in error.value.message_dict
    assert not Citizen.objects.filter(nik="9999015208900001").exists()


def test_the_citizen_string_never_shows_the_nik() -> None:
    siti = Citizen.objects.get(nik=SITI)
    assert SITI not in str(siti)
    assert SITI not in repr(siti)
