"""herd's AArch64 litmus format -> IR: file shape, instruction mapping, errors, herd's catalogue."""

from __future__ import annotations

import contextlib
import os
import random
from pathlib import Path

import pytest

from ringlitmus import ir
from ringlitmus.errors import (
    BadExpectationError,
    DuplicateNameError,
    DuplicateThreadError,
    LitmusError,
    LitmusSyntaxError,
    Span,
    UnknownNameError,
    UnknownRegisterError,
    UnsupportedInstructionError,
)
from ringlitmus.frontends.aarch64 import looks_like_aarch64, parse_aarch64

R, C = ir.Reg, ir.Const
ADD, MUL = ir.ArithOp.ADD, ir.ArithOp.MUL
ACQUIRE, RELEASE = ir.Ordering.ACQUIRE, ir.Ordering.RELEASE


def one_thread(*rows: str, init: str = "0:X1=x; 0:X3=y;", final: str = "exists (0:X0=1)") -> str:
    """A one-thread test around `rows` (one cell each)."""
    body = "\n".join(f" {row} ;" for row in rows)
    return f"AArch64 T\n{{ {init} }}\n P0 ;\n{body}\n{final}\n"


def instructions(text: str) -> tuple[ir.Instruction, ...]:
    """The code of thread P0."""
    return parse_aarch64(text, "t.litmus").variants[0].program.threads[0].instructions


# --------------------------------------------------------------------------- instruction mapping


def rmw(op: ir.RmwOp, dest: str | None, operand: ir.Expr, **flags: object) -> ir.Rmw:
    return ir.Rmw(op, dest, R("X3"), operand, **flags)  # type: ignore[arg-type]


