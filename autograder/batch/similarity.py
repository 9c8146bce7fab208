"""Pairwise code similarity of a batch of submissions, for TAs (`batch similarity`).

Only the assignment's submitted files (`submission.files`, placed in the canonical layout by
the engine's own `normalize`, so zips and flat uploads are read as the grader reads them) are
compared, file by file (`backprop.py` with `backprop.py`). Fingerprints are copydetect's:
pygments tokens with names, strings and comments filtered out (so renaming variables changes
nothing), k-gram hashes, winnowing, and the handout skeleton (`assignments/<a>/`) removed as
boilerplate. A submission's similarity to another is the share of its own code (copydetect's
token coverage, summed over its files) that also appears in the other.

Comparing ~500k pairs in full would take long, so pairs are first screened with an inverted
index (a sparse hash x submission matrix): for every pair, the share of each side's
fingerprint positions whose hash the other side has too. Only pairs whose estimate reaches
`prefilter` (default: half the threshold) are compared in full with `copydetect.compare_files`.

Also: submissions of earlier terms (`references`, compared with this term's submissions but
not with each other), the staff solution (`solutions/<a>/`, never a member of a pair: every
submission is compared with it and near-copies are listed on their own), and the same person's
entries (a group's own members, resubmissions) never paired. Output: `index.html` (ranked
pairs, solution matches, skipped submissions), one side-by-side page per reported pair under
`pairs/`, and `pairs.csv`; static HTML with inline CSS only.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Assignment, SubmissionSpec
from ..engine.display import shown
from ..paths import CoursePaths
from .export import Entry, Source, load_source

TEMPLATES = Path(__file__).with_name("templates")
NOISE_TOKENS = 25
"""copydetect's default noise threshold: k, the k-gram length in filtered tokens."""
WINDOW = 1
"""Winnowing window (copydetect's default guarantee threshold 25 gives 25 - 25 + 1 = 1)."""
DEFAULT_THRESHOLD = 0.33
DEFAULT_TOP = 100
DEFAULT_MIN_TOKENS = 60
DEFAULT_SOLUTION_THRESHOLD = 0.8
DEFAULT_COMMON = 0.1
COMMON_MIN = 10
"""Fingerprints in more than max(COMMON_MIN, common x submissions) of this term's submissions
are common code (the natural one-liners of a tightly specified assignment) and are ignored."""

Job = tuple[str, tuple[str, ...], str | None, tuple[str, ...], str, Any, dict[str, str]]
"""(upload, files, package, provided, scratch folder, notebook edition or None, owners: each
top-level name of the reference modules -> its file)."""
OTHER_CELLS = "notebook_other_cells.py"
"""A notebook upload's cells that define none of the reference modules' names."""

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called as work advances (stage is a short phrase)."""


class SimilarityError(ValueError):
    """Input that cannot be compared at all (the message says why)."""


@dataclass(frozen=True)
class Submission:
    """One compared (or skipped) submission."""

    index: int
    key: str
    """The export's folder or zip name (for a reference: '<reference>/<key>')."""
    label: str
    """Who: names and SIDs when the export has them, else the folder name."""
    student_key: str
    origin: str
    """'current', or the reference folder's name for an earlier term."""
    files: tuple[str, ...] = ()
    """Submitted files that were read."""
    tokens: int = 0
    """Own code (filtered tokens outside the skeleton) over all files."""
    notes: tuple[str, ...] = ()
    skipped: str | None = None
    """Why it was not compared (unreadable, no submitted file), or None."""
    people: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FileMatch:
    """One file of a pair: shares of each side's code in that file found in the other."""

    file: str
    similarity_a: float
    similarity_b: float
    tokens_a: int
    tokens_b: int
    lines_a: int = 0
    lines_b: int = 0


