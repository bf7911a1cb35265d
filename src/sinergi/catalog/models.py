"""Public services (CPSV-AP 3.2 shaped, with the Indonesian service standard) and their
versioned process definitions, one per variant."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sinergi.catalog.definitions import Definition, Pattern, parse_definition


class ServiceType(models.TextChoices):
    ADMINISTRATIF = "administratif", _("Administrative")
    JASA = "jasa", pgettext_lazy("service type", "Service")
    BARANG = "barang", _("Goods")
    REGULATIF = "regulatif", _("Regulatory")


class ServiceKind(models.TextChoices):
    SERVICE = "service", _("Service")
    LIFE_EVENT = "life_event", _("Life event")


#: The 14 components of a service standard (PermenPANRB 15/2014; UU 25/2009 Pasal 21).
STANDARD_COMPONENTS = (
    "persyaratan",
    "sistem_mekanisme_prosedur",
    "jangka_waktu",
    "biaya_tarif",
    "produk_pelayanan",
    "penanganan_pengaduan",
    "dasar_hukum",
    "sarana_prasarana",
    "kompetensi_pelaksana",
    "pengawasan_internal",
    "jumlah_pelaksana",
    "jaminan_pelayanan",
    "jaminan_keamanan",
    "evaluasi_kinerja",
)


class Service(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=ServiceKind.choices, default=ServiceKind.SERVICE
    )
    name = models.CharField(_("name"), max_length=250)
    name_en = models.CharField(_("name in English"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(_("service type"), max_length=15, choices=ServiceType.choices)
    coordinator = models.ForeignKey(
        "registry.Agency",
        on_delete=models.PROTECT,
        related_name="coordinated_services",
        verbose_name=_("coordinating agency"),
    )
    competent_authorities = models.ManyToManyField(
        "registry.Agency", related_name="services", verbose_name=_("competent authorities")
    )
    legal_basis = models.JSONField(_("legal basis"), default=list)
    requirements = models.JSONField(_("requirements"), default=list)
    output = models.JSONField(_("output"), default=list)
    fee_formula = models.CharField(_("fee formula"), max_length=64, blank=True)
    processing_time = models.JSONField(_("processing time"), default=dict)
    channels = models.JSONField(_("channels"), default=list)
    standard = models.JSONField(_("service standard"), default=dict)
    form = models.JSONField(_("application form"), default=list)
    bundles = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="bundled_in", verbose_name=_("bundles")
    )
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def current_definitions(self) -> models.QuerySet[ProcessDefinition]:
        return self.definitions.filter(current=True).order_by("variant")


class ProcessDefinition(models.Model):
    """One version of one variant of a service's process. Never edited once a case uses it:
    a change is a new version, and running cases keep theirs."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="definitions")
    variant = models.SlugField(_("variant"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    pattern = models.CharField(
        _("pattern"), max_length=20, choices=[(p.value, p.value) for p in Pattern]
    )
    title = models.CharField(_("title"), max_length=250)
    illustrative = models.BooleanField(_("illustrative"), default=False)
    body = models.JSONField(_("definition"))
    current = models.BooleanField(_("current version"), default=True)
    figures = models.JSONField(_("doors and hand-offs"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")
        ordering = ["service__code", "variant", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "variant", "version"], name="definition_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.code}/{self.variant} v{self.version}"

    def parsed(self) -> Definition:
        return _parse_cached(self.pk, self.body)


_CACHE: dict[int, Definition] = {}


def _parse_cached(pk: int | None, body: Any) -> Definition:
    """Definitions never change once saved, so each is parsed once per process."""
    if pk is None:
        return parse_definition(body)
    definition = _CACHE.get(pk)
    if definition is None:
        definition = _CACHE[pk] = parse_definition(body)
    return definition
