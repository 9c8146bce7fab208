"""The handout's checker (`check.py` + `checker/`): students run the public checks on their own
code, offline, and get the grader's own messages; the hidden checks never ship.

Every test runs the checker as students do, from a built handout, in a separate process. That
process cannot import what the handout's requirements do not install (pyyaml, jinja2, otter,
and torch where students have none), so the shipped engine provably needs only numpy.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.build.checker import CHECK_PY, FOLDER, PYTEST_FILE, checker_files
from autograder.build.handout import build_handout
from autograder.engine.grade import grade, load_suite
from autograder.paths import CoursePaths
from helpers import apply_bug, load_bugs, without_data

PATHS = CoursePaths()
NAMES = [n for n in PATHS.assignment_names() if PATHS.load(n).public_check_keys()]
NOT_INSTALLED = ("yaml", "jinja2", "otter", "jsonschema", "copydetect", "fpdf", "libcst",
                 "mnist1d")
"""Packages students do not have (the grader's and the staff's): the checker must not need
them."""


def _blocked(name: str) -> tuple[str, ...]:
    forbidden = PATHS.load(name).submission.forbidden_imports
    return NOT_INSTALLED + (("torch",) if "torch" in forbidden else ())


@pytest.fixture(scope="module")
def handouts(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("checker-handouts")
    return {name: build_handout(PATHS.load(name), PATHS.handout(name), out / name)[0]
            for name in NAMES}


def run_check(handout: Path, *args: str, blocked: tuple[str, ...] = NOT_INSTALLED
              ) -> subprocess.CompletedProcess:
    """`python check.py ARGS` in `handout`, with `blocked` packages unimportable; stderr ends
    with the file the `autograder` package was imported from."""
    driver = (
        "import atexit, sys\n"
        f"for name in {list(blocked)!r}:\n"
        "    sys.modules[name] = None\n"
        "atexit.register(lambda: print('AUTOGRADER', getattr(sys.modules.get('autograder'), "
        "'__file__', None), file=sys.stderr))\n"
        f"sys.argv = ['check.py', *{list(args)!r}]\n"
        "import runpy\n"
        "runpy.run_path('check.py', run_name='__main__')\n")
    return subprocess.run([sys.executable, "-c", driver], cwd=handout, capture_output=True,
                          text=True, timeout=600)


def _with_solution(handout: Path, name: str, dest: Path) -> Path:
    """A copy of the handout with the reference's submitted files in place."""
    shutil.copytree(handout, dest)
    a = PATHS.load(name)
    for rel in a.submission.files:
        shutil.copyfile(a.solution / rel, dest / rel)
    return dest


@pytest.mark.parametrize("name", NAMES)
def test_public_yaml_flags_and_public_modules_agree(name):
    a = PATHS.load(name)
    suite = load_suite(a)  # raises ConfigError when `public: true` and public.py disagree
    assert suite.public_keys() == a.public_check_keys()
    assert len(a.public_check_keys()) < len(a.check_keys())  # some checks stay hidden


@pytest.mark.parametrize("name", NAMES)
def test_only_the_public_checks_ship(handouts, name):
    a = PATHS.load(name)
    suite = load_suite(a)
    folder = handouts[name]
    shipped = {rel: (folder / rel).read_text(encoding="utf-8", errors="replace")
               for rel in checker_files(a)}
    assert CHECK_PY in shipped and PYTEST_FILE in shipped
    assert all(rel in (CHECK_PY, PYTEST_FILE) or rel.startswith(f"{FOLDER}/")
               for rel in shipped)
    suite_files = [rel for rel in shipped if "/suites/" in rel]
    assert {Path(rel).name for rel in suite_files} <= {"__init__.py", "public.py", "probes.py"}
    hidden = [k for k in a.check_keys() if k not in a.public_check_keys()]
    for key in hidden:  # probes.py (driver code, no expected values) may drive hidden checks
        fn = suite.checks[key].__name__
        for rel, text in shipped.items():
            assert f'"{key}"' not in text, (key, rel)
            assert rel.endswith("probes.py") or not re.search(rf"\bdef {fn}\b", text), \
                (key, fn, rel)
    spec = json.loads(shipped[f"{FOLDER}/assignment.json"])
    assert spec["seed"] != a.seed
    assert not {"policy", "audit", "late", "requirements"} & set(spec)
    assert [f"{c['id']}.{k}" for c in spec["components"] for k in c["checks"]] == \
        a.public_check_keys()
    info = json.loads(shipped[f"{FOLDER}/handout.json"])
    assert sum(p["hidden"] for p in info["parts"]) == len(hidden)
    assert [p["id"] for p in info["parts"]] == [c.id for c in a.components]


