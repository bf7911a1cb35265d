"""NIK rules (regulations.md 4.3 and 9 item 11), table-driven and named after the rule.

All NIKs here are synthetic (UU 27/2022): real kecamatan codes, made-up dates and serials.
"""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sinergi.registry
from sinergi.citizens.nik import NIK_IN_TEXT, NikInfo, mask_nik, parse_nik, scrub_niks
from sinergi.rules import RuleError

_SHARED_DATA = Path("/work/shared/data")

TODAY = date(2025, 6, 30)
GAMBIR = "31.71.01"  # Kota Jakarta Pusat, in the 2025 list
GUBENG = "35.78.08"  # Kota Surabaya, in the 2025 list
MERAUKE_NOW = "93.01.01"  # Merauke since Papua Selatan (2023 list)
MERAUKE_OLD = "91.01.01"  # Merauke in the 2016-2022 lists; NIKs issued then keep it
CURRENT = frozenset({GAMBIR, GUBENG, MERAUKE_NOW})
WITH_HISTORY = CURRENT | {MERAUKE_OLD}


def data_file(name: str) -> Path:
    """The project's copy of a reference CSV, else the shared one; skip if neither exists."""
    for folder in (Path(sinergi.registry.__file__).parent / "data", _SHARED_DATA):
        if (folder / name).is_file():
            return folder / name
    pytest.skip(f"reference data {name} not found in src/sinergi/registry/data/ or {_SHARED_DATA}")


def kecamatan_codes(name: str) -> dict[str, str]:
    """Kecamatan code -> name from one of the region CSVs."""
    with data_file(name).open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return {
            row["kode"]: row.get("nama") or row["nama_terakhir"]
            for row in rows
            if row["kode"].count(".") == 2
        }


def parse(nik: str, known: frozenset[str] = WITH_HISTORY, today: date = TODAY) -> NikInfo:
    return parse_nik(nik, kecamatan_exists=known.__contains__, today=today)


def refused(nik: str, known: frozenset[str] = WITH_HISTORY, today: date = TODAY) -> list[str]:
    """Rule codes of a refused NIK, after checking they all name the field "nik"."""
    with pytest.raises(RuleError) as error:
        parse(nik, known, today)
    assert {v.field for v in error.value.violations} == {"nik"}
    return [v.rule for v in error.value.violations]


def encode(kecamatan: str, born: date, sex: Literal["L", "P"], serial: str) -> str:
    day = born.day + (40 if sex == "P" else 0)
    return f"{kecamatan.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{serial}"


# --- accepted ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nik", "expected"),
    [
        pytest.param(
            "3578080102030001",
            NikInfo(GUBENG, date(2003, 2, 1), "L", "0001"),
            id="regulations-example-male",
        ),
        pytest.param(
            "3578084102030001",
            NikInfo(GUBENG, date(2003, 2, 1), "P", "0001"),
            id="female-day-plus-40",
        ),
        pytest.param(
            "3171015708450001",
            NikInfo(GAMBIR, date(1945, 8, 17), "P", "0001"),
            id="stdnum-example-1945",
        ),
        pytest.param(
            "3171017112990042",
            NikInfo(GAMBIR, date(1999, 12, 31), "P", "0042"),
            id="female-day-71",
        ),
        pytest.param(
            "9101010101100000",
            NikInfo(MERAUKE_OLD, date(2010, 1, 1), "L", "0000"),
            id="historical-merauke-and-serial-0000",
        ),
        pytest.param(
            "9301013112249999",
            NikInfo(MERAUKE_NOW, date(2024, 12, 31), "L", "9999"),
            id="current-merauke",
        ),
    ],
)
def test_valid_nik_is_decoded(nik: str, expected: NikInfo) -> None:
    assert parse(nik) == expected


# --- nik_format ----------------------------------------------------------------------------

ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + i) for i in range(10)))
FULL_WIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + i) for i in range(10)))
SEPARATORS = "Write the NIK as 16 digits without spaces, dots, dashes or slashes."
DIGITS_ONLY = "A NIK contains only the digits 0-9."


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("357808010203000", "A NIK has exactly 16 digits, not 15."),
        ("35780801020300011", "A NIK has exactly 16 digits, not 17."),
        ("", "A NIK has exactly 16 digits, not 0."),
        ("3578 0801 0203 0001", SEPARATORS),
        ("3578.08.010203.0001", SEPARATORS),
        ("3578-0801-0203-0001", SEPARATORS),
        (" 3578080102030001", SEPARATORS),
        ("3578080102030001\n", SEPARATORS),
        ("357808010203000A", DIGITS_ONLY),
        ("3578080102030001".translate(ARABIC_INDIC), DIGITS_ONLY),
        ("3578080102030001".translate(FULL_WIDTH), DIGITS_ONLY),
    ],
)
def test_nik_format(nik: str, message: str) -> None:
    with pytest.raises(RuleError) as error:
        parse(nik)
    (violation,) = error.value.violations
    assert (violation.field, violation.rule, violation.message) == ("nik", "nik_format", message)


