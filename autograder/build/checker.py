"""The handout's checker: `check.py` and `checker/` (the public checks and the engine they run).

Students get the grader's own messages offline: `python check.py [part]`, or `check("part")`
in the notebook edition. What ships (`checker_files`):
- `checker/autograder/...`: the modules `engine.grade` needs (ENGINE_FILES: config, engine,
  sandbox, notebook conversion; stdlib + numpy only, tests/test_checker.py keeps it so) and
  the student-side front end (`autograder/checker/`), copied unchanged;
- the suite's `public.py` (the checks marked `public: true`) and its probe module, under the
  suite's own module path, with empty package `__init__`s, so the hidden `checks.py` is
  neither shipped nor imported;
- `checker/assignment.json`: the YAML reduced to the public checks, with a seed of its own
  (the grader's seed and hidden parameters stay out), and `checker/handout.json` (hidden checks
  per part: counts only; the notebook's name);
- `tests/test_public_checks.py`: the same checks as pytest tests, one per part, failing with
  the grader's messages (beside the hand-written public tests).
An assignment without public checks ships no checker.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from pathlib import Path

from ..config import Assignment, ConfigError
from ..engine.suite import PUBLIC_MODULE, check_seed

PACKAGE = Path(__file__).resolve().parents[1]
CHECK_PY = "check.py"
FOLDER = "checker"
ENGINE_FILES = ("__init__.py", "authoring.py", "config.py", "paths.py", "engine/*.py",
                "sandbox/*.py", "sandbox/view.sh", "sandbox/child/*.py", "notebooks/__init__.py",
                "notebooks/convert.py", "notebooks/edition.py", "notebooks/cellrunner.py",
                "checker/*.py")
"""Package files the checker needs (globs relative to autograder/)."""
ENTRY = '''"""Run the grader's public checks on your own code, offline, with the grader's messages.

    python check.py              every part
    python check.py PART ...     some parts (`python check.py --list` lists them)

In the notebook: `from check import check, check_all`, then `check("PART")` (it checks the
saved notebook, as the grader would receive it). The code is in checker/ (public checks only;
the grader runs more, with other inputs). Do not edit it: the grader uses its own copy.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "checker"))

from autograder.checker.jupyter import check, check_all  # noqa: E402

__all__ = ["check", "check_all"]

if __name__ == "__main__":
    from autograder.checker.run import main

    sys.exit(main())
'''


PYTEST_FILE = "tests/test_public_checks.py"
PYTEST_ENTRY = '''"""The public checks as pytest tests: one test per part, failing with the grader's
own messages (the same as `python check.py PART`; written by the build, do not edit)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

HANDOUT = Path(__file__).resolve().parents[1]
PARTS = {parts!r}


@pytest.mark.parametrize("part", PARTS)
def test_public_checks(part):
    done = subprocess.run([sys.executable, str(HANDOUT / "check.py"), "--json", part],
                          cwd=HANDOUT, capture_output=True, text=True, timeout=900)
    assert done.returncode in (0, 1), done.stderr
    record = json.loads(done.stdout)
    failed = [f"{{c['key']}}: {{c['message']}}" for comp in record["components"]
              for c in comp["checks"] if c["message"]]
    assert not failed, "\\n".join(record["messages"] + failed)
'''


def public_module_name(assignment: Assignment) -> str:
    return f"{assignment.suite}.{PUBLIC_MODULE}"


def _engine_files() -> dict[str, bytes]:
    files = {}
    for pattern in ENGINE_FILES:
        matches = sorted(PACKAGE.glob(pattern))
        if not matches:
            raise FileNotFoundError(f"autograder/{pattern}: nothing to ship")
        for path in matches:
            rel = path.relative_to(PACKAGE).as_posix()
            files[f"{FOLDER}/autograder/{rel}"] = path.read_bytes()
    return files


def _suite_files(assignment: Assignment) -> dict[str, bytes]:
    """public.py and its probes under the suite's module path, with empty package inits."""
    from ..engine.grade import load_suite

    suite = load_suite(assignment)  # validates the YAML's public flags against public.py
    name = public_module_name(assignment)
    module = importlib.import_module(name)
    source = Path(module.__file__ or "")
    parts = name.split(".")
    folder = f"{FOLDER}/{'/'.join(parts[:-1])}"
    files = {f"{folder}/{source.name}": source.read_bytes()}
    probes = Path(suite.probes)
    if probes.parent == source.parent:
        files[f"{folder}/{probes.name}"] = probes.read_bytes()
    elif probes.name != "runner.py":  # the runner's built-in probes need nothing shipped
        raise ConfigError(f"{assignment.source}: the suite's probes {probes} must sit beside "
                          f"{source} to ship with the public checks")
    for depth in range(1, len(parts)):
        package = "/".join(parts[:depth])
        init = f"{FOLDER}/{package}/__init__.py"
        if package == "autograder":
            continue  # shipped with the engine
        files[init] = (f'"""{package}: the public checks only (the hidden suite is not '
                       'shipped)."""\n').encode()
    return files


