"""The process-definition validator: the step graph, conditions, authority (UU 30/2014 Pasal 8
ayat (2): officials act only under authority), SLAs and deemed grants (Pasal 53 as amended by
UU 6/2023), counters, and the five service patterns.

Each case starts from a valid variant (the SAMSAT variants of DESIGN.md's worked example, a satu
pintu billboard licence at a DPMPTSP and a terpusat halal certification; the last two are
illustrative), breaks one rule, and asserts exactly which rules break, at which field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from sinergi.catalog.definitions import AuthorityNeed, Step, parse_definition
from sinergi.catalog.validation import (
    AuthorityAnswer,
    AuthorityCheck,
    application_of,
    topological_order,
    validate_definition,
    validate_or_raise,
)
from sinergi.rules import RuleError, Violation
from tests.catalog.test_figures import (
    BAPENDA,
    HOURS_1,
    JASA_RAHARJA,
    JR_OFFICE,
    POLDA,
    SAMSAT_JAKPUS,
    SERVICE,
    Raw,
    changed,
    need,
    samsat_elektronik,
    samsat_satu_atap,
    samsat_teknis_fungsional,
    step_index,
)

DPMPTSP, PUPR, BAPENDA_BDG = (
    "dpmptsp-kota-bandung",
    "dinas-pupr-kota-bandung",
    "bapenda-kota-bandung",
)
BPJPH, LPH, MUI = "bpjph", "lph-lppom", "mui"
REKLAME, HALAL = "izin-reklame", "sertifikat-halal"
DAYS_5 = {"amount": 5, "unit": "working_days"}


def satu_pintu_reklame() -> Raw:
    """Illustrative: the DPMPTSP decides and issues a billboard licence under authority the
    Wali Kota delegated to it; the Dinas PUPR recommends, the Bapenda verifies the tax."""

    def step(id_: str, kind: str, agency: str, decision: str, **more: Any) -> Raw:
        return {"id": id_, "kind": kind, "agency": agency, "sla": DAYS_5,
                "authority": {"service": REKLAME, "decision": decision}, **more}  # fmt: skip

    return {
        "service": REKLAME, "variant": "satu-pintu", "pattern": "satu_pintu", "intake": "online",
        "decider": DPMPTSP, "illustrative": True, "deemed_granted_after": DAYS_5,
        "example": {"luas_m2": 12},
        "steps": [
            step("berkas", "verify", DPMPTSP, "verifikasi-berkas", channel="online"),
            step("rekomendasi", "recommend", PUPR, "rekomendasi-teknis", after=["berkas"],
                 when="luas_m2 > 8"),
            step("pajak", "verify", BAPENDA_BDG, "verifikasi-pajak", after=["berkas"]),
            step("keputusan", "decide", DPMPTSP, "penerbitan-izin", after=["rekomendasi", "pajak"],
                 on_timeout="deem_granted", position="kabid-perizinan"),
            step("terbit", "issue", DPMPTSP, "penerbitan-izin", after=["keputusan"]),
        ],
    }  # fmt: skip


def terpusat_halal() -> Raw:
    """Illustrative: BPJPH takes the application and issues the certificate; an LPH audits,
    the MUI's fatwa commission decides."""

    def step(id_: str, kind: str, agency: str, decision: str, after: str) -> Raw:
        return {"id": id_, "kind": kind, "agency": agency, "after": [after], "sla": DAYS_5,
                "authority": {"service": HALAL, "decision": decision}}  # fmt: skip

    return {
        "service": HALAL, "variant": "terpusat", "pattern": "terpusat", "decider": BPJPH,
        "illustrative": True,
        "steps": [
            {"id": "pengajuan", "kind": "citizen", "agency": BPJPH, "channel": "online"},
            step("verifikasi", "verify", BPJPH, "verifikasi-dokumen", "pengajuan"),
            step("pemeriksaan", "assess", LPH, "pemeriksaan-produk", "verifikasi"),
            step("fatwa", "decide", MUI, "penetapan-kehalalan", "pemeriksaan"),
            step("sertifikat", "issue", BPJPH, "penerbitan-sertifikat", "fatwa"),
        ],
    }  # fmt: skip


