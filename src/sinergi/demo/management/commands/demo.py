"""``sinergi demo load`` builds the demo; ``sinergi demo decisions`` runs siti's demo
applications to signed decisions; ``sinergi demo logins`` prints who can sign in."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sinergi.demo.load import load_demo
from sinergi.demo.manifest import logins_table
from sinergi.rules import RuleError


class Command(BaseCommand):
    help = "Demo data: `load` (idempotent) or `logins`."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load the demo data (safe to run again).")
        load.add_argument("--no-progress", action="store_true")
        sub.add_parser("logins", help="Print the demo logins.")
        sub.add_parser("decisions", help="Run the demo applications to signed decisions.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "decisions":
            from sinergi.demo.decisions import load_demo_decisions

            for decision in load_demo_decisions():
                self.stdout.write(f"{decision.number}  /verifikasi/{decision.pk}")
            return
        if options["action"] == "load":
            try:
                load_demo(progress=not options["no_progress"])
            except RuleError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(logins_table(str(settings.SINERGI["DEMO_PASSWORD"])))
