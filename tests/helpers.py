"""Helpers for building submissions in tests."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path


def zip_folder(src: Path, out: Path, prefix: str = "", only: list[str] | None = None) -> Path:
    """Zip `src` (or the listed relative paths) under `prefix` inside the archive."""
    with zipfile.ZipFile(out, "w") as zf:
        for path in sorted(src.rglob("*")):
            rel = path.relative_to(src).as_posix()
            if path.is_file() and "__pycache__" not in rel and (only is None or rel in only):
                zf.write(path, prefix + rel)
    return out


def copy_solution(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    return dest


def load_bugs(corpus: Path) -> list[dict]:
    """A bug corpus (tests/corpus/<assignment>/bugs.yaml)."""
    import yaml

    return yaml.safe_load(corpus.read_text())


def apply_bug(solution: Path, bug: dict, dest: Path) -> Path:
    """A copy of `solution` with the bug's textual edits applied (each `old` must occur once)."""
    shutil.copytree(solution, dest, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    for edit in bug["edits"]:
        path = dest / edit["file"]
        text = path.read_text()
        count = text.count(edit["old"])
        if count != 1:
            raise AssertionError(f"bug {bug['id']}: 'old' occurs {count} times in {edit['file']}")
        path.write_text(text.replace(edit["old"], edit["new"]))
    return dest


def without_data(text: str) -> str:
    """A feedback message with its data (numbers, flags: inputs drawn from a seed) replaced,
    whitespace collapsed: the words two graders with different seeds must share."""
    text = re.sub(r"-?\d+(\.\d+)?(e[-+]?\d+)?|\b(True|False|nan|inf)\b", "#", text)
    return " ".join(re.sub(r"#(, #)+", "#", text).split())  # lists of any length
