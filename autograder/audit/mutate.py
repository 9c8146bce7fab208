"""Mutants of the reference solution's student-written code (libcst, formatting kept).

Only code inside `### BEGIN SOLUTION` / `### END SOLUTION` regions is mutated: that is what
students write, so that is what the grader must be able to judge. Each operator models a way
students get deep-learning code wrong; `generate(...)` returns one `Mutant` per single change,
in a deterministic order with stable ids.

Every mutated expression (or, where an expression cannot be wrapped, its statement) also gets a
reach marker in `instrument(...)`: a copy of the reference where `(_ag_reach(N) or EXPR)` records
that EXPR was evaluated. Grading that copy once tells which checks execute which mutant.
"""

from __future__ import annotations

import difflib
import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..build.skeleton import BEGIN, END

REACH_PREFIX = "_ag_reach_"
"""Marker files the instrumented reference writes in its working folder (one per reached site)."""

_HELPER = f'''
def _ag_reach(i, _seen=[None]):
    """Audit instrumentation (never in student code): records that a mutation site ran."""
    if _seen[0] is None:
        import os
        _seen[0] = os.path.exists
    name = "{REACH_PREFIX}%s" % i
    if not _seen[0](name):
        open(name, "w").close()
'''


@dataclass(frozen=True)
class Mutant:
    """One single change of one reference file."""

    id: str
    """Stable: `file:line:col:operator:n`."""
    file: str
    """Path relative to the solution folder (as in assignment.yaml's submission.files)."""
    line: int
    col: int
    operator: str
    description: str
    function: str
    """Qualified name of the enclosing function or class ('<module>' at the top level)."""
    source: str
    """The whole mutated file."""
    diff: str
    """Unified diff against the reference file."""
    reach: str = ""
    """The reach marker of the mutated site (see `instrument`)."""

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.file}\0{self.source}".encode()).hexdigest()[:16]


@dataclass
class _Site:
    target: cst.CSTNode
    replacement: cst.CSTNode
    operator: str
    description: str
    line: int
    col: int
    function: str
    marker_node: cst.CSTNode
    marker_is_statement: bool
    span: tuple[int, int, int, int] = (0, 0, 0, 0)
    """(start line, start col, end line, end col) of the text the replacement takes over."""


# -- small CST helpers ---------------------------------------------------------------------------
_EMPTY = cst.Module([])


def code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def _short(node: cst.CSTNode, limit: int = 60) -> str:
    text = " ".join(code(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_np(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value in ("np", "numpy")


def _np_call(node: cst.CSTNode, names: Iterable[str]) -> str | None:
    """'sum' for `np.sum(...)` when 'sum' is in names."""
    if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            and _is_np(node.func.value) and node.func.attr.value in names):
        return node.func.attr.value
    return None


def _int_literal(node: cst.CSTNode) -> int | None:
    """The value of `3` or `-3` (None for anything else)."""
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    if (isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus)
            and isinstance(node.expression, cst.Integer)):
        return -int(node.expression.value, 0)
    return None


def _int_node(value: int) -> cst.BaseExpression:
    if value < 0:
        return cst.UnaryOperation(cst.Minus(), cst.Integer(str(-value)))
    return cst.Integer(str(value))


def _keep_parens(original: cst.CSTNode, replacement: cst.CSTNode) -> cst.CSTNode:
    """A sub-expression replacing its parent keeps the parent's parentheses (precedence)."""
    if getattr(original, "lpar", None) and not getattr(replacement, "lpar", None):
        return replacement.with_changes(lpar=original.lpar, rpar=original.rpar)
    return replacement


def _plus(node: cst.BaseExpression, delta: int) -> cst.BaseExpression:
    """`node + 1` / `node - 1`, folding integer literals."""
    value = _int_literal(node)
    if value is not None:
        return _int_node(value + delta)
    if (isinstance(node, cst.BinaryOperation) and not node.lpar
            and isinstance(node.operator, (cst.Add, cst.Subtract))
            and isinstance(node.right, cst.Integer)):  # k - 1 -> k, k + 1 -> k + 2
        sign = 1 if isinstance(node.operator, cst.Add) else -1
        total = sign * int(node.right.value, 0) + delta
        if total == 0:
            return node.left
        op = _swap_op(node.operator, cst.Add if total > 0 else cst.Subtract)
        return node.with_changes(operator=op, right=cst.Integer(str(abs(total))))
    left = node if not isinstance(node, (cst.BooleanOperation, cst.IfExp, cst.Lambda)) else \
        node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    op = cst.Add() if delta > 0 else cst.Subtract()
    return cst.BinaryOperation(left, op, cst.Integer(str(abs(delta))))


def _call_without(call: cst.Call, arg: cst.Arg) -> cst.Call:
    args = [a for a in call.args if a is not arg]
    if args:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=args)


