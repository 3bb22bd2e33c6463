"""Each axiom and disjunct of the x86-TSO model, exercised by the smallest program that needs it.

Every case is a program, a final condition and the verdict herd's `x86tso.cat` gives it (for
the shapes herd's X86 catalogue also holds, the verdict in its kinds.txt). XCHG is an `swp`
RMW and LOCK ADD an `add` RMW without destination, as the X86 front end writes them. Both the
Z3 encoder and the brute-force enumerator must reach the verdict. The last cases pin down how
a test of another format reads under TSO (tso.py): a full DMB is an MFENCE, other barriers and
acquire/release add nothing.
"""

from __future__ import annotations

import pytest
from model_cases import (
    ACQ,
    REACHABLE,
    REL,
    UNREACHABLE,
    Case,
    assert_encoder_verdict,
    assert_enumerator_verdict,
    case,
    every,
    fence,
    load,
    mem,
    reg,
    rmw,
    store,
)

from ringlitmus.ir import FenceKind, RmwOp
from ringlitmus.models import MODELS

MFENCE, DMB, DMB_LD, DMB_ST = (
    FenceKind.MFENCE,
    FenceKind.DMB_FULL,
    FenceKind.DMB_LD,
    FenceKind.DMB_ST,
)


def xchg(dest: str, location: str, value: int):  # type: ignore[no-untyped-def]
    """XCHG [location],dest with `value` in dest: a locked swap."""
    return rmw(RmwOp.SWP, dest, location, value)


def lock_add(location: str, value: int, dest: str | None = None):  # type: ignore[no-untyped-def]
    """LOCK ADD [location],$value (with `dest`: LOCK XADD, the old value kept)."""
    return rmw(RmwOp.ADD, dest, location, value)


MP_STALE = every(reg(1, "r0", 1), reg(1, "r1", 0))
SB_EARLY = every(reg(0, "r0", 0), reg(1, "r0", 0))
LB_LATE = every(reg(0, "r0", 1), reg(1, "r0", 1))


def sb(first: tuple, second: tuple) -> tuple[tuple, tuple]:  # type: ignore[type-arg]
    """Store buffering, each thread's store and load with `first`/`second` between them."""
    return (
        (store("x", 1), *first, load("r0", "y")),
        (store("y", 1), *second, load("r0", "x")),
    )


