"""Kemendagri and BPS code parsing: table-driven rules, then every official code."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

import sinergi.registry
from sinergi.registry.codes import (
    RegionCode,
    RegionKind,
    RegionLevel,
    parse_bps_code,
    parse_region_code,
)
from sinergi.rules import RuleError

_SHARED_DATA = Path("/work/shared/data")
ALL_LISTS = frozenset({"2016", "2018", "2020", "2022", "2023", "2025"})


def data_file(name: str) -> Path:
    """The project's copy of a reference CSV, else the shared one; skip if neither exists."""
    for folder in (Path(sinergi.registry.__file__).parent / "data", _SHARED_DATA):
        if (folder / name).is_file():
            return folder / name
    pytest.skip(f"reference data {name} not found in src/sinergi/registry/data/ or {_SHARED_DATA}")


def read_csv(name: str) -> list[dict[str, str]]:
    with data_file(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rules_of(error: pytest.ExceptionInfo[RuleError]) -> list[tuple[str, str]]:
    return [(v.field, v.rule) for v in error.value.violations]


# --- valid codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level", "parent", "kind"),
    [
        ("11", RegionLevel.PROVINSI, None, "provinsi"),
        ("96", RegionLevel.PROVINSI, None, "provinsi"),
        ("11.01", RegionLevel.KABUPATEN_KOTA, "11", "kabupaten"),
        ("11.69", RegionLevel.KABUPATEN_KOTA, "11", "kabupaten"),
        ("31.71", RegionLevel.KABUPATEN_KOTA, "31", "kota"),
        ("11.99", RegionLevel.KABUPATEN_KOTA, "11", "kota"),
        ("11.01.08", RegionLevel.KECAMATAN, "11.01", "kecamatan"),
        ("31.71.01", RegionLevel.KECAMATAN, "31.71", "kecamatan"),
        ("11.01.08.2001", RegionLevel.DESA_KELURAHAN, "11.01.08", "desa"),
        ("33.73.04.1001", RegionLevel.DESA_KELURAHAN, "33.73.04", "kelurahan"),
        ("91.03.01.3007", RegionLevel.DESA_KELURAHAN, "91.03.01", "desa_adat"),
    ],
)
def test_valid_code_is_parsed(
    code: str, level: RegionLevel, parent: str | None, kind: RegionKind
) -> None:
    assert parse_region_code(code) == RegionCode(code=code, level=level, parent=parent, kind=kind)


# --- each rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("", "region_code_format"),
        ("1", "region_code_format"),
        ("111", "region_code_format"),
        ("11.1", "region_code_format"),
        ("1101", "region_code_format"),
        ("11-01", "region_code_format"),
        ("11.01.", "region_code_format"),
        ("11.01.08.201", "region_code_format"),
        ("11.01.08.20011", "region_code_format"),
        ("11.01.08.2001.1", "region_code_format"),
        ("11..01", "region_code_format"),
        ("1a.01", "region_code_format"),
        ("\u0661\u0661", "region_code_format"),  # Arabic-Indic digits
        ("\uff11\uff11", "region_code_format"),  # full-width digits
        ("11\n", "region_code_whitespace"),
        (" 11.01", "region_code_whitespace"),
        ("11.01 ", "region_code_whitespace"),
        ("01", "region_province_group"),
        ("41", "region_province_group"),
        ("10", "region_province_order"),
        ("11.00", "region_kabkota_number"),
        ("11.70", "region_kabkota_number"),
        ("11.01.00", "region_kecamatan_number"),
        ("11.01.08.0001", "region_village_kind"),
        ("11.01.08.4001", "region_village_kind"),
        ("11.01.08.9001", "region_village_kind"),
        ("11.01.08.2000", "region_village_number"),
    ],
)
def test_each_rule_refuses_its_code(code: str, rule: str) -> None:
    with pytest.raises(RuleError) as error:
        parse_region_code(code, field="region")
    assert rules_of(error) == [("region", rule)]


