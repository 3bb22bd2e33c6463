"""herd's X86 litmus format -> IR: file shape, instruction mapping, errors, herd's catalogue."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ringlitmus import ir
from ringlitmus.errors import (
    LitmusError,
    LitmusSyntaxError,
    UnknownNameError,
    UnknownRegisterError,
    UnsupportedInstructionError,
)
from ringlitmus.frontends.x86 import parse_x86

R, C, A = ir.Reg, ir.Const, ir.Address
ADD, XOR = ir.ArithOp.ADD, ir.ArithOp.XOR
FLAGS_EQ = ir.Compare(ir.CmpOp.EQ, R("EFLAGS"), C(0))


def one_thread(*rows: str, init: str = "", final: str = "exists (0:EAX=1)") -> str:
    """A one-thread test around `rows` (one cell each)."""
    body = "\n".join(f" {row} ;" for row in rows)
    return f"X86 T\n{{ {init} }}\n P0 ;\n{body}\n{final}\n"


def instructions(text: str) -> tuple[ir.Instruction, ...]:
    """The code of thread P0."""
    return parse_x86(text, "t.litmus").variants[0].program.threads[0].instructions


# --------------------------------------------------------------------------- file shape

SB = """X86 SB
"PodWR Fre PodWR Fre"
Expected=Allowed
{ x=0; y=0; }
 P0          | P1          ;
 MOV [x],$1  | MOV [y],$1  ;
 MOV EAX,[y] | MOV EAX,[x] ;
