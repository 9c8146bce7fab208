"""Restricted arithmetic expressions used in banks for derived parameters, answers and conditions.

Allowed: numbers, strings, booleans, names of declared parameters, lists/tuples, indexing,
arithmetic, comparisons, ``and``/``or``/``not``, ``x if c else y`` and calls to whitelisted
functions by name. Everything else (attributes, lambdas, comprehensions, slices, ...) is
rejected when the bank is loaded. Powers and sequence repetition are size-checked.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, CodeType

from .errors import ExpressionError

MAX_EXPONENT = 64
"""Largest exponent accepted by ``**`` in an expression."""
MAX_REPEAT = 10_000
"""Longest list that ``[x] * n`` may build."""

_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call,
    ast.Name, ast.Load, ast.Constant, ast.List, ast.Tuple, ast.Subscript, ast.keyword,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
    ast.UAdd, ast.USub, ast.Not, ast.And, ast.Or,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn,
)


def _safe_pow(base: object, exponent: object) -> object:
    if isinstance(exponent, (int, float)) and abs(exponent) > MAX_EXPONENT:
        raise ExpressionError(f"exponent {exponent} is larger than {MAX_EXPONENT}")
    return base ** exponent  # type: ignore[operator]


def _safe_mul(left: object, right: object) -> object:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, (list, tuple, str)) and isinstance(count, int):
            if len(seq) * count > MAX_REPEAT:
                raise ExpressionError(f"repetition builds more than {MAX_REPEAT} elements")
    return left * right  # type: ignore[operator]


_HELPERS: Mapping[str, Callable[..., object]] = MappingProxyType(
    {"_pow": _safe_pow, "_mul": _safe_mul}
)

MATH_FUNCTIONS: Mapping[str, Callable[..., object]] = MappingProxyType({
    "sqrt": math.sqrt, "log": math.log, "ln": math.log, "log2": math.log2,
    "log10": math.log10, "exp": math.exp, "abs": abs, "min": min, "max": max,
    "round": round, "sum": sum, "len": len, "float": float, "int": int,
})
"""Functions every expression may call, besides the registered answer functions."""


class _GuardArithmetic(ast.NodeTransformer):
    """Rewrite ``a ** b`` and ``a * b`` into size-checked helper calls."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        helper = {ast.Pow: "_pow", ast.Mult: "_mul"}.get(type(node.op))
        if helper is None:
            return node
        call = ast.Call(func=ast.Name(id=helper, ctx=ast.Load()), args=[node.left, node.right],
                        keywords=[])
        return ast.copy_location(call, node)


@dataclass(frozen=True)
class Expression:
    """A parsed, checked expression; evaluate it with :meth:`evaluate`."""

    source: str
    """The expression text as written in the bank."""
    names: frozenset[str]
    """Variable names it reads (function names excluded)."""
    code: CodeType = field(repr=False, compare=False)

    def evaluate(self, variables: Mapping[str, object],
                 functions: Mapping[str, Callable[..., object]]) -> object:
        """Value of the expression; raises ExpressionError on any failure."""
        namespace: dict[str, object] = {"__builtins__": {}}
        namespace.update(functions)
        namespace.update(_HELPERS)
        try:
            return eval(self.code, namespace, dict(variables))  # noqa: S307 - AST whitelisted
        except ExpressionError:
            raise
        except NameError as error:
            raise ExpressionError(f"in '{self.source}': {error}") from None
        except Exception as error:  # arithmetic, type or function errors from the bank author
            raise ExpressionError(
                f"'{self.source}' failed: {type(error).__name__}: {error}"
            ) from None


def compile_expression(source: object, functions: Collection[str]) -> Expression:
    """Parse and check an expression; `functions` are the names it may call."""
    text = str(source).strip() if not isinstance(source, bool) else str(source)
    if isinstance(source, (int, float)) and not isinstance(source, bool):
        text = repr(source)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"'{text}' is not a valid expression: {error.msg}") from None
    nodes = list(ast.walk(tree))
    for node in nodes:
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(
                f"'{text}' uses a forbidden construct: {type(node).__name__}"
            )
    for node in nodes:
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in functions:
                called = node.func.id if isinstance(node.func, ast.Name) else "?"
                raise ExpressionError(f"'{text}' calls unknown function '{called}'")
        elif isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionError(f"'{text}' uses a private name '{node.id}'")
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)
              and isinstance(n.func, ast.Name)}
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - called
    guarded = ast.fix_missing_locations(_GuardArithmetic().visit(tree))
    return Expression(text, frozenset(names), compile(guarded, f"<expr {text}>", "eval"))
