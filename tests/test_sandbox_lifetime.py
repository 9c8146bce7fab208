"""Nothing outlives the grader: SIGKILL of `python -m autograder grade` mid-grade (what an OOM
killer, a batch timeout or a lost Ray node does) leaves no sandbox process behind, with the
namespaces on, in Gradescope's configuration (uid drop, no namespaces) and without root layers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _children(pid: int) -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def _descendants(pid: int) -> list[int]:
    tree, out, todo = _children(pid), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.mark.parametrize("layers", ["default", "uid", "process"])
def test_killing_the_grader_kills_its_sandbox(layers, tmp_path):
    if layers == "uid" and os.geteuid() != 0:
        pytest.skip("the uid drop needs root")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "backprop.py").write_text("while True:\n    pass\n")
    (sub / "gradcheck.py").write_text("x = 1\n")
    env = dict(os.environ)
    env.pop("AG_SANDBOX_LAYERS", None)
    if layers != "default":
        env["AG_SANDBOX_LAYERS"] = layers
    grader = subprocess.Popen([sys.executable, "-m", "autograder", "grade", "backprop",
                               str(sub)], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        sandbox: list[int] = []
        while time.monotonic() < deadline:
            sandbox = _descendants(grader.pid)
            if any("runner.py" in _cmdline(p) for p in sandbox):
                break
            time.sleep(0.1)
        assert any("runner.py" in _cmdline(p) for p in sandbox), "the sandbox never started"
        time.sleep(0.5)  # the runner is now spinning in the student's import
        sandbox = _descendants(grader.pid)
        grader.send_signal(signal.SIGKILL)
        grader.wait(timeout=10)
        time.sleep(1.0)
        left = [(p, _cmdline(p)) for p in sandbox if _alive(p)]
        assert left == [], left
    finally:
        if grader.poll() is None:
            grader.kill()
