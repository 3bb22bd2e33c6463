"""Brute-force every candidate execution of a small program and collect its reachable final states.

The oracle the Z3 encoder is checked against. It shares the IR, the event structure and the
model's definitions with the product, nothing else: each candidate execution is built
explicitly (store-exclusive outcomes, a source write for every read, a coherence order per cell),
the model's axioms are evaluated over Python sets by `oracle.evaluate`, and the final states of
the consistent candidates are returned.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from oracle.evaluate import ConcreteExecution, Evaluator, monotone_in_coherence

from ringlitmus import ir
from ringlitmus.models.armv8 import ARMV8
from ringlitmus.models.relations import Model
from ringlitmus.outcomes import observed_terms
from ringlitmus.semantics import Event, EventKind, EventStructure, Tag, build_event_structure
from ringlitmus.symbolic import Guard, Value, evaluate, holds, reads_of

State = frozenset[tuple[str, int]]

# What a non-executed read "returns": nothing observable may depend on it.
_UNUSED = 0


@dataclass(frozen=True)
class Candidate:
    """A candidate execution before coherence: choices, read values, and each read's source.

    `sources` maps every read to the write it reads from, or None when it does not execute.
    """

    choices: Mapping[str, bool]
    reads: Mapping[int, int]
    sources: Mapping[int, int | None]


def reachable_states(
    test_or_program: ir.Test | ir.Program,
    labels: Mapping[str, ir.Term] | None = None,
    model: Model = ARMV8,
    condition: ir.Condition | None = None,
) -> set[State]:
    """Every final state (of the labelled terms) some consistent execution reaches.

    A Test contributes its first variant, its labels (`observed_terms`) and its filter; a bare
    Program needs `labels`. `condition`, if given, keeps only the states satisfying it.
    """
    if isinstance(test_or_program, ir.Test):
        program = test_or_program.variants[0].program
        labels = observed_terms(test_or_program) if labels is None else labels
        restriction = test_or_program.filter
    else:
        program = test_or_program
        restriction = None
        assert labels is not None, "a bare program needs labels"
    structure = build_event_structure(program)
    states: set[State] = set()
    for final in final_values(structure, model):
        if restriction is not None and not condition_holds(restriction, final):
            continue
        if condition is not None and not condition_holds(condition, final):
            continue
        states.add(frozenset((label, final(term)) for label, term in labels.items()))
    return states


def is_reachable(test: ir.Test, condition: ir.Condition, model: Model = ARMV8) -> bool:
    """Does some consistent execution of the test's first variant end satisfying `condition`?"""
    structure = build_event_structure(test.variants[0].program)
    return any(
        (test.filter is None or condition_holds(test.filter, final))
        and condition_holds(condition, final)
        for final in final_values(structure, model)
    )


# --------------------------------------------------------------------------- final states

Final = Callable[[ir.Term], int]


def final_values(structure: EventStructure, model: Model) -> Iterator[Final]:
    """For every distinct final state of a consistent execution, its term -> value function."""
    seen: set[tuple[object, ...]] = set()
    for candidate in candidates(structure):
        registers = {
            key: evaluate(value, candidate.reads, candidate.choices)
            for key, value in structure.final_registers.items()
        }
        for memory in _CoherenceSearch(structure, candidate, model).final_memories():
            key = (tuple(sorted(registers.items())), tuple(sorted(memory.items())))
            if key not in seen:
                seen.add(key)
                yield _final(structure, registers, memory)


