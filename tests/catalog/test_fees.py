"""Fee formulas (catalog/fees.py), read like the rules they encode.

SAMSAT: PKB = NJKB × bobot × tarif (UU 1/2022 HKPD; DKI: Perda DKI 1/2024 Pasal 7 ayat (1)),
opsen PKB 66% outside DKI, SWDKLLJ by vehicle class (PMK 36 & 37/PMK.010/2008), PNBP Polri by
wheel class (PP 76/2020). Adminduk is free (UU 24/2013 Pasal 79A); OSS licensing has no fee.
The fixture arithmetic is the domain brief's (section 4.1), to the rupiah.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from sinergi.catalog.fees import (
    DEFAULT_SETTINGS,
    FORMULAS,
    SWDKLLJ,
    Fee,
    FeeItem,
    FeeSettings,
    adminduk,
    fee_for,
    oss_licence,
    pbg_retribusi,
    samsat_annual,
    samsat_five_yearly,
)
from sinergi.rules import RuleError

Vehicle = dict[str, Any]


def car(**changes: Any) -> Vehicle:
    """A private car outside DKI (Jawa Barat), first ownership, NJKB Rp200,000,000."""
    vehicle: Vehicle = {
        "njkb": 200_000_000,
        "wheels": 4,
        "swdkllj_class": "mobil_pribadi",
        "province_code": "32",
        "ownership": 1,
    }
    return vehicle | changes


def motorcycle(**changes: Any) -> Vehicle:
    """A 150 cc motorcycle outside DKI, first ownership, NJKB Rp20,000,000."""
    vehicle: Vehicle = {
        "njkb": 20_000_000,
        "wheels": 2,
        "swdkllj_class": "motor_50_250cc",
        "province_code": "32",
        "ownership": 1,
    }
    return vehicle | changes


def amounts(fee: Fee) -> dict[str, int]:
    return {item.code: item.amount for item in fee.items}


def fields_refused(vehicle: Any, formula: Any = samsat_annual) -> dict[str, str]:
    with pytest.raises(RuleError) as refused:
        formula(vehicle, DEFAULT_SETTINGS)
    return {v.field: v.rule for v in refused.value.violations}


# --- the brief's fixture arithmetic ---------------------------------------------------------


def test_car_annual_outside_dki_is_4_177_000() -> None:
    """PKB 2,400,000 + opsen 1,584,000 + SWDKLLJ 143,000 + pengesahan 50,000."""
    fee = samsat_annual(car())
    assert amounts(fee) == {
        "pkb": 2_400_000,
        "opsen_pkb": 1_584_000,
        "swdkllj": 143_000,
        "pnbp_pengesahan_stnk": 50_000,
    }
    assert fee.total == 4_177_000


def test_car_five_yearly_outside_dki_is_4_427_000() -> None:
    """PKB + opsen + SWDKLLJ + STNK 200,000 + TNKB 100,000; no pengesahan by default ([U])."""
    fee = samsat_five_yearly(car())
    assert amounts(fee) == {
        "pkb": 2_400_000,
        "opsen_pkb": 1_584_000,
        "swdkllj": 143_000,
        "pnbp_stnk": 200_000,
        "pnbp_tnkb": 100_000,
    }
    assert fee.total == 4_427_000


def test_motorcycle_annual_outside_dki_is_458_400() -> None:
    fee = samsat_annual(motorcycle())
    assert amounts(fee) == {
        "pkb": 240_000,
        "opsen_pkb": 158_400,
        "swdkllj": 35_000,
        "pnbp_pengesahan_stnk": 25_000,
    }
    assert fee.total == 458_400


def test_motorcycle_five_yearly_outside_dki_is_593_400() -> None:
    fee = samsat_five_yearly(motorcycle())
    assert amounts(fee) == {
        "pkb": 240_000,
        "opsen_pkb": 158_400,
        "swdkllj": 35_000,
        "pnbp_stnk": 100_000,
        "pnbp_tnkb": 60_000,
    }
    assert fee.total == 593_400


def test_the_fifth_year_pengesahan_is_a_setting() -> None:
    """Whether the yearly endorsement PNBP is also due in the 5-yearly year is unconfirmed."""
    settings = FeeSettings(pengesahan_in_fifth_year=True)
    assert samsat_five_yearly(car(), settings).total == 4_427_000 + 50_000
    assert samsat_five_yearly(motorcycle(), settings).total == 593_400 + 25_000


# --- DKI Jakarta: own progressive rate, no opsen ----------------------------------------------


def test_dki_first_car_pays_2_percent_and_no_opsen() -> None:
    """Perda DKI 1/2024 Pasal 7 ayat (1); UU 1/2022: no opsen where there are no kab/kota."""
    fee = samsat_annual(car(province_code="31"))
    assert "opsen_pkb" not in fee.codes
    assert amounts(fee) == {"pkb": 4_000_000, "swdkllj": 143_000, "pnbp_pengesahan_stnk": 50_000}
    assert fee.total == 4_193_000
    assert "Perda Provinsi DKI Jakarta 1/2024" in fee.item("pkb").legal_basis


@pytest.mark.parametrize(
    ("ownership", "pkb"),
    [(1, 4_000_000), (2, 6_000_000), (3, 8_000_000), (4, 10_000_000), (5, 12_000_000),
     (6, 12_000_000), (9, 12_000_000)],
)  # fmt: skip
def test_dki_progressive_rate_2_to_6_percent_fifth_and_later(ownership: int, pkb: int) -> None:
    fee = samsat_annual(car(province_code="31", ownership=ownership))
    assert fee.item("pkb").amount == pkb
    assert "opsen_pkb" not in fee.codes


def test_dki_five_yearly_has_no_opsen_either() -> None:
    fee = samsat_five_yearly(car(province_code="31"))
    assert "opsen_pkb" not in fee.codes
    assert fee.total == 4_000_000 + 143_000 + 200_000 + 100_000


# --- SWDKLLJ by class and PNBP by wheels ------------------------------------------------------


@pytest.mark.parametrize(
    ("swdkllj_class", "wheels", "tariff"),
    [
        ("motor_le_50cc", 2, 3_000),
        ("motor_50_250cc", 2, 35_000),
        ("motor_50_250cc", 3, 35_000),  # three-wheelers share the class
        ("motor_gt_250cc", 2, 83_000),
        ("mobil_pribadi", 4, 143_000),
        ("bus", 6, 153_000),
        ("truk", 6, 163_000),
        ("angkutan_umum_le_1600", 4, 73_000),
        ("bus_umum_gt_1600", 6, 90_000),
        ("alat_berat", 4, 23_000),
        ("ambulans", 4, 3_000),
    ],
)
def test_swdkllj_tariff_by_vehicle_class(swdkllj_class: str, wheels: int, tariff: int) -> None:
    """PMK 36/PMK.010/2008 and 37/PMK.010/2008."""
    fee = samsat_annual(car(swdkllj_class=swdkllj_class, wheels=wheels))
    assert fee.item("swdkllj").amount == tariff
    pengesahan = 25_000 if wheels <= 3 else 50_000
    assert fee.total == 2_400_000 + 1_584_000 + tariff + pengesahan


def test_every_swdkllj_class_is_tested() -> None:
    assert len(SWDKLLJ) == 10


@pytest.mark.parametrize(
    ("wheels", "pengesahan", "stnk", "tnkb"),
    [(2, 25_000, 100_000, 60_000), (3, 25_000, 100_000, 60_000), (4, 50_000, 200_000, 100_000),
     (10, 50_000, 200_000, 100_000)],
)  # fmt: skip
def test_pnbp_by_wheel_class_r2_r3_versus_r4(
    wheels: int, pengesahan: int, stnk: int, tnkb: int
) -> None:
    """PP 76/2020: R2/R3 and R4-or-more tariffs."""
    annual = samsat_annual(car(wheels=wheels))
    five = samsat_five_yearly(car(wheels=wheels))
    assert annual.item("pnbp_pengesahan_stnk").amount == pengesahan
    assert (five.item("pnbp_stnk").amount, five.item("pnbp_tnkb").amount) == (stnk, tnkb)


# --- settings and rounding --------------------------------------------------------------------


def test_bobot_and_rates_are_settings() -> None:
    settings = FeeSettings(bobot=Decimal("1.05"), pkb_rates=(Decimal("0.011"),))
    fee = samsat_annual(car(), settings)
    assert fee.item("pkb").amount == 2_310_000  # 200,000,000 × 1.05 × 1.1%
    assert fee.item("opsen_pkb").amount == 1_524_600  # 66% of the PKB due


def test_later_ownership_outside_dki_uses_the_configured_progressive_table() -> None:
    settings = FeeSettings(pkb_rates=(Decimal("0.012"), Decimal("0.02")))
    assert samsat_annual(car(ownership=2), settings).item("pkb").amount == 4_000_000
    assert samsat_annual(car(ownership=3), settings).item("pkb").amount == 4_000_000


def test_rounding_is_to_whole_rupiah_half_up() -> None:
    """20,000,375 × 1.2% = 240,004.5 → 240,005 (not banker's 240,004); opsen on the PKB due:
    240,005 × 66% = 158,403.3 → 158,403."""
    fee = samsat_annual(motorcycle(njkb=20_000_375))
    assert fee.item("pkb").amount == 240_005
    assert fee.item("opsen_pkb").amount == 158_403
    assert all(isinstance(item.amount, int) for item in fee.items)


def test_every_item_names_its_legal_basis() -> None:
    for fee in (samsat_annual(car()), samsat_five_yearly(motorcycle())):
        assert all(item.legal_basis for item in fee.items)
    assert "66%" in samsat_annual(car()).item("opsen_pkb").legal_basis
    assert "PP 76/2020" in samsat_annual(car()).item("pnbp_pengesahan_stnk").legal_basis


def test_a_fee_is_frozen_and_its_total_is_the_sum_of_its_items() -> None:
    fee = Fee((FeeItem("a", "A", 1_000, "x"), FeeItem("b", "B", 2_500, "y")))
    assert fee.total == 3_500
    assert Fee().total == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        fee.total = 0  # type: ignore[misc]


# --- bad input is refused, naming the field ---------------------------------------------------


def test_missing_njkb_is_refused_by_field() -> None:
    vehicle = car()
    del vehicle["njkb"]
    assert fields_refused(vehicle) == {"njkb": "fee_required"}


@pytest.mark.parametrize("njkb", [-1, 0, -200_000_000, 1.5, "200000000", True, None])
def test_a_njkb_that_is_not_a_positive_whole_rupiah_is_refused(njkb: Any) -> None:
    refused = fields_refused(car(njkb=njkb), samsat_five_yearly)
    assert set(refused) == {"njkb"}


def test_an_unknown_vehicle_class_is_refused_by_field() -> None:
    assert fields_refused(car(swdkllj_class="kereta_kuda")) == {
        "swdkllj_class": "fee_unknown_class"
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"wheels": 1}, "wheels"), ({"wheels": "4"}, "wheels"), ({"ownership": 0}, "ownership"),
     ({"province_code": "DKI"}, "province_code"), ({"province_code": 31}, "province_code"),
     ({"province_code": None}, "province_code"), ({"swdkllj_class": None}, "swdkllj_class")],
)  # fmt: skip
def test_other_bad_vehicle_data_is_refused_by_field(changes: Vehicle, field: str) -> None:
    assert set(fields_refused(car(**changes))) == {field}


def test_every_problem_is_reported_at_once() -> None:
    refused = fields_refused({"njkb": -5, "wheels": 4, "swdkllj_class": "x"})
    assert set(refused) == {"njkb", "swdkllj_class", "province_code"}


def test_the_data_must_be_a_mapping() -> None:
    assert fields_refused(["njkb", 1]) == {"data": "fee_data_shape"}


def test_ownership_defaults_to_the_first_vehicle() -> None:
    vehicle = car()
    del vehicle["ownership"]
    assert samsat_annual(vehicle).total == 4_177_000


# --- free services and the illustrative retribusi PBG -----------------------------------------


def test_adminduk_documents_are_free_by_law() -> None:
    """UU 24/2013 Pasal 79A."""
    fee = adminduk({}, DEFAULT_SETTINGS)
    assert fee.total == 0
    assert "Pasal 79A" in fee.items[0].legal_basis


def test_oss_licensing_has_no_fee() -> None:
    fee = oss_licence({"risk_level": "tinggi"}, DEFAULT_SETTINGS)
    assert fee.total == 0
    assert "PP 28/2025" in fee.items[0].legal_basis


@pytest.mark.parametrize(
    ("data", "amount"),
    [({"floor_area": 120}, 3_000_000), ({"floor_area": 120.5}, 3_012_500),
     ({"floor_area": 120, "index": "1.5"}, 4_500_000),
     ({"floor_area": Decimal("0.0001")}, 3)],  # 2.5 → 3, half up
)  # fmt: skip
def test_retribusi_pbg_is_area_times_index_times_unit_rate(data: Any, amount: int) -> None:
    """Illustrative: luas × indeks terintegrasi × indeks lokalitas 0.5% × SHST Rp5,000,000."""
    fee = pbg_retribusi(data, DEFAULT_SETTINGS)
    assert fee.total == amount
    assert "ilustratif" in fee.items[0].label


def test_retribusi_pbg_factors_are_settings() -> None:
    settings = FeeSettings(pbg_shst=4_000_000, pbg_indeks_lokalitas=Decimal("0.004"))
    assert pbg_retribusi({"floor_area": 100}, settings).total == 1_600_000


@pytest.mark.parametrize("data", [{}, {"floor_area": -10}, {"floor_area": 0}, {"floor_area": "x"}])
def test_retribusi_pbg_refuses_a_bad_floor_area(data: Any) -> None:
    assert set(fields_refused(data, pbg_retribusi)) == {"floor_area"}


def test_retribusi_pbg_refuses_a_bad_index() -> None:
    assert set(fields_refused({"floor_area": 100, "index": -1}, pbg_retribusi)) == {"index"}


# --- the registry -----------------------------------------------------------------------------


def test_formulas_are_registered_by_code() -> None:
    assert set(FORMULAS) == {
        "samsat_annual",
        "samsat_five_yearly",
        "oss_licence",
        "adminduk",
        "pbg_retribusi",
    }
    assert fee_for("samsat_annual", car()).total == 4_177_000


def test_an_unknown_formula_code_is_refused() -> None:
    with pytest.raises(RuleError) as refused:
        fee_for("pajak_kuda", {})
    assert refused.value.violations[0].field == "fee_formula"
