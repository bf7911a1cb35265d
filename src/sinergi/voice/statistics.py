"""Public complaint statistics per agency and region: aggregates only, no complaint text.

Times are in working days on the platform calendar (the unit of the LAPOR! deadlines):
to verify (filed to verified), to follow up (first disposition to follow-up) and to settle
(filed to closed). "Within deadline" compares each moment with its own deadline. The
re-routing ("ping-pong") figures count the hops: dispositions after the first, and per
agency the complaints it declined as "bukan wewenang".
"""

from __future__ import annotations

import statistics as stats
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from sinergi.cases.calendar_service import platform_calendar
from sinergi.core.routers import replica_reads
from sinergi.voice.models import Complaint, Disposition


@dataclass
class Figures:
    complaints: int = 0
    open: int = 0
    closed: int = 0
    rerouted: int = 0  # complaints with at least one hop
    hops: int = 0  # all hops ("ping-pong" count)
    declined: int = 0  # "bukan wewenang" given by this agency
    verify_days: list[int] = field(default_factory=list)
    follow_up_days: list[int] = field(default_factory=list)
    settle_days: list[int] = field(default_factory=list)
    verified_on_time: int = 0
    verified: int = 0
    followed_up_on_time: int = 0
    followed_up: int = 0
    settled_on_time: int = 0
    settled: int = 0

    def as_dict(self) -> dict[str, object]:
        def median(values: list[int]) -> float | None:
            return float(stats.median(values)) if values else None

        def share(part: int, whole: int) -> float | None:
            return round(part / whole, 4) if whole else None

        return {
            "complaints": self.complaints,
            "open": self.open,
            "closed": self.closed,
            "rerouted": self.rerouted,
            "hops": self.hops,
            "declined": self.declined,
            "median_working_days_to_verify": median(self.verify_days),
            "median_working_days_to_follow_up": median(self.follow_up_days),
            "median_working_days_to_settle": median(self.settle_days),
            "verified_within_deadline": share(self.verified_on_time, self.verified),
            "followed_up_within_deadline": share(self.followed_up_on_time, self.followed_up),
            "settled_within_deadline": share(self.settled_on_time, self.settled),
        }


def _on_time(done: datetime | None, due: datetime | None) -> bool:
    return done is not None and due is not None and done <= due


@replica_reads  # public figures: a replica's few seconds of lag do not matter
def complaint_statistics(
    *, agency: str | None = None, region: str | None = None
) -> dict[str, object]:
    """Overall figures, one row per agency (the agency a complaint is disposed to now) and one
    per kabupaten/kota of the complaints' places."""
    calendar = platform_calendar()
    complaints = Complaint.objects.select_related("agency").exclude(status="archived")
    if region:
        code = region.strip()
        complaints = complaints.filter(Q(region_id=code) | Q(region__code__startswith=code + "."))
    overall = Figures()
    per_agency: dict[str, Figures] = defaultdict(Figures)
    per_region: dict[str, Figures] = defaultdict(Figures)
    for c in complaints.iterator(chunk_size=1000):
        code = c.agency.code if c.agency else ""
        if agency and code != agency:
            continue
        # Regions at kabupaten/kota level (PP.KK), where complaints are counted by place.
        place = c.region_id[:5]
        for figures in (overall, per_agency[code or "-"], per_region[place]):
            figures.complaints += 1
            figures.closed += c.status == "closed"
            figures.open += c.status != "closed"
            figures.rerouted += c.hops > 0
            figures.hops += c.hops
            if c.verified_at:
                figures.verified += 1
                figures.verified_on_time += _on_time(c.verified_at, c.verify_due)
                figures.verify_days.append(
                    calendar.working_days_elapsed(c.submitted_at, c.verified_at)
                )
            if c.followed_up_at and c.disposed_at:
                figures.followed_up += 1
                figures.followed_up_on_time += _on_time(c.followed_up_at, c.follow_up_due)
                figures.follow_up_days.append(
                    calendar.working_days_elapsed(c.disposed_at, c.followed_up_at)
                )
            if c.status == "closed" and c.closed_at:
                figures.settled += 1
                figures.settled_on_time += _on_time(c.closed_at, c.settle_due)
                figures.settle_days.append(
                    calendar.working_days_elapsed(c.submitted_at, c.closed_at)
                )
    declines = Disposition.objects.filter(declined_at__isnull=False).select_related("agency")
    if region:
        code = region.strip()
        declines = declines.filter(
            Q(complaint__region_id=code) | Q(complaint__region__code__startswith=code + ".")
        )
    for d in declines:
        if agency and d.agency.code != agency:
            continue
        per_agency[d.agency.code].declined += 1
        overall.declined += 1
    rows = [
        {"agency": code, **figures.as_dict()}
        for code, figures in sorted(per_agency.items())
        if code != "-"
    ]
    regions = [
        {"region": code, **figures.as_dict()} for code, figures in sorted(per_region.items())
    ]
    return {"overall": overall.as_dict(), "agencies": rows, "regions": regions}
