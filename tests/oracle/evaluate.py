"""Evaluate relation-algebra terms over Python sets of event pairs, for one concrete execution.

A direct reading of the cat definitions, written apart from `ringlitmus.encode`: every base set
and relation is computed from the event structure and the execution's concrete choices (which
events happen, what each read returns, rf and co), and every operator is the set operation it
names. Nothing here may import from `ringlitmus.encode`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ringlitmus.ir import FenceKind
from ringlitmus.models import relations as rel
from ringlitmus.models.relations import AxiomKind, BaseRelation, BaseSet
from ringlitmus.semantics import Event, EventKind, EventStructure, Pairs, Tag
from ringlitmus.symbolic import evaluate, holds

Pair = tuple[int, int]
Relation = frozenset[Pair]
Events = frozenset[int]


@dataclass
class ConcreteExecution:
    """One candidate execution: executed events, read values, choices, addresses, rf and co.

    `co` is the full (transitive) coherence order, initial writes first; `addresses` holds the
    concrete address of every executed memory event.
    """

    structure: EventStructure
    executed: frozenset[int]
    reads: Mapping[int, int]
    choices: Mapping[str, bool]
    addresses: Mapping[int, int]
    rf: Relation
    co: Relation = field(default_factory=frozenset)


# Relations that change from one coherence order to the next; everything else is shared.
_COHERENCE = frozenset({BaseRelation.CO, BaseRelation.FR})


_MENTIONS: dict[int, tuple[object, bool]] = {}


def mentions_coherence(term: rel.RelTerm | rel.SetTerm) -> bool:
    """Does `term` (transitively) use co or fr? (Memoised by identity: hashing a deep term
    walks all of it, and model terms live as long as their module.)"""
    known = _MENTIONS.get(id(term))
    if known is None or known[0] is not term:
        known = (term, _mentions_coherence(term))
        _MENTIONS[id(term)] = known
    return known[1]


def _mentions_coherence(term: rel.RelTerm | rel.SetTerm) -> bool:
    if isinstance(term, rel.Rel):
        return term.base in _COHERENCE
    if isinstance(term, rel.EventSet):
        return False
    if isinstance(term, rel.Union | rel.Seq | rel.SetUnion):
        return any(mentions_coherence(operand) for operand in term.operands)
    if isinstance(term, rel.Inter | rel.Diff | rel.SetInter | rel.SetDiff):
        return mentions_coherence(term.left) or mentions_coherence(term.right)
    if isinstance(term, rel.Ident):
        return mentions_coherence(term.events)
    if isinstance(term, rel.Inverse | rel.Plus | rel.Named | rel.Range):
        return mentions_coherence(term.relation)
    if isinstance(term, rel.Product):
        return False
    if isinstance(term, rel.Fix | rel.Recursive):
        return True  # kept per execution: a fixpoint's value is recomputed each time
    raise AssertionError(term)


class Evaluator:
    """Sets and relations of one execution, memoised per term.

    `shared` is a cache for terms that use neither co nor fr: callers that try every coherence
    order for one rf choice pass the same dict to each evaluator.
    """

    def __init__(
        self,
        execution: ConcreteExecution,
        shared: dict[int, frozenset] | None = None,  # type: ignore[type-arg]
    ) -> None:
        self.execution = execution
        self.structure = execution.structure
        self.shared = {} if shared is None else shared
        self.local: dict[int, frozenset] = {}  # type: ignore[type-arg]
        # The value a recursive definition's own name has while its body is evaluated.
        self.recursive: dict[str, Relation] = {}
        self.events: list[Event] = [
            self.structure.events[event_id] for event_id in sorted(execution.executed)
        ]

    def _memo(self, term: object) -> dict[int, frozenset]:  # type: ignore[type-arg]
        """Where `term`'s value is kept; keys are term identities (see `mentions_coherence`,
        which keeps every term it has seen alive, so an identity is never reused)."""
        return self.local if mentions_coherence(term) else self.shared  # type: ignore[arg-type]

    # ------------------------------------------------------------------ sets

    def set_of(self, term: rel.SetTerm) -> Events:
        """The executed events in `term`."""
        memo = self._memo(term)
        key = id(term)
        if key not in memo:
            memo[key] = self._set(term)
        return memo[key]

    def _set(self, term: rel.SetTerm) -> Events:
        if isinstance(term, rel.EventSet):
            return frozenset(event.id for event in self.events if in_base_set(term.base, event))
        if isinstance(term, rel.SetUnion):
            return frozenset().union(*(self.set_of(operand) for operand in term.operands))
        if isinstance(term, rel.SetInter):
            return self.set_of(term.left) & self.set_of(term.right)
        if isinstance(term, rel.SetDiff):
            return self.set_of(term.left) - self.set_of(term.right)
        assert isinstance(term, rel.Range)
        return frozenset(target for _, target in self.relation(term.relation))

    # ------------------------------------------------------------------ relations

    def relation(self, term: rel.RelTerm) -> Relation:
        """The pairs of executed events in `term`."""
        memo = self._memo(term)
        key = id(term)
        if key not in memo:
            memo[key] = self._relation(term)
        return memo[key]

    def _relation(self, term: rel.RelTerm) -> Relation:
        if isinstance(term, rel.Named):
            return self.relation(term.relation)
        if isinstance(term, rel.Rel):
            return self.base(term.base)
        if isinstance(term, rel.Ident):
            return frozenset((event, event) for event in self.set_of(term.events))
        if isinstance(term, rel.Union):
            return frozenset().union(*(self.relation(operand) for operand in term.operands))
        # Nothing to the right is worked out once the left is empty: LKMM's plain-access
        # relations (`pre-race & rf & rw-xbstar^-1`) cost nothing without plain accesses.
        if isinstance(term, rel.Inter):
            left = self.relation(term.left)
            return left & self.relation(term.right) if left else left
        if isinstance(term, rel.Diff):
            left = self.relation(term.left)
            return left - self.relation(term.right) if left else left
        if isinstance(term, rel.Seq):
            result = self.relation(term.operands[0])
            for operand in term.operands[1:]:
                if not result:
                    break
                result = compose(result, self.relation(operand))
            return result
        if isinstance(term, rel.Inverse):
            return frozenset((b, a) for a, b in self.relation(term.relation))
        if isinstance(term, rel.Product):
            right = self.set_of(term.right)
            return frozenset((a, b) for a in self.set_of(term.left) for b in right)
        if isinstance(term, rel.Recursive):
            return self.recursive.get(term.name, frozenset())
        if isinstance(term, rel.Fix):
            return self._least_fixpoint(term)
        assert isinstance(term, rel.Plus)
        return transitive_closure(self.relation(term.relation))

    def _least_fixpoint(self, term: rel.Fix) -> Relation:
        """cat's `let rec`: iterate the body from the empty relation until it is stable."""
        current: Relation = frozenset()
        while True:
            inner = Evaluator(self.execution, self.shared)
            inner.recursive = {**self.recursive, term.name: current}
            following = inner.relation(term.body)
            if following == current:
                return current
            current = following

    def base(self, base: BaseRelation) -> Relation:
        """A base relation, read straight off the execution."""
        execution = self.execution
        events = self.events
        if base is BaseRelation.PO:
            # Program order: the thread's executed events in the order the thread issues them.
            order = []
            for thread_events in self.structure.thread_events:
                issued = [event for event in thread_events if event in execution.executed]
                order.extend(
                    (first, second)
                    for index, first in enumerate(issued)
                    for second in issued[index + 1 :]
                )
            return frozenset(order)
        if base is BaseRelation.RF:
            return execution.rf
        if base is BaseRelation.CO:
            return execution.co
        if base is BaseRelation.FR:
            # fr = rf^-1; co
            return compose(frozenset((r, w) for w, r in execution.rf), execution.co)
        if base is BaseRelation.LOC:
            memory = [event for event in events if event.has_location]
            return frozenset(
                (a.id, b.id)
                for a in memory
                for b in memory
                if execution.addresses[a.id] == execution.addresses[b.id]
            )
        if base is BaseRelation.INT:
            return frozenset((a.id, b.id) for a in events for b in events if _same_thread(a, b))
        if base is BaseRelation.EXT:
            return frozenset((a.id, b.id) for a in events for b in events if not _same_thread(a, b))
        if base is BaseRelation.SAME_INSTANCE:
            return frozenset(
                (a.id, b.id)
                for a in events
                for b in events
                if a.id == b.id or (_same_thread(a, b) and a.instruction == b.instruction)
            )
        if base is BaseRelation.DIFFERENT_VALUES:
            accesses = [event for event in events if event.kind is not EventKind.FENCE]
            value = {
                event.id: evaluate(event.value, execution.reads, execution.choices)
                for event in accesses
            }
            return frozenset(
                (a.id, b.id) for a in accesses for b in accesses if value[a.id] != value[b.id]
            )
        static: dict[BaseRelation, Pairs] = {
            BaseRelation.RMW: self.structure.rmw,
            BaseRelation.AMO: self.structure.amo,
            BaseRelation.LXSX: self.structure.lxsx,
            BaseRelation.ADDR: self.structure.addr,
            BaseRelation.DATA: self.structure.data,
            BaseRelation.CTRL: self.structure.ctrl,
            BaseRelation.PICK_BASIC_DEP: self.structure.pick_basic_dep,
            BaseRelation.PICK_ADDR_DEP: self.structure.pick_addr_dep,
            BaseRelation.PICK_DATA_DEP: self.structure.pick_data_dep,
            BaseRelation.PICK_CTRL_DEP: self.structure.pick_ctrl_dep,
            BaseRelation.RCU_RSCS: self.structure.rcu_rscs,
        }
        return frozenset(
            (a, b)
            for (a, b), guard in static[base].items()
            if a in execution.executed
            and b in execution.executed
            and holds(guard, execution.reads, execution.choices)
        )

    # ------------------------------------------------------------------ axioms

    def satisfies(self, axiom: rel.Axiom) -> bool:
        """Does the execution satisfy `axiom`?"""
        relation = axiom.relation
        while isinstance(relation, rel.Named):
            relation = relation.relation
        if axiom.kind is AxiomKind.IRREFLEXIVE and isinstance(relation, rel.Plus):
            # r+ is irreflexive exactly when r is acyclic; no need to build the closure.
            return is_acyclic(self.relation(relation.relation))
        pairs = self.relation(relation)
        if axiom.kind is AxiomKind.EMPTY:
            return not pairs
        if axiom.kind is AxiomKind.IRREFLEXIVE:
            return all(a != b for a, b in pairs)
        return is_acyclic(pairs)

    def consistent(self, axioms: Iterable[rel.Axiom]) -> bool:
        """Does the execution satisfy every axiom?"""
        return all(self.satisfies(axiom) for axiom in axioms)


