"""IR expressions and addresses into AArch64 registers, keeping their dependencies exactly.

A register is only ever computed from the IR registers its IR expression reads: constants come
from MOV, and addresses and large constants from registers the init block sets, which carry no
dependency. What an expression is before the program runs (`known_value`) decides which cell an
address names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ringlitmus import ir
from ringlitmus.errors import Span, UndeclaredLocationError, UnsupportedInstructionError
from ringlitmus.frozen import frozen
from ringlitmus.ir import ArithOp
from ringlitmus.reports.herd_export_assembly import (
    ADD_LIMIT,
    COMMUTATIVE,
    MNEMONICS,
    MOVE_LIMIT,
    ZERO,
    AssemblyInstruction,
    AssemblyLine,
    Immediate,
    Memory,
    Operand,
    Register,
    RegisterKind,
    Shifted,
    Word,
    variable,
)
from ringlitmus.symbolic import apply_arith


@frozen
class Known:
    """A value known before the program runs: `offset`, plus the address of `location` if any."""

    location: str | None
    offset: int


_KNOWN_ZERO = Known(None, 0)


def known_value(expr: ir.Expr) -> Known | None:
    """The value of `expr` in every execution, when it is known (`r ^ r` is 0), else None."""
    if isinstance(expr, ir.Const):
        return Known(None, expr.value)
    if isinstance(expr, ir.Address):
        return Known(expr.location, 0)
    if isinstance(expr, ir.Reg):
        return None
    op = expr.op
    if op in (ArithOp.XOR, ArithOp.SUB) and expr.left == expr.right:
        return _KNOWN_ZERO
    left, right = known_value(expr.left), known_value(expr.right)
    if op in (ArithOp.AND, ArithOp.MUL) and _KNOWN_ZERO in (left, right):
        return _KNOWN_ZERO
    if left is None or right is None:
        return None
    if op is ArithOp.ADD and not (left.location and right.location):
        return Known(left.location or right.location, left.offset + right.offset)
    if op is ArithOp.SUB and right.location in (None, left.location):
        return Known(None if right.location else left.location, left.offset - right.offset)
    if left.location or right.location:
        return None
    return Known(None, apply_arith(op, left.offset, right.offset))


def reads_registers(expr: ir.Expr) -> bool:
    """Whether `expr` reads a register (and so carries dependencies)."""
    if isinstance(expr, ir.Reg):
        return True
    if isinstance(expr, ir.BinOp):
        return reads_registers(expr.left) or reads_registers(expr.right)
    return False


def constant_of(expr: ir.Expr) -> int | None:
    """The number `expr` always is, if it reads no register and is no address."""
    known = None if reads_registers(expr) else known_value(expr)
    return known.offset if known is not None and known.location is None else None


def addresses_in(expr: ir.Expr) -> list[str]:
    """The locations whose address `expr` uses."""
    if isinstance(expr, ir.Address):
        return [expr.location]
    if isinstance(expr, ir.BinOp):
        return addresses_in(expr.left) + addresses_in(expr.right)
    return []


def without_addresses(expr: ir.Expr) -> ir.Expr:
    """`expr` with every address replaced by 0: the same registers, offsets only."""
    if isinstance(expr, ir.Address):
        return ir.Const(0)
    if not isinstance(expr, ir.BinOp):
        return expr
    left, right = without_addresses(expr.left), without_addresses(expr.right)
    if expr.op in (ArithOp.ADD, ArithOp.SUB) and right == ir.Const(0):
        return left
    if expr.op is ArithOp.ADD and left == ir.Const(0):
        return right
    return ir.BinOp(expr.op, left, right)


def base_location(expr: ir.Expr) -> str | None:
    """L when `expr` is L's address plus an offset (L's address added once, nothing else)."""
    if isinstance(expr, ir.Address):
        return expr.location
    if not isinstance(expr, ir.BinOp) or expr.op not in (ArithOp.ADD, ArithOp.SUB):
        return None
    left, right = base_location(expr.left), base_location(expr.right)
    if left is not None and not addresses_in(expr.right):
        return left
    if right is not None and expr.op is ArithOp.ADD and not addresses_in(expr.left):
        return right
    return None


def constant_factor(expr: ir.BinOp) -> tuple[int | None, ir.Expr]:
    """The constant factor of a product and the other operand (None: no constant factor)."""
    left, right = constant_of(expr.left), constant_of(expr.right)
    if right is not None:
        return right, expr.left
    return left, expr.right


def code_expression(term: ir.Expr | ir.Term) -> ir.Expr:
    """A comparison operand in thread code, which is never a final-state term."""
    if isinstance(term, ir.FinalRegister | ir.FinalLocation):
        raise UnsupportedInstructionError("a final-state term inside thread code")
    return term


class MemoryLayout:
    """The test's cells, by location and byte offset."""

    def __init__(self, locations: tuple[ir.LocationDecl, ...]) -> None:
        self._locations = {location.name: location for location in locations}

    def cell(self, known: Known, span: Span | None) -> str:
        """The cell at the address `known` (which names a location)."""
        location, offset = known.location, known.offset
        assert location is not None
        declaration = self.declaration(location, span)
        index, rest = divmod(offset, ir.CELL_SIZE)
        if rest or not 0 <= index < len(declaration.cells):
            raise UnsupportedInstructionError(
                f"address {location}+{offset} is not a cell of '{location}'", span
            )
        return declaration.cells[index]

    def declaration(self, location: str, span: Span | None) -> ir.LocationDecl:
        """The declaration of `location`."""
        declaration = self._locations.get(location)
        if declaration is None:
            raise UndeclaredLocationError(f"undeclared location '{location}'", span)
        return declaration

    def is_split(self, location: str) -> bool:
        """Whether `location` has several cells, which herd gets as separate locations."""
        declaration = self._locations.get(location)
        return declaration is not None and len(declaration.cells) > 1


