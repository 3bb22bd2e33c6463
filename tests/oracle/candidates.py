"""Candidate executions before coherence: store-exclusive outcomes, read values, rf sources.

A depth-first search gives every read a source write (or none, when it does not execute) and
settles read values by propagation: a read's value is its source's value, once that is known.
When value flow is cyclic (a read's value waits, through writes and other reads, on itself) one
read on the cycle is guessed from a finite domain and the guess is checked at the end.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ringlitmus.semantics import EventKind, EventStructure
from ringlitmus.symbolic import Guard, Value, evaluate, holds, reads_of

# The source of a read that executes outside every declared cell: it reads no write.
OUTSIDE = -1

# What a non-executed read "returns": nothing observable may depend on it.
_UNUSED = 0


@dataclass(frozen=True)
class Candidate:
    """Choices, read values, and each read's source: a write, None (the read does not
    execute) or OUTSIDE (it executes at an address outside every declared cell)."""

    choices: Mapping[str, bool]
    reads: Mapping[int, int]
    sources: Mapping[int, int | None]

    def executed(self, structure: EventStructure) -> frozenset[int]:
        """The events whose guards hold."""
        return frozenset(
            event.id for event in structure.events if holds(event.guard, self.reads, self.choices)
        )

    def addresses(self, structure: EventStructure, executed: frozenset[int]) -> dict[int, int]:
        """The concrete address of every executed memory event."""
        return {
            event_id: evaluate(structure.events[event_id].address, self.reads, self.choices)
            for event_id in executed
            if structure.events[event_id].has_location
        }


def candidates(structure: EventStructure, escapes: bool = False) -> Iterator[Candidate]:
    """Every self-consistent choice of store-exclusive outcomes, read values and rf sources.

    Without `escapes`, every executed access must name a declared cell (the restriction the
    encoder adds once it has shown that no execution leaves them); with it, accesses may leave
    them, and a read that does returns any value of the domain.
    """
    for outcome in itertools.product((False, True), repeat=len(structure.choices)):
        choices = dict(zip(structure.choices, outcome, strict=True))
        for values, sources in _SourceSearch(structure, choices, escapes).search({}, {}):
            candidate = Candidate(choices, values, sources)
            if _well_formed(structure, candidate, escapes):
                yield candidate


def value_domain(structure: EventStructure) -> list[int]:
    """Values a guessed read may return: 0 and 1, every address, and every integer constant
    in the event structure's values, guards and addresses (where the program's constants,
    initial values included, end up)."""
    domain: set[int] = {0, 1}
    domain.update(structure.cells)
    domain.update(structure.bases.values())
    for event in structure.events:
        for item in (event.address, event.value, event.guard):
            _constants(item, domain)
    for value in structure.final_registers.values():
        _constants(value, domain)
    return sorted(domain)


def _constants(item: object, into: set[int]) -> None:
    if isinstance(item, bool):
        return
    if isinstance(item, int):
        into.add(item)
        return
    if dataclasses.is_dataclass(item):
        for field in dataclasses.fields(item):
            child = getattr(item, field.name)
            for element in child if isinstance(child, tuple) else (child,):
                _constants(element, into)


class _UnknownReadError(Exception):
    """A value or guard mentions a read whose value is not known yet."""


class _Known(dict):  # type: ignore[type-arg]
    """Read values known so far; looking up any other read raises `_UnknownReadError`."""

    def __missing__(self, key: int) -> int:
        raise _UnknownReadError(key)


class _SourceSearch:
    """Depth-first choice of each read's source; values follow by propagation, or by a guess."""

    def __init__(
        self, structure: EventStructure, choices: Mapping[str, bool], escapes: bool
    ) -> None:
        self.choices = choices
        self.escapes = escapes
        self.cells = set(structure.cells)
        self.domain = value_domain(structure)
        self.reads = [event for event in structure.events if event.kind is EventKind.READ]
        self.writes = [event for event in structure.events if event.kind is EventKind.WRITE]
        self.by_id = {event.id: event for event in structure.events}

    def value(self, value: Value, values: Mapping[int, int]) -> int | None:
        try:
            return evaluate(value, _Known(values), self.choices)
        except _UnknownReadError:
            return None

    def guard(self, guard: Guard, values: Mapping[int, int]) -> bool | None:
        try:
            return holds(guard, _Known(values), self.choices)
        except _UnknownReadError:
            return None

    def propagate(self, values: dict[int, int], sources: dict[int, int | None]) -> None:
        """Settle every read whose guard, or whose source's value, is now known."""
        changed = True
        while changed:
            changed = False
            for read in self.reads:
                if read.id not in sources:
                    if self.guard(read.guard, values) is False:
                        sources[read.id] = None
                        values.setdefault(read.id, _UNUSED)
                        changed = True
                elif read.id not in values:
                    source = sources[read.id]
                    assert source is not None and source != OUTSIDE
                    value = self.value(self.by_id[source].value, values)
                    if value is not None:
                        values[read.id] = value
                        changed = True

    def search(
        self, values: dict[int, int], sources: dict[int, int | None]
    ) -> Iterator[tuple[dict[int, int], dict[int, int | None]]]:
        values, sources = dict(values), dict(sources)
        self.propagate(values, sources)
        for read in self.reads:
            if read.id in sources or not self.guard(read.guard, values):
                continue
            address = self.value(read.address, values)
            if address is None:
                continue
            yield from self.branch(read.id, address, values, sources)
            return
        if any(read.id not in values for read in self.reads):
            # Value flow is cyclic: guess the value of one read on the cycle; the guess is
            # checked against its source once everything is known.
            read_id = self.on_cycle(values, sources)
            for value in self.domain:
                yield from self.search({**values, read_id: value}, sources)
            return
        yield values, sources

    def branch(
        self, read_id: int, address: int, values: dict[int, int], sources: dict[int, int | None]
    ) -> Iterator[tuple[dict[int, int], dict[int, int | None]]]:
        """Every source for an executed read at a known address."""
        read = self.by_id[read_id]
        if address not in self.cells:
            if not self.escapes:
                return
            # Outside every declared cell: no write, so any value.
            guesses = [values[read_id]] if read_id in values else self.domain
            for guess in guesses:
                yield from self.search({**values, read_id: guess}, {**sources, read_id: OUTSIDE})
        for write in self.writes:
            if write.thread == read.thread and write.instruction == read.instruction:
                continue  # an instruction never reads its own write
            if self.guard(write.guard, values) is False:
                continue
            where = self.value(write.address, values)
            if where is not None and where != address:
                continue
            what = self.value(write.value, values)
            if read_id in values and what is not None and what != values[read_id]:
                continue
            yield from self.search(values, {**sources, read_id: write.id})

    def on_cycle(self, values: dict[int, int], sources: dict[int, int | None]) -> int:
        """A read without a value that (transitively) waits for its own value."""

        def waits_for(read_id: int) -> list[int]:
            source = sources.get(read_id)
            if source is not None:
                items: tuple[Value | Guard, ...] = (self.by_id[source].value,)
            else:
                read = self.by_id[read_id]
                items = (read.guard, read.address)
            mentioned: set[int] = set()
            for item in items:
                reads_of(item, mentioned)
            return sorted(other for other in mentioned if other not in values)

        current = min(read.id for read in self.reads if read.id not in values)
        visited: list[int] = []
        while current not in visited:
            visited.append(current)
            waiting = waits_for(current)
            assert waiting, f"read e{current} is stuck on nothing"
            current = waiting[0]
        return current


def _well_formed(structure: EventStructure, candidate: Candidate, escapes: bool) -> bool:
    """Everything the search assumed, checked again with every value known."""
    reads, choices = candidate.reads, candidate.choices
    if not all(holds(assumption, reads, choices) for assumption in structure.assumptions):
        return False
    cells = set(structure.cells)
    if not escapes:
        for event in structure.events:
            if (
                event.is_memory
                and holds(event.guard, reads, choices)
                and evaluate(event.address, reads, choices) not in cells
            ):
                return False
    for read_id, source in candidate.sources.items():
        read = structure.events[read_id]
        if source is None:
            if holds(read.guard, reads, choices):
                return False
            continue
        if not holds(read.guard, reads, choices):
            return False
        address = evaluate(read.address, reads, choices)
        if source == OUTSIDE:
            if address in cells:
                return False
            continue
        write = structure.events[source]
        if write.thread == read.thread and write.instruction == read.instruction:
            return False
        if not holds(write.guard, reads, choices):
            return False
        if evaluate(write.address, reads, choices) != address:
            return False
        if evaluate(write.value, reads, choices) != reads[read_id]:
            return False
    return True