NZCV_EQ = ir.Compare(ir.CmpOp.EQ, R("NZCV"), C(0))
MAPPING = {
    "LDR W0,[X1]": (ir.Load("X0", R("X1"), width=32),),
    "ldr w0, [x1]": (ir.Load("X0", R("X1"), width=32),),
    "LDR X0,[X1]": (ir.Load("X0", R("X1"), width=64),),
    "LDRB W0,[X1]": (ir.Load("X0", R("X1"), width=8),),
    "LDR WZR,[X1]": (ir.Load(None, R("X1"), width=32),),
    "LDAR W0,[X1]": (ir.Load("X0", R("X1"), ACQUIRE, width=32),),
    "LDAPR W0,[X1]": (ir.Load("X0", R("X1"), ir.Ordering.ACQUIRE_PC, width=32),),
    "LDXR W0,[X1]": (ir.Load("X0", R("X1"), exclusive=True, width=32),),
    "LDAXR W0,[X1]": (ir.Load("X0", R("X1"), ACQUIRE, exclusive=True, width=32),),
    "STR W0,[X1]": (ir.Store(R("X1"), R("X0"), width=32),),
    "STRH W0,[X1]": (ir.Store(R("X1"), R("X0"), width=16),),
    "STR WZR,[X1]": (ir.Store(R("X1"), C(0), width=32),),
    "STLR W0,[X1]": (ir.Store(R("X1"), R("X0"), RELEASE, width=32),),
    "STXR W2,W0,[X1]": (ir.Store(R("X1"), R("X0"), exclusive=True, status="X2", width=32),),
    "STLXR W2,W0,[X1]": (
        ir.Store(R("X1"), R("X0"), RELEASE, exclusive=True, status="X2", width=32),
    ),
    "LDR W0,[X1,X2]": (ir.Load("X0", ir.BinOp(ADD, R("X1"), R("X2")), width=32),),
    "LDR W0,[X1, W2, SXTW]": (ir.Load("X0", ir.BinOp(ADD, R("X1"), R("X2")), width=32),),
    "LDR W0,[X1,X2,LSL #0]": (ir.Load("X0", ir.BinOp(ADD, R("X1"), R("X2")), width=32),),
    "LDR W0,[X1,X2,LSL #3]": (
        ir.Load("X0", ir.BinOp(ADD, R("X1"), ir.BinOp(MUL, R("X2"), C(8))), width=32),
    ),
    "LDR W0,[X1,#8]": (ir.Load("X0", ir.BinOp(ADD, R("X1"), C(8)), width=32),),
    "LDR W0,[X1,#-8]": (ir.Load("X0", ir.BinOp(ADD, R("X1"), C(-8)), width=32),),
    "LDR W0,[X1,#0x10]": (ir.Load("X0", ir.BinOp(ADD, R("X1"), C(16)), width=32),),
    "STR W2,[X3],#4": (
        ir.Store(R("X3"), R("X2"), width=32),
        ir.Assign("X3", ir.BinOp(ADD, R("X3"), C(4))),
    ),
    "LDR W0,[X1,#8]!": (
        ir.Assign("X1", ir.BinOp(ADD, R("X1"), C(8))),
        ir.Load("X0", R("X1"), width=32),
    ),
    "LDP X0,X2,[X1]": (
        ir.Load("X0", R("X1"), width=64),
        ir.Load("X2", ir.BinOp(ADD, R("X1"), C(ir.CELL_SIZE)), width=64),
    ),
    "STP X0,X2,[X1,#8]": (
        ir.Store(ir.BinOp(ADD, R("X1"), C(8)), R("X0"), width=64),
        ir.Store(ir.BinOp(ADD, R("X1"), C(16)), R("X2"), width=64),
    ),
    "LDRSB X0,[X1]": (ir.Load("X0", R("X1"), width=8, sign_extend=True),),
    "LDRSH X0,[X1]": (ir.Load("X0", R("X1"), width=16, sign_extend=True),),
    "LDRSW X0,[X1]": (ir.Load("X0", R("X1"), width=32, sign_extend=True),),
    "LDARH W0,[X1]": (ir.Load("X0", R("X1"), ACQUIRE, width=16),),
    "STLRB W0,[X1]": (ir.Store(R("X1"), R("X0"), RELEASE, width=8),),
    "CAS W0,W6,[X3]": (rmw(ir.RmwOp.CAS, "X0", R("X6"), expected=R("X0"), width=32),),
    "CAS W0,WZR,[X3]": (rmw(ir.RmwOp.CAS, "X0", C(0), expected=R("X0"), width=32),),
    "CASA W0,W6,[X3]": (
        rmw(ir.RmwOp.CAS, "X0", R("X6"), expected=R("X0"), acquire=True, width=32),
    ),
    "CASL W0,W6,[X3]": (
        rmw(ir.RmwOp.CAS, "X0", R("X6"), expected=R("X0"), release=True, width=32),
    ),
    "CASAL W0,W6,[X3]": (
        rmw(ir.RmwOp.CAS, "X0", R("X6"), expected=R("X0"), acquire=True, release=True, width=32),
    ),
    "CASA WZR,W4,[X3]": (rmw(ir.RmwOp.CAS, None, R("X4"), expected=C(0), width=32),),
    "SWP W4,W2,[X3]": (rmw(ir.RmwOp.SWP, "X2", R("X4"), width=32),),
    "SWPA W4,WZR,[X3]": (rmw(ir.RmwOp.SWP, None, R("X4"), width=32),),
    "SWPAL W4,W2,[X3]": (rmw(ir.RmwOp.SWP, "X2", R("X4"), acquire=True, release=True, width=32),),
    "LDADD W4,W2,[X3]": (rmw(ir.RmwOp.ADD, "X2", R("X4"), width=32),),
    "LDADD W4,WZR,[X3]": (rmw(ir.RmwOp.ADD, None, R("X4"), width=32),),
    "LDCLRA W4,W2,[X3]": (rmw(ir.RmwOp.CLR, "X2", R("X4"), acquire=True, width=32),),
    "LDEORL W4,W2,[X3]": (rmw(ir.RmwOp.EOR, "X2", R("X4"), release=True, width=32),),
    "LDSETAL W4,W2,[X3]": (rmw(ir.RmwOp.SET, "X2", R("X4"), acquire=True, release=True, width=32),),
    "STADD W4,[X3]": (rmw(ir.RmwOp.ADD, None, R("X4"), width=32),),
    "STSETL W4,[X3]": (rmw(ir.RmwOp.SET, None, R("X4"), release=True, width=32),),
    "MOV W0,#1": (ir.Assign("X0", C(1)),),
    "MOV W0, W1": (ir.Assign("X0", R("X1")),),
    "MOV W0,WZR": (ir.Assign("X0", C(0)),),
    "MOV WZR,#1": (),
    "ADD W0,W1,#1": (ir.Assign("X0", ir.BinOp(ADD, R("X1"), C(1))),),
    "SUB X0,X1,X2": (ir.Assign("X0", ir.BinOp(ir.ArithOp.SUB, R("X1"), R("X2"))),),
    "AND W0,W1,#3": (ir.Assign("X0", ir.BinOp(ir.ArithOp.AND, R("X1"), C(3))),),
    "ORR W0,W1,#1": (ir.Assign("X0", ir.BinOp(ir.ArithOp.OR, R("X1"), C(1))),),
    "EOR W4,W2,W2": (ir.Assign("X4", ir.BinOp(ir.ArithOp.XOR, R("X2"), R("X2"))),),
    "ADD X20, X2, W4, SXTW": (ir.Assign("X20", ir.BinOp(ADD, R("X2"), R("X4"))),),
    "LDR W0,[X1, W2, UXTW]": (
        ir.Load(
            "X0", ir.BinOp(ADD, R("X1"), ir.BinOp(ir.ArithOp.MOD, R("X2"), C(1 << 32))), width=32
        ),
    ),
    "CMP W0,#1": (ir.Assign("NZCV", ir.BinOp(ir.ArithOp.SUB, R("X0"), C(1))),),
    "CSEL W2,W3,W4,EQ": (ir.Select("X2", NZCV_EQ, R("X3"), R("X4")),),
    "CSEL W2,WZR,W4,NE": (
        ir.Select("X2", ir.Compare(ir.CmpOp.NE, R("NZCV"), C(0)), C(0), R("X4")),
    ),
    "CSEL W2,W3,W4,GE": (
        ir.Select("X2", ir.Compare(ir.CmpOp.GE, R("NZCV"), C(0)), R("X3"), R("X4")),
    ),
    "CSEL W2,W3,W4,lt": (
        ir.Select("X2", ir.Compare(ir.CmpOp.LT, R("NZCV"), C(0)), R("X3"), R("X4")),
    ),
    "CSEL W2,W3,W4,MI": (
        ir.Select("X2", ir.Compare(ir.CmpOp.LT, R("NZCV"), C(0)), R("X3"), R("X4")),
    ),
    "CSEL W2,W3,W4,HI": (
        ir.Select("X2", ir.Compare(ir.CmpOp.GT, R("NZCV"), C(0)), R("X3"), R("X4")),
    ),
    "CSEL W2,W3,W4,CC": (
        ir.Select("X2", ir.Compare(ir.CmpOp.LT, R("NZCV"), C(0)), R("X3"), R("X4")),
    ),
    "CSEL W2,W3,W4,VS": (ir.Select("X2", ir.Truth(False), R("X3"), R("X4")),),
    "CSINC W2,W3,W4,EQ": (ir.Select("X2", NZCV_EQ, R("X3"), ir.BinOp(ADD, R("X4"), C(1))),),
    "NOP": (),
    "ISB": (ir.Fence(ir.FenceKind.ISB),),
    "DMB SY": (ir.Fence(ir.FenceKind.DMB_FULL),),
    "DMB ISH": (ir.Fence(ir.FenceKind.DMB_FULL),),
    "DMB.SY": (ir.Fence(ir.FenceKind.DMB_FULL),),
    "DSB OSH": (ir.Fence(ir.FenceKind.DMB_FULL),),
    "DMB LD": (ir.Fence(ir.FenceKind.DMB_LD),),
    "DMB.ISHLD": (ir.Fence(ir.FenceKind.DMB_LD),),
    "DMB ST": (ir.Fence(ir.FenceKind.DMB_ST),),
    "dmb oshst": (ir.Fence(ir.FenceKind.DMB_ST),),
}