def test_whitespace_is_refused_not_stripped() -> None:
    with pytest.raises(RuleError) as error:
        parse_region_code(" 31.71 ")
    (violation,) = error.value.violations
    assert (violation.field, violation.rule) == ("code", "region_code_whitespace")
    assert violation.params == {"code": "31.71"}
    assert violation.message == "Region code '31.71' has spaces around it; remove them."


def test_every_broken_part_is_reported_at_once() -> None:
    with pytest.raises(RuleError) as error:
        parse_region_code("40.70.00.4000")
    assert [v.rule for v in error.value.violations] == [
        "region_province_group",
        "region_province_order",
        "region_kabkota_number",
        "region_kecamatan_number",
        "region_village_kind",
        "region_village_number",
    ]


def test_violation_names_the_article_and_formats_the_message() -> None:
    with pytest.raises(RuleError) as error:
        parse_region_code("11.70")
    (violation,) = error.value.violations
    assert violation.article == "Permendagri 58/2021"
    assert violation.params == {"code": "11.70"}
    assert violation.message == (
        "Region code '11.70': kab/kota number must be 01-69 (kabupaten) or 71-99 (kota)."
    )


# --- BPS -----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["11", "1103", "1103050", "1103050001"])
def test_bps_code_of_each_level_is_accepted_unchanged(code: str) -> None:
    assert parse_bps_code(code) == code


@pytest.mark.parametrize(
    "code",
    ["", "1", "110", "11030", "110305", "11030500", "110305000", "11.03", " 1103", "11030500011"],
)
def test_bps_code_of_wrong_shape_is_refused(code: str) -> None:
    with pytest.raises(RuleError) as error:
        parse_bps_code(code)
    assert rules_of(error) == [("bps_code", "bps_code_format")]


def test_kemendagri_code_is_not_a_bps_code() -> None:
    with pytest.raises(RuleError) as error:
        parse_bps_code("11.01", field="kode_bps")
    assert rules_of(error) == [("kode_bps", "bps_code_format")]


# --- the official lists --------------------------------------------------------------------


def test_every_code_of_the_2025_list_passes_and_matches_its_row() -> None:
    rows = read_csv("wilayah-kepmendagri-2025.csv")
    assert len(rows) == 91_599
    codes = {row["kode"] for row in rows}
    kinds: Counter[str] = Counter()
    for row in rows:
        parsed = parse_region_code(row["kode"])
        assert parsed.level == row["tingkat"], row
        assert parsed.parent is None or parsed.parent in codes, row
        kinds[parsed.kind] += 1
        if parsed.level is RegionLevel.KABUPATEN_KOTA:
            assert row["nama"].startswith("Kota " if parsed.kind == "kota" else "Kabupaten "), row
        if parsed.kind == "desa_adat":
            assert row["nama"].startswith("Desa Adat "), row
    # Counts of Kepmendagri 300.2.2-2138/2025 (regulations.md 5.1): 416 + 98 kab/kota,
    # 8,496 kelurahan, 75,266 desa of which 14 are desa adat.
    assert kinds == {
        "provinsi": 38,
        "kabupaten": 416,
        "kota": 98,
        "kecamatan": 7_285,
        "kelurahan": 8_496,
        "desa": 75_252,
        "desa_adat": 14,
    }


def test_every_historical_code_passes_and_its_parent_is_in_the_same_lists() -> None:
    current = {row["kode"] for row in read_csv("wilayah-kepmendagri-2025.csv")}
    historical = {row["kode"]: row for row in read_csv("wilayah-historical-codes.csv")}
    assert len(historical) == 1_363

    def lists_of(code: str) -> set[str]:
        if code in historical:
            return set(historical[code]["daftar"].split(";"))
        return set(ALL_LISTS) if code in current else set()

    retired = 0
    for code, row in historical.items():
        parsed = parse_region_code(code)
        if parsed.parent is not None:
            assert lists_of(code) <= lists_of(parsed.parent), row
        retired += code not in current
    assert retired == 620
    assert parse_region_code("91.01").kind == "kabupaten"  # Merauke before 93.01
    assert "91.01" in historical
    assert "91.01" not in current