def _is_string(node: cst.CSTNode) -> bool:
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))


# -- operators -----------------------------------------------------------------------------------
Result = list[tuple[str, cst.CSTNode, cst.CSTNode]]
"""(description, target node, replacement node)."""


class Context:
    """What an operator may ask about a node's surroundings."""

    def __init__(self, parents: list[cst.CSTNode]) -> None:
        self.parents = parents

    @property
    def parent(self) -> cst.CSTNode | None:
        return self.parents[-1] if self.parents else None

    def inside(self, *types: type) -> bool:
        return any(isinstance(p, types) for p in self.parents)

    def keyword_arg(self) -> str | None:
        p = self.parent
        if isinstance(p, cst.Arg) and p.keyword is not None:
            return p.keyword.value
        if (isinstance(p, cst.UnaryOperation) and len(self.parents) > 1
                and isinstance(self.parents[-2], cst.Arg) and self.parents[-2].keyword):
            return self.parents[-2].keyword.value
        return None

    def in_range_call(self) -> bool:
        return any(isinstance(p, cst.Call) and isinstance(p.func, cst.Name)
                   and p.func.value == "range" for p in self.parents)


_ARITH = {cst.Add: cst.Subtract, cst.Subtract: cst.Add, cst.Multiply: cst.Divide,
          cst.Divide: cst.Multiply, cst.FloorDivide: cst.Divide, cst.Power: cst.Multiply,
          cst.BitAnd: cst.BitOr, cst.BitOr: cst.BitAnd}
_AUG = {cst.AddAssign: cst.SubtractAssign, cst.SubtractAssign: cst.AddAssign,
        cst.MultiplyAssign: cst.DivideAssign, cst.DivideAssign: cst.MultiplyAssign}


def _swap_op(op: cst.CSTNode, new_cls: type) -> cst.CSTNode:
    kwargs = {}
    for name in ("whitespace_before", "whitespace_after"):
        if hasattr(op, name) and name in new_cls.__dataclass_fields__:
            kwargs[name] = getattr(op, name)
    return new_cls(**kwargs)


def op_arith(node: cst.CSTNode, ctx: Context) -> Result:
    out: Result = []
    if isinstance(node, cst.BinaryOperation) and type(node.operator) in _ARITH:
        if _is_string(node.left) or _is_string(node.right):
            return out
        new = _swap_op(node.operator, _ARITH[type(node.operator)])
        out.append((f"'{code(node.operator).strip()}' -> '{code(new).strip()}' in "
                    f"{_short(node)}", node, node.with_changes(operator=new)))
    elif isinstance(node, cst.AugAssign) and type(node.operator) in _AUG:
        new = _swap_op(node.operator, _AUG[type(node.operator)])
        out.append((f"'{code(node.operator).strip()}' -> '{code(new).strip()}' in "
                    f"{_short(node)}", node, node.with_changes(operator=new)))
    return out


_COMPARE = {cst.GreaterThan: (cst.GreaterThanEqual, cst.LessThan),
            cst.GreaterThanEqual: (cst.GreaterThan,),
            cst.LessThan: (cst.LessThanEqual, cst.GreaterThan),
            cst.LessThanEqual: (cst.LessThan,),
            cst.Equal: (cst.NotEqual,), cst.NotEqual: (cst.Equal,),
            cst.Is: (cst.IsNot,), cst.IsNot: (cst.Is,), cst.In: (cst.NotIn,),
            cst.NotIn: (cst.In,)}