@pytest.mark.parametrize(("written", "expected"), MAPPING.items(), ids=MAPPING.keys())
def test_instruction_mapping(written: str, expected: tuple[ir.Instruction, ...]) -> None:
    assert instructions(one_thread(written)) == expected


BRANCHES = {
    "B L0": ir.Branch(None, "L0"),
    "B.EQ L0": ir.Branch(NZCV_EQ, "L0"),
    "B.NE L0": ir.Branch(ir.Compare(ir.CmpOp.NE, R("NZCV"), C(0)), "L0"),
    "CBZ W0,L0": ir.Branch(ir.Compare(ir.CmpOp.EQ, R("X0"), C(0)), "L0"),
    "CBNZ W0, L0": ir.Branch(ir.Compare(ir.CmpOp.NE, R("X0"), C(0)), "L0"),
    "TBZ X0,#3,L0": ir.Branch(
        ir.Compare(ir.CmpOp.EQ, ir.BinOp(ir.ArithOp.AND, R("X0"), C(8)), C(0)), "L0"
    ),
    "TBNZ W0,#0,L0": ir.Branch(
        ir.Compare(ir.CmpOp.NE, ir.BinOp(ir.ArithOp.AND, R("X0"), C(1)), C(0)), "L0"
    ),
}


@pytest.mark.parametrize(("written", "expected"), BRANCHES.items(), ids=BRANCHES.keys())
def test_forward_branches(written: str, expected: ir.Branch) -> None:
    code = instructions(one_thread(written, "MOV W1,#1", "L0:", "MOV W2,#2"))
    assert code == (expected, ir.Assign("X1", C(1)), ir.Label("L0"), ir.Assign("X2", C(2)))


