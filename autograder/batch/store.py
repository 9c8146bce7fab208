"""The gradebook store: one SQLite file recording every grading run, result and override.

Nothing is ever overwritten. A run (who graded what, when, with which grader hash) adds one
result per submission, with every check's points and message, the submission-level messages,
what the student's code printed and the staff notes. "Done" means: this submission's content
was graded by this grader hash, so a killed batch resumes where it stopped and a regrade after
a test fix (a new hash) regrades everything while keeping the old results for `batch diff`.
Manual overrides live in their own table and are applied when results are read, so they
survive regrades. Late days are recorded per run (`late_runs`: the due date and rules used;
`late`: each student's decision), so a moved due date or a new extension (`extensions`,
append-only) shows up as a difference between two runs even when no result was regraded.

Several processes may use one store at once: WAL journal, a busy timeout, and every write in
a short `BEGIN IMMEDIATE` transaction (one per result, so a kill loses at most the results in
flight).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..engine.results import SubmissionResult
from .export import Entry

SCHEMA_VERSION = "1"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    assignment TEXT NOT NULL,
    grader_hash TEXT NOT NULL,
    grader_version TEXT,
    yaml_path TEXT,
    source TEXT,
    engine TEXT,
    workers INTEGER,
    host TEXT,
    pid INTEGER,
    argv TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    planned INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    assignment TEXT NOT NULL,
    key TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    student_key TEXT NOT NULL,
    created_at TEXT,
    metadata TEXT,
    first_seen TEXT NOT NULL,
    UNIQUE (assignment, key, content_hash)
);
CREATE INDEX IF NOT EXISTS submissions_student ON submissions (assignment, student_key);
CREATE TABLE IF NOT EXISTS submitters (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    position INTEGER NOT NULL,
    sid TEXT, name TEXT, email TEXT,
    PRIMARY KEY (submission_id, position)
);
CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id),
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    grader_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    score REAL NOT NULL,
    reported REAL NOT NULL,
    max_score REAL NOT NULL,
    visible INTEGER NOT NULL,
    messages TEXT NOT NULL,
    output TEXT NOT NULL,
    staff_notes TEXT NOT NULL,
    seconds REAL,
    device TEXT,
    result_json TEXT NOT NULL,
    graded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS results_done ON results (submission_id, grader_hash);
CREATE INDEX IF NOT EXISTS results_hash ON results (grader_hash);
CREATE TABLE IF NOT EXISTS checks (
    result_id INTEGER NOT NULL REFERENCES results (id),
    key TEXT NOT NULL,
    component TEXT NOT NULL,
    title TEXT NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (result_id, key)
);
CREATE TABLE IF NOT EXISTS claims (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    grader_hash TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs (id),
    claimed_at REAL NOT NULL,
    PRIMARY KEY (submission_id, grader_hash)
);
CREATE TABLE IF NOT EXISTS extensions (
    id INTEGER PRIMARY KEY,
    assignment TEXT NOT NULL,
    sid TEXT NOT NULL,
    new_due TEXT,
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS late_runs (
    run_id INTEGER PRIMARY KEY REFERENCES runs (id),
    assignment TEXT NOT NULL,
    due TEXT,
    due_source TEXT NOT NULL,
    policy TEXT NOT NULL,
    budget INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS late (
    run_id INTEGER NOT NULL REFERENCES late_runs (run_id),
    submission_id INTEGER REFERENCES submissions (id),
    member TEXT NOT NULL,
    grp TEXT NOT NULL,
    decision TEXT NOT NULL,
    days_charged INTEGER NOT NULL,
    penalty REAL NOT NULL,
    PRIMARY KEY (run_id, member)
);
CREATE TABLE IF NOT EXISTS overrides (
    id INTEGER PRIMARY KEY,
    assignment TEXT NOT NULL,
    student_key TEXT NOT NULL,
    check_key TEXT NOT NULL,
    points REAL,
    by TEXT NOT NULL,
    why TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""
FAILED_STATUSES = ("timeout", "worker_died", "error")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class StoreError(RuntimeError):
    """A store that cannot be used as asked (the message says why)."""


@dataclass(frozen=True)
class CheckRow:
    key: str
    component: str
    title: str
    points: float
    max_points: float
    message: str
    overridden: dict[str, Any] | None = None

    @property
    def passed(self) -> bool:
        return self.points >= self.max_points - 1e-9


@dataclass(frozen=True)
class ResultRow:
    """One stored result, with overrides applied to its checks."""

    id: int
    run_id: int
    submission_id: int
    submission_key: str
    student_key: str
    grader_hash: str
    status: str
    reason: str
    score: float
    """Graded points (with overrides)."""
    raw_score: float
    """Graded points as the grader gave them."""
    reported: float
    """What the student gets: `score`, or the carried score when the policy hid the result."""
    max_score: float
    visible: bool
    checks: tuple[CheckRow, ...]
    graded_at: str
    submitters: tuple[dict[str, str], ...] = ()
    result: dict[str, Any] = field(default_factory=dict)
    """The grader's result as stored (SubmissionResult.to_dict)."""
    final: SubmissionResult | None = None
    """The same with the TA overrides applied to its checks (noted for staff and student):
    what the gradebook, results.json and feedback are written from."""
    created_at: str | None = None
    """When the student submitted (the export's metadata), for late days."""

    def check(self, key: str) -> CheckRow | None:
        for chk in self.checks:
            if chk.key == key:
                return chk
        return None

    @property
    def members(self) -> tuple[str, ...]:
        """Who the submission belongs to (SID, else email, else name): whose late days pay."""
        return tuple(p.get("sid") or p.get("email") or p.get("name") or self.student_key
                     for p in self.submitters) or (self.student_key,)

    @property
    def label(self) -> str:
        people = ", ".join(p.get("name") or p.get("sid") or p.get("email") or ""
                           for p in self.submitters)
        return f"{self.student_key} ({people})" if people and people != self.student_key \
            else self.student_key


