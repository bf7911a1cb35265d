"""Service points (SAMSAT offices, Mal Pelayanan Publik) where several agencies have counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ServicePointKind(models.TextChoices):
    SAMSAT = "samsat", _("SAMSAT office")
    MPP = "mpp", _("Public service mall (MPP)")
    KANTOR_BERSAMA = "kantor_bersama", _("Joint office")
    PTSP = "ptsp", _("One-stop integrated service office (PTSP)")


class ServicePoint(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=250)
    kind = models.CharField(_("kind"), max_length=20, choices=ServicePointKind.choices)
    region = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    operator = models.ForeignKey(
        "registry.Agency",
        on_delete=models.PROTECT,
        related_name="operated_points",
        verbose_name=_("operator"),
        help_text=_("The agency that runs the building and its front desk."),
    )
    agencies = models.ManyToManyField(
        "registry.Agency", through="ServiceCounter", related_name="service_points"
    )

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ServiceCounter(models.Model):
    """One agency's counter at a service point."""

    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="counters"
    )
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="counters")
    label = models.CharField(_("counter"), max_length=100)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        constraints = [
            models.UniqueConstraint(
                fields=["service_point", "label"], name="counter_label_unique_per_point"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_point}: {self.label}"


class ServicePointStaff(models.Model):
    """A front-desk officer posted at a service point for a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="desk_postings"
    )
    service_point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT, related_name="staff")
    valid_from = models.DateTimeField(_("from"))
    valid_to = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("front-desk posting")
        verbose_name_plural = _("front-desk postings")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="desk_posting_period_not_empty",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.service_point}"
