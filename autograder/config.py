"""The typed schema of `assignments/<name>/assignment.yaml`, the single source of truth.

Every consumer (skeleton build, grader build, engine, README, tests) reads assignments through
`load_assignment`, which validates the YAML and names the file and key on any error.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any



class ConfigError(ValueError):
    """An assignment.yaml that does not match the schema (the message names file and key)."""


class Visibility(str, enum.Enum):
    """Gradescope's four visibility values."""

    VISIBLE = "visible"
    HIDDEN = "hidden"
    AFTER_DUE_DATE = "after_due_date"
    AFTER_PUBLISHED = "after_published"


class TorchDevice(str, enum.Enum):
    """Where torch work (oracles, student torch code) runs."""

    AUTO = "auto"  # CUDA when present, CPU otherwise
    CPU = "cpu"
    CUDA = "cuda"


@dataclass(frozen=True)
class Limits:
    """Resource limits for student code."""

    call_seconds: float = 20.0
    """Wall time for one call into student code."""
    submission_seconds: float = 300.0
    """Wall time for the whole submission (all calls together)."""
    memory_mb: int = 2048
    """Private writable memory of the student process (RLIMIT_DATA: heap and anonymous maps;
    shared libraries and address-space reservations, e.g. a CUDA build of torch's, do not
    count)."""
    processes: int = 64
    """Tasks (processes and threads) the sandbox user may own."""
    file_size_mb: int = 16
    """Largest file the student process may write."""
    output_kb: int = 64
    """Student stdout/stderr kept (head and tail) for feedback."""
    disk_mb: int = 256
    """Everything the student process may keep in its folder, in total (a watcher stops it
    beyond this and empties the folder)."""
    disk_files: int = 5000
    """Files and folders the student process may create in its folder."""


@dataclass(frozen=True)
class CheckSpec:
    """One scored check inside a component."""

    id: str
    """Identifier, unique inside its component (the suite registers `component.id`)."""
    title: str
    """What students see next to the check's result."""
    points: float
    """Points awarded when the check passes."""
    seconds: float | None = None
    """Per-call wall-time override for this check (training runs)."""
    params: dict[str, Any] = field(default_factory=dict)
    """Numbers the check uses that instructors may tune (thresholds), e.g. a target accuracy."""
    public: bool = False
    """A public check: its code lives in the suite's `public.py` and ships in the handout, where
    `python check.py` / `check("part")` runs it on the student's own code (never the others)."""


@dataclass(frozen=True)
class Component:
    """A gradable part of the assignment (one Gradescope test, one Otter test file)."""

    id: str
    title: str
    visibility: Visibility
    checks: tuple[CheckSpec, ...]

    @property
    def points(self) -> float:
        return sum(c.points for c in self.checks)


@dataclass(frozen=True)
class NotebookEdition:
    """`submission.notebook:`: the assignment also comes as one Jupyter notebook. Students may
    upload it instead of the files; the grader runs its code cells and grades what they
    defined with the same checks (autograder/notebooks/)."""

    file: str
    """The student notebook's name (e.g. `measuring.ipynb`): generated into the handout by
    the build, preferred when an upload holds several notebooks."""
    spec: str = "notebook.yaml"
    """Its cells (markdown, and which reference code goes in which cell), a path relative to
    the solution folder."""
    cell_seconds: float = 10.0
    """Each code cell's time limit while grading."""
    total_seconds: float = 30.0
    """All code cells together (later cells still get at least a second each)."""
    skip_tags: tuple[str, ...] = ("skip-grading",)
    """Cells with one of these tags are never run by the grader."""
    skip_tag_prefixes: tuple[str, ...] = ("manual:",)
    """Nor cells with a tag that starts so (manual parts: figures, written answers)."""
    hidden_tags: tuple[str, ...] = ("hidden",)
    """Cells of the reference notebook left out of the student notebook."""

    def skipped_by(self, tags: list[str]) -> str:
        """The tag that keeps a cell from running while grading, or ''."""
        for tag in tags:
            if tag in self.skip_tags or tag.startswith(self.skip_tag_prefixes):
                return tag
        return ""


@dataclass(frozen=True)
class SubmissionSpec:
    """What a submission must contain after normalization."""

    package: str | None
    """The student package folder (e.g. `beras`), used to recognise nested uploads."""
    files: tuple[str, ...]
    """Required files, as paths in the canonical layout."""
    forbidden_imports: tuple[str, ...] = ()
    """Top-level modules student code may not import (checked statically and at run time)."""
    provided: tuple[str, ...] = ()
    """Given files (paths in the canonical layout) that students do not write: the handout
    ships them and the grader always supplies its own copy, replacing any submitted one."""
    notebook: NotebookEdition | None = None
    """The notebook edition, when the assignment has one."""


