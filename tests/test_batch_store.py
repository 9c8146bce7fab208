"""The gradebook store on its own: done/claim bookkeeping, overrides, students, schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from autograder.batch.export import Entry, Submitter
from autograder.batch.store import Gradebook, StoreError


def result(points: float, status_msg: str = "") -> dict:
    return {"assignment": "a", "components": [{"id": "c", "title": "C", "visibility": "visible",
            "checks": [{"key": "c.k", "title": "K", "points": points, "max_points": 2.0,
                        "message": status_msg}, {"key": "c.j", "title": "J", "points": 1.0,
                                                 "max_points": 1.0, "message": ""}]}],
            "messages": [], "staff_notes": [], "student_output": "", "seconds": 0.1,
            "device": "cpu", "visible": True, "extra": {}}


@pytest.fixture
def book(tmp_path):
    with Gradebook(tmp_path / "g.sqlite") as store:
        yield store


def register(book, key="submission_1", sid="2026001", digest="h1"):
    entry = Entry(key, Path("/nowhere"), (Submitter(sid, "Ada Lovelace", "ada@uni.edu"),))
    return book.register("a", [(entry, digest)])[0]


def test_wal_and_schema(book, tmp_path):
    assert book.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    book.db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(StoreError, match="schema version 99"):
        Gradebook(tmp_path / "g.sqlite")


def test_register_is_idempotent_and_content_aware(book):
    first = register(book)
    assert register(book) == first
    assert register(book, digest="h2") != first  # edited content: a new submission row


def test_done_retry_failed_and_claims(book):
    sub = register(book)
    run1 = book.start_run("a", "H", engine="local", workers=1)
    assert book.claim(sub, "H", run1, ttl=60) == "mine"
    run2 = book.start_run("a", "H", engine="local", workers=1)
    assert book.claim(sub, "H", run2, ttl=60) == "taken"  # run 1 is alive (this process)
    assert book.claim(sub, "H", run2, ttl=0) == "mine"    # an expired claim is taken over
    book.record(run1, sub, "H", status="timeout", reason="slow", result=result(0), reported=0)
    assert book.done(sub, "H") and not book.done(sub, "H", retry_failed=True)
    assert book.claim(sub, "H", run2, ttl=60) == "done"
    assert book.claim(sub, "H", run2, ttl=60, retry_failed=True) == "mine"
    assert not book.done(sub, "OTHER")


def test_latest_applies_overrides_and_revocations(book):
    sub = register(book)
    run = book.start_run("a", "H")
    book.record(run, sub, "H", status="graded", reason="", result=result(0, "wrong"),
                reported=1)
    key = book.resolve_student("a", "ada@UNI.edu")
    assert key == "2026001" == book.resolve_student("a", "Ada Lovelace")
    book.add_override("a", key, "c.k", 2.0, "TA Sam", "typo in the check")
    row = book.latest("a", "H")[key]
    assert (row.raw_score, row.score, row.reported) == (1, 3, 3)
    assert row.check("c.k").overridden["why"] == "typo in the check"
    run2 = book.start_run("a", "H2")  # a regrade: the override still applies
    book.record(run2, sub, "H2", status="graded", reason="", result=result(0, "wrong"),
                reported=1)
    assert book.latest("a", "H2")[key].score == 3
    book.add_override("a", key, "c.k", None, "TA Sam", "revoked")
    assert book.latest("a", "H2")[key].score == 1
    with pytest.raises(StoreError, match="needs who"):
        book.add_override("a", key, "c.k", 1.0, " ", "x")


def test_resolve_student_errors(book):
    register(book)
    register(book, key="submission_2", sid="2026002")
    with pytest.raises(StoreError, match="matches no student"):
        book.resolve_student("a", "nobody")


def test_mark_dead_runs(book):
    run = book.start_run("a", "H")
    book.db.execute("UPDATE runs SET pid = 999999999 WHERE id = ?", (run,))
    assert book.mark_dead_runs() == 1
    assert book.runs("a")[0]["status"] == "interrupted"


def test_a_write_transaction_is_atomic(book):
    sub = register(book)
    run = book.start_run("a", "H")
    bad = result(1)
    bad["components"][0]["checks"].append(dict(bad["components"][0]["checks"][0]))  # dup key
    with pytest.raises(sqlite3.IntegrityError):
        book.record(run, sub, "H", status="graded", reason="", result=bad, reported=1)
    assert book.db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 0


def test_grader_hash_follows_what_grading_depends_on(tmp_path):
    from autograder.batch.fingerprint import grader_hash
    from autograder.config import load_assignment
    from batch_fixtures.common import REPO, assignment_yaml

    base = assignment_yaml(tmp_path / "a" / "backprop.yaml")
    again = tmp_path / "b" / "backprop.yaml"
    again.parent.mkdir()
    again.write_text("# a comment changes nothing\n" + base.read_text())
    points = assignment_yaml(tmp_path / "c" / "backprop.yaml", points={"forward.relu": 2})
    h = [grader_hash(load_assignment(p, REPO)) for p in (base, again, points)]
    assert h[0] == h[1] != h[2]
