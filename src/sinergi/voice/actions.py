"""Every change to complaints and surveys (DESIGN rule 1): atomic, audited, checked.

Each action validates first (nothing is written when a rule fails), then writes the new state
with ``UPDATE ... WHERE version = v`` (a concurrent action gets a conflict and changes nothing),
the timeline event, and its audit entry, in one transaction.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from sinergi.accounts.models import User
from sinergi.accounts.roles import Role
from sinergi.audit.log import record
from sinergi.cases.calendar_service import platform_calendar
from sinergi.cases.models import Case
from sinergi.core.errors import Conflict, Forbidden
from sinergi.core.uploads import EXPANDS_TOO_MUCH, configured_problem
from sinergi.registry.access import agency_ids_of
from sinergi.registry.models import Agency, Region
from sinergi.rules import RuleError, Violation, gettext_noop
from sinergi.voice import attachments as files
from sinergi.voice import ikm, lifecycle
from sinergi.voice.lifecycle import Action, ComplaintState
from sinergi.voice.models import (
    Attachment,
    Complaint,
    ComplaintEvent,
    Confidentiality,
    Disposition,
    Kind,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)

logger = logging.getLogger(__name__)

TEXT_MAX = 5000
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _config(name: str) -> Any:
    return settings.SINERGI_VOICE[name]


def new_tracking_number(year: int) -> str:
    """``ADU-YYYY-`` and eight random Crockford base-32 characters."""
    return f"ADU-{year}-" + "".join(secrets.choice(_CROCKFORD) for _ in range(8))


def is_coordinator(user: User) -> bool:
    """A complaint coordinator: the coordinator role in one of the coordinating agencies."""
    if not user.is_active or user.role != Role.COORDINATOR:
        return False
    codes = set(_config("COORDINATOR_AGENCIES"))
    return Agency.objects.filter(pk__in=agency_ids_of(user), code__in=codes).exists()


def acts_for_agency(user: User, complaint: Complaint) -> bool:
    """The user works now in the agency the complaint is disposed to."""
    return (
        user.works_in_agency
        and complaint.agency_id is not None
        and complaint.agency_id in agency_ids_of(user)
    )


# --- Filing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def _violation(field: str, rule: str, template: str, **params: object) -> Violation:
    return Violation(
        field=field, rule=rule, template=template, params={k: str(v) for k, v in params.items()}
    )


def check_attachments(uploads: Sequence[Upload]) -> tuple[list[str], list[Violation]]:
    kinds: list[str] = []
    problems: list[Violation] = []
    limit = int(_config("ATTACHMENTS_PER_COMPLAINT"))
    if len(uploads) > limit:
        problems.append(
            _violation(
                "attachments",
                "attachments_too_many",
                gettext_noop("At most {max} attachments per complaint."),
                max=limit,
            )
        )
    for upload in uploads:
        kind, problem = files.check(upload.name, upload.data, int(_config("ATTACHMENT_MAX_BYTES")))
        if problem is None and configured_problem(upload.data) is not None:
            kind, problem = (
                "",
                Violation(
                    field="attachments",
                    rule="attachment_expands",
                    template=EXPANDS_TOO_MUCH,
                ),
            )
        kinds.append(kind)
        if problem is not None:
            problems.append(problem)
    return kinds, problems


def _store_attachments(
    complaint: Complaint, uploads: Sequence[Upload], kinds: Sequence[str], now: datetime
) -> None:
    for upload, kind in zip(uploads, kinds, strict=True):
        Attachment.objects.create(
            complaint=complaint,
            name=files.safe_name(upload.name),
            content_type=kind,
            size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            content=upload.data,
            uploaded_at=now,
        )


def file_complaint(
    *,
    acting_user: User,
    text: str,
    region_code: str,
    kind: str = Kind.PENGADUAN,
    category: str = "",
    confidentiality: str = Confidentiality.PUBLIC,
    uploads: Sequence[Upload] = (),
    now: datetime | None = None,
) -> Complaint:
    """A complaint or aspiration, waiting for verification (3 working days)."""
    now = now or timezone.now()
    problems: list[Violation] = []
    text = (text or "").strip()
    if not text:
        problems.append(
            _violation("text", "complaint_text_required", gettext_noop("Say what happened."))
        )
    elif len(text) > TEXT_MAX:
        problems.append(
            _violation(
                "text",
                "complaint_text_too_long",
                gettext_noop("The text may be at most {max} characters."),
                max=TEXT_MAX,
            )
        )
    region = Region.objects.filter(code=(region_code or "").strip(), current=True).first()
    if region is None:
        problems.append(
            _violation(
                "region_code",
                "region_unknown",
                gettext_noop("{code} is not a current Kemendagri region code."),
                code=(region_code or "")[:20],
            )
        )
    if kind not in Kind.values:
        problems.append(
            _violation("kind", "complaint_kind_unknown", gettext_noop("Choose a kind of report."))
        )
    if confidentiality not in Confidentiality.values:
        problems.append(
            _violation(
                "confidentiality",
                "complaint_confidentiality_unknown",
                gettext_noop("Choose how your identity is shown."),
            )
        )
    kinds, upload_problems = check_attachments(uploads)
    problems += upload_problems
    if problems:
        raise RuleError(*problems)
    assert region is not None
    state = lifecycle.new_complaint(now, platform_calendar())
    with transaction.atomic():
        complaint = Complaint.objects.create(
            tracking_number=new_tracking_number(timezone.localdate(now).year),
            kind=kind,
            category=category.strip()[:80],
            text=text,
            region=region,
            filed_by=acting_user,
            confidentiality=confidentiality,
            status=state.status.value,
            submitted_at=now,
            verify_due=state.verify_due,
        )
        _store_attachments(complaint, uploads, kinds, now)
        ComplaintEvent.objects.create(complaint=complaint, at=now, kind="filed", actor=acting_user)
        record(
            actor=acting_user,
            action="complaint.file",
            obj=complaint,
            data={
                "tracking_number": complaint.tracking_number,
                "region": region.code,
                "kind": kind,
                "confidentiality": confidentiality,
                "attachments": len(uploads),
            },
        )
    return complaint


def add_attachments(
    *, acting_user: User, complaint: Complaint, uploads: Sequence[Upload]
) -> list[Attachment]:
    """The complainant adds photos or documents while the complaint is open."""
    if complaint.filed_by_id != acting_user.pk:
        raise Forbidden(gettext("Only the complainant may add attachments."))
    if complaint.status not in lifecycle.OPEN:
        raise Forbidden(gettext("This complaint is closed."))
    kinds, problems = check_attachments(uploads)
    existing = complaint.attachments.count()
    if existing + len(uploads) > int(_config("ATTACHMENTS_PER_COMPLAINT")):
        problems.append(
            _violation(
                "attachments",
                "attachments_too_many",
                gettext_noop("At most {max} attachments per complaint."),
                max=_config("ATTACHMENTS_PER_COMPLAINT"),
            )
        )
    if problems:
        raise RuleError(*problems)
    now = timezone.now()
    with transaction.atomic():
        _store_attachments(complaint, uploads, kinds, now)
        record(
            actor=acting_user,
            action="complaint.attach",
            obj=complaint,
            data={"attachments": [files.safe_name(u.name) for u in uploads]},
        )
    return list(complaint.attachments.order_by("-id")[: len(uploads)])


# --- The life cycle --------------------------------------------------------------------------

_FIELDS = (
    "verified_at",
    "disposed_at",
    "follow_up_due",
    "settle_due",
    "followed_up_at",
    "close_due",
    "closed_at",
    "closed_automatically",
    "reopened",
    "rating",
    "hops",
)


def _write(
    complaint: Complaint,
    old: ComplaintState,
    new: ComplaintState,
    *,
    actor: User | None,
    kind: str,
    now: datetime,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> Complaint:
    """Store the new state if nobody else changed the complaint first; else Conflict."""
    agency = Agency.objects.get(code=new.agency) if new.agency else None
    values: dict[str, Any] = {name: getattr(new, name) for name in _FIELDS}
    values.update(
        status=new.status.value,
        agency=agency,
        agency_codes=list(new.agencies),
        escalations=[e.value for e in new.escalations],
    )
    with transaction.atomic():
        updated = Complaint.objects.filter(pk=complaint.pk, version=complaint.version).update(
            version=F("version") + 1, **values
        )
        if updated != 1:
            raise Conflict(gettext("Someone else acted on this complaint first; reload it."))
        if len(new.agencies) > len(old.agencies):
            assert agency is not None
            assert actor is not None
            Disposition.objects.create(
                complaint=complaint, agency=agency, hop=len(new.agencies) - 1, at=now, by=actor
            )
        ComplaintEvent.objects.create(
            complaint=complaint, at=now, kind=kind, actor=actor, agency=agency, message=message
        )
        record(
            actor=actor,
            action=f"complaint.{kind}",
            obj=complaint,
            agency_code=new.agency,
            data={
                "tracking_number": complaint.tracking_number,
                "status": new.status.value,
                "hops": new.hops,
                **(data or {}),
            },
        )
    complaint.refresh_from_db()
    return complaint


def _apply(
    complaint: Complaint,
    action: Action,
    *,
    actor: User,
    message: str = "",
    agency: str = "",
    reason: str = "",
    rating: int | None = None,
    reopen: bool = False,
    now: datetime | None = None,
) -> Complaint:
    now = now or timezone.now()
    old = complaint.state()
    new = lifecycle.apply(
        old,
        action,
        now,
        platform_calendar(),
        agency=agency,
        reason=reason,
        rating=rating,
        reopen=reopen,
    )
    kind = "reopen" if action is Action.RATE and reopen else action.value
    return _write(
        complaint,
        old,
        new,
        actor=actor,
        kind=kind,
        now=now,
        message=message or reason,
        data={"agency": agency} if agency else {"rating": rating} if rating else {},
    )


def _need_coordinator(user: User) -> None:
    if not is_coordinator(user):
        raise Forbidden(gettext("Only a complaint coordinator may do this."))


def _need_agency(user: User, complaint: Complaint) -> None:
    if not acts_for_agency(user, complaint):
        raise Forbidden(gettext("Only the agency the complaint is disposed to may do this."))


def _need_complainant(user: User, complaint: Complaint) -> None:
    if complaint.filed_by_id != user.pk:
        raise Forbidden(gettext("Only the complainant may do this."))


def _current_agency(code: str) -> str:
    agency = Agency.objects.filter(code=(code or "").strip()).first()
    if agency is None or (agency.valid_to is not None and agency.valid_to <= timezone.now().date()):
        raise RuleError(
            _violation(
                "agency",
                "agency_unknown",
                gettext_noop("{code} is not a current agency."),
                code=(code or "")[:64],
            )
        )
    return agency.code


def verify_complaint(
    *,
    acting_user: User,
    complaint: Complaint,
    agency: str,
    message: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Verifikasi: the coordinator verifies and disposes to the competent agency."""
    _need_coordinator(acting_user)
    code = _current_agency(agency)
    return _apply(
        complaint, Action.VERIFY, actor=acting_user, agency=code, message=message, now=now
    )


