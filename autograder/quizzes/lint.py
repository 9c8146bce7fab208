"""`quiz lint`: cues that test-wise students exploit, and balance of banks and quizzes.

Every question is rendered for a number of seeds; then each scope (the whole library, every
bank and every quiz of quizzes.yaml) is checked. A quiz's questions are weighted by the chance
that a student gets them (pick / pool size per section), so the numbers are expectations over
the draw and do not depend on the quiz seed.

Checks (name: severity):

* ``key-longest``: rate of written-out single-choice questions whose key is the strictly
  longest option (error above ``max_key_longest_rate`` once a scope has
  ``key_longest_min_questions``); per question, a warning when the key is longer than every
  distractor by more than ``max_key_length_ratio``; the reverse cue, a key that is the
  shortest option too often (warning above ``max_key_shortest_rate``).
* ``key-position``: share of keys on the most common letter across variants (warning above
  ``max_key_position_share``); per question, options that are never shuffled.
* ``true-false``: share of true/false questions whose answer is True (error outside
  ``true_share`` for the library and quizzes, warning for banks).
* ``above``: "All/None of the above" used as the key more often than as a distractor.
* ``identical`` / ``rounding``: options that render the same (numerically too), or computed
  options whose rounding makes them look exact ("3" for ln 20): errors.
* ``tick-all``: multiple-answer scoring where ticking every option earns credit: error.
* ``same``: a stem that says "the same layer/network/..." while its parameters are drawn
  independently from another question of the quiz that uses the same names: error.
* ``mix``: difficulty and topic spread against the quiz's declared ``difficulty:`` /
  ``topics:`` shares (error beyond ``mix_tolerance``); without a declared mix, a warning
  when a quiz has fewer than ``min_hard_share`` hard questions.
* ``notes``: questions citing each course-notes file (``notes:`` in banks); warning below
  ``min_notes_questions``, error for a citation of a file that does not exist.

Thresholds come from `LintThresholds`, overridden by ``lint:`` at the top of quizzes.yaml
(library and banks) and by ``lint:`` in a quiz definition (that quiz).
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .bank import PINNED_PATTERN
from .errors import QuizDefinitionError
from .library import Library, QuizDefinition, load_definitions
from .model import LETTERS, Difficulty, Kind, Question, Scoring, Variant
from .rng import QuizRng
from .variant import RenderCache, present
from .yamlio import load_yaml_file

LINT_SEEDS_DEFAULT = 64
"""Variants rendered per question by the lint."""
NOTES_ENV = "QUIZ_COURSE_NOTES"
"""Environment variable naming the course-notes folder (for the coverage check)."""

ERROR = "error"
WARNING = "warning"

SAME_PATTERN = re.compile(
    r"\b(?:the|this|that)\s+same\s+(?:layer|network|net|model|weights?|matrix|setup|data(?:set)?"
    r"|experiment|run|parameters?)\b|\b(?:previous|earlier|last)\s+(?:step|question)\b"
    r"|\bas\s+in\s+step\b", re.IGNORECASE)
"""Stem phrases that refer to values of another question."""
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_G_FORMAT = re.compile(r"^(?:.?[<>=^])?[+\- ]?(?P<alt>#)?0?\d*[,_]?(?:\.(?P<prec>\d+))?"
                       r"(?P<type>[gGn]?)$")


@dataclass(frozen=True)
class LintThresholds:
    """Defaults of every threshold; quizzes.yaml's ``lint:`` mappings override them."""

    max_key_longest_rate: float = 0.34
    max_key_shortest_rate: float = 0.5
    key_longest_min_questions: int = 3
    max_key_length_ratio: float = 1.5
    true_share: tuple[float, float] = (0.4, 0.6)
    true_false_min_questions: float = 2.0
    max_key_position_share: float = 0.4
    max_above_key_share: float = 0.5
    min_hard_share: float = 0.1
    mix_min_questions: float = 10.0
    mix_tolerance: float = 0.15
    min_notes_questions: int = 3
    difficulty: Mapping[str, float] | None = None
    topics: Mapping[str, float] | None = None

    def merged(self, raw: Mapping[str, object] | None, where: str) -> LintThresholds:
        """Copy with the keys of a ``lint:`` mapping applied."""
        if not raw:
            return self
        names = {f.name for f in fields(self)}
        unknown = sorted(set(raw) - names)
        if unknown:
            raise QuizDefinitionError(f"{where}: unknown lint setting "
                                      f"{', '.join(repr(u) for u in unknown)}; known: "
                                      f"{', '.join(sorted(names))}")
        values = dict(raw)
        if "true_share" in values:
            values["true_share"] = tuple(values["true_share"])  # type: ignore[arg-type]
        return replace(self, **values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Finding:
    """One problem: where, which check, which question, what is wrong and how to fix it."""

    severity: str
    scope: str
    check: str
    question: str | None
    message: str
    fix: str

    def line(self) -> str:
        who = f"{self.question}: " if self.question else ""
        return f"{self.severity:<7} [{self.check}] {who}{self.message} -> {self.fix}"


@dataclass
class ScopeReport:
    """Metrics and findings of one scope (library, bank or quiz)."""

    name: str
    questions: float
    metrics: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)
    """Measured numbers: key_longest_rate, key_shortest_rate, true_share, hard_share, ..."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]


@dataclass
class LintReport:
    """Every scope that was linted."""

    scopes: list[ScopeReport]

    @property
    def errors(self) -> list[Finding]:
        return [f for s in self.scopes for f in s.errors]

    @property
    def warnings(self) -> list[Finding]:
        return [f for s in self.scopes for f in s.warnings]

    def scope(self, name: str) -> ScopeReport:
        return next(s for s in self.scopes if s.name == name)

    def text(self, verbose: bool = True) -> str:
        lines = []
        for scope in self.scopes:
            status = (f"{len(scope.errors)} errors, {len(scope.warnings)} warnings"
                      if scope.findings else "ok")
            lines.append(f"{scope.name} ({scope.questions:g} questions): {status}")
            if verbose:
                lines.extend(f"    {m}" for m in scope.metrics)
            lines.extend(f"  {f.line()}" for f in scope.findings)
        lines.append(f"Lint: {len(self.errors)} errors, {len(self.warnings)} warnings in "
                     f"{len(self.scopes)} scopes")
        return "\n".join(lines)


@dataclass
class QuestionFacts:
    """What rendering many variants of one question showed."""

    question: Question
    written_single: bool = False
    key_longest: float = 0.0
    """Share of variants whose key is the strictly longest option."""
    key_shortest: float = 0.0
    """Share of variants whose key is the strictly shortest option."""
    length_ratio: float = 0.0
    """Largest (key length / longest other option) over the variants."""
    true_share: float | None = None
    key_positions: Counter = field(default_factory=Counter)
    n_options: int = 0
    above: str | None = None
    """'key' or 'distractor' when an All/None-of-the-above option is present."""
    problems: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(severity, check, message, fix)."""


