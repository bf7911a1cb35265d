"""What a decision (Keputusan) must say, checked before it is issued. Pure: no Django.

UU 30/2014 asks of every decision: the official who issues it and the authority it rests on
(atribusi, delegasi, or a mandat signed "a.n." the mandator, Pasal 1 angka 22-24), the legal
basis, the date, what is decided, the reasons (always for a refusal, Pasal 55 [U]) and the
remedies open to the citizen with their deadlines (keberatan, Pasal 77). The content is frozen
at issue as a JSON mapping; the PDF, the verification page and the QR payload's digest are
all made from it, so what anyone checks is exactly what was decided.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from sinergi.rules import RuleError, Violation, gettext_noop


class Outcome(StrEnum):
    APPROVED = "approved"  # mengabulkan
    REJECTED = "rejected"  # menolak
    DEEMED_GRANTED = "deemed_granted"  # dianggap dikabulkan secara hukum (Pasal 53)


class Defect(StrEnum):
    """The only grounds on which a decision may be annulled (UU 30/2014 Pasal 66 ayat (1))."""

    AUTHORITY = "wewenang"
    PROCEDURE = "prosedur"
    SUBSTANCE = "substansi"


class AnnulledBy(StrEnum):
    """Who annuls (Pasal 66 ayat (3)): the issuing official, their superior, or a court."""

    ISSUER = "pejabat"
    SUPERIOR = "atasan"
    COURT = "pengadilan"


BASIS_KINDS: Final = frozenset({"atribusi", "delegasi", "mandat"})

#: Working days within which an annulment must follow the finding of its defect (Pasal 66).
ANNULMENT_WINDOW_WORKING_DAYS: Final = 5
#: Days to sue at the PTUN after the decision is received or announced (UU 5/1986 Pasal 55).
PTUN_DAYS: Final = 90


@dataclass(frozen=True)
class Facts:
    """Everything the Django layer gathers for a decision, as plain values."""

    number: str
    receipt_number: str
    service_code: str
    service_name: str
    outputs: Sequence[str]
    agency_code: str
    agency_name: str
    place: str
    issued_at: datetime
    outcome: Outcome
    subject_name: str
    subject_nik_masked: str
    authority: Mapping[str, Any] | None
    official_name: str
    service_legal_bases: Sequence[Mapping[str, str]]
    reasons: str
    objection_until: date
    details: Mapping[str, str] = field(default_factory=dict)
    supersedes: str = ""
    objection_working_days: int = 21


def _violation(field_name: str, rule: str, template: str, article: str) -> Violation:
    return Violation(field=field_name, rule=rule, template=template, article=article)


def problems(facts: Facts) -> list[Violation]:
    """The elements UU 30/2014 requires that ``facts`` lacks (empty: it may be issued)."""
    found: list[Violation] = []
    basis = facts.authority
    if facts.outcome is not Outcome.DEEMED_GRANTED:
        if basis is None or basis.get("kind") not in BASIS_KINDS:
            found.append(_violation("authority", "basis_required",
                gettext_noop("A decision states the authority it is made under."),
                "UU 30/2014 Pasal 1 angka 22-24; Pasal 52"))  # fmt: skip
        elif basis["kind"] == "mandat" and not basis.get("on_behalf_of"):
            found.append(_violation("authority", "mandate_signs_on_behalf",
                gettext_noop("A decision under a mandate is signed a.n. the mandator."),
                "UU 30/2014 Pasal 1 angka 24"))  # fmt: skip
    if facts.outcome is Outcome.REJECTED and not facts.reasons.strip():
        found.append(_violation("reasons", "refusal_reasons_required",
            gettext_noop("A refusal states its reasons."), "UU 30/2014 Pasal 55"))  # fmt: skip
    if not facts.service_legal_bases and not (basis or {}).get("legal_bases"):
        found.append(_violation("legal_basis", "legal_basis_required",
            gettext_noop("A decision names its legal basis."), "UU 30/2014 Pasal 52"))  # fmt: skip
    if facts.objection_until < facts.issued_at.date():
        found.append(_violation("remedies", "objection_window",
            gettext_noop("The objection deadline cannot precede the decision."),
            "UU 30/2014 Pasal 77 ayat (1)"))  # fmt: skip
    return found


def _legal_bases(facts: Facts) -> list[dict[str, str]]:
    """The service's legal bases, then the grants' (delegations, mandates), without repeats."""
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, str]] = []
    grant_bases = (facts.authority or {}).get("legal_bases") or []
    for item in [*facts.service_legal_bases, *grant_bases]:
        regulation, article = str(item.get("regulation", "")), str(item.get("article", ""))
        if regulation and (regulation, article) not in seen:
            seen.add((regulation, article))
            out.append({"regulation": regulation, "article": article})
    return out


def build(facts: Facts) -> dict[str, Any]:
    """The frozen content of a decision; RuleError naming every missing element."""
    found = problems(facts)
    if found:
        raise RuleError(*found)
    basis = dict(facts.authority or {})
    return {
        "number": facts.number,
        "receipt_number": facts.receipt_number,
        "service": {"code": facts.service_code, "name": facts.service_name},
        "outputs": list(facts.outputs) if facts.outcome is not Outcome.REJECTED else [],
        "agency": {"code": facts.agency_code, "name": facts.agency_name},
        "place": facts.place,
        "issued_at": facts.issued_at.isoformat(),
        "issued_on": facts.issued_at.date().isoformat(),
        "outcome": facts.outcome.value,
        "subject": {"name": facts.subject_name, "nik": facts.subject_nik_masked},
        "details": dict(facts.details),
        "authority": {
            "kind": basis.get("kind", ""),
            "signature": basis.get("signature", ""),
            "acting_title": basis.get("acting_title", ""),
            "accountable_title": basis.get("accountable_title", ""),
            "on_behalf_of": basis.get("on_behalf_of") or "",
            "electronic": bool(basis.get("electronic")),
            "chain": list(basis.get("chain") or []),
            "by_operation_of_law": facts.outcome is Outcome.DEEMED_GRANTED,
        },
        "official": facts.official_name,
        "legal_bases": _legal_bases(facts),
        "reasons": facts.reasons.strip(),
        "remedies": {
            "objection_until": facts.objection_until.isoformat(),
            "objection_working_days": facts.objection_working_days,
            "objection_to": basis.get("accountable_title") or facts.agency_name,
            "ptun_days": PTUN_DAYS,
        },
        "supersedes": facts.supersedes,
    }


def mask_name(name: str) -> str:
    """A person's name as the public verification page shows it: each word's first letter
    and its length kept ("Siti Rahmawati" -> "S*** R********")."""
    return " ".join(word[0] + "*" * (len(word) - 1) if word else "" for word in name.split())


def public_summary(content: Mapping[str, Any]) -> dict[str, Any]:
    """What the public verification page shows: what was decided, by whom, under what
    authority; the subject's name masked, no NIK, no application details."""
    return {
        "number": content["number"],
        "service": content["service"],
        "agency": content["agency"],
        "issued_on": content["issued_on"],
        "outcome": content["outcome"],
        "outputs": content["outputs"],
        "subject": mask_name(content["subject"]["name"]),
        "authority": {
            "kind": content["authority"]["kind"],
            "signature": content["authority"]["signature"],
            "electronic": content["authority"]["electronic"],
            "by_operation_of_law": content["authority"]["by_operation_of_law"],
        },
        "legal_bases": content["legal_bases"],
    }


