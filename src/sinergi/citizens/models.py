"""Citizens known to the platform, identified by their NIK."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.citizens.nik import mask_nik


class Citizen(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citizen",
        help_text=_("Empty for a walk-in citizen served at a front desk without an account."),
    )
    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=[("L", _("Male")), ("P", _("Female"))])
    domicile = models.ForeignKey(
        "registry.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("domicile (village)"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.masked_nik})"

    def __repr__(self) -> str:
        return f"<Citizen {self.pk} {self.masked_nik}>"

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext

        from sinergi.citizens.validation import check_nik
        from sinergi.rules import RuleError

        try:
            info = check_nik(self.nik)
        except RuleError as exc:
            raise ValidationError({"nik": [v.translated(gettext) for v in exc.violations]}) from exc
        if self.birth_date and str(self.birth_date) != info.birth_date.isoformat():
            raise ValidationError(
                {"birth_date": gettext("The date of birth does not match the NIK.")}
            )
        if self.sex and self.sex != info.sex:
            raise ValidationError({"sex": gettext("The sex does not match the NIK.")})
