"""``sinergi cases sweep [--now ISO]``: apply due time-outs once (the worker runs it every
minute; ``--now`` moves the clock, for drills and tests)."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sinergi.cases.sweeper import sweep


class Command(BaseCommand):
    help = "Case engine operations: `sweep` applies due SLA time-outs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("sweep", help="Apply due time-outs (remind, escalate, deem granted).")
        run.add_argument("--now", help="ISO date-time with offset to sweep as of.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options.get("now"):
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now: {exc}") from exc
            if now.tzinfo is None:
                raise CommandError("--now needs a UTC offset, e.g. 2026-12-01T09:00:00+07:00")
        result = sweep(now)
        self.stdout.write(f"applied {result.applied}, skipped {result.skipped}")
