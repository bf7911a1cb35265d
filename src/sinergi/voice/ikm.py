"""Indeks Kepuasan Masyarakat (IKM) per PermenPANRB 14/2017 (regulations.md section 1).

Pure Python (no Django): the survey pages, the CSV export and ``sinergi ikm compute`` share it.

The computation, as the regulation's annex prescribes it:

1. NRR per element (nilai rata-rata unsur) = the sum of the scores given for that element
   divided by the number of respondents who answered it (scores 1 to 4).
2. Weight per element = 1 / number of elements (9 in the regulation).
3. NRR tertimbang = the sum of NRR x weight.
4. IKM = NRR tertimbang x 25, on the 25-100 scale.

Conventions (stated here and pinned by the tests at every grade boundary):

- **Weighting.** ``Weighting.EXACT`` (the default) uses the exact weight 1/9, so the index is
  exactly 25 x the mean of the NRRs. ``Weighting.PRINTED`` uses the weight the guideline prints,
  0.111, which gives 0.999 x that value and moves results across the boundaries
  (mean NRR 3.5324 is 88.31, A, exactly, but 88.22, B, with 0.111).
- **Rounding.** Every intermediate value is an exact fraction; only the final index is
  rounded, to 2 decimals, half up (88.305 becomes 88.31). NRRs are shown rounded the same way
  but never fed back rounded.
- **Grade.** The rounded index is classified by the regulation's bands on the 25-100 scale:
  88.31-100.00 A (Sangat Baik), 76.61-88.30 B (Baik), 65.00-76.60 C (Kurang Baik),
  25.00-64.99 D (Tidak Baik). With 2 decimals the bands leave no gaps.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Final

from sinergi.rules import RuleError, Violation, gettext_noop

__all__ = [
    "ELEMENTS",
    "SCALE_MAX",
    "SCALE_MIN",
    "Element",
    "ElementResult",
    "Grade",
    "IkmResult",
    "Weighting",
    "compute",
    "grade_of",
    "index_from_nrrs",
    "krejcie_morgan_sample",
    "krejcie_morgan_table",
    "parse_csv",
    "round_half_up",
]

ARTICLE: Final = "PermenPANRB 14/2017, Lampiran"
SCALE_MIN: Final = 1
SCALE_MAX: Final = 4
#: IKM = NRR tertimbang x 25 (4 x 25 = 100).
CONVERSION: Final = 25
PRINTED_WEIGHT: Final = Fraction(111, 1000)


@dataclass(frozen=True)
class Element:
    code: str
    name: str


#: The nine elements (unsur). The set is normative, the order configurable (regulations.md 1.2).
ELEMENTS: Final[tuple[Element, ...]] = (
    Element("U1", gettext_noop("Persyaratan")),
    Element("U2", gettext_noop("Sistem, mekanisme, dan prosedur")),
    Element("U3", gettext_noop("Waktu penyelesaian")),
    Element("U4", gettext_noop("Biaya/tarif")),
    Element("U5", gettext_noop("Produk spesifikasi jenis pelayanan")),
    Element("U6", gettext_noop("Kompetensi pelaksana")),
    Element("U7", gettext_noop("Perilaku pelaksana")),
    Element("U8", gettext_noop("Sarana dan prasarana")),
    Element("U9", gettext_noop("Penanganan pengaduan, saran dan masukan")),
)


class Weighting(StrEnum):
    EXACT = "exact"  # 1 / number of elements
    PRINTED = "printed"  # 0.111, as printed in the guideline (nine elements only)


@dataclass(frozen=True)
class Grade:
    letter: str
    label: str
    lowest: Decimal  # the lowest rounded index in the band


#: Highest band first: the first whose lowest value the rounded index reaches.
GRADES: Final[tuple[Grade, ...]] = (
    Grade("A", gettext_noop("Sangat Baik"), Decimal("88.31")),
    Grade("B", gettext_noop("Baik"), Decimal("76.61")),
    Grade("C", gettext_noop("Kurang Baik"), Decimal("65.00")),
    Grade("D", gettext_noop("Tidak Baik"), Decimal("25.00")),
)


def round_half_up(value: Fraction | Decimal, places: int = 2) -> Decimal:
    """Round an exact value to ``places`` decimals, half up (88.305 becomes 88.31).

    Fractions are rounded exactly, never through a float or a truncated decimal expansion.
    """
    if isinstance(value, Decimal):
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    scaled = value * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(whole).scaleb(-places)


def grade_of(ikm: Decimal) -> Grade:
    """The grade of an index already rounded to 2 decimals."""
    if not Decimal(25) <= ikm <= Decimal(100):
        raise ValueError(f"an IKM value lies between 25 and 100, got {ikm}")
    for grade in GRADES:
        if ikm >= grade.lowest:
            return grade
    raise AssertionError("unreachable: the D band starts at 25")  # pragma: no cover


@dataclass(frozen=True)
class ElementResult:
    element: Element
    answered: int
    total: int
    nrr: Fraction  # exact mean score

    @property
    def nrr_rounded(self) -> Decimal:
        return round_half_up(self.nrr, 3)

    @property
    def converted(self) -> Decimal:
        """The element's own value on the 25-100 scale (NRR x 25), for the per-element chart."""
        return round_half_up(self.nrr * CONVERSION, 2)

    @property
    def grade(self) -> Grade:
        return grade_of(self.converted)


