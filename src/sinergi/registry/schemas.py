"""API shapes of the registry."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema


class RegionOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    parent: str | None
    bps_code: str
    current: bool
    lists: list[int]
    decree: str


class AgencyRef(Schema):
    code: str
    name: str
    short_name: str


class AgencyOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    region: str | None
    parent: str | None
    sector: str
    valid_from: date | None
    valid_to: date | None
    succession: str | None


class AgencyDetail(AgencyOut):
    successors: list[AgencyRef]
    predecessors: list[AgencyRef]
    live: bool
    current_bodies: list[AgencyRef]


class CounterOut(Schema):
    label: str
    agency: AgencyRef


class ServicePointOut(Schema):
    code: str
    name: str
    kind: str
    region: str
    address: str
    operator: AgencyRef
    counters: list[CounterOut]


class PositionOut(Schema):
    code: str
    title: str
    agency: str
    unit: str | None
    is_head: bool


class AppointmentOut(Schema):
    position: PositionOut
    kind: str
    valid_from: datetime
    valid_to: datetime | None


class OfficialOut(Schema):
    username: str
    full_name: str
    role: str
    appointments: list[AppointmentOut]


class LegalBasisOut(Schema):
    regulation: str
    article: str
    url: str


class GrantOut(Schema):
    id: int
    kind: str
    holder: PositionOut
    grantor: PositionOut | None
    source: int | None
    services: list[str]
    decisions: list[str]
    legal_basis: LegalBasisOut
    valid_from: datetime
    valid_to: datetime | None
    allows_onward_delegation: bool
    published: bool
    revoked_at: datetime | None
    revoked_reason: str


class GrantIn(Schema):
    kind: str
    holder: str
    grantor: str | None = None
    source: int | None = None
    services: list[str]
    decisions: list[str]
    regulation: str
    article: str = ""
    url: str = ""
    valid_from: datetime
    valid_to: datetime | None = None
    allows_onward_delegation: bool | None = None
    publish: bool = False


class RevokeIn(Schema):
    reason: str


class BasisOut(Schema):
    allowed: bool
    kind: str | None = None
    chain: list[int] = []
    acting_position: str | None = None
    accountable_position: str | None = None
    on_behalf_of: str | None = None
    signature: str | None = None
    legal_bases: list[LegalBasisOut] = []
    rule: str | None = None
    article: str | None = None
    message: str | None = None
