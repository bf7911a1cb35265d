"""A request reads the caller's appointments once; a change to them within the request is seen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.cases.calendar_service import platform_calendar
from sinergi.cases.models import JointLeaveDay
from sinergi.core.memo import memoised, request_scope
from sinergi.registry.access import agency_ids_of, works_in
from sinergi.registry.models import Agency, Appointment

pytestmark = pytest.mark.django_db


def test_within_a_request_a_value_is_computed_once_and_outside_every_time() -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert memoised("k", compute) == 1
    assert memoised("k", compute) == 2  # no request: no memo
    with request_scope():
        assert memoised("k", compute) == 3
        assert memoised("k", compute) == 3
    with request_scope():  # a new request starts empty
        assert memoised("k", compute) == 4


def test_the_appointments_are_read_once_per_request() -> None:
    polda = User.objects.get(username="polda.metro")
    agency = Agency.objects.get(code="polda-metro-jaya")
    with request_scope(), CaptureQueriesContext(connection) as queries:
        assert agency.pk in agency_ids_of(polda)
        assert works_in(polda, "polda-metro-jaya")
        assert not works_in(polda, "bapenda-dki")
        assert agency.pk in agency_ids_of(polda)
    assert len(queries) == 1


def test_an_appointment_ended_during_the_request_is_seen_by_the_next_check() -> None:
    polda = User.objects.get(username="polda.metro")
    with request_scope():
        assert works_in(polda, "polda-metro-jaya")
        for appointment in Appointment.objects.filter(user=polda):
            appointment.valid_to = timezone.now() - timedelta(seconds=1)
            appointment.save()
        assert not works_in(polda, "polda-metro-jaya")
        assert agency_ids_of(polda) == set()


def test_a_joint_leave_day_added_during_the_request_is_in_the_next_calendar() -> None:
    day = date(2027, 3, 3)  # a Wednesday with no holiday
    with request_scope():
        assert platform_calendar().is_working_day(day)
        JointLeaveDay.objects.create(date=day, name="Cuti bersama (uji)")
        assert not platform_calendar().is_working_day(day)
