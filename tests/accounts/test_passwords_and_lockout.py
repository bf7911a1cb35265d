"""Passwords are hashed with Argon2id at OWASP's parameters; repeated failures lock out."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from sinergi.accounts.models import User

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = str(settings.SINERGI["DEMO_PASSWORD"])


def test_passwords_are_argon2id_with_owasp_parameters() -> None:
    encoded = User.objects.get(username="siti").password
    algorithm, variant, _version, params, *_ = encoded.split("$")
    assert (algorithm, variant) == ("argon2", "argon2id")
    assert params == "m=19456,t=2,p=1"


def test_the_demo_password_signs_in(client: Client) -> None:
    response = client.post("/admin/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="admin").pk)


def test_five_failed_logins_lock_the_account_for_that_address(client: Client) -> None:
    statuses = [
        client.post(
            "/admin/login/",
            {"username": "admin", "password": "salah-sandi"},
            REMOTE_ADDR="10.1.1.1",
        ).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = client.post(
        "/admin/login/", {"username": "admin", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    other = Client()
    elsewhere = other.post(
        "/admin/login/", {"username": "admin", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.2.2.2"
    )
    assert elsewhere.status_code == 302


def test_a_revoked_token_no_longer_authenticates(client: Client) -> None:
    from django.utils import timezone

    from sinergi.accounts.models import ApiToken

    token, raw = ApiToken.issue(user=User.objects.get(username="polda.metro"), name="ci")
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/officials/polda.metro", headers=headers).status_code == 200
    assert raw not in token.digest
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert client.get("/api/v1/officials/polda.metro", headers=headers).status_code == 401
