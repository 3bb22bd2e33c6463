"""Register states: a symbolic value and the reads it depends on, merged where paths join."""

from __future__ import annotations

from dataclasses import dataclass

from ringlitmus.semantics.events import Pairs, Provenance
from ringlitmus.symbolic import Guard, Value, conjoin, disjoin


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


def merge_provenance(*parts: tuple[Guard, Provenance]) -> Provenance:
    """Union of provenances, each under the guard of the path it came from."""
    merged: Provenance = {}
    for guard, provenance in parts:
        for source, condition in provenance.items():
            merged[source] = disjoin(merged.get(source, False), conjoin(guard, condition))
    return {source: condition for source, condition in merged.items() if condition is not False}


def union(*provenances: Provenance) -> Provenance:
    return merge_provenance(*((True, provenance) for provenance in provenances))


def add_pair(pairs: Pairs, source: int, target: int, guard: Guard) -> None:
    if guard is False or source == target:
        return
    pairs[(source, target)] = disjoin(pairs.get((source, target), False), guard)
