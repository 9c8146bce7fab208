"""The audit: generate mutants, grade them in parallel with the real grader, classify them.

Phases (each one parallel over the workers):

0. the reference twice: once reach-instrumented (which checks execute which mutation site),
   once plain (must get full marks; probe results that differ between the two runs are
   nondeterministic and compared by shape only); the hand-written bugs of tests/corpus/ too;
1. every mutant that some check executes, at the grader's own seed. A failed check kills it;
   a mutant no check executes is a survivor ("unreached") without grading it;
2. survivors whose recorded probe results equal the reference's are equivalence candidates:
   the grader's own probe calls (recorded while grading the mutant) are replayed with random
   float inputs of the same shapes (jittered, N(0, 1), 1000 N(0, 1), 1000 + N(0, 1)) in a
   sandbox with the reference and one with the mutant. Equal results every time: equivalent
   (excluded from the score); otherwise a survivor, with the first call that differed.

Mutation score = killed / (killed + survived), survivors including unreached mutants.

A full audit grades every mutant with every check. A quick audit (`make test`) grades a
deterministic sample of `audit.test_sample` mutants, each with every check except the YAML's
`audit.slow_checks` of other components (Beras's 8-second training run); skipping checks can
only turn kills into survivals, so the quick score errs low, and it passes when the sample's
one-sided 95 % upper bound (Wilson) reaches `min_score`, i.e. unless the sample shows the grader
is under its minimum.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..config import Assignment, AuditSpec
from .accept import Variant, independent, rewrites
from .mutate import Mutant, MutantSet, generate, sample
from .worker import dispatch, first_difference, init_worker, unstable_entries

AUDIT_VERSION = 1
QUICK_REWRITES = 6
"""Rewrites a quick audit grades (the independent implementations are graded by make test's
grader tests, so the quick acceptance audit leaves them out)."""
CORPUS = Path(__file__).resolve().parents[2] / "tests" / "corpus"
LOST_SAMPLE = 8
"""Without --exhaustive, one mutant in LOST_SAMPLE (by its digest) is graded in full, for the
points-lost statistics."""


def measures_lost(m: Mutant, exhaustive: bool) -> bool:
    return exhaustive or int(m.digest, 16) % LOST_SAMPLE == 0
FAULT_STATUSES = ("killed", "survived", "equivalent", "unreached", "error", "pending")


class AuditError(RuntimeError):
    """The audit cannot run (the reference fails its own grader, an unknown file...)."""


@dataclass
class AuditOptions:
    quick: bool = False
    workers: int = 2
    """Processes of the batch grader's supervised pool (timeouts, dead-worker retries, the
    same pool `batch grade` uses); 0 grades in this process (tests)."""
    max_mutants: int | None = None
    """Overrides the YAML's audit.max_mutants (full) or audit.test_sample (quick)."""
    seed: int | None = None
    operators: list[str] | None = None
    files: list[str] | None = None
    random_probes: bool = True
    """Probe equivalence candidates with random inputs (otherwise they count as survivors)."""
    budget: float | None = None
    """Seconds after which no new mutant is started (the rest: 'pending'; rerun to go on)."""
    cache: bool = True
    bugs: bool = True
    out: Path | None = None
    progress: bool = True
    mutants: list[Mutant] | None = None
    """Grade exactly these (tests: hand-made mutants); otherwise generated."""
    mutation: bool = True
    """The mutation direction (wrong code must lose points)."""
    acceptance: bool = True
    """The acceptance direction (correct variants must get full marks; see accept.py)."""
    accept_sample: int | None = None
    """Grade a deterministic sample of this many rewrites (quick audits: QUICK_REWRITES)."""
    exhaustive: bool = False
    """Grade every check of every mutant (as the audit did before fail-fast grading). Otherwise a mutant's grading stops at its
    first failing check (its own component's checks first, so `localized` is unchanged), and
    the points lost are measured on a deterministic sample (1 in LOST_SAMPLE mutants)."""


def spec_of(assignment: Assignment) -> AuditSpec:
    return assignment.audit or AuditSpec()


