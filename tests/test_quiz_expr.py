"""Restricted expressions: what banks may compute, and what they may not."""

import math

import pytest

from autograder.quizzes.errors import ExpressionError
from autograder.quizzes.expr import MATH_FUNCTIONS, compile_expression

FUNCS = {**MATH_FUNCTIONS, "double": lambda x: 2 * x}


def evaluate(source, **variables):
    return compile_expression(source, FUNCS).evaluate(variables, FUNCS)


@pytest.mark.parametrize("source, variables, expected", [
    ("2 / d_h", {"d_h": 100}, 0.02),
    ("(w + 1) ** k", {"w": 3, "k": 2}, 16),
    ("[w] * k", {"w": 10, "k": 3}, [10, 10, 10]),
    ("2 * w if change == 'width' else w", {"w": 5, "change": "width"}, 10),
    ("logits[1] - logits[0]", {"logits": (1, 3)}, 2),
    ("double(x) + sqrt(4)", {"x": 1.5}, 5.0),
    ("n_in != w and k > 1", {"n_in": 3, "w": 4, "k": 2}, True),
    ("ln(100)", {}, math.log(100)),
])
def test_allowed_expressions_evaluate(source, variables, expected):
    assert evaluate(source, **variables) == pytest.approx(expected)


@pytest.mark.parametrize("source, message", [
    ("x.__class__", "forbidden construct: Attribute"),
    ("(lambda: 1)()", "forbidden construct: Lambda"),
    ("[i for i in range(3)]", "forbidden construct: ListComp"),
    ("open('f')", "calls unknown function 'open'"),
    ("_pow(2, 3)", "calls unknown function '_pow'"),
    ("x[1:2]", "forbidden construct: Slice"),
    ("1 +", "is not a valid expression"),
])
def test_forbidden_expressions_are_rejected_when_compiled(source, message):
    with pytest.raises(ExpressionError, match=message):
        compile_expression(source, FUNCS)


def test_names_lists_the_variables_read():
    assert compile_expression("double(a) + b * a", FUNCS).names == {"a", "b"}


def test_huge_powers_and_repetitions_are_refused():
    with pytest.raises(ExpressionError, match="exponent 1000 is larger than 64"):
        evaluate("2 ** n", n=1000)
    with pytest.raises(ExpressionError, match="repetition builds more than"):
        evaluate("[1] * n", n=10**6)


def test_runtime_errors_name_the_expression():
    with pytest.raises(ExpressionError, match="'1 / x' failed: ZeroDivisionError"):
        evaluate("1 / x", x=0)
    with pytest.raises(ExpressionError, match="in 'y \\+ 1'"):
        evaluate("y + 1")
