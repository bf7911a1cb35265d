"""Administrative regions by their Kemendagri code, with every official list they appear in."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sinergi.registry.codes import RegionLevel, parse_bps_code, parse_region_code
from sinergi.rules import RuleError


class RegionList(models.Model):
    """One official list of region codes (a Permendagri or Kepmendagri)."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    decree = models.CharField(_("decree"), max_length=200)

    class Meta:
        verbose_name = _("official region list")
        verbose_name_plural = _("official region lists")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.decree}"


class Region(models.Model):
    code = models.CharField(_("Kemendagri code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(
        _("level"), max_length=20, choices=[(lv.value, lv.value) for lv in RegionLevel]
    )
    kind = models.CharField(_("kind"), max_length=20)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    bps_code = models.CharField(_("BPS code"), max_length=10, blank=True)
    source_list = models.ForeignKey(
        RegionList,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decree"),
        help_text=_("The latest official list this code appears in."),
    )
    lists = models.JSONField(_("official lists"), default=list)
    current = models.BooleanField(
        _("in the current list"),
        default=True,
        help_text=_("False for codes retired or moved; they stay known (a NIK keeps them)."),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "current", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        try:
            parsed = parse_region_code(self.code)
        except RuleError as exc:
            for v in exc.violations:
                errors.setdefault("code", []).append(v.translated(gettext))
        else:
            if self.level and self.level != parsed.level:
                errors.setdefault("level", []).append(
                    gettext("The code {code} is a {level} code.").format(
                        code=self.code, level=parsed.level.value
                    )
                )
            if parsed.parent and self.parent_id and self.parent_id != parsed.parent:
                errors.setdefault("parent", []).append(
                    gettext("The parent of {code} must be {parent}.").format(
                        code=self.code, parent=parsed.parent
                    )
                )
            if parsed.parent and not Region.objects.filter(code=parsed.parent).exists():
                errors.setdefault("parent", []).append(
                    gettext("Unknown parent region {parent}.").format(parent=parsed.parent)
                )
        if self.bps_code:
            try:
                parse_bps_code(self.bps_code)
            except RuleError as exc:
                errors["bps_code"] = [v.translated(gettext) for v in exc.violations]
        if errors:
            raise ValidationError(errors)


class ReferenceDataLoad(models.Model):
    """Which version of a bundled reference file is loaded, so reloading is a no-op."""

    name = models.CharField(max_length=100, unique=True)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.rows} rows)"
