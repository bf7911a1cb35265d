"""Pages: the complaint form, tracking, the inbox with the coordinator's and the agency's
actions, public statistics, and IKM results per unit. Views validate input, call an action or
an access function, and render."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View

from sinergi.accounts.models import User
from sinergi.cases.access import access_case
from sinergi.cases.calendar_service import platform_calendar
from sinergi.core.errors import Conflict, Forbidden, NotFound
from sinergi.core.idempotency import submit_once
from sinergi.registry.models import Agency, Region
from sinergi.rules import RuleError
from sinergi.voice import actions, lifecycle
from sinergi.voice.access import (
    access_complaint,
    access_survey,
    complainant_shown,
    complaint_inbox,
    visible_complaints,
)
from sinergi.voice.charts import element_chart
from sinergi.voice.forms import (
    AgencyForm,
    ComplaintForm,
    FollowUpForm,
    RateForm,
    ReasonForm,
    SurveyForm,
    add_rule_errors,
)
from sinergi.voice.models import Complaint, ComplaintEvent, Survey, SurveyInvitation
from sinergi.voice.results import responses_csv, survey_results
from sinergi.voice.router_service import platform_router
from sinergi.voice.statistics import complaint_statistics


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


class FileComplaintView(LoginRequiredMixin, View):
    login_url = "web:sign_in"
    template = "voice/complaint_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template, {"form": ComplaintForm()})

    def post(self, request: HttpRequest) -> HttpResponseBase:
        form = ComplaintForm(request.POST, request.FILES)
        if form.is_valid():
            uploads = []
            upload = form.cleaned_data.get("attachment")
            if upload is not None:
                limit = int(settings.SINERGI_VOICE["ATTACHMENT_MAX_BYTES"])
                uploads.append(actions.Upload(upload.name or "lampiran", upload.read(limit + 1)))
            user = _user(request)

            def file() -> dict[str, Any]:
                complaint = actions.file_complaint(
                    acting_user=user,
                    text=form.cleaned_data["text"],
                    region_code=form.cleaned_data["region_code"],
                    kind=form.cleaned_data["kind"],
                    category=form.cleaned_data["category"],
                    confidentiality=form.cleaned_data["confidentiality"],
                    uploads=uploads,
                )
                return {"number": complaint.tracking_number}

            try:
                filed = submit_once(request, user, file)
            except RuleError as error:
                add_rule_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext("Your report is filed. Its tracking number is %(number)s.")
                    % {"number": filed["number"]},
                )
                return redirect("voice:complaint", number=filed["number"])
        return render(request, self.template, {"form": form}, status=422)


class ComplaintListView(LoginRequiredMixin, View):
    """The caller's own complaints, and what waits on them (coordinator or agency inbox)."""

    login_url = "web:sign_in"

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        own = visible_complaints(user).filter(filed_by=user)[:100]
        inbox = complaint_inbox(user).order_by("verify_due")[:200]
        return render(
            request,
            "voice/complaint_list.html",
            {
                "own": own,
                "inbox": inbox,
                "now": timezone.now(),
                "coordinator": actions.is_coordinator(user),
            },
        )


def _agency_choices(complaint: Complaint) -> list[tuple[str, str]]:
    """Suggested agencies first (with their router score), then every current agency."""
    today = timezone.localdate()
    live = [a for a in Agency.objects.order_by("short_name") if a.is_live(today)]
    names = {a.code: a.short_name for a in live}
    suggested = [
        s for s in platform_router().rank(complaint.text, complaint.region_id) if s.agency in names
    ]
    first = [
        (
            s.agency,
            gettext("%(name)s (suggested, score %(score).2f)")
            % {"name": names[s.agency], "score": s.score},
        )
        for s in suggested
    ]
    taken = {code for code, _ in first}
    return first + [(a.code, a.short_name) for a in live if a.code not in taken]


