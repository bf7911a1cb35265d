"""Recording, refusing and revoking authority grants through the API (UU 30/2014)."""

from __future__ import annotations

from typing import Any

import pytest

from sinergi.audit.models import AuditEntry
from sinergi.registry.models import AuthorityGrant

pytestmark = pytest.mark.django_db


def grant_id(holder: str, kind: str) -> int:
    return AuthorityGrant.objects.get(holder__code=holder, kind=kind).pk


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def mandate_from_kepala_dpmptsp(**overrides: Any) -> dict[str, Any]:
    body = {
        "kind": "mandat",
        "source": grant_id("kepala-dpmptsp-bandung", "delegasi"),
        "grantor": "kepala-dpmptsp-bandung",
        "holder": "kabid-perizinan-dpmptsp-bandung",
        "services": ["pbg"],
        "decisions": ["verifikasi"],
        "regulation": "Keputusan Kepala DPMPTSP Kota Bandung tentang Mandat PBG",
        "article": "Diktum KESATU",
        "valid_from": "2026-01-02T00:00:00+07:00",
    }
    return body | overrides


def assert_refused(response: Any, field: str, rule: str) -> None:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert {"field": field, "rule": rule} in [
        {"field": e["field"], "rule": e["rule"]} for e in errors
    ]


class Unchanged:
    """Counts grants and audit entries before and after: a refusal writes nothing."""

    def __enter__(self) -> Unchanged:
        self.before = (AuthorityGrant.objects.count(), AuditEntry.objects.count())
        return self

    def __exit__(self, *exc: object) -> None:
        assert (AuthorityGrant.objects.count(), AuditEntry.objects.count()) == self.before


def test_the_delegatee_mandates_a_subordinate_and_it_is_audited(as_user: Any) -> None:
    kepala = as_user("kepala.dpmptsp.bdg")
    entries = AuditEntry.objects.count()
    response = post(kepala, "/api/v1/grants", mandate_from_kepala_dpmptsp())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "mandat"
    assert body["holder"]["code"] == "kabid-perizinan-dpmptsp-bandung"
    assert body["published"] is False
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == entries + 1
    assert entry is not None
    assert (entry.action, entry.object_id, entry.actor_username) == (
        "registry.grant.create",
        str(body["id"]),
        "kepala.dpmptsp.bdg",
    )


def test_a_mandate_may_not_cover_strategic_decisions(as_user: Any) -> None:
    """UU 30/2014 Pasal 14 ayat (7): no organisation, staffing or budget decisions."""
    kepala = as_user("kepala.dpmptsp.bdg")
    with Unchanged():
        response = post(
            kepala, "/api/v1/grants", mandate_from_kepala_dpmptsp(decisions=["kepegawaian"])
        )
    assert_refused(response, "decisions", "mandate_strategic")
    articles = {e["rule"]: e["article"] for e in response.json()["errors"]}
    assert "Pasal 14 ayat (7)" in articles["mandate_strategic"]


def test_a_delegatee_may_not_delegate_onward_without_permission(as_user: Any) -> None:
    """UU 30/2014 Pasal 13 ayat (3) dan (4)."""
    with Unchanged():
        response = post(
            as_user("kepala.dpmptsp.bdg"),
            "/api/v1/grants",
            mandate_from_kepala_dpmptsp(kind="delegasi", regulation="Perwal (ilustratif)"),
        )
    assert_refused(response, "kind", "onward_delegation")


def test_a_derived_grant_cannot_exceed_its_source(as_user: Any) -> None:
    with Unchanged():
        response = post(
            as_user("kepala.dpmptsp.bdg"),
            "/api/v1/grants",
            mandate_from_kepala_dpmptsp(services=["pbg", "pkb"]),
        )
    assert_refused(response, "services", "scope_exceeds_source")


def test_a_grant_from_a_revoked_source_is_refused(as_user: Any) -> None:
    admin = as_user("admin")
    source = grant_id("kepala-dpmptsp-bandung", "delegasi")
    revoked = post(admin, f"/api/v1/grants/{source}/revoke", {"reason": "Perwal dicabut"})
    assert revoked.status_code == 200
    with Unchanged():
        response = post(admin, "/api/v1/grants", mandate_from_kepala_dpmptsp())
    assert_refused(response, "source_grant", "source_invalid")


