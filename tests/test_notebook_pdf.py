"""The manual parts of a notebook exported to one PDF for Gradescope (notebooks/export_pdf.py).

The fixture notebook (notebook_fixtures/pdf/manual.ipynb) has three manual questions: q1 a plot
(code cell with stdout and a PNG), q2 a written answer (markdown with math, a list, inline code,
non-ASCII text), q3 both, plus auto-graded cells between and after them. Its PNG outputs are
placeholders ("@matplotlib") filled here with figures matplotlib draws.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest
from pypdf import PdfReader

from autograder.notebooks.export_pdf import (NotebookExportError, clean_output,
                                             export_manual_pdf, is_stub, latex_to_unicode,
                                             main)

matplotlib.use("Agg")

FIXTURES = Path(__file__).parent / "notebook_fixtures" / "pdf"
QUESTIONS = ["q1_curves", "q2_he_variance", "q3_double_descent"]
ANSWERS = {  # text of each question's cells, as pypdf extracts it (whitespace collapsed)
    "q1_curves": ["Plot the training curves of both initializations",
                  "ax.plot(xs, xs ** 0.5, label='train')", "default train 0.605 / test 0.512"],
    "q2_he_variance": ["Why does He initialization use σ² = 2/Dₕ?",
                       "The ReLU zeroes half of the pre-activations, so E[ReLU(f)²] = σ_f²/2",
                       "the factor 2 in σ² = 2/Dₕ compensates", "Café-style résumé: é, σ, →.",
                       "forward: keeps the activations' scale", "backward: use fan_out instead",
                       "Var[hₖ₊₁] = Dₕ σ_Ω² σ_f²/2"],
    "q3_double_descent": ["print('interpolation threshold at width 12')",
                          "interpolation threshold at width 12",
                          "Where is the test-loss peak, and why?",
                          "the number of parameters matches the N = 2000 noisy training examples",
                          "the minimum-norm solution smooths the fit"],
}
IMAGES = {"q1_curves": 1, "q2_he_variance": 0, "q3_double_descent": 1}


def _png(seed: int) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    ax.plot(range(10), [(i * seed) % 7 for i in range(10)])
    ax.set_title(f"figure {seed}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _fixture() -> dict:
    nb = json.loads((FIXTURES / "manual.ipynb").read_text(encoding="utf-8"))
    seed = 0
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            if output.get("data", {}).get("image/png") == "@matplotlib":
                seed += 1
                output["data"]["image/png"] = _png(seed)
    return nb


def _write(tmp_path: Path, nb: dict, name: str = "measuring.ipynb") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return path


def _flat(text: str) -> str:
    return " ".join(text.split())


def _cells(nb: dict, tag: str) -> list[dict]:
    return [c for c in nb["cells"] if tag in c.get("metadata", {}).get("tags", [])]


@pytest.fixture(scope="module")
def notebook() -> dict:
    return _fixture()


@pytest.fixture(scope="module")
def exported(notebook, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pdf")
    out = tmp / "answers.pdf"
    summary = export_manual_pdf(_write(tmp, notebook), out)
    return summary, PdfReader(out)


def _first_pages(reader: PdfReader) -> dict[str, int]:
    """Question name -> index of the page it starts on (its heading is the page's first line)."""
    starts = {}
    for index, page in enumerate(reader.pages):
        first = page.extract_text().strip().splitlines()[0].strip()
        if first in QUESTIONS and first not in starts:
            starts[first] = index
    return starts


def test_summary_lists_the_questions_pages_and_images(exported):
    summary, reader = exported
    assert summary.questions == QUESTIONS
    assert summary.pages == len(reader.pages) == 3
    assert summary.images == sum(IMAGES.values()) == 2
    assert summary.warnings == [] and summary.unanswered == []


def test_each_question_starts_a_page_headed_by_its_name(exported):
    _, reader = exported
    assert _first_pages(reader) == {name: i for i, name in enumerate(QUESTIONS)}
    for i, name in enumerate(QUESTIONS):
        text = reader.pages[i].extract_text()
        assert text.startswith(name)
        assert f"manual:{name} · page {i + 1}/3" in text  # the footer names it too
    assert [item.title for item in reader.outline] == QUESTIONS  # bookmarks


def test_every_answer_is_on_its_question_page_and_nothing_else(exported):
    _, reader = exported
    for i, name in enumerate(QUESTIONS):
        text = _flat(reader.pages[i].extract_text())
        for answer in ANSWERS[name]:
            assert answer in text, (name, answer)
        others = [a for q, answers in ANSWERS.items() if q != name for a in answers
                  if "interpolation threshold" not in a]
        assert not [a for a in others if a in text]
    everything = "".join(p.extract_text() for p in reader.pages)
    assert "NOT_IN_PDF_MARKER" not in everything  # cells without a manual: tag
    assert "auto_graded_function" not in everything
    assert "<Figure size" not in everything  # a figure's text/plain twin is not printed
    assert "$" not in everything and "\\sigma" not in everything  # math as Unicode, no TeX


def test_images_are_embedded_where_their_cells_are(exported):
    _, reader = exported
    assert [len(page.images) for page in reader.pages] == [IMAGES[q] for q in QUESTIONS]
    image = reader.pages[0].images[0].image
    assert image.size == (640, 480)


def test_non_ascii_text_survives(exported):
    _, reader = exported
    text = _flat(reader.pages[1].extract_text())
    for word in ("é", "σ", "→", "Café-style résumé", "ₖ₊₁", "²"):
        assert word in text


def test_a_long_question_flows_over_pages_and_the_next_starts_a_new_one(notebook, tmp_path):
    nb = copy.deepcopy(notebook)
    plot = _cells(nb, "manual:q1_curves")[1]
    for seed in (11, 12, 13):  # four figures in q1 (distinct: a PDF stores a repeat once)
        figure = copy.deepcopy(plot["outputs"][1])
        figure["data"]["image/png"] = _png(seed)
        plot["outputs"].append(figure)
    plot["outputs"].append({"output_type": "stream", "name": "stdout",
                            "text": "".join(f"epoch {i}\n" for i in range(500))})
    summary = export_manual_pdf(_write(tmp_path, nb), tmp_path / "a.pdf")
    reader = PdfReader(tmp_path / "a.pdf")
    starts = _first_pages(reader)
    assert starts["q1_curves"] == 0 and starts["q2_he_variance"] >= 2
    assert starts["q3_double_descent"] == starts["q2_he_variance"] + 1
    assert summary.pages == len(reader.pages) == starts["q3_double_descent"] + 1
    assert summary.images == 5 == sum(len(p.images) for p in reader.pages)
    q1 = _flat(" ".join(p.extract_text() for p in reader.pages[:starts["q2_he_variance"]]))
    assert "epoch 0" in q1 and "epoch 499" in q1 and "lines omitted" in q1
    assert "epoch 250" not in q1
    assert summary.warnings == ["manual:q1_curves (cell 4): long output shortened"]


def test_pasted_images_in_markdown_are_embedded(notebook, tmp_path):
    nb = copy.deepcopy(notebook)
    answer = _cells(nb, "manual:q2_he_variance")[1]
    answer["source"] += ["\nMy derivation:\n\n![derivation](attachment:photo.png)\n"]
    answer["attachments"] = {"photo.png": {"image/png": _png(9)}}
    summary = export_manual_pdf(_write(tmp_path, nb), tmp_path / "a.pdf")
    reader = PdfReader(tmp_path / "a.pdf")
    assert summary.images == 3 == sum(len(p.images) for p in reader.pages)
    assert "My derivation" in reader.pages[1].extract_text()


# --------------------------------------------------------------------------- refusals

def _refused(tmp_path: Path, path: Path, *needles: str, **kwargs) -> str:
    out = tmp_path / "refused.pdf"
    with pytest.raises(NotebookExportError) as info:
        export_manual_pdf(path, out, **kwargs)
    message = str(info.value)
    for needle in needles:
        assert needle in message, message
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    return message


def test_refuses_an_unsaved_notebook(notebook, tmp_path):
    nb = copy.deepcopy(notebook)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    message = _refused(tmp_path, _write(tmp_path, nb), "Run all cells and save before exporting",
                       "cell 4 (manual:q1_curves)", "cell 9 (manual:q3_double_descent)")
    assert "Restart & Run All" in message


def test_a_run_cell_without_output_is_not_unsaved(notebook, tmp_path):
    nb = copy.deepcopy(notebook)
    _cells(nb, "manual:q1_curves")[1]["outputs"] = []  # run (execution_count 2), printed nothing
    summary = export_manual_pdf(_write(tmp_path, nb), tmp_path / "a.pdf")
    assert summary.images == 1


def test_refuses_an_empty_notebook(tmp_path):
    _refused(tmp_path, FIXTURES / "empty.ipynb", "empty.ipynb is empty")
    zero = tmp_path / "zero.ipynb"
    zero.write_bytes(b"")
    _refused(tmp_path, zero, "zero.ipynb is empty")


def test_refuses_a_notebook_without_manual_cells(tmp_path):
    _refused(tmp_path, FIXTURES / "no_manual.ipynb", "no cell tagged 'manual:<question>'",
             "Tags")


@pytest.mark.parametrize("stub", ["*Your answer here.*", "YOUR ANSWER HERE",
                                  "  _your answer here_  \n"])
def test_refuses_an_unanswered_question(notebook, tmp_path, stub):
    nb = copy.deepcopy(notebook)
    _cells(nb, "manual:q3_double_descent")[2]["source"] = stub
    _refused(tmp_path, _write(tmp_path, nb), "unanswered: manual:q3_double_descent, cell 11",
             "--allow-unanswered")


def test_allow_unanswered_exports_and_marks_the_question(notebook, tmp_path):
    nb = copy.deepcopy(notebook)
    _cells(nb, "manual:q2_he_variance")[1]["source"] = "*Your answer here.*"
    summary = export_manual_pdf(_write(tmp_path, nb), tmp_path / "a.pdf", allow_unanswered=True)
    assert summary.unanswered == ["q2_he_variance"]
    assert "UNANSWERED" in PdfReader(tmp_path / "a.pdf").pages[1].extract_text()


def test_all_problems_are_reported_at_once(notebook, tmp_path):
    nb = copy.deepcopy(notebook)
    _cells(nb, "manual:q1_curves")[1].update(outputs=[], execution_count=None)
    _cells(nb, "manual:q2_he_variance")[1]["source"] = "*Your answer here.*"
    _refused(tmp_path, _write(tmp_path, nb), "not run or not saved: cell 4",
             "unanswered: manual:q2_he_variance")


def test_refuses_broken_json(tmp_path):
    message = _refused(tmp_path, FIXTURES / "broken.ipynb", "not valid notebook JSON (line")
    assert "damaged" in message


def test_refuses_json_that_is_not_a_notebook_and_a_missing_file(tmp_path):
    other = tmp_path / "list.ipynb"
    other.write_text("[1, 2]")
    _refused(tmp_path, other, "not a Jupyter notebook")
    _refused(tmp_path, tmp_path / "missing.ipynb", "no such notebook")


def test_refuses_to_overwrite_the_notebook(notebook, tmp_path):
    path = _write(tmp_path, notebook)
    with pytest.raises(NotebookExportError, match="overwrite the notebook"):
        export_manual_pdf(path, path)
    assert json.loads(path.read_text(encoding="utf-8"))["nbformat"] == 4


# --------------------------------------------------------------------------- pieces, CLI

@pytest.mark.parametrize("tex, text", [
    (r"\sigma^2 = 2/D_h", "σ² = 2/Dₕ"),
    (r"\frac{2}{D_h + D_{h'}}", "2/(Dₕ + D_(h'))"),
    (r"\mathbb{E}[\mathrm{ReLU}(f)^2] = \sigma_f^2/2", "𝔼[ReLU(f)²] = σ_f²/2"),
    (r"\sqrt{2} \cdot \sqrt{3/D_h}", "√2 · √(3/Dₕ)"),
    (r"x^{(i)} \to \infty", "x⁽ⁱ⁾ → ∞"),
    (r"\left( \sum_{i=1}^{n} w_i x_i \right)", "( ∑ᵢ₌₁ⁿ wᵢ xᵢ )"),
    (r"W^\top \nabla_\theta L", "Wᵀ ∇_θ L"),
    (r"\mathfrak{g} + \alpha", r"\mathfrak{g} + α"),  # unknown: kept as source
])
def test_latex_becomes_readable_unicode(tex, text):
    assert latex_to_unicode(tex) == text


def test_output_cleaning():
    bar = "".join(f"\r{i}%|{'#' * (i // 10)}" for i in range(101)) + "\n"
    text, cut = clean_output("\x1b[31mred\x1b[0m\n" + bar)
    assert (text, cut) == ("red\n100%|##########", False)
    text, cut = clean_output("\n".join(str(i) for i in range(100)))
    lines = text.splitlines()
    assert cut and len(lines) == 40 and lines[0] == "0" and lines[-1] == "99"
    assert "61 lines omitted" in text  # 28 head + marker + 11 tail
    text, cut = clean_output("x" * 1000)
    assert cut and len(text) < 400


def test_stub_markers():
    assert is_stub("*Your answer here.*") and is_stub("YOUR ANSWER HERE")
    assert is_stub("# YOUR CODE HERE\nraise NotImplementedError()")
    assert not is_stub("*Your answer here.* The variance halves.")
    assert not is_stub("")


def test_cli(notebook, tmp_path, capsys):
    path = _write(tmp_path, notebook)
    assert main([str(path)]) == 0
    assert (tmp_path / "measuring_manual.pdf").is_file()
    assert "3 questions (q1_curves, q2_he_variance, q3_double_descent), 3 pages, 2 images" \
        in capsys.readouterr().out
    assert main([str(FIXTURES / "broken.ipynb"), "-o", str(tmp_path / "b.pdf")]) == 1
    assert capsys.readouterr().err.startswith("error: broken.ipynb is not valid notebook JSON")


def test_runs_as_a_module(notebook, tmp_path):
    path = _write(tmp_path, notebook)
    run = subprocess.run([sys.executable, "-m", "autograder.notebooks.export_pdf", str(path),
                          "-o", str(tmp_path / "m.pdf")], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert re.search(r"wrote .*m\.pdf: 3 questions", run.stdout)
    run = subprocess.run([sys.executable, "-m", "autograder.notebooks.export_pdf",
                          str(FIXTURES / "no_manual.ipynb")], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 1 and "no cell tagged" in run.stderr
    assert not (FIXTURES / "no_manual_manual.pdf").exists()


def test_the_handouts_copy_runs_on_its_own(notebook, tmp_path):
    """The build ships this module in the handout as export_pdf.py: it must import nothing of
    the platform and run as a script from the student's folder."""
    import ast
    import shutil
    import subprocess
    import sys

    from autograder.build.handout import EXPORT_SOURCE, EXPORT_TOOL

    tree = ast.parse(EXPORT_SOURCE.read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.level == 0}
    assert "autograder" not in imported
    assert not any(isinstance(n, ast.ImportFrom) and n.level for n in ast.walk(tree))
    shutil.copyfile(EXPORT_SOURCE, tmp_path / EXPORT_TOOL)
    nb = tmp_path / "measuring.ipynb"
    nb.write_text(json.dumps(notebook), encoding="utf-8")
    run = subprocess.run([sys.executable, "-I", EXPORT_TOOL, nb.name], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "measuring_manual.pdf").is_file()
    assert "usage: export_pdf.py" in subprocess.run(
        [sys.executable, "-I", EXPORT_TOOL, "--help"], cwd=tmp_path, capture_output=True,
        text=True).stdout


def test_the_measuring_notebook_exports_every_manual_part(tmp_path):
    """The real notebook edition (reference cells, as a student would have run and answered
    it): six questions, each on its own pages with its prompt, its answer and its figure."""
    from autograder.notebooks.generate import reference_notebook
    from autograder.paths import CoursePaths

    nb = reference_notebook(CoursePaths().load("measuring"))
    answered = 0
    for index, cell in enumerate(nb["cells"]):
        tags = cell.get("metadata", {}).get("tags", [])
        question = next((t.split(":", 1)[1] for t in tags if t.startswith("manual:")), None)
        if question is None:
            continue
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown" and "Your answer here" in text:
            cell["source"] = f"Answer to {question}: the curves flatten after step 4000."
            answered += 1
        elif cell["cell_type"] == "code":  # as after Run All: a figure and a printed line
            cell["execution_count"] = index
            cell["outputs"] = [
                {"output_type": "stream", "name": "stdout", "text": f"ran {question}\n"},
                {"output_type": "display_data", "metadata": {},
                 "data": {"image/png": _png(index), "text/plain": "<Figure>"}}]
    assert answered == 6
    path = tmp_path / "measuring.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    summary = export_manual_pdf(path, tmp_path / "measuring_manual.pdf")
    names = [f"q{i}" for i in range(1, 7)]
    assert list(summary.questions) == names and summary.images == 4
    reader = PdfReader(tmp_path / "measuring_manual.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    for name in names:
        assert f"Answer to {name}:" in text
    for name in ("q1", "q3", "q5", "q6"):
        assert f"ran {name}" in text
