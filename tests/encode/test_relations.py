"""Relation terms encoded over one execution: the transitive closure against reachability."""

from __future__ import annotations

import pytest

from ringlitmus.encode.execution import encode_execution
from ringlitmus.encode.relations import RelationEncoder
from ringlitmus.frontends.ring import parse_ring
from ringlitmus.models.relations import Inverse, Plus, RelTerm, union
from ringlitmus.models.vocabulary import po, rf
from ringlitmus.semantics import build_event_structure

# The initial writes come first in event order, P1's read of x last of all.
READERS = """
x = 0; y = 0
thread P0: r0 = load x; store y = 1
thread P1: r1 = load y; r2 = load x
allowed any: P0.r0 == 0
"""

Pair = tuple[int, int]


def reachable(pairs: set[Pair]) -> set[Pair]:
    """Every pair joined by a path of one step or more, by search from each event."""
    successors: dict[int, set[int]] = {}
    for source, target in pairs:
        successors.setdefault(source, set()).add(target)
    closure: set[Pair] = set()
    for start in successors:
        frontier, seen = [start], set[int]()
        while frontier:
            for target in successors.get(frontier.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    frontier.append(target)
        closure |= {(start, target) for target in seen}
    return closure


@pytest.mark.parametrize(
    "relation",
    # Each relation's highest-numbered event, P1's read of x, is the middle of a path found
    # through it alone: P1's read of y to itself, one step forth and one back.
    [union(po, Inverse(po)), union(po, rf, Inverse(po))],
    ids=["po both ways", "po both ways and rf"],
)
def test_the_closure_reaches_what_paths_reach(relation: RelTerm) -> None:
    test = parse_ring(READERS, "test.litmus", {})
    encoder = RelationEncoder(encode_execution(build_event_structure(test.variants[0].program)))
    steps = set(encoder.pairs(relation))
    highest = max(event for pair in steps for event in pair)
    assert any(pair[1] == highest for pair in steps) and any(pair[0] == highest for pair in steps)
    assert set(encoder.pairs(Plus(relation))) == reachable(steps)