class PolicyAnchor(str, enum.Enum):
    """Which date of Gradescope's submission metadata a policy window is measured from."""

    RELEASE = "release"  # assignment.release_date
    DUE = "due"  # assignment.due_date


@dataclass(frozen=True)
class PolicyWindow:
    """A submission window: from `start_days` to `end_days` after the anchor date.

    Inside the window a student's first `max_visible` submissions show their results; later ones
    are still graded, but hidden, and the student keeps the last visible score. `max_visible`
    None means unlimited; `end_days` None means open-ended.
    """

    start_days: float
    end_days: float | None
    max_visible: int | None = None
    relative_to: PolicyAnchor = PolicyAnchor.RELEASE
    label: str | None = None
    """How messages name the window (default: 'days 7-14 after release')."""

    def describe(self) -> str:
        if self.label:
            return self.label
        anchor = f"the {self.relative_to.value} date"
        if self.end_days is None:
            return f"the time from day {self.start_days:g} after {anchor}" if self.start_days else \
                f"the time after {anchor}"
        return f"days {self.start_days:g}-{self.end_days:g} after {anchor}"

    def contains(self, days: float) -> bool:
        return self.start_days <= days and (self.end_days is None or days < self.end_days)


class GroupCharge(str, enum.Enum):
    """Who of a group submission is charged late days."""

    EACH = "each"  # every member, each from their own budget (each row its own penalty)
    FIRST = "first"  # the first listed submitter (the uploader); the others share their result


@dataclass(frozen=True)
class LatePolicy:
    """Late days and penalties (`late:`; defaults from the course's `course.yaml`).

    A submission more than `grace_minutes` after its due date (an extension's, else the
    assignment's) is late by whole days, rounded up. Late days come from the student's term
    budget, at most `max_days` for this assignment; each day beyond that costs a penalty.
    """

    due: str | None = None
    """Due date (ISO 8601 with offset); `batch grade --due` wins over it."""
    budget_days: int = 0
    """Late days each student has for the whole term (set in course.yaml only)."""
    grace_minutes: float = 0.0
    """Minutes after the due date that still count as on time."""
    max_days: int | None = None
    """Most budget days one assignment may use; null: no cap."""
    penalty_per_day: float = 0.0
    """Fraction of the earned score lost per late day not covered by the budget."""
    penalty_schedule: tuple[float, ...] = ()
    """Instead of `penalty_per_day`: the total fraction lost after 1, 2, 3, ... uncovered days
    (the last value holds beyond the list), e.g. [0.1, 0.25, 0.5, 1.0]."""
    group_charge: GroupCharge = GroupCharge.EACH
    """`each` member of a group is charged, or only the `first` listed submitter."""

    def penalty(self, days: int) -> float:
        """Fraction of the earned score lost for `days` late days beyond the budget."""
        if days <= 0:
            return 0.0
        if self.penalty_schedule:
            return min(1.0, self.penalty_schedule[min(days, len(self.penalty_schedule)) - 1])
        return min(1.0, self.penalty_per_day * days)


COURSE_FILE = "course.yaml"
LATE_KEYS = {"due", "budget_days", "grace_minutes", "max_days", "penalty_per_day",
             "penalty_schedule", "group_charge"}


def load_course_late(root: str | Path) -> dict[str, Any]:
    """The `late:` defaults of `<root>/course.yaml` ({} when the file or the key is absent)."""
    path = Path(root) / COURSE_FILE
    if not path.is_file():
        return {}
    try:
        data = _read_mapping_file(path) or {}
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    _no_unknown(data, {"late"}, str(path))
    late = data.get("late") or {}
    if not isinstance(late, dict):
        raise ConfigError(f"{path}: late must be a mapping, got {late!r}")
    _no_unknown(late, LATE_KEYS - {"due"}, f"{path}: late")
    return late