def split_address_error(location: str, span: Span | None) -> UnsupportedInstructionError:
    """The error for an array address the export cannot give a meaning herd shares."""
    return UnsupportedInstructionError(
        f"'{location}' is an array, which the herd export turns into separate locations "
        f"({location}_0, {location}_1, ...): a load, store or atomic may address its cells, at "
        "a constant or a computed index, but its address cannot be a value or go through "
        "other arithmetic",
        span,
    )


# --------------------------------------------------------------------------- the compiler


@dataclass
class ExpressionCompiler:
    """Values and addresses into registers, for one thread (see ThreadCompiler)."""

    thread: ir.Thread
    memory: MemoryLayout
    label_prefix: str
    lines: list[AssemblyLine] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    bound: dict[Register, None] = field(default_factory=dict)
    used: int = 0
    most: int = 0
    span: Span | None = None

    def emit(self, mnemonic: str, *operands: Operand) -> None:
        self.lines.append(AssemblyInstruction(mnemonic, operands))

    def unsupported(self, message: str) -> UnsupportedInstructionError:
        return UnsupportedInstructionError(message, self.span)

    def temporary(self) -> Register:
        register = Register(RegisterKind.TEMPORARY, self.used)
        self.used += 1
        self.most = max(self.most, self.used)
        return register

    def bind(self, kind: RegisterKind, key: str | int) -> Register:
        register = Register(kind, key)
        self.bound.setdefault(register)
        return register

    def label(self, name: str) -> str:
        return self.labels.setdefault(name, f"{self.label_prefix}{len(self.labels)}")

    # ----------------------------------------------------------------------- values

    def register(self, expr: ir.Expr, zero: bool = False) -> Register:
        """A register holding `expr` (XZR for 0 where `zero` allows it)."""
        if isinstance(expr, ir.Reg):
            return variable(expr.name)
        dependent = reads_registers(expr)
        known = None if dependent else known_value(expr)
        if known is None and not dependent:
            raise self.unsupported("address arithmetic that herd cannot compute")
        if known is not None and known.location is not None:
            if self.memory.is_split(known.location):
                raise split_address_error(known.location, self.span)
            return self.bind(RegisterKind.CELL, self.memory.cell(known, self.span))
        if known is not None and known.offset == 0 and zero:
            return ZERO
        if known is not None and not -MOVE_LIMIT < known.offset < MOVE_LIMIT:
            return self.bind(RegisterKind.CONSTANT, known.offset)
        target = self.temporary()
        self.into(expr, target)
        return target

    def into(self, expr: ir.Expr, target: Register) -> None:
        """Leave the value of `expr` in `target`."""
        value = constant_of(expr)
        if value is not None and -MOVE_LIMIT < value < MOVE_LIMIT:
            self.emit("MOV", target, Immediate(value))
        elif isinstance(expr, ir.BinOp) and reads_registers(expr):
            self.operation(expr, target)
        else:
            source = self.register(expr)
            if source != target:
                self.emit("MOV", target, source)

    def operation(self, expr: ir.BinOp, target: Register) -> None:
        """`target = left op right`, one instruction after computing the operands."""
        op, left, right = expr.op, expr.left, expr.right
        if op is ArithOp.MUL:
            self.multiply(expr, target)
            return
        if op is ArithOp.MOD:
            raise self.unsupported("'%' over registers: no AArch64 instruction computes it")
        if op in COMMUTATIVE and constant_of(left) is not None and constant_of(right) is None:
            left, right = right, left
        value = constant_of(right)
        operand: Operand
        if op in (ArithOp.ADD, ArithOp.SUB) and value is not None and abs(value) < ADD_LIMIT:
            if value < 0:
                op, value = (ArithOp.SUB if op is ArithOp.ADD else ArithOp.ADD), -value
            operand = Immediate(value)
        else:
            operand = self.shifted(right)
        first = self.register(left, zero=not isinstance(operand, Immediate))
        self.emit(MNEMONICS[op], target, first, operand)

    def shifted(self, expr: ir.Expr) -> Register | Shifted:
        """A second operand: `Xm`, or `Xm,LSL #k` for `e * 2**k`."""
        if isinstance(expr, ir.BinOp) and expr.op is ArithOp.MUL:
            factor, other = constant_factor(expr)
            if factor is not None and factor > 1 and factor.bit_count() == 1 and factor < 1 << 64:
                return Shifted(self.register(other), factor.bit_length() - 1)
        return self.register(expr, zero=True)

    def multiply(self, expr: ir.BinOp, target: Register) -> None:
        """`e * c` as shifted additions (the herd front end reads no MUL)."""
        factor, other = constant_factor(expr)
        if factor is None:
            raise self.unsupported("multiplying two registers: no MUL in the herd front end")
        source = self.register(other)
        if factor == 0:
            self.emit("EOR", target, source, source)  # 0, with the dependency kept
            return
        bits = [bit for bit in range(abs(factor).bit_length()) if abs(factor) >> bit & 1]
        if bits[-1] > 63:
            raise self.unsupported(f"multiplying by {factor} overflows 64 bits")
        work = target if len(bits) == 1 and factor > 0 else self.temporary()
        first, *rest = bits
        if first:
            self.emit("ADD", work, ZERO, Shifted(source, first))
        else:
            self.emit("MOV", work, source)
        for bit in rest:
            self.emit("ADD", work, work, Shifted(source, bit))
        if factor < 0:
            self.emit("SUB", target, ZERO, work)
        elif work != target:
            self.emit("MOV", target, work)

    def address(self, expr: ir.Expr, indexed: bool) -> Memory:
        """The memory operand for `expr`; `[Xn,Xm]` only where `indexed` (LDR, STR)."""
        known = known_value(expr)
        if known is not None and known.location is None:
            raise self.unsupported(f"address {known.offset} is not a location")
        if known is not None:
            base = self.bind(RegisterKind.CELL, self.memory.cell(known, self.span))
            if not reads_registers(expr):
                return Memory(base)
            # A constant address computed from registers (`x + (r ^ r)`): keep the address
            # dependency with an offset of 0 computed from exactly those registers.
            offset = without_addresses(expr)
            if known.offset:
                offset = ir.BinOp(ArithOp.SUB, offset, ir.Const(known.offset))
            return self.base_and_index(base, self.register(offset), indexed)
        location = base_location(expr)
        if location is None:
            for name in addresses_in(expr):
                if self.memory.is_split(name):
                    raise split_address_error(name, self.span)
            return Memory(self.register(expr))
        return self.base_and_index(*self.chosen_cell(location, expr), indexed)

    def base_and_index(self, base: Register, index: Register, indexed: bool) -> Memory:
        """`[base,index]`, or `[base + index]` computed first where `indexed` is False."""
        if indexed:
            return Memory(base, index)
        target = self.temporary()
        self.emit("ADD", target, base, index)
        return Memory(target)

    def chosen_cell(self, location: str, expr: ir.Expr) -> tuple[Register, Register]:
        """The cell of `location` that `expr` (its address plus an offset) names, and a 0.

        herd has the cells as separate locations, so the offset is compared with each cell's
        but the last; CSEL makes that a pick dependency, and the 0 (`offset ^ offset`) to add
        makes it the address dependency the IR has. The chain starts from the last cell, not
        from 0: herd7 refuses a test whose address may be 0 in some candidate execution ("Non
        symbolic location with no initial write"), even one no execution reaches. So an
        offset outside the location names the last cell here, where the IR's address is no
        cell and ringlitmus excludes the execution (see the module doc of herd_export.py).
        """
        offset = self.register(without_addresses(expr))
        cells = self.memory.declaration(location, self.span).cells
        chosen = self.bind(RegisterKind.CELL, cells[-1])
        for position, cell in enumerate(cells[:-1]):
            step = position * ir.CELL_SIZE
            compared = Immediate(step) if step < ADD_LIMIT else self.register(ir.Const(step))
            self.emit("CMP", offset, compared)
            previous, chosen = chosen, (chosen if position else self.temporary())
            self.emit("CSEL", chosen, self.bind(RegisterKind.CELL, cell), previous, Word("EQ"))
        zero = self.temporary()
        self.emit("EOR", zero, offset, offset)
        return chosen, zero
