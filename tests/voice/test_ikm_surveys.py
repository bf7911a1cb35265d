"""IKM surveys in the platform: an invitation after each completed case, one anonymous
response per case, results per unit with the Krejcie-Morgan check, CSV export, the CLI."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sinergi.voice.models import Survey, SurveyInvitation, SurveyResponse
from sinergi.voice.results import responses_csv
from tests.voice.test_ikm import WORKED

CAR = {
    "plate": "B 1234 SRH",
    "njkb": 200000000,
    "wheels": 4,
    "swdkllj_class": "mobil_pribadi",
    "province_code": "31",
    "ownership": 1,
}
ALL_FOUR = {f"U{i}": 4 for i in range(1, 10)}


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, body, content_type="application/json", headers=headers)


def completed_case(as_user: Any, capture: Any) -> str:
    """An electronic SAMSAT case paid and endorsed: approved, so its citizen is invited."""
    siti = as_user("siti")
    with capture(execute=True):
        submitted = post(
            siti,
            "/api/v1/cases",
            {"service": "samsat-tahunan", "variant": "elektronik", "data": CAR},
        )
        number = submitted.json()["receipt_number"]
        paid = post(
            as_user("jasaraharja"),
            f"/api/v1/cases/{number}/steps/pembayaran/act",
            {"outcome": "paid"},
        )
    assert paid.json()["status"] == "approved"
    return str(number)


@pytest.mark.django_db
def test_a_completed_case_invites_its_citizen_once(
    as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    number = completed_case(as_user, django_capture_on_commit_callbacks)
    invitation = SurveyInvitation.objects.get(case__receipt_number=number)
    assert invitation.survey.agency.code == "bapenda-dki"  # the service's coordinator
    assert invitation.responded_at is None


@pytest.mark.django_db
def test_one_anonymous_response_per_case(
    as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    number = completed_case(as_user, django_capture_on_commit_callbacks)
    siti = as_user("siti")
    first = post(siti, "/api/v1/ikm/responses", {"receipt_number": number, "answers": ALL_FOUR})
    assert first.status_code == 201, first.content
    again = post(siti, "/api/v1/ikm/responses", {"receipt_number": number, "answers": ALL_FOUR})
    assert again.status_code == 422
    assert again.json()["code"] == "ikm_already_answered"
    survey = SurveyInvitation.objects.get(case__receipt_number=number).survey
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    # The response carries the answers only: no user, case or time of day.
    fields = {f.name for f in SurveyResponse._meta.get_fields()}
    assert fields == {"id", "survey", "answers", "submitted_on"}


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [0, 5, "4", None])
def test_an_answer_outside_1_to_4_is_refused_and_nothing_stored(
    as_user: Any, django_capture_on_commit_callbacks: Any, bad: object
) -> None:
    number = completed_case(as_user, django_capture_on_commit_callbacks)
    answer = post(
        as_user("siti"),
        "/api/v1/ikm/responses",
        {"receipt_number": number, "answers": {**ALL_FOUR, "U7": bad}},
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "U7"
    invitation = SurveyInvitation.objects.get(case__receipt_number=number)
    assert invitation.responded_at is None
    assert not SurveyResponse.objects.filter(survey=invitation.survey).exists()


@pytest.mark.django_db
def test_nobody_else_answers_for_the_case(
    as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    number = completed_case(as_user, django_capture_on_commit_callbacks)
    answer = post(
        as_user("outsider.kemenag"),
        "/api/v1/ikm/responses",
        {"receipt_number": number, "answers": ALL_FOUR},
    )
    assert answer.status_code == 404


@pytest.mark.django_db
def test_results_per_unit_with_the_sample_warning_and_csv(
    as_user: Any, django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    number = completed_case(as_user, django_capture_on_commit_callbacks)
    post(
        as_user("siti"),
        "/api/v1/ikm/responses",
        {"receipt_number": number, "answers": {**ALL_FOUR, "U3": 2}},
    )
    survey = SurveyInvitation.objects.get(case__receipt_number=number).survey
    Survey.objects.filter(pk=survey.pk).update(population=100)
    body = client.get(f"/api/v1/ikm/surveys/{survey.pk}").json()
    assert body["respondents"] == 1
    assert (body["required_sample"], body["sample_short"]) == (80, True)
    # (8 x 4 + 2) / 9 x 25 = 94.44
    assert (body["ikm"], body["grade"]) == ("94.44", "A")
    assert body["elements"][2] == {
        "code": "U3",
        "name": "Waktu penyelesaian",
        "answered": 1,
        "nrr": "2.000",
        "converted": "50.00",
        "grade": "D",
    }
    csv_text = responses_csv(survey).splitlines()
    assert csv_text[0] == "no,U1,U2,U3,U4,U5,U6,U7,U8,U9"
    assert csv_text[1] == "1,4,4,2,4,4,4,4,4,4"
    assert csv_text[-1] == "IKM,94.44,A"


def test_cli_reproduces_the_worked_example(tmp_path: Path) -> None:
    path = tmp_path / "skm.csv"
    rows = [",".join(line.split()) for line in WORKED.splitlines()]
    path.write_text("U1,U2,U3,U4,U5,U6,U7,U8,U9\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = StringIO()
    call_command("ikm", "compute", str(path), stdout=out)
    text = out.getvalue()
    assert "U1  NRR 3.500" in text
    assert "U3  NRR 2.700  (67.50 on 25-100)" in text
    assert "IKM: 82.22" in text
    assert "grade: B (Baik)" in text
    printed = StringIO()
    call_command("ikm", "compute", str(path), "--weighting", "printed", stdout=printed)
    assert "IKM: 82.14" in printed.getvalue()


@pytest.mark.parametrize(
    ("mean_row", "exact", "printed"),
    [
        # Each respondent answers one of two rows; the element means land on a boundary.
        ("4", "IKM: 100.00", "IKM: 99.90"),
    ],
)
def test_cli_grade_at_the_top_of_the_scale(
    tmp_path: Path, mean_row: str, exact: str, printed: str
) -> None:
    path = tmp_path / "top.csv"
    path.write_text("U1,U2,U3,U4,U5,U6,U7,U8,U9\n" + ",".join([mean_row] * 9) + "\n")
    out = StringIO()
    call_command("ikm", "compute", str(path), stdout=out)
    assert exact in out.getvalue()
    assert "grade: A" in out.getvalue()
    out = StringIO()
    call_command("ikm", "compute", str(path), "--weighting", "printed", stdout=out)
    assert printed in out.getvalue()


def test_cli_grade_boundary_65_00_is_c_exactly_and_d_printed(tmp_path: Path) -> None:
    # 5 respondents: U-means of 2.6 everywhere (3 x 3 + 2 x 2 = 13, / 5 = 2.6) -> 65.00
    rows = ["3"] * 3 + ["2"] * 2
    path = tmp_path / "c.csv"
    path.write_text("U1,U2,U3,U4,U5,U6,U7,U8,U9\n"
                    + "\n".join(",".join([r] * 9) for r in rows) + "\n")  # fmt: skip
    out = StringIO()
    call_command("ikm", "compute", str(path), stdout=out)
    assert "IKM: 65.00" in out.getvalue()
    assert "grade: C (Kurang Baik)" in out.getvalue()
    out = StringIO()
    call_command("ikm", "compute", str(path), "--weighting", "printed", stdout=out)
    assert "IKM: 64.94" in out.getvalue()
    assert "grade: D (Tidak Baik)" in out.getvalue()


def test_cli_refuses_a_csv_with_a_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("U1,U2,U3,U4,U5,U6,U7,U8\n4,4,4,4,4,4,4,4\n")
    with pytest.raises(CommandError, match="U9"):
        call_command("ikm", "compute", str(path))


def test_cli_warns_when_the_sample_is_short(tmp_path: Path) -> None:
    path = tmp_path / "few.csv"
    path.write_text("U1,U2,U3,U4,U5,U6,U7,U8,U9\n" + ",".join(["3"] * 9) + "\n")
    err = StringIO()
    call_command("ikm", "compute", str(path), "--population", "1000", stdout=StringIO(),
                 stderr=err)  # fmt: skip
    assert "fewer than the 278" in err.getvalue()


@pytest.mark.django_db
def test_the_citizen_answers_on_the_page_once(
    as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    number = completed_case(as_user, django_capture_on_commit_callbacks)
    siti = as_user("siti")
    listing = siti.get("/ikm/").content.decode()
    assert f"/ikm/jawab/{number}/" in listing
    form = siti.get(f"/ikm/jawab/{number}/").content.decode()
    assert 'name="U9"' in form
    missing = siti.post(f"/ikm/jawab/{number}/", {f"U{i}": "3" for i in range(1, 9)})
    assert missing.status_code == 422
    assert 'href="#id_U9_0"' in missing.content.decode()
    sent = siti.post(f"/ikm/jawab/{number}/", {f"U{i}": "3" for i in range(1, 10)})
    assert sent.status_code == 302
    again = siti.post(f"/ikm/jawab/{number}/", {f"U{i}": "4" for i in range(1, 10)})
    assert again.status_code == 422
    survey = SurveyInvitation.objects.get(case__receipt_number=number).survey
    assert list(SurveyResponse.objects.filter(survey=survey).values_list("answers", flat=True)) == [
        {f"U{i}": 3 for i in range(1, 10)}
    ]
    assert as_user("outsider.kemenag").get(f"/ikm/jawab/{number}/").status_code == 404


@pytest.mark.django_db
def test_only_the_units_head_sets_the_population(as_user: Any) -> None:
    from sinergi.registry.models import Agency

    survey = Survey.objects.create(
        agency=Agency.objects.get(code="dpmptsp-bandung"),
        period_start="2026-07-01",
        period_end="2026-09-30",
    )
    path = f"/api/v1/ikm/surveys/{survey.pk}/population"
    refused = post(as_user("dlh.bdg"), path, {"population": 300})
    assert refused.status_code == 403
    done = post(as_user("kepala.dpmptsp.bdg"), path, {"population": 300})
    assert done.status_code == 200
    assert done.json()["required_sample"] == 169
    negative = post(as_user("kepala.dpmptsp.bdg"), path, {"population": -1})
    assert negative.status_code == 422
    survey.refresh_from_db()
    assert survey.population == 300
