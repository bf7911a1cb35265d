"""Time-outs through the sweeper with the clock moved forward: escalation and fiktif positif
happen, and happen once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from sinergi.cases.actions import apply_timeout
from sinergi.cases.models import Case, CaseEvent
from sinergi.cases.sweeper import sweep
from sinergi.core.errors import Conflict

pytestmark = pytest.mark.django_db


def submit(client: Any, service: str, variant: str, data: dict[str, Any]) -> str:
    response = client.post(
        "/api/v1/cases",
        {"service": service, "variant": variant, "data": data},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return str(response.json()["receipt_number"])


def act(client: Any, receipt: str, step: str, outcome: str) -> None:
    response = client.post(
        f"/api/v1/cases/{receipt}/steps/{step}/act", {"outcome": outcome},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content


PBG = {"building_function": "hunian", "floor_area": 120, "floors": 2, "address": "Jl. Contoh 2"}
IZIN = {"business_name": "CV Uji", "kbli": "10792", "scale": "kecil",
        "risk_level": "menengah_tinggi", "address": "Jl. Uji 1"}  # fmt: skip


def events(receipt: str, kind: str) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case__receipt_number=receipt, kind=kind).order_by("id"))


def test_an_overdue_recommendation_escalates_to_the_head_then_the_coordinator(
    as_user: Any,
) -> None:
    receipt = submit(as_user("siti"), "pbg-bandung", "satu-pintu", PBG)
    act(as_user("kepala.dpmptsp.bdg"), receipt, "pendaftaran", "approve")
    later = timezone.now() + timedelta(days=30)

    first = sweep(later)
    escalated = events(receipt, "Escalated")
    assert first.applied == 2  # both parallel recommendations were overdue
    assert sorted((e.step_id, e.data["to"]) for e in escalated) == [
        ("rekomendasi-jalan-air", "agency_head"),
        ("rekomendasi-lingkungan", "agency_head"),
    ]
    assert sweep(later).applied == 0  # the same sweep again applies nothing

    sweep(later + timedelta(days=7))
    assert sorted((e.step_id, e.data["to"]) for e in events(receipt, "Escalated")[2:]) == [
        ("rekomendasi-jalan-air", "coordinator"),
        ("rekomendasi-lingkungan", "coordinator"),
    ]
    assert sweep(later + timedelta(days=60)).applied == 0  # nothing beyond the coordinator
    assert len(events(receipt, "Escalated")) == 4


def test_a_decision_not_taken_in_time_is_deemed_granted_once(as_user: Any) -> None:
    """UU 30/2014 Pasal 53 as amended: silence after the deadline grants the application."""
    receipt = submit(as_user("siti"), "izin-usaha", "satu-pintu", IZIN)
    kepala = as_user("kepala.dpmptsp.bdg")
    for step in ["pendaftaran", "penerbitan-nib", "verifikasi-ss"]:
        act(kepala, receipt, step, "approve" if step != "penerbitan-nib" else "done")
    later = timezone.now() + timedelta(days=30)
    sweep(later)
    case = Case.objects.get(receipt_number=receipt)
    assert case.status == "deemed_granted"
    assert [e.data["outcome"] for e in events(receipt, "CaseDecided")] == ["deemed_granted"]
    assert sweep(later + timedelta(days=1)).applied == 0
    assert len(events(receipt, "CaseDecided")) == 1


def test_two_workers_holding_the_same_due_step_apply_it_once(as_user: Any) -> None:
    receipt = submit(as_user("siti"), "pbg-bandung", "satu-pintu", PBG)
    later = timezone.now() + timedelta(days=30)
    first = Case.objects.select_related("definition").get(receipt_number=receipt)
    second = Case.objects.select_related("definition").get(receipt_number=receipt)
    apply_timeout(first, "pendaftaran", later)
    with pytest.raises(Conflict):
        apply_timeout(second, "pendaftaran", later)
    assert len(events(receipt, "Reminded")) == 1


def test_the_sweep_command_refuses_a_time_without_offset() -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="UTC offset"):
        call_command("cases", "sweep", "--now", "2026-12-01T09:00:00")


def test_a_case_waiting_on_the_citizen_is_not_looked_at_until_revised(as_user: Any) -> None:
    """Its other steps' clocks are paused: the sweep neither applies nor retries them."""
    receipt = submit(as_user("siti"), "pbg-bandung", "satu-pintu", PBG)
    act(as_user("kepala.dpmptsp.bdg"), receipt, "pendaftaran", "approve")
    response = as_user("dlh.bdg").post(
        f"/api/v1/cases/{receipt}/steps/rekomendasi-lingkungan/act",
        {"outcome": "return_for_revision", "reasons": "Lampiran kurang"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Case.objects.get(receipt_number=receipt).status == "waiting_citizen"
    result = sweep(timezone.now() + timedelta(days=30))
    assert (result.applied, result.skipped) == (0, 0)
    assert events(receipt, "Escalated") == []
