"""AArch64 operands as written, and the values and addresses they denote in IR.

W and X registers are one register, named `X<n>`, as herd7 7.58 keeps them: writing W0 neither
truncates nor zero-extends X0 (`MOV W0,#-1` then `ADD X1,X0,#1` gives 0). Values are unbounded
integers; frontends/aarch64_values.py refuses a test whose values could leave the 32-bit range
where herd's arithmetic wraps. A W register gives a memory access its size (32 bits).
SXTW is the identity for the same reason, UXTW keeps the low 32 bits; shifts (`LSL #3`)
multiply.
"""

from __future__ import annotations

from ringlitmus import ir
from ringlitmus.errors import LitmusSyntaxError, Span
from ringlitmus.frozen import frozen

# --------------------------------------------------------------------------- written operands


@frozen
class RegisterOperand:
    """A register as written; `name` is canonical (`X3`), or None for WZR/XZR; `wide` for an X
    register, False for a W one."""

    name: str | None
    span: Span | None = None
    wide: bool = True

    @property
    def width(self) -> int:
        """The size in bits of a memory access through this register (LDR Wt: 32)."""
        return 64 if self.wide else 32


@frozen
class ImmediateOperand:
    """`#n`."""

    value: int
    span: Span | None = None


@frozen
class WordOperand:
    """A bare word: a label, a condition code, a barrier option, a shift/extend (`LSL #3`)."""

    word: str
    amount: int | None = None
    span: Span | None = None


@frozen
class MemoryOperand:
    """`[base, offset, extend]`; `writeback` for the pre-indexed `[Xn, #imm]!`."""

    parts: tuple[Operand, ...]
    writeback: bool = False
    span: Span | None = None


Operand = RegisterOperand | ImmediateOperand | WordOperand | MemoryOperand


@frozen
class WrittenInstruction:
    """One instruction cell as written: mnemonic, operands, where it is."""

    mnemonic: str
    operands: tuple[Operand, ...]
    span: Span | None = None


Translation = tuple[ir.Instruction, ...]

_EXTENDS = ("LSL", "SXTW", "UXTW", "SXTX", "UXTX")

# --------------------------------------------------------------------------- operand access


def operand_error(instruction: WrittenInstruction, usage: str) -> LitmusSyntaxError:
    """The error for operands that do not fit the mnemonic."""
    return LitmusSyntaxError(
        f"{instruction.mnemonic} takes {usage}", instruction.span, expected=(usage,)
    )


def checked_operands(
    instruction: WrittenInstruction, usage: str, *kinds: type | tuple[type, ...]
) -> tuple[Operand, ...]:
    """The operands, checked against `kinds` (one entry per operand)."""
    operands = instruction.operands
    if len(operands) != len(kinds) or not all(
        isinstance(operand, kind) for operand, kind in zip(operands, kinds, strict=True)
    ):
        raise operand_error(instruction, usage)
    return operands


def value_of(operand: RegisterOperand | ImmediateOperand) -> ir.Expr:
    """The value of a source operand; the zero register reads 0."""
    if isinstance(operand, ImmediateOperand):
        return ir.Const(operand.value)
    return ir.Reg(operand.name) if operand.name else ir.Const(0)


def scaled_index(
    instruction: WrittenInstruction, index: ir.Expr, extend: Operand | None, usage: str
) -> ir.Expr:
    """`index` after an optional shift/extend operand (`SXTW`, `LSL #3`)."""
    if extend is None:
        return index
    if not isinstance(extend, WordOperand) or extend.word.upper() not in _EXTENDS:
        raise operand_error(instruction, usage)
    if extend.word.upper() == "UXTW":
        # The W register's 32 bits, zero-extended: -1 is 4294967295 (SXTW keeps it).
        index = ir.BinOp(ir.ArithOp.MOD, index, ir.Const(1 << 32))
    if not extend.amount:
        return index
    if not 0 < extend.amount < 64:
        raise operand_error(instruction, "a shift amount between 0 and 63")
    return ir.BinOp(ir.ArithOp.MUL, index, ir.Const(1 << extend.amount))


def address_of(instruction: WrittenInstruction, memory: MemoryOperand) -> tuple[ir.Expr, str]:
    """The address an `[...]` operand denotes, and its base register."""
    usage = "an address [Xn], [Xn, #imm], [Xn, Xm] or [Xn, Wm, SXTW]"
    base, *rest = memory.parts
    if not isinstance(base, RegisterOperand) or base.name is None:
        raise operand_error(instruction, usage)
    if not rest:
        return ir.Reg(base.name), base.name
    offset, *extend = rest
    if len(extend) > 1 or not isinstance(offset, RegisterOperand | ImmediateOperand):
        raise operand_error(instruction, usage)
    if isinstance(offset, ImmediateOperand) and extend:
        raise operand_error(instruction, usage)
    index = scaled_index(instruction, value_of(offset), extend[0] if extend else None, usage)
    return ir.BinOp(ir.ArithOp.ADD, ir.Reg(base.name), index), base.name


def offset_address(address: ir.Expr, offset: int) -> ir.Expr:
    """`address + offset`, folding into an existing constant offset."""
    if (
        isinstance(address, ir.BinOp)
        and address.op is ir.ArithOp.ADD
        and isinstance(address.right, ir.Const)
    ):
        return ir.BinOp(ir.ArithOp.ADD, address.left, ir.Const(address.right.value + offset))
    return ir.BinOp(ir.ArithOp.ADD, address, ir.Const(offset))


def memory_access(
    instruction: WrittenInstruction, registers: int
) -> tuple[tuple[RegisterOperand, ...], ir.Expr, Translation, Translation]:
    """The register operands, the address, and base-register updates before/after the access.

    Pre-indexing `[Xn, #imm]!` updates Xn before the access, post-indexing `[Xn], #imm` after.
    """
    usage = ", ".join(["register"] * registers + ["[address]"])
    operands = instruction.operands
    post_index = None
    last = operands[-1] if operands else None
    if len(operands) == registers + 2 and isinstance(last, ImmediateOperand):
        operands, post_index = operands[:-1], last
    kinds = (RegisterOperand,) * registers + (MemoryOperand,)
    written = WrittenInstruction(instruction.mnemonic, operands, instruction.span)
    operands = checked_operands(written, usage, *kinds)
    memory = operands[-1]
    assert isinstance(memory, MemoryOperand)
    targets = tuple(operand for operand in operands[:-1] if isinstance(operand, RegisterOperand))
    address, base = address_of(instruction, memory)
    if post_index is not None:
        if memory.writeback or len(memory.parts) > 1:
            raise operand_error(instruction, f"{usage}, #imm with a plain [Xn] (post-indexing)")
        update = ir.Assign(base, offset_address(ir.Reg(base), post_index.value), instruction.span)
        return targets, ir.Reg(base), (), (update,)
    if memory.writeback:
        offset = memory.parts[-1]
        if len(memory.parts) != 2 or not isinstance(offset, ImmediateOperand):
            raise operand_error(instruction, "[Xn, #imm]! (pre-indexing)")
        return targets, ir.Reg(base), (ir.Assign(base, address, instruction.span),), ()
    return targets, address, (), ()
