"""Where an official's authority to decide comes from (UU 30/2014 Pasal 8 and 11-15).

Officials only act under authority (Pasal 8 ayat (2)), and authority belongs to positions, not
people. It starts as an atribusi from the UUD 1945 or a law and may be passed down by delegasi
(responsibility moves to the delegatee) or mandat (responsibility stays with the mandator, who is
signed for "a.n."). A decision is only lawful if every grant from the atribusi down is in force
and each hand-over was allowed, so :func:`resolve_authority` checks the whole chain every time.

Pure Python: messages are marked with :func:`gettext_noop` and translated by the Django layer.
All datetimes should be timezone-aware.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sinergi.rules import Violation, gettext_noop

__all__ = [
    "ANY",
    "STRATEGIC_DECISIONS",
    "Basis",
    "Grant",
    "GrantKind",
    "LegalBasis",
    "Official",
    "Refusal",
    "Scope",
    "Tenure",
    "resolve_authority",
    "validate_grant",
]


class GrantKind(StrEnum):
    """The three sources of authority (Pasal 1 angka 22-24)."""

    ATRIBUSI = "atribusi"
    DELEGASI = "delegasi"
    MANDAT = "mandat"


#: Decisions a mandatee may never take: they change legal status in organisation, staffing or
#: budget allocation (Pasal 14 ayat (7)).
STRATEGIC_DECISIONS: frozenset[str] = frozenset({"organisasi", "kepegawaian", "anggaran"})

#: Wildcard in a grant's services or decisions; never valid in a :class:`Scope`.
ANY = "*"

# Precedence when an official could act under several grants: own authority first.
_PRECEDENCE = {GrantKind.ATRIBUSI: 0, GrantKind.DELEGASI: 1, GrantKind.MANDAT: 2}
_LAW_PREFIXES = ("UUD", "UU ", "Perppu")
_AUTHORITY = "authority"

# Articles, as the rule codes cite them.
_ART_OFFICE = "UU 30/2014 Pasal 8 ayat (2)"
_ART_PERIOD = "UU 30/2014 Pasal 15 ayat (1) huruf a"
_ART_REVOKED = "UU 30/2014 Pasal 13 dan Pasal 14"
_ART_ONWARD_DELEGATION = "UU 30/2014 Pasal 13 ayat (3) dan (4)"
_ART_ONWARD_MANDATE = "UU 30/2014 Pasal 1 angka 24 dan Pasal 14"
_ART_STRATEGIC = "UU 30/2014 Pasal 14 ayat (7)"
_ART_DERIVED = "UU 30/2014 Pasal 1 angka 23 dan 24"
_ART_ORIGIN = "UU 30/2014 Pasal 12 ayat (1)"
_ART_SCOPE = "UU 30/2014 Pasal 15 ayat (1) huruf c"

# Rule codes that describe a lapse in time, with the article behind each.
_NOT_YET_VALID = "grant_not_yet_valid"
_EXPIRED = "grant_expired"
_REVOKED = "grant_revoked"
_LAPSE_ARTICLE = {_NOT_YET_VALID: _ART_PERIOD, _EXPIRED: _ART_PERIOD, _REVOKED: _ART_REVOKED}

# Message templates (English; the Django layer translates them).
_T_NOT_IN_OFFICE = gettext_noop("{official} holds no position on {at}, so has no authority to act.")
_T_NO_GRANT = gettext_noop(
    "No position held by {official} on {at} has authority to decide {decision} on {service}."
)
_T_OWN_LAPSE = {
    _NOT_YET_VALID: gettext_noop(
        "Grant {grant} to {holder} takes effect on {valid_from} and gives no authority on {at}."
    ),
    _EXPIRED: gettext_noop("Grant {grant} to {holder} ended on {valid_to}."),
    _REVOKED: gettext_noop("Grant {grant} to {holder} was revoked on {revoked_at}."),
}
_T_SOURCE_LAPSE = {
    _NOT_YET_VALID: gettext_noop(
        "Grant {grant} rests on grant {source}, which takes effect only on {valid_from}."
    ),
    _EXPIRED: gettext_noop("Grant {grant} rests on grant {source}, which ended on {valid_to}."),
    _REVOKED: gettext_noop(
        "Grant {grant} rests on grant {source}, which was revoked on {revoked_at}."
    ),
}
_T_SOURCE_NONE = gettext_noop("Grant {grant} is a {kind} but names no source grant.")
_T_SOURCE_MISSING = gettext_noop("Grant {grant} rests on grant {source}, which does not exist.")
_T_SOURCE_CYCLE = gettext_noop(
    "Grant {grant} rests on grant {source}, but the chain of source grants loops back on "
    "itself; authority must start from an atribusi."
)
_T_SOURCE_SCOPE = gettext_noop(
    "Grant {grant} rests on grant {source}, which does not cover deciding {decision} on {service}."
)
_T_ONWARD_DELEGATION = gettext_noop(
    "Grant {source} may not be delegated further, so grant {grant} cannot be a delegasi."
)
_T_ONWARD_MANDATE = gettext_noop(
    "Grant {source} is a mandat; a mandate cannot be passed on, so grant {grant} is void."
)
_T_GRANTOR_NOT_HOLDER = gettext_noop(
    "Grant {grant} is given by {grantor}, but grant {source} is held by {holder}; "
    "only the holder can pass authority on."
)
_T_GRANTOR_MISSING = gettext_noop("A {kind} must name the position that gives it.")
_T_STRATEGIC_RESOLVE = gettext_noop(
    "Under a mandate, {holder} cannot take the strategic decision {decision}; "
    "it stays with {mandator}."
)
_T_STRATEGIC_CREATE = gettext_noop(
    "A mandate cannot include strategic decisions ({decisions}); decisions that change "
    "organisation, staffing or budget stay with the mandator."
)
_T_SOURCE_REQUIRED = gettext_noop("A {kind} must name the grant whose authority it passes on.")
_T_SOURCE_UNKNOWN = gettext_noop("Source grant {source} does not exist.")
_T_ATRIBUSI_SOURCE = gettext_noop(
    "An atribusi comes directly from the law and cannot have a source grant."
)
_T_ATRIBUSI_GRANTOR = gettext_noop(
    "An atribusi comes directly from the law and cannot have a grantor position."
)
_T_NOT_LAW = gettext_noop(
    "An atribusi must rest on the UUD 1945, a law (UU) or a Perppu, not on {regulation}."
)
_T_EMPTY_PERIOD = gettext_noop(
    "The grant must end after it starts; {valid_to} is not after {valid_from}."
)
_T_SELF_GRANT = gettext_noop("A position cannot grant authority to itself.")
_T_EMPTY_SERVICES = gettext_noop("A grant must cover at least one service.")
_T_EMPTY_DECISIONS = gettext_noop("A grant must cover at least one kind of decision.")
_T_EXCEEDS_SERVICES = gettext_noop(
    "Grant {grant} covers services {extra} that its source grant {source} does not cover."
)
_T_EXCEEDS_DECISIONS = gettext_noop(
    "Grant {grant} covers decisions {extra} that its source grant {source} does not cover."
)


@dataclass(frozen=True)
class LegalBasis:
    """The regulation and article a grant rests on, cited on every decision made under it."""

    regulation: str
    article: str
    url: str = ""


@dataclass(frozen=True)
class Scope:
    """What an official wants to decide now: one decision kind on one service."""

    service: str
    decision: str

    def __post_init__(self) -> None:
        # A wildcard here would match only wildcard grants and hide a programming error.
        if ANY in (self.service, self.decision):
            raise ValueError("a scope names one concrete service and decision, never '*'")


@dataclass(frozen=True)
class Grant:
    """One grant of authority to a position: atribusi, delegasi or mandat."""

    id: int
    kind: GrantKind
    holder_position: int
    holder_title: str
    grantor_position: int | None
    grantor_title: str
    source_grant: int | None
    services: frozenset[str]
    decisions: frozenset[str]
    legal_basis: LegalBasis
    valid_from: datetime
    valid_to: datetime | None = None
    revoked_at: datetime | None = None
    allows_onward_delegation: bool = False

    def covers(self, scope: Scope) -> bool:
        """Whether the grant's subject matter includes the scope (Pasal 15 ayat (1))."""
        return (ANY in self.services or scope.service in self.services) and (
            ANY in self.decisions or scope.decision in self.decisions
        )


