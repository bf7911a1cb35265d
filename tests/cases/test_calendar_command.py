"""`sinergi calendar add-working-days` on the platform calendar."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_independence_day_weekend_is_skipped() -> None:
    out = StringIO()
    call_command("calendar", "add-working-days", "2026-08-14", "1", stdout=out)
    assert out.getvalue().strip() == "2026-08-18"


def test_a_joint_leave_day_added_as_data_is_not_a_working_day() -> None:
    from datetime import date

    from sinergi.cases.models import JointLeaveDay

    JointLeaveDay.objects.create(date=date(2026, 8, 18), name="Cuti bersama (uji)")
    out = StringIO()
    call_command("calendar", "add-working-days", "2026-08-14", "1", stdout=out)
    assert out.getvalue().strip() == "2026-08-19"


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="date"):
        call_command("calendar", "add-working-days", "14-08-2026", "1")
