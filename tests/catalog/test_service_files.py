"""The bundled service files (catalog/services/*.yaml): complete, parseable, lawful.

Each file is one service or life event in CPSV-AP shape with the 14 components of the standar
pelayanan (PermenPANRB 15/2014; UU 25/2009 Pasal 21) and its process variants. Every step that
decides must be covered by an authority grant of the demo manifest held by a position of the
step's agency (UU 30/2014 Pasal 8 ayat (2)); the variants must pass the pattern validator, and
the annual SAMSAT service must reproduce DESIGN.md's doors and hand-offs table exactly.

Pure: no database. The manifest is read as TOML and the registry's agencies as CSV.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from sinergi.catalog.definitions import (
    AuthorityNeed,
    Channel,
    Definition,
    Pattern,
    Step,
    StepKind,
    Unit,
    parse_definition,
)
from sinergi.catalog.expressions import compile_expression
from sinergi.catalog.fees import DEFAULT_SETTINGS, FORMULAS
from sinergi.catalog.figures import Figures, figures, happy_path
from sinergi.catalog.validation import AuthorityAnswer, validate_definition
from sinergi.demo.manifest import MANIFEST

SRC = Path(__file__).resolve().parents[2] / "src" / "sinergi"
SERVICES = SRC / "catalog" / "services"
AGENCIES_CSV = SRC / "registry" / "data" / "agencies.csv"

TOP_LEVEL_KEYS = (
    "code", "kind", "name", "name_en", "description", "type", "coordinator",
    "competent_authorities", "legal_basis", "requirements", "output", "fee_formula",
    "processing_time", "channels", "standard", "bundles", "form", "variants",
)  # fmt: skip
#: The 14 components of a service standard, in the order of regulations.md section 3.2.
STANDARD = (
    "persyaratan", "sistem_mekanisme_prosedur", "jangka_waktu", "biaya_tarif",
    "produk_pelayanan", "penanganan_pengaduan", "dasar_hukum", "sarana_prasarana",
    "kompetensi_pelaksana", "pengawasan_internal", "jumlah_pelaksana", "jaminan_pelayanan",
    "jaminan_keamanan", "evaluasi_kinerja",
)  # fmt: skip
EXPECTED_SERVICES = {"samsat-tahunan", "samsat-lima-tahunan", "izin-usaha", "kelahiran",
                     "pbg-bandung"}  # fmt: skip
# DESIGN.md, "Doors and hand-offs": (visits, counters), hand-offs, citizen carries.
SAMSAT_TABLE = {
    "teknis-fungsional": Figures(visits=4, counters=4, handoffs=0, carries=3),
    "satu-atap": Figures(visits=1, counters=4, handoffs=3, carries=0),
    "elektronik": Figures(visits=0, counters=0, handoffs=3, carries=0),
}
_PRECEDENCE = {"atribusi": 0, "delegasi": 1, "mandat": 2}


# --- reading the files ----------------------------------------------------------------------


def service_paths() -> list[Path]:
    return sorted(SERVICES.glob("*.yaml"))


@cache
def load(path: Path) -> dict[str, Any]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(raw, dict), path.name
    return raw


@cache
def services() -> dict[str, dict[str, Any]]:
    return {load(path)["code"]: load(path) for path in service_paths()}


def definitions(raw: Mapping[str, Any]) -> list[Definition]:
    return [parse_definition(variant) for variant in raw["variants"]]


def all_definitions() -> Iterator[tuple[str, Definition]]:
    for code, raw in services().items():
        for definition in definitions(raw):
            yield code, definition


@cache
def manifest() -> dict[str, Any]:
    with MANIFEST.open("rb") as handle:
        return tomllib.load(handle)


@cache
def agency_codes() -> frozenset[str]:
    with AGENCIES_CSV.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["code"] for row in csv.DictReader(handle))


@cache
def position_agency() -> dict[str, str]:
    return {p["code"]: p["agency"] for p in manifest()["positions"]}


@cache
def service_point_counters() -> dict[str, dict[str, str]]:
    """Service point code -> {counter label: agency}."""
    return {
        point["code"]: {label: agency for label, agency in point["counters"]}
        for point in manifest()["service_points"]
    }


def covers(grant: Mapping[str, Any], need: AuthorityNeed) -> bool:
    return (need.service in grant["services"] or "*" in grant["services"]) and (
        need.decision in grant["decisions"] or "*" in grant["decisions"]
    )


def manifest_authority(
    agency: str, need: AuthorityNeed, position: str | None
) -> AuthorityAnswer | None:
    """The strongest manifest grant held by a position of ``agency`` (or by ``position``)
    that covers ``need``: the validator's AuthorityCheck, built from the demo manifest."""
    found: list[tuple[int, str, str]] = []
    for grant in manifest()["grants"]:
        holder = grant["holder"]
        if position_agency()[holder] != agency or (position and holder != position):
            continue
        if covers(grant, need):
            found.append((_PRECEDENCE[grant["kind"]], grant["kind"], holder))
    if not found:
        return None
    _, kind, holder = min(found)
    return AuthorityAnswer(kind=kind, position=holder)


