"""The local key store: a signing CA of this installation and one key per agency.

Files under ``SINERGI["SIGNING_KEYS_DIR"]`` (default ``var/keys``): ``ca.key.pem`` and
``ca.cert.pem``, and ``agencies/<code>.key.pem`` / ``<code>.cert.pem``. Keys are ECDSA
P-256. Each agency's certificate is also published as a ``SigningCertificate`` row, so that
verification (of PDFs and of QR payloads) needs no private file. An installation that signs
with a certified provider (BSrE) configures another ``DOCUMENT_SIGNER`` and its trust roots
(``SIGNING_TRUST_ROOTS``) instead; nothing here is used then.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from sinergi.documents.payload import key_id

CA_YEARS = 10
AGENCY_YEARS = 5


@dataclass(frozen=True)
class KeyPair:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def key_id(self) -> str:
        return key_id(self.certificate.public_key())  # type: ignore[arg-type]


def keys_dir() -> Path:
    return Path(settings.SINERGI["SIGNING_KEYS_DIR"])


def _write_new(path: Path, data: bytes, private: bool) -> bool:
    """Create ``path`` with ``data`` unless it exists (O_EXCL: one writer wins a race)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return True


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _name(common: str, organisation: str) -> x509.Name:
    """Subject names; X.520 bounds both at 64 characters (a long agency name is cut)."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common[:64]),
        ]
    )


def _key_usage(*, certifies: bool) -> x509.KeyUsage:
    """A CA signs certificates and revocation lists; an agency's key signs documents
    (digital signature and non-repudiation, "content commitment")."""
    return x509.KeyUsage(
        digital_signature=not certifies,
        content_commitment=not certifies,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=certifies,
        crl_sign=certifies,
        encipher_only=False,
        decipher_only=False,
    )


def _load(stem: Path) -> KeyPair | None:
    key_path, cert_path = stem.with_suffix(".key.pem"), stem.with_suffix(".cert.pem")
    if not (key_path.exists() and cert_path.exists()):
        return None
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{key_path} is not an EC private key")
    return KeyPair(key, x509.load_pem_x509_certificate(cert_path.read_bytes()))


def _store(stem: Path, pair: KeyPair) -> KeyPair:
    """Write a new pair; if another process wrote one first, return that one instead."""
    wrote = _write_new(stem.with_suffix(".key.pem"), _key_pem(pair.key), private=True)
    if wrote:
        stem.with_suffix(".cert.pem").write_bytes(
            pair.certificate.public_bytes(serialization.Encoding.PEM)
        )
        return pair
    for _attempt in range(50):  # the other writer is between its two files
        existing = _load(stem)
        if existing is not None:
            return existing

        time.sleep(0.05)
    raise RuntimeError(f"signing key {stem} is incomplete")


def certificate_authority() -> KeyPair:
    """This installation's signing CA, made on first use."""
    stem = keys_dir() / "ca"
    existing = _load(stem)
    if existing is not None:
        return existing
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(settings.SINERGI["SIGNING_CA_NAME"], "Sinergi")
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            _key_usage(certifies=True),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return _store(stem, KeyPair(key, cert))


def agency_key(code: str, *, common_name: str, organisation: str, create: bool) -> KeyPair | None:
    """The agency's signing key; made (and signed by the local CA) when ``create`` is set."""
    stem = keys_dir() / "agencies" / code
    existing = _load(stem)
    if existing is not None or not create:
        return existing
    ca = certificate_authority()
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * AGENCY_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            _key_usage(certifies=False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    return _store(stem, KeyPair(key, cert))


def trust_roots() -> list[x509.Certificate]:
    """The roots a signature must chain to: the local CA (when it exists) and any configured."""
    roots: list[x509.Certificate] = []
    ca_cert = keys_dir() / "ca.cert.pem"
    if ca_cert.exists():
        roots.append(x509.load_pem_x509_certificate(ca_cert.read_bytes()))
    for path in settings.SINERGI["SIGNING_TRUST_ROOTS"]:
        roots.extend(x509.load_pem_x509_certificates(Path(path).read_bytes()))
    return roots
