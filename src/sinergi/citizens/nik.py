"""Nomor Induk Kependudukan (NIK): parse, mask, and keep out of logs.

Layout ``PP KK CC DDMMYY SSSS`` (regulations.md 4.3): the kecamatan of first registration, the
birth date with 40 added to the day for women, and a serial. A NIK is personal data (UU 27/2022),
so no error message or parameter produced here contains any of its digits: messages are logged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sinergi.rules import RuleError, Violation, gettext_noop

__all__ = ["NIK_IN_TEXT", "NikInfo", "mask_nik", "parse_nik", "scrub_niks"]

ARTICLE = "UU 23/2006 Pasal 13 jo. UU 24/2013"
FIELD = "nik"
FEMALE_DAY_OFFSET = 40

# ASCII only: ``\d`` would also accept Arabic-Indic or full-width digits.
_NIK_RE = re.compile(r"[0-9]{16}")
NIK_IN_TEXT: re.Pattern[str] = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
"""A 16-digit run that is not part of a longer digit run; for scrubbing logs."""

_SEPARATORS = frozenset(".-/")


@dataclass(frozen=True, slots=True)
class NikInfo:
    """What a NIK says about its holder; the NIK itself is deliberately not kept."""

    kecamatan_code: str  # "PP.KK.CC", the kecamatan of first registration
    birth_date: date
    sex: Literal["L", "P"]
    serial: str


def _violation(rule: str, template: str, **params: str) -> Violation:
    return Violation(field=FIELD, rule=rule, template=template, params=params, article=ARTICLE)


def _format_violation(nik: str) -> Violation:
    if any(char.isspace() or char in _SEPARATORS for char in nik):
        return _violation(
            "nik_format",
            gettext_noop("Write the NIK as 16 digits without spaces, dots, dashes or slashes."),
        )
    if not all("0" <= char <= "9" for char in nik):
        return _violation("nik_format", gettext_noop("A NIK contains only the digits 0-9."))
    return _violation(
        "nik_format",
        gettext_noop("A NIK has exactly 16 digits, not {length}."),
        length=str(len(nik)),
    )


def _birth_date(day: int, month: int, yy: int, today: date) -> date | None:
    """Resolve the two-digit year, then check the calendar; None if no such date.

    The century is not recorded, so take 20YY unless that would be after ``today``, then 19YY:
    the youngest reading is the likelier one now that NIKs are issued at birth, and a holder
    over 100 (born before ``today`` minus 100 years) cannot be told apart anyway. The choice is
    made on the digits, before the calendar check, so 29-02-00 is 2000-02-29 when ``today`` is
    on or after that day, and the non-existent 1900-02-29 before it.
    """
    year = (
        2000 + yy if (2000 + yy, month, day) <= (today.year, today.month, today.day) else 1900 + yy
    )
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_nik(nik: str, *, kecamatan_exists: Callable[[str], bool], today: date) -> NikInfo:
    """Decode a NIK; raise RuleError listing every broken rule.

    ``kecamatan_exists`` gets ``"PP.KK.CC"`` and must answer for current *and* retired codes:
    a NIK keeps the code of first registration (91.01 Merauke is now 93.01).
    """
    if _NIK_RE.fullmatch(nik) is None:
        raise RuleError(_format_violation(nik))
    violations: list[Violation] = []
    kecamatan_code = f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
    if not kecamatan_exists(kecamatan_code):
        violations.append(
            _violation(
                "nik_region_unknown",
                gettext_noop(
                    "The first six digits of the NIK are not a kecamatan in any official "
                    "region list."
                ),
            )
        )
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex: Literal["L", "P"] = "P" if day > FEMALE_DAY_OFFSET else "L"
    if sex == "P":
        day -= FEMALE_DAY_OFFSET
    birth_date = _birth_date(day, month, yy, today) if 1 <= day <= 31 else None
    if birth_date is None:
        violations.append(
            _violation(
                "nik_birth_date",
                gettext_noop(
                    "Digits 7-12 of the NIK are not a birth date DDMMYY (women: day + 40, "
                    "so 01-31 or 41-71)."
                ),
            )
        )
    elif birth_date > today:
        # Only reachable when ``today`` is before 2000 (19YY is then possibly in the future).
        violations.append(
            _violation(
                "nik_birth_date_future",
                gettext_noop("The birth date in the NIK is after today."),
            )
        )
    if violations:
        raise RuleError(*violations)
    assert birth_date is not None
    return NikInfo(kecamatan_code=kecamatan_code, birth_date=birth_date, sex=sex, serial=nik[12:])


def mask_nik(nik: str) -> str:
    """Hide all but the last four characters: ``"************1234"``.

    Strings of four characters or fewer are hidden entirely, since their tail is all there is.
    """
    if len(nik) <= 4:
        return "*" * len(nik)
    return "*" * (len(nik) - 4) + nik[-4:]


def _mask_match(match: re.Match[str]) -> str:
    return mask_nik(match.group())


def scrub_niks(text: str) -> str:
    """Mask every NIK-looking 16-digit run; valid or not, it may be someone's NIK."""
    return NIK_IN_TEXT.sub(_mask_match, text)
