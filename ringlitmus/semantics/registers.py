"""Register states: a symbolic value and the reads it depends on, merged where paths join."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ringlitmus.semantics.events import Pairs, Provenance
from ringlitmus.symbolic import AnyOf, Guard, Value, conjoin, disjoin


@dataclass
class RegisterState:
    """A register's symbolic value and the reads it depends on (plain and pick)."""

    value: Value
    deps: Provenance
    pick: Provenance


@dataclass
class StoreRecord:
    """A po-earlier write of the thread, for local-read-successor dependencies."""

    event: int
    deps: Provenance
    pick: Provenance


def merge_provenance(
    *parts: tuple[Guard, Provenance], name: Callable[[Guard], Guard] | None = None
) -> Provenance:
    """Union of provenances, each under the guard of the path it came from.

    `name` may give a long merged condition a name: a register carried around a loop gathers
    one more conjunct at every join, which would make the n-th join cost O(n).
    """
    collected: dict[int, list[Guard]] = {}
    for guard, provenance in parts:
        if guard is False:  # a path never taken brings no dependency
            continue
        for source, condition in provenance.items():
            collected.setdefault(source, []).append(conjoin(guard, condition))
    merged: Provenance = {}
    for source, conditions in collected.items():
        condition = disjoin(*conditions) if len(conditions) <= 2 else any_of(conditions)
        if condition is not False:
            merged[source] = condition if name is None else name(condition)
    return merged


def any_of(conditions: list[Guard]) -> Guard:
    """A plain disjunction, folded for constants but not simplified further.

    Where many paths join (a loop's `break`s), looking for complementary pairs among all of
    them costs more than the solver will ever spend on the unsimplified disjunction.
    """
    kept = [condition for condition in conditions if condition is not False]
    if any(condition is True for condition in kept):
        return True
    if not kept:
        return False
    return kept[0] if len(kept) == 1 else AnyOf(tuple(kept))


def union(*provenances: Provenance) -> Provenance:
    return merge_provenance(*((True, provenance) for provenance in provenances))


def add_pair(pairs: Pairs, source: int, target: int, guard: Guard) -> None:
    if guard is False or source == target:
        return
    pairs[(source, target)] = disjoin(pairs.get((source, target), False), guard)
