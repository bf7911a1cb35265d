"""``sinergi tokens issue USER --name NAME`` / ``sinergi tokens revoke PREFIX``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sinergi.accounts.actions import issue_api_token, revoke_api_token
from sinergi.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "API bearer tokens for agency systems and scripts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="Issue a token; it is printed once.")
        issue.add_argument("username")
        issue.add_argument("--name", required=True, help="What the token is for.")
        issue.add_argument("--days", type=int, default=None, help="Expire after N days.")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "issue":
            user = User.objects.filter(username=options["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {options['username']!r}.")
            if options["days"] is not None and options["days"] < 1:
                raise CommandError("--days must be at least 1.")
            _, raw = issue_api_token(
                acting_user=None, user=user, name=options["name"], days=options["days"]
            )
            self.stdout.write(raw)
            return
        tokens = list(ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True))
        if len(tokens) != 1:
            raise CommandError(f"No single active token with prefix {options['prefix']!r}.")
        revoke_api_token(acting_user=None, token=tokens[0])
        self.stdout.write(f"Revoked {tokens[0]}.")
