"""Issue #20: the measuring assignment as a notebook.

Fast part: the notebooks are generated from the reference .py files (the committed student
notebook is not stale, its stubs are the .py skeleton's), and the trusted-side conversion of an
uploaded .ipynb is robust (broken JSON, magics, renamed, duplicated or deleted cells, Colab /
VS Code metadata, huge outputs, several notebooks). Slow part (five gradings, about 2 minutes
of CPU): the reference notebook gets full marks on the emulated Gradescope, the student notebook
0 through the CLI and `otter run`, a corpus bug costs the same checks as in the .py form while
a cell that raises and one that never finishes are named in the feedback and the rest is
graded, and attacks run from a notebook cell score 0.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.build.skeleton import BEGIN, strip_solutions
from autograder.engine import grade
from autograder.engine.submission import normalize
from autograder.notebooks.convert import convert_upload, parse_notebook, NotebookError
from autograder.notebooks.edition import Edition, edition_for, load_edition
from autograder.notebooks.generate import dumps, reference_notebook, student_notebook
from autograder.paths import CoursePaths
from autograder.report import render_text, to_gradescope, validate
from helpers import apply_bug, load_bugs

PATHS = CoursePaths()
ASSIGNMENT = PATHS.load("measuring")
EDITION = load_edition(ASSIGNMENT.source)
BUGS = {b["id"]: b for b in load_bugs(Path(__file__).parent / "corpus" / "measuring" /
                                      "bugs.yaml")}
REPO = PATHS.root


def source(cell) -> str:
    return "".join(cell["source"])


def code_cell(text: str, tags=(), count=None) -> dict:
    cell = {"cell_type": "code", "metadata": {}, "source": text, "outputs": [],
            "execution_count": count}
    if tags:
        cell["metadata"]["tags"] = list(tags)
    return cell


def write(nb: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(nb), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference() -> dict:
    return reference_notebook(ASSIGNMENT)


@pytest.fixture(scope="module")
def student(reference) -> dict:
    return student_notebook(reference, EDITION, EDITION.file)


# -- generation ----------------------------------------------------------------------------------
def test_edition_is_found_from_the_submission_spec():
    assert edition_for(ASSIGNMENT.submission) == EDITION
    assert EDITION.file == "measuring.ipynb" and EDITION.skipped_by(["manual:q1"]) == "manual:q1"
    assert edition_for(PATHS.load("beras").submission) is None


def test_notebooks_are_valid_and_the_committed_one_is_not_stale(reference, student):
    nbformat = pytest.importorskip("nbformat")
    for nb in (reference, student):
        nbformat.validate(nbformat.reads(dumps(nb), as_version=4))
    committed = (PATHS.handout("measuring") / EDITION.file).read_text(encoding="utf-8")
    assert committed == dumps(student), \
        "assignments/measuring/measuring.ipynb is stale: python -m autograder build measuring"


def test_student_notebook_is_the_reference_stubbed_as_the_skeleton(reference, student):
    ref_code = [source(c) for c in reference["cells"] if c["cell_type"] == "code"]
    stu_code = [source(c) for c in student["cells"] if c["cell_type"] == "code"]
    assert len(ref_code) == len(stu_code)
    assert sum(s.count(BEGIN) for s in ref_code) == sum(
        (ASSIGNMENT.solution / f).read_text().count(BEGIN) for f in ASSIGNMENT.submission.files)
    for ref, stu in zip(ref_code, stu_code):
        assert stu.rstrip("\n") == strip_solutions(ref, "cell").rstrip("\n")
        assert BEGIN not in stu
    # the same stubs as the committed .py skeleton, one each
    stub = re.compile(r'raise NotImplementedError\("([\w.]+): your code here"\)')
    in_notebook = sorted(stub.findall("\n".join(stu_code)))
    in_py = sorted(n for f in ASSIGNMENT.submission.files
                   for n in stub.findall((PATHS.handout("measuring") / f).read_text()))
    assert in_notebook == in_py and len(in_py) >= 20
    hidden = [c for c in reference["cells"] if "hidden" in c["metadata"].get("tags", [])]
    assert hidden and len(student["cells"]) == len(reference["cells"]) - len(hidden)
    assert "Instructor note" not in dumps(student)
    manual = {t for c in student["cells"] for t in c["metadata"].get("tags", [])}
    assert {f"manual:q{i}" for i in range(1, 7)} <= manual
    for c in student["cells"]:
        if c["cell_type"] == "code":
            assert c["outputs"] == [] and c["execution_count"] is None


def test_one_namespace_no_clashing_names(reference):
    defs = re.findall(r"^def (\w+)", "\n".join(source(c) for c in reference["cells"]
                                                 if c["cell_type"] == "code"), re.M)
    assert len(defs) == len(set(defs)), sorted(d for d in defs if defs.count(d) > 1)
    assert "evaluate_arrays" in defs  # double_descent's given evaluate, renamed
    assert "from baseline import" not in dumps(reference)


# -- conversion (trusted side) -------------------------------------------------------------------
FAST = dataclasses.replace(EDITION, cell_seconds=1.0, total_seconds=5.0)


def convert(nb_bytes: bytes, name: str = "hw.ipynb", extra: dict | None = None):
    notes: list[str] = []
    up = convert_upload({name: nb_bytes, **(extra or {})}, ASSIGNMENT.submission, notes, FAST)
    return up, notes


def tiny(cells: list[dict], **meta) -> bytes:
    return json.dumps({"cells": cells, "metadata": meta, "nbformat": 4,
                       "nbformat_minor": 5}).encode()


def run_child(folder: Path, code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Import the converted layout the way the probes do, in a fresh interpreter."""
    return subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("data,reason", [
    (b'{"cells": [', "its JSON is broken"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"[1, 2, 3]", "not a notebook"),
    (b'{"metadata": {}}', "no 'cells' list"),
    (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
])
def test_unreadable_notebooks_are_refused_clearly(data, reason):
    up, notes = convert(data)
    assert up.active and not up.generated
    assert any(reason in n and "could not be graded" in n for n in notes), notes


def test_broken_notebook_scores_zero_with_valid_results(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "my homework.ipynb").write_text('{"cells": [{"cell_type": "code"')
    result = grade(ASSIGNMENT, tmp_path / "sub")
    assert result.score == 0
    validate(to_gradescope(result))
    text = "\n".join(result.messages)
    assert "'my homework.ipynb' could not be graded: its JSON is broken" in text
    assert "missing file" not in text  # a notebook student is not told about .py files


def test_magics_and_shell_escapes_are_skipped_with_a_message(tmp_path):
    cells = [
        code_cell("%matplotlib inline\nimport numpy as np\n!pip install mnist1d\n"
                  "files = !ls\nnp?\nX = 1"),
        {"cell_type": "markdown", "metadata": {}, "source": "# text"},
        code_cell("%%bash\nrm -rf /\n"),
        code_cell("%%time\ndef f():\n    '''A docstring\n% of lines\n!not a shell\n'''\n"
                  "    return 2\nY = f()"),
        code_cell("def broken(:\n    pass"),
        code_cell("Z = X + Y", tags=["skip-grading"]),
    ]
    up, notes = convert(tiny(cells))
    text = "\n".join(notes)
    assert "cell 1 (`%matplotlib inline`): the grader does not run shell commands or magics; " \
           "skipped line 1 `%matplotlib inline`, line 3 `!pip install mnist1d`, line 4 " \
           "`files = !ls`, line 5 `np?`" in text
    assert "cell 3 (`%%bash`) was not run: the cell magic %%bash is not run by the grader" in text
    assert "cell 5 (`def broken(:`) was not run: syntax error on line 1" in text
    assert "cells 6 (skip-grading)" in text
    assert "cell_3.py" not in up.files and "cell_6.py" not in up.files
    # the docstring lines that look like magics stay as they were
    assert "% of lines\n!not a shell" in up.files["cell_4.py"].decode()
    folder = tmp_path / "nb"
    for rel, data in up.files.items():
        if not rel.endswith(".ipynb"):
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(data)
    out = run_child(folder, "import data, plots\nassert data is plots\nprint(data.X, data.Y)\n"
                            "try:\n    data.Z\nexcept AttributeError as e:\n    print(e)\n"
                            "try:\n    data.broken\nexcept AttributeError as e:\n    print(e)")
    assert out.returncode == 0, out.stderr
    assert "1 2" in out.stdout
    assert "'Z' is not defined: cell 6 (`Z = X + Y`) was not run by the grader (tagged " \
           "skip-grading), before defining it" in out.stdout
    assert "'broken' is not defined" not in out.stdout  # a cell that does not parse binds nothing
    assert "the notebook defines no 'broken'" in out.stdout


def test_a_raising_and_a_looping_cell_are_named_and_the_rest_runs(tmp_path):
    cells = [code_cell("A = 1"),
             code_cell("import json\nvalue = json.loads('{')\ndef after_raise():\n    return 1"),
             code_cell("while True:\n    pass\ndef after_loop():\n    return 2"),
             code_cell("import sys\nsys.exit(3)"),
             code_cell("B = A + 1")]
    up, notes = convert(tiny(cells))
    folder = tmp_path / "nb"
    folder.mkdir()
    for rel, data in up.files.items():
        (folder / rel).write_bytes(data)
    started = time.monotonic()
    out = run_child(folder, "import baseline as m\nprint('B =', m.B)\n"
                            "for name in ('after_raise', 'after_loop'):\n"
                            "    try:\n        getattr(m, name)\n"
                            "    except AttributeError as e:\n        print(e)")
    assert time.monotonic() - started < 30
    assert out.returncode == 0, out.stderr
    assert "B = 2" in out.stdout
    assert ("'after_raise' is not defined: cell 2 (`import json`) raised JSONDecodeError: "
            "Expecting property name enclosed in double quotes") in out.stdout
    assert "on line 2, before defining it" in out.stdout
    assert ("'after_loop' is not defined: cell 3 (`while True:`) did not finish within 1 s and "
            "was stopped on line") in out.stdout
    assert "[grader] notebook cell 4 (`import sys`) called sys.exit(3)" in out.stdout


def test_colab_vscode_metadata_out_of_order_counts_and_renamed_notebook(student):
    nb = copy.deepcopy(student)
    nb["metadata"] = {"colab": {"provenance": [], "name": "Copy of measuring.ipynb"},
                      "accelerator": "GPU", "vscode": {"interpreter": {"hash": "x"}},
                      "kernelspec": {"name": "python3", "display_name": "Python 3"}}
    counts = iter([5, 2, 9, 1])
    for cell in nb["cells"]:
        cell["metadata"]["id"] = "colab-id"
        cell["metadata"]["vscode"] = {"languageId": "python" if cell["cell_type"] == "code"
                                      else "markdown"}
        if cell["cell_type"] == "code":
            cell["execution_count"] = next(counts, None)
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * 100}]
    nb["cells"].append({"cell_type": "code", "metadata": {"vscode": {"languageId": "sql"}},
                        "source": "SELECT 1", "outputs": [], "execution_count": None})
    up, notes = convert(json.dumps(nb).encode(), "Copy_of_measuring (2).ipynb")
    text = "\n".join(notes)
    assert "graded the notebook 'Copy_of_measuring (2).ipynb'" in text
    assert "last run out of order" in text
    assert "is a sql cell; the grader runs Python only" in text
    assert {f"{m[:-3]}.py" for m in ASSIGNMENT.submission.files} <= set(up.files)