def test_label_and_instruction_in_one_cell() -> None:
    code = instructions(one_thread("B.EQ out", "out: MOV W0,#1"))
    assert code == (ir.Branch(NZCV_EQ, "out"), ir.Label("out"), ir.Assign("X0", C(1)))


def test_instruction_spans_are_cells() -> None:
    text = (
        "AArch64 T\n{ 0:X1=x; }\n P0          | P1 ;\n MOV W0,#1   | LDR W0, [X1] ;\n"
        "exists (1:X0=1)"
    )
    program = parse_aarch64(text, "t.litmus").variants[0].program
    assert program.threads[0].instructions[0].span == Span("t.litmus", 4, 2, 4, 11)
    assert program.threads[1].instructions[0].span == Span("t.litmus", 4, 16, 4, 28)


# --------------------------------------------------------------------------- whole files

FULL = r"""AArch64 MP+dmb.sy+addr=x-2.0
"A doc line"
Cycle=Rfe DMB.SYdWW Fre
Expected=Forbidden
(* a herd comment
   over two lines *)
{
uint64_t y=2; int z=1; 0:X0=-1;
x = 0;
0: X1 = x; 0:X2=y;
1:X1=x; 1:X3=w; v=y;
}
 P0            | P1              | P2   ;
 MOV X5,#1     | LDR X0,[X1]     |      ;
 STR X5,[X1]   | CBNZ X0,L0      | NOP  ;
 DMB.SY        |                 |      ;
 STR X5,[X2]   | L0:             |      ;
               | LDR X4, [X3]    |      ; (* trailing *)
locations [0:X6; x;]
filter (1:X0=1)
~exists
(1:X0=1 /\ (1:X4=0 \/ [y]=2)
   /\ 0:X0=-1 /\ z=1)
"""


def test_whole_file_shape() -> None:
    test = parse_aarch64(FULL, "full.litmus")
    assert (test.name, test.format, test.doc) == (
        "MP+dmb.sy+addr=x-2.0",
        ir.Format.AARCH64,
        "A doc line",
    )
    assert test.metadata == (("Cycle", "Rfe DMB.SYdWW Fre"), ("Expected", "Forbidden"))
    (variant,) = test.variants
    assert variant.name == "default"
    program = variant.program
    assert [thread.name for thread in program.threads] == ["P0", "P1", "P2"]
    p0, p1, p2 = program.threads
    assert p0.registers == (("X0", C(-1)), ("X1", ir.Address("x")), ("X2", ir.Address("y")))
    assert p1.registers == (("X1", ir.Address("x")), ("X3", ir.Address("w")))
    assert p2.instructions == () and p2.registers == ()
    assert len(p0.instructions) == 4 and p0.instructions[2] == ir.Fence(ir.FenceKind.DMB_FULL)
    assert [type(i).__name__ for i in p1.instructions] == ["Load", "Branch", "Label", "Load"]
    locations = {decl.name: decl.initial for decl in program.locations}
    assert locations == {
        "y": (C(2),),
        "z": (C(1),),
        "x": (C(0),),
        "w": (C(0),),
        "v": (ir.Address("y"),),
    }
    assert test.observed == (ir.FinalRegister("P0", "X6"), ir.FinalLocation("x"))
    assert test.filter == ir.Compare(ir.CmpOp.EQ, ir.FinalRegister("P1", "X0"), C(1))
    (outcome,) = test.outcomes
    assert (outcome.name, outcome.kind) == (test.name, ir.OutcomeKind.FORBIDDEN)
    assert isinstance(outcome.condition, ir.BoolOp)
    assert outcome.condition.op is ir.BoolOpKind.AND
    assert outcome.condition.operands[1] == ir.BoolOp(
        ir.BoolOpKind.OR,
        (
            ir.Compare(ir.CmpOp.EQ, ir.FinalRegister("P1", "X4"), C(0)),
            ir.Compare(ir.CmpOp.EQ, ir.FinalLocation("y"), C(2)),
        ),
    )
    assert test.expectations == (
        ir.Expectation("default", test.name, ir.Reachability.UNREACHABLE, model="armv8"),
    )
    assert outcome.span is not None and outcome.span.line == 21


