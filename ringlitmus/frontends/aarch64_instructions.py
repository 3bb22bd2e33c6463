"""Translate one written AArch64 instruction (mnemonic and operands) into IR instructions.

Every access carries its size: 8 and 16 bits for the B and H forms (LDRB, STRH, LDRSB), else
the width of its register (W: 32, X: 64); semantics/sizes.py truncates and extends values as
herd does and refuses mixed sizes. LDP/STP of X registers access two consecutive cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ringlitmus import ir
from ringlitmus.errors import LitmusSyntaxError, UnsupportedInstructionError
from ringlitmus.frontends.aarch64_mnemonics import (
    ARITHMETIC,
    BARRIERS,
    CONDITIONS,
    FLAGS,
    LOADS,
    RMW,
    RMW_OPS,
    STORES,
    UNSIGNED_CONDITIONS,
    Size,
    split_size,
)
from ringlitmus.frontends.aarch64_operands import (
    ImmediateOperand,
    MemoryOperand,
    RegisterOperand,
    Translation,
    WordOperand,
    WrittenInstruction,
    address_of,
    checked_operands,
    memory_access,
    offset_address,
    operand_error,
    scaled_index,
    value_of,
)


def _condition(instruction: WrittenInstruction, code: str) -> ir.Condition:
    """A condition code as a comparison of the flags register with 0."""
    code = code.upper()
    if code in CONDITIONS:
        return ir.Compare(CONDITIONS[code], ir.Reg(FLAGS), ir.Const(0))
    if code == "AL":
        return ir.Truth(True)
    if code in UNSIGNED_CONDITIONS:
        # Exact only on operands that are never negative and never overflow, which
        # aarch64_values.py makes sure of for every test using them.
        return UNSIGNED_CONDITIONS[code]
    raise LitmusSyntaxError(f"unknown condition code '{code}'", instruction.span)


# --------------------------------------------------------------------------- instruction kinds


def _load(
    instruction: WrittenInstruction, ordering: ir.Ordering, exclusive: bool, size: Size
) -> Translation:
    """LDR, LDAR, LDAPR, LDXR, LDAXR, with B/H/SB/SH/SW sizes."""
    (target,), address, before, after = memory_access(instruction, 1)
    width, sign_extend = size
    load = ir.Load(
        target.name,
        address,
        ordering,
        exclusive,
        instruction.span,
        width=width or target.width,
        sign_extend=sign_extend,
    )
    return (*before, load, *after)


def _store(
    instruction: WrittenInstruction, ordering: ir.Ordering, exclusive: bool, size: Size
) -> Translation:
    """STR, STLR; STXR/STLXR Ws, Wt, [Xn] write their success flag (0 = success) into Ws."""
    registers, address, before, after = memory_access(instruction, 2 if exclusive else 1)
    status = registers[0].name if exclusive else None
    value = value_of(registers[-1])
    width = size[0] or registers[-1].width
    store = ir.Store(address, value, ordering, exclusive, status, instruction.span, width)
    return (*before, store, *after)


def _pair(instruction: WrittenInstruction, is_load: bool) -> Translation:
    """LDP/STP of X registers: two 64-bit accesses, to the address and to the next cell."""
    (first, second), address, before, after = memory_access(instruction, 2)
    if not (first.wide and second.wide):
        # Two words at one 64-bit location, or at x and x+4: mixed sizes (issue #24).
        raise UnsupportedInstructionError(
            f"'{instruction.mnemonic}' of W registers is not supported: it accesses two 32-bit "
            "words of 8-byte cells, which needs herd's mixed-size model",
            instruction.span,
        )
    span = instruction.span
    addresses = (address, offset_address(address, ir.CELL_SIZE))
    accesses: Translation
    if is_load:
        accesses = tuple(
            ir.Load(register.name, where, span=span, width=64)
            for register, where in zip((first, second), addresses, strict=True)
        )
    else:
        accesses = tuple(
            ir.Store(where, value_of(register), span=span, width=64)
            for register, where in zip((first, second), addresses, strict=True)
        )
    return (*before, *accesses, *after)


def _rmw(instruction: WrittenInstruction, match: re.Match[str]) -> Translation:
    """CAS, SWP, LD<op> and ST<op>, with A/L/AL suffixes.

    As the Arm ARM says for CASA, SWPA and LD<op>A, the acquire applies only when the
    destination is not the zero register: a discarded read is not an acquire.
    """
    swap_or_cas, load_op, store_op, suffix = match.groups()
    acquire = suffix in ("A", "AL")
    release = suffix in ("L", "AL")
    span = instruction.span
    if store_op:
        if acquire:
            raise _unsupported(instruction)
        source, memory = checked_operands(
            instruction, "register, [Xn]", RegisterOperand, MemoryOperand
        )
        assert isinstance(source, RegisterOperand) and isinstance(memory, MemoryOperand)
        address = _atomic_address(instruction, memory)
        op = RMW_OPS[store_op]
        rmw = ir.Rmw(
            op, None, address, value_of(source), release=release, span=span, width=source.width
        )
        return (rmw,)
    usage = "register, register, [Xn]"
    first, second, memory = checked_operands(
        instruction, usage, RegisterOperand, RegisterOperand, MemoryOperand
    )
    assert isinstance(first, RegisterOperand) and isinstance(second, RegisterOperand)
    assert isinstance(memory, MemoryOperand)
    address = _atomic_address(instruction, memory)
    if swap_or_cas == "CAS":
        dest = first.name
        return (
            ir.Rmw(
                ir.RmwOp.CAS,
                dest,
                address,
                operand=value_of(second),
                expected=value_of(first),
                acquire=acquire and dest is not None,
                release=release,
                span=span,
                width=second.width,
            ),
        )
    op = ir.RmwOp.SWP if swap_or_cas == "SWP" else RMW_OPS[load_op]
    dest = second.name
    rmw = ir.Rmw(
        op,
        dest,
        address,
        value_of(first),
        acquire=acquire and dest is not None,
        release=release,
        span=span,
        width=first.width,
    )
    return (rmw,)


def _atomic_address(instruction: WrittenInstruction, memory: MemoryOperand) -> ir.Expr:
    """The address of an atomic, which has no writeback form."""
    if memory.writeback:
        raise operand_error(instruction, "an address without writeback")
    return address_of(instruction, memory)[0]


def _arithmetic(instruction: WrittenInstruction, op: ir.ArithOp) -> Translation:
    """ADD/SUB/AND/ORR/EOR Rd, Rn, Rm|#imm [, extend or shift]."""
    usage = "register, register, register or #imm [, SXTW or LSL #n]"
    operands = instruction.operands
    if len(operands) not in (3, 4):
        raise operand_error(instruction, usage)
    target, left, right = checked_operands(
        WrittenInstruction(instruction.mnemonic, operands[:3], instruction.span),
        usage,
        RegisterOperand,
        RegisterOperand,
        (RegisterOperand, ImmediateOperand),
    )
    assert isinstance(target, RegisterOperand) and isinstance(left, RegisterOperand)
    assert isinstance(right, RegisterOperand | ImmediateOperand)
    second = scaled_index(
        instruction, value_of(right), operands[3] if len(operands) == 4 else None, usage
    )
    if target.name is None:
        return ()
    return (ir.Assign(target.name, ir.BinOp(op, value_of(left), second), instruction.span),)


