"""Shared outcome indicators: joint progress computed from each agency's own contributions.

An indicator has a baseline, a target, a unit and periods. Each contributing agency reports
its own value per period; how the contributions count is the indicator's method:

- ``sum``: the agencies' contributions add up (kilometres of village roads built by PU plus
  those built with village funds), each multiplied by its weight (1 unless said otherwise);
- ``weighted_average``: the joint value is the weighted mean of the contributions (a rate
  measured by several agencies over their own areas);
- ``minimum``: the joint value is the weakest contribution (every agency must get there).

A cumulative indicator adds each period's joint value to the running total from the baseline;
a non-cumulative one reads each period on its own. Progress is the share of the way from the
baseline to the target, in percent (it may pass 100 or fall below 0). Pure Python: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sinergi.rules import RuleError, Violation, gettext_noop

__all__ = ["Method", "Point", "Report", "check_report", "progress", "series"]


class Method(StrEnum):
    SUM = "sum"
    WEIGHTED_AVERAGE = "weighted_average"
    MINIMUM = "minimum"


@dataclass(frozen=True)
class Report:
    agency: str
    period: str
    value: Decimal


@dataclass(frozen=True)
class Point:
    period: str
    value: Decimal
    progress: Decimal | None
    contributions: Mapping[str, Decimal]
    missing: tuple[str, ...]


def progress(baseline: Decimal, target: Decimal, value: Decimal) -> Decimal | None:
    """Percent of the way from baseline to target (None when the target is the baseline)."""
    if target == baseline:
        return None
    return ((value - baseline) * 100 / (target - baseline)).quantize(Decimal("0.1"))


def _joint(
    method: Method, values: Mapping[str, Decimal], weights: Mapping[str, Decimal]
) -> Decimal:
    if method is Method.SUM:
        return sum((v * weights.get(a, Decimal(1)) for a, v in values.items()), Decimal(0))
    if method is Method.WEIGHTED_AVERAGE:
        total = sum((weights.get(a, Decimal(1)) for a in values), Decimal(0))
        if total == 0:
            return Decimal(0)
        weighted = sum((v * weights.get(a, Decimal(1)) for a, v in values.items()), Decimal(0))
        return weighted / total
    return min(values.values())


def series(
    *,
    method: Method,
    cumulative: bool,
    baseline: Decimal,
    target: Decimal,
    weights: Mapping[str, Decimal],
    periods: Iterable[str],
    reports: Iterable[Report],
) -> list[Point]:
    """One point per period that has at least one report, in the order of ``periods``.

    Reports of agencies that are not contributors (not in ``weights``) are ignored.
    """
    by_period: dict[str, dict[str, Decimal]] = {}
    for report in reports:
        if report.agency in weights:
            by_period.setdefault(report.period, {})[report.agency] = report.value
    points: list[Point] = []
    running = baseline
    for period in periods:
        values = by_period.get(period)
        if not values:
            continue
        joint = _joint(method, values, weights)
        value = running + joint if cumulative else joint
        if cumulative:
            running = value
        value = value.quantize(Decimal("0.01"))
        points.append(
            Point(
                period=period,
                value=value,
                progress=progress(baseline, target, value),
                contributions=dict(sorted(values.items())),
                missing=tuple(sorted(set(weights) - set(values))),
            )
        )
    return points


def check_report(
    *,
    agency: str,
    caller_agencies: Iterable[str],
    contributors: Iterable[str],
    period: str,
    periods: Iterable[str],
    value: Decimal,
) -> None:
    """An agency reports only for itself, only as a contributor, only for a known period."""
    violations: list[Violation] = []
    if agency not in set(caller_agencies):
        violations.append(
            Violation(
                field="agency",
                rule="report_for_another_agency",
                template=gettext_noop(
                    "You report for your own agency only; {agency} reports its own contributions."
                ),
                params={"agency": agency},
            )
        )
    elif agency not in set(contributors):
        violations.append(
            Violation(
                field="agency",
                rule="not_a_contributor",
                template=gettext_noop("{agency} does not contribute to this indicator."),
                params={"agency": agency},
            )
        )
    if period not in set(periods):
        violations.append(
            Violation(
                field="period",
                rule="unknown_period",
                template=gettext_noop("{period} is not a period of this indicator."),
                params={"period": period},
            )
        )
    if not value.is_finite():
        violations.append(
            Violation(
                field="value",
                rule="value_not_a_number",
                template=gettext_noop("The value must be a number."),
            )
        )
    if violations:
        raise RuleError(*violations)


def yearly_periods(first: int, last: int) -> list[str]:
    return [str(year) for year in range(first, last + 1)]
