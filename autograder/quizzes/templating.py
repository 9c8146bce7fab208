"""Sandboxed Jinja2 templates for question text; StrictUndefined makes a missing variable an
error."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment


def format_value(value: object, spec: str) -> str:
    """``format(value, spec)``; the `fmt` filter in templates (``{{ x | fmt('.3g') }}``)."""
    return format(value, spec)


def make_environment() -> SandboxedEnvironment:
    """A fresh sandboxed environment; each bank loader makes its own (no shared state)."""
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                               keep_trailing_newline=False)
    env.filters["fmt"] = format_value
    return env


@dataclass(frozen=True)
class TextTemplate:
    """A piece of question text; plain strings skip Jinja entirely."""

    source: str
    """The template text as written in the bank."""
    names: frozenset[str]
    """Variables the template reads (from jinja2.meta)."""
    template: jinja2.Template | None = field(default=None, repr=False, compare=False)
    """Compiled template, or None when the text has no Jinja syntax."""

    @property
    def is_static(self) -> bool:
        """True when rendering cannot depend on variables."""
        return self.template is None

    def render(self, context: Mapping[str, object]) -> str:
        """Rendered text, stripped; raises jinja2 errors (UndefinedError, SecurityError...)."""
        if self.template is None:
            return self.source.strip()
        return self.template.render(context).strip()


def compile_text(env: SandboxedEnvironment, source: object) -> TextTemplate:
    """Compile bank text; raises jinja2.TemplateSyntaxError."""
    text = str(source)
    if "{{" not in text and "{%" not in text and "{#" not in text:
        return TextTemplate(text, frozenset())
    names = frozenset(meta.find_undeclared_variables(env.parse(text)))
    return TextTemplate(text, names, env.from_string(text))
