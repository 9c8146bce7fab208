"""Runs a student's notebook inside the sandbox child (UNTRUSTED side; stdlib only).

The trusted side (`convert.py`) copies this file into the normalized submission as
`_ag_notebook.py`, with `TABLE` filled in from the notebook it parsed, next to one file per code
cell (`cell_<n>.py`, n = the cell's position in the notebook, markdown cells counted) and one
shim per module the suite imports (`data.py`, `baseline.py`, ...), each of which is this
notebook's single namespace. The first import runs the code cells in notebook order (as
"Restart & Run All" would), each in the same namespace, each under its own time limit
(SIGALRM); a cell that raises, exits or runs out of time is recorded with its number and first
line and the next cell runs. A name the suite asks for that no cell defined raises an
AttributeError naming the cell that should have defined it and what happened to that cell.
Nothing here is trusted: every verdict is still reached by the suite, outside.
"""

import os
import signal
import sys
import time
import traceback
import types

# Filled in by the trusted side: {"notebook": name, "cell_seconds": s, "total_seconds": s,
# "cells": [{"n": 3, "file": "cell_3.py", "first": "def f(x):", "run": bool, "why": "...",
# "defines": {"name": line}}]}
TABLE = {"notebook": "", "cell_seconds": 10.0, "total_seconds": 30.0, "cells": []}
NAMESPACE_NAME = "_notebook"

HERE = os.path.dirname(os.path.abspath(__file__))
PROBLEMS = {}  # cell number -> (what happened, line or None)


class CellTimeout(BaseException):
    """Raised by SIGALRM in a cell that ran past its limit (not an Exception: a student's
    `except Exception` does not swallow it)."""


def _alarm(signum, frame):
    raise CellTimeout()


def _display(*objects, **kwargs):
    """IPython's display() outside IPython: nothing to show while grading."""
    return None


def _label(cell):
    first = cell["first"]
    return f"cell {cell['n']} (`{first}`)" if first else f"cell {cell['n']}"


def _line_in(cell_path, tb):
    line = None
    for fs in traceback.extract_tb(tb):
        if os.path.abspath(fs.filename) == cell_path:
            line = fs.lineno
    return line


def _run_cell(cell, namespace, limit):
    path = os.path.join(HERE, cell["file"])
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    try:
        code = compile(source, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return f"has a syntax error: {exc.msg if isinstance(exc, SyntaxError) else exc}", \
            getattr(exc, "lineno", None)
    previous = signal.signal(signal.SIGALRM, _alarm)
    # after the limit, one more alarm a second: a cell that catches the first still stops
    signal.setitimer(signal.ITIMER_REAL, limit, 1.0)
    try:
        exec(code, namespace)  # noqa: S102 - student code, inside the sandbox
    except CellTimeout as exc:
        budget = ("" if limit >= TABLE["cell_seconds"] else
                  f" (the {TABLE['total_seconds']:g} s for all cells were nearly used up)")
        return (f"did not finish within {limit:.3g} s{budget} and was stopped",
                _line_in(path, exc.__traceback__))
    except SystemExit as exc:
        return f"called sys.exit({exc.code!r})", _line_in(path, exc.__traceback__)
    except BaseException as exc:  # noqa: BLE001 - any failure of a cell is the student's
        text = str(exc).strip().splitlines()
        detail = f": {text[0][:200]}" if text else ""
        return f"raised {type(exc).__name__}{detail}", _line_in(path, exc.__traceback__)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        signal.signal(signal.SIGALRM, previous)
    return None


def describe(cell):
    """What happened to a cell, in words, or '' if it ran."""
    if not cell["run"]:
        return f"{_label(cell)} was not run by the grader ({cell['why']})"
    problem = PROBLEMS.get(cell["n"])
    if problem is None:
        return ""
    what, line = problem
    where = f" on line {line}" if line else ""
    return f"{_label(cell)} {what}{where}"


def _missing(name):
    """The message for a name the suite needs but the notebook's run did not define."""
    owners = [cell for cell in TABLE["cells"] if name in cell["defines"]]
    for cell in reversed(owners):
        said = describe(cell)
        if said:
            return f"'{name}' is not defined: {said}, before defining it"
    if owners:
        return (f"'{name}' is not defined although {_label(owners[-1])} defines it "
                "(did a later cell delete it?)")
    return (f"the notebook defines no '{name}' (the grader calls it: keep the handout's names "
            "and the code in untagged cells)")


def report():
    """What went wrong in the cells that ran (the trusted side adds it to the feedback)."""
    return [describe(cell) for cell in TABLE["cells"] if cell["run"] and cell["n"] in PROBLEMS]


def _module_getattr(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(_missing(name))


def run():
    namespace_module = types.ModuleType(NAMESPACE_NAME, f"the notebook {TABLE['notebook']}")
    namespace = namespace_module.__dict__
    namespace["display"] = _display
    namespace["__getattr__"] = _module_getattr
    sys.modules[NAMESPACE_NAME] = namespace_module
    started = time.monotonic()
    for cell in TABLE["cells"]:
        if not cell["run"]:
            continue
        left = TABLE["total_seconds"] - (time.monotonic() - started)
        limit = max(1.0, min(float(TABLE["cell_seconds"]), left))
        problem = _run_cell(cell, namespace, limit)
        if problem is not None:
            PROBLEMS[cell["n"]] = problem
            print(f"[grader] notebook {describe(cell)}; the next cells still run", flush=True)
    return namespace_module


NAMESPACE = run()
