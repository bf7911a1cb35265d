"""The `sinergi tokens` command issues a token once and revokes it by prefix."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from sinergi.accounts.models import ApiToken, User
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


def test_last_use_is_written_at_most_once_a_minute(client: Client) -> None:
    """A read through a token does not write on every request, but its last use is kept."""
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = StringIO()
    call_command("tokens", "issue", "jasaraharja", "--name", "sistem-kasir", stdout=out)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(name="sistem-kasir")
    assert token.last_used_at is None
    assert ApiToken.authenticate(raw) is not None
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        assert ApiToken.authenticate(raw) is not None
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    assert ApiToken.authenticate(raw) is not None
    touched = ApiToken.objects.get(pk=token.pk).last_used_at
    assert touched is not None
    assert touched >= first


def test_a_prefix_never_reads_as_a_command_line_option() -> None:
    """One token in 64 would start with "-", which `tokens revoke PREFIX` takes for an option."""
    user = User.objects.get(username="jasaraharja")
    prefixes = [ApiToken.issue(user=user, name="p")[0].prefix for _ in range(400)]
    assert not [p for p in prefixes if p.startswith("-")]