def test_no_final_condition_is_forall_true() -> None:
    # herd7 reads it so: "Condition forall (true)", Required (catalogue L003, A182).
    (outcome,) = parse_aarch64("AArch64 T\n{}\n P0 ;\n NOP ;\n", "t.litmus").outcomes
    assert (outcome.kind, outcome.condition) == (ir.OutcomeKind.REQUIRED, ir.Truth())


def test_locations_only_in_the_condition_are_declared() -> None:
    test = parse_aarch64(one_thread("NOP", init="", final="exists (q=1 /\\ 0:X0=r)"), "t")
    program = test.variants[0].program
    assert [decl.name for decl in program.locations] == ["q", "r"]
    assert test.outcomes[0].condition == ir.BoolOp(
        ir.BoolOpKind.AND,
        (
            ir.Compare(ir.CmpOp.EQ, ir.FinalLocation("q"), C(1)),
            ir.Compare(ir.CmpOp.EQ, ir.FinalRegister("P0", "X0"), ir.Address("r")),
        ),
    )


@pytest.mark.parametrize(
    ("final", "kind"),
    [
        ("exists (0:X0=1)", ir.OutcomeKind.ALLOWED),
        ("~exists (0:X0=1)", ir.OutcomeKind.FORBIDDEN),
        ("~ exists 0:X0=1;", ir.OutcomeKind.FORBIDDEN),
        ("forall (0:X0=1)", ir.OutcomeKind.REQUIRED),
        ("exists ()", ir.OutcomeKind.ALLOWED),
    ],
)
def test_quantifiers(final: str, kind: ir.OutcomeKind) -> None:
    test = parse_aarch64(one_thread("NOP", final=final), "t")
    assert test.outcomes[0].kind is kind
    assert test.expectations == ()


REACHABLE, UNREACHABLE = ir.Reachability.REACHABLE, ir.Reachability.UNREACHABLE


@pytest.mark.parametrize(
    ("quantifier", "expected", "status"),
    [
        ("exists", "Allowed", REACHABLE),
        ("exists", "Forbidden", UNREACHABLE),
        ("~exists", "Allowed", REACHABLE),
        ("~exists", "forbid", UNREACHABLE),
        ("forall", "Allowed", REACHABLE),
        ("forall", "Required", UNREACHABLE),
    ],
)
def test_expectations(quantifier: str, expected: str, status: ir.Reachability) -> None:
    text = one_thread("NOP", final=f"{quantifier} (0:X0=1)").replace(
        "{", f"Expected={expected}\n{{", 1
    )
    (expectation,) = parse_aarch64(text, "t").expectations
    # herd7's verdict is its aarch64.cat's: the line claims armv8, not every model.
    assert expectation == ir.Expectation("default", "T", status, model="armv8")
    assert expectation.span == Span("t", 2, 1, 2, 10 + len(expected))


@pytest.mark.parametrize(
    ("quantifier", "expected"),
    [("exists", "Required"), ("forall", "Forbidden"), ("exists", "Maybe")],
)
def test_impossible_expectations(quantifier: str, expected: str) -> None:
    text = one_thread("NOP", final=f"{quantifier} (0:X0=1)").replace(
        "{", f"Expected={expected}\n{{", 1
    )
    with pytest.raises(BadExpectationError) as caught:
        parse_aarch64(text, "t")
    assert caught.value.span is not None and caught.value.span.line == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AArch64 MP\n{}", True),
        ("\n\n(* comment *)\naarch64 MP+x", True),
        ("X86 SB\n{}", False),
        ("C foo\n{}", False),
        ("AArch64\n", False),
        ("", False),
    ],
)
def test_looks_like_aarch64(text: str, expected: bool) -> None:
    assert looks_like_aarch64(text) is expected