# -- which component a mutant lives in -----------------------------------------------------------
def components_of(assignment: Assignment, file: str, function: str) -> list[str]:
    """The components whose code (YAML `audit.covers`) contains `file`/`function`; the most
    specific entry wins. Without covers: components whose title starts with the file's name."""
    best, found = -1, []
    for cid, entries in spec_of(assignment).covers.items():
        for entry in entries:
            path, _, qual = entry.partition("::")
            if path != file:
                continue
            if qual and not (function == qual or function.startswith(qual + ".")):
                continue
            rank = len(qual.split(".")) if qual else 0
            if rank > best:
                best, found = rank, [cid]
            elif rank == best and cid not in found:
                found.append(cid)
    if found:
        return found
    base = Path(file).name
    return [c.id for c in assignment.components if c.title.split(":")[0].strip() == base]


def checks_for(assignment: Assignment, components: list[str], quick: bool) -> list[str] | None:
    """None (every check) in a full audit; in a quick one, every check but the slow checks of
    other components."""
    if not quick:
        return None
    slow = set(spec_of(assignment).slow_checks)
    return [k for k in assignment.check_keys()
            if k not in slow or k.split(".", 1)[0] in components]


# -- fingerprint and cache -----------------------------------------------------------------------
def fingerprint(assignment: Assignment, sources: dict[str, str]) -> str:
    """Changes whenever the grader changes (the batch grader hash: engine, sandbox, suite,
    YAML without its `audit:` key) or the reference does, and with AUDIT_VERSION (bump it when
    the audit's verdicts change meaning)."""
    from ..batch.fingerprint import grader_hash

    digest = hashlib.sha256(f"audit-v{AUDIT_VERSION}\0{grader_hash(assignment)}".encode())
    for rel in sorted(sources):
        digest.update(rel.encode() + b"\0" + sources[rel].encode())
    return digest.hexdigest()[:20]


class Cache:
    """Final verdicts per mutant, keyed by grader fingerprint, mode, checks and mutant."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        if folder:
            folder.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def key(*parts: Any) -> str:
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]

    def get(self, key: str) -> dict | None:
        if not self.folder:
            return None
        path = self.folder / f"{key}.json"
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None

    def put(self, key: str, record: dict) -> None:
        if not self.folder:
            return
        path = self.folder / f"{key}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record))
        os.replace(tmp, path)


# -- progress ------------------------------------------------------------------------------------
class Progress:
    """tqdm when installed, else one counter line on stderr."""

    def __init__(self, total: int, label: str, enabled: bool = True) -> None:
        self.total, self.label, self.done = total, label, 0
        self.counts: dict[str, int] = {}
        self.enabled = enabled and total > 0
        self.started = time.monotonic()
        self.bar = None
        self._last = 0.0
        if self.enabled:
            try:
                from tqdm import tqdm  # optional
            except ImportError:
                pass
            else:
                self.bar = tqdm(total=total, desc=label, unit="mutant", file=sys.stderr)

    def update(self, status: str) -> None:
        self.done += 1
        self.counts[status] = self.counts.get(status, 0) + 1
        if not self.enabled:
            return
        summary = " ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        if self.bar is not None:
            self.bar.set_postfix_str(summary, refresh=False)
            self.bar.update(1)
            return
        now = time.monotonic()
        if self.done < self.total and now - self._last < 0.5 and sys.stderr.isatty():
            return
        self._last = now
        rate = self.done / max(now - self.started, 1e-9)
        eta = (self.total - self.done) / rate if rate else 0
        line = (f"{self.label} [{self.done}/{self.total}] {summary} "
                f"({now - self.started:.0f} s, ~{eta:.0f} s left)")
        if sys.stderr.isatty():
            sys.stderr.write("\r" + line.ljust(100))
            if self.done == self.total:
                sys.stderr.write("\n")
        elif self.done == self.total or self.done % max(1, math.ceil(self.total / 10)) == 0:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled and sys.stderr.isatty() and self.done < self.total:
            sys.stderr.write("\n")


# -- running tasks -------------------------------------------------------------------------------
class Runner:
    """Runs task dicts on `workers` processes of the batch grader's supervised pool (the one
    pool of the project) and yields result dicts as they complete."""

    def __init__(self, workers: int, paths: list[str], timeout: float) -> None:
        self.workers, self.paths, self.timeout = workers, paths, timeout
        self._tmp = None

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def run(self, tasks: Iterable[dict], stop: Callable[[], bool] = lambda: False
            ) -> Iterator[dict]:
        tasks = list(tasks)
        if not tasks:
            return
        if self.workers <= 0:
            init_worker(self.paths)
            for task in tasks:
                if stop():
                    return
                yield dispatch(task)
            return
        yield from self._run_batch(tasks, stop)

    def _run_batch(self, tasks: list[dict], stop: Callable[[], bool]) -> Iterator[dict]:
        """The batch grader's supervised pool (timeouts, dead-worker retries)."""
        import pickle

        from ..batch.pool import LocalPool, Task

        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="ag-audit-tasks-")
        entries, by_id = [], {}
        for i, task in enumerate(tasks):
            path = Path(self._tmp.name) / f"{i}.pickle"
            path.write_bytes(pickle.dumps(task))
            entries.append(Task(i, str(path)))
            by_id[i] = task
        first = tasks[0]
        pool = LocalPool(first["yaml"], first["root"], self.workers, self.timeout,
                         task_fn=_batch_entry())
        for outcome in pool.run(entries, skip=lambda _t: stop()):
            task = by_id[outcome.task.id]
            if outcome.status == "graded" and outcome.result:
                yield outcome.result
            elif outcome.status != "skipped":
                yield {"id": task["id"], "ok": False, "seconds": outcome.seconds,
                       "error": outcome.reason or outcome.status}