class _CoherenceSearch:
    """Coherence orders for one candidate, searched per final memory state.

    For each choice of the co-last write of every cell (the final memory), look for one
    coherence order ending so that satisfies the model. When co and fr occur only positively
    in the model, a partial order (the pairs every completion shares) that already breaks an
    axiom prunes the whole subtree; otherwise only complete orders are tested.
    """

    def __init__(self, structure: EventStructure, candidate: Candidate, model: Model) -> None:
        self.structure = structure
        self.candidate = candidate
        self.axioms = model.axioms
        self.prune = monotone_in_coherence(model.axioms)
        executed = _executed(structure, candidate)
        addresses = {
            event_id: evaluate(
                structure.events[event_id].address, candidate.reads, candidate.choices
            )
            for event_id in executed
            if structure.events[event_id].is_memory
        }
        rf = frozenset(
            (source, read) for read, source in candidate.sources.items() if source is not None
        )
        self.base = ConcreteExecution(
            structure, executed, candidate.reads, candidate.choices, addresses, rf
        )
        self.shared: dict[int, frozenset] = {}  # type: ignore[type-arg]
        self.cells: list[tuple[str, int, list[int]]] = []
        for address, cell in structure.cells.items():
            (initial,) = [
                event.id
                for event in structure.init_writes
                if addresses.get(event.id) == address
            ]
            writes = [
                event.id
                for event in structure.events
                if event.id in executed
                and event.kind is EventKind.WRITE
                and Tag.INIT not in event.tags
                and addresses[event.id] == address
            ]
            self.cells.append((cell, initial, writes))

    def final_memories(self) -> Iterator[dict[str, int]]:
        """Every final memory some consistent coherence order leaves."""
        choices = [writes or [initial] for _, initial, writes in self.cells]
        if self.prune and not self.consistent_with(self.initial_first()):
            return
        for lasts in itertools.product(*choices):
            if self.completes([], list(lasts)):
                yield {
                    cell: evaluate(
                        self.structure.events[last].value,
                        self.candidate.reads,
                        self.candidate.choices,
                    )
                    for (cell, _, _), last in zip(self.cells, lasts, strict=True)
                }

    def completes(self, orders: list[tuple[int, ...]], lasts: list[int]) -> bool:
        """Can the cells after `orders` be ordered (ending in `lasts`) consistently?"""
        index = len(orders)
        if index == len(self.cells):
            return self.consistent(orders, (), lasts)
        _, _, writes = self.cells[index]
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
        self, orders: list[tuple[int, ...]], prefix: tuple[int, ...], lasts: list[int]
    ) -> bool:
        """Do the coherence pairs every completion shares satisfy the model?"""
        pairs: set[tuple[int, int]] = set()
        for index, (_, initial, writes) in enumerate(self.cells):
            if index < len(orders):
                pairs.update(itertools.combinations((initial, *orders[index]), 2))
                continue
            pairs.update((initial, write) for write in writes)
            if not writes:
                continue
            last = lasts[index]
            placed = (initial, *prefix) if index == len(orders) else (initial,)
            rest = [write for write in writes if write not in placed]
            pairs.update(itertools.combinations(placed, 2))
            pairs.update((first, second) for first in placed for second in rest)
            pairs.update((write, last) for write in rest if write != last)
        return self.consistent_with(pairs)

    def initial_first(self) -> set[tuple[int, int]]:
        """The coherence pairs every order has: each cell's initial write comes first."""
        return {(initial, write) for _, initial, writes in self.cells for write in writes}

    def consistent_with(self, pairs: set[tuple[int, int]]) -> bool:
        execution = dataclasses.replace(self.base, co=frozenset(pairs))
        return Evaluator(execution, self.shared).consistent(self.axioms)


def _final(
    structure: EventStructure, registers: dict[tuple[str, str], int], memory: dict[str, int]
) -> Final:
    def final(term: ir.Term) -> int:
        if isinstance(term, ir.Const):
            return term.value
        if isinstance(term, ir.Address):
            return structure.bases[term.location]
        if isinstance(term, ir.FinalLocation):
            return memory[term.cell]
        assert isinstance(term, ir.FinalRegister)
        return registers.get((term.thread, term.register), 0)

    return final


def condition_holds(condition: ir.Condition, final: Final) -> bool:
    """The truth of a final-state condition."""
    if isinstance(condition, ir.Truth):
        return condition.value
    if isinstance(condition, ir.Compare):
        left = final(condition.left)  # type: ignore[arg-type]
        right = final(condition.right)  # type: ignore[arg-type]
        return {
            ir.CmpOp.EQ: left == right,
            ir.CmpOp.NE: left != right,
            ir.CmpOp.LT: left < right,
            ir.CmpOp.LE: left <= right,
            ir.CmpOp.GT: left > right,
            ir.CmpOp.GE: left >= right,
        }[condition.op]
    parts = [condition_holds(operand, final) for operand in condition.operands]
    if condition.op is ir.BoolOpKind.NOT:
        return not parts[0]
    if condition.op is ir.BoolOpKind.AND:
        return all(parts)
    return any(parts)


def _executed(structure: EventStructure, candidate: Candidate) -> frozenset[int]:
    return frozenset(
        event.id
        for event in structure.events
        if holds(event.guard, candidate.reads, candidate.choices)
    )


# --------------------------------------------------------------------------- candidates


def value_domain(structure: EventStructure, program: ir.Program | None = None) -> list[int]:
    """Values a read caught in a cycle of value flow may be guessed to return.

    0 and 1, every initial value, every address, and every integer constant in the event
    structure's values, guards and addresses (which is where the program's constants end up).
    """
    domain: set[int] = {0, 1}
    domain.update(structure.cells)
    domain.update(structure.bases.values())
    for event in structure.events:
        for item in (event.address, event.value, event.guard):
            _constants(item, domain)
    for guard in (*structure.ctrl.values(), *structure.data.values()):
        _constants(guard, domain)
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
            if isinstance(child, tuple):
                for element in child:
                    _constants(element, into)
            else:
                _constants(child, into)