def _length(text: str) -> int:
    return len(" ".join(text.split()))


def _canonical(text: str) -> str:
    """Text with numbers written canonically, for 'renders the same' comparisons."""
    normalized = " ".join(text.split()).casefold().rstrip(" .")

    def number(match: re.Match[str]) -> str:
        try:
            return repr(float(match.group(0)))
        except ValueError:
            return match.group(0)
    return _NUMBER.sub(number, normalized)


def _looks_exact(shown: str, value: float, spec: str) -> bool:
    """True when a 'g' format dropped digits so that an inexact value reads as a whole
    number ('3' for ln 20 = 2.996, '1' for a probability of 0.99995)."""
    match = _G_FORMAT.match(spec)
    if not match or match.group("alt") or value == 0:
        return False
    kind = match.group("type")
    if kind not in ("g", "G", "") or (kind == "" and match.group("prec") is None):
        return False
    precision = int(match.group("prec") or 6) or 1
    numbers = _NUMBER.findall(shown)
    if not numbers:
        return False
    mantissa = numbers[0].lower().split("e")[0].lstrip("+-").replace(".", "").lstrip("0")
    if len(mantissa) >= precision:
        return False
    try:
        parsed = float(numbers[0])
    except ValueError:
        return False
    return parsed == round(parsed) and not math.isclose(parsed, value, rel_tol=1e-6,
                                                        abs_tol=0.0)


