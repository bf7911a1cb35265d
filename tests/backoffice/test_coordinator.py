"""The coordinator view counts each service's open and late steps per agency: checked against
cases built by hand, row by row, so the expected figures come from the rows, not the view."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.cases.models import Case, CaseStep
from sinergi.catalog.models import Service
from sinergi.citizens.models import Citizen
from sinergi.registry.models import Agency

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)

# (agency code, status, hours until due (negative: late; None: no deadline))
Steps = list[tuple[str, str, int | None]]


def _case(service_code: str, steps: Steps) -> Case:
    """One case of ``service_code`` in progress, with exactly these step rows."""
    now = timezone.now()
    service = Service.objects.get(code=service_code)
    siti = User.objects.get(username="siti")
    case = Case.objects.create(
        receipt_number=f"TEST-{next(_numbers):06d}",
        pin_hash="!",
        service=service,
        definition=service.current_definitions()[0],
        citizen=Citizen.objects.get(user=siti),
        submitted_by=siti,
        status="in_progress",
        state={},
        submitted_at=now - timedelta(days=3),
    )
    for i, (agency, status, hours) in enumerate(steps):
        due: datetime | None = now + timedelta(hours=hours) if hours is not None else None
        CaseStep.objects.create(
            case=case,
            service=service,
            step_id=f"step-{i}",
            agency=Agency.objects.get(code=agency),
            status=status,
            activated_at=None if status == "pending" else now - timedelta(days=2),
            due_at=due,
        )
    return case


def _name(code: str) -> str:
    return Agency.objects.get(code=code).name


def _blocks(client: Any) -> dict[str, dict[str, Any]]:
    response = client.get("/work/coordinator/")
    assert response.status_code == 200
    return {b["service"].code: b for b in response.context["blocks"]}


@pytest.fixture
def built() -> dict[str, Case]:
    """DPMPTSP Kota Bandung coordinates izin-usaha and pbg-bandung; SAMSAT is another's."""
    assert not Case.objects.exists(), "the demo holds no cases: the figures below are all"
    dpm, dlh, sda = "dpmptsp-bandung", "dlh-bandung", "dsdabm-bandung"
    return {
        "one": _case("izin-usaha", [(dpm, "active", -5), (dlh, "active", 30), (sda, "done", -50)]),
        "two": _case("izin-usaha", [(dpm, "active", None), (dlh, "active", -1)]),
        # No step at DPMPTSP: outside what a DPMPTSP official (not the head) sees.
        "three": _case(
            "izin-usaha", [(dlh, "active", -2), (sda, "active", 4), (sda, "pending", None)]
        ),
        "pbg": _case(
            "pbg-bandung", [(dpm, "active", -3), (sda, "active", -3), (dlh, "returned", -9)]
        ),
        "samsat": _case("samsat-tahunan", [("polda-metro-jaya", "active", -4)]),
    }


def test_the_head_sees_open_and_late_steps_per_agency_over_every_case(
    as_user: Any, built: dict[str, Case]
) -> None:
    blocks = _blocks(as_user("kepala.dpmptsp.bdg"))
    assert set(blocks) == {"izin-usaha", "pbg-bandung"}
    izin = blocks["izin-usaha"]
    # DLH: one, two, three open, two late; DPMPTSP: one (late), two (no deadline); DSDABM: three.
    assert izin["agencies"] == [
        (_name("dlh-bandung"), 3, 2),
        (_name("dpmptsp-bandung"), 2, 1),
        (_name("dsdabm-bandung"), 1, 0),
    ]
    assert izin["bottleneck"] == (_name("dlh-bandung"), 3, 2)
    # A tie on late and open steps: by name (Dinas Penanaman … before Dinas Sumber …).
    assert blocks["pbg-bandung"]["agencies"] == [
        (_name("dpmptsp-bandung"), 1, 1),
        (_name("dsdabm-bandung"), 1, 1),
    ]
    page = as_user("kepala.dpmptsp.bdg").get("/work/coordinator/").content.decode()
    assert f"Titik hambatan: {_name('dlh-bandung')} (3 tahap terbuka, 2 melewati tenggat)" in page


def test_an_official_of_the_coordinating_agency_counts_only_the_cases_it_sees(
    as_user: Any, built: dict[str, Case]
) -> None:
    blocks = _blocks(as_user("kabid.perizinan.bdg"))
    receipts = {c.receipt_number for c, _status, _waiting in blocks["izin-usaha"]["cases"]}
    assert receipts == {built["one"].receipt_number, built["two"].receipt_number}
    # Case three (no DPMPTSP step) is left out: DLH has one and two, DSDABM nothing open.
    assert blocks["izin-usaha"]["agencies"] == [
        (_name("dlh-bandung"), 2, 1),
        (_name("dpmptsp-bandung"), 2, 1),
    ]
    assert blocks["pbg-bandung"]["agencies"] == [
        (_name("dpmptsp-bandung"), 1, 1),
        (_name("dsdabm-bandung"), 1, 1),
    ]


def test_no_open_steps_no_bottleneck(as_user: Any) -> None:
    _case("izin-usaha", [("dpmptsp-bandung", "done", -1)])
    blocks = _blocks(as_user("kepala.dpmptsp.bdg"))
    assert blocks["izin-usaha"]["agencies"] == []
    assert blocks["izin-usaha"]["bottleneck"] is None