@dataclass(frozen=True)
class IkmResult:
    respondents: int
    elements: tuple[ElementResult, ...]
    weighting: Weighting
    weighted_nrr: Fraction  # NRR tertimbang, exact
    ikm_exact: Fraction
    ikm: Decimal  # rounded to 2 decimals, half up
    grade: Grade

    @property
    def lowest(self) -> ElementResult:
        """The improvement priority a report flags: the element with the lowest NRR."""
        return min(self.elements, key=lambda e: (e.nrr, e.element.code))


def _violation(field: str, rule: str, template: str, **params: object) -> Violation:
    return Violation(
        field=field,
        rule=rule,
        template=template,
        params={k: str(v) for k, v in params.items()},
        article=ARTICLE,
    )


def check_answer(code: str, value: object) -> Violation | None:
    """None when ``value`` is a score on the 1-4 scale (``bool`` is not a score)."""
    if isinstance(value, int) and not isinstance(value, bool) and SCALE_MIN <= value <= SCALE_MAX:
        return None
    return _violation(
        code,
        "ikm_answer_out_of_scale",
        gettext_noop("{element}: the answer must be a whole number from 1 to 4, got {value}."),
        element=code,
        value=repr(value)[:20],
    )


def compute(
    responses: Sequence[Mapping[str, int | None]],
    *,
    elements: Sequence[Element] = ELEMENTS,
    weighting: Weighting = Weighting.EXACT,
) -> IkmResult:
    """The IKM of a set of responses (``{"U1": 4, ..., "U9": 3}``; ``None`` = not answered).

    Refuses (``RuleError``) an answer outside 1-4, an unknown element, no responses, or an
    element nobody answered.
    """
    if not elements:
        raise ValueError("a survey needs at least one element")
    if weighting is Weighting.PRINTED and len(elements) != len(ELEMENTS):
        raise ValueError("the printed weight 0.111 belongs to the nine-element survey")
    codes = [e.code for e in elements]
    problems: list[Violation] = []
    totals = dict.fromkeys(codes, 0)
    answered = dict.fromkeys(codes, 0)
    for row_number, response in enumerate(responses, start=1):
        for code, value in response.items():
            if code not in totals:
                problems.append(
                    _violation(
                        code,
                        "ikm_unknown_element",
                        gettext_noop(
                            "Respondent {row}: {element} is not an element of this survey."
                        ),
                        row=row_number,
                        element=code,
                    )
                )
                continue
            if value is None:
                continue
            bad = check_answer(code, value)
            if bad is not None:
                problems.append(bad)
                continue
            totals[code] += value
            answered[code] += 1
    if not responses:
        problems.append(
            _violation(
                "responses",
                "ikm_no_responses",
                gettext_noop("There are no responses to compute an index from."),
            )
        )
    else:
        for code in codes:
            if answered[code] == 0 and not any(p.field == code for p in problems):
                problems.append(
                    _violation(
                        code,
                        "ikm_element_unanswered",
                        gettext_noop("Nobody answered {element}."),
                        element=code,
                    )
                )
    if problems:
        raise RuleError(*problems)
    results = tuple(
        ElementResult(
            e, answered[e.code], totals[e.code], Fraction(totals[e.code], answered[e.code])
        )
        for e in elements
    )
    weighted, ikm_exact, ikm = index_from_nrrs([r.nrr for r in results], weighting)
    return IkmResult(
        respondents=len(responses),
        elements=results,
        weighting=weighting,
        weighted_nrr=weighted,
        ikm_exact=ikm_exact,
        ikm=ikm,
        grade=grade_of(ikm),
    )


