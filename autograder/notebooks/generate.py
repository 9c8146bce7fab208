"""The reference and student notebooks of an assignment, generated from its reference .py files.

One source of truth: `solutions/<a>/notebook.yaml` lists the cells (markdown, module docstrings,
hand-graded questions taken from HANDOUT.md, and which top-level code of which reference module
goes in which code cell); the code itself is read from `solutions/<a>/*.py`, fences included.
So the reference notebook keeps the `### BEGIN/END SOLUTION` fences, and the student notebook is
the reference notebook with every code cell stubbed by `build.skeleton.strip_solutions` (exactly
the .py skeleton's stubs), cells tagged hidden left out and no outputs.

Spec entries (one per cell, in order; `tags:` optional on any):
  markdown: TEXT              a markdown cell
  doc: MODULE                 the module's docstring, as a text block
  question: N                 item N of HANDOUT.md's "Graded by hand" list (tag it manual:...)
  code: [MODULE:NAME, ...]    top-level functions and classes of the modules;
                              MODULE:@top is the module's other top-level code (imports,
                              constants), without its docstring and `if __name__` block
  code: TEXT                  code written for the notebook (experiments, figures)
  check: PART                 a cell `check("PART")`: the part's public checks, run by the
                              student (the handout's check.py; the grader skips such cells);
                              PART must have public checks
Top-level keys besides `cells`: `omit` {module: [names]} (definitions left out: CLI entry
points, `main` by default), `rename` {module: {old: new}} (names that two modules define
differently, since a notebook has one namespace). Imports of the assignment's own modules are
dropped (the notebook is one namespace). Every definition of every module must be placed once
and every solution fence must land in the notebook.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from pathlib import Path

from ..build.skeleton import BEGIN, strip_solutions
from .edition import Edition

NBFORMAT = {"nbformat": 4, "nbformat_minor": 5}
METADATA = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"}}


class SpecError(ValueError):
    """The notebook spec does not fit the reference modules (the message says where)."""


def _rename(source: str, mapping: dict[str, str]) -> str:
    """`source` with every NAME token in `mapping` renamed (attributes `x.name` are kept)."""
    if not mapping:
        return source
    lines = source.splitlines(keepends=True)
    edits, previous = [], None
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME and tok.string in mapping and previous != ".":
            edits.append(tok)
        if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT,
                            tokenize.DEDENT):
            previous = tok.string
    for tok in reversed(edits):
        row, col = tok.start
        line = lines[row - 1]
        lines[row - 1] = line[:col] + mapping[tok.string] + line[col + len(tok.string):]
    return "".join(lines)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


class Module:
    """One reference module, split into its top-level pieces."""

    def __init__(self, name: str, text: str, siblings: set[str], rename: dict[str, str]):
        self.name = name
        self.text = _rename(text, rename)
        tree = ast.parse(self.text)
        self.lines = self.text.splitlines(keepends=True)
        self.doc = ast.get_docstring(tree) or ""
        self.siblings = siblings
        self.defs: dict[str, str] = {}
        top: list[str] = []
        for i, node in enumerate(tree.body):
            if i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str):
                continue  # the docstring
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            end = node.end_lineno  # and the comments indented under it (### END SOLUTION)
            while end < len(self.lines) and (
                    not self.lines[end].strip() or (self.lines[end].lstrip().startswith("#") and
                                                    _indent(self.lines[end]) > node.col_offset)):
                end += 1
            while end > node.end_lineno and not self.lines[end - 1].strip():
                end -= 1
            segment = "".join(self.lines[start - 1:end])
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.defs[node.name] = self._local(segment)
            elif isinstance(node, ast.If) and "__name__" in ast.unparse(node.test):
                continue
            else:
                top.append(segment)
        kept = [s for s in (self._local(s) for s in top) if s.strip()]
        self.top = "".join(kept)

    def _local(self, segment: str) -> str:
        """`segment` without imports of the assignment's own modules (one namespace)."""
        mods = "|".join(re.escape(m) for m in sorted(self.siblings))
        pattern = re.compile(rf"^\s*(from\s+({mods})\s+import\s+[^()\n]+|import\s+({mods}))\s*$")
        return "".join(line for line in segment.splitlines(keepends=True)
                       if not pattern.match(line))

    def piece(self, name: str) -> str:
        if name == "@top":
            return self.top
        if name not in self.defs:
            raise SpecError(f"{self.name}.py has no top-level definition {name!r}")
        return self.defs[name]


def handout_questions(handout: Path) -> dict[int, str]:
    """The numbered items of HANDOUT.md's "Graded by hand" list."""
    questions: dict[int, str] = {}
    if not handout.is_file():
        return questions
    started, current = False, None
    for line in handout.read_text(encoding="utf-8").splitlines():
        if "Graded by hand" in line:
            started = True
            continue
        if not started:
            continue
        m = re.match(r"^(\d+)\.\s+(.*)", line)
        if m:
            current = int(m.group(1))
            questions[current] = m.group(2).strip()
        elif current is not None and line.startswith("   ") and line.strip():
            questions[current] += " " + line.strip()
        elif current is not None and (line.startswith("#") or (line.strip() and
                                                                not line.startswith(" "))):
            break
    return questions