class Gradebook:
    """The store. Use as a context manager, or call close()."""

    def __init__(self, path: str | Path, timeout: float = 120.0) -> None:
        self.path = Path(path)
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None,
                                  check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        self._retrying(lambda: self.db.execute("PRAGMA journal_mode = WAL"))
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        with self.transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                raise StoreError(f"{self.path}: schema version {row[0]}, this grader reads "
                                 f"{SCHEMA_VERSION}")

    # -- plumbing ----------------------------------------------------------------------------
    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _retrying(fn, attempts: int = 50):
        for i in range(attempts):
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or i == attempts - 1:
                    raise
                time.sleep(0.05 * (i + 1))
        return None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE (the write lock up front: no upgrade deadlocks), COMMIT or ROLLBACK."""
        self._retrying(lambda: self.db.execute("BEGIN IMMEDIATE"))
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self._retrying(lambda: self.db.execute("COMMIT"))

    # -- runs --------------------------------------------------------------------------------
    def start_run(self, assignment: str, grader_hash: str, **info: Any) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO runs (assignment, grader_hash, grader_version, yaml_path, source, "
                "engine, workers, host, pid, argv, started_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (assignment, grader_hash, info.get("grader_version"), info.get("yaml_path"),
                 info.get("source"), info.get("engine"), info.get("workers"),
                 socket.gethostname(), os.getpid(), json.dumps(info.get("argv") or []), now()))
            return int(cur.lastrowid)

    def update_run(self, run_id: int, **fields: Any) -> None:
        allowed = {"status", "finished_at", "planned", "skipped"}
        cols = sorted(set(fields) & allowed)
        if not cols:
            return
        with self.transaction() as db:
            db.execute(f"UPDATE runs SET {', '.join(c + ' = ?' for c in cols)} WHERE id = ?",
                       (*[fields[c] for c in cols], run_id))

    def finish_run(self, run_id: int, status: str = "finished") -> None:
        self.update_run(run_id, status=status, finished_at=now())

    def mark_dead_runs(self) -> int:
        """Runs still 'running' whose process (on this host) is gone become 'interrupted'."""
        host = socket.gethostname()
        rows = self.db.execute("SELECT id, pid FROM runs WHERE status = 'running' AND host = ?",
                               (host,)).fetchall()
        dead = [r["id"] for r in rows if not _alive(r["pid"])]
        for run_id in dead:
            self.update_run(run_id, status="interrupted")
        return len(dead)

    def runs(self, assignment: str | None = None) -> list[sqlite3.Row]:
        sql = ("SELECT r.*, (SELECT COUNT(*) FROM results x WHERE x.run_id = r.id) AS graded "
               "FROM runs r")
        args: tuple = ()
        if assignment:
            sql += " WHERE r.assignment = ?"
            args = (assignment,)
        return self.db.execute(sql + " ORDER BY r.id", args).fetchall()

    def hashes(self, assignment: str) -> list[str]:
        """Grader hashes with results, oldest first (by their first run)."""
        rows = self.db.execute(
            "SELECT r.grader_hash, MIN(r.id) AS first FROM runs r WHERE r.assignment = ? AND "
            "EXISTS (SELECT 1 FROM results x WHERE x.run_id = r.id) GROUP BY r.grader_hash "
            "ORDER BY first", (assignment,)).fetchall()
        return [r["grader_hash"] for r in rows]

    def resolve_hash(self, assignment: str, prefix: str) -> str:
        matches = [h for h in self.hashes(assignment) if h.startswith(prefix)]
        if len(matches) != 1:
            known = ", ".join(h[:12] for h in self.hashes(assignment)) or "none"
            raise StoreError(f"grader hash '{prefix}' matches {len(matches)} graded versions "
                             f"of {assignment} (known: {known})")
        return matches[0]

    # -- submissions -------------------------------------------------------------------------
    def register(self, assignment: str, entries: list[tuple[Entry, str]]) -> list[int]:
        """Submission ids for (entry, content hash) pairs, adding the new ones (one transaction)."""
        ids = []
        with self.transaction() as db:
            for entry, digest in entries:
                row = db.execute("SELECT id FROM submissions WHERE assignment = ? AND key = ? "
                                 "AND content_hash = ?", (assignment, entry.key, digest)).fetchone()
                if row is not None:
                    ids.append(int(row["id"]))
                    continue
                cur = db.execute(
                    "INSERT INTO submissions (assignment, key, content_hash, student_key, "
                    "created_at, metadata, first_seen) VALUES (?,?,?,?,?,?,?)",
                    (assignment, entry.key, digest, entry.student_key, entry.created_at,
                     json.dumps({"score": entry.score, "history": list(entry.history)}), now()))
                sub_id = int(cur.lastrowid)
                for pos, person in enumerate(entry.submitters):
                    db.execute("INSERT INTO submitters VALUES (?,?,?,?,?)",
                               (sub_id, pos, person.sid, person.name, person.email))
                ids.append(sub_id)
        return ids

    def done(self, submission_id: int, grader_hash: str, retry_failed: bool = False) -> bool:
        sql = "SELECT 1 FROM results WHERE submission_id = ? AND grader_hash = ?"
        if retry_failed:
            sql += f" AND status NOT IN ({','.join('?' * len(FAILED_STATUSES))})"
            args: tuple = (submission_id, grader_hash, *FAILED_STATUSES)
        else:
            args = (submission_id, grader_hash)
        return self.db.execute(sql + " LIMIT 1", args).fetchone() is not None

    def claim(self, submission_id: int, grader_hash: str, run_id: int, ttl: float,
              retry_failed: bool = False) -> str:
        """Before grading: 'done' (a result exists), 'taken' (another live run is grading it
        right now) or 'mine' (this run now holds the claim). Lets concurrent batches of the same
        grader version share the work instead of grading everything twice."""
        with self.transaction() as db:
            if self.done(submission_id, grader_hash, retry_failed):
                return "done"
            row = db.execute(
                "SELECT c.run_id, c.claimed_at, r.status, r.pid, r.host FROM claims c "
                "JOIN runs r ON r.id = c.run_id WHERE c.submission_id = ? AND "
                "c.grader_hash = ?", (submission_id, grader_hash)).fetchone()
            if (row is not None and row["run_id"] != run_id and row["status"] == "running"
                    and time.time() - row["claimed_at"] < ttl
                    and (row["host"] != socket.gethostname() or _alive(row["pid"]))):
                return "taken"
            db.execute("INSERT OR REPLACE INTO claims VALUES (?,?,?,?)",
                       (submission_id, grader_hash, run_id, time.time()))
            return "mine"

    def submitters(self, submission_id: int) -> tuple[dict[str, str], ...]:
        rows = self.db.execute("SELECT sid, name, email FROM submitters WHERE submission_id = ? "
                               "ORDER BY position", (submission_id,)).fetchall()
        return tuple(dict(r) for r in rows)

    # -- results -----------------------------------------------------------------------------
    def record(self, run_id: int, submission_id: int, grader_hash: str, *, status: str,
               reason: str, result: SubmissionResult | dict[str, Any],
               reported: float) -> int:
        """Add one result with its checks, atomically."""
        typed = result if isinstance(result, SubmissionResult) else \
            SubmissionResult.from_dict(result)
        result = typed.to_dict()
        comps = result["components"]
        score, max_score = typed.score, typed.max_score
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO results (run_id, submission_id, grader_hash, status, reason, score, "
                "reported, max_score, visible, messages, output, staff_notes, seconds, device, "
                "result_json, graded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (run_id, submission_id, grader_hash, status, reason, round(score, 6),
                 round(reported, 6), round(max_score, 6), int(bool(result.get("visible", True))),
                 json.dumps(list(result.get("messages") or [])),
                 result.get("student_output") or "",
                 json.dumps(list(result.get("staff_notes") or [])), result.get("seconds"),
                 result.get("device"), json.dumps(result, default=str), now()))
            result_id = int(cur.lastrowid)
            db.executemany(
                "INSERT INTO checks VALUES (?,?,?,?,?,?,?)",
                [(result_id, c["key"], comp["id"], c["title"], c["points"], c["max_points"],
                  c.get("message") or "") for comp in comps for c in comp["checks"]])
        return result_id

    def latest(self, assignment: str, grader_hash: str,
               submission_ids: list[int] | None = None) -> dict[str, ResultRow]:
        """The latest result per student for one grader hash (overrides applied).

        With `submission_ids`, only those submissions (e.g. the current export) count.
        """
        rows = self.db.execute(
            "SELECT x.*, s.key AS submission_key, s.student_key, s.created_at FROM results x "
            "JOIN submissions s ON s.id = x.submission_id "
            "WHERE s.assignment = ? AND x.grader_hash = ? ORDER BY x.id",
            (assignment, grader_hash)).fetchall()
        wanted = set(submission_ids) if submission_ids is not None else None
        picked: dict[str, sqlite3.Row] = {}
        for row in rows:
            if wanted is not None and row["submission_id"] not in wanted:
                continue
            picked[row["student_key"]] = row  # later ids win
        overrides = self.overrides(assignment)
        return {key: self._row(row, overrides) for key, row in sorted(picked.items())}

    def _row(self, row: sqlite3.Row, overrides: dict[tuple[str, str], dict]) -> ResultRow:
        stored = json.loads(row["result_json"])
        final, checks = apply_overrides(SubmissionResult.from_dict(stored),
                                        lambda key: overrides.get((row["student_key"], key)))
        visible = bool(row["visible"])
        reported = row["reported"] if not visible else final.score
        return ResultRow(
            id=row["id"], run_id=row["run_id"], submission_id=row["submission_id"],
            submission_key=row["submission_key"], student_key=row["student_key"],
            grader_hash=row["grader_hash"], status=row["status"], reason=row["reason"],
            score=final.score, raw_score=row["score"], reported=reported,
            max_score=row["max_score"], visible=visible, checks=checks,
            graded_at=row["graded_at"], submitters=self.submitters(row["submission_id"]),
            result=stored, final=final, created_at=row["created_at"])

    def results_for(self, submission_id: int, grader_hash: str) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM results WHERE submission_id = ? AND "
                                   "grader_hash = ?", (submission_id, grader_hash)).fetchone()[0])

    # -- overrides ---------------------------------------------------------------------------
    def resolve_student(self, assignment: str, who: str) -> str:
        """A student key from a student key, SID, email, exact name or submission folder."""
        rows = self.db.execute(
            "SELECT DISTINCT s.student_key FROM submissions s LEFT JOIN submitters p "
            "ON p.submission_id = s.id WHERE s.assignment = ? AND (s.student_key = ? OR "
            "s.key = ? OR p.sid = ? OR lower(p.email) = lower(?) OR p.name = ?)",
            (assignment, who, who, who, who, who)).fetchall()
        keys = sorted({r[0] for r in rows})
        if len(keys) != 1:
            what = "no student" if not keys else f"{len(keys)} students ({', '.join(keys)})"
            raise StoreError(f"'{who}' matches {what} of {assignment} in {self.path}")
        return keys[0]

    def add_override(self, assignment: str, student_key: str, check_key: str,
                     points: float | None, by: str, why: str) -> int:
        """Record an override (points None revokes the earlier ones for that check)."""
        if not by.strip() or not why.strip():
            raise StoreError("an override needs who (--by) and why (--why)")
        with self.transaction() as db:
            cur = db.execute("INSERT INTO overrides (assignment, student_key, check_key, points, "
                             "by, why, created_at) VALUES (?,?,?,?,?,?,?)",
                             (assignment, student_key, check_key, points, by, why, now()))
            return int(cur.lastrowid)

    def overrides(self, assignment: str) -> dict[tuple[str, str], dict[str, Any]]:
        """The latest override per (student, check); a revocation (points NULL) clears it."""
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for row in self.db.execute("SELECT * FROM overrides WHERE assignment = ? ORDER BY id",
                                   (assignment,)):
            key = (row["student_key"], row["check_key"])
            if row["points"] is None:
                out.pop(key, None)
            else:
                out[key] = dict(row)
        return out

    def override_history(self, assignment: str) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM overrides WHERE assignment = ? ORDER BY id",
                               (assignment,)).fetchall()

    # -- late days -----------------------------------------------------------------------------
    def add_extensions(self, extensions: list[Any], source: str) -> int:
        """Record extensions (late.Extension) that differ from the current ones; how many."""
        added = 0
        with self.transaction() as db:
            for ext in extensions:
                row = db.execute("SELECT new_due, reason FROM extensions WHERE assignment = ? "
                                 "AND sid = ? ORDER BY id DESC LIMIT 1",
                                 (ext.assignment, ext.sid)).fetchone()
                if row is not None and (row["new_due"], row["reason"]) == (ext.new_due,
                                                                            ext.reason):
                    continue
                if row is None and ext.new_due is None:
                    continue
                db.execute("INSERT INTO extensions (assignment, sid, new_due, reason, source, "
                           "created_at) VALUES (?,?,?,?,?,?)",
                           (ext.assignment, ext.sid, ext.new_due, ext.reason, source, now()))
                added += 1
        return added

    def extensions(self, assignment: str) -> dict[str, Any]:
        """The current extension per SID of `assignment` (late.Extension; revoked ones gone)."""
        from ..late import Extension

        out: dict[str, Any] = {}
        for row in self.db.execute("SELECT * FROM extensions WHERE assignment = ? ORDER BY id",
                                   (assignment,)):
            if row["new_due"] is None:
                out.pop(row["sid"], None)
            else:
                out[row["sid"]] = Extension(row["sid"], assignment, row["new_due"],
                                            row["reason"], row["source"])
        return out

    def record_late(self, run_id: int, assignment: str, due: str | None, due_source: str,
                    policy: dict[str, Any], budget: int,
                    decisions: list[tuple[int | None, tuple[str, ...], Any]]) -> None:
        """The late decisions (late.LateDecision) of one run, with the rules they used."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO late_runs VALUES (?,?,?,?,?,?,?)",
                       (run_id, assignment, due, due_source, json.dumps(policy), budget, now()))
            db.execute("DELETE FROM late WHERE run_id = ?", (run_id,))
            db.executemany("INSERT INTO late VALUES (?,?,?,?,?,?,?)",
                           [(run_id, sub_id, d.member, json.dumps(list(group)),
                             json.dumps(d.as_dict()), d.days_charged, d.penalty)
                            for sub_id, group, d in decisions])

    def late_runs(self, assignment: str | None = None) -> list[sqlite3.Row]:
        """Runs that recorded late days, oldest first."""
        sql, args = "SELECT * FROM late_runs", ()
        if assignment:
            sql, args = sql + " WHERE assignment = ?", (assignment,)
        return self.db.execute(sql + " ORDER BY run_id", args).fetchall()

    def late_rows(self, run_id: int) -> list[tuple[Any, tuple[str, ...]]]:
        """(late.LateDecision, the member's group) per member recorded by one run."""
        from ..late import LateDecision

        return [(LateDecision(**json.loads(row["decision"])), tuple(json.loads(row["grp"])))
                for row in self.db.execute("SELECT * FROM late WHERE run_id = ? ORDER BY member",
                                           (run_id,))]

    def late(self, run_id: int) -> dict[str, Any]:
        """member -> late.LateDecision recorded by one run."""
        return {decision.member: decision for decision, _group in self.late_rows(run_id)}

    def integrity(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])


