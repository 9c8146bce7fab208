"""A student's notebook -> the canonical layout the suite expects (TRUSTED side, stdlib only).

The .ipynb is read as data (JSON), never executed here. Each code cell becomes a file of its
own, `cell_<n>.py` (n: its position in the notebook, markdown cells counted, so tracebacks and
hang reports name the cell and its line), `_ag_notebook.py` (cellrunner.py with the cell table)
runs them in notebook order inside the sandbox, and each module the suite imports (`data.py`,
`baseline.py`, ...) becomes a shim that IS the notebook's namespace. So the sandbox, the probes
and the suite run unchanged.

Refused or skipped, each with a message naming the cell: shell escapes (`!cmd`, `x = !cmd`),
line magics (`%matplotlib`), cell magics other than %%time / %%timeit / %%capture (the whole
cell), cells tagged to be skipped (manual parts), cells that do not parse, non-Python cells.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .edition import Edition, edition_for

RUNNER = "_ag_notebook.py"
CELL_FILE = "cell_{n}.py"
HARNESS = {"dlgrader_stub.ipynb"}
BODY_MAGICS = {"time", "timeit", "capture", "prun"}  # run the body, skip the magic
FIRST_LINE_CHARS = 60


class NotebookError(ValueError):
    """The upload is not a notebook we can read (the message says why, for the student)."""


@dataclass
class Cell:
    n: int  # position in the notebook, 1-based, markdown cells counted
    kind: str
    source: str
    tags: list[str] = field(default_factory=list)
    execution_count: int | None = None
    language: str = ""

    @property
    def first(self) -> str:
        for line in self.source.splitlines():
            if line.strip():
                line = line.strip()
                return line if len(line) <= FIRST_LINE_CHARS else line[:FIRST_LINE_CHARS] + "…"
        return ""

    @property
    def label(self) -> str:
        return f"cell {self.n} (`{self.first}`)" if self.first else f"cell {self.n}"


@dataclass
class Upload:
    """What the normalizer continues with."""

    files: dict[str, bytes]
    generated: frozenset[str] = frozenset()
    active: bool = False  # a notebook stood for the submission (graded or refused)


def _text(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return None


def parse_notebook(data: bytes) -> list[Cell]:
    """The cells of a notebook file (nbformat 4, or 3's worksheets), data only."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotebookError("it is not UTF-8 text (is it really a notebook?)") from None
    try:
        doc = json.loads(text)
    except RecursionError:
        raise NotebookError("its JSON is nested too deeply") from None
    except ValueError as exc:
        raise NotebookError(f"its JSON is broken ({str(exc)[:80]})") from None
    if not isinstance(doc, dict):
        raise NotebookError("its JSON is not a notebook (no 'cells')")
    cells = doc.get("cells")
    if cells is None and isinstance(doc.get("worksheets"), list):  # nbformat 3
        sheets = [w for w in doc["worksheets"] if isinstance(w, dict)]
        cells = [c for w in sheets for c in (w.get("cells") or []) if isinstance(w.get("cells"), list)]
    if not isinstance(cells, list):
        raise NotebookError("its JSON is not a notebook (no 'cells' list)")
    out = []
    for n, raw in enumerate(cells, 1):
        if not isinstance(raw, dict):
            out.append(Cell(n, "invalid", ""))
            continue
        kind = raw.get("cell_type") if isinstance(raw.get("cell_type"), str) else "invalid"
        source = _text(raw.get("source", raw.get("input", "")))
        meta = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
        tags = meta.get("tags") if isinstance(meta.get("tags"), list) else []
        vscode = meta.get("vscode") if isinstance(meta.get("vscode"), dict) else {}
        count = raw.get("execution_count", raw.get("prompt_number"))
        out.append(Cell(n, kind if source is not None else "invalid", source or "",
                        [t for t in tags if isinstance(t, str)],
                        count if isinstance(count, int) and not isinstance(count, bool) else None,
                        vscode.get("languageId", "") if isinstance(vscode.get("languageId"), str)
                        else ""))
    return out


_SHELL_OR_MAGIC = re.compile(r"^(\s*)(!|%{1,2}|\?)")
_ASSIGNED = re.compile(r"^(\s*)([\w.]+(?:\s*,\s*[\w.]+)*)\s*=\s*[!%]")
_HELP = re.compile(r"^(\s*)\??[\w.]+\?{1,2}\s*$")
_TRIPLE = re.compile(r'"""|\'\'\'')


def python_source(cell: Cell) -> tuple[str | None, list[str], str]:
    """(code to run or None, lines skipped, why the cell does not run).

    Source that parses as Python runs unchanged. Otherwise IPython's additions are replaced
    line by line (keeping line numbers), outside triple-quoted strings."""
    try:
        ast.parse(cell.source)
        return cell.source, [], ""
    except SyntaxError:
        pass
    except (ValueError, RecursionError, MemoryError):
        return None, [], "it cannot be parsed"
    lines = cell.source.split("\n")
    skipped = []
    start = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if lines and lines[start].lstrip().startswith("%%"):
        magic = lines[start].strip()[2:].split()[0] if lines[start].strip()[2:] else ""
        if magic not in BODY_MAGICS:
            return None, [], (f"the cell magic %%{magic} is not run by the grader" if magic
                              else "it starts with %%")
        skipped.append(f"line {start + 1} `%%{magic}`")
        lines[start] = "# [grader] skipped " + lines[start].strip()
    inside = None  # the open triple quote, if any
    for i, line in enumerate(lines):
        if inside is None:
            shown = line.strip()[:40]
            m = _ASSIGNED.match(line)
            if m:
                names = m.group(2)
                lines[i] = f"{m.group(1)}{names} = None  # [grader] skipped"
                skipped.append(f"line {i + 1} `{shown}`")
                continue
            m = _SHELL_OR_MAGIC.match(line) or _HELP.match(line)
            if m:
                lines[i] = f"{m.group(1)}pass  # [grader] skipped"
                skipped.append(f"line {i + 1} `{shown}`")
                continue
        for quote in _TRIPLE.findall(line):
            if inside is None:
                inside = quote
            elif quote == inside:
                inside = None
    code = "\n".join(lines)
    try:
        ast.parse(code)
    except SyntaxError as exc:
        return None, skipped, f"syntax error on line {exc.lineno}: {exc.msg}"
    except (ValueError, RecursionError, MemoryError):
        return None, skipped, "it cannot be parsed"
    return code, skipped, ""


CHECK_MODULE = "check"
CHECK_CALLS = {"check", "check_all"}


def is_check_cell(code: str) -> bool:
    """A cell that only imports the handout's `check` module and calls `check(...)` /
    `check_all(...)`: students run it in Jupyter; the grader skips it (no check.py there)."""
    try:
        body = ast.parse(code).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False

    def harness(node: ast.stmt) -> bool:
        if isinstance(node, ast.ImportFrom):
            return node.module == CHECK_MODULE and node.level == 0
        if isinstance(node, ast.Import):
            return all(alias.name == CHECK_MODULE for alias in node.names)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            return isinstance(node.value.func, ast.Name) and node.value.func.id in CHECK_CALLS
        return False

    return bool(body) and all(harness(node) for node in body)


def defined_names(code: str) -> dict[str, int]:
    """Top-level names a cell binds (def, class, assignment, import, for/with targets), with
    the line of the binding; compound statements are searched, function bodies are not."""
    names: dict[str, int] = {}

    def targets(node, line):
        if isinstance(node, ast.Name):
            names.setdefault(node.id, line)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for elt in node.elts:
                targets(elt, line)
        elif isinstance(node, ast.Starred):
            targets(node.value, line)

    def walk(body):
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.setdefault(stmt.name, stmt.lineno)
            elif isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    targets(target, stmt.lineno)
            elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
                targets(stmt.target, stmt.lineno)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    if alias.name != "*":
                        names.setdefault(alias.asname or alias.name.split(".")[0], stmt.lineno)
            elif isinstance(stmt, (ast.For, ast.AsyncFor)):
                targets(stmt.target, stmt.lineno)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    if item.optional_vars is not None:
                        targets(item.optional_vars, stmt.lineno)
            for attr in ("body", "orelse", "finalbody"):
                if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    walk(getattr(stmt, attr, []) or [])
            for handler in getattr(stmt, "handlers", []) or []:
                walk(handler.body)

    walk(ast.parse(code).body)
    return names


def _forbidden(code: str, cell: Cell, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(code)):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if name.split(".")[0] in forbidden:
                found.append(f"{cell.label} line {node.lineno} imports '{name.split('.')[0]}', "
                             "which this assignment does not allow")
    return found


SHIM = """# `{module}` as the grader imports it: the namespace of the student's notebook (generated
# by the grader). The runner is compiled under a name that is no file of the submission, so
# tracebacks and hang reports name the student's cells only.
import os
import sys
import types

if "_ag_notebook" not in sys.modules:
    _path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_ag_notebook.py")
    _runner = types.ModuleType("_ag_notebook")
    _runner.__file__ = _path
    sys.modules["_ag_notebook"] = _runner
    with open(_path, encoding="utf-8") as _fh:
        exec(compile(_fh.read(), "<grader: notebook runner>", "exec"), _runner.__dict__)
sys.modules[__name__] = sys.modules["_ag_notebook"].NAMESPACE
"""


def shim_text(module: str, notebook: str) -> str:
    return SHIM.format(module=module)


def runner_text(table: dict) -> str:
    source = (Path(__file__).with_name("cellrunner.py")).read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("TABLE = "))
    lines[index] = f"TABLE = {table!r}\n"
    return "".join(lines)


