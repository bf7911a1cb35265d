"""The pure hash chain: a stable canonical form, and a walk that finds any change.

Property tests (Hypothesis) over generated chains: changing any field of any entry, deleting
an entry or reordering entries is found by ``verify``; an untouched chain verifies.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sinergi.audit import chain
from sinergi.audit.chain import GENESIS, HASHED_FIELDS, canonical, entry_hash, verify

# --- The canonical form ------------------------------------------------------------------------
MOMENT = datetime(2026, 11, 29, 4, 55, 35, 123456, tzinfo=UTC)


def an_entry(seq: int = 1, prev_hash: str = GENESIS, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "seq": seq,
        "at": MOMENT,
        "actor_id": 7,
        "actor_username": "polda.metro",
        "agency_code": "polda-metro-jaya",
        "action": "cases.act",
        "object_type": "cases.case",
        "object_id": "42",
        "authority": {"basis": "mandat", "grant": 3},
        "request_id": "3f6c2a",
        "data": {"version": 2, "nik": "************0001"},
        "prev_hash": prev_hash,
    }
    fields.update(changes)
    return fields


def test_the_canonical_form_is_fixed() -> None:
    """A golden vector: auditors reimplement this; it must never change."""
    assert canonical(an_entry()) == (
        b'{"action":"cases.act","actor_id":7,"actor_username":"polda.metro",'
        b'"agency_code":"polda-metro-jaya","at":"2026-11-29T04:55:35.123456Z",'
        b'"authority":{"basis":"mandat","grant":3},'
        b'"data":{"nik":"************0001","version":2},"object_id":"42",'
        b'"object_type":"cases.case","prev_hash":"' + GENESIS.encode() + b'",'
        b'"request_id":"3f6c2a","seq":1}'
    )
    assert entry_hash(GENESIS, an_entry()) == (
        "ec4963f6f7f9831b4fb5b515d4a60f95e86fa41563bbe8be494e3dee5afaf4f7"
    )


def test_the_hash_is_sha256_of_the_previous_hash_and_the_canonical_form() -> None:
    fields = an_entry(prev_hash="ab" * 32)
    expected = hashlib.sha256(("ab" * 32).encode() + canonical(fields)).hexdigest()
    assert entry_hash("ab" * 32, fields) == expected


def test_utf8_unescaped_and_none_kept() -> None:
    assert canonical({"b": None, "a": "Jl. Ciumbuleuit é 漢 🙂"}) == (
        '{"a":"Jl. Ciumbuleuit é 漢 🙂","b":null}'.encode()
    )


def test_numbers_are_written_the_same_whichever_way_the_database_returns_them() -> None:
    # jsonb gives 1e16 back as an integer, -0.0 as 0, 1.0 as 1.0; SQLite keeps floats.
    assert canonical({"n": 1e16}) == b'{"n":10000000000000000}'
    assert canonical({"n": 10_000_000_000_000_000}) == b'{"n":10000000000000000}'
    assert canonical({"n": -0.0}) == canonical({"n": 0}) == b'{"n":0}'
    assert canonical({"n": 1.0}) == b'{"n":1}'
    assert canonical({"n": 1e300}) == b'{"n":1' + b"0" * 300 + b"}"
    assert canonical({"n": 0.1}) == b'{"n":0.1}'
    assert canonical({"n": 1e-7}) == canonical({"n": json.loads("0.0000001")})
    assert canonical({"n": 2**70}) == b'{"n":1180591620717411303424}'


def test_times_are_utc_with_microseconds() -> None:
    jakarta = timezone(timedelta(hours=7))
    assert canonical({"t": MOMENT.astimezone(jakarta)}) == canonical({"t": MOMENT})
    assert canonical({"t": MOMENT.replace(microsecond=0)}) == b'{"t":"2026-11-29T04:55:35.000000Z"}'
    with pytest.raises(ValueError, match="timezone-aware"):
        canonical({"t": datetime(2026, 1, 1)})


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {1: "x"}, {"s": {1, 2}}, b"x"])
def test_what_is_not_json_is_refused(bad: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        canonical({"v": bad})


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
OBJECTS = st.dictionaries(st.text(max_size=8), JSON, max_size=5)


@given(OBJECTS, st.randoms(use_true_random=False))
def test_canonical_form_does_not_depend_on_key_order(value: dict[str, Any], rnd: Any) -> None:
    items = list(value.items())
    rnd.shuffle(items)
    assert canonical(dict(items)) == canonical(value)


@given(OBJECTS)
def test_canonical_form_survives_a_json_round_trip(value: dict[str, Any]) -> None:
    """What a database gives back (parsed JSON) hashes as what was written."""
    assert canonical(json.loads(canonical(value))) == canonical(value)
    assert canonical(json.loads(json.dumps(value))) == canonical(value)


# --- Chains ------------------------------------------------------------------------------------
TEXT = st.text(max_size=6)
SMALL_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(TEXT, inner, max_size=2),
    max_leaves=4,
)  # fmt: skip
SMALL_OBJECTS = st.dictionaries(TEXT, SMALL_JSON, max_size=3)
TIMES = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
)
FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "seq": st.integers(min_value=-3, max_value=60),
    "at": TIMES,
    "actor_id": st.none() | st.integers(min_value=1, max_value=10**6),
    "actor_username": TEXT,
    "agency_code": TEXT,
    "action": TEXT,
    "object_type": TEXT,
    "object_id": TEXT,
    "authority": SMALL_OBJECTS,
    "request_id": TEXT,
    "data": SMALL_OBJECTS,
    "prev_hash": st.text("0123456789abcdef", min_size=64, max_size=64),
    "hash": st.text("0123456789abcdef", min_size=64, max_size=64),
}
CONTENT = st.fixed_dictionaries(
    {name: FIELD_VALUES[name] for name in HASHED_FIELDS if name not in {"seq", "prev_hash"}}
)


def build(contents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A valid chain over the given contents, as the database stores it (with row ids)."""
    entries, prev = [], GENESIS
    for n, content in enumerate(contents, start=1):
        entry = {**content, "id": 100 + n, "seq": n, "prev_hash": prev}
        entry["hash"] = prev = entry_hash(prev, chain.hashed(entry))
        entries.append(entry)
    return entries


