"""``sinergi calendar add-working-days 2026-08-14 1`` prints ``2026-08-18``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sinergi.cases.calendar import add_working_days_command
from sinergi.cases.calendar_service import platform_calendar
from sinergi.rules import RuleError


class Command(BaseCommand):
    help = "Working-day arithmetic on the platform calendar."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-working-days", help="DATE plus N working days.")
        add.add_argument("date")
        add.add_argument("days")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = add_working_days_command(
                options["date"], options["days"], calendar=platform_calendar()
            )
        except RuleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result)
