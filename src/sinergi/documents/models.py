"""Decisions issued (Keputusan), their signed documents, annulments and the agencies' keys."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def decision_key(text: str) -> uuid.UUID | None:
    """A decision's id from the text of an address or a request (None when it is not one)."""
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


class Decision(models.Model):
    """One decision: its content is frozen at issue; the signed PDF is made from it after
    the deciding transaction commits (or on first download)."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        ANNULLED = "annulled", _("Annulled")
        SUPERSEDED = "superseded", _("Superseded")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("number"), max_length=80, unique=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="decisions", null=True, blank=True
    )
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20)
    issued_at = models.DateTimeField(_("issued at"), db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content = models.JSONField(_("content"))
    content_digest = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.VALID, db_index=True
    )
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    # The signed document, once made.
    qr_payload = models.TextField(blank=True)
    pdf = models.FileField(upload_to="decisions/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    key_id = models.CharField(max_length=16, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.number

    def pdf_bytes(self) -> bytes:
        """The signed PDF (made on first call if the worker has not made it yet)."""
        from sinergi.documents.actions import pdf_bytes

        return pdf_bytes(self)


class Annulment(models.Model):
    """Pembatalan (UU 30/2014 Pasal 64-66): only for a defect of authority, procedure or
    substance, with its reasons and the legal basis of the annulling act."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="annulment")
    defect = models.CharField(_("defect"), max_length=12)
    annulled_by = models.CharField(_("annulled by"), max_length=12)
    reasons = models.TextField(_("reasons"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    discovered_on = models.DateField(_("defect found on"))
    due_by = models.DateField(_("to be annulled by"))
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    basis = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.decision} ({self.defect})"


class DecisionCounter(models.Model):
    """The last decision number an agency gave in a year (numbers run per agency per year)."""

    agency = models.ForeignKey("registry.Agency", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="decision_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"


class SigningCertificate(models.Model):
    """An agency's public signing certificate, published so that anyone can verify its
    documents and QR payloads offline. The private key stays with the signer."""

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    key_id = models.CharField(max_length=16, unique=True)
    certificate_pem = models.TextField()
    issuer = models.CharField(max_length=250)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency_id", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.key_id}"
