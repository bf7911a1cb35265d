"""``sinergi registry load``: load the bundled regions and agencies (idempotent)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sinergi.registry.loaders import load_agencies, load_regions
from sinergi.rules import RuleError


class Command(BaseCommand):
    help = "Registry reference data: `load` regions and agencies."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load regions (current and historical) and agencies.")
        load.add_argument("--force", action="store_true", help="Reload even if unchanged.")
        load.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            regions = load_regions(progress=not options["no_progress"], force=options["force"])
            agencies = load_agencies(force=options["force"])
        except RuleError as exc:
            raise CommandError(str(exc)) from exc
        for result in (regions, agencies):
            state = "unchanged" if result.skipped else "loaded"
            self.stdout.write(f"{result.name}: {result.rows} rows {state}")
