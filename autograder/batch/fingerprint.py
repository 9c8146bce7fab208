"""The grader hash: what a score depends on, so the store knows which results are current.

It covers the engine and sandbox sources, the assignment's hidden suite, the submission policy
code and the assignment's YAML as parsed (comments and formatting do not count; the schema
code in config.py is left out, so unrelated schema additions do not force a regrade). Change any
check, tolerance or point value and the hash changes: the next batch regrades everything and
`batch diff` compares the two grader versions.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
from pathlib import Path

import yaml

from .. import __version__
from ..config import Assignment

PACKAGE = Path(__file__).resolve().parents[1]
ENGINE_PARTS = ("engine", "sandbox")
NOT_GRADING = ("audit",)  # YAML keys that do not change a score (mutation-audit settings)
ENGINE_FILES = ("policy.py",)  # config.py: the parsed YAML stands for it


def _suite_dir(assignment: Assignment) -> Path:
    spec = importlib.util.find_spec(assignment.suite)
    if spec is None or not spec.origin:
        raise ModuleNotFoundError(f"suite {assignment.suite} not found")
    origin = Path(spec.origin)
    return origin.parent if origin.name == "__init__.py" else origin


def _files(assignment: Assignment) -> list[Path]:
    files = [PACKAGE / name for name in ENGINE_FILES]
    for part in ENGINE_PARTS:
        files.extend(p for p in (PACKAGE / part).rglob("*") if p.is_file())
    suite = _suite_dir(assignment)
    files.extend([suite] if suite.is_file() else (p for p in suite.rglob("*") if p.is_file()))
    return sorted(p for p in set(files)
                  if "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo"))


def yaml_digest(assignment: Assignment) -> str:
    """The assignment YAML as parsed (so comments do not change the hash)."""
    assert assignment.source is not None
    data = yaml.safe_load(assignment.source.read_text(encoding="utf-8"))
    for key in NOT_GRADING:
        data.pop(key, None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def grader_hash(assignment: Assignment) -> str:
    digest = hashlib.sha256()
    digest.update(b"yaml\0" + yaml_digest(assignment).encode())
    for path in _files(assignment):
        try:
            rel = path.relative_to(PACKAGE).as_posix()
        except ValueError:
            rel = path.name
        digest.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def grader_version() -> str:
    """The package version and, in a git checkout, the commit (with '-dirty' if edited)."""
    try:
        proc = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=10"],
                              cwd=PACKAGE, capture_output=True, text=True, timeout=10)
        commit = proc.stdout.strip() if proc.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{__version__}+{commit}" if commit else __version__
