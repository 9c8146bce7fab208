"""The acceptance direction of the audit: correct code written differently must get full marks.

Two sources of correct variants of an assignment's reference:

* **rewrites** made here with libcst, only inside the `### BEGIN/END SOLUTION` regions students
  write, each a semantics-preserving change students make all the time: `a @ b` as
  `np.matmul(a, b)`, `x.T` as `np.transpose(x)`, `np.sum(x)` as a method call, a debug print at
  the start of every region, every returned value passed through a helper function of the
  student's own, list returns as tuples, Beras's `Tensor(...)` returns as plain ndarrays. One
  variant per (file, rewrite), with every site of that rewrite in the file changed at once;
  torch files only get the rewrites that hold for torch tensors too;
* **independent implementations** (`tests/corpus/<assignment>/independent/<name>/`), written
  from the student handout alone by someone who never saw the reference or the checks.

The acceptance score is accepted / graded; every rejected variant is reported with its diff and
the checks that rejected it.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from .mutate import solution_regions

HELPER_NAME = "_identity_helper"


@dataclass(frozen=True)
class Variant:
    """One correct variant of the reference: a rewrite of one file, or an independent
    implementation (every file)."""

    id: str
    kind: str
    """'rewrite' or 'independent'."""
    description: str
    files: dict[str, str]
    """Submission files that differ from the reference (rewrite) or all of them (independent)."""
    diff: str = ""

    @property
    def digest(self) -> str:
        text = "\0".join(f"{k}\0{v}" for k, v in sorted(self.files.items()))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# -- rewrites -----------------------------------------------------------------------------------
def _np(attr: str) -> cst.Attribute:
    return cst.Attribute(cst.Name("np"), cst.Name(attr))


class _Rewriter(cst.CSTTransformer):
    """Applies `rewrite(node)` to every node whose position lies inside a solution region."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, regions: list[tuple[int, int]],
                 rewrite: Callable[[cst.CSTNode], cst.CSTNode | None]) -> None:
        super().__init__()
        self.regions, self.rewrite, self.count = regions, rewrite, 0

    def _inside(self, node: cst.CSTNode) -> bool:
        pos = self.get_metadata(PositionProvider, node)
        return any(a <= pos.start.line and pos.end.line <= b for a, b in self.regions)

    def on_leave(self, original_node, updated_node):
        if not isinstance(original_node, (cst.BaseExpression, cst.BaseSmallStatement)):
            return updated_node
        if not self._inside(original_node):
            return updated_node
        new = self.rewrite(updated_node)
        if new is None:
            return updated_node
        self.count += 1
        return new


def _matmul_call(node):
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.MatrixMultiply):
        return cst.Call(_np("matmul"), [cst.Arg(node.left.with_changes(lpar=[], rpar=[])),
                                        cst.Arg(node.right.with_changes(lpar=[], rpar=[]))],
                        lpar=node.lpar, rpar=node.rpar)
    return None


def _transpose_call(node):
    if isinstance(node, cst.Attribute) and node.attr.value == "T":
        return cst.Call(_np("transpose"), [cst.Arg(node.value)], lpar=node.lpar, rpar=node.rpar)
    return None


_REDUCTIONS = ("sum", "mean", "max", "min")


def _method_reduction(node):
    """np.sum(x, axis=...) -> np.asarray(x).sum(axis=...) (same for mean, max, min)."""
    if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            and isinstance(node.func.value, cst.Name) and node.func.value.value == "np"
            and node.func.attr.value in _REDUCTIONS and node.args
            and node.args[0].keyword is None and node.args[0].star == ""
            and all(a.keyword is not None for a in node.args[1:])):
        target = cst.Call(_np("asarray"), [node.args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)])
        return cst.Call(cst.Attribute(target, cst.Name(node.func.attr.value)),
                        list(node.args[1:]), lpar=node.lpar, rpar=node.rpar)
    return None


def _helper_return(node):
    if isinstance(node, cst.Return) and node.value is not None:
        value = node.value
        if isinstance(value, cst.Tuple) and not value.lpar:
            value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return node.with_changes(value=cst.Call(cst.Name(HELPER_NAME), [cst.Arg(value)]))
    return None


