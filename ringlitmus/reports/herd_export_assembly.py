"""AArch64 assembly as data: symbolic registers, operands, instructions; numbering, printing.

Registers stay symbolic (`Register`) until a whole thread is compiled, then are numbered X0-X30:
the IR's registers first, then the registers the init block sets (cell addresses, large
constants), then the scratch registers ("temporaries") that every instruction reuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ringlitmus import ir
from ringlitmus.errors import UnsupportedInstructionError
from ringlitmus.frozen import frozen
from ringlitmus.ir import ArithOp, CmpOp

REGISTER_COUNT = 31  # X0-X30
# Immediates the instructions encode: MOV takes 16 bits (MOVZ/MOVN), ADD/SUB/CMP take 12.
MOVE_LIMIT = 1 << 16
ADD_LIMIT = 1 << 12

LOADS = {
    (ir.Ordering.PLAIN, False): "LDR",
    (ir.Ordering.ACQUIRE, False): "LDAR",
    (ir.Ordering.ACQUIRE_PC, False): "LDAPR",
    (ir.Ordering.PLAIN, True): "LDXR",
    (ir.Ordering.ACQUIRE, True): "LDAXR",
}
STORES = {
    (ir.Ordering.PLAIN, False): "STR",
    (ir.Ordering.RELEASE, False): "STLR",
    (ir.Ordering.PLAIN, True): "STXR",
    (ir.Ordering.RELEASE, True): "STLXR",
}
RMW_NAMES = {ir.RmwOp.ADD: "ADD", ir.RmwOp.CLR: "CLR", ir.RmwOp.EOR: "EOR", ir.RmwOp.SET: "SET"}
FENCES = {
    ir.FenceKind.DMB_FULL: ("DMB", "ISH"),
    ir.FenceKind.DMB_LD: ("DMB", "ISHLD"),
    ir.FenceKind.DMB_ST: ("DMB", "ISHST"),
    ir.FenceKind.ISB: ("ISB", None),
}
MNEMONICS = {
    ArithOp.ADD: "ADD",
    ArithOp.SUB: "SUB",
    ArithOp.AND: "AND",
    ArithOp.OR: "ORR",
    ArithOp.XOR: "EOR",
}
COMMUTATIVE = (ArithOp.ADD, ArithOp.AND, ArithOp.OR, ArithOp.XOR, ArithOp.MUL)
CONDITION_CODES = {op: op.name for op in CmpOp}  # EQ NE LT LE GT GE
INVERSE_CODES = {"EQ": "NE", "NE": "EQ", "LT": "GE", "GE": "LT", "GT": "LE", "LE": "GT"}
MIRRORED = {
    CmpOp.EQ: CmpOp.EQ,
    CmpOp.NE: CmpOp.NE,
    CmpOp.LT: CmpOp.GT,
    CmpOp.GT: CmpOp.LT,
    CmpOp.LE: CmpOp.GE,
    CmpOp.GE: CmpOp.LE,
}

# --------------------------------------------------------------------------- operands


class RegisterKind(Enum):
    """What a symbolic register holds."""

    VARIABLE = "variable"  # a register of the IR thread, by name
    CELL = "cell"  # the address of a cell, set in the init block
    CONSTANT = "constant"  # a constant too large for MOV, set in the init block
    TEMPORARY = "temporary"  # scratch, by number within one IR instruction
    ZERO = "zero"  # XZR


@frozen
class Register:
    """A register before numbering."""

    kind: RegisterKind
    key: str | int = ""


ZERO = Register(RegisterKind.ZERO)


@frozen
class Immediate:
    """`#value`."""

    value: int


@frozen
class Shifted:
    """`Xm, LSL #amount`: the register times 2**amount."""

    register: Register
    amount: int


@frozen
class Memory:
    """`[Xn]` or `[Xn,Xm]`."""

    base: Register
    index: Register | None = None


@frozen
class Word:
    """A label, condition code or barrier option."""

    text: str


@frozen
class Status:
    """The W register a store-exclusive writes its status to."""

    register: Register


Operand = Register | Immediate | Shifted | Memory | Word | Status


@frozen
class AssemblyInstruction:
    """One AArch64 instruction."""

    mnemonic: str
    operands: tuple[Operand, ...] = ()


@frozen
class AssemblyLabel:
    """A branch target."""

    name: str


AssemblyLine = AssemblyInstruction | AssemblyLabel


@dataclass
class CompiledThread:
    """A thread's code; `bound` are the init-block registers in order of first use."""

    lines: list[AssemblyLine]
    bound: list[Register]
    temporaries: int


# --------------------------------------------------------------------------- registers


def register_names(thread: ir.Thread) -> list[str]:
    """The IR registers a thread writes, reads or initialises, in order of first appearance."""
    names: dict[str, None] = {}
    for instruction in thread.instructions:
        for name in ("dest", "status"):
            value = getattr(instruction, name, None)
            if isinstance(value, str):
                names.setdefault(value)
        for name in _READ_FIELDS:
            for register in registers_read(getattr(instruction, name, None)):
                names.setdefault(register)
    for register, _ in thread.registers:
        names.setdefault(register)
    return list(names)


_READ_FIELDS = ("value", "address", "operand", "expected", "if_true", "if_false", "condition")


def registers_read(node: object) -> list[str]:
    """The IR registers an expression or condition reads, in order, with repeats."""
    if isinstance(node, ir.Reg):
        return [node.name]
    if isinstance(node, ir.BinOp | ir.Compare):
        return registers_read(node.left) + registers_read(node.right)
    if isinstance(node, ir.BoolOp):
        return [name for operand in node.operands for name in registers_read(operand)]
    return []


def variable(name: str) -> Register:
    """The register standing for the IR register `name`."""
    return Register(RegisterKind.VARIABLE, name)


def number_registers(
    thread: str, variables: list[str], compiled: CompiledThread
) -> dict[Register, str]:
    """X names for a thread's registers: variables, then init-block registers, then scratch."""
    order = [variable(name) for name in variables]
    order += [register for register in compiled.bound if register not in order]
    order += [Register(RegisterKind.TEMPORARY, index) for index in range(compiled.temporaries)]
    if len(order) > REGISTER_COUNT:
        raise UnsupportedInstructionError(
            f"thread {thread} needs {len(order)} registers; AArch64 has {REGISTER_COUNT} (X0-X30)"
        )
    names = {register: f"X{index}" for index, register in enumerate(order)}
    names[ZERO] = "XZR"
    return names


def render_line(line: AssemblyLine, names: dict[Register, str]) -> str:
    """One cell of the thread table."""
    if isinstance(line, AssemblyLabel):
        return f"{line.name}:"
    operands = ",".join(_render_operand(operand, names) for operand in line.operands)
    return f"{line.mnemonic} {operands}" if operands else line.mnemonic


def _render_operand(operand: Operand, names: dict[Register, str]) -> str:
    if isinstance(operand, Register):
        return names[operand]
    if isinstance(operand, Immediate):
        return f"#{operand.value}"
    if isinstance(operand, Shifted):
        register = names[operand.register]
        return f"{register},LSL #{operand.amount}" if operand.amount else register
    if isinstance(operand, Memory):
        index = f",{names[operand.index]}" if operand.index is not None else ""
        return f"[{names[operand.base]}{index}]"
    if isinstance(operand, Status):
        return "W" + names[operand.register][1:]
    return operand.text