def step_where(code: str, definition: Definition, step: Step) -> str:
    return f"{code}/{definition.variant}/{step.id}"


# --- the files ------------------------------------------------------------------------------


def test_the_five_demo_services_are_there() -> None:
    assert set(services()) == EXPECTED_SERVICES
    assert [path.stem for path in service_paths()] == sorted(EXPECTED_SERVICES)


@pytest.mark.parametrize("path", service_paths(), ids=lambda p: p.stem)
def test_a_service_file_has_every_top_level_key(path: Path) -> None:
    raw = load(path)
    assert set(raw) == set(TOP_LEVEL_KEYS), set(raw) ^ set(TOP_LEVEL_KEYS)
    assert raw["code"] == path.stem
    assert raw["kind"] in {"service", "life_event"}
    assert raw["type"] in {"administratif", "jasa", "barang", "regulatif"}
    for key in ("name", "name_en", "description", "output", "legal_basis", "requirements",
                "channels", "form", "variants"):  # fmt: skip
        assert raw[key], f"{path.name}: {key} is empty"
    assert all({"regulation", "article", "url"} <= set(b) for b in raw["legal_basis"])
    assert all({"code", "name", "evidence"} <= set(r) for r in raw["requirements"])
    assert set(raw["channels"]) <= {c.value for c in Channel}
    processing = raw["processing_time"]
    assert isinstance(processing["amount"], int)
    assert processing["amount"] > 0
    assert processing["unit"] in {u.value for u in Unit}


@pytest.mark.parametrize("path", service_paths(), ids=lambda p: p.stem)
def test_the_standard_has_all_14_components_filled_in(path: Path) -> None:
    """PermenPANRB 15/2014: a service standard is incomplete without any of the 14."""
    standard = load(path)["standard"]
    assert set(standard) == set(STANDARD)
    for component in STANDARD:
        assert isinstance(standard[component], str), component
        assert standard[component].strip(), f"{path.name}: {component} is empty"


def test_the_14_components_are_the_catalogues() -> None:
    from sinergi.catalog.models import STANDARD_COMPONENTS

    assert tuple(STANDARD_COMPONENTS) == STANDARD


@pytest.mark.parametrize("path", service_paths(), ids=lambda p: p.stem)
def test_the_fee_formula_exists_and_computes_on_each_example(path: Path) -> None:
    raw = load(path)
    assert raw["fee_formula"] in FORMULAS
    formula = FORMULAS[raw["fee_formula"]]
    for definition in definitions(raw):
        assert formula(definition.example, DEFAULT_SETTINGS).total >= 0


