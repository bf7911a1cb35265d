"""Complaints through the API: filed, verified, routed, re-routed once ("bukan wewenang"),
followed up and closed; access, identity, bad input, the sweep and the statistics."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from sinergi.accounts.models import User
from sinergi.audit.models import AuditEntry
from sinergi.cases.calendar import JAKARTA
from sinergi.voice import actions
from sinergi.voice.models import Attachment, Complaint, Disposition

pytestmark = pytest.mark.django_db

TEXT = (
    "Jalan kota di Jl. Dipatiukur berlubang besar dan saluran drainase tersumbat, "
    "setiap hujan air meluap ke jalan."
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, body, content_type="application/json", headers=headers)


def file(client: Client, **body: Any) -> dict[str, Any]:
    response = post(client, "/api/v1/complaints", {"text": TEXT, "region_code": "32.73.02", **body})
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_filed_verified_rerouted_once_followed_up_and_closed(as_user: Any) -> None:
    siti, coordinator = as_user("siti"), as_user("koordinator.panrb")
    dlh, dsdabm = as_user("dlh.bdg"), as_user("dsdabm.bdg")
    filed = file(siti)
    number = filed["tracking_number"]
    assert filed["status"] == "submitted"
    assert number.startswith("ADU-")

    verified = post(coordinator, f"/api/v1/complaints/{number}/verify", {"agency": "dlh-bandung"})
    assert verified.status_code == 200, verified.content
    assert verified.json()["status"] == "disposed"
    first_due = verified.json()["follow_up_due"]

    declined = post(
        dlh,
        f"/api/v1/complaints/{number}/decline",
        {"reason": "Bukan wewenang: jalan kota dan drainase kewenangan DSDABM."},
    )
    assert declined.json()["status"] == "returned"
    rerouted = post(
        coordinator, f"/api/v1/complaints/{number}/reroute", {"agency": "dsdabm-bandung"}
    )
    body = rerouted.json()
    assert (body["agency"], body["hops"], body["agencies"]) == (
        "dsdabm-bandung",
        1,
        ["dlh-bandung", "dsdabm-bandung"],
    )
    assert body["follow_up_due"] == first_due  # the clock runs across the hop

    followed = post(
        dsdabm,
        f"/api/v1/complaints/{number}/follow-up",
        {"message": "Gorong-gorong dibersihkan dan lubang ditambal hari ini."},
    )
    assert followed.json()["status"] == "followed_up"
    closed = post(siti, f"/api/v1/complaints/{number}/rate", {"rating": 5})
    assert closed.json()["status"] == "closed"
    assert [e["kind"] for e in closed.json()["events"]] == [
        "filed",
        "verify",
        "decline",
        "reroute",
        "follow_up",
        "rate",
    ]
    complaint = Complaint.objects.get(tracking_number=number)
    actions_logged = list(
        AuditEntry.objects.filter(object_type="voice.complaint", object_id=str(complaint.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions_logged == [
        "complaint.file",
        "complaint.verify",
        "complaint.decline",
        "complaint.reroute",
        "complaint.follow_up",
        "complaint.rate",
    ]
    hops = Disposition.objects.filter(complaint=complaint).order_by("hop")
    assert [(d.agency.code, d.hop, bool(d.declined_at)) for d in hops] == [
        ("dlh-bandung", 0, True),
        ("dsdabm-bandung", 1, False),
    ]


def test_deadlines_are_working_days_across_17_august_and_maulid(db: None) -> None:
    siti, panrb = User.objects.get(username="siti"), User.objects.get(username="koordinator.panrb")
    dlh, dsdabm = User.objects.get(username="dlh.bdg"), User.objects.get(username="dsdabm.bdg")

    def at(day: str) -> datetime:
        return datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=JAKARTA)

    def end_of(day: str) -> datetime:
        return datetime.fromisoformat(f"{day}T23:59:59.999999").replace(tzinfo=JAKARTA)

    c = actions.file_complaint(
        acting_user=siti, text=TEXT, region_code="32.73", now=at("2026-08-14")
    )
    assert c.verify_due == end_of("2026-08-20")  # Fri 14th + 3 working days, 17th a holiday
    c = actions.verify_complaint(
        acting_user=panrb, complaint=c, agency="dlh-bandung", now=at("2026-08-20")
    )
    c = actions.decline_complaint(
        acting_user=dlh, complaint=c, reason="Kewenangan DSDABM", now=at("2026-08-21")
    )
    c = actions.reroute_complaint(
        acting_user=panrb, complaint=c, agency="dsdabm-bandung", now=at("2026-08-24")
    )
    c.refresh_from_db()
    assert c.follow_up_due == end_of("2026-08-28")  # 5 working days from the 20th; 25th Maulid
    assert c.settle_due == end_of("2026-10-19")  # 60 calendar days from verification
    c = actions.follow_up_complaint(
        acting_user=dsdabm, complaint=c, message="Sudah ditambal", now=at("2026-08-27")
    )
    c.refresh_from_db()
    assert c.close_due == end_of("2026-09-10")
    assert c.hops == 1


def test_agencies_see_only_complaints_disposed_to_them_and_outsiders_get_404(
    as_user: Any,
) -> None:
    siti, coordinator = as_user("siti"), as_user("koordinator.panrb")
    number = file(siti)["tracking_number"]
    for who in ("outsider.kemenag", "dlh.bdg", "dsdabm.bdg", "polda.metro"):
        assert as_user(who).get(f"/api/v1/complaints/{number}").status_code == 404, who
    post(coordinator, f"/api/v1/complaints/{number}/verify", {"agency": "dlh-bandung"})
    assert as_user("dlh.bdg").get(f"/api/v1/complaints/{number}").status_code == 200
    assert as_user("dsdabm.bdg").get(f"/api/v1/complaints/{number}").status_code == 404
    post(as_user("dlh.bdg"), f"/api/v1/complaints/{number}/decline", {"reason": "bukan kami"})
    post(coordinator, f"/api/v1/complaints/{number}/reroute", {"agency": "dsdabm-bandung"})
    # Disposed before: the declining agency still sees what it declined, but may not act.
    assert as_user("dlh.bdg").get(f"/api/v1/complaints/{number}").status_code == 200
    refused = post(as_user("dlh.bdg"), f"/api/v1/complaints/{number}/follow-up", {"message": "x"})
    assert refused.status_code == 403
    outsider = as_user("outsider.kemenag")
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("verify", {"agency": "pln"}),
        ("follow-up", {"message": "x"}),
        ("rate", {"rating": 5}),
    ]
    for path, body in attempts:
        answer = post(outsider, f"/api/v1/complaints/{number}/{path}", body)
        assert answer.status_code == 404, path
    assert number not in {c["tracking_number"] for c in outsider.get("/api/v1/complaints").json()}


@pytest.mark.parametrize(
    ("confidentiality", "agency_sees", "coordinator_sees"),
    [("public", True, True), ("confidential", False, True), ("anonymous", False, False)],
)
def test_identity_hidden_from_the_agency_when_confidential_or_anonymous(
    as_user: Any, confidentiality: str, agency_sees: bool, coordinator_sees: bool
) -> None:
    siti, coordinator = as_user("siti"), as_user("koordinator.panrb")
    number = file(siti, confidentiality=confidentiality)["tracking_number"]
    post(coordinator, f"/api/v1/complaints/{number}/verify", {"agency": "dlh-bandung"})
    shown = {
        who: as_user(who).get(f"/api/v1/complaints/{number}").json()["complainant"]
        for who in ("siti", "koordinator.panrb", "dlh.bdg")
    }
    assert shown["siti"] == "Siti Rahayu"
    assert (shown["dlh.bdg"] is not None) is agency_sees
    assert (shown["koordinator.panrb"] is not None) is coordinator_sees


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({"text": "   "}, "text", "complaint_text_required"),
        ({"region_code": "32.99"}, "region_code", "region_unknown"),
        ({"confidentiality": "secret"}, "confidentiality", "complaint_confidentiality_unknown"),
    ],
)
def test_bad_complaints_are_refused_and_nothing_is_stored(
    as_user: Any, body: dict[str, str], field: str, rule: str
) -> None:
    before, audited = Complaint.objects.count(), AuditEntry.objects.count()
    answer = post(
        as_user("siti"), "/api/v1/complaints", {"text": TEXT, "region_code": "32.73", **body}
    )
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    assert [(e["field"], e["rule"]) for e in answer.json()["errors"]] == [(field, rule)]
    assert (Complaint.objects.count(), AuditEntry.objects.count()) == (before, audited)


def test_an_oversized_or_disguised_attachment_is_refused_and_not_stored(
    as_user: Any, settings: Any
) -> None:
    settings.SINERGI_VOICE = {**settings.SINERGI_VOICE, "ATTACHMENT_MAX_BYTES": 1024}
    siti = as_user("siti")
    number = file(siti)["tracking_number"]
    big = PNG + b"\x00" * 2048
    answer = siti.post(
        f"/api/v1/complaints/{number}/attachments", {"upload": _upload("foto.png", big)}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["rule"] == "attachment_too_large"
    fake = siti.post(
        f"/api/v1/complaints/{number}/attachments",
        {"upload": _upload("foto.png", b"<html>not a photo</html>")},
    )
    assert fake.json()["errors"][0]["rule"] == "attachment_kind_refused"
    assert Attachment.objects.filter(complaint__tracking_number=number).count() == 0
    ok = siti.post(
        f"/api/v1/complaints/{number}/attachments", {"upload": _upload("../../foto.png", PNG)}
    )
    assert ok.status_code == 201, ok.content
    stored = Attachment.objects.get(complaint__tracking_number=number)
    assert (stored.name, stored.content_type, stored.size) == ("foto.png", "image/png", len(PNG))
    other = as_user("dlh.bdg").post(
        f"/api/v1/complaints/{number}/attachments", {"upload": _upload("x.png", PNG)}
    )
    assert other.status_code == 404


def _upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def test_the_same_idempotency_key_files_once(as_user: Any) -> None:
    siti = as_user("siti")
    body = {"text": TEXT, "region_code": "32.73"}
    first = post(siti, "/api/v1/complaints", body, **{"Idempotency-Key": "adu-1"})
    again = post(siti, "/api/v1/complaints", body, **{"Idempotency-Key": "adu-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["tracking_number"] == again.json()["tracking_number"]
    assert Complaint.objects.filter(tracking_number=first.json()["tracking_number"]).count() == 1


def test_route_ranks_agencies_for_text_and_region(client: Client) -> None:
    answer = post(client, "/api/v1/complaints/route", {"text": TEXT, "region_code": "32.73.02"})
    assert answer.status_code == 200, answer.content
    suggestions = answer.json()["suggestions"]
    assert suggestions[0] == {"agency": "dsdabm-bandung", "score": 1.0}
    national = post(
        client,
        "/api/v1/complaints/route",
        {"text": TEXT.replace("Jalan kota", "Jalan nasional"), "region_code": "32.73.02"},
    )
    assert national.json()["suggestions"][0]["agency"] == "kemen-pu"
    bad = post(client, "/api/v1/complaints/route", {"text": "", "region_code": "99.99"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"text", "region_code"}


def test_the_sweep_escalates_once_and_closes_unanswered_follow_ups(db: None) -> None:
    siti, panrb = User.objects.get(username="siti"), User.objects.get(username="koordinator.panrb")
    pln_user = User.objects.get(username="dsdabm.bdg")
    old = datetime(2026, 8, 3, 9, tzinfo=JAKARTA)
    late = actions.file_complaint(acting_user=siti, text=TEXT, region_code="32.73", now=old)
    answered = actions.file_complaint(acting_user=siti, text=TEXT, region_code="32.73", now=old)
    answered = actions.verify_complaint(
        acting_user=panrb, complaint=answered, agency="dsdabm-bandung", now=old
    )
    actions.follow_up_complaint(
        acting_user=pln_user, complaint=answered, message="Selesai", now=old + timedelta(days=1)
    )
    now = datetime(2026, 8, 31, 9, tzinfo=JAKARTA)
    first = actions.sweep_complaints(now)
    assert first["escalated"] >= 1
    assert first["closed"] >= 1
    again = actions.sweep_complaints(now)
    assert (again["escalated"], again["closed"]) == (0, 0)
    late.refresh_from_db()
    answered.refresh_from_db()
    assert late.escalations == ["verification_overdue"]
    assert (answered.status, answered.closed_automatically) == ("closed", True)
    assert (
        AuditEntry.objects.filter(action="complaint.auto_close", object_id=str(answered.pk)).count()
        == 1
    )


def test_public_statistics_count_the_hop_and_the_decline(as_user: Any, client: Client) -> None:
    siti, coordinator = as_user("siti"), as_user("koordinator.panrb")
    number = file(siti)["tracking_number"]
    post(coordinator, f"/api/v1/complaints/{number}/verify", {"agency": "dlh-bandung"})
    post(as_user("dlh.bdg"), f"/api/v1/complaints/{number}/decline", {"reason": "bukan kami"})
    post(coordinator, f"/api/v1/complaints/{number}/reroute", {"agency": "dsdabm-bandung"})
    post(as_user("dsdabm.bdg"), f"/api/v1/complaints/{number}/follow-up", {"message": "Beres"})
    answer = client.get("/api/v1/complaints/statistics?region=32.73")
    assert answer.status_code == 200
    rows = {r["agency"]: r for r in answer.json()["agencies"]}
    assert rows["dsdabm-bandung"]["hops"] == 1
    assert rows["dsdabm-bandung"]["rerouted"] == 1
    assert rows["dsdabm-bandung"]["followed_up_within_deadline"] == 1.0
    assert rows["dlh-bandung"]["declined"] == 1
    places = {r["region"]: r for r in answer.json()["regions"]}
    assert places["32.73"]["hops"] >= 1
    assert set(places) == {"32.73"}  # the filter keeps Kota Bandung only
    assert answer.json()["overall"]["hops"] >= 1
    assert "text" not in str(answer.json())


def test_declining_without_a_reason_changes_nothing(as_user: Any) -> None:
    siti, coordinator = as_user("siti"), as_user("koordinator.panrb")
    number = file(siti)["tracking_number"]
    post(coordinator, f"/api/v1/complaints/{number}/verify", {"agency": "dlh-bandung"})
    answer = post(as_user("dlh.bdg"), f"/api/v1/complaints/{number}/decline", {"reason": " "})
    assert answer.status_code == 422
    complaint = Complaint.objects.get(tracking_number=number)
    assert complaint.status == "disposed"
    assert not Disposition.objects.filter(complaint=complaint, declined_at__isnull=False).exists()


def test_the_deadline_sweep_is_a_periodic_job_of_the_worker() -> None:
    from sinergi.core.periodic import JOBS

    job = next(j for j in JOBS if j.name == "complaint-sweep")
    assert job.every == timedelta(minutes=1)