def _late(course: dict[str, Any], data: Any, where: str) -> LatePolicy | None:
    """The course defaults with the assignment's `late:` keys over them (None: neither)."""
    if data is None and not course:
        return None
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"{where}: late must be a mapping, got {data!r}")
    own = data or {}
    _no_unknown(own, LATE_KEYS - {"budget_days"}, f"{where}: late")
    merged = {**course, **own}
    key = f"{where}: late"

    def number(name: str, whole: bool = False, upper: float | None = None) -> Any:
        value = merged.get(name)
        if value is None:
            return None
        ok = isinstance(value, int) if whole else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok or value < 0 or (upper is not None and value > upper):
            kind = "a whole number >= 0" if whole else "a number >= 0"
            raise ConfigError(f"{key}.{name} must be {kind}"
                              + (f" and at most {upper:g}" if upper is not None else "")
                              + f", got {value!r}")
        return value

    due = merged.get("due")
    if due is not None:
        from .policy import parse_time

        if parse_time(due) is None:
            raise ConfigError(f"{key}.due: {due!r} is not an ISO time such as "
                              "2026-02-06T23:59:00-05:00")
        due = parse_time(due).isoformat()
    schedule = merged.get("penalty_schedule") or ()
    if not isinstance(schedule, (list, tuple)):
        raise ConfigError(f"{key}.penalty_schedule must be a list of fractions, got {schedule!r}")
    for i, value in enumerate(schedule):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ConfigError(f"{key}.penalty_schedule[{i}] must be a fraction in 0..1, "
                              f"got {value!r}")
        if i and value < schedule[i - 1]:
            raise ConfigError(f"{key}.penalty_schedule must not decrease (it is the total "
                              f"fraction lost after 1, 2, ... days), got {list(schedule)}")
    if schedule and merged.get("penalty_per_day"):
        raise ConfigError(f"{key}: give penalty_per_day or penalty_schedule, not both")
    return LatePolicy(
        due=due, budget_days=number("budget_days", whole=True) or 0,
        grace_minutes=float(number("grace_minutes") or 0.0),
        max_days=number("max_days", whole=True),
        penalty_per_day=float(number("penalty_per_day", upper=1) or 0.0),
        penalty_schedule=tuple(float(v) for v in schedule),
        group_charge=_enum(GroupCharge, merged.get("group_charge", "each"),
                           f"{key}.group_charge"))


@dataclass(frozen=True)
class Requirements:
    """The optional `requirements:` key: what the Gradescope image installs for this grader.

    The engine's own packages (numpy, otter-grader, pyyaml, jinja2, jsonschema) are always
    installed; absent, the key means exactly those (a numpy-only grader).
    """

    torch: bool = False
    """Install torch (the CPU wheel, from PyTorch's CPU index): needed when a check uses the
    torch oracle (`t.torch()`, `t.oracle`) or student code imports torch."""
    packages: tuple[str, ...] = ()
    """More pip requirements, e.g. `mnist1d` or `matplotlib>=3.8`: a bare name that the build
    knows (mnist1d, matplotlib) gets the version tested on Gradescope's image, anything else is
    installed as written."""

    def names(self) -> set[str]:
        """Normalized distribution names of `packages` (and 'torch' when asked for)."""
        names = {requirement_name(p) for p in self.packages}
        return names | {"torch"} if self.torch else names


BASE_REQUIREMENTS = ("numpy", "otter-grader", "pyyaml", "jinja2", "jsonschema")
"""Installed for every grader (the engine needs them); not listed in `requirements.packages`."""
_REQUIREMENT = re.compile(
    r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)"
    r"(?:\[[A-Za-z0-9._-]+(?:\s*,\s*[A-Za-z0-9._-]+)*\])?"
    r"(?:\s*(?:===|==|!=|<=|>=|~=|<|>)\s*[A-Za-z0-9.*+!_-]+"
    r"(?:\s*,\s*(?:===|==|!=|<=|>=|~=|<|>)\s*[A-Za-z0-9.*+!_-]+)*)?$")


