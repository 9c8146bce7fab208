"""The manually graded parts of a student's notebook, as one PDF for Gradescope.

The usual two-assignment set-up: the notebook goes to the auto-graded Gradescope assignment, and
its figures and written answers (cells tagged `manual:<question>`, never run by the auto-grader,
see edition.py) go to a manually graded one as a PDF. This module writes that PDF from the
saved .ipynb, offline, without running anything:

    python export_pdf.py measuring.ipynb [-o measuring_manual.pdf]      # in the handout
    python -m autograder.notebooks.export_pdf measuring.ipynb           # in this checkout

The module is self-contained (standard library, fpdf2, markdown-it-py and matplotlib's fonts):
the build copies it into every notebook handout as `export_pdf.py`.

Layout. Each question (the cells tagged `manual:<name>`, in notebook order; a cell tagged for
two questions appears under both) starts on a page of its own, headed by its name (the first
text of the page, and a PDF bookmark) so that the student, or a TA, can assign pages to the
Gradescope question of that name; the footer repeats notebook, question and page. Then its
cells: markdown rendered (headings, paragraphs, lists, emphasis, inline code, tables, pasted
`attachment:` images and local image files); math as readable Unicode text, no TeX
(`$\\sigma^2 = 2/D_h$` -> `σ² = 2/Dₕ`; commands it does not know are kept as LaTeX source);
code cells' source in monospace (so graders see what produced a plot, truncated after
MAX_CODE_LINES lines); their outputs: PNG/JPEG images embedded (scaled to the page width),
text/plain, streams and errors in monospace, each truncated to MAX_OUTPUT_LINES lines (head and
tail kept) with carriage-return progress bars and ANSI colours cleaned up.

Refused (NotebookExportError, exit status 1, the message says what to do): a file that is not
there, not UTF-8, empty, or not valid notebook JSON (the line and column of the damage); a
notebook with no cells with content; one with no cell tagged `manual:`; an unsaved or unrun
notebook: a manual code cell with no outputs and no execution count ("Kernel > Restart & Run
All, then File > Save"); an unanswered question: a manual cell still holding its stub, i.e.
whose text, lower-cased with markdown punctuation dropped, is one of STUB_MARKERS ("*Your
answer here.*", the answer cells of solutions/<a>/notebook.yaml, or nbgrader's "YOUR ANSWER
HERE" / "YOUR CODE HERE" + `raise NotImplementedError()`); `allow_unanswered=True`
(`--allow-unanswered`) exports anyway and marks those questions UNANSWERED. All refusals of
one notebook come in one message, and nothing is written. Unsaved edits still open in the
browser cannot be seen from the file: a `.ipynb_checkpoints` copy is not compared, because
Jupyter's autosave rewrites the notebook without its checkpoint, so their modification times
say nothing about what the browser holds; what the file does say (no outputs, no execution
counts) is checked. A figure a cell closed (plt.close) or only saved to disk is not in the
notebook's outputs, so not in the PDF: show it (the inline backend does at the cell's end).

Why fpdf2 (pure Python; its dependencies Pillow, fontTools and defusedxml are already installed
here through matplotlib and nbconvert). Measured with benchmarks/bench_notebook_pdf.py on a
6-question notebook shaped like `measuring` (per question: a plot cell with 12 lines of stdout
and a 640x480 matplotlib PNG, the prompt, a five-sentence answer with inline and display math
and non-ASCII text), on this 2-core development machine (wall times stretched by load):

    path                          time / notebook         PDF size  pages  answer sentences
                                  (wall, CPU)                              pypdf finds; é σ → ²
    fpdf2 2.8.9 (this module)     1.1 s (0.31 s CPU)      0.27 MB   12     30/30; yes
      the CLI, a new process      2.7 s (0.76 s CPU)
    matplotlib PdfPages (a        2.9 s (0.80 s CPU)      0.32 MB    6     30/30; yes
      minimal layout written for the benchmark)
    nbconvert --to webpdf         fails: "No suitable chromium executable found" (playwright's
                                  browsers are not downloaded; downloading needs the network)
    nbconvert --to pdf            fails: "Pandoc wasn't found" (and then xelatex: no TeX here,
                                  and few students have it)

fpdf2 flows text and images across pages itself, subsets the embedded TrueType fonts (DejaVu
Sans and Sans Mono from matplotlib's mpl-data, so Greek, arrows, super/subscripts and accents
render and extract), writes bookmarks, and renders the HTML that markdown-it-py (the CommonMark
parser already installed for rich) makes of the markdown. It is actively maintained (the py-pdf
organization). PdfPages only draws figures: every line of text is placed by hand, with
no markdown, no flowing between pages and no monospace blocks; it matches on extractable text
only because the benchmark's text is plain, and costs 2.5x the CPU time. Chromium and TeX are
ruled out by "offline, on a student's laptop, nothing to install beyond pip".
"""