exists (0:EAX=0 /\\ 1:EAX=0)
"""


def test_file_shape() -> None:
    test = parse_x86(SB, "sb.litmus")
    assert (test.name, test.format, test.doc) == ("SB", ir.Format.X86, "PodWR Fre PodWR Fre")
    (variant,) = test.variants
    p0, p1 = variant.program.threads
    assert p0.instructions == (ir.Store(A("x"), C(1)), ir.Load("EAX", A("y")))
    assert p1.instructions == (ir.Store(A("y"), C(1)), ir.Load("EAX", A("x")))
    assert [location.name for location in variant.program.locations] == ["x", "y"]
    (outcome,) = test.outcomes
    assert outcome.kind is ir.OutcomeKind.ALLOWED
    assert test.label(ir.FinalRegister("P1", "EAX")) == "1:EAX"
    (expectation,) = test.expectations
    assert expectation.status is ir.Reachability.REACHABLE


def test_registers_start_with_addresses_and_values() -> None:
    test = parse_x86(one_thread("MOV EAX,[EBX]", init="0:EBX=x; 0:ECX=3; x=7;"), "t.litmus")
    (thread,) = test.variants[0].program.threads
    assert thread.registers == (("EBX", A("x")), ("ECX", C(3)))
    assert thread.instructions == (ir.Load("EAX", R("EBX")),)
    assert test.variants[0].program.locations[0].initial == (C(7),)


# --------------------------------------------------------------------------- instruction mapping

MAPPING = {
    "MOV [x],$1": (ir.Store(A("x"), C(1)),),
    "mov [x],$-1": (ir.Store(A("x"), C(-1)),),
    "MOV [x],2": (ir.Store(A("x"), C(2)),),
    "MOVL [x],EBX": (ir.Store(A("x"), R("EBX")),),
    "MOV EAX,[x]": (ir.Load("EAX", A("x")),),
    "MOV EAX,[EBX]": (ir.Load("EAX", R("EBX")),),
    "MOV EAX,EBX": (ir.Assign("EAX", R("EBX")),),
    "MOV eax,$3": (ir.Assign("EAX", C(3)),),
    "ADD EAX,$1": (ir.Assign("EAX", ir.BinOp(ADD, R("EAX"), C(1))),),
    "XOR EAX,EAX": (ir.Assign("EAX", ir.BinOp(XOR, R("EAX"), R("EAX"))),),
    "INC EAX": (ir.Assign("EAX", ir.BinOp(ADD, R("EAX"), C(1))),),
    "DEC EAX": (ir.Assign("EAX", ir.BinOp(ADD, R("EAX"), C(-1))),),
    "MFENCE": (ir.Fence(ir.FenceKind.MFENCE),),
    "LFENCE": (),
    "SFENCE": (),
    "XCHG [x],EAX": (ir.Rmw(ir.RmwOp.SWP, "EAX", A("x"), R("EAX")),),
    "XCHG EAX,[x]": (ir.Rmw(ir.RmwOp.SWP, "EAX", A("x"), R("EAX")),),
    "LOCK XCHG [x],EAX": (ir.Rmw(ir.RmwOp.SWP, "EAX", A("x"), R("EAX")),),
    "LOCK ADD [x],$2": (ir.Rmw(ir.RmwOp.ADD, None, A("x"), C(2)),),
    "lock xor [x],EBX": (ir.Rmw(ir.RmwOp.EOR, None, A("x"), R("EBX")),),
    "LOCK OR [x],$4": (ir.Rmw(ir.RmwOp.SET, None, A("x"), C(4)),),
    "LOCK INC [x]": (ir.Rmw(ir.RmwOp.ADD, None, A("x"), C(1)),),
    "LOCK DEC [x]": (ir.Rmw(ir.RmwOp.ADD, None, A("x"), C(-1)),),
}


@pytest.mark.parametrize(("written", "expected"), MAPPING.items(), ids=MAPPING.keys())
def test_instruction_mapping(written: str, expected: tuple[ir.Instruction, ...]) -> None:
    assert instructions(one_thread(written)) == expected


def test_forward_jumps_on_the_flags_of_cmp() -> None:
    code = instructions(one_thread("CMP EAX,$1", "JE L0", "MOV EBX,$1", "L0:", "JMP L1", "L1:"))
    assert code == (
        ir.Assign("EFLAGS", ir.BinOp(ir.ArithOp.SUB, R("EAX"), C(1))),
        ir.Branch(FLAGS_EQ, "L0"),
        ir.Assign("EBX", C(1)),
        ir.Label("L0"),
        ir.Branch(None, "L1"),
        ir.Label("L1"),
    )


# --------------------------------------------------------------------------- bad input

BAD = {
    "unsupported mnemonic": (
        one_thread("MFENCE", "CMOVC EAX,[x]"),
        UnsupportedInstructionError,
        5,
        2,
    ),
    "cmpxchg": (one_thread("LOCK CMPXCHG [x],EBX"), UnsupportedInstructionError, 4, 2),
    "lock on a load": (one_thread("LOCK MOV EAX,[x]"), UnsupportedInstructionError, 4, 2),
    "unlocked memory update": (one_thread("INC [x]"), UnsupportedInstructionError, 4, 2),
    "memory to memory": (one_thread("MOV [x],[y]"), UnsupportedInstructionError, 4, 2),
    "register exchange": (one_thread("XCHG EAX,EBX"), UnsupportedInstructionError, 4, 2),
    "flag register": (one_thread("MOV EAX,ZF"), UnsupportedInstructionError, 4, 10),
    "numeric address": (one_thread("MOV EAX,[100]"), UnsupportedInstructionError, 4, 10),
    "unknown register": (one_thread("MOV EAX,EXX"), UnknownRegisterError, 4, 10),
    "store to an immediate": (one_thread("MOV $1,EAX"), LitmusSyntaxError, 4, 2),
    "missing operand": (one_thread("MOV EAX"), LitmusSyntaxError, 4, 2),
    "lock on a register": (one_thread("LOCK INC EAX"), LitmusSyntaxError, 4, 2),
    "unknown label": (one_thread("JMP nowhere"), UnknownNameError, 4, 2),
    "condition on a bad register": (
        one_thread("MFENCE", final="exists (0:X0=1)"),
        UnknownRegisterError,
        5,
        9,
    ),
    # `exists` reads as MFENCE's operand: the error is at the `(` after it.
    "missing semicolon": (one_thread("MFENCE").replace("E ;", "E"), LitmusSyntaxError, 5, 8),
    "wrong header": ("AArch64 T\n{}", LitmusSyntaxError, 1, 1),
}


@pytest.mark.parametrize(("text", "error", "line", "column"), BAD.values(), ids=BAD.keys())
def test_bad_input(text: str, error: type[LitmusError], line: int, column: int) -> None:
    with pytest.raises(error) as caught:
        parse_x86(text, "bad.litmus")
    span = caught.value.span
    assert span is not None and (span.file, span.line, span.column) == ("bad.litmus", line, column)
    assert caught.value.source_line == text.splitlines()[line - 1]


def test_unsupported_instruction_is_named() -> None:
    with pytest.raises(UnsupportedInstructionError) as caught:
        parse_x86(one_thread("LOCK CMPXCHG [x],EBX"), "bad.litmus")
    assert caught.value.message.startswith("unsupported instruction 'LOCK CMPXCHG'")


def test_syntax_error_lists_readable_expectations() -> None:
    with pytest.raises(LitmusSyntaxError) as caught:
        parse_x86(one_thread("MOV EAX [x]"), "bad.litmus")
    assert set(caught.value.expected) == {"','", "';'", "'|'"}


# --------------------------------------------------------------------------- herd's catalogue

CATALOGUE = os.environ.get("RINGLITMUS_HERD_CATALOGUE")


@pytest.mark.skipif(CATALOGUE is None, reason="set RINGLITMUS_HERD_CATALOGUE to parse it")
def test_every_catalogue_test_parses() -> None:
    paths = sorted((Path(str(CATALOGUE)) / "x86" / "tests").glob("*.litmus"))
    assert len(paths) == 23
    for path in paths:
        test = parse_x86(path.read_text(), str(path))
        assert test.name == path.stem
