"""An agency sees only what it is party to; to an outsider the rest does not exist (404)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sinergi.registry.models import AuthorityGrant

pytestmark = pytest.mark.django_db

UNPUBLISHED_MANDATE = {"holder__code": "kepala-upppd-samsat-jakpus", "kind": "mandat"}


def unpublished_grant_id() -> int:
    grant = AuthorityGrant.objects.get(**UNPUBLISHED_MANDATE)
    assert grant.published_at is None
    return grant.pk


def test_outsider_gets_404_for_another_agencys_official(as_user: Any) -> None:
    outsider = as_user("outsider.kemenag")
    for username in ["polda.metro", "bapenda.dki", "kepala.dpmptsp.bdg", "nobody-at-all"]:
        response = outsider.get(f"/api/v1/officials/{username}")
        assert response.status_code == 404, username
        assert response.json()["detail"] in {"Not found.", "Tidak ditemukan."}


def test_missing_and_forbidden_look_the_same(as_user: Any) -> None:
    outsider = as_user("outsider.kemenag")
    forbidden = outsider.get("/api/v1/officials/polda.metro")
    missing = outsider.get("/api/v1/officials/nobody-at-all")
    strip = ("instance", "request_id")
    assert {k: v for k, v in forbidden.json().items() if k not in strip} == {
        k: v for k, v in missing.json().items() if k not in strip
    }


def test_outsider_list_of_officials_holds_only_its_own_agency(as_user: Any) -> None:
    body = as_user("outsider.kemenag").get("/api/v1/officials").json()
    assert [o["username"] for o in body["items"]] == ["outsider.kemenag"]


def test_outsider_gets_404_for_an_unpublished_grant_of_another_agency(as_user: Any) -> None:
    grant_id = unpublished_grant_id()
    outsider = as_user("outsider.kemenag")
    assert outsider.get(f"/api/v1/grants/{grant_id}").status_code == 404
    listed = [g["id"] for g in outsider.get("/api/v1/grants?limit=500").json()["items"]]
    assert grant_id not in listed
    assert len(listed) == AuthorityGrant.objects.filter(published_at__isnull=False).count()


def test_outsider_cannot_revoke_or_publish_what_it_cannot_see(as_user: Any) -> None:
    grant_id = unpublished_grant_id()
    outsider = as_user("outsider.kemenag")
    revoke = outsider.post(
        f"/api/v1/grants/{grant_id}/revoke", {"reason": "x"}, content_type="application/json"
    )
    assert revoke.status_code == 404
    assert outsider.post(f"/api/v1/grants/{grant_id}/publish").status_code == 404
    assert AuthorityGrant.objects.get(pk=grant_id).revoked_at is None


def test_anonymous_sees_published_grants_only(client: Client) -> None:
    assert client.get(f"/api/v1/grants/{unpublished_grant_id()}").status_code == 404
    assert client.get("/api/v1/officials").status_code == 401


def test_the_holders_agency_sees_its_unpublished_grant(as_user: Any) -> None:
    grant_id = unpublished_grant_id()
    body = as_user("bapenda.dki").get(f"/api/v1/grants/{grant_id}").json()
    assert body["id"] == grant_id
    assert body["published"] is False
    assert body["grantor"]["code"] == "kepala-bapenda-dki"


def test_officials_of_the_same_agency_see_each_other(as_user: Any) -> None:
    response = as_user("polda.metro").get("/api/v1/officials/polda.metro")
    assert response.status_code == 200
    assert response.json()["appointments"][0]["position"]["agency"] == "polda-metro-jaya"


def test_the_auditor_sees_everything(as_user: Any) -> None:
    auditor = as_user("auditor")
    assert auditor.get("/api/v1/officials/polda.metro").status_code == 200
    assert auditor.get(f"/api/v1/grants/{unpublished_grant_id()}").status_code == 200


def test_bearer_tokens_are_scoped_like_their_official(client: Client, bearer: Any) -> None:
    headers = bearer("outsider.kemenag")
    assert client.get("/api/v1/officials/polda.metro", headers=headers).status_code == 404
    own = client.get("/api/v1/officials/outsider.kemenag", headers=headers)
    assert own.status_code == 200
    bad = client.get("/api/v1/officials/outsider.kemenag", headers={"Authorization": "Bearer x"})
    assert bad.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/registry/authoritygrant/",
        "/admin/accounts/user/",
        "/admin/registry/agency/add/",
        "/admin/login/",
    ],
)
def test_outsider_gets_404_from_the_admin(as_user: Any, path: str) -> None:
    assert as_user("outsider.kemenag").get(path).status_code == 404


def test_admin_grant_page_is_404_for_officials_of_the_holder_agency_too(as_user: Any) -> None:
    grant_id = unpublished_grant_id()
    page = f"/admin/registry/authoritygrant/{grant_id}/change/"
    assert as_user("bapenda.dki").get(page).status_code == 404
    assert as_user("admin").get(page).status_code == 200


def test_works_in_answers_for_the_officials_own_agency_only_while_appointed() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from sinergi.accounts.models import User
    from sinergi.registry.access import works_in
    from sinergi.registry.models import Appointment

    polda = User.objects.get(username="polda.metro")
    assert works_in(polda, "polda-metro-jaya")
    assert not works_in(polda, "bapenda-dki")
    assert not works_in(polda, "no-such-agency")
    assert not works_in(User.objects.get(username="siti"), "polda-metro-jaya")
    Appointment.objects.filter(user=polda).update(valid_to=timezone.now() - timedelta(days=1))
    assert not works_in(polda, "polda-metro-jaya")
    User.objects.filter(pk=polda.pk).update(is_active=False)
    Appointment.objects.filter(user=polda).update(valid_to=None)
    assert not works_in(User.objects.get(pk=polda.pk), "polda-metro-jaya")