# Who holds what, as the registry would answer (agency, decision) -> grant kind.
HOLDINGS: dict[tuple[str, str], str] = {
    (POLDA, "verifikasi-kendaraan"): "atribusi",
    (BAPENDA, "penetapan-pkb"): "delegasi",
    (POLDA, "pengesahan-stnk"): "atribusi",
    (DPMPTSP, "verifikasi-berkas"): "delegasi",
    (PUPR, "rekomendasi-teknis"): "atribusi",
    (BAPENDA_BDG, "verifikasi-pajak"): "delegasi",
    (BAPENDA_BDG, "penetapan-pajak"): "delegasi",
    (DPMPTSP, "penerbitan-izin"): "delegasi",
    (BPJPH, "verifikasi-dokumen"): "atribusi",
    (BPJPH, "penerbitan-sertifikat"): "atribusi",
    (LPH, "pemeriksaan-produk"): "mandat",
    (MUI, "penetapan-kehalalan"): "atribusi",
}


def holdings(table: Mapping[tuple[str, str], str]) -> AuthorityCheck:
    def check(agency: str, need: AuthorityNeed, position: str | None) -> AuthorityAnswer | None:
        kind = table.get((agency, need.decision))
        return AuthorityAnswer(kind, position or f"kepala-{agency}") if kind else None

    return check


GRANTS = holdings(HOLDINGS)
BASES: dict[str, Callable[[], Raw]] = {
    "teknis_fungsional": samsat_teknis_fungsional,
    "satu_atap": samsat_satu_atap,
    "satu_pintu": satu_pintu_reklame,
    "terpusat": terpusat_halal,
    "elektronik": samsat_elektronik,
}


# --- mutations ---------------------------------------------------------------------------------

Change = Callable[[Raw], None]


def set_step(step_id: str, **values: Any) -> Change:
    def change(raw: Raw) -> None:
        raw["steps"][step_index(raw, step_id)].update(values)

    return change


def drop(step_id: str, *keys: str) -> Change:
    def change(raw: Raw) -> None:
        for key in keys:
            del raw["steps"][step_index(raw, step_id)][key]

    return change


def set_top(**values: Any) -> Change:
    def change(raw: Raw) -> None:
        raw.update(values)

    return change


def drop_top(key: str) -> Change:
    def change(raw: Raw) -> None:
        del raw[key]

    return change


def add_step(step: Raw) -> Change:
    def change(raw: Raw) -> None:
        raw["steps"].append(step)

    return change


def remove_steps(*step_ids: str) -> Change:
    def change(raw: Raw) -> None:
        raw["steps"] = [s for s in raw["steps"] if s["id"] not in step_ids]

    return change


def both(*changes: Change) -> Change:
    def change(raw: Raw) -> None:
        for one in changes:
            one(raw)

    return change


def copy_of(step_id: str) -> Change:
    def change(raw: Raw) -> None:
        raw["steps"].append(dict(raw["steps"][step_index(raw, step_id)]))

    return change


def no_applications(raw: Raw) -> None:
    for step in raw["steps"]:
        step.pop("application", None)


# --- the valid variants ----------------------------------------------------------------------


@pytest.mark.parametrize("pattern", BASES)
def test_valid_variants_pass(pattern: str) -> None:
    definition = parse_definition(BASES[pattern]())
    assert definition.pattern == pattern
    assert validate_definition(definition, authority=GRANTS) == []
    assert validate_definition(definition) == []
    assert validate_or_raise(definition, authority=GRANTS) is definition


# --- one broken rule at a time -----------------------------------------------------------------

