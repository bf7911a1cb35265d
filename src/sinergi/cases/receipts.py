"""Receipt numbers and PINs: what a citizen keeps to track a case without an account.

A receipt number is ``SNG-YYYY-`` plus eight Crockford base-32 characters and one check
character (mod 37, ISO 7064 style), so a mistyped number is caught before any lookup.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"
RECEIPT = re.compile(r"^SNG-(\d{4})-([0-9A-HJKMNP-TV-Z]{8})([0-9A-HJKMNP-TV-Z*~$=U])$")


def _check(body: str) -> str:
    total = 0
    for char in body:
        total = (total * 32 + ALPHABET.index(char)) % 37
    return CHECK_ALPHABET[total]


def new_receipt(year: int) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"SNG-{year:04d}-{body}{_check(body)}"


def is_valid_receipt(value: str) -> bool:
    match = RECEIPT.match(value.strip().upper())
    return match is not None and _check(match.group(2)) == match.group(3)


def normalise_receipt(value: str) -> str:
    return value.strip().upper().replace("O", "0").replace("I", "1").replace("L", "1")


def new_pin() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"