def published(entries: list[dict[str, Any]]) -> dict[int, str]:
    """The head as published before any tampering (the transparency page)."""
    return {entries[-1]["seq"]: entries[-1]["hash"]} if entries else {}


def stored(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What ``verify`` reads: the entries ordered by seq (the database's order)."""
    return sorted(entries, key=lambda e: e["seq"])


CHAINS = st.lists(CONTENT, min_size=1, max_size=8).map(build)


@given(CHAINS)
def test_an_untouched_chain_verifies(entries: list[dict[str, Any]]) -> None:
    assert verify(entries) is None
    assert verify(entries, expected=published(entries)) is None


def test_an_empty_chain_verifies() -> None:
    assert verify([]) is None


@given(CHAINS, st.data())
@settings(max_examples=200)
def test_changing_any_field_of_any_entry_is_found(
    entries: list[dict[str, Any]], data: st.DataObject
) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(entries) - 1), label="entry")
    name = data.draw(st.sampled_from([*HASHED_FIELDS, "hash"]), label="field")
    old = entries[index][name]
    new = data.draw(FIELD_VALUES[name], label="new value")
    assume(chain.canonical_text(new) != chain.canonical_text(old))
    forged = [dict(e) for e in entries]
    forged[index][name] = new
    broken = verify(stored(forged))
    assert broken is not None
    if name != "seq":  # a changed seq moves the entry: the walk stops where it was, or before
        assert (broken.seq, broken.id) == (entries[index]["seq"], entries[index]["id"])


@given(CHAINS, st.data())
def test_deleting_an_entry_is_found(entries: list[dict[str, Any]], data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(entries) - 1), label="entry")
    remaining = entries[:index] + entries[index + 1 :]
    broken = verify(remaining, expected=published(entries))
    assert broken is not None
    assert broken.seq == entries[index]["seq"] + (0 if index == len(entries) - 1 else 1)
    if index < len(entries) - 1:
        # Inside the chain, no published head is needed: the seq run has a gap.
        assert verify(remaining) == broken
        assert broken.reason == chain.SEQ_GAP


@given(st.lists(CONTENT, min_size=2, max_size=8).map(build), st.data())
def test_reordering_two_entries_is_found(
    entries: list[dict[str, Any]], data: st.DataObject
) -> None:
    i = data.draw(st.integers(min_value=0, max_value=len(entries) - 2), label="first")
    j = data.draw(st.integers(min_value=i + 1, max_value=len(entries) - 1), label="second")
    # Moved rows, as read in storage order:
    swapped = list(entries)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    assert verify(swapped) is not None
    # Or their positions exchanged (seq swapped), as read back ordered by seq:
    renumbered = [dict(e) for e in entries]
    renumbered[i]["seq"], renumbered[j]["seq"] = renumbered[j]["seq"], renumbered[i]["seq"]
    broken = verify(stored(renumbered))
    assert broken is not None
    assert broken.id == entries[j]["id"]  # now first in order, at entry i's place


@given(CHAINS, st.data())
def test_a_rewritten_tail_is_found_against_the_published_head(
    entries: list[dict[str, Any]], data: st.DataObject
) -> None:
    """Whoever changes an entry and recomputes every hash after it still cannot reach the
    head published before the change."""
    index = data.draw(st.integers(min_value=0, max_value=len(entries) - 1), label="entry")
    contents = [{k: v for k, v in e.items() if k not in {"id", "seq", "prev_hash", "hash"}}
                for e in entries]  # fmt: skip
    contents[index]["action"] += "-forged"
    rewritten = build(contents)
    assert verify(rewritten) is None  # the chain alone cannot tell
    broken = verify(rewritten, expected=published(entries))
    assert broken is not None
    assert (broken.seq, broken.reason) == (entries[-1]["seq"], chain.PUBLISHED_MISMATCH)


def test_the_break_names_the_entry() -> None:
    entries = build([{k: v for k, v in an_entry().items() if k not in {"seq", "prev_hash"}}] * 3)
    entries[1]["data"] = {"version": 3}
    broken = verify(entries)
    assert broken is not None
    assert (broken.seq, broken.id, broken.reason) == (2, 102, chain.HASH_MISMATCH)
    assert str(broken).startswith("seq 2 (id 102): hash mismatch")


def test_a_range_verifies_from_its_first_link() -> None:
    entries = build([{k: v for k, v in an_entry().items() if k not in {"seq", "prev_hash"}}] * 5)
    rest = entries[2:]
    assert verify(rest) is not None  # as a whole chain it does not start at 1
    assert verify(rest, start=(2, rest[0]["prev_hash"])) is None
