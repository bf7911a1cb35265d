"""Bad registry input is refused with the field and the rule named, and nothing is written."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from sinergi.audit.models import AuditEntry
from sinergi.registry.loaders import AGENCIES_CSV, load_agencies
from sinergi.registry.models import Agency, Region
from sinergi.rules import RuleError

pytestmark = pytest.mark.django_db

FIELDS = [
    "code", "name", "short_name", "kind", "level", "region_code", "parent_code", "sector",
    "valid_from", "valid_to", "succession", "successor_codes",
]  # fmt: skip


def agency_row(code: str, **values: str) -> dict[str, str]:
    row = dict.fromkeys(FIELDS, "")
    row.update(code=code, name=code.title(), short_name=code, kind="lembaga", level="pusat")
    row.update(values)
    return row


def write_csv(tmp_path: Path, extra: list[dict[str, str]]) -> Path:
    with AGENCIES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    path = tmp_path / "agencies.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows + extra)
    return path


def refused(path: Path) -> list[tuple[str, str]]:
    before = (Agency.objects.count(), sorted(Agency.objects.values_list("code", "name")))
    with pytest.raises(RuleError) as error:
        load_agencies(path=path, force=True)
    after = (Agency.objects.count(), sorted(Agency.objects.values_list("code", "name")))
    assert after == before, "a refused file must write nothing"
    return [(v.field, v.rule) for v in error.value.violations]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param(
            [agency_row("badan-baru", parent_code="tidak-ada")],
            ("parent_code", "lineage_parent_unknown"),
            id="unknown parent",
        ),
        pytest.param(
            [
                agency_row(
                    "badan-a", valid_to="2024-01-01", succession="rename", successor_codes="badan-b"
                ),
                agency_row(
                    "badan-b",
                    valid_from="2024-01-01",
                    valid_to="2025-01-01",
                    succession="rename",
                    successor_codes="badan-a",
                ),
            ],
            ("successor_codes", "lineage_succession_cycle"),
            id="cyclic lineage",
        ),
        pytest.param(
            [
                agency_row(
                    "badan-lama",
                    valid_to="2024-10-21",
                    succession="rename",
                    successor_codes="badan-baru",
                ),
                agency_row("badan-baru", valid_from="2024-01-01"),
            ],
            ("valid_from", "lineage_rename_overlap"),
            id="overlapping rename",
        ),
        pytest.param(
            [agency_row("badan-daerah", level="provinsi", region_code="99")],
            ("region_code", "unknown_region"),
            id="unknown region",
        ),
    ],
)
def test_a_bad_agencies_file_is_refused_whole(
    tmp_path: Path, extra: list[dict[str, str]], expected: tuple[str, str]
) -> None:
    violations = refused(write_csv(tmp_path, extra))
    fields_rules = {(f, r) for f, r in violations}
    assert expected[1] in {r for _, r in fields_rules}, violations


def test_a_malformed_region_code_is_refused_in_the_admin(as_user: Any) -> None:
    admin = as_user("admin")
    before = (Region.objects.count(), AuditEntry.objects.count())
    response = admin.post(
        "/admin/registry/region/add/",
        {"code": "31.70.01", "name": "Salah", "level": "kecamatan", "kind": "kecamatan",
         "source_list": "2025", "lists": "[2025]", "current": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "code" in errors
    assert (Region.objects.count(), AuditEntry.objects.count()) == before


def test_a_region_with_an_unknown_parent_is_refused_in_the_admin(as_user: Any) -> None:
    admin = as_user("admin")
    response = admin.post(
        "/admin/registry/region/add/",
        {"code": "31.79.01", "name": "Tanpa Induk", "level": "kecamatan", "kind": "kecamatan",
         "source_list": "2025", "lists": "[2025]", "current": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Region.objects.filter(code="31.79.01").exists()


def test_an_agency_made_its_own_successor_is_refused_in_the_admin(as_user: Any) -> None:
    admin = as_user("admin")
    agency = Agency.objects.get(code="kemenag")
    response = admin.post(
        f"/admin/registry/agency/{agency.pk}/change/",
        {"code": "kemenag", "name": agency.name, "short_name": agency.short_name,
         "kind": agency.kind, "level": agency.level, "sector": agency.sector,
         "valid_to": "2025-01-01", "succession": "rename", "successors": [agency.pk]},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    agency.refresh_from_db()
    assert agency.valid_to is None
    assert list(agency.successors.all()) == []
