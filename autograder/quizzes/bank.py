"""Load question banks (YAML) into frozen Question objects, failing loudly on any problem."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2
import jsonschema
import yaml

from .answers import ANSWER_FUNCTIONS, EXPRESSION_FUNCTIONS
from .bank_schema import BANK_SCHEMA, QUESTION_SCHEMA
from .errors import BankError, ExpressionError
from .expr import MATH_FUNCTIONS, Expression, compile_expression
from .model import (LETTERS, POINTS_DEFAULT, VALUE_FORMAT_DEFAULT, Computation, Difficulty,
                    Distractor, Kind, ParamSpec, Question, Scoring, StaticOption, Tolerance)
from .templating import TextTemplate, compile_text, make_environment
from .yamlio import describe_yaml_error, load_yaml_file_with_nodes

PINNED_PATTERN = re.compile(r"^\W*(all|none|any|both|neither)\s+of\s+(the\s+)?(above|these)\b",
                            re.IGNORECASE)
"""Options matching this stay after the shuffled ones."""
ANSWER_NAMES = frozenset({"answer", "answer_value"})
"""Template variables defined when a question has a computed answer."""
CALLABLE_NAMES = frozenset(MATH_FUNCTIONS) | frozenset(EXPRESSION_FUNCTIONS)


@dataclass(frozen=True)
class Bank:
    """One bank file: its topic and questions."""

    source: str
    topic: str
    title: str
    questions: tuple[Question, ...]


def _fail(source: str, qid: str | None, message: str) -> BankError:
    return BankError(source, qid, message)


def _schema_message(error: jsonschema.ValidationError) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    return f"{error.message} (at '{where}')" if where else error.message


def _expr(source: str, qid: str, text: object, what: str, allowed_names: frozenset[str]
          ) -> Expression:
    try:
        expression = compile_expression(text, CALLABLE_NAMES)
    except ExpressionError as error:
        raise _fail(source, qid, f"{what}: {error}") from None
    unknown = sorted(expression.names - allowed_names)
    if unknown:
        raise _fail(source, qid, f"{what}: '{expression.source}' uses undefined variable "
                                 f"{', '.join(repr(n) for n in unknown)}")
    return expression


def _params(source: str, qid: str, raw: Mapping[str, Any]) -> tuple[ParamSpec, ...]:
    specs = []
    for name, spec in raw.items():
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            raise _fail(source, qid, f"parameter name '{name}' is not an identifier")
        if "range" in spec:
            low, high, *rest = spec["range"]
            step = rest[0] if rest else 1
            if step <= 0 or high < low:
                raise _fail(source, qid, f"parameter '{name}': empty range {spec['range']}")
            values: tuple[object, ...] = tuple(range(low, high + 1, step))
        else:
            values = tuple(_freeze(v) for v in spec["values"])
        specs.append(ParamSpec(name, values))
    return tuple(specs)


def _freeze(value: object) -> object:
    """Lists from YAML become tuples so variants stay hashable."""
    return tuple(_freeze(v) for v in value) if isinstance(value, list) else value


def _computation(source: str, qid: str, raw: Mapping[str, Any], names: frozenset[str]
                 ) -> Computation:
    if "expr" in raw:
        expression = _expr(source, qid, raw["expr"], "answer", names)
        return Computation(expression.source, None, (), expression)
    fn_name = raw["fn"]
    entry = ANSWER_FUNCTIONS.get(fn_name)
    if entry is None:
        known = ", ".join(repr(n) for n in sorted(ANSWER_FUNCTIONS))
        raise _fail(source, qid, f"unknown answer function '{fn_name}'; known: {known}")
    args = tuple((arg, _expr(source, qid, text, f"argument '{arg}'", names))
                 for arg, text in (raw.get("args") or {}).items())
    shown = ", ".join(f"{arg}={expr.source}" for arg, expr in args)
    return Computation(f"{fn_name}({shown})", entry.fn, args, None)


def _distractors(source: str, qid: str, raw: list[Any], answer: Mapping[str, Any] | None,
                 names: frozenset[str]) -> tuple[Distractor, ...]:
    result = []
    base = _computation(source, qid, answer, names) if answer and "fn" in answer else None
    for item in raw:
        if isinstance(item, str):
            if base is None or answer is None:
                raise _fail(source, qid, f"distractor '{item}' names a mistake, which needs "
                                         "`answer: {fn: ...}`; write {name, expr, "
                                         "misconception} instead")
            entry = ANSWER_FUNCTIONS[answer["fn"]]
            mistake = entry.mistakes.get(item)
            if mistake is None:
                known = ", ".join(repr(n) for n in entry.mistakes)
                raise _fail(source, qid, f"unknown mistake '{item}' for '{entry.name}'; "
                                         f"known: {known}")
            arguments = base.source.split("(", 1)[1]
            computation = Computation(f"{item}({arguments}", mistake.fn, base.args, None)
            result.append(Distractor(item, mistake.misconception, computation))
        else:
            expression = _expr(source, qid, item["expr"], f"distractor '{item['name']}'",
                               names)
            result.append(Distractor(item["name"], item["misconception"],
                                     Computation(expression.source, None, (), expression)))
    labels = [d.name for d in result]
    if len(set(labels)) != len(labels):
        raise _fail(source, qid, f"distractor names repeat: {labels}")
    return tuple(result)


def _key_indices(source: str, qid: str, key: object, n_options: int) -> tuple[int, ...]:
    letters = [key] if isinstance(key, str) else list(key)  # type: ignore[arg-type]
    valid = LETTERS[:n_options]
    indices = []
    for letter in letters:
        text = str(letter).strip().lower()
        if len(text) != 1 or text not in valid:
            raise _fail(source, qid, f"key '{letter}' is not among the options "
                                     f"({', '.join(repr(c) for c in valid)})")
        indices.append(valid.index(text))
    if len(set(indices)) != len(indices):
        raise _fail(source, qid, f"key repeats a letter: {letters}")
    return tuple(sorted(indices))


class _QuestionBuilder:
    """Turns one validated YAML mapping into a Question (semantic checks live here)."""

    def __init__(self, source: str, env: jinja2.Environment, bank: Mapping[str, Any]) -> None:
        self.source = source
        self.env = env
        self.bank = bank

    def text(self, qid: str, raw: object, what: str, names: frozenset[str]) -> TextTemplate:
        """Compile a template and check that it only reads defined variables."""
        try:
            template = compile_text(self.env, raw)
        except jinja2.TemplateSyntaxError as error:
            raise _fail(self.source, qid, f"template syntax error in {what} "
                                          f"(line {error.lineno}): {error.message}") from None
        unknown = sorted(template.names - names)
        if unknown:
            raise _fail(self.source, qid, f"undefined template variable "
                                          f"{', '.join(repr(n) for n in unknown)} in {what}")
        return template

    def build(self, raw: Mapping[str, Any]) -> Question:
        qid = raw["id"]
        source = self.source
        kind = Kind(raw["kind"])
        params = _params(source, qid, raw.get("params") or {})
        names = frozenset(p.name for p in params)
        derived = []
        for name, text in (raw.get("derived") or {}).items():
            derived.append((name, _expr(source, qid, text, f"derived '{name}'", names)))
            names |= {name}
        where = (_expr(source, qid, raw["where"], "where", names) if "where" in raw else None)
        answer_raw = raw.get("answer")
        answer = _computation(source, qid, answer_raw, names) if answer_raw else None
        self._check_shape(qid, kind, raw)
        text_names = names | (ANSWER_NAMES if answer is not None else frozenset())
        options = tuple(self._option(qid, i, item, text_names)
                        for i, item in enumerate(raw.get("options") or []))
        key: tuple[int, ...] = ()
        if kind is Kind.TRUE_FALSE and "key" in raw:
            key = (0,) if raw["key"] is True else (1,)
        elif "key" in raw:
            key = _key_indices(source, qid, raw["key"], len(options))
            if kind is Kind.SINGLE and len(key) != 1:
                raise _fail(source, qid, f"single-answer question has {len(key)} keys")
        scoring = raw.get("scoring", self.bank.get("multiple_scoring"))
        if kind is Kind.MULTIPLE and scoring is None:
            raise _fail(source, qid, "multiple-answer question needs a partial-credit rule: "
                                     "`scoring:` or the bank's `multiple_scoring:`")
        return Question(
            id=qid, source=source, topic=raw.get("topic", self.bank["topic"]), kind=kind,
            difficulty=Difficulty(raw["difficulty"]),
            points=float(raw.get("points", POINTS_DEFAULT)),
            tags=tuple(raw.get("tags") or ()),
            notes=tuple(str(n) for n in raw.get("notes", self.bank.get("notes") or ())),
            stem=self.text(qid, raw["stem"], "stem", text_names),
            explanation=self.text(qid, raw["explanation"], "explanation", text_names),
            options=options, key=key, answer=answer,
            distractors=_distractors(source, qid, raw.get("distractors") or [], answer_raw,
                                     names),
            option_text=(self.text(qid, raw["option"], "option", text_names | {"value"})
                         if "option" in raw else None),
            value_format=raw.get("format", VALUE_FORMAT_DEFAULT),
            params=params, derived=tuple(derived), where=where,
            tolerance=(Tolerance(float(raw["tolerance"].get("abs", 0.0)),
                                 float(raw["tolerance"].get("rel", 0.0)))
                       if "tolerance" in raw else None),
            scoring=Scoring(scoring) if kind is Kind.MULTIPLE else None,
            shuffle=bool(raw.get("shuffle", kind in (Kind.SINGLE, Kind.MULTIPLE))),
        )

    def _option(self, qid: str, index: int, item: object, names: frozenset[str]
                ) -> StaticOption:
        body = item if isinstance(item, dict) else {"text": item}
        text = self.text(qid, body["text"], f"option {LETTERS[index]}", names)
        pinned = body.get("pin", bool(PINNED_PATTERN.match(text.source)))
        return StaticOption(text, body.get("misconception", ""), bool(pinned))

    def _check_shape(self, qid: str, kind: Kind, raw: Mapping[str, Any]) -> None:
        """Which keys each kind needs or forbids."""
        has = {k for k in ("options", "key", "answer", "distractors", "tolerance") if k in raw}

        def need(*keys: str) -> None:
            missing = [k for k in keys if k not in has]
            if missing:
                raise _fail(self.source, qid, f"{kind.value} question needs "
                                              f"{', '.join(repr(k) for k in missing)}")

        def forbid(*keys: str) -> None:
            extra = [k for k in keys if k in has]
            if extra:
                raise _fail(self.source, qid, f"{kind.value} question cannot have "
                                              f"{', '.join(repr(k) for k in extra)}")

        if kind is Kind.NUMERIC:
            need("answer", "tolerance")
            forbid("options", "key")
        elif kind is Kind.TRUE_FALSE:
            forbid("options", "distractors", "tolerance")
            if ("key" in has) == ("answer" in has):
                raise _fail(self.source, qid, "true_false question needs exactly one of "
                                              "'key' (true/false) or 'answer' (a condition)")
            if "key" in has and not isinstance(raw["key"], bool):
                raise _fail(self.source, qid, f"true_false key must be true or false, "
                                              f"got {raw['key']!r}")
        elif "answer" in has:
            if kind is Kind.MULTIPLE:
                raise _fail(self.source, qid, "multiple-answer questions need written-out "
                                              "'options' and 'key'")
            need("distractors")
            forbid("options", "key", "tolerance")
            if len(raw["distractors"]) < 1:
                raise _fail(self.source, qid, "generated options need at least one distractor")
        else:
            need("options", "key")
            forbid("distractors", "tolerance")


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _entries(node: yaml.Node | None) -> list[tuple[str, yaml.Node, yaml.Node]]:
    """(key, key node, value node) of a mapping node with scalar keys; [] otherwise."""
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(k.value, k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]


def _question_nodes(root: yaml.Node | None) -> list[yaml.Node]:
    """The item nodes of the bank's `questions:` list, in order."""
    for name, _, value in _entries(root):
        if name == "questions" and isinstance(value, yaml.SequenceNode):
            return list(value.value)
    return []