def defer_complaint(*, acting_user: User, complaint: Complaint, reason: str) -> Complaint:
    """Tunda: the report is incomplete; the complainant is asked for more."""
    _need_coordinator(acting_user)
    return _apply(complaint, Action.DEFER, actor=acting_user, reason=reason)


def resume_complaint(*, acting_user: User, complaint: Complaint, message: str) -> Complaint:
    _need_complainant(acting_user, complaint)
    return _apply(complaint, Action.RESUME, actor=acting_user, message=message)


def archive_complaint(*, acting_user: User, complaint: Complaint, reason: str) -> Complaint:
    _need_coordinator(acting_user)
    return _apply(complaint, Action.ARCHIVE, actor=acting_user, reason=reason)


def decline_complaint(
    *, acting_user: User, complaint: Complaint, reason: str, now: datetime | None = None
) -> Complaint:
    """Bukan wewenang: the agency returns it to the coordinator, saying why."""
    _need_agency(acting_user, complaint)
    now = now or timezone.now()
    with transaction.atomic():
        Disposition.objects.filter(
            complaint=complaint, agency=complaint.agency, declined_at=None
        ).update(declined_at=now, decline_reason=reason.strip())
        return _apply(complaint, Action.DECLINE, actor=acting_user, reason=reason, now=now)


