"""Citizen pages: thin views over catalog, cases.actions/access and the portal's actions."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sinergi.accounts.models import User
from sinergi.accounts.roles import Role
from sinergi.cases import actions as case_actions
from sinergi.cases import objections
from sinergi.cases.access import access_case
from sinergi.cases.models import Case
from sinergi.catalog.models import Service, ServiceKind, ServiceType
from sinergi.core.errors import Conflict, Forbidden, NotFound
from sinergi.core.models import IdempotencyRecord
from sinergi.documents.access import decision_for_case
from sinergi.documents.actions import pdf_bytes
from sinergi.portal import access, progress
from sinergi.portal import actions as portal_actions
from sinergi.portal.forms import (
    ApplicationForm,
    MessageForm,
    ObjectionForm,
    TrackForm,
    UploadForm,
    WithdrawForm,
    add_rule_errors,
)
from sinergi.registry.models import Agency, Region
from sinergi.rules import RuleError

DRAFTS = "portal_drafts"
PINS = "portal_pins"
TRACKED = "portal_tracked"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


# --- Catalogue ---------------------------------------------------------------------------------
def catalogue(request: HttpRequest) -> HttpResponse:
    services = Service.objects.filter(published=True).prefetch_related("competent_authorities")
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    agency = request.GET.get("agency", "")
    service_type = request.GET.get("type", "")
    region = request.GET.get("region", "")
    if query:
        services = services.filter(
            Q(name__icontains=query) | Q(name_en__icontains=query) | Q(description__icontains=query)
        )
    if kind in ServiceKind.values:
        services = services.filter(kind=kind)
    if service_type in ServiceType.values:
        services = services.filter(type=service_type)
    if agency:
        services = services.filter(competent_authorities__code=agency)
    if region:
        services = services.filter(competent_authorities__region_id__startswith=region[:2])
    agencies = Agency.objects.filter(services__published=True).distinct().order_by("name")
    provinces = {str(code)[:2] for code in agencies.values_list("region_id", flat=True) if code}
    return render(
        request,
        "portal/catalogue.html",
        {
            "services": services.distinct(),
            "query": query,
            "kind": kind,
            "agency": agency,
            "service_type": service_type,
            "region": region,
            "kinds": ServiceKind.choices,
            "types": ServiceType.choices,
            "agencies": agencies,
            "regions": _province_names(provinces),
        },
    )


def _province_names(codes: set[str]) -> list[tuple[str, str]]:
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [(code, names.get(code, code)) for code in sorted(codes)]


def _service(code: str) -> Service:
    service = Service.objects.filter(code=code, published=True).first()
    if service is None:
        raise Http404(code)
    return service


def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    service = _service(code)
    variants = []
    for row in service.current_definitions():
        definition = row.parsed()
        agencies = dict(
            Agency.objects.filter(code__in={s.agency for s in definition.steps}).values_list(
                "code", "name"
            )
        )
        variants.append(
            {
                "row": row,
                "definition": definition,
                "figures": row.figures,
                "steps": [
                    {
                        "title": s.title,
                        "agency": agencies.get(s.agency, s.agency),
                        "sla": s.sla,
                        "channel": s.channel.value,
                        "when": s.when,
                    }
                    for s in definition.steps
                ],
                "online": definition.intake.value == "online",
            }
        )
    return render(
        request,
        "portal/service.html",
        {
            "service": service,
            "variants": variants,
            "agencies": service.competent_authorities.order_by("name"),
            "standard": service.standard,
        },
    )


# --- Applying ----------------------------------------------------------------------------------
def _offered(service: Service, variant: str) -> Any:
    row = service.current_definitions().filter(variant=variant).first()
    if row is None:
        raise Http404(variant)
    return row


def _citizen_only(request: HttpRequest) -> User:
    user = _user(request)
    if user.role != Role.CITIZEN:
        raise Http404("citizens only")
    return user


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str, variant: str) -> HttpResponse:
    _citizen_only(request)
    service = _service(code)
    row = _offered(service, variant)
    drafts: dict[str, Any] = request.session.get(DRAFTS, {})
    key = f"{code}/{variant}"
    if request.method == "POST":
        form = ApplicationForm(service.form, request.POST)
        if form.is_valid():
            drafts[key] = {"data": form.application_data(), "token": secrets.token_urlsafe(16)}
            request.session[DRAFTS] = drafts
            return redirect("portal:check", code=code, variant=variant)
    else:
        initial = drafts.get(key, {}).get("data")
        form = ApplicationForm(service.form, initial=initial)
    return render(request, "portal/apply.html", {"service": service, "row": row, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, code: str, variant: str) -> HttpResponse:
    """Check your answers, then submit once: a double click or a resubmitted page finds the
    case already created under the draft's token and shows it again."""
    user = _citizen_only(request)
    service = _service(code)
    row = _offered(service, variant)
    drafts: dict[str, Any] = request.session.get(DRAFTS, {})
    key = f"{code}/{variant}"
    draft = drafts.get(key)
    if request.method == "POST":
        token = request.POST.get("token", "")[:64]
        done = IdempotencyRecord.objects.filter(user=user, key=f"portal-apply:{token}").first()
        if done is not None:
            return redirect("portal:submitted", receipt=done.body["receipt_number"])
        if draft is None or draft["token"] != token:
            messages.error(
                request, _("This form was already sent or has expired. Check your applications.")
            )
            return redirect("portal:my_cases")
        try:
            with transaction.atomic():
                case, pin = case_actions.submit_case(
                    acting_user=user, service_code=code, variant=variant, data=draft["data"]
                )
                IdempotencyRecord.objects.create(
                    user=user,
                    key=f"portal-apply:{token}",
                    endpoint=f"POST {request.path}",
                    request_hash=token,
                    status=201,
                    body={"receipt_number": case.receipt_number},
                )
        except IntegrityError:
            done = IdempotencyRecord.objects.filter(user=user, key=f"portal-apply:{token}").first()
            if done is not None:
                return redirect("portal:submitted", receipt=done.body["receipt_number"])
            raise
        except RuleError as error:
            form = ApplicationForm(service.form, draft["data"])
            form.is_valid()
            add_rule_errors(form, error)
            return render(
                request, "portal/apply.html", {"service": service, "row": row, "form": form}
            )
        drafts.pop(key, None)
        request.session[DRAFTS] = drafts
        pins: dict[str, str] = request.session.get(PINS, {})
        pins[case.receipt_number] = pin
        request.session[PINS] = pins
        return redirect("portal:submitted", receipt=case.receipt_number)
    if draft is None:
        return redirect("portal:apply", code=code, variant=variant)
    labels = {f["name"]: f.get("label", f["name"]) for f in service.form}
    answers = [(name, labels.get(name, name), value) for name, value in draft["data"].items()]
    return render(
        request,
        "portal/check.html",
        {"service": service, "row": row, "answers": answers, "token": draft["token"]},
    )


