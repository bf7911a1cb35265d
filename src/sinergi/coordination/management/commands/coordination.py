"""``sinergi coordination escalate [--now ISO]``: remind and escalate overdue action items
once (the worker runs the same job every 15 minutes); ``--now`` runs it as of a later moment."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sinergi.coordination.actions import escalate_overdue


class Command(BaseCommand):
    help = "Coordination: remind and escalate overdue action items."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        escalate = sub.add_parser("escalate", help="Apply reminders and escalations now.")
        escalate.add_argument("--now", help="As of this ISO 8601 moment (with its offset).")

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options.get("now"):
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now wants an ISO 8601 moment: {exc}") from None
            if now.tzinfo is None:
                raise CommandError("--now needs its UTC offset, e.g. 2026-12-20T09:00:00+07:00")
        count = escalate_overdue(now)
        self.stdout.write(f"action items escalated: {count}")
