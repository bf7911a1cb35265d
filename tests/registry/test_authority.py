"""Authority (kewenangan) under UU 30/2014 Administrasi Pemerintahan, Pasal 8 and 11-15.

The fixture follows business licensing in Kota Bandung: the Wali Kota holds the authority by
atribusi, delegates it to the Kepala DPMPTSP, who mandates the Kepala Bidang Perizinan to sign
"a.n." him. A second line covers Pajak Kendaraan Bermotor at the Bapenda of Jawa Barat, and a
third the Wali Kota's power over regional finance (which includes strategic decisions).
Names of officials are invented.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sinergi.registry.authority import (
    ANY,
    STRATEGIC_DECISIONS,
    Basis,
    Grant,
    GrantKind,
    LegalBasis,
    Official,
    Refusal,
    Scope,
    Tenure,
    resolve_authority,
    validate_grant,
)
from sinergi.rules import RuleError, Violation

WIB = timezone(timedelta(hours=7), "WIB")
TICK = timedelta(microseconds=1)


def t(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=WIB)


# Articles as the rules cite them.
PASAL_8 = "UU 30/2014 Pasal 8 ayat (2)"
PASAL_12 = "UU 30/2014 Pasal 12 ayat (1)"
PASAL_13_3 = "UU 30/2014 Pasal 13 ayat (3) dan (4)"
PASAL_13_14 = "UU 30/2014 Pasal 13 dan Pasal 14"
PASAL_14_7 = "UU 30/2014 Pasal 14 ayat (7)"
PASAL_15_A = "UU 30/2014 Pasal 15 ayat (1) huruf a"
PASAL_15_C = "UU 30/2014 Pasal 15 ayat (1) huruf c"
ANGKA_23_24 = "UU 30/2014 Pasal 1 angka 23 dan 24"
ANGKA_24 = "UU 30/2014 Pasal 1 angka 24 dan Pasal 14"

# Positions (ids) and their titles.
WALI_KOTA, KADIS, KABID, KASI, SEKDA = 100, 200, 210, 220, 300
KABAPENDA, KABID_PAJAK = 400, 410
T_WALI_KOTA = "Wali Kota Bandung"
T_KADIS = "Kepala DPMPTSP Kota Bandung"
T_KABID = "Kepala Bidang Perizinan DPMPTSP Kota Bandung"
T_KASI = "Kepala Seksi Perizinan Usaha DPMPTSP Kota Bandung"
T_SEKDA = "Sekretaris Daerah Kota Bandung"
T_KABAPENDA = "Kepala Bapenda Provinsi Jawa Barat"
T_KABID_PAJAK = "Kepala Bidang Pajak Daerah Bapenda Provinsi Jawa Barat"

UU_23_2014 = LegalBasis("UU 23/2014", "Pasal 65 ayat (2)")
UU_17_2003 = LegalBasis("UU 17/2003", "Pasal 6 ayat (2) huruf c")
UU_1_2022 = LegalBasis("UU 1/2022", "Pasal 4")
# Illustrative: a plausible Perwal on delegating licensing authority to the DPMPTSP.
PERWAL_46_2023 = LegalBasis("Peraturan Wali Kota Bandung Nomor 46 Tahun 2023", "Pasal 3")
# Illustrative mandate instruments (a mandat is given by surat perintah, not by regulation).
SP_KADIS = LegalBasis("Surat Perintah Kepala DPMPTSP Kota Bandung Nomor 800/017/2024", "angka 1")
SP_KABAPENDA = LegalBasis(
    "Surat Perintah Kepala Bapenda Provinsi Jawa Barat Nomor 973/5", "angka 2"
)
SP_WALI_KOTA = LegalBasis("Surat Perintah Wali Kota Bandung Nomor 900/12", "angka 1")

IZIN_USAHA = frozenset({"izin-usaha"})
MANDAT_START, MANDAT_END = t(2024, 1, 2), t(2025, 1, 2)
NOW = t(2024, 6, 3, 10)

ATRIBUSI_IZIN = Grant(
    id=1,
    kind=GrantKind.ATRIBUSI,
    holder_position=WALI_KOTA,
    holder_title=T_WALI_KOTA,
    grantor_position=None,
    grantor_title="Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah",
    source_grant=None,
    services=IZIN_USAHA,
    decisions=frozenset({"terbit", "tolak"}),
    legal_basis=UU_23_2014,
    valid_from=t(2014, 10, 2),
    allows_onward_delegation=True,
)
DELEGASI_IZIN = Grant(
    id=2,
    kind=GrantKind.DELEGASI,
    holder_position=KADIS,
    holder_title=T_KADIS,
    grantor_position=WALI_KOTA,
    grantor_title=T_WALI_KOTA,
    source_grant=1,
    services=IZIN_USAHA,
    decisions=frozenset({"terbit", "tolak"}),
    legal_basis=PERWAL_46_2023,
    valid_from=t(2023, 7, 3),
)
MANDAT_IZIN = Grant(
    id=3,
    kind=GrantKind.MANDAT,
    holder_position=KABID,
    holder_title=T_KABID,
    grantor_position=KADIS,
    grantor_title=T_KADIS,
    source_grant=2,
    services=IZIN_USAHA,
    decisions=frozenset({"terbit"}),
    legal_basis=SP_KADIS,
    valid_from=MANDAT_START,
    valid_to=MANDAT_END,
)
ATRIBUSI_PKB = Grant(
    id=10,
    kind=GrantKind.ATRIBUSI,
    holder_position=KABAPENDA,
    holder_title=T_KABAPENDA,
    grantor_position=None,
    grantor_title="Undang-Undang Nomor 1 Tahun 2022 tentang Hubungan Keuangan Pusat dan Daerah",
    source_grant=None,
    services=frozenset({"pkb"}),
    decisions=frozenset({"penetapan", "pengurangan"}),
    legal_basis=UU_1_2022,
    valid_from=t(2022, 1, 5),
    allows_onward_delegation=True,
)
MANDAT_PKB = Grant(
    id=11,
    kind=GrantKind.MANDAT,
    holder_position=KABID_PAJAK,
    holder_title=T_KABID_PAJAK,
    grantor_position=KABAPENDA,
    grantor_title=T_KABAPENDA,
    source_grant=10,
    services=frozenset({"pkb"}),
    decisions=frozenset({"penetapan"}),
    legal_basis=SP_KABAPENDA,
    valid_from=t(2024, 1, 2),
)
ATRIBUSI_KEUANGAN = Grant(
    id=20,
    kind=GrantKind.ATRIBUSI,
    holder_position=WALI_KOTA,
    holder_title=T_WALI_KOTA,
    grantor_position=None,
    grantor_title="Undang-Undang Nomor 17 Tahun 2003 tentang Keuangan Negara",
    source_grant=None,
    services=frozenset({"keuangan-daerah"}),
    decisions=frozenset({ANY}),
    legal_basis=UU_17_2003,
    valid_from=t(2003, 4, 5),
    allows_onward_delegation=True,
)
# Recorded before creation checks existed: validate_grant refuses it (decisions "*"), so
# resolve_authority must still keep its holder from strategic decisions.
MANDAT_KEUANGAN_LEGACY = Grant(
    id=21,
    kind=GrantKind.MANDAT,
    holder_position=SEKDA,
    holder_title=T_SEKDA,
    grantor_position=WALI_KOTA,
    grantor_title=T_WALI_KOTA,
    source_grant=20,
    services=frozenset({"keuangan-daerah"}),
    decisions=frozenset({ANY}),
    legal_basis=SP_WALI_KOTA,
    valid_from=t(2023, 9, 20),
)
FIXTURE = (
    ATRIBUSI_IZIN,
    DELEGASI_IZIN,
    MANDAT_IZIN,
    ATRIBUSI_PKB,
    MANDAT_PKB,
    ATRIBUSI_KEUANGAN,
    MANDAT_KEUANGAN_LEGACY,
)
BY_ID = {g.id: g for g in FIXTURE}


def serving(official_id: int, name: str, *positions: int) -> Official:
    return Official(official_id, name, tuple(Tenure(p, t(2022, 6, 1)) for p in positions))


O_WALI_KOTA = Official(1, "Hendra Wiguna", (Tenure(WALI_KOTA, t(2023, 9, 20)),))
O_FORMER_WALI_KOTA = Official(
    2, "Bambang Supriadi", (Tenure(WALI_KOTA, t(2018, 9, 20), t(2023, 9, 20)),)
)
O_KADIS = serving(3, "Siti Rahmawati", KADIS)
O_KABID = serving(4, "Agus Setiawan", KABID)
O_KASI = serving(5, "Rina Marlina", KASI)
O_SEKDA = serving(6, "Dedi Kurniawan", SEKDA)
O_KABID_PAJAK = serving(7, "Yusuf Hidayat", KABID_PAJAK)
# Holds two positions at once, each with authority over the same matter.
O_KABAPENDA_RANGKAP = serving(8, "Nur Aisyah", KABID_PAJAK, KABAPENDA)
O_PLT_KADIS = serving(9, "Teguh Prasetyo", KABID, KADIS)

IZIN_TERBIT = Scope("izin-usaha", "terbit")
IZIN_TOLAK = Scope("izin-usaha", "tolak")
PKB_PENETAPAN = Scope("pkb", "penetapan")


def grants_with(*extra: Grant, **changes: dict[str, object]) -> tuple[Grant, ...]:
    """The fixture plus ``extra`` grants, with ``g<id>={field: value}`` changes applied."""
    changed = {int(key[1:]): value for key, value in changes.items()}
    base = tuple(
        dataclasses.replace(g, **changed[g.id]) if g.id in changed else g  # type: ignore[arg-type]
        for g in FIXTURE
    )
    return base + extra


def derived(
    grant_id: int,
    kind: GrantKind,
    source: Grant,
    holder: int,
    holder_title: str,
    decisions: frozenset[str] = frozenset({"terbit"}),
    services: frozenset[str] = IZIN_USAHA,
) -> Grant:
    """A grant passing on ``source``'s authority from its holder to ``holder``."""
    return Grant(
        id=grant_id,
        kind=kind,
        holder_position=holder,
        holder_title=holder_title,
        grantor_position=source.holder_position,
        grantor_title=source.holder_title,
        source_grant=source.id,
        services=services,
        decisions=decisions,
        legal_basis=SP_KADIS if kind == GrantKind.MANDAT else PERWAL_46_2023,
        valid_from=t(2024, 2, 1),
    )