@dataclass(frozen=True)
class Tenure:
    """An official's time in a position; authority follows the position, not the person."""

    position: int
    valid_from: datetime
    valid_to: datetime | None = None


@dataclass(frozen=True)
class Official:
    """A person who acts through the positions they hold."""

    id: int
    name: str
    tenures: tuple[Tenure, ...]


@dataclass(frozen=True)
class Basis:
    """Why an official may decide: the grant chain, who answers for it, and how to sign."""

    kind: GrantKind
    chain: tuple[int, ...]
    acting_position: int
    acting_title: str
    accountable_position: int
    accountable_title: str
    on_behalf_of: str | None
    signature: str
    legal_bases: tuple[LegalBasis, ...]


@dataclass(frozen=True)
class Refusal(Violation):
    """A :class:`~sinergi.rules.Violation` that also names the grant it concerns."""

    grant: int | None = None


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat()


def _lapse(grant: Grant, at: datetime, *, any_revocation: bool = False) -> str | None:
    """The rule a grant breaks at ``at`` by time alone, or None while it is in force.

    When both the revocation and the end date have passed, whichever came first is reported.
    ``any_revocation`` counts a revocation even if it takes effect after ``at``: once withdrawn,
    authority may no longer be passed on, not even for the time before the withdrawal.
    """
    revoked_at, valid_to = grant.revoked_at, grant.valid_to
    if revoked_at is not None and (any_revocation or revoked_at <= at):
        ended_first = valid_to is not None and valid_to < revoked_at and valid_to <= at
        return _EXPIRED if ended_first else _REVOKED
    if valid_to is not None and valid_to <= at:
        return _EXPIRED
    if at < grant.valid_from:
        return _NOT_YET_VALID
    return None


