"""``sinergi ikm compute FILE.csv``: each element's NRR, the IKM value and its grade.

The CSV has one row per respondent and columns U1..U9 with values 1-4 (other columns are
ignored; a blank cell is an unanswered element).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from sinergi.rules import RuleError
from sinergi.voice import ikm


class Command(BaseCommand):
    help = "IKM (PermenPANRB 14/2017) computations."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        compute = sub.add_parser("compute", help="NRR per element, IKM and grade of a CSV file.")
        compute.add_argument("file", type=Path)
        compute.add_argument(
            "--weighting",
            choices=[w.value for w in ikm.Weighting],
            default=ikm.Weighting.EXACT.value,
            help="exact: weight 1/9 (default); printed: the guideline's 0.111",
        )
        compute.add_argument(
            "--population",
            type=int,
            default=None,
            help="service users in the period: checks the sample size",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        try:
            rows = ikm.parse_csv(text.splitlines(keepends=True))
            result = ikm.compute(rows, weighting=ikm.Weighting(options["weighting"]))
        except RuleError as exc:
            raise CommandError("; ".join(v.translated(gettext) for v in exc.violations)) from exc
        out = self.stdout
        out.write(f"respondents: {result.respondents}")
        for e in result.elements:
            out.write(
                f"{e.element.code}  NRR {e.nrr_rounded}  ({e.converted} on 25-100)  "
                f"{gettext(e.element.name)}"
            )
        weight = "1/9" if result.weighting is ikm.Weighting.EXACT else "0.111"
        out.write(f"NRR tertimbang: {ikm.round_half_up(result.weighted_nrr, 4)} (weight {weight})")
        out.write(f"IKM: {result.ikm}")
        out.write(f"grade: {result.grade.letter} ({gettext(result.grade.label)})")
        out.write(f"lowest element: {result.lowest.element.code} ({result.lowest.nrr_rounded})")
        population = options["population"]
        if population is not None:
            needed = ikm.krejcie_morgan_sample(population)
            if result.respondents < needed:
                self.stderr.write(
                    f"warning: {result.respondents} respondents, fewer than the {needed} the "
                    f"Krejcie-Morgan table asks for a population of {population}"
                )
            else:
                out.write(f"sample: {result.respondents} >= {needed} (Krejcie-Morgan)")