def reroute_complaint(
    *,
    acting_user: User,
    complaint: Complaint,
    agency: str,
    message: str = "",
    now: datetime | None = None,
) -> Complaint:
    """The coordinator disposes a returned complaint to another agency: one more hop."""
    _need_coordinator(acting_user)
    code = _current_agency(agency)
    return _apply(
        complaint, Action.REROUTE, actor=acting_user, agency=code, message=message, now=now
    )


def follow_up_complaint(
    *, acting_user: User, complaint: Complaint, message: str, now: datetime | None = None
) -> Complaint:
    """Tindak lanjut: the agency posts what it did (within 5 working days)."""
    _need_agency(acting_user, complaint)
    if not (message or "").strip():
        raise RuleError(
            _violation(
                "message",
                "follow_up_text_required",
                gettext_noop("Say what the agency did or will do."),
            )
        )
    return _apply(complaint, Action.FOLLOW_UP, actor=acting_user, message=message.strip(), now=now)


def rate_complaint(
    *,
    acting_user: User,
    complaint: Complaint,
    rating: int,
    reopen: bool = False,
    message: str = "",
    now: datetime | None = None,
) -> Complaint:
    """The complainant rates the follow-up: closes it, or reopens it when not satisfied."""
    _need_complainant(acting_user, complaint)
    return _apply(
        complaint,
        Action.RATE,
        actor=acting_user,
        rating=rating,
        reopen=reopen,
        message=message,
        now=now,
    )


