"""Encode relation-algebra terms and axioms over one execution, one node kind at a time.

A relation becomes a map from the event pairs it *may* contain to the condition under which it
does; a pair absent from the map is known not to be in it, and a condition that folds to True is
a pair it must contain. Only relations built from rf, co, fr or a symbolic guard carry Z3
terms. Same-location, internal/external and same-instance are predicates, applied as filters
rather than built as quadratic maps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import z3

from ringlitmus.encode.execution import Execution, PairMap
from ringlitmus.encode.terms import Cond, all_of, any_of, as_bool, mk_implies, mk_less, negation
from ringlitmus.models import relations as rel
from ringlitmus.models.relations import AxiomKind, BaseRelation, BaseSet
from ringlitmus.semantics import EventKind, Pairs, Tag

SetMap = dict[int, Cond]
Predicate = Callable[[int, int], Cond]

_PREDICATES = (BaseRelation.LOC, BaseRelation.EXT, BaseRelation.INT, BaseRelation.SAME_INSTANCE)


class RelationEncoder:
    """Interprets a model's terms over one execution, memoising every node."""

    def __init__(self, execution: Execution) -> None:
        self.execution = execution
        self.structure = execution.structure
        self._relations: dict[rel.RelTerm, PairMap] = {}
        self._sets: dict[rel.SetTerm, SetMap] = {}

    # ------------------------------------------------------------------ sets

    def events_in(self, term: rel.SetTerm) -> SetMap:
        """Membership condition of every event that may be in `term`."""
        if term not in self._sets:
            self._sets[term] = self._encode_set(term)
        return self._sets[term]

    def _encode_set(self, term: rel.SetTerm) -> SetMap:
        if isinstance(term, rel.EventSet):
            return {
                event.id: self.execution.executes[event.id]
                for event in self.structure.events
                if _in_base_set(term.base, event)
            }
        if isinstance(term, rel.SetUnion):
            merged: dict[int, list[Cond]] = defaultdict(list)
            for operand in term.operands:
                for event, condition in self.events_in(operand).items():
                    merged[event].append(condition)
            return _prune({event: any_of(conditions) for event, conditions in merged.items()})
        if isinstance(term, rel.SetInter):
            left, right = self.events_in(term.left), self.events_in(term.right)
            return _prune({e: all_of((c, right[e])) for e, c in left.items() if e in right})
        if isinstance(term, rel.SetDiff):
            left, right = self.events_in(term.left), self.events_in(term.right)
            return _prune(
                {e: all_of((c, negation(right[e]))) if e in right else c for e, c in left.items()}
            )
        assert isinstance(term, rel.Range)
        targets: dict[int, list[Cond]] = defaultdict(list)
        for (_, target), condition in self.pairs(term.relation).items():
            targets[target].append(condition)
        return _prune({event: any_of(conditions) for event, conditions in targets.items()})

    # ------------------------------------------------------------------ relations

    def pairs(self, term: rel.RelTerm) -> PairMap:
        """The may-pairs of `term` and their conditions."""
        if term not in self._relations:
            self._relations[term] = self._encode(term)
        return self._relations[term]

    def _encode(self, term: rel.RelTerm) -> PairMap:
        if isinstance(term, rel.Named):
            return self.pairs(term.relation)
        if isinstance(term, rel.Rel):
            return self._base(term.base)
        if isinstance(term, rel.Ident):
            return {
                (event, event): condition
                for event, condition in self.events_in(term.events).items()
            }
        if isinstance(term, rel.Union):
            return _union(self.pairs(operand) for operand in term.operands)
        if isinstance(term, rel.Inter):
            return self._intersect(term.left, term.right)
        if isinstance(term, rel.Diff):
            return self._difference(term.left, term.right)
        if isinstance(term, rel.Seq):
            return self._sequence(term.operands)
        if isinstance(term, rel.Inverse):
            return {(b, a): condition for (a, b), condition in self.pairs(term.relation).items()}
        assert isinstance(term, rel.Plus)
        return _closure(self.pairs(term.relation))

    def _base(self, base: BaseRelation) -> PairMap:
        execution, structure = self.execution, self.structure
        if base is BaseRelation.PO:
            return self._program_order()
        if base is BaseRelation.RF:
            return dict(execution.rf)
        if base is BaseRelation.CO:
            return dict(execution.co)
        if base is BaseRelation.FR:
            return dict(execution.fr)
        if base is BaseRelation.SAME_INSTANCE:
            return self._same_instance()
        if base in _PREDICATES:
            memory = [event.id for event in structure.events if event.is_memory]
            predicate = self.predicate(base)
            return _prune({(a, b): predicate(a, b) for a in memory for b in memory})
        static: dict[BaseRelation, Pairs] = {
            BaseRelation.RMW: structure.rmw,
            BaseRelation.AMO: structure.amo,
            BaseRelation.LXSX: structure.lxsx,
            BaseRelation.ADDR: structure.addr,
            BaseRelation.DATA: structure.data,
            BaseRelation.CTRL: structure.ctrl,
            BaseRelation.PICK_BASIC_DEP: structure.pick_basic_dep,
            BaseRelation.PICK_ADDR_DEP: structure.pick_addr_dep,
            BaseRelation.PICK_DATA_DEP: structure.pick_data_dep,
            BaseRelation.PICK_CTRL_DEP: structure.pick_ctrl_dep,
        }
        symbols = execution.symbols
        return _prune({pair: symbols.guard(guard) for pair, guard in static[base].items()})

    def _same_instance(self) -> PairMap:
        # Built from the instruction table rather than by testing all pairs: it is reflexive
        # and, but for RMWs and paired accesses, nothing else.
        executes = self.execution.executes
        pairs: PairMap = {
            (event.id, event.id): executes[event.id] for event in self.structure.events
        }
        for events in self.structure.instances.values():
            for a in events:
                for b in events:
                    if a != b:
                        pairs[(a, b)] = all_of((executes[a], executes[b]))
        return _prune(pairs)

    def _program_order(self) -> PairMap:
        # po orders instructions: the read and write of one RMW are not po-related (herd
        # relates them by iico instead), else lws;si would make every RMW a cycle.
        executes = self.execution.executes
        events_of = self.structure.events
        order: PairMap = {}
        for events in self.structure.thread_events:
            for index, first in enumerate(events):
                for second in events[index + 1 :]:
                    if events_of[first].instruction == events_of[second].instruction:
                        continue
                    condition = all_of((executes[first], executes[second]))
                    if condition is not False:
                        order[(first, second)] = condition
        return order

    def predicate(self, base: BaseRelation) -> Predicate:
        """Same-location, internal, external or same-instance as a test on a pair."""
        events = self.structure.events
        if base is BaseRelation.LOC:
            return lambda a, b: (
                self.execution.same_address(a, b)
                if events[a].is_memory and events[b].is_memory
                else False
            )
        if base is BaseRelation.INT:
            return lambda a, b: events[a].thread == events[b].thread and events[a].thread >= 0
        if base is BaseRelation.EXT:
            return lambda a, b: events[a].thread != events[b].thread or events[a].thread < 0
        return lambda a, b: (
            a == b
            or (
                events[a].thread == events[b].thread >= 0
                and events[a].instruction == events[b].instruction
            )
        )

    def _as_predicate(self, term: rel.RelTerm) -> Predicate | None:
        while isinstance(term, rel.Named):
            term = term.relation
        if isinstance(term, rel.Rel) and term.base in _PREDICATES:
            return self.predicate(term.base)
        return None

    def _intersect(self, left: rel.RelTerm, right: rel.RelTerm) -> PairMap:
        for filtered, test in ((left, right), (right, left)):
            predicate = self._as_predicate(test)
            if predicate is not None:
                return _prune(
                    {
                        pair: all_of((c, predicate(*pair)))
                        for pair, c in self.pairs(filtered).items()
                    }
                )
        first, second = self.pairs(left), self.pairs(right)
        return _prune(
            {pair: all_of((c, second[pair])) for pair, c in first.items() if pair in second}
        )

    def _difference(self, left: rel.RelTerm, right: rel.RelTerm) -> PairMap:
        first = self.pairs(left)
        if not first:
            return {}
        predicate = self._as_predicate(right)
        if predicate is not None:
            return _prune(
                {pair: all_of((c, negation(predicate(*pair)))) for pair, c in first.items()}
            )
        second = self.pairs(right)
        return _prune(
            {
                pair: all_of((c, negation(second[pair]))) if pair in second else c
                for pair, c in first.items()
            }
        )

    def _sequence(self, operands: tuple[rel.RelTerm, ...]) -> PairMap:
        result = self.pairs(operands[0])
        for operand in operands[1:]:
            if not result:
                return {}
            result = _compose(result, self.pairs(operand))
        return result

    # ------------------------------------------------------------------ axioms

    def encode_axiom(self, axiom: rel.Axiom) -> list[z3.BoolRef]:
        """Constraints saying `axiom` holds."""
        if axiom.kind is AxiomKind.EMPTY:
            return [
                as_bool(negation(c)) for c in self.pairs(axiom.relation).values() if c is not False
            ]
        relation = axiom.relation
        if axiom.kind is AxiomKind.IRREFLEXIVE:
            inner = _unwrap(relation)
            if not isinstance(inner, rel.Plus):
                return [
                    as_bool(negation(c)) for (a, b), c in self.pairs(relation).items() if a == b
                ]
            relation = inner.relation
        return self._acyclic(axiom.name, _drop_closures(relation))

    def _acyclic(self, name: str, relation: rel.RelTerm) -> list[z3.BoolRef]:
        # acyclic(r) holds iff some integer clock strictly increases along every edge of r.
        constraints: list[z3.BoolRef] = []
        clocks: dict[int, z3.ArithRef] = {}
        for (a, b), condition in self.pairs(relation).items():
            if condition is False:
                continue
            if a == b:
                constraints.append(as_bool(negation(condition)))
                continue
            for event in (a, b):
                if event not in clocks:
                    clocks[event] = z3.Int(f"{name}(e{event})")
            edge = mk_less(clocks[a], clocks[b])
            constraints.append(edge if condition is True else mk_implies(condition, edge))
        return constraints