def canonical_files(cells: list[Cell], edition: Edition, modules: list[str], notebook: str,
                    forbidden: tuple[str, ...] = ()) -> tuple[dict[str, bytes], list[str]]:
    """The files of the canonical layout (relative to the notebook's folder) and the notes."""
    notes: list[str] = []
    files: dict[str, bytes] = {}
    table_cells, skipped_tags, counts = [], [], []
    for cell in cells:
        if cell.kind == "invalid":
            notes.append(f"cell {cell.n} is not a valid notebook cell; it was ignored")
            continue
        if cell.kind != "code" or not cell.source.strip():
            continue
        if cell.execution_count is not None:
            counts.append(cell.execution_count)
        entry = {"n": cell.n, "file": CELL_FILE.format(n=cell.n), "first": cell.first,
                 "run": False, "why": "", "defines": {}}
        table_cells.append(entry)
        tag = edition.skipped_by(cell.tags)
        if tag:
            entry["why"] = f"tagged {tag}"
            skipped_tags.append(f"{cell.n} ({tag})")
        elif cell.language and cell.language != "python":
            entry["why"] = f"a {cell.language} cell"
            notes.append(f"{cell.label} is a {cell.language} cell; the grader runs Python only")
        code, skipped, why = python_source(cell)
        if code is not None:
            entry["defines"] = defined_names(code)
            if not entry["why"] and is_check_cell(code):
                entry["why"] = "a check() cell (the public checks students run themselves)"
        if entry["why"]:
            continue
        if code is None:
            entry["why"] = why
            notes.append(f"{cell.label} was not run: {why}; the other cells were")
            continue
        if skipped:
            notes.append(f"{cell.label}: the grader does not run shell commands or magics; "
                         f"skipped {', '.join(skipped[:4])}" + (" …" if len(skipped) > 4 else ""))
        notes.extend(_forbidden(code, cell, forbidden))
        entry["run"] = True
        files[entry["file"]] = code.encode("utf-8")
    if counts != sorted(counts):
        notes.append("the notebook was last run out of order (its execution counts are not "
                     "increasing); the grader runs the code cells top to bottom, as "
                     "Kernel > Restart & Run All does")
    ran = sum(1 for e in table_cells if e["run"])
    summary = f"graded the notebook '{notebook}': {ran} code cells run top to bottom"
    if skipped_tags:
        summary += (f"; not run (graded by hand or tagged to skip): cells "
                    f"{', '.join(skipped_tags)}")
    notes.insert(0, summary)
    table = {"notebook": notebook, "cell_seconds": float(edition.cell_seconds),
             "total_seconds": float(edition.total_seconds), "cells": table_cells}
    files[RUNNER] = runner_text(table).encode("utf-8")
    for module in modules:
        files[f"{module}.py"] = shim_text(module, notebook).encode("utf-8")
    return files, notes


