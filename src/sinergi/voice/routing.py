"""Routing suggestions: which agencies are competent for a complaint ("no wrong door").

Pure Python (no Django). A :class:`Router` is built once from what the platform knows:

- the agencies (``registry/data/agencies.csv``: name, sector, level, region),
- their mandates (``voice/data/mandates.csv``: the matters each agency's duties cover),
- the service catalogue (which agency owns which step of which service),
- the coordinators' earlier decisions (a complaint's text and region, and the agency it was
  finally disposed to),

and :meth:`Router.rank` orders the agencies for a complaint's text and region:

1. **Topic.** BM25 over words and adjacent word pairs of each agency's profile (name, sector,
   mandate, services), plus a vote of the most similar earlier decisions (cosine over the
   same terms), so that what coordinators decided teaches the router local vocabulary.
2. **Place.** A regional agency is competent only inside its region (a Jakarta office never
   for Kota Bandung); national agencies everywhere.
3. **Level.** An explicit level in the text ("jalan nasional", "jalan provinsi", "jalan
   kota") keeps agencies of that level and demotes the others. Without one, a regional agency
   of the same sector as a national one is preferred (the matter is the region's unless the
   text says national: UU 23/2014's division of affairs).

Words are lower-cased and lightly stemmed (Indonesian particles, possessives and the commonest
affixes), which is enough for complaint text and keeps a ranking well under a millisecond.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

__all__ = [
    "AgencyInfo",
    "Decision",
    "Router",
    "Suggestion",
    "level_cue",
    "load_agencies_csv",
    "load_mandates_csv",
    "terms",
]

DATA_DIR: Final = Path(__file__).parent / "data"

LEVELS: Final = ("pusat", "provinsi", "kabupaten_kota")


@dataclass(frozen=True)
class AgencyInfo:
    code: str
    name: str
    short_name: str = ""
    level: str = "pusat"  # pusat | provinsi | kabupaten_kota
    region_code: str = ""  # empty for national agencies
    sector: str = ""


@dataclass(frozen=True)
class Decision:
    """A coordinator's earlier decision: this complaint went to this agency in the end."""

    text: str
    region_code: str
    agency: str


@dataclass(frozen=True)
class Suggestion:
    agency: str
    score: float  # 0..1, the best suggestion scores 1


# --- Text ------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_STOPWORDS_TEXT: Final = """
yang dan di ke dari untuk dengan pada ini itu ada tidak sudah belum akan juga atau karena
saya kami kita kamu anda dia mereka warga kepada oleh dalam sejak tapi tetapi padahal agar
sehingga bisa dapat harus masih lagi sangat lebih setiap hari minggu bulan tahun mohon tanpa
sampai hingga telah para bagi jadi jika kalau saat secara seperti sama baru lama dua tiga
empat lima enam kali pun lah nya atas bawah antara sendiri lain banyak beberapa semua segera
tersebut orang rumah segala sebelum sesudah setelah terus hanya justru namun
"""
STOPWORDS: Final = frozenset(_STOPWORDS_TEXT.split())
_PARTICLES: Final = ("lah", "kah", "pun")
_POSSESSIVES: Final = ("nya", "ku", "mu")
_PREFIXES: Final = (
    "meng",
    "meny",
    "mem",
    "men",
    "me",
    "peng",
    "peny",
    "pem",
    "pen",
    "pe",
    "ber",
    "ter",
    "di",
    "ke",
    "se",
)
_SUFFIXES: Final = ("kan", "an", "i")


def stem(word: str) -> str:
    """A light Indonesian stemmer: particles, possessives, one prefix, one suffix.

    Conservative (the stem keeps at least 4 letters) so that short words and names survive.
    """
    if "-" in word or word.isdigit() or len(word) <= 4:
        return word
    for suffix in _PARTICLES + _POSSESSIVES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def terms(text: str) -> list[str]:
    """Stemmed words and adjacent pairs ("jalan nasional" -> "jalan_nasional")."""
    stems = [stem(w) for w in _words(text)]
    return stems + [f"{a}_{b}" for a, b in itertools.pairwise(stems)]


_LEVEL_CUE = re.compile(
    r"\b(?:jalan|jembatan|ruas|aset)\s+(nasional|provinsi|kota|kabupaten|desa|lingkungan)\b"
)
_CUE_LEVEL: Final = {
    "nasional": "pusat",
    "provinsi": "provinsi",
    "kota": "kabupaten_kota",
    "kabupaten": "kabupaten_kota",
    "desa": "kabupaten_kota",
    "lingkungan": "kabupaten_kota",
}
_NATIONAL_CUE = re.compile(r"\b(?:nasional|pusat|kementerian|vertikal|seluruh indonesia)\b")


def level_cue(text: str) -> str | None:
    """The government level a text names for the asset it is about, if it names one."""
    found = _LEVEL_CUE.search(text.lower())
    return _CUE_LEVEL[found.group(1)] if found else None


def in_region(agency_region: str, region_code: str) -> bool:
    """A regional agency covers its region code and every code below it."""
    return (
        not agency_region
        or region_code == agency_region
        or region_code.startswith(agency_region + ".")
    )


# --- Tuning ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    """The router's knobs, tuned on the development part of the evaluation set only."""

    k1: float = 1.2
    b: float = 0.6
    profile: float = 1.0  # weight of the BM25 profile score (normalised to the best)
    neighbours: float = 0.3  # weight of the earlier-decision vote (normalised to the best)
    k_neighbours: int = 5
    other_level: float = 0.35  # factor for agencies of another level than the text names
    shadowed_national: float = 0.6  # national agency when a regional one has its sector
    local_bonus: float = 0.03  # tie-break towards the nearer agency


