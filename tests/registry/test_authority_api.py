"""Which authority an official would act under, resolved from the registry's grants."""

from __future__ import annotations

from typing import Any

import pytest

from sinergi.registry.models import AuthorityGrant

pytestmark = pytest.mark.django_db


def authority(client: Any, username: str, service: str, decision: str, at: str = "") -> Any:
    params = {"service": service, "decision": decision} | ({"at": at} if at else {})
    response = client.get(f"/api/v1/officials/{username}/authority", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_mandate_is_signed_on_behalf_of_the_mandator(as_user: Any) -> None:
    """UU 30/2014 Pasal 1 angka 24: the mandator stays accountable; the holder signs a.n."""
    body = authority(as_user("bapenda.dki"), "bapenda.dki", "pkb", "tetapkan")
    assert body["allowed"] is True
    assert body["kind"] == "mandat"
    assert body["accountable_position"] == "kepala-bapenda-dki"
    assert body["acting_position"] == "kepala-upppd-samsat-jakpus"
    assert body["signature"].startswith("a.n. Kepala Badan Pendapatan Daerah")
    assert body["legal_bases"][0]["regulation"].startswith("UU 1/2022 ")
    assert len(body["chain"]) == 3  # atribusi -> delegasi -> mandat


def test_a_delegation_makes_the_delegatee_accountable(as_user: Any) -> None:
    """UU 30/2014 Pasal 1 angka 23."""
    body = authority(as_user("kepala.dpmptsp.bdg"), "kepala.dpmptsp.bdg", "pbg", "terbit")
    assert body["kind"] == "delegasi"
    assert body["accountable_position"] == "kepala-dpmptsp-bandung"
    assert body["on_behalf_of"] is None


def test_a_mandate_is_refused_for_a_strategic_decision(as_user: Any) -> None:
    body = authority(as_user("bapenda.dki"), "bapenda.dki", "pkb", "anggaran")
    assert body["allowed"] is False
    assert body["rule"] in {"no_grant", "mandate_strategic"}


def test_revocation_ends_the_authority(as_user: Any) -> None:
    grant = AuthorityGrant.objects.get(holder__code="kepala-upppd-samsat-jakpus", kind="mandat")
    admin = as_user("admin")
    admin.post(
        f"/api/v1/grants/{grant.pk}/revoke", {"reason": "Mutasi"}, content_type="application/json"
    )
    body = authority(as_user("bapenda.dki"), "bapenda.dki", "pkb", "tetapkan")
    assert body == {
        "allowed": False,
        "kind": None,
        "chain": [],
        "acting_position": None,
        "accountable_position": None,
        "on_behalf_of": None,
        "signature": None,
        "legal_bases": [],
        "rule": "grant_revoked",
        "article": body["article"],
        "message": body["message"],
    }
    assert body["message"]


def test_before_the_mandate_began_there_is_no_authority(as_user: Any) -> None:
    body = authority(
        as_user("bapenda.dki"), "bapenda.dki", "pkb", "tetapkan", at="2024-06-01T00:00:00+07:00"
    )
    assert body["allowed"] is False
    assert body["rule"] in {"not_in_office", "grant_not_yet_valid"}


def test_outsider_cannot_ask_about_other_agencies_officials(as_user: Any) -> None:
    response = as_user("outsider.kemenag").get(
        "/api/v1/officials/bapenda.dki/authority", {"service": "pkb", "decision": "tetapkan"}
    )
    assert response.status_code == 404


def test_a_wildcard_question_is_refused(as_user: Any) -> None:
    response = as_user("bapenda.dki").get(
        "/api/v1/officials/bapenda.dki/authority", {"service": "*", "decision": "tetapkan"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["rule"] == "scope_wildcard"
