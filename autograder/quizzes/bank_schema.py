"""JSON Schemas (with a description per key) for question banks and quiz definitions."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

_SCALAR_OR_LIST = {"type": ["string", "number", "boolean", "array"]}
_EXPR = {"type": ["string", "number", "boolean"],
         "description": "Restricted expression over parameters (see expr.py)."}

_COMPUTATION = {
    "type": "object",
    "description": "How a value is computed: a registered function with argument "
                   "expressions, or one expression.",
    "properties": {
        "fn": {"type": "string", "description": "Name in answers.ANSWER_FUNCTIONS."},
        "args": {"type": "object", "additionalProperties": _EXPR,
                 "description": "Keyword arguments of `fn`, each an expression."},
        "expr": {**_EXPR, "description": "Expression computing the value directly."},
    },
    "additionalProperties": False,
    "oneOf": [{"required": ["fn"]}, {"required": ["expr"]}],
}

_PARAM = {
    "type": "object",
    "description": "Values a per-student variable is drawn from (uniformly).",
    "properties": {
        "values": {"type": "array", "minItems": 1, "items": _SCALAR_OR_LIST,
                   "description": "Explicit list of values (ints, floats, strings, lists)."},
        "range": {"type": "array", "minItems": 2, "maxItems": 3,
                  "items": {"type": "integer"},
                  "description": "[low, high] or [low, high, step], both ends included."},
    },
    "additionalProperties": False,
    "oneOf": [{"required": ["values"]}, {"required": ["range"]}],
}

_OPTION = {
    "description": "An option: its text, or a mapping with text, misconception and pin.",
    "oneOf": [
        {"type": ["string", "number"]},
        {"type": "object", "required": ["text"], "additionalProperties": False,
         "properties": {
             "text": {"type": ["string", "number"], "description": "Option text (Jinja)."},
             "misconception": {"type": "string",
                               "description": "What a student choosing it believes."},
             "pin": {"type": "boolean",
                     "description": "Keep after shuffled options (auto for 'all/none of "
                                    "the above')."},
         }},
    ],
}

_DISTRACTOR = {
    "description": "A mistake name registered for the answer function, or an inline "
                   "mistake {name, expr, misconception}.",
    "oneOf": [
        {"type": "string"},
        {"type": "object", "required": ["name", "expr", "misconception"],
         "additionalProperties": False,
         "properties": {"name": {"type": "string"}, "expr": _EXPR,
                        "misconception": {"type": "string"}}},
    ],
}

_NOTES = {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{3}$"},
          "description": "Course-notes files (3-digit prefixes such as '004') the questions "
                         "are built from (`quiz lint` counts coverage)."}

_LINT = {"type": "object",
         "description": "Thresholds of `quiz lint` (see autograder/quizzes/lint.py): "
                        "max_key_longest_rate, true_share [low, high], difficulty and topics "
                        "shares, mix_tolerance, ...",
         "properties": {
             "true_share": {"type": "array", "items": {"type": "number"}, "minItems": 2,
                            "maxItems": 2},
             "difficulty": {"type": "object", "additionalProperties": {"type": "number"}},
             "topics": {"type": "object", "additionalProperties": {"type": "number"}},
         },
         "additionalProperties": {"type": "number"}}

QUESTION_SCHEMA: Mapping[str, Any] = MappingProxyType({
    "type": "object",
    "required": ["id", "kind", "difficulty", "stem", "explanation"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$",
               "description": "Unique id across all banks (lowercase, digits, - and _)."},
        "kind": {"enum": ["single", "multiple", "numeric", "true_false"],
                 "description": "Question kind."},
        "difficulty": {"enum": ["easy", "medium", "hard"], "description": "Author's estimate."},
        "topic": {"type": "string", "description": "Overrides the bank's topic."},
        "tags": {"type": "array", "items": {"type": "string"}, "description": "Free tags."},
        "notes": _NOTES,
        "points": {"type": "number", "exclusiveMinimum": 0, "description": "Default 1."},
        "stem": {"type": "string", "description": "Question text (Jinja template)."},
        "explanation": {"type": "string", "description": "Shown in the key and feedback."},
        "options": {"type": "array", "minItems": 2, "items": _OPTION,
                    "description": "Written-out options (single/multiple)."},
        "key": {"description": "Correct letter(s) of written-out options in bank order, or "
                               "true/false for true_false.",
                "oneOf": [{"type": "string"}, {"type": "boolean"},
                          {"type": "array", "minItems": 1, "items": {"type": "string"}}]},
        "answer": _COMPUTATION,
        "distractors": {"type": "array", "items": _DISTRACTOR,
                        "description": "Wrong values from named mistakes (generated options, "
                                       "or numeric feedback)."},
        "option": {"type": "string",
                   "description": "Template for a generated option; `value` is the "
                                  "formatted number."},
        "format": {"type": "string", "description": "Python format spec for computed "
                                                    "numbers (default .4g)."},
        "params": {"type": "object", "additionalProperties": _PARAM,
                   "description": "Per-student variables."},
        "derived": {"type": "object", "additionalProperties": _EXPR,
                    "description": "Variables computed from params, in order."},
        "where": {**_EXPR, "description": "Condition a parameter draw must satisfy."},
        "tolerance": {"type": "object", "additionalProperties": False,
                      "minProperties": 1,
                      "properties": {"abs": {"type": "number", "minimum": 0},
                                     "rel": {"type": "number", "minimum": 0}},
                      "description": "Numeric tolerance: the larger of abs and rel*|answer|."},
        "scoring": {"enum": ["right_minus_wrong", "all_or_nothing"],
                    "description": "Partial-credit rule (multiple); overrides the bank's."},
        "shuffle": {"type": "boolean", "description": "Shuffle options (default true)."},
    },
})

BANK_SCHEMA: Mapping[str, Any] = MappingProxyType({
    "type": "object",
    "required": ["topic", "questions"],
    "additionalProperties": False,
    "properties": {
        "topic": {"type": "string", "description": "Topic of every question in the file."},
        "title": {"type": "string", "description": "Human-readable bank title."},
        "notes": _NOTES,
        "multiple_scoring": {"enum": ["right_minus_wrong", "all_or_nothing"],
                             "description": "Partial-credit rule for multiple-answer "
                                            "questions of this bank."},
        "questions": {"type": "array", "minItems": 1, "items": {"type": "object"},
                      "description": "The questions (see QUESTION_SCHEMA)."},
    },
})

QUIZZES_SCHEMA: Mapping[str, Any] = MappingProxyType({
    "type": "object",
    "required": ["quizzes"],
    "additionalProperties": False,
    "properties": {"lint": _LINT, "quizzes": {
        "type": "object",
        "description": "Quiz definitions by name.",
        "additionalProperties": {
            "type": "object",
            "required": ["title", "seed", "sections"],
            "additionalProperties": False,
            "properties": {
                "title": {"type": "string", "description": "Shown on every variant."},
                "seed": {"type": "integer", "description": "Base seed of all variants."},
                "shuffle_questions": {"type": "boolean",
                                      "description": "Per-student question order."},
                "lint": _LINT,
                "lms_variants": {"type": "integer", "minimum": 1,
                                 "description": "Max variants per question in LMS exports "
                                                "(default 10)."},
                "sections": {"type": "array", "minItems": 1, "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "questions": {"type": "array", "items": {"type": "string"},
                                      "description": "Question ids."},
                        "topic": {"type": "string", "description": "All questions of a "
                                                                   "topic."},
                        "difficulty": {"type": "array",
                                       "items": {"enum": ["easy", "medium", "hard"]},
                                       "description": "Keep only these difficulties."},
                        "pick": {"type": "integer", "minimum": 1,
                                 "description": "How many to draw (default all)."},
                        "per_student": {"type": "boolean",
                                        "description": "Each student draws their own "
                                                       "questions (default: same for all)."},
                    },
                    "oneOf": [{"required": ["questions"]}, {"required": ["topic"]}],
                }},
            },
        },
    }},
})