def _deadline_rows(complaint: Complaint) -> list[dict[str, Any]]:
    """Each deadline with its unit, and whether it was met, is running or has passed."""
    calendar = platform_calendar()
    now = timezone.now()

    def row(
        label: str, due: datetime | None, done: datetime | None, unit: str, start: datetime | None
    ) -> dict[str, Any]:
        if due is None:
            return {"label": label, "due": None, "unit": unit, "state": "", "elapsed": None}
        moment = done or now
        state = "met" if done and done <= due else "late" if moment > due else "running"
        elapsed = calendar.working_days_elapsed(start, moment) if start else None
        return {"label": label, "due": due, "unit": unit, "state": state, "elapsed": elapsed}

    follow_up_start = complaint.disposed_at
    return [
        row(
            gettext("Verification"),
            complaint.verify_due,
            complaint.verified_at,
            gettext("3 working days after filing"),
            complaint.submitted_at,
        ),
        row(
            gettext("Follow-up"),
            complaint.follow_up_due,
            complaint.followed_up_at,
            gettext("5 working days after the first disposition, across re-routing"),
            follow_up_start,
        ),
        row(
            gettext("Settlement"),
            complaint.settle_due,
            complaint.closed_at if complaint.status == "closed" else None,
            gettext("60 days after the report is complete"),
            complaint.verified_at,
        ),
        row(
            gettext("Closing without an answer"),
            complaint.close_due,
            complaint.closed_at,
            gettext("10 working days after the follow-up"),
            complaint.followed_up_at,
        ),
    ]


class ComplaintView(LoginRequiredMixin, View):
    """Tracking, and the forms of the actions the caller may take now."""

    login_url = "web:sign_in"
    template = "voice/complaint_detail.html"

    def _load(self, request: HttpRequest, number: str) -> Complaint:
        try:
            return access_complaint(_user(request), number)
        except NotFound:
            raise Http404(number) from None

    def _context(
        self, request: HttpRequest, complaint: Complaint, bound: dict[str, forms.Form]
    ) -> dict[str, Any]:
        user = _user(request)
        coordinator = actions.is_coordinator(user)
        agency = actions.acts_for_agency(user, complaint)
        mine = complaint.filed_by_id == user.pk
        status = complaint.status
        available: dict[str, forms.Form] = {}
        if coordinator and status == "submitted":
            available["verify"] = AgencyForm(choices=_agency_choices(complaint))
            available["defer"] = ReasonForm()
            available["archive"] = ReasonForm()
        if coordinator and status == "returned":
            current = complaint.agency.code if complaint.agency else ""
            choices = [c for c in _agency_choices(complaint) if c[0] != current]
            available["reroute"] = AgencyForm(choices=choices)
        if agency and status == "disposed":
            available["follow_up"] = FollowUpForm()
            available["decline"] = ReasonForm()
        if mine and status == "followed_up":
            available["rate"] = RateForm()
        available.update({k: v for k, v in bound.items() if k in available})
        events = ComplaintEvent.objects.filter(complaint=complaint).select_related("agency")
        return {
            "complaint": complaint,
            "complainant_shown": complainant_shown(user, complaint),
            "events": events,
            "deadlines": _deadline_rows(complaint),
            "forms": available,
            "attachments": complaint.attachments.order_by("id"),
            "open": status in lifecycle.OPEN,
        }

    def get(self, request: HttpRequest, number: str) -> HttpResponse:
        complaint = self._load(request, number)
        return render(request, self.template, self._context(request, complaint, {}))

    def post(self, request: HttpRequest, number: str) -> HttpResponseBase:
        complaint = self._load(request, number)
        user = _user(request)
        action = request.POST.get("action", "")
        form: forms.Form
        if action in ("verify", "reroute"):
            form = AgencyForm(request.POST, choices=_agency_choices(complaint))
        elif action in ("defer", "archive", "decline"):
            form = ReasonForm(request.POST)
        elif action == "follow_up":
            form = FollowUpForm(request.POST)
        elif action == "rate":
            form = RateForm(request.POST)
        else:
            raise Http404(action)
        if form.is_valid():
            data = form.cleaned_data
            try:
                match action:
                    case "verify":
                        actions.verify_complaint(
                            acting_user=user,
                            complaint=complaint,
                            agency=data["agency"],
                            message=data["message"],
                        )
                    case "reroute":
                        actions.reroute_complaint(
                            acting_user=user,
                            complaint=complaint,
                            agency=data["agency"],
                            message=data["message"],
                        )
                    case "defer":
                        actions.defer_complaint(
                            acting_user=user, complaint=complaint, reason=data["reason"]
                        )
                    case "archive":
                        actions.archive_complaint(
                            acting_user=user, complaint=complaint, reason=data["reason"]
                        )
                    case "decline":
                        actions.decline_complaint(
                            acting_user=user, complaint=complaint, reason=data["reason"]
                        )
                    case "follow_up":
                        actions.follow_up_complaint(
                            acting_user=user, complaint=complaint, message=data["message"]
                        )
                    case "rate":
                        actions.rate_complaint(
                            acting_user=user,
                            complaint=complaint,
                            rating=data["rating"],
                            reopen=data["reopen"],
                        )
            except RuleError as error:
                add_rule_errors(form, error)
            except (Forbidden, Conflict) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, gettext("Saved."))
                return redirect("voice:complaint", number=complaint.tracking_number)
        context = self._context(request, complaint, {action: form})
        context["form"] = form  # the error summary of the base template
        return render(request, self.template, context, status=422)