from __future__ import annotations

import argparse
import base64
import binascii
import functools
import html
import io
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MANUAL_PREFIX = "manual:"
STUB_MARKERS = (
    "your answer here",  # solutions/<a>/notebook.yaml's answer cells; nbgrader's stub
    "your code here",
    "your code here raise notimplementederror",
)
"""A manual cell whose normalized text (lower case, runs of non-alphanumerics -> one space) is
one of these is an unanswered stub."""
MAX_OUTPUT_LINES = 40  # per output: the first HEAD_LINES and the last ones, the rest counted
HEAD_LINES = 28
MAX_LINE_CHARS = 300  # longer lines are cut (they would wrap over many lines)
MAX_CODE_LINES = 60
IMAGE_DPI = 96  # CSS pixels: a 640 px wide figure is 169 mm wide, under A4's 180 mm text width
MAX_IMAGE_HEIGHT_MM = 150  # so the heading and the figure's code fit on the question's page

SANS, MONO = "DejaVuSans", "DejaVuSansMono"
_FONT_FILES = {
    (SANS, ""): "DejaVuSans.ttf", (SANS, "B"): "DejaVuSans-Bold.ttf",
    (SANS, "I"): "DejaVuSans-Oblique.ttf", (SANS, "BI"): "DejaVuSans-BoldOblique.ttf",
    (MONO, ""): "DejaVuSansMono.ttf", (MONO, "B"): "DejaVuSansMono-Bold.ttf",
    (MONO, "I"): "DejaVuSansMono-Oblique.ttf", (MONO, "BI"): "DejaVuSansMono-BoldOblique.ttf",
}


class NotebookExportError(ValueError):
    """The notebook cannot be exported (the message says why and what to do)."""


@dataclass
class ExportSummary:
    """What was written: the questions in page order, the page and image counts."""

    out_pdf: Path
    questions: list[str]
    pages: int
    images: int
    warnings: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)


@dataclass
class _Cell:
    n: int  # 1-based position in the notebook, markdown cells counted (as convert.py)
    kind: str
    source: str
    outputs: list
    execution_count: int | None
    attachments: dict
    questions: list[str]


# --------------------------------------------------------------------------- reading, checks

def _text(value) -> str:
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


def _read(path: Path) -> dict:
    if not path.is_file():
        raise NotebookExportError(f"{path}: no such notebook file")
    raw = path.read_bytes()
    if not raw.strip():
        raise NotebookExportError(f"{path.name} is empty (0 cells, {len(raw)} bytes): open it in "
                                  "Jupyter, run all cells and save it before exporting")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookExportError(f"{path.name} is not a notebook (not UTF-8 text at byte "
                                  f"{exc.start})") from None
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookExportError(
            f"{path.name} is not valid notebook JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}). The file is damaged: if you edited it outside Jupyter, undo that; "
            "otherwise download it again from Jupyter (File > Download)") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookExportError(f"{path.name} is JSON but not a Jupyter notebook "
                                  "(no list of cells)")
    if nb.get("nbformat") != 4:
        raise NotebookExportError(f"{path.name} is in notebook format {nb.get('nbformat')}; "
                                  "open and save it in a current Jupyter (format 4)")
    return nb


def _cells(nb: dict, prefix: str) -> list[_Cell]:
    cells = []
    for n, raw in enumerate(nb["cells"], 1):
        if not isinstance(raw, dict):
            continue
        meta = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
        tags = meta.get("tags") if isinstance(meta.get("tags"), list) else []
        questions = []
        for tag in tags:
            if isinstance(tag, str) and tag.startswith(prefix):
                name = tag[len(prefix):].strip()
                if name and name not in questions:
                    questions.append(name)
        outputs = raw.get("outputs") if isinstance(raw.get("outputs"), list) else []
        count = raw.get("execution_count")
        cells.append(_Cell(n, str(raw.get("cell_type", "")), _text(raw.get("source")),
                           [o for o in outputs if isinstance(o, dict)],
                           count if isinstance(count, int) else None,
                           raw.get("attachments") if isinstance(raw.get("attachments"), dict)
                           else {}, questions))
    return cells


