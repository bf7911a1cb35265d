"""Changes to accounts: issuing and revoking API tokens (audited)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sinergi.accounts.models import ApiToken, User
from sinergi.audit.log import record


def issue_api_token(
    *, acting_user: User | None, user: User, name: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new bearer token for ``user``; the raw token is returned once and never stored."""
    with transaction.atomic():
        token, raw = ApiToken.issue(user=user, name=name)
        if days is not None:
            token.expires_at = timezone.now() + timedelta(days=days)
            token.save(update_fields=["expires_at"])
        record(
            actor=acting_user,
            action="accounts.token.issue",
            obj=token,
            data={"user": user.username, "name": name, "prefix": token.prefix},
        )
    return token, raw


def revoke_api_token(*, acting_user: User | None, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            record(actor=acting_user, action="accounts.token.revoke", obj=locked)
    return locked