def index_from_nrrs(
    nrrs: Sequence[Fraction | Decimal | int], weighting: Weighting = Weighting.EXACT
) -> tuple[Fraction, Fraction, Decimal]:
    """(NRR tertimbang, exact IKM, IKM rounded to 2 decimals) from the elements' NRRs."""
    values = [Fraction(v) for v in nrrs]
    if not values:
        raise ValueError("no NRR to weigh")
    weight = Fraction(1, len(values)) if weighting is Weighting.EXACT else PRINTED_WEIGHT
    weighted = sum((v * weight for v in values), Fraction(0))
    ikm_exact = weighted * CONVERSION
    # 0.111 x 9 = 0.999: an all-ones survey gives 24.98 under the printed weight, below the
    # scale; the scale's floor is the regulation's, so the rounded index is clamped there.
    ikm = max(round_half_up(ikm_exact, 2), Decimal("25.00"))
    return weighted, ikm_exact, ikm


# --- CSV (one row per respondent, columns U1..U9) ---------------------------------------------


def parse_csv(
    lines: Iterable[str], *, elements: Sequence[Element] = ELEMENTS
) -> list[dict[str, int | None]]:
    """Read respondents from CSV text; every element needs a column; blank cell = unanswered.

    Extra columns (respondent number, profile) are ignored. Refuses a missing column and any
    cell that is not a whole number from 1 to 4, naming the row (the header is row 1).
    """
    reader = csv.DictReader(lines)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [e.code for e in elements if e.code not in header]
    if missing:
        raise RuleError(
            _violation(
                "file",
                "ikm_csv_missing_column",
                gettext_noop("The CSV file has no column {columns} (it needs {expected})."),
                columns=", ".join(missing),
                expected=", ".join(e.code for e in elements),
            )
        )
    reader.fieldnames = header
    rows: list[dict[str, int | None]] = []
    problems: list[Violation] = []
    for line_number, raw in enumerate(reader, start=2):
        row: dict[str, int | None] = {}
        for e in elements:
            cell = (raw.get(e.code) or "").strip()
            if not cell:
                row[e.code] = None
                continue
            if cell.isdigit() and SCALE_MIN <= int(cell) <= SCALE_MAX:
                row[e.code] = int(cell)
                continue
            problems.append(
                _violation(
                    e.code,
                    "ikm_csv_bad_cell",
                    gettext_noop(
                        "Row {row}, column {element}: {value!r} is not a whole number from 1 to 4."
                    ),
                    row=line_number,
                    element=e.code,
                    value=cell[:20],
                )
            )
        rows.append(row)
    if problems:
        raise RuleError(*problems)
    return rows


# --- Sample size (Krejcie & Morgan 1970), shipped as data -------------------------------------

_TABLE_FILE: Final = Path(__file__).parent / "data" / "krejcie-morgan.csv"


@cache
def krejcie_morgan_table() -> tuple[tuple[int, int], ...]:
    """The classic table (population N, sample S), ascending by N."""
    with _TABLE_FILE.open(encoding="utf-8") as f:
        pairs = [(int(r["population"]), int(r["sample"])) for r in csv.DictReader(f)]
    return tuple(sorted(pairs))


def krejcie_morgan_sample(population: int) -> int:
    """The sample the table asks for: S of the smallest tabulated N >= ``population``.

    Conservative on purpose (regulations.md 1.6): a population between two rows gets the
    larger row's sample. Below the first row every member is surveyed; above the last row
    the table's last sample (384) applies.
    """
    if population < 0:
        raise ValueError(f"population must be 0 or more, got {population}")
    table = krejcie_morgan_table()
    if population <= table[0][0]:
        return population
    for n, s in table:
        if n >= population:
            return min(s, population)
    return table[-1][1]
