"""Officials' pages: thin views over cases.access and cases.actions."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from statistics import median
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from sinergi.accounts.models import User
from sinergi.accounts.roles import AGENCY_ROLES, Role
from sinergi.cases import actions as case_actions
from sinergi.cases import engine, objections
from sinergi.cases.access import (
    SEES_COORDINATED_SERVICES,
    access_case,
    agency_steps,
    visible_cases,
)
from sinergi.cases.api import WalkInCitizen, _walk_in
from sinergi.cases.models import Case, CaseStep, Objection
from sinergi.catalog.definitions import StepKind
from sinergi.catalog.models import ProcessDefinition, Service
from sinergi.core.errors import Conflict, Forbidden, NotFound
from sinergi.core.idempotency import submit_once
from sinergi.portal import access as portal_access
from sinergi.portal import actions as portal_actions
from sinergi.portal import progress
from sinergi.portal.forms import ApplicationForm, MessageForm, add_rule_errors
from sinergi.registry.access import agency_ids_of, visible_officials
from sinergi.registry.authority import Basis, Scope
from sinergi.registry.models import Agency, ServicePointStaff
from sinergi.registry.resolve import authority_of
from sinergi.rules import RuleError

OUTCOME_LABELS = {
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "recommend": gettext_lazy("Give the recommendation"),
    "return_for_revision": gettext_lazy("Return to the citizen for revision"),
    "paid": gettext_lazy("Record the payment"),
    "done": gettext_lazy("Mark as done"),
}
KIND_LABELS = {
    "atribusi": gettext_lazy("attribution"),
    "delegasi": gettext_lazy("delegation"),
    "mandat": gettext_lazy("mandate"),
}


def _official(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.role not in AGENCY_ROLES:
        raise Http404("officials only")
    return user


# --- Inbox ---------------------------------------------------------------------------------------
#: Steps per inbox page: the page reads one page of rows by the (agency, status, due) index.
INBOX_PAGE = 50
_SOON = timedelta(hours=24)  # as progress.sla_state: "due soon" within a day


def _sla_filter(steps: Any, status: str, sla: str, now: Any) -> Any:
    """The deadline filter in SQL (as ``progress.sla_state`` tells it), so the inbox pages."""
    if not sla:
        return steps
    if status != "active":  # only active steps have a deadline state
        return steps if sla == "no_deadline" else steps.none()
    match sla:
        case "overdue":
            return steps.filter(due_at__lt=now)
        case "due_soon":
            return steps.filter(due_at__gte=now, due_at__lt=now + _SOON)
        case "on_time":
            return steps.filter(due_at__gte=now + _SOON)
        case "no_deadline":
            return steps.filter(due_at__isnull=True)
    return steps.none()


def _inbox_services(agency_codes: set[str]) -> list[Service]:
    """The services with a step at one of these agencies, from the (few) current process
    definitions rather than from every case step of the agency."""
    ids = {
        row.service_id
        for row in ProcessDefinition.objects.filter(current=True)
        if any(step.agency in agency_codes for step in row.parsed().steps)
    }
    return list(Service.objects.filter(pk__in=ids).order_by("code"))


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = _official(request)
    status = request.GET.get("status", "active")
    sla = request.GET.get("sla", "")
    service = request.GET.get("service", "")
    try:
        page = int(request.GET.get("page") or 1)
    except ValueError:
        raise Http404("page") from None
    if page < 1:
        raise Http404("page")
    steps = agency_steps(user)
    if status in {"active", "done", "returned", "rejected", "skipped"}:
        steps = steps.filter(status=status)
    if service:
        steps = steps.filter(case__service__code=service)
    now = timezone.now()
    steps = _sla_filter(steps, status, sla, now)
    start = (page - 1) * INBOX_PAGE
    window = list(
        steps.defer("case__state", "case__definition__body", "basis").order_by("due_at", "id")[
            start : start + INBOX_PAGE + 1
        ]
    )
    more = len(window) > INBOX_PAGE
    window = window[:INBOX_PAGE]
    definitions = {
        row.pk: row.parsed()
        for row in ProcessDefinition.objects.filter(pk__in={s.case.definition_id for s in window})
    }
    rows = []
    for step in window:
        state = progress.sla_state(step.due_at, now) if step.status == "active" else "no_deadline"
        rows.append(
            {
                "step": step,
                "title": definitions[step.case.definition_id].step(step.step_id).title,
                "sla": state,
                "sla_label": progress.SLA_LABELS[state],
                "sla_tag": progress.SLA_TAGS[state],
            }
        )
    agencies = list(Agency.objects.filter(pk__in=agency_ids_of(user)))
    heard = Objection.objects.filter(
        agency_id__in=[a.pk for a in agencies], status=Objection.Status.OPEN
    ).select_related("case")
    template = (
        "backoffice/inbox.html#rows"
        if request.headers.get("HX-Request")
        else "backoffice/inbox.html"
    )
    query = {"status": status, "sla": sla, "service": service}
    return render(
        request,
        template,
        {
            "rows": rows,
            "objections": heard,
            "status": status,
            "sla": sla,
            "service": service,
            "services": _inbox_services({a.code for a in agencies}),
            "sla_choices": progress.SLA_LABELS.items(),
            "agencies": agencies,
            "page": page,
            "previous_page": urlencode({**query, "page": page - 1}) if page > 1 else "",
            "next_page": urlencode({**query, "page": page + 1}) if more else "",
        },
    )


def _step_for(user: User, receipt: str, step_id: str) -> tuple[Case, CaseStep]:
    """The case and this agency's step in it, or 404 (other agencies' steps do not exist)."""
    try:
        case = access_case(user, receipt.upper())
    except NotFound:
        raise Http404(receipt) from None
    step = agency_steps(user).filter(case=case, step_id=step_id).first()
    if step is None:
        raise Http404(step_id)
    return case, step


def _authority_text(user: User, case: Case, step_id: str) -> tuple[bool, str]:
    step = case.definition.parsed().step(step_id)
    if step.authority is None:
        return True, _("This step needs no decision-making authority.")
    result = authority_of(
        user, Scope(step.authority.service, step.authority.decision), timezone.now()
    )
    if not isinstance(result, Basis):
        return False, f"{result.translated(_)} ({result.article})"
    bases = "; ".join(f"{b.regulation}, {b.article}" for b in result.legal_bases)
    kind = str(KIND_LABELS.get(result.kind.value, result.kind.value))
    if result.on_behalf_of:
        text = _("You act under {kind} from {grantor} ({bases}). You sign: {signature}.").format(
            kind=kind, grantor=result.on_behalf_of, bases=bases, signature=result.signature
        )
    else:
        text = _("You act under {kind} as {title} ({bases}). You sign: {signature}.").format(
            kind=kind, title=result.acting_title, bases=bases, signature=result.signature
        )
    return True, text


class ActForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Your decision"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose what to do")},
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy(
            "Required when you reject or return the application; the citizen reads them."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, outcomes: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["outcome"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o, OUTCOME_LABELS.get(o, o)) for o in outcomes]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("outcome") in {"reject", "return_for_revision"}
            and not data.get("reasons", "").strip()
        ):
            self.add_error(
                "reasons", _("Enter the reasons: the law requires them for this decision")
            )
        return data


@login_required
@require_http_methods(["GET", "POST"])
def step_page(request: HttpRequest, receipt: str, step_id: str) -> HttpResponse:
    user = _official(request)
    case, step = _step_for(user, receipt, step_id)
    definition = case.definition.parsed()
    kind = definition.step(step_id).kind
    outcomes = sorted(o.value for o in engine.ALLOWED_OUTCOMES[StepKind(kind)])
    form = ActForm(outcomes, request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            case_actions.act_on_step(
                acting_user=user,
                case=case,
                step_id=step_id,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
                expected_version=form.cleaned_data["version"],
            )
        except RuleError as error:
            add_rule_errors(form, error)
        except (Conflict, Forbidden) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Done: the case moved on."))
            return redirect("backoffice:inbox")
    can_act, authority = _authority_text(user, case, step_id)
    fields = {f["name"]: f.get("label", f["name"]) for f in case.service.form}
    data = [(fields.get(k, k), v) for k, v in case.state.get("data", {}).items() if k in fields]
    return render(
        request,
        "backoffice/step.html",
        {
            "case": case,
            "step": step,
            "title": definition.step(step_id).title,
            "data": data,
            "citizen_name": case.citizen.full_name,
            "form": form,
            "can_act": can_act and step.status == "active",
            "authority": authority,
            "documents": portal_access.documents_of(case),
            "messages_list": portal_access.messages_of(case),
            "message_form": MessageForm(),
            "can_write": True,
            "message_action": reverse("backoffice:message", args=[case.receipt_number, step_id]),
            "steps": progress.steps_of(case),
            "colleagues": _colleagues(user, step)
            if user.role == Role.AGENCY_HEAD and step.status == "active" and not step.claimed_by
            else [],
            "sla_label": progress.SLA_LABELS[progress.sla_state(step.due_at, timezone.now())],
        },
    )


@login_required
@require_POST
def claim(request: HttpRequest, receipt: str, step_id: str) -> HttpResponse:
    user = _official(request)
    case, _step = _step_for(user, receipt, step_id)
    try:
        case_actions.claim_step(acting_user=user, case=case, step_id=step_id)
    except (RuleError, Conflict, Forbidden) as error:
        text = (
            "; ".join(v.translated(_) for v in error.violations)
            if isinstance(error, RuleError)
            else str(error)
        )
        messages.error(request, text)
    else:
        messages.success(request, _("You took this step."))
    return redirect("backoffice:step", receipt=case.receipt_number, step_id=step_id)


def _colleagues(user: User, step: CaseStep) -> list[User]:
    """Officials of the step's agency whom its head may give the step to."""
    return list(
        visible_officials(user)
        .filter(appointments__position__agency_id=step.agency_id)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("username")
    )