@pytest.mark.parametrize("name", NAMES)
def test_shipped_engine_imports_only_stdlib_numpy_and_itself(handouts, name):
    """Top-level imports of every shipped module (function-level ones are optional: torch for
    the oracle, IPython in the kernel) resolve to the standard library, numpy or the
    checker's own package."""
    folder = handouts[name] / FOLDER
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Import):
                tops = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                tops = [(node.module or "").split(".")[0]]
            else:
                continue
            for top in tops:
                assert top in sys.stdlib_module_names or top in {"numpy", "autograder"}, \
                    (path.relative_to(folder), top)


@pytest.mark.parametrize("name", NAMES)
def test_skeleton_fails_with_the_graders_not_implemented_message(handouts, name):
    done = run_check(handouts[name], blocked=_blocked(name))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "not implemented yet" in done.stdout
    assert re.search(r"\n0 of \d+ public checks passed", done.stdout), done.stdout
    parts = PATHS.load(name).components
    if any(not any(k.public for k in c.checks) for c in parts):
        assert "Graded by hidden checks only" in done.stdout
    assert f"AUTOGRADER {handouts[name] / FOLDER}" in done.stderr  # the shipped engine


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_every_public_check(handouts, name, tmp_path):
    folder = _with_solution(handouts[name], name, tmp_path / "h")
    done = run_check(folder, blocked=_blocked(name))
    count = len(PATHS.load(name).public_check_keys())
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{count} of {count} public checks passed" in done.stdout


def test_softmax_without_max_shift_gets_the_graders_advice(handouts, tmp_path):
    """The issue's example: locally a bare AssertionError before, the grader's words now."""
    folder = _with_solution(handouts["beras"], "beras", tmp_path / "h")
    path = folder / "beras" / "activations.py"
    path.write_text(path.read_text().replace(
        "shifted = x - np.max(x, axis=-1, keepdims=True)", "shifted = x"))
    done = run_check(folder, "softmax", blocked=_blocked("beras"))
    assert done.returncode == 1
    out = " ".join(done.stdout.split())
    assert "✓ forward" in out and "✗ large_logits" in out
    assert "contains nan" in out and "overflow or division by zero?" in out
    assert "subtract each row's own maximum" in out
    assert "dense:" not in out  # only the part asked for
    # the pytest form of the same checks: the grader's words, not a bare AssertionError
    tested = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             str(folder / PYTEST_FILE)], cwd=folder, capture_output=True,
                            text=True, timeout=600)
    assert tested.returncode == 1
    assert "1 failed, 5 passed" in tested.stdout, tested.stdout
    assert "subtract each row's own maximum" in tested.stdout


def test_usage_errors_name_the_parts(handouts, tmp_path):
    beras = handouts["beras"]
    done = run_check(beras, "nope")
    assert done.returncode == 2
    assert "no public check 'nope'" in done.stderr and "softmax" in done.stderr
    done = run_check(beras, "losses")  # a part graded by hidden checks only
    assert done.returncode == 2 and "'losses' has no public checks: its 3 hidden checks" \
        in done.stderr
    done = run_check(beras, "--notebook", "assignment.py")
    assert done.returncode == 2 and "is not a notebook" in done.stderr
    done = run_check(beras, "--folder", str(tmp_path / "nowhere"))
    assert done.returncode == 2 and "no folder" in done.stderr
    listed = run_check(beras, "--list")
    assert listed.returncode == 0 and "softmax.large_logits" in listed.stdout
    assert "gradient_tape: " in listed.stdout and "(+ 3 hidden checks" in listed.stdout
    one = run_check(beras, "softmax.forward")  # a single check
    assert re.search(r"\n0 of 1 public checks passed", one.stdout), one.stdout