class StatisticsView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        region = (request.GET.get("region") or "").strip()[:13] or None
        figures = complaint_statistics(region=region)
        names = dict(Agency.objects.values_list("code", "short_name"))
        agencies = figures["agencies"]
        assert isinstance(agencies, list)
        rows = [{**row, "name": names.get(str(row["agency"]), row["agency"])} for row in agencies]
        places = figures["regions"]
        assert isinstance(places, list)
        region_names = dict(
            Region.objects.filter(code__in=[r["region"] for r in places]).values_list(
                "code", "name"
            )
        )
        region_rows = [{**r, "name": region_names.get(r["region"], r["region"])} for r in places]
        return render(
            request,
            "voice/statistics.html",
            {
                "overall": figures["overall"],
                "rows": rows,
                "regions": region_rows,
                "region": region or "",
            },
        )


class SurveyListView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        surveys = [survey_results(s) for s in Survey.objects.select_related("agency")[:200]]
        invitations = (
            SurveyInvitation.objects.filter(case__citizen__user=request.user, responded_at=None)
            .select_related("case__service", "survey__agency")
            .order_by("-invited_at")
            if request.user.is_authenticated
            else SurveyInvitation.objects.none()
        )
        return render(
            request, "voice/survey_list.html", {"results": surveys, "invitations": invitations}
        )


class SurveyAnswerView(LoginRequiredMixin, View):
    """The citizen of a completed case answers the survey once; the answers are anonymous."""

    login_url = "web:sign_in"
    template = "voice/survey_answer.html"

    def _invitation(self, request: HttpRequest, receipt: str) -> SurveyInvitation:
        try:
            case = access_case(_user(request), receipt)
        except NotFound:
            raise Http404(receipt) from None
        invitation = SurveyInvitation.objects.filter(case=case).select_related(
            "survey__agency", "case__service"
        )
        found = invitation.first()
        if found is None:
            raise Http404(receipt)
        return found

    def get(self, request: HttpRequest, receipt: str) -> HttpResponse:
        invitation = self._invitation(request, receipt)
        return render(request, self.template, {"form": SurveyForm(), "invitation": invitation})

    def post(self, request: HttpRequest, receipt: str) -> HttpResponseBase:
        invitation = self._invitation(request, receipt)
        form = SurveyForm(request.POST)
        if form.is_valid():
            try:
                actions.respond_to_survey(
                    acting_user=_user(request), case=invitation.case, answers=form.cleaned_data
                )
            except RuleError as error:
                add_rule_errors(form, error)
            else:
                messages.success(request, gettext("Thank you: your answers are recorded."))
                return redirect("voice:survey", survey_id=invitation.survey_id)
        context = {"form": form, "invitation": invitation}
        return render(request, self.template, context, status=422)


class SurveyView(View):
    def get(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        try:
            survey = access_survey(survey_id)
        except NotFound:
            raise Http404(survey_id) from None
        results = survey_results(survey)
        chart = element_chart(results.result) if results.result else ""
        return render(
            request,
            "voice/survey_detail.html",
            {"results": results, "survey": survey, "chart": chart},
        )


class SurveyCsvView(View):
    def get(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        try:
            survey = access_survey(survey_id)
        except NotFound:
            raise Http404(survey_id) from None
        response = HttpResponse(responses_csv(survey), content_type="text/csv; charset=utf-8")
        name = f"ikm-{survey.agency.code}-{survey.period_start:%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
