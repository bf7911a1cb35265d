"""Fee formulas of the catalogue's services, as itemised bills with the law behind each line.

A service file names its formula by code (``fee_formula: samsat_annual``); :data:`FORMULAS` maps
the code to a function ``(data, settings) -> Fee``. Every amount is a whole number of rupiah.

Rounding: each line is computed exactly with :class:`~decimal.Decimal` and rounded once to whole
rupiah, half up (``ROUND_HALF_UP``); a line computed from another line (opsen from PKB) uses
the rounded amount of that line, as the tax due (pajak terutang) is what opsen is levied on.

Figures that the domain brief marks unconfirmed ([U]) are parameters of :class:`FeeSettings`
with the brief's defaults: the PKB coefficient (bobot), the PKB rate tables, whether the yearly
endorsement fee is also charged in the fifth year, and the illustrative retribusi PBG factors.
Confirmed tariffs (SWDKLLJ, PNBP Polri) are tables in this module.

Pure Python: no Django. Messages are marked with :func:`gettext_noop`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sinergi.rules import RuleError, Violation, gettext_noop

__all__ = [
    "DEFAULT_SETTINGS",
    "FORMULAS",
    "PNBP_PENGESAHAN",
    "PNBP_STNK",
    "PNBP_TNKB",
    "SWDKLLJ",
    "Fee",
    "FeeItem",
    "FeeSettings",
    "adminduk",
    "fee_for",
    "oss_licence",
    "pbg_retribusi",
    "samsat_annual",
    "samsat_five_yearly",
]

# --- legal bases ----------------------------------------------------------------------------

_BASIS_PKB = (
    "UU 1/2022 tentang HKPD: dasar pengenaan PKB = NJKB × bobot; tarif kepemilikan pertama "
    "paling tinggi 1,2%, progresif paling tinggi 6%; tarif ditetapkan Perda provinsi"
)
_BASIS_PKB_DKI = (
    "Perda Provinsi DKI Jakarta 1/2024 tentang Pajak Daerah dan Retribusi Daerah, Pasal 7 "
    "ayat (1): 2% kendaraan pertama, naik 1% per kepemilikan, 6% kelima dan seterusnya"
)
_BASIS_OPSEN = (
    "UU 1/2022 tentang HKPD: opsen PKB kabupaten/kota 66% dari PKB terutang, dipungut "
    "bersamaan dengan PKB (tidak berlaku di DKI Jakarta)"
)
_BASIS_SWDKLLJ = (
    "UU 34/1964 tentang Dana Kecelakaan Lalu Lintas Jalan; PMK 36/PMK.010/2008 dan "
    "PMK 37/PMK.010/2008 (tarif SWDKLLJ per golongan kendaraan)"
)
_BASIS_PNBP = "PP 76/2020 tentang Jenis dan Tarif atas Jenis PNBP yang Berlaku pada Polri, Lampiran"
_BASIS_OSS = (
    "PP 28/2025 tentang Penyelenggaraan Perizinan Berusaha Berbasis Risiko: NIB dan perizinan "
    "berusaha diterbitkan melalui Sistem OSS tanpa biaya (pungutan sektoral tertentu di luar "
    "cakupan demo)"
)
_BASIS_ADMINDUK = (
    "UU 24/2013 tentang Perubahan atas UU 23/2006 tentang Administrasi Kependudukan, Pasal 79A: "
    "pengurusan dan penerbitan Dokumen Kependudukan tidak dipungut biaya"
)
_BASIS_PBG = (
    "UU 1/2022 tentang HKPD (retribusi perizinan tertentu: PBG); PP 16/2021 (rumus: luas lantai "
    "× indeks terintegrasi × indeks lokalitas × SHST); nilai indeks dan SHST ilustratif"
)

# --- confirmed tariffs ----------------------------------------------------------------------

#: SWDKLLJ per vehicle class, rupiah per year (PMK 36 & 37/PMK.010/2008).
SWDKLLJ: Mapping[str, int] = {
    "motor_le_50cc": 3_000,  # sepeda motor ≤ 50 cc
    "motor_50_250cc": 35_000,  # sepeda motor > 50-250 cc dan kendaraan roda tiga
    "motor_gt_250cc": 83_000,  # sepeda motor > 250 cc
    "mobil_pribadi": 143_000,  # sedan, jeep, pick-up pribadi ≤ 2.400 cc
    "bus": 153_000,  # bus dan mikrobus
    "truk": 163_000,  # truk > 2.400 cc
    "angkutan_umum_le_1600": 73_000,  # mobil penumpang umum ≤ 1.600 cc
    "bus_umum_gt_1600": 90_000,  # bus/mikrobus umum > 1.600 cc
    "alat_berat": 23_000,  # traktor, alat berat
    "ambulans": 3_000,  # ambulans, mobil jenazah, pemadam kebakaran
}

# PNBP Polri (PP 76/2020), by wheel class: R2/R3 and R4 or more.
_R2R3, _R4 = "r2r3", "r4"
PNBP_PENGESAHAN: Mapping[str, int] = {_R2R3: 25_000, _R4: 50_000}  # pengesahan STNK, yearly
PNBP_STNK: Mapping[str, int] = {_R2R3: 100_000, _R4: 200_000}  # STNK baru / 5-tahunan
PNBP_TNKB: Mapping[str, int] = {_R2R3: 60_000, _R4: 100_000}  # TNKB, per pair

_ONE = Decimal(1)


@dataclass(frozen=True)
class FeeSettings:
    """The adjustable figures of the formulas; the defaults are the domain brief's.

    ``pkb_rates`` and ``pkb_rates_dki`` give the PKB rate by ownership (index 0 = the first
    vehicle); the last entry applies to that ownership and every later one ("dan seterusnya").
    Outside DKI only the first-ownership ceiling (1.2%) is confirmed: a province's progressive
    rates for later ownership come from its Perda [U] and must be configured here.
    """

    bobot: Decimal = Decimal("1.0")  # [U] coefficient on NJKB, by vehicle type
    pkb_rates: tuple[Decimal, ...] = (Decimal("0.012"),)
    pkb_rates_dki: tuple[Decimal, ...] = (
        Decimal("0.02"),
        Decimal("0.03"),
        Decimal("0.04"),
        Decimal("0.05"),
        Decimal("0.06"),
    )
    opsen_pkb_rate: Decimal = Decimal("0.66")
    dki_province_code: str = "31"  # DKI: own progressive PKB rates and no opsen
    pengesahan_in_fifth_year: bool = False  # [U] yearly endorsement PNBP in the 5-yearly year
    # Retribusi PBG, illustrative: luas × indeks terintegrasi × indeks lokalitas × SHST.
    pbg_index: Decimal = Decimal("1.0")  # indeks terintegrasi when the application gives none
    pbg_indeks_lokalitas: Decimal = Decimal("0.005")  # (ilustratif)
    pbg_shst: int = 5_000_000  # standar harga satuan tertinggi, rupiah per m² (ilustratif)


DEFAULT_SETTINGS = FeeSettings()


@dataclass(frozen=True)
class FeeItem:
    code: str
    label: str
    amount: int  # whole rupiah
    legal_basis: str


@dataclass(frozen=True)
class Fee:
    """An itemised bill; ``total`` is the sum of its items."""

    items: tuple[FeeItem, ...] = ()
    total: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", sum(item.amount for item in self.items))

    def item(self, code: str) -> FeeItem:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)


def _rupiah(value: Decimal) -> int:
    """Whole rupiah, half up."""
    return int(value.quantize(_ONE, rounding=ROUND_HALF_UP))


# --- input checks ---------------------------------------------------------------------------

_T_REQUIRED = gettext_noop("{field} is required to compute the fee.")
_T_WHOLE = gettext_noop("{field} must be a whole number of at least {minimum}; got {value}.")
_T_POSITIVE = gettext_noop("{field} must be a number greater than zero; got {value}.")
_T_CLASS = gettext_noop("{field}: {value} is not a SWDKLLJ vehicle class ({allowed}).")
_T_PROVINCE = gettext_noop("{field} must be a two-digit Kemendagri province code; got {value}.")
_T_NOT_MAPPING = gettext_noop("The fee data must be a mapping of field names to values.")


def _violation(name: str, rule: str, template: str, **params: str) -> Violation:
    return Violation(field=name, rule=rule, template=template, params={"field": name, **params})


def _mapping(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise RuleError(Violation(field="data", rule="fee_data_shape", template=_T_NOT_MAPPING))
    return data


def _whole(
    data: Mapping[str, Any],
    name: str,
    minimum: int,
    errors: list[Violation],
    *,
    default: int | None = None,
) -> int:
    value = data.get(name)
    if value is None:
        if default is not None:
            return default
        errors.append(_violation(name, "fee_required", _T_REQUIRED))
        return minimum
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        errors.append(
            _violation(name, "fee_value", _T_WHOLE, minimum=str(minimum), value=repr(value))
        )
        return minimum
    return value


def _positive(data: Mapping[str, Any], name: str, errors: list[Violation]) -> Decimal:
    value = data.get(name)
    if value is None:
        errors.append(_violation(name, "fee_required", _T_REQUIRED))
        return _ONE
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        errors.append(_violation(name, "fee_value", _T_POSITIVE, value=repr(value)))
        return _ONE
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except ArithmeticError:
        number = Decimal("NaN")
    if not number.is_finite() or number <= 0:
        errors.append(_violation(name, "fee_value", _T_POSITIVE, value=repr(value)))
        return _ONE
    return number


@dataclass(frozen=True)
class _Vehicle:
    njkb: int
    wheel_class: str
    swdkllj_class: str
    province_code: str
    ownership: int


def _vehicle(raw: Any) -> _Vehicle:
    """The checked vehicle data; every problem is reported at once, by field."""
    data = _mapping(raw)
    errors: list[Violation] = []
    njkb = _whole(data, "njkb", 1, errors)
    wheels = _whole(data, "wheels", 2, errors)
    ownership = _whole(data, "ownership", 1, errors, default=1)
    swdkllj_class = data.get("swdkllj_class")
    if swdkllj_class is None:
        errors.append(_violation("swdkllj_class", "fee_required", _T_REQUIRED))
    elif swdkllj_class not in SWDKLLJ:
        errors.append(
            _violation("swdkllj_class", "fee_unknown_class", _T_CLASS, value=repr(swdkllj_class),
                       allowed=", ".join(SWDKLLJ))
        )  # fmt: skip
    province = data.get("province_code")
    if province is None:
        errors.append(_violation("province_code", "fee_required", _T_REQUIRED))
    elif not (isinstance(province, str) and len(province) == 2 and province.isdigit()):
        errors.append(_violation("province_code", "fee_value", _T_PROVINCE, value=repr(province)))
    if errors:
        raise RuleError(*errors)
    return _Vehicle(
        njkb=njkb,
        wheel_class=_R2R3 if wheels <= 3 else _R4,
        swdkllj_class=str(swdkllj_class),
        province_code=str(province),
        ownership=ownership,
    )


# --- SAMSAT ---------------------------------------------------------------------------------


def _rate(table: tuple[Decimal, ...], ownership: int) -> Decimal:
    return table[min(ownership, len(table)) - 1]


def _vehicle_tax(vehicle: _Vehicle, settings: FeeSettings) -> list[FeeItem]:
    """PKB and, outside DKI, the opsen PKB of the kabupaten/kota."""
    base = Decimal(vehicle.njkb) * settings.bobot
    nth = f"kepemilikan ke-{vehicle.ownership}"
    if vehicle.province_code == settings.dki_province_code:
        rate = _rate(settings.pkb_rates_dki, vehicle.ownership)
        pkb = _rupiah(base * rate)
        return [FeeItem("pkb", f"PKB ({rate:.1%}, {nth})", pkb, _BASIS_PKB_DKI)]
    rate = _rate(settings.pkb_rates, vehicle.ownership)
    pkb = _rupiah(base * rate)
    opsen = _rupiah(Decimal(pkb) * settings.opsen_pkb_rate)
    return [
        FeeItem("pkb", f"PKB ({rate:.1%}, {nth})", pkb, _BASIS_PKB),
        FeeItem("opsen_pkb", f"Opsen PKB ({settings.opsen_pkb_rate:.0%})", opsen, _BASIS_OPSEN),
    ]


def _swdkllj(vehicle: _Vehicle) -> FeeItem:
    label = f"SWDKLLJ ({vehicle.swdkllj_class})"
    return FeeItem("swdkllj", label, SWDKLLJ[vehicle.swdkllj_class], _BASIS_SWDKLLJ)


def _wheels_label(vehicle: _Vehicle) -> str:
    return "R2/R3" if vehicle.wheel_class == _R2R3 else "R4 atau lebih"


def _pengesahan(vehicle: _Vehicle) -> FeeItem:
    return FeeItem(
        "pnbp_pengesahan_stnk",
        f"PNBP pengesahan STNK ({_wheels_label(vehicle)})",
        PNBP_PENGESAHAN[vehicle.wheel_class],
        _BASIS_PNBP,
    )


def samsat_annual(vehicle: Mapping[str, Any], settings: FeeSettings = DEFAULT_SETTINGS) -> Fee:
    """Annual PKB and STNK endorsement: PKB + opsen (not in DKI) + SWDKLLJ + PNBP pengesahan.

    ``vehicle``: ``njkb`` (rupiah), ``wheels``, ``swdkllj_class``, ``province_code`` ("31" is
    DKI Jakarta) and ``ownership`` (1 = first vehicle; 1 when absent).
    """
    checked = _vehicle(vehicle)
    return Fee(
        (*_vehicle_tax(checked, settings), _swdkllj(checked), _pengesahan(checked)),
    )


def samsat_five_yearly(vehicle: Mapping[str, Any], settings: FeeSettings = DEFAULT_SETTINGS) -> Fee:
    """Five-yearly STNK renewal: PKB + opsen + SWDKLLJ + new STNK + TNKB, and the yearly
    endorsement fee only when ``settings.pengesahan_in_fifth_year`` ([U])."""
    checked = _vehicle(vehicle)
    label = _wheels_label(checked)
    items = [
        *_vehicle_tax(checked, settings),
        _swdkllj(checked),
        FeeItem(
            "pnbp_stnk", f"PNBP penerbitan STNK 5-tahunan ({label})",
            PNBP_STNK[checked.wheel_class], _BASIS_PNBP,
        ),
        FeeItem(
            "pnbp_tnkb", f"PNBP TNKB, sepasang ({label})",
            PNBP_TNKB[checked.wheel_class], _BASIS_PNBP,
        ),
    ]  # fmt: skip
    if settings.pengesahan_in_fifth_year:
        items.append(_pengesahan(checked))
    return Fee(tuple(items))


# --- free services --------------------------------------------------------------------------


def oss_licence(data: Mapping[str, Any], settings: FeeSettings = DEFAULT_SETTINGS) -> Fee:
    """Risk-based business licensing through OSS: Rp0, with the legal basis of the nil fee."""
    return Fee((FeeItem("perizinan_berusaha", "Perizinan berusaha melalui OSS", 0, _BASIS_OSS),))


def adminduk(data: Mapping[str, Any], settings: FeeSettings = DEFAULT_SETTINGS) -> Fee:
    """Population documents (akta, KK, KIA): Rp0 by law (UU 24/2013 Pasal 79A)."""
    return Fee(
        (FeeItem("dokumen_kependudukan", "Dokumen kependudukan", 0, _BASIS_ADMINDUK),),
    )


# --- retribusi PBG (illustrative) -----------------------------------------------------------


def pbg_retribusi(data: Mapping[str, Any], settings: FeeSettings = DEFAULT_SETTINGS) -> Fee:
    """Illustrative retribusi PBG: ``floor_area`` (m²) × indeks terintegrasi (``index`` in the
    data, else ``settings.pbg_index``) × indeks lokalitas × SHST, rounded half up."""
    checked = _mapping(data)
    errors: list[Violation] = []
    area = _positive(checked, "floor_area", errors)
    index = _positive(checked, "index", errors) if "index" in checked else settings.pbg_index
    if errors:
        raise RuleError(*errors)
    amount = _rupiah(area * index * settings.pbg_indeks_lokalitas * Decimal(settings.pbg_shst))
    label = f"Retribusi PBG ({area} m², indeks {index}) (ilustratif)"
    return Fee((FeeItem("retribusi_pbg", label, amount, _BASIS_PBG),))


# --- the registry ---------------------------------------------------------------------------

Formula = Callable[[Mapping[str, Any], FeeSettings], Fee]

#: Formula code (a service file's ``fee_formula``) -> formula.
FORMULAS: dict[str, Formula] = {
    "samsat_annual": samsat_annual,
    "samsat_five_yearly": samsat_five_yearly,
    "oss_licence": oss_licence,
    "adminduk": adminduk,
    "pbg_retribusi": pbg_retribusi,
}

_T_UNKNOWN_FORMULA = gettext_noop("{value} is not a fee formula ({allowed}).")


def fee_for(code: str, data: Mapping[str, Any], settings: FeeSettings = DEFAULT_SETTINGS) -> Fee:
    """The fee of formula ``code`` for ``data``; RuleError (``fee_formula``) for an unknown code."""
    formula = FORMULAS.get(code)
    if formula is None:
        raise RuleError(
            Violation(
                field="fee_formula",
                rule="fee_unknown_formula",
                template=_T_UNKNOWN_FORMULA,
                params={"value": repr(code), "allowed": ", ".join(FORMULAS)},
            )
        )
    return formula(data, settings)
