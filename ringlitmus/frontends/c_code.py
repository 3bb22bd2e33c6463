"""Turn the C code of a herd C litmus thread into IR instructions, as herd's C semantics do.

c.py reads the text into the syntax tree of c_syntax.py; `translate_function` walks it. Each
call (`READ_ONCE(*x)`, `atomic_fetch_add(1, x)`, `smp_mb()`) is looked up in a table of call
names -> builders (c_calls.py assembles it from c_accesses.py and c_atomics.py), so a new family
of primitives is a new table, not a new branch here. A memory access nested in an expression
(`*z1`, `READ_ONCE(*x) + 1`) is evaluated into a fresh register first, as a compiler would.

What herd's C semantics (herd/CSem.ml) decide, and this module follows:
* an `if`'s condition orders the events of its arms only (herd's `choiceT`): its control
  dependencies end where the `if` ends (ir.Branch.ctrl_until);
* a comparison used as a value (`r = (a != 0)`) is an operator like `+`: the value depends on
  both operands (ir.Select.condition_is_data);
* a register carries no dependency from the branches that set it, only from what it was set to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from itertools import count

from ringlitmus import ir
from ringlitmus.errors import Span, UnsupportedInstructionError
from ringlitmus.frontends.build import LocationTable
from ringlitmus.frontends.c_syntax import (
    CAddressOf,
    CArithmetic,
    CAssignment,
    CCall,
    CCallStatement,
    CCompare,
    CDeclaration,
    CDereference,
    CExpr,
    CFunction,
    CIf,
    CInteger,
    CLogical,
    CName,
    CPlainStore,
    CStatement,
)
from ringlitmus.frozen import frozen
from ringlitmus.ir import CmpOp, FenceKind, Ordering, RmwOp


class Annotation(Enum):
    """The ordering annotation of a `linux-kernel.def` primitive (`__xchg{MB}`, ...)."""

    ONCE = "once"
    ACQUIRE = "acquire"
    RELEASE = "release"
    MB = "mb"


Builder = Callable[["Translator", CCall, "str | None"], None]


@frozen
class Primitive:
    """A call the C front end knows: how many arguments it takes and what it emits.

    `build(translator, call, dest)` emits the call's instructions, its value (if any) into the
    register `dest` (None: the value is dropped).
    """

    arity: int
    build: Builder


CallTable = Mapping[str, Primitive]


def translate_function(
    function: CFunction,
    locations: LocationTable,
    calls: CallTable,
    registers: frozenset[str] = frozenset(),
) -> tuple[tuple[ir.Instruction, ...], tuple[int, ...]]:
    """The IR instructions of one thread's function, and the C statement of each (ir.Thread).

    `registers`: the thread's registers the init block gives a value (`1:r2=b;`).
    """
    translator = Translator(set(function.parameters), locations, calls, set(registers))
    for statement in function.body:
        translator.statement(statement)
    return tuple(translator.code), tuple(translator.statements)


@dataclass
class Translator:
    """The instructions of one thread so far, and what its names stand for."""

    parameters: set[str]
    locations: LocationTable
    calls: CallTable
    locals: set[str] = field(default_factory=set)
    code: list[ir.Instruction] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    _statement: int = 0
    _statement_numbers: count[int] = field(default_factory=count)
    _temporaries: count[int] = field(default_factory=count)
    _labels: count[int] = field(default_factory=count)

    def emit(self, instruction: ir.Instruction) -> None:
        """Append `instruction`, as part of the statement being translated."""
        self.code.append(instruction)
        self.statements.append(self._statement)

    # ----------------------------------------------------------------- statements

    def statement(self, statement: CStatement) -> None:
        # herd gives each statement one place in program order, all its accesses included;
        # an `if`'s arms are statements of their own.
        self._statement = next(self._statement_numbers)
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
            self.emit(ir.Store(address, value, Ordering.UNMARKED, span=statement.span))
        elif isinstance(statement, CCallStatement):
            self.call(statement.call, None)
        else:
            self.if_statement(statement)

    def next_statement(self) -> None:
        """Start a new place in program order inside a primitive: a .def body of several
        statements (`smp_store_mb(X,V) { __store{ONCE}(X,V); __fence{MB}; }`) orders them."""
        self._statement = next(self._statement_numbers)

    def assign(self, dest: str, value: CExpr, span: Span | None) -> None:
        if isinstance(value, CCall):
            self.call(value, dest)
        else:
            self.emit(ir.Assign(dest, self.value(value), span))

    def if_statement(self, statement: CIf) -> None:
        number = next(self._labels)
        otherwise, end = f"else_{number}", f"endif_{number}"
        last = end if statement.otherwise else otherwise
        condition = self.condition(statement.condition)
        negated = ir.BoolOp(ir.BoolOpKind.NOT, (condition,))
        self.emit(ir.Branch(negated, otherwise, statement.span, ctrl_until=last))
        for inner in statement.then:
            self.statement(inner)
        if statement.otherwise:
            self.emit(ir.Branch(None, end, statement.span))
        self.emit(ir.Label(otherwise, statement.span))
        if statement.otherwise:
            for inner in statement.otherwise:
                self.statement(inner)
            self.emit(ir.Label(end, statement.span))

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
            self.emit(ir.Load(dest, address, Ordering.UNMARKED, span=expr.span))
            return ir.Reg(dest)
        if isinstance(expr, CArithmetic):
            return ir.BinOp(expr.op, self.value(expr.left), self.value(expr.right))
        if isinstance(expr, CCall):
            dest = self.temporary()
            self.call(expr, dest)
            return ir.Reg(dest)
        dest = self.temporary()
        self.truth_value(dest, self.condition(expr), expr.span)
        return ir.Reg(dest)

    def truth_value(self, dest: str, condition: ir.Condition, span: Span | None) -> None:
        """`dest = condition` as 1 or 0, depending on the condition's operands (herd's `Op`)."""
        self.emit(
            ir.Select(dest, condition, ir.Const(1), ir.Const(0), span, condition_is_data=True)
        )

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
        primitive = self.calls.get(name)
        if primitive is None:
            raise UnsupportedInstructionError(f"unsupported construct '{name}'", call.span)
        if len(call.arguments) != primitive.arity:
            plural = "s" if primitive.arity != 1 else ""
            raise UnsupportedInstructionError(
                f"{name}() takes {primitive.arity} argument{plural}", call.span
            )
        primitive.build(self, call, dest)

    def load(self, call: CCall, dest: str | None, address: ir.Expr, ordering: Ordering) -> None:
        self.emit(ir.Load(dest, address, ordering, span=call.span))

    def store(self, call: CCall, address: ir.Expr, value: ir.Expr, ordering: Ordering) -> None:
        self.emit(ir.Store(address, value, ordering, span=call.span))

    def fence(self, call: CCall, kind: FenceKind) -> None:
        self.emit(ir.Fence(kind, call.span))

    def rmw(
        self,
        call: CCall,
        op: RmwOp,
        address: ir.Expr,
        operand: ir.Expr,
        annotation: Annotation,
        *,
        expected: ir.Expr | None = None,
        returns: bool = True,
    ) -> str | None:
        """An atomic RMW with the .def's `annotation`; the register holding the old value
        (None when `returns` is false: herd's NORETURN, whose read orders less)."""
        old = self.temporary() if returns else None
        self.emit(
            ir.Rmw(
                op,
                old,
                address,
                operand,
                expected,
                acquire=annotation is Annotation.ACQUIRE,
                release=annotation is Annotation.RELEASE,
                fully_ordered=annotation is Annotation.MB,
                span=call.span,
                old_from_read=True,
            )
        )
        return old

    def assign_expr(self, dest: str | None, value: ir.Expr, span: Span | None) -> None:
        """`dest = value`, unless the value is dropped."""
        if dest is not None:
            self.emit(ir.Assign(dest, value, span))
