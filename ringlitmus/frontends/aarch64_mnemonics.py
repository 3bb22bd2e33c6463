"""AArch64 mnemonic tables, and what an instruction does to the width of registers.

aarch64_instructions.py translates with the tables; aarch64_values.py is told which
instructions write or read W registers and test unsigned conditions, which decide whether a
test's values are ones herd7 and we compute alike.
"""

from __future__ import annotations

import re

from ringlitmus import ir
from ringlitmus.frontends.aarch64_operands import (
    MemoryOperand,
    RegisterOperand,
    WordOperand,
    WrittenInstruction,
)

# --------------------------------------------------------------------------- mnemonic tables

LOADS = {
    "LDR": (ir.Ordering.PLAIN, False),
    "LDAR": (ir.Ordering.ACQUIRE, False),
    "LDAPR": (ir.Ordering.ACQUIRE_PC, False),
    "LDXR": (ir.Ordering.PLAIN, True),
    "LDAXR": (ir.Ordering.ACQUIRE, True),
}
STORES = {
    "STR": (ir.Ordering.PLAIN, False),
    "STLR": (ir.Ordering.RELEASE, False),
    "STXR": (ir.Ordering.PLAIN, True),
    "STLXR": (ir.Ordering.RELEASE, True),
}
ARITHMETIC = {
    "ADD": ir.ArithOp.ADD,
    "SUB": ir.ArithOp.SUB,
    "AND": ir.ArithOp.AND,
    "ORR": ir.ArithOp.OR,
    "EOR": ir.ArithOp.XOR,
}
RMW_OPS = {
    "ADD": ir.RmwOp.ADD,
    "CLR": ir.RmwOp.CLR,
    "EOR": ir.RmwOp.EOR,
    "SET": ir.RmwOp.SET,
}
RMW = re.compile(r"^(?:(CAS|SWP)|LD(ADD|CLR|EOR|SET)|ST(ADD|CLR|EOR|SET))(A|L|AL)?$")
BARRIERS = {
    **dict.fromkeys(("SY", "ISH", "OSH", "NSH"), ir.FenceKind.DMB_FULL),
    **dict.fromkeys(("LD", "ISHLD", "OSHLD", "NSHLD"), ir.FenceKind.DMB_LD),
    **dict.fromkeys(("ST", "ISHST", "OSHST", "NSHST"), ir.FenceKind.DMB_ST),
}
# NZCV holds `a - b` of the last CMP; with unbounded integers there is no overflow, so the
# signed conditions (and MI/PL, the sign of the result) are comparisons of NZCV with 0.
CONDITIONS = {
    "EQ": ir.CmpOp.EQ,
    "NE": ir.CmpOp.NE,
    "GE": ir.CmpOp.GE,
    "LT": ir.CmpOp.LT,
    "GT": ir.CmpOp.GT,
    "LE": ir.CmpOp.LE,
    "MI": ir.CmpOp.LT,
    "PL": ir.CmpOp.GE,
}
# The flags of CMP a, b with 0 <= a, b < 2^32 at 64 bits (< 2^31 at 32): the unsigned order is
# the signed one and nothing overflows.
UNSIGNED_CONDITIONS: dict[str, ir.Condition] = {
    "HI": ir.Compare(ir.CmpOp.GT, ir.Reg("NZCV"), ir.Const(0)),
    "LS": ir.Compare(ir.CmpOp.LE, ir.Reg("NZCV"), ir.Const(0)),
    "HS": ir.Compare(ir.CmpOp.GE, ir.Reg("NZCV"), ir.Const(0)),
    "CS": ir.Compare(ir.CmpOp.GE, ir.Reg("NZCV"), ir.Const(0)),
    "LO": ir.Compare(ir.CmpOp.LT, ir.Reg("NZCV"), ir.Const(0)),
    "CC": ir.Compare(ir.CmpOp.LT, ir.Reg("NZCV"), ir.Const(0)),
    "VS": ir.Truth(False),
    "VC": ir.Truth(True),
}
FLAGS = "NZCV"
# Register-writing mnemonics besides loads and arithmetic.
WRITING = ("MOV", "CSEL", "CSINC")
# A mnemonic's size suffix: the access's width in bits.
SIZES = {"B": 8, "H": 16, "W": 32}
# (width, sign-extend) of an access: width None is the register's (W: 32, X: 64).
Size = tuple[int | None, bool]


# --------------------------------------------------------------------------- register widths


def split_size(mnemonic: str) -> tuple[str, Size]:
    """LDRB, STLRH, LDRSW, CASALB, ... without their size suffix, and the (width, sign-extend)
    the suffix gives (None: the register's width); other mnemonics unchanged."""
    suffix = mnemonic[-1:]
    if mnemonic.startswith("LDRS") and suffix in SIZES:
        return "LDR", (SIZES[suffix], True)
    if suffix in ("B", "H"):
        shorter = mnemonic[:-1]
        if shorter in LOADS or shorter in STORES or RMW.match(shorter):
            return shorter, (SIZES[suffix], False)
    return mnemonic, (None, False)


def reads_w_register(instruction: WrittenInstruction) -> bool:
    """Whether the instruction reads a W register other than as the data a store writes
    (herd reads its 32 bits: a value past 2^31 is negative there)."""
    mnemonic, _ = split_size(instruction.mnemonic.upper())
    operands = list(instruction.operands)
    if mnemonic in STORES or mnemonic in ("STP",):
        operands = [operand for operand in operands if isinstance(operand, MemoryOperand)]
    elif (index := _destination(mnemonic)) is not None and index < len(operands):
        operands.pop(index)
    registers = [operand for operand in operands if isinstance(operand, RegisterOperand)]
    for memory in operands:
        if isinstance(memory, MemoryOperand):
            registers += [part for part in memory.parts if isinstance(part, RegisterOperand)]
    return any(not register.wide and register.name is not None for register in registers)


def _destination(mnemonic: str) -> int | None:
    """Which operand an instruction writes its result to, if any."""
    match = RMW.match(mnemonic)
    if match and match.group(1) == "CAS":
        return 0  # CAS Ws, Wt, [Xn]: Ws receives the old value
    if match and match.group(3) is None:
        return 1  # SWP and LD<op> Rs, Rt, [Xn]: Rt receives it
    if mnemonic in LOADS or mnemonic in ARITHMETIC or mnemonic in WRITING:
        return 0
    return None


def writes_w_register(instruction: WrittenInstruction) -> bool:
    """Whether the instruction writes a W register (herd zero-extends it into the X one);
    a store-exclusive's status (0 or 1) is left out: zero-extension keeps it."""
    index = _destination(split_size(instruction.mnemonic.upper())[0])
    operands = instruction.operands
    if index is None or len(operands) <= index:
        return False
    destination = operands[index]
    return (
        isinstance(destination, RegisterOperand)
        and not destination.wide
        and destination.name is not None
    )


def unsigned_condition(instruction: WrittenInstruction) -> bool:
    """Whether the instruction tests an unsigned or overflow condition (B.HI, CSEL ..., LO)."""
    _, dot, suffix = instruction.mnemonic.upper().partition(".")
    codes = [suffix] if dot else []
    codes += [
        operand.word.upper() for operand in instruction.operands if isinstance(operand, WordOperand)
    ]
    return any(code in UNSIGNED_CONDITIONS for code in codes)
