"""Two regrades started at once on one store: nothing is lost, duplicated wrongly or corrupted."""

from __future__ import annotations

import subprocess
import sys

from autograder.batch.store import Gradebook
from batch_fixtures.common import REPO, RELEASE, assignment_yaml
from batch_fixtures.synthetic import make_export

N = 6


def start(*args):
    return subprocess.Popen([sys.executable, "-m", "autograder", "batch", *map(str, args)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc) -> str:
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, out[-2000:] + err[-2000:]
    return out


def test_two_processes_one_store(tmp_path):
    export = make_export("backprop", tmp_path / "export.zip", {"correct": 2, "buggy": 4},
                         seed=5).path
    a = assignment_yaml(tmp_path / "a" / "backprop.yaml")
    b = assignment_yaml(tmp_path / "b" / "backprop.yaml", points={"forward.relu": 2})
    store = tmp_path / "gradebook.sqlite"
    common = ["--store", store, "--workers", "1", "--release", RELEASE, "--quiet"]

    # Two grader versions at once: each grades everything, both sets land intact.
    procs = [start("grade", a, export, "--out", tmp_path / "out-a", *common),
             start("grade", b, export, "--out", tmp_path / "out-b", *common)]
    for proc in procs:
        finish(proc)
    with Gradebook(store) as book:
        assert book.integrity() == "ok"
        hashes = book.hashes("backprop")
        assert len(hashes) == 2
        for ghash in hashes:
            assert len(book.latest("backprop", ghash)) == N
        assert book.db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == N
        assert [r["status"] for r in book.runs("backprop")] == ["finished", "finished"]
        mode = book.db.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"

    # The same version twice at once (a TA double-clicks): every submission graded, at most
    # twice (each run re-checks the store before dispatching), all results identical.
    a2 = assignment_yaml(tmp_path / "c" / "backprop.yaml", points={"forward.relu": 3})
    procs = [start("grade", a2, export, "--out", tmp_path / f"out-c{i}", *common)
             for i in range(2)]
    outs = [finish(proc) for proc in procs]
    with Gradebook(store) as book:
        assert book.integrity() == "ok"
        ghash = book.hashes("backprop")[-1]
        counts = book.db.execute(
            "SELECT submission_id, COUNT(*), COUNT(DISTINCT score) FROM results "
            "WHERE grader_hash = ? GROUP BY submission_id", (ghash,)).fetchall()
        assert len(counts) == N
        assert all(1 <= n <= 2 and distinct == 1 for _, n, distinct in counts), outs
        total = sum(n for _, n, _ in counts)
        assert total < 2 * N, "the second run did not skip what the first had finished"