def requirement_name(requirement: str) -> str:
    """The normalized distribution name of a pip requirement ('Mnist1D==0.1' -> 'mnist1d')."""
    match = _REQUIREMENT.match(requirement.strip())
    name = match.group("name") if match else requirement.strip()
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class AuditSpec:
    """The optional `audit:` key: how `python -m autograder audit` judges this grader."""

    min_score: float = 0.9
    """Smallest acceptable mutation score (killed / non-equivalent mutants)."""
    max_mutants: int | None = None
    """Cap on the mutants of a full audit (a deterministic sample beyond it); None: all."""
    seed: int = 0
    """Seed of every mutant sample (same seed, same mutants)."""
    test_sample: int = 20
    """Mutants graded by the quick audit that `make test` runs."""
    slow_checks: tuple[str, ...] = ()
    """Checks (`component.check`) a quick audit runs only for mutants of their own component."""
    covers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Component id -> the code it grades: `file` or `file::Qualified.name` (most specific wins)."""


@dataclass(frozen=True)
class Assignment:
    """A validated assignment.yaml."""

    name: str
    title: str
    seed: int
    root: Path
    """The repository root the relative paths below are resolved against."""
    solution: Path
    suite: str
    submission: SubmissionSpec
    limits: Limits
    torch_device: TorchDevice
    components: tuple[Component, ...]
    policy: tuple[PolicyWindow, ...] = field(default=())
    source: Path | None = None
    """The YAML file this was loaded from."""
    audit: AuditSpec | None = None
    """Mutation-audit settings (`audit:` key), None when the YAML has none."""
    requirements: Requirements = field(default_factory=Requirements)
    """What the grader's Gradescope image installs (`requirements:` key); numpy only when the
    YAML has none."""
    late: LatePolicy | None = None
    """Late days and penalties applied by `batch grade` (`late:` over course.yaml's); None when
    neither has one."""

    @property
    def points(self) -> float:
        return sum(c.points for c in self.components)

    def component(self, component_id: str) -> Component:
        for comp in self.components:
            if comp.id == component_id:
                return comp
        raise KeyError(component_id)

    def check_keys(self) -> list[str]:
        """Every check as `component.check`, in YAML order."""
        return [f"{c.id}.{k.id}" for c in self.components for k in c.checks]

    def public_check_keys(self) -> list[str]:
        """The checks marked `public: true` (shipped in the handout's checker), in YAML order."""
        return [f"{c.id}.{k.id}" for c in self.components for k in c.checks if k.public]


def _require(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise ConfigError(f"{where}: missing required key '{key}'")
    return data[key]


def _no_unknown(data: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}"
        )


def _limits(data: dict[str, Any], where: str) -> Limits:
    allowed = set(Limits.__dataclass_fields__)
    _no_unknown(data, allowed, f"{where}: limits")
    for key, value in data.items():
        if not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(f"{where}: limits.{key} must be a positive number, got {value!r}")
    return Limits(**data)


def _enum(cls: type[enum.Enum], value: Any, where: str) -> Any:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(repr(v.value) for v in cls)
        raise ConfigError(f"{where}: {value!r} is not one of {allowed}") from None


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    return value


def _component(data: dict[str, Any], where: str) -> Component:
    _no_unknown(data, {"id", "title", "visibility", "checks"}, where)
    cid = _require(data, "id", where)
    checks = []
    for check_id, spec in (_require(data, "checks", where) or {}).items():
        cwhere = f"{where}.checks.{check_id}"
        if not isinstance(spec, dict):
            raise ConfigError(f"{cwhere}: expected a mapping with 'points' and 'title'")
        _no_unknown(spec, {"points", "title", "seconds", "params", "public"}, cwhere)
        points = _require(spec, "points", cwhere)
        if not isinstance(points, (int, float)) or points < 0:
            raise ConfigError(f"{cwhere}: points must be a non-negative number, got {points!r}")
        checks.append(
            CheckSpec(str(check_id), str(_require(spec, "title", cwhere)), float(points),
                      spec.get("seconds"), dict(spec.get("params") or {}),
                      _flag(spec.get("public", False), f"{cwhere}.public"))
        )
    if not checks:
        raise ConfigError(f"{where}: a component needs at least one check")
    visibility = _enum(Visibility, data.get("visibility", "visible"), f"{where}.visibility")
    return Component(str(cid), str(_require(data, "title", where)), visibility, tuple(checks))


def _audit(data: Any, where: str, components: tuple[Component, ...]) -> AuditSpec | None:
    """`audit: {min_score, max_mutants, seed, test_sample, slow_checks, covers}` (all optional)."""
    if data is None:
        return None
    key = f"{where}: audit"
    if not isinstance(data, dict):
        raise ConfigError(f"{key} must be a mapping, got {data!r}")
    _no_unknown(data, set(AuditSpec.__dataclass_fields__), key)
    score = data.get("min_score", 0.9)
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 <= score <= 1:
        raise ConfigError(f"{key}.min_score must be a number in [0, 1], got {score!r}")
    counts = {}
    for name, default, least in (("max_mutants", None, 1), ("seed", 0, 0), ("test_sample", 20, 1)):
        value = data.get(name, default)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < least):
            raise ConfigError(f"{key}.{name} must be a whole number >= {least}"
                              f"{' or null' if default is None else ''}, got {value!r}")
        counts[name] = value
    known = {f"{c.id}.{k.id}" for c in components for k in c.checks}
    slow = data.get("slow_checks") or []
    if not isinstance(slow, list) or any(s not in known for s in slow):
        raise ConfigError(f"{key}.slow_checks must list checks as 'component.check', got "
                          f"{slow!r}")
    covers = data.get("covers") or {}
    if not isinstance(covers, dict):
        raise ConfigError(f"{key}.covers must map component ids to lists of code, got {covers!r}")
    ids = {c.id for c in components}
    for cid, code in covers.items():
        if cid not in ids:
            raise ConfigError(f"{key}.covers.{cid}: no component with that id")
        if not isinstance(code, list) or not all(isinstance(c, str) and c for c in code):
            raise ConfigError(f"{key}.covers.{cid} must be a list like ['file.py', "
                              f"'file.py::Class.method'], got {code!r}")
    return AuditSpec(float(score), counts["max_mutants"], counts["seed"], counts["test_sample"],
                     tuple(slow), {str(c): tuple(v) for c, v in covers.items()})


def _requirements(data: Any, where: str) -> Requirements:
    """`requirements: {torch: bool, packages: [pip requirement, ...]}` (both optional)."""
    if data is None:
        return Requirements()
    key = f"{where}: requirements"
    if not isinstance(data, dict):
        raise ConfigError(f"{key} must be a mapping like {{torch: true, packages: [mnist1d]}}, "
                          f"got {data!r}")
    _no_unknown(data, set(Requirements.__dataclass_fields__), key)
    torch = data.get("torch", False)
    if not isinstance(torch, bool):
        raise ConfigError(f"{key}.torch must be true or false, got {torch!r}")
    packages = data.get("packages") or []
    if not isinstance(packages, list):
        raise ConfigError(f"{key}.packages must be a list of pip requirements like "
                          f"['mnist1d', 'matplotlib>=3.8'], got {packages!r}")
    seen: dict[str, int] = {}
    for i, item in enumerate(packages):
        item_key = f"{key}.packages[{i}]"
        if not isinstance(item, str) or not _REQUIREMENT.match(item.strip()):
            raise ConfigError(f"{item_key}: {item!r} is not a pip requirement like 'name', "
                              "'name==1.2' or 'name>=1,<2' (no URLs, paths, pip options or "
                              "environment markers)")
        name = requirement_name(item)
        if name == "torch":
            raise ConfigError(f"{item_key}: write 'torch: true' instead of listing torch (the "
                              "build installs its CPU wheel from PyTorch's CPU index)")
        if name in BASE_REQUIREMENTS:
            raise ConfigError(f"{item_key}: {name} is always installed (the engine needs it); "
                              "leave it out")
        if name in seen:
            raise ConfigError(f"{item_key}: {name} is already listed as packages[{seen[name]}]")
        seen[name] = i
    return Requirements(torch, tuple(p.strip() for p in packages))


def _days(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{key} must be a non-negative number of days, got {value!r}")
    return float(value)


def _policy(data: Any, where: str) -> tuple[PolicyWindow, ...]:
    """`policy: {windows: [{start_days, end_days, max_visible, relative_to, label}, ...]}`."""
    if data is None:
        return ()
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: policy must be a mapping with 'windows', got {data!r}")
    _no_unknown(data, {"windows"}, f"{where}: policy")
    raw = data.get("windows") or []
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: policy.windows must be a list of windows, got {raw!r}")
    windows = []
    allowed = {"start_days", "end_days", "max_visible", "relative_to", "label"}
    for i, spec in enumerate(raw):
        key = f"{where}: policy.windows[{i}]"
        if not isinstance(spec, dict):
            raise ConfigError(f"{key}: expected a mapping with 'start_days' and 'end_days'")
        _no_unknown(spec, allowed, key)
        start = _days(_require(spec, "start_days", key), f"{key}.start_days")
        end = spec.get("end_days")
        if end is not None:
            end = _days(end, f"{key}.end_days")
            if end <= start:
                raise ConfigError(f"{key}.end_days must be after start_days ({start:g}), "
                                  f"got {end:g}")
        cap = spec.get("max_visible")
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 0):
            raise ConfigError(f"{key}.max_visible must be a whole number >= 0 or null "
                              f"(unlimited), got {cap!r}")
        anchor = _enum(PolicyAnchor, spec.get("relative_to", "release"), f"{key}.relative_to")
        label = spec.get("label")
        windows.append(PolicyWindow(start, end, cap, anchor,
                                    None if label is None else str(label)))
    for i, a in enumerate(windows):
        for j, b in enumerate(windows[:i]):
            if a.relative_to is not b.relative_to:
                continue
            a_end = float("inf") if a.end_days is None else a.end_days
            b_end = float("inf") if b.end_days is None else b.end_days
            if a.start_days < b_end and b.start_days < a_end:
                raise ConfigError(f"{where}: policy.windows[{i}] overlaps policy.windows[{j}] "
                                  "(a submission must fall in at most one window)")
    return tuple(windows)


def _notebook(data: Any, where: str) -> NotebookEdition | None:
    if data is None:
        return None
    key = f"{where}.notebook"
    if not isinstance(data, dict):
        raise ConfigError(f"{key} must be a mapping with 'file', got {data!r}")
    _no_unknown(data, set(NotebookEdition.__dataclass_fields__), key)
    name = str(_require(data, "file", key))
    if not name.endswith(".ipynb") or "/" in name:
        raise ConfigError(f"{key}.file must be a notebook file name (*.ipynb), got {name!r}")
    fields: dict[str, Any] = {"file": name}
    for field_name in ("cell_seconds", "total_seconds"):
        if field_name in data:
            value = data[field_name]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ConfigError(f"{key}.{field_name} must be a positive number of seconds, "
                                  f"got {value!r}")
            fields[field_name] = float(value)
    for field_name in ("skip_tags", "skip_tag_prefixes", "hidden_tags"):
        if field_name in data:
            value = data[field_name]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{key}.{field_name} must be a list of tags, got {value!r}")
            fields[field_name] = tuple(value)
    if "spec" in data:
        fields["spec"] = str(data["spec"])
    return NotebookEdition(**fields)


def _read_mapping_file(path: Path) -> Any:
    """A YAML file, or JSON for a `.json` file (the handout's checker has no pyyaml).
    Raises OSError, or ValueError for text that does not parse."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    import yaml  # imported here: the checker shipped in handouts runs without pyyaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from None


def load_assignment(path: str | Path, root: str | Path | None = None) -> Assignment:
    """Load and validate one assignment.yaml; `root` defaults to the repository root."""
    path = Path(path).resolve()
    where = str(path)
    try:
        data = _read_mapping_file(path)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{where}: cannot read YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping at the top level")
    _no_unknown(data, {"name", "title", "seed", "solution", "suite", "submission", "limits",
                       "torch_device", "policy", "components", "audit", "requirements", "late"},
                where)
    root = Path(root) if root else path.parents[2]
    sub = _require(data, "submission", where)
    _no_unknown(sub, {"package", "files", "forbidden_imports", "provided", "notebook"},
                f"{where}: submission")
    files = tuple(_require(sub, "files", f"{where}: submission"))
    if not files:
        raise ConfigError(f"{where}: submission.files is empty")
    components = tuple(
        _component(c, f"{where}: components[{i}]")
        for i, c in enumerate(_require(data, "components", where))
    )
    seen: set[str] = set()
    for comp in components:
        if comp.id in seen:
            raise ConfigError(f"{where}: duplicate component id '{comp.id}'")
        seen.add(comp.id)
    windows = _policy(data.get("policy"), where)
    requirements = _requirements(data.get("requirements"), where)
    torch_device = _enum(TorchDevice, data.get("torch_device", "auto"), f"{where}.torch_device")
    if torch_device is TorchDevice.CUDA and not requirements.torch:
        raise ConfigError(f"{where}: torch_device 'cuda' needs torch: add 'requirements: "
                          "{torch: true}'")
    return Assignment(
        name=str(_require(data, "name", where)),
        title=str(_require(data, "title", where)),
        seed=int(_require(data, "seed", where)),
        root=root,
        solution=root / _require(data, "solution", where),
        suite=str(_require(data, "suite", where)),
        submission=SubmissionSpec(sub.get("package"), files,
                                  tuple(sub.get("forbidden_imports") or ()),
                                  tuple(sub.get("provided") or ()),
                                  _notebook(sub.get("notebook"), f"{where}: submission")),
        limits=_limits(data.get("limits") or {}, where),
        torch_device=torch_device,
        components=components,
        policy=windows,
        source=path,
        audit=_audit(data.get("audit"), where, components),
        requirements=requirements,
        late=_late(load_course_late(root), data.get("late"), where),
    )
