"""`check("part")` and `check_all()` inside Jupyter (imported into the student's kernel).

Stdlib only and light: each call starts `check.py --notebook <saved notebook>` as a separate
process and prints its report, so the checks see exactly what the grader would receive, the
saved notebook run top to bottom, never the kernel's state. Cells the student ran but did not
save are named before the report (the usual cause of "it works in my notebook").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CHECK_PY = Path(__file__).resolve().parents[3] / "check.py"
"""The handout's entry point (this file is checker/autograder/checker/jupyter.py)."""
INFO = Path(__file__).resolve().parents[2] / "handout.json"
TIMEOUT_SECONDS = 900


def _ipython():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _default_notebook_name() -> str | None:
    try:
        return json.loads(INFO.read_text(encoding="utf-8")).get("notebook")
    except (OSError, ValueError):
        return None


def find_notebook(explicit: str | os.PathLike | None = None) -> Path:
    """The notebook being checked: `explicit`, else the one this kernel runs (VS Code and
    Jupyter Server >= 2 say which), else the handout's notebook in the working folder, else
    the only .ipynb there."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    shell = _ipython()
    candidates = []
    if shell is not None:
        candidates.append(shell.user_ns.get("__vsc_ipynb_file__"))
    candidates.append(os.environ.get("JPY_SESSION_NAME"))
    for value in candidates:
        if value and str(value).endswith(".ipynb") and Path(value).is_file():
            return Path(value).resolve()
    here = Path.cwd()
    name = _default_notebook_name()
    if name and (here / name).is_file():
        return (here / name).resolve()
    found = sorted(here.glob("*.ipynb"))
    if len(found) == 1:
        return found[0].resolve()
    raise FileNotFoundError(
        "check() could not tell which notebook to check"
        + (f" (in {here}: {', '.join(p.name for p in found)})" if found else f" (none in {here})")
        + "; name it: check('part', notebook='my_notebook.ipynb')")


def _normal(code: str) -> str:
    return "\n".join(line.rstrip() for line in code.strip().splitlines())


def _saved_code_cells(notebook: Path) -> set[str]:
    try:
        data = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    cells = data.get("cells") or []
    return {_normal("".join(c.get("source") or []) if isinstance(c.get("source"), list)
                    else str(c.get("source") or ""))
            for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"}


def _is_check_call(code: str) -> bool:
    return "check(" in code or "check_all(" in code or "from check import" in code


def unsaved_cells(history: list[str], saved: set[str]) -> list[str]:
    """The cells run most recently (newest first) whose code is not in the saved notebook:
    from the newest run cell back to the first one that the saved file holds (older runs of a
    cell edited since are not reported)."""
    missing = []
    for code in reversed(history):
        text = _normal(code)
        if not text or _is_check_call(text):
            continue
        if text in saved:
            break
        missing.append(text)
    return missing


def _warn_unsaved(notebook: Path) -> None:
    shell = _ipython()
    if shell is None:
        return
    history = list(getattr(shell.history_manager, "input_hist_raw", []) or [])
    missing = unsaved_cells(history, _saved_code_cells(notebook))
    if missing:
        first = missing[0].splitlines()[0][:60]
        print(f"Note: {len(missing)} cell(s) you ran recently are not in the saved "
              f"{notebook.name} (the latest starts `{first}`). The checks, like the grader, "
              "read the saved file: save the notebook (Ctrl-S / Cmd-S) and check again.\n")


def check(*parts: str, notebook: str | os.PathLike | None = None) -> None:
    """Run the public checks of `parts` (all when none) on the saved notebook and print the
    grader's messages."""
    run_checks(parts, notebook)


def run_checks(parts: tuple[str, ...] | list[str], notebook: str | os.PathLike | None = None
               ) -> int:
    """`check()`, returning check.py's exit status (0: every check passed, 1: some failed).
    An assignment without a notebook edition checks its .py files (a notebook that imports
    them), unless `notebook` is given."""
    args = []
    if notebook is not None or _default_notebook_name():
        try:
            path = find_notebook(notebook)
        except FileNotFoundError as exc:
            print(exc)
            return 2
        _warn_unsaved(path)
        args = ["--notebook", str(path)]
    try:
        done = subprocess.run([sys.executable, str(CHECK_PY), *args, *map(str, parts)],
                              cwd=str(CHECK_PY.parent),
                              capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        print(f"the checks took longer than {TIMEOUT_SECONDS} s and were stopped")
        return 1
    print(done.stdout, end="")
    if done.returncode not in (0, 1):
        print(done.stderr, end="", file=sys.stderr)
    return done.returncode


def check_all(notebook: str | os.PathLike | None = None) -> None:
    """Every part's public checks."""
    run_checks((), notebook)