@dataclass(frozen=True)
class PairMatch:
    """Two submissions (b may be an earlier term's, or the staff solution) and their overlap."""

    a: Submission
    b: Submission
    similarity_a: float
    """Share of a's own code that also appears in b (0..1)."""
    similarity_b: float
    tokens_a: int
    """Matched filtered tokens in a (copydetect's token overlap)."""
    tokens_b: int
    lines_a: int = 0
    """Source lines of a touched by a match (filled in for reported pairs)."""
    lines_b: int = 0
    files: tuple[FileMatch, ...] = ()
    page: str | None = None
    """The side-by-side page, relative to the output folder."""
    flags: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        return max(self.similarity_a, self.similarity_b)


@dataclass(frozen=True)
class SimilarityResult:
    """What `similarity_report` found and wrote."""

    assignment: str
    out: Path
    index: Path
    submissions: tuple[Submission, ...]
    """This term's submissions (skipped ones included)."""
    references: tuple[Submission, ...]
    pairs: tuple[PairMatch, ...]
    """Reported pairs, most similar first (at most `top`)."""
    solution_matches: tuple[PairMatch, ...]
    """Submissions whose own code is mostly the staff solution (b is the solution)."""
    pairs_possible: int
    """Pairs that may be compared (same-person pairs and reference-reference pairs excluded)."""
    pairs_compared: int
    """Pairs that passed the inverted-index screen and were compared in full."""
    pairs_above: int
    """Pairs at or above the threshold (before the `top` cut)."""
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def skipped(self) -> tuple[Submission, ...]:
        return tuple(s for s in (*self.submissions, *self.references) if s.skipped)


# -- reading (worker side: no hashing here, Python's str hash differs between processes) --------
@dataclass(frozen=True)
class _File:
    name: str
    raw: str
    filtered: str
    offsets: Any


@dataclass(frozen=True)
class _Read:
    files: tuple[_File, ...]
    notes: tuple[str, ...]
    error: str | None


def _filter(raw: str, name: str) -> tuple[str, Any]:
    from copydetect.utils import filter_code

    return filter_code(raw, name)


def module_owners(solution: Path, files: Sequence[str]) -> dict[str, str]:
    """Each top-level function or class of the reference's submitted modules -> its file
    (how a notebook's cells are filed under the module they implement)."""
    import ast

    owners: dict[str, str] = {}
    for rel in files:
        path = Path(solution) / rel
        if rel.endswith(".py") and path.is_file():
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    owners.setdefault(node.name, rel)
    return owners


def notebook_documents(dest: Path, owners: dict[str, str]) -> dict[str, bytes]:
    """A graded notebook's code cells (convert.py's `cell_<n>.py`), filed under the module
    whose names each cell defines (most of them), so that a notebook is compared with other
    notebooks and with .py submissions file by file; other cells go together."""
    from ..notebooks.convert import defined_names

    docs: dict[str, list[str]] = {}
    cells = sorted(dest.glob("cell_*.py"), key=lambda p: int(p.stem.split("_")[1]))
    for path in cells:
        code = path.read_text(encoding="utf-8", errors="replace")
        names = [owners[n] for n in defined_names(code) if n in owners]
        home = max(set(names), key=names.count) if names else OTHER_CELLS
        docs.setdefault(home, []).append(f"# {path.stem}\n{code}\n")
    return {name: "\n".join(parts).encode() for name, parts in docs.items()}


