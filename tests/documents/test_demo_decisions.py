"""`sinergi demo decisions` gives a fresh platform two signed decisions of siti's; one
downloaded through the API verifies with pyHanko and with `sinergi documents verify-qr`."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from sinergi.documents.models import Decision
from tests.documents.test_decisions import pyhanko_status

pytestmark = pytest.mark.django_db


def test_demo_decisions_are_made_once_and_verify(as_user: Any) -> None:
    first, again = io.StringIO(), io.StringIO()
    call_command("demo", "decisions", stdout=first)
    call_command("demo", "decisions", stdout=again)
    assert first.getvalue() == again.getvalue()  # safe to run again: nothing new
    decisions = Decision.objects.filter(case__citizen__user__username="siti")
    assert decisions.count() == 2
    siti = as_user("siti")
    for decision in decisions.select_related("case"):
        assert decision.case is not None
        listed = siti.get(f"/api/v1/cases/{decision.case.receipt_number}/decision").json()
        assert listed["id"] == str(decision.pk)
        assert listed["signed"] is True
        data = siti.get(listed["pdf_url"]).content
        status = pyhanko_status(data)
        assert status.bottom_line
        out = io.StringIO()
        call_command("documents", "verify-qr", decision.qr_payload, stdout=out)
        assert out.getvalue().startswith(f"valid: {decision.number}")
        assert decision.content["authority"]["electronic"] is True
