"""Translate symbolic values and guards to Z3, with Python constants folded away."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import product
from typing import Any, TypeVar

import z3

from ringlitmus.deadline import Deadline, Phase, paced
from ringlitmus.encode.domains import MAX_DOMAIN, Domain, value_set
from ringlitmus.ir import ArithOp, CmpOp, ShiftOp
from ringlitmus.symbolic import (
    All,
    AnyOf,
    Arith,
    Block,
    Choice,
    Cmp,
    Guard,
    Ite,
    Not,
    ReadValue,
    Value,
    apply_arith,
    apply_cmp,
    apply_final,
)

Cond = bool | z3.BoolRef
Num = int | z3.ArithRef
Term = TypeVar("Term", bound=z3.ExprRef)


def _context() -> z3.Context:
    return z3.main_ctx()


# --------------------------------------------------------------------------- C calls
# Building relations makes tens of thousands of terms. z3's Python layer spends more on each
# than Z3 does: its And/Or/Not re-check and coerce every argument, each C call is followed by
# a second one asking for the error code, and a term's reference count is taken through two
# more Python frames. The builders here call the C functions z3's bindings hold (the same
# functions, argument types and terms) and tell a failed call by the NULL it returns.


def c_function(wrapper: Callable[..., Any]) -> Callable[..., Any]:
    """The ctypes function behind a z3core wrapper: z3's generated bindings keep it as the
    `f` of their last default argument. The (checking) wrapper itself where that is not so."""
    defaults = getattr(wrapper, "__defaults__", None) or (None,)
    function = getattr(defaults[-1], "f", None)
    return function if callable(function) else wrapper


_MK_AND = c_function(z3.Z3_mk_and)
_MK_OR = c_function(z3.Z3_mk_or)
_MK_NOT = c_function(z3.Z3_mk_not)
_MK_IMPLIES = c_function(z3.Z3_mk_implies)
_MK_DISTINCT = c_function(z3.Z3_mk_distinct)
_MK_ATMOST = c_function(z3.Z3_mk_atmost)
_MK_NUMERAL = c_function(z3.Z3_mk_numeral)
_MK_CONST = c_function(z3.Z3_mk_const)
_MK_SYMBOL = c_function(z3.Z3_mk_string_symbol)
_INT_SORT = c_function(z3.Z3_mk_int_sort)
_BOOL_SORT = c_function(z3.Z3_mk_bool_sort)
_INC_REF = c_function(z3.Z3_inc_ref)


def _checked(reference: Any, pointer: Any) -> Any:
    """`pointer`, or z3's own exception when the call that made it failed (it is NULL)."""
    if not pointer:
        raise z3.Z3Exception(z3.Z3_get_error_msg(reference, z3.Z3_get_error_code(reference)))
    return pointer


def _term(kind: type[Term], context: z3.Context, pointer: Any) -> Term:
    """What `kind(pointer, context)` makes (a wrapper holding one reference to the term)."""
    reference = context.ref()
    _checked(reference, pointer)
    term = kind.__new__(kind)
    term.ast = pointer
    term.ctx = context
    _INC_REF(reference, pointer)
    return term


def _array(terms: list[z3.BoolRef]) -> z3.Array:  # type: ignore[name-defined]
    return (z3.Ast * len(terms))(*(term.as_ast() for term in terms))


def mk_and(terms: list[z3.BoolRef]) -> z3.BoolRef:
    """Z3 conjunction of at least two terms."""
    context = _context()
    return _term(z3.BoolRef, context, _MK_AND(context.ref(), len(terms), _array(terms)))


def mk_or(terms: list[z3.BoolRef]) -> z3.BoolRef:
    """Z3 disjunction of at least one term (of one: the `Or(t)` z3.Or makes, not `t`)."""
    context = _context()
    return _term(z3.BoolRef, context, _MK_OR(context.ref(), len(terms), _array(terms)))


def mk_not(term: z3.BoolRef) -> z3.BoolRef:
    """Z3 negation."""
    context = _context()
    return _term(z3.BoolRef, context, _MK_NOT(context.ref(), term.as_ast()))


def mk_implies(premise: z3.BoolRef, conclusion: z3.BoolRef) -> z3.BoolRef:
    """Z3 implication."""
    context = _context()
    made = _MK_IMPLIES(context.ref(), premise.as_ast(), conclusion.as_ast())
    return _term(z3.BoolRef, context, made)


def _int_ast(value: Num) -> z3.Ast:  # type: ignore[name-defined]
    if isinstance(value, int):
        # The Int sort belongs to the context (its arithmetic keeps it): no wrapper needed.
        reference = _context().ref()
        made = _MK_NUMERAL(reference, str(value).encode(), _INT_SORT(reference))
        return _checked(reference, made)
    return value.as_ast()


