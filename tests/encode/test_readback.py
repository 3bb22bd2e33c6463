"""Reading a model back gives what z3's model.eval gives, without its term objects."""

from __future__ import annotations

import pytest
import z3

from ringlitmus.encode.readback import model_integer, model_truth
from ringlitmus.encode.solver import fresh_context


def test_integers_and_truths_are_what_model_eval_says() -> None:
    with fresh_context():
        x, y, unset = z3.Ints("x y unset")
        flag, other = z3.Bools("flag other")
        solver = z3.Solver()
        solver.add(x == 2**70, y == -(2**40) - 3, flag, z3.Not(other))
        assert solver.check() == z3.sat
        model = solver.model()
        for number in (x, y, x + y, x * 0 - 7, unset, z3.If(flag, y, x)):
            expected = model.eval(number, model_completion=True).as_long()
            assert model_integer(model, number) == expected
        for condition in (flag, other, z3.Not(flag), z3.Bool("unset"), x > y, z3.And(flag, other)):
            expected = z3.is_true(model.eval(condition, model_completion=True))
            assert model_truth(model, condition) is expected


@pytest.mark.parametrize("constant", [0, -1, 2**80, True, False])
def test_python_constants_are_their_own_values(constant: int) -> None:
    with fresh_context():
        solver = z3.Solver()
        solver.check()
        model = solver.model()
        if isinstance(constant, bool):
            assert model_truth(model, constant) is constant
        else:
            assert model_integer(model, constant) == constant
