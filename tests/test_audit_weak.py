"""The audit on a deliberately weak grader (tests/audit_fixtures/weak): it must be flagged,
with the right survivors, equivalent mutants recognised, hand-written bugs judged, and the
JSON / HTML / PNG reports written. Grading runs in the real sandbox, in this process."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.audit.mutate import Mutant, _diff
from autograder.audit.report import render_text, write_all
from autograder.audit.runner import AuditOptions, run_audit
from autograder.config import load_assignment

WEAK = Path(__file__).parent / "audit_fixtures" / "weak"


@pytest.fixture(scope="module")
def weak():
    if str(WEAK) not in sys.path:
        sys.path.insert(0, str(WEAK))
    return load_assignment(WEAK / "assignment.yaml", WEAK)


@pytest.fixture(scope="module")
def report(weak):
    return run_audit(weak, AuditOptions(workers=0, progress=False, cache=False))


def _by_status(report, status):
    return [m for m in report["mutants"] if m["status"] == status]


def test_a_weak_grader_is_flagged_with_its_survivors(report):
    assert report["complete"] and not report["passes"]
    assert report["score"] < report["min_score"]
    survivors = {(m["components"][0], m["description"]) for m in _by_status(report, "survived")}
    expected = {
        ("mse", "np.mean -> np.sum in np.mean((pred - target) ** 2)"),
        ("mse", "'**' -> '*' in (pred - target) ** 2"),
        ("softmax", "max shift removed: z - np.max(z, axis=-1, keepdims=True) -> z"),
        ("softmax", "axis=-1 -> axis=0 in np.max(z, axis=-1, keepdims=True)"),
    }
    assert expected <= survivors, survivors
    assert all(c != "double" for c, _ in survivors)  # double is checked exactly
    assert report["components"]["double"]["survived"] == 0
    assert report["components"]["double"]["killed"] >= 3
    for m in _by_status(report, "killed"):
        assert m["lost"] > 0 and m["failing_components"]
        assert m["localized"] is True, m  # each component's checks catch their own code
    shift = next(m for m in report["mutants"] if m["operator"] == "max_shift")
    assert "large random inputs" in shift["note"]  # found by the random probes
    text = render_text(report)
    assert "FAIL" in text and "[mse] calc.py:24 mse: np.mean -> np.sum" in text


def test_hand_written_bugs_must_be_killed_in_their_component(report):
    bugs = {b["id"]: b for b in report["bugs"]}
    assert bugs["double_triples"]["ok"] and bugs["double_triples"]["failing_components"] == {
        "double": 2.0}
    assert not bugs["mse_sums"]["ok"] and bugs["mse_sums"]["status"] == "survived"
    assert report["bugs_ok"] is False


def test_reports_are_written(report, tmp_path):
    paths = write_all(report, tmp_path)
    data = json.loads(paths["json"].read_text())
    assert data["counts"] == report["counts"] and data["mutants"][0]["diff"].startswith("---")
    html = paths["html"].read_text()
    assert "components.png" in html and paths["png"].stat().st_size > 1000
    assert "&#39;**&#39; -&gt; &#39;*&#39;" in html  # autoescaped
    assert "<script" not in html


def _manual(weak, old: str, new: str, name: str) -> Mutant:
    text = (weak.solution / "calc.py").read_text()
    source = text.replace(old, new)
    assert source != text
    return Mutant(id=f"calc.py:8:0:manual:{name}", file="calc.py", line=8, col=0,
                  operator="manual", description=f"{old} -> {new}", function="double",
                  source=source, diff=_diff(text, source, "calc.py"))


def test_equivalent_mutants_are_recognised_not_counted(weak):
    same = _manual(weak, "return x * 2", "return x + x", "same")
    close = _manual(weak, "return x * 2", "return x * 2.0000001", "close")  # within rtol 1e-6
    wrong = _manual(weak, "return x * 2", "return x * 2.001", "wrong")
    report = run_audit(weak, AuditOptions(workers=0, progress=False, cache=False, bugs=False,
                                          mutants=[same, close, wrong]))
    status = {m["id"]: m for m in report["mutants"]}
    assert status[same.id]["status"] == "equivalent", status[same.id]
    assert "random probes" in status[same.id]["note"]
    assert status[close.id]["status"] == "survived"  # passes the check, but not the same function
    assert "outputs differ" in status[close.id]["note"]
    assert status[wrong.id]["status"] == "killed"
    assert report["counts"]["equivalent"] == 1 and report["score"] == 0.5


def test_a_budget_leaves_mutants_pending_and_the_cache_resumes(weak, tmp_path):
    options = dict(workers=0, progress=False, bugs=False, out=tmp_path, max_mutants=4)
    first = run_audit(weak, AuditOptions(budget=0.0, **options))
    assert first["counts"]["pending"] == 4 and not first["complete"] and not first["passes"]
    second = run_audit(weak, AuditOptions(**options))
    assert second["complete"] and second["counts"]["pending"] == 0
    third = run_audit(weak, AuditOptions(**options))
    assert all(m.get("cached") for m in third["mutants"] if m["status"] != "unreached")
    assert [m["status"] for m in third["mutants"]] == [m["status"] for m in second["mutants"]]


def test_cli_lists_operators_and_is_attached():
    from autograder.cli import main

    result = CliRunner().invoke(main, ["audit", "--list-operators"])
    assert result.exit_code == 0 and "max_shift" in result.output and "skip_iteration" in \
        result.output
    result = CliRunner().invoke(main, ["audit", "--help"])
    assert "--quick" in result.output and "--budget" in result.output
