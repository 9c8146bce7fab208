"""Mutation operators of the grader audit (no grading here: fast).

Every mutant is valid Python that differs from the reference only inside solution fences;
each operator produces the student mistakes it names; the mutant set and its samples are
deterministic; the `audit:` key of assignment.yaml is validated with errors naming file and key.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper

from autograder.audit import mutate as M
from autograder.audit.runner import checks_for, components_of, wilson
from autograder.config import ConfigError, load_assignment
from autograder.paths import CoursePaths

PATHS = CoursePaths()
AUDITED = [n for n in PATHS.assignment_names() if PATHS.load(n).audit is not None]
WEAK = Path(__file__).parent / "audit_fixtures" / "weak"

SAMPLE = textwrap.dedent('''\
    import numpy as np


    def outside(x):
        return np.sum(x, axis=0) @ x.T


    def softmax(z, w, b, items):
        ### BEGIN SOLUTION
        shifted = z - np.max(z, axis=-1, keepdims=True)
        p = np.clip(np.exp(shifted), 1e-12, 1.0)
        total = 0.0
        for item in items[1:]:
            total += item * 2
        y = w.T @ p + b
        if total > 0.3 and y.size:
            y = y[:-1]
        return np.mean(y, axis=0), -total, np.sqrt(p), np.dot(w, p)
        ### END SOLUTION
''')


def _mutants(text: str = SAMPLE) -> list[M.Mutant]:
    return M.mutate_source(text, "sample.py").mutants


def test_each_operator_produces_the_mistakes_it_names():
    found = {(m.operator, m.description) for m in _mutants()}
    ops = {op for op, _ in found}
    assert ops == set(M.OPERATORS), set(M.OPERATORS) - ops
    texts = "\n".join(d for _, d in found)
    for expected in ["max shift removed: z - np.max(z, axis=-1, keepdims=True) -> z",
                     "axis=-1 -> axis=0", "keepdims=True dropped", "np.mean -> np.sum",
                     ".T dropped in w.T", "operands swapped: w.T @ p -> p @ w.T",
                     "'@' -> '*'", "constant 1e-12 -> 0.0", "constant 0.3 -> 1.0",
                     "first iteration skipped", "last iteration skipped",
                     "statement deleted: total += item * 2", "slice stop -1 -> -2",
                     "slice start 1 -> 2", "'>' -> '>='", "'+=' -> '-='",
                     "np.sqrt dropped", "minus sign dropped", "np.max -> np.min"]:
        assert expected in texts, expected


def test_every_mutant_is_valid_python_changed_only_inside_fences():
    regions = M.solution_regions(SAMPLE)
    for m in _mutants():
        ast.parse(m.source)
        assert m.source != SAMPLE
        changed = [int(h) for h in re.findall(r"^@@ -(\d+)", m.diff, re.M)]
        assert changed, m.id
        old = SAMPLE.splitlines()
        new = m.source.splitlines()
        differing = [i + 1 for i, (a, b) in enumerate(zip(old, new)) if a != b]
        assert len(old) == len(new) and differing, m.id
        assert all(any(a <= ln <= b for a, b in regions) for ln in differing), m.id


def test_code_without_fences_is_never_mutated():
    assert _mutants(SAMPLE.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", "")) == []


@pytest.mark.parametrize("name", AUDITED)
def test_every_mutant_of_every_assignment_parses(name):
    assignment = PATHS.load(name)
    found = M.generate(assignment.solution, assignment.submission.files)
    assert len(found.mutants) > 50
    assert len({m.id for m in found.mutants}) == len(found.mutants)
    assert len({(m.file, m.source) for m in found.mutants}) == len(found.mutants)
    for m in found.mutants:
        ast.parse(m.source, m.id)
        assert m.source != found.files[m.file]
        assert f"_ag_reach({m.reach})" in found.instrumented[m.file]
    for rel, text in found.instrumented.items():
        compile(text, rel, "exec")


def test_splicing_matches_rerendering_the_tree():
    """Mutants are spliced into the text (fast); re-rendering the CST gives the same program."""
    text = (PATHS.load("backprop").solution / "backprop.py").read_text()
    wrapper = MetadataWrapper(cst.parse_module(text))
    collector = M._Collector(M.solution_regions(text), list(M.OPERATORS))
    wrapper.visit(collector)
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    assert len(collector.sites) > 100
    for site in collector.sites:
        spliced = M._splice(text, starts, site)
        rendered = M.replace_node(wrapper.module, site.target, site.replacement)
        assert ast.dump(ast.parse(spliced)) == ast.dump(ast.parse(rendered)), site.description


def test_the_mutant_set_and_its_samples_are_deterministic():
    assignment = PATHS.load("backprop")
    first = M.generate(assignment.solution, assignment.submission.files)
    second = M.generate(assignment.solution, assignment.submission.files)
    assert [(m.id, m.source) for m in first.mutants] == [(m.id, m.source) for m in second.mutants]
    a = [m.id for m in M.sample(first.mutants, 25, seed=4)]
    assert a == [m.id for m in M.sample(second.mutants, 25, seed=4)]
    assert a != [m.id for m in M.sample(first.mutants, 25, seed=5)]
    assert len(a) == 25 and len({m.split(":")[0] for m in a}) == 2  # both files represented
    assert M.sample(first.mutants, None, 4) == first.mutants


def test_components_and_quick_check_sets_follow_the_yaml():
    beras = PATHS.load("beras")
    assert components_of(beras, "beras/layers.py", "Dense._initialize_weight") == ["initializers"]
    assert components_of(beras, "beras/layers.py", "Dense.forward") == ["dense"]
    assert components_of(beras, "assignment.py", "get_model") == ["training"]
    quick = checks_for(beras, ["dense"], quick=True)
    assert "training.reaches_target" not in quick and "dense.forward" in quick
    assert "training.reaches_target" in checks_for(beras, ["training"], quick=True)
    assert checks_for(beras, ["dense"], quick=False) is None


def test_wilson_bounds():
    low, high = wilson(16, 20)
    assert 0.6 < low < 0.8 < high < 0.95
    assert wilson(20, 20)[1] == 1.0


@pytest.mark.parametrize("audit, message", [
    ("[1]", "audit must be a mapping"),
    ("{min_score: 1.5}", "audit.min_score must be a number in [0, 1]"),
    ("{max_mutants: 0}", "audit.max_mutants must be a whole number >= 1 or null"),
    ("{seed: -1}", "audit.seed must be a whole number >= 0"),
    ("{slow_checks: [nope.check]}", "audit.slow_checks must list checks"),
    ("{covers: {nope: [calc.py]}}", "audit.covers.nope: no component with that id"),
    ("{covers: {mse: calc.py}}", "audit.covers.mse must be a list"),
    ("{surprise: 1}", "unknown key(s) ['surprise']"),
])
def test_bad_audit_keys_name_file_and_key(tmp_path, audit, message):
    text = (WEAK / "assignment.yaml").read_text()
    start = text.index("\naudit:")
    end = text.index("\ncomponents:")
    path = tmp_path / "assignment.yaml"
    path.write_text(text[:start] + f"\naudit: {audit}" + text[end:])
    with pytest.raises(ConfigError) as info:
        load_assignment(path, WEAK)
    assert str(path) in str(info.value) and message in str(info.value)
