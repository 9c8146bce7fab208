"""benchmarks/gpu_check.py (make gpu-check): refuses without CUDA, judges each step's output.

The GPU itself cannot be tested here; the steps are replaced by commands that print what the
real ones print, so the judging and the summary table are what is under test.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import torch

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "gpu_check.py"


@pytest.fixture()
def gpu_check():
    spec = importlib.util.spec_from_file_location("_gpu_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def echo(text: str) -> list[str]:
    return [sys.executable, "-c", f"print({text!r})"]


def test_without_cuda_it_says_so_and_exits_2(gpu_check, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert gpu_check.main(["--out", str(tmp_path)]) == 2
    assert "no CUDA device" in capsys.readouterr().out


def test_steps_are_judged_by_their_output(gpu_check, monkeypatch, tmp_path):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index=0: "Fake GPU")
    fake = [
        ("gpu-tests", echo("3 passed in 9.1s"), 30),
        ("grade-ref", echo("measuring: 51 / 51  (40.0 s, oracle on cuda)"), 30),
        ("grade-skel", echo("measuring: 0 / 51  (5.0 s, oracle on cuda)"), 30),
        ("bench-measure", echo("| experiment | device |\n|---|---|\n| (a) | cuda |"), 30),
    ]
    monkeypatch.setattr(gpu_check, "steps", lambda long: fake)
    assert gpu_check.main(["--out", str(tmp_path)]) == 0
    summary = (tmp_path / "summary.md").read_text()
    assert "Fake GPU" in summary and summary.count("| ok |") == 4
    assert "| (a) | cuda |" in summary and (tmp_path / "grade-ref.log").exists()

    # a reference short of full marks, a grader on the CPU, a failing command: each is FAILED
    fake[1] = ("grade-ref", echo("measuring: 50 / 51  (40.0 s, oracle on cuda)"), 30)
    fake[2] = ("grade-skel", echo("measuring: 0 / 51  (5.0 s, oracle on cpu)"), 30)
    fake[3] = ("bench-measure", [sys.executable, "-c", "raise SystemExit(3)"], 30)
    assert gpu_check.main(["--out", str(tmp_path)]) == 1
    assert (tmp_path / "summary.md").read_text().count("FAILED") == 3
