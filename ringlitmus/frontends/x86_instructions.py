"""Translate one written X86 instruction (LOCK prefix, mnemonic, operands) into IR instructions.

herd's X86 is 32-bit protected mode with Intel operand order (destination first). Values are
unbounded integers, as in the AArch64 front end, so the size suffixes of MOVB/MOVW/MOVL/MOVQ
change nothing a litmus test observes and they are read as MOV. A memory operand is `[x]`
(location x) or `[EBX]` (the address EBX holds).

Locked instructions are the atomic read-modify-writes: XCHG with a memory operand (locked even
without the prefix, as on the hardware) and LOCK ADD/XOR/OR/INC/DEC/XCHG on memory. Each is one
ir.Rmw, so its read and write are related by `rmw`, which is how the TSO model recognises
herd's locked events.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from ringlitmus import ir
from ringlitmus.errors import (
    LitmusSyntaxError,
    Span,
    UnknownRegisterError,
    UnsupportedInstructionError,
)
from ringlitmus.frozen import frozen

# --------------------------------------------------------------------------- written operands


@frozen
class WordOperand:
    """A bare name: a register (`EAX`), or a jump's label."""

    word: str
    span: Span | None = None


@frozen
class ImmediateOperand:
    """`$1`, or herd's bare `1`."""

    value: int
    span: Span | None = None


@frozen
class MemoryOperand:
    """`[x]` or `[EBX]`: the address of a location, or the one a register holds."""

    address: ir.Expr
    span: Span | None = None


Operand = WordOperand | ImmediateOperand | MemoryOperand


@frozen
class WrittenInstruction:
    """One instruction cell as written: LOCK prefix, mnemonic, operands, where it is."""

    mnemonic: str
    operands: tuple[Operand, ...]
    locked: bool = False
    span: Span | None = None

    @property
    def text(self) -> str:
        """The mnemonic with its prefix, as error messages name it."""
        return f"LOCK {self.mnemonic}" if self.locked else self.mnemonic


Translation = tuple[ir.Instruction, ...]

# herd's X86 registers (herdtools7 lib/X86Base.ml) that hold values; EIP and the flags ZF, SF,
# CF are not supported.
REGISTERS = ("EAX", "EBX", "ECX", "EDX", "ESI", "EDI", "EBP", "ESP")
_UNSUPPORTED_REGISTERS = ("EIP", "ZF", "SF", "CF")

# The flags of the last CMP, as their difference: like the AArch64 front end's NZCV. The name
# is not a register a test can write, so no final condition can read it.
FLAGS = "EFLAGS"

_MOVES = ("MOV", "MOVB", "MOVW", "MOVL", "MOVQ")
_ARITHMETIC = {"ADD": ir.ArithOp.ADD, "XOR": ir.ArithOp.XOR, "OR": ir.ArithOp.OR}
_LOCKED_OPS = {"ADD": ir.RmwOp.ADD, "XOR": ir.RmwOp.EOR, "OR": ir.RmwOp.SET}
_STEPS = {"INC": 1, "DEC": -1}
_JUMPS = {"JE": ir.CmpOp.EQ, "JNE": ir.CmpOp.NE}
# LFENCE and SFENCE order nothing among the plain accesses litmus tests make: herd's
# x86tso.cat defines lfence and sfence but no axiom uses them.
_NO_EFFECT = ("LFENCE", "SFENCE")

# --------------------------------------------------------------------------- helpers


def register_name(text: str, span: Span | None) -> str:
    """`EAX` (or `eax`) -> `EAX`; an error for anything that is not a value register."""
    name = text.upper()
    if name in REGISTERS:
        return name
    if name in _UNSUPPORTED_REGISTERS:
        raise UnsupportedInstructionError(f"register '{text}' is not supported", span)
    raise UnknownRegisterError(
        f"unknown register '{text}' (registers are {', '.join(REGISTERS)})", span
    )


