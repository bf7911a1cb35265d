"""The one-door case: one application, its steps at each agency, and what happened."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Case(models.Model):
    receipt_number = models.CharField(_("receipt number"), max_length=20, unique=True)
    pin_hash = models.CharField(max_length=128, editable=False)
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="cases")
    definition = models.ForeignKey(
        "catalog.ProcessDefinition", on_delete=models.PROTECT, related_name="cases"
    )
    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="cases")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    service_point = models.ForeignKey(
        "registry.ServicePoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        help_text=_("Where a front desk took the application."),
    )
    status = models.CharField(_("status"), max_length=20, db_index=True)
    state = models.JSONField(_("engine state"))
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    deemed_due_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-submitted_at"]
        # The sweeper's deemed-approval query: open cases by due moment, from the index.
        indexes = [
            models.Index(fields=["status", "deemed_due_at"]),
            # The coordinator view: a service's latest cases, and its decided ones by variant.
            models.Index(fields=["service", "submitted_at"]),
            models.Index(fields=["service", "decided_at", "definition"]),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class CaseStep(models.Model):
    """One step of a case at one agency, kept in step with the engine state for queries
    (inboxes, the sweeper, access checks)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    # The case's service, copied onto each step (a case's service never changes), so counts
    # of a service's open steps read one index range without visiting the cases. No index of
    # its own: the (service, status, agency, due_at) index below leads with it.
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    step_id = models.CharField(max_length=64)
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20)
    activated_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    next_timeout_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=30, blank=True)
    escalation = models.PositiveSmallIntegerField(default=0)
    basis = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "step_id"], name="case_step_unique")]
        indexes = [
            models.Index(fields=["agency", "status", "due_at"]),
            models.Index(fields=["status", "next_timeout_at"]),
            # The coordinator view: open and late steps per agency of a service.
            models.Index(fields=["service", "status", "agency", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.step_id}"


class CaseEvent(models.Model):
    """What happened on a case, in order: the citizen's timeline and the measured figures."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    step_id = models.CharField(max_length=64, blank=True)
    agency = models.ForeignKey(
        "registry.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.step_id}"


class JointLeaveDay(models.Model):
    """Cuti bersama, kept as data per year (the joint decree can change during the year)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=200)
    removed = models.BooleanField(
        default=False, help_text=_("Set when a later decree cancelled this joint-leave day.")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("joint leave day")
        verbose_name_plural = _("joint leave days")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Objection(models.Model):
    """Keberatan: the citizen objects to a decision within its window; the issuing agency
    decides again (UU 30/2014 upaya administratif)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="objection")
    filed_at = models.DateTimeField()
    reasons = models.TextField()
    deadline = models.DateTimeField(help_text=_("The last moment it could be filed."))
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reasons = models.TextField(blank=True)
    basis = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.case} keberatan ({self.status})"