def mk_eq(left: Num, right: Num) -> z3.BoolRef:
    """Z3 `left == right` on integer terms or Python ints."""
    return mk_compare(CmpOp.EQ, left, right)


def mk_less(left: z3.ArithRef, right: z3.ArithRef) -> z3.BoolRef:
    """Z3 `left < right` on two integer terms."""
    return mk_compare(CmpOp.LT, left, right)


def mk_int(name: str) -> z3.ArithRef:
    """`z3.Int(name)`."""
    context = _context()
    return _term(z3.ArithRef, context, _constant(context, name, _INT_SORT(context.ref())))


def mk_bool(name: str) -> z3.BoolRef:
    """`z3.Bool(name)`."""
    context = _context()
    return _term(z3.BoolRef, context, _constant(context, name, _BOOL_SORT(context.ref())))


def _constant(context: z3.Context, name: str, sort: z3.Sort) -> z3.Ast:  # type: ignore[name-defined]
    reference = context.ref()
    symbol = _checked(reference, _MK_SYMBOL(reference, name.encode()))
    return _MK_CONST(reference, symbol, sort)


def mk_at_most_one(terms: list[z3.BoolRef]) -> z3.BoolRef:
    """`z3.AtMost(*terms, 1)`."""
    context = _context()
    return _term(z3.BoolRef, context, _MK_ATMOST(context.ref(), len(terms), _array(terms), 1))


# The C function for each comparison, and the one Python's operator reflection turns it into
# when the left side is a plain int (`1 < x` is `x > 1`): z3's operators build exactly these.
_COMPARISONS = {
    CmpOp.EQ: c_function(z3.Z3_mk_eq),
    CmpOp.LT: c_function(z3.Z3_mk_lt),
    CmpOp.LE: c_function(z3.Z3_mk_le),
    CmpOp.GT: c_function(z3.Z3_mk_gt),
    CmpOp.GE: c_function(z3.Z3_mk_ge),
}
_REFLECTED = {
    CmpOp.EQ: CmpOp.EQ,
    CmpOp.NE: CmpOp.NE,
    CmpOp.LT: CmpOp.GT,
    CmpOp.LE: CmpOp.GE,
    CmpOp.GT: CmpOp.LT,
    CmpOp.GE: CmpOp.LE,
}


def mk_compare(op: CmpOp, left: Num, right: Num) -> z3.BoolRef:
    """The term z3's operator builds for `left OP right` (at least one side a Z3 term)."""
    if isinstance(left, int):
        op, left, right = _REFLECTED[op], right, left
    context = _context()
    reference = context.ref()
    if op is CmpOp.NE:
        pair = (z3.Ast * 2)(_int_ast(left), _int_ast(right))
        return _term(z3.BoolRef, context, _MK_DISTINCT(reference, 2, pair))
    made = _COMPARISONS[op](reference, _int_ast(left), _int_ast(right))
    return _term(z3.BoolRef, context, made)


def assert_all(
    solver: z3.Solver, constraints: Iterable[z3.BoolRef], deadline: Deadline | None = None
) -> None:
    """`solver.add(*constraints)` without the wrapper's per-constraint sort checks; past
    `deadline`, CheckTimeoutError."""
    context = _context()
    # A constraint may be large (an at-most-one over every write): look every few.
    for constraint in paced(constraints, deadline, Phase.ASSERTING, every=64):
        z3.Z3_solver_assert(context.ref(), solver.solver, constraint.as_ast())


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
    return kept[0] if len(kept) == 1 else mk_and(kept)


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
    return kept[0] if len(kept) == 1 else mk_or(kept)


def negation(condition: Cond) -> Cond:
    """Not, folding Python booleans."""
    if isinstance(condition, bool):
        return not condition
    return mk_not(condition)


def equal(left: Num, right: Num) -> Cond:
    """`left == right`, folded when both are integers."""
    return compare(CmpOp.EQ, left, right)


def as_bool(condition: Cond) -> z3.BoolRef:
    """A Z3 term for a folded condition."""
    if isinstance(condition, bool):
        return z3.BoolVal(condition)
    return condition


def compare(op: CmpOp, left: Num, right: Num) -> Cond:
    """Integer comparison as a condition."""
    if isinstance(left, int) and isinstance(right, int):
        return apply_cmp(op, left, right)
    return mk_compare(op, left, right)


# Bitwise operations go through 64-bit vectors; litmus values are small and non-negative.
_WIDTH = 64


_SIGNED_MIN, _SIGNED_MAX = -(2 ** (_WIDTH - 1)), 2 ** (_WIDTH - 1) - 1