def op_compare(node: cst.CSTNode, ctx: Context) -> Result:
    out: Result = []
    if isinstance(node, cst.Comparison):
        for i, target in enumerate(node.comparisons):
            for new_cls in _COMPARE.get(type(target.operator), ()):
                new = _swap_op(target.operator, new_cls)
                targets = list(node.comparisons)
                targets[i] = target.with_changes(operator=new)
                out.append((f"'{code(target.operator).strip()}' -> '{code(new).strip()}' in "
                            f"{_short(node)}", node, node.with_changes(comparisons=targets)))
    elif isinstance(node, cst.BooleanOperation):
        new = cst.Or() if isinstance(node.operator, cst.And) else cst.And()
        new = _swap_op(node.operator, type(new))
        out.append((f"'{code(node.operator).strip()}' -> '{code(new).strip()}' in "
                    f"{_short(node)}", node, node.with_changes(operator=new)))
    return out


def _float_text(value: float) -> str:
    return repr(float(value))


def op_constant(node: cst.CSTNode, ctx: Context) -> Result:
    """Numbers: 0 <-> 1, n -> n +- 1, an epsilon dropped or made large, a factor dropped."""
    if not isinstance(node, (cst.Integer, cst.Float)):
        return []
    if ctx.inside(cst.SubscriptElement, cst.Annotation) or ctx.in_range_call():
        return []  # indices and range bounds belong to off_by_one
    if ctx.keyword_arg() in ("axis", "keepdims"):
        return []  # belong to the axis operator
    out: Result = []
    if isinstance(node, cst.Integer):
        value = int(node.value, 0)
        news = [1] if value == 0 else [0, 2] if value == 1 else [value + 1, value - 1]
        for new in news:
            out.append((f"constant {node.value} -> {new}", node, cst.Integer(str(new))))
        return out
    value = float(node.value)
    if value == 0.0:
        news = [1.0]
    elif value == 1.0:
        news = [0.0, 2.0]
    elif abs(value) < 1e-3:
        news = [0.0, 1e-3]  # an epsilon dropped / far too large
    elif abs(value) >= 1.0:
        news = [1.0, value + 1.0]
    else:
        news = [1.0, value / 10.0]
    for new in news:
        text = _float_text(new)
        out.append((f"constant {node.value} -> {text}", node, cst.Float(text)))
    return out


_AXES = {0: (1, -1), 1: (0,), -1: (0,), 2: (1,), -2: (-1,)}


def op_axis(node: cst.CSTNode, ctx: Context) -> Result:
    """`axis=` changed or dropped, `keepdims=` dropped or flipped."""
    out: Result = []
    if not isinstance(node, cst.Call):
        return out
    for arg in node.args:
        if arg.keyword is None:
            continue
        name = arg.keyword.value
        if name == "axis":
            value = _int_literal(arg.value)
            for new in _AXES.get(value, ()) if value is not None else ():
                args = [a.with_changes(value=_int_node(new)) if a is arg else a for a in node.args]
                out.append((f"axis={value} -> axis={new} in {_short(node)}", node,
                            node.with_changes(args=args)))
            if not (isinstance(arg.value, cst.Name) and arg.value.value == "None"):
                out.append((f"axis={code(arg.value)} dropped in {_short(node)}", node,
                            _call_without(node, arg)))
        elif name == "keepdims" and isinstance(arg.value, cst.Name):
            if arg.value.value == "True":
                out.append((f"keepdims=True dropped in {_short(node)}", node,
                            _call_without(node, arg)))
            elif arg.value.value == "False":
                args = [a.with_changes(value=cst.Name("True")) if a is arg else a
                        for a in node.args]
                out.append((f"keepdims=False -> True in {_short(node)}", node,
                            node.with_changes(args=args)))
    return out


def op_sum_mean(node: cst.CSTNode, ctx: Context) -> Result:
    """`np.sum` <-> `np.mean` (and the `.sum()` / `.mean()` methods)."""
    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
        return []
    attr = node.func.attr.value
    if attr not in ("sum", "mean"):
        return []
    new = "mean" if attr == "sum" else "sum"
    func = node.func.with_changes(attr=cst.Name(new))
    return [(f"{code(node.func)} -> {code(func)} in {_short(node)}", node,
             node.with_changes(func=func))]