def _normalized(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def is_stub(cell_source: str) -> bool:
    """Whether a cell still holds an answer stub (see STUB_MARKERS)."""
    return _normalized(cell_source) in STUB_MARKERS


def _questions(cells: list[_Cell]) -> dict[str, list[_Cell]]:
    found: dict[str, list[_Cell]] = {}
    for cell in cells:
        for name in cell.questions:
            found.setdefault(name, []).append(cell)
    return found


def _check(path: Path, cells: list[_Cell], questions: dict[str, list[_Cell]], prefix: str,
           allow_unanswered: bool) -> list[str]:
    """Refuse what cannot be exported; returns the unanswered questions (when allowed)."""
    if not any(c.source.strip() for c in cells):
        raise NotebookExportError(f"{path.name} is empty (no cell has any content): open the "
                                  "assignment's notebook, answer it, run all cells and save")
    if not questions:
        raise NotebookExportError(
            f"{path.name} has no cell tagged '{prefix}<question>': the PDF holds the manually "
            "graded questions, whose cells carry these tags in the notebook you were given. "
            "Export that notebook (or a copy of it), with the tags kept (View > Cell Toolbar > "
            "Tags in Jupyter, the property inspector in JupyterLab)")
    problems, unanswered = [], []
    unrun = [(c, name) for name, group in questions.items() for c in group
             if c.kind == "code" and c.source.strip() and not c.outputs
             and c.execution_count is None]
    if unrun:
        where = ", ".join(f"cell {c.n} ({prefix}{name})" for c, name in unrun)
        problems.append(f"not run or not saved: {where} has no output. Run all cells and save "
                        "before exporting (Kernel > Restart & Run All, then File > Save)")
    for name, group in questions.items():
        stubs = [c for c in group if is_stub(c.source)]
        if stubs:
            unanswered.append(name)
            if not allow_unanswered:
                problems.append(
                    f"unanswered: {prefix}{name}, cell {stubs[0].n} still reads "
                    f"{stubs[0].source.strip()!r}; write your answer in that cell (or pass "
                    "--allow-unanswered to export anyway: the question is marked unanswered)")
    if problems:
        raise NotebookExportError(f"{path.name} cannot be exported yet:\n  - "
                                  + "\n  - ".join(problems))
    return unanswered


# --------------------------------------------------------------------------- math -> Unicode

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
_SYMBOLS = {
    "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "leq": "≤", "le": "≤",
    "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃",
    "equiv": "≡", "propto": "∝", "infty": "∞", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "gets": "←", "Rightarrow": "⇒", "implies": "⇒", "Leftarrow": "⇐",
    "iff": "⇔", "Leftrightarrow": "⇔", "leftrightarrow": "↔", "mapsto": "↦", "in": "∈",
    "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "forall": "∀",
    "exists": "∃", "sum": "∑", "prod": "∏", "int": "∫", "partial": "∂", "nabla": "∇",
    "ldots": "…", "dots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "top": "ᵀ",
    "intercal": "ᵀ", "prime": "′", "circ": "∘", "odot": "⊙", "otimes": "⊗", "oplus": "⊕",
    "ell": "ℓ", "emptyset": "∅", "varnothing": "∅", "neg": "¬", "land": "∧", "wedge": "∧",
    "lor": "∨", "vee": "∨", "langle": "⟨", "rangle": "⟩", "lVert": "‖", "rVert": "‖",
    "Vert": "‖", "vert": "|", "mid": "|", "lceil": "⌈", "rceil": "⌉", "lfloor": "⌊",
    "rfloor": "⌋", "ll": "≪", "gg": "≫", "star": "⋆", "ast": "∗", "bullet": "•",
    "degree": "°", "lbrace": "{", "rbrace": "}", "backslash": "\\",
    "quad": "  ", "qquad": "   ", "enspace": " ", "space": " ",
}
_FUNCTIONS = {"log", "ln", "exp", "max", "min", "sup", "inf", "lim", "sin", "cos", "tan",
              "tanh", "sinh", "cosh", "det", "arg", "argmax", "argmin", "Pr", "dim", "ker",
              "softmax", "sign", "sgn", "diag", "tr", "Var", "Cov", "mod", "gcd"}
_FONT_COMMANDS = {"mathrm", "mathbf", "mathit", "mathsf", "mathtt", "mathcal", "mathscr",
                  "boldsymbol", "bm", "operatorname", "textrm", "textit", "textbf", "textsf",
                  "texttt", "emph", "mbox", "hbox", "text"}
_IGNORED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
            "biggl", "biggr", "displaystyle", "textstyle", "limits", "nolimits", "nonumber",
            "notag", "label", "tag"}