def test_huge_outputs_deleted_and_duplicated_cells(reference, tmp_path):
    nb = copy.deepcopy(reference)
    big = {"output_type": "display_data", "metadata": {},
           "data": {"image/png": "iVBORw0KGgo" + "A" * (8 << 20)}}
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    code[0]["outputs"] = [big]
    nb["cells"].append(copy.deepcopy(code[3]))                      # duplicated
    nb["cells"] = [c for c in nb["cells"] if "def count_parameters" not in source(c)]  # deleted
    path = write(nb, tmp_path / "sub" / "measuring.ipynb")
    assert path.stat().st_size > 8 << 20
    norm = normalize(path.parent, ASSIGNMENT.submission, tmp_path / "out")
    assert norm.missing == () and not any("skipped" in m and "MB" in m for m in norm.messages)
    out = run_child(norm.root, "import baseline\ntry:\n    baseline.count_parameters\n"
                               "except AttributeError as e:\n    print(e)")
    assert "the notebook defines no 'count_parameters'" in out.stdout, out.stderr


def test_several_notebooks_or_notebook_and_py_files(tmp_path, reference):
    data = dumps(reference).encode()
    up, notes = convert(data, "a.ipynb", {"b.ipynb": data})
    assert up.active and not up.generated and "several notebooks" in notes[-1]
    up, notes = convert(data, "a.ipynb", {"measuring.ipynb": data})
    assert "graded 'measuring.ipynb'; the other notebooks were ignored" in notes
    up, notes = convert(data, "a.ipynb", {"data.py": b"x = 1\n"})
    assert not up.active and "a.ipynb" not in up.files and "the .py files, which were graded" \
        in notes[0]


