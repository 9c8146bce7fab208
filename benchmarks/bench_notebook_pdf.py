"""Candidate paths for the manual-parts PDF (autograder/notebooks/export_pdf.py), measured.

    .venv/bin/python benchmarks/bench_notebook_pdf.py [--runs 5]

A 6-question notebook shaped like `measuring` (per question: a plot cell with stdout and a
640x480 matplotlib PNG, the prompt, a five-sentence markdown answer with inline and display
math and non-ASCII text) goes through each path; for each: seconds per notebook (in-process,
after one warm-up run; wall and CPU seconds, as a loaded machine stretches the wall time),
PDF size, pages, and the share of the answers' sentences (math as the exporter's Unicode) that
pypdf finds in the PDF's text, whitespace collapsed.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from pypdf import PdfReader  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from autograder.notebooks.export_pdf import _protect_math, export_manual_pdf  # noqa: E402

QUESTIONS = 6
SENTENCES = [
    "Question {q}: the He initialization keeps the variance at $\\sigma^2 = 2/D_h$ in every layer.",
    "The ReLU zeroes half of the pre-activations, so $E[f^2] = \\sigma_f^2/2$ → the factor 2.",
    "With the default initialization the signal shrinks by a factor near $1/\\sqrt{3}$ per layer.",
    "Résumé for question {q}: the curves of both runs converge after about 2,000 steps.",
    "The test accuracy stays near 0.53 while the training accuracy keeps rising (overfitting).",
]


def _png(seed: int) -> str:
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    ax.plot(range(50), [((i * seed) % 17) / 17 for i in range(50)], label="train")
    ax.legend()
    ax.set_title(f"question {seed}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def build_notebook(path: Path) -> list[str]:
    """Writes the notebook; returns the answers' sentences as the PDF should hold them."""
    cells, expected = [], []

    def cell(kind, source, tag, **extra):
        cells.append({"cell_type": kind, "id": f"c{len(cells)}", "metadata": {"tags": [tag]},
                      "source": source, **extra})

    for q in range(1, QUESTIONS + 1):
        tag = f"manual:q{q}"
        cell("code", f"history = train(seed={q})\nplot_curves(history, 'q{q}.png')", tag,
             execution_count=q, outputs=[
                 {"output_type": "stream", "name": "stdout",
                  "text": "".join(f"epoch {e}: loss {1 / (e + 1):.3f}\n" for e in range(12))},
                 {"output_type": "display_data", "metadata": {},
                  "data": {"image/png": _png(q), "text/plain": "<Figure size 640x480>"}}])
        cell("markdown", f"**Question {q} (graded by hand).** Explain the curves.\n\n"
                         "*Your answer (3-5 sentences):*", tag)
        answer = " ".join(s.replace("{q}", str(q)) for s in SENTENCES)
        cell("markdown", answer + "\n\n$$\\mathrm{Var}[h_{k+1}] = D_h \\sigma^2 \\frac{1}{2}$$",
             tag)
        for sentence in SENTENCES:
            text, math = _protect_math(sentence.replace("{q}", str(q)))
            for k, (_, value) in enumerate(math):
                text = text.replace(f"\ue000{k}\ue001", value)
            expected.append(text)
    nb = {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                      "language": "python"}}}
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return expected


def via_fpdf2(notebook: Path, out: Path) -> None:
    export_manual_pdf(notebook, out)


