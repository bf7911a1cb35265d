"""``sinergi documents verify-qr|verify-pdf|keys|sign-pending``: decisions' documents.

* ``verify-qr PAYLOAD`` checks a scanned QR text (the verification address or the payload):
  its signature with the agency's published key, then whether the decision still holds.
  ``--public-key FILE`` (a PEM certificate or public key) checks the signature offline, with
  no database: what a holder of the agency's key can check anywhere. Exits 1 unless valid.
* ``verify-pdf FILE`` validates the PDF's PAdES signature with pyHanko, then its status.
* ``keys [--agency CODE ...]`` makes (if missing) and publishes agencies' signing keys.
* ``sign-pending`` signs every decision not signed yet (what the worker's task does).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from sinergi.documents import payload, verification


class Command(BaseCommand):
    help = "Decisions' documents: verify QR payloads and PDFs, manage signing keys."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        qr = sub.add_parser("verify-qr", help="Check a QR payload (or verification address).")
        qr.add_argument("payload")
        qr.add_argument("--public-key", type=Path, help="Check offline with this PEM key.")
        pdf = sub.add_parser("verify-pdf", help="Validate a decision PDF's signature.")
        pdf.add_argument("file", type=Path)
        keys = sub.add_parser("keys", help="Make and publish agencies' signing keys.")
        keys.add_argument("--agency", action="append", default=[], metavar="CODE")
        sub.add_parser("sign-pending", help="Sign every decision not signed yet.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verify-qr":
            self._verify_qr(options["payload"], options["public_key"])
        elif action == "verify-pdf":
            self._verify_pdf(options["file"])
        elif action == "keys":
            self._keys(options["agency"])
        else:
            self._sign_pending()

    def _describe(self, claims: dict[str, Any]) -> str:
        get = claims.get
        return (
            f"{get('n', '')} agency {get('a', '')} issued {get('d', '')} outcome {get('o', '')} "
            f"(document {get('i', '')}, key {get('k', '')})"
        )

    def _verify_qr(self, text: str, public_key: Path | None) -> None:
        if public_key is not None:
            if not public_key.is_file():
                raise CommandError(f"{public_key}: no such file")
            try:
                key = verification.load_public_key(public_key.read_bytes())
            except ValueError as exc:
                raise CommandError(f"{public_key}: {exc}") from exc
            check = payload.verify(text, {payload.key_id(key): key})
            if not check.valid:
                raise CommandError(f"invalid: {gettext(check.reason)}")
            self.stdout.write(f"signature valid (offline): {self._describe(dict(check.claims))}")
            return
        answer = verification.verify_qr(text)
        if answer.status == verification.VALID:
            _, claims, _ = payload.parse(text)
            self.stdout.write(f"valid: {self._describe(claims)}")
            return
        if answer.status == verification.REVOKED:
            why = answer.revocation
            raise CommandError(
                f"revoked: {answer.summary.get('number')} ({why.get('kind')}: "
                f"{why.get('defect', '')} {gettext(str(why.get('reasons', '')))})".strip()
            )
        raise CommandError(f"{answer.status}: {gettext(answer.reason)}")

    def _verify_pdf(self, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        check, answer = verification.verify_pdf(path.read_bytes())
        if answer.status != verification.VALID:
            raise CommandError(f"{answer.status}: {gettext(answer.reason)}")
        number = answer.summary["number"]
        self.stdout.write(f"valid: {number} signed by {check.signer} (intact, trusted)")

    def _keys(self, codes: list[str]) -> None:
        from sinergi.documents.actions import publish_certificate
        from sinergi.documents.models import Decision
        from sinergi.documents.signing import SigningUnavailable, get_signer
        from sinergi.registry.models import Agency

        if codes:
            agencies = list(Agency.objects.filter(code__in=codes))
            missing = sorted(set(codes) - {a.code for a in agencies})
            if missing:
                raise CommandError(f"unknown agency: {', '.join(missing)}")
        else:  # every agency that has issued a decision or owns a step of a service
            ids = set(Decision.objects.values_list("agency_id", flat=True))
            agencies = list(Agency.objects.filter(pk__in=ids))
        signer = get_signer()
        for agency in agencies:
            try:
                row = publish_certificate(agency, signer.certificate(agency))
            except SigningUnavailable as exc:
                raise CommandError(f"{agency.code}: no signing key here") from exc
            self.stdout.write(f"{agency.code}: key {row.key_id} valid to {row.valid_to:%Y-%m-%d}")

    def _sign_pending(self) -> None:
        from sinergi.documents.actions import ensure_signed
        from sinergi.documents.models import Decision

        count = 0
        for decision in Decision.objects.select_related("agency").filter(pdf_sha256=""):
            ensure_signed(decision)
            count += 1
        self.stdout.write(f"{count} decisions signed")
