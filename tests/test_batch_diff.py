"""A TA's regrade: grade, fix the grader (a modified YAML copy), regrade, diff, override, report.

The "test fix" changes a check's points (forward.output 2 -> 4) and a limit (memory_mb
2048 -> 1024), which flips the checks of a submission whose relu reserves 1.2 GB.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from autograder.batch.store import Gradebook
from autograder.cli import main
from batch_fixtures.common import RELEASE, assignment_yaml, built_once, cli
from batch_fixtures.synthetic import make_export, ruby_time

REPO = Path(__file__).resolve().parents[1]
EVIL = "<script>alert(1)</script> Eve"
MEMORY_RELU = """    ### BEGIN SOLUTION
    scratch = np.empty((150, 1000, 1000))  # 1.2 GB of address space, never touched
    del scratch
    return np.maximum(f, 0.0)"""


def gradebook(path: Path) -> dict[str, dict]:
    with open(path, newline="") as f:
        return {row["Submission"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="session")
def regrade(tmp_path_factory, worker_id):
    """Built once per session, shared by the xdist workers (the first builds, under a lock)."""
    _, data = built_once(tmp_path_factory, worker_id, "batch-regrade", _build_regrade)
    for key in ("tmp", "export", "store", "old", "new"):
        data[key] = Path(data[key])
    data["common"] = ["--store", data["store"], "--workers", "1", "--release", RELEASE,
                      "--quiet"]
    return data


def _build_regrade(tmp: Path) -> dict:
    export = make_export("backprop", tmp / "export", {"correct": 2, "buggy": 3}, seed=11,
                         as_zip=False).path
    meta_path = export / "submission_metadata.yml"
    meta = yaml.safe_load(meta_path.read_text())
    first = sorted(meta)[0]
    meta[first][":submitters"][0][":name"] = EVIL
    hungry = export / "submission_999999"
    shutil.copytree(REPO / "solutions" / "backprop", hungry,
                    ignore=shutil.ignore_patterns("tests", "__pycache__"))
    code = (hungry / "backprop.py").read_text()
    (hungry / "backprop.py").write_text(code.replace(
        "    ### BEGIN SOLUTION\n    return np.maximum(f, 0.0)", MEMORY_RELU))
    meta["submission_999999"] = {":submitters": [{":name": "Max Memory", ":sid": "2026999",
                                                  ":email": "max@uni.example.edu"}],
                                 ":created_at": ruby_time(dt.datetime(2026, 1, 13, 9,
                                                                      tzinfo=dt.timezone.utc))}
    meta_path.write_text(yaml.safe_dump(meta))
    old = assignment_yaml(tmp / "v1" / "backprop.yaml")
    new = assignment_yaml(tmp / "v2" / "backprop.yaml", points={"forward.output": 4},
                          limits={"call_seconds": 3, "submission_seconds": 8, "memory_mb": 1024})
    store = tmp / "gradebook.sqlite"
    common = ["--store", store, "--workers", "1", "--release", RELEASE, "--quiet"]
    cli("grade", old, export, "--out", tmp / "out1", *common)
    buggy = sorted(k for k in meta if k != "submission_999999")[2]
    sid = meta[buggy][":submitters"][0][":sid"]
    with Gradebook(store) as book:
        row = next(r for r in book.latest("backprop", book.hashes("backprop")[0]).values()
                   if r.submission_key == buggy)
    failing = next(c for c in row.checks if not c.passed)
    ov = cli("override", "backprop", sid, failing.key, failing.max_points, "--store", store,
             "--by", "TA Sam", "--why", "regrade request #12: the check was too strict")
    cli("grade", new, export, "--out", tmp / "out2", *common)
    return {"tmp": tmp, "export": export, "store": store, "old": old, "new": new,
            "override": ov.stdout, "buggy": buggy, "sid": sid, "check": failing.key,
            "check_max": failing.max_points}


def test_regrade_adds_a_run_and_never_overwrites(regrade):
    with Gradebook(regrade["store"]) as book:
        hashes = book.hashes("backprop")
        assert len(hashes) == 2
        assert book.db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 12
        assert len(book.latest("backprop", hashes[0])) == 6
        assert len(book.latest("backprop", hashes[1])) == 6


def test_diff_shows_totals_and_flipped_checks(regrade):
    proc = cli("diff", "backprop", "--store", regrade["store"], "--html", regrade["tmp"] / "html")
    text = proc.stdout
    assert "students changed" in text
    assert "forward.relu 1→0 (pass → fail)" in text          # the 1024 MB limit
    assert "forward.output 2→4 (more points)" in text        # the points change
    assert "Max Memory" in text and "34" in text
    html = (regrade["tmp"] / "html" / "diff.html").read_text()
    assert "pass → fail" in html and "diff-histogram.png" in html
    png = regrade["tmp"] / "html" / "diff-histogram.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_html_is_autoescaped(regrade):
    cli("report", "backprop", "--store", regrade["store"], "--out", regrade["tmp"] / "report")
    html = (regrade["tmp"] / "report" / "report.html").read_text()
    assert EVIL not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Eve" in html


def test_override_survives_the_regrade(regrade):
    assert "set to" in regrade["override"] and "TA Sam" in regrade["override"]
    for out in ("out1", "out2"):
        csv_path = regrade["tmp"] / out / "gradebook.csv"
        if out == "out1":  # written before the override: the grader's own score
            continue
        row = gradebook(csv_path)[regrade["buggy"]]
        assert regrade["check"] in row["Overrides"] and "TA Sam" in row["Overrides"]
    with Gradebook(regrade["store"]) as book:
        latest = book.latest("backprop", book.hashes("backprop")[-1])
        row = next(r for r in latest.values() if r.submission_key == regrade["buggy"])
        chk = row.check(regrade["check"])
        assert chk.passed and chk.overridden["by"] == "TA Sam"
        assert row.score == row.raw_score + regrade["check_max"]
    feedback = (regrade["tmp"] / "out2" / "results" / regrade["buggy"] / "feedback.txt")
    assert "Score adjusted by the course staff" in feedback.read_text()


def test_revoking_an_override(regrade, tmp_path):
    store = tmp_path / "copy.sqlite"
    shutil.copy(regrade["store"], store)
    cli("override", "backprop", regrade["sid"], regrade["check"], "--revoke",
        "--store", store, "--by", "TA Sam", "--why", "request withdrawn")
    with Gradebook(store) as book:
        latest = book.latest("backprop", book.hashes("backprop")[-1])
        row = next(r for r in latest.values() if r.submission_key == regrade["buggy"])
        assert row.score == row.raw_score and not row.check(regrade["check"]).overridden
        assert len(book.override_history("backprop")) == 2  # history kept


def test_grading_twice_gives_the_same_scores(regrade, tmp_path):
    store = tmp_path / "copy.sqlite"
    shutil.copy(regrade["store"], store)
    cli("grade", regrade["new"], regrade["export"], "--out", tmp_path / "out", "--force",
        *[str(a) if a != regrade["store"] else store for a in regrade["common"]])
    with Gradebook(store) as book:
        ghash = book.hashes("backprop")[-1]
        rows = book.db.execute(
            "SELECT submission_id, GROUP_CONCAT(result_json, '\x1f') AS docs, COUNT(*) AS n "
            "FROM results WHERE grader_hash = ? GROUP BY submission_id", (ghash,)).fetchall()
        assert len(rows) == 6 and {r["n"] for r in rows} == {2}
        for r in rows:
            checks = book.db.execute(
                "SELECT key, points, message FROM checks c JOIN results x ON x.id = c.result_id "
                "WHERE x.submission_id = ? AND x.grader_hash = ? ORDER BY x.id, c.key",
                (r["submission_id"], ghash)).fetchall()
            half = len(checks) // 2
            assert [tuple(c) for c in checks[:half]] == [tuple(c) for c in checks[half:]]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("verb", ["grade", "diff", "report", "override"])
def test_every_batch_verb_has_help(verb):
    result = invoke("batch", verb, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output and "--store" in result.output


def test_click_style_errors(tmp_path, regrade):
    res = invoke("batch", "grade", "hw9", tmp_path, "--store", tmp_path / "s.sqlite",
                 "--out", tmp_path / "o")
    assert res.exit_code == 2 and "Invalid value for 'ASSIGNMENT': 'hw9' is not one of" in \
        res.output
    res = invoke("batch", "diff", "backprop", "--store", tmp_path / "none.sqlite")
    assert res.exit_code == 2 and "'--store'" in res.output and "does not exist" in res.output
    res = invoke("batch", "override", "backprop", "x", "forward.nope", "1", "--store",
                 regrade["store"], "--by", "a", "--why", "b")
    assert res.exit_code == 2 and "'forward.nope' is not a check of backprop" in res.output
    res = invoke("batch", "override", "backprop", "nobody", "forward.relu", "1", "--store",
                 regrade["store"], "--by", "a", "--why", "b")
    assert res.exit_code == 1 and "'nobody' matches no student" in res.output
    res = invoke("batch", "override", "backprop", "x", "forward.relu", "5", "--store",
                 regrade["store"], "--by", "a", "--why", "b")
    assert res.exit_code == 2 and "outside 0..1" in res.output
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    res = invoke("batch", "grade", "backprop", bad, "--store", tmp_path / "s.sqlite",
                 "--out", tmp_path / "o", "--quiet")
    assert res.exit_code == 1 and "expected a Gradescope export zip or a folder" in res.output
    res = invoke("batch", "grade", "backprop", tmp_path, "--store", tmp_path / "s.sqlite",
                 "--out", tmp_path / "o", "--release", "next monday")
    assert res.exit_code == 2 and "is not an ISO time" in res.output
