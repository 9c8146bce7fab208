"""`check("part")` inside Jupyter (issue #20 item 3), tested by executing notebooks headlessly
in a real kernel (nbclient + ipykernel), from a built measuring handout, as a student runs
them: the check cells print the grader's own messages for the saved notebook, and name the
cells the student ran but did not save. The grader skips `check(...)` cells.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from autograder.build.handout import build_handout
from autograder.engine import grade
from autograder.checker.jupyter import unsaved_cells
from autograder.notebooks.convert import is_check_cell
from autograder.notebooks.generate import dumps, reference_notebook, student_notebook
from autograder.paths import CoursePaths
from helpers import apply_bug, load_bugs, without_data

PATHS = CoursePaths()
ASSIGNMENT = PATHS.load("measuring")
EDITION = ASSIGNMENT.submission.notebook
BUG = next(b for b in load_bugs(PATHS.root / "tests" / "corpus" / "measuring" / "bugs.yaml")
           if b["id"] == "parameter_count_without_biases")


def source(cell: dict) -> str:
    return "".join(cell["source"])


def text_output(cell: dict) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o["output_type"] ==
                   "stream")


@pytest.fixture(scope="module")
def handout(tmp_path_factory) -> Path:
    return build_handout(ASSIGNMENT, PATHS.handout("measuring"),
                         tmp_path_factory.mktemp("nb-handout"))[0]


def test_check_cells_are_generated_after_each_part_and_skipped_by_the_grader():
    nb = student_notebook(reference_notebook(ASSIGNMENT), EDITION)
    calls = [source(c) for c in nb["cells"] if c["cell_type"] == "code"
             and is_check_cell(source(c))]
    parts = [c.id for c in ASSIGNMENT.components if any(k.public for k in c.checks)]
    assert calls[0].startswith("from check import check, check_all")
    assert calls[1:] == [f'check("{p}")' for p in parts]
    assert is_check_cell("import check\ncheck('data')\ncheck_all()")
    assert not is_check_cell("check('data')\nx = 1")  # anything else: a normal cell
    assert not is_check_cell("from check import check as c\nimport os")


def test_unsaved_cells_are_the_newest_runs_missing_from_the_file():
    saved = {"a = 1", "def f():\n    return 2"}
    history = ["a = 1", "def f():\n    return 1", "def f():\n    return 2", "b = 3  ",
               "check('data')", "c = 4"]
    assert unsaved_cells(history, saved) == ["c = 4", "b = 3"]
    assert unsaved_cells(history[:3], saved) == []  # the old run of f was edited since: fine


def _executable(nb: dict, keep_checks: set[str]) -> dict:
    """The notebook without its hand-graded experiments (long) and with only some checks."""
    nb = copy.deepcopy(nb)
    kept = []
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if any(EDITION.skipped_by([t]) for t in tags) or "hidden" in tags:
            continue
        text = source(cell)
        if cell["cell_type"] == "code" and text.startswith("check(") and \
                not any(f'"{p}"' in text for p in keep_checks):
            continue
        kept.append(cell)
    nb["cells"] = kept
    return nb


def _execute(nb: dict, folder: Path) -> dict:
    import nbformat
    from nbclient import NotebookClient

    node = nbformat.reads(dumps(nb), as_version=4)
    NotebookClient(node, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return node


def test_check_in_a_running_notebook_shows_the_graders_messages(handout, tmp_path):
    """The reference with a corpus bug in part 4: check("data") passes, check("double_descent")
    gives the grader's named mistake (same words as engine.grade on the same notebook), and a
    cell run but not saved is named first."""
    buggy = apply_bug(ASSIGNMENT.solution, BUG, tmp_path / "bug")
    nb = _executable(reference_notebook(ASSIGNMENT, source=buggy), {"data", "double_descent"})
    path = handout / EDITION.file
    path.write_text(dumps(nb), encoding="utf-8")  # the saved notebook
    graded = grade(ASSIGNMENT, path, only=("double_descent.parameter_count",))
    want = graded.components[0].checks[0].message
    assert "biases" in want
    # a cell run in the kernel after the save, right before the last check
    run = copy.deepcopy(nb)
    last = max(i for i, c in enumerate(run["cells"]) if source(c).startswith("check("))
    run["cells"].insert(last, {"cell_type": "code", "id": "unsaved", "metadata": {},
                               "outputs": [], "execution_count": None,
                               "source": "not_saved_yet = 1"})
    executed = _execute(run, handout)
    outputs = {source(c): text_output(c) for c in executed.cells if c.cell_type == "code"}
    data = outputs['check("data")']
    assert re.search(r"(\d+) of \1 public checks passed", data), data
    assert "Note:" not in data
    dd = " ".join(outputs['check("double_descent")'].split())
    assert "Note: 1 cell(s) you ran recently are not in the saved measuring.ipynb" in dd
    assert "`not_saved_yet = 1`" in dd
    assert "✗ parameter_count" in dd
    assert without_data(want) in without_data(dd)  # the grader's words (its own inputs)