# Passing authority further down the licensing line.
SUBDELEGASI = derived(4, GrantKind.DELEGASI, DELEGASI_IZIN, KABID, T_KABID, frozenset({"tolak"}))
MANDAT_DARI_MANDAT = derived(5, GrantKind.MANDAT, MANDAT_IZIN, KASI, T_KASI)
DELEGASI_DARI_MANDAT = derived(6, GrantKind.DELEGASI, MANDAT_IZIN, KASI, T_KASI)
MANDAT_BY_OUTSIDER = dataclasses.replace(
    derived(7, GrantKind.MANDAT, DELEGASI_IZIN, KASI, T_KASI),
    grantor_position=SEKDA,
    grantor_title=T_SEKDA,
)
MANDAT_TOO_WIDE = derived(
    8, GrantKind.MANDAT, DELEGASI_IZIN, KASI, T_KASI, services=IZIN_USAHA | {"izin-reklame"}
)
ATRIBUSI_CIPTA_KERJA = dataclasses.replace(
    ATRIBUSI_IZIN, id=9, legal_basis=LegalBasis("UU 6/2023", "Pasal 175")
)
# Two delegations that name each other as source: bad data must not hang the resolver.
LOOP_A = dataclasses.replace(
    derived(30, GrantKind.DELEGASI, DELEGASI_IZIN, KASI, T_KASI),
    grantor_position=KABID,
    grantor_title=T_KABID,
    source_grant=31,
)
LOOP_B = dataclasses.replace(
    derived(31, GrantKind.DELEGASI, DELEGASI_IZIN, KABID, T_KABID),
    grantor_position=KASI,
    grantor_title=T_KASI,
    source_grant=30,
    allows_onward_delegation=True,
)
REVOKED_ON = t(2024, 5, 1)


BASIS_WALI_KOTA = Basis(
    kind=GrantKind.ATRIBUSI,
    chain=(1,),
    acting_position=WALI_KOTA,
    acting_title=T_WALI_KOTA,
    accountable_position=WALI_KOTA,
    accountable_title=T_WALI_KOTA,
    on_behalf_of=None,
    signature=T_WALI_KOTA,
    legal_bases=(UU_23_2014,),
)
BASIS_KADIS = Basis(
    kind=GrantKind.DELEGASI,
    chain=(1, 2),
    acting_position=KADIS,
    acting_title=T_KADIS,
    accountable_position=KADIS,
    accountable_title=T_KADIS,
    on_behalf_of=None,
    signature=T_KADIS,
    legal_bases=(UU_23_2014, PERWAL_46_2023),
)
BASIS_KABID = Basis(
    kind=GrantKind.MANDAT,
    chain=(1, 2, 3),
    acting_position=KABID,
    acting_title=T_KABID,
    accountable_position=KADIS,
    accountable_title=T_KADIS,
    on_behalf_of=T_KADIS,
    signature=f"a.n. {T_KADIS}\n{T_KABID}",
    legal_bases=(UU_23_2014, PERWAL_46_2023, SP_KADIS),
)

