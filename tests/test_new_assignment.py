"""`python -m autograder new`: the scaffold grades reference 4/4, skeleton 0 ("not implemented"),
its bug partially with the bug's named mistake, passes the quick audit, and its handout's
`check.py` runs the public check with the grader's words; and the authoring
guide's generated YAML reference is current. Everything is scaffolded under a temporary
`--root`, never into the checkout."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder import config
from autograder.audit.runner import AuditOptions, bug_files, load_bugs, run_audit
from autograder.build import scaffold
from autograder.cli import main
from autograder.engine import grade
from autograder.paths import REPO_ROOT
from autograder.report import schema_doc

NAME = "softy"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    result = invoke("new", NAME, "--root", root)
    assert result.exit_code == 0, result.output
    assert f"{NAME}: skeleton (1 files)" in result.output
    return root


@pytest.fixture(scope="module")
def assignment(root):
    return scaffold.load(root, NAME)


def _scores(result):
    return {c.key: (c.points, c.message) for comp in result.components for c in comp.checks}


def test_new_writes_the_project_layout_and_builds_the_skeleton(root, assignment):
    files = scaffold.targets(root, NAME)
    assert all(path.is_file() for path in files.values()), files
    assert files["checks"] == root / "suites" / f"{NAME}_suite" / "checks.py"
    assert assignment.suite == f"{NAME}_suite" and assignment.points == 4
    assert assignment.public_check_keys() == ["softmax.rows"]
    assert assignment.audit.covers == {"softmax": (f"{NAME}.py::softmax",)}
    assert not assignment.requirements.torch
    reference = files["reference"].read_text()
    assert "### BEGIN SOLUTION" in reference and "### END SOLUTION" in reference
    skeleton = (root / "assignments" / NAME / f"{NAME}.py").read_text()
    assert 'raise NotImplementedError("softmax: your code here")' in skeleton
    assert (root / "assignments" / NAME / "tests" / "test_public.py").is_file()
    handout = root / "build" / NAME / "handout"
    shipped = sorted(p.relative_to(handout).as_posix() for p in handout.rglob("*") if p.is_file())
    assert [f for f in shipped if not f.startswith("checker/")] \
        == ["check.py", f"{NAME}.py", "tests/test_public.py", "tests/test_public_checks.py"]
    suite_files = [f for f in shipped if f.startswith(f"checker/{NAME}_suite/")]
    assert sorted(suite_files) == [f"checker/{NAME}_suite/__init__.py",
                                   f"checker/{NAME}_suite/public.py"]  # never checks.py


def test_the_checkout_layout_puts_the_suite_in_the_package():
    files = scaffold.targets(REPO_ROOT, "kmeans")
    assert files["checks"] == REPO_ROOT / "autograder" / "suites" / "kmeans" / "checks.py"
    assert files["yaml"] == REPO_ROOT / "assignments" / "kmeans" / "assignment.yaml"
    assert files["bugs"] == REPO_ROOT / "tests" / "corpus" / "kmeans" / "bugs.yaml"
    assert "suite: autograder.suites.kmeans " in scaffold.render(
        "kmeans", "autograder.suites.kmeans", False)["yaml"]


def test_reference_full_skeleton_zero_bug_partial_and_named(root, assignment):
    ref = grade(assignment, assignment.solution)
    assert (ref.score, ref.max_score) == (4, 4), _scores(ref)
    skeleton = grade(assignment, root / "assignments" / NAME)
    assert skeleton.score == 0
    assert all("softmax is not implemented yet" in m for _p, m in _scores(skeleton).values())
    [bug] = load_bugs(assignment)
    sources = {f: (assignment.solution / f).read_text() for f in assignment.submission.files}
    with tempfile.TemporaryDirectory() as tmp:
        for rel, text in bug_files(sources, bug).items():
            (Path(tmp) / rel).write_text(text)
        buggy = grade(assignment, Path(tmp))
    scores = _scores(buggy)
    assert buggy.score == 3 and scores["softmax.values"] == (2, "")
    assert bug["message"] in scores["softmax.large_logits"][1]


def test_the_public_test_passes_on_the_reference(assignment):
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(assignment.solution / "tests")], cwd=assignment.solution,
                         capture_output=True, text=True)
    assert run.returncode == 0 and "1 passed" in run.stdout, run.stdout + run.stderr


def _check_py(handout: Path, source: Path) -> subprocess.CompletedProcess:
    (handout / f"{NAME}.py").write_text(source.read_text())
    return subprocess.run([sys.executable, "check.py"], cwd=handout, capture_output=True,
                          text=True, timeout=300)


def test_the_handout_check_py_runs_the_public_check(root, tmp_path):
    import shutil

    handout = tmp_path / "handout"
    shutil.copytree(root / "build" / NAME / "handout", handout)
    skeleton = _check_py(handout, root / "assignments" / NAME / f"{NAME}.py")
    assert skeleton.returncode == 1 and "softmax is not implemented yet" in skeleton.stdout, \
        skeleton.stdout + skeleton.stderr
    assert "(+ 2 hidden checks run only by the grader)" in skeleton.stdout
    reference = _check_py(handout, root / "solutions" / NAME / f"{NAME}.py")
    assert reference.returncode == 0 and "1 of 1 public checks passed" in reference.stdout, \
        reference.stdout + reference.stderr
    columns = tmp_path / "columns.py"
    columns.write_text((root / "solutions" / NAME / f"{NAME}.py").read_text()
                       .replace("axis=1, keepdims=True)\n", "axis=0, keepdims=True)\n"))
    wrong = _check_py(handout, columns)
    assert wrong.returncode == 1 and "each column sums to 1 instead" in wrong.stdout, wrong.stdout


def test_the_quick_audit_passes(assignment):
    report = run_audit(assignment, AuditOptions(quick=True, workers=0, progress=False,
                                                cache=False))
    assert report["passes"] and report["bugs_ok"], report["counts"]
    assert report["counts"]["survived"] == 0 and report["counts"]["killed"] >= 10


def test_new_torch_uses_the_torch_oracle(tmp_path):
    pytest.importorskip("torch")
    assert invoke("new", "tsoft", "--torch", "--root", tmp_path).exit_code == 0
    assignment = scaffold.load(tmp_path, "tsoft")
    assert assignment.requirements.torch
    from autograder.build.requirements import needed, undeclared

    assert "torch" in needed(assignment) and not undeclared(assignment)
    assert grade(assignment, assignment.solution).score == 4


@pytest.mark.parametrize("name, why", [
    ("9lives", "not a valid assignment name"), ("Kmeans", "not a valid assignment name"),
    ("class", "not a valid assignment name"), ("json", "importable module"),
    (NAME, "already exists")])
def test_new_refuses_bad_or_taken_names(root, name, why):
    before = sorted(root.rglob("*"))
    result = invoke("new", name, "--root", root)
    assert result.exit_code == 2 and why in result.output, result.output
    assert sorted(root.rglob("*")) == before


# -- docs/authoring.md -----------------------------------------------------------------------------
def test_the_authoring_guide_key_reference_is_generated_and_current():
    text = schema_doc.DOC.read_text()
    assert schema_doc.updated(text) == text, "run python -m autograder.report.schema_doc"
    assert "](docs/authoring.md)" in (REPO_ROOT / "README.md").read_text()


def test_every_yaml_key_is_described_and_no_note_is_stale():
    for _heading, cls, skip in schema_doc.SECTIONS:
        docs = schema_doc.field_docs(cls)
        for key, _tp, _default, doc in schema_doc.rows(cls, skip):
            assert doc, f"{cls.__name__}.{key} has no docstring in config.py and no NOTES entry"
            if key in docs:
                assert f"{cls.__name__}.{key}" not in schema_doc.NOTES, "stale NOTES entry"


MINIMAL = """\
name: m
title: M
seed: 1
solution: solutions/m
suite: m_suite
submission: {files: [m.py], notebook: {file: m.ipynb}}
components:
  - id: c
    title: C
    checks: {k: {title: K, points: 1}}