@login_required
@require_POST
def assign(request: HttpRequest, receipt: str, step_id: str) -> HttpResponse:
    user = _official(request)
    case, step = _step_for(user, receipt, step_id)
    chosen = next(
        (u for u in _colleagues(user, step) if u.username == request.POST.get("assignee")), None
    )
    if chosen is None:
        messages.error(request, _("Choose an official of your agency."))
        return redirect("backoffice:step", receipt=case.receipt_number, step_id=step_id)
    try:
        case_actions.assign_step(acting_user=user, case=case, step_id=step_id, assignee=chosen)
    except RuleError as error:
        messages.error(request, "; ".join(v.translated(_) for v in error.violations))
    except (Conflict, Forbidden) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The step was given to {name}.").format(name=chosen.get_full_name())
        )
    return redirect("backoffice:step", receipt=case.receipt_number, step_id=step_id)


@login_required
@require_POST
def message(request: HttpRequest, receipt: str, step_id: str) -> HttpResponse:
    user = _official(request)
    case, _step = _step_for(user, receipt, step_id)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            portal_actions.send_message(acting_user=user, case=case, body=form.cleaned_data["body"])
            form = MessageForm()
        except RuleError as error:
            add_rule_errors(form, error)
        except (Forbidden, NotFound):
            raise Http404(receipt) from None
    context = {
        "case": case,
        "messages_list": portal_access.messages_of(case),
        "message_form": form,
        "can_write": True,
        "message_action": request.path,
    }
    if request.headers.get("HX-Request"):
        return render(request, "portal/case.html#messages", context)
    return redirect(reverse("backoffice:step", args=[case.receipt_number, step_id]) + "#messages")


class ObjectionDecisionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=gettext_lazy("Your decision on the objection"),
        choices=[
            ("yes", gettext_lazy("Uphold the objection")),
            ("no", gettext_lazy("Dismiss the objection")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose whether to uphold the objection")},
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Enter the reasons for the decision")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def objection(request: HttpRequest, receipt: str) -> HttpResponse:
    """The agency that decided hears the citizen's objection (keberatan) and decides again."""
    user = _official(request)
    try:
        case = access_case(user, receipt.upper())
    except NotFound:
        raise Http404(receipt) from None
    heard = Objection.objects.filter(case=case, agency_id__in=agency_ids_of(user)).first()
    if heard is None:
        raise Http404(receipt)
    form = ObjectionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objections.decide_objection(
                acting_user=user,
                case=case,
                upheld=form.cleaned_data["upheld"],
                reasons=form.cleaned_data["reasons"],
            )
        except RuleError as error:
            add_rule_errors(form, error)
        except (Conflict, Forbidden, NotFound) as error:
            form.add_error(None, str(error) or _("This objection was already decided."))
        else:
            messages.success(request, _("The objection was decided."))
            return redirect("backoffice:inbox")
    return render(
        request, "backoffice/objection.html", {"case": case, "objection": heard, "form": form}
    )


# --- Agency head ---------------------------------------------------------------------------------
@login_required
def load(request: HttpRequest) -> HttpResponse:
    user = _official(request)
    if user.role not in {Role.AGENCY_HEAD, Role.COORDINATOR}:
        raise Http404("agency heads only")
    now = timezone.now()
    active = list(agency_steps(user).filter(status="active"))
    states = Counter(progress.sla_state(s.due_at, now) for s in active)
    by_official = Counter(
        s.claimed_by.get_full_name() if s.claimed_by else _("Not claimed") for s in active
    )
    overdue = [s for s in active if progress.sla_state(s.due_at, now) == "overdue"]
    done_week = (
        agency_steps(user).filter(status="done", done_at__gte=now - timedelta(days=7)).count()
    )
    return render(
        request,
        "backoffice/load.html",
        {
            "active": len(active),
            "states": [(progress.SLA_LABELS[k], states.get(k, 0)) for k in progress.SLA_LABELS],
            "by_official": sorted(by_official.items()),
            "overdue": overdue,
            "done_week": done_week,
            "escalated": [s for s in active if s.escalation > 0],
        },
    )


# --- Front desk ----------------------------------------------------------------------------------
class WalkInForm(forms.Form):
    nik = forms.CharField(
        label=gettext_lazy("NIK of the citizen"),
        max_length=16,
        min_length=16,
        error_messages={
            "required": gettext_lazy("Enter the citizen's NIK"),
            "min_length": gettext_lazy("The NIK is 16 digits"),
        },
    )
    full_name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=200,
        error_messages={"required": gettext_lazy("Enter the citizen's full name")},
    )
    email = forms.EmailField(label=gettext_lazy("E-mail (optional)"), required=False)


def _desk_services(user: User) -> list[tuple[Service, str]]:
    now = timezone.now()
    points = set(
        ServicePointStaff.objects.filter(user=user, valid_from__lte=now)
        .exclude(valid_to__lte=now)
        .values_list("service_point__code", flat=True)
    )
    offered = []
    for service in Service.objects.filter(published=True):
        for row in service.current_definitions():
            definition = row.parsed()
            places = {definition.service_point} | {s.location for s in definition.steps}
            if points & {p for p in places if p} and definition.intake.value == "front_desk":
                offered.append((service, row.variant))
    return offered


@login_required
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or user.role != Role.FRONT_DESK:
        raise Http404("front desk only")
    offered = _desk_services(user)
    choice = request.GET.get("service", "") or request.POST.get("service", "")
    chosen = next(((s, v) for s, v in offered if f"{s.code}/{v}" == choice), None)
    if chosen is None:
        return render(request, "backoffice/desk_choose.html", {"offered": offered})
    service, variant = chosen
    person = WalkInForm(request.POST or None, prefix="citizen")
    form = ApplicationForm(service.form, request.POST or None)
    if request.method == "POST" and person.is_valid() and form.is_valid():

        def take() -> dict[str, Any]:
            citizen = _walk_in(
                WalkInCitizen(
                    nik=person.cleaned_data["nik"],
                    full_name=person.cleaned_data["full_name"],
                    email=person.cleaned_data["email"],
                )
            )
            case, pin = case_actions.submit_case(
                acting_user=user,
                service_code=service.code,
                variant=variant,
                data=form.application_data(),
                citizen=citizen,
            )
            return {"receipt_number": case.receipt_number, "pin": pin}

        try:
            # A double click answers with the first receipt (and its PIN) instead of a second case.
            taken = submit_once(request, user, take)
        except RuleError as error:
            for violation in error.violations:
                target = person if violation.field in {"nik", "citizen"} else form
                name = violation.field.removeprefix("data.")
                target.add_error(name if name in target.fields else None, violation.translated(_))
        except Forbidden as error:
            form.add_error(None, str(error))
        else:
            case = Case.objects.select_related("service", "citizen").get(
                receipt_number=taken["receipt_number"]
            )
            return render(
                request, "backoffice/desk_receipt.html", {"case": case, "pin": taken["pin"]}
            )
    return render(
        request,
        "backoffice/desk.html",
        {
            "service": service,
            "variant": variant,
            "person": person,
            "form": form,
            "choice": choice,
            "any_errors": person.errors or form.errors,
        },
    )


# --- Coordinator -------------------------------------------------------------------------------
@login_required
def coordinator(request: HttpRequest) -> HttpResponse:
    user = _official(request)
    agencies = agency_ids_of(user)
    services = list(Service.objects.filter(coordinator_id__in=agencies).order_by("code"))
    now = timezone.now()
    # The coordinating agency's heads and coordinators see every case of the service
    # (cases.access); anyone else only the cases their agency had a step in.
    every_case = user.role in SEES_COORDINATED_SERVICES
    cases_of = Case.objects.all() if every_case else visible_cases(user)
    # Open and late steps per service and agency, counted in SQL from the steps' own copy of
    # their case's service: one range of the (service, status, agency, due_at) index per
    # service, read from the index alone (COUNT(*) and due_at, not the id: PostgreSQL's
    # index-only scan needs every column it reads in the index), never a case row. The
    # agencies' names are looked up afterwards.
    open_steps = CaseStep.objects.filter(status="active", service_id__in=[s.pk for s in services])
    if not every_case:
        open_steps = open_steps.filter(case_id__in=visible_cases(user).values("pk"))
    grouped = list(
        open_steps.values("service_id", "agency_id")
        .annotate(n=Count("*"), late=Count("due_at", filter=Q(due_at__lt=now)))
        .order_by()
    )
    names = dict(
        Agency.objects.filter(pk__in={c["agency_id"] for c in grouped}).values_list("pk", "name")
    )
    per_agency: dict[int, list[tuple[str, int, int]]] = {}
    for count in sorted(
        grouped, key=lambda c: (-c["late"], -c["n"], names[c["agency_id"]], c["agency_id"])
    ):
        per_agency.setdefault(count["service_id"], []).append(
            (names[count["agency_id"]], count["n"], count["late"])
        )
    blocks = []
    for service in services:
        of_service = cases_of.filter(service=service)
        cases = list(
            of_service.select_related("definition", "service")
            .defer("state", "definition__body")
            .order_by("-submitted_at")[:50]
        )
        active = list(
            CaseStep.objects.filter(case__in=cases, status="active").select_related("agency")
        )
        waiting: dict[int, list[CaseStep]] = {}
        for step in active:
            waiting.setdefault(step.case_id, []).append(step)
        # Ordered most late first, then most open: the first agency is the bottleneck.
        counts = per_agency.get(service.pk, [])
        decided = dict(
            of_service.filter(decided_at__isnull=False)
            .order_by()
            .values_list("definition__variant")
            .annotate(n=Count("id"))
        )
        variants = []
        for row in service.current_definitions():
            # The median of the latest 200 decided cases (by submission, from its index).
            recent = of_service.filter(definition__variant=row.variant, decided_at__isnull=False)
            hours = [
                (done - start).total_seconds() / 3600
                for start, done in recent.order_by("-submitted_at").values_list(
                    "submitted_at", "decided_at"
                )[:200]
                if done is not None
            ]
            variants.append(
                {
                    "row": row,
                    "figures": row.figures,
                    "decided": decided.get(row.variant, 0),
                    "median_hours": round(median(hours), 1) if hours else None,
                }
            )
        blocks.append(
            {
                "service": service,
                "cases": [(c, progress.status_label(c), waiting.get(c.pk, [])) for c in cases],
                "bottleneck": counts[0] if counts else None,
                # (agency name, open steps, late steps): most late steps first, then the busiest.
                "agencies": counts,
                "variants": variants,
                "escalations": [s for s in active if s.escalation > 0],
            },
        )
    return render(request, "backoffice/coordinator.html", {"blocks": blocks})