def op_transpose(node: cst.CSTNode, ctx: Context) -> Result:
    """A dropped transpose: `x.T` -> `x`, `np.transpose(x)` / `x.transpose()` -> `x`."""
    if isinstance(node, cst.Attribute) and node.attr.value == "T":
        if isinstance(ctx.parent, cst.Call) and ctx.parent.func is node:
            return []
        return [(f".T dropped in {_short(node)}", node, _keep_parens(node, node.value))]
    if isinstance(node, cst.Call) and _np_call(node, ("transpose",)) and len(node.args) == 1:
        return [(f"np.transpose dropped in {_short(node)}", node,
                 _keep_parens(node, node.args[0].value))]
    if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "transpose" and not node.args
            and not _is_np(node.func.value)):
        return [(f".transpose() dropped in {_short(node)}", node,
                 _keep_parens(node, node.func.value))]
    return []


def op_matmul(node: cst.CSTNode, ctx: Context) -> Result:
    """Matrix products: operands swapped (`a @ b` -> `b @ a`) or made elementwise (`a * b`)."""
    out: Result = []
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.MatrixMultiply):
        swapped = node.with_changes(left=node.right, right=node.left)
        out.append((f"operands swapped: {_short(node)} -> {_short(swapped)}", node, swapped))
        star = node.with_changes(operator=_swap_op(node.operator, cst.Multiply))
        out.append((f"'@' -> '*' in {_short(node)}", node, star))
    elif (isinstance(node, cst.Call) and _np_call(node, ("dot", "matmul"))
          and len(node.args) == 2 and not any(a.keyword for a in node.args)):
        a, b = node.args
        args = [a.with_changes(value=b.value), b.with_changes(value=a.value)]
        swapped = node.with_changes(args=args)
        out.append((f"operands swapped: {_short(node)} -> {_short(swapped)}", node, swapped))
    return out


def op_max_shift(node: cst.CSTNode, ctx: Context) -> Result:
    """The stability shift removed: `x - np.max(x, ...)` -> `x`."""
    if not (isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Subtract)):
        return []
    right = node.right
    is_max = _np_call(right, ("max", "amax")) or (
        isinstance(right, cst.Call) and isinstance(right.func, cst.Attribute)
        and right.func.attr.value == "max" and not _is_np(right.func.value))
    if not is_max:
        return []
    return [(f"max shift removed: {_short(node)} -> {_short(node.left)}", node,
             _keep_parens(node, node.left))]


_NP_SWAPS = {"max": "min", "min": "max", "amax": "amin", "amin": "amax", "maximum": "minimum",
             "minimum": "maximum", "argmax": "argmin", "argmin": "argmax", "zeros": "ones",
             "ones": "zeros", "zeros_like": "ones_like", "ones_like": "zeros_like"}


def op_numpy(node: cst.CSTNode, ctx: Context) -> Result:
    """numpy look-alikes: max <-> min, argmax <-> argmin, zeros <-> ones; `np.sqrt` dropped."""
    name = _np_call(node, list(_NP_SWAPS) + ["sqrt"])
    if name is None:
        return []
    if name == "sqrt":
        if len(node.args) != 1:
            return []
        inner = node.args[0].value
        return [(f"np.sqrt dropped in {_short(node)}", node, _keep_parens(node, inner))]
    func = node.func.with_changes(attr=cst.Name(_NP_SWAPS[name]))
    return [(f"np.{name} -> np.{_NP_SWAPS[name]} in {_short(node)}", node,
             node.with_changes(func=func))]


