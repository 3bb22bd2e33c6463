"""Sized AArch64 accesses (semantics/sizes.py) and the value range the front end accepts
(frontends/aarch64_values.py): what herd7 refuses or computes otherwise is refused here.

What is read and answered is checked against herd7 in litmus/regressions/armv8-*.litmus and
the instructions-aarch64 catalogue (tests/test_herd_instructions.py).
"""

from __future__ import annotations

import pytest

from ringlitmus.errors import UnsupportedInstructionError
from ringlitmus.frontends.aarch64 import parse_aarch64
from ringlitmus.semantics import build_event_structure


def program_text(*rows: str, init: str = "x=0; 0:X1=x;") -> str:
    body = "\n".join(f" {row} ;" for row in rows)
    return f"AArch64 T\n{{ {init} }}\n P0 ;\n{body}\nexists (x=1)\n"


def build(text: str) -> None:
    test = parse_aarch64(text, "t.litmus")
    build_event_structure(test.variants[0].program)


# Each refused at build time, with the reason's words. herd7 7.58 says "Illegal mixed-size
# test" for the first two; the others it computes with bits we do not keep.
MIXED = {
    "W store, X load": (("STR W0,[X1]", "LDR X2,[X1]"), "", "mixed-size accesses to 'x'"),
    "byte store, word load": (("STRB W0,[X1]", "LDR W2,[X1]"), "", "mixed-size"),
    "through a pointer": (
        ("LDR X2,[X3]", "STR W0,[X2]", "LDR X4,[X1]"),
        "int64_t *p=x; 0:X3=p;",
        "mixed-size accesses to 'x'",
    ),
    "store wider than the type": (("STR X0,[X1]",), "int x=0;", "64-bit store to 'x'"),
    "atomic narrower than the type": (("SWP W0,W2,[X1]",), "int64_t x=0;", "32-bit atomic"),
}


@pytest.mark.parametrize(("rows", "init", "reason"), MIXED.values(), ids=MIXED.keys())
def test_mixed_sizes_are_refused(rows: tuple[str, ...], init: str, reason: str) -> None:
    with pytest.raises(UnsupportedInstructionError, match=reason):
        build(program_text(*rows, init=init + " 0:X1=x;" if init else "x=0; 0:X1=x;"))


def test_one_size_per_location_is_read() -> None:
    build(
        program_text(
            "STRB W0,[X1]", "LDRB W2,[X1]", "LDR X4,[X3]", init="x=0; y=0; 0:X1=x; 0:X3=y;"
        )
    )


VALUES = {
    "negative W write": (("MOV W0,#-1",), "", "a W register is written"),
    "W write after a subtraction": (("SUB X0,X2,X3", "MOV W4,W0"), "", "subtraction"),
    "sign-extending W load": (("LDRSB W0,[X1]",), "", "sign-extending"),
    "past 2^31 with W writes": (("ADD W2,W0,W0",), "int64_t 0:X0=1073741824;", "2147483647"),
    "past 2^32": (("ADD X2,X0,X0",), "int64_t 0:X0=2147483648;", "4294967295"),
    # herd compares a W register's 32 bits: 2^31 is negative there.
    "past 2^31 read as W": (("CMP W0,#0",), "int64_t 0:X0=2147483648;", "2147483647"),
    "negative 32-bit location": (("LDR X0,[X1]",), "int x=-1;", "starts negative"),
    "condition past 32 bits": ((), "", "4294967297"),
}


@pytest.mark.parametrize(("rows", "init", "reason"), VALUES.values(), ids=VALUES.keys())
def test_values_herd_computes_otherwise_are_refused(
    rows: tuple[str, ...], init: str, reason: str
) -> None:
    text = program_text(*(rows or ("NOP",)), init=f"{init} 0:X1=x;")
    if reason == "4294967297":
        text = text.replace("exists (x=1)", "exists (0:X0=4294967297)")
    with pytest.raises(UnsupportedInstructionError, match=reason):
        parse_aarch64(text, "t.litmus")


def test_values_in_range_are_read() -> None:
    parse_aarch64(program_text("MOV X0,#-1", "SUB X2,X0,X3"), "t.litmus")  # X registers only
    parse_aarch64(program_text("MOV W0,#7", "ADD W4,W0,W0"), "t.litmus")  # never negative
    # X registers only and never negative: up to 2^32 (a BPF ring header's busy bit, 2^31).
    parse_aarch64(program_text("MOV X2,X0", init="int64_t 0:X0=2147483656;"), "t.litmus")
    # X registers only, negative and past 2^31, but within one 2^32-wide range.
    busy = program_text("SUB X3,X2,X4", "AND X5,X1,X0", init="int64_t 0:X0=2147483648; 0:X2=48;")
    parse_aarch64(busy, "t.litmus")


def test_a_condition_value_sharing_low_bits_with_another_is_refused() -> None:
    # Values range over -2147483632..2147483632, and herd compares an int register's low 32
    # bits: 2147483664 is -2147483632 there.
    text = program_text("SUB X3,X2,X0", init="int64_t 0:X0=2147483632; 0:X2=0;")
    text = text.replace("exists (x=1)", "exists (0:X3=2147483664)")
    with pytest.raises(UnsupportedInstructionError, match="shares its low 32 bits"):
        parse_aarch64(text, "t.litmus")