def test_nbformat3_worksheets_and_list_sources():
    cells = parse_notebook(json.dumps({"worksheets": [{"cells": [
        {"cell_type": "code", "input": ["x = 1\n", "y = 2"], "prompt_number": 3},
        {"cell_type": "markdown", "source": "hi"}, 7]}], "nbformat": 3}).encode())
    assert [c.kind for c in cells] == ["code", "markdown", "invalid"]
    assert cells[0].source == "x = 1\ny = 2" and cells[0].execution_count == 3
    with pytest.raises(NotebookError):
        parse_notebook(b'"just a string"')


# -- full gradings (slow: a few notebooks, each about 10-40 s on one core) -----------------------
def failed(result) -> dict[str, str]:
    return {c.key: c.message for comp in result.components for c in comp.checks if c.message}


@pytest.mark.slow
def test_student_notebook_through_the_cli_scores_zero_naming_its_cells(student, tmp_path):
    """Any file name; every check says which stub (cell and line) is not implemented yet."""
    folder = tmp_path / "upload"
    write(student, folder / "whatever_i_called_it.ipynb")
    out = subprocess.run([sys.executable, "-m", "autograder", "grade", "measuring", str(folder),
                          "--results", str(tmp_path / "results.json")], cwd=REPO,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"measuring: 0 / {ASSIGNMENT.points:g} ")
    assert "graded the notebook 'whatever_i_called_it.ipynb'" in out.stdout
    doc = json.loads((tmp_path / "results.json").read_text())
    validate(doc)
    for test in doc["tests"]:
        if test.get("max_score"):
            assert "not implemented yet (cell_" in test["output"], test