def _modules(spec) -> list[str] | None:
    if spec.package:
        return None
    mods = [f[:-3] for f in spec.files if f.endswith(".py") and "/" not in f]
    return mods if len(mods) == len(spec.files) else None


def convert_upload(files: dict[str, bytes], spec, notes: list[str],
                   edition: Edition | None = None) -> Upload:
    """The hook of `engine.submission.normalize`: when the upload holds a notebook and the
    assignment has a notebook edition, replace the notebook by the canonical layout."""
    notebooks = sorted(rel for rel in files if rel.lower().endswith(".ipynb")
                       and PurePosixPath(rel).name not in HARNESS)
    if not notebooks:
        return Upload(files)
    edition = edition or edition_for(spec)
    modules = _modules(spec)
    if edition is None or modules is None:
        return Upload(files)
    required = {PurePosixPath(f).name for f in spec.files}
    rest = {rel: data for rel, data in files.items() if rel not in notebooks}
    shown = ", ".join(f"'{rel}'" for rel in notebooks[:4])
    if any(PurePosixPath(rel).name in required for rel in rest):
        notes.append(f"{shown} not graded: the upload also has the .py files, which were "
                     "graded (upload either the notebook or the .py files)")
        return Upload(rest)
    chosen = notebooks
    if len(chosen) > 1:
        chosen = [rel for rel in notebooks if PurePosixPath(rel).name == edition.file]
    if len(chosen) != 1:
        notes.append(f"the upload holds several notebooks ({shown}); upload exactly one "
                     "(nothing was graded)")
        return Upload(rest, active=True)
    rel = chosen[0]
    try:
        cells = parse_notebook(files[rel])
    except NotebookError as exc:
        notes.append(f"the notebook '{rel}' could not be graded: {exc}. Upload the .ipynb as "
                     "Jupyter, Colab or VS Code saves it (nothing was graded)")
        return Upload(rest, active=True)
    made, more = canonical_files(cells, edition, modules, PurePosixPath(rel).name,
                                 tuple(spec.forbidden_imports))
    notes.extend(more)
    if len(notebooks) > 1:
        notes.append(f"graded '{rel}'; the other notebooks were ignored")
    prefix = rel[: len(rel) - len(PurePosixPath(rel).name)]
    generated = {prefix + name: data for name, data in made.items()}
    rest.update(generated)
    return Upload(rest, frozenset(generated), active=True)
