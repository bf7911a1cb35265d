"""The safe expression language of step conditions (``risk_level in ['tinggi']``).

Parsed with Python's own parser into a tree, then checked against a short whitelist: names,
literals, comparisons, ``and``/``or``/``not``, ``in``, arithmetic and parentheses. No calls,
attributes, subscripts, comprehensions or lambdas, so nothing can reach Python objects; it is
never passed to ``eval``. An unknown name evaluates to None, so a missing field makes a
comparison false instead of crashing.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sinergi.rules import RuleError, Violation, gettext_noop

MAX_LENGTH = 500

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_ARITH: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
}
_ALLOWED = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.Compare,
    ast.Name, ast.Load, ast.Constant, ast.List, ast.Tuple, ast.BinOp,
    *_COMPARE, *_ARITH,
)  # fmt: skip


def _refuse(source: str, reason: str) -> RuleError:
    return RuleError(
        Violation(
            field="when",
            rule="expression_unsafe",
            template=gettext_noop("The condition {source!r} is not allowed: {reason}."),
            params={"source": source[:80], "reason": reason},
        )
    )


@dataclass(frozen=True)
class Expression:
    source: str
    tree: ast.Expression

    @property
    def names(self) -> frozenset[str]:
        """The data fields the condition reads (not the literals true, false, null)."""
        return frozenset(
            n.id for n in ast.walk(self.tree) if isinstance(n, ast.Name) and n.id not in _LITERALS
        )

    def evaluate(self, data: Mapping[str, Any]) -> Any:
        return _eval(self.tree.body, data)


@lru_cache(maxsize=1024)
def compile_expression(source: str) -> Expression:
    """Parse and check a condition; raises RuleError (field ``when``) when it is not safe."""
    if not isinstance(source, str) or not source.strip():
        raise _refuse(str(source), "it is empty")
    if len(source) > MAX_LENGTH:
        raise _refuse(source, f"it is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        raise _refuse(source, "it is not a valid expression") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise _refuse(source, f"{type(node).__name__} is not part of the language")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise _refuse(source, "names may not start with an underscore")
        if isinstance(node, ast.Constant) and not isinstance(
            node.value, (str, int, float, bool, type(None))
        ):
            raise _refuse(source, "only text, numbers, true/false and None are literals")
    return Expression(source=source, tree=tree)


def evaluate(source: str, data: Mapping[str, Any]) -> Any:
    return compile_expression(source).evaluate(data)


_LITERALS = {"true": True, "false": False, "null": None}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _eval(node: ast.expr, data: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return _LITERALS[node.id] if node.id in _LITERALS else data.get(node.id)
    if isinstance(node, (ast.List, ast.Tuple)):
        return tuple(_eval(e, data) for e in node.elts)
    if isinstance(node, ast.BoolOp):
        values = (_eval(v, data) for v in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, data)
        if isinstance(node.op, ast.Not):
            return not value
        return -value if _is_number(value) else None
    if isinstance(node, ast.Compare):
        left = _eval(node.left, data)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _eval(comparator, data)
            try:
                if not _COMPARE[type(op)](left, right):
                    return False
            except TypeError:
                return False  # comparing a missing (None) value is simply false
            left = right
        return True
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, data), _eval(node.right, data)
        if isinstance(node.op, ast.Add) and isinstance(left, str) and isinstance(right, str):
            return left + right if len(left) + len(right) <= MAX_LENGTH else None
        if not (_is_number(left) and _is_number(right)):
            return None  # arithmetic is on numbers only: no text repetition or % formatting
        try:
            return _ARITH[type(node.op)](left, right)
        except (ArithmeticError, ValueError):
            return None
    raise _refuse(ast.unparse(node), f"{type(node).__name__} is not part of the language")