@pytest.fixture(scope="module")
def measuring_zip(tmp_path_factory) -> Path:
    from autograder.build.otter_zip import build_zip

    return build_zip(ASSIGNMENT, tmp_path_factory.mktemp("zip") / "autograder.zip")


@pytest.mark.slow
def test_reference_notebook_full_marks_on_the_emulated_gradescope(reference, measuring_zip,
                                                                  tmp_path, monkeypatch):
    """Gradescope's configuration (uid drop, no namespaces): the student's notebook sits at the
    submission root beside Otter's stub notebook; run_otter.py sets it aside for the engine."""
    from test_otter_e2e import gradescope_run, scored

    monkeypatch.setenv("AG_SANDBOX_LAYERS", "uid")
    doc = gradescope_run(measuring_zip, lambda dest: write(reference, dest / "hw.ipynb"),
                         tmp_path / "gs")
    assert sum(scored(doc).values()) == ASSIGNMENT.points, scored(doc)


@pytest.mark.slow
def test_student_notebook_through_otter_run(student, measuring_zip, tmp_path):
    """`otter run` looks for one top-level .ipynb (its stub): a notebook goes in a zip, in a
    folder, as students zip their work."""
    import zipfile

    from test_otter_e2e import otter_run

    upload = tmp_path / "upload.zip"
    with zipfile.ZipFile(upload, "w") as zf:
        zf.writestr("my-work/measuring.ipynb", json.dumps(student))
    doc = otter_run(measuring_zip, upload, tmp_path / "out")
    assert doc["score"] == 0
    outputs = "\n".join(t.get("output", "") for t in doc["tests"])
    assert "not implemented yet (cell_" in outputs