def op_off_by_one(node: cst.CSTNode, ctx: Context) -> Result:
    """Off-by-one indices and slice bounds; one iteration too many in `range(...)`."""
    out: Result = []
    if isinstance(node, cst.Subscript):
        for i, element in enumerate(node.slice):
            inner = element.slice
            news: list[tuple[str, cst.BaseSlice]] = []
            if isinstance(inner, cst.Index):
                value = inner.value
                literal = _int_literal(value)
                if literal is not None:
                    new = literal + 1 if literal >= 0 else literal - 1
                    news.append((f"index {literal} -> {new}", inner.with_changes(
                        value=_int_node(new))))
                elif isinstance(value, (cst.Name, cst.BinaryOperation)) and not (
                        isinstance(value, cst.Name) and value.value in ("None", "True", "False")):
                    for delta in (1, -1):
                        new_value = _plus(value, delta)
                        news.append((f"index {_short(value)} -> {_short(new_value)}",
                                     inner.with_changes(value=new_value)))
            elif isinstance(inner, cst.Slice) and (inner.lower or inner.upper):
                if inner.lower is not None:
                    new_lower = _plus(inner.lower, 1)
                    news.append((f"slice start {_short(inner.lower)} -> {_short(new_lower)}",
                                 inner.with_changes(lower=new_lower)))
                else:
                    news.append(("slice start -> 1", inner.with_changes(lower=cst.Integer("1"))))
                if inner.upper is not None:
                    new_upper = _plus(inner.upper, -1)
                    news.append((f"slice stop {_short(inner.upper)} -> {_short(new_upper)}",
                                 inner.with_changes(upper=new_upper)))
                else:
                    news.append(("slice stop -> -1", inner.with_changes(
                        upper=_int_node(-1))))
            for text, new_slice in news:
                elements = list(node.slice)
                elements[i] = element.with_changes(slice=new_slice)
                out.append((f"{text} in {_short(node)}", node, node.with_changes(
                    slice=elements)))
    elif (isinstance(node, cst.Call) and isinstance(node.func, cst.Name)
          and node.func.value == "range" and 1 <= len(node.args) <= 3
          and not any(a.keyword or a.star for a in node.args)):
        stop_index = 0 if len(node.args) == 1 else 1
        step = _int_literal(node.args[2].value) if len(node.args) == 3 else 1
        delta = -1 if (step is not None and step < 0) else 1
        stop = node.args[stop_index].value
        new_stop = _plus(stop, delta)
        args = list(node.args)
        args[stop_index] = args[stop_index].with_changes(value=new_stop)
        out.append((f"one iteration too many: {_short(node)} -> range stop {_short(new_stop)}",
                    node, node.with_changes(args=args)))
    return out


def op_sign(node: cst.CSTNode, ctx: Context) -> Result:
    """A dropped minus sign: `-expr` -> `expr` (not on plain numbers: see constant)."""
    if (isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus)
            and not isinstance(node.expression, (cst.Integer, cst.Float))):
        return [(f"minus sign dropped in {_short(node)}", node,
                 _keep_parens(node, node.expression))]
    return []


def _loop_iter(node: cst.CSTNode) -> cst.BaseExpression | None:
    if isinstance(node, (cst.For, cst.CompFor)):
        return node.iter
    return None


def op_skip_iteration(node: cst.CSTNode, ctx: Context) -> Result:
    """A skipped loop iteration: `for x in it` -> `for x in list(it)[1:]` (or `[:-1]`)."""
    it = _loop_iter(node)
    if it is None:
        return []
    out: Result = []
    listed = cst.Call(cst.Name("list"), [cst.Arg(it.with_changes(lpar=[], rpar=[])
                                                 if hasattr(it, "lpar") else it)])
    for text, sl in (("first", cst.Slice(lower=cst.Integer("1"), upper=None)),
                     ("last", cst.Slice(lower=None, upper=_int_node(-1)))):
        new = cst.Subscript(listed, [cst.SubscriptElement(sl)])
        out.append((f"{text} iteration skipped: for ... in {_short(it)}", it, new))
    return out


_DELETABLE = (cst.Assign, cst.AugAssign, cst.AnnAssign, cst.Expr)


def op_delete(node: cst.CSTNode, ctx: Context) -> Result:
    """A deleted statement (an assignment or a call), replaced by `pass`."""
    if not isinstance(node, cst.SimpleStatementLine):
        return []
    if not node.body or not all(isinstance(s, _DELETABLE) for s in node.body):
        return []
    if any(isinstance(s, cst.Expr) and _is_string(s.value) for s in node.body):
        return []
    new = node.with_changes(body=[cst.Pass()])
    text = "; ".join(_short(s) for s in node.body)
    return [(f"statement deleted: {text}", node, new)]


