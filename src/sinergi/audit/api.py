"""Audit endpoints: the chain head (public, the transparency page) and entries (auditors).

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from sinergi.accounts.roles import Role
from sinergi.api.auth import PUBLIC, SIGNED_IN, signed_in
from sinergi.audit.chain import iso
from sinergi.audit.reading import exported, stream
from sinergi.audit.transparency import current_head, published_heads
from sinergi.core.errors import NotFound

router = Router(tags=["audit"])

#: Entries per call of ``GET /audit/entries``; larger ranges page with ``from_seq``.
MAX_ENTRIES = 1000


class HeadOut(Schema):
    seq: int
    hash: str
    at: str


class PublishedHeadOut(Schema):
    day: date
    seq: int
    hash: str
    published_at: str


class EntryOut(Schema):
    id: int
    seq: int
    at: str
    actor_id: int | None
    actor_username: str
    agency_code: str
    action: str
    object_type: str
    object_id: str
    authority: dict[str, Any]
    request_id: str
    data: dict[str, Any]
    prev_hash: str
    hash: str


@router.get("/audit/head", response=HeadOut, auth=PUBLIC)
def audit_head(request: HttpRequest) -> dict[str, Any]:
    """The current head of the audit chain (times in UTC with microseconds, as hashed)."""
    head = current_head()
    if head is None:
        raise NotFound("empty chain")
    return {"seq": head.seq, "hash": head.hash, "at": iso(head.at)}


@router.get("/audit/heads", response=list[PublishedHeadOut], auth=PUBLIC)
def audit_heads(request: HttpRequest) -> list[dict[str, Any]]:
    """The heads published on the last 30 days, newest first: keep copies to check later
    that the chain still leads to them (``sinergi audit verify --expect SEQ:HASH``)."""
    return [
        {"day": h.day, "seq": h.seq, "hash": h.hash, "published_at": iso(h.published_at)}
        for h in published_heads(30)
    ]


@router.get("/audit/entries", response=list[EntryOut], auth=SIGNED_IN)
def audit_entries(
    request: HttpRequest, from_seq: int = 1, to_seq: int | None = None
) -> list[dict[str, Any]]:
    """Entries ``from_seq..to_seq`` in chain order, at most 1000 a call; auditors only."""
    user = signed_in(request)
    if not (user.is_active and user.role == Role.AUDITOR):
        raise NotFound("audit entries")
    last = from_seq + MAX_ENTRIES - 1
    to_seq = last if to_seq is None else min(to_seq, last)
    return [exported(entry) for entry in stream(from_seq, to_seq, chunk_size=MAX_ENTRIES)]
