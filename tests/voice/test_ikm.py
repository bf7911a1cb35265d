"""IKM per PermenPANRB 14/2017 (regulations.md section 1), tested as the regulation reads."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from sinergi.rules import RuleError
from sinergi.voice import ikm
from sinergi.voice.ikm import Weighting

#: The worked example of regulations.md 1.7: ten respondents, U1..U9.
WORKED = """\
4 3 3 4 3 4 4 3 3
3 3 2 4 3 3 4 3 3
4 4 3 4 4 4 4 4 3
3 3 3 4 3 3 3 3 2
4 3 3 4 3 4 4 3 3
3 2 2 4 3 3 3 3 3
4 4 3 4 4 3 4 4 4
3 3 3 3 3 3 3 3 3
4 3 2 4 3 4 4 3 3
3 3 3 4 3 3 4 3 2"""


def worked_responses() -> list[dict[str, int | None]]:
    return [
        {f"U{i}": int(v) for i, v in enumerate(line.split(), start=1)}
        for line in WORKED.splitlines()
    ]


def test_worked_example_nrr_per_element_is_the_column_mean() -> None:
    result = ikm.compute(worked_responses())
    assert [e.total for e in result.elements] == [35, 31, 27, 39, 32, 34, 37, 32, 29]
    assert [e.nrr for e in result.elements] == [
        Fraction(35, 10), Fraction(31, 10), Fraction(27, 10), Fraction(39, 10),
        Fraction(32, 10), Fraction(34, 10), Fraction(37, 10), Fraction(32, 10),
        Fraction(29, 10),
    ]  # fmt: skip


def test_worked_example_exact_weight_gives_82_22_grade_b() -> None:
    result = ikm.compute(worked_responses())
    assert result.weighted_nrr == Fraction(296, 90)  # 29.6 / 9
    assert result.ikm == Decimal("82.22")
    assert (result.grade.letter, result.grade.label) == ("B", "Baik")


def test_worked_example_printed_weight_gives_82_14_still_b() -> None:
    result = ikm.compute(worked_responses(), weighting=Weighting.PRINTED)
    assert result.ikm == Decimal("82.14")
    assert result.grade.letter == "B"


def test_worked_example_flags_waktu_penyelesaian_as_the_priority() -> None:
    lowest = ikm.compute(worked_responses()).lowest
    assert lowest.element.code == "U3"
    assert lowest.converted == Decimal("67.50")


@pytest.mark.parametrize(
    ("mean_nrr", "exact", "exact_grade", "printed", "printed_grade"),
    [
        # regulations.md 1.7 boundary cases: the two conventions part at every boundary.
        ("3.5324", "88.31", "A", "88.22", "B"),
        ("3.0644", "76.61", "B", "76.53", "C"),
        ("2.60", "65.00", "C", "64.94", "D"),
        ("4", "100.00", "A", "99.90", "A"),
        ("1", "25.00", "D", "25.00", "D"),
    ],
)
def test_grade_boundaries_under_both_weightings(
    mean_nrr: str, exact: str, exact_grade: str, printed: str, printed_grade: str
) -> None:
    nrrs = [Decimal(mean_nrr)] * 9
    _, _, by_exact = ikm.index_from_nrrs(nrrs, Weighting.EXACT)
    _, _, by_printed = ikm.index_from_nrrs(nrrs, Weighting.PRINTED)
    assert (by_exact, ikm.grade_of(by_exact).letter) == (Decimal(exact), exact_grade)
    assert (by_printed, ikm.grade_of(by_printed).letter) == (Decimal(printed), printed_grade)


@pytest.mark.parametrize(
    ("value", "letter"),
    [
        ("100.00", "A"), ("88.31", "A"), ("88.30", "B"), ("76.61", "B"), ("76.60", "C"),
        ("65.00", "C"), ("64.99", "D"), ("25.00", "D"),
    ],
)  # fmt: skip
def test_bands_of_the_25_to_100_scale_have_no_gaps_at_two_decimals(value: str, letter: str) -> None:
    assert ikm.grade_of(Decimal(value)).letter == letter


def test_rounding_is_half_up_on_the_exact_value() -> None:
    # 88.305 exactly (NRR mean 3.5322) rounds up to 88.31, an A; a float would give 88.30.
    _, exact, rounded = ikm.index_from_nrrs([Fraction(35322, 10000)] * 9)
    assert exact == Fraction(88305, 1000)
    assert rounded == Decimal("88.31")
    assert ikm.grade_of(rounded).letter == "A"
    # and just below the tie it rounds down
    _, _, below = ikm.index_from_nrrs([Fraction(353219, 100000)] * 9)
    assert below == Decimal("88.30")


def test_unanswered_elements_divide_by_those_who_answered() -> None:
    rows: list[dict[str, int | None]] = [
        {f"U{i}": 4 for i in range(1, 10)},
        {**{f"U{i}": 2 for i in range(1, 10)}, "U4": None},
    ]
    result = ikm.compute(rows)
    u4 = result.elements[3]
    assert (u4.answered, u4.nrr) == (1, Fraction(4))
    assert result.elements[0].nrr == Fraction(3)


@pytest.mark.parametrize("bad", [0, 5, -1, True, 3.5, "4"])
def test_an_answer_outside_1_to_4_is_refused(bad: object) -> None:
    rows = [{**{f"U{i}": 3 for i in range(1, 10)}, "U2": bad}]
    with pytest.raises(RuleError) as raised:
        ikm.compute(rows)  # type: ignore[arg-type]
    assert [v.rule for v in raised.value.violations] == ["ikm_answer_out_of_scale"]
    assert raised.value.violations[0].field == "U2"


def test_no_responses_and_unknown_elements_are_refused() -> None:
    with pytest.raises(RuleError, match="no responses"):
        ikm.compute([])
    with pytest.raises(RuleError) as raised:
        ikm.compute([{**{f"U{i}": 3 for i in range(1, 10)}, "U10": 3}])
    assert raised.value.violations[0].rule == "ikm_unknown_element"


def test_csv_with_a_missing_column_is_refused_naming_it() -> None:
    text = "U1,U2,U3,U4,U5,U6,U7,U8\n4,4,4,4,4,4,4,4\n"
    with pytest.raises(RuleError) as raised:
        ikm.parse_csv(text.splitlines(keepends=True))
    violation = raised.value.violations[0]
    assert violation.rule == "ikm_csv_missing_column"
    assert "U9" in violation.message


def test_csv_cells_must_be_1_to_4_and_name_their_row() -> None:
    text = "no,U1,U2,U3,U4,U5,U6,U7,U8,U9\n1,4,4,4,4,4,4,4,4,4\n2,4,4,4,4,4,4,4,4,7\n"
    with pytest.raises(RuleError) as raised:
        ikm.parse_csv(text.splitlines(keepends=True))
    assert "Row 3, column U9" in raised.value.violations[0].message


@pytest.mark.parametrize(
    ("population", "sample"),
    [(5, 5), (10, 10), (100, 80), (101, 86), (150, 108), (1000, 278), (1001, 285),
     (10_000, 370), (100_000, 384), (5_000_000, 384)],
)  # fmt: skip
def test_krejcie_morgan_uses_the_next_tabulated_population(population: int, sample: int) -> None:
    assert ikm.krejcie_morgan_sample(population) == sample


def test_krejcie_morgan_table_agrees_with_the_1970_formula_within_one() -> None:
    # S = X^2 N P(1-P) / (d^2 (N-1) + X^2 P(1-P)), X^2 = 3.841, P = 0.5, d = 0.05
    for n, s in ikm.krejcie_morgan_table():
        formula = 3.841 * n * 0.25 / (0.0025 * (n - 1) + 3.841 * 0.25)
        assert abs(formula - s) <= 1, (n, s, formula)