OPERATORS: dict[str, tuple[str, Callable[[cst.CSTNode, Context], Result]]] = {
    "arith": ("arithmetic swapped (+ -, * /, ** -> *, & |)", op_arith),
    "compare": ("comparison or boolean swapped (> >=, > <, == !=, and or)", op_compare),
    "constant": ("numeric constant changed (0 1, n +- 1, epsilon dropped or too large)",
                 op_constant),
    "axis": ("axis= changed or dropped, keepdims= dropped", op_axis),
    "sum_mean": ("np.sum <-> np.mean", op_sum_mean),
    "transpose": ("a transpose dropped (.T)", op_transpose),
    "matmul": ("matrix product operands swapped, or made elementwise", op_matmul),
    "max_shift": ("the np.max stability shift removed", op_max_shift),
    "numpy": ("numpy look-alike swapped (max min, argmax argmin, zeros ones), sqrt dropped",
              op_numpy),
    "off_by_one": ("off-by-one index or slice bound, one range iteration too many",
                   op_off_by_one),
    "sign": ("a minus sign dropped", op_sign),
    "skip_iteration": ("a loop iteration skipped (first or last)", op_skip_iteration),
    "delete": ("a statement deleted", op_delete),
}


# -- finding sites -------------------------------------------------------------------------------
def solution_regions(text: str) -> list[tuple[int, int]]:
    """(first, last) line numbers (1-based) strictly inside each solution fence."""
    regions, start = [], None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped == BEGIN:
            start = number + 1
        elif stripped == END and start is not None:
            if number - 1 >= start:
                regions.append((start, number - 1))
            start = None
    return regions


def _in_store(chain: list[cst.CSTNode]) -> bool:
    """Is the last node of `chain` (root first) an assignment target or otherwise unwrappable?"""
    for parent, child in zip(chain, chain[1:]):
        if isinstance(parent, (cst.AssignTarget, cst.AsName, cst.Del)):
            return True
        if isinstance(parent, (cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor)) and \
                child is parent.target:
            return True
        if isinstance(parent, (cst.Decorator, cst.Param, cst.Annotation)):
            return True
    return False


class _Collector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, regions: list[tuple[int, int]], operators: list[str]) -> None:
        super().__init__()
        self.regions = regions
        self.operators = [(name, OPERATORS[name][1]) for name in operators]
        self.parents: list[cst.CSTNode] = []
        self.block_children: set[int] = set()
        self.statements: list[cst.CSTNode] = []
        self.names: list[str] = []
        self.sites: list[_Site] = []

    def _inside(self, node: cst.CSTNode) -> tuple[bool, int, int]:
        pos = self.get_metadata(PositionProvider, node)
        inside = any(a <= pos.start.line and pos.end.line <= b for a, b in self.regions)
        return inside, pos.start.line, pos.start.column

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Module, cst.IndentedBlock)):
            self.block_children.update(id(s) for s in node.body)
        if id(node) in self.block_children:
            self.statements.append(node)
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            self.names.append(node.name.value)
        if self.statements:
            self._collect(node)
        self.parents.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.parents.pop()
        if isinstance(original_node, (cst.FunctionDef, cst.ClassDef)):
            self.names.pop()
        if self.statements and self.statements[-1] is original_node:
            self.statements.pop()

    def _collect(self, node: cst.CSTNode) -> None:
        ctx = Context(self.parents)
        ops = []
        for name, fn in self.operators:
            for description, target, replacement in fn(node, ctx):
                ops.append((name, description, target, replacement))
        if not ops:
            return
        inside, line, col = self._inside(node)
        if not inside:
            return
        statement = self.statements[-1]
        for name, description, target, replacement in ops:
            as_statement = (isinstance(target, cst.BaseSmallStatement)
                            or isinstance(target, cst.BaseStatement)
                            or _in_store(self.parents + [node]) or target is not node
                            and _in_store(self.parents + [node, target]))
            marker = statement if as_statement else target
            span_node, text = target, None
            if isinstance(target, cst.SimpleStatementLine):
                first, last = target.body[0], target.body[-1]
                a = self.get_metadata(PositionProvider, first).start
                b = self.get_metadata(PositionProvider, last).end
                span, text = (a.line, a.column, b.line, b.column), "pass"
            else:
                pos = self.get_metadata(PositionProvider, span_node)
                span = (pos.start.line, pos.start.column, pos.end.line, pos.end.column)
            site = _Site(target, replacement, name, description, line, col,
                         ".".join(self.names) or "<module>", marker, as_statement, span)
            if text is None:  # the span excludes the target's own parentheses, which stay
                text = code(replacement.with_changes(lpar=[], rpar=[])
                            if getattr(target, "lpar", None) and getattr(replacement, "lpar", None)
                            else replacement)
            site.text = text
            self.sites.append(site)


