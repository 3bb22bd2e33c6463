"""The oracle itself: set algebra, the coherence pruning's premise, and known executions."""

from __future__ import annotations

from hypothesis import given, settings
from strategies import CLASSICS, programs

from oracle.enumerate import is_reachable, reachable_states
from oracle.evaluate import compose, is_acyclic, monotone_in_coherence, transitive_closure
from ringlitmus import ir
from ringlitmus.models.armv8 import ARMV8, co, po
from ringlitmus.models.relations import Diff, Inter, Inverse, Model, empty


def test_set_algebra() -> None:
    assert compose(frozenset({(1, 2), (2, 3)}), frozenset({(2, 5), (3, 4)})) == {(1, 5), (2, 4)}
    assert transitive_closure(frozenset({(1, 2), (2, 3)})) == {(1, 2), (2, 3), (1, 3)}
    assert is_acyclic(frozenset({(1, 2), (2, 3), (1, 3)}))
    assert not is_acyclic(frozenset({(1, 2), (2, 3), (3, 1)}))
    assert not is_acyclic(frozenset({(4, 4)}))


def test_armv8_uses_coherence_only_positively() -> None:
    assert monotone_in_coherence(ARMV8.axioms)


# `po & po^-1` is empty, so this axiom always holds; but co occurs under a difference, which
# turns the partial-coherence pruning off. The same model with and without pruning.
UNPRUNED = Model(
    "armv8-unpruned",
    (*ARMV8.axioms, empty(Diff(Inter(po, Inverse(po)), co), "never")),
)


def test_pruning_premise_is_detected() -> None:
    assert not monotone_in_coherence(UNPRUNED.axioms)


@settings(max_examples=15)
@given(programs())
def test_pruning_changes_no_state(test: ir.Test) -> None:
    assert reachable_states(test) == reachable_states(test, model=UNPRUNED)


def test_classic_forbidden_states() -> None:
    def final(thread: int, register: str, value: int) -> ir.Compare:
        return ir.Compare(ir.CmpOp.EQ, ir.FinalRegister(f"P{thread}", register), ir.Const(value))

    stale = ir.BoolOp(ir.BoolOpKind.AND, (final(1, "r0", 1), final(1, "r1", 0)))
    assert is_reachable(CLASSICS["MP"], stale)
    assert not is_reachable(CLASSICS["MP+dmbs"], stale)
    assert not is_reachable(CLASSICS["MP+rel+acq"], stale)
    assert len(reachable_states(CLASSICS["LB+datas"])) == 1  # no value out of thin air