def via_pdfpages(notebook: Path, out: Path) -> None:
    """The manual cells on A4 figures: text placed line by line, images as figure axes."""
    from matplotlib.backends.backend_pdf import PdfPages

    matplotlib.rcParams["pdf.fonttype"] = 42  # TrueType, so the text can be extracted
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    groups: dict[str, list] = {}
    for cell in nb["cells"]:
        for tag in cell["metadata"].get("tags", []):
            if tag.startswith("manual:"):
                groups.setdefault(tag[7:], []).append(cell)
    with PdfPages(out) as pdf:
        for name, cells in groups.items():
            fig, y = plt.figure(figsize=(8.27, 11.69)), 0.95
            fig.text(0.07, y, name, size=18, weight="bold", va="top")
            y -= 0.04

            def line(text, mono=False, size=9):
                nonlocal fig, y
                for piece in textwrap.wrap(text, 100 if mono else 95) or [""]:
                    if y < 0.06:
                        pdf.savefig(fig)
                        plt.close(fig)
                        fig, y = plt.figure(figsize=(8.27, 11.69)), 0.95
                    fig.text(0.07, y, piece, size=size, va="top",
                             family="DejaVu Sans Mono" if mono else "DejaVu Sans")
                    y -= 0.016

            for cell in cells:
                source = "".join(cell["source"])
                if cell["cell_type"] == "markdown":
                    text, math = _protect_math(source)
                    for k, (_, value) in enumerate(math):
                        text = text.replace(f"\ue000{k}\ue001", value)
                    for para in text.replace("**", "").replace("*", "").split("\n\n"):
                        line(para)
                else:
                    for src_line in source.splitlines():
                        line(src_line, mono=True)
                    for output in cell["outputs"]:
                        if output["output_type"] == "stream":
                            for out_line in "".join(output["text"]).splitlines():
                                line(out_line, mono=True)
                        elif "image/png" in output.get("data", {}):
                            from PIL import Image
                            img = Image.open(io.BytesIO(base64.b64decode(
                                output["data"]["image/png"])))
                            h = 0.35
                            if y - h < 0.06:
                                pdf.savefig(fig)
                                plt.close(fig)
                                fig, y = plt.figure(figsize=(8.27, 11.69)), 0.95
                            ax = fig.add_axes([0.07, y - h, 0.86, h])
                            ax.imshow(img)
                            ax.axis("off")
                            y -= h + 0.01
            pdf.savefig(fig)
            plt.close(fig)


def nbconvert(notebook: Path, to: str) -> str:
    """Runs `jupyter nbconvert --to <to>`; returns '' or why it failed (first telling line)."""
    exe = Path(sys.executable).with_name("jupyter")
    run = subprocess.run([str(exe), "nbconvert", "--to", to, str(notebook)],
                         capture_output=True, text=True, timeout=300)
    if run.returncode == 0:
        return ""
    lines = [ln.strip() for ln in run.stderr.splitlines() if ln.strip()]
    raised = [ln for ln in lines if re.match(r"^[\w.]+(Error|Missing|Exception): ", ln)]
    return (raised or lines or ["failed"])[-1][:110]


def measure(name, fn, notebook, expected, runs, tmp):
    out = tmp / f"{name}.pdf"
    fn(notebook, out)  # warm-up: imports, font caches
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(runs):
        fn(notebook, out)
    seconds = (time.perf_counter() - start) / runs
    cpu = (time.process_time() - cpu) / runs
    reader = PdfReader(out)
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    found = sum(s in text for s in expected)
    accents = all(c in text for c in "éσ→²")
    return (name, f"{seconds:.2f} s ({cpu:.2f} s CPU)", f"{out.stat().st_size / 1e6:.2f} MB",
            len(reader.pages),
            f"{found}/{len(expected)}", "yes" if accents else "no")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_pdf_"))
    notebook = tmp / "measuring.ipynb"
    expected = build_notebook(notebook)
    rows = [("path", "time/notebook (wall, CPU)", "size", "pages", "sentences found", "é σ → ²")]
    rows.append(measure("fpdf2", via_fpdf2, notebook, expected, args.runs, tmp))
    start, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "autograder.notebooks.export_pdf", str(notebook), "-o",
                    str(tmp / "cli.pdf")], check=True, capture_output=True,
                   cwd=Path(__file__).resolve().parents[1])
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime
    rows.append(("fpdf2, CLI in a new process",
                 f"{time.perf_counter() - start:.2f} s ({cpu_s:.2f} s CPU)", "", "", "", ""))
    rows.append(measure("matplotlib PdfPages", via_pdfpages, notebook, expected, args.runs, tmp))
    for to in ("webpdf", "pdf"):
        why = nbconvert(notebook, to)
        rows.append((f"nbconvert --to {to}", "-", "-", "-", why or "ran", "-"))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