def _tuple_return(node):
    if isinstance(node, cst.Return) and isinstance(node.value, cst.List) and node.value.elements:
        elements = list(node.value.elements)
        if len(elements) == 1:
            elements[0] = elements[0].with_changes(comma=cst.Comma())
        return node.with_changes(value=cst.Tuple(elements))
    return None


def _ndarray_return(node):
    """Tensor(x) -> np.asarray(x): Beras's Diffable and the checks accept plain arrays."""
    if (isinstance(node, cst.Call) and isinstance(node.func, cst.Name)
            and node.func.value == "Tensor" and len(node.args) == 1):
        return node.with_changes(func=_np("asarray"))
    return None


REWRITES: dict[str, tuple[str, Callable, bool]] = {
    # name: (description, node rewrite, valid in files that use torch)
    "matmul-call": ("a @ b written as np.matmul(a, b)", _matmul_call, False),
    "transpose-call": ("x.T written as np.transpose(x)", _transpose_call, False),
    "method-reduction": ("np.sum/mean/max/min(x, ...) written as np.asarray(x).sum(...)",
                         _method_reduction, False),
    "helper-function": (f"every returned value passed through a helper {HELPER_NAME}(v)",
                        _helper_return, True),
    "tuple-returns": ("returned lists written as tuples", _tuple_return, True),
    "ndarray-returns": ("Tensor(x) returned as np.asarray(x)", _ndarray_return, False),
    "debug-print": ("a debug print at the start of every solution region", None, True),
}


def _uses(text: str, module: str) -> bool:
    return f"import {module}" in text or f"from {module}" in text


def _with_debug_prints(text: str, regions: list[tuple[int, int]]) -> str:
    lines = text.splitlines(keepends=True)
    for first, _last in reversed(regions):
        line = lines[first - 1]
        indent = line[:len(line) - len(line.lstrip())]
        lines.insert(first - 1, f'{indent}print("[debug] line {first}", flush=True)\n')
    return "".join(lines)


def rewrite_source(text: str, name: str) -> str | None:
    """`text` with rewrite `name` applied to every site in its solution regions (None if the
    rewrite does not apply: no site, or a numpy-only rewrite in a torch file)."""
    regions = solution_regions(text)
    _description, fn, torch_ok = REWRITES[name]
    if not regions or (not torch_ok and _uses(text, "torch")):
        return None
    if name == "ndarray-returns" and "Tensor" not in text:
        return None
    if fn is None:
        new = _with_debug_prints(text, regions)
    else:
        if not _uses(text, "numpy") and fn in (_matmul_call, _transpose_call, _method_reduction,
                                               _ndarray_return):
            return None
        rewriter = _Rewriter(regions, fn)
        new = MetadataWrapper(cst.parse_module(text)).visit(rewriter).code
        if rewriter.count == 0:
            return None
        if name == "helper-function":
            new += f"\n\ndef {HELPER_NAME}(value):\n    \"\"\"A student's helper.\"\"\"\n" \
                   f"    return value\n"
    if new == text:
        return None
    compile(new, "<variant>", "exec")
    return new


def _diff(old: str, new: str, path: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True),
                                        new.splitlines(keepends=True), f"a/{path}", f"b/{path}",
                                        n=1))


def rewrites(sources: dict[str, str], names: Iterable[str] | None = None) -> list[Variant]:
    """One variant per (file, rewrite) that applies, in file order then rewrite order."""
    chosen = list(names) if names is not None else list(REWRITES)
    unknown = sorted(set(chosen) - set(REWRITES))
    if unknown:
        raise ValueError(f"unknown rewrite(s) {unknown}; known: {sorted(REWRITES)}")
    out = []
    for rel, text in sources.items():
        if not rel.endswith(".py"):
            continue
        for name in chosen:
            new = rewrite_source(text, name)
            if new is not None:
                out.append(Variant(f"{rel}:{name}", "rewrite", REWRITES[name][0], {rel: new},
                                   _diff(text, new, rel)))
    return out


def independent(corpus: Path) -> list[Variant]:
    """Every independent implementation under `corpus` (one folder each: its .py files, or a
    notebook edition's .ipynb)."""
    out = []
    if not corpus.is_dir():
        return out
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        files = {path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
                 for path in sorted(folder.rglob("*")) if path.suffix in (".py", ".ipynb")
                 and "__pycache__" not in path.parts}
        out.append(Variant(f"independent:{folder.name}", "independent",
                           f"written from the handout alone ({folder.name})", files))
    return out