def run_many(handout: Path, jobs: list[tuple[str, str]], blocked: tuple[str, ...]) -> list[dict]:
    """The shipped checker's `grade_public` on each (folder, part), in ONE process (as
    check.py runs it, one import of the engine and torch for all): the result records."""
    driver = (
        "import json, sys\n"
        f"for name in {list(blocked)!r}:\n"
        "    sys.modules[name] = None\n"
        "sys.path.insert(0, 'checker')\n"
        "from pathlib import Path\n"
        "from autograder.checker.run import grade_public\n"
        f"for folder, part in {jobs!r}:\n"
        "    result, _a, _i = grade_public([part], Path(folder))\n"
        "    print(json.dumps(result.to_dict()))\n")
    done = subprocess.run([sys.executable, "-c", driver], cwd=handout, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.parametrize("name", NAMES)
def test_bug_corpus_same_verdicts_and_messages_as_the_grader(handouts, name, tmp_path):
    """Corpus bugs in parts with public checks: the checker and the grader (its engine, suite
    and seed; the public checks of the bug's part) fail the same checks, with the same words.
    Every bug the grader's public checks catch, and two they do not (no false alarms)."""
    a = PATHS.load(name)
    public = set(a.public_check_keys())
    parts = {k.split(".")[0] for k in public}
    bugs = [b for b in load_bugs(PATHS.root / "tests" / "corpus" / name / "bugs.yaml")
            if b["component"] in parts]
    assert bugs, f"no corpus bug touches a part with public checks of {name}"
    jobs, expected, quiet = [], [], 0
    for bug in bugs:
        sub = apply_bug(a.solution, bug, tmp_path / bug["id"])
        graded = grade(a, sub, only=tuple(k for k in a.public_check_keys()
                                          if k.startswith(f"{bug['component']}.")))
        grader = {c.key: c.message for comp in graded.components for c in comp.checks}
        if not any(grader.values()):
            quiet += 1
            if quiet > 2:
                continue
        jobs.append((str(sub), bug["component"]))
        expected.append((bug["id"], grader))
    assert any(any(g.values()) for _id, g in expected), \
        f"no public check of {name} catches any corpus bug"
    for (bug_id, grader), record in zip(expected, run_many(handouts[name], jobs,
                                                           _blocked(name)), strict=True):
        local = {c["key"]: c["message"] for comp in record["components"]
                 for c in comp["checks"]}
        assert set(local) == set(grader), bug_id
        for key in local:
            assert bool(local[key]) == bool(grader[key]), (bug_id, key, local[key],
                                                           grader[key])
            assert without_data(local[key]) == without_data(grader[key]), (bug_id, key)


def test_uploading_the_whole_handout_folder_gives_no_notes_about_the_checker(handouts,
                                                                               tmp_path):
    folder = _with_solution(handouts["backprop"], "backprop", tmp_path / "h")
    ran = subprocess.run([sys.executable, "check.py"], cwd=folder, capture_output=True,
                         timeout=300)
    assert ran.returncode == 0  # the checker ran in the folder that is then uploaded
    result = grade(PATHS.load("backprop"), folder)
    assert result.score == result.max_score
    assert not [m for m in result.messages if "check" in m or "extra file" in m], \
        result.messages


def test_the_checker_takes_the_python_files_the_grader_would(tmp_path):
    """The student's own helper modules come along (the grader takes them too); the handout's
    tooling, tests, data and environments do not."""
    from autograder.checker.run import stage

    folder = tmp_path / "work"
    for rel in ("beras/core.py", "beras/myhelpers.py", "assignment.py", "scratch.py",
                "tests/test_public.py", "checker/autograder/config.py", "check.py",
                ".venv/lib/site.py", "beras/__pycache__/core.cpython-311.py"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text("x = 1\n")
    (folder / "data.npz").write_bytes(b"\0" * 100)
    (folder / "measuring.ipynb").write_text("{}")
    staged = stage(PATHS.load("beras"), folder, None, tmp_path)
    assert sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file()) \
        == ["assignment.py", "beras/core.py", "beras/myhelpers.py", "check.py", "scratch.py"]
