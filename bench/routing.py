"""Benchmark: complaint routing accuracy and latency on the project's evaluation set.

The router (``sinergi.voice.routing``) is built from the agencies, their mandates, the service
catalogue and, as the coordinators' earlier decisions, the ``dev`` part of
``bench/data/complaints-routing.csv``; it is scored on the ``test`` part, never used for
tuning. Two baselines run in the same process on the same complaints:

* ``keyword``: the agency whose name, sector and mandate share the most words with the text
  (no place, no level, no earlier decisions);
* ``most-frequent``: always the agency most often chosen in the earlier decisions.

Printed: top-1 and top-3 accuracy of each, the router's latency per complaint (median and
95th percentile) and that latency as a ratio to the keyword baseline's. ``--dev`` scores the
development part instead, leave-one-out (each dev complaint ranked with the other dev
complaints as earlier decisions): the only figures used for tuning.

Benchmarks are not tests: nothing here asserts a timing.

Run: .venv/bin/python bench/routing.py [--dev] [--rounds 20] [--show-misses]
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import argparse
import csv
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence

import yaml

from sinergi.voice.routing import (
    Decision,
    Router,
    load_agencies_csv,
    load_mandates_csv,
    services_from_yaml_documents,
    terms,
)

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "bench" / "data" / "complaints-routing.csv"
AGENCIES = ROOT / "src" / "sinergi" / "registry" / "data" / "agencies.csv"
SERVICES = ROOT / "src" / "sinergi" / "catalog" / "services"

Ranker = Callable[[str, str], list[str]]


def load_eval() -> list[dict[str, str]]:
    with EVAL.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def build_router(decisions: Sequence[Decision]) -> Router:
    docs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(SERVICES.glob("*.yaml"))]
    return Router(
        agencies=load_agencies_csv(AGENCIES),
        mandates=load_mandates_csv(),
        services=services_from_yaml_documents(docs),
        decisions=decisions,
    )


def keyword_baseline() -> Ranker:
    mandates = load_mandates_csv()
    profiles = {
        a.code: set(terms(f"{a.name} {a.short_name} {a.sector} {mandates.get(a.code, '')}"))
        for a in load_agencies_csv(AGENCIES)
    }

    def rank(text: str, region: str) -> list[str]:
        query = set(terms(text))
        scored = sorted(profiles, key=lambda code: (-len(query & profiles[code]), code))
        return scored[:5]

    return rank


def most_frequent_baseline(decisions: Sequence[Decision]) -> Ranker:
    order = [code for code, _ in Counter(d.agency for d in decisions).most_common(5)]

    def rank(text: str, region: str) -> list[str]:
        return order

    return rank


def accuracy(
    rows: Sequence[dict[str, str]], rank: Callable[[dict[str, str]], list[str]]
) -> tuple[float, float, list[tuple[dict[str, str], list[str]]]]:
    top1 = top3 = 0
    misses = []
    for row in rows:
        ranked = rank(row)
        top1 += bool(ranked) and ranked[0] == row["agency"]
        top3 += row["agency"] in ranked[:3]
        if not ranked or ranked[0] != row["agency"]:
            misses.append((row, ranked[:3]))
    return top1 / len(rows), top3 / len(rows), misses


def latency(rows: Sequence[dict[str, str]], rank: Ranker, rounds: int) -> list[float]:
    """Milliseconds per complaint, one figure per complaint per round."""
    out = []
    for _ in range(rounds):
        for row in rows:
            start = time.perf_counter()
            rank(row["text"], row["region_code"])
            out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", action="store_true", help="leave-one-out on the dev part")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()

    rows = load_eval()
    dev = [r for r in rows if r["split"] == "dev"]
    test = [r for r in rows if r["split"] == "test"]
    decisions = [Decision(r["text"], r["region_code"], r["agency"]) for r in dev]
    keyword = keyword_baseline()
    frequent = most_frequent_baseline(decisions)

    if args.dev:
        scored = dev

        def routed(row: dict[str, str]) -> list[str]:
            others = [d for r, d in zip(dev, decisions, strict=True) if r is not row]
            router = build_router(others)
            return [s.agency for s in router.rank(row["text"], row["region_code"])]

        router = build_router(decisions)
    else:
        scored = test
        start = time.perf_counter()
        router = build_router(decisions)
        build_ms = (time.perf_counter() - start) * 1000

        def routed(row: dict[str, str]) -> list[str]:
            return [s.agency for s in router.rank(row["text"], row["region_code"])]

    part = "dev (leave-one-out)" if args.dev else "test"
    agencies = len({r["agency"] for r in scored})
    print(f"routing: {len(scored)} {part} complaints, {agencies} agencies; "
          f"{len(decisions)} earlier decisions (dev part)")  # fmt: skip
    results = {
        "router": accuracy(scored, routed),
        "keyword baseline": accuracy(scored, lambda r: keyword(r["text"], r["region_code"])),
        "most-frequent baseline": accuracy(scored, lambda r: frequent(r["text"], r["region_code"])),
    }
    for name, (top1, top3, _) in results.items():
        print(f"  {name:<24} top-1 {top1:6.1%}   top-3 {top3:6.1%}")
    pairs = [r for r in scored if r["pair"]]
    if pairs:
        top1, _, _ = accuracy(pairs, routed)
        print(f"  router on level/place pairs ({len(pairs)} complaints): top-1 {top1:.1%}")

    def rank_router(text: str, region: str) -> object:
        return router.rank(text, region)

    ours = latency(scored, rank_router, args.rounds)  # type: ignore[arg-type]
    base = latency(scored, keyword, args.rounds)
    ours_median, base_median = statistics.median(ours), statistics.median(base)
    p95 = statistics.quantiles(ours, n=20)[-1]
    print(f"  latency per complaint: router median {ours_median:.3f} ms, p95 {p95:.3f} ms; "
          f"keyword baseline median {base_median:.3f} ms; "
          f"ratio router/baseline {ours_median / base_median:.2f}x")  # fmt: skip
    if not args.dev:
        print(f"  building the router: {build_ms:.1f} ms")
    if args.show_misses:
        for row, ranked in results["router"][2]:
            print(f"  miss {row['id']} {row['region_code']:<9} want {row['agency']:<26} got "
                  f"{', '.join(ranked)}: {row['text'][:70]}")  # fmt: skip


if __name__ == "__main__":
    main()