AUTHORISED = [
    pytest.param(
        FIXTURE,
        O_WALI_KOTA,
        IZIN_TERBIT,
        NOW,
        BASIS_WALI_KOTA,
        id="pasal-12-atribusi-acts-in-own-name-under-the-law",
    ),
    pytest.param(
        FIXTURE,
        O_KADIS,
        IZIN_TOLAK,
        NOW,
        BASIS_KADIS,
        id="pasal-13-delegasi-moves-accountability-to-the-delegatee",
    ),
    pytest.param(
        FIXTURE,
        O_KABID,
        IZIN_TERBIT,
        NOW,
        BASIS_KABID,
        id="pasal-13-14-delegasi-then-mandat-signed-a.n.-the-delegatee",
    ),
    pytest.param(
        FIXTURE,
        O_KABID_PAJAK,
        PKB_PENETAPAN,
        NOW,
        Basis(
            kind=GrantKind.MANDAT,
            chain=(10, 11),
            acting_position=KABID_PAJAK,
            acting_title=T_KABID_PAJAK,
            accountable_position=KABAPENDA,
            accountable_title=T_KABAPENDA,
            on_behalf_of=T_KABAPENDA,
            signature=f"a.n. {T_KABAPENDA}\n{T_KABID_PAJAK}",
            legal_bases=(UU_1_2022, SP_KABAPENDA),
        ),
        id="pasal-14-mandat-accountability-stays-with-the-mandator",
    ),
    pytest.param(
        FIXTURE,
        O_KABID,
        IZIN_TERBIT,
        MANDAT_START,
        BASIS_KABID,
        id="pasal-15-1-a-grant-in-force-from-its-first-moment",
    ),
    pytest.param(
        FIXTURE,
        O_KABID,
        IZIN_TERBIT,
        MANDAT_END - TICK,
        BASIS_KABID,
        id="pasal-15-1-a-grant-in-force-until-just-before-valid-to",
    ),
    pytest.param(
        grants_with(g2={"revoked_at": REVOKED_ON}),
        O_KADIS,
        IZIN_TERBIT,
        REVOKED_ON - TICK,
        BASIS_KADIS,
        id="pasal-13-delegasi-in-force-until-revoked",
    ),
    pytest.param(
        grants_with(g2={"revoked_at": NOW + timedelta(days=30)}),
        O_KABID,
        IZIN_TERBIT,
        NOW,
        BASIS_KABID,
        id="pasal-13-14-later-revocation-of-source-does-not-act-early",
    ),
    pytest.param(
        FIXTURE,
        O_WALI_KOTA,
        Scope("keuangan-daerah", "anggaran"),
        NOW,
        Basis(
            kind=GrantKind.ATRIBUSI,
            chain=(20,),
            acting_position=WALI_KOTA,
            acting_title=T_WALI_KOTA,
            accountable_position=WALI_KOTA,
            accountable_title=T_WALI_KOTA,
            on_behalf_of=None,
            signature=T_WALI_KOTA,
            legal_bases=(UU_17_2003,),
        ),
        id="pasal-14-7-mandator-takes-strategic-decision-itself-via-wildcard",
    ),
    pytest.param(
        FIXTURE,
        O_SEKDA,
        Scope("keuangan-daerah", "pengesahan-dpa"),
        NOW,
        Basis(
            kind=GrantKind.MANDAT,
            chain=(20, 21),
            acting_position=SEKDA,
            acting_title=T_SEKDA,
            accountable_position=WALI_KOTA,
            accountable_title=T_WALI_KOTA,
            on_behalf_of=T_WALI_KOTA,
            signature=f"a.n. {T_WALI_KOTA}\n{T_SEKDA}",
            legal_bases=(UU_17_2003, SP_WALI_KOTA),
        ),
        id="pasal-14-wildcard-mandat-covers-routine-decision",
    ),
    pytest.param(
        grants_with(SUBDELEGASI, g2={"allows_onward_delegation": True}),
        O_KABID,
        IZIN_TOLAK,
        NOW,
        Basis(
            kind=GrantKind.DELEGASI,
            chain=(1, 2, 4),
            acting_position=KABID,
            acting_title=T_KABID,
            accountable_position=KABID,
            accountable_title=T_KABID,
            on_behalf_of=None,
            signature=T_KABID,
            legal_bases=(UU_23_2014, PERWAL_46_2023, PERWAL_46_2023),
        ),
        id="pasal-13-5-onward-delegation-allowed-by-regulation",
    ),
    pytest.param(
        FIXTURE,
        O_KABAPENDA_RANGKAP,
        PKB_PENETAPAN,
        NOW,
        Basis(
            kind=GrantKind.ATRIBUSI,
            chain=(10,),
            acting_position=KABAPENDA,
            acting_title=T_KABAPENDA,
            accountable_position=KABAPENDA,
            accountable_title=T_KABAPENDA,
            on_behalf_of=None,
            signature=T_KABAPENDA,
            legal_bases=(UU_1_2022,),
        ),
        id="pasal-11-precedence-atribusi-over-mandat",
    ),
    pytest.param(
        FIXTURE,
        O_PLT_KADIS,
        IZIN_TERBIT,
        NOW,
        BASIS_KADIS,
        id="pasal-11-precedence-delegasi-over-mandat",
    ),
    pytest.param(
        (ATRIBUSI_CIPTA_KERJA, *FIXTURE),
        O_WALI_KOTA,
        IZIN_TERBIT,
        NOW,
        BASIS_WALI_KOTA,
        id="pasal-11-precedence-tie-goes-to-lowest-grant-id",
    ),
]


@pytest.mark.parametrize(("grants", "official", "scope", "at", "expected"), AUTHORISED)
def test_pasal_8_official_acts_under_authority(
    grants: tuple[Grant, ...], official: Official, scope: Scope, at: datetime, expected: Basis
) -> None:
    """Pasal 8 ayat (2): the basis names the chain, the accountable position and signature."""
    assert resolve_authority(grants, official, scope, at) == expected