def _cell(kind: str, source: str, index: int, tags: list[str]) -> dict:
    lines = source.rstrip("\n").splitlines(keepends=True)
    cell = {"cell_type": kind, "id": f"c{index:02d}", "metadata": {}, "source": lines}
    if tags:
        cell["metadata"]["tags"] = list(tags)
    if kind == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def _load_spec(source: Path, edition: Edition) -> dict:
    import yaml

    path = source / edition.spec
    if not path.is_file():
        raise SpecError(f"{path}: no notebook spec")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def reference_notebook(assignment, source: Path | None = None,
                       edition: Edition | None = None) -> dict:
    """The reference notebook (fences kept) from the modules in `source` (default: the
    assignment's solution folder; a bug corpus entry passes its edited copy)."""
    source = Path(source or assignment.solution)
    edition = edition or assignment.submission.notebook
    if edition is None:
        raise SpecError(f"{assignment.name} has no notebook edition")
    spec = _load_spec(source, edition)
    module_names = [f[:-3] for f in assignment.submission.files]
    siblings = set(module_names) | {f[:-3] for f in assignment.submission.provided
                                    if f.endswith(".py")}
    renames = spec.get("rename") or {}
    modules = {m: Module(m, (source / f"{m}.py").read_text(encoding="utf-8"), siblings,
                         renames.get(m) or {}) for m in module_names}
    omit = {m: set(names) for m, names in (spec.get("omit") or {}).items()}
    questions = handout_questions(assignment.source.parent / "HANDOUT.md")
    placed: dict[tuple[str, str], int] = {}
    cells = []
    for index, entry in enumerate(spec.get("cells") or [], 1):
        tags = list(entry.get("tags") or [])
        if "markdown" in entry:
            cells.append(_cell("markdown", entry["markdown"], index, tags))
        elif "doc" in entry:
            doc = modules[entry["doc"]].doc
            cells.append(_cell("markdown", f"```text\n{doc}\n```", index, tags))
        elif "question" in entry:
            number = int(entry["question"])
            if number not in questions:
                raise SpecError(f"HANDOUT.md has no hand-graded question {number}")
            title = entry.get("title", f"Question {number}")
            text = (f"**{title} (graded by hand).** {questions[number]}\n\n"
                    "*Your answer (3-5 sentences):*")
            cells.append(_cell("markdown", text, index, tags))
        elif "check" in entry:
            part = str(entry["check"])
            parts = {key.split(".")[0] for key in assignment.public_check_keys()}
            if part not in parts:
                raise SpecError(f"cell {index}: check: {part!r} is not a part with public "
                                f"checks (those are: {', '.join(sorted(parts)) or 'none'})")
            cells.append(_cell("code", f'check("{part}")', index, tags))
        elif isinstance(entry.get("code"), str):
            cells.append(_cell("code", entry["code"], index, tags))
        elif isinstance(entry.get("code"), list):
            pieces = []
            for ref in entry["code"]:
                module, _, name = str(ref).partition(":")
                if module not in modules:
                    raise SpecError(f"cell {index}: {module!r} is not a submitted module")
                if (module, name) in placed:
                    raise SpecError(f"cell {index}: {ref} is already in cell {placed[module, name]}")
                placed[module, name] = index
                pieces.append(modules[module].piece(name).strip("\n"))
            cells.append(_cell("code", "\n\n\n".join(pieces), index, tags))
        else:
            raise SpecError(f"cell {index}: expected markdown, doc, question, check or code: "
                            f"{entry}")
    for m, module in modules.items():
        left = set(module.defs) - {n for (mm, n) in placed if mm == m} - omit.get(m, {"main"})
        if left:
            raise SpecError(f"{m}.py: {sorted(left)} not placed in any notebook cell "
                            "(add them to a code cell or to omit:)")
        if module.top.strip() and (m, "@top") not in placed and "@top" not in omit.get(m, ()):
            raise SpecError(f"{m}.py: its top-level code (imports, constants) is in no cell "
                            f"(add {m}:@top)")
    total = sum(m.text.count(BEGIN) for m in modules.values())
    in_cells = sum("".join(c["source"]).count(BEGIN) for c in cells if c["cell_type"] == "code")
    if total != in_cells:
        raise SpecError(f"{in_cells} solution fences in the notebook, {total} in the modules")
    meta = dict(METADATA, title=spec.get("title", assignment.title))
    return {"cells": cells, "metadata": meta, **NBFORMAT}


def student_notebook(reference: dict, edition: Edition, where: str = "notebook") -> dict:
    """The reference notebook with its solutions stubbed (as the .py skeleton), hidden cells
    left out and no outputs."""
    cells = []
    for n, cell in enumerate(reference["cells"], 1):
        tags = cell.get("metadata", {}).get("tags", [])
        if any(tag in edition.hidden_tags for tag in tags):
            continue
        cell = json.loads(json.dumps(cell))
        if cell["cell_type"] == "code":
            text = strip_solutions("".join(cell["source"]), f"{where} cell {n}")
            cell["source"] = text.rstrip("\n").splitlines(keepends=True)
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    return dict(reference, cells=cells)


def dumps(notebook: dict) -> str:
    """A notebook as Jupyter writes it (indent 1, unicode kept, final newline)."""
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def build_notebooks(assignment, handout: Path, out_dir: Path) -> list[Path]:
    """Write the student notebook into the committed handout folder and `out_dir`, and the
    reference notebook into `out_dir/reference/` (instructors only). [] without an edition."""
    edition = assignment.submission.notebook
    if edition is None:
        return []
    reference = reference_notebook(assignment, edition=edition)
    student = dumps(student_notebook(reference, edition, edition.file))
    targets = [handout / edition.file, out_dir / edition.file]
    for path in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(student, encoding="utf-8")
    ref_path = out_dir / "reference" / edition.file
    ref_path.parent.mkdir(parents=True, exist_ok=True)
    ref_path.write_text(dumps(reference), encoding="utf-8")
    return targets + [ref_path]
