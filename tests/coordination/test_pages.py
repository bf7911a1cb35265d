"""The coordination pages: the demo bodies with members, relation type and indicators; the
vote and report forms refuse bad input on the form and change nothing; the map's table lists
the relations the picture draws; a non-member gets 404."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sinergi.coordination.models import Contribution, Proposal, Vote

pytestmark = pytest.mark.django_db

FORUM = "/coordination/bodies/forum-pembangunan-desa/"


def text(response: Any) -> str:
    return str(response.content.decode())


def svg_numbers(html: str) -> list[str]:
    """Every coordinate of the page's SVG shapes: plain numbers whatever the language (an
    Indonesian decimal comma would break the drawing)."""
    found = re.findall(r' (?:x|y|x1|y1|x2|y2|cx|cy)="([^"]*)"', html)
    found += [n for points in re.findall(r' points="([^"]*)"', html)
              for pair in points.split() for n in pair.split(",")]  # fmt: skip
    assert found
    return found


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def test_the_rural_forum_page_shows_members_relation_and_history(as_user: Any) -> None:
    page = as_user("bappenas.desa").get(FORUM)
    assert page.status_code == 200
    html = text(page)
    for agency in ("kemen-pu", "kemendes-pdt", "kemen-pupr", "kemendes-pdtt", "bappenas"):
        assert f"({agency})" in html
    assert 'id="relation-type"' in html
    assert "/coordination/programmes/program-desa-terpadu/" in html


def test_the_task_force_page_counts_its_capacity_building(as_user: Any) -> None:
    html = text(as_user("ojk.swi").get("/coordination/bodies/satgas-waspada-investasi/"))
    assert html.count('<th scope="row">') >= 13 + 2  # 13 members, 2 activities
    assert ">55 " in html or " 55 " in html


def test_the_programme_page_draws_each_indicator_with_its_table(as_user: Any) -> None:
    html = text(as_user("pu.desa").get("/coordination/programmes/program-desa-terpadu/"))
    assert html.count("<svg") >= 2
    assert html.count("<polyline") == 2
    assert "4740.00" in html  # the joint village roads figure of 2025, in the table
    assert 'action="/coordination/programmes/program-desa-terpadu/indicators/' in html
    assert all(NUMBER.fullmatch(n) for n in svg_numbers(html))
    assert not re.search(r'<td class="sg-table__cell--numeric">kem', html), "empty when missing"


def test_a_non_member_gets_404_on_every_page(as_user: Any) -> None:
    outsider = as_user("kepala.dpmptsp.bdg")
    proposal = Proposal.objects.filter(body__code="forum-pembangunan-desa").first()
    assert proposal is not None
    for url in (FORUM, "/coordination/programmes/program-desa-terpadu/",
                f"/coordination/proposals/{proposal.pk}/"):  # fmt: skip
        assert outsider.get(url).status_code == 404


def test_a_vote_through_the_page_then_a_second_one_is_refused_on_the_form(as_user: Any) -> None:
    lead = as_user("koordinator.pmk")
    opened = lead.post(f"{FORUM}proposals/", {"title": "Uji", "text": "Teks usulan"})
    assert opened.status_code == 302
    proposal_id = int(re.findall(r"\d+", opened["Location"])[0])
    voter = as_user("pu.desa")
    first = voter.post(f"/coordination/proposals/{proposal_id}/votes/", {"choice": "yes"})
    assert first.status_code == 302
    page = text(voter.get(f"/coordination/proposals/{proposal_id}/"))
    assert 'name="choice"' not in page  # the agency has voted: no form any more
    second = voter.post(f"/coordination/proposals/{proposal_id}/votes/", {"choice": "no"})
    assert second.status_code == 422
    assert "sg-error-summary" in text(second)
    assert list(Vote.objects.filter(proposal_id=proposal_id).values_list("choice", flat=True)) == [
        "yes"
    ]


def test_a_report_without_evidence_is_refused_on_the_form(as_user: Any) -> None:
    roads = Contribution.objects.filter(indicator__code="jalan-desa").first()
    assert roads is not None
    before = Contribution.objects.count()
    url = f"/coordination/programmes/program-desa-terpadu/indicators/{roads.indicator_id}/reports/"
    response = as_user("pu.desa").post(url, {"agency": "kemen-pu", "period": "2026", "value": "5"})
    assert response.status_code == 422
    assert "sg-error-summary" in text(response)
    assert Contribution.objects.count() == before


def test_the_map_table_lists_the_relations_the_picture_draws(as_user: Any) -> None:
    html = text(as_user("auditor").get("/coordination/map/"))
    lines = re.findall(r'<line [^>]*data-body="([^"]+)"', html)
    rows = re.findall(r'<tr data-body="([^"]+)"', html)
    assert lines == rows
    assert len(rows) == 3 + 12
    assert all(NUMBER.fullmatch(n) for n in svg_numbers(html))
    filtered = text(as_user("auditor").get("/coordination/map/?sector=jasa+keuangan"))
    assert re.findall(r'<tr data-body="([^"]+)"', filtered) == ["satgas-waspada-investasi"] * 12


def test_the_readiness_form_scores_and_draws_the_radar(as_user: Any) -> None:
    client = as_user("kemendes.pdt")
    form = client.get("/coordination/readiness/")
    assert form.status_code == 200
    answers = {code: "4" for code in re.findall(r'name="([a-z]{2}\d)"', text(form))}
    assert len(answers) == 21
    answers.update({"hc1": "1", "hc2": "2", "hc3": "1", "agency": "kemendes-pdt",
                    "programme": "program-desa-terpadu"})  # fmt: skip
    scored = client.post("/coordination/readiness/", answers, follow=True)
    html = text(scored)
    assert "<polygon" in html
    assert all(NUMBER.fullmatch(n) for n in svg_numbers(html))
    assert html.count("<li>") >= 1
    assert 'id="gaps"' in html
    assert 'id="assessed-programme"' in html
    incomplete = client.post("/coordination/readiness/", {"agency": "kemendes-pdt"})
    assert incomplete.status_code == 422


def test_the_lead_s_workspace_lists_the_escalations_addressed_to_it(as_user: Any) -> None:
    from datetime import timedelta

    from sinergi.coordination.actions import escalate_overdue
    from sinergi.coordination.models import ActionItem

    lead = as_user("koordinator.pmk")
    assigned = lead.post(
        f"{FORUM}action-items/",
        {"title": "Petakan jalan desa", "agency": "kemendes-pdt", "working_days": "5"},
    )
    assert assigned.status_code == 302
    item = ActionItem.objects.get(title="Petakan jalan desa")
    assert 'id="inbox"' not in text(lead.get("/coordination/"))
    escalate_overdue(item.due_at + timedelta(days=30))
    inbox = text(lead.get("/coordination/"))
    assert inbox.count(f'href="/coordination/action-items/{item.pk}/"') == 2  # lead, ministry
    assigned_agency = text(as_user("kemendes.pdt").get("/coordination/"))
    assert assigned_agency.count(f'href="/coordination/action-items/{item.pk}/"') == 1  # reminder
