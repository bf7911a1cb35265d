"""Loading the bundled reference data: regions (current and historical) and agencies.

Loading is idempotent: a file whose SHA-256 was already loaded is skipped, and rows are
upserted, so ``sinergi demo load`` can run on every start.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from django.db import connections, transaction
from tqdm import tqdm

from sinergi.registry.codes import parse_region_code
from sinergi.registry.lineage import AgencyNode, Succession, validate_lineage
from sinergi.registry.models import Agency, ReferenceDataLoad, Region, RegionList
from sinergi.rules import RuleError, Violation, gettext_noop

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_CSV = DATA_DIR / "wilayah-kepmendagri-2025.csv"
HISTORICAL_CSV = DATA_DIR / "wilayah-historical-codes.csv"
AGENCIES_CSV = DATA_DIR / "agencies.csv"

#: The official lists of region codes, by year, and the decree behind each.
REGION_LISTS: dict[int, str] = {
    2016: "Permendagri No. 56 Tahun 2015",
    2018: "Permendagri No. 137 Tahun 2017",
    2020: "Permendagri No. 72 Tahun 2019",
    2022: "Permendagri No. 58 Tahun 2021",
    2023: "Kepmendagri No. 100.1.1-6117 Tahun 2022",
    2025: "Kepmendagri No. 300.2.2-2138 Tahun 2025",
}
CURRENT_LIST = max(REGION_LISTS)
BATCH = 5000


@dataclass(frozen=True)
class LoadResult:
    name: str
    rows: int
    skipped: bool


def _sha256(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _already_loaded(name: str, sha: str) -> bool:
    return ReferenceDataLoad.objects.filter(name=name, sha256=sha).exists()


def _mark_loaded(name: str, sha: str, rows: int) -> None:
    ReferenceDataLoad.objects.update_or_create(name=name, defaults={"sha256": sha, "rows": rows})


def _batches[T](items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    name: str
    level: str
    kind: str
    parent: str | None
    source_list: int
    lists: tuple[int, ...]
    current: bool


def region_rows(
    regions_csv: Path = REGIONS_CSV, historical_csv: Path = HISTORICAL_CSV
) -> list[RegionRow]:
    """Every region, current and historical, parents before children."""
    with historical_csv.open(encoding="utf-8", newline="") as handle:
        history = {row["kode"]: row for row in csv.DictReader(handle)}
    all_years = tuple(sorted(REGION_LISTS))
    rows: list[RegionRow] = []
    with regions_csv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["kode"]
            parsed = parse_region_code(code)
            if parsed.level.value != row["tingkat"]:
                raise RuleError(
                    Violation(
                        field="tingkat",
                        rule="level_mismatch",
                        template=gettext_noop("Region {code} is listed as {listed}, not {level}."),
                        params={"code": code, "listed": row["tingkat"], "level": parsed.level},
                    )
                )
            past = history.get(code)
            lists = tuple(int(y) for y in past["daftar"].split(";")) if past else all_years
            rows.append(
                RegionRow(
                    code,
                    row["nama"],
                    parsed.level.value,
                    parsed.kind,
                    parsed.parent,
                    CURRENT_LIST,
                    lists,
                    True,
                )
            )
    seen = {r.code for r in rows}
    for code, past in history.items():
        if code in seen:
            continue
        parsed = parse_region_code(code)
        rows.append(
            RegionRow(
                code,
                past["nama_terakhir"],
                parsed.level.value,
                parsed.kind,
                parsed.parent,
                int(past["terakhir_dalam"]),
                tuple(int(y) for y in past["daftar"].split(";")),
                False,
            )
        )
        seen.add(code)
    # A retired code whose parent no list kept is stored without a parent.
    rows = [r if r.parent is None or r.parent in seen else replace(r, parent=None) for r in rows]
    rows.sort(key=lambda r: (len(r.code), r.code))
    return rows


_UPSERT = """
INSERT INTO registry_region
    (code, name, level, kind, parent_id, source_list_id, lists, "current", bps_code)
VALUES (%s, %s, %s, %s, %s, %s, {json}, %s, '')
ON CONFLICT (code) DO UPDATE SET
    name = excluded.name, level = excluded.level, kind = excluded.kind,
    parent_id = excluded.parent_id, source_list_id = excluded.source_list_id,
    lists = excluded.lists, "current" = excluded."current"