# (base pattern, change, {(rule, field)}): exactly these violations, each once.
CASES: dict[str, tuple[str, Change, set[tuple[str, str]]]] = {
    # The step graph.
    "step_duplicate_id": ("satu_atap", copy_of("pengesahan"), {
        ("step_duplicate_id", "steps[4].id")}),
    "step_duplicate_id_breaks_the_chain": ("satu_atap", set_step("penetapan", id="verifikasi"), {
        ("step_duplicate_id", "steps[1].id"),
        ("step_unknown_after", "steps[2].after"),
        ("step_unreachable", "steps[3].after")}),
    "step_unknown_after": ("satu_atap", set_step("pembayaran", after=["penetapan", "penetapn"]), {
        ("step_unknown_after", "steps[2].after"),
        ("step_unreachable", "steps[3].after")}),
    "step_cycle": ("satu_atap", set_step("penetapan", after=["verifikasi", "pembayaran"]), {
        ("step_cycle", "steps[1].after"),
        ("step_unreachable", "steps[3].after")}),
    "step_cycle_of_one": ("satu_atap", set_step("verifikasi", after=["verifikasi"]), {
        ("no_root_step", "steps"),
        ("step_cycle", "steps[0].after"),
        ("step_unreachable", "steps[1].after"),
        ("step_unreachable", "steps[2].after"),
        ("step_unreachable", "steps[3].after")}),
    "no_root_step": ("satu_atap", set_step("verifikasi", after=["pengesahan"]), {
        ("no_root_step", "steps"),
        ("step_cycle", "steps[0].after")}),
    # Conditions.
    "expression_unsafe": ("satu_atap", set_step("pembayaran", when="__import__('os')"), {
        ("expression_unsafe", "steps[2].when")}),
    "expression_unsafe_not_text": ("satu_atap", set_step("pembayaran", when=5), {
        ("expression_unsafe", "steps[2].when")}),
    "condition_unknown_name": ("satu_atap", set_step("pembayaran", when="not bebas_swdkll"), {
        ("condition_unknown_name", "steps[2].when")}),
    # Authority.
    "authority_missing": ("satu_atap", drop("penetapan", "authority"), {
        ("authority_missing", "steps[1].authority")}),
    "step_without_authority": ("satu_atap", set_step("penetapan", authority=need("bbnkb")), {
        ("step_without_authority", "steps[1].authority")}),
    # SLA and time-outs.
    "sla_missing": ("satu_atap", drop("penetapan", "sla"), {("sla_missing", "steps[1].sla")}),
    "deem_granted_kind": ("satu_atap", set_step("penetapan", on_timeout="deem_granted"), {
        ("deem_granted_kind", "steps[1].on_timeout")}),
    "deemed_granted_without_decision": ("satu_atap", both(
        set_step("pengesahan", kind="verify"), set_top(deemed_granted_after=HOURS_1)), {
        ("deemed_granted_without_decision", "deemed_granted_after")}),
    # Counters.
    "counter_location_missing": ("satu_atap", drop("pembayaran", "location"), {
        ("counter_location_missing", "steps[2].location")}),
    "counter_label_missing": ("satu_atap", drop("pembayaran", "counter"), {
        ("counter_label_missing", "steps[2].counter")}),
    "place_without_counter": ("elektronik", set_step("penetapan", location=JR_OFFICE,
                                                     counter="kasir"), {
        ("place_without_counter", "steps[1].location"),
        ("place_without_counter", "steps[1].counter")}),
    # Teknis fungsional.
    "teknis_fungsional_intake": ("teknis_fungsional", set_top(intake="front_desk"), {
        ("teknis_fungsional_intake", "intake")}),
    "teknis_fungsional_shared_application": (
        "teknis_fungsional", set_step("penetapan", application="polda-cek"), {
        ("teknis_fungsional_shared_application", "steps[1].application"),
        ("teknis_fungsional_handoff", "steps[1].after")}),
    "teknis_fungsional_application_reentered": (
        "teknis_fungsional", set_step("pengesahan", application="polda-cek"), {
        ("teknis_fungsional_application_reentered", "steps[3].application")}),
    "teknis_fungsional_default_application_reentered": ("teknis_fungsional", no_applications, {
        ("teknis_fungsional_application_reentered", "steps[3].application")}),
    # Satu atap.
    "satu_atap_one_agency": ("satu_atap", remove_steps("penetapan", "pembayaran"), {
        ("satu_atap_one_agency", "steps"),
        ("step_unknown_after", "steps[1].after")}),
    "satu_atap_service_point_missing": ("satu_atap", drop_top("service_point"), {
        ("satu_atap_service_point_missing", "service_point")}),
    "satu_atap_intake": ("satu_atap", set_top(intake="online"), {
        ("satu_atap_intake", "intake")}),
    "satu_atap_counter_elsewhere": ("satu_atap", set_step("pembayaran", location=JR_OFFICE), {
        ("satu_atap_counter_elsewhere", "steps[2].location")}),
    "application_not_integrated": ("satu_atap", set_step("pembayaran", application="jr"), {
        ("application_not_integrated", "steps[2].application")}),
    # Satu pintu.
    "satu_pintu_decider_missing": ("satu_pintu", drop_top("decider"), {
        ("decider_missing", "decider")}),
    "satu_pintu_decision_elsewhere": ("satu_pintu", set_step("keputusan", agency=PUPR), {
        ("satu_pintu_decision_elsewhere", "steps[3].agency"),
        ("step_without_authority", "steps[3].authority")}),
    "satu_pintu_other_agency_step": ("satu_pintu", set_step(
        "pajak", kind="assess", authority={"service": REKLAME, "decision": "penetapan-pajak"}), {
        ("satu_pintu_other_agency_step", "steps[2].kind")}),
    "application_not_integrated_satu_pintu": ("satu_pintu", set_step("pajak", application="x"), {
        ("application_not_integrated", "steps[2].application")}),
    # Terpusat.
    "terpusat_decider_missing": ("terpusat", drop_top("decider"), {
        ("decider_missing", "decider")}),
    "terpusat_root_elsewhere": ("terpusat", set_step("pengajuan", agency=LPH), {
        ("terpusat_root_elsewhere", "steps[0].agency")}),
    "terpusat_issue_elsewhere": ("terpusat", set_step("fatwa", kind="issue"), {
        ("terpusat_issue_elsewhere", "steps[3].agency")}),
    # Elektronik.
    "elektronik_intake": ("elektronik", set_top(intake="front_desk"), {
        ("elektronik_intake", "intake")}),
    "elektronik_in_person": ("elektronik", set_step("verifikasi", channel="counter",
                                                    location=SAMSAT_JAKPUS, counter="cek-fisik"), {
        ("elektronik_in_person", "steps[0].channel")}),
    "elektronik_manual_check": ("elektronik", set_step("verifikasi", channel="back_office"), {
        ("elektronik_manual_check", "steps[0].channel")}),
    "elektronik_manual_decision": ("elektronik", set_step("pengesahan", channel="back_office"), {
        ("elektronik_manual_decision", "steps[3].channel")}),
    "elektronik_online_is_not_automatic": ("elektronik", set_step("pengesahan", channel="online"), {
        ("elektronik_manual_decision", "steps[3].channel")}),
}  # fmt: skip