@login_required
def submitted(request: HttpRequest, receipt: str) -> HttpResponse:
    case = _case_for(request, receipt)
    pin = request.session.get(PINS, {}).get(case.receipt_number)
    return render(request, "portal/submitted.html", {"case": case, "pin": pin})


# --- The citizen's cases -----------------------------------------------------------------------
def _case_for(request: HttpRequest, receipt: str) -> Case:
    try:
        return access_case(_user(request), receipt.upper())
    except NotFound:
        raise Http404(receipt) from None


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    cases = access.own_cases(_user(request)).order_by("-submitted_at")
    rows = [{"case": c, "status": progress.status_label(c)} for c in cases[:100]]
    return render(request, "portal/my_cases.html", {"rows": rows})


def _case_context(request: HttpRequest, case: Case, *, tracked: bool = False) -> dict[str, Any]:
    user = request.user
    own = isinstance(user, User) and case.citizen.user_id == user.pk
    steps = progress.steps_of(case)
    decided = case.status in {"approved", "rejected", "deemed_granted"}
    objection = getattr(case, "objection", None) if decided else None
    deadline = objections.objection_deadline(case) if decided else None
    return {
        "case": case,
        "status": progress.status_label(case),
        "steps": steps,
        "holders": [s for s in steps if s.status == "active"],
        "returned": [s for s in steps if s.status == "returned"],
        "events": progress.events_of(case),
        "messages_list": access.messages_of(case),
        "documents": access.documents_of(case),
        "own": own and not tracked,
        "tracked": tracked,
        "message_form": MessageForm(),
        "can_write": own and not tracked,
        "message_action": reverse("portal:case", args=[case.receipt_number]),
        "decision_url": _decision_url(case, tracked=tracked),
        "open": case.status in {"in_progress", "waiting_citizen"},
        "waiting": case.status == "waiting_citizen",
        "decided": decided,
        "objection": objection,
        "objection_deadline": deadline,
        "can_object": own
        and decided
        and objection is None
        and deadline is not None
        and timezone.now() <= deadline,
    }


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, receipt: str) -> HttpResponse:
    case = _case_for(request, receipt)
    context = _case_context(request, case)
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                portal_actions.send_message(
                    acting_user=_user(request), case=case, body=form.cleaned_data["body"]
                )
                form = MessageForm()
            except RuleError as error:
                add_rule_errors(form, error)
            except (Forbidden, NotFound):
                raise Http404(receipt) from None
        context["message_form"] = form
        context["messages_list"] = access.messages_of(case)
        if request.headers.get("HX-Request"):
            return render(request, "portal/case.html#messages", context)
        if not form.errors:
            return redirect(reverse("portal:case", args=[case.receipt_number]) + "#messages")
    return render(request, "portal/case.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def revise(request: HttpRequest, receipt: str) -> HttpResponse:
    case = _case_for(request, receipt)
    user = _user(request)
    if case.citizen.user_id != user.pk:
        raise Http404(receipt)
    if case.status != "waiting_citizen":
        messages.info(request, _("This application is not waiting for a revision."))
        return redirect("portal:case", receipt=case.receipt_number)
    data = dict(case.state.get("data", {}))
    if request.method == "POST":
        form = ApplicationForm(case.service.form, request.POST)
        upload = UploadForm(case.service.requirements, request.POST, request.FILES)
        upload.fields["file"].required = False
        version = request.POST.get("version", "")
        if version != str(case.version):
            form.is_valid()
            form.add_error(
                None,
                _("The application changed since you opened this page. Check it and send again."),
            )
        elif form.is_valid() and upload.is_valid():
            changed = {k: v for k, v in form.application_data().items() if data.get(k) != v}
            try:
                with transaction.atomic():
                    if upload.cleaned_data.get("file"):
                        portal_actions.attach_document(
                            acting_user=user,
                            case=case,
                            upload=upload.cleaned_data["file"],
                            requirement=upload.cleaned_data.get("requirement", ""),
                        )
                    case_actions.revise_case(acting_user=user, case=case, data=changed)
            except RuleError as error:
                target = upload if any(v.field == "file" for v in error.violations) else form
                add_rule_errors(target, error)
            except Conflict as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your revision was sent."))
                return redirect("portal:case", receipt=case.receipt_number)
        form_errors = form.errors or upload.errors
    else:
        form = ApplicationForm(case.service.form, initial=data)
        upload = UploadForm(case.service.requirements)
        upload.fields["file"].required = False
        form_errors = None
    steps = progress.steps_of(case)
    return render(
        request,
        "portal/revise.html",
        {
            "case": case,
            "form": form,
            "upload": upload,
            "returned": [s for s in steps if s.status == "returned"],
            "any_errors": form_errors,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, receipt: str) -> HttpResponse:
    case = _case_for(request, receipt)
    user = _user(request)
    if case.citizen.user_id != user.pk:
        raise Http404(receipt)
    form = UploadForm(case.service.requirements, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            portal_actions.attach_document(
                acting_user=user,
                case=case,
                upload=form.cleaned_data["file"],
                requirement=form.cleaned_data.get("requirement", ""),
            )
        except RuleError as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("Your document was uploaded."))
            return redirect("portal:case", receipt=case.receipt_number)
    return render(request, "portal/upload.html", {"case": case, "form": form})


@require_safe
def document(request: HttpRequest, receipt: str, document_id: int) -> FileResponse:
    """An uploaded document, to whoever may see the case (signed in or tracking by PIN)."""
    if request.user.is_authenticated:
        case = _case_for(request, receipt)
    else:
        case = _tracked_case(request, receipt)
    try:
        item = access.access_document(case, document_id)
    except NotFound:
        raise Http404(document_id) from None
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, receipt: str) -> HttpResponse:
    case = _case_for(request, receipt)
    user = _user(request)
    if case.citizen.user_id != user.pk:
        raise Http404(receipt)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_actions.withdraw_case(
                acting_user=user, case=case, reason=form.cleaned_data["reason"]
            )
        except RuleError as error:
            add_rule_errors(form, error)
        except Conflict as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your application was withdrawn."))
            return redirect("portal:case", receipt=case.receipt_number)
    return render(request, "portal/withdraw.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def objection(request: HttpRequest, receipt: str) -> HttpResponse:
    case = _case_for(request, receipt)
    user = _user(request)
    if case.citizen.user_id != user.pk:
        raise Http404(receipt)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objections.file_objection(
                acting_user=user, case=case, reasons=form.cleaned_data["reasons"]
            )
        except RuleError as error:
            add_rule_errors(form, error)
        except (Conflict, Forbidden) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your objection was filed."))
            return redirect("portal:case", receipt=case.receipt_number)
    return render(request, "portal/objection.html", {"case": case, "form": form})


def _decision_url(case: Case, *, tracked: bool) -> str | None:
    if decision_for_case(case) is None:
        return None
    name = "portal:tracked_decision" if tracked else "portal:decision"
    return reverse(name, args=[case.receipt_number])


def _decision_response(case: Case) -> HttpResponse:
    decision = decision_for_case(case)
    if decision is None:
        raise Http404(case.receipt_number)
    response = HttpResponse(pdf_bytes(decision), content_type="application/pdf")
    filename = decision.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="keputusan-{filename}.pdf"'
    return response


@require_safe
@login_required
def decision(request: HttpRequest, receipt: str) -> HttpResponse:
    """The signed decision (PDF, PAdES) of a case the caller may see."""
    return _decision_response(_case_for(request, receipt))


@require_safe
def tracked_decision(request: HttpRequest, receipt: str) -> HttpResponse:
    return _decision_response(_tracked_case(request, receipt))


# --- Tracking by receipt number and PIN ----------------------------------------------------------
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        receipt = form.cleaned_data["receipt_number"]
        try:
            case = access.access_case_by_pin_throttled(
                receipt, form.cleaned_data["pin"], _client_ip(request)
            )
        except access.Throttled:
            return render(request, "portal/throttled.html", status=429)
        except NotFound:
            form.add_error(
                None,
                _(
                    "The receipt number and PIN do not match an application. "
                    "Check both and try again."
                ),
            )
        else:
            tracked: list[str] = request.session.get(TRACKED, [])
            if case.receipt_number not in tracked:
                tracked.append(case.receipt_number)
            request.session[TRACKED] = tracked[-20:]
            return redirect("portal:tracked", receipt=case.receipt_number)
    return render(request, "portal/track.html", {"form": form})


def _tracked_case(request: HttpRequest, receipt: str) -> Case:
    if receipt.upper() not in request.session.get(TRACKED, []):
        raise Http404(receipt)
    case = (
        Case.objects.select_related("service", "definition", "citizen")
        .filter(receipt_number=receipt.upper())
        .first()
    )
    if case is None:
        raise Http404(receipt)
    return case


def tracked(request: HttpRequest, receipt: str) -> HttpResponse:
    case = _tracked_case(request, receipt)
    return render(request, "portal/case.html", _case_context(request, case, tracked=True))
