"""The lead's other changes through the API: members through lineage, partners, secondments,
capacity building and moves along the continuum; each bad input changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from sinergi.audit.models import AuditEntry
from sinergi.coordination.models import (
    CapacityActivity,
    Membership,
    Partner,
    RelationChange,
    Secondment,
)

pytestmark = pytest.mark.django_db

FORUM = "/api/v1/coordination/bodies/forum-pembangunan-desa"


def post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (Membership, Partner, Secondment, CapacityActivity, RelationChange, AuditEntry)
    )


def test_the_lead_moves_the_forum_closer_and_the_history_keeps_the_reason(as_user: Any) -> None:
    response = post(
        as_user("koordinator.pmk"), f"{FORUM}/relation",
        {"relation_type": "strategic_alliance", "reason": "Joint budget for 2027",
         "on": "2027-01-04"},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["relation"] == {
        "type": "strategic_alliance",
        "category": "close_involvement",
        "definition": body["relation"]["definition"],
    }
    last = [h for h in body["relation_history"] if not h["programme"]][-1]
    assert (last["from_type"], last["to_type"], last["reason"]) == (
        "joint_working", "strategic_alliance", "Joint budget for 2027",
    )  # fmt: skip


def test_a_move_to_the_same_type_or_without_reason_changes_nothing(as_user: Any) -> None:
    before = counts()
    response = post(
        as_user("koordinator.pmk"), f"{FORUM}/relation",
        {"relation_type": "joint_working", "reason": " ", "on": "2027-01-04"},
    )  # fmt: skip
    assert response.status_code == 422
    assert [e["rule"] for e in response.json()["errors"]] == [
        "relation_unchanged", "reason_required",
    ]  # fmt: skip
    assert counts() == before


def test_a_programme_moves_on_its_own(as_user: Any) -> None:
    response = post(
        as_user("koordinator.pmk"), f"{FORUM}/relation",
        {"relation_type": "joint_venture", "reason": "Shared PMU", "on": "2027-01-04",
         "programme": "program-desa-terpadu"},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["relation"]["type"] == "joint_working"  # the body did not move
    programme = as_user("pu.desa").get("/api/v1/coordination/programmes/program-desa-terpadu")
    assert programme.json()["relation"]["type"] == "joint_venture"


def test_a_member_joins_and_a_second_current_membership_is_refused(as_user: Any) -> None:
    lead = as_user("koordinator.pmk")
    observer = {"agency": "kemendagri", "role": "observer", "joined_on": "2026-06-01"}
    joined = post(lead, f"{FORUM}/members", observer)
    assert joined.status_code == 201, joined.content
    members = {m["agency"]: m for m in joined.json()["members"]}
    assert members["kemendagri"]["role"] == "observer"
    assert "kemendagri" not in joined.json()["voting_members"]  # observers do not vote
    before = counts()
    again = post(lead, f"{FORUM}/members",
                 {"agency": "kemendagri", "role": "member", "joined_on": "2026-07-01"})  # fmt: skip
    assert again.json()["code"] == "already_a_member"
    assert counts() == before


def test_only_the_lead_changes_the_body(as_user: Any) -> None:
    before = counts()
    member = as_user("bappenas.desa")
    joining = {"agency": "kemendagri", "role": "member", "joined_on": "2026-06-01"}
    assert post(member, f"{FORUM}/members", joining).status_code == 403
    moving = {"relation_type": "merger", "reason": "x", "on": "2027-01-01"}
    assert post(member, f"{FORUM}/relation", moving).status_code == 403
    assert counts() == before


def test_partners_secondments_and_activities(as_user: Any) -> None:
    lead = as_user("koordinator.pmk")
    partner = post(lead, f"{FORUM}/partners", {
        "name": "Universitas Gadjah Mada", "kind": "university", "contact_name": "Dr. Sari",
        "joined_on": "2026-03-01",
    })  # fmt: skip
    assert partner.status_code == 201, partner.content
    assert partner.json()["partners"][0]["kind"] == "university"
    seconded = post(lead, f"{FORUM}/secondments", {
        "official": "bappenas.desa", "agency": "bappenas", "function": "Sekretariat",
        "start_date": "2026-01-05", "end_date": "2026-12-31",
    })  # fmt: skip
    assert seconded.status_code == 201, seconded.content
    activity = post(lead, f"{FORUM}/activities", {
        "title": "Pelatihan perencanaan desa", "kind": "training", "held_on": "2026-05-12",
        "participants": {"bappenas": 4, "kemendes-pdt": 6},
    })  # fmt: skip
    assert activity.status_code == 201, activity.content
    assert activity.json()["capacity"]["participants_total"] == 10


def test_bad_partners_secondments_and_activities_change_nothing(as_user: Any) -> None:
    lead = as_user("koordinator.pmk")
    before = counts()
    nameless = {"name": "PT Contoh", "kind": "business", "contact_name": "",
                "joined_on": "2026-03-01"}  # fmt: skip
    no_contact = post(lead, f"{FORUM}/partners", nameless)
    assert no_contact.json()["code"] == "partner_needs_contact"
    wrong_agency = post(lead, f"{FORUM}/secondments", {
        "official": "bappenas.desa", "agency": "kemen-pu", "function": "Sekretariat",
        "start_date": "2026-01-05", "end_date": "2026-12-31",
    })  # fmt: skip
    assert wrong_agency.json()["code"] == "official_not_of_agency"
    outside = post(lead, f"{FORUM}/activities", {
        "title": "Pelatihan", "kind": "training", "held_on": "2026-05-12",
        "participants": {"ojk": 3},
    })  # fmt: skip
    assert outside.json()["code"] == "agency_outside_body"
    assert counts() == before
