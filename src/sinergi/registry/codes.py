"""Kemendagri region codes (kode wilayah) and BPS statistical codes.

Two code systems name Indonesian regions and they disagree (BPS ``1101`` is Simeulue, Kemendagri
``11.01`` is Aceh Selatan), so they are parsed by separate functions and never derived from each
other (regulations.md 5.2).

The rules below were checked against every code of Kepmendagri 300.2.2-2138/2025 (91,599 codes)
and every code added, retired or moved in the official lists of 2016-2025 (1,363 codes); all pass.
What the data showed, beyond the documented patterns:

* province codes use island groups 1, 2, 3, 5, 6, 7, 8, 9 and never group 4 or 0, and the
  second digit (order of formation) is never 0;
* kab/kota numbers seen are 01-29 (kabupaten) and 71-79 (kota); every name matches its range;
* kecamatan numbers seen are 01-68; desa/kelurahan serials (last three digits) start at 001;
* desa/kelurahan first digits are only 1 (8,496 kelurahan), 2 (75,252 desa) and 3 (14 desa adat,
  all in Papua), so nothing outside the documented 1/2/3 needs to be accepted.

Surrounding whitespace is refused, not stripped: a code is an identifier, and silently changing
the input would hide a broken import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from sinergi.rules import RuleError, Violation, gettext_noop

__all__ = [
    "RegionCode",
    "RegionKind",
    "RegionLevel",
    "parse_bps_code",
    "parse_region_code",
]

CODIFICATION_RULES = "Permendagri 58/2021"
CURRENT_LIST = "Kepmendagri 300.2.2-2138/2025"

RegionKind = Literal["provinsi", "kabupaten", "kota", "kecamatan", "kelurahan", "desa", "desa_adat"]


class RegionLevel(StrEnum):
    PROVINSI = "provinsi"
    KABUPATEN_KOTA = "kabupaten_kota"
    KECAMATAN = "kecamatan"
    DESA_KELURAHAN = "desa_kelurahan"


@dataclass(frozen=True, slots=True)
class RegionCode:
    """A syntactically valid Kemendagri code; whether it is in a given list is checked elsewhere."""

    code: str
    level: RegionLevel
    parent: str | None
    kind: RegionKind


# [0-9], not \d: \d also matches Arabic-Indic and other Unicode digits.
_REGION_RE = re.compile(r"([0-9])([0-9])(?:\.([0-9]{2})(?:\.([0-9]{2})(?:\.([0-9])([0-9]{3}))?)?)?")
_BPS_RE = re.compile(r"[0-9]{2}(?:[0-9]{2}(?:[0-9]{3}(?:[0-9]{3})?)?)?")

# Island groups west to east; 4 is not assigned in any official list 2016-2025.
_ISLAND_GROUPS = frozenset("12356789")
_VILLAGE_KINDS: dict[str, RegionKind] = {"1": "kelurahan", "2": "desa", "3": "desa_adat"}

# Plain module globals: cheaper than enum attribute lookups on the hot path.
_PROVINSI = RegionLevel.PROVINSI
_KABUPATEN_KOTA = RegionLevel.KABUPATEN_KOTA
_KECAMATAN = RegionLevel.KECAMATAN
_DESA_KELURAHAN = RegionLevel.DESA_KELURAHAN


def parse_region_code(code: str, field: str = "code") -> RegionCode:
    """Parse ``PP``, ``PP.KK``, ``PP.KK.CC`` or ``PP.KK.CC.DDDD``; raise RuleError if malformed.

    Hot path: a loader calls this for every row of the list, so a valid code costs one
    precompiled match and a few string comparisons; violations are only built on failure.
    """
    match = _REGION_RE.fullmatch(code)
    if match is None:
        raise RuleError(_format_violation(code, field))
    group, order, kabkota, kecamatan, village_kind, village_serial = match.groups()
    if group in _ISLAND_GROUPS and order != "0":
        if kabkota is None:
            return RegionCode(code, _PROVINSI, None, "provinsi")
        if kabkota != "00" and kabkota != "70":
            if kecamatan is None:
                # 01-69 kabupaten, 71-99 kota; two-digit strings compare like numbers.
                kind: RegionKind = "kabupaten" if kabkota < "70" else "kota"
                return RegionCode(code, _KABUPATEN_KOTA, code[:2], kind)
            if kecamatan != "00":
                if village_kind is None:
                    return RegionCode(code, _KECAMATAN, code[:5], "kecamatan")
                village = _VILLAGE_KINDS.get(village_kind)
                if village is not None and village_serial != "000":
                    return RegionCode(code, _DESA_KELURAHAN, code[:8], village)
    raise RuleError(*_number_violations(code, field, match.groups()))


def _violation(
    field: str, rule: str, template: str, code: str, article: str = CODIFICATION_RULES
) -> Violation:
    return Violation(
        field=field, rule=rule, template=template, params={"code": code}, article=article
    )


def _format_violation(code: str, field: str) -> Violation:
    if code != code.strip():
        return _violation(
            field,
            "region_code_whitespace",
            gettext_noop("Region code '{code}' has spaces around it; remove them."),
            code.strip(),
        )
    return _violation(
        field,
        "region_code_format",
        gettext_noop(
            "Region code '{code}' must be PP, PP.KK, PP.KK.CC or PP.KK.CC.DDDD "
            "(digits, dot-separated)."
        ),
        code,
    )


def _number_violations(code: str, field: str, parts: tuple[str | None, ...]) -> list[Violation]:
    """Every number rule the well-formed ``code`` breaks (the slow path, all at once)."""
    group, order, kabkota, kecamatan, village_kind, village_serial = parts
    violations: list[Violation] = []
    if group not in _ISLAND_GROUPS:
        violations.append(
            _violation(
                field,
                "region_province_group",
                gettext_noop(
                    "Region code '{code}': the first digit of the province must be an island "
                    "group (1, 2, 3, 5, 6, 7, 8 or 9)."
                ),
                code,
            )
        )
    if order == "0":
        violations.append(
            _violation(
                field,
                "region_province_order",
                gettext_noop(
                    "Region code '{code}': the second digit of the province (order of formation) "
                    "cannot be 0."
                ),
                code,
            )
        )
    if kabkota in ("00", "70"):
        violations.append(
            _violation(
                field,
                "region_kabkota_number",
                gettext_noop(
                    "Region code '{code}': kab/kota number must be 01-69 (kabupaten) "
                    "or 71-99 (kota)."
                ),
                code,
            )
        )
    if kecamatan == "00":
        violations.append(
            _violation(
                field,
                "region_kecamatan_number",
                gettext_noop("Region code '{code}': kecamatan number cannot be 00."),
                code,
            )
        )
    if village_kind is not None and village_kind not in _VILLAGE_KINDS:
        violations.append(
            _violation(
                field,
                "region_village_kind",
                gettext_noop(
                    "Region code '{code}': a desa/kelurahan number must start with "
                    "1 (kelurahan), 2 (desa) or 3 (desa adat)."
                ),
                code,
            )
        )
    if village_serial == "000":
        violations.append(
            _violation(
                field,
                "region_village_number",
                gettext_noop(
                    "Region code '{code}': the last three digits of a desa/kelurahan number "
                    "cannot be 000."
                ),
                code,
                CURRENT_LIST,
            )
        )
    return violations


def parse_bps_code(code: str, field: str = "bps_code") -> str:
    """Check a BPS statistical code (2, 4, 7 or 10 digits, no dots) and return it unchanged.

    Only the shape is checked: BPS numbering differs from Kemendagri numbering, so nothing about
    it can be inferred from, or checked against, a Kemendagri code.
    """
    if _BPS_RE.fullmatch(code) is None:
        raise RuleError(
            Violation(
                field=field,
                rule="bps_code_format",
                template=gettext_noop(
                    "BPS code '{code}' must be 2, 4, 7 or 10 digits without dots "
                    "(province, kab/kota, kecamatan, desa)."
                ),
                params={"code": code},
                # No article: the BPS numbering rules are set by BPS, not cited in regulations.md.
            )
        )
    return code