def _lapse_params(grant: Grant, at: datetime) -> dict[str, str]:
    return {
        "holder": grant.holder_title,
        "at": _iso(at),
        "valid_from": _iso(grant.valid_from),
        "valid_to": _iso(grant.valid_to),
        "revoked_at": _iso(grant.revoked_at),
    }


def _pair(child: Grant, source: int) -> dict[str, str]:
    """Params naming a link: the grant and the source grant it rests on."""
    return {"grant": str(child.id), "source": str(source)}


def _link_defects(child: Grant, parent: Grant, field: str | None, grant: int) -> list[Refusal]:
    """What is unlawful about ``child`` passing on ``parent``'s authority.

    ``field`` None means "name the input field" (creation); otherwise every refusal uses it.
    """
    defects: list[Refusal] = []
    if parent.kind == GrantKind.MANDAT:
        defects.append(
            Refusal(
                field=field or "source_grant",
                rule="onward_mandate",
                template=_T_ONWARD_MANDATE,
                params=_pair(child, parent.id),
                article=_ART_ONWARD_MANDATE,
                grant=grant,
            )
        )
    elif child.kind == GrantKind.DELEGASI and not parent.allows_onward_delegation:
        defects.append(
            Refusal(
                field=field or "kind",
                rule="onward_delegation",
                template=_T_ONWARD_DELEGATION,
                params=_pair(child, parent.id),
                article=_ART_ONWARD_DELEGATION,
                grant=grant,
            )
        )
    if child.grantor_position != parent.holder_position:
        defects.append(
            Refusal(
                field=field or "grantor_position",
                rule="grantor_not_holder",
                template=_T_GRANTOR_NOT_HOLDER,
                params={
                    **_pair(child, parent.id),
                    "grantor": child.grantor_title,
                    "holder": parent.holder_title,
                },
                article=_ART_DERIVED,
                grant=grant,
            )
        )
    return defects


def _walk(
    start: Grant,
    get: Callable[[int], Grant | None],
    at: datetime,
    scope: Scope | None,
    *,
    field: str,
    check_links: bool,
    any_revocation: bool = False,
) -> list[Grant] | Refusal:
    """The chain from ``start`` up to its atribusi, or why the chain does not hold at ``at``.

    Iterative with a seen-set, so long chains cannot overflow the stack and cycles end.
    """
    chain = [start]
    seen = {start.id}
    child = start
    while child.kind != GrantKind.ATRIBUSI:
        source = child.source_grant
        if source is None:
            return Refusal(
                field=field,
                rule="source_invalid",
                template=_T_SOURCE_NONE,
                params={"grant": str(child.id), "source": "", "kind": str(child.kind)},
                article=_ART_ORIGIN,
                grant=start.id,
            )
        if source in seen:
            return Refusal(
                field=field,
                rule="source_invalid",
                template=_T_SOURCE_CYCLE,
                params=_pair(child, source),
                article=_ART_ORIGIN,
                grant=start.id,
            )
        parent = get(source)
        if parent is None:
            return Refusal(
                field=field,
                rule="source_invalid",
                template=_T_SOURCE_MISSING,
                params=_pair(child, source),
                article=_ART_ORIGIN,
                grant=start.id,
            )
        if check_links:
            defects = _link_defects(child, parent, field, start.id)
            if defects:
                return defects[0]
        lapse = _lapse(parent, at, any_revocation=any_revocation)
        if lapse is not None:
            return Refusal(
                field=field,
                rule="source_invalid",
                template=_T_SOURCE_LAPSE[lapse],
                params={**_lapse_params(parent, at), **_pair(child, source)},
                article=_LAPSE_ARTICLE[lapse],
                grant=start.id,
            )
        if scope is not None and not parent.covers(scope):
            return Refusal(
                field=field,
                rule="scope_exceeds_source",
                template=_T_SOURCE_SCOPE,
                params={
                    **_pair(child, source),
                    "service": scope.service,
                    "decision": scope.decision,
                },
                article=_ART_DERIVED,
                grant=start.id,
            )
        chain.append(parent)
        seen.add(source)
        child = parent
    return chain