policy: {windows: [{start_days: 0}]}
audit: {}
requirements: {}
late: {}
"""


def test_the_documented_defaults_are_the_loaders(tmp_path):
    path = tmp_path / "assignments" / "m" / "assignment.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(MINIMAL)
    a = config.load_assignment(path, tmp_path)
    loaded = {config.Assignment: a, config.SubmissionSpec: a.submission,
              config.Limits: a.limits, config.Requirements: a.requirements,
              config.Component: a.components[0], config.CheckSpec: a.components[0].checks[0],
              config.PolicyWindow: a.policy[0], config.AuditSpec: a.audit,
              config.LatePolicy: a.late, config.NotebookEdition: a.submission.notebook}
    required = {"Assignment": {"name", "title", "seed", "solution", "suite", "submission",
                               "components"}, "SubmissionSpec": {"files"},
                "Component": {"id", "title", "checks"}, "CheckSpec": {"title", "points"},
                "NotebookEdition": {"file"},
                "PolicyWindow": {"start_days"}}
    for _heading, cls, skip in schema_doc.SECTIONS:
        for key, _tp, default, _doc in schema_doc.rows(cls, skip):
            is_required = default == "**required**"
            assert is_required == (key in required.get(cls.__name__, set())), (cls, key)
            if is_required or cls is config.Assignment and key in {"policy", "audit", "late"} \
                    or cls is config.SubmissionSpec and key == "notebook":
                continue
            value = getattr(loaded[cls], key)
            value = value.value if hasattr(value, "value") else value
            if dataclass_default := re.fullmatch(r"`(.*)`", default):
                assert str(value).lower() in {dataclass_default.group(1),
                                              dataclass_default.group(1) + ".0"}, (cls, key)
            elif default in ("null", "empty"):
                assert value in (None, (), {}), (cls, key, value)
            elif default == "all defaults":
                assert value == config.Limits()
            elif default == "numpy only":
                assert value == config.Requirements()
    bare = config.load_assignment(_without(path, "policy", "audit", "late"), tmp_path)
    assert bare.policy == () and bare.audit is None and bare.late is None


def _without(path: Path, *keys: str) -> Path:
    lines = [line for line in path.read_text().splitlines()
             if not any(line.startswith(f"{k}:") for k in keys)]
    out = path.with_name("bare.yaml")
    out.write_text("\n".join(lines) + "\n")
    return out


def test_the_guides_worked_example_is_the_scaffolds_code():
    text = schema_doc.DOC.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    rendered = scaffold.render("kmeans", "autograder.suites.kmeans", False)
    assert blocks and all(block in rendered["checks"] for block in blocks)
    assert "probes" not in rendered  # the generic probe (t.call) is enough for the scaffold


def test_a_course_folder_builds_grades_and_runs_under_otter(root, tmp_path):
    """The CLI works on a course folder (`--course DIR`): build, grade the reference and the
    skeleton, and the Gradescope zip carries the course's own suite (ag/suites/) so that
    `otter run` gives the same scores."""
    from test_otter_e2e import otter_run, scored

    def cli(*args: object) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "autograder", "--course", str(root),
                               *map(str, args)], capture_output=True, text=True, timeout=600,
                              cwd=tmp_path)

    built = cli("build", NAME)
    assert built.returncode == 0, built.stdout + built.stderr
    shown = cli("show", NAME)
    assert f"suites/{NAME}_suite" in shown.stdout, shown.stdout + shown.stderr
    ref = cli("grade", NAME, root / "solutions" / NAME)
    assert ref.returncode == 0 and "4 / 4" in ref.stdout, ref.stdout + ref.stderr
    skeleton = cli("grade", NAME, root / "assignments" / NAME)
    assert "0 / 4" in skeleton.stdout, skeleton.stdout + skeleton.stderr
    grader_zip = root / "build" / NAME / "autograder.zip"
    import zipfile

    with zipfile.ZipFile(grader_zip) as zf:
        names = zf.namelist()
    assert f"ag/suites/{NAME}_suite/checks.py" in names
    assert not any(n.startswith("ag/autograder/suites/") and n.count("/") > 3 for n in names)
    doc = otter_run(grader_zip, root / "solutions" / NAME / f"{NAME}.py", tmp_path / "otter")
    assert sum(scored(doc).values()) == 4, doc