@pytest.mark.parametrize(("base", "change", "expected"), CASES.values(), ids=CASES.keys())
def test_rule(base: str, change: Change, expected: set[tuple[str, str]]) -> None:
    definition = changed(BASES[base](), change)
    violations = validate_definition(definition, authority=GRANTS)
    assert sorted((v.rule, v.field) for v in violations) == sorted(expected)
    for violation in violations:
        message = violation.message  # every template formats with its params
        if violation.field.startswith("steps["):
            index = int(violation.field[len("steps[") :].split("]")[0])
            assert definition.steps[index].id in message


def _only(violations: list[Violation], rule: str) -> Violation:
    [violation] = [v for v in violations if v.rule == rule]
    return violation


def test_no_steps_is_no_root_step() -> None:
    definition = dataclasses.replace(parse_definition(samsat_elektronik()), steps=())
    assert [(v.rule, v.field) for v in validate_definition(definition)] == [
        ("no_root_step", "steps")
    ]


def test_step_cycle_names_the_cycle_in_running_order() -> None:
    definition = changed(samsat_satu_atap(), CASES["step_cycle"][1])
    violations = validate_definition(definition)
    cycle = _only(violations, "step_cycle")
    assert cycle.params["cycle"] == "penetapan -> pembayaran -> penetapan"
    assert cycle.params["steps"] == "penetapan, pembayaran"
    assert _only(violations, "step_unreachable").params["blocked_by"] == "penetapan, pembayaran"


def test_step_unreachable_names_the_unknown_step_it_waits_for() -> None:
    definition = changed(samsat_satu_atap(), set_step("penetapan", after=["cek-fisik"]))
    violations = validate_definition(definition)
    assert _only(violations, "step_unknown_after").params["missing"] == "cek-fisik"
    unreachable = [v for v in violations if v.rule == "step_unreachable"]
    assert [(v.field, v.params["blocked_by"]) for v in unreachable] == [
        ("steps[2].after", "penetapan"),
        ("steps[3].after", "penetapan"),
    ]


def test_condition_unknown_name_lists_the_declared_fields() -> None:
    definition = changed(samsat_satu_atap(), CASES["condition_unknown_name"][1])
    violation = _only(validate_definition(definition), "condition_unknown_name")
    assert violation.params["name"] == "bebas_swdkll"
    assert violation.params["known"] == "bebas_swdkllj, mutasi"


def test_condition_literals_and_declared_names_pass() -> None:
    definition = changed(
        samsat_satu_atap(),
        set_step("pembayaran", when="mutasi == true and not bebas_swdkllj or null == false"),
    )
    assert validate_definition(definition, authority=GRANTS) == []


def test_citizen_and_pay_steps_need_no_authority_nor_citizen_an_sla() -> None:
    raw = terpusat_halal()
    assert "sla" not in raw["steps"][0]
    assert "authority" not in raw["steps"][0]
    assert validate_definition(parse_definition(raw), authority=GRANTS) == []
    pay = changed(samsat_satu_atap(), drop("pembayaran", "sla"))
    assert [v.rule for v in validate_definition(pay)] == ["sla_missing"]