def _basis(chain: list[Grant]) -> Basis:
    """The basis for acting under ``chain[0]``; ``chain`` runs from it up to the atribusi."""
    acting = chain[0]
    if acting.kind == GrantKind.MANDAT:
        # The walk checked that the grantor holds the source grant (chain[1]).
        accountable_position = chain[1].holder_position
        accountable_title: str = acting.grantor_title
        on_behalf_of: str | None = acting.grantor_title
        signature = f"a.n. {acting.grantor_title}\n{acting.holder_title}"
    else:
        accountable_position = acting.holder_position
        accountable_title = acting.holder_title
        on_behalf_of = None
        signature = acting.holder_title
    top_down = chain[::-1]
    return Basis(
        kind=acting.kind,
        chain=tuple(g.id for g in top_down),
        acting_position=acting.holder_position,
        acting_title=acting.holder_title,
        accountable_position=accountable_position,
        accountable_title=accountable_title,
        on_behalf_of=on_behalf_of,
        signature=signature,
        legal_bases=tuple(g.legal_basis for g in top_down),
    )


def _check(grant: Grant, by_id: Mapping[int, Grant], scope: Scope, at: datetime) -> Basis | Refusal:
    """Whether acting under ``grant`` on ``scope`` at ``at`` is lawful."""
    lapse = _lapse(grant, at)
    if lapse is not None:
        return Refusal(
            field=_AUTHORITY,
            rule=lapse,
            template=_T_OWN_LAPSE[lapse],
            params={**_lapse_params(grant, at), "grant": str(grant.id)},
            article=_LAPSE_ARTICLE[lapse],
            grant=grant.id,
        )
    if grant.kind == GrantKind.MANDAT and scope.decision in STRATEGIC_DECISIONS:
        return Refusal(
            field=_AUTHORITY,
            rule="mandate_strategic",
            template=_T_STRATEGIC_RESOLVE,
            params={
                "grant": str(grant.id),
                "holder": grant.holder_title,
                "decision": scope.decision,
                "mandator": grant.grantor_title,
            },
            article=_ART_STRATEGIC,
            grant=grant.id,
        )
    chain = _walk(grant, by_id.get, at, scope, field=_AUTHORITY, check_links=True)
    if isinstance(chain, Refusal):
        return chain
    return _basis(chain)


def _in_office(tenure: Tenure, at: datetime) -> bool:
    return tenure.valid_from <= at and (tenure.valid_to is None or at < tenure.valid_to)


def resolve_authority(
    grants: Iterable[Grant], official: Official, scope: Scope, at: datetime
) -> Basis | Refusal:
    """The lawful basis for ``official`` to decide ``scope`` at ``at``, or why there is none.

    Own authority wins over passed-on authority (atribusi > delegasi > mandat, then lowest
    grant id). If no candidate holds, the refusal of the highest-precedence one is returned,
    as that is the authority the official most likely meant to use. ``grants`` is read once.
    """
    positions = {t.position for t in official.tenures if _in_office(t, at)}
    if not positions:
        return Refusal(
            field=_AUTHORITY,
            rule="not_in_office",
            template=_T_NOT_IN_OFFICE,
            params={"official": official.name, "at": _iso(at)},
            article=_ART_OFFICE,
        )
    by_id: dict[int, Grant] = {}
    candidates: list[Grant] = []
    for grant in grants:  # one pass: index every grant, pick the ones the official may use
        by_id[grant.id] = grant
        if grant.holder_position in positions and grant.covers(scope):
            candidates.append(grant)
    if not candidates:
        return Refusal(
            field=_AUTHORITY,
            rule="no_grant",
            template=_T_NO_GRANT,
            params={
                "official": official.name,
                "at": _iso(at),
                "service": scope.service,
                "decision": scope.decision,
            },
            article=_ART_OFFICE,
        )
    candidates.sort(key=lambda g: (_PRECEDENCE[g.kind], g.id))
    first: Refusal | None = None
    for grant in candidates:
        outcome = _check(grant, by_id, scope, at)
        if isinstance(outcome, Basis):
            return outcome
        if first is None:
            first = outcome
    assert first is not None
    return first


