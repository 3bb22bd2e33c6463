"""Translate symbolic values and guards to Z3, with Python constants folded away."""

from __future__ import annotations

from collections.abc import Iterable

import z3

from ringlitmus.ir import ArithOp, CmpOp
from ringlitmus.symbolic import (
    All,
    AnyOf,
    Arith,
    Choice,
    Cmp,
    Guard,
    Ite,
    Not,
    ReadValue,
    Value,
)

Cond = bool | z3.BoolRef
Num = int | z3.ArithRef


def all_of(conditions: Iterable[Cond]) -> Cond:
    """Conjunction, folding Python booleans."""
    kept: list[z3.BoolRef] = []
    for condition in conditions:
        if condition is False:
            return False
        if condition is not True:
            kept.append(condition)  # type: ignore[arg-type]
    if not kept:
        return True
    return kept[0] if len(kept) == 1 else z3.And(kept)


def any_of(conditions: Iterable[Cond]) -> Cond:
    """Disjunction, folding Python booleans."""
    kept: list[z3.BoolRef] = []
    for condition in conditions:
        if condition is True:
            return True
        if condition is not False:
            kept.append(condition)  # type: ignore[arg-type]
    if not kept:
        return False
    return kept[0] if len(kept) == 1 else z3.Or(kept)


def negation(condition: Cond) -> Cond:
    """Not, folding Python booleans."""
    if isinstance(condition, bool):
        return not condition
    return z3.Not(condition)


def equal(left: Num, right: Num) -> Cond:
    """`left == right`, folded when both are integers."""
    if isinstance(left, int) and isinstance(right, int):
        return left == right
    return left == right  # type: ignore[return-value]


def as_bool(condition: Cond) -> z3.BoolRef:
    """A Z3 term for a folded condition."""
    if isinstance(condition, bool):
        return z3.BoolVal(condition)
    return condition


def compare(op: CmpOp, left: Num, right: Num) -> Cond:
    """Integer comparison as a condition."""
    if isinstance(left, int) and isinstance(right, int):
        from ringlitmus.symbolic import apply_cmp

        return apply_cmp(op, left, right)
    if op is CmpOp.EQ:
        return left == right  # type: ignore[return-value]
    if op is CmpOp.NE:
        return left != right  # type: ignore[return-value]
    if op is CmpOp.LT:
        return left < right  # type: ignore[operator,return-value]
    if op is CmpOp.LE:
        return left <= right  # type: ignore[operator,return-value]
    if op is CmpOp.GT:
        return left > right  # type: ignore[operator,return-value]
    return left >= right  # type: ignore[operator,return-value]


# Bitwise operations go through 64-bit vectors; litmus values are small and non-negative.
_WIDTH = 64


def _bitwise(op: ArithOp, left: z3.ArithRef, right: z3.ArithRef) -> z3.ArithRef:
    a = z3.Int2BV(left, _WIDTH)
    b = z3.Int2BV(right, _WIDTH)
    if op is ArithOp.AND:
        return z3.BV2Int(a & b)
    if op is ArithOp.OR:
        return z3.BV2Int(a | b)
    return z3.BV2Int(a ^ b)


class SymbolicTranslator:
    """Z3 terms for the symbolic values of one event structure (memoised)."""

    def __init__(self) -> None:
        self.read_values: dict[int, z3.ArithRef] = {}
        self.choices: dict[str, z3.BoolRef] = {}
        self._values: dict[Value, Num] = {}
        self._guards: dict[Guard, Cond] = {}

    def read_value(self, event: int) -> z3.ArithRef:
        """The Z3 variable for what read `event` returns."""
        if event not in self.read_values:
            self.read_values[event] = z3.Int(f"val(e{event})")
        return self.read_values[event]

    def value(self, value: Value) -> Num:
        """Z3 term (or int) for a symbolic value."""
        if isinstance(value, int):
            return value
        if value in self._values:
            return self._values[value]
        result: Num
        if isinstance(value, ReadValue):
            result = self.read_value(value.event)
        elif isinstance(value, Arith):
            result = self._arith(value)
        else:
            assert isinstance(value, Ite)
            result = z3.If(
                as_bool(self.guard(value.condition)),
                self.value(value.then),
                self.value(value.otherwise),
            )
        self._values[value] = result
        return result

    def _arith(self, value: Arith) -> Num:
        left = self.value(value.left)
        right = self.value(value.right)
        op = value.op
        if op is ArithOp.ADD:
            return left + right
        if op is ArithOp.SUB:
            return left - right
        if op is ArithOp.MUL:
            return left * right
        if op is ArithOp.MOD:
            return z3.If(right == 0, 0, left % right)  # type: ignore[operator]
        return _bitwise(op, _as_int(left), _as_int(right))

    def guard(self, guard: Guard) -> Cond:
        """Z3 condition (or bool) for a symbolic guard."""
        if isinstance(guard, bool):
            return guard
        if guard in self._guards:
            return self._guards[guard]
        result: Cond
        if isinstance(guard, Choice):
            if guard.name not in self.choices:
                self.choices[guard.name] = z3.Bool(f"choice({guard.name})")
            result = self.choices[guard.name]
        elif isinstance(guard, Cmp):
            result = compare(guard.op, self.value(guard.left), self.value(guard.right))
        elif isinstance(guard, Not):
            result = negation(self.guard(guard.operand))
        elif isinstance(guard, All):
            result = all_of(self.guard(operand) for operand in guard.operands)
        else:
            assert isinstance(guard, AnyOf)
            result = any_of(self.guard(operand) for operand in guard.operands)
        self._guards[guard] = result
        return result


def _as_int(value: Num) -> z3.ArithRef:
    return z3.IntVal(value) if isinstance(value, int) else value