# --------------------------------------------------------------------------- bad input

BAD = {
    "unsupported mnemonic": (
        one_thread("MOV W0,#1", "FOO W0,[X1]"),
        UnsupportedInstructionError,
        5,
        2,
    ),
    # The unsigned order is the signed one only on values that are never negative.
    "unsigned condition on a negative value": (
        one_thread("MOV X0,#-1", "CMP X0,#1", "B.HI L0", "L0:"),
        UnsupportedInstructionError,
        6,
        2,
    ),
    "backward branch": (one_thread("L0:", "B L0"), UnsupportedInstructionError, 5, 2),
    "unknown label": (one_thread("B nowhere"), UnknownNameError, 4, 2),
    "duplicate label": (one_thread("L0:", "L0:"), DuplicateNameError, 5, 2),
    "stack pointer": (one_thread("LDR W0,[SP]"), UnsupportedInstructionError, 4, 10),
    "bit past the register": (one_thread("TBZ W0,#32,L0", "L0:"), LitmusSyntaxError, 4, 2),
    # herd's DSB ST orders a store before later loads too: not a DMB ST (catalogue L041).
    "DSB ST": (one_thread("DSB ST"), UnsupportedInstructionError, 4, 2),
    # Sizes herd's mixed-size model would be needed for (issue #24).
    "W pair": (one_thread("LDP W0,W2,[X1]"), UnsupportedInstructionError, 4, 2),
    "byte atomic": (one_thread("SWPB W0,W2,[X1]"), UnsupportedInstructionError, 4, 2),
    # Cells are 8 bytes apart here: an array of 32-bit ints would put t[1] at t+8, not t+4.
    "int array": (one_thread("NOP", init="int t[2]={1,2};"), UnsupportedInstructionError, 2, 3),
    "array size": (one_thread("NOP", init="int64_t t[2]={1};"), UnsupportedInstructionError, 2, 3),
    "DSB.ISHST": (one_thread("DSB.ISHST"), UnsupportedInstructionError, 4, 2),
    "register out of range": (one_thread("LDR W0,[X31]"), UnknownRegisterError, 4, 10),
    "missing operand": (one_thread("LDR W0"), LitmusSyntaxError, 4, 2),
    "immediate address": (one_thread("LDR W0,#1"), LitmusSyntaxError, 4, 2),
    "bad barrier": (one_thread("DMB XX"), LitmusSyntaxError, 4, 2),
    "barrier without option": (one_thread("DMB"), LitmusSyntaxError, 4, 2),
    "duplicate thread": (
        "AArch64 T\n{}\n P0 | P0 ;\n NOP | NOP ;\nexists ()",
        DuplicateThreadError,
        3,
        7,
    ),
    "thread name": ("AArch64 T\n{}\n Q0 ;\n NOP ;\nexists ()", LitmusSyntaxError, 3, 2),
    "too many cells": ("AArch64 T\n{}\n P0 ;\n NOP | NOP ;\nexists ()", LitmusSyntaxError, 4, 2),
    "init of a missing thread": (one_thread("NOP", init="3:X0=1;"), UnknownNameError, 2, 3),
    "zero register init": (one_thread("NOP", init="0:XZR=1;"), UnknownRegisterError, 2, 3),
    "register set twice": (one_thread("NOP", init="0:X0=1; 0:W0=2;"), DuplicateNameError, 2, 11),
    "location set twice": (one_thread("NOP", init="x=1;\nint x=2;"), DuplicateNameError, 3, 1),
    "condition on a missing thread": (
        one_thread("NOP", final="exists (3:X0=1)"),
        UnknownNameError,
        5,
        9,
    ),
    "condition on a bad register": (
        one_thread("NOP", final="exists (0:Y0=1)"),
        UnknownRegisterError,
        5,
        9,
    ),
    "ring-DSL name in herd": (
        one_thread("NOP", final="exists (gfn2.flags=1)"),
        LitmusSyntaxError,
        5,
        9,
    ),
    "missing semicolon": (
        one_thread("LDR W0,[X1]").replace("] ;", "]"),
        LitmusSyntaxError,
        5,
        1,
    ),
    "missing comma": (one_thread("LDR W0 [X1]"), LitmusSyntaxError, 4, 9),
    "bad character": (one_thread("LDR W0,[X1] $"), LitmusSyntaxError, 4, 14),
    "empty file": ("", LitmusSyntaxError, 1, 1),
    "header only": ("AArch64 T", LitmusSyntaxError, 1, 10),
    "wrong header": ("X86 T\n{}", LitmusSyntaxError, 1, 1),
}


