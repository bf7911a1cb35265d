"""The coordination API on the demo: the two bodies, a collegiate vote, shared indicators,
the integration map, readiness, and every bad input of the issue refused with nothing changed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from sinergi.audit.models import AuditEntry
from sinergi.coordination.models import ActionItem, Body, Contribution, Proposal, Vote

pytestmark = pytest.mark.django_db

FORUM = "/api/v1/coordination/bodies/forum-pembangunan-desa"
SWI = "/api/v1/coordination/bodies/satgas-waspada-investasi"
VOTERS = ("pu.desa", "bappenas.desa", "kemendes.pdt")


def post(client: Any, url: str, data: dict[str, Any], **headers: str) -> Any:
    return client.post(url, data, content_type="application/json", headers=headers)


def open_proposal(as_user: Any, title: str = "Rencana aksi jalan desa 2027") -> int:
    response = post(
        as_user("koordinator.pmk"), f"{FORUM}/proposals",
        {"title": title, "text": "Members adopt the joint action plan for village roads."},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def vote(as_user: Any, username: str, proposal: int, choice: str, **headers: str) -> Any:
    return post(
        as_user(username), f"/api/v1/coordination/proposals/{proposal}/votes", {"choice": choice},
        **headers,
    )  # fmt: skip


# --- The two demo bodies ---------------------------------------------------------------------


def test_the_rural_forum_shows_its_members_through_the_2024_lineage(as_user: Any) -> None:
    body = as_user("pu.desa").get(FORUM).json()
    members = {(m["agency"], m["current"]): m for m in body["members"]}
    assert sorted(code for code, current in members if current) == [
        "bappenas", "kemen-pu", "kemendes-pdt", "kemenko-pmk",
    ]  # fmt: skip
    assert members[("kemen-pupr", False)]["left_on"] == "2024-10-21"
    assert members[("kemen-pupr", False)]["now_succeeded_by"] == ["kemen-pkp", "kemen-pu"]
    assert members[("kemen-pu", True)]["continues"] == "kemen-pupr"
    assert members[("kemendes-pdt", True)]["continues"] == "kemendes-pdtt"
    assert body["relation"]["type"] == "joint_working"
    assert body["relation"]["category"] == "integration"
    history = [h for h in body["relation_history"] if not h["programme"]]
    assert [(h["from_type"], h["to_type"]) for h in history] == [
        (None, "joint_planning"), ("joint_planning", "joint_working"),
    ]  # fmt: skip
    assert body["voting_members"] == ["bappenas", "kemen-pu", "kemendes-pdt", "kemenko-pmk"]
    assert body["coordinating_agency"] == "kemenko-pmk"
    assert [p["code"] for p in body["programmes"]] == ["program-desa-terpadu"]


def test_the_rural_programme_computes_joint_progress_from_each_agency_s_reports(
    as_user: Any,
) -> None:
    programme = as_user("bappenas.desa").get("/api/v1/coordination/programmes/program-desa-terpadu")
    indicators = {i["code"]: i for i in programme.json()["indicators"]}
    roads = indicators["jalan-desa"]
    # Cumulative sum of PU(PR) and Kemendes reports:
    # 420+610, then +450+640, +470+660, +430+650, +410
    assert [(p["period"], p["value"]) for p in roads["series"]] == [
        ("2021", "1030.00"), ("2022", "2120.00"), ("2023", "3250.00"),
        ("2024", "4330.00"), ("2025", "4740.00"),
    ]  # fmt: skip
    assert roads["series"][-1]["progress"] == "79.0"  # 4740 of 6000 km
    assert roads["series"][-1]["missing"] == ["kemen-pupr", "kemendes-pdt", "kemendes-pdtt"]
    plans = indicators["rencana-selaras"]
    # Weighted average, Bappenas counting double: (2*45 + 52) / 3 = 47.33
    assert plans["series"][0]["value"] == "47.33"
    assert plans["series"][0]["progress"] == "14.7"  # (47.33 - 40) / (90 - 40)


def test_the_task_force_on_illegal_investment_has_its_13_members_of_2018(as_user: Any) -> None:
    body = as_user("ojk.swi").get(SWI).json()
    assert body["kind"] == "task_force"
    assert (body["start_date"], body["end_date"], body["active"]) == (
        "2018-01-01", "2018-12-31", False,
    )  # fmt: skip
    assert body["lead_agency"] == "ojk"
    assert len(body["members"]) == 13
    assert {m["agency"] for m in body["members"]} >= {"kemenkominfo", "polri", "kemenag", "ppatk"}
    renamed = {m["agency"]: m["now_succeeded_by"] for m in body["members"]}
    assert renamed["kemenkominfo"] == ["komdigi"]
    assert renamed["bkpm"] == ["kemen-investasi-hilirisasi"]
    assert renamed["ojk"] == []
    assert body["capacity"]["participants_total"] == 55  # 37 at the training, 18 at the workshop
    assert body["capacity"]["participants_by_agency"]["polri"] == 11
    assert body["relation"]["type"] == "joint_working"


def test_an_agency_lists_only_the_bodies_it_is_a_member_of(as_user: Any) -> None:
    listed = as_user("pu.desa").get("/api/v1/coordination/bodies").json()["items"]
    assert [b["code"] for b in listed] == ["forum-pembangunan-desa"]
    everything = as_user("auditor").get("/api/v1/coordination/bodies").json()["items"]
    assert [b["code"] for b in everything] == ["forum-pembangunan-desa", "satgas-waspada-investasi"]


def test_a_non_member_gets_the_same_404_as_for_a_body_that_does_not_exist(as_user: Any) -> None:
    outsider = as_user("kepala.dpmptsp.bdg")
    forbidden = outsider.get(FORUM)
    missing = outsider.get("/api/v1/coordination/bodies/no-such-body")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json()["detail"] == missing.json()["detail"]
    assert outsider.get("/api/v1/coordination/bodies").json()["items"] == []
    assert outsider.get("/api/v1/coordination/programmes/program-desa-terpadu").status_code == 404
    assert as_user("bappenas.desa").get(SWI).status_code == 404


# --- The collegiate vote ----------------------------------------------------------------------


def test_three_agencies_vote_and_the_lead_closes_the_proposal(as_user: Any) -> None:
    proposal = open_proposal(as_user)
    for username, choice in zip(VOTERS, ("yes", "yes", "abstain"), strict=True):
        assert vote(as_user, username, proposal, choice).status_code == 201
    closed = post(
        as_user("koordinator.pmk"), f"/api/v1/coordination/proposals/{proposal}/close", {}
    )
    assert closed.status_code == 200, closed.content
    result = closed.json()
    assert result["status"] == "adopted"  # consensus: no one against, quorum 2 of 4 met
    assert (result["result"]["yes"], result["result"]["no"], result["result"]["abstain"]) == (
        2,
        0,
        1,
    )
    assert result["result"]["votes"] == {
        "bappenas": "yes",
        "kemen-pu": "yes",
        "kemendes-pdt": "abstain",
    }
    # published to every member, recorded in the audit trail
    assert (
        as_user("kemendes.pdt").get(f"/api/v1/coordination/proposals/{proposal}").json()["status"]
        == "adopted"
    )
    actions = AuditEntry.objects.filter(object_type__startswith="coordination.").values_list(
        "action", flat=True
    )
    assert (
        list(actions.filter(action__startswith="coordination.vote"))
        == ["coordination.vote.cast"] * 3
    )
    assert actions.filter(action="coordination.proposal.close").count() == 1


def test_one_vote_against_defeats_a_consensus(as_user: Any) -> None:
    proposal = open_proposal(as_user)
    vote(as_user, "pu.desa", proposal, "yes")
    vote(as_user, "bappenas.desa", proposal, "no")
    closed = post(
        as_user("koordinator.pmk"), f"/api/v1/coordination/proposals/{proposal}/close", {}
    )
    assert closed.json()["status"] == "rejected"


def test_a_vote_below_the_quorum_decides_nothing(as_user: Any) -> None:
    proposal = open_proposal(as_user)
    vote(as_user, "pu.desa", proposal, "yes")
    closed = post(
        as_user("koordinator.pmk"), f"/api/v1/coordination/proposals/{proposal}/close", {}
    )
    assert closed.json()["status"] == "no_quorum"


def test_a_retried_vote_with_its_idempotency_key_is_counted_once(as_user: Any) -> None:
    proposal = open_proposal(as_user)
    first = vote(as_user, "pu.desa", proposal, "yes", **{"Idempotency-Key": "vote-1"})
    again = vote(as_user, "pu.desa", proposal, "yes", **{"Idempotency-Key": "vote-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Vote.objects.filter(proposal_id=proposal).count() == 1


# --- Bad input: refused clearly, nothing changed --------------------------------------------


def snapshot() -> tuple[int, ...]:
    return (
        Body.objects.count(),
        Vote.objects.count(),
        Proposal.objects.filter(status="open").count(),
        Contribution.objects.count(),
        ActionItem.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_vote_by_a_non_member_is_refused_and_nothing_changes(as_user: Any) -> None:
    proposal = open_proposal(as_user)
    before = snapshot()
    outsider = vote(as_user, "kepala.dpmptsp.bdg", proposal, "yes")
    assert outsider.status_code == 404  # it cannot see the body: the proposal does not exist
    seeing = vote(as_user, "auditor", proposal, "yes")  # the auditor sees it but is no member
    assert seeing.status_code == 422
    assert seeing.json()["code"] == "not_a_voting_member"
    assert snapshot() == before


def test_a_second_vote_by_the_same_agency_is_refused_and_nothing_changes(as_user: Any) -> None:
    proposal = open_proposal(as_user)
    assert vote(as_user, "pu.desa", proposal, "yes").status_code == 201
    before = snapshot()
    second = vote(as_user, "pu.desa", proposal, "no")
    assert second.status_code == 422
    assert second.json()["code"] == "already_voted"
    assert snapshot() == before
    assert Vote.objects.get(proposal_id=proposal).choice == "yes"


def test_a_vote_on_a_closed_proposal_is_refused(as_user: Any) -> None:
    proposal = open_proposal(as_user)
    vote(as_user, "pu.desa", proposal, "yes")
    vote(as_user, "bappenas.desa", proposal, "yes")
    post(as_user("koordinator.pmk"), f"/api/v1/coordination/proposals/{proposal}/close", {})
    before = snapshot()
    late = vote(as_user, "kemendes.pdt", proposal, "no")
    assert late.status_code == 422
    assert late.json()["code"] == "proposal_closed"
    assert snapshot() == before


def test_a_report_for_another_agency_is_refused_and_nothing_changes(as_user: Any) -> None:
    indicator = as_user("pu.desa").get("/api/v1/coordination/programmes/program-desa-terpadu")
    roads = next(i for i in indicator.json()["indicators"] if i["code"] == "jalan-desa")
    url = f"/api/v1/coordination/indicators/{roads['id']}/contributions"
    before = snapshot()
    stored = list(Contribution.objects.values_list("agency__code", "period", "value"))
    response = post(
        as_user("pu.desa"), url,
        {"agency": "kemendes-pdt", "period": "2025", "value": "9999", "evidence": "x"},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["code"] == "report_for_another_agency"
    assert snapshot() == before
    assert list(Contribution.objects.values_list("agency__code", "period", "value")) == stored


def test_an_agency_reports_its_own_contribution_and_the_joint_value_moves(as_user: Any) -> None:
    programme = as_user("kemendes.pdt").get("/api/v1/coordination/programmes/program-desa-terpadu")
    roads = next(i for i in programme.json()["indicators"] if i["code"] == "jalan-desa")
    response = post(
        as_user("kemendes.pdt"), f"/api/v1/coordination/indicators/{roads['id']}/contributions",
        {"agency": "kemendes-pdt", "period": "2025", "value": "640", "evidence": "Laporan 2025"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["series"][-1]["value"] == "5380.00"  # 4740 + 640
    assert Contribution.objects.get(agency__code="kemendes-pdt", period="2025").value == Decimal(
        640
    )


def test_a_task_force_without_an_end_date_is_refused_and_nothing_changes(as_user: Any) -> None:
    before = snapshot()
    response = post(
        as_user("koordinator.pmk"), "/api/v1/coordination/bodies",
        {"code": "satgas-stunting-desa", "name": "Satgas Percepatan Penurunan Stunting Desa",
         "kind": "task_force", "lead_agency": "kemenko-pmk", "start_date": "2027-01-04",
         "relation_type": "joint_working", "mandate": "Turunkan stunting di desa.",
         "legal_basis": "Keputusan Menko PMK (ilustratif)"},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["code"] == "task_force_needs_end"
    assert [e["field"] for e in response.json()["errors"]] == ["end_date"]
    assert snapshot() == before


def test_a_task_force_with_its_end_date_is_created_with_its_lead(as_user: Any) -> None:
    response = post(
        as_user("koordinator.pmk"), "/api/v1/coordination/bodies",
        {"code": "satgas-stunting-desa", "name": "Satgas Percepatan Penurunan Stunting Desa",
         "kind": "task_force", "lead_agency": "kemenko-pmk", "start_date": "2027-01-04",
         "end_date": "2027-12-31", "relation_type": "joint_working",
         "mandate": "Turunkan stunting di desa.",
         "legal_basis": "Keputusan Menko PMK (ilustratif)"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert [(m["agency"], m["role"]) for m in response.json()["members"]] == [
        ("kemenko-pmk", "lead")
    ]


def test_an_action_item_for_an_agency_outside_the_body_is_refused(as_user: Any) -> None:
    before = snapshot()
    response = post(
        as_user("koordinator.pmk"), f"{FORUM}/action-items",
        {"title": "Patroli siber", "agency": "ojk", "working_days": 5},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["code"] == "agency_outside_body"
    assert snapshot() == before


def test_only_the_lead_opens_proposals_and_assigns_actions(as_user: Any) -> None:
    before = snapshot()
    member = as_user("pu.desa")
    assert post(member, f"{FORUM}/proposals", {"title": "t", "text": "x"}).status_code == 403
    assigned = post(member, f"{FORUM}/action-items", {"title": "t", "agency": "bappenas",
                                                      "working_days": 5})  # fmt: skip
    assert assigned.status_code == 403
    assert snapshot() == before


def test_an_unknown_choice_is_a_validation_error(as_user: Any) -> None:
    proposal = open_proposal(as_user)
    before = snapshot()
    assert vote(as_user, "pu.desa", proposal, "maybe").status_code == 422
    assert snapshot() == before


# --- The integration map ----------------------------------------------------------------------


def test_the_map_lists_one_relation_per_lead_and_member(as_user: Any) -> None:
    body = as_user("auditor").get("/api/v1/coordination/map").json()
    pairs = sorted((e["body"], e["target"], e["category"]) for e in body["edges"])
    forum = [p for p in pairs if p[0] == "forum-pembangunan-desa"]
    assert forum == [
        ("forum-pembangunan-desa", "bappenas", "integration"),
        ("forum-pembangunan-desa", "kemen-pu", "integration"),
        ("forum-pembangunan-desa", "kemendes-pdt", "integration"),
    ]
    assert sum(1 for p in pairs if p[0] == "satgas-waspada-investasi") == 12
    assert len(body["nodes"]) == 4 + 13


def test_the_map_filters_by_sector_and_region(as_user: Any) -> None:
    auditor = as_user("auditor")
    finance = auditor.get("/api/v1/coordination/map?sector=jasa keuangan").json()
    assert {e["body"] for e in finance["edges"]} == {"satgas-waspada-investasi"}
    assert auditor.get("/api/v1/coordination/map?region=32").json()["edges"] == []
    member = as_user("pu.desa").get("/api/v1/coordination/map").json()
    assert {e["body"] for e in member["edges"]} == {"forum-pembangunan-desa"}


# --- Readiness --------------------------------------------------------------------------------


def test_an_agency_assesses_its_readiness_and_sees_its_gaps(as_user: Any) -> None:
    client = as_user("bappenas.desa")
    questions = client.get("/api/v1/coordination/readiness/questionnaire").json()["questions"]
    assert len(questions) == 21
    answers = {q["code"]: 4 for q in questions} | {"ld1": 2, "ld2": 2, "ld3": 2}
    response = post(
        client, "/api/v1/coordination/readiness",
        {"agency": "bappenas", "answers": answers, "programme": "program-desa-terpadu"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["gaps"] == ["leadership"]
    assert response.json()["scores"]["leadership"] == "25.0"
    other = post(
        client, "/api/v1/coordination/readiness", {"agency": "kemen-pu", "answers": answers}
    )
    assert other.json()["code"] == "assessment_for_another_agency"