def _operand_error(instruction: WrittenInstruction, usage: str) -> LitmusSyntaxError:
    return LitmusSyntaxError(
        f"{instruction.text} takes {usage}", instruction.span, expected=(usage,)
    )


def _unsupported(instruction: WrittenInstruction, why: str = "") -> UnsupportedInstructionError:
    """The error for an instruction we do not model (`why`, if given, says what is missing)."""
    reason = f": {why}" if why else ""
    return UnsupportedInstructionError(
        f"unsupported instruction '{instruction.text}'{reason}", instruction.span
    )


def _register(operand: WordOperand) -> str:
    return register_name(operand.word, operand.span)


def _value(operand: WordOperand | ImmediateOperand) -> ir.Expr:
    if isinstance(operand, ImmediateOperand):
        return ir.Const(operand.value)
    return ir.Reg(_register(operand))


def _two(instruction: WrittenInstruction, usage: str) -> tuple[Operand, Operand]:
    if len(instruction.operands) != 2:
        raise _operand_error(instruction, usage)
    first, second = instruction.operands
    return first, second


def _one(instruction: WrittenInstruction, usage: str) -> Operand:
    if len(instruction.operands) != 1:
        raise _operand_error(instruction, usage)
    return instruction.operands[0]


# --------------------------------------------------------------------------- instruction kinds


def _move(instruction: WrittenInstruction) -> Translation:
    """MOV reg,reg|$n  MOV reg,[m] (a load)  MOV [m],reg|$n (a store)."""
    usage = "a register or [address], then a register, $n or [address]"
    target, source = _two(instruction, usage)
    span = instruction.span
    if isinstance(target, ImmediateOperand):
        raise _operand_error(instruction, usage)
    if isinstance(target, MemoryOperand):
        if isinstance(source, MemoryOperand):
            raise _unsupported(instruction, "x86 has no memory-to-memory MOV")
        return (ir.Store(target.address, _value(source), span=span),)
    if isinstance(source, MemoryOperand):
        return (ir.Load(_register(target), source.address, span=span),)
    return (ir.Assign(_register(target), _value(source), span),)


def _exchange(instruction: WrittenInstruction) -> Translation:
    """XCHG [m],reg or XCHG reg,[m]: an atomic swap, locked with or without the prefix."""
    first, second = _two(instruction, "a register and an [address]")
    memory, register = (first, second) if isinstance(first, MemoryOperand) else (second, first)
    if not isinstance(memory, MemoryOperand) or not isinstance(register, WordOperand):
        if isinstance(first, WordOperand) and isinstance(second, WordOperand):
            raise _unsupported(instruction, "XCHG between two registers")
        raise _operand_error(instruction, "a register and an [address]")
    name = _register(register)
    swap = ir.Rmw(ir.RmwOp.SWP, name, memory.address, ir.Reg(name), span=instruction.span)
    return (swap,)


def _arithmetic(instruction: WrittenInstruction, mnemonic: str) -> Translation:
    """ADD/XOR/OR reg,reg|$n, and LOCK ADD/XOR/OR [m],reg|$n (an atomic RMW, old value unused)."""
    target, source = _two(instruction, "a register or [address], then a register or $n")
    if isinstance(source, MemoryOperand) or isinstance(target, ImmediateOperand):
        raise _unsupported(instruction, "arithmetic reading memory is supported only as LOCK ...")
    if isinstance(target, MemoryOperand):
        return _locked_update(instruction, target, _LOCKED_OPS[mnemonic], _value(source))
    if instruction.locked:
        raise _operand_error(instruction, "an [address] to update, after LOCK")
    name = _register(target)
    operation = ir.BinOp(_ARITHMETIC[mnemonic], ir.Reg(name), _value(source))
    return (ir.Assign(name, operation, instruction.span),)


