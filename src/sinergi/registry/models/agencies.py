"""Government bodies, with their lineage through renames, mergers and splits."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.registry.lineage import AgencyNode, Succession, current_agencies, is_live


class AgencyKind(models.TextChoices):
    KEMENTERIAN_KOORDINATOR = "kementerian_koordinator", _("Coordinating ministry")
    KEMENTERIAN = "kementerian", _("Ministry")
    UNIT_ESELON_1 = "unit_eselon_1", _("Echelon I unit")
    LPNK = "lpnk", _("Non-ministerial government agency")
    LEMBAGA = "lembaga", _("State institution")
    LEMBAGA_INDEPENDEN = "lembaga_independen", _("Independent institution")
    KEPOLISIAN = "kepolisian", _("National police")
    KEPOLISIAN_DAERAH = "kepolisian_daerah", _("Regional police")
    KEJAKSAAN = "kejaksaan", _("Public prosecution service")
    BADAN_HUKUM_PUBLIK = "badan_hukum_publik", _("Public legal entity")
    BUMN = "bumn", _("State-owned enterprise")
    BUMD = "bumd", _("Regionally owned enterprise")
    PEMERINTAH_DAERAH = "pemerintah_daerah", _("Regional government")
    PERANGKAT_DAERAH = "perangkat_daerah", _("Regional government unit")


class AgencyLevel(models.TextChoices):
    PUSAT = "pusat", _("Central")
    PROVINSI = "provinsi", _("Province")
    KABUPATEN_KOTA = "kabupaten_kota", _("Regency/city")


class Agency(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=250)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=AgencyKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=AgencyLevel.choices)
    region = models.ForeignKey(
        "registry.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("region"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    succession = models.CharField(
        _("succession"),
        max_length=10,
        blank=True,
        choices=[(s.value, s.value) for s in Succession],
    )
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successors"),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def as_node(self, successor_codes: tuple[str, ...] | None = None) -> AgencyNode:
        if successor_codes is None:
            successor_codes = tuple(self.successors.values_list("code", flat=True))
        return AgencyNode(
            code=self.code,
            parent=self.parent.code if self.parent_id and self.parent else None,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            succession=Succession(self.succession) if self.succession else None,
            successors=successor_codes,
        )

    def is_live(self, at: date) -> bool:
        return is_live(self.as_node(successor_codes=()), at)

    def current_successors(self, at: date) -> list[Agency]:
        """The agencies that hold this one's functions on ``at`` (itself while it is live)."""
        nodes = lineage_nodes()
        codes = current_agencies(self.code, at, nodes)
        by_code = {a.code: a for a in Agency.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]


def lineage_nodes() -> dict[str, AgencyNode]:
    """Every agency as a lineage node, read in two queries."""
    successors: dict[int, list[str]] = {}
    through = Agency.successors.through.objects.values_list("from_agency_id", "to_agency__code")
    for from_id, to_code in through:
        successors.setdefault(from_id, []).append(to_code)
    nodes: dict[str, AgencyNode] = {}
    rows = Agency.objects.values_list(
        "id", "code", "parent__code", "valid_from", "valid_to", "succession"
    )
    for pk, code, parent, valid_from, valid_to, succession in rows:
        nodes[code] = AgencyNode(
            code=code,
            parent=parent,
            valid_from=valid_from,
            valid_to=valid_to,
            succession=Succession(succession) if succession else None,
            successors=tuple(sorted(successors.get(pk, []))),
        )
    return nodes