# --- The router ------------------------------------------------------------------------------


@dataclass
class _Doc:
    tf: Counter[str]
    length: int


@dataclass
class Router:
    agencies: Sequence[AgencyInfo]
    mandates: Mapping[str, str] = field(default_factory=dict)
    services: Sequence[tuple[str, str]] = ()  # (agency code, text)
    decisions: Sequence[Decision] = ()
    weights: Weights = field(default_factory=Weights)

    def __post_init__(self) -> None:
        self._by_code = {a.code: a for a in self.agencies}
        texts: dict[str, list[str]] = defaultdict(list)
        for a in self.agencies:
            texts[a.code] += [a.name, a.short_name, a.sector, self.mandates.get(a.code, "")]
        for code, text in self.services:
            if code in self._by_code:
                texts[code].append(text)
        self._docs: dict[str, _Doc] = {}
        for code, parts in texts.items():
            tf = Counter(terms(" ".join(parts)))
            self._docs[code] = _Doc(tf, sum(tf.values()))
        self._avg = sum(d.length for d in self._docs.values()) / max(1, len(self._docs))
        df: Counter[str] = Counter()
        for d in self._docs.values():
            df.update(d.tf.keys())
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self._postings: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for code, d in self._docs.items():
            for t, c in d.tf.items():
                self._postings[t].append((code, c))
        # Earlier decisions: unit tf-idf vectors and an inverted index.
        self._dec_df: Counter[str] = Counter()
        dec_terms = []
        for dec in self.decisions:
            ts = set(terms(dec.text))
            dec_terms.append(ts)
            self._dec_df.update(ts)
        self._dec_n = len(self.decisions)
        self._dec_vectors: list[dict[str, float]] = []
        self._dec_postings: dict[str, list[int]] = defaultdict(list)
        for i, ts in enumerate(dec_terms):
            vec = {t: self._dec_idf(t) for t in ts}
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            self._dec_vectors.append({t: v / norm for t, v in vec.items()})
            for t in ts:
                self._dec_postings[t].append(i)
        sectors_regional: dict[str, set[str]] = defaultdict(set)
        for a in self.agencies:
            if a.region_code:
                sectors_regional[a.sector].add(a.region_code)
        self._sector_regions = dict(sectors_regional)

    def _dec_idf(self, t: str) -> float:
        return math.log(1 + self._dec_n / (1 + self._dec_df.get(t, 0)))

    # The two topic signals ----------------------------------------------------------------

    def _profile_scores(self, query: Sequence[str]) -> dict[str, float]:
        w = self.weights
        scores: dict[str, float] = defaultdict(float)
        for t in set(query):
            idf = self._idf.get(t)
            if idf is None:
                continue
            for code, c in self._postings[t]:
                length = self._docs[code].length
                denom = c + w.k1 * (1 - w.b + w.b * length / self._avg)
                scores[code] += idf * c * (w.k1 + 1) / denom
        return scores

    def _neighbour_scores(self, query: Sequence[str], region_code: str) -> dict[str, float]:
        if not self._dec_n:
            return {}
        qs = set(query)
        qvec = {t: self._dec_idf(t) for t in qs}
        qnorm = math.sqrt(sum(v * v for v in qvec.values())) or 1.0
        sims: dict[int, float] = defaultdict(float)
        for t, qv in qvec.items():
            for i in self._dec_postings.get(t, ()):
                sims[i] += qv / qnorm * self._dec_vectors[i][t]
        best = sorted(sims.items(), key=lambda kv: -kv[1])[: self.weights.k_neighbours]
        votes: dict[str, float] = defaultdict(float)
        for i, sim in best:
            votes[self.decisions[i].agency] += sim
        return votes

    # Ranking -------------------------------------------------------------------------------

    def rank(self, text: str, region_code: str, *, limit: int = 5) -> list[Suggestion]:
        """The competent agencies for a complaint, best first (at most ``limit``)."""
        w = self.weights
        query = terms(text)
        profile = self._profile_scores(query)
        neighbours = self._neighbour_scores(query, region_code)
        top_p = max(profile.values(), default=0.0) or 1.0
        top_n = max(neighbours.values(), default=0.0) or 1.0
        cue = level_cue(text)
        national_cue = bool(_NATIONAL_CUE.search(text.lower()))
        combined: dict[str, float] = {}
        for code in set(profile) | set(neighbours):
            agency = self._by_code.get(code)
            if agency is None or not in_region(agency.region_code, region_code):
                continue
            score = w.profile * profile.get(code, 0.0) / top_p
            score += w.neighbours * neighbours.get(code, 0.0) / top_n
            if cue is not None and agency.level != cue:
                score *= w.other_level
            elif cue is None and not agency.region_code and not national_cue:
                regions = self._sector_regions.get(agency.sector, set())
                if any(in_region(r, region_code) for r in regions):
                    score *= w.shadowed_national
            if agency.region_code:
                score *= 1 + w.local_bonus * (1 + agency.region_code.count("."))
            combined[code] = score
        ranked = sorted(combined.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        if not ranked or ranked[0][1] <= 0:
            return []
        best = ranked[0][1]
        return [Suggestion(code, round(score / best, 4)) for code, score in ranked]


# --- Loading the data files (no Django; the bench and the app share these) -------------------


def load_agencies_csv(path: Path, *, current_only: bool = True) -> list[AgencyInfo]:
    """Agencies from ``agencies.csv``; by default only those not yet retired (no valid_to)."""
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [
        AgencyInfo(
            code=r["code"],
            name=r["name"],
            short_name=r["short_name"],
            level=r["level"],
            region_code=r["region_code"],
            sector=r["sector"],
        )
        for r in rows
        if not (current_only and r["valid_to"])
    ]


def load_mandates_csv(path: Path = DATA_DIR / "mandates.csv") -> dict[str, str]:
    with path.open(encoding="utf-8") as f:
        return {r["code"]: r["mandate"] for r in csv.DictReader(f)}


def services_from_yaml_documents(
    documents: Iterable[Mapping[str, object]],
) -> list[tuple[str, str]]:
    """(agency, text) pairs from catalogue service documents: service name and step titles."""
    out: list[tuple[str, str]] = []
    for doc in documents:
        name = str(doc.get("name", ""))
        variants = doc.get("variants") or []
        assert isinstance(variants, list)
        for variant in variants:
            if not isinstance(variant, Mapping):
                continue
            for step in variant.get("steps") or []:
                if isinstance(step, Mapping) and step.get("agency"):
                    out.append((str(step["agency"]), f"{name} {step.get('title', '')}"))
    return out
