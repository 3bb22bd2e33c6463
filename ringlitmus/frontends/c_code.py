"""Turn the C code of a herd C litmus thread into IR instructions, primitive by primitive.

c.py reads the text into the small syntax tree below; `translate_function` walks it. Every
Linux primitive is one entry of `_PRIMITIVES`, written after its line in the kernel's
`tools/memory-model/linux-kernel.def` (READ_ONCE is a marked load, smp_load_acquire an acquire
load, xchg() a fully ordered swap, ...). A memory access nested in an expression (`*z1`,
`READ_ONCE(*x) + 1`) is evaluated into a fresh register first, as a compiler would.
Locking, RCU and SRCU primitives are c_sync.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count

from ringlitmus import ir
from ringlitmus.errors import Span, UnsupportedInstructionError
from ringlitmus.frontends.build import LocationTable
from ringlitmus.frontends.c_sync import SYNC_PRIMITIVES
from ringlitmus.frozen import frozen
from ringlitmus.ir import ArithOp, CmpOp, FenceKind, Ordering, RmwOp

# --------------------------------------------------------------------------- syntax tree


@frozen
class CInteger:
    """An integer literal."""

    value: int
    span: Span | None = None


@frozen
class CName:
    """A local variable, or a shared location's name (a parameter: its address)."""

    name: str
    span: Span | None = None


@frozen
class CDereference:
    """`*pointer`: an unmarked (plain C) access, or the location a primitive takes."""

    pointer: CExpr
    span: Span | None = None


@frozen
class CAddressOf:
    """`&x`: a location's address."""

    name: str
    span: Span | None = None


@frozen
class CArithmetic:
    """`left op right` (`-x` is `0 - x`)."""

    op: ArithOp
    left: CExpr
    right: CExpr
    span: Span | None = None


@frozen
class CCompare:
    """`left op right` with a comparison operator."""

    op: CmpOp
    left: CExpr
    right: CExpr
    span: Span | None = None


@frozen
class CLogical:
    """`a && b`, `a || b`, `!a`."""

    op: ir.BoolOpKind
    operands: tuple[CExpr, ...]
    span: Span | None = None


@frozen
class CCall:
    """`name(arguments)`: a Linux primitive."""

    name: str
    arguments: tuple[CExpr, ...]
    span: Span | None = None


CExpr = CInteger | CName | CDereference | CAddressOf | CArithmetic | CCompare | CLogical | CCall


@frozen
class CDeclaration:
    """`int r0;`, `int r3 = 0;`, `int *r2;`."""

    name: str
    value: CExpr | None
    span: Span | None = None


@frozen
class CAssignment:
    """`r0 = expr;`."""

    name: str
    value: CExpr
    span: Span | None = None


@frozen
class CPlainStore:
    """`*pointer = expr;`: an unmarked store."""

    pointer: CExpr
    value: CExpr
    span: Span | None = None


@frozen
class CCallStatement:
    """`WRITE_ONCE(*x, 1);`, `smp_mb();`: a primitive whose value, if any, is dropped."""

    call: CCall


@frozen
class CIf:
    """`if (condition) then else otherwise`."""

    condition: CExpr
    then: tuple[CStatement, ...]
    otherwise: tuple[CStatement, ...]
    span: Span | None = None


CStatement = CDeclaration | CAssignment | CPlainStore | CCallStatement | CIf


@frozen
class CFunction:
    """One thread's function: its parameters (shared locations) and body."""

    parameters: tuple[str, ...]
    body: tuple[CStatement, ...]
    span: Span | None = None


# --------------------------------------------------------------------------- translation


def translate_function(function: CFunction, locations: LocationTable) -> tuple[ir.Instruction, ...]:
    """The IR instructions of one thread's function."""
    translator = _Translator(set(function.parameters), locations)
    for statement in function.body:
        translator.statement(statement)
    return tuple(translator.code)


