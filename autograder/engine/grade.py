"""The grading engine: (assignment, submission) -> SubmissionResult, wherever it runs.

Gradescope (through Otter), `otter run`, the CLI and the batch pool all call `grade()`.
Student code runs only in the sandbox; every score is computed here, from values this process
decoded and checked itself.
"""

from __future__ import annotations

import importlib
import tempfile
import time
import traceback
from pathlib import Path

from ..config import Assignment
from ..notebooks.convert import RUNNER as NOTEBOOK_RUNNER
from ..sandbox import Sandbox, SandboxSettings, StudentFault, probe_capabilities
from .compare import CheckFailed
from .display import shown
from .faults import describe_fault
from .oracle import TorchOracle
from .results import CheckResult, ComponentResult, SubmissionResult
from .submission import normalize, static_problems
from .suite import CALL_PROBE, Suite, Trial, check_seed

import numpy as np

MAX_CELL_PROBLEMS = 10


def load_suite(assignment: Assignment) -> Suite:
    """Import the assignment's hidden suite and check it against the YAML (a course folder's
    suites/ is importable first: its suites are top-level `<name>_suite` modules there)."""
    from ..paths import import_course_suites

    import_course_suites(assignment.root)
    module = importlib.import_module(assignment.suite)
    suite: Suite = module.SUITE
    suite.validate_against(assignment)
    return suite


def supply_provided(assignment: Assignment, root: Path) -> None:
    """Copy the assignment's given files (`submission.provided`, kept beside its YAML) into the
    normalized submission, replacing any copy the student uploaded."""
    if assignment.source is None:
        return
    for rel in assignment.submission.provided:
        source = assignment.source.parent / rel
        if source.is_file():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())


def _run_check(suite: Suite, key: str, trial: Trial) -> tuple[float, str]:
    """Run one check: (fraction of its points, '' if it passed, else the student-facing
    reason); a fraction between 0 and 1 only from a check's `t.case()` blocks."""
    try:
        suite.checks[key](trial)
    except CheckFailed as exc:
        return 0.0, str(exc) or "check failed"
    except StudentFault as fault:
        return 0.0, describe_fault(fault)
    return trial.verdict()


def sandbox_settings(assignment: Assignment, suite: Suite, work_src: Path) -> SandboxSettings:
    """The sandbox in which `assignment`'s student code (in `work_src`) runs its probes."""
    return SandboxSettings(work_src=work_src, probes=suite.probes, limits=assignment.limits,
                           forbidden=assignment.submission.forbidden_imports,
                           limit_address_space=not _student_uses_cuda(assignment))


def _student_uses_cuda(assignment: Assignment) -> bool:
    """Torch assignments get the GPU when one is present (and the policy allows it)."""
    if "torch" in assignment.submission.forbidden_imports:
        return False
    if assignment.torch_device.value == "cpu":
        return False
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def _notebook_problems(sandbox) -> list[str]:
    """The cells of a graded notebook that raised, exited or timed out (asked of the running
    student process; its answer is the student's own text, escaped and bounded)."""
    try:
        reply = sandbox.call(CALL_PROBE, target=f"{NOTEBOOK_RUNNER[:-3]}.report", args=[],
                             kwargs={})
    except StudentFault:
        return []
    lines = reply.get("value") if isinstance(reply, dict) else None
    if not isinstance(lines, list):
        return []
    said = [shown(str(line))[:300] for line in lines[:MAX_CELL_PROBLEMS] if line]
    return [f"notebook: {line}; the other cells still ran" for line in said]


def _in_process():
    from ..sandbox.inprocess import InProcess

    return InProcess


def grade(assignment: Assignment, submission: Path, *, progress: bool = False,
          isolated: bool = True, only: tuple[str, ...] = ()) -> SubmissionResult:
    """Grade one submission (a folder, a zip or a single file).

    `only`: these components or checks alone (`component` or `component.check`; all when
    empty), e.g. one part in the handout's checker. `isolated=False` runs student code in this process (benchmarks of the harness
    overhead only: never for untrusted code).
    """
    started = time.monotonic()
    suite = load_suite(assignment)
    caps = probe_capabilities()
    oracle = TorchOracle(assignment.torch_device)
    staff = [f"sandbox layers: {'; '.join(caps.describe())}"]
    with tempfile.TemporaryDirectory(prefix="ag-sub-") as tmp:
        norm = normalize(Path(submission), assignment.submission, Path(tmp) / "sub")
        supply_provided(assignment, norm.root)
        messages = list(norm.messages)
        problems = static_problems(norm.root, norm.found, assignment.submission.forbidden_imports)
        messages.extend(problems)
        blocked = not norm.gradable
        if blocked:
            messages.insert(0, "Nothing gradable was found. Expected files: "
                            + ", ".join(assignment.submission.files))
        settings = sandbox_settings(assignment, suite, norm.root)
        components = []
        executor = Sandbox if isolated else _in_process()
        with executor(settings, caps) as sandbox:
            for comp in assignment.components:
                if only and comp.id not in only and not any(
                        f"{comp.id}.{spec.id}" in only for spec in comp.checks):
                    continue
                results = []
                for spec in comp.checks:
                    key = f"{comp.id}.{spec.id}"
                    if only and comp.id not in only and key not in only:
                        continue
                    fraction = 0.0
                    if blocked:
                        reason = "not graded: no gradable submission"
                    else:
                        trial = Trial(key, np.random.default_rng(check_seed(assignment.seed, key)),
                                      sandbox, oracle, spec.seconds, spec.params)
                        try:
                            fraction, reason = _run_check(suite, key, trial)
                        except Exception:  # a bug in our own check: never shown to students
                            staff.append(f"harness error in {key}:\n{traceback.format_exc()}")
                            reason = ("the grader could not run this check (an error on our "
                                      "side; staff have been notified)")
                    if progress:
                        print(f"  {'PASS' if not reason else 'FAIL'} {key}", flush=True)
                    points = round(spec.points * fraction, 4) if reason else spec.points
                    results.append(CheckResult(key, spec.title, points, spec.points, reason))
                components.append(ComponentResult(comp.id, comp.title, comp.visibility.value,
                                                  tuple(results)))
            if not blocked and (norm.root / NOTEBOOK_RUNNER).is_file() and sandbox.running:
                messages.extend(_notebook_problems(sandbox))
            output = sandbox.output.text()
            staff.append(f"student processes started: {sandbox.starts}; uid {sandbox.uid}")
            staff.append(f"torch oracle device: {oracle.used}")
            uid = sandbox.uid
    return SubmissionResult(
        assignment=assignment.name, components=tuple(components), messages=tuple(messages),
        staff_notes=tuple(staff), student_output=output, device=oracle.used,
        seconds=round(time.monotonic() - started, 3), extra={"sandbox_uid": uid})
