"""What a grader zip installs on Gradescope, from the YAML's `requirements:` key.

`requirement_lines` gives the zip's requirements.txt lines: the engine's own packages, then
torch (CPU wheel) when `requirements.torch` is true, then `requirements.packages`, a bare name
the build knows getting the version tested on Gradescope's image (Ubuntu 22.04, Python 3.10).

`undeclared` is the build's guard: it reads the suite (trusted checks and probes) and the
reference's submitted and given files (they run in the same image) and names every third-party
module they import, or the torch oracle they use, that the YAML does not ask for; the build
stops on any, so a grader never meets an ImportError on Gradescope.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

from ..config import Assignment, ConfigError, Requirements, requirement_name

# The Gradescope image has Python 3.10: numpy 2.3+ needs 3.11; torch comes from PyTorch's CPU
# index (setup.sh), the default PyPI wheel being a multi-GB CUDA build.
BASE = ("numpy>=1.26,<2.3", "otter-grader[grading]==7.0.0", "pyyaml>=6", "jinja2>=3.1",
        "jsonschema>=4.20")
TORCH = "torch==2.5.1+cpu"
PINS = {"mnist1d": "mnist1d==0.0.2.post1", "matplotlib": "matplotlib>=3.8"}
"""Versions tested on Gradescope's image, used for a bare name in `requirements.packages`."""

BASE_MODULES = {"numpy", "yaml", "jinja2", "jsonschema", "otter", "autograder", "click"}
"""Modules the base install provides (click comes with otter-grader)."""
MODULE_TO_PACKAGE = {"sklearn": "scikit-learn", "PIL": "pillow", "cv2": "opencv-python",
                     "skimage": "scikit-image", "yaml": "pyyaml"}
"""Import names that differ from their distribution names."""
ORACLE_USE = re.compile(r"\.torch\(\)|\boracle\.(tensor|numpy|torch|device)\b")
"""The torch oracle in a check (`t.torch()`, `t.oracle.tensor(...)`)."""


def requirement_lines(requirements: Requirements) -> list[str]:
    """requirements.txt lines for the zip: base, then torch, then the extra packages."""
    lines = list(BASE)
    if requirements.torch:
        lines.append(TORCH)
    lines += [PINS.get(p, p) for p in requirements.packages]
    return lines


def _suite_files(assignment: Assignment) -> list[Path]:
    """The suite's Python files, found as the grader would import it (or beside the YAML)."""
    folders = []
    try:
        spec = importlib.util.find_spec(assignment.suite)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        folders += [Path(p) for p in spec.submodule_search_locations]
    elif spec is not None and spec.origin:
        return [Path(spec.origin)]
    if assignment.source is not None:
        folders.append(assignment.source.parent.joinpath(*assignment.suite.split(".")))
    for folder in folders:
        if folder.is_dir():
            return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)
    return []


def _imports(path: Path) -> set[str]:
    """Top-level modules `path` imports anywhere (lazy imports in functions included)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def needed(assignment: Assignment) -> dict[str, list[str]]:
    """Third-party distributions the grader imports -> where (file names), torch included."""
    suite = _suite_files(assignment)
    code = [assignment.solution / rel for rel in
            assignment.submission.files + assignment.submission.provided]
    local = {p.stem for p in suite + code} | {Path(rel).parts[0] for rel in
                                              assignment.submission.files}
    if assignment.submission.package:
        local.add(assignment.submission.package)
    stdlib = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names)
    found: dict[str, list[str]] = {}
    for path in suite + code:
        if not path.is_file():
            continue
        mods = {m for m in _imports(path) if m not in stdlib and m not in local
                and m not in BASE_MODULES and not m.startswith("_")}
        if path in suite and ORACLE_USE.search(path.read_text(encoding="utf-8")):
            mods.add("torch")
        for mod in mods:
            name = requirement_name(MODULE_TO_PACKAGE.get(mod, mod))
            found.setdefault(name, []).append(path.name)
    return found


def undeclared(assignment: Assignment) -> dict[str, list[str]]:
    """What `needed` finds that the YAML's `requirements:` leaves out."""
    declared = assignment.requirements.names()
    return {name: where for name, where in needed(assignment).items() if name not in declared}


def check_requirements(assignment: Assignment) -> None:
    """Stop the build when the grader imports something its image would not install."""
    missing = undeclared(assignment)
    if not missing:
        return
    lines = [f"  {name} (used by {', '.join(sorted(set(where)))})"
             for name, where in sorted(missing.items())]
    torch = "torch" in missing
    extra = sorted(set(missing) - {"torch"})
    hint = "requirements: {" + ", ".join(
        (["torch: true"] if torch else []) + ([f"packages: [{', '.join(extra)}]"] if extra else [])
    ) + "}"
    where = assignment.source or assignment.name
    raise ConfigError(f"{where}: the grader needs packages its YAML does not install:\n"
                      + "\n".join(lines) + f"\nadd them, e.g. '{hint}'")