def validate_grant(new: Grant, grants: Mapping[int, Grant]) -> list[Refusal]:
    """Everything wrong with recording ``new`` next to ``grants``; empty when it may be made.

    ``grants`` needs the source chain of ``new``. It may already hold an older version of
    ``new`` (an edit); ``new`` replaces it, so a chain leading back to ``new`` is a cycle. The
    source chain must be in force at ``new.valid_from`` and carry no revocation at all.
    """
    out: list[Refusal] = []

    def refuse(field: str, rule: str, template: str, article: str, **params: str) -> None:
        out.append(
            Refusal(
                field=field,
                rule=rule,
                template=template,
                params=params,
                article=article,
                grant=new.id,
            )
        )

    if new.valid_to is not None and new.valid_to <= new.valid_from:
        refuse(
            "valid_to",
            "empty_period",
            _T_EMPTY_PERIOD,
            _ART_PERIOD,
            valid_from=_iso(new.valid_from),
            valid_to=_iso(new.valid_to),
        )
    if not new.services:
        refuse("services", "empty_scope", _T_EMPTY_SERVICES, _ART_SCOPE)
    if not new.decisions:
        refuse("decisions", "empty_scope", _T_EMPTY_DECISIONS, _ART_SCOPE)

    if new.kind == GrantKind.ATRIBUSI:
        if new.source_grant is not None:
            refuse("source_grant", "atribusi_has_source", _T_ATRIBUSI_SOURCE, _ART_ORIGIN)
        if new.grantor_position is not None:
            refuse("grantor_position", "atribusi_has_source", _T_ATRIBUSI_GRANTOR, _ART_ORIGIN)
        if not new.legal_basis.regulation.strip().startswith(_LAW_PREFIXES):
            refuse(
                "legal_basis",
                "atribusi_basis_not_law",
                _T_NOT_LAW,
                _ART_ORIGIN,
                regulation=new.legal_basis.regulation,
            )
        return out

    kind = str(new.kind)
    if new.grantor_position is None:
        refuse(
            "grantor_position", "grantor_not_holder", _T_GRANTOR_MISSING, _ART_DERIVED, kind=kind
        )
    elif new.grantor_position == new.holder_position:
        refuse("grantor_position", "self_grant", _T_SELF_GRANT, _ART_DERIVED)

    def get(grant_id: int) -> Grant | None:
        return new if grant_id == new.id else grants.get(grant_id)

    source = None if new.source_grant is None else get(new.source_grant)
    if new.source_grant is None:
        refuse("source_grant", "source_required", _T_SOURCE_REQUIRED, _ART_ORIGIN, kind=kind)
    elif source is None:
        refuse(
            "source_grant",
            "source_required",
            _T_SOURCE_UNKNOWN,
            _ART_ORIGIN,
            source=str(new.source_grant),
        )
    if source is not None and source is not new:
        links = _link_defects(new, source, None, new.id)
        if new.grantor_position is None:
            # Already reported as a missing grantor.
            links = [r for r in links if r.rule != "grantor_not_holder"]
        out.extend(links)
    if source is not None:
        # The whole chain must be in force when the new grant starts and never revoked (a
        # revoked grant cannot be passed on, even back-dated); the walk also ends cycles.
        chain = _walk(
            new,
            get,
            new.valid_from,
            None,
            field="source_grant",
            check_links=False,
            any_revocation=True,
        )
        if isinstance(chain, Refusal):
            out.append(chain)
    if source is not None and source is not new:
        for field, mine, theirs, template in (
            ("services", new.services, source.services, _T_EXCEEDS_SERVICES),
            ("decisions", new.decisions, source.decisions, _T_EXCEEDS_DECISIONS),
        ):
            extra = frozenset[str]() if ANY in theirs else mine - theirs
            if extra:
                refuse(
                    field,
                    "scope_exceeds_source",
                    template,
                    _ART_DERIVED,
                    grant=str(new.id),
                    source=str(source.id),
                    extra=", ".join(sorted(extra)),
                )

    if new.kind == GrantKind.MANDAT:
        strategic = new.decisions & (STRATEGIC_DECISIONS | {ANY})
        if strategic:
            refuse(
                "decisions",
                "mandate_strategic",
                _T_STRATEGIC_CREATE,
                _ART_STRATEGIC,
                decisions=", ".join(sorted(strategic)),
            )
    return out