REFUSED = [
    pytest.param(
        FIXTURE,
        O_FORMER_WALI_KOTA,
        IZIN_TERBIT,
        t(2023, 9, 20),
        ("not_in_office", None, PASAL_8),
        "Bambang Supriadi holds no position on 2023-09-20T00:00:00+07:00, "
        "so has no authority to act.",
        id="pasal-8-2-tenure-ended",
    ),
    pytest.param(
        FIXTURE,
        O_KADIS,
        PKB_PENETAPAN,
        NOW,
        ("no_grant", None, PASAL_8),
        "No position held by Siti Rahmawati on 2024-06-03T10:00:00+07:00 has authority to "
        "decide penetapan on pkb.",
        id="pasal-8-2-no-grant-for-the-service",
    ),
    pytest.param(
        FIXTURE,
        O_KABID,
        IZIN_TOLAK,
        NOW,
        ("no_grant", None, PASAL_8),
        "No position held by Agus Setiawan on 2024-06-03T10:00:00+07:00 has authority to "
        "decide tolak on izin-usaha.",
        id="pasal-8-2-mandat-does-not-cover-the-decision",
    ),
    pytest.param(
        FIXTURE,
        O_KABID,
        IZIN_TERBIT,
        MANDAT_END,
        ("grant_expired", 3, PASAL_15_A),
        f"Grant 3 to {T_KABID} ended on 2025-01-02T00:00:00+07:00.",
        id="pasal-15-1-a-expired-at-valid-to",
    ),
    pytest.param(
        FIXTURE,
        O_KABID,
        IZIN_TERBIT,
        MANDAT_START - TICK,
        ("grant_not_yet_valid", 3, PASAL_15_A),
        f"Grant 3 to {T_KABID} takes effect on 2024-01-02T00:00:00+07:00 and gives no "
        "authority on 2024-01-01T23:59:59.999999+07:00.",
        id="pasal-15-1-a-not-yet-valid",
    ),
    pytest.param(
        grants_with(g2={"revoked_at": REVOKED_ON}),
        O_KADIS,
        IZIN_TERBIT,
        REVOKED_ON,
        ("grant_revoked", 2, PASAL_13_14),
        f"Grant 2 to {T_KADIS} was revoked on 2024-05-01T00:00:00+07:00.",
        id="pasal-13-revoked-at-the-moment-of-revocation",
    ),
    pytest.param(
        grants_with(g2={"revoked_at": REVOKED_ON}),
        O_KABID,
        IZIN_TERBIT,
        NOW,
        ("source_invalid", 3, PASAL_13_14),
        "Grant 3 rests on grant 2, which was revoked on 2024-05-01T00:00:00+07:00.",
        id="pasal-13-14-mandat-falls-with-revoked-delegasi",
    ),
    pytest.param(
        grants_with(g1={"revoked_at": REVOKED_ON}),
        O_KABID,
        IZIN_TERBIT,
        NOW,
        ("source_invalid", 3, PASAL_13_14),
        "Grant 2 rests on grant 1, which was revoked on 2024-05-01T00:00:00+07:00.",
        id="pasal-13-14-whole-chain-falls-with-revoked-atribusi",
    ),
    pytest.param(
        grants_with(g2={"valid_to": REVOKED_ON}),
        O_KABID,
        IZIN_TERBIT,
        NOW,
        ("source_invalid", 3, PASAL_15_A),
        "Grant 3 rests on grant 2, which ended on 2024-05-01T00:00:00+07:00.",
        id="pasal-15-1-a-mandat-falls-with-expired-delegasi",
    ),
    pytest.param(
        tuple(g for g in FIXTURE if g.id != 2),
        O_KABID,
        IZIN_TERBIT,
        NOW,
        ("source_invalid", 3, PASAL_12),
        "Grant 3 rests on grant 2, which does not exist.",
        id="pasal-12-source-grant-missing",
    ),
    pytest.param(
        grants_with(SUBDELEGASI),
        O_KABID,
        IZIN_TOLAK,
        NOW,
        ("onward_delegation", 4, PASAL_13_3),
        "Grant 2 may not be delegated further, so grant 4 cannot be a delegasi.",
        id="pasal-13-5-onward-delegation-without-permission",
    ),
    pytest.param(
        grants_with(MANDAT_DARI_MANDAT),
        O_KASI,
        IZIN_TERBIT,
        NOW,
        ("onward_mandate", 5, ANGKA_24),
        "Grant 3 is a mandat; a mandate cannot be passed on, so grant 5 is void.",
        id="pasal-14-mandat-from-mandat",
    ),
    pytest.param(
        grants_with(DELEGASI_DARI_MANDAT),
        O_KASI,
        IZIN_TERBIT,
        NOW,
        ("onward_mandate", 6, ANGKA_24),
        "Grant 3 is a mandat; a mandate cannot be passed on, so grant 6 is void.",
        id="pasal-14-delegasi-from-mandat",
    ),
    pytest.param(
        grants_with(MANDAT_BY_OUTSIDER),
        O_KASI,
        IZIN_TERBIT,
        NOW,
        ("grantor_not_holder", 7, ANGKA_23_24),
        f"Grant 7 is given by {T_SEKDA}, but grant 2 is held by {T_KADIS}; only the holder "
        "can pass authority on.",
        id="pasal-1-angka-24-mandator-must-hold-the-authority",
    ),
    pytest.param(
        grants_with(MANDAT_TOO_WIDE),
        O_KASI,
        Scope("izin-reklame", "terbit"),
        NOW,
        ("scope_exceeds_source", 8, ANGKA_23_24),
        "Grant 8 rests on grant 2, which does not cover deciding terbit on izin-reklame.",
        id="pasal-1-angka-24-mandat-wider-than-its-source",
    ),
    pytest.param(
        grants_with(LOOP_A, LOOP_B),
        O_KASI,
        IZIN_TERBIT,
        NOW,
        ("source_invalid", 30, PASAL_12),
        "Grant 31 rests on grant 30, but the chain of source grants loops back on itself; "
        "authority must start from an atribusi.",
        id="pasal-12-circular-sources-refused",
    ),
    pytest.param(
        grants_with(g10={"revoked_at": REVOKED_ON}),
        O_KABAPENDA_RANGKAP,
        PKB_PENETAPAN,
        NOW,
        ("grant_revoked", 10, PASAL_13_14),
        f"Grant 10 to {T_KABAPENDA} was revoked on 2024-05-01T00:00:00+07:00.",
        id="pasal-11-refusal-of-the-highest-precedence-candidate",
    ),
    *(
        pytest.param(
            FIXTURE,
            O_SEKDA,
            Scope("keuangan-daerah", decision),
            NOW,
            ("mandate_strategic", 21, PASAL_14_7),
            f"Under a mandate, {T_SEKDA} cannot take the strategic decision {decision}; "
            f"it stays with {T_WALI_KOTA}.",
            id=f"pasal-14-7-mandat-may-not-decide-{decision}",
        )
        for decision in sorted(STRATEGIC_DECISIONS)
    ),
]


