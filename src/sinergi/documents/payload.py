"""The QR code's compact signed payload: who issued what, checkable offline.

A payload is ``SNG1.<claims>.<signature>``: the claims are canonical JSON (the audit chain's
canonical form) in base64url, the signature is ECDSA P-256 with SHA-256 over the ASCII text
``SNG1.<claims>`` by the issuing agency's key, as the raw 64 bytes r || s in base64url. The
QR code carries it in the verification address (``.../verifikasi/<id>?qr=<payload>``), so a
phone opens the public page and an offline verifier needs only the agency's public key.

Pure: no Django. Only the ``cryptography`` package.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from sinergi.audit.chain import canonical
from sinergi.rules import gettext_noop

PREFIX: Final = "SNG1"
#: Claims every payload carries: document id, number, agency, date of issue, outcome,
#: the SHA-256 of the decision's content (base64url) and the id of the signing key.
CLAIMS: Final = ("i", "n", "a", "d", "o", "h", "k")
_P256_BYTES: Final = 32

MALFORMED: Final = gettext_noop("The QR payload is not a Sinergi document payload.")
UNKNOWN_KEY: Final = gettext_noop("The payload names a signing key that is not known.")
BAD_SIGNATURE: Final = gettext_noop(
    "The payload's signature does not match: it was altered or not issued by this agency."
)
WRONG_AGENCY: Final = gettext_noop("The signing key does not belong to the agency named.")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text or any(c not in _B64_ALPHABET for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_B64_ALPHABET: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def key_id(public_key: ec.EllipticCurvePublicKey) -> str:
    """A short, stable id of a public key: 16 hex digits of the SHA-256 of its DER form."""
    from cryptography.hazmat.primitives import serialization

    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashes.Hash(hashes.SHA256())
    digest.update(der)
    return digest.finalize().hex()[:16]


def sign(claims: Mapping[str, Any], private_key: ec.EllipticCurvePrivateKey) -> str:
    """The payload text for ``claims`` (which must have exactly the CLAIMS keys)."""
    if set(claims) != set(CLAIMS):
        raise ValueError(f"claims must be exactly {CLAIMS}, got {sorted(claims)}")
    head = f"{PREFIX}.{_b64(canonical(claims))}"
    der = private_key.sign(head.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    raw = r.to_bytes(_P256_BYTES, "big") + s.to_bytes(_P256_BYTES, "big")
    return f"{head}.{_b64(raw)}"


@dataclass(frozen=True)
class PayloadCheck:
    """The answer of an offline check: ``valid`` with the claims, or the reason it is not."""

    valid: bool
    claims: Mapping[str, Any]
    reason: str = ""


def extract(text: str) -> str:
    """The payload inside a scanned QR text: the ``qr`` parameter of a verification address,
    or the text itself."""
    text = text.strip()
    if text.startswith(("http://", "https://")):
        values = parse_qs(urlsplit(text).query).get("qr", [])
        return values[0] if values else ""
    return text


def parse(text: str) -> tuple[str, dict[str, Any], bytes]:
    """Split a payload into its signed head, its claims and the raw signature; ValueError
    when it is not one."""
    parts = extract(text).split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise ValueError(MALFORMED)
    try:
        claims = json.loads(_unb64(parts[1]).decode("utf-8"))
        signature = _unb64(parts[2])
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ValueError(MALFORMED) from None
    if not isinstance(claims, dict) or set(claims) != set(CLAIMS):
        raise ValueError(MALFORMED)
    if not all(isinstance(claims[name], str) for name in CLAIMS) or len(signature) != 64:
        raise ValueError(MALFORMED)
    return f"{parts[0]}.{parts[1]}", claims, signature


def verify(
    text: str,
    public_keys: Mapping[str, ec.EllipticCurvePublicKey],
    key_agencies: Mapping[str, str] | None = None,
) -> PayloadCheck:
    """Check a payload against the known public keys (by key id). ``key_agencies`` maps a
    key id to the agency it was issued to; when given, the agency claim must match it."""
    try:
        head, claims, raw = parse(text)
    except ValueError:
        return PayloadCheck(False, {}, MALFORMED)
    key = public_keys.get(claims["k"])
    if key is None:
        return PayloadCheck(False, claims, UNKNOWN_KEY)
    der = encode_dss_signature(
        int.from_bytes(raw[:_P256_BYTES], "big"), int.from_bytes(raw[_P256_BYTES:], "big")
    )
    try:
        key.verify(der, head.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return PayloadCheck(False, claims, BAD_SIGNATURE)
    if key_agencies is not None and key_agencies.get(claims["k"]) != claims["a"]:
        return PayloadCheck(False, claims, WRONG_AGENCY)
    return PayloadCheck(True, claims)


def content_digest(content: Mapping[str, Any]) -> str:
    """SHA-256 of a decision's content in canonical JSON, base64url (the ``h`` claim)."""
    digest = hashes.Hash(hashes.SHA256())
    digest.update(canonical(content))
    return _b64(digest.finalize())
