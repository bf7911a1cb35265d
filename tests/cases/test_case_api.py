"""One door through the API: apply once, each agency acts under its own authority, one decision."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sinergi.audit.models import AuditEntry
from sinergi.cases.models import Case, CaseStep

pytestmark = pytest.mark.django_db

CAR = {
    "plate": "B 1234 SRH",
    "njkb": 200000000,
    "wheels": 4,
    "swdkllj_class": "mobil_pribadi",
    "province_code": "31",
    "ownership": 1,
}
WALK_IN = {"nik": "3171015208900001", "full_name": "Siti Rahayu"}


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, body, content_type="application/json", headers=headers)


def submit(client: Client, service: str, variant: str, data: dict[str, Any], **extra: Any) -> Any:
    response = post(client, "/api/v1/cases", {"service": service, "variant": variant,
                                              "data": data, **extra})  # fmt: skip
    assert response.status_code == 201, response.content
    return response.json()


def act(client: Client, receipt: str, step: str, outcome: str, **body: Any) -> Any:
    return post(client, f"/api/v1/cases/{receipt}/steps/{step}/act", {"outcome": outcome, **body})


def test_satu_atap_four_counters_one_visit_one_decision(as_user: Any) -> None:
    desk = as_user("desk.samsat.jakpus")
    receipt = submit(desk, "samsat-tahunan", "satu-atap", CAR, citizen=WALK_IN)
    number, pin = receipt["receipt_number"], receipt["pin"]
    assert receipt["status"] == "in_progress"
    assert len(pin) == 6
    case = Case.objects.get(receipt_number=number)
    assert case.service_point is not None
    assert case.service_point.code == "samsat-jakarta-pusat"

    polda, bapenda, jr = as_user("polda.metro"), as_user("bapenda.dki"), as_user("jasaraharja")
    # Bapenda cannot see the case before its step becomes active.
    assert bapenda.get(f"/api/v1/cases/{number}").status_code == 404
    assert act(polda, number, "pendaftaran", "approve").status_code == 200
    tasks = bapenda.get("/api/v1/tasks").json()
    assert [t["step_id"] for t in tasks if t["receipt_number"] == number] == ["penetapan-pkb"]
    assert act(bapenda, number, "penetapan-pkb", "done").status_code == 200
    assert act(jr, number, "pembayaran", "paid").status_code == 200
    final = act(polda, number, "pengesahan-stnk", "done")
    assert final.status_code == 200
    body = final.json()
    assert body["status"] == "approved"
    assert [s["status"] for s in body["steps"]] == ["done"] * 4
    # Every act was made under a resolved authority, stored on the step.
    signatures = {s["step_id"]: s["signature"] for s in body["steps"]}
    assert signatures["penetapan-pkb"].startswith("a.n. Kepala Badan Pendapatan Daerah")
    # The citizen tracks it with the receipt number and PIN, without an account.
    tracked = Client().get(f"/api/v1/cases/{number}", {"pin": pin})
    assert tracked.status_code == 200
    assert tracked.json()["status"] == "approved"
    assert Client().get(f"/api/v1/cases/{number}", {"pin": "000000"}).status_code in {404}


def test_elektronik_runs_checks_and_issuance_automatically(as_user: Any) -> None:
    siti = as_user("siti")
    receipt = submit(siti, "samsat-tahunan", "elektronik", CAR)
    number = receipt["receipt_number"]
    steps = {s.step_id: s.status for s in CaseStep.objects.filter(case__receipt_number=number)}
    assert steps == {
        "pemeriksaan-data": "done",
        "penetapan-pkb": "done",
        "pembayaran": "active",
        "pengesahan-elektronik": "pending",
    }
    body = act(as_user("jasaraharja"), number, "pembayaran", "paid").json()
    assert body["status"] == "approved"
    issued = next(s for s in body["steps"] if s["step_id"] == "pengesahan-elektronik")
    assert issued["status"] == "done"
    assert "electronically" in issued["signature"] or "elektronik" in issued["signature"]


def test_an_official_cannot_act_on_another_agencys_step(as_user: Any) -> None:
    number = submit(as_user("siti"), "samsat-tahunan", "teknis-fungsional", CAR)["receipt_number"]
    before = AuditEntry.objects.count()
    # Bapenda has no active step yet: the case does not exist for it.
    assert act(as_user("bapenda.dki"), number, "pemeriksaan-data", "approve").status_code == 404
    assert (
        act(as_user("outsider.kemenag"), number, "pemeriksaan-data", "approve").status_code == 404
    )
    assert AuditEntry.objects.count() == before


def test_a_refusal_needs_reasons_and_closes_the_case(as_user: Any) -> None:
    number = submit(as_user("siti"), "samsat-tahunan", "teknis-fungsional", CAR)["receipt_number"]
    polda = as_user("polda.metro")
    bare = act(polda, number, "pemeriksaan-data", "reject")
    assert bare.status_code == 422
    assert bare.json()["errors"][0]["rule"] == "reasons_required"
    refused = act(polda, number, "pemeriksaan-data", "reject", reasons="STNK diblokir")
    assert refused.json()["status"] == "rejected"
    closed = act(polda, number, "pemeriksaan-data", "approve")
    assert closed.status_code == 422
    assert closed.json()["errors"][0]["rule"] == "case_closed"


def test_a_stale_version_is_a_conflict_and_changes_nothing(as_user: Any) -> None:
    number = submit(as_user("siti"), "samsat-tahunan", "teknis-fungsional", CAR)["receipt_number"]
    polda = as_user("polda.metro")
    stale = act(polda, number, "pemeriksaan-data", "approve", version=99)
    assert stale.status_code == 409
    assert Case.objects.get(receipt_number=number).version == 1


def test_return_for_revision_waits_on_the_citizen(as_user: Any) -> None:
    siti = as_user("siti")
    number = submit(siti, "samsat-tahunan", "teknis-fungsional", CAR)["receipt_number"]
    body = act(as_user("polda.metro"), number, "pemeriksaan-data", "return_for_revision",
               reasons="Nomor polisi tidak sesuai STNK").json()  # fmt: skip
    assert body["status"] == "waiting_citizen"
    revised = post(siti, f"/api/v1/cases/{number}/revise", {"data": {"plate": "B 1235 SRH"}})
    assert revised.status_code == 200, revised.content
    assert revised.json()["status"] == "in_progress"


def test_the_same_idempotency_key_returns_the_first_receipt(as_user: Any) -> None:
    siti = as_user("siti")
    body = {"service": "samsat-tahunan", "variant": "elektronik", "data": CAR}
    first = post(siti, "/api/v1/cases", body, **{"Idempotency-Key": "k-2026-11-28-1"})
    count = Case.objects.count()
    again = post(siti, "/api/v1/cases", body, **{"Idempotency-Key": "k-2026-11-28-1"})
    assert first.status_code == again.status_code == 201
    assert again.json()["receipt_number"] == first.json()["receipt_number"]
    assert Case.objects.count() == count


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({"service": "tidak-ada", "variant": "x", "data": {}}, "service", "service_unknown"),
        ({"service": "samsat-tahunan", "variant": "x", "data": CAR}, "variant", "variant_unknown"),
        ({"service": "samsat-tahunan", "variant": "elektronik", "data": {**CAR, "hack": 1}},
         "data.hack", "field_unknown"),
        ({"service": "samsat-tahunan", "variant": "elektronik",
          "data": {**CAR, "swdkllj_class": "roket"}}, "data.swdkllj_class", "field_choice"),
        ({"service": "samsat-tahunan", "variant": "elektronik", "data": {**CAR, "njkb": "banyak"}},
         "data.njkb", "field_number"),
    ],
)  # fmt: skip
def test_bad_applications_are_refused_and_nothing_is_created(
    as_user: Any, body: dict[str, Any], field: str, rule: str
) -> None:
    count = Case.objects.count()
    response = post(as_user("siti"), "/api/v1/cases", body)
    assert response.status_code == 422
    assert {"field": field, "rule": rule} in [
        {"field": e["field"], "rule": e["rule"]} for e in response.json()["errors"]
    ]
    assert Case.objects.count() == count


def test_a_receipt_number_with_a_typo_is_caught(client: Client) -> None:
    response = client.get("/api/v1/cases/SNG-2026-ABCDEFGH0", {"pin": "123456"})
    assert response.status_code in {404, 422}


def _decided_case(as_user: Any) -> str:
    number = submit(as_user("siti"), "samsat-tahunan", "teknis-fungsional", CAR)["receipt_number"]
    refused = act(as_user("polda.metro"), number, "pemeriksaan-data", "reject",
                  reasons="Data kendaraan tidak sesuai")  # fmt: skip
    assert refused.json()["status"] == "rejected"
    return str(number)


def test_an_objection_within_its_window_is_heard_by_the_deciding_agency(as_user: Any) -> None:
    number = _decided_case(as_user)
    siti = as_user("siti")
    filed = post(siti, f"/api/v1/cases/{number}/objection", {"reasons": "Data sudah benar"})
    assert filed.status_code == 201, filed.content
    assert filed.json()["agency"] == "polda-metro-jaya"
    again = post(siti, f"/api/v1/cases/{number}/objection", {"reasons": "lagi"})
    assert again.status_code == 409
    other = post(as_user("bapenda.dki"), f"/api/v1/cases/{number}/objection/decide",
                 {"upheld": True, "reasons": "x"})  # fmt: skip
    assert other.status_code == 404  # Bapenda never had a step: the case does not exist for it
    decided = post(as_user("polda.metro"), f"/api/v1/cases/{number}/objection/decide",
                   {"upheld": True, "reasons": "Data terbukti sesuai BPKB"})  # fmt: skip
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "upheld"
    assert Case.objects.get(receipt_number=number).status == "approved"


def test_an_objection_after_21_working_days_is_refused(as_user: Any) -> None:
    from datetime import timedelta

    number = _decided_case(as_user)
    decided_at = Case.objects.get(receipt_number=number).decided_at
    assert decided_at is not None
    Case.objects.filter(receipt_number=number).update(decided_at=decided_at - timedelta(days=40))
    late = post(as_user("siti"), f"/api/v1/cases/{number}/objection", {"reasons": "Terlambat"})
    assert late.status_code == 422
    assert late.json()["errors"][0]["rule"] == "objection_late"


def test_a_revision_after_its_deadline_is_refused(as_user: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from sinergi.cases.actions import revise_case
    from sinergi.rules import RuleError

    siti = as_user("siti")
    number = submit(siti, "samsat-tahunan", "teknis-fungsional", CAR)["receipt_number"]
    act(as_user("polda.metro"), number, "pemeriksaan-data", "return_for_revision",
        reasons="Lengkapi data")  # fmt: skip
    case = Case.objects.get(receipt_number=number)
    assert case.citizen.user is not None
    with pytest.raises(RuleError) as error:
        revise_case(acting_user=case.citizen.user, case=case, data={"plate": "B 1 X"},
                    now=timezone.now() + timedelta(days=60))  # fmt: skip
    assert error.value.violations[0].rule == "revision_late"
    assert Case.objects.get(receipt_number=number).status == "waiting_citizen"


def test_an_official_without_authority_at_that_moment_cannot_act(as_user: Any) -> None:
    """Every act resolves authority when it happens: a revoked mandate stops the official."""
    from sinergi.registry.models import AuthorityGrant

    number = submit(as_user("siti"), "samsat-tahunan", "teknis-fungsional", CAR)["receipt_number"]
    mandate = AuthorityGrant.objects.get(holder__code="kasi-stnk-polda-metro", kind="mandat")
    revoked = post(as_user("admin"), f"/api/v1/grants/{mandate.pk}/revoke", {"reason": "Mutasi"})
    assert revoked.status_code == 200
    before = AuditEntry.objects.count()
    response = act(as_user("polda.metro"), number, "pemeriksaan-data", "approve")
    assert response.status_code == 403
    assert "Pasal" in response.json()["detail"]
    assert Case.objects.get(receipt_number=number).version == 1
    assert AuditEntry.objects.count() == before


def test_a_visible_case_still_refuses_acts_on_another_agencys_step(as_user: Any) -> None:
    number = submit(as_user("siti"), "samsat-tahunan", "teknis-fungsional", CAR)["receipt_number"]
    polda = as_user("polda.metro")
    assert act(polda, number, "pemeriksaan-data", "approve").status_code == 200
    # Polda can see the case (it had a step) but the active step is Bapenda's.
    response = act(polda, number, "penetapan-pkb", "done")
    assert response.status_code == 403
    assert Case.objects.get(receipt_number=number).version == 2


def test_the_case_shows_its_fee_computed_from_the_vehicle(as_user: Any) -> None:
    """PKB 2% in DKI (no opsen) + SWDKLLJ Rp143,000 + PNBP pengesahan Rp50,000 for a car."""
    number = submit(as_user("siti"), "samsat-tahunan", "teknis-fungsional", CAR)["receipt_number"]
    fee = as_user("siti").get(f"/api/v1/cases/{number}").json()["fee"]
    amounts = {item["code"]: item["amount"] for item in fee["items"]}
    assert amounts["swdkllj"] == 143_000
    assert fee["total"] == sum(amounts.values())
    assert fee["total"] == 200_000_000 * 2 // 100 + 143_000 + 50_000
