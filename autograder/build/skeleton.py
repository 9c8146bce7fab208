"""Student skeletons generated from the reference solution's fenced regions.

In `solutions/<name>/`, code between `### BEGIN SOLUTION` and `### END SOLUTION` (each alone on
its line) is replaced by `raise NotImplementedError("<Class.method>: your code here")` at the
fence's indentation, so the package still imports and each missing piece fails only its own
checks. Files without fences are copied unchanged.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
DEF = re.compile(r"^(\s*)(?:async\s+)?(def|class)\s+(\w+)")


class FenceError(ValueError):
    """Unbalanced or misplaced solution fences (the message names file and line)."""


def _qualname(lines: list[str], index: int, indent: int) -> str:
    """Class.method enclosing line `index` (by indentation, scanning upwards)."""
    names, limit = [], indent
    for line in reversed(lines[:index]):
        m = DEF.match(line)
        if m and len(m.group(1)) < limit:
            names.append(m.group(3))
            limit = len(m.group(1))
            if limit == 0:
                break
    return ".".join(reversed(names)) or "this part"


def strip_solutions(text: str, where: str) -> str:
    """The student version of one source file."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    inside: int | None = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside is not None:
                raise FenceError(f"{where}:{i + 1}: '{BEGIN}' inside another solution region "
                                 f"(opened on line {inside + 1})")
            inside = i
            indent = len(line) - len(line.lstrip())
            name = _qualname(lines, i, indent)
            out.append(f"{' ' * indent}# YOUR CODE HERE\n")
            out.append(f"{' ' * indent}raise NotImplementedError(\"{name}: your code here\")\n")
        elif stripped == END:
            if inside is None:
                raise FenceError(f"{where}:{i + 1}: '{END}' without a matching '{BEGIN}'")
            inside = None
        elif inside is None:
            out.append(line)
    if inside is not None:
        raise FenceError(f"{where}:{inside + 1}: '{BEGIN}' is never closed by '{END}'")
    return "".join(out)


def build_skeleton(solution: Path, handout: Path, files: tuple[str, ...]) -> list[Path]:
    """Write the student version of each submitted file from `solution` into `handout`."""
    written = []
    for rel in files:
        src, dst = solution / rel, handout / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        text = src.read_text(encoding="utf-8")
        dst.write_text(strip_solutions(text, str(src)), encoding="utf-8")
        written.append(dst)
    return written


def copy_public_tests(solution: Path, handout: Path) -> None:
    """Public tests live beside the solution (`tests/`) and ship unchanged with the skeleton."""
    src = solution / "tests"
    if src.is_dir():
        shutil.copytree(src, handout / "tests", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
