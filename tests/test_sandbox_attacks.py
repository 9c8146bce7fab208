"""Issue #4: every attack in the corpus scores 0 (the skeleton's honest score), finishes within
its limits, yields valid results, leaks no hidden test or solution, and leaves no process behind.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from attacks import ATTACK_FILE, ATTACKS, inject
from autograder.engine import grade
from autograder.paths import REPO_ROOT
from autograder.report import render_text, to_gradescope, validate
from autograder.sandbox.uids import COUNT, FIRST_UID

CHECKS = REPO_ROOT / "autograder" / "suites" / "beras" / "checks.py"
# Lines that exist only in the hidden suite / the reference solution.
SECRETS = ["Hidden checks of the Beras assignment", "def check_distribution(",
           "np.sum(jac * upstream, axis=0)"]
GRADESCOPE_ATTACKS = ["write_results_json", "read_hidden_tests", "delete_grader_files",
                      "os_exit_at_import", "background_process", "monkeypatch_comparisons",
                      "forged_pass_lines", "disk_filler"]


@pytest.fixture(scope="module")
def strict(beras):
    """Beras with short limits so hangs and bombs are cut quickly."""
    limits = dataclasses.replace(beras.limits, call_seconds=3, submission_seconds=60,
                                 memory_mb=1024)
    return dataclasses.replace(beras, limits=limits)


def build_attack(paths, name: str, dest: Path, root: str) -> Path:
    where, code = ATTACKS[name]
    shutil.copytree(paths.handout("beras"), dest, ignore=shutil.ignore_patterns("tests",
                                                                               "__pycache__"))
    target = dest / ATTACK_FILE
    target.write_text(inject(target.read_text(), where, code, root))
    return dest


def sandbox_processes(only: int | None = None) -> list[int]:
    """Live processes owned by sandbox uids (or by the one uid `only`)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                uid = os.stat(f"/proc/{entry}").st_uid
            except OSError:
                continue
            if (uid == only) if only is not None else FIRST_UID <= uid < FIRST_UID + COUNT:
                pids.append(int(entry))
    return pids


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_no_secrets(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"leaked: {secret!r}"


FEEDBACK = {  # what the student is told, for attacks inside a graded function
    "sys_exit_in_function": "called sys.exit(0)",
    "os_exit_in_function": "exited (exit code 0) before returning: os._exit() was called "
                           "from ",
    "os_exit_at_import": "at import; do not call os._exit()",
    "infinite_loop": "did not finish within 3 s",
    "forbidden_framework": "importing 'torch' is not allowed",
    "always_equal_object": "should be a numpy array, got an object of type",
    "lazy_object_raises": "should be a numpy array, got an object of type",
    "numpy_subclass_lies": "has the wrong shape: expected",
    "disk_filler": "filled its folder",
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_on_the_engine_path(name, strict, paths, tmp_path):
    before = digest(CHECKS)
    sub = build_attack(paths, name, tmp_path / "sub", str(REPO_ROOT))
    started = time.monotonic()
    result = grade(strict, sub)
    elapsed = time.monotonic() - started
    assert result.score == 0, [(c.key, c.points) for comp in result.components
                               for c in comp.checks if c.points]
    assert elapsed < strict.limits.submission_seconds + 30
    doc = to_gradescope(result)
    validate(doc)
    assert_no_secrets(json.dumps(doc) + render_text(result, staff=True))
    assert digest(CHECKS) == before and (REPO_ROOT / "autograder").is_dir()
    assert sandbox_processes(result.extra["sandbox_uid"]) == []
    if name in FEEDBACK:
        assert FEEDBACK[name] in result.check("dense.forward").message
    if name == "forbidden_framework":
        assert any("imports 'torch'" in m for m in result.messages)
    if name == "print_megabytes":
        assert "bytes of output omitted" in result.student_output
    if name in ("disk_filler", "many_small_files"):  # stopped close to the limit, not at 8 GB
        message = result.check("dense.forward").message
        if "[Errno 28] No space left on device" in message:  # namespaces: a size-limited tmpfs
            assert "to the limit of 256 MB and 5000 files" in message
            return
        written = re.search(r"it had written (\d+) MB in (\d+) files", message)
        if name == "many_small_files" and not written:  # creating files is slow: the call
            assert "did not finish within 3 s" in message  # limit may stop it first
        else:  # no namespaces: the watcher stopped it
            assert written and int(written.group(1)) < 1024 and int(written.group(2)) < 60_000


# Attacks on the limits, graded in Gradescope's sandbox configuration (root, uid drop, no
# namespaces) by the engine. Reading the hidden tests is left to the Gradescope path below,
# where run_autograder closes /autograder/source to the sandbox uid as on Gradescope (here the
# checkout itself is world-readable).
UID_ONLY_ATTACKS = ["infinite_loop", "memory_bomb", "fork_bomb", "fork_bomb_python",
                    "disk_filler", "background_process", "write_results_json", "os_exit_at_import"]


@pytest.mark.parametrize("name", UID_ONLY_ATTACKS)
def test_attack_in_gradescopes_sandbox_configuration(name, strict, paths, tmp_path, monkeypatch):
    import importlib

    from autograder.sandbox.layers import Capabilities

    engine = importlib.import_module("autograder.engine.grade")  # the module, not grade()
    if os.geteuid() != 0:
        pytest.skip("the uid drop needs root")
    caps = Capabilities(root=True, uid_drop=True, namespaces=False)
    monkeypatch.setattr(engine, "probe_capabilities", lambda: caps)
    sub = build_attack(paths, name, tmp_path / "sub", str(REPO_ROOT))
    started = time.monotonic()
    result = grade(strict, sub)
    assert result.score == 0
    assert time.monotonic() - started < strict.limits.submission_seconds + 30
    validate(to_gradescope(result))
    assert any("namespaces: off" in note for note in result.staff_notes)
    assert sandbox_processes(result.extra["sandbox_uid"]) == []
    if name in FEEDBACK:
        assert FEEDBACK[name] in result.check("dense.forward").message


@pytest.mark.slow
@pytest.mark.parametrize("name", GRADESCOPE_ATTACKS)
def test_attack_on_the_gradescope_path(name, paths, tmp_path, request, monkeypatch):
    from test_otter_e2e import gradescope_run

    monkeypatch.setenv("AG_SANDBOX_LAYERS", "uid")  # Gradescope's: Docker refuses unshare

    grader_zip = request.getfixturevalue("grader_zip")
    root = tmp_path / "gs"
    sub = build_attack(paths, name, tmp_path / "sub", str(root))
    run_autograder = None

    def lay_out(dest: Path) -> None:
        nonlocal run_autograder
        shutil.copytree(sub, dest, dirs_exist_ok=True)
        run_autograder = digest(root / "source" / "run_autograder")

    doc = gradescope_run(grader_zip, lay_out, root)
    assert doc["score"] == 0
    assert all(t.get("score", 0) == 0 for t in doc["tests"])
    assert_no_secrets(json.dumps(doc))
    assert digest(root / "source" / "run_autograder") == run_autograder
    staff = next(t["output"] for t in doc["tests"] if t["visibility"] == "hidden")
    uid = int(re.search(r"; uid (\d+)", staff).group(1))
    assert sandbox_processes(uid) == []