def _read_entry(job: Job) -> _Read:
    """Normalize one upload like the grader does and tokenize its submitted files (a notebook
    upload: its code cells, filed by module)."""
    from ..engine.submission import normalize
    from ..notebooks.convert import RUNNER

    path, files, package, provided, scratch, notebook, owners = job
    dest = Path(tempfile.mkdtemp(dir=scratch))
    try:
        spec = SubmissionSpec(package, files, (), provided, notebook)
        norm = normalize(Path(path), spec, dest)
        notes = [n for n in norm.messages if not n.startswith("extra file")]
        if (dest / RUNNER).is_file():  # the shims are the grader's: compare the cells
            contents = notebook_documents(dest, owners)
        else:
            contents = {name: (dest / name).read_bytes() for name in norm.found}
        out = []
        for name, data in contents.items():
            try:
                raw = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                notes.append(f"{name}: not UTF-8 text (byte {data[exc.start]:#04x} at offset "
                             f"{exc.start}); not compared")
                continue
            filtered, offsets = _filter(raw, name)
            out.append(_File(name, raw, filtered, offsets))
        error = None
        if not out:
            error = ("no readable submitted file (" + ", ".join(files) + ")"
                     + (": " + "; ".join(notes[:3]) if notes else ""))
        return _Read(tuple(out), tuple(notes), error)
    except Exception as exc:  # one unreadable upload must not stop the report
        return _Read((), (), f"cannot be read: {type(exc).__name__}: {shown(exc)}")
    finally:
        shutil.rmtree(dest, ignore_errors=True)


# -- fingerprints (main process) -----------------------------------------------------------------
@dataclass
class _Fingerprint:
    """Duck-typed copydetect.CodeFingerprint (what `compare_files` reads), built from text
    that a worker already filtered."""

    filename: str
    raw_code: str
    filtered_code: str
    offsets: Any
    hashes: set
    hash_idx: dict
    k: int
    token_coverage: int


def _fingerprint(name: str, raw: str, filtered: str, offsets: Any, boilerplate: np.ndarray,
                 k: int, window: int) -> _Fingerprint:
    from copydetect.utils import get_document_fingerprints, get_token_coverage

    hashes, idx = get_document_fingerprints(filtered, k, window, boilerplate)
    coverage = int(get_token_coverage(idx, k, len(filtered))) if idx else 0
    return _Fingerprint(name, raw, filtered, offsets, hashes, idx, k, coverage)


def _boilerplate(files: Iterable[Path], k: int) -> np.ndarray:
    """Every k-gram hash of the skeleton files (copydetect's boilerplate, window 1)."""
    from copydetect.utils import hashed_kgrams

    found = [np.array([], dtype=np.int64)]
    for path in files:
        if path.is_file():
            filtered, _ = _filter(path.read_text(encoding="utf-8", errors="replace"), path.name)
            found.append(hashed_kgrams(filtered, k).astype(np.int64))
    return np.unique(np.concatenate(found))


def _label(entry: Entry) -> str:
    people = [", ".join(x for x in (s.name, s.sid) if x) or s.email for s in entry.submitters]
    return shown("; ".join(p for p in people if p) or entry.key)


def _people(entry: Entry) -> frozenset[str]:
    ids = {s.ident for s in entry.submitters if s.ident}
    return frozenset(ids or {entry.student_key})


def _overlap(fa: _Fingerprint, fb: _Fingerprint) -> tuple[int, int, Any, Any]:
    """(tokens of a matched, tokens of b matched, slices in a's raw code, slices in b's)."""
    from copydetect import compare_files

    if not fa.hashes or not fb.hashes:
        return 0, 0, None, None
    tokens_a, (_, sim_b), (slices_a, slices_b) = compare_files(fa, fb)
    if not tokens_a:
        return 0, 0, None, None
    return int(tokens_a), int(round(sim_b * fb.token_coverage)), slices_a, slices_b


def _lines(raw: str, slices: Any) -> int:
    """Source lines touched by the matched slices."""
    if slices is None or len(slices) == 0 or len(slices[0]) == 0:
        return 0
    newlines = np.flatnonzero(np.frombuffer(raw.encode("utf-32-le"), dtype=np.uint32) == 10)
    touched = np.zeros(len(newlines) + 1, dtype=bool)
    starts = np.searchsorted(newlines, np.asarray(slices[0], dtype=np.int64), side="right")
    ends = np.searchsorted(newlines, np.asarray(slices[1], dtype=np.int64) - 1, side="right")
    for s, e in zip(starts, ends):
        touched[s:e + 1] = True
    return int(touched.sum())


