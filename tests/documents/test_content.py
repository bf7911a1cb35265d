"""The elements of a decision (UU 30/2014), as pure rules: what may be issued, what may be
annulled, and what the public sees."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from sinergi.documents import content, payload
from sinergi.rules import RuleError

ISSUED = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
DAY = ISSUED.date()
P66 = "UU 30/2014 Pasal 66"
MANDATE = {
    "kind": "mandat",
    "signature": "a.n. Kepala DPMPTSP Kota Bandung / Kabid Perizinan",
    "on_behalf_of": "Kepala DPMPTSP Kota Bandung",
    "acting_title": "Kabid Perizinan",
    "accountable_title": "Kepala DPMPTSP Kota Bandung",
    "chain": [3, 7],
    "legal_bases": [{"regulation": "Perwali Bandung 1/2026", "article": "Pasal 3"}],
}
FACTS = content.Facts(
    number="00001/DPMPTSP-BANDUNG/2026",
    receipt_number="SNG-2026-ABCDEFGH",
    service_code="izin-usaha",
    service_name="Perizinan Berusaha Berbasis Risiko",
    outputs=["NIB"],
    agency_code="dpmptsp-bandung",
    agency_name="DPMPTSP Kota Bandung",
    place="Kota Bandung",
    issued_at=ISSUED,
    outcome=content.Outcome.APPROVED,
    subject_name="Siti Rahayu",
    subject_nik_masked="************0001",
    authority=MANDATE,
    official_name="Rina Kabid",
    service_legal_bases=[{"regulation": "PP 28/2025", "article": "", "url": ""}],
    reasons="",
    objection_until=date(2027, 1, 4),
)


def rules_broken(**changes: Any) -> set[str]:
    return {v.rule for v in content.problems(dataclasses.replace(FACTS, **changes))}


def test_a_complete_decision_may_be_issued() -> None:
    assert content.problems(FACTS) == []
    built = content.build(FACTS)
    assert built["authority"]["on_behalf_of"] == "Kepala DPMPTSP Kota Bandung"
    # The service's legal basis first, then the grants' (the mandate), without repeats.
    assert [b["regulation"] for b in built["legal_bases"]] == [
        "PP 28/2025",
        "Perwali Bandung 1/2026",
    ]


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        # Pasal 1 angka 22-24, 52: every decision names the authority it rests on.
        ({"authority": None}, "basis_required"),
        ({"authority": {**MANDATE, "kind": "kebiasaan"}}, "basis_required"),
        # Pasal 1 angka 24: under a mandate it is signed a.n. the mandator.
        ({"authority": {**MANDATE, "on_behalf_of": ""}}, "mandate_signs_on_behalf"),
        # Pasal 55: a refusal states its reasons.
        ({"outcome": content.Outcome.REJECTED, "reasons": "  "}, "refusal_reasons_required"),
        # Pasal 52: a legal basis.
        (
            {"service_legal_bases": [], "authority": {**MANDATE, "legal_bases": []}},
            "legal_basis_required",
        ),
        # Pasal 77: the keberatan window runs after the decision.
        ({"objection_until": date(2026, 11, 30)}, "objection_window"),
    ],
)
def test_a_decision_missing_an_element_is_refused(changes: dict[str, Any], rule: str) -> None:
    assert rule in rules_broken(**changes)
    with pytest.raises(RuleError):
        content.build(dataclasses.replace(FACTS, **changes))


def test_a_deemed_grant_needs_no_official_basis() -> None:
    """UU 30/2014 Pasal 53: granted by operation of law when the deadline passed."""
    built = content.build(
        dataclasses.replace(FACTS, outcome=content.Outcome.DEEMED_GRANTED, authority=None)
    )
    assert built["authority"]["by_operation_of_law"] is True


def test_a_refusal_issues_nothing() -> None:
    built = content.build(
        dataclasses.replace(FACTS, outcome=content.Outcome.REJECTED, reasons="Tidak lengkap.")
    )
    assert built["outputs"] == []
    assert built["reasons"] == "Tidak lengkap."


@pytest.mark.parametrize(
    ("defect", "by", "reasons", "basis", "reference", "found", "rule"),
    [
        ("politik", "pejabat", "r", P66, "", DAY, "defect_not_lawful"),
        ("prosedur", "menteri", "r", P66, "", DAY, "annulled_by_unknown"),
        ("prosedur", "pengadilan", "r", P66, "", DAY, "court_reference_required"),
        ("prosedur", "pejabat", "", P66, "", DAY, "reasons_required"),
        ("prosedur", "pejabat", "r", " ", "", DAY, "legal_basis_required"),
        ("prosedur", "pejabat", "r", P66, "", DAY + timedelta(days=1), "discovered_in_future"),
    ],
)  # fmt: skip
def test_annulment_only_for_a_lawful_defect(
    defect: str, by: str, reasons: str, basis: str, reference: str, found: date, rule: str
) -> None:
    """Pasal 66: a defect of wewenang, prosedur or substansi, with reasons and a legal basis."""
    today = date(2026, 12, 1)
    broken = {v.rule for v in content.annulment_problems(
        defect, by, reasons, basis, reference, found, today)}  # fmt: skip
    assert rule in broken


@pytest.mark.parametrize("defect", ["wewenang", "prosedur", "substansi"])
def test_each_lawful_defect_may_annul(defect: str) -> None:
    assert content.annulment_problems(
        defect, "pengadilan", "r", "UU 30/2014 Pasal 66", "PTUN 12/G/2026", date(2026, 1, 1),
        date(2026, 12, 1),
    ) == []  # fmt: skip


def test_the_public_sees_a_masked_name_and_no_nik() -> None:
    summary = content.public_summary(content.build(FACTS))
    assert summary["subject"] == "S*** R*****"
    assert "subject_nik" not in str(summary)
    assert "************0001" not in str(summary)


def test_a_payload_round_trips_and_any_change_breaks_it() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    kid = payload.key_id(key.public_key())
    digest = payload.content_digest(content.build(FACTS))
    claims = {"i": "x", "n": FACTS.number, "a": "dpmptsp-bandung", "d": "2026-12-01",
              "o": "approved", "h": digest, "k": kid}  # fmt: skip
    text = payload.sign(claims, key)
    assert payload.verify(text, {kid: key.public_key()}).valid
    # The agency named must own the key.
    wrong = payload.verify(text, {kid: key.public_key()}, {kid: "bapenda-dki"})
    assert wrong.reason == payload.WRONG_AGENCY
    other = ec.generate_private_key(ec.SECP256R1())
    assert payload.verify(text, {kid: other.public_key()}).reason == payload.BAD_SIGNATURE
    assert payload.verify(text, {}).reason == payload.UNKNOWN_KEY
    head, body, signature = text.split(".")
    for broken in (f"{head}.{body[:-2]}.{signature}", f"SNG2.{body}.{signature}", "x.y.z"):
        assert not payload.verify(broken, {kid: key.public_key()}).valid
