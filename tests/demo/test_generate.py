"""``sinergi demo generate``: the cases it writes in bulk keep the invariants the action path
keeps, checked here from the stored rows (not with the generator's own code)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.audit.models import AuditEntry
from sinergi.audit.reading import verify_database
from sinergi.cases import actions
from sinergi.cases.forms import clean_application
from sinergi.cases.models import Case, CaseEvent, CaseStep
from sinergi.cases.receipts import is_valid_receipt
from sinergi.citizens.models import Citizen
from sinergi.citizens.validation import check_nik
from sinergi.registry.models import Agency, Region

pytestmark = pytest.mark.django_db

N = 300


def _generate(cases: int = N, seed: int = 0) -> None:
    call_command("demo", "generate", "--cases", str(cases), "--seed", str(seed), "--no-progress",
                 "--batch", "120")  # fmt: skip


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _check_case(case: Case, steps: list[CaseStep], agency_codes: dict[int, str]) -> None:
    state: dict[str, Any] = case.state
    assert case.status == state["status"]
    assert case.version == state["version"]
    assert case.submitted_at == _moment(state["submitted_at"])
    assert case.decided_at == _moment(state["decided_at"])
    if state["status"] in {"in_progress", "waiting_citizen"}:
        assert case.deemed_due_at == _moment(state["deemed_due_at"])
    else:
        assert case.deemed_due_at is None
    clean_application(case.service.form, state["data"])  # answers a revision could resubmit
    definition = case.definition.parsed()
    assert [s.step_id for s in steps] == list(definition.step_ids)  # rows in definition order
    assert set(state["steps"]) == set(definition.step_ids)  # jsonb does not keep key order
    for row in steps:
        raw = state["steps"][row.step_id]
        assert agency_codes[row.agency_id] == definition.step(row.step_id).agency
        assert row.service_id == case.service_id  # copied from the case (the coordinator count)
        assert row.status == raw["status"]
        assert row.activated_at == _moment(raw["activated_at"])
        assert row.due_at == _moment(raw["due_at"])
        assert row.done_at == _moment(raw["done_at"])
        assert row.next_timeout_at == _moment(raw["next_timeout_at"])
        assert row.claimed_by_id == (raw["claimed_by"] or None)
        assert row.acted_by_id == (raw["actor"] or None)  # 0 is the system: no user
        assert row.outcome == (raw["outcome"] or "")
        assert row.escalation == raw["escalation"]
        assert row.basis == raw["basis"]


def test_generated_cases_agree_with_their_steps_and_the_audit_chain_holds() -> None:
    before = set(Case.objects.values_list("pk", flat=True))
    audit_before = AuditEntry.objects.count()
    _generate()
    cases = list(
        Case.objects.exclude(pk__in=before)
        .select_related("definition", "citizen", "service")
        .order_by("pk")
    )
    assert len(cases) == N
    agency_codes = dict(Agency.objects.values_list("id", "code"))
    steps: dict[int, list[CaseStep]] = {}
    for row in CaseStep.objects.filter(case__in=cases).order_by("id"):
        steps.setdefault(row.case_id, []).append(row)
    for case in cases:
        _check_case(case, steps[case.pk], agency_codes)

    # Every stage is there, and every kind of step.
    statuses = Counter(c.status for c in cases)
    for status in ["in_progress", "waiting_citizen", "approved", "rejected", "withdrawn"]:
        assert statuses[status] > 0, statuses
    rows = [s for case_steps in steps.values() for s in case_steps]
    now = timezone.now()
    assert any(s.status == "active" and s.claimed_by_id is not None for s in rows)
    assert any(s.status == "active" and s.due_at is not None and s.due_at < now for s in rows)
    assert any(s.status == "returned" for s in rows)
    assert any(s.status == "done" and s.acted_by_id is not None for s in rows)
    assert any(s.escalation > 0 for s in rows)

    # Receipt numbers: valid, and unique across all cases.
    receipts = list(Case.objects.values_list("receipt_number", flat=True))
    assert len(receipts) == len(set(receipts))
    assert all(is_valid_receipt(c.receipt_number) for c in cases)

    # Citizens: a NIK the registry accepts, its birth date and sex, a village of its kecamatan.
    for citizen in {c.citizen for c in cases}:
        info = check_nik(citizen.nik)
        assert (citizen.birth_date, citizen.sex) == (info.birth_date, info.sex)
        village = Region.objects.get(code=citizen.domicile_id)
        assert village.parent_id == info.kecamatan_code

    # The timeline and the audit trail: each case was submitted, and each entry links.
    submitted = set(CaseEvent.objects.filter(kind="Submitted").values_list("case_id", flat=True))
    assert {c.pk for c in cases} <= submitted
    submits = AuditEntry.objects.filter(action="cases.submit", object_type="cases.case")
    assert {str(c.pk) for c in cases} <= set(submits.values_list("object_id", flat=True))
    assert AuditEntry.objects.count() - audit_before >= N
    verdict = verify_database()
    assert verdict.broken is None, verdict.broken
    assert verdict.count == AuditEntry.objects.count()
    call_command("audit", "verify")  # exits 1 (SystemExit) on a broken chain

    # Every reference the generator wrote points at a row (SQLite checks deferred keys only
    # at commit, which a test never reaches; PostgreSQL checks each row).
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in ["accounts_user", "citizens_citizen", "cases_case", "cases_casestep",
                          "cases_caseevent", "audit_auditentry"]:  # fmt: skip
                cursor.execute(f"PRAGMA foreign_key_check({table})")
                assert cursor.fetchall() == [], table

    # A second run adds as many again, with new receipt numbers.
    _generate()
    assert Case.objects.exclude(pk__in=before).count() == 2 * N
    receipts = list(Case.objects.values_list("receipt_number", flat=True))
    assert len(receipts) == len(set(receipts))
    assert verify_database().broken is None


def test_officials_see_generated_cases_in_their_inbox(as_user: Any, bearer: Any) -> None:
    before = set(Case.objects.values_list("pk", flat=True))
    _generate(seed=3)
    polda = Agency.objects.get(code="polda-metro-jaya")
    active = CaseStep.objects.filter(
        agency=polda, status="active", case__status="in_progress"
    ).exclude(case__in=before)
    assert active.exists()
    page = as_user("polda.metro").get("/work/")
    assert page.status_code == 200
    shown = [r for r in active.values_list("case__receipt_number", flat=True) if r in page.text]
    assert shown
    tasks = as_user("polda.metro").get("/api/v1/tasks", headers=bearer("polda.metro"))
    assert tasks.status_code == 200
    listed = {t["receipt_number"] for t in tasks.json()}
    assert listed & set(active.values_list("case__receipt_number", flat=True))
    # A decided generated case (no decision document) still shows to its agency.
    decided = (
        CaseStep.objects.filter(agency=polda, case__status="approved")
        .exclude(case__in=before)
        .select_related("case")
        .first()
    )
    assert decided is not None
    step_page = as_user("polda.metro").get(
        f"/work/{decided.case.receipt_number}/{decided.step_id}/"
    )
    assert step_page.status_code == 200
    public = as_user("polda.metro").get(f"/api/v1/cases/{decided.case.receipt_number}")
    assert public.status_code in {200, 404}  # the public view needs the PIN; it must not fail


def test_a_generated_open_case_takes_the_next_action_through_the_action_path() -> None:
    before = set(Case.objects.values_list("pk", flat=True))
    _generate(seed=5)
    official = User.objects.get(username="polda.metro")
    step = (
        CaseStep.objects.filter(
            agency__code="polda-metro-jaya",
            status="active",
            claimed_by__isnull=True,
            case__status="in_progress",
        )
        .exclude(case__in=before)
        .select_related("case__definition")
        .order_by("id")
        .first()
    )
    assert step is not None
    case = step.case
    version = case.version
    entries = AuditEntry.objects.count()
    actions.claim_step(acting_user=official, case=case, step_id=step.step_id)
    kind = case.definition.parsed().step(step.step_id).kind.value
    outcome = {"verify": "approve", "assess": "done", "pay": "paid", "issue": "done"}[kind]
    case = Case.objects.get(pk=case.pk)
    actions.act_on_step(acting_user=official, case=case, step_id=step.step_id, outcome=outcome)
    case = Case.objects.get(pk=case.pk)
    assert case.version == version + 2
    assert case.state["steps"][step.step_id]["status"] == "done"
    row = CaseStep.objects.get(pk=step.pk)
    assert (row.status, row.acted_by_id) == ("done", official.pk)
    assert AuditEntry.objects.count() == entries + 2
    assert verify_database().broken is None


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "must be 1 or more"), ("-5", "must be 1 or more"), ("many", "not a whole number")],
)
def test_bad_counts_are_refused_and_change_nothing(value: str, message: str) -> None:
    counts = (Case.objects.count(), Citizen.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command("demo", "generate", "--cases", value, "--no-progress")
    assert (Case.objects.count(), Citizen.objects.count(), AuditEntry.objects.count()) == counts


def _listed(html: str) -> list[tuple[str, str]]:
    """The (receipt, step) of each inbox row (each links to its step page)."""
    return re.findall(r'href="/work/(SNG-[^/"]+)/([a-z0-9-]+)/"', html)


def test_the_inbox_pages_through_many_steps_and_filters_deadlines_in_sql(as_user: Any) -> None:
    _generate(seed=7)
    client = as_user("polda.metro")
    polda = Agency.objects.get(code="polda-metro-jaya")
    done = CaseStep.objects.filter(agency=polda, status="done", activated_at__isnull=False)
    assert done.count() > 50
    first = client.get("/work/?status=done")
    second = client.get("/work/?status=done&page=2")
    assert first.status_code == second.status_code == 200
    assert len(_listed(first.text)) == 50
    assert "page=2" in first.text
    assert set(_listed(first.text)).isdisjoint(_listed(second.text))
    assert len(_listed(second.text)) == min(50, done.count() - 50)
    now = timezone.now()
    overdue = CaseStep.objects.filter(agency=polda, status="active", due_at__lt=now).count()
    page = client.get("/work/?sla=overdue")
    assert len(_listed(page.text)) == min(50, overdue)
    assert client.get("/work/?page=abc").status_code == 404
    assert client.get("/work/?page=0").status_code == 404