def sweep_complaints(now: datetime | None = None) -> dict[str, int]:
    """The deadline sweep: escalations and automatic closing; idempotent (periodic job)."""
    now = now or timezone.now()
    due = (
        Complaint.objects.filter(status__in=[s.value for s in lifecycle.OPEN])
        .filter(
            Q(verify_due__lt=now)
            | Q(follow_up_due__lt=now)
            | Q(settle_due__lt=now)
            | Q(close_due__lt=now)
        )
        .select_related("agency")
    )
    counts = {"closed": 0, "escalated": 0, "conflicts": 0}
    for complaint in due.iterator(chunk_size=500):
        old = complaint.state()
        new, raised = lifecycle.sweep(old, now)
        if new == old:
            continue
        kind = "auto_close" if new.status is not old.status else "escalate"
        try:
            _write(
                complaint,
                old,
                new,
                actor=None,
                kind=kind,
                now=now,
                message=", ".join(e.value for e in raised),
                data={"escalations": [e.value for e in raised]},
            )
        except Conflict:
            counts["conflicts"] += 1
            continue
        counts["closed" if kind == "auto_close" else "escalated"] += 1
    return counts


# --- IKM surveys -----------------------------------------------------------------------------


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def survey_for(agency: Agency, day: date) -> Survey:
    """The agency's survey for the quarter of ``day`` (created when it is the first case)."""
    start, end = quarter_of(day)
    survey, _ = Survey.objects.get_or_create(
        agency=agency, period_start=start, defaults={"period_end": end}
    )
    return survey