def _move(instruction: WrittenInstruction) -> Translation:
    """MOV Rd, Rs|#imm."""
    target, source = checked_operands(
        instruction,
        "register, register or #imm",
        RegisterOperand,
        (RegisterOperand, ImmediateOperand),
    )
    assert isinstance(target, RegisterOperand)
    assert isinstance(source, RegisterOperand | ImmediateOperand)
    if target.name is None:
        return ()
    return (ir.Assign(target.name, value_of(source), instruction.span),)


def _compare(instruction: WrittenInstruction) -> Translation:
    """CMP Rn, Rm|#imm: the flags register holds the difference."""
    left, right = checked_operands(
        instruction,
        "register, register or #imm",
        RegisterOperand,
        (RegisterOperand, ImmediateOperand),
    )
    assert isinstance(left, RegisterOperand)
    assert isinstance(right, RegisterOperand | ImmediateOperand)
    difference = ir.BinOp(ir.ArithOp.SUB, value_of(left), value_of(right))
    return (ir.Assign(FLAGS, difference, instruction.span),)


def _select(instruction: WrittenInstruction, increment: bool) -> Translation:
    """CSEL Rd, Rn, Rm, cond; CSINC adds 1 to Rm when the condition fails."""
    usage = "register, register, register, condition"
    target, if_true, if_false, code = checked_operands(
        instruction, usage, RegisterOperand, RegisterOperand, RegisterOperand, WordOperand
    )
    assert isinstance(target, RegisterOperand) and isinstance(code, WordOperand)
    assert isinstance(if_true, RegisterOperand) and isinstance(if_false, RegisterOperand)
    condition = _condition(instruction, code.word)
    otherwise = value_of(if_false)
    if increment:
        otherwise = ir.BinOp(ir.ArithOp.ADD, otherwise, ir.Const(1))
    if target.name is None:
        return ()
    return (ir.Select(target.name, condition, value_of(if_true), otherwise, instruction.span),)


def _branch(instruction: WrittenInstruction, code: str | None) -> Translation:
    """B label and B.cond label."""
    (target,) = checked_operands(instruction, "a label", WordOperand)
    assert isinstance(target, WordOperand)
    condition = None if code is None else _condition(instruction, code)
    return (ir.Branch(condition, target.word, instruction.span),)


def _branch_on_zero(instruction: WrittenInstruction, op: ir.CmpOp) -> Translation:
    """CBZ/CBNZ Rn, label."""
    register, target = checked_operands(
        instruction, "register, label", RegisterOperand, WordOperand
    )
    assert isinstance(register, RegisterOperand) and isinstance(target, WordOperand)
    condition = ir.Compare(op, value_of(register), ir.Const(0))
    return (ir.Branch(condition, target.word, instruction.span),)