_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305",
            "tilde": "\u0303", "widetilde": "\u0303", "vec": "\u20d7", "dot": "\u0307",
            "ddot": "\u0308"}
_BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼", "P": "ℙ"}
_SUP = dict(zip("0123456789+-=()niTabcdefghijklmoprstuvwxyz",
                "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻ"))
_SUP.update({"′": "′", "∗": "*", "*": "*", "ᵀ": "ᵀ", "⊤": "ᵀ"})
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_COMMAND = re.compile(r"\\([A-Za-z]+)\*?|\\(.)", re.S)


def _group(s: str, i: int) -> tuple[str, int]:
    """The raw text of the argument at s[i:] (a {group}, a command, or one char), and its end."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] == "{":
        depth, j = 0, i
        while j < len(s):
            if s[j] == "\\":
                j += 2
                continue
            depth += {"{": 1, "}": -1}.get(s[j], 0)
            if depth == 0:
                return s[i + 1:j], j + 1
            j += 1
        return s[i + 1:], len(s)
    if s[i] == "\\":
        m = _COMMAND.match(s, i)
        return m.group(0), m.end()
    return s[i], i + 1


def _atom(text: str) -> str:
    return text if len(text) <= 1 or re.fullmatch(r"\w+", text) else f"({text})"


def _script(text: str, table: dict, mark: str) -> str:
    if text and all(ch in table for ch in text):
        return "".join(table[ch] for ch in text)
    return mark + _atom(text)


def latex_to_unicode(tex: str) -> str:
    """Readable Unicode for a LaTeX math fragment: `\\sigma^2 \\to 0` -> `σ² → 0`; commands it
    does not know are kept as source (`\\mathfrak{g}` stays)."""
    out, i, s = [], 0, tex
    while i < len(s):
        ch = s[i]
        if ch == "\\":
            m = _COMMAND.match(s, i)
            if m is None:
                break
            i = m.end()
            name = m.group(1)
            if name is None:  # \{ \} \, \; \| ...
                out.append({",": " ", ";": " ", ":": " ", "!": "", " ": " ", "|": "‖",
                            "\\": "\n"}.get(m.group(2), m.group(2)))
            elif name in ("frac", "dfrac", "tfrac", "cfrac"):
                a, i = _group(s, i)
                b, i = _group(s, i)
                out.append(f"{_atom(latex_to_unicode(a))}/{_atom(latex_to_unicode(b))}")
            elif name == "binom":
                a, i = _group(s, i)
                b, i = _group(s, i)
                out.append(f"C({latex_to_unicode(a)}, {latex_to_unicode(b)})")
            elif name == "sqrt":
                root = ""
                if s[i:i + 1] == "[":
                    end = s.find("]", i)
                    root, i = (s[i + 1:end], end + 1) if end > 0 else ("", i)
                a, i = _group(s, i)
                sign = {"": "√", "3": "∛", "4": "∜"}.get(root, _script(root, _SUP, "^") + "√")
                out.append(sign + _atom(latex_to_unicode(a)))
            elif name in _FONT_COMMANDS:
                a, i = _group(s, i)
                out.append(a if name.startswith("text") or name in ("mbox", "hbox", "emph")
                           else latex_to_unicode(a))
            elif name == "mathbb":
                a, i = _group(s, i)
                out.append("".join(_BLACKBOARD.get(c, c) for c in a))
            elif name in _ACCENTS:
                a, i = _group(s, i)
                out.append(latex_to_unicode(a) + _ACCENTS[name])
            elif name in ("begin", "end"):
                _, i = _group(s, i)
            elif name in _IGNORED:
                if name in ("label", "tag"):
                    _, i = _group(s, i)
                elif name in ("left", "right") and s[i:i + 1] == ".":
                    i += 1
            elif name in _GREEK:
                out.append(_GREEK[name])
            elif name in _SYMBOLS:
                out.append(_SYMBOLS[name])
            elif name in _FUNCTIONS:
                out.append(name)
            else:
                out.append(m.group(0))
                if s[i:i + 1] == "{":
                    raw, i = _group(s, i)
                    out.append("{" + latex_to_unicode(raw) + "}")
        elif ch in "^_":
            raw, i = _group(s, i + 1)
            out.append(_script(latex_to_unicode(raw), _SUP if ch == "^" else _SUB, ch))
        elif ch == "{":
            raw, i = _group(s, i)
            out.append(latex_to_unicode(raw))
        elif ch == "}":
            i += 1
        elif ch == "~":
            out.append(" ")
            i += 1
        elif ch == "&":
            i += 1
        else:
            out.append(ch)
            i += 1
    text = "".join(out)
    return re.sub(r"[ \t]+", " ", re.sub(r" *\n *", "\n", text)).strip()


_CODE = re.compile(r"^(```|~~~).*?^\1[^\n]*$|(`+).+?\2", re.S | re.M)
_MATH = re.compile(
    r"\$\$(?P<d1>.+?)\$\$"
    r"|\\\[(?P<d2>.+?)\\\]"
    r"|(?P<d3>\\begin\{(?P<env>equation|align|gather|multline|eqnarray)\*?\}.+?"
    r"\\end\{(?P=env)\*?\})"
    r"|(?<![\\$])\$(?P<i1>[^$\n]+?)(?<!\\)\$"
    r"|\\\((?P<i2>.+?)\\\)", re.S)
_PH = "\ue000{}\ue001"


def _protect_math(markdown: str) -> tuple[str, list[tuple[bool, str]]]:
    """Math spans (outside code) replaced by placeholders, and their (display, unicode)."""
    found: list[tuple[bool, str]] = []

    def repl(m: re.Match) -> str:
        display = m.group("i1") is None and m.group("i2") is None
        tex = next(g for g in (m.group("d1"), m.group("d2"), m.group("d3"), m.group("i1"),
                               m.group("i2")) if g is not None)
        found.append((display, latex_to_unicode(tex)))
        return _PH.format(len(found) - 1)

    pieces, last = [], 0
    for code in _CODE.finditer(markdown):
        pieces.append(_MATH.sub(repl, markdown[last:code.start()]))
        pieces.append(code.group(0))
        last = code.end()
    pieces.append(_MATH.sub(repl, markdown[last:]))
    return "".join(pieces), found


# --------------------------------------------------------------------------- output cleaning

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
_MPL_REPR = re.compile(r"^\[?(<(matplotlib|Figure)[^>]*>,?\s*)+\]?$")


def clean_output(text: str, max_lines: int = MAX_OUTPUT_LINES) -> tuple[str, bool]:
    """Output text as a terminal would show it (ANSI colours dropped, `\\r` progress bars
    collapsed to their last state), cut to `max_lines` (head and tail) and long lines cut.
    Returns (text, whether anything was cut)."""
    lines, cut = [], False
    for line in _ANSI.sub("", text).expandtabs(4).split("\n"):
        parts = [p for p in line.split("\r") if p.strip()]
        line = parts[-1] if parts else ""
        if len(line) > MAX_LINE_CHARS:
            line, cut = line[:MAX_LINE_CHARS] + " …", True
        lines.append(line.rstrip())
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) > max_lines:
        head = min(HEAD_LINES, max_lines - 2)
        tail = max_lines - head - 1
        omitted = len(lines) - head - tail
        lines = lines[:head] + [f"… {omitted} lines omitted …"] + lines[len(lines) - tail:]
        cut = True
    return "\n".join(lines), cut


# --------------------------------------------------------------------------- rendering

@functools.lru_cache(maxsize=1)
def _font_dir() -> Path:
    """matplotlib's bundled DejaVu fonts (found without importing matplotlib: ~0.5 s)."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    if spec and spec.origin:
        fonts = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"
        if (fonts / _FONT_FILES[SANS, ""]).is_file():
            return fonts
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@functools.lru_cache(maxsize=1)
def _sans_chars() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(_font_dir() / _FONT_FILES[SANS, ""]) as font:
        return frozenset(font.getBestCmap())