# --- nik_region_unknown --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nik", "known", "rules"),
    [
        pytest.param("9101010101100001", WITH_HISTORY, [], id="historical-code-with-history"),
        pytest.param(
            "9101010101100001", CURRENT, ["nik_region_unknown"], id="historical-code-current-only"
        ),
        pytest.param("3171990101100001", WITH_HISTORY, ["nik_region_unknown"], id="no-such-code"),
        pytest.param("0000000101100001", WITH_HISTORY, ["nik_region_unknown"], id="zeros"),
    ],
)
def test_nik_region_unknown(nik: str, known: frozenset[str], rules: list[str]) -> None:
    if rules:
        assert refused(nik, known) == rules
    else:
        assert parse(nik, known).kecamatan_code == MERAUKE_OLD


def test_lookup_receives_the_dotted_kecamatan_code() -> None:
    asked: list[str] = []

    def exists(code: str) -> bool:
        asked.append(code)
        return True

    parse_nik("3578080102030001", kecamatan_exists=exists, today=TODAY)
    assert asked == [GUBENG]


# --- nik_birth_date ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ddmmyy", "today", "birth_date"),
    [
        pytest.param("290224", TODAY, date(2024, 2, 29), id="29-feb-leap-year-male"),
        pytest.param("690224", TODAY, date(2024, 2, 29), id="29-feb-leap-year-female"),
        pytest.param("290200", TODAY, date(2000, 2, 29), id="29-feb-2000-is-leap"),
        pytest.param("290296", TODAY, date(1996, 2, 29), id="29-feb-1996"),
        # century: 20YY unless that is after today, then 19YY
        pytest.param("300625", TODAY, date(2025, 6, 30), id="century-today-is-20yy"),
        pytest.param("010725", TODAY, date(1925, 7, 1), id="century-tomorrow-is-19yy"),
        pytest.param("700625", TODAY, date(2025, 6, 30), id="century-female-today-is-20yy"),
        pytest.param("410725", TODAY, date(1925, 7, 1), id="century-female-tomorrow-is-19yy"),
        pytest.param("010100", TODAY, date(2000, 1, 1), id="century-00-is-2000"),
        pytest.param("311299", TODAY, date(1999, 12, 31), id="century-99-is-1999"),
        pytest.param("311299", date(2099, 12, 31), date(2099, 12, 31), id="century-in-2099"),
    ],
)
def test_nik_birth_date_accepted(ddmmyy: str, today: date, birth_date: date) -> None:
    info = parse(f"317101{ddmmyy}0001", today=today)
    assert (info.birth_date, info.sex) == (birth_date, "P" if ddmmyy[0] >= "4" else "L")


@pytest.mark.parametrize(
    ("ddmmyy", "today"),
    [
        pytest.param("290223", TODAY, id="29-feb-non-leap-year-male"),
        pytest.param("690223", TODAY, id="29-feb-non-leap-year-female"),
        pytest.param("290200", date(1999, 12, 31), id="29-feb-00-before-2000-is-1900"),
        pytest.param("310225", TODAY, id="31-feb"),
        pytest.param("310425", TODAY, id="31-apr"),
        pytest.param("000125", TODAY, id="day-00"),
        pytest.param("320125", TODAY, id="day-32"),
        pytest.param("400125", TODAY, id="day-40"),
        pytest.param("720125", TODAY, id="day-72"),
        pytest.param("990125", TODAY, id="day-99"),
        pytest.param("010025", TODAY, id="month-00"),
        pytest.param("011325", TODAY, id="month-13"),
    ],
)
def test_nik_birth_date_refused(ddmmyy: str, today: date) -> None:
    assert refused(f"317101{ddmmyy}0001", today=today) == ["nik_birth_date"]


def test_nik_birth_date_future_only_when_today_is_before_2000() -> None:
    # Both readings of 01-06-99 (2099 and 1999) are after 1999-01-01.
    assert refused("3171010106990001", today=date(1999, 1, 1)) == ["nik_birth_date_future"]


