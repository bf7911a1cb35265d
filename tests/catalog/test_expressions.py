"""The safe expression language of step conditions (``risk_level in ['tinggi']``).

A condition is data written by catalogue editors and read by the engine; it must never reach
Python objects, and it must never crash the engine: it either evaluates, or it is refused with
RuleError (rule ``expression_unsafe``, field ``when``) when it is compiled.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sinergi.catalog.expressions import MAX_LENGTH, compile_expression, evaluate
from sinergi.rules import RuleError

# --- what the language allows ------------------------------------------------------------------

# (source, data, value)
ALLOWED: list[tuple[str, dict[str, Any], Any]] = [
    # comparisons
    ("luas_m2 > 8", {"luas_m2": 12}, True),
    ("luas_m2 > 8", {"luas_m2": 8}, False),
    ("luas_m2 >= 8", {"luas_m2": 8}, True),
    ("luas_m2 < 8", {"luas_m2": 7.5}, True),
    ("luas_m2 <= 8", {"luas_m2": 9}, False),
    ("risk_level == 'tinggi'", {"risk_level": "tinggi"}, True),
    ("risk_level != 'tinggi'", {"risk_level": "rendah"}, True),
    ("1 < umur_tahun < 5", {"umur_tahun": 3}, True),
    ("1 < umur_tahun < 5", {"umur_tahun": 5}, False),
    # in / not in lists and tuples
    ("risk_level in ['tinggi', 'sedang']", {"risk_level": "sedang"}, True),
    ("risk_level in ['tinggi', 'sedang']", {"risk_level": "rendah"}, False),
    ("risk_level not in ['tinggi']", {"risk_level": "rendah"}, True),
    ("jenis in ('R2', 'R4')", {"jenis": "R4"}, True),
    ("'KBLI-47' in kbli", {"kbli": ["KBLI-47", "KBLI-56"]}, True),
    # and / or / not
    ("mutasi and luas_m2 > 8", {"mutasi": True, "luas_m2": 9}, True),
    ("mutasi and luas_m2 > 8", {"mutasi": False, "luas_m2": 9}, False),
    ("mutasi or luas_m2 > 8", {"mutasi": False, "luas_m2": 9}, True),
    ("not mutasi", {"mutasi": False}, True),
    ("not (mutasi or bebas)", {"mutasi": False, "bebas": True}, False),
    # true / false / null literals, which data cannot shadow
    ("mutasi == true", {"mutasi": True}, True),
    ("mutasi == false", {"mutasi": True}, False),
    ("true", {"true": False}, True),
    ("catatan == null", {"catatan": None}, True),
    ("True and not False and None == null", {}, True),
    # arithmetic and parentheses
    ("(luas + 2) * 3 - 1 == 41", {"luas": 12}, True),
    ("nilai / 4", {"nilai": 10}, 2.5),
    ("nilai % 3", {"nilai": 10}, 1),
    ("-nilai < 0", {"nilai": 5}, True),
    ("pajak * 0.1 >= 1000", {"pajak": 10_000}, True),
    ("'SAMSAT ' + kota", {"kota": "Jakarta Pusat"}, "SAMSAT Jakarta Pusat"),
    # arithmetic that cannot be done gives None instead of crashing
    ("nilai / 0", {"nilai": 10}, None),
    ("nilai % 0", {"nilai": 10}, None),
    ("nilai + 'a'", {"nilai": 1}, None),
    ("nilai / 0 > 1", {"nilai": 10}, False),
]


@pytest.mark.parametrize(("source", "data", "value"), ALLOWED, ids=[a[0] for a in ALLOWED])
def test_allowed_forms(source: str, data: dict[str, Any], value: Any) -> None:
    assert evaluate(source, data) == value
    assert type(evaluate(source, data)) is type(value)


def test_names_are_the_fields_a_condition_reads() -> None:
    expression = compile_expression("luas_m2 > 8 and risk in ['tinggi'] or mutasi == true")
    assert expression.names == {"luas_m2", "risk", "mutasi"}  # true is a literal, not data


def test_maximum_length_is_allowed() -> None:
    source = "x == " + "1" * (MAX_LENGTH - len("x == "))
    assert len(source) == MAX_LENGTH
    assert evaluate(source, {"x": int("1" * (MAX_LENGTH - 5))}) is True


# --- missing names ----------------------------------------------------------------------------

# (source, value) with no data at all: a missing field is None, so comparisons with it are
# false; only "is not equal" and "not in" hold, since None is not equal to anything given.
MISSING: list[tuple[str, Any]] = [
    ("luas_m2 > 8", False),
    ("luas_m2 <= 8", False),
    ("luas_m2 == 8", False),
    ("risk_level in ['tinggi']", False),
    ("risk_level == 'tinggi'", False),
    ("'a' in daftar", False),
    ("luas_m2 + 1 > 2", False),
    ("luas_m2 + 1", None),
    ("mutasi", None),
    ("not mutasi", True),
    ("mutasi == null", True),
    ("luas_m2 != 8", True),
    ("risk_level not in ['tinggi']", True),
]


@pytest.mark.parametrize(("source", "value"), MISSING, ids=[m[0] for m in MISSING])
def test_missing_names_evaluate_to_none(source: str, value: Any) -> None:
    assert evaluate(source, {}) is value


# --- what the language refuses ----------------------------------------------------------------

# (name, source, words of the reason)
REFUSED: list[tuple[str, str, str]] = [
    ("call", "len(daftar) > 1", "Call is not part"),
    ("call_builtin", "__import__('os')", "Call is not part"),
    ("attribute", "nilai.real > 1", "Attribute is not part"),
    ("attribute_escape", "().__class__.__bases__", "Attribute is not part"),
    ("subscript", "daftar[0] == 'a'", "Subscript is not part"),
    ("lambda", "(lambda: 1)", "Lambda is not part"),
    ("list_comprehension", "[a for a in daftar]", "ListComp is not part"),
    ("set_comprehension", "{a for a in daftar}", "SetComp is not part"),
    ("dict_comprehension", "{a: a for a in daftar}", "DictComp is not part"),
    ("generator", "(a for a in daftar)", "GeneratorExp is not part"),
    ("dunder_name", "__builtins__ == 1", "underscore"),
    ("underscore_name", "_rahasia == 1", "underscore"),
    ("f_string", "f'{nilai}' == '1'", "JoinedStr is not part"),
    ("walrus", "(x := 1)", "NamedExpr is not part"),
    ("conditional", "1 if mutasi else 2", "IfExp is not part"),
    ("power", "2 ** 1000000", "Pow is not part"),
    ("floor_division", "7 // 2", "FloorDiv is not part"),
    ("bitwise", "nilai | 1", "BitOr is not part"),
    ("invert", "~nilai", "Invert is not part"),
    ("unary_plus", "+nilai", "UAdd is not part"),
    ("identity", "nilai is None", "Is is not part"),
    ("dict", "{'a': 1}", "Dict is not part"),
    ("set", "{1, 2}", "Set is not part"),
    ("starred", "[*daftar]", "Starred is not part"),
    ("yield", "(yield)", "Yield is not part"),
    ("await", "await nilai", "Await is not part"),
    ("bytes", "b'x' == nilai", "only text, numbers"),
    ("ellipsis", "... == nilai", "only text, numbers"),
    ("complex", "1j == nilai", "only text, numbers"),
    ("assignment", "x = 1", "not a valid expression"),
    ("statement", "import os", "not a valid expression"),
    ("incomplete", "luas_m2 >", "not a valid expression"),
    ("two_expressions", "1; 2", "not a valid expression"),
    ("empty", "", "empty"),
    ("blank", "   \n", "empty"),
    ("very_long", "x == " + "1" * MAX_LENGTH, f"longer than {MAX_LENGTH}"),
    ("very_long_nested", "(" * 300 + "1" + ")" * 300, "longer than"),
]


@pytest.mark.parametrize(
    ("source", "reason"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_refused_forms(source: str, reason: str) -> None:
    with pytest.raises(RuleError) as error:
        compile_expression(source)
    [violation] = error.value.violations
    assert violation.rule == "expression_unsafe"
    assert violation.field == "when"
    assert reason in violation.params["reason"]
    assert violation.params["source"] == source[:80]
    assert violation.message.startswith("The condition ")


def test_refused_at_evaluation_too() -> None:
    with pytest.raises(RuleError):
        evaluate("len(x)", {"len": len, "x": "abc"})


def test_names_from_the_data_are_values_never_callables() -> None:
    """A callable in the data is just a value: nothing can call it."""
    assert evaluate("f == f", {"f": print}) is True
    assert evaluate("f + 1", {"f": print}) is None


# --- known defects of expressions.py (reported; remove the marker when fixed) ----------------

# Each once crashed evaluate with another exception; each must now evaluate or be refused.
KNOWN_CRASHES: list[tuple[str, str, dict[str, Any]]] = [
    ("unary_minus_on_missing_name", "-nilai < 0", {}),
    ("unary_minus_on_text", "-nilai", {"nilai": "a"}),
    ("text_formatting_bad_directive", "'%z' % 1", {}),
    ("text_formatting_char_range", "'%c' % 99999999", {}),
    ("repeat_overflow", "'a' * 99999999999999999999", {}),
    ("true_division_overflow", "1" * 400 + " / 1 > 0", {}),
]


@pytest.mark.parametrize(
    ("source", "data"), [k[1:] for k in KNOWN_CRASHES], ids=[k[0] for k in KNOWN_CRASHES]
)
def test_known_crash_is_evaluated_or_refused(source: str, data: dict[str, Any]) -> None:
    with contextlib.suppress(RuleError):
        assert evaluate(source, data) in {None, True, False}


# --- fuzzing -----------------------------------------------------------------------------------

NUMBERS = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)


@settings(max_examples=500, deadline=None)
@given(source=st.text(max_size=MAX_LENGTH + 20), value=NUMBERS)
def test_arbitrary_text_is_evaluated_or_refused_with_rule_error(source: str, value: Any) -> None:
    """Arbitrary text never makes compile or evaluate raise anything but RuleError.

    Every name the text reads is bound to a number (see the known defects above for what
    missing or text values still crash).
    """
    try:
        expression = compile_expression(source)
    except RuleError as error:
        refusal = error
    else:
        with contextlib.suppress(RuleError):
            expression.evaluate(dict.fromkeys(expression.names, value))
        return
    assert {(v.rule, v.field) for v in refusal.violations} == {("expression_unsafe", "when")}


NAME_LIST = ["luas_m2", "risk_level", "mutasi", "tidak_ada", "true", "null"]
NAMES = st.sampled_from(NAME_LIST)
LITERALS = st.one_of(
    st.integers(min_value=-1000, max_value=1000),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda f: round(f, 3)),
    st.sampled_from(["'tinggi'", "'rendah'", "''", "'%s'"]),
).map(str)
COMPARE = st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "not in"])
ARITHMETIC = st.sampled_from(["+", "-", "/"])


def _conditions() -> st.SearchStrategy[str]:
    atoms = st.one_of(NAMES, LITERALS)
    lists = st.lists(atoms, max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
    terms = st.one_of(
        atoms,
        st.tuples(atoms, ARITHMETIC, atoms).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
    )
    comparisons = st.tuples(terms, COMPARE, st.one_of(terms, lists)).map(" ".join)
    return st.recursive(
        st.one_of(comparisons, NAMES),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda c: f"not {c}"),
        ),
        max_leaves=6,
    )


DATA_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.text(max_size=10),
    st.lists(st.text(max_size=5), max_size=3),
)


@settings(max_examples=500, deadline=None)
@given(
    source=_conditions(),
    data=st.dictionaries(st.sampled_from(["luas_m2", "risk_level", "mutasi"]), DATA_VALUES),
)
def test_conditions_over_any_case_data_never_crash(source: str, data: dict[str, Any]) -> None:
    """Conditions of the shapes catalogues use, over any case data (missing fields, text where
    a number was expected, lists), compile and evaluate without raising."""
    expression = compile_expression(source)
    value = expression.evaluate(data)
    if source not in NAME_LIST:  # comparisons, and, or, not: always a truth value
        assert isinstance(value, bool)
