"""Sequential consistency: each axiom exercised by the smallest program that needs it, and SC
as the strongest model: it reaches none of the relaxed outcomes litmus/basics names, and no
final state a weaker model does not reach.

Every case is a program, a final condition and its verdict under herd's `sc.cat` (an outcome
is reachable iff some interleaving of the threads reaches it). Both the Z3 encoder and the
brute-force enumerator must reach the verdict.
"""

from __future__ import annotations

from pathlib import Path

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
    exclusive,
    fence,
    load,
    mem,
    plus,
    reg,
    rmw,
    store,
)

from ringlitmus import ir
from ringlitmus.frontends import parse_file
from ringlitmus.ir import FenceKind, RmwOp
from ringlitmus.models import MODELS
from ringlitmus.outcomes import CheckOptions, check_test

BASICS = sorted((Path(__file__).resolve().parents[2] / "litmus" / "basics").glob("*.litmus"))

MP_STALE = every(reg(1, "r0", 1), reg(1, "r1", 0))
SB_EARLY = every(reg(0, "r0", 0), reg(1, "r0", 0))

CASES = [
    # ---------------------------------------------------------------- sc: po | rf | co | fr
    case(
        "MP",
        UNREACHABLE,
        MP_STALE,
        [store("x", 1), store("y", 1)],
        [load("r0", "y"), load("r1", "x")],
    ),
    case(
        "MP-interleaved",
        REACHABLE,
        every(reg(1, "r0", 0), reg(1, "r1", 1)),
        [store("x", 1), store("y", 1)],
        [load("r0", "y"), load("r1", "x")],
    ),
    case(
        "SB",
        UNREACHABLE,
        SB_EARLY,
        [store("x", 1), load("r0", "y")],
        [store("y", 1), load("r0", "x")],
    ),
    case(
        "SB-one-first",
        REACHABLE,
        every(reg(0, "r0", 0), reg(1, "r0", 1)),
        [store("x", 1), load("r0", "y")],
        [store("y", 1), load("r0", "x")],
    ),
    case(
        "2+2W",
        UNREACHABLE,
        every(mem("x", 1), mem("y", 1)),
        [store("x", 1), store("y", 2)],
        [store("y", 1), store("x", 2)],
    ),
    case("CoRR", UNREACHABLE, MP_STALE, [store("x", 1)], [load("r0", "x"), load("r1", "x")]),
    case(
        "IRIW",
        UNREACHABLE,
        every(reg(2, "r0", 1), reg(2, "r1", 0), reg(3, "r0", 1), reg(3, "r1", 0)),
        [store("x", 1)],
        [store("y", 1)],
        [load("r0", "x"), load("r1", "y")],
        [load("r0", "y"), load("r1", "x")],
    ),
    # Annotations change nothing: SB with barriers or release/acquire is still SC's SB.
    case(
        "SB+rel+acq-interleaved",
        REACHABLE,
        every(reg(0, "r0", 1), reg(1, "r0", 1)),
        [store("x", 1, REL), load("r0", "y", ACQ)],
        [store("y", 1, REL), fence(FenceKind.MFENCE), load("r0", "x")],
    ),
    # ---------------------------------------------------------------- sc: amo
    # An RMW's read and write are not po-related; amo keeps the write after the read.
    case("swp-reads-own-write", UNREACHABLE, reg(0, "r0", 1), [rmw(RmwOp.SWP, "r0", "x", 1)]),
    case(
        "swp-reads-later-write",
        UNREACHABLE,
        every(reg(0, "r0", 2), mem("x", 2)),
        [rmw(RmwOp.SWP, "r0", "x", 1)],
        [store("x", 2)],
    ),
    # ---------------------------------------------------------------- atomic
    case(
        "adds-lose-one",
        UNREACHABLE,
        mem("x", 1),
        [rmw(RmwOp.ADD, None, "x", 1)],
        [rmw(RmwOp.ADD, None, "x", 1)],
    ),
    case(
        "exclusive-pair-overtaken",
        UNREACHABLE,
        every(reg(0, "s", 0), reg(0, "r0", 0), mem("x", 1)),
        [*exclusive("r0", "s", "x", plus("r0", 1))],
        [store("x", 5)],
    ),
    case(
        "adds-add-up",
        REACHABLE,
        mem("x", 2),
        [rmw(RmwOp.ADD, None, "x", 1)],
        [rmw(RmwOp.ADD, None, "x", 1)],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_encoder_verdict(case: Case) -> None:
    assert_encoder_verdict(case, "sc")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_enumerator_verdict(case: Case) -> None:
    assert_enumerator_verdict(case, "sc")


def test_axioms_print_as_cat_terms() -> None:
    assert [str(axiom) for axiom in MODELS["sc"].axioms] == [
        "acyclic sc-order as sc",
        "empty (rmw & (fre; coe)) as atomic",
    ]


# --------------------------------------------------------------------------- the strongest model


def reachable_states(test: ir.Test, model: str) -> set[frozenset[tuple[str, int]]]:
    (variant,) = check_test(test, CheckOptions(model=model, states=True)).variants
    assert variant.states is not None and variant.states_complete
    return {frozenset(state.items()) for state in variant.states}


@pytest.mark.parametrize("path", BASICS, ids=[path.stem for path in BASICS])
def test_sc_reaches_no_outcome_of_the_basics(path: Path) -> None:
    """Each basic shape names a relaxed (or incoherent) outcome; no interleaving reaches it."""
    result = check_test(parse_file(str(path)), CheckOptions(model="sc"))
    for variant in result.variants:
        for outcome in variant.outcomes:
            assert outcome.status.value == ir.Reachability.UNREACHABLE.value, outcome.name


@pytest.mark.parametrize("path", BASICS, ids=[path.stem for path in BASICS])
def test_sc_states_are_states_of_every_model(path: Path) -> None:
    test = parse_file(str(path))
    sc = reachable_states(test, "sc")
    assert sc
    for model in MODELS:
        assert sc <= reachable_states(test, model), model
