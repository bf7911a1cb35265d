"""Demo decisions: siti's applications run to a signed decision, so that a fresh platform
has documents to download, verify and annul. Idempotent: a service siti already has a
decision for is left alone."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from sinergi.accounts.models import User
from sinergi.cases import actions
from sinergi.cases.engine import OPEN_STATUSES, CaseStatus, active_steps, from_json
from sinergi.catalog.definitions import StepKind
from sinergi.catalog.models import ProcessDefinition
from sinergi.core.errors import Forbidden
from sinergi.documents.actions import ensure_signed
from sinergi.documents.models import Decision
from sinergi.registry.models import Appointment

#: What siti applies for, online (service, variant), with the variant's example data.
DEMO_APPLICATIONS = (("samsat-tahunan", "elektronik"), ("izin-usaha", "elektronik"))
#: Values for required fields the examples leave out.
DEMO_VALUES = {"kbli": "47111", "npwp": "01.234.567.8-901.000"}


def _data(row: ProcessDefinition) -> dict[str, Any]:
    data = dict(row.parsed().example)
    for field in row.service.form:
        if field["name"] not in data and field.get("required"):
            default = DEMO_VALUES.get(field["name"], "contoh")
            data[field["name"]] = (field.get("choices") or [default])[0]
    return {k: v for k, v in data.items() if k in {f["name"] for f in row.service.form}}


def _act_as_someone(case: Any, step_id: str, agency_code: str, kind: StepKind) -> Any:
    """An official of the step's agency whose position holds the authority acts on it."""
    users = User.objects.filter(
        pk__in=Appointment.objects.filter(position__agency__code=agency_code)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=case.submitted_at))
        .values("user_id")
    ).order_by("username")
    for user in users:
        try:
            return actions.act_on_step(
                acting_user=user,
                case=case,
                step_id=step_id,
                outcome=actions.AUTOMATIC_OUTCOME[kind].value,
            )
        except Forbidden:
            continue
    raise RuntimeError(f"no demo official of {agency_code} may act on {step_id}")


def load_demo_decisions() -> list[Decision]:
    siti = User.objects.get(username="siti")
    made: list[Decision] = []
    for service, variant in DEMO_APPLICATIONS:
        existing = Decision.objects.filter(
            case__citizen__user=siti, case__service__code=service
        ).first()
        if existing is not None:
            made.append(ensure_signed(existing))
            continue
        row = ProcessDefinition.objects.select_related("service").get(
            service__code=service, variant=variant, current=True
        )
        case, _pin = actions.submit_case(
            acting_user=siti, service_code=service, variant=variant, data=_data(row)
        )
        definition = row.parsed()
        for _turn in range(len(definition.steps) + 1):
            state = from_json(case.state)
            if state.status not in OPEN_STATUSES:
                break
            step_id = active_steps(state)[0]
            step = definition.step(step_id)
            case = _act_as_someone(case, step_id, step.agency, step.kind)
        if case.status not in {CaseStatus.APPROVED, CaseStatus.DEEMED_GRANTED}:
            raise RuntimeError(f"demo case {case.receipt_number} ended {case.status}")
        made.append(ensure_signed(Decision.objects.get(case=case)))
    return made