def bug_notebook(bug_id: str, dest: Path) -> dict:
    """The bug's .py edits applied to the reference, then the notebook generator."""
    folder = apply_bug(ASSIGNMENT.solution, BUGS[bug_id], dest)
    return reference_notebook(ASSIGNMENT, source=folder)


def test_every_corpus_bug_converts_to_a_notebook(tmp_path):
    for bug_id, bug in BUGS.items():
        nb = bug_notebook(bug_id, tmp_path / bug_id)
        text = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "code")
        for edit in bug["edits"]:
            if edit["new"].strip():
                assert edit["new"].strip().splitlines()[0].strip() in text, bug_id


@pytest.mark.slow
def test_bug_with_a_raising_and_a_looping_cell_is_still_graded(tmp_path):
    """A corpus bug (evaluate in training mode) plus a cell that raises before it defines
    plot_validation and one that never finishes before it defines plot_double_descent: the
    bug costs the checks it costs in the .py form (tests/test_measuring_grading.py's PRECISE),
    with its named mistake; the two cells are named; the rest is graded. Every failing cell,
    also one that defines nothing the checks need, is named at the top of the feedback."""
    from test_measuring_grading import PRECISE

    nb = bug_notebook("evaluate_in_train_mode", tmp_path / "src")
    for cell in nb["cells"]:
        text = source(cell)
        if text.startswith("def plot_validation"):
            cell["source"] = "print('checking')\nresult = 1 / 0\n" + text
        if text.startswith("def plot_double_descent"):
            cell["source"] = "while True:\n    pass\n" + text
    # an untagged experiment cell that fails and defines nothing the grader needs
    nb["cells"].insert(3, code_cell("curves = run_my_experiment()  # not defined anywhere"))
    result = grade(ASSIGNMENT, write(nb, tmp_path / "nb" / "measuring.ipynb"))
    got = failed(result)
    assert set(got) == PRECISE["evaluate_in_train_mode"] | {"plots.validation",
                                                            "plots.double_descent"}, \
        render_text(result, staff=True)[-3000:] + result.student_output[-2000:]
    assert BUGS["evaluate_in_train_mode"]["message"] in got["baseline.evaluate"]
    assert ("'plot_validation' is not defined: cell " in got["plots.validation"]
            and "(`print('checking')`) raised ZeroDivisionError: division by zero on line 2"
            in got["plots.validation"])
    assert ("(`while True:`) did not finish within 10 s and was stopped on line"
            in got["plots.double_descent"])
    assert result.score == ASSIGNMENT.points - 2 - 1 - 1
    # every failing cell is named at the top of the feedback, needed by a check or not
    problems = [m for m in result.messages if m.startswith("notebook: cell ")]
    assert any("(`curves = run_my_experiment()  # not defined anywhere`) raised NameError" in m
               for m in problems), result.messages
    assert any("raised ZeroDivisionError" in m for m in problems)
    assert any("did not finish within 10 s" in m for m in problems)
    assert all(m.endswith("the other cells still ran") for m in problems)
    validate(to_gradescope(result))


SECRETS = ["Hidden checks of the measuring-performance assignment", "def _check_decomposition("]


@pytest.mark.slow
def test_attacks_from_a_notebook_cell_score_zero(student, tmp_path):
    from attacks import ATTACKS

    nb = copy.deepcopy(student)
    for name in ("write_results_json", "read_hidden_tests", "monkeypatch_comparisons"):
        _where, code = ATTACKS[name]
        code = code.replace("{root}", str(REPO)).replace("return x", "pass")
        nb["cells"].insert(1, code_cell(code))
    strict = dataclasses.replace(ASSIGNMENT, limits=dataclasses.replace(
        ASSIGNMENT.limits, call_seconds=10, submission_seconds=120))
    result = grade(strict, write(nb, tmp_path / "sub" / "measuring.ipynb"))
    assert result.score == 0
    doc = to_gradescope(result)
    validate(doc)
    text = json.dumps(doc) + render_text(result, staff=True)
    for secret in SECRETS:
        assert secret not in text, secret
    assert not (REPO / "results" / "results.json").exists()
