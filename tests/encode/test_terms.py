"""encode/terms.py: the C-level builders make the terms z3's own API makes, and fail as it does."""

from __future__ import annotations

import pytest
import z3

from ringlitmus.encode import terms
from ringlitmus.encode.solver import fresh_context
from ringlitmus.ir import CmpOp


def test_builders_make_the_terms_z3s_api_makes() -> None:
    with fresh_context():
        x, y, b = terms.mk_int("x"), terms.mk_int("y"), terms.mk_bool("b")
        assert x.eq(z3.Int("x")) and b.eq(z3.Bool("b"))
        pairs = [
            (terms.mk_and([b, x < y]), z3.And(b, x < y)),
            (terms.mk_or([b, x < y]), z3.Or(b, x < y)),
            (terms.mk_not(b), z3.Not(b)),
            (terms.mk_implies(b, x < 3), z3.Implies(b, x < 3)),
            (terms.mk_at_most_one([b, x < y]), z3.AtMost(b, x < y, 1)),
            (terms.mk_compare(CmpOp.NE, x, 7), x != 7),
            (terms.mk_compare(CmpOp.LE, 2, y), y >= 2),  # reflected, as `2 <= y` is
            (terms.mk_eq(x, y), x == y),
        ]
        for built, expected in pairs:
            assert built.eq(expected), (built, expected)
            assert built.ctx is z3.main_ctx()


def test_a_failing_call_raises_z3s_exception_not_a_null_term() -> None:
    with fresh_context():
        with pytest.raises(z3.Z3Exception):
            terms.mk_not(terms.mk_int("x"))  # `not` of an integer
        with pytest.raises(z3.Z3Exception):
            terms.mk_and([terms.mk_int("x"), terms.mk_bool("b")])  # `and` of an integer


def test_terms_hold_their_reference_after_the_builders_wrappers_are_gone() -> None:
    with fresh_context():
        kept = [terms.mk_compare(CmpOp.LT, terms.mk_int(f"v{i}"), i) for i in range(200)]
        solver = z3.Solver()
        terms.assert_all(solver, kept)
        assert solver.check() == z3.sat
        assert all(term.sexpr() == f"(< v{i} {i})" for i, term in enumerate(kept))


def test_a_wrapper_without_a_c_function_behind_it_is_used_as_it_is() -> None:
    def wrapper(context: object) -> object:  # no `_elems` default: not z3's generated form
        return context

    assert terms.c_function(wrapper) is wrapper
    assert callable(terms.c_function(z3.Z3_mk_and))
