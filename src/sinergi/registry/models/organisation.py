"""Units, positions (jabatan) and the people who hold them for a period."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    agency = models.ForeignKey(
        "registry.Agency", on_delete=models.PROTECT, related_name="units", verbose_name=_("agency")
    )
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=250)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="unit_code_unique")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent and self.parent.agency_id != self.agency_id:
            raise ValidationError(
                {"parent": gettext("A parent unit must belong to the same agency.")}
            )


class Position(models.Model):
    """A jabatan: authority is granted to positions, not to people."""

    agency = models.ForeignKey(
        "registry.Agency",
        on_delete=models.PROTECT,
        related_name="positions",
        verbose_name=_("agency"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("unit"),
    )
    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=250)
    is_head = models.BooleanField(_("head of the agency"), default=False)
    superior = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subordinates",
        verbose_name=_("superior"),
    )

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["agency__code", "code"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.unit_id and self.unit and self.unit.agency_id != self.agency_id:
            errors["unit"] = gettext("The unit must belong to the position's agency.")
        seen: set[int] = set()
        superior = self.superior
        while superior is not None:
            if superior.pk == self.pk or superior.pk in seen:
                errors["superior"] = gettext("A position cannot be its own superior.")
                break
            seen.add(superior.pk)
            superior = superior.superior
        if errors:
            raise ValidationError(errors)


class AppointmentKind(models.TextChoices):
    DEFINITIF = "definitif", _("Definitive")
    PLT = "plt", _("Acting (Plt)")
    PLH = "plh", _("Daily executive (Plh)")


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def active_at(self, at: datetime) -> AppointmentQuerySet:
        return self.filter(valid_from__lte=at).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))


class Appointment(models.Model):
    """An official: a person holding a position for a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("person"),
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("position"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=AppointmentKind.choices, default=AppointmentKind.DEFINITIF
    )
    valid_from = models.DateTimeField(_("from"))
    valid_to = models.DateTimeField(_("until"), null=True, blank=True)
    decree = models.CharField(_("appointment decree"), max_length=200, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="appointment_period_not_empty",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.position}"

    def clean(self) -> None:
        if self.valid_to is not None and self.valid_from and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": gettext("The end must come after the start.")})