def question_facts(question: Question, seeds: int = LINT_SEEDS_DEFAULT,
                   cache: RenderCache | None = None) -> QuestionFacts:
    """Render `seeds` variants and collect the per-question cues."""
    facts = QuestionFacts(question)
    facts.written_single = question.kind is Kind.SINGLE and question.answer is None
    true_count = longest = shortest = 0
    reported: set[str] = set()
    for seed in range(seeds):
        item = present(question, QuizRng.for_parts("lint", question.id, seed), 1, cache)
        options = item.variant.options
        facts.n_options = len(options)
        if question.kind is Kind.TRUE_FALSE:
            true_count += options[0].correct
            continue
        if question.kind is Kind.NUMERIC:
            continue
        for position, option in enumerate(item.shown):
            if option.correct:
                facts.key_positions[position] += 1
        for option in options:
            if PINNED_PATTERN.match(option.text):
                facts.above = "key" if option.correct else "distractor"
        seen: dict[str, str] = {}
        for option in options:
            canon = _canonical(option.text)
            if canon in seen and "identical" not in reported:
                reported.add("identical")
                facts.problems.append((ERROR, "identical", f"options '{seen[canon]}' and "
                                       f"'{option.text}' say the same thing",
                                       "reword or replace one of them"))
            seen.setdefault(canon, option.text)
        if question.answer is not None and question.kind is Kind.SINGLE:
            for option, value in _generated_values(question, item.variant):
                if _looks_exact(option, value, question.value_format) and \
                        "rounding" not in reported:
                    reported.add("rounding")
                    facts.problems.append((
                        ERROR, "rounding",
                        f"option shows {value:.6g} as '{option}' with format "
                        f"'{question.value_format}', which reads as an exact value",
                        "use a fixed-digit format such as '.3f' or '#.3g', or other "
                        "parameter values"))
        if facts.written_single:
            key = next(o for o in options if o.correct)
            others = [_length(o.text) for o in options if not o.correct]
            if others and not key.pinned and _length(key.text) > max(others):
                longest += 1
                facts.length_ratio = max(facts.length_ratio, _length(key.text) / max(others))
            unpinned = [_length(o.text) for o in options if not o.correct and not o.pinned]
            if unpinned and not key.pinned and _length(key.text) < min(unpinned):
                shortest += 1
    if question.kind is Kind.TRUE_FALSE:
        facts.true_share = true_count / seeds
    if facts.written_single:
        facts.key_longest = longest / seeds
        facts.key_shortest = shortest / seeds
    if question.kind is Kind.MULTIPLE:
        n_key, n = len(question.key), len(question.options)
        credit = (1.0 if n_key == n else 0.0) if question.scoring is Scoring.ALL_OR_NOTHING \
            else max(0.0, (n_key - (n - n_key)) / n_key)
        if credit > 0:
            facts.problems.append((
                ERROR, "tick-all",
                f"ticking all {n} options earns {credit:.2f} of the points "
                f"({n_key} correct, {question.scoring.value if question.scoring else '?'})",
                f"make at most {n // 2} of the {n} options correct, or score all or nothing"))
    n_free = sum(1 for o in question.options if not o.pinned) if question.options else 0
    if question.kind in (Kind.SINGLE, Kind.MULTIPLE) and not question.shuffle and n_free > 1:
        facts.problems.append((WARNING, "key-position",
                               "options are never shuffled: the key is always at the same "
                               "letter", "remove `shuffle: false`"))
    return facts


def _generated_values(question: Question, variant: Variant) -> Iterable[tuple[str, float]]:
    """(shown text, raw value) of the computed options of a variant."""
    from .params import FUNCTIONS, context_for

    variables = context_for(question, variant.params)
    raw = question.answer.evaluate(variables, FUNCTIONS)  # type: ignore[union-attr]
    variables.update(answer=format(raw, question.value_format), answer_value=raw)
    values = [raw] + [d.computation.evaluate(variables, FUNCTIONS)
                      for d in question.distractors]
    for value in values:
        yield format(value, question.value_format), float(value)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# scopes


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _weighted(items: Sequence[tuple[QuestionFacts, float]], predicate) -> tuple[float, float]:
    chosen = [(f, w) for f, w in items if predicate(f)]
    return sum(w for _, w in chosen), sum(w for _, w in items)


