"""Forums and collegiate decisions: meetings, proposals, one vote per agency, and the action
items decisions assign, with their updates and escalations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.coordination.models.bodies import Body
from sinergi.coordination.voting import Choice, Outcome

CHOICE_LABELS = {Choice.YES: _("For"), Choice.NO: _("Against"), Choice.ABSTAIN: _("Abstain")}
OUTCOME_LABELS = {
    Outcome.ADOPTED: _("Adopted"),
    Outcome.REJECTED: _("Rejected"),
    Outcome.NO_QUORUM: _("No quorum"),
}


class Meeting(models.Model):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=250)
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        ordering = ["body", "-held_at"]

    def __str__(self) -> str:
        return self.title


class Proposal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open for votes")
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Rejected")
        NO_QUORUM = "no_quorum", _("No quorum")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="proposals")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=250)
    text = models.TextField(_("text"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    #: The rule and quorum when voting opened (a later change of the body's rule does not
    #: change how an open proposal is decided).
    decision_rule = models.CharField(max_length=20)
    quorum_percent = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return self.title


class Vote(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(
        max_length=10, choices=[(k.value, v) for k, v in CHOICE_LABELS.items()]
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cast_at = models.DateTimeField()
    remark = models.CharField(_("remark"), max_length=500, blank=True)

    class Meta:
        ordering = ["cast_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "agency"], name="one_vote_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}/{self.agency_id}: {self.choice}"


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="action_items")
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="action_items"
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    working_days = models.PositiveSmallIntegerField(_("working days"))
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    escalation = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return self.title


class ActionUpdate(models.Model):
    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=12, choices=ActionItem.Status.choices)
    note = models.TextField(_("note"))
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.status}"


class ActionEscalation(models.Model):
    """One reminder or escalation of an overdue item, applied once by the periodic job."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField()
    to_agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "level"], name="one_escalation_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} level {self.level}"