def _splice(text: str, starts: list[int], site: _Site) -> str:
    """The file with the site's text span replaced (same result as re-rendering the CST with
    the replacement node, which tests check, but without a tree walk per mutant)."""
    l1, c1, l2, c2 = site.span
    a, b = starts[l1 - 1] + c1, starts[l2 - 1] + c2
    return text[:a] + site.text + text[b:]


def replace_node(module: cst.Module, target: cst.CSTNode, replacement: cst.CSTNode) -> str:
    """Re-render `module` with one node replaced (the slow reference for `_splice`)."""
    return module.visit(_Replace(target, replacement)).code


class _Replace(cst.CSTTransformer):
    def __init__(self, target: cst.CSTNode, replacement: cst.CSTNode) -> None:
        super().__init__()
        self.target, self.replacement = target, replacement

    def on_leave(self, original_node, updated_node):
        if original_node is self.target:
            return self.replacement
        return updated_node


def _diff(old: str, new: str, path: str) -> str:
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 f"a/{path}", f"b/{path}", n=2)
    return "".join(lines)


@dataclass
class FileMutants:
    """The mutants of one file and the reach-instrumented copy of that file."""

    file: str
    mutants: list[Mutant] = field(default_factory=list)
    instrumented: str = ""


def mutate_source(text: str, rel: str, operators: Iterable[str] | None = None,
                  file_index: int = 0) -> FileMutants:
    """Every single-change mutant of `text` inside its solution regions, and the instrumented
    copy (see module docstring)."""
    ops = list(operators) if operators is not None else list(OPERATORS)
    unknown = sorted(set(ops) - set(OPERATORS))
    if unknown:
        raise ValueError(f"unknown mutation operator(s) {unknown}; known: {sorted(OPERATORS)}")
    regions = solution_regions(text)
    result = FileMutants(rel)
    if not regions:
        result.instrumented = text
        return result
    wrapper = MetadataWrapper(cst.parse_module(text))
    collector = _Collector(regions, ops)
    wrapper.visit(collector)
    module = wrapper.module
    markers: dict[int, str] = {}
    marker_nodes: dict[int, tuple[cst.CSTNode, bool]] = {}
    seen_sources: set[str] = set()
    counts: dict[tuple[int, int, str], int] = defaultdict(int)
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    for site in collector.sites:
        new_source = _splice(text, starts, site)
        if new_source == text or new_source in seen_sources:
            continue
        try:
            compile(new_source, rel, "exec")
        except SyntaxError:
            continue  # never expected; tests assert that every site yields valid Python
        seen_sources.add(new_source)
        key = id(site.marker_node)
        if key not in markers:
            markers[key] = str(file_index * 100000 + len(markers))
            marker_nodes[key] = (site.marker_node, site.marker_is_statement)
        n = counts[(site.line, site.col, site.operator)]
        counts[(site.line, site.col, site.operator)] += 1
        result.mutants.append(Mutant(
            id=f"{rel}:{site.line}:{site.col}:{site.operator}:{n}", file=rel, line=site.line,
            col=site.col, operator=site.operator, description=site.description,
            function=site.function, source=new_source, diff=_diff(text, new_source, rel),
            reach=markers[key]))
    result.instrumented = _instrument(module, marker_nodes, markers, text, rel)
    return result