@pytest.mark.parametrize(("grants", "official", "scope", "at", "expected", "message"), REFUSED)
def test_pasal_8_no_authority_no_decision(
    grants: tuple[Grant, ...],
    official: Official,
    scope: Scope,
    at: datetime,
    expected: tuple[str, int | None, str],
    message: str,
) -> None:
    """Pasal 8 ayat (2): without a lawful grant the decision is refused, citing the article."""
    result = resolve_authority(grants, official, scope, at)
    assert isinstance(result, Refusal)
    assert isinstance(result, Violation)
    assert (result.rule, result.grant, result.article) == expected
    assert result.field == "authority"
    assert result.message == message


def test_pasal_13_14_source_invalid_names_the_failing_grant() -> None:
    """Pasal 13 and 14: the refusal's params name the grant up the chain that fell."""
    result = resolve_authority(
        grants_with(g2={"revoked_at": REVOKED_ON}), O_KABID, IZIN_TERBIT, NOW
    )
    assert isinstance(result, Refusal)
    assert dict(result.params) == {
        "grant": "3",
        "source": "2",
        "holder": T_KADIS,
        "at": "2024-06-03T10:00:00+07:00",
        "valid_from": "2023-07-03T00:00:00+07:00",
        "valid_to": "",
        "revoked_at": "2024-05-01T00:00:00+07:00",
    }


def test_pasal_8_grants_may_be_a_one_shot_iterable() -> None:
    """Pasal 8 ayat (2): callers may stream grants from a query; they are read once."""
    assert resolve_authority(iter(FIXTURE), O_KABID, IZIN_TERBIT, NOW) == BASIS_KABID


def test_pasal_13_long_subdelegation_chain_resolves_without_recursion() -> None:
    """A chain thousands of grants deep is walked, not recursed."""
    depth = 3000
    top = dataclasses.replace(ATRIBUSI_IZIN, id=0, holder_position=0)
    chain = [top]
    for i in range(1, depth + 1):
        chain.append(
            dataclasses.replace(
                derived(i, GrantKind.DELEGASI, chain[-1], i, f"Jabatan {i}"),
                allows_onward_delegation=True,
                valid_from=t(2020, 1, 1),
            )
        )
    official = serving(99, "Pejabat Terakhir", depth)
    result = resolve_authority(reversed(chain), official, IZIN_TERBIT, NOW)
    assert isinstance(result, Basis)
    assert result.chain == tuple(range(depth + 1))
    assert result.accountable_position == depth


COVERS = [
    pytest.param(IZIN_USAHA, frozenset({"terbit"}), IZIN_TERBIT, True, id="exact"),
    pytest.param(IZIN_USAHA, frozenset({"terbit"}), IZIN_TOLAK, False, id="other-decision"),
    pytest.param(frozenset({"pkb"}), frozenset({"terbit"}), IZIN_TERBIT, False, id="other-service"),
    pytest.param(frozenset({ANY}), frozenset({"terbit"}), IZIN_TERBIT, True, id="any-service"),
    pytest.param(IZIN_USAHA, frozenset({ANY}), IZIN_TOLAK, True, id="any-decision"),
    pytest.param(frozenset({ANY}), frozenset({ANY}), PKB_PENETAPAN, True, id="any-both"),
    pytest.param(frozenset({ANY}), frozenset({"tolak"}), PKB_PENETAPAN, False, id="any-not-both"),
]


@pytest.mark.parametrize(("services", "decisions", "scope", "expected"), COVERS)
def test_pasal_15_1_grant_covers_its_subject_matter(
    services: frozenset[str], decisions: frozenset[str], scope: Scope, expected: bool
) -> None:
    """Pasal 15 ayat (1): authority is limited to its subject matter; "*" covers any."""
    grant = dataclasses.replace(ATRIBUSI_IZIN, services=services, decisions=decisions)
    assert grant.covers(scope) is expected


@pytest.mark.parametrize(
    ("service", "decision"), [("*", "terbit"), ("izin-usaha", "*")], ids=["service", "decision"]
)
def test_scope_is_never_a_wildcard(service: str, decision: str) -> None:
    """An official decides one concrete matter; a wildcard scope is a programming error."""
    with pytest.raises(ValueError, match="never"):
        Scope(service, decision)


# --- validate_grant: creation-time checks -------------------------------------------------

MANDAT_STRATEGIC = dataclasses.replace(
    MANDAT_KEUANGAN_LEGACY, id=22, decisions=frozenset({"anggaran", "pengesahan-dpa"})
)
DELEGASI_KEUANGAN = dataclasses.replace(
    MANDAT_KEUANGAN_LEGACY,
    id=23,
    kind=GrantKind.DELEGASI,
    decisions=frozenset({"anggaran"}),
    legal_basis=LegalBasis("Peraturan Wali Kota Bandung Nomor 5 Tahun 2024", "Pasal 2"),
)


def as_map(grants: tuple[Grant, ...]) -> dict[int, Grant]:
    return {g.id: g for g in grants}


