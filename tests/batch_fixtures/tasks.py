"""Fake grading tasks for the pool tests (imported by spawned workers and Ray workers).

The submission path picks the behaviour: '...die...' kills the worker process, '...hang...'
never returns, '...flaky-<marker>...' dies the first time only (a marker file remembers),
'...raise...' raises; anything else returns a one-check result worth 1 point.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def fake_result(points: float = 1.0) -> dict:
    return {"assignment": "fake", "components": [{"id": "c", "title": "C", "visibility": "visible",
            "checks": [{"key": "c.k", "title": "K", "points": points, "max_points": 1.0,
                        "message": ""}]}], "messages": [], "staff_notes": [],
            "student_output": "", "device": "cpu", "seconds": 0.01, "visible": True,
            "extra": {"pid": os.getpid()}}


def behave(yaml_path: str, root: str, submission: str) -> dict:
    name = Path(submission).name
    if "die" in name:
        os._exit(7)
    if "hang" in name:
        time.sleep(3600)
    if "flaky" in name:
        marker = Path(submission).with_suffix(".seen")
        if not marker.exists():
            marker.write_text("x")
            os._exit(9)
    if "raise" in name:
        raise RuntimeError("boom")
    return {"ok": True, "result": fake_result()}