def test_an_empty_period_is_refused_by_field(as_user: Any) -> None:
    with Unchanged():
        response = post(
            as_user("kepala.dpmptsp.bdg"),
            "/api/v1/grants",
            mandate_from_kepala_dpmptsp(valid_to="2026-01-01T00:00:00+07:00"),
        )
    assert_refused(response, "valid_to", "empty_period")


def test_an_attribution_must_rest_on_a_law(as_user: Any) -> None:
    """UU 30/2014 Pasal 12 ayat (1): atribusi comes from the UUD 1945 or a UU."""
    body = {
        "kind": "atribusi",
        "holder": "walikota-bandung",
        "services": ["reklame"],
        "decisions": ["terbit"],
        "regulation": "Peraturan Wali Kota Bandung tentang Reklame",
        "valid_from": "2026-01-02T00:00:00+07:00",
    }
    with Unchanged():
        response = post(as_user("admin"), "/api/v1/grants", body)
    assert_refused(response, "legal_basis", "atribusi_basis_not_law")


def test_an_official_may_only_pass_on_authority_of_a_position_they_hold(as_user: Any) -> None:
    with Unchanged():
        response = post(
            as_user("outsider.kemenag"), "/api/v1/grants", mandate_from_kepala_dpmptsp()
        )
    # The outsider cannot even see the source... but the source is published, so the refusal
    # is about the grantor position: 403 with a message.
    assert response.status_code == 403
    assert response.json()["detail"]


def test_unknown_positions_and_kinds_are_named(as_user: Any) -> None:
    admin = as_user("admin")
    with Unchanged():
        unknown = post(admin, "/api/v1/grants", mandate_from_kepala_dpmptsp(holder="tidak-ada"))
        kind = post(admin, "/api/v1/grants", mandate_from_kepala_dpmptsp(kind="perintah"))
        missing = post(admin, "/api/v1/grants", {"kind": "mandat"})
    assert_refused(unknown, "holder", "unknown_position")
    assert_refused(kind, "kind", "unknown_kind")
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} >= {"holder", "services", "regulation"}


def test_revocation_needs_a_reason_and_happens_once(as_user: Any) -> None:
    admin = as_user("admin")
    target = grant_id("kabid-perizinan-dpmptsp-bandung", "mandat")
    with Unchanged():
        assert_refused(
            post(admin, f"/api/v1/grants/{target}/revoke", {"reason": "  "}),
            "reason",
            "reason_required",
        )
    assert post(admin, f"/api/v1/grants/{target}/revoke", {"reason": "Mutasi"}).status_code == 200
    with Unchanged():
        assert_refused(
            post(admin, f"/api/v1/grants/{target}/revoke", {"reason": "lagi"}),
            "revoked_at",
            "already_revoked",
        )


def test_the_mandator_revokes_and_authority_is_gone(as_user: Any) -> None:
    kepala = as_user("kepala.dpmptsp.bdg")
    created = post(
        kepala, "/api/v1/grants", mandate_from_kepala_dpmptsp(valid_from="2025-01-02T00:00:00Z")
    ).json()
    assert (
        post(kepala, f"/api/v1/grants/{created['id']}/revoke", {"reason": "Mutasi"}).json()[
            "revoked_reason"
        ]
        == "Mutasi"
    )


def test_a_retried_request_with_the_same_idempotency_key_creates_one_grant(as_user: Any) -> None:
    kepala = as_user("kepala.dpmptsp.bdg")
    headers = {"Idempotency-Key": "grant-2026-0001"}
    body = mandate_from_kepala_dpmptsp()
    first = kepala.post("/api/v1/grants", body, content_type="application/json", headers=headers)
    count = AuthorityGrant.objects.count()
    second = kepala.post("/api/v1/grants", body, content_type="application/json", headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert AuthorityGrant.objects.count() == count
    with Unchanged():
        other = kepala.post(
            "/api/v1/grants",
            mandate_from_kepala_dpmptsp(article="lain"),
            content_type="application/json",
            headers=headers,
        )
    assert_refused(other, "Idempotency-Key", "idempotency_key_reused")