def _batch_entry():
    from .worker import batch_task_fn

    return batch_task_fn


# -- the audit -----------------------------------------------------------------------------------
def wilson(k: int, n: int, z: float = 1.6449) -> tuple[float, float]:
    """One-sided 95 % Wilson bounds of a proportion k / n (z = 1.645)."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def load_bugs(assignment: Assignment) -> list[dict]:
    """The hand-written buggy submissions (tests/corpus/<name>/bugs.yaml next to the repo's
    tests, or bugs.yaml next to the assignment's YAML)."""
    import yaml

    candidates = [assignment.root / "tests" / "corpus" / assignment.name / "bugs.yaml"]
    if assignment.source:
        candidates.append(Path(assignment.source).parent / "bugs.yaml")
    for path in candidates:
        if path.is_file():
            return yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return []


def bug_files(sources: dict[str, str], bug: dict) -> dict[str, str]:
    """The reference files with the bug's textual edits (each `old` must occur once)."""
    files = dict(sources)
    for edit in bug["edits"]:
        text = files.get(edit["file"])
        if text is None or text.count(edit["old"]) != 1:
            raise AuditError(f"bug {bug['id']}: 'old' does not occur exactly once in "
                             f"{edit['file']}")
        files[edit["file"]] = text.replace(edit["old"], edit["new"])
    return files


def _lost(graded: dict, points: float) -> tuple[float, dict[str, float]]:
    failing = {cid: round(mx - sc, 6) for cid, (sc, mx) in graded["components"].items()
               if sc < mx}
    return round(graded["max_score"] - graded["score"], 6), failing


def run_audit(assignment: Assignment, options: AuditOptions | None = None,
              log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Audit `assignment`'s grader; returns the report (see report.py for its outputs)."""
    options = options or AuditOptions()
    say = log or (lambda _m: None)
    spec = spec_of(assignment)
    started = time.monotonic()
    seed = spec.seed if options.seed is None else options.seed
    if assignment.source:
        sys.path.append(str(Path(assignment.source).parent))
    generated: MutantSet = generate(assignment.solution, assignment.submission.files,
                                    options.operators, options.files)
    sources = generated.files
    if options.files:
        missing = sorted(set(options.files) - set(sources))
        if missing:
            raise AuditError(f"not a submission file of {assignment.name}: {missing}")
    universe = options.mutants if options.mutants is not None else generated.mutants
    if not options.mutation:
        universe = []
    cap = options.max_mutants if options.max_mutants is not None else (
        spec.test_sample if options.quick else spec.max_mutants)
    selected = sample(universe, cap, seed,
                      strata=lambda m: "/".join(components_of(assignment, m.file, m.function))
                      or m.file)
    mode = "quick" if options.quick else "full"
    print_fp = fingerprint(assignment, sources)
    cache = Cache(options.out / "cache" if options.cache and options.out else None)
    base = {"yaml": str(assignment.source), "root": str(assignment.root)}
    total_points = assignment.points

    records: dict[str, dict] = {}
    todo: list[tuple[Mutant, list[str], list[str] | None, str]] = []
    for m in selected:
        comps = components_of(assignment, m.file, m.function)
        checks = checks_for(assignment, comps, options.quick)
        key = Cache.key(print_fp, mode, checks, m.file, m.digest, options.random_probes,
                        measures_lost(m, options.exhaustive))
        cached = cache.get(key)
        if cached is not None:
            cached["cached"] = True
            records[m.id] = cached
        else:
            todo.append((m, comps, checks, key))
    say(f"{assignment.name}: {len(universe)} mutants, {len(selected)} selected "
        f"({mode} audit, seed {seed}), {len(records)} from the cache")

    bugs = load_bugs(assignment) if options.bugs and options.mutation else []
    timeout = 2 * assignment.limits.submission_seconds + 120
    paths = [str(Path(assignment.source).parent)] if assignment.source else []
    bug_results: list[dict] = []
    deadline = started + options.budget if options.budget is not None else None
    stop = (lambda: time.monotonic() > deadline) if deadline else (lambda: False)
    with Runner(options.workers, paths, timeout) as runner:
        # phase 0: the reference (instrumented and plain) and the hand-written bugs
        union: list[str] | None = None
        if options.quick:
            wanted = {k for _m, _c, checks, _k in todo for k in checks or []}
            for bug in bugs:
                wanted |= set(checks_for(assignment, [bug["component"]], True) or [])
            union = [k for k in assignment.check_keys() if k in wanted]
        tasks = []
        if todo:
            instrumented = dict(sources)
            instrumented.update(generated.instrumented)
            tasks.append({**base, "id": "reference:instrumented", "files": instrumented,
                          "checks": union, "reach": True, "record": "always"})
            tasks.append({**base, "id": "reference", "files": sources, "checks": union,
                          "record": "always"})
        for bug in bugs:
            tasks.append({**base, "id": f"bug:{bug['id']}", "files": bug_files(sources, bug),
                          "checks": checks_for(assignment, [bug["component"]], options.quick),
                          "first": [bug["component"]], "fail_fast": not options.exhaustive})
        progress = Progress(len(tasks), f"{assignment.name} reference + bugs", options.progress)
        phase0: dict[str, dict] = {}
        for out in runner.run(tasks):
            phase0[out["id"]] = out
            progress.update("done" if out.get("ok") else "error")
        progress.close()
        for bug in bugs:
            bug_results.append(_bug_record(bug, phase0[f"bug:{bug['id']}"], total_points))
        reached: dict[str, list[str]] = {}
        unstable: set = set()
        reference_rec: dict = {}
        if todo:
            ref_i, ref = phase0["reference:instrumented"], phase0["reference"]
            for label, out in (("the reference solution", ref),
                               ("the reach-instrumented reference", ref_i)):
                if not out.get("ok"):
                    raise AuditError(f"{label} could not be graded: {out.get('error')}\n"
                                     f"{out.get('traceback', '')}")
                if out["score"] < out["max_score"]:
                    raise AuditError(f"{label} does not get full marks "
                                     f"({out['score']:g} / {out['max_score']:g}): "
                                     f"{out['failed'][:3]}")
            reached = ref_i["reached"]
            unstable = unstable_entries(ref["recording"], ref_i["recording"])
            reference_rec = ref["recording"]

        # phase 1: every reached mutant at the grader's seed
        borrowed = {key for key, calls in reference_rec.items() if not calls}
        phase1 = []
        for m, comps, checks, key in todo:
            runs = set(checks or assignment.check_keys())
            # checks that reuse a result another check computed (the suite's cache) make no
            # call of their own: they can fail on any mutant, so they always run
            by = sorted(runs if not m.reach else (set(reached.get(m.reach, [])) | borrowed)
                        & runs)
            rec = _mutant_record(m, comps, checks)
            rec["reached_by"] = by
            if not by:
                rec.update(status="unreached", note="no check executes this code")
                records[m.id] = rec
                cache.put(key, rec)
                continue
            phase1.append((m, rec, key))
        files_of = {m.id: {**sources, m.file: m.source} for m, _r, _k in phase1}
        # only the checks that execute the mutated code can fail; the mutant's own components
        # go first, and (unless it measures points lost) grading stops at the first failure
        tasks = [{**base, "id": m.id, "files": files_of[m.id],
                  "checks": rec["checks"] if options.exhaustive else rec["reached_by"],
                  "first": rec["components"], "fail_fast": not measures_lost(m, options.exhaustive),
                  "record": True} for m, rec, _k in phase1]
        progress = Progress(len(tasks), f"{assignment.name} mutants", options.progress)
        entries = {m.id: (m, rec, key) for m, rec, key in phase1}
        outs: dict[str, dict] = {}
        candidates = []
        for out in runner.run(tasks, stop):  # each verdict is cached as soon as it is known
            outs[out["id"]] = out
            m, rec, key = entries[out["id"]]
            _apply_grading(rec, out, total_points)
            progress.update(rec["status"])
            if rec["status"] == "survived":
                ran = set((rec["checks"] if options.exhaustive else rec["reached_by"])
                          or assignment.check_keys())
                diff = first_difference(out.get("recording", {}),
                                        {k: v for k, v in reference_rec.items() if k in ran},
                                        unstable)
                if not diff:
                    candidates.append((m, rec, key))
                    continue
                rec["note"] = f"outputs differ from the reference's ({diff}) but every " \
                              "check passes"
            records[m.id] = rec
            if rec["status"] != "error":
                cache.put(key, rec)
        progress.close()
        for m, rec, _key in phase1:
            if m.id not in outs:
                rec.update(status="pending", note="not graded yet (time budget): run again")
                records[m.id] = rec

        # phase 2: equivalence candidates, probed with random inputs
        if candidates and options.random_probes:
            unstable_list = sorted(unstable)
            tasks = [{**base, "kind": "probe", "id": m.id, "files": files_of[m.id],
                      "reference_files": sources, "calls": outs[m.id].get("calls", []),
                      "unstable": unstable_list, "seed": seed} for m, _rec, _key in candidates]
            progress = Progress(len(tasks), f"{assignment.name} random probes",
                                options.progress)
            entries = {m.id: (m, rec, key) for m, rec, key in candidates}
            for out in runner.run(tasks):
                m, rec, key = entries.pop(out["id"])
                rec.update(_equivalence(out))
                records[m.id] = rec
                if out.get("ok"):
                    cache.put(key, rec)
                progress.update(rec["status"])
            progress.close()
            for m, rec, _key in entries.values():
                rec.update(_equivalence(None))
                records[m.id] = rec
        else:
            for m, rec, key in candidates:
                rec.update(status="survived", note="identical probe results on the grader's "
                           "inputs; not probed with random inputs (--no-random-probes)")
                records[m.id] = rec

    ordered = [records[m.id] for m in selected if m.id in records]
    report = _report(assignment, spec, options, ordered, bug_results, len(universe), selected,
                     seed, print_fp, time.monotonic() - started, mode)
    if options.acceptance:
        accepted = run_acceptance(assignment, options, sources, print_fp, cache, say)
        report["acceptance"] = accepted
        report["passes"] = (report["passes"] or not options.mutation) and accepted["passes"]
        report["timing"]["seconds"] = round(time.monotonic() - started, 1)
    return report


def acceptance_variants(assignment: Assignment, sources: dict[str, str], quick: bool,
                        cap: int | None, seed: int) -> tuple[list[Variant], int]:
    """The variants to grade, and how many rewrites there are in all."""
    found = rewrites(sources)
    total = len(found)
    if cap is not None and cap < len(found):
        rng = random.Random(seed)
        keep = set(rng.sample(range(len(found)), cap))
        found = [v for i, v in enumerate(found) if i in keep]
    if not quick:
        found += independent(CORPUS / assignment.name / "independent")
    return found, total


def run_acceptance(assignment: Assignment, options: AuditOptions, sources: dict[str, str],
                   print_fp: str, cache: "Cache", say: Callable[[str], None]) -> dict[str, Any]:
    """Grade correct variants of the reference; each must get full marks."""
    started = time.monotonic()
    seed = spec_of(assignment).seed if options.seed is None else options.seed
    cap = options.accept_sample if options.accept_sample is not None else (
        QUICK_REWRITES if options.quick else None)
    variants, total_rewrites = acceptance_variants(assignment, sources, options.quick, cap, seed)
    base = {"yaml": str(assignment.source), "root": str(assignment.root)}
    records: dict[str, dict] = {}
    tasks = []
    for v in variants:
        key = Cache.key(print_fp, "accept", v.id, v.digest)
        cached = cache.get(key)
        if cached is not None:
            records[v.id] = {**cached, "cached": True}
            continue
        files = dict(v.files) if v.kind == "independent" else {**sources, **v.files}
        tasks.append(({**base, "id": v.id, "files": files, "checks": None}, v, key))
    say(f"{assignment.name}: {len(variants)} correct variants ({total_rewrites} rewrites"
        f"{', sampled' if cap is not None and cap < total_rewrites else ''}"
        f"{'' if options.quick else ', plus the independent implementations'}), "
        f"{len(records)} from the cache")
    timeout = 2 * assignment.limits.submission_seconds + 120
    paths = [str(Path(assignment.source).parent)] if assignment.source else []
    if tasks:
        entries = {task["id"]: (v, key) for task, v, key in tasks}
        progress = Progress(len(tasks), f"{assignment.name} correct variants", options.progress)
        with Runner(options.workers, paths, timeout) as runner:
            for out in runner.run([task for task, _v, _k in tasks]):
                v, key = entries[out["id"]]
                rec = _variant_record(v, out)
                records[v.id] = rec
                if rec["status"] != "error":
                    cache.put(key, rec)
                progress.update(rec["status"])
        progress.close()
    ordered = [records[v.id] for v in variants if v.id in records]
    accepted = sum(r["status"] == "accepted" for r in ordered)
    judged = sum(r["status"] in ("accepted", "rejected") for r in ordered)
    score = accepted / judged if judged else None
    return {"score": None if score is None else round(score, 4), "accepted": accepted,
            "graded": judged, "variants": ordered, "total_rewrites": total_rewrites,
            "passes": score == 1.0 and judged == len(variants),
            "seconds": round(time.monotonic() - started, 1)}


def _variant_record(v: Variant, out: dict) -> dict:
    rec = {"id": v.id, "kind": v.kind, "description": v.description, "diff": v.diff,
           "seconds": out.get("seconds")}
    if not out.get("ok"):
        rec.update(status="error", note=out.get("error", "grading failed"))
        return rec
    full = out["score"] >= out["max_score"]
    rec.update(status="accepted" if full else "rejected", score=out["score"],
               max_score=out["max_score"], failed=out["failed"][:6])
    return rec


def _mutant_record(m: Mutant, comps: list[str], checks: list[str] | None) -> dict:
    return {"id": m.id, "file": m.file, "line": m.line, "function": m.function,
            "operator": m.operator, "description": m.description, "components": comps,
            "checks": checks, "diff": m.diff, "status": "", "note": "", "lost": 0.0,
            "lost_fraction": 0.0, "failing_components": {}, "localized": None,
            "failed_checks": [], "first_message": "", "harness_errors": [], "flags": [],
            "seconds": 0.0, "reached_by": []}


def _apply_grading(rec: dict, out: dict, total_points: float) -> None:
    rec["seconds"] = out.get("seconds", 0.0)
    rec["lost_measured"] = not out.get("skipped")
    if not out.get("ok"):
        rec.update(status="error", note=out.get("error", "grading failed"))
        return
    lost, failing = _lost(out, total_points)
    rec["lost"] = lost
    rec["lost_fraction"] = round(lost / total_points, 4) if total_points else 0.0
    rec["failing_components"] = failing
    rec["failed_checks"] = [k for k, _msg in out["failed"]]
    rec["first_message"] = out["failed"][0][1] if out["failed"] else ""
    rec["harness_errors"] = out.get("harness_errors", [])
    if lost > 0:
        rec["status"] = "killed"
        rec["localized"] = any(c in failing for c in rec["components"])
    else:
        rec["status"] = "survived"


def _equivalence(out: dict | None) -> dict:
    if not out or not out.get("ok"):
        return {"status": "survived", "note": "identical probe results on the grader's inputs; "
                "the random probes could not run: " + str((out or {}).get("error", "lost"))}
    if out["difference"]:
        return {"status": "survived", "note": "identical results on the grader's inputs, "
                f"different on random inputs ({out['difference']})"}
    return {"status": "equivalent", "note": "identical results on the grader's inputs and on "
            f"{out['probes']} random probes (jittered, fresh, large and offset inputs)"}


def _bug_record(bug: dict, out: dict, total_points: float) -> dict:
    rec = {"id": bug["id"], "component": bug["component"],
           "description": bug.get("description", ""), "status": "", "lost": 0.0,
           "lost_fraction": 0.0, "failing_components": {}, "localized": False, "ok": False,
           "note": ""}
    if not out.get("ok"):
        rec.update(status="error", note=out.get("error", ""))
        return rec
    lost, failing = _lost(out, total_points)
    rec.update(lost=lost, lost_fraction=round(lost / total_points, 4) if total_points else 0.0,
               failing_components=failing, localized=bug["component"] in failing,
               status="killed" if lost > 0 else "survived")
    rec["ok"] = rec["status"] == "killed" and rec["localized"]
    if rec["status"] == "survived":
        rec["note"] = "every check passes"
    elif not rec["localized"]:
        rec["note"] = f"points lost only in {', '.join(failing)}"
    return rec


def _flags(rec: dict) -> list[str]:
    flags = []
    if rec["status"] in ("survived", "unreached"):
        flags.append("costs 0 %")
    if rec["status"] == "killed":
        if rec["lost_fraction"] >= 0.999 and rec.get("lost_measured", True):
            flags.append("costs 100 %")
        if rec["localized"] is False:
            flags.append("killed only outside its component")
        if rec["harness_errors"]:
            flags.append("a check crashed (grader bug)")
    return flags


def _report(assignment: Assignment, spec: AuditSpec, options: AuditOptions, records: list[dict],
            bugs: list[dict], universe: int, selected: list[Mutant], seed: int, print_fp: str,
            seconds: float, mode: str) -> dict[str, Any]:
    counts = {s: 0 for s in FAULT_STATUSES}
    for rec in records:
        rec["flags"] = _flags(rec)
        counts[rec["status"]] = counts.get(rec["status"], 0) + 1
    pending = len(selected) - len(records) + counts["pending"]
    counts["pending"] = pending
    killed = counts["killed"]
    alive = counts["survived"] + counts["unreached"]
    judged = killed + alive
    score = killed / judged if judged else None
    low, high = wilson(killed, judged)
    sampled = len(selected) < universe
    if score is None:
        passes = False
    elif sampled or mode == "quick":
        passes = high >= spec.min_score
    else:
        passes = score >= spec.min_score
    components: dict[str, dict[str, int]] = {}
    for comp in assignment.components:
        components[comp.id] = {s: 0 for s in FAULT_STATUSES}
    components.setdefault("?", {s: 0 for s in FAULT_STATUSES})
    for rec in records:
        for cid in rec["components"] or ["?"]:
            components.setdefault(cid, {s: 0 for s in FAULT_STATUSES})[rec["status"]] += 1
    if not any(components["?"].values()):
        del components["?"]
    operators: dict[str, dict[str, int]] = {}
    for rec in records:
        operators.setdefault(rec["operator"], {s: 0 for s in FAULT_STATUSES})[rec["status"]] += 1
    grade_seconds = [r["seconds"] for r in records if r["seconds"] and not r.get("cached")]
    return {
        "assignment": assignment.name, "mode": mode,
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "fingerprint": print_fp, "seed": seed, "min_score": spec.min_score,
        "score": None if score is None else round(score, 4),
        "wilson95": [round(low, 4), round(high, 4)],
        "passes": passes and pending == 0,
        "complete": pending == 0,
        "sampled": sampled, "total_mutants": universe, "selected": len(selected),
        "graded": judged + counts["equivalent"] + counts["error"], "counts": counts,
        "components": components, "operators": operators,
        "bugs": bugs, "bugs_ok": all(b["ok"] for b in bugs),
        "mutants": records,
        "timing": {"seconds": round(seconds, 1), "workers": options.workers,
                   "mean_grade_seconds": round(sum(grade_seconds) / len(grade_seconds), 2)
                   if grade_seconds else None},
        "options": {"quick": options.quick, "random_probes": options.random_probes,
                    "operators": options.operators, "files": options.files,
                    "max_mutants": options.max_mutants, "budget": options.budget},
    }