@dataclass
class _Translator:
    parameters: set[str]
    locations: LocationTable
    code: list[ir.Instruction] = field(default_factory=list)
    locals: set[str] = field(default_factory=set)
    _temporaries: count[int] = field(default_factory=count)
    _labels: count[int] = field(default_factory=count)

    # ----------------------------------------------------------------- statements

    def statement(self, statement: CStatement) -> None:
        if isinstance(statement, CDeclaration):
            self.locals.add(statement.name)
            if statement.value is not None:
                self.assign(statement.name, statement.value, statement.span)
        elif isinstance(statement, CAssignment):
            # herd lets a thread use a register it never declared.
            self.locals.add(statement.name)
            self.assign(statement.name, statement.value, statement.span)
        elif isinstance(statement, CPlainStore):
            address = self.value(statement.pointer)
            value = self.value(statement.value)
            self.code.append(ir.Store(address, value, Ordering.UNMARKED, span=statement.span))
        elif isinstance(statement, CCallStatement):
            self.call(statement.call, None)
        else:
            self.if_statement(statement)

    def assign(self, dest: str, value: CExpr, span: Span | None) -> None:
        if isinstance(value, CCall):
            self.call(value, dest)
        else:
            self.code.append(ir.Assign(dest, self.value(value), span))

    def if_statement(self, statement: CIf) -> None:
        number = next(self._labels)
        otherwise, end = f"else_{number}", f"endif_{number}"
        condition = self.condition(statement.condition)
        negated = ir.BoolOp(ir.BoolOpKind.NOT, (condition,))
        self.code.append(ir.Branch(negated, otherwise, statement.span))
        for inner in statement.then:
            self.statement(inner)
        if statement.otherwise:
            self.code.append(ir.Branch(None, end, statement.span))
        self.code.append(ir.Label(otherwise, statement.span))
        if statement.otherwise:
            for inner in statement.otherwise:
                self.statement(inner)
            self.code.append(ir.Label(end, statement.span))

    # ----------------------------------------------------------------- expressions

    def temporary(self) -> str:
        """A register no C name can spell."""
        return f"%t{next(self._temporaries)}"

    def value(self, expr: CExpr) -> ir.Expr:
        """The IR expression for `expr`, after emitting the accesses it performs."""
        if isinstance(expr, CInteger):
            return ir.Const(expr.value)
        if isinstance(expr, CName):
            if expr.name in self.locals:
                return ir.Reg(expr.name)
            if expr.name not in self.parameters:
                self.locations.require(expr.name, expr.span)
            return ir.Address(expr.name)
        if isinstance(expr, CAddressOf):
            self.locations.require(expr.name, expr.span)
            return ir.Address(expr.name)
        if isinstance(expr, CDereference):
            dest = self.temporary()
            address = self.value(expr.pointer)
            self.code.append(ir.Load(dest, address, Ordering.UNMARKED, span=expr.span))
            return ir.Reg(dest)
        if isinstance(expr, CArithmetic):
            return ir.BinOp(expr.op, self.value(expr.left), self.value(expr.right))
        if isinstance(expr, CCall):
            dest = self.temporary()
            self.call(expr, dest)
            return ir.Reg(dest)
        dest = self.temporary()
        condition = self.condition(expr)
        self.code.append(ir.Select(dest, condition, ir.Const(1), ir.Const(0), expr.span))
        return ir.Reg(dest)

    def condition(self, expr: CExpr) -> ir.Condition:
        """`expr` as a branch condition: C's `!= 0` unless it is a comparison."""
        if isinstance(expr, CCompare):
            return ir.Compare(expr.op, self.value(expr.left), self.value(expr.right))
        if isinstance(expr, CLogical):
            return ir.BoolOp(expr.op, tuple(self.condition(operand) for operand in expr.operands))
        return ir.Compare(CmpOp.NE, self.value(expr), ir.Const(0))

    def location(self, expr: CExpr, call: CCall) -> ir.Expr:
        """The address `*pointer` denotes, for primitives that take an lvalue (READ_ONCE)."""
        if not isinstance(expr, CDereference):
            raise UnsupportedInstructionError(
                f"{call.name}() takes a dereference (`*x`), as in the kernel", call.span
            )
        return self.value(expr.pointer)

    # ----------------------------------------------------------------- primitives

    def call(self, call: CCall, dest: str | None) -> None:
        """Emit the primitive `call`, its value (if any) into `dest`."""
        name = call.name
        entry = SYNC_PRIMITIVES.get(name) or _PRIMITIVES.get(name)  # type: ignore[assignment]
        if entry is None:
            raise UnsupportedInstructionError(f"unsupported construct '{name}'", call.span)
        arity, emit = entry
        if len(call.arguments) != arity:
            raise UnsupportedInstructionError(
                f"{name}() takes {arity} argument{'s' if arity != 1 else ''}", call.span
            )
        emit(self, call, dest)

    def load(self, call: CCall, dest: str | None, address: ir.Expr, ordering: Ordering) -> None:
        self.code.append(ir.Load(dest, address, ordering, span=call.span))

    def store(self, call: CCall, address: ir.Expr, value: CExpr, ordering: Ordering) -> None:
        self.code.append(ir.Store(address, self.value(value), ordering, span=call.span))

    def fence(self, call: CCall, kind: FenceKind) -> None:
        self.code.append(ir.Fence(kind, call.span))

    def rmw(
        self,
        call: CCall,
        dest: str | None,
        op: RmwOp,
        pointer: CExpr,
        operand: ir.Expr,
        ordering: str,
        *,
        expected: ir.Expr | None = None,
        returns: str = "old",
    ) -> None:
        """An atomic RMW; `ordering` is the .def's annotation, `returns` old, new or nothing."""
        address = self.value(pointer)
        old = None if returns == "nothing" else self.temporary() if returns == "new" else dest
        if old is None and returns != "nothing":
            old = self.temporary()  # a dropped xchg() is still fully ordered, not NORETURN
        self.code.append(
            ir.Rmw(
                op,
                old,
                address,
                operand,
                expected,
                acquire=ordering == "acquire",
                release=ordering == "release",
                fully_ordered=ordering == "mb",
                span=call.span,
            )
        )
        if returns == "new" and dest is not None:
            assert old is not None
            self.code.append(
                ir.Assign(dest, ir.BinOp(ArithOp.ADD, ir.Reg(old), operand), call.span)
            )