def _test_bit(instruction: WrittenInstruction, op: ir.CmpOp) -> Translation:
    """TBZ/TBNZ Rt, #bit, label: branch when the bit is 0 (TBZ) or 1 (TBNZ)."""
    register, bit, target = checked_operands(
        instruction, "register, #bit, label", RegisterOperand, ImmediateOperand, WordOperand
    )
    assert isinstance(register, RegisterOperand) and isinstance(bit, ImmediateOperand)
    assert isinstance(target, WordOperand)
    if not 0 <= bit.value < register.width:
        raise operand_error(instruction, f"a bit number between 0 and {register.width - 1}")
    masked = ir.BinOp(ir.ArithOp.AND, value_of(register), ir.Const(1 << bit.value))
    return (ir.Branch(ir.Compare(op, masked, ir.Const(0)), target.word, instruction.span),)


def _barrier(instruction: WrittenInstruction, option: str | None) -> Translation:
    """DMB/DSB with an option (`DMB ISH` or `DMB.ISH`).

    A full or LD DSB orders what the same DMB does (herd's DSB-ob). DSB ST is refused: herd
    orders a store before every later access after it, loads included, which no DMB does.
    """
    if option is None:
        (word,) = checked_operands(
            instruction, "a barrier option (SY, ISH, LD, ST, ...)", WordOperand
        )
        assert isinstance(word, WordOperand)
        option = word.word
    elif instruction.operands:
        raise operand_error(instruction, "no operands")
    kind = BARRIERS.get(option.upper())
    if kind is None:
        raise LitmusSyntaxError(f"unknown barrier option '{option}'", instruction.span)
    if kind is ir.FenceKind.DMB_ST and instruction.mnemonic.upper().startswith("DSB"):
        raise UnsupportedInstructionError(
            f"'DSB {option}' is not supported: herd's DSB ST also orders a store before later "
            "loads, which is not modelled (DMB ST and a full DSB are)",
            instruction.span,
        )
    return (ir.Fence(kind, instruction.span),)


def _isb(instruction: WrittenInstruction) -> Translation:
    """ISB, optionally written `ISB SY`."""
    operands = instruction.operands
    if operands and not (
        len(operands) == 1
        and isinstance(operands[0], WordOperand)
        and operands[0].word.upper() == "SY"
    ):
        raise operand_error(instruction, "no operand or SY")
    return (ir.Fence(ir.FenceKind.ISB, instruction.span),)


def _nop(instruction: WrittenInstruction) -> Translation:
    """NOP does nothing a litmus test can see."""
    checked_operands(instruction, "no operands")
    return ()


def _unsupported(instruction: WrittenInstruction) -> UnsupportedInstructionError:
    """The error for a mnemonic we do not model."""
    return UnsupportedInstructionError(
        f"unsupported instruction '{instruction.mnemonic}'", instruction.span
    )


_SIMPLE: dict[str, Callable[[WrittenInstruction], Translation]] = {
    "MOV": _move,
    "CMP": _compare,
    "CSEL": lambda instruction: _select(instruction, increment=False),
    "CSINC": lambda instruction: _select(instruction, increment=True),
    "B": lambda instruction: _branch(instruction, None),
    "CBZ": lambda instruction: _branch_on_zero(instruction, ir.CmpOp.EQ),
    "CBNZ": lambda instruction: _branch_on_zero(instruction, ir.CmpOp.NE),
    "TBZ": lambda instruction: _test_bit(instruction, ir.CmpOp.EQ),
    "TBNZ": lambda instruction: _test_bit(instruction, ir.CmpOp.NE),
    "LDP": lambda instruction: _pair(instruction, is_load=True),
    "STP": lambda instruction: _pair(instruction, is_load=False),
    "ISB": _isb,
    "NOP": _nop,
}


def translate_instruction(instruction: WrittenInstruction) -> Translation:
    """The IR instructions for one AArch64 instruction (several for LDP/STP and writeback)."""
    mnemonic, size = split_size(instruction.mnemonic.upper())
    base, dot, suffix = mnemonic.partition(".")
    if base == "B" and dot:
        return _branch(instruction, suffix)
    if base in ("DMB", "DSB"):
        return _barrier(instruction, suffix if dot else None)
    if dot:
        raise _unsupported(instruction)
    if mnemonic in _SIMPLE:
        return _SIMPLE[mnemonic](instruction)
    if mnemonic in LOADS:
        return _load(instruction, *LOADS[mnemonic], size)
    if mnemonic in STORES:
        return _store(instruction, *STORES[mnemonic], size)
    if mnemonic in ARITHMETIC:
        return _arithmetic(instruction, ARITHMETIC[mnemonic])
    match = RMW.match(mnemonic)
    if match:
        if size[0] is not None:
            raise UnsupportedInstructionError(
                f"'{instruction.mnemonic}': byte and halfword atomics are not supported",
                instruction.span,
            )
        return _rmw(instruction, match)
    raise _unsupported(instruction)