"""


def load_regions(*, progress: bool = True, force: bool = False) -> LoadResult:
    """Upsert every region in batches of plain SQL: 92k model instances through the ORM cost
    several times the whole load (see docs/performance.md)."""
    name = "regions"
    sha = _sha256(REGIONS_CSV, HISTORICAL_CSV)
    if not force and _already_loaded(name, sha):
        return LoadResult(name, Region.objects.count(), skipped=True)
    rows = region_rows()
    connection = connections[Region.objects.db]
    sql = _UPSERT.format(json="%s::jsonb" if connection.vendor == "postgresql" else "%s")
    with transaction.atomic(), connection.cursor() as cursor:
        for year, decree in REGION_LISTS.items():
            RegionList.objects.update_or_create(year=year, defaults={"decree": decree})
        bar = tqdm(total=len(rows), desc="regions", unit="row", disable=not progress)
        for batch in _batches(rows, BATCH):
            cursor.executemany(
                sql,
                [
                    (
                        r.code,
                        r.name,
                        r.level,
                        r.kind,
                        r.parent,
                        r.source_list,
                        json.dumps(list(r.lists)),
                        r.current,
                    )
                    for r in batch
                ],
            )
            bar.update(len(batch))
        bar.close()
        _mark_loaded(name, sha, len(rows))
    return LoadResult(name, len(rows), skipped=False)


def _date(raw: str) -> date | None:
    return date.fromisoformat(raw) if raw else None


def load_agencies(*, path: Path = AGENCIES_CSV, force: bool = False) -> LoadResult:
    """Upsert agencies from the CSV; refuses the whole file (writing nothing) when a parent,
    region or successor is unknown or the lineage is cyclic or overlapping."""
    name = "agencies"
    sha = _sha256(path)
    if not force and _already_loaded(name, sha):
        return LoadResult(name, Agency.objects.count(), skipped=True)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    nodes = {
        row["code"]: AgencyNode(
            code=row["code"],
            parent=row["parent_code"] or None,
            valid_from=_date(row["valid_from"]),
            valid_to=_date(row["valid_to"]),
            succession=Succession(row["succession"]) if row["succession"] else None,
            successors=tuple(c for c in row["successor_codes"].split(";") if c),
        )
        for row in rows
    }
    # Agencies already in the database but not in the file keep their place in the lineage.
    from sinergi.registry.models.agencies import lineage_nodes

    existing = {code: node for code, node in lineage_nodes().items() if code not in nodes}
    violations = validate_lineage({**existing, **nodes})
    region_codes = {row["region_code"] for row in rows if row["region_code"]}
    known_regions = set(Region.objects.filter(code__in=region_codes).values_list("code", flat=True))
    for row in rows:
        if row["region_code"] and row["region_code"] not in known_regions:
            violations.append(
                Violation(
                    field="region_code",
                    rule="unknown_region",
                    template=gettext_noop("Agency {agency}: unknown region {region}."),
                    params={"agency": row["code"], "region": row["region_code"]},
                )
            )
    if violations:
        raise RuleError(*violations)
    with transaction.atomic():
        by_code: dict[str, Agency] = {}
        for row in rows:
            agency, _ = Agency.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "short_name": row["short_name"],
                    "kind": row["kind"],
                    "level": row["level"],
                    "region_id": row["region_code"] or None,
                    "sector": row["sector"],
                    "valid_from": _date(row["valid_from"]),
                    "valid_to": _date(row["valid_to"]),
                    "succession": row["succession"],
                },
            )
            by_code[agency.code] = agency
        for code, agency in by_code.items():
            agency.parent_id = (
                by_code[p].pk
                if (p := nodes[code].parent) in by_code
                else (Agency.objects.get(code=p).pk if p else None)
            )
            agency.save(update_fields=["parent"])
        for code, node in nodes.items():
            by_code[code].successors.set(
                [by_code.get(s) or Agency.objects.get(code=s) for s in node.successors]
            )
        _mark_loaded(name, sha, len(rows))
    return LoadResult(name, len(rows), skipped=False)
