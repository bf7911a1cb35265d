"""The complaint router (pure): place, level, mandates and earlier decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from sinergi.voice.routing import (
    AgencyInfo,
    Decision,
    Router,
    in_region,
    level_cue,
    load_agencies_csv,
    load_mandates_csv,
    stem,
    terms,
)

AGENCIES = Path(__file__).parents[2] / "src" / "sinergi" / "registry" / "data" / "agencies.csv"


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(agencies=load_agencies_csv(AGENCIES), mandates=load_mandates_csv())


def top(router: Router, text: str, region: str) -> str:
    ranked = router.rank(text, region)
    assert ranked, text
    return ranked[0].agency


@pytest.mark.parametrize(
    ("level", "agency"),
    [("nasional", "kemen-pu"), ("provinsi", "pemprov-jabar"), ("kota", "dsdabm-bandung")],
)
def test_the_level_of_a_road_decides_the_agency_in_kota_bandung(
    router: Router, level: str, agency: str
) -> None:
    text = f"Jalan {level} di depan pasar berlubang besar dan membahayakan pengendara motor."
    assert top(router, text, "32.73.02") == agency


@pytest.mark.parametrize(("region", "agency"), [("31.75", "disdukcapil-dki"),
                                                ("32.73", "disdukcapil-bandung")])  # fmt: skip
def test_the_place_decides_between_jakarta_and_kota_bandung(
    router: Router, region: str, agency: str
) -> None:
    text = "KTP elektronik saya belum jadi tiga bulan, katanya blangko habis."
    assert top(router, text, region) == agency


def test_a_regional_agency_is_never_suggested_outside_its_region(router: Router) -> None:
    ranked = router.rank("Sampah di TPS tidak diangkut seminggu dan berbau.", "35.78")
    assert ranked
    assert all(not a.endswith(("-dki", "-bandung", "-jabar")) for a in (s.agency for s in ranked))


def test_without_a_local_agency_the_national_one_of_the_sector_is_suggested(
    router: Router,
) -> None:
    assert top(router, "NIK saya tercatat ganda, KTP tidak bisa dicetak.", "35.78") == "dukcapil"


def test_scores_are_relative_to_the_best_and_descending(router: Router) -> None:
    ranked = router.rank("Listrik padam tiga kali seminggu, token ditolak meteran.", "32.73")
    assert ranked[0].agency == "pln"
    assert ranked[0].score == 1.0
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)


def test_earlier_decisions_teach_local_vocabulary() -> None:
    agencies = [
        AgencyInfo("a-dinas", "Dinas A", level="kabupaten_kota", region_code="32.73", sector="x"),
        AgencyInfo("b-dinas", "Dinas B", level="kabupaten_kota", region_code="32.73", sector="y"),
    ]
    text = "Odong-odong ngetem di alun-alun"
    assert Router(agencies=agencies).rank(text, "32.73") == []
    taught = Router(
        agencies=agencies, decisions=[Decision("odong-odong ngetem di jalan", "32.73", "b-dinas")]
    )
    assert taught.rank(text, "32.73")[0].agency == "b-dinas"


def test_an_empty_or_unrelated_text_gets_no_suggestion(router: Router) -> None:
    assert router.rank("", "31.71") == []
    assert router.rank("qwerty zxcvb", "31.71") == []


@pytest.mark.parametrize(
    ("text", "level"),
    [("Jalan nasional rusak", "pusat"), ("jembatan provinsi retak", "provinsi"),
     ("jalan kota berlubang", "kabupaten_kota"), ("Jalan di Kota Bandung rusak", None)],
)  # fmt: skip
def test_level_cue_reads_the_word_after_the_asset(text: str, level: str | None) -> None:
    assert level_cue(text) == level


def test_in_region_covers_codes_below_only() -> None:
    assert in_region("31", "31.75.01")
    assert in_region("32.73", "32.73")
    assert not in_region("32.7", "32.73")
    assert not in_region("31", "32.73")
    assert in_region("", "91.01")


def test_stemming_and_pairs() -> None:
    assert stem("pengangkutan") == "angkut"
    assert stem("jalan") == "jalan"  # short words survive
    assert "jalan_nasional" in terms("Jalan nasional")
