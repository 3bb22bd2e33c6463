"""Conditions that only say which events execute, and the reduction of the edges they switch on.

Most ordering edges of a model are po-based (bob, dob, ctrl;[W], ...): they hold exactly when
both their events execute. Building a Z3 term for each, and giving each to the solver, is what
made large programs slow. Here such a condition stays a set of events (`Executes`) until a term
is really needed, and an acyclicity constraint drops a static edge a->c when static edges
a->b->c order the same events whenever a and c execute (b's guard follows from theirs): the
transitive reduction that keeps a ring's ob linear in its size rather than quadratic.

Conditions that do involve the solver's choices (rf, co, values) are combined the same lazy
way (`Junction`): a relation's pair gets its Z3 term only when a constraint or a query asks for
it. Most pairs of intermediate relations (prop, cumul-fence+, the compositions inside a
sequence) are dropped by a later filter or intersection and never need one.

Guard implication is syntactic: a guard whose conjuncts are a subset of another's follows from
it. That is sound whatever the guards say, and exact for the nested path conditions of forward
control flow, where every later event's guard extends an earlier one's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from ringlitmus.deadline import Deadline, Phase, paced
from ringlitmus.encode.terms import Cond, all_of, any_of, negation
from ringlitmus.semantics import EventStructure
from ringlitmus.symbolic import Guard, conjunct_closure


@dataclass(frozen=True, slots=True)
class Executes:
    """The condition "every one of `events` executes" (never empty: that is True)."""

    events: frozenset[int]


class Junction:
    """The conjunction or disjunction of `operands` (raw conditions, at least two, none a
    Python bool), whose Z3 term is made once, when first asked for (`Conditions.term`)."""

    __slots__ = ("conjunction", "made", "operands")

    def __init__(self, conjunction: bool, operands: tuple[Raw, ...]) -> None:
        self.conjunction = conjunction
        self.operands = operands
        self.made: Cond | None = None


Raw = Cond | Executes | Junction
Pair = tuple[int, int]


class GuardFacts:
    """Which event's guard follows from which, read off the guards' conjuncts."""

    def __init__(self, structure: EventStructure) -> None:
        self.structure = structure
        self._flat: dict[Guard, frozenset[Guard]] = {}
        self.conjuncts = [self.flatten(event.guard) for event in structure.events]
        self.position: dict[int, int] = {}
        for events in structure.thread_events:
            for index, event in enumerate(events):
                self.position[event] = index
        self._implied: dict[int, int] | None = None

    def flatten(self, guard: Guard) -> frozenset[Guard]:
        """A guard's conjuncts, through conjunctions and named blocks (and the blocks)."""
        return conjunct_closure(guard, self._flat)

    def same_thread_forward(self, a: int, b: int) -> bool:
        """Are a and b events of one thread, a before b in program order?"""
        events = self.structure.events
        return events[a].thread == events[b].thread >= 0 and self.position[a] < self.position[b]

    def implies(self, first: int, second: int) -> bool:
        """Does `first` executing imply that `second` (of the same thread) executes?"""
        return bool(self.implied_mask(first) >> self.position[second] & 1)

    def implied_mask(self, event: int) -> int:
        """Bitmask, over positions in `event`'s thread, of the events that execute whenever
        `event` does."""
        if self._implied is None:
            self._implied = self._implied_masks()
        return self._implied[event]

    def _implied_masks(self) -> dict[int, int]:
        masks: dict[int, int] = {}
        for events in self.structure.thread_events:
            groups: dict[frozenset[Guard], int] = defaultdict(int)
            for event in events:
                groups[self.conjuncts[event]] |= 1 << self.position[event]
            implied = {
                guard: _or_masks(mask for other, mask in groups.items() if other <= guard)
                for guard in groups
            }
            for event in events:
                masks[event] = implied[self.conjuncts[event]]
        return masks