def test_authority_is_asked_for_the_step_position() -> None:
    asked: list[tuple[str, AuthorityNeed, str | None]] = []

    def check(agency: str, need: AuthorityNeed, position: str | None) -> AuthorityAnswer | None:
        asked.append((agency, need, position))
        return GRANTS(agency, need, position)

    validate_or_raise(parse_definition(satu_pintu_reklame()), authority=check)
    assert (DPMPTSP, AuthorityNeed(REKLAME, "penerbitan-izin"), "kabid-perizinan") in asked
    assert (DPMPTSP, AuthorityNeed(REKLAME, "penerbitan-izin"), None) in asked
    assert len(asked) == 5


def test_without_authority_callback_holdings_are_not_checked() -> None:
    definition = changed(samsat_satu_atap(), CASES["step_without_authority"][1])
    assert validate_definition(definition) == []
    assert [v.rule for v in validate_definition(definition, authority=GRANTS)] == [
        "step_without_authority"
    ]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("atribusi", ["steps[3].authority", "steps[4].authority"]),
        ("delegasi", []),
        ("mandat", []),
    ],
)
def test_satu_pintu_needs_transfer(kind: str, expected: list[str]) -> None:
    """The DPMPTSP decides under authority the agencies concerned transferred to it, by
    delegasi or by mandat signed "a.n." (UU 30/2014 Pasal 13 and 14); never as its own."""
    grants = holdings({**HOLDINGS, (DPMPTSP, "penerbitan-izin"): kind})
    definition = parse_definition(satu_pintu_reklame())
    violations = validate_definition(definition, authority=grants)
    assert [v.field for v in violations] == expected
    assert {v.rule for v in violations} <= {"satu_pintu_needs_transfer"}
    assert all(v.params["kind"] == "atribusi" for v in violations)
    assert validate_definition(definition) == []  # without grants, nothing to compare


def test_satu_pintu_others_only_recommend_or_verify() -> None:
    for kind in ("recommend", "verify"):
        definition = changed(satu_pintu_reklame(), set_step("rekomendasi", kind=kind))
        assert validate_definition(definition, authority=GRANTS) == []


def test_elektronik_online_check_passes_and_back_office_assessment_is_allowed() -> None:
    definition = changed(
        samsat_elektronik(),
        both(
            set_step("verifikasi", channel="online"), set_step("penetapan", channel="back_office")
        ),
    )
    assert validate_definition(definition, authority=GRANTS) == []


def test_validate_or_raise_carries_every_violation() -> None:
    definition = changed(
        samsat_satu_atap(), both(drop("penetapan", "sla"), set_top(intake="online"))
    )
    with pytest.raises(RuleError) as error:
        validate_or_raise(definition, authority=GRANTS)
    assert [(v.rule, v.field) for v in error.value.violations] == [
        ("sla_missing", "steps[1].sla"),
        ("satu_atap_intake", "intake"),
    ]


def test_deemed_granted_cites_pasal_53() -> None:
    definition = changed(samsat_satu_atap(), CASES["deem_granted_kind"][1])
    [violation] = validate_definition(definition)
    assert "Pasal 53" in violation.article


# --- helpers the figures and the engine share -------------------------------------------------


def test_topological_order_keeps_definition_order_on_ties() -> None:
    raw = satu_pintu_reklame()
    raw["steps"].reverse()
    order = [s.id for s in topological_order(parse_definition(raw))]
    assert order == ["berkas", "pajak", "rekomendasi", "keputusan", "terbit"]


def test_topological_order_refuses_a_graph_that_is_not_a_dag() -> None:
    definition = changed(samsat_satu_atap(), CASES["step_unknown_after"][1])
    with pytest.raises(RuleError) as error:
        topological_order(definition)
    assert [v.rule for v in error.value.violations] == ["step_unknown_after", "step_unreachable"]


@pytest.mark.parametrize(
    ("pattern", "application", "expected"),
    [
        ("teknis_fungsional", None, POLDA),
        ("teknis_fungsional", "polda-cek", "polda-cek"),
        ("satu_atap", None, None),
        ("satu_atap", "jr", "jr"),
    ],
)
def test_application_of(pattern: str, application: str | None, expected: str | None) -> None:
    definition = parse_definition(BASES[pattern]())
    step = Step(id="x", kind=definition.steps[0].kind, agency=POLDA, title="x",
                application=application)  # fmt: skip
    assert application_of(definition, step) == expected


def test_bases_share_the_worked_example_agencies() -> None:
    agencies = {s.agency for s in parse_definition(samsat_satu_atap()).steps}
    assert agencies == {POLDA, BAPENDA, JASA_RAHARJA}
    assert parse_definition(samsat_satu_atap()).service == SERVICE