def _in_base_set(base: BaseSet, event: object) -> bool:
    from ringlitmus.ir import FenceKind
    from ringlitmus.semantics import Event

    assert isinstance(event, Event)
    kind, tags = event.kind, event.tags
    return {
        BaseSet.R: kind is EventKind.READ,
        BaseSet.W: kind is EventKind.WRITE,
        BaseSet.M: kind is not EventKind.FENCE,
        BaseSet.F: kind is EventKind.FENCE,
        BaseSet.A: Tag.ACQUIRE in tags,
        BaseSet.Q: Tag.ACQUIRE_PC in tags,
        BaseSet.L: Tag.RELEASE in tags,
        BaseSet.X: Tag.EXCLUSIVE in tags,
        BaseSet.NO_RETURN: Tag.NO_RETURN in tags,
        BaseSet.INIT: Tag.INIT in tags,
        BaseSet.DMB_FULL: event.fence is FenceKind.DMB_FULL,
        BaseSet.DMB_LD: event.fence is FenceKind.DMB_LD,
        BaseSet.DMB_ST: event.fence is FenceKind.DMB_ST,
        BaseSet.ISB: event.fence is FenceKind.ISB,
    }[base]


def _unwrap(term: rel.RelTerm) -> rel.RelTerm:
    while isinstance(term, rel.Named):
        term = term.relation
    return term