class _Instrument(cst.CSTTransformer):
    def __init__(self, expressions: dict[int, str], statements: dict[int, str]) -> None:
        super().__init__()
        self.expressions, self.statements = expressions, statements

    @staticmethod
    def _marker_call(marker: str) -> cst.Call:
        return cst.Call(cst.Name("_ag_reach"), [cst.Arg(cst.Integer(marker))])

    def on_leave(self, original_node, updated_node):
        marker = self.expressions.get(id(original_node))
        if marker is not None:
            inner = updated_node
            if isinstance(inner, (cst.IfExp, cst.Lambda, cst.NamedExpr, cst.GeneratorExp,
                                  cst.Yield)) or not getattr(inner, "lpar", True):
                inner = inner.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            updated_node = cst.BooleanOperation(
                self._marker_call(marker), cst.Or(), inner,
                lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        if isinstance(updated_node, (cst.Module, cst.IndentedBlock)):
            body = []
            for orig, new in zip(original_node.body, updated_node.body):
                marker = self.statements.get(id(orig))
                if marker is not None:
                    body.append(cst.SimpleStatementLine([cst.Expr(self._marker_call(marker))]))
                body.append(new)
            updated_node = updated_node.with_changes(body=body)
        return updated_node


def _instrument(module: cst.Module, nodes: dict[int, tuple[cst.CSTNode, bool]],
                markers: dict[int, str], text: str, rel: str) -> str:
    expressions = {k: markers[k] for k, (_n, stmt) in nodes.items() if not stmt}
    statements = {k: markers[k] for k, (_n, stmt) in nodes.items() if stmt}
    new = module.visit(_Instrument(expressions, statements))
    helper = cst.parse_module(_HELPER).body
    body = list(new.body)
    at = 0
    while at < len(body) and isinstance(body[at], cst.SimpleStatementLine) and (
            (isinstance(body[at].body[0], cst.Expr) and _is_string(body[at].body[0].value))
            or (isinstance(body[at].body[0], cst.ImportFrom) and body[at].body[0].module
                is not None and code(body[at].body[0].module) == "__future__")):
        at += 1
    new = new.with_changes(body=body[:at] + list(helper) + body[at:])
    source = new.code
    compile(source, rel, "exec")
    return source


# -- whole solutions -----------------------------------------------------------------------------
@dataclass
class MutantSet:
    """Every mutant of a solution, plus the reach-instrumented copy of each mutated file."""

    mutants: list[Mutant]
    instrumented: dict[str, str]
    """file -> instrumented source (only files that have mutants)."""
    files: dict[str, str]
    """file -> reference source (every submission file found in the solution)."""


def generate(solution: Path, files: Iterable[str], operators: Iterable[str] | None = None,
             only_files: Iterable[str] | None = None) -> MutantSet:
    """Mutants of every `.py` submission file of `solution`, in file order then source order."""
    ops = list(operators) if operators is not None else None
    wanted = set(only_files) if only_files else None
    mutants: list[Mutant] = []
    instrumented: dict[str, str] = {}
    sources: dict[str, str] = {}
    for index, rel in enumerate(files):
        path = Path(solution) / rel
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        sources[rel] = text
        if not rel.endswith(".py") or (wanted is not None and rel not in wanted):
            continue
        found = mutate_source(text, rel, ops, index)
        if found.mutants:
            mutants.extend(found.mutants)
            instrumented[rel] = found.instrumented
    return MutantSet(mutants, instrumented, sources)


def sample(mutants: list[Mutant], n: int | None, seed: int,
           strata: Callable[[Mutant], str] | None = None) -> list[Mutant]:
    """A deterministic sample of `n` mutants (all when n is None or large enough), spread
    round-robin over strata (default: file), returned in the original order."""
    if n is None or n >= len(mutants):
        return list(mutants)
    key = strata or (lambda m: m.file)
    groups: dict[str, list[Mutant]] = defaultdict(list)
    for m in mutants:
        groups[key(m)].append(m)
    rng = random.Random(seed)
    order = sorted(groups)
    for name in order:
        rng.shuffle(groups[name])
    rng.shuffle(order)
    chosen: list[Mutant] = []
    while len(chosen) < n:
        for name in order:
            if groups[name] and len(chosen) < n:
                chosen.append(groups[name].pop())
    ids = {m.id for m in chosen}
    return [m for m in mutants if m.id in ids]