def in_base_set(base: BaseSet, event: Event) -> bool:
    """Membership of one event in a base set, from its kind, tags and barrier kind."""
    if base is BaseSet.R:
        return event.kind is EventKind.READ
    if base is BaseSet.W:
        return event.kind is EventKind.WRITE
    if base is BaseSet.M:
        return event.kind in (EventKind.READ, EventKind.WRITE)
    if base is BaseSet.F:
        return event.kind is EventKind.FENCE
    tags = {
        BaseSet.A: Tag.ACQUIRE,
        BaseSet.Q: Tag.ACQUIRE_PC,
        BaseSet.L: Tag.RELEASE,
        BaseSet.X: Tag.EXCLUSIVE,
        BaseSet.NO_RETURN: Tag.NO_RETURN,
        BaseSet.INIT: Tag.INIT,
        BaseSet.RMW: Tag.RMW,
        BaseSet.MB: Tag.MB,
        BaseSet.PLAIN: Tag.PLAIN,
        BaseSet.SRCU_LOCK: Tag.SRCU_LOCK,
        BaseSet.SRCU_UNLOCK: Tag.SRCU_UNLOCK,
        BaseSet.LOCK_READ: Tag.LOCK_READ,
        BaseSet.LOCK_WRITE: Tag.LOCK_WRITE,
        BaseSet.UNLOCK: Tag.UNLOCK,
        BaseSet.LOCK_FAIL: Tag.LOCK_FAIL,
        BaseSet.IS_LOCKED: Tag.IS_LOCKED,
        BaseSet.OBSERVED: Tag.OBSERVED,
    }
    if base in tags:
        return tags[base] in event.tags
    fences = {
        BaseSet.DMB_FULL: FenceKind.DMB_FULL,
        BaseSet.DMB_LD: FenceKind.DMB_LD,
        BaseSet.DMB_ST: FenceKind.DMB_ST,
        BaseSet.ISB: FenceKind.ISB,
        BaseSet.MFENCE: FenceKind.MFENCE,
        BaseSet.BEFORE_ATOMIC: FenceKind.BEFORE_ATOMIC,
        BaseSet.AFTER_ATOMIC: FenceKind.AFTER_ATOMIC,
        BaseSet.AFTER_SPINLOCK: FenceKind.AFTER_SPINLOCK,
        BaseSet.AFTER_UNLOCK_LOCK: FenceKind.AFTER_UNLOCK_LOCK,
        BaseSet.AFTER_SRCU_READ_UNLOCK: FenceKind.AFTER_SRCU_READ_UNLOCK,
        BaseSet.BARRIER: FenceKind.BARRIER,
        BaseSet.RCU_LOCK: FenceKind.RCU_LOCK,
        BaseSet.RCU_UNLOCK: FenceKind.RCU_UNLOCK,
        BaseSet.SYNC_RCU: FenceKind.SYNC_RCU,
        BaseSet.SYNC_SRCU: FenceKind.SYNC_SRCU,
    }
    return event.kind is EventKind.FENCE and event.fence is fences[base]