class Conditions:
    """Combine raw conditions, keeping `Executes` sets symbolic until a Z3 term is needed."""

    def __init__(self, executes: dict[int, Cond], facts: GuardFacts) -> None:
        self.executes = executes
        self.facts = facts
        self._terms: dict[frozenset[int], Cond] = {}
        self._of_events: dict[tuple[int, ...], Raw] = {}

    def of_events(self, *events: int) -> Raw:
        """The condition that every one of `events` executes."""
        if events in self._of_events:
            return self._of_events[events]
        condition = self._of_events[events] = self._executes_all(events)
        return condition

    def _executes_all(self, events: tuple[int, ...]) -> Raw:
        needed = []
        for event in events:
            condition = self.executes[event]
            if condition is False:
                return False
            if condition is not True:
                needed.append(event)
        return Executes(frozenset(needed)) if needed else True

    def both(self, first: Raw, second: Raw) -> Raw:
        """`conjoin((first, second))`, quicker for the two-set case relations are made of."""
        if second is True:
            return first
        if first is False or second is False:
            return False
        if type(first) is Executes and type(second) is Executes:
            if first.events == second.events:
                return first
            return Executes(first.events | second.events)
        return self.conjoin((first, second))

    def conjoin(self, conditions: Iterable[Raw]) -> Raw:
        """And, staying an `Executes` set when every operand is one; otherwise a Junction
        whose term is `all_of` of the operands' terms, the sets' joined one last."""
        events: set[int] = set()
        terms: list[Raw] = []
        for condition in conditions:
            if condition is False:
                return False
            if condition is True:
                continue
            if isinstance(condition, Executes):
                events |= condition.events
            else:
                terms.append(condition)
        if not terms:
            return Executes(frozenset(events)) if events else True
        if events:
            terms.append(Executes(frozenset(events)))
        return terms[0] if len(terms) == 1 else Junction(True, tuple(terms))

    def disjoin(self, conditions: Iterable[Raw]) -> Raw:
        """Or; of `Executes` sets one of which is in all the others, that one (absorption);
        otherwise a Junction whose term is `any_of` of the operands' terms, the sets' last."""
        sets: list[Executes] = []
        terms: list[Raw] = []
        for condition in conditions:
            if condition is True:
                return True
            if condition is False:
                continue
            if isinstance(condition, Executes):
                sets.append(condition)
            else:
                terms.append(condition)
        if not terms and sets:
            weakest = min(sets, key=lambda condition: len(condition.events))
            if all(weakest.events <= condition.events for condition in sets):
                return weakest
        operands = (*terms, *sets)
        return operands[0] if len(operands) == 1 else Junction(False, operands)

    def negate(self, condition: Raw) -> Cond:
        """Not, as a Z3 condition."""
        return negation(self.term(condition))

    def term(self, condition: Raw) -> Cond:
        """The Z3 condition (or bool) for a raw condition."""
        if isinstance(condition, Junction):
            return self._made(condition)
        if not isinstance(condition, Executes):
            return condition
        events = condition.events
        if events not in self._terms:
            self._terms[events] = self._conjunction(events)
        return self._terms[events]

    def _made(self, root: Junction) -> Cond:
        """A Junction's term, its operands' first (depth-first, left to right), each made
        once; without recursion, as a closure's disjunctions nest as deep as its size."""
        stack = [root]
        while stack:
            junction = stack[-1]
            pending = [
                operand
                for operand in junction.operands
                if isinstance(operand, Junction) and operand.made is None
            ]
            if pending:
                stack.extend(reversed(pending))
                continue
            stack.pop()
            if junction.made is None:
                terms = [self.term(operand) for operand in junction.operands]
                junction.made = all_of(terms) if junction.conjunction else any_of(terms)
        assert root.made is not None
        return root.made

    def _conjunction(self, events: frozenset[int]) -> Cond:
        # One representative per distinct guard, and none whose guard another's implies.
        conjuncts = self.facts.conjuncts
        by_guard = {conjuncts[event]: event for event in sorted(events)}
        strongest = [
            event
            for guard, event in by_guard.items()
            if not any(guard < other for other in by_guard)
        ]
        return all_of(self.executes[event] for event in strongest)

    def is_static(self, a: int, b: int, condition: Raw) -> bool:
        """Does `condition` hold exactly when a and b both execute, a po-before b?"""
        if condition is False or not self.facts.same_thread_forward(a, b):
            return False
        if isinstance(condition, Executes):
            events = condition.events
        elif condition is True:
            events = frozenset()
        else:
            return False
        implies = self.facts.implies
        thread = self.facts.structure.events[a].thread
        threads = self.facts.structure.events
        for event in events:
            if event in (a, b):
                continue
            if threads[event].thread != thread or not (implies(a, event) or implies(b, event)):
                return False
        return all(
            endpoint in events
            or self.executes[endpoint] is True
            or any(implies(event, endpoint) for event in events)
            for endpoint in (a, b)
        )


