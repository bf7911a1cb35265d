"""``sinergi demo load`` builds the demo; ``sinergi demo decisions`` runs siti's demo
applications to signed decisions; ``sinergi demo logins`` prints who can sign in;
``sinergi demo generate --cases N`` adds N generated cases for scale tests."""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sinergi.demo.load import load_demo
from sinergi.demo.manifest import logins_table
from sinergi.rules import RuleError


def _positive(text: str) -> int:
    """A whole number of 1 or more (argparse turns the refusal into a usage error)."""
    try:
        value = int(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _moment(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not an ISO 8601 date and time") from None
    if value.tzinfo is None:
        raise ArgumentTypeError("give the time zone, e.g. 2026-12-01T10:00:00+07:00")
    return value


class Command(BaseCommand):
    help = "Demo data: `load` (idempotent), `logins`, `decisions` or `generate`."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load the demo data (safe to run again).")
        load.add_argument("--no-progress", action="store_true")
        sub.add_parser("logins", help="Print the demo logins.")
        sub.add_parser("decisions", help="Run the demo applications to signed decisions.")
        generate = sub.add_parser(
            "generate", help="Add generated cases (after `demo load`), for scale tests."
        )
        generate.add_argument("--cases", type=_positive, required=True, help="How many.")
        generate.add_argument("--seed", type=int, default=0, help="Same seed, same data.")
        generate.add_argument(
            "--batch", type=_positive, default=5000, help="Cases per transaction (default 5000)."
        )
        generate.add_argument(
            "--now", type=_moment, default=None, help="When the data ends (ISO 8601; default now)."
        )
        generate.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            self._generate(options)
            return
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

    def _generate(self, options: dict[str, Any]) -> None:
        from tqdm import tqdm

        from sinergi.demo.generate import GenerateError, generate

        total = options["cases"]
        with tqdm(total=total, unit="case", disable=options["no_progress"]) as bar:
            try:
                summary = generate(
                    total,
                    seed=options["seed"],
                    batch=options["batch"],
                    now=options["now"],
                    progress=bar.update,
                )
            except GenerateError as exc:
                raise CommandError(str(exc)) from exc
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(summary.by_status.items()))
        self.stdout.write(
            f"{summary.cases} cases ({statuses}), {summary.citizens} new citizens, "
            f"{summary.steps} steps, {summary.events} events, {summary.audit_entries} audit "
            f"entries from {summary.templates} templates in {summary.seconds:.1f} s: "
            f"{summary.rate:.0f} cases/s. Tracking PIN of the generated cases: {summary.pin}"
        )