def _same_thread(a: Event, b: Event) -> bool:
    # Initial writes belong to no thread: they are external to everything, even to each other.
    return a.thread == b.thread and a.thread >= 0


def compose(first: Relation, second: Relation) -> Relation:
    """first; second."""
    successors: dict[int, list[int]] = defaultdict(list)
    for middle, target in second:
        successors[middle].append(target)
    return frozenset(
        (source, target) for source, middle in first for target in successors.get(middle, ())
    )


def transitive_closure(relation: Relation) -> Relation:
    """r+, by a search from every node."""
    successors: dict[int, set[int]] = defaultdict(set)
    for a, b in relation:
        successors[a].add(b)
    closure: set[Pair] = set()
    for start in list(successors):
        seen: set[int] = set()
        frontier = list(successors[start])
        while frontier:
            node = frontier.pop()
            if node in seen:
                continue
            seen.add(node)
            frontier.extend(successors.get(node, ()))
        closure.update((start, node) for node in seen)
    return frozenset(closure)


def is_acyclic(relation: Relation) -> bool:
    """No cycle in the graph of `relation` (Kahn's algorithm)."""
    successors: dict[int, list[int]] = defaultdict(list)
    indegree: dict[int, int] = defaultdict(int)
    nodes: set[int] = set()
    for a, b in relation:
        if a == b:
            return False
        successors[a].append(b)
        indegree[b] += 1
        nodes.update((a, b))
    ready = [node for node in nodes if indegree[node] == 0]
    removed = 0
    while ready:
        node = ready.pop()
        removed += 1
        for target in successors[node]:
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    return removed == len(nodes)