def test_all_broken_rules_are_reported_together() -> None:
    assert refused("3171993102230001") == ["nik_region_unknown", "nik_birth_date"]


@pytest.mark.parametrize(
    "nik",
    [
        "3171993102230001",
        "3578 0801 0203 0001",
        "35780801020300011",
        "3171010106990001",
    ],
)
def test_no_digits_of_the_nik_leak_into_messages_or_params(nik: str) -> None:
    with pytest.raises(RuleError) as error:
        parse(nik, today=date(1999, 1, 1))
    for violation in error.value.violations:
        assert re.search(r"[0-9]{3,}", violation.message) is None, violation.message
        assert all(re.search(r"[0-9]{3,}", value) is None for value in violation.params.values())
    assert re.search(r"[0-9]{3,}", str(error.value)) is None


# --- masking and scrubbing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("3578080102030001", "************0001"),
        ("12345", "*2345"),
        ("1234", "****"),
        ("", ""),
    ],
)
def test_mask_nik(value: str, masked: str) -> None:
    assert mask_nik(value) == masked


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        (
            "nik=3578080102030001 ok",
            "nik=************0001 ok",
        ),
        (
            "NIK:3578080102030001,3171015708450002.",
            "NIK:************0001,************0002.",
        ),
        ("a3578080102030001b", "a************0001b"),
        ("15 digits 357808010203000 stay", "15 digits 357808010203000 stay"),
        ("17 digits 35780801020300011 stay", "17 digits 35780801020300011 stay"),
        ("32 digits " + "3578080102030001" * 2, "32 digits " + "3578080102030001" * 2),
        ("spaced 3578 0801 0203 0001 stays", "spaced 3578 0801 0203 0001 stays"),
        ("no digits at all", "no digits at all"),
    ],
)
def test_scrub_niks(text: str, scrubbed: str) -> None:
    assert scrub_niks(text) == scrubbed


def test_nik_in_text_finds_only_isolated_16_digit_runs() -> None:
    text = "x 3578080102030001 y 35780801020300011 z 357808010203000 w 3171015708450002"
    assert NIK_IN_TEXT.findall(text) == ["3578080102030001", "3171015708450002"]


# --- round trip ----------------------------------------------------------------------------


def _window(today: date) -> tuple[date, date]:
    """Birth dates that the century rule maps back to themselves: the 100 years up to today."""
    try:
        hundred_years_ago = today.replace(year=today.year - 100)
    except ValueError:  # 29 February in a year whose minus-100 is not leap
        hundred_years_ago = date(today.year - 100, 2, 28)
    return hundred_years_ago + timedelta(days=1), today


@st.composite
def valid_niks(draw: st.DrawFn) -> tuple[str, NikInfo, date]:
    today = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
    low, high = _window(today)
    info = NikInfo(
        kecamatan_code=draw(st.sampled_from(sorted(WITH_HISTORY))),
        birth_date=draw(st.dates(min_value=low, max_value=high)),
        sex=draw(st.sampled_from(["L", "P"])),
        serial=draw(st.from_regex(r"[0-9]{4}", fullmatch=True)),
    )
    return encode(info.kecamatan_code, info.birth_date, info.sex, info.serial), info, today


@given(valid_niks())
def test_parsed_fields_round_trip_to_the_digits(case: tuple[str, NikInfo, date]) -> None:
    nik, info, today = case
    parsed = parse(nik, today=today)
    assert parsed == info
    assert encode(parsed.kecamatan_code, parsed.birth_date, parsed.sex, parsed.serial) == nik


# --- against the official lists ------------------------------------------------------------


def test_example_codes_are_the_official_ones() -> None:
    current = kecamatan_codes("wilayah-kepmendagri-2025.csv")
    historical = kecamatan_codes("wilayah-historical-codes.csv")
    assert (current[GAMBIR], current[GUBENG], current[MERAUKE_NOW]) == (
        "Gambir",
        "Gubeng",
        "Merauke",
    )
    assert historical[MERAUKE_OLD] == "Merauke"
    assert MERAUKE_OLD not in current


def test_lookup_built_from_both_lists_accepts_a_retired_code() -> None:
    current = kecamatan_codes("wilayah-kepmendagri-2025.csv")
    known = frozenset(current) | frozenset(kecamatan_codes("wilayah-historical-codes.csv"))
    assert parse("9101010101100001", known).kecamatan_code == MERAUKE_OLD
    assert refused("9101010101100001", frozenset(current)) == ["nik_region_unknown"]