def _bitwise(op: ArithOp, left: z3.ArithRef, right: z3.ArithRef) -> z3.ArithRef:
    # Read back as a signed 64-bit number, as herd's values are: -2 | 1 is -1, not 2^64 - 1.
    a = z3.Int2BV(left, _WIDTH)
    b = z3.Int2BV(right, _WIDTH)
    if op is ArithOp.AND:
        return z3.BV2Int(a & b, is_signed=True)
    if op is ArithOp.OR:
        return z3.BV2Int(a | b, is_signed=True)
    return z3.BV2Int(a ^ b, is_signed=True)


class SymbolicTranslator:
    """Z3 terms for the symbolic values of one event structure (memoised)."""

    def __init__(self, domains: dict[int, Domain] | None = None) -> None:
        self.domains = domains or {}
        self.read_values: dict[int, z3.ArithRef] = {}
        self.choices: dict[str, z3.BoolRef] = {}
        self._values: dict[Value, Num] = {}
        self._guards: dict[Guard, Cond] = {}
        # Whether every term so far is linear integer arithmetic: then the solver can be
        # configured for QF_LIA, several times faster on large programs than the default.
        self.linear = True

    def read_value(self, event: int) -> z3.ArithRef:
        """The Z3 variable for what read `event` returns."""
        if event not in self.read_values:
            self.read_values[event] = mk_int(f"val(e{event})")
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
        result = self._arithmetic(value.op, left, right)
        if result is not None:
            return result
        cases = self._case_split(value)
        if cases is not None:
            return cases
        self.linear = False
        return _bitwise(value.op, _as_int(left), _as_int(right))

    def _arithmetic(self, op: ArithOp, left: Num, right: Num) -> Num | None:
        """`left op right` for + - * % (noting when it leaves linear arithmetic); None for a
        bitwise operation, which the caller encodes its own way."""
        if op is ArithOp.ADD:
            return left + right
        if op is ArithOp.SUB:
            return left - right
        if op is ArithOp.MUL:
            self.linear &= isinstance(left, int) or isinstance(right, int)
            return left * right
        if op is ArithOp.MOD:
            self.linear &= isinstance(right, int)
            return z3.If(right == 0, 0, left % right)  # type: ignore[operator]
        return None

    def final_arithmetic(self, op: ArithOp | ShiftOp, left: Num, right: Num) -> Num:
        """`left op right` over final values (a ring condition's `Reader.s0 % 2`); a shift's
        amount is a constant (the front end makes sure of it)."""
        if isinstance(left, int) and isinstance(right, int):
            return apply_final(op, left, right)
        if isinstance(op, ShiftOp):
            assert isinstance(right, int)
            if op is ShiftOp.LEFT:
                return left * 2**right
            # Z3's integer division by a positive number rounds down, as `>>` does.
            return _as_int(left) / 2**right
        result = self._arithmetic(op, left, right)
        if result is not None:
            return result
        self.linear = False
        return _bitwise(op, _as_int(left), _as_int(right))

    def _case_split(self, value: Arith) -> Num | None:
        """A bitwise operation as an if-chain over its operands' few possible values."""
        left_values = value_set(value.left, self.domains)
        right_values = value_set(value.right, self.domains)
        if left_values is None or right_values is None:
            return None
        pairs = sorted(product(left_values, right_values))
        if not pairs or len(pairs) > MAX_DOMAIN or not _same_as_bit_vectors(pairs):
            return None
        left, right = self.value(value.left), self.value(value.right)
        # The last case needs no test: the operands always take one of their domain's values.
        result: Num = apply_arith(value.op, *pairs[-1])
        for a, b in reversed(pairs[:-1]):
            test = all_of((equal(left, a), equal(right, b)))
            result = z3.If(as_bool(test), apply_arith(value.op, a, b), result)
        return result

    def guard(self, guard: Guard) -> Cond:
        """Z3 condition (or bool) for a symbolic guard."""
        if isinstance(guard, bool):
            return guard
        if guard in self._guards:
            return self._guards[guard]
        result: Cond
        if isinstance(guard, Block):
            result = self.guard(guard.definition)
        elif isinstance(guard, Choice):
            if guard.name not in self.choices:
                self.choices[guard.name] = mk_bool(f"choice({guard.name})")
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


def same_as_bit_vectors(left: Iterable[int], right: Iterable[int]) -> bool:
    """Does Python's bitwise operation on these operands give what `_bitwise` gives?
    Python's integers behave as two's complement of unbounded width, so they agree with the
    signed 64-bit fallback whenever every operand is a signed 64-bit number."""
    return all(_SIGNED_MIN <= v <= _SIGNED_MAX for v in (*left, *right))


def _same_as_bit_vectors(pairs: list[tuple[int, int]]) -> bool:
    return same_as_bit_vectors((a for a, _ in pairs), (b for _, b in pairs))


def _as_int(value: Num) -> z3.ArithRef:
    return z3.IntVal(value) if isinstance(value, int) else value
