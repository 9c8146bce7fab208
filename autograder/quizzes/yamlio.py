"""Strict YAML reading: duplicate keys are errors instead of silently keeping the last value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class DuplicateKeyError(yaml.YAMLError):
    """A mapping repeats a key (YAML itself would keep the last one silently)."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    mapping: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            mark = key_node.start_mark
            raise DuplicateKeyError(
                f"duplicate key {key!r} (line {mark.line + 1}, column {mark.column + 1})"
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def parse_yaml(text: str) -> Any:
    """Parse YAML text with duplicate-key detection; raises yaml.YAMLError."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass


def parse_yaml_with_nodes(text: str) -> tuple[Any, yaml.Node | None]:
    """parse_yaml() plus the composed node tree, whose marks give each value's line."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def describe_yaml_error(error: yaml.YAMLError) -> str:
    """One-line description of a YAML error with line and column (1-based) when known."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None)
    if mark is not None and problem:
        return f"not valid YAML (line {mark.line + 1}, column {mark.column + 1}): {problem}"
    return f"not valid YAML: {error}"


def load_yaml_file(path: Path) -> Any:
    """Read and parse one YAML file; raises OSError or yaml.YAMLError."""
    return parse_yaml(path.read_text(encoding="utf-8"))


def load_yaml_file_with_nodes(path: Path) -> tuple[Any, yaml.Node | None]:
    """load_yaml_file() plus the node tree (see parse_yaml_with_nodes)."""
    return parse_yaml_with_nodes(path.read_text(encoding="utf-8"))