def lint_scope(name: str, items: Sequence[tuple[QuestionFacts, float]],
               thresholds: LintThresholds, *, is_quiz: bool = False, is_bank: bool = False,
               per_question: bool | None = None,
               notes: Mapping[str, Path] | None = None) -> ScopeReport:
    """Aggregate checks over weighted questions."""
    total = sum(w for _, w in items)
    report = ScopeReport(name, round(total, 2))
    t = thresholds

    def add(severity: str, check: str, question: str | None, message: str, fix: str) -> None:
        report.findings.append(Finding(severity, name, check, question, message, fix))

    # per-question problems (reported in banks, and in quizzes named on the command line)
    if per_question is None:
        per_question = is_bank
    if per_question:
        for facts, _ in items:
            for severity, check, message, fix in facts.problems:
                add(severity, check, facts.question.id, message, fix)
            if facts.written_single and facts.key_longest > 0.5 and \
                    facts.length_ratio > t.max_key_length_ratio:
                add(WARNING, "key-longest", facts.question.id,
                    f"key is {facts.length_ratio:.1f}x as long as the longest distractor",
                    "lengthen the distractors or shorten the key")

    # key is the longest option
    written = [(f, w) for f, w in items if f.written_single]
    n_written = sum(w for _, w in written)
    if n_written:
        longest = sum(f.key_longest * w for f, w in written)
        rate = longest / n_written
        report.values["key_longest_rate"] = rate
        ratios = [f.length_ratio for f, _ in written if f.key_longest > 0.5]
        by = f", by {sum(ratios) / len(ratios):.1f}x on average" if ratios else ""
        report.metrics.append(f"key is the longest option: {longest:.3g} of {n_written:.3g} "
                              f"written-out single-choice ({_pct(rate)}, max "
                              f"{_pct(t.max_key_longest_rate)}){by}")
        if n_written >= t.key_longest_min_questions and rate > t.max_key_longest_rate:
            worst = sorted((f for f, _ in written if f.key_longest > 0.5),
                           key=lambda f: -f.length_ratio)
            add(ERROR, "key-longest", None,
                f"the key is the longest option in {_pct(rate)} of the written-out "
                f"single-choice questions (max {_pct(t.max_key_longest_rate)}): "
                + ", ".join(f"{f.question.id} ({f.length_ratio:.1f}x)" for f in worst),
                "lengthen distractors to the key's length (or shorten keys)")
        short = sum(f.key_shortest * w for f, w in written)
        report.values["key_shortest_rate"] = short / n_written
        report.metrics.append(f"key is the shortest option: {short:.3g} of {n_written:.3g} "
                              f"({_pct(short / n_written)}, max "
                              f"{_pct(t.max_key_shortest_rate)})")
        if n_written >= t.key_longest_min_questions and \
                short / n_written > t.max_key_shortest_rate:
            add(WARNING, "key-longest", None,
                f"the key is the shortest option in {_pct(short / n_written)} of the "
                "written-out single-choice questions (the reverse cue): "
                + ", ".join(f.question.id for f, _ in written if f.key_shortest > 0.5),
                "shorten some distractors or lengthen some keys")

    # key positions across variants
    positions: Counter = Counter()
    for facts, weight in items:
        seen = sum(facts.key_positions.values())
        for pos, count in facts.key_positions.items():
            positions[pos] += weight * count / seen
    if positions:
        all_keys = sum(positions.values())
        spread = ", ".join(f"{LETTERS[p]} {_pct(positions[p] / all_keys)}"
                           for p in sorted(positions))
        report.metrics.append(f"key positions: {spread}")
        top, count = positions.most_common(1)[0]
        if all_keys >= 3 and count / all_keys > t.max_key_position_share:
            pinned = [f.question.id for f, _ in items if f.above == "key"]
            add(WARNING, "key-position", None,
                f"{_pct(count / all_keys)} of the keys are at ({LETTERS[top]}) (max "
                f"{_pct(t.max_key_position_share)})"
                + (f"; pinned keys: {', '.join(pinned)}" if pinned else ""),
                "shuffle options; avoid 'All/None of the above' as the key")

    # true/false balance
    tf = [(f, w) for f, w in items if f.true_share is not None]
    n_tf = sum(w for _, w in tf)
    if n_tf:
        share = sum((f.true_share or 0.0) * w for f, w in tf) / n_tf
        low, high = t.true_share
        report.values["true_share"] = share
        report.metrics.append(f"true/false: {n_tf:.3g} questions, True {_pct(share)} "
                              f"(allowed {_pct(low)}-{_pct(high)})")
        if n_tf >= t.true_false_min_questions and not low <= share <= high:
            more = "False" if share > high else "True"
            add(WARNING if is_bank else ERROR, "true-false", None,
                f"True is the answer of {_pct(share)} of the true/false questions",
                f"add or rewrite questions whose answer is {more}: "
                + ", ".join(f.question.id for f, _ in tf
                            if ((f.true_share or 0) > 0.5) == (more == "False")))

    # all/none of the above
    above = [(f, w) for f, w in items if f.above]
    if above:
        as_key, uses = _weighted(above, lambda f: f.above == "key")
        report.metrics.append(f"'all/none of the above': key {as_key:.3g}, distractor "
                              f"{uses - as_key:.3g}")
        if as_key / uses > t.max_above_key_share:
            add(WARNING, "above", None,
                f"'All/None of the above' is the key in {as_key:.3g} of {uses:.3g} uses",
                "use it as a distractor as often as the key: "
                + ", ".join(f.question.id for f, _ in above if f.above == "key"))

    # difficulty and topic mix
    difficulty = Counter()
    topics = Counter()
    for facts, weight in items:
        difficulty[facts.question.difficulty.value] += weight
        topics[facts.question.topic] += weight
    if total:
        report.values["hard_share"] = difficulty["hard"] / total
        report.metrics.append("difficulty: " + ", ".join(
            f"{d.value} {_pct(difficulty[d.value] / total)}" for d in Difficulty))
        if is_quiz:
            report.metrics.append("topics: " + ", ".join(
                f"{k} {_pct(v / total)}" for k, v in topics.most_common()))
    if is_quiz and total:
        for label, declared, actual in (("difficulty", t.difficulty, difficulty),
                                        ("topic", t.topics, topics)):
            if not declared:
                continue
            norm = sum(declared.values())
            for key in sorted(set(declared) | set(actual)):
                want = declared.get(key, 0.0) / norm
                have = actual.get(key, 0.0) / total
                if abs(want - have) > t.mix_tolerance:
                    add(ERROR, "mix", None,
                        f"{label} '{key}' is {_pct(have)} of the quiz, declared {_pct(want)} "
                        f"(tolerance {_pct(t.mix_tolerance)})",
                        f"change the sections' picks or the declared {label} shares")
        if not t.difficulty and total >= t.mix_min_questions and \
                difficulty["hard"] / total < t.min_hard_share:
            add(WARNING, "mix", None,
                f"only {_pct(difficulty['hard'] / total)} hard questions (min "
                f"{_pct(t.min_hard_share)})",
                "add hard questions to the pools or declare `difficulty:` in `lint:`")

    # parameters shared across steps that a stem calls "the same"
    names: dict[str, list[str]] = defaultdict(list)
    for facts, _ in items:
        for param in facts.question.params:
            names[param.name].append(facts.question.id)
    for facts, _ in items:
        question = facts.question
        match = SAME_PATTERN.search(question.stem.source)
        if not match or not question.params:
            continue
        shared = sorted({p.name for p in question.params if len(names[p.name]) > 1})
        if shared:
            others = sorted({q for p in shared for q in names[p] if q != question.id})
            add(ERROR, "same", question.id,
                f"stem says '{match.group(0)}' but {', '.join(shared)} "
                f"{'is' if len(shared) == 1 else 'are'} drawn independently from "
                f"{', '.join(others)}", "state the values in this stem and drop 'the same'")

    # coverage of the course notes
    if notes is not None:
        cited = Counter()
        for facts, weight in items:
            for note in facts.question.notes:
                cited[note] += weight
                if note not in notes and per_question:
                    add(ERROR, "notes", facts.question.id,
                        f"cites course notes '{note}', which is not among "
                        f"{', '.join(sorted(notes)) or 'the notes files'}",
                        "cite an existing notes file (its 3-digit prefix)")
        if notes:
            report.metrics.append("course notes: " + ", ".join(
                f"{n} {cited[n]:.3g}" for n in sorted(notes)))
        if not is_quiz and not is_bank:
            for note in sorted(notes):
                if cited[note] < t.min_notes_questions:
                    add(WARNING, "notes", None,
                        f"only {cited[note]:g} questions cite course notes {notes[note].name} "
                        f"(min {t.min_notes_questions})",
                        f"write questions on {notes[note].name}'s topics and tag them "
                        f"`notes: [{note}]`")
    return report