_MONOTONE: dict[int, tuple[object, bool]] = {}


def monotone_in_coherence(axioms: tuple[rel.Axiom, ...]) -> bool:
    """Do co and fr occur only positively (never right of a difference) in every axiom?

    Then adding coherence edges can only add pairs to every relation, and every axiom kind
    (acyclic, irreflexive, empty) only gets harder to satisfy: a partial coherence order that
    already breaks an axiom cannot be completed into one that does not.
    """
    known = _MONOTONE.get(id(axioms))
    if known is None or known[0] is not axioms:
        known = (axioms, all(_positive(axiom.relation, True) for axiom in axioms))
        _MONOTONE[id(axioms)] = known
    return known[1]


def _positive(term: rel.RelTerm | rel.SetTerm, polarity: bool) -> bool:
    if isinstance(term, rel.Rel):
        return polarity or term.base not in _COHERENCE
    if isinstance(term, rel.EventSet):
        return True
    if isinstance(term, rel.Union | rel.Seq | rel.SetUnion):
        return all(_positive(operand, polarity) for operand in term.operands)
    if isinstance(term, rel.Inter | rel.SetInter):
        return _positive(term.left, polarity) and _positive(term.right, polarity)
    if isinstance(term, rel.Diff | rel.SetDiff):
        return _positive(term.left, polarity) and _positive(term.right, not polarity)
    if isinstance(term, rel.Ident):
        return _positive(term.events, polarity)
    if isinstance(term, rel.Inverse | rel.Plus | rel.Named | rel.Range):
        return _positive(term.relation, polarity)
    if isinstance(term, rel.Product):
        return _positive(term.left, polarity) and _positive(term.right, polarity)
    if isinstance(term, rel.Fix):
        return _positive(term.body, polarity)
    if isinstance(term, rel.Recursive):
        return True
    raise AssertionError(term)
