"""Values of the ring DSL and the arithmetic on them: procedure arguments, constant folding.

Pure functions over IR expressions and conditions; ring_names.py decides what a name denotes.
"""

from __future__ import annotations

from ringlitmus import ir
from ringlitmus.errors import LitmusError, LitmusSyntaxError, Span, UnsupportedInstructionError
from ringlitmus.frontends.ring_syntax import Barrier, Operation, OrderingWord
from ringlitmus.frozen import frozen

# Numbers are unbounded integers; this bound only stops `1 << 10**9`-style input from eating
# the machine. Constants in litmus tests are flags and small counts.
MAX_BITS = 4096

ARITHMETIC = {
    "+": ir.ArithOp.ADD,
    "-": ir.ArithOp.SUB,
    "*": ir.ArithOp.MUL,
    "%": ir.ArithOp.MOD,
    "&": ir.ArithOp.AND,
    "|": ir.ArithOp.OR,
    "^": ir.ArithOp.XOR,
}
COMPARISONS = {op.value: op for op in ir.CmpOp}
_NEGATED = {
    ir.CmpOp.EQ: ir.CmpOp.NE,
    ir.CmpOp.NE: ir.CmpOp.EQ,
    ir.CmpOp.LT: ir.CmpOp.GE,
    ir.CmpOp.GE: ir.CmpOp.LT,
    ir.CmpOp.GT: ir.CmpOp.LE,
    ir.CmpOp.LE: ir.CmpOp.GT,
}


@frozen
class NameValue:
    """A procedure argument that is a name: a location prefix (`gfn2`) or a register (`h[1]`).

    `parts` are (name, index) pairs with indices already evaluated: a number, or an expression
    over registers (only an array cell may be chosen by one).
    """

    parts: tuple[tuple[str, int | ir.Expr | None], ...]
    text: str


@frozen
class ExpressionValue:
    """A procedure argument that is an expression over registers (`(r0 + 1)`) or an address."""

    expression: ir.Expr


Bound = int | OrderingWord | Barrier | NameValue | ExpressionValue


def describe(value: Bound) -> str:
    """How a value reads in a message: `the number 2`, `the ordering acquire`."""
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, OrderingWord):
        return f"the ordering {value.value}"
    if isinstance(value, Barrier):
        return f"the barrier {value.kind.value if value.kind else 'none'}"
    if isinstance(value, NameValue):
        return f"the name {value.text}"
    return "an expression"


def check_size(value: int, span: Span | None) -> int:
    """`value` unless it is absurdly large."""
    if value.bit_length() > MAX_BITS:
        raise UnsupportedInstructionError(f"number too large (over {MAX_BITS} bits)", span)
    return value


def paste(part: tuple[str, int | ir.Expr | None]) -> str:
    """`h` with index 2 -> `h2` (the naming scheme's pasting rule)."""
    name, index = part
    return name if index is None else f"{name}{index}"


def operation_is_not(operation: Operation) -> bool:
    """Whether `operation` is C's logical not `!x`."""
    return operation.operator == "!" and len(operation.operands) == 1


def fold(operator: ir.ArithOp, left: ir.Expr, right: ir.Expr, span: Span | None) -> ir.Expr:
    """`left operator right`, computed now when both are constants."""
    if not (isinstance(left, ir.Const) and isinstance(right, ir.Const)):
        return ir.BinOp(operator, left, right)
    a, b = left.value, right.value
    if operator is ir.ArithOp.MOD and b == 0:
        raise LitmusSyntaxError("modulo by zero", span)
    results = {
        ir.ArithOp.ADD: lambda: a + b,
        ir.ArithOp.SUB: lambda: a - b,
        ir.ArithOp.MUL: lambda: a * b,
        ir.ArithOp.MOD: lambda: a % b,
        ir.ArithOp.AND: lambda: a & b,
        ir.ArithOp.OR: lambda: a | b,
        ir.ArithOp.XOR: lambda: a ^ b,
    }
    return ir.Const(check_size(results[operator](), span))


def compare_constants(operator: ir.CmpOp, left: int, right: int) -> bool:
    """A comparison of two known numbers."""
    return {
        ir.CmpOp.EQ: left == right,
        ir.CmpOp.NE: left != right,
        ir.CmpOp.LT: left < right,
        ir.CmpOp.LE: left <= right,
        ir.CmpOp.GT: left > right,
        ir.CmpOp.GE: left >= right,
    }[operator]


def combine(conjunction: bool, parts: list[ir.Condition | bool]) -> ir.Condition | bool:
    """`a && b && ...` (or `||`), dropping known operands."""
    unknown = [part for part in parts if not isinstance(part, bool)]
    known = [part for part in parts if isinstance(part, bool)]
    if conjunction and not all(known):
        return False
    if not conjunction and any(known):
        return True
    if not unknown:
        return conjunction
    if len(unknown) == 1:
        return unknown[0]
    kind = ir.BoolOpKind.AND if conjunction else ir.BoolOpKind.OR
    return ir.BoolOp(kind, tuple(unknown))


def negate(condition: ir.Condition | bool) -> ir.Condition | bool:
    """`!condition`, inverting a comparison rather than wrapping it."""
    if isinstance(condition, bool):
        return not condition
    if isinstance(condition, ir.Compare):
        return ir.Compare(_NEGATED[condition.op], condition.left, condition.right)
    if isinstance(condition, ir.BoolOp) and condition.op is ir.BoolOpKind.NOT:
        return condition.operands[0]
    return ir.BoolOp(ir.BoolOpKind.NOT, (condition,))


def with_context(error: LitmusError, context: str) -> LitmusError:
    """A copy of `error` whose message ends with `context` (where a procedure was called)."""
    return type(error)(f"{error.message} {context}", error.span, error.expected, error.source_line)