# ---------------------------------------------------------------------------------------
# entry points


def find_notes_dir(root: Path) -> Path | None:
    """Course notes: $QUIZ_COURSE_NOTES, else shared/course-notes next to the checkout."""
    if os.environ.get(NOTES_ENV):
        return Path(os.environ[NOTES_ENV])
    root = Path(root).resolve()
    for base in (root, *root.parents[:3]):
        candidate = base / "shared" / "course-notes"
        if candidate.is_dir():
            return candidate
    return None


def notes_files(notes_dir: Path | None) -> dict[str, Path] | None:
    """Notes files by their 3-digit prefix ('004' -> 004_....txt)."""
    if notes_dir is None or not Path(notes_dir).is_dir():
        return None
    return {p.name[:3]: p for p in sorted(Path(notes_dir).glob("[0-9][0-9][0-9]*.txt"))}


def library_thresholds(library: Library) -> tuple[LintThresholds, Mapping[str, dict]]:
    """Top-level and per-quiz ``lint:`` mappings of quizzes.yaml."""
    path = library.paths.quizzes_file
    base = LintThresholds()
    per_quiz: dict[str, dict] = {}
    if path.exists():
        data = load_yaml_file(path) or {}
        base = base.merged(data.get("lint"), f"{path.name}: lint")
        for name, raw in (data.get("quizzes") or {}).items():
            per_quiz[name] = raw.get("lint") or {}
    return base, per_quiz


