"""Coherence orders of one candidate execution, searched per final memory state.

For each choice of the co-last write of every cell (which is the final memory), look for one
coherence order ending that way that satisfies the model. When co and fr occur only positively
in the model's axioms, the pairs every completion of a partial order shares already break an
axiom only if every completion does, so such a partial order prunes its whole subtree; for
other models only complete orders are tested.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator

from oracle.candidates import OUTSIDE, Candidate
from oracle.evaluate import ConcreteExecution, Evaluator, monotone_in_coherence
from ringlitmus.models.relations import Model
from ringlitmus.semantics import EventKind, EventStructure, Tag
from ringlitmus.symbolic import evaluate


@dataclasses.dataclass(frozen=True)
class _Group:
    """The writes to one address: a declared cell (with its initial write) or, for accesses
    outside every declared cell, an address with no initial write."""

    cell: str | None
    initial: int | None
    writes: tuple[int, ...]

    @property
    def head(self) -> tuple[int, ...]:
        return () if self.initial is None else (self.initial,)


class CoherenceSearch:
    """The consistent coherence orders of one candidate."""

    def __init__(self, structure: EventStructure, candidate: Candidate, model: Model) -> None:
        self.structure = structure
        self.candidate = candidate
        self.axioms = model.axioms
        self.prune = monotone_in_coherence(model.axioms)
        executed = candidate.executed(structure)
        addresses = candidate.addresses(structure, executed)
        self.outside = any(address not in structure.cells for address in addresses.values())
        rf = frozenset(
            (source, read)
            for read, source in candidate.sources.items()
            if source is not None and source != OUTSIDE
        )
        self.base = ConcreteExecution(
            structure, executed, candidate.reads, candidate.choices, addresses, rf
        )
        self.shared: dict[int, frozenset] = {}  # type: ignore[type-arg]
        written: dict[int, list[int]] = {}
        for event in structure.events:
            if (
                event.id in executed
                and event.kind is EventKind.WRITE
                and Tag.INIT not in event.tags
            ):
                written.setdefault(addresses[event.id], []).append(event.id)
        initial_at = {addresses[event.id]: event.id for event in structure.init_writes}
        self.groups = [
            _Group(cell, initial_at[address], tuple(written.pop(address, ())))
            for address, cell in structure.cells.items()
        ]
        self.groups += [_Group(None, None, tuple(writes)) for writes in written.values()]

    def final_memories(self) -> Iterator[dict[str, int]]:
        """Every final memory (of the declared cells) a consistent coherence order leaves."""
        if self.prune and not self.consistent_with(self.shared_by_all()):
            return
        choices = [group.writes or group.head for group in self.groups]
        for lasts in itertools.product(*choices):
            if self.completes([], lasts):
                yield {
                    group.cell: evaluate(
                        self.structure.events[last].value,
                        self.candidate.reads,
                        self.candidate.choices,
                    )
                    for group, last in zip(self.groups, lasts, strict=True)
                    if group.cell is not None
                }

    def completes(self, orders: list[tuple[int, ...]], lasts: tuple[int, ...]) -> bool:
        """Can the groups after `orders` be ordered (ending in `lasts`) consistently?"""
        index = len(orders)
        if index == len(self.groups):
            return self.consistent(orders, (), lasts)
        writes = self.groups[index].writes
        last = lasts[index]
        others = [write for write in writes if write != last]

        def place(prefix: tuple[int, ...]) -> bool:
            if self.prune and not self.consistent(orders, prefix, lasts):
                return False
            if len(prefix) == len(others):
                order = (*prefix, last) if writes else ()
                return self.completes([*orders, order], lasts)
            return any(place((*prefix, write)) for write in others if write not in prefix)

        return place(())

    def consistent(
        self, orders: list[tuple[int, ...]], prefix: tuple[int, ...], lasts: tuple[int, ...]
    ) -> bool:
        """Do the coherence pairs every completion shares satisfy the model?

        Groups in `orders` are fixed; the next one has `prefix` placed first; for the rest
        only the initial write (first) and the chosen last write are known.
        """
        pairs: set[tuple[int, int]] = set()
        for index, group in enumerate(self.groups):
            if index < len(orders):
                pairs.update(itertools.combinations((*group.head, *orders[index]), 2))
                continue
            if not group.writes:
                continue
            placed = (*group.head, *prefix) if index == len(orders) else group.head
            rest = [write for write in group.writes if write not in placed]
            last = lasts[index]
            pairs.update(itertools.combinations(placed, 2))
            pairs.update((first, second) for first in placed for second in rest)
            pairs.update((write, last) for write in rest if write != last)
        return self.consistent_with(pairs)

    def shared_by_all(self) -> set[tuple[int, int]]:
        """The coherence pairs every order has: each cell's initial write comes first."""
        return {
            (group.initial, write)
            for group in self.groups
            if group.initial is not None
            for write in group.writes
        }

    def consistent_with(self, pairs: set[tuple[int, int]]) -> bool:
        execution = dataclasses.replace(self.base, co=frozenset(pairs))
        return Evaluator(execution, self.shared).consistent(self.axioms)
