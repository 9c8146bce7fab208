"""`python -m autograder new NAME [--torch] [--root DIR]`: a complete, working starting point.

Writes one small numpy assignment in the project's layout (a row-wise softmax: one fenced
reference function, one component, three checks of which one is public, one hand-written bug)
and builds its skeleton and handout (with `check.py`, which runs the public check):

    assignments/NAME/assignment.yaml      the YAML (then the skeleton NAME.py and tests/)
    solutions/NAME/NAME.py                the reference, with ### BEGIN/END SOLUTION fences
    solutions/NAME/tests/test_public.py   one public test (students get it)
    <suite>/__init__.py, checks.py        the hidden suite (t.call, an oracle, expect with a
                                          named mistake, partial credit); no probes.py: the
                                          built-in generic probe runs the student's function
    <suite>/public.py                     the public check (`public: true`), numpy only: it
                                          ships in the handout's checker/
    tests/corpus/NAME/bugs.yaml           one buggy submission for the audit and the tests

In the checkout the suite is `autograder.suites.NAME` (autograder/suites/NAME/), like the
built-in ones. With `--root DIR` (a course folder outside the checkout) everything else goes
under DIR the same way and the suite is the top-level module `NAME_suite` in DIR/suites/:
`load(DIR, NAME)` puts DIR/suites on sys.path and loads the assignment. `--torch` computes the
oracle with torch (`t.torch()`) and asks the YAML for `requirements: {torch: true}`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import keyword
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from ..config import Assignment
from ..paths import REPO_ROOT, CoursePaths, import_course_suites

NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")


class ScaffoldError(ValueError):
    """A name `new` cannot use (the message says why)."""


def in_checkout(root: Path) -> bool:
    return Path(root).resolve() == REPO_ROOT


def suite_location(root: Path, name: str) -> tuple[str, Path]:
    """(module name, folder) of NAME's suite under `root`."""
    if in_checkout(root):
        return f"autograder.suites.{name}", REPO_ROOT / "autograder" / "suites" / name
    return f"{name}_suite", Path(root) / "suites" / f"{name}_suite"


def load(root: Path, name: str) -> Assignment:
    """Load a scaffolded assignment under `root` (DIR/suites goes on sys.path first)."""
    import_course_suites(root)
    return CoursePaths(Path(root).resolve()).load(name)


def targets(root: Path, name: str) -> dict[str, Path]:
    """Every file `new` writes, by role."""
    root = Path(root)
    _module, suite = suite_location(root, name)
    return {
        "yaml": root / "assignments" / name / "assignment.yaml",
        "reference": root / "solutions" / name / f"{name}.py",
        "public_test": root / "solutions" / name / "tests" / "test_public.py",
        "suite_init": suite / "__init__.py",
        "public": suite / "public.py",
        "checks": suite / "checks.py",
        "bugs": root / "tests" / "corpus" / name / "bugs.yaml",
    }


def validate_name(root: Path, name: str) -> None:
    """Refuse a name that is not a lower-case identifier, shadows a module, or is taken."""
    if not NAME_RE.fullmatch(name) or keyword.iskeyword(name):
        raise ScaffoldError(f"{name!r} is not a valid assignment name: use a lower-case Python "
                            "identifier (letters, digits, _; starting with a letter; at most 40 "
                            "characters), e.g. 'kmeans'")
    taken = [p for p in (Path(root) / "assignments" / name, Path(root) / "solutions" / name,
                         suite_location(root, name)[1], Path(root) / "tests" / "corpus" / name)
             if p.exists()]
    if taken:
        raise ScaffoldError(f"assignment {name!r} already exists ({', '.join(map(str, taken))}); "
                            "choose another name or remove those folders")
    if (name in sys.modules or name in sys.stdlib_module_names
            or importlib.util.find_spec(name) is not None):
        raise ScaffoldError(f"{name!r} is the name of an importable module; the student file "
                            f"{name}.py would shadow it (or be shadowed): choose another name")


def render(name: str, suite: str, torch: bool) -> dict[str, str]:
    """The text of every file, by role (see `targets`)."""
    seed = int(hashlib.sha256(name.encode()).hexdigest(), 16) % 9000 + 1000
    values = {"@NAME@": name, "@SUITE@": suite, "@SEED@": str(seed),
              "@TORCH_YAML@": _TORCH_YAML if torch else _NUMPY_YAML,
              "@ORACLE@": _TORCH_ORACLE if torch else _NUMPY_ORACLE}
    out = {}
    for role, template in _TEMPLATES.items():
        text = template
        for token, value in values.items():
            text = text.replace(token, value)
        out[role] = text
    return out


