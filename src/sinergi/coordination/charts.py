"""Geometry for the server-rendered SVG charts (no JavaScript chart library): a line chart of
an indicator over its periods and a radar chart of readiness scores. Pure Python: no Django;
the templates draw what these return, next to a table with the same figures."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    label: str
    value: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: str
    marks: tuple[Mark, ...]
    target_y: float
    baseline_y: float
    ticks: tuple[Mark, ...]


def line_chart(
    periods: Sequence[str],
    values: dict[str, Decimal],
    *,
    baseline: Decimal,
    target: Decimal,
    width: int = 560,
    height: int = 240,
    pad: int = 40,
) -> LineChart:
    """Values per period on a shared scale from min(baseline, values, target) to the max."""
    numbers = [baseline, target, *values.values()]
    low, high = min(numbers), max(numbers)
    span = (high - low) or Decimal(1)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    step = inner_w / max(len(periods) - 1, 1)

    def y_of(v: Decimal) -> float:
        return round(pad + inner_h * float((high - v) / span), 1)

    marks = tuple(
        Mark(round(pad + i * step, 1), y_of(values[p]), p, str(values[p]))
        for i, p in enumerate(periods)
        if p in values
    )
    ticks = tuple(
        Mark(round(pad + i * step, 1), float(height - pad / 3), p, p) for i, p in enumerate(periods)
    )
    return LineChart(
        width=width,
        height=height,
        points=" ".join(f"{m.x},{m.y}" for m in marks),
        marks=marks,
        target_y=y_of(target),
        baseline_y=y_of(baseline),
        ticks=ticks,
    )


@dataclass(frozen=True)
class Spoke:
    x: float
    y: float
    label_x: float
    label_y: float
    label: str
    value: str
    anchor: str


@dataclass(frozen=True)
class Radar:
    size: int
    centre: float
    polygon: str
    rings: tuple[str, ...]
    spokes: tuple[Spoke, ...]


def radar(labels: Sequence[str], scores: Sequence[Decimal], *, size: int = 420) -> Radar:
    """Scores from 0 to 100 on one spoke each, clockwise from the top."""
    centre = size / 2
    radius = size * 0.32
    n = len(labels)

    def at(i: int, fraction: float) -> tuple[float, float]:
        angle = 2 * math.pi * i / n - math.pi / 2
        return (
            round(centre + radius * fraction * math.cos(angle), 1),
            round(centre + radius * fraction * math.sin(angle), 1),
        )

    polygon = " ".join("{},{}".format(*at(i, float(s) / 100)) for i, s in enumerate(scores))
    rings = tuple(
        " ".join("{},{}".format(*at(i, level / 4)) for i in range(n)) for level in (1, 2, 3, 4)
    )
    spokes = []
    for i, (label, score) in enumerate(zip(labels, scores, strict=True)):
        x, y = at(i, 1)
        lx, ly = at(i, 1.12)
        dx = lx - centre
        anchor = "start" if dx > size * 0.05 else "end" if dx < -size * 0.05 else "middle"
        spokes.append(Spoke(x, y, lx, ly + 4, label, str(score), anchor))
    return Radar(size, centre, polygon, rings, tuple(spokes))