def question_lines(node: yaml.Node) -> tuple[tuple[str, int], ...]:
    """Bank lines of one question's parts (see `Question.lines`) from its YAML node: every
    top-level key, each written-out option ('option_a', ...), each distractor (by name) and,
    for true/false, 'true'/'false' at the key (or the answer condition)."""
    lines: dict[str, int] = {}
    for name, key_node, value in _entries(node):
        lines[name] = _line(key_node)
        if name == "options" and isinstance(value, yaml.SequenceNode):
            for index, item in enumerate(value.value[:len(LETTERS)]):
                lines[f"option_{LETTERS[index]}"] = _line(item)
        elif name == "distractors" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                names = dict((k, v) for k, _, v in _entries(item))
                label = (item.value if isinstance(item, yaml.ScalarNode) else
                         names["name"].value if isinstance(names.get("name"), yaml.ScalarNode)
                         else None)
                if label is not None and label not in ("id", "answer"):
                    lines[label] = _line(item)
    kind = next((v.value for k, _, v in _entries(node) if k == "kind"
                 and isinstance(v, yaml.ScalarNode)), None)
    verdict = lines.get("key", lines.get("answer"))
    if kind == Kind.TRUE_FALSE.value and verdict is not None:
        lines.setdefault("true", verdict)
        lines.setdefault("false", verdict)
    if "id" not in lines and isinstance(node, yaml.MappingNode):
        lines["id"] = _line(node)
    return tuple(lines.items())