def annulment_problems(
    defect: str,
    annulled_by: str,
    reasons: str,
    legal_basis: str,
    reference: str,
    discovered_on: date,
    today: date,
) -> list[Violation]:
    """An annulment names its defect (only wewenang, prosedur or substansi), who annuls, its
    reasons and the legal basis of the act that annuls (Pasal 64, 66); a court's annulment
    names the court's decision."""
    found: list[Violation] = []
    if defect not in {d.value for d in Defect}:
        found.append(_violation("defect", "defect_not_lawful",
            gettext_noop("A decision can be annulled only for a defect of authority, "
                         "procedure or substance."), "UU 30/2014 Pasal 66 ayat (1)"))  # fmt: skip
    if annulled_by not in {a.value for a in AnnulledBy}:
        found.append(_violation("annulled_by", "annulled_by_unknown",
            gettext_noop("Say who annuls: pejabat, atasan or pengadilan."),
            "UU 30/2014 Pasal 66 ayat (3)"))  # fmt: skip
    elif annulled_by == AnnulledBy.COURT and not reference.strip():
        found.append(_violation("reference", "court_reference_required",
            gettext_noop("Give the number of the court's decision."),
            "UU 30/2014 Pasal 66 ayat (3)"))  # fmt: skip
    if not reasons.strip():
        found.append(_violation("reasons", "reasons_required",
            gettext_noop("State the reasons for the annulment."),
            "UU 30/2014 Pasal 66"))  # fmt: skip
    if not legal_basis.strip():
        found.append(_violation("legal_basis", "legal_basis_required",
            gettext_noop("Name the legal basis of the annulment."),
            "UU 30/2014 Pasal 66 ayat (2)"))  # fmt: skip
    if discovered_on > today:
        found.append(_violation("discovered_on", "discovered_in_future",
            gettext_noop("The defect cannot have been found in the future."), ""))  # fmt: skip
    return found