CASES = [
    # ---------------------------------------------------------------- uniproc
    case("CoRR", UNREACHABLE, MP_STALE, [store("x", 1)], [load("r0", "x"), load("r1", "x")]),
    case("CoWW", UNREACHABLE, mem("x", 1), [store("x", 1), store("x", 2)]),
    case("CoRW1", UNREACHABLE, reg(0, "r0", 1), [load("r0", "x"), store("x", 1)]),
    # amo: an XCHG cannot read a write coherence-after its own.
    case(
        "xchg-reads-later-write",
        UNREACHABLE,
        every(reg(0, "r0", 2), mem("x", 2)),
        [xchg("r0", "x", 1)],
        [store("x", 2)],
    ),
    case("xchg-reads-own-write", UNREACHABLE, reg(0, "r0", 1), [xchg("r0", "x", 1)]),
    # ---------------------------------------------------------------- atomic
    case("lock-adds-lose-one", UNREACHABLE, mem("x", 1), [lock_add("x", 1)], [lock_add("x", 1)]),
    case("lock-adds-add-up", REACHABLE, mem("x", 2), [lock_add("x", 1)], [lock_add("x", 1)]),
    # ---------------------------------------------------------------- tso: po_ghb
    case(
        "MP",
        UNREACHABLE,
        MP_STALE,
        [store("x", 1), store("y", 1)],
        [load("r0", "y"), load("r1", "x")],
    ),
    case(
        "LB",
        UNREACHABLE,
        LB_LATE,
        [load("r0", "x"), store("y", 1)],
        [load("r0", "y"), store("x", 1)],
    ),
    case(
        "2+2W",
        UNREACHABLE,
        every(mem("x", 1), mem("y", 1)),
        [store("x", 1), store("y", 2)],
        [store("y", 1), store("x", 2)],
    ),
    case(
        "S",
        UNREACHABLE,
        every(mem("x", 2), reg(1, "r0", 1)),
        [store("x", 2), store("y", 1)],
        [load("r0", "y"), store("x", 1)],
    ),
    # A write then a read is the one pair of program order TSO does not keep.
    case("SB", REACHABLE, SB_EARLY, *sb((), ())),
    case(
        "R",
        REACHABLE,
        every(mem("y", 2), reg(1, "r0", 0)),
        [store("x", 1), store("y", 1)],
        [store("y", 2), load("r0", "x")],
    ),
    # ---------------------------------------------------------------- tso: rfe, fr, co
    # Reading one's own write early (rfi) orders nothing: it is rfe, not rf, in ghb.
    case(
        "SB+rfi-pos",
        REACHABLE,
        every(reg(0, "r0", 1), reg(0, "r1", 0), reg(1, "r0", 1), reg(1, "r1", 0)),
        [store("x", 1), load("r0", "x"), load("r1", "y")],
        [store("y", 1), load("r0", "y"), load("r1", "x")],
    ),
    case(
        "IRIW",
        UNREACHABLE,
        every(reg(2, "r0", 1), reg(2, "r1", 0), reg(3, "r0", 1), reg(3, "r1", 0)),
        [store("x", 1)],
        [store("y", 1)],
        [load("r0", "x"), load("r1", "y")],
        [load("r0", "y"), load("r1", "x")],
    ),
    case(
        "WRC",
        UNREACHABLE,
        every(reg(1, "r0", 1), reg(2, "r0", 1), reg(2, "r1", 0)),
        [store("x", 1)],
        [load("r0", "x"), store("y", 1)],
        [load("r0", "y"), load("r1", "x")],
    ),
    # ---------------------------------------------------------------- tso: mfence
    case("SB+mfences", UNREACHABLE, SB_EARLY, *sb((fence(MFENCE),), (fence(MFENCE),))),
    case("SB+mfence+po", REACHABLE, SB_EARLY, *sb((fence(MFENCE),), ())),
    case(
        "R+po+mfence",
        UNREACHABLE,
        every(mem("y", 2), reg(1, "r0", 0)),
        [store("x", 1), store("y", 1)],
        [store("y", 2), fence(MFENCE), load("r0", "x")],
    ),
    # ---------------------------------------------------------------- tso: implied (i1, i2)
    # i2: a locked write is ordered before later reads.
    case(
        "SB+xchgs",
        UNREACHABLE,
        SB_EARLY,
        [xchg("r1", "x", 1), load("r0", "y")],
        [xchg("r1", "y", 1), load("r0", "x")],
    ),
    case(
        "SB+xchg+po",
        REACHABLE,
        SB_EARLY,
        [xchg("r1", "x", 1), load("r0", "y")],
        [store("y", 1), load("r0", "x")],
    ),
    # i1: earlier writes are ordered before a locked read. A locked read with its write is
    # ordered as much without it (WW to the write, then i2 or atomicity), so only a failing
    # LOCK CMPXCHG, which the X86 front end refuses, could tell i1 is there.
    case(
        "SB+lock-xadds",
        UNREACHABLE,
        SB_EARLY,
        [store("x", 1), lock_add("y", 0, dest="r0")],
        [store("y", 1), lock_add("x", 0, dest="r0")],
    ),
    # ---------------------------------------------------------------- other formats under TSO
    case("SB+dmbs", UNREACHABLE, SB_EARLY, *sb((fence(DMB),), (fence(DMB),))),
    case("SB+dmb.lds", REACHABLE, SB_EARLY, *sb((fence(DMB_LD),), (fence(DMB_LD),))),
    case("SB+dmb.sts", REACHABLE, SB_EARLY, *sb((fence(DMB_ST),), (fence(DMB_ST),))),
    case(
        "SB+rel+acq",
        REACHABLE,
        SB_EARLY,
        [store("x", 1, REL), load("r0", "y", ACQ)],
        [store("y", 1, REL), load("r0", "x", ACQ)],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_encoder_verdict(case: Case) -> None:
    assert_encoder_verdict(case, "tso")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_enumerator_verdict(case: Case) -> None:
    assert_enumerator_verdict(case, "tso")


def test_every_definition_prints_as_its_cat_name() -> None:
    names = [definition.name for definition in MODELS["tso"].definitions]
    assert names == ["po-loc", "com", "mfence", "po_ghb", "poWR", "i1", "i2", "implied", "ghb"]
    assert [axiom.name for axiom in MODELS["tso"].axioms] == ["uniproc", "atomic", "tso"]
