"""Reading the chain back: verifying the database and exporting ranges for auditors.

Both stream entries in ``seq`` order in chunks (``.iterator``), so they run in constant memory
on a log of millions of entries.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, Final

from sinergi.audit.chain import (
    HASHED_FIELDS,
    PUBLISHED_MISMATCH,
    Break,
    Walk,
    canonical_text,
    normalise,
)
from sinergi.audit.models import AuditEntry, ChainHead

CHUNK: Final = 2000

#: The columns of an export: the row id, the hashed fields, the entry's hash.
COLUMNS: Final = ("id", *HASHED_FIELDS, "hash")


def stream(
    from_seq: int | None = None, to_seq: int | None = None, *, chunk_size: int = CHUNK
) -> Iterator[dict[str, Any]]:
    """Entries as plain dicts (``COLUMNS``), in ``seq`` order, ``from_seq..to_seq`` inclusive."""
    entries = AuditEntry.objects.all()
    if from_seq is not None:
        entries = entries.filter(seq__gte=from_seq)
    if to_seq is not None:
        entries = entries.filter(seq__lte=to_seq)
    yield from entries.order_by("seq").values(*COLUMNS).iterator(chunk_size=chunk_size)


@dataclass(frozen=True)
class Verdict:
    count: int
    head_seq: int
    head_hash: str
    broken: Break | None


def published() -> tuple[dict[int, str], Break | None]:
    """The published heads as ``{seq: hash}``; two heads disagreeing on a seq is a break."""
    expected: dict[int, str] = {}
    for seq, digest in ChainHead.objects.order_by("day").values_list("seq", "hash"):
        if expected.setdefault(seq, digest) != digest:
            return expected, Break(seq, None, PUBLISHED_MISMATCH, "two published heads differ")
    return expected, None


def verify_database(
    *, chunk_size: int = CHUNK, expected: Mapping[int, str] | None = None
) -> Verdict:
    """Walk the whole chain, checking it against every published head and ``expected``."""
    heads, conflict = published()
    if conflict is not None:
        return Verdict(0, 0, "", conflict)
    for seq, digest in (expected or {}).items():
        if heads.setdefault(seq, digest) != digest:
            return Verdict(0, 0, "", Break(seq, None, PUBLISHED_MISMATCH, f"expected {digest}"))
    walk = Walk(expected=heads)
    for entry in stream(chunk_size=chunk_size):
        if walk.feed(entry) is not None:
            break
    return Verdict(walk.count, walk.seq, walk.hash, walk.finish())


def exported(entry: Mapping[str, Any]) -> dict[str, Any]:
    """An entry as an export writes it: JSON values, times as the chain writes them."""
    return {name: normalise(entry[name]) for name in COLUMNS}


def write_jsonl(out: IO[str], entries: Iterator[Mapping[str, Any]]) -> int:
    """One JSON object per line; ``sinergi audit verify --file`` checks such a file."""
    count = 0
    for entry in entries:
        out.write(json.dumps(exported(entry), ensure_ascii=False, allow_nan=False) + "\n")
        count += 1
    return count


_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """CSV is for reading in a spreadsheet: JSON as canonical text, no formula can run."""
    if isinstance(value, (dict, list)):
        return canonical_text(value)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(out: IO[str], entries: Iterator[Mapping[str, Any]]) -> int:
    """A header row and one row per entry (JSON Lines is the copy to verify)."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for entry in entries:
        row = exported(entry)
        writer.writerow([_cell(row[name]) for name in COLUMNS])
        count += 1
    return count
