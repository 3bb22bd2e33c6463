"""Execution-only conditions and the transitive reduction of static edges."""

from __future__ import annotations

import z3

from ringlitmus.encode.execution import encode_execution, final_value
from ringlitmus.encode.relations import RelationEncoder
from ringlitmus.encode.static import Conditions, Executes, GuardFacts, Junction, reduce_static
from ringlitmus.frontends.ring import parse_ring
from ringlitmus.ir import FinalRegister
from ringlitmus.models.armv8 import ARMV8
from ringlitmus.semantics import EventStructure, build_event_structure

# P1's first two reads always happen; the third only when r0 == 1; the fourth always again.
BRANCHY = """
x = 0; y = 0
thread P0: store x = 1; store y = 1
thread P1 {
    r0 = load-acq x
    r1 = load-acq y
    if r0 == 1 { r2 = load-acq x }
    r3 = load y
}
allowed any: P1.r0 == 1
"""


def structure_of(text: str) -> EventStructure:
    test = parse_ring(text, "test.litmus", {})
    return build_event_structure(test.variants[0].program)


def p1_events(structure: EventStructure) -> list[int]:
    return structure.thread_events[structure.thread_names.index("P1")]


def conditions_for(structure: EventStructure) -> tuple[Conditions, GuardFacts]:
    execution = encode_execution(structure)
    facts = GuardFacts(structure)
    return Conditions(execution.executes, facts), facts


def test_events_that_always_execute_drop_out_of_a_condition() -> None:
    structure = structure_of(BRANCHY)
    conditions, _ = conditions_for(structure)
    first, second, guarded, _last = p1_events(structure)
    assert conditions.of_events(first, second) is True
    assert conditions.of_events(first, guarded) == Executes(frozenset({guarded}))
    assert conditions.conjoin((Executes(frozenset({guarded})), True)) == Executes(
        frozenset({guarded})
    )


def test_a_disjunction_of_nested_sets_is_the_weakest() -> None:
    structure = structure_of(BRANCHY)
    conditions, _ = conditions_for(structure)
    weak = Executes(frozenset({1}))
    assert conditions.disjoin((Executes(frozenset({1, 2})), weak)) == weak
    # Neither set contains the other: a real disjunction, whose Z3 term is made when asked for.
    either = conditions.disjoin((Executes(frozenset({1})), Executes(frozenset({2}))))
    assert isinstance(either, Junction)
    made = conditions.term(either)
    assert isinstance(made, z3.BoolRef) or made is True
    assert conditions.term(either) is made  # made once


def test_a_junction_is_made_only_when_asked_for_and_as_the_eager_term() -> None:
    structure = structure_of(BRANCHY)
    execution = encode_execution(structure)
    conditions = Conditions(execution.executes, GuardFacts(structure))
    first, _second, guarded, _last = p1_events(structure)
    rf = next(iter(execution.rf.values()))
    both = conditions.conjoin((rf, conditions.of_events(first, guarded)))
    either = conditions.disjoin((both, rf))
    assert isinstance(both, Junction) and both.made is None
    assert isinstance(either, Junction) and either.made is None
    made = conditions.term(either)
    expected = z3.Or(z3.And(rf, execution.executes[guarded]), rf)
    assert made.eq(expected), made
    assert both.made is not None and both.made.eq(z3.And(rf, execution.executes[guarded]))


def test_a_deep_junction_is_made_without_recursion() -> None:
    structure = structure_of(BRANCHY)
    execution = encode_execution(structure)
    conditions = Conditions(execution.executes, GuardFacts(structure))
    first, second = (next(iter(execution.rf.values())), list(execution.rf.values())[-1])
    chain = conditions.disjoin((first, second))
    for _ in range(5000):  # as a closure's disjunctions nest
        chain = conditions.disjoin((chain, conditions.conjoin((first, second))))
    assert isinstance(conditions.term(chain), z3.BoolRef)


def test_static_means_exactly_both_ends_execute_in_program_order() -> None:
    structure = structure_of(BRANCHY)
    conditions, _ = conditions_for(structure)
    first, second, guarded, _last = p1_events(structure)
    assert conditions.is_static(first, guarded, conditions.of_events(first, guarded))
    assert conditions.is_static(first, second, True)
    # Backwards, or across threads, is never static.
    assert not conditions.is_static(guarded, first, conditions.of_events(first, guarded))
    writer = structure.thread_events[0][0]
    assert not conditions.is_static(writer, first, True)
    # True on an edge whose end may not execute would be weaker than "both execute".
    assert not conditions.is_static(first, guarded, True)
    # A Z3 condition is never static.
    assert not conditions.is_static(first, second, z3.Bool("c"))


def test_reduction_keeps_a_chain_through_an_event_that_always_executes() -> None:
    structure = structure_of(BRANCHY)
    _, facts = conditions_for(structure)
    first, second, _guarded, last = p1_events(structure)
    edges = [(first, second), (second, last), (first, last)]
    assert reduce_static(edges, facts) == [(first, second), (second, last)]


def test_reduction_never_goes_through_an_event_that_may_not_execute() -> None:
    structure = structure_of(BRANCHY)
    _, facts = conditions_for(structure)
    first, _second, guarded, last = p1_events(structure)
    # `guarded` may be skipped while `first` and `last` execute: first -> last must stay.
    edges = [(first, guarded), (guarded, last), (first, last)]
    assert reduce_static(edges, facts) == edges


def test_the_guarded_event_is_implied_by_later_events_only_when_their_guard_says_so() -> None:
    structure = structure_of(BRANCHY)
    _, facts = conditions_for(structure)
    first, _second, guarded, last = p1_events(structure)
    position = facts.position
    assert facts.implied_mask(guarded) >> position[first] & 1
    assert not facts.implied_mask(last) >> position[guarded] & 1


def test_bob_after_an_acquire_becomes_a_chain() -> None:
    # [A];po relates every acquire to everything after it: quadratic. Reduced, the edges of a
    # straight-line thread of acquires are the n-1 neighbour edges.
    reads = "; ".join(f"r{index} = load-acq x" for index in range(8))
    structure = structure_of(f"x = 0\nthread P0: store x = 1\nthread P1: {reads}\n")
    encoder = RelationEncoder(encode_execution(structure))
    ob = next(axiom for axiom in ARMV8.axioms if axiom.name == "external")
    constraints = encoder.encode_axiom(ob)
    reader = {f"external(e{event})" for event in p1_events(structure)}
    within_reader = [
        constraint
        for constraint in constraints
        if z3.is_lt(constraint) and {str(arg) for arg in constraint.children()} <= reader
    ]
    assert len(within_reader) == len(reader) - 1


def test_a_mask_of_a_negative_difference_stays_linear() -> None:
    # vring_need_event's `(u16)(new - event - 1)`: the difference is negative, the mask is
    # not, so Python's & is the 64-bit one and a case split replaces bit-vectors (which made
    # Z3 hang on virtio-ring/event-idx.litmus in a worker process).
    structure = structure_of(
        "e = 65535\nthread P0: store e = 0\n"
        "thread P1: r0 = load e; r1 = (1 - r0 - 1) & 65535\n"
        "allowed one: P1.r1 == 1\n"
    )
    execution = encode_execution(structure)
    final_value(execution, FinalRegister("P1", "r1"))
    assert execution.symbols.linear
