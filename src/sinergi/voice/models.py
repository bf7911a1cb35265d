"""Complaints (pengaduan and aspirasi) and IKM satisfaction surveys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.voice.lifecycle import ComplaintState, Escalation, Status


class Kind(models.TextChoices):
    PENGADUAN = "pengaduan", _("Complaint")
    ASPIRASI = "aspirasi", _("Aspiration")


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Identity shown to the agency")
    CONFIDENTIAL = "confidential", _("Confidential: identity hidden from the agency")
    ANONYMOUS = "anonymous", _("Anonymous: identity hidden from everyone")


STATUS_CHOICES = [
    (Status.SUBMITTED.value, _("Not yet verified")),
    (Status.DEFERRED.value, _("Deferred: waiting for the complainant")),
    (Status.ARCHIVED.value, _("Archived")),
    (Status.DISPOSED.value, _("Not yet followed up")),
    (Status.RETURNED.value, _("Returned: not the agency's authority")),
    (Status.FOLLOWED_UP.value, _("Followed up")),
    (Status.CLOSED.value, _("Closed")),
]


class Complaint(models.Model):
    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=80, blank=True)
    text = models.TextField(_("what happened"))
    region = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints"
    )
    confidentiality = models.CharField(
        _("identity"), max_length=12, choices=Confidentiality.choices, default="public"
    )
    status = models.CharField(_("status"), max_length=12, choices=STATUS_CHOICES, db_index=True)
    agency = models.ForeignKey(
        "registry.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hops = models.PositiveSmallIntegerField(_("re-routings"), default=0)
    reopened = models.PositiveSmallIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("filed at"), db_index=True)
    verify_due = models.DateTimeField(_("verify by"))
    verified_at = models.DateTimeField(null=True, blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)
    follow_up_due = models.DateTimeField(_("follow up by"), null=True, blank=True)
    settle_due = models.DateTimeField(_("settle by"), null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    close_due = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_automatically = models.BooleanField(default=False)
    escalations = models.JSONField(default=list)
    agency_codes = models.JSONField(default=list)  # every agency disposed to, in order
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "verify_due"])]

    def __str__(self) -> str:
        return self.tracking_number

    def state(self) -> ComplaintState:
        return ComplaintState(
            status=Status(self.status),
            submitted_at=self.submitted_at,
            verify_due=self.verify_due,
            agency=self.agency.code if self.agency_id and self.agency else "",
            agencies=tuple(self.agency_codes),
            hops=self.hops,
            verified_at=self.verified_at,
            disposed_at=self.disposed_at,
            follow_up_due=self.follow_up_due,
            settle_due=self.settle_due,
            followed_up_at=self.followed_up_at,
            close_due=self.close_due,
            closed_at=self.closed_at,
            closed_automatically=self.closed_automatically,
            reopened=self.reopened,
            rating=self.rating,
            escalations=tuple(Escalation(e) for e in self.escalations),
        )


class Disposition(models.Model):
    """One hop: the complaint sent to an agency (the first disposition has hop 0)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="dispositions")
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    hop = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["complaint", "hop"], name="disposition_hop_unique")
        ]
        indexes = [models.Index(fields=["agency", "complaint"])]
        ordering = ["complaint", "hop"]

    def __str__(self) -> str:
        return f"{self.complaint_id} hop {self.hop}"


class ComplaintEvent(models.Model):
    """The timeline: every action on a complaint, with its message."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "registry.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


# --- IKM surveys (PermenPANRB 14/2017) -----------------------------------------------------


class Survey(models.Model):
    """One SKM of one service unit (an agency) for one period (a quarter by default)."""

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    population = models.PositiveIntegerField(
        _("population"), default=0, help_text=_("Service users in the period (for the sample).")
    )

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-period_start", "agency__code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "period_start"], name="survey_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.period_start}..{self.period_end}"


class SurveyInvitation(models.Model):
    """A respondent invited after a completed case: one per case, answered at most once.

    The response does not point back here, so results stay anonymous; ``responded_at`` is set
    by a conditional update in the transaction that stores the response.
    """

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+")
    invited_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"case {self.case_id}"


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    answers = models.JSONField()  # {"U1": 4, ..., "U9": 3}
    submitted_on = models.DateField()  # the day only: no time that could match a log line

    def __str__(self) -> str:
        return f"survey {self.survey_id} response {self.pk}"