def scaffold(name: str, root: Path | None = None, torch: bool = False,
             build: bool = True) -> Iterator[str]:
    """Write NAME's files under `root` (default: the checkout), then build its skeleton and
    handout; yields one line per step."""
    root = Path(root or REPO_ROOT).resolve()
    validate_name(root, name)
    suite, _folder = suite_location(root, name)
    files = targets(root, name)
    for role, text in render(name, suite, torch).items():
        files[role].parent.mkdir(parents=True, exist_ok=True)
        files[role].write_text(text, encoding="utf-8")
        yield f"wrote {files[role]} ({text.count(chr(10))} lines)"
    if build:
        from .pipeline import build_assignment

        yield from build_assignment(load(root, name), CoursePaths(root), skeleton_only=True)
    if in_checkout(root):
        yield from (f"next: {step}" for step in (
            f"python -m autograder grade {name} solutions/{name}    # full marks",
            f"python -m autograder grade {name} assignments/{name}  # 0: not implemented",
            f"python -m autograder audit {name} --quick",
            f"python -m autograder table {name}   # paste into README.md (tests/test_docs.py)",
            "docs/authoring.md explains every piece"))
    else:
        yield (f"next: the suite is {suite} in {root / 'suites'}; load the assignment with "
               f"autograder.build.scaffold.load({str(root)!r}, {name!r})")


# -- templates -------------------------------------------------------------------------------------
_NUMPY_YAML = """\
requirements:                 # numpy and the engine only: the Gradescope image builds in seconds
  torch: false
"""

_TORCH_YAML = """\
torch_device: auto            # torch oracle on CUDA when present, CPU otherwise
requirements:
  torch: true                 # the checks' oracle is torch (t.torch()); students use numpy
"""

_YAML = """\
# @NAME@: scaffolded by `python -m autograder new @NAME@`; edit freely (docs/authoring.md).
name: @NAME@
title: "@NAME@: softmax of each row"
seed: @SEED@                    # fixes every randomized shape and input of the checks
solution: solutions/@NAME@      # the reference (with SOLUTION fences), never shipped
suite: @SUITE@    # hidden checks

submission:
  package: null
  files: [@NAME@.py]
  forbidden_imports: [torch, tensorflow, jax, scipy]

limits:
  call_seconds: 10
  submission_seconds: 120
  memory_mb: 1024

@TORCH_YAML@
audit:                          # python -m autograder audit @NAME@ [--quick]
  min_score: 0.9
  test_sample: 20
  covers:
    softmax: [@NAME@.py::softmax]

components:
  - id: softmax
    title: "@NAME@.py: softmax"
    visibility: visible
    checks:
      rows: {points: 1, public: true, title: "a probability per row: positive, each row sums to 1"}
      values: {points: 2, title: "softmax of each row (random shapes)"}
      large_logits: {points: 1, title: "finite for logits in [-1000, 1000] (each row shifted by its own maximum)"}
"""

_REFERENCE = '''\
"""@NAME@: the softmax of each row of a batch of logits (numpy only).

Code between the SOLUTION fences is the reference; the student skeleton replaces it with
`raise NotImplementedError`.
"""

import numpy as np


def softmax(z):
    """Softmax of each row of z, an array of shape (batch, classes).

    Every row of the result is positive and sums to 1. Subtract each row's own maximum before
    np.exp, so that logits near 1000 do not overflow. Return a new array; do not modify z.
    """
    ### BEGIN SOLUTION
    shifted = z - np.max(z, axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=1, keepdims=True)
    ### END SOLUTION
'''

_PUBLIC_TEST = '''\
"""Public tests for @NAME@: run `pytest tests/` in your handout folder.

Passing them is a good sign, not a guarantee: the grader uses other shapes and inputs.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import @NAME@  # noqa: E402


def test_rows_sum_to_one():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    out = @NAME@.softmax(z)
    assert out.shape == z.shape
    assert np.allclose(out.sum(axis=1), 1.0)
    assert np.allclose(out[1], 1 / 3)
'''

_SUITE_INIT = '''\
"""Hidden suite of @NAME@."""

from .checks import SUITE

__all__ = ["SUITE"]
'''

_NUMPY_ORACLE = '''\
def oracle(t: Trial, z: np.ndarray) -> np.ndarray:
    """The expected softmax, computed here (trusted side) with numpy."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
'''