def load_bank(path: Path, display: str | None = None) -> Bank:
    """Load and validate one bank file; raises BankError naming the file and question."""
    source = display or str(path)
    try:
        data, root = load_yaml_file_with_nodes(path)
    except OSError as error:
        raise _fail(source, None, f"cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise _fail(source, None, describe_yaml_error(error)) from None
    bank_errors = sorted(jsonschema.Draft202012Validator(dict(BANK_SCHEMA)).iter_errors(data),
                         key=lambda e: list(e.absolute_path))
    if bank_errors:
        raise _fail(source, None, _schema_message(bank_errors[0]))
    builder = _QuestionBuilder(source, make_environment(), data)
    validator = jsonschema.Draft202012Validator(dict(QUESTION_SCHEMA))
    questions: list[Question] = []
    seen: set[str] = set()
    nodes = _question_nodes(root)
    for index, raw in enumerate(data["questions"]):
        qid = raw.get("id") if isinstance(raw.get("id"), str) else f"#{index + 1}"
        errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
        if errors:
            raise _fail(source, qid, _schema_message(errors[0]))
        if qid in seen:
            raise _fail(source, qid, "duplicate question id in this bank")
        seen.add(qid)
        question = builder.build(raw)
        if index < len(nodes):
            question = replace(question, lines=question_lines(nodes[index]))
        questions.append(question)
    return Bank(source, data["topic"], data.get("title", data["topic"]), tuple(questions))
