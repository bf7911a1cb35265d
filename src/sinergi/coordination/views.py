"""Coordination pages in the agency workspace: thin views over ``access``, ``actions`` and
``reading`` (DESIGN: pages only validate input, call an action or an access function, render)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from sinergi.accounts.models import User
from sinergi.coordination import access, actions, charts, readiness, reading, voting
from sinergi.coordination.escalation import Level
from sinergi.coordination.forms import (
    ActionForm,
    ActionUpdateForm,
    ContributionForm,
    MapFilterForm,
    ProposalForm,
    ReadinessForm,
    VoteForm,
    add_rule_errors,
)
from sinergi.coordination.models import ActionItem, Body, Proposal
from sinergi.coordination.models.bodies import (
    KIND_LABELS,
    RELATION_LABELS,
    ROLE_LABELS,
    RULE_LABELS,
)
from sinergi.coordination.models.decisions import CHOICE_LABELS
from sinergi.core.errors import Conflict, Forbidden, NotFound
from sinergi.rules import RuleError

CATEGORY_COLOURS = {
    "coordination": ("#1d70b8", "6 4"),
    "integration": ("#00703c", ""),
    "close_involvement": ("#6f3c97", "2 3"),
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _load[T](loader: Callable[..., T], *args: Any) -> T:
    try:
        return loader(*args)
    except NotFound:
        raise Http404 from None


def _labels() -> dict[str, Any]:
    return {
        "kind_labels": {k.value: v for k, v in KIND_LABELS.items()},
        "relation_labels": {k.value: v for k, v in RELATION_LABELS.items()},
        "role_labels": {k.value: v for k, v in ROLE_LABELS.items()},
        "rule_labels": {k.value: v for k, v in RULE_LABELS.items()},
        "choice_labels": {k.value: v for k, v in CHOICE_LABELS.items()},
        "status_labels": {
            **dict(Proposal.Status.choices),
            **dict(ActionItem.Status.choices),
        },
        "level_labels": {
            "none": gettext("None"),
            "reminder": gettext("Reminder to the assigned agency"),
            "lead": gettext("Escalated to the lead"),
            "coordinating_ministry": gettext("Escalated to the coordinating ministry"),
        },
        "category_labels": {
            "coordination": gettext("Coordination"),
            "integration": gettext("Integration"),
            "close_involvement": gettext("Close involvement"),
        },
    }


def _agency_choices(codes: set[str] | list[str]) -> list[tuple[str, str]]:
    from sinergi.registry.models import Agency

    return [(a.code, str(a)) for a in Agency.objects.filter(code__in=codes).order_by("code")]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    bodies = [reading.body_summary(b) for b in access.visible_bodies(user)]
    escalations = [
        {"item": e.item, "level": Level(e.level).name.lower(), "at": e.at}
        for e in access.escalations_to(user)[:50]
    ]
    context = {"bodies": bodies, "escalations": escalations, **_labels()}
    return render(request, "coordination/index.html", context)


def _body_page(
    request: HttpRequest,
    body: Body,
    proposal_form: ProposalForm | None = None,
    action_form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    lead = access.leads(user, body) and body.is_active(timezone.localdate())
    context = {
        "body": reading.body_detail(body),
        "is_lead": lead,
        "proposal_form": proposal_form or (ProposalForm(auto_id="proposal_%s") if lead else None),
        "action_form": action_form
        or (
            ActionForm(agencies=_agency_choices(access.member_codes(body)), auto_id="action_%s")
            if lead
            else None
        ),
        **_labels(),
    }
    return render(request, "coordination/body.html", context, status=status)


@login_required
def body_page(request: HttpRequest, code: str) -> HttpResponse:
    return _body_page(request, _load(access.access_body, _user(request), code))


@login_required
@require_POST
def open_proposal(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    body = _load(access.access_body, user, code)
    form = ProposalForm(request.POST, auto_id="proposal_%s")
    if form.is_valid():
        try:
            proposal = actions.open_proposal(
                acting_user=user, body=body, title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
            )  # fmt: skip
        except Forbidden as exc:
            raise PermissionDenied(str(exc)) from None
        except RuleError as exc:
            add_rule_errors(form, exc)
        else:
            messages.success(request, gettext("The proposal is open for votes."))
            return redirect("coordination:proposal", proposal_id=proposal.pk)
    return _body_page(request, body, proposal_form=form, status=422)


@login_required
@require_POST
def assign_action(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    body = _load(access.access_body, user, code)
    form = ActionForm(
        request.POST, agencies=_agency_choices(access.member_codes(body)), auto_id="action_%s"
    )
    proposal = None
    if request.POST.get("proposal"):
        proposal = body.proposals.filter(pk=request.POST["proposal"]).first()
    if form.is_valid():
        try:
            item = actions.assign_action(
                acting_user=user, body=body, title=form.cleaned_data["title"],
                agency_code=form.cleaned_data["agency"],
                working_days=form.cleaned_data["working_days"],
                description=form.cleaned_data["description"], proposal=proposal,
            )  # fmt: skip
        except Forbidden as exc:
            raise PermissionDenied(str(exc)) from None
        except RuleError as exc:
            add_rule_errors(form, exc)
        else:
            messages.success(request, gettext("The action is assigned."))
            return redirect("coordination:action_item", item_id=item.pk)
    return _body_page(request, body, action_form=form, status=422)


def _indicator_view(data: dict[str, Any]) -> dict[str, Any]:
    values = {p["period"]: p["value"] for p in data["series"]}
    chart = charts.line_chart(
        data["periods"], values, baseline=data["baseline"], target=data["target"]
    )
    agencies = sorted({a for p in data["series"] for a in p["contributions"]})
    return {**data, "chart": chart, "agencies": agencies}


def _programme_page(
    request: HttpRequest,
    code: str,
    forms_by_id: dict[int, ContributionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    programme = _load(access.access_programme, user, code)
    data = reading.programme_detail(programme)
    mine = access.caller_agency_codes(user)
    indicators = []
    for item in data["indicators"]:
        view = _indicator_view(item)
        reporters = sorted(mine & {c["agency"] for c in item["contributors"]})
        if reporters:
            view["form"] = (forms_by_id or {}).get(item["id"]) or ContributionForm(
                agencies=_agency_choices(reporters), periods=item["periods"],
                auto_id=f"ind{item['id']}_%s",
            )  # fmt: skip
        indicators.append(view)
    context = {"programme": data, "indicators": indicators, **_labels()}
    return render(request, "coordination/programme.html", context, status=status)


@login_required
def programme_page(request: HttpRequest, code: str) -> HttpResponse:
    return _programme_page(request, code)


@login_required
@require_POST
def report(request: HttpRequest, code: str, indicator_id: int) -> HttpResponse:
    user = _user(request)
    indicator = _load(access.access_indicator, user, indicator_id)
    if indicator.programme.code != code:
        raise Http404
    contributors = set(indicator.contributors.values_list("agency__code", flat=True))
    form = ContributionForm(
        request.POST, agencies=_agency_choices(access.caller_agency_codes(user) & contributors),
        periods=indicator.programme.periods, auto_id=f"ind{indicator.pk}_%s",
    )  # fmt: skip
    if form.is_valid():
        try:
            actions.report_contribution(
                acting_user=user, indicator=indicator, agency_code=form.cleaned_data["agency"],
                period=form.cleaned_data["period"], value=Decimal(form.cleaned_data["value"]),
                evidence=form.cleaned_data["evidence"],
            )  # fmt: skip
        except RuleError as exc:
            add_rule_errors(form, exc)
        else:
            messages.success(request, gettext("Your agency's report is recorded."))
            return redirect("coordination:programme", code=code)
    return _programme_page(request, code, {indicator.pk: form}, status=422)


def _proposal_page(
    request: HttpRequest, proposal: Proposal, form: VoteForm | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    data = reading.proposal_detail(proposal)
    voted = {v["agency"] for v in data["votes"]}
    mine = access.caller_agency_codes(user) & set(data["voting_members"])
    can_vote = proposal.status == Proposal.Status.OPEN and bool(mine - voted)
    context = {
        "proposal": data,
        "body": reading.body_summary(proposal.body),
        "form": form or (VoteForm() if can_vote else None),
        "can_close": proposal.status == Proposal.Status.OPEN and access.leads(user, proposal.body),
        "not_voted": sorted(set(data["voting_members"]) - voted),
        "action_form": ActionForm(
            agencies=_agency_choices(access.member_codes(proposal.body)), auto_id="action_%s"
        )
        if proposal.status == Proposal.Status.ADOPTED and access.leads(user, proposal.body)
        else None,
        **_labels(),
    }
    return render(request, "coordination/proposal.html", context, status=status)


@login_required
def proposal_page(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _proposal_page(request, _load(access.access_proposal, _user(request), proposal_id))


@login_required
@require_POST
def cast_vote(request: HttpRequest, proposal_id: int) -> HttpResponse:
    user = _user(request)
    proposal = _load(access.access_proposal, user, proposal_id)
    form = VoteForm(request.POST)
    if form.is_valid():
        try:
            actions.cast_vote(
                acting_user=user, proposal=proposal,
                choice=voting.Choice(form.cleaned_data["choice"]),
            )  # fmt: skip
        except RuleError as exc:
            add_rule_errors(form, exc)
        else:
            messages.success(request, gettext("Your agency's vote is recorded."))
            return redirect("coordination:proposal", proposal_id=proposal.pk)
    return _proposal_page(request, proposal, form, status=422)


@login_required
@require_POST
def close_proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    user = _user(request)
    proposal = _load(access.access_proposal, user, proposal_id)
    try:
        actions.close_proposal(acting_user=user, proposal=proposal)
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from None
    except (RuleError, Conflict):
        messages.error(request, gettext("Voting on this proposal is closed."))
    else:
        messages.success(request, gettext("Voting is closed and the result is published."))
    return redirect("coordination:proposal", proposal_id=proposal.pk)


def _action_page(
    request: HttpRequest, item: ActionItem, form: ActionUpdateForm | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    may_update = item.status != ActionItem.Status.DONE and (
        item.agency.code in access.caller_agency_codes(user) or access.leads(user, item.body)
    )
    context = {
        "item": reading.action_detail(item),
        "body": reading.body_summary(item.body),
        "form": form or (ActionUpdateForm() if may_update else None),
        **_labels(),
    }
    return render(request, "coordination/action_item.html", context, status=status)


@login_required
def action_page(request: HttpRequest, item_id: int) -> HttpResponse:
    return _action_page(request, _load(access.access_action_item, _user(request), item_id))


@login_required
@require_POST
def update_action(request: HttpRequest, item_id: int) -> HttpResponse:
    user = _user(request)
    item = _load(access.access_action_item, user, item_id)
    form = ActionUpdateForm(request.POST)
    if form.is_valid():
        try:
            actions.update_action(
                acting_user=user, item=item, status=ActionItem.Status(form.cleaned_data["status"]),
                note=form.cleaned_data["note"], evidence=form.cleaned_data["evidence"],
            )  # fmt: skip
        except Forbidden as exc:
            raise PermissionDenied(str(exc)) from None
        except Conflict:
            form.add_error(None, gettext("Someone else changed this first; reload it."))
        except RuleError as exc:
            add_rule_errors(form, exc)
        else:
            messages.success(request, gettext("The update is recorded."))
            return redirect("coordination:action_item", item_id=item.pk)
    return _action_page(request, item, form, status=422)


@login_required
def integration_map(request: HttpRequest) -> HttpResponse:
    form = MapFilterForm(request.GET or None)
    sector = region = ""
    if form.is_valid():
        sector = form.cleaned_data["sector"].strip()
        region = form.cleaned_data["region"].strip()
    nodes, edges = reading.integration_map(
        list(access.visible_bodies(_user(request))), sector=sector, region=region
    )
    where = {n.code: n for n in nodes}
    lines = [
        {
            "edge": e,
            "x1": where[e.source].x,
            "y1": where[e.source].y,
            "x2": where[e.target].x,
            "y2": where[e.target].y,
            "colour": CATEGORY_COLOURS[e.category][0],
            "dash": CATEGORY_COLOURS[e.category][1],
        }
        for e in edges
    ]
    legend = [
        {"category": c, "colour": colour, "dash": dash}
        for c, (colour, dash) in CATEGORY_COLOURS.items()
    ]
    context = {
        "form": form, "nodes": nodes, "lines": lines, "legend": legend, "size": 640,
        "sector": sector, "region": region, **_labels(),
    }  # fmt: skip
    return render(request, "coordination/map.html", context)


@login_required
def readiness_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    agencies = _agency_choices(access.caller_agency_codes(user))
    if not agencies:
        raise Http404
    programmes = [(p.code, p.name) for p in access.visible_programmes(user).order_by("code")]
    form = ReadinessForm(request.POST or None, agencies=agencies, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        programme = None
        if form.cleaned_data["programme"]:
            programme = _load(access.access_programme, user, form.cleaned_data["programme"])
        try:
            assessment = actions.assess_readiness(
                acting_user=user, agency_code=form.cleaned_data["agency"], answers=form.answers(),
                body=programme.body if programme else None, programme=programme,
            )  # fmt: skip
        except RuleError as exc:
            add_rule_errors(form, exc)
        else:
            return redirect("coordination:readiness_result", assessment_id=assessment.pk)
    groups = [
        {
            "label": gettext(readiness.LABELS[d]),
            "kind": "prerequisite" if d in readiness.PREREQUISITES else "challenge",
            "fields": [form[c] for c, (dim, _) in readiness.QUESTIONS.items() if dim is d],
        }
        for d in readiness.DIMENSIONS
    ]
    status = 422 if request.method == "POST" else 200
    return render(
        request, "coordination/readiness.html", {"form": form, "groups": groups}, status=status
    )


@login_required
def readiness_result(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _load(access.access_assessment, _user(request), assessment_id)
    labels = [gettext(readiness.LABELS[d]) for d in readiness.DIMENSIONS]
    scores = [Decimal(assessment.scores[d.value]) for d in readiness.DIMENSIONS]
    rows = [
        {"label": label, "score": score, "gap": d.value in assessment.gaps}
        for d, label, score in zip(readiness.DIMENSIONS, labels, scores, strict=True)
    ]
    context = {
        "assessment": assessment,
        "radar": charts.radar(labels, scores),
        "rows": rows,
        "gaps": [gettext(readiness.LABELS[readiness.Dimension(g)]) for g in assessment.gaps],
        "threshold": readiness.GAP_THRESHOLD,
    }
    return render(request, "coordination/readiness_result.html", context)
