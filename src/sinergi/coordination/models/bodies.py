"""Coordination bodies, their members (agencies), partners, seconded officials, the history
of the relation they operate at, and the capacity building their lead runs."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sinergi.coordination.bodies import BodyKind, MemberRole, PartnerKind
from sinergi.coordination.continuum import RelationType
from sinergi.coordination.voting import DecisionRule

KIND_LABELS = {
    BodyKind.FORUM: _("Coordination forum"),
    BodyKind.COORDINATING_BODY: _("Dedicated coordinating body"),
    BodyKind.TASK_FORCE: _("Task force"),
    BodyKind.SOCIAL_COALITION: _("Social coalition"),
}
ROLE_LABELS = {
    MemberRole.LEAD: _("Lead"),
    MemberRole.MEMBER: _("Member"),
    MemberRole.OBSERVER: _("Observer"),
    MemberRole.PARTNER: _("Partner"),
}
RELATION_LABELS = {
    RelationType.TAKING_INTO_ACCOUNT: _("Taking into account"),
    RelationType.DIALOGUE: _("Dialogue"),
    RelationType.JOINT_PLANNING: _("Joint planning"),
    RelationType.JOINT_WORKING: _("Joint working"),
    RelationType.JOINT_VENTURE: _("Joint venture"),
    RelationType.SATELLITE: _("Satellite"),
    RelationType.STRATEGIC_ALLIANCE: _("Strategic alliance"),
    RelationType.UNION: _("Union"),
    RelationType.MERGER: _("Merger"),
}
RULE_LABELS = {
    DecisionRule.CONSENSUS: _("Consensus"),
    DecisionRule.SIMPLE_MAJORITY: _("Simple majority"),
    DecisionRule.ABSOLUTE_MAJORITY: _("Absolute majority"),
    DecisionRule.TWO_THIRDS: _("Two-thirds majority"),
}
PARTNER_LABELS = {
    PartnerKind.BUSINESS: _("Business"),
    PartnerKind.COMMUNITY: _("Community organisation"),
    PartnerKind.UNIVERSITY: _("University"),
    PartnerKind.OTHER: _("Other"),
}


class Body(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=250)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=[(k.value, v) for k, v in KIND_LABELS.items()]
    )
    mandate = models.TextField(_("mandate"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    legal_basis_url = models.URLField(_("legal basis link"), blank=True)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    region = models.ForeignKey(
        "registry.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    lead_agency = models.ForeignKey(
        "registry.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("lead")
    )
    coordinating_agency = models.ForeignKey(
        "registry.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinating ministry"),
        help_text=_("Receives the escalation of action items overdue past the lead."),
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    relation_type = models.CharField(
        _("relation type"),
        max_length=30,
        choices=[(k.value, v) for k, v in RELATION_LABELS.items()],
    )
    decision_rule = models.CharField(
        _("decision rule"),
        max_length=20,
        choices=[(k.value, v) for k, v in RULE_LABELS.items()],
        default=DecisionRule.CONSENSUS.value,
    )
    quorum_percent = models.PositiveSmallIntegerField(_("quorum (percent)"), default=50)
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Parts of this record are illustrative where public facts are not known."),
    )
    sources = models.JSONField(_("sources"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("coordination body")
        verbose_name_plural = _("coordination bodies")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=BodyKind.TASK_FORCE.value) | Q(end_date__isnull=False),
                name="task_force_has_end",
            ),
            models.CheckConstraint(
                condition=Q(quorum_percent__gte=1) & Q(quorum_percent__lte=100),
                name="body_quorum_range",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def is_active(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or on <= self.end_date)


class Membership(models.Model):
    """An agency's place in a body for a period; ``continues`` links the membership of a body
    renamed or split away (agency lineage) to that of its successor."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        _("role"), max_length=10, choices=[(k.value, v) for k, v in ROLE_LABELS.items()]
    )
    joined_on = models.DateField(_("joined"))
    left_on = models.DateField(_("left"), null=True, blank=True)
    continues = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("continues the membership of"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["body", "joined_on", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "agency"],
                condition=Q(left_on__isnull=True),
                name="one_current_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.body_id}/{self.agency_id} ({self.role})"

    def is_current(self, on: date) -> bool:
        return self.joined_on <= on and (self.left_on is None or on < self.left_on)


class Partner(models.Model):
    """A non-government partner of a body (a social coalition's businesses, community
    organisations, universities)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=250)
    kind = models.CharField(
        _("type"), max_length=20, choices=[(k.value, v) for k, v in PARTNER_LABELS.items()]
    )
    contact_name = models.CharField(_("contact"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    joined_on = models.DateField(_("joined"))

    class Meta:
        ordering = ["body", "name"]

    def __str__(self) -> str:
        return self.name


class Secondment(models.Model):
    """An official seconded by a member agency to a task force for a period."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="secondments")
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="secondments"
    )
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    function = models.CharField(_("function"), max_length=200)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))

    class Meta:
        ordering = ["body", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="secondment_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.official} → {self.body}"


class RelationChange(models.Model):
    """A move of a body or programme along Perry 6's continuum (the first row is where it
    started)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="relation_history")
    programme = models.ForeignKey(
        "coordination.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="relation_history",
    )
    from_type = models.CharField(max_length=30, blank=True)
    to_type = models.CharField(max_length=30)
    on = models.DateField(_("from"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.body_id}: {self.from_type} → {self.to_type}"


class CapacityActivity(models.Model):
    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        WORKSHOP = "workshop", _("Workshop")
        OTHER = "other", _("Other")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("held on"))
    run_by = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        ordering = ["body", "held_on"]

    def __str__(self) -> str:
        return self.title


class Participation(models.Model):
    activity = models.ForeignKey(
        CapacityActivity, on_delete=models.CASCADE, related_name="participations"
    )
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    participants = models.PositiveIntegerField(_("participants"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "agency"], name="one_participation_row")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.agency_id}: {self.participants}"