VALIDATE = [
    pytest.param(
        dataclasses.replace(ATRIBUSI_IZIN, valid_to=ATRIBUSI_IZIN.valid_from),
        BY_ID,
        [("valid_to", "empty_period", PASAL_15_A)],
        id="pasal-15-1-a-empty-period",
    ),
    pytest.param(
        dataclasses.replace(DELEGASI_IZIN, services=frozenset()),
        BY_ID,
        [("services", "empty_scope", PASAL_15_C)],
        id="pasal-15-1-b-no-services",
    ),
    pytest.param(
        dataclasses.replace(DELEGASI_IZIN, decisions=frozenset()),
        BY_ID,
        [("decisions", "empty_scope", PASAL_15_C)],
        id="pasal-15-1-b-no-decisions",
    ),
    pytest.param(
        dataclasses.replace(ATRIBUSI_IZIN, source_grant=20),
        BY_ID,
        [("source_grant", "atribusi_has_source", PASAL_12)],
        id="pasal-12-atribusi-with-source-grant",
    ),
    pytest.param(
        dataclasses.replace(ATRIBUSI_IZIN, grantor_position=SEKDA),
        BY_ID,
        [("grantor_position", "atribusi_has_source", PASAL_12)],
        id="pasal-12-atribusi-with-grantor",
    ),
    pytest.param(
        dataclasses.replace(ATRIBUSI_IZIN, legal_basis=PERWAL_46_2023),
        BY_ID,
        [("legal_basis", "atribusi_basis_not_law", PASAL_12)],
        id="pasal-12-atribusi-from-a-perwal",
    ),
    pytest.param(
        dataclasses.replace(ATRIBUSI_IZIN, legal_basis=LegalBasis("PP 5/2021", "Pasal 2")),
        BY_ID,
        [("legal_basis", "atribusi_basis_not_law", PASAL_12)],
        id="pasal-12-atribusi-from-a-pp",
    ),
    pytest.param(
        dataclasses.replace(DELEGASI_IZIN, source_grant=None),
        BY_ID,
        [("source_grant", "source_required", PASAL_12)],
        id="pasal-1-angka-23-delegasi-without-source",
    ),
    pytest.param(
        dataclasses.replace(MANDAT_IZIN, source_grant=99),
        BY_ID,
        [("source_grant", "source_required", PASAL_12)],
        id="pasal-1-angka-24-mandat-from-unknown-grant",
    ),
    pytest.param(
        dataclasses.replace(MANDAT_IZIN, holder_position=KADIS, holder_title=T_KADIS),
        BY_ID,
        [("grantor_position", "self_grant", ANGKA_23_24)],
        id="pasal-1-angka-24-mandat-to-oneself",
    ),
    pytest.param(
        dataclasses.replace(MANDAT_IZIN, grantor_position=SEKDA, grantor_title=T_SEKDA),
        BY_ID,
        [("grantor_position", "grantor_not_holder", ANGKA_23_24)],
        id="pasal-1-angka-24-mandator-does-not-hold-source",
    ),
    pytest.param(
        dataclasses.replace(MANDAT_IZIN, grantor_position=None),
        BY_ID,
        [("grantor_position", "grantor_not_holder", ANGKA_23_24)],
        id="pasal-1-angka-24-mandat-without-mandator",
    ),
    pytest.param(
        SUBDELEGASI,
        BY_ID,
        [("kind", "onward_delegation", PASAL_13_3)],
        id="pasal-13-5-subdelegation-not-allowed",
    ),
    pytest.param(
        SUBDELEGASI,
        as_map(grants_with(g2={"allows_onward_delegation": True})),
        [],
        id="pasal-13-5-subdelegation-allowed-by-regulation",
    ),
    pytest.param(
        DELEGASI_IZIN,
        as_map(grants_with(g1={"allows_onward_delegation": False})),
        [("kind", "onward_delegation", PASAL_13_3)],
        id="pasal-13-5-atribusi-closed-to-delegation",
    ),
    pytest.param(
        MANDAT_DARI_MANDAT,
        BY_ID,
        [("source_grant", "onward_mandate", ANGKA_24)],
        id="pasal-14-mandat-from-mandat",
    ),
    pytest.param(
        DELEGASI_DARI_MANDAT,
        BY_ID,
        [("source_grant", "onward_mandate", ANGKA_24)],
        id="pasal-14-delegasi-from-mandat",
    ),
    pytest.param(
        MANDAT_TOO_WIDE,
        BY_ID,
        [("services", "scope_exceeds_source", ANGKA_23_24)],
        id="pasal-1-angka-24-services-beyond-source",
    ),
    pytest.param(
        dataclasses.replace(MANDAT_IZIN, services=frozenset({ANY})),
        BY_ID,
        [("services", "scope_exceeds_source", ANGKA_23_24)],
        id="pasal-1-angka-24-wildcard-services-beyond-specific-source",
    ),
    pytest.param(
        dataclasses.replace(DELEGASI_IZIN, decisions=frozenset({ANY})),
        BY_ID,
        [("decisions", "scope_exceeds_source", ANGKA_23_24)],
        id="pasal-1-angka-23-wildcard-decisions-beyond-specific-source",
    ),
    pytest.param(
        DELEGASI_KEUANGAN,
        BY_ID,
        [],
        id="pasal-1-angka-23-wildcard-source-covers-strategic-delegasi",
    ),
    pytest.param(
        MANDAT_STRATEGIC,
        BY_ID,
        [("decisions", "mandate_strategic", PASAL_14_7)],
        id="pasal-14-7-mandat-with-strategic-decision",
    ),
    pytest.param(
        MANDAT_KEUANGAN_LEGACY,
        BY_ID,
        [("decisions", "mandate_strategic", PASAL_14_7)],
        id="pasal-14-7-mandat-with-wildcard-decisions",
    ),
    pytest.param(
        MANDAT_IZIN,
        as_map(grants_with(g2={"revoked_at": t(2023, 12, 1)})),
        [("source_grant", "source_invalid", PASAL_13_14)],
        id="pasal-13-14-mandat-from-revoked-delegasi",
    ),
    pytest.param(
        MANDAT_IZIN,
        as_map(grants_with(g2={"revoked_at": MANDAT_START + timedelta(days=1)})),
        [("source_grant", "source_invalid", PASAL_13_14)],
        id="pasal-13-14-no-back-dated-grant-from-a-revoked-source",
    ),
    pytest.param(
        MANDAT_IZIN,
        as_map(grants_with(g2={"valid_to": MANDAT_START + timedelta(days=1)})),
        [],
        id="pasal-15-1-a-source-ending-later-may-still-be-passed-on",
    ),
    pytest.param(
        MANDAT_IZIN,
        as_map(grants_with(g1={"revoked_at": t(2023, 12, 1)})),
        [("source_grant", "source_invalid", PASAL_13_14)],
        id="pasal-13-14-atribusi-above-source-revoked",
    ),
    pytest.param(
        MANDAT_IZIN,
        as_map(grants_with(g2={"valid_to": t(2023, 12, 31)})),
        [("source_grant", "source_invalid", PASAL_15_A)],
        id="pasal-15-1-a-mandat-from-expired-delegasi",
    ),
    pytest.param(
        dataclasses.replace(MANDAT_IZIN, valid_from=t(2023, 1, 2)),
        BY_ID,
        [("source_grant", "source_invalid", PASAL_15_A)],
        id="pasal-15-1-a-mandat-before-its-source-starts",
    ),
    pytest.param(
        dataclasses.replace(DELEGASI_IZIN, source_grant=2),
        BY_ID,
        [("source_grant", "source_invalid", PASAL_12)],
        id="pasal-12-grant-as-its-own-source",
    ),
    pytest.param(
        Grant(
            id=40,
            kind=GrantKind.MANDAT,
            holder_position=KASI,
            holder_title=T_KASI,
            grantor_position=KABID,
            grantor_title=T_KABID,
            source_grant=None,
            services=frozenset(),
            decisions=frozenset({"kepegawaian"}),
            legal_basis=SP_KADIS,
            valid_from=t(2024, 3, 1),
            valid_to=t(2024, 2, 1),
        ),
        BY_ID,
        [
            ("valid_to", "empty_period", PASAL_15_A),
            ("services", "empty_scope", PASAL_15_C),
            ("source_grant", "source_required", PASAL_12),
            ("decisions", "mandate_strategic", PASAL_14_7),
        ],
        id="every-violation-is-reported-not-only-the-first",
    ),
]