def test_the_annual_samsat_example_is_a_dki_car_without_opsen() -> None:
    for definition in definitions(services()["samsat-tahunan"]):
        fee = FORMULAS["samsat_annual"](definition.example, DEFAULT_SETTINGS)
        assert fee.total == 4_000_000 + 143_000 + 50_000
        assert "opsen_pkb" not in fee.codes


@pytest.mark.parametrize("path", service_paths(), ids=lambda p: p.stem)
def test_form_fields_are_unique_and_declare_the_example_and_condition_names(path: Path) -> None:
    raw = load(path)
    names = [field["name"] for field in raw["form"]]
    assert len(names) == len(set(names))
    for field in raw["form"]:
        assert {"name", "label", "type", "required"} <= set(field), field
        if field["type"] == "choice":
            assert field["choices"], field["name"]
    for definition in definitions(raw):
        assert set(definition.example) <= set(names), definition.variant
        for step in definition.steps:
            if step.when is not None:
                assert compile_expression(step.when).names - {"true", "false"} <= set(names)


def test_life_events_bundle_services_and_services_bundle_none() -> None:
    for code, raw in services().items():
        if raw["kind"] == "life_event":
            assert raw["bundles"], code
        else:
            assert raw["bundles"] == [], code
    assert services()["kelahiran"]["kind"] == "life_event"
    assert services()["kelahiran"]["bundles"] == ["akta-kelahiran", "kartu-keluarga", "kia",
                                                  "bpjs-bayi"]  # fmt: skip


# --- the variants ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", service_paths(), ids=lambda p: p.stem)
def test_every_variant_parses_and_belongs_to_its_service(path: Path) -> None:
    raw = load(path)
    parsed = definitions(raw)
    assert all(d.service == raw["code"] for d in parsed)
    variants = [d.variant for d in parsed]
    assert len(variants) == len(set(variants)), variants
    assert len(parsed) >= 2
    assert len({d.pattern for d in parsed}) >= 2


def test_variant_codes_are_the_stable_ones() -> None:
    assert {code: [d.variant for d in definitions(raw)] for code, raw in services().items()} == {
        "samsat-tahunan": ["teknis-fungsional", "satu-atap", "elektronik"],
        "samsat-lima-tahunan": ["teknis-fungsional", "satu-atap"],
        "izin-usaha": ["satu-pintu", "elektronik"],
        "kelahiran": ["terpusat", "elektronik"],
        "pbg-bandung": ["satu-pintu", "teknis-fungsional"],
    }
    for _code, definition in all_definitions():
        assert definition.pattern.value == definition.variant.replace("-", "_")


def test_the_five_yearly_renewal_cannot_be_elektronik() -> None:
    """The physical check of frame and engine numbers needs the vehicle in person."""
    parsed = definitions(services()["samsat-lima-tahunan"])
    assert Pattern.ELEKTRONIK not in {d.pattern for d in parsed}
    for definition in parsed:
        check = definition.steps[0]
        assert check.kind is StepKind.VERIFY
        assert check.channel is Channel.COUNTER


def test_every_agency_named_is_in_the_registry() -> None:
    known = agency_codes()
    for code, raw in services().items():
        assert raw["coordinator"] in known, code
        assert set(raw["competent_authorities"]) <= known, code
        assert raw["coordinator"] in raw["competent_authorities"], code
        for definition in definitions(raw):
            assert definition.decider is None or definition.decider in known
            for step in definition.steps:
                assert step.agency in known, step_where(code, definition, step)
                assert step.agency in raw["competent_authorities"], step.agency


def test_every_counter_is_at_a_known_place_and_belongs_to_the_steps_agency() -> None:
    """A service point's counters come from the manifest; an agency office is its code."""
    points = service_point_counters()
    for code, definition in all_definitions():
        for step in definition.steps:
            if step.channel is not Channel.COUNTER:
                continue
            where = step_where(code, definition, step)
            if step.location in points:
                assert points[step.location].get(step.counter or "") == step.agency, where
            else:
                assert step.location == step.agency, where


