"""Signing adapters: who holds an agency's key and how a document is signed with it.

Callers use ``get_signer()`` and the ``DocumentSigner`` interface only, so an installation
can move from the local key store to a certified provider (BSrE, through its signing API or
a PKCS#11 module that pyHanko drives) by setting ``SINERGI_DOCUMENT_SIGNER`` to another class,
without changing what issues or verifies documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from io import BytesIO
from typing import Any, Protocol

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.utils.module_loading import import_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from sinergi.documents import keys, payload


class SigningUnavailable(Exception):
    """The agency has no signing key here (and this installation does not make one)."""


class SigningAgency(Protocol):
    """What a signer needs to know of an agency (``registry.Agency`` is one)."""

    code: str
    name: str
    short_name: str


class DocumentSigner(Protocol):
    def certificate(self, agency: SigningAgency) -> x509.Certificate:
        """The agency's current signing certificate."""
        ...

    def sign_payload(self, claims: Mapping[str, Any], agency: SigningAgency) -> str:
        """A QR payload for ``claims`` (without ``k``: the signer adds its key id)."""
        ...

    def sign_pdf(self, pdf: bytes, *, agency: SigningAgency, reason: str, location: str) -> bytes:
        """The PDF with a PAdES signature of the agency added."""
        ...


def asn1_certificate(cert: x509.Certificate) -> asn1_x509.Certificate:
    """The certificate as pyHanko takes it (asn1crypto)."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class LocalKeySigner:
    """Keys in the local key store (``documents.keys``), signed by this installation's CA;
    an agency's key is made on first use when ``SIGNING_CREATE_KEYS`` is on (development and
    demo), otherwise it must have been made with ``sinergi documents keys``."""

    def _pair(self, agency: SigningAgency) -> keys.KeyPair:
        pair = keys.agency_key(
            agency.code,
            common_name=agency.short_name or agency.code,
            organisation=agency.name,
            create=bool(settings.SINERGI["SIGNING_CREATE_KEYS"]),
        )
        if pair is None:
            raise SigningUnavailable(agency.code)
        return pair

    def certificate(self, agency: SigningAgency) -> x509.Certificate:
        return self._pair(agency).certificate

    def sign_payload(self, claims: Mapping[str, Any], agency: SigningAgency) -> str:
        pair = self._pair(agency)
        return payload.sign({**claims, "k": pair.key_id}, pair.key)

    def sign_pdf(self, pdf: bytes, *, agency: SigningAgency, reason: str, location: str) -> bytes:
        pair = self._pair(agency)
        ca = keys.certificate_authority()
        signer = signers.SimpleSigner(
            signing_cert=asn1_certificate(pair.certificate),
            signing_key=asn1_keys.PrivateKeyInfo.load(
                pair.key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
            cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
                [asn1_certificate(ca.certificate)]
            ),
        )
        meta = signers.PdfSignatureMetadata(
            field_name="Keputusan",
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=reason,
            location=location,
            name=agency.name,
        )
        out = BytesIO()
        signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), meta, signer=signer, output=out)
        return out.getvalue()


@cache
def _signer(path: str) -> DocumentSigner:
    signer: DocumentSigner = import_string(path)()
    return signer


def get_signer() -> DocumentSigner:
    return _signer(str(settings.SINERGI["DOCUMENT_SIGNER"]))
