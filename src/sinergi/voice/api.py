"""Complaint and IKM endpoints: file, route, track, the life-cycle actions, statistics, surveys.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import File, Router, Schema, Status, UploadedFile

from sinergi.api.auth import PUBLIC, SIGNED_IN, caller, signed_in
from sinergi.cases.access import access_case
from sinergi.cases.receipts import normalise_receipt
from sinergi.core.idempotency import idempotent
from sinergi.rules import RuleError, Violation, gettext_noop
from sinergi.voice import actions, ikm
from sinergi.voice.access import access_complaint, access_survey, complainant_shown
from sinergi.voice.access import visible_complaints as _visible
from sinergi.voice.models import Complaint, ComplaintEvent, Survey
from sinergi.voice.results import survey_results
from sinergi.voice.router_service import platform_router
from sinergi.voice.statistics import complaint_statistics

router = Router(tags=["complaints"])


class ComplaintRouteIn(Schema):
    text: str
    region_code: str


class RouteSuggestionOut(Schema):
    agency: str
    score: float


class ComplaintRouteOut(Schema):
    suggestions: list[RouteSuggestionOut]


class ComplaintIn(Schema):
    text: str
    region_code: str
    kind: str = "pengaduan"
    category: str = ""
    confidentiality: str = "public"


class ComplaintEventOut(Schema):
    at: datetime
    kind: str
    agency: str | None
    message: str


class ComplaintOut(Schema):
    tracking_number: str
    kind: str
    category: str
    text: str
    region_code: str
    confidentiality: str
    complainant: str | None
    status: str
    agency: str | None
    agencies: list[str]
    hops: int
    submitted_at: datetime
    verify_due: datetime
    follow_up_due: datetime | None
    settle_due: datetime | None
    close_due: datetime | None
    closed_at: datetime | None
    rating: int | None
    escalations: list[str]
    attachments: int
    version: int
    events: list[ComplaintEventOut]


class ComplaintAgencyIn(Schema):
    agency: str
    message: str = ""


class ComplaintReasonIn(Schema):
    reason: str


class ComplaintMessageIn(Schema):
    message: str


class ComplaintRateIn(Schema):
    rating: int
    reopen: bool = False
    message: str = ""


def _out(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    who = caller(request)
    events = ComplaintEvent.objects.filter(complaint=complaint).select_related("agency")
    shown = complainant_shown(who, complaint)
    return {
        "tracking_number": complaint.tracking_number,
        "kind": complaint.kind,
        "category": complaint.category,
        "text": complaint.text,
        "region_code": complaint.region_id,
        "confidentiality": complaint.confidentiality,
        "complainant": complaint.filed_by.get_full_name() or complaint.filed_by.username
        if shown
        else None,
        "status": complaint.status,
        "agency": complaint.agency.code if complaint.agency else None,
        "agencies": list(complaint.agency_codes),
        "hops": complaint.hops,
        "submitted_at": complaint.submitted_at,
        "verify_due": complaint.verify_due,
        "follow_up_due": complaint.follow_up_due,
        "settle_due": complaint.settle_due,
        "close_due": complaint.close_due,
        "closed_at": complaint.closed_at,
        "rating": complaint.rating,
        "escalations": list(complaint.escalations),
        "attachments": complaint.attachments.count(),
        "version": complaint.version,
        "events": [
            {
                "at": e.at,
                "kind": e.kind,
                "agency": e.agency.code if e.agency else None,
                "message": e.message,
            }
            for e in events
        ],
    }


@router.post("/complaints/route", response=ComplaintRouteOut, auth=PUBLIC)
def route(request: HttpRequest, payload: ComplaintRouteIn) -> dict[str, Any]:
    """The competent agencies for a text and a region, best first, with relative scores."""
    problems = []
    if not payload.text.strip():
        problems.append(
            Violation(
                field="text",
                rule="complaint_text_required",
                template=gettext_noop("Say what happened."),
            )
        )
    from sinergi.registry.models import Region

    if not Region.objects.filter(code=payload.region_code.strip(), current=True).exists():
        problems.append(
            Violation(
                field="region_code",
                rule="region_unknown",
                template=gettext_noop("{code} is not a current Kemendagri region code."),
                params={"code": payload.region_code[:20]},
            )
        )
    if problems:
        raise RuleError(*problems)
    ranked = platform_router().rank(payload.text, payload.region_code.strip())
    return {"suggestions": [{"agency": s.agency, "score": s.score} for s in ranked]}


@router.post("/complaints", response={201: ComplaintOut}, auth=SIGNED_IN)
@idempotent
def file(request: HttpRequest, payload: ComplaintIn) -> Status[dict[str, Any]]:
    """File a complaint or an aspiration; attachments go to ``/complaints/{n}/attachments``."""
    complaint = actions.file_complaint(
        acting_user=signed_in(request),
        text=payload.text,
        region_code=payload.region_code,
        kind=payload.kind,
        category=payload.category,
        confidentiality=payload.confidentiality,
    )
    return Status(201, _out(request, complaint))


@router.post("/complaints/{number}/attachments", response={201: ComplaintOut}, auth=SIGNED_IN)
@idempotent
def attach(request: HttpRequest, number: str, upload: File[UploadedFile]) -> Status[dict[str, Any]]:
    """A photo (JPEG, PNG, WebP), a video (MP4) or a PDF, checked by content and size."""
    user = signed_in(request)
    complaint = access_complaint(user, number)
    limit = int(settings.SINERGI_VOICE["ATTACHMENT_MAX_BYTES"])
    data = upload.read(limit + 1)
    actions.add_attachments(
        acting_user=user,
        complaint=complaint,
        uploads=[actions.Upload(upload.name or "lampiran", data)],
    )
    return Status(201, _out(request, complaint))


@router.get("/complaints", response=list[ComplaintOut], auth=SIGNED_IN)
def list_complaints(request: HttpRequest, status: str | None = None) -> list[dict[str, Any]]:
    """The complaints the caller may see, newest first (at most 200)."""
    found = _visible(signed_in(request))
    if status:
        found = found.filter(status=status)
    return [_out(request, c) for c in found[:200]]


@router.get("/complaints/statistics", auth=PUBLIC)
def statistics(
    request: HttpRequest, agency: str | None = None, region: str | None = None
) -> dict[str, Any]:
    """Public figures per agency: volumes, working days to verify, follow up and settle,
    shares within deadline, and the re-routing ("ping-pong") count."""
    return complaint_statistics(agency=agency, region=region)


@router.get("/complaints/{number}", response=ComplaintOut, auth=SIGNED_IN)
def get_complaint(request: HttpRequest, number: str) -> dict[str, Any]:
    return _out(request, access_complaint(signed_in(request), number))


@router.post("/complaints/{number}/verify", response=ComplaintOut, auth=SIGNED_IN)
@idempotent
def verify(request: HttpRequest, number: str, payload: ComplaintAgencyIn) -> dict[str, Any]:
    """Verifikasi: the coordinator disposes the complaint to the competent agency."""
    user = signed_in(request)
    complaint = access_complaint(user, number)
    actions.verify_complaint(
        acting_user=user, complaint=complaint, agency=payload.agency, message=payload.message
    )
    return _out(request, complaint)


@router.post("/complaints/{number}/defer", response=ComplaintOut, auth=SIGNED_IN)
@idempotent
def defer(request: HttpRequest, number: str, payload: ComplaintReasonIn) -> dict[str, Any]:
    user = signed_in(request)
    complaint = access_complaint(user, number)
    actions.defer_complaint(acting_user=user, complaint=complaint, reason=payload.reason)
    return _out(request, complaint)


@router.post("/complaints/{number}/resume", response=ComplaintOut, auth=SIGNED_IN)
@idempotent
def resume(request: HttpRequest, number: str, payload: ComplaintMessageIn) -> dict[str, Any]:
    user = signed_in(request)
    complaint = access_complaint(user, number)
    actions.resume_complaint(acting_user=user, complaint=complaint, message=payload.message)
    return _out(request, complaint)


@router.post("/complaints/{number}/archive", response=ComplaintOut, auth=SIGNED_IN)
@idempotent
def archive(request: HttpRequest, number: str, payload: ComplaintReasonIn) -> dict[str, Any]:
    user = signed_in(request)
    complaint = access_complaint(user, number)
    actions.archive_complaint(acting_user=user, complaint=complaint, reason=payload.reason)
    return _out(request, complaint)


@router.post("/complaints/{number}/decline", response=ComplaintOut, auth=SIGNED_IN)
@idempotent
def decline(request: HttpRequest, number: str, payload: ComplaintReasonIn) -> dict[str, Any]:
    """Bukan wewenang: the agency returns the complaint to the coordinator, with a reason."""
    user = signed_in(request)
    complaint = access_complaint(user, number)
    actions.decline_complaint(acting_user=user, complaint=complaint, reason=payload.reason)
    return _out(request, complaint)


@router.post("/complaints/{number}/reroute", response=ComplaintOut, auth=SIGNED_IN)
@idempotent
def reroute(request: HttpRequest, number: str, payload: ComplaintAgencyIn) -> dict[str, Any]:
    user = signed_in(request)
    complaint = access_complaint(user, number)
    actions.reroute_complaint(
        acting_user=user, complaint=complaint, agency=payload.agency, message=payload.message
    )
    return _out(request, complaint)


@router.post("/complaints/{number}/follow-up", response=ComplaintOut, auth=SIGNED_IN)
@idempotent
def follow_up(request: HttpRequest, number: str, payload: ComplaintMessageIn) -> dict[str, Any]:
    user = signed_in(request)
    complaint = access_complaint(user, number)
    actions.follow_up_complaint(acting_user=user, complaint=complaint, message=payload.message)
    return _out(request, complaint)


@router.post("/complaints/{number}/rate", response=ComplaintOut, auth=SIGNED_IN)
@idempotent
def rate(request: HttpRequest, number: str, payload: ComplaintRateIn) -> dict[str, Any]:
    """The complainant rates the follow-up (1-5): closes it, or reopens it with ``reopen``."""
    user = signed_in(request)
    complaint = access_complaint(user, number)
    actions.rate_complaint(
        acting_user=user,
        complaint=complaint,
        rating=payload.rating,
        reopen=payload.reopen,
        message=payload.message,
    )
    return _out(request, complaint)


# --- IKM --------------------------------------------------------------------------------------

ikm_router = Router(tags=["ikm"])


class IkmResponseIn(Schema):
    receipt_number: str
    answers: dict[str, Any]


class IkmResponseOut(Schema):
    survey: int
    submitted_on: date


class IkmElementOut(Schema):
    code: str
    name: str
    answered: int
    nrr: str
    converted: str
    grade: str


class IkmSurveyOut(Schema):
    id: int
    agency: str
    period_start: date
    period_end: date
    population: int
    respondents: int
    required_sample: int | None
    sample_short: bool
    weighting: str
    ikm: str | None
    grade: str | None
    grade_label: str | None
    elements: list[IkmElementOut]


def _survey_out(survey: Survey) -> dict[str, Any]:
    return survey_results(survey).as_dict()


@ikm_router.post("/ikm/responses", response={201: IkmResponseOut}, auth=SIGNED_IN)
@idempotent
def respond(request: HttpRequest, payload: IkmResponseIn) -> Status[dict[str, Any]]:
    """One anonymous response per completed case: U1..U9 on the 1-4 scale."""
    user = signed_in(request)
    case = access_case(user, normalise_receipt(payload.receipt_number))
    response = actions.respond_to_survey(acting_user=user, case=case, answers=payload.answers)
    return Status(201, {"survey": response.survey_id, "submitted_on": response.submitted_on})


@ikm_router.get("/ikm/surveys", response=list[IkmSurveyOut], auth=PUBLIC)
def surveys(request: HttpRequest, agency: str | None = None) -> list[dict[str, Any]]:
    found = Survey.objects.select_related("agency")
    if agency:
        found = found.filter(agency__code=agency)
    return [_survey_out(s) for s in found[:200]]


@ikm_router.get("/ikm/surveys/{survey_id}", response=IkmSurveyOut, auth=PUBLIC)
def survey(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    return _survey_out(access_survey(survey_id))


class IkmPopulationIn(Schema):
    population: int


@ikm_router.post("/ikm/surveys/{survey_id}/population", response=IkmSurveyOut, auth=SIGNED_IN)
@idempotent
def population(request: HttpRequest, survey_id: int, payload: IkmPopulationIn) -> dict[str, Any]:
    """The unit's head records how many people it served in the period (for the sample)."""
    survey = access_survey(survey_id)
    actions.set_survey_population(
        acting_user=signed_in(request), survey=survey, population=payload.population
    )
    return _survey_out(survey)


__all__ = ["ikm", "ikm_router", "router"]