class _Unknown(Exception):
    """A value or guard mentions a read whose value is not known yet."""


def _try_value(value: Value, reads: Mapping[int, int], choices: Mapping[str, bool]) -> int | None:
    try:
        return evaluate(value, _Strict(reads), choices)
    except _Unknown:
        return None


def _try_holds(guard: Guard, reads: Mapping[int, int], choices: Mapping[str, bool]) -> bool | None:
    try:
        return holds(guard, _Strict(reads), choices)
    except _Unknown:
        return None


class _Strict(dict):  # type: ignore[type-arg]
    """Read values known so far; looking up any other read raises `_Unknown`."""

    def __missing__(self, key: int) -> int:
        raise _Unknown(key)


def candidates(structure: EventStructure) -> Iterator[Candidate]:
    """Every self-consistent choice of store-exclusive outcomes, read values and rf sources."""
    cells = set(structure.cells)
    for outcome in itertools.product((False, True), repeat=len(structure.choices)):
        choices = dict(zip(structure.choices, outcome, strict=True))
        for values, sources in _SourceSearch(structure, choices).run():
            candidate = Candidate(choices, values, sources)
            if _well_formed(structure, candidate, cells):
                yield candidate


class _SourceSearch:
    """Depth-first choice of each read's source; values follow by propagation, or by a guess."""

    def __init__(self, structure: EventStructure, choices: Mapping[str, bool]) -> None:
        self.choices = choices
        self.domain = value_domain(structure)
        self.reads = [event for event in structure.events if event.kind is EventKind.READ]
        self.writes = [event for event in structure.events if event.kind is EventKind.WRITE]
        self.by_id = {event.id: event for event in structure.events}

    def run(self) -> Iterator[tuple[dict[int, int], dict[int, int | None]]]:
        return self.search({}, {})

    def value(self, value: Value, values: Mapping[int, int]) -> int | None:
        return _try_value(value, values, self.choices)

    def guard(self, guard: Guard, values: Mapping[int, int]) -> bool | None:
        return _try_holds(guard, values, self.choices)

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
                    assert source is not None
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
            for write in self.writes:
                if write.thread == read.thread and write.instruction == read.instruction:
                    continue  # an instruction never reads its own write
                if self.guard(write.guard, values) is False:
                    continue
                where = self.value(write.address, values)
                if where is not None and where != address:
                    continue
                what = self.value(write.value, values)
                if read.id in values and what is not None and what != values[read.id]:
                    continue
                yield from self.search(values, {**sources, read.id: write.id})
            return
        if any(read.id not in values for read in self.reads):
            # Value flow is cyclic: guess the value of one read on the cycle; the guess is
            # checked against its source once everything is known.
            read_id = self.on_cycle(values, sources)
            for value in self.domain:
                yield from self.search({**values, read_id: value}, sources)
            return
        yield values, sources

    def on_cycle(self, values: dict[int, int], sources: dict[int, int | None]) -> int:
        """A read without a value that (transitively) waits for its own value."""
        def waits_for(read_id: int) -> list[int]:
            read = self.by_id[read_id]
            source = sources.get(read_id)
            if source is not None:
                items: tuple[object, ...] = (self.by_id[source].value,)
            else:
                items = (read.guard, read.address)
            mentioned: set[int] = set()
            for item in items:
                reads_of(item, mentioned)  # type: ignore[arg-type]
            return sorted(other for other in mentioned if other not in values)

        current = min(read.id for read in self.reads if read.id not in values)
        visited: list[int] = []
        while current not in visited:
            visited.append(current)
            waiting = waits_for(current)
            assert waiting, f"read e{current} is stuck on nothing"
            current = waiting[0]
        return current


def _well_formed(structure: EventStructure, candidate: Candidate, cells: set[int]) -> bool:
    """Everything the search assumed, checked again with every value known."""
    reads, choices = candidate.reads, candidate.choices
    for event in structure.events:
        if event.is_memory and holds(event.guard, reads, choices):
            # A computed address must name a declared cell (the encoder's own restriction,
            # see encode/execution.py; outcomes outside it are reported separately).
            if evaluate(event.address, reads, choices) not in cells:
                return False
    for read_id, source in candidate.sources.items():
        read = structure.events[read_id]
        executes = holds(read.guard, reads, choices)
        if source is None:
            if executes:
                return False
            continue
        if not executes:
            return False
        write = structure.events[source]
        if write.thread == read.thread and write.instruction == read.instruction:
            return False
        if not holds(write.guard, reads, choices):
            return False
        if evaluate(write.address, reads, choices) != evaluate(read.address, reads, choices):
            return False
        if evaluate(write.value, reads, choices) != reads[read_id]:
            return False
    return True
