"""Read values back out of a Z3 model: a witness reads hundreds of them.

A reachable outcome's witness is its final state, every rf variable's truth and every write's
coherence position: ~700 reads of the model at a 16-entry ring. z3's `model.eval(t).as_long()`
wraps each answer in a term object (two more C calls for its reference count) and then asks
for its digits as a string. These call the same C functions that z3's bindings hold (see
terms.py) and read the answer directly: the same values, about a fifth of the time.
"""

from __future__ import annotations

import ctypes

import z3

from ringlitmus.encode.terms import Cond, Num, c_function

_MODEL_EVAL = c_function(z3.Z3_model_eval)
_BOOL_VALUE = c_function(z3.Z3_get_bool_value)
_NUMERAL_INT64 = c_function(z3.Z3_get_numeral_int64)


def model_truth(model: z3.ModelRef, condition: Cond) -> bool:
    """Whether `condition` holds in `model` (completed where it says nothing)."""
    if isinstance(condition, bool):
        return condition
    reference, value = _evaluated(model, condition)
    return bool(_BOOL_VALUE(reference, value) == z3.Z3_L_TRUE)


def model_integer(model: z3.ModelRef, number: Num) -> int:
    """The value of the integer term `number` in `model` (completed where it says nothing)."""
    if isinstance(number, int):
        return number
    reference, value = _evaluated(model, number)
    small = ctypes.c_int64()
    if _NUMERAL_INT64(reference, value, ctypes.byref(small)):
        return small.value
    return int(z3.Z3_get_numeral_string(reference, value))  # beyond 64 bits: z3's own call


def _evaluated(model: z3.ModelRef, term: z3.ExprRef) -> tuple[ctypes.c_void_p, z3.Ast]:
    # Z3 keeps the last answer of a call alive until the next call that returns a term, and
    # nothing between the evaluation and the read makes one.
    reference = model.ctx.ref()
    answer = (z3.Ast * 1)()
    if not _MODEL_EVAL(reference, model.model, term.as_ast(), True, answer):
        raise z3.Z3Exception("failed to evaluate expression in the model")
    return reference, answer[0]
