"""Turn whatever a student uploaded into the assignment's canonical layout.

Accepted: a zip of the assignment folder (any nesting), a zip of the package folder alone,
files uploaded one by one (flat), a GitHub repository tree, or a folder holding any of these
(Gradescope may keep the zip, its extracted files, or both). For an assignment with a notebook
edition, an upload holding one .ipynb (and none of the .py files) is first turned into the
canonical layout by `autograder.notebooks.convert`. Every surprise becomes a message naming the
file: missing (with a suggestion), extra, unreadable, too large, or unsafe.
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..config import SubmissionSpec
from .display import shown

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NOTEBOOK_BYTES = 40 * 1024 * 1024  # a notebook's outputs (images) may be large; never read
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_FILES = 2000
JUNK_PARTS = {"__MACOSX", "__pycache__", ".git", ".ipynb_checkpoints", ".DS_Store", ".idea",
              ".vscode"}
# Files that Otter itself puts into the submission folder; never the student's. Otter also
# creates an empty root __init__.py (appending to a student's own, so a non-empty one is kept).
HARNESS_FILES = {"dlgrader_stub.ipynb", "submission_metadata.json"}
HANDOUT_TOOLS = {"check.py", "export_pdf.py"}
"""Files of the handout's own tooling (the public checker, the PDF export): a student who
uploads the whole handout folder gets no note about them (never graded, never copied)."""
HANDOUT_TOOL_FOLDER = "checker"


def _handout_tool(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    return parts[-1] in HANDOUT_TOOLS or HANDOUT_TOOL_FOLDER in parts[:-1]


@dataclass(frozen=True)
class Normalized:
    """The canonical submission folder and what we noticed on the way."""

    root: Path
    found: tuple[str, ...]
    missing: tuple[str, ...]
    messages: tuple[str, ...]

    @property
    def gradable(self) -> bool:
        return bool(self.found)


def _limit(name: str) -> int:
    return MAX_NOTEBOOK_BYTES if name.lower().endswith(".ipynb") else MAX_FILE_BYTES


def _safe_members(zf: zipfile.ZipFile, notes: list[str], label: str) -> list[zipfile.ZipInfo]:
    members, total = [], 0
    for info in zf.infolist():
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        mode = info.external_attr >> 16
        if info.is_dir():
            continue
        if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
            notes.append(f"{label}: skipped '{name}' (unsafe path)")
            continue
        if stat.S_ISLNK(mode):
            notes.append(f"{label}: skipped '{name}' (symbolic link)")
            continue
        if info.file_size > _limit(name):
            notes.append(f"{label}: skipped '{name}' ({info.file_size / 2**20:.0f} MB, larger "
                         f"than the {_limit(name) // 2**20} MB limit per file)")
            continue
        total += info.file_size
        if total > MAX_TOTAL_BYTES or len(members) >= MAX_FILES:
            notes.append(f"{label}: too large when unpacked; the rest was ignored")
            break
        members.append(info)
    return members


def _collect(source: Path, notes: list[str]) -> dict[str, bytes]:
    """Every file of the upload as {relative posix path: bytes}, zips unpacked in place."""
    files: dict[str, bytes] = {}

    def add(rel: str, data: bytes) -> None:
        parts = PurePosixPath(rel).parts
        if any(p in JUNK_PARTS or p.startswith("._") for p in parts) or rel.endswith(".pyc"):
            return
        if rel.lower().endswith(".zip"):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    for info in _safe_members(zf, notes, rel):
                        add(info.filename.replace("\\", "/"), zf.read(info))
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                notes.append(f"'{rel}' is not a readable zip file ({exc})")
            return
        if len(data) > _limit(rel):
            notes.append(f"skipped '{rel}' ({len(data) / 2**20:.0f} MB, larger than the "
                         f"{_limit(rel) // 2**20} MB limit per file)")
            return
        if len(files) < MAX_FILES:
            files[rel] = data

    if source.is_file():
        add(source.name, source.read_bytes())
        return files
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source).as_posix()
        if path.is_symlink() or not path.is_file():
            continue
        if rel in HARNESS_FILES or rel.startswith("tests/"):
            continue
        if rel == "__init__.py" and path.stat().st_size == 0:
            continue
        if path.stat().st_size > _limit(rel) and not rel.lower().endswith(".zip"):
            notes.append(f"skipped '{rel}' ({path.stat().st_size / 2**20:.0f} MB, larger than "
                         f"the {_limit(rel) // 2**20} MB limit per file)")
            continue
        add(rel, path.read_bytes())
    return files


def _anchor(files: dict[str, bytes], required: tuple[str, ...]) -> str:
    """The folder prefix under which most required files appear ('' for the root)."""
    scores: dict[str, int] = {}
    for rel in files:
        for req in required:
            if rel == req or rel.endswith("/" + req):
                prefix = rel[: len(rel) - len(req)]
                scores[prefix] = scores.get(prefix, 0) + 1
    if not scores:
        return ""
    return min(scores, key=lambda p: (-scores[p], len(p)))


def _notebook_note(rel: str, data: bytes) -> str:
    try:
        json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return f"'{rel}' is a notebook with broken JSON ({str(exc)[:80]}); it was ignored."
    return (f"'{rel}' is a notebook: this assignment grades .py files, so it was ignored "
            "(submit the .py files listed above)")


def normalize(source: Path, spec: SubmissionSpec, dest: Path) -> Normalized:
    """Place the upload at `source` into `dest` in the canonical layout of `spec`."""
    notes: list[str] = []
    if not source.exists():
        return Normalized(dest, (), spec.files, (f"submission not found: {source}",))
    files = _collect(source, notes)
    from ..notebooks.convert import convert_upload  # a notebook edition: its canonical layout

    notebook = convert_upload(files, spec, notes)
    files = notebook.files
    prefix = _anchor(files, spec.files)
    placed: dict[str, str] = {}
    # 1. Everything under the anchor keeps its layout (helper modules next to the package too).
    for rel in files:
        if prefix and not rel.startswith(prefix):
            continue
        placed[rel[len(prefix):]] = rel
    # 2. Required files still missing: a unique file with the same name anywhere (flat upload).
    by_name: dict[str, list[str]] = {}
    for rel in files:
        by_name.setdefault(PurePosixPath(rel).name, []).append(rel)
    for req in spec.files:
        if req in placed:
            continue
        candidates = by_name.get(PurePosixPath(req).name, [])
        if len(candidates) == 1:
            placed[req] = candidates[0]
        elif len(candidates) > 1:
            notes.append(f"several files are named '{PurePosixPath(req).name}' "
                         f"({', '.join(sorted(candidates)[:4])}); expected one at '{req}'")
    required = set(spec.files)
    used = {rel for target, rel in placed.items() if target in required}
    missing = [req for req in spec.files if req not in placed]
    leftovers = sorted(rel for rel in files if rel not in used)
    for req in missing if not notebook.active else ():
        close = difflib.get_close_matches(PurePosixPath(req).name,
                                          [PurePosixPath(r).name for r in leftovers], n=1,
                                          cutoff=0.75)
        tip = f" (found '{close[0]}': rename it?)" if close else ""
        notes.append(f"missing file '{req}'{tip}.")
    package = f"{spec.package}/" if spec.package else None
    for rel in leftovers:
        target = next((t for t, r in placed.items() if r == rel), rel)
        if rel in notebook.generated or _handout_tool(rel):
            continue
        if rel.endswith(".ipynb"):
            notes.append(_notebook_note(rel, files[rel]))
        elif target in spec.provided or PurePosixPath(rel).name in {
                PurePosixPath(p).name for p in spec.provided}:
            continue  # a given file: the grader supplies its own copy
        elif rel.endswith(".py") and not (package and target.startswith(package)):
            notes.append(f"extra file '{rel}' is not part of the expected layout.")
    dest.mkdir(parents=True, exist_ok=True)
    found = []
    for target, rel in sorted(placed.items()):
        out = dest / target
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(files[rel])
        if target in spec.files:
            found.append(target)
    if spec.package:
        init = dest / spec.package / "__init__.py"
        if (dest / spec.package).is_dir() and not init.exists():
            init.write_text("")
    if not files:
        notes.insert(0, "the submission is empty")
    # file names come from the student: shown escaped (a newline, a terminal escape, bad bytes)
    return Normalized(dest, tuple(found), tuple(missing), tuple(shown(n) for n in notes))


def static_problems(root: Path, files: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    """Undecodable files, syntax errors (with line) and forbidden imports, without running code."""
    problems = []
    for rel in files:
        path = root / rel
        if not rel.endswith(".py") or not path.is_file():
            continue
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"'{rel}' is not a UTF-8 text file (binary or wrong encoding)")
            continue
        try:
            tree = ast.parse(text, filename=rel)
        except SyntaxError as exc:
            problems.append(f"'{rel}' has a syntax error on line {exc.lineno}: {exc.msg}"
                            + (f"\n    {exc.text.strip()}" if exc.text else ""))
            continue
        except (RecursionError, MemoryError, ValueError):
            problems.append(f"'{rel}' could not be parsed (too deeply nested or invalid)")
            continue
        problems.extend(_forbidden_imports(tree, rel, forbidden))
    return problems


def _forbidden_imports(tree: ast.AST, rel: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            fname = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if fname in ("__import__", "import_module") and isinstance(node.args[0].value, str):
                names = [node.args[0].value]
        for name in names:
            top = name.split(".")[0]
            if top in forbidden:
                found.append(f"'{rel}' line {node.lineno} imports '{top}', which this "
                             f"assignment does not allow (numpy only)")
    return found


def copy_tree(src: Path, dest: Path) -> None:
    """Copy a folder (used for reference solutions and skeletons)."""
    shutil.copytree(src, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