class _Corpus:
    """Fingerprints of every compared submission, by file name."""

    def __init__(self, k: int, window: int, boilerplate: np.ndarray):
        self.k, self.window, self.boilerplate = k, window, boilerplate
        self.subs: list[Submission] = []
        self.docs: list[dict[str, _Fingerprint]] = []

    def add(self, sub: Submission, read: _Read | None) -> Submission:
        docs: dict[str, _Fingerprint] = {}
        if read is not None and not sub.skipped:
            for f in read.files:
                docs[f.name] = _fingerprint(f.name, f.raw, f.filtered, f.offsets,
                                            self.boilerplate, self.k, self.window)
            sub = _replace(sub, files=tuple(docs), tokens=sum(d.token_coverage
                                                              for d in docs.values()))
        self.subs.append(sub)
        self.docs.append(docs)
        return sub

    def compare(self, i: int, j: int, detail: bool = False) -> PairMatch:
        return compare_docs(self.subs[i], self.docs[i], self.subs[j], self.docs[j], detail)

    def drop_common(self, members: Sequence[int], limit: int) -> int:
        """Remove fingerprints found in more than `limit` of `members` (code nearly everyone
        writes the same way) from every document, as boilerplate; returns how many."""
        from copydetect.utils import get_token_coverage

        dropped = 0
        names = sorted({n for i in members for n in self.docs[i]})
        for name in names:
            keys = [np.fromiter(self.docs[i][name].hashes, dtype=np.int64)
                    for i in members if name in self.docs[i] and self.docs[i][name].hashes]
            if len(keys) <= limit:
                continue
            values, counts = np.unique(np.concatenate(keys), return_counts=True)
            common = set(values[counts > limit].tolist())
            dropped += len(common)
            if not common:
                continue
            for docs in self.docs:
                doc = docs.get(name)
                if doc is None or not (doc.hashes & common):
                    continue
                idx = {h: v for h, v in doc.hash_idx.items() if h not in common}
                coverage = int(get_token_coverage(idx, self.k, len(doc.filtered_code))) \
                    if idx else 0
                docs[name] = _Fingerprint(doc.filename, doc.raw_code, doc.filtered_code,
                                          doc.offsets, set(idx), idx, self.k, coverage)
        for n, docs in enumerate(self.docs):
            if docs:
                self.subs[n] = _replace(self.subs[n], tokens=sum(d.token_coverage
                                                                 for d in docs.values()))
        return dropped


def _replace(sub: Submission, **changes: Any) -> Submission:
    from dataclasses import replace

    return replace(sub, **changes)


def compare_docs(a: Submission, docs_a: dict[str, _Fingerprint], b: Submission,
                 docs_b: dict[str, _Fingerprint], detail: bool = False) -> PairMatch:
    """Full copydetect comparison of two submissions, same-named files with each other."""
    cov_a = sum(d.token_coverage for d in docs_a.values())
    cov_b = sum(d.token_coverage for d in docs_b.values())
    tot_a = tot_b = lines_a = lines_b = 0
    files = []
    for name in sorted(set(docs_a) & set(docs_b)):
        fa, fb = docs_a[name], docs_b[name]
        ta, tb, sa, sb = _overlap(fa, fb)
        tot_a += ta
        tot_b += tb
        if detail:
            la, lb = _lines(fa.raw_code, sa), _lines(fb.raw_code, sb)
            lines_a += la
            lines_b += lb
            files.append(FileMatch(name, ta / fa.token_coverage if fa.token_coverage else 0.0,
                                   tb / fb.token_coverage if fb.token_coverage else 0.0,
                                   ta, tb, la, lb))
    return PairMatch(a, b, tot_a / cov_a if cov_a else 0.0, tot_b / cov_b if cov_b else 0.0,
                     tot_a, tot_b, lines_a, lines_b, tuple(files))


