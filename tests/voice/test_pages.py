"""The complaint and IKM pages: the journey through forms, errors on the form, 404 for
outsiders, public statistics and IKM results with the SVG chart and the CSV."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sinergi.voice.models import Complaint, Survey, SurveyResponse

pytestmark = pytest.mark.django_db

TEXT = "Saluran drainase di Jalan Dipatiukur tersumbat dan jalan kota berlubang."


def file_page(client: Client, **fields: Any) -> Any:
    data = {
        "kind": "pengaduan",
        "text": TEXT,
        "region_code": "32.73.02",
        "confidentiality": "confidential",
        **fields,
    }
    return client.post("/pengaduan/baru/", data)


def act(client: Client, number: str, action: str, **fields: Any) -> Any:
    return client.post(f"/pengaduan/{number}/", {"action": action, **fields})


def test_the_journey_through_the_pages(as_user: Any) -> None:
    siti = as_user("siti")
    filed = file_page(siti)
    assert filed.status_code == 302
    number = filed["Location"].rstrip("/").split("/")[-1]
    page = siti.get(filed["Location"]).content.decode()
    assert "Belum terverifikasi" in page or "submitted" in page

    coordinator = as_user("koordinator.panrb")
    detail = coordinator.get(f"/pengaduan/{number}/").content.decode()
    assert 'data-action="verify"' in detail
    assert "disarankan" in detail or "suggested" in detail  # router suggestions in the select
    assert act(coordinator, number, "verify", agency="dlh-bandung").status_code == 302
    dlh = as_user("dlh.bdg")
    agency_view = dlh.get(f"/pengaduan/{number}/").content.decode()
    assert "Siti Rahayu" not in agency_view  # confidential: hidden from the agency
    assert act(dlh, number, "decline", reason="Kewenangan DSDABM").status_code == 302
    assert act(coordinator, number, "reroute", agency="dsdabm-bandung").status_code == 302
    assert (
        act(as_user("dsdabm.bdg"), number, "follow_up", message="Sudah dibersihkan").status_code
        == 302
    )
    assert act(siti, number, "rate", rating="4").status_code == 302
    complaint = Complaint.objects.get(tracking_number=number)
    assert (complaint.status, complaint.hops) == ("closed", 1)
    final = siti.get(f"/pengaduan/{number}/").content.decode()
    assert 'id="complaint-hops">1<' in final
    assert "hari kerja" in final or "working days" in final


def test_form_errors_are_shown_and_nothing_is_stored(as_user: Any) -> None:
    before = Complaint.objects.count()
    answer = file_page(as_user("siti"), text="", region_code="99.99")
    assert answer.status_code == 422
    body = answer.content.decode()
    assert "sg-error-summary" in body
    assert 'href="#id_text"' in body
    assert 'href="#id_region_code"' in body
    big = SimpleUploadedFile("x.pdf", b"%PDF-" + b"0" * (6 * 1024 * 1024))
    answer = file_page(as_user("siti"), attachment=big)
    assert answer.status_code == 422
    assert 'href="#id_attachment"' in answer.content.decode()
    assert Complaint.objects.count() == before


def test_outsiders_get_404_and_anonymous_visitors_are_sent_to_sign_in(
    as_user: Any, client: Client
) -> None:
    file_page(as_user("siti"))
    number = Complaint.objects.latest("id").tracking_number
    assert as_user("outsider.kemenag").get(f"/pengaduan/{number}/").status_code == 404
    assert act(as_user("outsider.kemenag"), number, "verify", agency="pln").status_code == 404
    assert client.get(f"/pengaduan/{number}/").status_code == 302


def test_statistics_page_is_public(client: Client) -> None:
    page = client.get("/statistik/pengaduan/")
    assert page.status_code == 200
    assert 'id="per-agency"' in page.content.decode()


def test_ikm_results_page_has_the_chart_table_and_csv(client: Client, db: None) -> None:
    from sinergi.registry.models import Agency

    survey = Survey.objects.create(
        agency=Agency.objects.get(code="dpmptsp-bandung"),
        period_start="2026-07-01",
        period_end="2026-09-30",
        population=50,
    )
    for answers in ({f"U{i}": 4 for i in range(1, 10)}, {f"U{i}": 3 for i in range(1, 10)}):
        SurveyResponse.objects.create(survey=survey, answers=answers, submitted_on="2026-08-01")
    page = client.get(f"/ikm/{survey.pk}/").content.decode()
    assert "<svg" in page
    assert 'role="img"' in page
    assert 'id="elements"' in page
    assert "87.50" in page  # (4 + 3) / 2 x 25
    assert 'id="sample-warning"' in page  # 2 < 44 for a population of 50
    csv = client.get(f"/ikm/{survey.pk}/ikm.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[-1] == "IKM,87.50,B"
    assert client.get("/ikm/999999/").status_code == 404