@pytest.mark.parametrize(("text", "error", "line", "column"), BAD.values(), ids=BAD.keys())
def test_bad_input(text: str, error: type[LitmusError], line: int, column: int) -> None:
    with pytest.raises(error) as caught:
        parse_aarch64(text, "bad.litmus")
    span = caught.value.span
    assert span is not None and (span.file, span.line, span.column) == ("bad.litmus", line, column)
    if text:
        assert caught.value.source_line == text.splitlines()[line - 1]


def test_a_condition_nested_too_deeply_is_refused_at_its_line() -> None:
    text = one_thread("NOP", final="exists " + "~" * 10_000 + "(0:X0=1)")
    with pytest.raises(LitmusSyntaxError, match="nested too deeply") as caught:
        parse_aarch64(text, "deep.litmus")
    span = caught.value.span
    assert span is not None and (span.file, span.line) == ("deep.litmus", 5)
    assert caught.value.source_line == text.splitlines()[4]


def test_deep_parentheses_and_long_chains_are_read() -> None:
    # Deeper than Python's recursion limit: nothing may walk these recursively.
    parenthesised = "(" * 2_000 + "0:X0=1" + ")" * 2_000
    [outcome] = parse_aarch64(one_thread("NOP", final=f"exists {parenthesised}"), "t").outcomes
    assert outcome.condition == ir.Compare(ir.CmpOp.EQ, ir.FinalRegister("P0", "X0"), C(1))
    for operator, kind in (("/\\", ir.BoolOpKind.AND), ("\\/", ir.BoolOpKind.OR)):
        chain = f" {operator} ".join(["0:X0=1"] * 2_000)
        [outcome] = parse_aarch64(one_thread("NOP", final=f"exists ({chain})"), "t").outcomes
        assert isinstance(outcome.condition, ir.BoolOp) and outcome.condition.op is kind
        assert len(outcome.condition.operands) == 2_000


def test_unsupported_instruction_message() -> None:
    with pytest.raises(UnsupportedInstructionError, match="unsupported instruction 'LDSMAX'"):
        parse_aarch64(one_thread("LDSMAX W0,W1,[X3]"), "t")
    with pytest.raises(UnsupportedInstructionError, match="unsigned condition"):
        parse_aarch64(one_thread("SUB X4,X5,X6", "CSEL X0,X1,X2,LO"), "t")


def test_syntax_error_lists_readable_expectations() -> None:
    with pytest.raises(LitmusSyntaxError) as caught:
        parse_aarch64(one_thread("LDR W0 [X1]"), "t")
    assert set(caught.value.expected) == {"','", "';'", "'|'"}
    assert "unexpected '[X1]'" in caught.value.message
    with pytest.raises(LitmusSyntaxError) as caught:
        parse_aarch64(one_thread("LDR W0,"), "t")
    assert "register" in caught.value.expected


def test_truncated_files_give_litmus_errors() -> None:
    text = one_thread("LDR W0,[X1]", "CBZ W0,L0", "L0:", "STR W0,[X3]")
    rows = text.index(" P0 ;") + len(" P0 ;")
    for end in range(text.rindex(")")):
        if end >= rows and text[:end].rstrip().endswith(";") and "exists" not in text[:end]:
            # Whole rows and no condition: herd7 reads `forall (true)`, unless a branch's
            # label was cut off.
            try:
                test = parse_aarch64(text[:end], "t")
            except UnknownNameError:
                continue
            assert test.outcomes[0].condition == ir.Truth()
            continue
        with pytest.raises(LitmusError):
            parse_aarch64(text[:end], "t")


def test_random_bytes_give_litmus_errors() -> None:
    generator = random.Random(20240611)
    for attempt in range(300):
        noise = bytes(generator.randrange(256) for _ in range(generator.randrange(1, 120)))
        text = noise.decode("latin-1")
        if attempt % 2:
            text = one_thread("NOP")[: generator.randrange(40)] + text
        with contextlib.suppress(LitmusError):
            parse_aarch64(text, "noise")


