"""The `sinergi tokens` command issues a token once and revokes it by prefix."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from sinergi.accounts.models import ApiToken
from sinergi.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_issue_then_revoke(client: Client) -> None:
    out = StringIO()
    call_command("tokens", "issue", "jasaraharja", "--name", "sistem-cabang", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("sng_")
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/officials/jasaraharja", headers=headers).status_code == 200
    token = ApiToken.objects.get(name="sistem-cabang")
    assert AuditEntry.objects.filter(
        action="accounts.token.issue", object_id=str(token.pk)
    ).exists()
    call_command("tokens", "revoke", token.prefix, stdout=StringIO())
    assert client.get("/api/v1/officials/jasaraharja", headers=headers).status_code == 401


def test_unknown_user_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="No active user 'nobody'"):
        call_command("tokens", "issue", "nobody", "--name", "x")
    assert not ApiToken.objects.filter(name="x").exists()
