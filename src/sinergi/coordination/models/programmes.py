"""Joint programmes, their shared outcome indicators, each agency's own contributions, and
readiness self-assessments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.coordination.indicators import Method
from sinergi.coordination.models.bodies import RELATION_LABELS, Body

METHOD_LABELS = {
    Method.SUM: _("Sum of contributions"),
    Method.WEIGHTED_AVERAGE: _("Weighted average of contributions"),
    Method.MINIMUM: _("Lowest contribution"),
}


class Programme(models.Model):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="programmes")
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    relation_type = models.CharField(
        _("relation type"),
        max_length=30,
        choices=[(k.value, v) for k, v in RELATION_LABELS.items()],
    )
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def periods(self) -> list[str]:
        return [str(y) for y in range(self.first_year, self.last_year + 1)]


class Indicator(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=250)
    unit = models.CharField(_("unit"), max_length=60)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    method = models.CharField(
        _("how contributions count"),
        max_length=20,
        choices=[(k.value, v) for k, v in METHOD_LABELS.items()],
    )
    cumulative = models.BooleanField(_("cumulative"), default=True)
    source_note = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="indicator_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Contributor(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="contributors")
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=3, default=1)
    counts_as = models.CharField(_("what counts"), max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "agency"], name="one_contributor_row")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.agency_id}"


class Contribution(models.Model):
    """One agency's own report for one period; only that agency writes it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="contributions")
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=10)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    evidence = models.CharField(_("evidence"), max_length=500)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"))

    class Meta:
        ordering = ["indicator", "period", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "agency", "period"], name="one_report_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.agency_id}/{self.period}"


class ReadinessAssessment(models.Model):
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, null=True, blank=True, related_name="assessments"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="assessments"
    )
    answers = models.JSONField()
    scores = models.JSONField()
    overall = models.DecimalField(max_digits=5, decimal_places=1)
    gaps = models.JSONField(default=list)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["-assessed_at"]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.assessed_at:%Y-%m-%d}"
