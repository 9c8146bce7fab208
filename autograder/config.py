"""The typed schema of `assignments/<name>/assignment.yaml`, the single source of truth.

Every consumer (skeleton build, grader build, engine, README, tests) reads assignments through
`load_assignment`, which validates the YAML and names the file and key on any error.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


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
    """Address-space limit of the student process."""
    processes: int = 64
    """Tasks (processes and threads) the sandbox user may own."""
    file_size_mb: int = 16
    """Largest file the student process may write."""
    output_kb: int = 64
    """Student stdout/stderr kept (head and tail) for feedback."""


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
class SubmissionSpec:
    """What a submission must contain after normalization."""

    package: str | None
    """The student package folder (e.g. `beras`), used to recognise nested uploads."""
    files: tuple[str, ...]
    """Required files, as paths in the canonical layout."""
    forbidden_imports: tuple[str, ...] = ()
    """Top-level modules student code may not import (checked statically and at run time)."""


@dataclass(frozen=True)
class PolicyWindow:
    """A submission window: from `start_days` to `end_days` after release, at most `max_visible`."""

    start_days: float
    end_days: float
    max_visible: int | None = None


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


def _component(data: dict[str, Any], where: str) -> Component:
    _no_unknown(data, {"id", "title", "visibility", "checks"}, where)
    cid = _require(data, "id", where)
    checks = []
    for check_id, spec in (_require(data, "checks", where) or {}).items():
        cwhere = f"{where}.checks.{check_id}"
        if not isinstance(spec, dict):
            raise ConfigError(f"{cwhere}: expected a mapping with 'points' and 'title'")
        _no_unknown(spec, {"points", "title", "seconds", "params"}, cwhere)
        points = _require(spec, "points", cwhere)
        if not isinstance(points, (int, float)) or points < 0:
            raise ConfigError(f"{cwhere}: points must be a non-negative number, got {points!r}")
        checks.append(
            CheckSpec(str(check_id), str(_require(spec, "title", cwhere)), float(points),
                      spec.get("seconds"), dict(spec.get("params") or {}))
        )
    if not checks:
        raise ConfigError(f"{where}: a component needs at least one check")
    visibility = _enum(Visibility, data.get("visibility", "visible"), f"{where}.visibility")
    return Component(str(cid), str(_require(data, "title", where)), visibility, tuple(checks))


def load_assignment(path: str | Path, root: str | Path | None = None) -> Assignment:
    """Load and validate one assignment.yaml; `root` defaults to the repository root."""
    path = Path(path).resolve()
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{where}: cannot read YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping at the top level")
    _no_unknown(data, {"name", "title", "seed", "solution", "suite", "submission", "limits",
                       "torch_device", "policy", "components"}, where)
    root = Path(root) if root else path.parents[2]
    sub = _require(data, "submission", where)
    _no_unknown(sub, {"package", "files", "forbidden_imports"}, f"{where}: submission")
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
    policy = data.get("policy") or {}
    _no_unknown(policy, {"windows"}, f"{where}: policy")
    windows = tuple(PolicyWindow(**w) for w in policy.get("windows") or [])
    return Assignment(
        name=str(_require(data, "name", where)),
        title=str(_require(data, "title", where)),
        seed=int(_require(data, "seed", where)),
        root=root,
        solution=root / _require(data, "solution", where),
        suite=str(_require(data, "suite", where)),
        submission=SubmissionSpec(sub.get("package"), files,
                                  tuple(sub.get("forbidden_imports") or ())),
        limits=_limits(data.get("limits") or {}, where),
        torch_device=_enum(TorchDevice, data.get("torch_device", "auto"), f"{where}.torch_device"),
        components=components,
        policy=windows,
        source=path,
    )