def _drop_closures(term: rel.RelTerm) -> rel.RelTerm:
    """acyclic(a | b+) iff acyclic(a | b): closures directly under the union are not needed."""
    inner = _unwrap(term)
    if isinstance(inner, rel.Plus):
        return _drop_closures(inner.relation)
    if isinstance(inner, rel.Union):
        return rel.Union(tuple(_drop_closures(operand) for operand in inner.operands))
    return term


def _prune(mapping: dict) -> dict:  # type: ignore[type-arg]
    return {key: condition for key, condition in mapping.items() if condition is not False}


def _union(maps: object) -> PairMap:
    merged: dict[tuple[int, int], list[Cond]] = defaultdict(list)
    for mapping in maps:  # type: ignore[attr-defined]
        for pair, condition in mapping.items():
            merged[pair].append(condition)
    return _prune({pair: any_of(conditions) for pair, conditions in merged.items()})


def _compose(first: PairMap, second: PairMap) -> PairMap:
    by_source: dict[int, list[tuple[int, Cond]]] = defaultdict(list)
    for (middle, target), condition in second.items():
        by_source[middle].append((target, condition))
    merged: dict[tuple[int, int], list[Cond]] = defaultdict(list)
    for (source, middle), condition in first.items():
        for target, other in by_source.get(middle, ()):
            merged[(source, target)].append(all_of((condition, other)))
    return _prune({pair: any_of(conditions) for pair, conditions in merged.items()})


def _closure(relation: PairMap) -> PairMap:
    """Transitive closure by Warshall's algorithm over the relation's may-pairs."""
    closure: dict[tuple[int, int], Cond] = dict(relation)
    nodes = sorted({event for pair in relation for event in pair})
    for middle in nodes:
        into = [(a, c) for (a, b), c in closure.items() if b == middle]
        out = [(b, c) for (a, b), c in closure.items() if a == middle]
        for source, first in into:
            for target, second in out:
                step = all_of((first, second))
                if step is False:
                    continue
                previous = closure.get((source, target), False)
                closure[(source, target)] = any_of((previous, step))
    return _prune(closure)