# --------------------------------------------------------------------------- herd's catalogue

_CATALOGUE = os.environ.get("RINGLITMUS_HERD_CATALOGUE")


def _catalogue_files() -> list[object]:
    if not _CATALOGUE:
        reason = "set RINGLITMUS_HERD_CATALOGUE to the herd-catalogue folder to parse it"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="catalogue")]
    root = Path(_CATALOGUE)
    files = sorted(root.glob("aarch64*/tests/*.litmus"))
    return [pytest.param(path, id=str(path.relative_to(root))) for path in files]


def _catalogue_test(relative: str) -> ir.Test:
    if not _CATALOGUE:
        pytest.skip("set RINGLITMUS_HERD_CATALOGUE to the herd-catalogue folder to parse it")
    path = Path(_CATALOGUE) / relative
    return parse_aarch64(path.read_text(), str(path))


@pytest.mark.parametrize("path", _catalogue_files())
def test_catalogue_file_parses(path: Path) -> None:
    test = parse_aarch64(path.read_text(), str(path))
    program = test.variants[0].program
    header = next(line for line in path.read_text().splitlines() if line.strip().startswith("P0"))
    assert len(program.threads) == header.count("|") + 1
    assert test.name and len(test.outcomes) == 1


def test_catalogue_is_all_there() -> None:
    if not _CATALOGUE:
        pytest.skip("set RINGLITMUS_HERD_CATALOGUE to the herd-catalogue folder to parse it")
    assert len(list(Path(_CATALOGUE).glob("aarch64*/tests/*.litmus"))) >= 150


def test_catalogue_T13_exclusives() -> None:
    p0, p1 = _catalogue_test("aarch64-pick/tests/T13.litmus").variants[0].program.threads
    loads = [i for i in p1.instructions if isinstance(i, ir.Load)]
    assert loads[1] == ir.Load("X6", R("X5"), exclusive=True, width=32)
    store = next(i for i in p1.instructions if isinstance(i, ir.Store) and i.exclusive)
    assert (store.status, store.value, store.address) == ("X7", R("X8"), R("X5"))
    assert loads[2].ordering is ACQUIRE
    assert p0.registers == (("X1", ir.Address("x")), ("X3", ir.Address("y")))


def test_catalogue_CAS_data1() -> None:
    test = _catalogue_test("aarch64/tests/CAS+data1.litmus")
    p0, p1 = test.variants[0].program.threads
    assert (
        ir.Rmw(ir.RmwOp.CAS, "X0", R("X1"), R("X6"), expected=R("X0"), width=32) in p1.instructions
    )
    assert p1.instructions[-1] == ir.Store(R("X3"), R("X4"), width=32)
    assert p0.instructions[-1] == ir.Store(R("X1"), R("X0"), RELEASE, width=32)
    assert len(p0.instructions) == 3  # the NOPs are gone
    assert test.outcomes[0].condition == ir.BoolOp(
        ir.BoolOpKind.AND,
        (
            ir.Compare(ir.CmpOp.EQ, ir.FinalRegister("P1", "X5"), C(1)),
            ir.Compare(ir.CmpOp.EQ, ir.FinalLocation("y"), C(1)),
        ),
    )


def test_catalogue_noret_acquire_is_dropped() -> None:
    p1 = _catalogue_test("aarch64/tests/MP+rel+SWPacq-noret.litmus").variants[0].program.threads[1]
    assert p1.instructions[1] == ir.Rmw(ir.RmwOp.SWP, None, R("X3"), R("X4"), width=32)


def test_catalogue_headers_and_finals() -> None:
    small = _catalogue_test("aarch64/tests/Small.litmus")
    assert small.variants[0].program.locations[0].initial == (C(1),)
    assert small.outcomes[0].kind is ir.OutcomeKind.REQUIRED
    stable = _catalogue_test("aarch64/tests/STABLE.litmus")
    assert stable.metadata == (("Stable", "X2"),)
    swp = _catalogue_test("aarch64/tests/MP+rel+swp-acq.litmus")
    assert swp.observed == (ir.FinalRegister("P1", "X6"),)
    post = _catalogue_test("aarch64/tests/LB+rel+data-post.litmus").variants[0].program.threads[1]
    assert post.instructions[-1] == ir.Assign("X3", ir.BinOp(ADD, R("X3"), C(4)))