def apply_overrides(result: SubmissionResult, override_of) -> tuple[SubmissionResult,
                                                                   tuple[CheckRow, ...]]:
    """The result with TA overrides applied (`override_of(check key)` -> the override or
    None), each noted for staff and, with its reason, for the student; and its check rows.
    The one place overrides change points."""
    from dataclasses import replace

    notes, messages, comps, rows = [], [], [], []
    for comp in result.components:
        checks = []
        for chk in comp.checks:
            ov = override_of(chk.key)
            if ov is not None and ov.get("points") is not None:
                points = max(0.0, min(float(ov["points"]), chk.max_points))
                notes.append(f"override {chk.key}: {chk.points:g} -> {points:g} by "
                             f"{ov['by']} ({ov['created_at']}): {ov['why']}")
                messages.append(f"Score adjusted by the course staff: {chk.title}: "
                                f"{chk.points:g} -> {points:g} ({ov['why']})")
                chk = replace(chk, points=points,
                              message=chk.message if points < chk.max_points else "")
            else:
                ov = None
            checks.append(chk)
            rows.append(CheckRow(chk.key, comp.id, chk.title, chk.points, chk.max_points,
                                 chk.message, ov))
        comps.append(replace(comp, checks=tuple(checks)))
    if not notes:
        return result, tuple(rows)
    return replace(result, components=tuple(comps), messages=result.messages + tuple(messages),
                   staff_notes=result.staff_notes + tuple(notes)), tuple(rows)


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