def _markdown_parser():
    from markdown_it import MarkdownIt

    # raw HTML off: it shows as text (an <img src="http://..."> would be fetched otherwise)
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


class _Renderer:
    def __init__(self, notebook: Path, prefix: str):
        from fpdf import FPDF
        from fpdf.fonts import FontFace, TextStyle

        label = notebook.name

        class _PDF(FPDF):
            question = ""

            def set_font(self, family=None, style="", size=0):
                # fonts are read (fontTools) and subset when first used, not all eight upfront
                styles = style if isinstance(style, str) else getattr(style, "style", "")
                wanted = ("B" if "B" in styles.upper() else "") + \
                    ("I" if "I" in styles.upper() else "")
                for (name, font_style), file in _FONT_FILES.items():
                    if (family or "").lower() == name.lower() and font_style == wanted \
                            and f"{name.lower()}{font_style}" not in self.fonts:
                        self.add_font(name, font_style, _font_dir() / file)
                super().set_font(family, style, size)

            def footer(self):
                self.set_y(-12)
                self.set_font(SANS, "", 8)
                self.set_text_color(120)
                self.cell(0, 5, f"{label} · {prefix}{self.question} · page {self.page_no()}"
                                "/{nb}", align="C")

        self.pdf = pdf = _PDF(format="A4", unit="mm")
        pdf.set_margins(15, 15, 15)
        pdf.set_auto_page_break(True, margin=18)
        pdf.set_title(f"{label}: manually graded questions")
        pdf.set_creator("dl-autograder export_pdf")
        self.notebook, self.prefix = notebook, prefix
        self.images, self.warnings = 0, []
        self.markdown = _markdown_parser()
        dark = (40, 40, 40)
        self.tag_styles = {
            "h1": TextStyle(font_size_pt=15, font_style="B", color=dark, t_margin=4, b_margin=1),
            "h2": TextStyle(font_size_pt=13.5, font_style="B", color=dark, t_margin=4,
                            b_margin=1),
            "h3": TextStyle(font_size_pt=12, font_style="B", color=dark, t_margin=3, b_margin=1),
            "h4": TextStyle(font_size_pt=11, font_style="B", color=dark, t_margin=3, b_margin=1),
            "h5": TextStyle(font_size_pt=10.5, font_style="B", color=dark, t_margin=2),
            "h6": TextStyle(font_size_pt=10.5, font_style="BI", color=dark, t_margin=2),
            "pre": TextStyle(font_family=MONO, font_size_pt=8.5, t_margin=2, b_margin=2),
            "code": FontFace(family=MONO, color=(120, 30, 30)),
            "p": TextStyle(t_margin=0, b_margin=2),
            "blockquote": TextStyle(color=(80, 80, 80), t_margin=2, l_margin=6, b_margin=2),
        }
        self._image_data: dict[str, str] = {}
        self._missing: set[str] = set()

    # -- pieces
    def _note(self, text: str, color=(110, 110, 110), size: float = 8.5):
        pdf = self.pdf
        pdf.set_x(pdf.l_margin)
        pdf.set_font(SANS, "I", size)
        pdf.set_text_color(*color)
        pdf.multi_cell(0, size * 0.45, self._known(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)

    def _mono(self, text: str, fill: bool = False, color=(0, 0, 0)):
        from fpdf.enums import WrapMode

        pdf = self.pdf
        pdf.set_x(pdf.l_margin)
        pdf.set_font(MONO, "", 8.5)
        pdf.set_text_color(*color)
        pdf.set_fill_color(243, 243, 243)
        pdf.multi_cell(0, 4, self._known(text), fill=fill, new_x="LMARGIN", new_y="NEXT",
                       wrapmode=WrapMode.CHAR)
        pdf.set_text_color(0)
        pdf.ln(1.5)

    def _known(self, text: str) -> str:
        chars = _sans_chars()
        missing = {c for c in set(text) if ord(c) > 126 and ord(c) not in chars}
        self._missing |= missing
        for c in missing:
            text = text.replace(c, "?")
        return text

    def _image_size(self, data: bytes, meta: dict | None = None) -> tuple[float, float]:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as img:
            width_px, height_px = img.size
        if meta and isinstance(meta.get("width"), (int, float)) and meta["width"] > 0:
            height_px = height_px * meta["width"] / width_px
            width_px = meta["width"]
        w = width_px * 25.4 / IMAGE_DPI
        h = height_px * 25.4 / IMAGE_DPI
        scale = min(1.0, self.pdf.epw / w, MAX_IMAGE_HEIGHT_MM / h)
        return w * scale, h * scale

    def image(self, data: bytes, what: str, meta: dict | None = None):
        pdf = self.pdf
        try:
            w, h = self._image_size(data, meta)
            pdf.set_x(pdf.l_margin)
            pdf.image(io.BytesIO(data), w=w, h=h)
        except Exception as exc:  # noqa: BLE001 - a broken image is noted, not fatal
            self._note("[an image output could not be read]", color=(150, 0, 0))
            self.warnings.append(f"{what}: an image output could not be read "
                                 f"({type(exc).__name__})")
            return
        self.images += 1
        pdf.ln(2)

    def markdown_cell(self, cell: _Cell, what: str):
        text, math = _protect_math(cell.source)
        html_text = self.markdown.render(text)

        def math_text(display: bool, value: str) -> str:
            value = html.escape(self._known(value)).replace("\n", "<br>")
            return f'<p align="center">{value}</p>' if display else value

        def standalone(m: re.Match) -> str:
            k = int(m.group(1))
            return math_text(True, math[k][1]) if math[k][0] else m.group(0)

        html_text = re.sub("<p>\ue000(\\d+)\ue001</p>", standalone, html_text)
        html_text = re.sub("\ue000(\\d+)\ue001",
                           lambda m: math_text(False, math[int(m.group(1))][1]), html_text)
        html_text = re.sub(r'<img src="([^"]*)" alt="([^"]*)"[^>]*>',
                           lambda m: self._markdown_image(cell, html.unescape(m.group(1)),
                                                          m.group(2), what), html_text)
        pdf = self.pdf
        pdf.set_x(pdf.l_margin)
        pdf.set_text_color(0)
        pdf.set_font(SANS, "", 10.5)
        html_text = re.sub(r"<(p|li)(?=[ >])", r'<\1 line-height="1.3"', self._known(html_text))
        pdf.write_html(html_text, font_family=SANS, tag_styles=self.tag_styles,
                       image_map=lambda key: self._image_data.get(key, key),
                       li_prefix_color=(60, 60, 60), warn_on_tags_not_matching=False)
        pdf.ln(2)

    def _markdown_image(self, cell: _Cell, src: str, alt: str, what: str) -> str:
        data, mime = None, ""
        if src.startswith("attachment:"):
            bundle = cell.attachments.get(src[len("attachment:"):]) or {}
            for mime in ("image/png", "image/jpeg", "image/gif"):
                if isinstance(bundle.get(mime), (str, list)):
                    try:
                        data = base64.b64decode(_text(bundle[mime]))
                    except (binascii.Error, ValueError):
                        data = None
                    break
        elif not re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I):
            path = (self.notebook.parent / src)
            if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif") and path.is_file():
                data = path.read_bytes()
                mime = "image/jpeg" if path.suffix.lower() in (".jpg", ".jpeg") else \
                    f"image/{path.suffix.lower()[1:]}"
        if data is None:
            self.warnings.append(f"{what}: image {src!r} not included (only pasted "
                                 "attachments and image files beside the notebook are)")
            return html.escape(f"[image not included: {alt or src}]")
        try:
            w, _ = self._image_size(data)
        except Exception:  # noqa: BLE001
            self.warnings.append(f"{what}: image {src!r} could not be read")
            return html.escape(f"[image could not be read: {alt or src}]")
        key = f"nbimage{len(self._image_data)}"
        self._image_data[key] = f"data:{mime};base64,{base64.b64encode(data).decode()}"
        self.images += 1
        return f'<br><img src="{key}" width="{w * self.pdf.k:.1f}"><br>'

    def code_cell(self, cell: _Cell, what: str):
        source, cut = clean_output(cell.source.rstrip(), MAX_CODE_LINES)
        count = cell.execution_count if cell.execution_count is not None else " "
        self._note(f"In [{count}]:  (cell {cell.n})" + ("  (source shortened)" if cut else ""))
        self._mono(source, fill=True)
        for output in cell.outputs:
            self.output(output, what)

    def output(self, output: dict, what: str):
        kind = output.get("output_type")
        if kind == "stream":
            text, cut = clean_output(_text(output.get("text")))
            if text.strip():
                self._mono(text, color=(150, 60, 0) if output.get("name") == "stderr"
                           else (0, 0, 0))
            if cut:
                self.warnings.append(f"{what}: long output shortened")
        elif kind == "error":
            trace = "\n".join(_text(t) for t in output.get("traceback") or [])
            text, _ = clean_output(trace or f"{output.get('ename')}: {output.get('evalue')}")
            self._mono(text, color=(160, 0, 0))
            self.warnings.append(f"{what}: a cell ended with an error "
                                 f"({output.get('ename')}: {output.get('evalue')})")
        elif kind in ("display_data", "execute_result"):
            data = output.get("data") if isinstance(output.get("data"), dict) else {}
            metadata = output.get("metadata") if isinstance(output.get("metadata"), dict) else {}
            for mime in ("image/png", "image/jpeg"):
                if mime in data:
                    try:
                        raw = base64.b64decode(_text(data[mime]))
                    except (binascii.Error, ValueError):
                        raw = b""
                    self.image(raw, what, metadata.get(mime))
                    return
            if "text/markdown" in data:
                self.markdown_cell(_Cell(0, "markdown", _text(data["text/markdown"]), [], None,
                                         {}, []), what)
            elif "text/latex" in data:
                self._mono(latex_to_unicode(_text(data["text/latex"]).strip("$")))
            elif "text/plain" in data:
                text, cut = clean_output(_text(data["text/plain"]))
                if text.strip() and not _MPL_REPR.match(text.strip()):
                    self._mono(text)
                if cut:
                    self.warnings.append(f"{what}: long output shortened")
            elif data:
                self._note(f"[output not included: {', '.join(sorted(data))}]")
                self.warnings.append(f"{what}: an output of type {', '.join(sorted(data))} "
                                     "is not included")

    def question(self, name: str, cells: list[_Cell], unanswered: bool):
        pdf = self.pdf
        pdf.add_page()  # after the previous page's footer, which names its question
        pdf.question = name
        pdf.start_section(name)
        pdf.set_font(SANS, "B", 18)
        pdf.set_text_color(0)
        pdf.multi_cell(0, 9, self._known(name), new_x="LMARGIN", new_y="NEXT")
        self._note(f"Manually graded question · cells tagged {self.prefix}{name} · "
                   f"{self.notebook.name}" + (" · UNANSWERED" if unanswered else ""))
        pdf.ln(3)
        for cell in cells:
            what = f"{self.prefix}{name} (cell {cell.n})"
            if cell.kind == "code":
                if cell.source.strip() or cell.outputs:
                    self.code_cell(cell, what)
            elif cell.source.strip():  # markdown, raw
                self.markdown_cell(cell, what)

    def finish(self, out_pdf: Path):
        if self._missing:
            self.warnings.append("characters the PDF font lacks, shown as '?': "
                                 + " ".join(sorted(self._missing)))
        out_pdf.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_pdf.parent, suffix=".pdf.part",
                                         delete=False) as tmp:
            tmp.write(bytes(self.pdf.output()))
        Path(tmp.name).replace(out_pdf)