# -- the inverted-index screen ------------------------------------------------------------------
def _shared_positions(corpus: _Corpus, rows: Sequence[int], cols: Sequence[int]):
    """Sparse (len(rows) x len(cols)) matrix: fingerprint positions of row submission r whose
    hash (in the same file) the column submission c has too; and positions per row."""
    from scipy import sparse

    total = None
    names = sorted({n for i in (*rows, *cols) for n in corpus.docs[i]})
    positions = np.zeros(len(rows), dtype=np.float64)
    for name in names:
        def matrix(members: Sequence[int], counts: bool):
            ptr, hashes, values = [0], [], []
            for i in members:
                doc = corpus.docs[i].get(name)
                if doc is not None and doc.hash_idx:
                    keys = np.fromiter(doc.hash_idx.keys(), dtype=np.int64,
                                       count=len(doc.hash_idx))
                    hashes.append(keys)
                    values.append(np.fromiter((len(v) for v in doc.hash_idx.values()),
                                              dtype=np.float32, count=len(keys)) if counts
                                  else np.ones(len(keys), dtype=np.float32))
                    ptr.append(ptr[-1] + len(keys))
                else:
                    ptr.append(ptr[-1])
            return ptr, hashes, values

        rp, rh, rv = matrix(rows, True)
        cp, ch, cv = matrix(cols, False)
        if not rh or not ch:
            continue
        vocab, inverse = np.unique(np.concatenate(rh + ch), return_inverse=True)
        n_rows = rp[-1]
        left = sparse.csr_matrix((np.concatenate(rv), inverse[:n_rows], rp),
                                 shape=(len(rows), len(vocab)))
        right = sparse.csr_matrix((np.concatenate(cv), inverse[n_rows:], cp),
                                  shape=(len(cols), len(vocab)))
        positions += np.asarray(left.sum(axis=1)).ravel()
        product = (left @ right.T).tocsr()
        total = product if total is None else total + product
    if total is None:
        total = sparse.csr_matrix((len(rows), len(cols)), dtype=np.float32)
    return total.tocoo(), positions


def _same_person_pairs(corpus: _Corpus, current: list[int], refs: list[int]) -> set:
    """(a, b) pairs of the same person (group members, resubmissions) that are never compared."""
    by_person: dict[str, list[int]] = {}
    for i in (*current, *refs):
        for person in corpus.subs[i].people:
            by_person.setdefault(person, []).append(i)
    ref_set, same = set(refs), set()
    for members in by_person.values():
        for x in members:
            for y in members:
                if x < y and x not in ref_set:  # current first: (current, current or ref)
                    same.add((x, y))
    return same


def _candidates(corpus: _Corpus, current: list[int], refs: list[int], ratio: float,
                same: set) -> list[tuple[int, int]]:
    """Pairs (a, b), a current, worth a full comparison: either side's estimated share of
    fingerprint positions found in the other reaches `ratio`."""
    if not current:
        return []
    ref_set, both = set(refs), current + refs
    found: set[tuple[int, int]] = set()
    shared, positions = _shared_positions(corpus, current, both)
    frac = shared.data / np.maximum(positions[shared.row], 1)
    keep = (frac >= ratio) & (shared.row != shared.col)
    for r, c in zip(shared.row[keep].tolist(), shared.col[keep].tolist()):
        a, b = current[r], both[c]
        found.add((a, b) if b in ref_set or a < b else (b, a))
    if refs:
        back, positions = _shared_positions(corpus, refs, current)
        frac = back.data / np.maximum(positions[back.row], 1)
        keep = frac >= ratio
        for r, c in zip(back.row[keep].tolist(), back.col[keep].tolist()):
            found.add((current[c], refs[r]))
    return sorted(p for p in found if p not in same)