@pytest.mark.parametrize(("new", "grants", "expected"), VALIDATE)
def test_creating_a_grant_follows_pasal_12_to_15(
    new: Grant, grants: dict[int, Grant], expected: list[tuple[str, str, str]]
) -> None:
    """Pasal 12-15: each refusal names the input field, the rule and its article."""
    refusals = validate_grant(new, grants)
    assert [(r.field, r.rule, r.article) for r in refusals] == expected
    assert {r.grant for r in refusals} <= {new.id}
    if refusals:
        assert RuleError(*refusals).violations == tuple(refusals)


@pytest.mark.parametrize("grant", [g for g in FIXTURE if g.id != 21], ids=lambda g: f"grant-{g.id}")
def test_the_fixture_is_lawful(grant: Grant) -> None:
    """Every fixture grant but the legacy mandat passes the creation checks."""
    assert validate_grant(grant, BY_ID) == []


@pytest.mark.parametrize(
    "regulation",
    ["UUD 1945", "UU 23/2014", "Perppu 2/2022", "  UU 1/2022"],
    ids=["uud", "uu", "perppu", "leading-space"],
)
def test_pasal_12_1_atribusi_rests_on_a_law(regulation: str) -> None:
    """Pasal 12 ayat (1): the UUD 1945, a UU or a Perppu may attribute authority."""
    new = dataclasses.replace(ATRIBUSI_IZIN, legal_basis=LegalBasis(regulation, "Pasal 1"))
    assert validate_grant(new, BY_ID) == []


VALIDATE_MESSAGES = [
    pytest.param(
        MANDAT_STRATEGIC,
        BY_ID,
        "A mandate cannot include strategic decisions (anggaran); decisions that change "
        "organisation, staffing or budget stay with the mandator.",
        id="pasal-14-7",
    ),
    pytest.param(
        MANDAT_TOO_WIDE,
        BY_ID,
        "Grant 8 covers services izin-reklame that its source grant 2 does not cover.",
        id="pasal-1-angka-24",
    ),
    pytest.param(
        dataclasses.replace(ATRIBUSI_IZIN, legal_basis=PERWAL_46_2023),
        BY_ID,
        "An atribusi must rest on the UUD 1945, a law (UU) or a Perppu, not on Peraturan Wali "
        "Kota Bandung Nomor 46 Tahun 2023.",
        id="pasal-12-1",
    ),
    pytest.param(
        MANDAT_IZIN,
        as_map(grants_with(g1={"revoked_at": t(2023, 12, 1)})),
        "Grant 2 rests on grant 1, which was revoked on 2023-12-01T00:00:00+07:00.",
        id="pasal-13-14",
    ),
]


@pytest.mark.parametrize(("new", "grants", "message"), VALIDATE_MESSAGES)
def test_refusals_explain_themselves(new: Grant, grants: dict[int, Grant], message: str) -> None:
    """Messages name what is wrong in plain words (the Django layer translates them)."""
    assert [r.message for r in validate_grant(new, grants)] == [message]


# --- properties -------------------------------------------------------------------------

MOMENTS = [t(2023, 1, 1), t(2024, 1, 1), t(2024, 6, 1), t(2025, 1, 1)]
SERVICES = ["izin-usaha", "pkb"]
DECISIONS = ["terbit", "tolak", *sorted(STRATEGIC_DECISIONS)]
RESOLVE_RULES = {
    "not_in_office",
    "no_grant",
    "grant_not_yet_valid",
    "grant_expired",
    "grant_revoked",
    "source_invalid",
    "onward_delegation",
    "onward_mandate",
    "mandate_strategic",
    "grantor_not_holder",
    "scope_exceeds_source",
}
optional_moment = st.one_of(st.none(), st.sampled_from(MOMENTS))


@st.composite
def any_grant(draw: st.DrawFn, grant_id: int) -> Grant:
    """Any grant at all, lawful or not, over a handful of positions and ids."""
    return Grant(
        id=grant_id,
        kind=draw(st.sampled_from(list(GrantKind))),
        holder_position=draw(st.integers(1, 4)),
        holder_title=f"Jabatan {grant_id}",
        grantor_position=draw(st.one_of(st.none(), st.integers(1, 4))),
        grantor_title=f"Pemberi {grant_id}",
        source_grant=draw(st.one_of(st.none(), st.integers(1, 9))),
        services=draw(st.frozensets(st.sampled_from([*SERVICES, ANY]), min_size=1)),
        decisions=draw(st.frozensets(st.sampled_from([*DECISIONS, ANY]), min_size=1)),
        legal_basis=LegalBasis(f"Dasar {grant_id}", "Pasal 1"),
        valid_from=draw(st.sampled_from(MOMENTS)),
        valid_to=draw(optional_moment),
        revoked_at=draw(optional_moment),
        allows_onward_delegation=draw(st.booleans()),
    )


EARLY = t(2020, 1, 1)
often_none = st.one_of(st.none(), st.none(), st.none(), st.sampled_from(MOMENTS))


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[Grant], Official, Scope, datetime]:
    """Grant graphs that are mostly well formed (so chains resolve) with defects mixed in."""
    ids = draw(st.permutations(range(1, 10)))[: draw(st.integers(1, 8))]
    grants: list[Grant] = []
    for grant_id in ids:
        grant = draw(any_grant(grant_id))
        if not grants and draw(st.integers(0, 3)):
            grant = dataclasses.replace(
                grant, kind=GrantKind.ATRIBUSI, allows_onward_delegation=draw(st.booleans())
            )
        if grant.kind != GrantKind.ATRIBUSI and grants and draw(st.integers(0, 5)):
            parent = draw(st.sampled_from(grants))
            grantor = parent.holder_position if draw(st.integers(0, 5)) else grant.grantor_position
            grant = dataclasses.replace(grant, source_grant=parent.id, grantor_position=grantor)
            if draw(st.integers(0, 3)):
                grant = dataclasses.replace(
                    grant, services=parent.services, decisions=parent.decisions
                )
        if draw(st.integers(0, 3)):
            grant = dataclasses.replace(
                grant, valid_from=EARLY, valid_to=draw(often_none), revoked_at=draw(often_none)
            )
        grants.append(grant)
    tenures = draw(
        st.lists(
            st.builds(
                Tenure, st.integers(1, 4), st.sampled_from([EARLY, EARLY, *MOMENTS]), often_none
            ),
            min_size=1,
            max_size=3,
        )
    )
    # Usually the official holds the position of one of the grants, as in real lookups.
    if draw(st.integers(0, 3)):
        tenures[0] = dataclasses.replace(
            tenures[0], position=draw(st.sampled_from(grants)).holder_position
        )
    scope = Scope(draw(st.sampled_from(SERVICES)), draw(st.sampled_from(DECISIONS)))
    at = draw(st.sampled_from([*MOMENTS, t(2024, 3, 1)]))
    return grants, Official(1, "Pejabat", tuple(tenures)), scope, at