def lint_library(library: Library, quizzes: Sequence[str] | None = None,
                 seeds: int = LINT_SEEDS_DEFAULT, notes_dir: Path | None = None,
                 thresholds: LintThresholds | None = None) -> LintReport:
    """Lint the library and every bank (all quizzes), or only the named quizzes.

    With `thresholds`, those apply everywhere and the ``lint:`` mappings of quizzes.yaml are
    ignored (e.g. to hold shipped quizzes to the defaults).
    """
    cache = RenderCache()
    facts = {qid: question_facts(q, seeds, cache) for qid, q in library.questions.items()}
    base, per_quiz = library_thresholds(library)
    if thresholds is not None:
        base, per_quiz = thresholds, {}
    notes = notes_files(notes_dir)
    definitions: Mapping[str, QuizDefinition] = (
        load_definitions(library) if library.paths.quizzes_file.exists() else {})
    scopes: list[ScopeReport] = []
    if not quizzes:
        scopes.append(lint_scope("all banks", [(f, 1.0) for f in facts.values()], base,
                                 notes=notes))
        for bank in library.banks:
            scopes.append(lint_scope(f"bank {bank.source}",
                                     [(facts[q.id], 1.0) for q in bank.questions], base,
                                     is_bank=True, notes=notes))
        names = list(definitions)
    else:
        unknown = [n for n in quizzes if n not in definitions]
        if unknown:
            raise QuizDefinitionError(f"unknown quiz {', '.join(repr(n) for n in unknown)}; "
                                      f"known: {', '.join(definitions)}")
        names = list(quizzes)
    for name in names:
        definition = definitions[name]
        weights: dict[str, float] = defaultdict(float)
        for section in definition.sections:
            for qid in section.pool:
                weights[qid] += section.pick / len(section.pool)
        items = [(facts[qid], w) for qid, w in weights.items()]
        quiz_thresholds = base.merged(per_quiz.get(name), f"quiz '{name}': lint")
        scopes.append(lint_scope(f"quiz {name}", items, quiz_thresholds, is_quiz=True,
                                 per_question=bool(quizzes), notes=notes))
    return LintReport(scopes)