# --------------------------------------------------------------------------- API, CLI

def export_manual_pdf(notebook_path, out_pdf, *, prefix: str = MANUAL_PREFIX,
                      allow_unanswered: bool = False) -> ExportSummary:
    """Write the cells tagged `<prefix><question>` of the saved notebook to `out_pdf`, each
    question from a new page headed by its name. Raises NotebookExportError (nothing written)
    for what the module docstring lists."""
    notebook, out = Path(notebook_path), Path(out_pdf)
    if out.exists() and notebook.exists() and out.resolve() == notebook.resolve():
        raise NotebookExportError(f"the PDF would overwrite the notebook {notebook.name}; "
                                  "choose another output name (-o answers.pdf)")
    cells = _cells(_read(notebook), prefix)
    questions = _questions(cells)
    unanswered = _check(notebook, cells, questions, prefix, allow_unanswered)
    renderer = _Renderer(notebook, prefix)
    for name, group in questions.items():
        renderer.question(name, group, name in unanswered)
    renderer.finish(out)
    return ExportSummary(out, list(questions), renderer.pdf.page_no(), renderer.images,
                         renderer.warnings, unanswered)


def default_output(notebook: Path) -> Path:
    """measuring.ipynb -> measuring_manual.pdf, beside it."""
    return notebook.with_name(f"{notebook.stem}_manual.pdf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=Path(sys.argv[0]).name if sys.argv and sys.argv[0].endswith(".py")
        else "python -m autograder.notebooks.export_pdf",
        description="Write the manually graded questions of a saved notebook (cells tagged "
                    "manual:<question>) to one PDF for Gradescope, each question from a new "
                    "page. Run all cells and save the notebook first.")
    parser.add_argument("notebook", type=Path, help="the .ipynb, saved after Run All")
    parser.add_argument("-o", "--output", type=Path,
                        help="the PDF to write (default: NOTEBOOK_manual.pdf beside it)")
    parser.add_argument("--allow-unanswered", action="store_true",
                        help="export even if some answers still hold their stub")
    args = parser.parse_args(argv)
    out = args.output or default_output(args.notebook)
    try:
        summary = export_manual_pdf(args.notebook, out, allow_unanswered=args.allow_unanswered)
    except NotebookExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for warning in summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if summary.unanswered:
        print(f"warning: unanswered: {', '.join(summary.unanswered)}", file=sys.stderr)
    print(f"wrote {summary.out_pdf}: {len(summary.questions)} questions "
          f"({', '.join(summary.questions)}), {summary.pages} pages, {summary.images} images. "
          "Upload it to the manually graded Gradescope assignment and assign each question's "
          "pages (each question starts on a new page headed by its name).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