def in_force(grant: Grant, at: datetime) -> bool:
    return (
        grant.valid_from <= at
        and (grant.valid_to is None or at < grant.valid_to)
        and (grant.revoked_at is None or at < grant.revoked_at)
    )


@settings(max_examples=400, deadline=None)
@given(worlds())
def test_property_every_basis_is_a_lawful_chain(
    world: tuple[list[Grant], Official, Scope, datetime],
) -> None:
    """Pasal 8-15: a basis starts at an atribusi, ends at the acting position, all in force.

    A mandatee never gets a basis for a strategic decision (Pasal 14 ayat (7)), the answer does
    not depend on the order grants are listed in, and circular data never hangs.
    """
    grants, official, scope, at = world
    result = resolve_authority(grants, official, scope, at)
    assert resolve_authority(list(reversed(grants)), official, scope, at) == result
    if isinstance(result, Refusal):
        assert result.field == "authority"
        assert result.rule in RESOLVE_RULES
        return
    assert not (result.kind == GrantKind.MANDAT and scope.decision in STRATEGIC_DECISIONS)
    by_id = {g.id: g for g in grants}
    chain = [by_id[i] for i in result.chain]
    assert chain[0].kind == GrantKind.ATRIBUSI
    assert chain[-1].holder_position == result.acting_position
    assert chain[-1].kind == result.kind
    assert any(
        tenure.position == result.acting_position
        and tenure.valid_from <= at
        and (tenure.valid_to is None or at < tenure.valid_to)
        for tenure in official.tenures
    )
    assert all(g.covers(scope) and in_force(g, at) for g in chain)
    assert len(set(result.chain)) == len(result.chain)
    for parent, child in pairwise(chain):
        assert child.source_grant == parent.id
        assert child.grantor_position == parent.holder_position
        assert parent.kind != GrantKind.MANDAT
        assert child.kind != GrantKind.DELEGASI or parent.allows_onward_delegation
    assert result.legal_bases == tuple(g.legal_basis for g in chain)
    if result.kind == GrantKind.MANDAT:
        assert result.accountable_position == chain[-2].holder_position
        assert result.signature == f"a.n. {chain[-1].grantor_title}\n{chain[-1].holder_title}"
    else:
        assert result.accountable_position == result.acting_position
        assert result.on_behalf_of is None


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 9).flatmap(any_grant), st.lists(st.integers(1, 8), unique=True))
def test_property_validate_grant_refuses_strategic_mandates(new: Grant, ids: list[int]) -> None:
    """Pasal 14 ayat (7): a mandat naming a strategic decision or "*" is always refused."""
    existing = {i: dataclasses.replace(ATRIBUSI_IZIN, id=i) for i in ids}
    refusals = validate_grant(new, existing)
    strategic = ("decisions", "mandate_strategic") in [(r.field, r.rule) for r in refusals]
    expected = new.kind == GrantKind.MANDAT and bool(new.decisions & (STRATEGIC_DECISIONS | {ANY}))
    assert strategic is expected
    assert all(r.grant == new.id for r in refusals)


@st.composite
def chains(draw: st.DrawFn) -> tuple[list[Grant], Scope, datetime]:
    """One line of grants from an atribusi down, each link now and then defective."""

    def rarely() -> bool:
        return draw(st.integers(0, 9)) == 0

    def sometimes(moment: datetime) -> datetime | None:
        return moment if rarely() else None

    scope = Scope(draw(st.sampled_from(SERVICES)), draw(st.sampled_from(DECISIONS)))
    other = next(s for s in SERVICES if s != scope.service)
    grants: list[Grant] = []
    for position in range(1, draw(st.integers(1, 5)) + 1):
        parent = grants[-1] if grants else None
        kinds = [GrantKind.DELEGASI, GrantKind.DELEGASI, GrantKind.MANDAT]
        grants.append(
            Grant(
                id=position * 10,
                kind=GrantKind.ATRIBUSI if parent is None else draw(st.sampled_from(kinds)),
                holder_position=position,
                holder_title=f"Jabatan {position}",
                grantor_position=None
                if parent is None
                else (position if rarely() else parent.holder_position),
                grantor_title="UU 1/2000" if parent is None else parent.holder_title,
                source_grant=None if parent is None else parent.id,
                services=frozenset(
                    {other if rarely() else draw(st.sampled_from([scope.service, ANY]))}
                ),
                decisions=frozenset(
                    {"tolak" if rarely() else draw(st.sampled_from([scope.decision, ANY]))}
                ),
                legal_basis=LegalBasis(f"Dasar {position}", "Pasal 1"),
                valid_from=t(2024, 6, 1) if rarely() else EARLY,
                valid_to=sometimes(draw(st.sampled_from(MOMENTS))),
                revoked_at=sometimes(draw(st.sampled_from(MOMENTS))),
                allows_onward_delegation=not rarely(),
            )
        )
    return grants, scope, draw(st.sampled_from(MOMENTS))


@settings(max_examples=500, deadline=None)
@given(chains())
def test_property_basis_exactly_when_every_link_is_lawful(
    line: tuple[list[Grant], Scope, datetime],
) -> None:
    """Pasal 1 angka 22-24, 13-15: authority holds iff every grant and every hand-over holds."""
    grants, scope, at = line
    acting = grants[-1]
    official = Official(1, "Pejabat", (Tenure(acting.holder_position, EARLY),))
    lawful = (
        all(g.covers(scope) and in_force(g, at) for g in grants)
        and all(
            parent.kind != GrantKind.MANDAT
            and (child.kind != GrantKind.DELEGASI or parent.allows_onward_delegation)
            and child.grantor_position == parent.holder_position
            for parent, child in pairwise(grants)
        )
        and not (acting.kind == GrantKind.MANDAT and scope.decision in STRATEGIC_DECISIONS)
    )
    result = resolve_authority(grants, official, scope, at)
    if lawful:
        assert isinstance(result, Basis)
        assert result.chain == tuple(g.id for g in grants)
    else:
        assert isinstance(result, Refusal)
        assert result.grant == (acting.id if acting.covers(scope) else None)
