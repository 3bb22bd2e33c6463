"""Linux's atomic_t read-modify-write API, generated from the families of linux-kernel.def.

Every `atomic_*` line of the kernel's `tools/memory-model/linux-kernel.def` is one family below
times its ordering suffixes (`atomic_fetch_add_acquire(V,X)` is `__atomic_fetch_op{ACQUIRE}(X,
+,V)`), plus xchg(), cmpxchg() and atomic_add_unless(). What each returns, and what that value
depends on, follows herd's C semantics (herd/CSem.ml): `*_return` and `fetch_*` values depend
on the read; `*_and_test` and `add_negative` compare the new value (`== 0`, `< 0`) as C does,
so they depend on it too; atomic_add_unless() returns whether it added, from the read.
c_calls.py adds atomic_long_t's API, the same table under `atomic_long_`.
"""

from __future__ import annotations

from enum import Enum

from ringlitmus import ir
from ringlitmus.frontends.c_code import Annotation, Builder, Primitive, Translator
from ringlitmus.frontends.c_syntax import CCall
from ringlitmus.ir import ArithOp, CmpOp, RmwOp


class Result(Enum):
    """What an atomic operation returns."""

    NOTHING = "nothing"  # herd's __atomic_op{NORETURN}: the read is NORETURN
    OLD = "old"  # __atomic_fetch_op
    NEW = "new"  # __atomic_op_return
    NEW_IS_ZERO = "new == 0"  # *_and_test
    NEW_IS_NEGATIVE = "new < 0"  # add_negative


# The .def's operators: the RmwOp, and how V becomes its operand (`-` adds -V).
_OPERATORS: dict[str, tuple[RmwOp, bool]] = {
    "add": (RmwOp.ADD, False),
    "sub": (RmwOp.ADD, True),
    "and": (RmwOp.AND, False),
    "or": (RmwOp.SET, False),
    "xor": (RmwOp.EOR, False),
    "andnot": (RmwOp.CLR, False),
}
# inc and dec take no V: `+ 1` and `- 1`.
_STEPS = {"inc": 1, "dec": -1}
_ALL_ORDERINGS = {
    "": Annotation.MB,
    "_relaxed": Annotation.ONCE,
    "_acquire": Annotation.ACQUIRE,
    "_release": Annotation.RELEASE,
}
_ALL = (*_OPERATORS, *_STEPS)
# (name with `{}` for the operator, operators, result, ordering suffixes), as in the .def.
_FAMILIES: tuple[tuple[str, tuple[str, ...], Result, dict[str, Annotation]], ...] = (
    ("atomic_{}", _ALL, Result.NOTHING, {"": Annotation.ONCE}),
    ("atomic_{}_return", ("add", "sub", "inc", "dec"), Result.NEW, _ALL_ORDERINGS),
    ("atomic_fetch_{}", _ALL, Result.OLD, _ALL_ORDERINGS),
    ("atomic_{}_and_test", ("sub", "inc", "dec"), Result.NEW_IS_ZERO, {"": Annotation.MB}),
    ("atomic_{}_negative", ("add",), Result.NEW_IS_NEGATIVE, _ALL_ORDERINGS),
)


def _operation(operator: str, result: Result, annotation: Annotation) -> Primitive:
    """`atomic_OP(V, X)` or `atomic_inc(X)` and their forms."""
    step = _STEPS.get(operator)
    op, negated = _OPERATORS.get(operator, (RmwOp.ADD, False))

    def build(t: Translator, call: CCall, dest: str | None) -> None:
        if step is None:
            value, pointer = call.arguments
            operand = t.value(value)
            if negated:
                operand = ir.BinOp(ArithOp.SUB, ir.Const(0), operand)
        else:
            (pointer,) = call.arguments
            operand = ir.Const(step)
        address = t.value(pointer)
        old = t.rmw(call, op, address, operand, annotation, returns=result is not Result.NOTHING)
        if old is None or dest is None:
            return
        # Only add and sub have value-returning forms: the new value is old + operand.
        new = ir.BinOp(ArithOp.ADD, ir.Reg(old), operand)
        if result is Result.OLD:
            t.assign_expr(dest, ir.Reg(old), call.span)
        elif result is Result.NEW:
            t.assign_expr(dest, new, call.span)
        else:
            compare = CmpOp.EQ if result is Result.NEW_IS_ZERO else CmpOp.LT
            t.truth_value(dest, ir.Compare(compare, new, ir.Const(0)), call.span)

    return Primitive(1 if step is not None else 2, build)


def _exchange(annotation: Annotation) -> Builder:
    """`xchg(X, V)`: the old value."""

    def build(t: Translator, call: CCall, dest: str | None) -> None:
        pointer, value = call.arguments
        address, operand = t.value(pointer), t.value(value)
        old = t.rmw(call, RmwOp.SWP, address, operand, annotation)
        assert old is not None
        t.assign_expr(dest, ir.Reg(old), call.span)

    return build


def _compare_exchange(annotation: Annotation) -> Builder:
    """`cmpxchg(X, V, W)`: writes W if X holds V; the old value either way."""

    def build(t: Translator, call: CCall, dest: str | None) -> None:
        pointer, expected, value = call.arguments
        address, compared, operand = t.value(pointer), t.value(expected), t.value(value)
        old = t.rmw(call, RmwOp.CAS, address, operand, annotation, expected=compared)
        assert old is not None
        t.assign_expr(dest, ir.Reg(old), call.span)

    return build


def _add_unless(t: Translator, call: CCall, dest: str | None) -> None:
    """`atomic_add_unless(X, V, W)`: adds V unless X holds W; whether it added (1 or 0)."""
    pointer, value, unless = call.arguments
    address, operand, compared = t.value(pointer), t.value(value), t.value(unless)
    old = t.rmw(call, RmwOp.ADD_UNLESS, address, operand, Annotation.MB, expected=compared)
    assert old is not None
    if dest is not None:
        t.truth_value(dest, ir.Compare(CmpOp.NE, ir.Reg(old), compared), call.span)


def _atomics() -> dict[str, Primitive]:
    table: dict[str, Primitive] = {}
    for name, operators, result, orderings in _FAMILIES:
        for operator in operators:
            for suffix, annotation in orderings.items():
                table[name.format(operator) + suffix] = _operation(operator, result, annotation)
    for suffix, annotation in _ALL_ORDERINGS.items():
        for prefix in ("", "atomic_"):
            table[f"{prefix}xchg{suffix}"] = Primitive(2, _exchange(annotation))
            table[f"{prefix}cmpxchg{suffix}"] = Primitive(3, _compare_exchange(annotation))
    table["atomic_add_unless"] = Primitive(3, _add_unless)
    return table


ATOMICS: dict[str, Primitive] = _atomics()