def public_assignment(assignment: Assignment) -> dict:
    """The YAML reduced to what the checker needs: public checks, a seed of its own."""
    sub = assignment.submission
    submission: dict = {"files": list(sub.files), "forbidden_imports": list(sub.forbidden_imports),
                        "provided": list(sub.provided)}
    if sub.package:
        submission["package"] = sub.package
    if sub.notebook is not None:
        submission["notebook"] = {k: list(v) if isinstance(v, tuple) else v
                                  for k, v in dataclasses.asdict(sub.notebook).items()}
    components = []
    for comp in assignment.components:
        checks = {}
        for spec in comp.checks:
            if spec.public:
                entry = {"points": spec.points, "title": spec.title, "public": True}
                if spec.seconds is not None:
                    entry["seconds"] = spec.seconds
                if spec.params:
                    entry["params"] = spec.params
                checks[spec.id] = entry
        if checks:
            components.append({"id": comp.id, "title": comp.title,
                               "visibility": comp.visibility.value, "checks": checks})
    return {"name": assignment.name, "title": assignment.title,
            "seed": check_seed(assignment.seed, "handout checker") % (1 << 31),
            "solution": ".", "suite": public_module_name(assignment), "submission": submission,
            "limits": dataclasses.asdict(assignment.limits),
            "torch_device": assignment.torch_device.value, "components": components}


def handout_info(assignment: Assignment) -> dict:
    """Every part, with how many of its checks are public and hidden (counts only: the hidden
    checks' names and code stay out), and the notebook's name."""
    parts = [{"id": comp.id, "title": comp.title,
              "public": sum(1 for c in comp.checks if c.public),
              "hidden": sum(1 for c in comp.checks if not c.public)}
             for comp in assignment.components]
    notebook = assignment.submission.notebook
    return {"assignment": assignment.name, "parts": parts,
            "notebook": notebook.file if notebook else None}


def checker_files(assignment: Assignment) -> dict[str, bytes]:
    """Every file the checker adds to the handout (path in the handout -> bytes); {} when the
    assignment has no public checks."""
    if not assignment.public_check_keys():
        return {}
    files = _engine_files()
    files.update(_suite_files(assignment))
    files[f"{FOLDER}/assignment.json"] = (json.dumps(public_assignment(assignment), indent=1)
                                          + "\n").encode()
    files[f"{FOLDER}/handout.json"] = (json.dumps(handout_info(assignment), indent=1)
                                       + "\n").encode()
    files[CHECK_PY] = ENTRY.encode()
    parts = [c.id for c in assignment.components if any(k.public for k in c.checks)]
    files[PYTEST_FILE] = PYTEST_ENTRY.format(parts=parts).encode()
    return files