Emit = Callable[[_Translator, CCall, "str | None"], None]

_ORDERINGS = {"": "mb", "_relaxed": "once", "_acquire": "acquire", "_release": "release"}
_FENCES = {
    "smp_mb": FenceKind.DMB_FULL,
    "smp_rmb": FenceKind.DMB_LD,
    "smp_wmb": FenceKind.DMB_ST,
    "smp_mb__before_atomic": FenceKind.BEFORE_ATOMIC,
    "smp_mb__after_atomic": FenceKind.AFTER_ATOMIC,
}
# atomic_OP(V, X): the RmwOp, and how V becomes its operand (sub adds -V).
_ATOMIC_OPS: dict[str, tuple[RmwOp, Callable[[ir.Expr], ir.Expr]]] = {
    "add": (RmwOp.ADD, lambda value: value),
    "sub": (RmwOp.ADD, lambda value: ir.BinOp(ArithOp.SUB, ir.Const(0), value)),
    "or": (RmwOp.SET, lambda value: value),
    "xor": (RmwOp.EOR, lambda value: value),
    "andnot": (RmwOp.CLR, lambda value: value),
}
# atomic_inc/dec: add or subtract 1.
_STEPS = {"inc": ir.Const(1), "dec": ir.Const(-1)}


def _primitives() -> dict[str, tuple[int, Emit]]:
    """Every supported primitive: its arity and what it emits."""
    table: dict[str, tuple[int, Emit]] = {}
    marked, acquire, release = Ordering.PLAIN, Ordering.ACQUIRE, Ordering.RELEASE

    def load_of(ordering: Ordering, lvalue: bool) -> Emit:
        def emit(t: _Translator, call: CCall, dest: str | None) -> None:
            (argument,) = call.arguments
            address = t.location(argument, call) if lvalue else t.value(argument)
            t.load(call, dest, address, ordering)

        return emit

    def store_of(ordering: Ordering, lvalue: bool, then_mb: bool = False) -> Emit:
        def emit(t: _Translator, call: CCall, dest: str | None) -> None:
            target, value = call.arguments
            address = t.location(target, call) if lvalue else t.value(target)
            t.store(call, address, value, ordering)
            if then_mb:
                t.fence(call, FenceKind.DMB_FULL)

        return emit

    def fence_of(kind: FenceKind) -> Emit:
        return lambda t, call, dest: t.fence(call, kind)

    table["READ_ONCE"] = (1, load_of(marked, lvalue=True))
    table["WRITE_ONCE"] = (2, store_of(marked, lvalue=True))
    table["smp_load_acquire"] = (1, load_of(acquire, lvalue=False))
    table["smp_store_release"] = (2, store_of(release, lvalue=False))
    table["smp_store_mb"] = (2, store_of(marked, lvalue=True, then_mb=True))
    table["atomic_read"] = (1, load_of(marked, lvalue=False))
    table["atomic_set"] = (2, store_of(marked, lvalue=False))
    table["atomic_read_acquire"] = (1, load_of(acquire, lvalue=False))
    table["atomic_set_release"] = (2, store_of(release, lvalue=False))
    for name, kind in _FENCES.items():
        table[name] = (0, fence_of(kind))
    # barrier() only restrains the compiler; LKMM uses it for data races alone (omitted).
    table["barrier"] = (0, lambda t, call, dest: None)

    for suffix, ordering in _ORDERINGS.items():

        def swap(t: _Translator, call: CCall, dest: str | None, ordering: str = ordering) -> None:
            pointer, value = call.arguments
            t.rmw(call, dest, RmwOp.SWP, pointer, t.value(value), ordering)

        def compare_swap(
            t: _Translator, call: CCall, dest: str | None, ordering: str = ordering
        ) -> None:
            pointer, expected, value = call.arguments
            expected_value = t.value(expected)
            t.rmw(call, dest, RmwOp.CAS, pointer, t.value(value), ordering, expected=expected_value)

        for prefix in ("", "atomic_"):
            table[f"{prefix}xchg{suffix}"] = (2, swap)
            table[f"{prefix}cmpxchg{suffix}"] = (3, compare_swap)

        for op_name, (op, operand_of) in _ATOMIC_OPS.items():
            table[f"atomic_fetch_{op_name}{suffix}"] = (2, _atomic(op, operand_of, ordering, "old"))
            if op_name in ("add", "sub"):
                table[f"atomic_{op_name}_return{suffix}"] = (
                    2,
                    _atomic(op, operand_of, ordering, "new"),
                )
        for step_name, step in _STEPS.items():
            table[f"atomic_fetch_{step_name}{suffix}"] = (1, _step(step, ordering, "old"))
            table[f"atomic_{step_name}_return{suffix}"] = (1, _step(step, ordering, "new"))
    for op_name, (op, operand_of) in _ATOMIC_OPS.items():
        table[f"atomic_{op_name}"] = (2, _atomic(op, operand_of, "once", "nothing"))
    for step_name, step in _STEPS.items():
        table[f"atomic_{step_name}"] = (1, _step(step, "once", "nothing"))
    return table


def _atomic(
    op: RmwOp, operand_of: Callable[[ir.Expr], ir.Expr], ordering: str, returns: str
) -> Emit:
    """`atomic_OP(V, X)` and its _return/fetch_ forms."""

    def emit(t: _Translator, call: CCall, dest: str | None) -> None:
        value, pointer = call.arguments
        t.rmw(call, dest, op, pointer, operand_of(t.value(value)), ordering, returns=returns)

    return emit


def _step(step: ir.Expr, ordering: str, returns: str) -> Emit:
    """`atomic_inc(X)`, `atomic_dec_return(X)`, ...: add or subtract 1."""

    def emit(t: _Translator, call: CCall, dest: str | None) -> None:
        (pointer,) = call.arguments
        t.rmw(call, dest, RmwOp.ADD, pointer, step, ordering, returns=returns)

    return emit


_PRIMITIVES = _primitives()