def reduce_static(
    edges: list[Pair], facts: GuardFacts, deadline: Deadline | None = None
) -> list[Pair]:
    """Drop a->c where static a->b and b->c exist and b executes whenever a and c do.

    By induction on the distance from a to c in program order, the kept edges still order
    every pair of executing endpoints that any of the edges did. Past `deadline`,
    CheckTimeoutError (each edge is a few operations on masks as wide as the program).
    """
    successors: dict[int, int] = defaultdict(int)
    predecessors: dict[int, int] = defaultdict(int)
    position = facts.position
    for a, b in paced(edges, deadline, Phase.RELATIONS):
        successors[a] |= 1 << position[b]
        predecessors[b] |= 1 << position[a]
    return [
        (a, c)
        for a, c in paced(edges, deadline, Phase.RELATIONS, every=64)
        if not successors[a] & predecessors[c] & (facts.implied_mask(a) | facts.implied_mask(c))
    ]


def _or_masks(masks: Iterable[int]) -> int:
    result = 0
    for mask in masks:
        result |= mask
    return result


class ProgramOrder:
    """po, as each event's successors and predecessors, made when first asked for.

    po is quadratic in a thread's length, and most uses need only the successors of a few
    events (`[A];po`) or the predecessors of a few (`po;[L]`). It orders statements (each
    instruction is one, but for C: see ir.Thread): the read and write of one RMW are not
    po-related (herd relates them by iico instead), else lws;si would make every RMW a cycle.
    """

    def __init__(self, structure: EventStructure, conditions: Conditions) -> None:
        self.structure = structure
        self.conditions = conditions
        self.events = [event for events in structure.thread_events for event in events]

    def successors(self, event: int) -> list[tuple[int, Raw]]:
        """The events po-after `event`, with the condition that both execute."""
        events, index = self._place(event)
        return self._related(event, events[index + 1 :], forward=True)

    def predecessors(self, event: int) -> list[tuple[int, Raw]]:
        """The events po-before `event`, with the condition that both execute."""
        events, index = self._place(event)
        return self._related(event, events[:index], forward=False)

    def _place(self, event: int) -> tuple[list[int], int]:
        # KeyError for an initial write (it has no thread): an index's `get` then finds none.
        index = self.conditions.facts.position[event]
        return self.structure.thread_events[self.structure.events[event].thread], index

    def _related(self, event: int, others: list[int], forward: bool) -> list[tuple[int, Raw]]:
        events_of = self.structure.events
        statement = events_of[event].statement
        of_events = self.conditions.of_events
        related = []
        for other in others:
            if events_of[other].statement == statement:
                continue
            condition = of_events(event, other) if forward else of_events(other, event)
            if condition is not False:
                related.append((other, condition))
        return related

    def same_location(self, same_address: Callable[[int, int], Cond]) -> dict[Pair, Raw]:
        """po-loc: po between accesses that may touch one cell, found by cell, not by pair."""
        events_of = self.structure.events
        pairs: dict[Pair, Raw] = {}
        for events in self.structure.thread_events:
            memory = [event for event in events if events_of[event].is_memory]
            at: dict[int, list[int]] = defaultdict(list)
            anywhere: list[int] = []
            for event in memory:
                address = events_of[event].address
                if isinstance(address, int):
                    at[address].append(event)
                else:
                    anywhere.append(event)
            groups = [sorted(cell + anywhere) for cell in at.values()] or [anywhere]
            for group in groups:
                self._add_same_location(group, same_address, pairs)
        return pairs

    def _add_same_location(
        self, group: list[int], same_address: Callable[[int, int], Cond], pairs: dict[Pair, Raw]
    ) -> None:
        events_of = self.structure.events
        for index, first in enumerate(group):
            for second in group[index + 1 :]:
                if events_of[first].statement == events_of[second].statement:
                    continue
                condition = self.conditions.both(
                    self.conditions.of_events(first, second), same_address(first, second)
                )
                if condition is not False:
                    pairs[(first, second)] = condition


class Lazy(Mapping[int, list[tuple[int, Raw]]]):
    """A read-only index whose entries are computed, once, when looked up."""

    def __init__(self, compute: Callable[[int], list[tuple[int, Raw]]]) -> None:
        self._compute = compute
        self._cache: dict[int, list[tuple[int, Raw]]] = {}

    def __getitem__(self, key: int) -> list[tuple[int, Raw]]:
        if key not in self._cache:
            self._cache[key] = self._compute(key)
        return self._cache[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._cache)

    def __len__(self) -> int:
        return len(self._cache)
