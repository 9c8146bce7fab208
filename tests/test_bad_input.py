"""Bad input gets a clear message, a score of 0 where nothing is gradable, and valid results."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path


from autograder.engine.submission import normalize, static_problems
from autograder.report import to_gradescope, validate


def skeleton_copy(paths, dest: Path) -> Path:
    shutil.copytree(paths.handout("beras"), dest, ignore=shutil.ignore_patterns("tests",
                                                                               "__pycache__"))
    return dest


def solution_copy(beras, dest: Path) -> Path:
    shutil.copytree(beras.solution, dest, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    return dest


def graded_messages(result) -> str:
    doc = to_gradescope(result)
    validate(doc)
    return json.dumps(doc)


def test_empty_submission(beras, grade_beras, tmp_path):
    (tmp_path / "empty").mkdir()
    result = grade_beras(tmp_path / "empty")
    assert result.score == 0
    assert result.messages[0].startswith("Nothing gradable was found. Expected files: ")
    assert "the submission is empty" in result.messages


def test_wrong_file_names_get_a_suggestion(beras, tmp_path):
    sub = solution_copy(beras, tmp_path / "sub")
    (sub / "beras" / "layers.py").rename(sub / "beras" / "layer.py")
    norm = normalize(sub, beras.submission, tmp_path / "out")
    assert "missing file 'beras/layers.py' (found 'layer.py': rename it?)." in norm.messages


def test_deeply_nested_zip_is_found(beras, tmp_path):
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in beras.solution.rglob("*.py"):
            if "tests" not in path.parts:
                rel = path.relative_to(beras.solution).as_posix()
                zf.write(path, f"Downloads/hw/final_v2/{rel}")
        zf.writestr("__MACOSX/._junk", b"\0")
    norm = normalize(archive, beras.submission, tmp_path / "out")
    assert norm.missing == () and norm.messages == ()


def test_zip_with_unsafe_paths_and_huge_members(beras, tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../../escape.py", "x = 1\n")
        zf.writestr("big.bin", b"\0" * (6 * 2**20))
    norm = normalize(archive, beras.submission, tmp_path / "out")
    text = "\n".join(norm.messages)
    assert "skipped '../../escape.py' (unsafe path)" in text
    assert "skipped 'big.bin' (6 MB, larger than the 5 MB limit per file)" in text
    assert not (tmp_path / "escape.py").exists()


def test_syntax_error_reports_file_and_line(beras, paths, grade_beras, tmp_path):
    sub = solution_copy(beras, tmp_path / "sub")
    path = sub / "beras" / "losses.py"
    lines = path.read_text().splitlines()
    lines[9] = "def broken(:"
    path.write_text("\n".join(lines) + "\n")
    result = grade_beras(sub)
    assert "'beras/losses.py' has a syntax error on line 10: invalid syntax" in "\n".join(
        result.messages)
    loss = result.check("losses.mse").message
    assert "syntax error in beras/losses.py line 10" in loss
    assert 0 < result.score < result.max_score  # the other modules still earn points
    graded_messages(result)


def test_import_error_is_reported_with_the_module(beras, grade_beras, tmp_path):
    sub = solution_copy(beras, tmp_path / "sub")
    path = sub / "beras" / "metrics.py"
    path.write_text("import numpyy as np\n" + path.read_text())
    result = grade_beras(sub)
    assert "No module named 'numpyy'" in result.check("metrics.accuracy").message
    assert result.check("dense.forward").message == ""


def test_notebook_with_broken_json_and_binary_garbage(beras, tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "beras.ipynb").write_text('{"cells": [')
    (sub / "core.py").write_bytes(b"\xff\xfe\x00\x81garbage")
    norm = normalize(sub, beras.submission, tmp_path / "out")
    assert any("'beras.ipynb' is a notebook with broken JSON" in m for m in norm.messages)
    problems = static_problems(norm.root, norm.found, beras.submission.forbidden_imports)
    assert problems == ["'beras/core.py' is not a UTF-8 text file (binary or wrong encoding)"]


def test_wrong_signature_names_the_function(beras, grade_beras, tmp_path):
    sub = solution_copy(beras, tmp_path / "sub")
    path = sub / "beras" / "losses.py"
    text = path.read_text().replace("def forward(self, y_pred, y_true):",
                                    "def forward(self, y_pred):", 1)
    path.write_text(text)
    message = grade_beras(sub).check("losses.mse").message
    assert "TypeError" in message and "forward()" in message and "positional argument" in message


def test_nan_outputs_and_wrong_shapes_say_expected_vs_got(beras, grade_beras, tmp_path):
    sub = solution_copy(beras, tmp_path / "sub")
    path = sub / "beras" / "activations.py"
    text = path.read_text()
    text = text.replace("return Tensor(np.exp(-np.logaddexp(0.0, -np.asarray(x))))",
                        "return Tensor(np.full(np.shape(x), np.nan))")
    text = text.replace("return Tensor(np.where(x > 0, x, self.alpha * x))",
                        "return Tensor(np.where(x > 0, x, self.alpha * x).T)")
    path.write_text(text)
    result = grade_beras(sub)
    assert "contains nan at index (0, 0) where" in result.check("activations.sigmoid").message
    leaky = result.check("activations.leaky_relu").message
    assert "has the wrong shape: expected (" in leaky and "(it looks transposed)" in leaky


def test_a_hang_says_where_the_code_was_stuck(paths, tmp_path):
    """A timeout names the student's file, line and function (and its callers), not just 'timeout'."""
    from dataclasses import replace

    from autograder.engine import grade

    assignment = paths.load("backprop")
    assignment = replace(assignment, limits=replace(assignment.limits, call_seconds=2))
    sub = tmp_path / "sub"
    shutil.copytree(assignment.solution, sub, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    source = (sub / "backprop.py").read_text()
    old = "    return np.maximum(f, 0.0)\n"
    assert source.count(old) == 1
    loop = source[:source.index(old)].count("\n") + 1  # `while True:`; its body is below
    (sub / "backprop.py").write_text(source.replace(old, "    while True:\n        f = f + 0\n"))
    result = grade(assignment, sub)
    relu = next(c for c in result.components[0].checks if c.key == "forward.relu")
    assert relu.points == 0
    assert re.fullmatch(rf"did not finish within 2 s \(it was running backprop\.py:"
                        rf"({loop}|{loop + 1}) in relu\)", relu.message), relu.message
    # later checks that reach relu again stop at once and say why (tests/test_hangs.py)
    forward = next(c for c in result.components[0].checks if c.key == "forward.output")
    assert re.fullmatch(rf"skipped: relu \(backprop\.py\) did not finish within 2 s in an "
                        rf"earlier check \(it was stuck at backprop\.py:({loop}|{loop + 1})\); "
                        r"fix that first", forward.message), forward.message
    graded_messages(result)


def test_control_characters_in_file_names_and_messages_are_escaped(beras, tmp_path):
    from autograder.engine.display import shown
    from autograder.engine.grade import describe_fault
    from autograder.sandbox import StudentFault

    sub = solution_copy(beras, tmp_path / "sub")
    (sub / "weird\nname.py").write_text("x = 1\n")
    (sub / "beep\x07\x1b[2J.py").write_text("x = 1\n")
    norm = normalize(sub, beras.submission, tmp_path / "out")
    text = "\n".join(norm.messages)
    assert "extra file 'weird\\nname.py'" in text and "beep\\x07\\x1b[2J.py" in text
    assert "\x1b" not in text and "\x07" not in text
    fault = StudentFault("exception", "bad\x1b[31m value\nsecond line",
                         {"type": "ValueError", "frames": [["m\x1b.py", 3, "f\x00", ""]]})
    message = describe_fault(fault)
    assert "\x1b" not in message and "\x00" not in message and "\nsecond line" in message
    assert "m\\x1b.py:3 in f\\x00" in message
    assert shown("b\udcffc") == "b\\udcffc" and shown("é 中") == "é 中"