_TORCH_ORACLE = '''\
def oracle(t: Trial, z: np.ndarray) -> np.ndarray:
    """The expected softmax, computed here (trusted side) with torch in float64."""
    return t.oracle.numpy(t.torch().softmax(t.oracle.tensor(z), dim=1))
'''

_CHECKS = '''\
"""Hidden checks of @NAME@ (trusted side: student code never sees this file).

Each check draws inputs with `t.rng` (seeded per check, so grading is deterministic), runs the
student's function in the sandbox (`t.call`), computes the expected value itself (`oracle`) and
compares (`expect`). `mistakes` recomputes known wrong answers from the same inputs: when the
student's numbers match one, the feedback names that mistake. Everything comes from
`autograder.authoring` (docs/authoring.md, "Checks").
"""

from __future__ import annotations

import numpy as np

from autograder.authoring import Trial, expect

from .public import SUITE  # the public check registers there too; t.call needs no probes.py


@ORACLE@

@SUITE.check("softmax.values")
def softmax_values(t: Trial) -> None:
    for _ in range(3):  # partial credit: each case is worth a third of the points
        z = t.rng.normal(size=(int(t.rng.integers(2, 7)), int(t.rng.integers(3, 9))))
        with t.case(f"z of shape {z.shape}"):
            got = t.call("@NAME@.softmax", z)  # runs in the sandbox
            expect(got, oracle(t, z), "softmax(z)", mistakes={
                "each column sums to 1 instead of each row (sum over axis=1)":
                    lambda z: np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)})
            expect(not got.modified, "softmax(z) modified z in place: return a new array")


@SUITE.check("softmax.large_logits")
def softmax_large_logits(t: Trial) -> None:
    z = t.rng.uniform(-1000, 1000, size=(4, 5))
    z[0] = t.rng.uniform(-1000, -980, size=5)  # far below the others: a shared shift underflows
    expect(t.call("@NAME@.softmax", z), oracle(t, z), "softmax(z) for logits in [-1000, 1000]",
           mistakes={"np.exp overflowed: subtract each row's own maximum before np.exp":
                     lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)})
'''

_PUBLIC = '''\
"""Public checks of @NAME@ (`public: true` in the YAML): the build ships this file in the
handout, where `python check.py` runs them on the student's own code with the grader's messages.
Import only the standard library, numpy and autograder.authoring here (never checks.py); keep
them cheap, and keep the checks that hold the expected values in checks.py.
"""

from __future__ import annotations

import numpy as np

from autograder.authoring import Suite, Trial, as_array, expect

SUITE = Suite()  # no probes.py: t.call runs @NAME@.<function> in the sandbox


@SUITE.check("softmax.rows")
def softmax_rows(t: Trial) -> None:
    """What every softmax output is, whatever the logits: no oracle, nothing to give away."""
    z = t.rng.normal(size=(int(t.rng.integers(2, 7)), int(t.rng.integers(3, 9))))
    out = as_array(t.call("@NAME@.softmax", z).value, f"softmax(z) for z of shape {z.shape}")
    expect(out.shape == z.shape, f"softmax(z) for z of shape {z.shape} returned shape {out.shape}")
    expect(bool(np.all(out > 0)), "softmax(z) has entries <= 0: each one is exp(...) / a sum")
    sums = out.sum(axis=1)
    hint = (": each column sums to 1 instead; normalize each row (sum over axis=1)"
            if np.allclose(out.sum(axis=0), 1.0) else "")
    expect(bool(np.allclose(sums, 1.0)), f"the rows of softmax(z) sum to "
           f"{np.round(sums, 3).tolist()}, not 1{hint}")
'''

_BUGS = """\
# Hand-written buggy submissions of @NAME@ (reference: solutions/@NAME@) as exact textual edits
# (docs/authoring.md, "The bug corpus"): `old` occurs once in `file` and is replaced by `new`;
# the bug must cost points in `component`, and a failing check's feedback must contain `message`.
- id: no_max_shift
  component: softmax
  message: own maximum
  description: softmax exponentiates the raw logits (no max shift); logits near 1000 overflow to nan.
  edits:
    - file: @NAME@.py
      old: "shifted = z - np.max(z, axis=1, keepdims=True)"
      new: "shifted = z"
"""

_TEMPLATES = {"yaml": _YAML, "reference": _REFERENCE, "public_test": _PUBLIC_TEST,
              "suite_init": _SUITE_INIT, "public": _PUBLIC, "checks": _CHECKS, "bugs": _BUGS}
