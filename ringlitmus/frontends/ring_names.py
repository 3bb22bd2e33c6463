"""What the ring DSL's names mean: constants, params, locations, registers, and their values.

Naming scheme (the README repeats it): `NAME[k]` with a constant k is the cell k of an array NAME
and otherwise the name NAME<k> with k pasted on, so `gfn[2].flags` *is* `gfn2.flags`, `h[i]` in
a loop names the registers h0, h1, ..., and `struct kvm_dirty_gfn gfn[2]` declares gfn0 and gfn1.
`ring[r1]` with a register index is the address `&ring + r1 * CELL_SIZE`: an address dependency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ringlitmus import ir
from ringlitmus.errors import (
    Span,
    TypeMismatchError,
    UndeclaredLocationError,
    UnknownNameError,
    UnknownRegisterError,
    UnsupportedInstructionError,
)
from ringlitmus.frontends.ring_syntax import (
    AddressOf,
    Barrier,
    Dereference,
    Expression,
    Number,
    Operation,
    OrderingWord,
    Path,
)
from ringlitmus.frontends.ring_values import (
    ARITHMETIC,
    COMPARISONS,
    MAX_BITS,
    Bound,
    ExpressionValue,
    NameValue,
    check_size,
    combine,
    compare_constants,
    describe,
    fold,
    negate,
    operation_is_not,
    paste,
)
from ringlitmus.frozen import frozen


@frozen
class Names:
    """Everything a name can denote outside a thread, for one variant.

    `numbers` holds constants and number params; `choices` the ordering and barrier params with
    this variant's values; `scalars` and `arrays` (name -> cell count) the declared locations.
    """

    numbers: Mapping[str, int]
    choices: Mapping[str, OrderingWord | Barrier]
    scalars: frozenset[str]
    arrays: Mapping[str, int]

    def is_location(self, name: str) -> bool:
        """Whether `name` is a declared location or array."""
        return name in self.scalars or name in self.arrays

    def cells(self) -> list[str]:
        """Every cell name, for suggestions."""
        arrays = [f"{name}[{i}]" for name, size in self.arrays.items() for i in range(size)]
        return sorted(self.scalars) + arrays


def suggestion(name: str, known: list[str]) -> str:
    """` (did you mean x?)` when a known name is close to `name`."""
    import difflib  # only when a name is wrong (~2 ms of start-up otherwise)

    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


# What a param, a variant or `<...>` may name, as the messages list them.
ORDERINGS = tuple(word.value for word in OrderingWord)
BARRIERS = ("none", "dmb ish", "dmb ishld", "dmb ishst", "isb")
# Linux's barriers are statements (`smp_wmb()`), and their arm64 instruction a barrier value.
LINUX_BARRIERS = {"smp_mb": "dmb ish", "smp_rmb": "dmb ishld", "smp_wmb": "dmb ishst"}
# Every word a statement starts with (or a load or RMW after `r =`), for "did you mean".
STATEMENT_WORDS = (
    "load",
    "load-acq",
    "load-acq-pc",
    "store",
    "store-rel",
    "xchg",
    "swp",
    "cas",
    "fetch_add",
    "fetch_or",
    "fetch_xor",
    "fetch_andnot",
    "dmb",
    "dsb",
    "isb",
    "fence",
    "if",
    "for",
    "break",
    "READ_ONCE",
    "WRITE_ONCE",
    "smp_load_acquire",
    "smp_store_release",
    *LINUX_BARRIERS,
)


def choices_hint(name: str, wanted: str = "an ordering or a barrier") -> str:
    """What `name` could have been where `wanted` is: the valid words, and the closest one (or
    the barrier value a Linux barrier's name stands for)."""
    lists = {
        "an ordering": f"an ordering ({', '.join(ORDERINGS)})",
        "a barrier": f"a barrier ({', '.join(BARRIERS)})",
    }
    listed = " or ".join(text for kind, text in lists.items() if kind in wanted)
    if name in LINUX_BARRIERS:
        return f"{listed}; {name}() is `{LINUX_BARRIERS[name]}`"
    words = [
        *(ORDERINGS if "ordering" in wanted else ()),
        *(BARRIERS if "barrier" in wanted else ()),
    ]
    return listed + suggestion(name, words)


@dataclass
class Scope:
    """Names bound where code is expanded: a procedure's parameters and `for` variables."""

    bindings: dict[str, Bound] = field(default_factory=dict)

    def with_binding(self, name: str, value: Bound) -> Scope:
        """A scope that also binds `name` (an inner `for` shadows an outer one)."""
        return Scope({**self.bindings, name: value})


class Resolver:
    """Evaluates expressions, names and orderings in one thread (or none, for declarations)."""

    def __init__(self, names: Names, registers: dict[str, Span | None] | None) -> None:
        self.names = names
        # The thread's registers assigned so far (None outside threads).
        self.registers = registers

    # ----------------------------------------------------------------- numbers and expressions

    def number(self, expression: Expression, scope: Scope, what: str) -> int:
        """A constant `expression`'s value; `what` names its role for the error message."""
        value = self.expression(expression, scope)
        if not isinstance(value, ir.Const):
            raise TypeMismatchError(
                f"{what} must be a constant, not an expression over registers", expression.span
            )
        return value.value

    def expression(self, expression: Expression, scope: Scope) -> ir.Expr:
        """`expression` as an IR expression, folding what is constant."""
        if isinstance(expression, Number):
            return ir.Const(check_size(expression.value, expression.span))
        if isinstance(expression, Path):
            return self._path_value(expression, scope)
        if isinstance(expression, AddressOf):
            return self.location(expression.path, scope)[0]
        return self._operation(expression, scope)

    def _operation(self, operation: Operation, scope: Scope) -> ir.Expr:
        operator, span = operation.operator, operation.span
        if operator in COMPARISONS or operator in ("&&", "||") or operation_is_not(operation):
            condition = self.condition(operation, scope)
            if isinstance(condition, bool):
                return ir.Const(int(condition))
            raise TypeMismatchError(
                f"'{operator}' gives a condition, not a value: use it in an `if`", span
            )
        operands = [self.expression(operand, scope) for operand in operation.operands]
        if len(operands) == 1:
            (operand,) = operands
            if operator == "-":
                return fold(ir.ArithOp.SUB, ir.Const(0), operand, span)
            if isinstance(operand, ir.Const):
                return ir.Const(~operand.value)
            raise UnsupportedInstructionError("'~' applies to constants only", span)
        left, right = operands
        if operator in ("<<", ">>"):
            if not isinstance(left, ir.Const) or not isinstance(right, ir.Const):
                raise UnsupportedInstructionError(f"'{operator}' applies to constants only", span)
            if not 0 <= right.value <= MAX_BITS:
                raise UnsupportedInstructionError(f"shift by {right.value} is out of range", span)
            shifted = left.value << right.value if operator == "<<" else left.value >> right.value
            return ir.Const(check_size(shifted, span))
        return fold(ARITHMETIC[operator], left, right, span)

    def condition(self, expression: Expression, scope: Scope) -> ir.Condition | bool:
        """`expression` as a branch condition (C truth: non-zero), or a bool when constant."""
        if isinstance(expression, Operation):
            operator, operands = expression.operator, expression.operands
            if operator in ("&&", "||"):
                parts = [self.condition(operand, scope) for operand in operands]
                return combine(operator == "&&", parts)
            if operation_is_not(expression):
                return negate(self.condition(operands[0], scope))
            if operator in COMPARISONS:
                left, right = (self.expression(operand, scope) for operand in operands)
                if isinstance(left, ir.Const) and isinstance(right, ir.Const):
                    return compare_constants(COMPARISONS[operator], left.value, right.value)
                return ir.Compare(COMPARISONS[operator], left, right)
        value = self.expression(expression, scope)
        if isinstance(value, ir.Const):
            return value.value != 0
        return ir.Compare(ir.CmpOp.NE, value, ir.Const(0))

    # ----------------------------------------------------------------- names

    def parts(
        self, path: Path, scope: Scope
    ) -> tuple[tuple[str, int | ir.Expr | None], ...] | Bound:
        """`path` with its head parameter substituted and its indices evaluated.

        Returns the bound value itself when the path is just a parameter bound to a non-name.
        """
        head, rest = path.parts[0], path.parts[1:]
        bound = scope.bindings.get(head.name)
        prefix: list[tuple[str, int | ir.Expr | None]]
        if bound is None:
            prefix = [(head.name, self._index(head.index, scope))]
        elif isinstance(bound, NameValue):
            prefix = list(bound.parts)
            if head.index is not None:
                name, index = prefix[-1]
                if index is not None:
                    raise TypeMismatchError(f"'{bound.text}' is already indexed", head.span)
                prefix[-1] = (name, self._index(head.index, scope))
        elif rest or head.index is not None:
            raise TypeMismatchError(
                f"'{head.name}' is {describe(bound)}: it has no fields or cells", head.span
            )
        else:
            return bound
        return (*prefix, *((part.name, self._index(part.index, scope)) for part in rest))

    def _index(self, index: Expression | None, scope: Scope) -> int | ir.Expr | None:
        if index is None:
            return None
        value = self.expression(index, scope)
        if isinstance(value, ir.Const):
            if value.value < 0:
                raise TypeMismatchError(f"negative index {value.value}", index.span)
            return value.value
        return value

    def _path_value(self, path: Path, scope: Scope) -> ir.Expr:
        """A name read as a value: a register, a constant, a number param, or a bound value."""
        parts = self.parts(path, scope)
        if isinstance(parts, int):
            return ir.Const(parts)
        if isinstance(parts, ExpressionValue):
            return parts.expression
        if not isinstance(parts, tuple):
            raise TypeMismatchError(f"'{path.text}' is {describe(parts)}, not a number", path.span)
        if len(parts) > 1 or not isinstance(parts[0][1], int | None):
            location = self.location(path, scope)[1]
            raise TypeMismatchError(
                f"'{location}' is a location, not a value: read it with `r = load {location}`",
                path.span,
            )
        name = paste(parts[0])
        if self.registers is not None and name in self.registers:
            return ir.Reg(name)
        if name in self.names.numbers:
            return ir.Const(self.names.numbers[name])
        if name in self.names.choices:
            kind = describe(self.names.choices[name])
            raise TypeMismatchError(f"'{name}' is {kind} (a param), not a number", path.span)
        if self.names.is_location(name):
            raise TypeMismatchError(
                f"'{name}' is a location, not a value: read it with `r = load {name}`", path.span
            )
        if name in {word.value for word in OrderingWord}:
            raise TypeMismatchError(f"'{name}' is an ordering, not a number", path.span)
        if self.registers is None:
            known = list(self.names.numbers)
            raise UnknownNameError(f"unknown constant '{name}'{suggestion(name, known)}", path.span)
        known = list(self.registers) + list(self.names.numbers)
        raise UnknownRegisterError(
            f"register '{name}' is read before it is written{suggestion(name, known)}", path.span
        )

    def register(self, path: Path, scope: Scope) -> str:
        """The register an assignment writes (`r0`, `h[i]` -> h2, a parameter naming one)."""
        parts = self.parts(path, scope)
        if not isinstance(parts, tuple):
            raise TypeMismatchError(
                f"cannot assign to '{path.text}': it is {describe(parts)}", path.span
            )
        if len(parts) > 1 or not isinstance(parts[0][1], int | None):
            text = ".".join(name for name, _ in parts)
            raise TypeMismatchError(
                f"'{text}' is not a register name: to write memory, `store {text} = ...`",
                path.span,
            )
        name = paste(parts[0])
        # A register may share an ordering param's name (the seed's `harvested`): orderings and
        # registers never stand in the same place. A number would make `r == N` ambiguous.
        if name in self.names.numbers:
            raise TypeMismatchError(
                f"'{name}' is a constant: a register needs a name of its own", path.span
            )
        if self.names.is_location(name):
            raise TypeMismatchError(
                f"'{name}' is a location: to write it, `store {name} = ...`", path.span
            )
        return name

    def location(self, path: Path | Dereference, scope: Scope) -> tuple[ir.Expr, str]:
        """The address a load or store accesses, and the location's name for messages."""
        if isinstance(path, Dereference):
            return self.expression(path.address, scope), "*address"
        parts = self.parts(path, scope)
        if isinstance(parts, ExpressionValue):
            return parts.expression, "*address"
        if not isinstance(parts, tuple):
            raise TypeMismatchError(
                f"'{path.text}' is {describe(parts)}, not a location", path.span
            )
        prefix = ""
        for position, (name, index) in enumerate(parts):
            full = f"{prefix}.{name}" if prefix else name
            last = position == len(parts) - 1
            if last and index is not None and full in self.names.arrays:
                return self._cell(full, index, path)
            if index is not None and not isinstance(index, int):
                raise TypeMismatchError(
                    f"'{full}' is not an array: only an array cell can be chosen by a register",
                    path.span,
                )
            prefix = full if index is None else f"{full}{index}"
        if prefix in self.names.scalars:
            return ir.Address(prefix), prefix
        if prefix in self.names.arrays:
            raise TypeMismatchError(f"'{prefix}' is an array: name a cell, {prefix}[0]", path.span)
        raise UndeclaredLocationError(
            f"undeclared location '{prefix}'{suggestion(prefix, self.names.cells())}", path.span
        )

    def _cell(self, array: str, index: int | ir.Expr, path: Path) -> tuple[ir.Expr, str]:
        size = self.names.arrays[array]
        if isinstance(index, int):
            if index >= size:
                raise UndeclaredLocationError(
                    f"'{array}[{index}]' is outside the array {array}[{size}]", path.span
                )
            if index == 0:
                return ir.Address(array), f"{array}[0]"
            offset = ir.Const(index * ir.CELL_SIZE)
            return ir.BinOp(ir.ArithOp.ADD, ir.Address(array), offset), f"{array}[{index}]"
        scaled = fold(ir.ArithOp.MUL, index, ir.Const(ir.CELL_SIZE), path.span)
        return ir.BinOp(ir.ArithOp.ADD, ir.Address(array), scaled), f"{array}[...]"

    def choice(
        self, name: str, scope: Scope, span: Span | None, wanted: str = "an ordering"
    ) -> OrderingWord | Barrier:
        """The ordering or barrier a parameter name stands for in this variant (`wanted`,
        "an ordering" or "a barrier", is what the message lists when it names nothing)."""
        value: Bound | None = scope.bindings.get(name)
        if isinstance(value, NameValue) and len(value.parts) == 1 and value.parts[0][1] is None:
            name, value = value.parts[0][0], None  # a word argument: the param it names
        if value is None:
            value = self.names.choices.get(name)
        if value is None and name in self.names.numbers:
            value = self.names.numbers[name]
        if value is None:
            known = list(self.names.choices)
            declared = suggestion(name, known) if known else ""
            raise UnknownNameError(
                f"unknown param '{name}'{declared}: `<...>` takes a param or "
                f"{choices_hint(name, wanted)}; or declare it, `param {name} = plain`",
                span,
            )
        if not isinstance(value, OrderingWord | Barrier):
            raise TypeMismatchError(f"'{name}' is {describe(value)}, not an ordering", span)
        return value
