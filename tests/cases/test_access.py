"""Who sees a case: the list rule (``visible_cases``, SQL) and the one-case rule (``may_see``,
checked from a loaded case on every case request) must agree for every account and case."""

from __future__ import annotations

from typing import Any

import pytest

from sinergi.accounts.models import User
from sinergi.accounts.roles import Role
from sinergi.cases.access import access_case, may_see, visible_cases
from sinergi.cases.models import Case
from sinergi.catalog.models import ProcessDefinition, Service
from sinergi.core.errors import NotFound
from sinergi.demo.decisions import _data as example_data
from sinergi.registry.models import Agency
from tests.cases.test_case_api import CAR, WALK_IN, act, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(as_user: Any) -> dict[str, str]:
    """Cases at every stage: taken at a front desk and half-way through its agencies (one
    agency reached, one not yet), filed online and decided, waiting on its first agency.
    SAMSAT is coordinated here by Disdukcapil Kota Bandung, which has no step in it, so its
    head sees SAMSAT cases only as their coordinator."""
    Service.objects.filter(code="samsat-tahunan").update(
        coordinator=Agency.objects.get(code="disdukcapil-bandung")
    )
    desk = as_user("desk.samsat.jakpus")  # Siti Rahayu walks in
    half = submit(desk, "samsat-tahunan", "satu-atap", CAR, citizen=WALK_IN)["receipt_number"]
    assert act(as_user("polda.metro"), half, "pendaftaran", "approve").status_code == 200
    decided = submit(as_user("siti"), "samsat-tahunan", "elektronik", CAR)["receipt_number"]
    row = ProcessDefinition.objects.filter(service__code="izin-usaha", variant="satu-pintu")
    licence = submit(
        as_user("siti"), "izin-usaha", "satu-pintu", example_data(row.latest("version"))
    )["receipt_number"]
    return {"half": half, "decided": decided, "licence": licence}


def test_the_one_case_rule_agrees_with_the_list_rule_for_every_account(
    cases: dict[str, str],
) -> None:
    accounts = list(User.objects.filter(is_active=True).order_by("username"))
    rows = list(Case.objects.select_related("service", "citizen").order_by("pk"))
    seen_by: dict[str, set[str]] = {}
    for account in accounts:
        listed = set(visible_cases(account).values_list("receipt_number", flat=True))
        for case in rows:
            assert may_see(account, case) == (case.receipt_number in listed), (
                account.username,
                account.role,
                case.receipt_number,
            )
            if case.receipt_number in listed:
                seen_by.setdefault(case.receipt_number, set()).add(account.username)
    # The fixture's cases reach each way of seeing one, so a rule that drifted would show.
    assert {"desk.samsat.jakpus", "polda.metro"} <= seen_by[cases["half"]]
    assert "bapenda.dki" in seen_by[cases["half"]]  # its step is the active one now
    assert "jasaraharja" not in seen_by[cases["half"]]  # its step is not reached yet
    assert "siti" in seen_by[cases["decided"]]
    assert "dukcapil.bdg" in seen_by[cases["half"]]  # the coordinating agency's head
    auditors = {a.username for a in accounts if a.role == Role.AUDITOR}
    assert auditors
    assert auditors <= seen_by[cases["licence"]]
    admins = {a.username for a in accounts if a.role == Role.PLATFORM_ADMIN}
    assert admins
    assert not admins & seen_by[cases["licence"]]


def test_a_case_out_of_sight_is_not_found() -> None:
    with pytest.raises(NotFound):
        access_case(User.objects.get(username="bapenda.dki"), "SNG-2026-NOSUCHCASE")
