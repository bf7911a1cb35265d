"""The audit hash chain, kept pure (no Django): canonical form, entry hashes, the verifying walk.

Entry ``n`` (``seq = n``, counting from 1) stores ``prev_hash``, the hash of entry ``n - 1``
(``GENESIS`` for the first), and its own ``hash``::

    hash = SHA-256( prev_hash as ASCII || canonical(the HASHED_FIELDS of the entry) )

``canonical`` is JSON with sorted keys, no whitespace, UTF-8 (characters unescaped), ``None``
kept as ``null``, times as ISO 8601 UTC with microseconds (``2026-11-29T04:55:35.123456Z``)
and numbers written the same whichever way the database gave them back: a float with an
integral value is written as the integer (PostgreSQL's ``jsonb`` returns ``1e16`` as the integer
10000000000000000 and ``-0.0`` as ``0``), other floats in Python's shortest round-trip form.
Non-finite floats are refused (they are not JSON; ``audit.log`` stores them as text).

Changing any hashed field of an entry breaks its hash; deleting or reordering entries breaks
the ``seq`` run or a ``prev_hash`` link; rewriting the whole tail after a change is caught by
comparing with a head published earlier (``expected``). The row ``id`` is a storage key, not
part of the chain: entries are named by ``seq`` and the chain survives a dump and restore.

This format is what auditors reimplement: never change it (a new format would need a version).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

GENESIS: Final = "0" * 64

#: The fields an entry's hash covers, in the order exports list them.
HASHED_FIELDS: Final = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "agency_code",
    "action",
    "object_type",
    "object_id",
    "authority",
    "request_id",
    "data",
    "prev_hash",
)

HASH_MISMATCH: Final = "hash mismatch"
PREV_MISMATCH: Final = "prev_hash mismatch"
SEQ_GAP: Final = "gap in seq"
SEQ_DUPLICATE: Final = "duplicate seq"
SEQ_BACKWARDS: Final = "seq out of order"
PUBLISHED_MISMATCH: Final = "differs from a published head"
MISSING: Final = "missing: the chain ends before a published head"


def iso(moment: datetime) -> str:
    """A time as the chain writes it: UTC, microseconds, ``Z``. Naive times are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"audit times must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _number(value: float) -> int | float:
    if not math.isfinite(value):
        raise ValueError(f"audit values must be finite numbers, got {value!r}")
    if value.is_integer():
        # Through repr, so 1e16 is written 10000000000000000 as jsonb gives it back,
        # not as the binary value's exact expansion.
        return int(Decimal(repr(value)))
    return value


_PLAIN: Final = frozenset({str, int, bool, type(None)})


def normalise(value: Any) -> Any:
    """The JSON value the canonical form writes (see the module's docstring)."""
    kind = type(value)
    if kind in _PLAIN:  # the common cases first: this runs for every entry written
        return value
    if kind is dict and all(type(key) is str for key in value):
        return {k: v if type(v) in _PLAIN else normalise(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _PLAIN else normalise(v) for v in value]
    if isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"audit object keys must be strings, got {key!r}")
            out[key] = normalise(item)
        return out
    if isinstance(value, (list, tuple)):
        return [normalise(item) for item in value]
    raise TypeError(f"audit values must be JSON values, got {type(value).__name__}")


def canonical_text(value: Any) -> str:
    """Canonical JSON text of any JSON value: sorted keys, no whitespace, nothing escaped."""
    return json.dumps(
        normalise(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def canonical(entry_fields: Mapping[str, Any]) -> bytes:
    """Canonical JSON of a mapping: sorted keys, no whitespace, UTF-8."""
    return canonical_text(entry_fields).encode("utf-8")


def hashed(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an entry that its hash covers (a missing one is a KeyError)."""
    return {name: entry[name] for name in HASHED_FIELDS}


def fields_of(obj: Any) -> dict[str, Any]:
    """The hashed fields of an object with those attributes (a model instance)."""
    return {name: getattr(obj, name) for name in HASHED_FIELDS}


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the previous entry's hash followed by this entry's canonical fields."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(canonical(fields))
    return digest.hexdigest()


@dataclass(frozen=True)
class Break:
    """The first broken link: the entry where the walk stopped (by ``seq``, and its row id)."""

    seq: int | None
    id: Any
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "an entry without seq"
        if self.id is not None:
            where += f" (id {self.id})"
        return f"{where}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


class Walk:
    """Checks entries one at a time, in ``seq`` order; stops at the first broken link.

    ``start`` is the link before the first entry fed: ``(0, GENESIS)`` for a whole chain, or
    ``(seq - 1, prev_hash)`` of the first entry of a range taken on trust. ``expected`` maps
    a ``seq`` to the hash published for it: the entry must be there and have that hash.
    """

    def __init__(
        self,
        *,
        start: tuple[int, str] = (0, GENESIS),
        expected: Mapping[int, str] | None = None,
    ) -> None:
        self.seq, self.hash = start
        self.count = 0
        self.expected = dict(expected or {})
        self.broken: Break | None = None

    def feed(self, entry: Mapping[str, Any]) -> Break | None:
        if self.broken is not None:
            return self.broken
        seq, ident = entry.get("seq"), entry.get("id")
        if not isinstance(seq, int) or isinstance(seq, bool):
            return self._stop(None, ident, SEQ_GAP, f"seq is {seq!r}")
        if seq != self.seq + 1:
            if seq == self.seq:
                reason = SEQ_DUPLICATE
            elif seq < self.seq:
                reason = SEQ_BACKWARDS
            else:
                reason = SEQ_GAP
            return self._stop(seq, ident, reason, f"expected seq {self.seq + 1}")
        if entry.get("prev_hash") != self.hash:
            return self._stop(seq, ident, PREV_MISMATCH, f"previous entry's hash is {self.hash}")
        try:
            computed = entry_hash(self.hash, hashed(entry))
        except (KeyError, TypeError, ValueError, UnicodeError) as exc:
            return self._stop(seq, ident, HASH_MISMATCH, f"cannot hash: {exc}")
        if computed != entry.get("hash"):
            return self._stop(seq, ident, HASH_MISMATCH, f"recomputed {computed}")
        published = self.expected.pop(seq, None)
        if published is not None and published != computed:
            return self._stop(seq, ident, PUBLISHED_MISMATCH, f"published {published}")
        self.seq, self.hash = seq, computed
        self.count += 1
        return None

    def finish(self) -> Break | None:
        """After the last entry: a published head beyond the end means the tail is gone."""
        beyond = [seq for seq in self.expected if seq > self.seq]
        if self.broken is None and beyond:
            return self._stop(min(beyond), None, MISSING, f"the last entry is seq {self.seq}")
        return self.broken

    def _stop(self, seq: int | None, ident: Any, reason: str, detail: str) -> Break:
        self.broken = Break(seq, ident, reason, detail)
        return self.broken


def verify(
    entries: Iterable[Mapping[str, Any]],
    *,
    start: tuple[int, str] = (0, GENESIS),
    expected: Mapping[int, str] | None = None,
) -> Break | None:
    """Walk entries (in ``seq`` order, as stored) and return the first broken link, or None."""
    walk = Walk(start=start, expected=expected)
    for entry in entries:
        if walk.feed(entry) is not None:
            break
    return walk.finish()
