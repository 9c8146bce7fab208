"""How long `batch similarity` takes for a class of N backprop submissions (default 1000).

Submissions are synthesized: every function of backprop.py and gradcheck.py is taken from one
of the three full implementations in the repository (the staff solution and the two
independent ones in tests/corpus/backprop/independent/), functions are shuffled, and each
student's code gets its own noise (debug prints, asserts, temporaries with random constants)
between statements, so that two students share whole functions but rarely long runs. About 1%
are planted copies of another student (functions reordered, the noise kept), and a few
submit the staff solution as is.

Usage: python benchmarks/bench_similarity.py [--n 1000] [--workers W] [--verify]
--verify reruns with the screen off (every pair that shares any fingerprint is compared in
full) and reports whether the screen lost a reported pair.
"""

from __future__ import annotations

import argparse
import ast
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.batch.similarity import similarity_report  # noqa: E402
from autograder.paths import CoursePaths  # noqa: E402

FILES = ("backprop.py", "gradcheck.py")
SOURCES = (ROOT / "solutions" / "backprop",
           ROOT / "tests" / "corpus" / "backprop" / "independent" / "loops",
           ROOT / "tests" / "corpus" / "backprop" / "independent" / "vectorized")


def _functions(path: Path) -> tuple[list[ast.stmt], dict[str, ast.FunctionDef]]:
    tree = ast.parse(path.read_text())
    head = [n for n in tree.body if not isinstance(n, ast.FunctionDef)]
    return head, {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _noise(rng: random.Random) -> ast.stmt:
    a, b = rng.randrange(1000), rng.randrange(1000)
    return ast.parse(rng.choice([
        f"_tmp{a} = {b}",
        f"print('checkpoint', {a}, {b})",
        f"assert {a} + {b} >= 0, 'sanity {a}'",
        f"_scale = {a} / {b + 1}",
        f"_debug = [{a}, {b}, {a % 7}]",
    ])).body[0]


class _Perturb(ast.NodeTransformer):
    def __init__(self, rng: random.Random, rate: float):
        self.rng, self.rate = rng, rate

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for name in ("body", "orelse"):
            stmts = getattr(node, name, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                out = []
                for stmt in stmts:
                    out.append(stmt)
                    if self.rng.random() < self.rate:
                        out.append(_noise(self.rng))
                setattr(node, name, out)
        return node


def synthesize(dest: Path, n: int, seed: int = 0) -> dict[str, str]:
    """N submission folders under dest; returns folder -> kind."""
    rng = random.Random(seed)
    pools = {f: [_functions(src / f) for src in SOURCES] for f in FILES}
    kinds: dict[str, str] = {}
    made: dict[str, dict[str, list[ast.FunctionDef]]] = {}
    for i in range(n):
        name = f"student_{i:04d}"
        folder = dest / name
        folder.mkdir(parents=True)
        if i % 250 == 7:
            for f in FILES:
                (folder / f).write_text((SOURCES[0] / f).read_text())
            kinds[name] = "solution"
            continue
        if i % 100 == 42 and made:
            source = rng.choice(sorted(made))
            kinds[name] = f"copy of {source}"
            for f, funcs in made[source].items():
                funcs = list(funcs)
                rng.shuffle(funcs)
                head = pools[f][0][0]
                module = ast.Module(body=[*head, *funcs], type_ignores=[])
                (folder / f).write_text("# all my own work\n" + ast.unparse(module) + "\n")
            continue
        kinds[name] = "synthetic"
        made[name] = {}
        for f in FILES:
            head = pools[f][0][0]
            funcs = []
            for fname in pools[f][0][1]:
                variants = [p[1][fname] for p in pools[f] if fname in p[1]]
                func = ast.parse(ast.unparse(rng.choice(variants))).body[0]
                funcs.append(_Perturb(rng, rng.uniform(0.2, 0.6)).visit(func))
            rng.shuffle(funcs)
            made[name][f] = funcs
            module = ast.Module(body=[*head, *funcs], type_ignores=[])
            (folder / f).write_text(ast.unparse(module) + "\n")
    return kinds


def _rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--keep", type=Path, default=None, help="Write the report here.")
    args = parser.parse_args()
    assignment = CoursePaths().load("backprop")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        kinds = synthesize(work / "class", args.n, args.seed)
        made = time.perf_counter() - t0
        last = {"stage": None}

        def progress(stage: str, done: int, total: int) -> None:
            if stage != last["stage"] or done == total:
                print(f"  {stage}: {done}/{total}", file=sys.stderr)
                last["stage"] = stage

        result = similarity_report(assignment, work / "class", args.keep or work / "out",
                                   workers=args.workers, progress=progress)
        rss = _rss_mb()
        rows = [("screened", result)]
        if args.verify:
            full = similarity_report(assignment, work / "class", work / "full",
                                     workers=args.workers, prefilter=0.0, progress=progress)
            rows.append(("no screen", full))
    files = sum(len(s.files) for s in result.submissions)
    print(f"\nsynthesized {args.n} submissions in {made:.1f} s")
    print(f"{'run':<10} {'N':>5} {'files':>6} {'pairs considered':>17} {'compared in full':>17} "
          f"{'reported':>9} {'seconds':>8} {'peak RSS MB':>12}")
    for label, r in rows:
        print(f"{label:<10} {len(r.submissions):>5} {files:>6} {r.pairs_possible:>17} "
              f"{r.pairs_compared:>17} {r.pairs_above:>9} {r.seconds:>8.1f} {rss:>12.0f}")
    print("stages (screened): " + ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items()))
    planted = {k for k, v in kinds.items() if v.startswith("copy of ")}
    found = {m.a.key if m.a.key in planted else m.b.key for m in result.pairs
             if planted & {m.a.key, m.b.key}}
    leaked = {k for k, v in kinds.items() if v == "solution"}
    print(f"planted copies reported: {len(found & planted)}/{len(planted)}; staff-solution "
          f"copies flagged: {len({m.a.key for m in result.solution_matches} & leaked)}/"
          f"{len(leaked)} (false flags: {len({m.a.key for m in result.solution_matches} - leaked)})")
    other = [m for m in result.pairs if not planted & {m.a.key, m.b.key}]
    print(f"other reported pairs: {len(other)}"
          + (f" (best {other[0].score:.0%})" if other else ""))
    if args.verify:
        key = lambda r: {(m.a.key, m.b.key) for m in r.pairs}  # noqa: E731
        lost = key(rows[1][1]) - key(result)
        print(f"screen lost {len(lost)} reported pair(s)" + (f": {sorted(lost)[:5]}" if lost
                                                              else ""))


if __name__ == "__main__":
    main()