def _step(instruction: WrittenInstruction, amount: int) -> Translation:
    """INC/DEC reg, and LOCK INC/DEC [m]."""
    target = _one(instruction, "a register or [address]")
    if isinstance(target, ImmediateOperand):
        raise _operand_error(instruction, "a register or [address]")
    if isinstance(target, MemoryOperand):
        return _locked_update(instruction, target, ir.RmwOp.ADD, ir.Const(amount))
    if instruction.locked:
        raise _operand_error(instruction, "an [address] to update, after LOCK")
    name = _register(target)
    operation = ir.BinOp(ir.ArithOp.ADD, ir.Reg(name), ir.Const(amount))
    return (ir.Assign(name, operation, instruction.span),)


def _locked_update(
    instruction: WrittenInstruction, memory: MemoryOperand, op: ir.RmwOp, operand: ir.Expr
) -> Translation:
    # Without LOCK the read and the write are two accesses another thread may come between.
    if not instruction.locked:
        raise _unsupported(instruction, "a read-modify-write of memory without LOCK")
    return (ir.Rmw(op, None, memory.address, operand, span=instruction.span),)


def _compare(instruction: WrittenInstruction) -> Translation:
    """CMP reg,reg|$n: the flags hold the difference."""
    left, right = _two(instruction, "a register, then a register or $n")
    if isinstance(left, MemoryOperand) or isinstance(right, MemoryOperand):
        raise _unsupported(instruction, "CMP with a memory operand")
    if isinstance(left, ImmediateOperand):
        raise _operand_error(instruction, "a register, then a register or $n")
    difference = ir.BinOp(ir.ArithOp.SUB, ir.Reg(_register(left)), _value(right))
    return (ir.Assign(FLAGS, difference, instruction.span),)


def _fence(instruction: WrittenInstruction) -> Translation:
    """MFENCE."""
    if instruction.operands:
        raise _operand_error(instruction, "no operands")
    return (ir.Fence(ir.FenceKind.MFENCE, instruction.span),)


def _no_effect(instruction: WrittenInstruction) -> Translation:
    """LFENCE, SFENCE."""
    if instruction.operands:
        raise _operand_error(instruction, "no operands")
    return ()


def _jump(instruction: WrittenInstruction) -> Translation:
    """JMP label, JE label, JNE label: forward branches, JE/JNE on the flags of the last CMP."""
    label = _one(instruction, "a label")
    if not isinstance(label, WordOperand):
        raise _operand_error(instruction, "a label")
    condition = None
    if instruction.mnemonic in _JUMPS:
        condition = ir.Compare(_JUMPS[instruction.mnemonic], ir.Reg(FLAGS), ir.Const(0))
    return (ir.Branch(condition, label.word, instruction.span),)


_SIMPLE: dict[str, Callable[[WrittenInstruction], Translation]] = {
    **dict.fromkeys(_MOVES, _move),
    "XCHG": _exchange,
    "CMP": _compare,
    "MFENCE": _fence,
    "JMP": _jump,
    **dict.fromkeys(_JUMPS, _jump),
    **dict.fromkeys(_NO_EFFECT, _no_effect),
    **{mnemonic: functools.partial(_arithmetic, mnemonic=mnemonic) for mnemonic in _ARITHMETIC},
    **{mnemonic: functools.partial(_step, amount=amount) for mnemonic, amount in _STEPS.items()},
}
# The instructions LOCK may prefix (as on the hardware: a memory destination is required).
_LOCKABLE = ("XCHG", *_ARITHMETIC, *_STEPS)


def translate_instruction(instruction: WrittenInstruction) -> Translation:
    """The IR instructions for one X86 instruction."""
    mnemonic = instruction.mnemonic
    if mnemonic == "CMPXCHG":
        # TODO(issue 10): a failing CMPXCHG still makes a locked read, which `rmw` misses;
        # it needs the event structure to tag the events of every RMW as atomic.
        raise _unsupported(instruction, "the read of a failing CMPXCHG is not modelled")
    if instruction.locked and mnemonic not in _LOCKABLE:
        raise _unsupported(instruction)
    if mnemonic in _SIMPLE:
        return _SIMPLE[mnemonic](instruction)
    raise _unsupported(instruction)
