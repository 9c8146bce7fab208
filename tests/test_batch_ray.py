"""The distributed path: the same batch as Ray tasks on a local cluster started by the test."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
import ray  # a pinned dependency: a missing Ray must fail here, not skip the distributed path

from autograder.batch.pool import Task
from autograder.batch.ray_pool import RayPool
from autograder.batch.runner import grade_batch
from autograder.batch.store import Gradebook
from autograder.config import load_assignment
from batch_fixtures.common import RELEASE, assignment_yaml
from batch_fixtures.synthetic import make_export
from batch_fixtures.tasks import behave

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cluster():
    """A one-CPU local Ray cluster (one grading process at a time: polite on 2 cores).

    Ray's workers inherit the environment of the processes ray.init starts: PYTHONPATH lets
    them import the fake tasks of tests/batch_fixtures.
    """
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "tests"), old]))
    try:
        ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False,
                 logging_level="ERROR")
        yield
        ray.shutdown()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def test_ray_engine_grades_an_export(cluster, tmp_path):
    yaml_path = assignment_yaml(tmp_path / "backprop.yaml")
    manifest = make_export("backprop", tmp_path / "export.zip",
                           {"correct": 2, "buggy": 1, "broken": 1}, seed=21)
    summary = grade_batch(load_assignment(yaml_path, REPO), manifest.path,
                          tmp_path / "gradebook.sqlite", tmp_path / "out", workers=1,
                          engine="ray", release=RELEASE)
    assert summary.graded == 4 and dict(summary.statuses) == {"graded": 4}
    with Gradebook(tmp_path / "gradebook.sqlite") as book:
        rows = {r.submission_key: r for r in book.latest("backprop", summary.grader_hash)
                .values()}
        assert book.runs("backprop")[0]["engine"] == "ray"
    for key in manifest.of_kind("correct"):
        assert rows[key].score == 34
    for key in manifest.of_kind("buggy") + manifest.of_kind("broken"):
        assert rows[key].score < 34
    with open(tmp_path / "out" / "gradebook.csv", newline="") as f:
        assert len(list(csv.DictReader(f))) == 4


def test_ray_pool_survives_dead_workers_and_hangs(cluster, tmp_path):
    """A dead worker is retried by Ray, then recorded; a hang is cancelled at the deadline
    (measured from dispatch, so it must exceed a retried crash: 6 s here)."""
    pool = RayPool("unused.yaml", str(tmp_path), workers=1, timeout=6.0, task_fn=behave)
    names = ["ok-1", "die-2", "hang-3", "raise-4"]
    outcomes = {o.task.id: o for o in pool.run(Task(i, str(tmp_path / n))
                                               for i, n in enumerate(names))}
    statuses = [outcomes[i].status for i in range(4)]
    assert statuses == ["graded", "worker_died", "timeout", "error"], [
        (o.status, o.reason, o.detail[-300:]) for o in outcomes.values()]
    assert "did not finish within 6 s" in outcomes[2].reason