def test_every_step_authority_is_covered_by_a_manifest_grant_of_its_agency() -> None:
    """UU 30/2014 Pasal 8 ayat (2): an official acts only under authority held by a position."""
    positions = position_agency()
    for code, definition in all_definitions():
        for step in definition.steps:
            where = step_where(code, definition, step)
            if step.kind not in {StepKind.CITIZEN, StepKind.PAY}:
                assert step.authority is not None, where
            if step.position is not None:
                assert positions.get(step.position) == step.agency, where
            if step.authority is not None:
                answer = manifest_authority(step.agency, step.authority, step.position)
                assert answer is not None, f"{where}: {step.authority} not granted"


def test_every_step_but_a_citizen_action_has_an_sla() -> None:
    for code, definition in all_definitions():
        for step in definition.steps:
            if step.kind is not StepKind.CITIZEN:
                assert step.sla is not None, step_where(code, definition, step)


def test_a_variant_without_a_real_legal_basis_is_illustrative() -> None:
    """The teknis fungsional comparisons and the automated BPJS enrolment have no procedure
    of their own in law; they are marked illustrative."""
    illustrative = {(code, d.variant) for code, d in all_definitions() if d.illustrative}
    assert illustrative == {
        ("samsat-tahunan", "teknis-fungsional"),
        ("samsat-lima-tahunan", "teknis-fungsional"),
        ("pbg-bandung", "teknis-fungsional"),
        ("kelahiran", "elektronik"),
    }
    assert all(d.legal_basis.strip() for _code, d in all_definitions())


@pytest.mark.parametrize(
    ("code", "variant"),
    [(code, d.variant) for code, d in all_definitions()],
)
def test_every_variant_passes_the_validator_with_the_manifest_grants(
    code: str, variant: str
) -> None:
    definition = next(d for d in definitions(services()[code]) if d.variant == variant)
    assert validate_definition(definition, authority=manifest_authority) == []


# --- what the variants do -------------------------------------------------------------------


@pytest.mark.parametrize("variant", SAMSAT_TABLE)
def test_annual_samsat_reproduces_the_doors_and_hand_offs_table(variant: str) -> None:
    definition = next(d for d in definitions(services()["samsat-tahunan"]) if d.variant == variant)
    assert figures(definition) == SAMSAT_TABLE[variant]


def test_annual_samsat_satu_atap_uses_the_four_counters_of_samsat_jakarta_pusat() -> None:
    definition = next(
        d for d in definitions(services()["samsat-tahunan"]) if d.variant == "satu-atap"
    )
    assert definition.service_point == "samsat-jakarta-pusat"
    assert [s.counter for s in definition.steps] == [
        "Loket 1 Pendaftaran",
        "Loket 2 Penetapan PKB",
        "Loket 3 Kasir SWDKLLJ",
        "Loket 4 Pengesahan STNK",
    ]


@pytest.mark.parametrize(
    ("risk_level", "issued", "recommendations"),
    [
        ("rendah", ["penerbitan-nib"], []),
        ("menengah_rendah", ["penerbitan-nib", "penerbitan-ss-mandiri"], []),
        ("menengah_tinggi", ["penerbitan-nib", "penerbitan-ss-terverifikasi"], []),
        ("tinggi", ["penerbitan-nib", "penerbitan-izin"],
         ["rekomendasi-lingkungan", "rekomendasi-jalan-air"]),
    ],
)  # fmt: skip
def test_business_licensing_issues_by_risk_level(
    risk_level: str, issued: list[str], recommendations: list[str]
) -> None:
    """PP 28/2025: R NIB only; MR NIB + SS self-declared; MT NIB + SS verified; T NIB + Izin."""
    for definition in definitions(services()["izin-usaha"]):
        path = happy_path(definition, {**definition.example, "risk_level": risk_level})
        assert [s.id for s in path if s.kind is StepKind.ISSUE] == issued
        assert [s.id for s in path if s.kind is StepKind.RECOMMEND] == recommendations
        verified = any(s.id == "verifikasi-ss" for s in path)
        assert verified == (risk_level == "menengah_tinggi")