# -- the report --------------------------------------------------------------------------------
def _read_all(jobs: list[Job], workers: int | None, progress: Progress | None) -> list[_Read]:
    """_read_entry for every job, in a process pool when it pays off."""
    workers = workers or min(os.cpu_count() or 1, 8)
    results: list[_Read] = []
    if workers <= 1 or len(jobs) < 24:
        for n, job in enumerate(jobs, 1):
            results.append(_read_entry(job))
            if progress:
                progress("reading submissions", n, len(jobs))
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for n, read in enumerate(pool.map(_read_entry, jobs, chunksize=4), 1):
            results.append(read)
            if progress and (n % 10 == 0 or n == len(jobs)):
                progress("reading submissions", n, len(jobs))
    return results


def similarity_report(assignment: Assignment, source: Path, out: Path,
                      references: Sequence[Path] = (), *, threshold: float = DEFAULT_THRESHOLD,
                      top: int = DEFAULT_TOP, min_tokens: int = DEFAULT_MIN_TOKENS,
                      solution_threshold: float = DEFAULT_SOLUTION_THRESHOLD,
                      common: float | None = DEFAULT_COMMON, prefilter: float | None = None, workers: int | None = None,
                      k: int = NOISE_TOKENS, window: int = WINDOW,
                      progress: Progress | None = None) -> SimilarityResult:
    """Compare every pair of submissions in `source` (and each with `references`), write the
    HTML report into `out`, and return what was found.

    A pair is reported when either side's similarity reaches `threshold` and both sides have
    at least `min_tokens` matched tokens; at most `top` pairs, most similar first. `prefilter`
    (default threshold / 2) is the estimated share below which a pair is not compared in full.
    Fingerprints in more than max(COMMON_MIN, `common` x submissions) of this term's submissions
    are ignored like the skeleton (None: keep them); the staff-solution comparison keeps them,
    so a solution that many copied still shows.
    Raises ExportError / SimilarityError for input that cannot be read at all.
    """
    start = time.perf_counter()
    timings: dict[str, float] = {}
    spec = assignment.submission
    files = tuple(f for f in spec.files if f not in spec.provided)
    paths = CoursePaths(assignment.root)
    ratio = threshold / 2 if prefilter is None else prefilter
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="ag-similarity-") as tmp:
        work = Path(tmp)
        current_source = load_source(Path(source), work / "source")
        if not current_source.entries:
            raise SimilarityError(f"{source}: the export holds no submissions")
        ref_sources: list[tuple[str, Source]] = []
        for n, ref in enumerate(references):
            name = Path(ref).name or f"reference-{n + 1}"
            if name in {r[0] for r in ref_sources}:
                name = f"{name}-{n + 1}"
            ref_sources.append((name, load_source(Path(ref), work / f"reference-{n}")))
        warnings = list(current_source.warnings)
        for name, src in ref_sources:
            warnings += [f"reference {name}: {w}" for w in src.warnings]

        stubs: list[Submission] = []
        for origin, src in [("current", current_source), *ref_sources]:
            for entry in src.entries:
                key = entry.key if origin == "current" else f"{origin}/{entry.key}"
                stubs.append(Submission(len(stubs), shown(key), _label(entry),
                                        shown(entry.student_key), origin,
                                        people=_people(entry)))
        scratch = work / "scratch"
        scratch.mkdir()
        entries = [e for _, src in [("current", current_source), *ref_sources]
                   for e in src.entries]
        owners = module_owners(assignment.solution, files) if spec.notebook else {}
        jobs: list[Job] = [(str(e.path), files, spec.package, spec.provided, str(scratch),
                            spec.notebook, owners) for e in entries]
        reads = _read_all(jobs, workers, progress)
        timings["read"] = time.perf_counter() - start

    mark = time.perf_counter()
    boilerplate = _boilerplate((paths.handout(assignment.name) / f for f in files), k)
    corpus = _Corpus(k, window, boilerplate)
    for n, (stub, read) in enumerate(zip(stubs, reads), 1):
        corpus.add(_replace(stub, notes=read.notes, skipped=read.error), read)
        if progress and (n % 50 == 0 or n == len(stubs)):
            progress("fingerprinting", n, len(stubs))
    solution_sub = Submission(-1, "staff solution", f"staff solution ({assignment.name})",
                              "staff", "solution")
    solution_docs: dict[str, _Fingerprint] = {}
    for name in files:
        path = assignment.solution / name
        if path.is_file():
            raw = path.read_text(encoding="utf-8", errors="replace")
            filtered, offsets = _filter(raw, name)
            solution_docs[name] = _fingerprint(name, raw, filtered, offsets, boilerplate, k,
                                               window)
    if not solution_docs:
        warnings.append(f"no staff solution files under {assignment.solution}: submissions "
                        "were not compared with it")
    current = [s.index for s in corpus.subs if s.origin == "current" and not s.skipped]
    refs = [s.index for s in corpus.subs if s.origin != "current" and not s.skipped]
    # the staff solution first, before common code is dropped: a solution that many copied
    # must still show
    solution_matches: list[PairMatch] = []
    if solution_docs:
        for i in current:
            match = compare_docs(corpus.subs[i], corpus.docs[i], solution_sub, solution_docs)
            if match.similarity_a >= solution_threshold and match.tokens_a >= min_tokens:
                solution_matches.append(match)
    solution_matches.sort(key=lambda m: (-m.similarity_a, -m.tokens_a, m.a.key))
    base_docs = {m.a.index: dict(corpus.docs[m.a.index]) for m in solution_matches}
    common_limit = max(COMMON_MIN, int(common * len(current))) if common is not None else None
    dropped = corpus.drop_common(current, common_limit) if common_limit is not None else 0
    timings["fingerprint"] = time.perf_counter() - mark

    mark = time.perf_counter()
    same = _same_person_pairs(corpus, current, refs)
    possible = len(current) * (len(current) - 1) // 2 + len(current) * len(refs) - len(same)
    candidates = _candidates(corpus, current, refs, ratio, same)
    timings["screen"] = time.perf_counter() - mark

    mark = time.perf_counter()
    above: list[PairMatch] = []
    for n, (a, b) in enumerate(candidates, 1):
        match = corpus.compare(a, b)
        if match.score >= threshold and min(match.tokens_a, match.tokens_b) >= min_tokens:
            above.append(match)
        if progress and (n % 500 == 0 or n == len(candidates)):
            progress("comparing pairs", n, len(candidates))
    above.sort(key=lambda m: (-m.score, -(m.tokens_a + m.tokens_b), m.a.key, m.b.key))

    timings["compare"] = time.perf_counter() - mark

    mark = time.perf_counter()
    leaked = {m.a.index for m in solution_matches}
    reported = []
    for rank, m in enumerate(above[:top], 1):
        detail = corpus.compare(m.a.index, m.b.index, detail=True)
        flags = []
        if m.b.origin != "current":
            flags.append(f"earlier term ({m.b.origin})")
        flags += [f"{who} ≈ staff solution" for who, sub in (("A", m.a), ("B", m.b))
                  if sub.index in leaked]
        reported.append(_replace(detail, page=f"pairs/{rank:04d}.html", flags=tuple(flags)))
    solution_reported = []
    for rank, m in enumerate(solution_matches, 1):
        detail = compare_docs(m.a, base_docs[m.a.index], solution_sub, solution_docs, True)
        solution_reported.append(_replace(detail, a=corpus.subs[m.a.index],
                                          page=f"solution/{rank:04d}.html",
                                          flags=("staff solution",)))
    subs = tuple(s for s in corpus.subs if s.origin == "current")
    result = SimilarityResult(
        assignment=assignment.name, out=out, index=out / "index.html", submissions=subs,
        references=tuple(s for s in corpus.subs if s.origin != "current"),
        pairs=tuple(reported), solution_matches=tuple(solution_reported),
        pairs_possible=possible, pairs_compared=len(candidates), pairs_above=len(above),
        seconds=0.0, timings=timings, warnings=tuple(warnings))
    _write(result, corpus.docs, base_docs, solution_docs, settings={
        "threshold": threshold, "top": top, "min_tokens": min_tokens,
        "solution_threshold": solution_threshold, "prefilter": ratio, "k": k,
        "window": window, "common": common_limit, "common_dropped": dropped, "skeleton": str(paths.handout(assignment.name)),
        "solution": str(assignment.solution), "files": ", ".join(files),
        "references": ", ".join(name for name, _ in ref_sources) or "none"},
        progress=progress)
    timings["write"] = time.perf_counter() - mark
    return _replace(result, seconds=time.perf_counter() - start, timings=timings)


