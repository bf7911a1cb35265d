"""Every demo service runs end to end through the API in each of its variants, and each case
measures the doors and hand-offs its pattern promises (the static figures of its variant)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sinergi.catalog.definitions import StepKind
from sinergi.catalog.models import ProcessDefinition

pytestmark = pytest.mark.django_db

#: Who acts for each agency in the demo (the manifest's logins).
OFFICIALS = {
    "polda-metro-jaya": "polda.metro",
    "bapenda-dki": "bapenda.dki",
    "jasa-raharja": "jasaraharja",
    "dpmptsp-bandung": "kepala.dpmptsp.bdg",
    "dlh-bandung": "dlh.bdg",
    "dsdabm-bandung": "dsdabm.bdg",
    "disdukcapil-bandung": "dukcapil.bdg",
    "bpjs-kesehatan": "bpjs.bdg",
}
DESKS = {"samsat-jakarta-pusat": "desk.samsat.jakpus", "mpp-kota-bandung": "desk.mpp.bdg"}
OUTCOME = {
    StepKind.VERIFY: "approve",
    StepKind.ASSESS: "done",
    StepKind.RECOMMEND: "recommend",
    StepKind.DECIDE: "approve",
    StepKind.PAY: "paid",
    StepKind.ISSUE: "done",
    StepKind.CITIZEN: "done",
}
#: The reasons given with an overridden outcome (a refusal states its reasons).
REASONS = "Dokumen lingkungan belum memenuhi ketentuan."
VARIANTS = [
    ("samsat-tahunan", "teknis-fungsional"),
    ("samsat-tahunan", "satu-atap"),
    ("samsat-tahunan", "elektronik"),
    ("samsat-lima-tahunan", "teknis-fungsional"),
    ("samsat-lima-tahunan", "satu-atap"),
    ("izin-usaha", "satu-pintu"),
    ("izin-usaha", "elektronik"),
    ("kelahiran", "terpusat"),
    ("kelahiran", "elektronik"),
    ("pbg-bandung", "satu-pintu"),
    ("pbg-bandung", "teknis-fungsional"),
]


def run_to_decision(
    as_user: Any,
    row: ProcessDefinition,
    outcomes: dict[str, str] | None = None,
    officials: dict[str, str] | None = None,
) -> str:
    """Submit the variant's example application as its intake does (a citizen online, or the
    front desk for a walk-in) and let each agency's demo official act on every active step
    (``outcomes`` overrides the outcome per step id, ``officials`` the login per agency)
    until the case is decided."""
    definition = row.parsed()
    service, variant = row.service.code, row.variant
    places = [definition.service_point] + [s.location for s in definition.steps if s.location]
    desks = [DESKS[p] for p in places if p in DESKS]
    submitter = desks[0] if definition.intake.value == "front_desk" and desks else "siti"
    body: dict[str, Any] = {"service": service, "variant": variant, "data": application_data(row)}
    if submitter != "siti":
        body["citizen"] = {"nik": "3273015708950003", "full_name": "Dewi Anggraini"}
    response = as_user(submitter).post("/api/v1/cases", body, content_type="application/json")
    assert response.status_code == 201, response.content
    receipt: str = response.json()["receipt_number"]
    clients: dict[str, Client] = {}
    for _turn in range(len(definition.steps) + 1):
        state = as_user("auditor").get(f"/api/v1/cases/{receipt}").json()
        if state["status"] != "in_progress":
            break
        for step in [s for s in state["steps"] if s["status"] == "active"]:
            kind = definition.step(step["step_id"]).kind
            username = {**OFFICIALS, **(officials or {})}[step["agency"]]
            client = clients.setdefault(username, as_user(username))
            acted = client.post(
                f"/api/v1/cases/{receipt}/steps/{step['step_id']}/act",
                {
                    "outcome": (outcomes or {}).get(step["step_id"], OUTCOME[kind]),
                    "reasons": REASONS if step["step_id"] in (outcomes or {}) else "",
                },
                content_type="application/json",
            )
            assert acted.status_code == 200, (step, acted.content)
    return receipt


def application_data(row: ProcessDefinition) -> dict[str, Any]:
    """The variant's example data, completed with a valid value for every required field."""
    data = dict(row.parsed().example)
    for field in row.service.form:
        if field["name"] in data or not field.get("required"):
            continue
        kind = field.get("type", "text")
        if kind == "choice":
            data[field["name"]] = field["choices"][0]
        elif kind in {"int", "integer"}:
            data[field["name"]] = 1
        elif kind == "date":
            data[field["name"]] = "2026-11-20"
        elif kind in {"bool", "boolean"}:
            data[field["name"]] = True
        else:
            data[field["name"]] = "contoh"
    return {k: v for k, v in data.items() if k in {f["name"] for f in row.service.form}}


@pytest.mark.parametrize(("service", "variant"), VARIANTS, ids=[f"{s}/{v}" for s, v in VARIANTS])
def test_the_variant_runs_to_a_decision_with_its_promised_figures(
    as_user: Any, service: str, variant: str
) -> None:
    row = ProcessDefinition.objects.select_related("service").get(
        service__code=service, variant=variant, current=True
    )
    receipt = run_to_decision(as_user, row)
    final = as_user("auditor").get(f"/api/v1/cases/{receipt}").json()
    assert final["status"] == "approved", final
    assert final["figures"] == row.figures, (final["figures"], row.figures)
