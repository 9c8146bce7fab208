"""The built zip grades every submission form through `otter run` and an emulated Gradescope.

Gradescope emulation: the zip unpacked into <root>/source, the submission laid out the way
Gradescope stores each upload kind in <root>/submission, a submission_metadata.json, and the
zip's own `run_autograder` executed with the /autograder root remapped to <root>.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.report import validate

from helpers import zip_folder

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def otter_run(grader_zip: Path, submission: Path, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([str(BIN / "otter"), "run", "-a", str(grader_zip), "-o", str(out),
                           str(submission)], capture_output=True, text=True, timeout=600)
    results = out / "results.json"
    assert results.is_file(), proc.stdout[-3000:] + proc.stderr[-3000:]
    doc = json.loads(results.read_text())
    validate(doc)
    return doc


def gradescope_run(grader_zip: Path, lay_out, root: Path, metadata: dict | None = None) -> dict:
    """Emulate Gradescope: unpack, lay out the submission, run the zip's run_autograder."""
    for sub in ("source", "submission", "results"):
        (root / sub).mkdir(parents=True)
    with zipfile.ZipFile(grader_zip) as zf:
        zf.extractall(root / "source")
    lay_out(root / "submission")
    (root / "submission_metadata.json").write_text(json.dumps(metadata or {}))
    env = {**os.environ, "AG_ROOT": str(root), "PATH": f"{BIN}:{os.environ['PATH']}"}
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=600)
    results = root / "results" / "results.json"
    assert results.is_file(), proc.stdout[-3000:] + proc.stderr[-3000:]
    doc = json.loads(results.read_text())
    validate(doc)
    return doc


def scored(doc: dict) -> dict[str, float]:
    return {t["name"]: t["score"] for t in doc["tests"] if t.get("max_score")}


SUBMISSION_FILES = None


def forms(solution: Path, tmp: Path) -> dict[str, Path]:
    """Each upload kind as the zip a student (or Gradescope's GitHub import) produces."""
    files = [p.relative_to(solution).as_posix() for p in solution.rglob("*.py")
             if "__pycache__" not in p.parts and "tests" not in p.parts]
    out = {"assignment folder zipped": zip_folder(solution, tmp / "nested.zip", "hw2-beras/",
                                                  files),
           "beras/ at the zip root": zip_folder(solution, tmp / "root.zip", "", files)}
    flat = tmp / "flat.zip"
    with zipfile.ZipFile(flat, "w") as zf:
        for rel in files:
            zf.write(solution / rel, Path(rel).name)
    out["files uploaded one by one"] = flat
    repo = tmp / "repo"
    shutil.copytree(solution, repo / "code", ignore=shutil.ignore_patterns("__pycache__",
                                                                            "tests"))
    (repo / "README.md").write_text("# my beras\n")
    (repo / ".git").mkdir()
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    out["GitHub repository"] = zip_folder(repo, tmp / "github.zip")
    return out


def test_otter_run_grades_every_submission_form(grader_zip, beras, grade_beras, tmp_path):
    expected = grade_beras(beras.solution)
    for label, sub in forms(beras.solution, tmp_path).items():
        doc = otter_run(grader_zip, sub, tmp_path / "out" / sub.stem)
        assert doc["score"] == pytest.approx(expected.score), label
        assert scored(doc) == {c.title: c.score for c in expected.components}, label


def test_otter_run_skeleton_scores_zero(grader_zip, paths, tmp_path):
    sub = zip_folder(paths.handout("beras"), tmp_path / "skeleton.zip")
    doc = otter_run(grader_zip, sub, tmp_path / "out")
    assert doc["score"] == 0
    assert any("not implemented yet" in t.get("output", "") for t in doc["tests"])


def test_gradescope_layouts_grade_like_the_engine(grader_zip, beras, grade_beras, tmp_path):
    expected = grade_beras(beras.solution).score
    sol = beras.solution
    upload_zip = forms(sol, tmp_path)["assignment folder zipped"]

    def zip_only(dest: Path) -> None:
        shutil.copy(upload_zip, dest / "submission.zip")

    def zip_and_files(dest: Path) -> None:
        shutil.copy(upload_zip, dest / "submission.zip")
        with zipfile.ZipFile(upload_zip) as zf:
            zf.extractall(dest)

    def flat(dest: Path) -> None:
        for p in sol.rglob("*.py"):
            if "tests" not in p.parts:
                shutil.copy(p, dest / p.name)

    def github(dest: Path) -> None:
        shutil.copytree(sol, dest, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "tests"))
        (dest / "README.md").write_text("hello")

    for i, lay_out in enumerate((zip_only, zip_and_files, flat, github)):
        doc = gradescope_run(grader_zip, lay_out, tmp_path / f"gs{i}")
        assert doc["score"] == pytest.approx(expected), lay_out.__name__


def test_gradescope_missing_files_get_a_message_and_valid_results(grader_zip, tmp_path):
    def broken(dest: Path) -> None:
        (dest / "notes.txt").write_text("I could not finish")
        (dest / "Layers.py").write_text("x = 1\n")

    doc = gradescope_run(grader_zip, broken, tmp_path / "gs")
    assert doc["score"] == 0
    text = json.dumps(doc)
    assert "missing file 'beras/layers.py'" in text and "Layers.py" in text


def test_gradescope_feedback_is_the_text_the_cli_prints(grader_zip, beras, grade_beras,
                                                         tmp_path):
    """Students on Gradescope read each component's feedback exactly as the CLI prints it,
    without Otter's 'Error at line … in test …: verdict_of_check(…) AssertionError:' frame."""
    from autograder.report.gradescope import component_output
    from helpers import apply_bug, load_bugs

    bug = next(b for b in load_bugs(Path(__file__).parent / "corpus" / "beras" / "bugs.yaml")
               if b["id"] == "softmax_no_max_shift")
    folder = apply_bug(beras.solution, bug, tmp_path / "sub")
    expected = grade_beras(folder)

    def lay_out(dest: Path) -> None:
        shutil.copytree(folder, dest, dirs_exist_ok=True)

    doc = gradescope_run(grader_zip, lay_out, tmp_path / "gs")
    outputs = {t["name"]: t.get("output", "") for t in doc["tests"]}
    for comp in expected.components:
        assert outputs[comp.title] == component_output(comp), comp.title
    assert "verdict_of_check" not in json.dumps(doc) and "AssertionError" not in json.dumps(doc)
    assert doc["score"] == pytest.approx(expected.score) and expected.score < expected.max_score