# -- output --------------------------------------------------------------------------------------
def _side_by_side(docs_a: dict[str, _Fingerprint], docs_b: dict[str, _Fingerprint],
                  match: PairMatch) -> list[dict[str, Any]]:
    """Per file: both sides' code as HTML with the matched regions marked."""
    from copydetect.utils import highlight_overlap
    from markupsafe import Markup, escape

    stats = {f.file: f for f in match.files}
    views = []
    for name in sorted(set(docs_a) | set(docs_b)):
        fa, fb = docs_a.get(name), docs_b.get(name)
        sa = sb = None
        if fa is not None and fb is not None:
            _, _, sa, sb = _overlap(fa, fb)

        def html(doc: _Fingerprint | None, slices: Any, css: str) -> Markup | None:
            if doc is None:
                return None
            if slices is None or len(slices[0]) == 0:
                return Markup(escape(doc.raw_code))
            text, _ = highlight_overlap(doc.raw_code, slices, f'<mark class="{css}">',
                                        "</mark>", escape_html=True)
            return Markup(text)

        views.append({"file": name, "a": html(fa, sa, "ma"), "b": html(fb, sb, "mb"),
                      "stats": stats.get(name)})
    return views


def _write(result: SimilarityResult, docs: list[dict[str, _Fingerprint]],
           base_docs: dict[int, dict[str, _Fingerprint]], solution_docs: dict[str, _Fingerprint],
           settings: dict[str, Any], progress: Progress | None) -> None:
    import jinja2

    out = result.out
    out.mkdir(parents=True, exist_ok=True)
    for folder in ("pairs", "solution"):
        shutil.rmtree(out / folder, ignore_errors=True)
        (out / folder).mkdir()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["pct"] = lambda x: f"{100 * x:.0f}%"
    generated = datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    page = env.get_template("similarity_pair.html.j2")
    matches = [*result.pairs, *result.solution_matches]
    for n, m in enumerate(matches, 1):
        assert m.page is not None
        if m.b.origin == "solution":
            views = _side_by_side(base_docs[m.a.index], solution_docs, m)
        else:
            views = _side_by_side(docs[m.a.index], docs[m.b.index], m)
        html = page.render(m=m, assignment=result.assignment, generated=generated,
                           views=views)
        (out / m.page).write_text(html, encoding="utf-8")
        if progress and (n % 20 == 0 or n == len(matches)):
            progress("writing pages", n, len(matches))
    own_code = [s for s in result.submissions if not s.skipped and s.tokens < 1]
    index = env.get_template("similarity_index.html.j2").render(
        r=result, generated=generated, settings=settings, no_code=own_code,
        skipped=result.skipped)
    result.index.write_text(index, encoding="utf-8")
    with open(out / "pairs.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["rank", "a", "a_student", "b", "b_student", "b_origin",
                         "similarity_a", "similarity_b", "tokens_a", "tokens_b", "lines_a",
                         "lines_b", "flags", "page"])
        for rank, m in enumerate(result.pairs, 1):
            writer.writerow([rank, m.a.key, m.a.label, m.b.key, m.b.label, m.b.origin,
                             f"{m.similarity_a:.4f}", f"{m.similarity_b:.4f}", m.tokens_a,
                             m.tokens_b, m.lines_a, m.lines_b, "; ".join(m.flags), m.page])