def unit_of_case(case: Case) -> Agency:
    """The service unit a completed case is surveyed for: the service's coordinating agency."""
    return case.service.coordinator


def invite_after_case(case_id: int) -> SurveyInvitation | None:
    """Invite the citizen of a completed case to the IKM survey; once per case.

    Runs after the case's own transaction committed: a failure here is logged and never
    undoes or fails the case action that completed the case.
    """
    try:
        return _invite(case_id)
    except Exception:
        logger.exception("IKM invitation failed for case %s", case_id)
        return None


def _invite(case_id: int) -> SurveyInvitation | None:
    case = Case.objects.select_related("service__coordinator").filter(pk=case_id).first()
    if case is None or case.status not in {"approved", "rejected", "deemed_granted"}:
        return None
    now = timezone.now()
    with transaction.atomic():
        survey = survey_for(unit_of_case(case), timezone.localdate(now))
        invitation, created = SurveyInvitation.objects.get_or_create(
            case=case, defaults={"survey": survey, "invited_at": now}
        )
        if created:
            record(
                actor=None,
                action="ikm.invite",
                obj=invitation,
                agency_code=survey.agency.code,
                data={"survey": survey.pk},
            )
    return invitation


def respond_to_survey(
    *, acting_user: User, case: Case, answers: dict[str, object]
) -> SurveyResponse:
    """One anonymous response per completed case: the nine elements on the 1-4 scale."""
    problems = [
        p for e in ikm.ELEMENTS if (p := ikm.check_answer(e.code, answers.get(e.code))) is not None
    ]
    unknown = sorted(set(answers) - {e.code for e in ikm.ELEMENTS})
    if unknown:
        problems.append(
            _violation(
                "answers",
                "ikm_unknown_element",
                gettext_noop("{elements}: not elements of the survey."),
                elements=", ".join(unknown)[:60],
            )
        )
    if problems:
        raise RuleError(*problems)
    invitation = SurveyInvitation.objects.filter(case=case).select_related("survey").first()
    if invitation is None:
        raise RuleError(
            _violation(
                "case",
                "ikm_not_invited",
                gettext_noop("This case has no survey invitation (it is not completed yet)."),
            )
        )
    now = timezone.now()
    with transaction.atomic():
        claimed = SurveyInvitation.objects.filter(pk=invitation.pk, responded_at=None).update(
            responded_at=now
        )
        if claimed != 1:
            raise RuleError(
                _violation(
                    "case",
                    "ikm_already_answered",
                    gettext_noop("The survey for this case has already been answered."),
                )
            )
        response = SurveyResponse.objects.create(
            survey=invitation.survey,
            answers={e.code: answers[e.code] for e in ikm.ELEMENTS},
            submitted_on=timezone.localdate(now),
        )
        # The entry names the invitation, never the answers: results stay anonymous.
        record(
            actor=acting_user,
            action="ikm.respond",
            obj=invitation,
            agency_code=invitation.survey.agency.code,
            data={"survey": invitation.survey_id},
        )
    return response


def set_survey_population(*, acting_user: User, survey: Survey, population: int) -> Survey:
    """The unit's head records how many people it served (the Krejcie-Morgan population)."""
    if acting_user.role != Role.AGENCY_HEAD or survey.agency_id not in agency_ids_of(acting_user):
        raise Forbidden(gettext("Only the head of the unit may set its survey population."))
    if population < 0:
        raise RuleError(
            _violation(
                "population",
                "survey_population_negative",
                gettext_noop("The population is 0 or more."),
            )
        )
    with transaction.atomic():
        Survey.objects.filter(pk=survey.pk).update(population=population)
        record(
            actor=acting_user,
            action="ikm.population",
            obj=survey,
            agency_code=survey.agency.code,
            data={"population": population},
        )
    survey.population = population
    return survey