def test_high_risk_recommendations_run_in_parallel_and_join_before_the_decision() -> None:
    for definition in definitions(services()["izin-usaha"]):
        decision = definition.step("keputusan-izin")
        assert set(decision.after) == {"rekomendasi-lingkungan", "rekomendasi-jalan-air"}
        assert definition.step("rekomendasi-lingkungan").after == ("penerbitan-nib",)
        assert definition.step("rekomendasi-jalan-air").after == ("penerbitan-nib",)
        assert figures(definition).handoffs == 4  # out to DLH and DSDABM, and back


def test_business_licensing_is_deemed_granted_after_5_working_days() -> None:
    """UU 30/2014 Pasal 53 as amended; PP 28/2025 fiktif positif."""
    for definition in definitions(services()["izin-usaha"]):
        deemed = definition.deemed_granted_after
        assert deemed is not None
        assert (deemed.amount, deemed.unit) == (5, Unit.WORKING_DAYS)
    satu_pintu = next(
        d for d in definitions(services()["izin-usaha"]) if d.pattern is Pattern.SATU_PINTU
    )
    decisions = [s for s in satu_pintu.steps if s.kind is StepKind.DECIDE]
    assert decisions
    assert all(s.on_timeout.value == "deem_granted" for s in decisions)


KABID = "kabid-perizinan-dpmptsp-bandung"


def test_satu_pintu_decisions_are_signed_by_the_kabid_under_the_kepalas_mandate() -> None:
    """The delegatee's mandate to the kabid: the decision is signed "a.n." Kepala DPMPTSP."""
    satu_pintu = next(
        d for d in definitions(services()["izin-usaha"]) if d.pattern is Pattern.SATU_PINTU
    )
    assert satu_pintu.decider == "dpmptsp-bandung"
    for step in satu_pintu.steps:
        if step.kind in {StepKind.DECIDE, StepKind.ISSUE}:
            assert step.authority is not None
            answer = manifest_authority(step.agency, step.authority, step.position)
            assert answer == AuthorityAnswer(kind="mandat", position=KABID)


def test_a_newborn_is_enrolled_with_bpjs_within_28_calendar_days_after_the_3_in_1() -> None:
    """Perpres 82/2018 Pasal 16; the akta, KK and KIA are issued by Disdukcapil (terpusat)."""
    for definition in definitions(services()["kelahiran"]):
        bpjs = definition.step("pendaftaran-bpjs-bayi")
        assert bpjs.agency == "bpjs-kesehatan"
        assert bpjs.sla is not None
        assert (bpjs.sla.amount, bpjs.sla.unit) == (28, Unit.CALENDAR_DAYS)
        assert "penerbitan-kk" in bpjs.after  # enrolment needs the baby's NIK
        issued = {s.authority.service for s in definition.steps
                  if s.kind is StepKind.ISSUE and s.authority}  # fmt: skip
        assert issued == {"akta-kelahiran", "kartu-keluarga", "kia"}
        assert all(s.agency == "disdukcapil-bandung" for s in definition.steps
                   if s.kind is StepKind.ISSUE)  # fmt: skip
        without_jkn = happy_path(definition, {**definition.example,
                                              "parents_jkn_participant": False})  # fmt: skip
        assert "pendaftaran-bpjs-bayi" not in {s.id for s in without_jkn}


def test_pbg_teknis_fungsional_makes_the_citizen_carry_both_recommendations() -> None:
    by_variant = {d.variant: d for d in definitions(services()["pbg-bandung"])}
    assert figures(by_variant["teknis-fungsional"]) == Figures(3, 3, 0, 2)
    assert figures(by_variant["satu-pintu"]) == Figures(1, 1, 4, 0)
