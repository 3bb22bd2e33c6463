"""Encode relation-algebra terms and axioms over one execution, one node kind at a time.

A relation becomes a map from the event pairs it *may* contain to the condition under which it
does; a pair absent from the map is known not to be in it, and a condition that folds to True is
a pair it must contain. Inside the encoder a condition that only says which events execute stays
an `Executes` set (encode/static.py), so po-based relations carry no Z3 terms; `pairs` and
`events_in` hand out Z3 conditions. Same-location, internal/external and same-instance are
predicates, applied as filters rather than built as quadratic maps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

import z3

from ringlitmus.deadline import ITEMS_BETWEEN_CHECKS, Deadline, Phase, check_deadline, paced
from ringlitmus.encode.emptiness import known_empty
from ringlitmus.encode.execution import Execution, PairMap
from ringlitmus.encode.static import (
    Conditions,
    GuardFacts,
    Lazy,
    ProgramOrder,
    Raw,
    reduce_static,
)
from ringlitmus.encode.terms import (
    Cond,
    as_bool,
    compare,
    mk_bool,
    mk_compare,
    mk_implies,
    mk_int,
    mk_less,
)
from ringlitmus.ir import CmpOp, FenceKind
from ringlitmus.models import relations as rel
from ringlitmus.models.relations import AxiomKind, BaseRelation, BaseSet
from ringlitmus.semantics import Event, EventKind, Pairs, Tag
from ringlitmus.symbolic import All, Guard

SetMap = dict[int, Cond]
Index = Mapping[int, list[tuple[int, Raw]]]
RawPairs = dict[tuple[int, int], Raw]
RawSet = dict[int, Raw]
Predicate = Callable[[int, int], Cond]
Item = TypeVar("Item")

_PREDICATES = (
    BaseRelation.LOC,
    BaseRelation.EXT,
    BaseRelation.INT,
    BaseRelation.SAME_INSTANCE,
    BaseRelation.DIFFERENT_VALUES,
)


class RelationEncoder:
    """Interprets a model's terms over one execution, memoising every node."""

    def __init__(self, execution: Execution, deadline: Deadline | None = None) -> None:
        """Past `deadline`, every method raises CheckTimeoutError (RELATIONS)."""
        self.execution = execution
        self.deadline = deadline
        self.structure = execution.structure
        self.facts = GuardFacts(execution.structure)
        self.conditions = Conditions(execution.executes, self.facts)
        self._relations: dict[rel.RelTerm, RawPairs] = {}
        self._sets: dict[rel.SetTerm, RawSet] = {}
        self._relation_terms: dict[rel.RelTerm, PairMap] = {}
        self._indexes: dict[tuple[rel.RelTerm, bool], Index] = {}
        self.program_order = ProgramOrder(execution.structure, self.conditions)
        structure = execution.structure
        self._dependencies: dict[BaseRelation, Pairs] = {
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
            BaseRelation.RCU_RSCS: structure.rcu_rscs,
        }
        self._set_terms: dict[rel.SetTerm, SetMap] = {}
        # What recursive definitions (rel.Fix) require of their variables; see side_constraints.
        self._side: list[z3.BoolRef] = []
        # Terms empty whatever the solver chooses are not made pair by pair (emptiness.py).
        self._known_empty: dict[rel.RelTerm | rel.SetTerm, bool] = {}

    def _paced(self, items: Iterable[Item], every: int = ITEMS_BETWEEN_CHECKS) -> Iterable[Item]:
        """`items`, looking at the deadline as they go (see `paced`)."""
        return paced(items, self.deadline, Phase.RELATIONS, every)

    # ------------------------------------------------------------------ sets

    def events_in(self, term: rel.SetTerm) -> SetMap:
        """Membership condition (a Z3 condition or bool) of every event that may be in `term`."""
        if term not in self._set_terms:
            to_term = self.conditions.term
            self._set_terms[term] = {
                event: to_term(condition) for event, condition in self._events(term).items()
            }
        return self._set_terms[term]

    def _events(self, term: rel.SetTerm) -> RawSet:
        if term not in self._sets:
            check_deadline(self.deadline, Phase.RELATIONS)
            empty = not isinstance(term, rel.EventSet) and self._empty_in_every_execution(term)
            self._sets[term] = {} if empty else self._encode_set(term)
        return self._sets[term]

    def _empty_in_every_execution(self, term: rel.RelTerm | rel.SetTerm) -> bool:
        made = (self._relations, self._sets)
        return known_empty(term, self._known_empty, made, self._leaf_empty)  # type: ignore[arg-type]

    def _leaf_empty(self, leaf: rel.EventSet | rel.Rel | rel.Recursive) -> bool:
        """Is an event set, a base relation or a recursive variable empty in every execution?"""
        if isinstance(leaf, rel.EventSet):
            return not self._events(leaf)
        if isinstance(leaf, rel.Recursive):
            return not self._relations.get(leaf)  # before its fixpoint's first step: empty
        base = leaf.base
        if base is BaseRelation.PO:
            return not self.program_order.events
        communication = {
            BaseRelation.RF: self.execution.rf,
            BaseRelation.CO: self.execution.co,
            BaseRelation.FR: self.execution.fr,
        }
        if base in communication:
            return not communication[base]
        given = self._given_pairs(base)
        return given is not None and not given  # same-location, internal...: not known

    def _encode_set(self, term: rel.SetTerm) -> RawSet:
        conditions = self.conditions
        if isinstance(term, rel.EventSet):
            return _prune(
                {
                    event.id: conditions.of_events(event.id)
                    for event in self.structure.events
                    if _in_base_set(term.base, event)
                }
            )
        if isinstance(term, rel.SetUnion):
            merged: dict[int, list[Raw]] = defaultdict(list)
            for operand in term.operands:
                for event, condition in self._events(operand).items():
                    merged[event].append(condition)
            return _prune({e: conditions.disjoin(cs) for e, cs in merged.items()})
        if isinstance(term, rel.SetInter):
            left, right = self._events(term.left), self._events(term.right)
            return _prune(
                {e: conditions.conjoin((c, right[e])) for e, c in left.items() if e in right}
            )
        if isinstance(term, rel.SetDiff):
            left, right = self._events(term.left), self._events(term.right)
            return _prune(
                {
                    e: conditions.conjoin((c, conditions.negate(right[e]))) if e in right else c
                    for e, c in left.items()
                }
            )
        assert isinstance(term, rel.Range)
        targets: dict[int, list[Raw]] = defaultdict(list)
        for (_, target), condition in self._pairs(term.relation).items():
            targets[target].append(condition)
        return _prune({e: conditions.disjoin(cs) for e, cs in targets.items()})

    # ------------------------------------------------------------------ relations

    def pairs(self, term: rel.RelTerm) -> PairMap:
        """The may-pairs of `term` and their conditions (Z3 conditions or bools)."""
        if term not in self._relation_terms:
            to_term = self.conditions.term
            self._relation_terms[term] = {
                pair: to_term(condition) for pair, condition in self._pairs(term).items()
            }
        return self._relation_terms[term]

    def _pairs(self, term: rel.RelTerm) -> RawPairs:
        if term not in self._relations:
            check_deadline(self.deadline, Phase.RELATIONS)
            empty = self._empty_in_every_execution(term)
            self._relations[term] = {} if empty else self._encode(term)
        return self._relations[term]

    def _encode(self, term: rel.RelTerm) -> RawPairs:
        if isinstance(term, rel.Named):
            return self._pairs(term.relation)
        if isinstance(term, rel.Rel):
            return self._base(term.base)
        if isinstance(term, rel.Ident):
            return {
                (event, event): condition for event, condition in self._events(term.events).items()
            }
        if isinstance(term, rel.Union):
            return self._union(self._pairs(operand) for operand in term.operands)
        if isinstance(term, rel.Inter):
            return self._intersect(term.left, term.right)
        if isinstance(term, rel.Diff):
            return self._difference(term.left, term.right)
        if isinstance(term, rel.Seq):
            return self._sequence(term.operands)
        if isinstance(term, rel.Inverse):
            return {(b, a): condition for (a, b), condition in self._pairs(term.relation).items()}
        if isinstance(term, rel.Product):
            right = self._events(term.right)
            return _prune(
                {
                    (a, b): self.conditions.both(c, d)
                    for a, c in self._events(term.left).items()
                    for b, d in right.items()
                }
            )
        if isinstance(term, rel.Fix):
            return self._fixpoint(term)
        if isinstance(term, rel.Recursive):
            return {}  # only met outside its definition's body: never
        assert isinstance(term, rel.Plus)
        return self._closure(self._pairs(term.relation))

    def side_constraints(self) -> list[z3.BoolRef]:
        """Constraints the terms encoded so far need besides the axioms (those of recursive
        definitions), each handed out once."""
        taken, self._side = self._side, []
        return taken

    def _fixpoint(self, term: rel.Fix) -> RawPairs:
        """`let rec name = body` as one Boolean per pair it may hold, each implied by the body.

        The solver may make the relation larger than the least fixpoint, never smaller; as
        every use is monotone (rel.Fix), some execution satisfies the constraints with some
        such relation exactly when one does with the least.
        """
        leaf = rel.Recursive(term.name)
        dependent = rel.mentioning(term.body, leaf)
        may: set[tuple[int, int]] = set()
        while True:  # which pairs it may hold: iterate on pairs alone, up to a fixpoint
            self._assume(leaf, dependent, dict.fromkeys(may, True))
            found = set(self._pairs(term.body))
            if found <= may:
                break
            may |= found
        variables: RawPairs = {(a, b): mk_bool(f"{term.name}(e{a},e{b})") for a, b in sorted(may)}
        self._assume(leaf, dependent, variables)
        for pair, condition in self._pairs(term.body).items():
            implied = as_bool(variables[pair])  # type: ignore[arg-type]
            self._side.append(mk_implies(as_bool(self.conditions.term(condition)), implied))
        return variables

    def _assume(self, leaf: rel.Recursive, dependent: frozenset[object], pairs: RawPairs) -> None:
        """Give `leaf` these pairs, forgetting what was worked out from its previous ones."""
        caches = (
            self._relations,
            self._relation_terms,
            self._sets,
            self._set_terms,
            self._known_empty,
        )
        for cache in caches:
            for node in dependent:
                cache.pop(node, None)  # type: ignore[call-overload]
        for key in [key for key in self._indexes if key[0] in dependent]:
            del self._indexes[key]
        self._relations[leaf] = pairs

    def _base(self, base: BaseRelation) -> RawPairs:
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
            memory = [event.id for event in structure.events if event.has_location]
            predicate = self.predicate(base)
            return _prune(
                {(a, b): predicate(a, b) for a in self._paced(memory, every=8) for b in memory}
            )
        return self._dependency_pairs(base)

    def _dependency_pairs(self, base: BaseRelation, targets: RawSet | None = None) -> RawPairs:
        """A dependency relation's pairs (those ending in `targets` only, when given), each
        with its condition, in the order symbolic execution gave them."""
        given = self._given_pairs(base)
        assert given is not None, base
        return _prune(
            {
                pair: self._dependency(pair, guard)
                for pair, guard in self._paced(given.items())
                if targets is None or pair[1] in targets
            }
        )

    def _given_pairs(self, base: BaseRelation) -> Pairs | None:
        """A dependency relation's guarded pairs as symbolic execution gives them, or None
        for a relation that is not one."""
        return self._dependencies.get(base)

    def _dependency(self, pair: tuple[int, int], guard: Guard) -> Raw:
        # A dependency's guard says along which paths the value flowed; when both ends
        # executing implies it (the usual case) it is their `Executes` set, a static edge.
        source, target = pair
        conjuncts = self.facts.conjuncts
        either: frozenset[Guard] | None = None
        for operand in guard.operands if isinstance(guard, All) else (guard,):
            if operand in conjuncts[target] or operand in conjuncts[source]:
                continue
            flat = self.facts.flatten(operand)
            if flat <= conjuncts[target]:
                continue
            if either is None:
                either = conjuncts[source] | conjuncts[target]
            if not flat <= either:
                return self.execution.symbols.guard(guard)
        return self.conditions.of_events(source, target)

    def _same_instance(self) -> RawPairs:
        # Built from the instruction table rather than by testing all pairs: it is reflexive
        # and, but for RMWs and paired accesses, nothing else.
        of_events = self.conditions.of_events
        pairs: RawPairs = {
            (event.id, event.id): of_events(event.id) for event in self.structure.events
        }
        for events in self.structure.instances.values():
            for a in events:
                for b in events:
                    if a != b:
                        pairs[(a, b)] = of_events(a, b)
        return _prune(pairs)

    def _program_order(self) -> RawPairs:
        return {
            (first, second): condition
            for first in self._paced(self.program_order.events, every=8)
            for second, condition in self.program_order.successors(first)
        }

    def predicate(self, base: BaseRelation) -> Predicate:
        """Same-location, internal, external or same-instance as a test on a pair."""
        events = self.structure.events
        if base is BaseRelation.LOC:
            return lambda a, b: (
                self.execution.same_address(a, b)
                if events[a].has_location and events[b].has_location
                else False
            )
        if base is BaseRelation.INT:
            return lambda a, b: events[a].thread == events[b].thread and events[a].thread >= 0
        if base is BaseRelation.EXT:
            return lambda a, b: events[a].thread != events[b].thread or events[a].thread < 0
        if base is BaseRelation.DIFFERENT_VALUES:
            return self._different_values
        return lambda a, b: (
            a == b
            or (
                events[a].thread == events[b].thread >= 0
                and events[a].instruction == events[b].instruction
            )
        )

    def _different_values(self, a: int, b: int) -> Cond:
        """Do two accesses write or read different values?"""
        first, second = self.structure.events[a], self.structure.events[b]
        if first.kind is EventKind.FENCE or second.kind is EventKind.FENCE:
            return False
        execution = self.execution
        return compare(CmpOp.NE, execution.value(first), execution.value(second))

    def _as_predicate(self, term: rel.RelTerm) -> Predicate | None:
        while isinstance(term, rel.Named):
            term = term.relation
        if isinstance(term, rel.Rel) and term.base in _PREDICATES:
            return self.predicate(term.base)
        return None

    def _intersect(self, left: rel.RelTerm, right: rel.RelTerm) -> RawPairs:
        both = self.conditions.both
        for filtered, test in ((left, right), (right, left)):
            if _is_po(filtered) and _is_base(test, BaseRelation.LOC):
                return self.program_order.same_location(self.execution.same_address)
            predicate = self._as_predicate(test)
            if predicate is not None:
                pairs = self._paced(self._pairs(filtered).items())
                return _prune({pair: both(c, predicate(*pair)) for pair, c in pairs})
        first = self._pairs(left)
        if not first:
            return {}  # `pre-race & rf & rw-xbstar^-1` costs nothing without plain accesses
        second = self._pairs(right)
        return _prune(
            {
                pair: both(c, second[pair])
                for pair, c in self._paced(first.items())
                if pair in second
            }
        )

    def _difference(self, left: rel.RelTerm, right: rel.RelTerm) -> RawPairs:
        first = self._pairs(left)
        if not first:
            return {}
        predicate = self._as_predicate(right)
        if predicate is not None:
            return self._without(first, predicate)
        conjoin, negate = self.conditions.conjoin, self.conditions.negate
        second = self._pairs(right)
        return _prune(
            {
                pair: conjoin((c, negate(second[pair]))) if pair in second else c
                for pair, c in self._paced(first.items())
            }
        )

    def _without(self, first: RawPairs, predicate: Predicate) -> RawPairs:
        """`first` minus a predicate's pairs (`same-instance`, `loc`, ...)."""
        conjoin, negate = self.conditions.conjoin, self.conditions.negate
        return _prune(
            {pair: conjoin((c, negate(predicate(*pair)))) for pair, c in self._paced(first.items())}
        )

    def _sequence(self, operands: tuple[rel.RelTerm, ...]) -> RawPairs:
        # `[S]` operands are filters, applied through an index rather than by composing: the
        # ob of a large program is full of `po;[L]` and `[A];po`, where po is quadratic.
        # The filters first: `(ctrl | addr;po);[ISB]` without an ISB costs nothing.
        steps = [(operand, self._filter(operand)) for operand in operands]
        if any(events is not None and not events for _, events in steps):
            return {}
        if any(self._empty(operand) for operand, events in steps if events is None):
            return {}
        (first, first_events), rest = steps[0], steps[1:]
        if rest and first_events is None and rest[0][1]:
            result = self._into(first, rest[0][1])
            rest = rest[1:]
        else:
            result = self._pairs(first)
        both = self.conditions.both
        for operand, events in rest:
            if events is not None:
                result = _prune(
                    {
                        pair: both(condition, events[pair[1]])
                        for pair, condition in self._paced(result.items())
                        if pair[1] in events
                    }
                )
            else:
                result = self._compose(result, self._outgoing(operand))
            if not result:
                return {}
        return result

    def _empty(self, term: rel.RelTerm) -> bool:
        if _is_po(term):
            return not self.program_order.events
        if self._restrictable(term):
            # Not worked out pair by pair (see _ending_in): pairs whose condition is False
            # only make the sequence's result empty later.
            return not self._may_have_pairs(term)
        return not self._pairs(term)

    def _filter(self, term: rel.RelTerm) -> RawSet | None:
        """The events of `[S]` (a filter in a sequence), or None for any other relation."""
        term = _unwrap(term)
        return self._events(term.events) if isinstance(term, rel.Ident) else None

    def _into(self, term: rel.RelTerm, events: RawSet) -> RawPairs:
        """`term; [events]`, read off an index of `term` by target."""
        if self._restrictable(term):
            index = _indexed(self._ending_in(term, events), by_target=True)
        else:
            index = self._index(term, by_target=True)
        both = self.conditions.both
        return _prune(
            {
                (source, target): both(condition, membership)
                for target, membership in self._paced(events.items(), every=8)
                for source, condition in index.get(target, ())
            }
        )

    # A dependency relation (ctrl, addr, the pick forms...) holds a pair for a read and every
    # event its value reaches: a read's ctrl dependency reaches every later event, 33k pairs
    # at a 64-entry ring, each decided static or not. The model uses most of them only before
    # a filter (`ctrl;[W]`, `pick-dep;[W]`), so those pairs are made for the filter's events
    # only, in the order the whole relation would list them.

    def _restrictable(self, term: rel.RelTerm) -> bool:
        """Can `term`'s pairs ending in given events be made without the others? Dependency
        relations, their unions and their differences by a predicate, not made whole yet."""
        if term in self._relations or _unwrap(term) in self._relations:
            return False
        term = _unwrap(term)
        if isinstance(term, rel.Rel):
            return self._given_pairs(term.base) is not None
        if isinstance(term, rel.Union):
            return all(self._restrictable(operand) for operand in term.operands)
        if isinstance(term, rel.Diff):
            return self._restrictable(term.left) and self._as_predicate(term.right) is not None
        return False

    def _may_have_pairs(self, term: rel.RelTerm) -> bool:
        """For a restrictable term: did symbolic execution give it any pair at all?"""
        term = _unwrap(term)
        if isinstance(term, rel.Rel):
            return bool(self._given_pairs(term.base))
        if isinstance(term, rel.Union):
            return any(self._may_have_pairs(operand) for operand in term.operands)
        assert isinstance(term, rel.Diff)
        return self._may_have_pairs(term.left)

    def _ending_in(self, term: rel.RelTerm, targets: RawSet) -> RawPairs:
        """A restrictable term's pairs whose target is in `targets`, made as `_pairs` makes
        them (same conditions, same order); the others are not made at all."""
        term = _unwrap(term)
        if isinstance(term, rel.Rel):
            return self._dependency_pairs(term.base, targets)
        if isinstance(term, rel.Union):
            return self._union(self._ending_in(operand, targets) for operand in term.operands)
        assert isinstance(term, rel.Diff)
        predicate = self._as_predicate(term.right)
        assert predicate is not None
        first = self._ending_in(term.left, targets)
        return self._without(first, predicate) if first else {}

    def _outgoing(self, term: rel.RelTerm) -> Index:
        """`term`'s pairs indexed by source."""
        return self._index(term, by_target=False)

    def _index(self, term: rel.RelTerm, by_target: bool) -> Index:
        """`term`'s pairs indexed by one end, each entry the other ends and their conditions;
        po's entries are made per event, on demand."""
        key = (term, by_target)
        if key not in self._indexes:
            if _is_po(term):
                order = self.program_order
                self._indexes[key] = Lazy(order.predecessors if by_target else order.successors)
            else:
                self._indexes[key] = _indexed(self._pairs(term), by_target)
        return self._indexes[key]

    def _union(self, maps: Iterable[RawPairs]) -> RawPairs:
        # Operands mostly hold different pairs: copy them wholesale, disjoin only the overlap.
        result: RawPairs = {}
        overlap: dict[tuple[int, int], list[Raw]] = defaultdict(list)
        for mapping in maps:
            common = result.keys() & mapping.keys()
            if not common:
                result.update(mapping)
                continue
            for pair, condition in self._paced(mapping.items()):
                if pair in common:
                    overlap[pair].append(condition)
                else:
                    result[pair] = condition
        disjoin = self.conditions.disjoin
        for pair, conditions in self._paced(overlap.items()):
            result[pair] = disjoin([result[pair], *conditions])
        return _prune(result)

    def _compose(self, first: RawPairs, by_source: Index) -> RawPairs:
        both = self.conditions.both
        merged: dict[tuple[int, int], list[Raw]] = defaultdict(list)
        # A middle event may lead on to thousands (po): look at the clock every few sources.
        for (source, middle), condition in self._paced(first.items(), every=8):
            for target, other in by_source.get(middle, ()):
                merged[(source, target)].append(both(condition, other))
        return self._disjoin_each(merged)

    def _disjoin_each(self, merged: dict[tuple[int, int], list[Raw]]) -> RawPairs:
        disjoin = self.conditions.disjoin
        return _prune(
            {
                pair: conditions[0] if len(conditions) == 1 else disjoin(conditions)
                for pair, conditions in self._paced(merged.items())
            }
        )

    def _closure(self, relation: RawPairs) -> RawPairs:
        """Transitive closure by Warshall's algorithm over the relation's may-pairs."""
        conjoin, disjoin = self.conditions.conjoin, self.conditions.disjoin
        closure: dict[tuple[int, int], Raw] = dict(relation)
        nodes = sorted({event for pair in relation for event in pair})
        for middle in nodes:
            check_deadline(self.deadline, Phase.RELATIONS)
            into = [(a, c) for (a, b), c in closure.items() if b == middle]
            out = [(b, c) for (a, b), c in closure.items() if a == middle]
            for source, first in into:
                for target, second in out:
                    step = conjoin((first, second))
                    if step is False:
                        continue
                    previous = closure.get((source, target), False)
                    closure[(source, target)] = disjoin((previous, step))
        return _prune(closure)

    # ------------------------------------------------------------------ axioms

    def encode_axiom(self, axiom: rel.Axiom) -> list[z3.BoolRef]:
        """Constraints saying `axiom` holds."""
        negate = self.conditions.negate
        if axiom.kind is AxiomKind.EMPTY:
            conditions = self._paced(self._pairs(axiom.relation).values(), every=64)
            return [as_bool(negate(c)) for c in conditions if c is not False]
        relation = axiom.relation
        if axiom.kind is AxiomKind.IRREFLEXIVE:
            inner = _unwrap(relation)
            if not isinstance(inner, rel.Plus):
                pairs = self._paced(self._pairs(relation).items(), every=64)
                return [as_bool(negate(c)) for (a, b), c in pairs if a == b]
            relation = inner.relation
        relation = _drop_closures(relation)
        coherence = self._coherence(relation)
        if coherence is not None:
            return coherence
        return self._acyclic(axiom.name, relation)

    def _coherence(self, relation: rel.RelTerm) -> list[z3.BoolRef] | None:
        """acyclic(L | rf | co | fr), where L only relates accesses to one location in order
        (po-loc, an RMW's read to its write), as clock inequalities on L's edges alone.

        With f(w) = w's coherence clock and f(r) = the clock of the write r reads, every rf
        edge keeps f, co and fr raise it, so the union is acyclic exactly when each L edge
        a -> b has f(a) < f(b) into a write and f(a) <= f(b) into a read (the CoWW, CoWR,
        CoRW and CoRR patterns). No clock per event and no constraint per rf/co/fr pair.
        """
        leaves = _union_leaves(relation)
        communication = {leaf for leaf in leaves if _unwrap(leaf) in _COMMUNICATION}
        order = [leaf for leaf in leaves if leaf not in communication]
        if {_unwrap(leaf) for leaf in communication} != set(_COMMUNICATION) or not all(
            _same_location_order(leaf) for leaf in order
        ):
            return None
        execution, conditions = self.execution, self.conditions
        clock = {**execution.clocks, **execution.source_clocks}
        constraints: list[z3.BoolRef] = []
        union = self._union(self._pairs(leaf) for leaf in order)
        for (a, b), condition in self._paced(union.items(), every=64):
            if a == b:
                constraints.append(as_bool(conditions.negate(condition)))
                continue
            if a not in clock or b not in clock:
                continue  # a read with no write to read from never executes
            into_write = self.structure.events[b].kind is EventKind.WRITE
            edge = mk_compare(CmpOp.LT if into_write else CmpOp.LE, clock[a], clock[b])
            term = conditions.term(condition)
            constraints.append(edge if term is True else mk_implies(as_bool(term), edge))
        return constraints

    def _acyclic(self, name: str, relation: rel.RelTerm) -> list[z3.BoolRef]:
        # acyclic(r) holds iff some integer clock strictly increases along every edge of r.
        # Edges that hold exactly when their events execute are transitively reduced first.
        conditions = self.conditions
        constraints: list[z3.BoolRef] = []
        edges: list[tuple[tuple[int, int], Cond]] = []
        static: list[tuple[int, int]] = []
        # Each edge makes Z3 terms of its condition: look at the clock every few.
        for (a, b), condition in self._paced(self._pairs(relation).items(), every=64):
            if condition is False:
                continue
            if a == b:
                constraints.append(as_bool(conditions.negate(condition)))
            elif conditions.is_static(a, b, condition):
                static.append((a, b))
            else:
                edges.append(((a, b), conditions.term(condition)))
        check_deadline(self.deadline, Phase.RELATIONS)
        for a, b in self._paced(reduce_static(static, self.facts, self.deadline)):
            edges.append(((a, b), conditions.term(conditions.of_events(a, b))))
        clocks: dict[int, z3.ArithRef] = {}
        for (a, b), condition in self._paced(edges, every=64):
            for event in (a, b):
                if event not in clocks:
                    clocks[event] = mk_int(f"{name}(e{event})")
            edge = mk_less(clocks[a], clocks[b])
            constraints.append(edge if condition is True else mk_implies(condition, edge))
        return constraints


# Which events each base set holds, by kind, tag and barrier kind.
_MEMBERSHIP: dict[BaseSet, Callable[[Event], bool]] = {
    BaseSet.R: lambda event: event.kind is EventKind.READ,
    BaseSet.W: lambda event: event.kind is EventKind.WRITE,
    BaseSet.M: lambda event: event.kind is not EventKind.FENCE,
    BaseSet.F: lambda event: event.kind is EventKind.FENCE,
    BaseSet.A: lambda event: Tag.ACQUIRE in event.tags,
    BaseSet.Q: lambda event: Tag.ACQUIRE_PC in event.tags,
    BaseSet.L: lambda event: Tag.RELEASE in event.tags,
    BaseSet.X: lambda event: Tag.EXCLUSIVE in event.tags,
    BaseSet.NO_RETURN: lambda event: Tag.NO_RETURN in event.tags,
    BaseSet.INIT: lambda event: Tag.INIT in event.tags,
    BaseSet.DMB_FULL: lambda event: event.fence is FenceKind.DMB_FULL,
    BaseSet.DMB_LD: lambda event: event.fence is FenceKind.DMB_LD,
    BaseSet.DMB_ST: lambda event: event.fence is FenceKind.DMB_ST,
    BaseSet.ISB: lambda event: event.fence is FenceKind.ISB,
    BaseSet.MFENCE: lambda event: event.fence is FenceKind.MFENCE,
    BaseSet.RMW: lambda event: Tag.RMW in event.tags,
    BaseSet.MB: lambda event: Tag.MB in event.tags,
    BaseSet.PLAIN: lambda event: Tag.PLAIN in event.tags,
    BaseSet.BEFORE_ATOMIC: lambda event: event.fence is FenceKind.BEFORE_ATOMIC,
    BaseSet.AFTER_ATOMIC: lambda event: event.fence is FenceKind.AFTER_ATOMIC,
    BaseSet.AFTER_SPINLOCK: lambda event: event.fence is FenceKind.AFTER_SPINLOCK,
    BaseSet.AFTER_UNLOCK_LOCK: lambda event: event.fence is FenceKind.AFTER_UNLOCK_LOCK,
    BaseSet.AFTER_SRCU_READ_UNLOCK: lambda event: event.fence is FenceKind.AFTER_SRCU_READ_UNLOCK,
    BaseSet.BARRIER: lambda event: event.fence is FenceKind.BARRIER,
    BaseSet.RCU_LOCK: lambda event: event.fence is FenceKind.RCU_LOCK,
    BaseSet.RCU_UNLOCK: lambda event: event.fence is FenceKind.RCU_UNLOCK,
    BaseSet.SYNC_RCU: lambda event: event.fence is FenceKind.SYNC_RCU,
    BaseSet.SYNC_SRCU: lambda event: event.fence is FenceKind.SYNC_SRCU,
    BaseSet.SRCU_LOCK: lambda event: Tag.SRCU_LOCK in event.tags,
    BaseSet.SRCU_UNLOCK: lambda event: Tag.SRCU_UNLOCK in event.tags,
    BaseSet.LOCK_READ: lambda event: Tag.LOCK_READ in event.tags,
    BaseSet.LOCK_WRITE: lambda event: Tag.LOCK_WRITE in event.tags,
    BaseSet.UNLOCK: lambda event: Tag.UNLOCK in event.tags,
    BaseSet.LOCK_FAIL: lambda event: Tag.LOCK_FAIL in event.tags,
    BaseSet.IS_LOCKED: lambda event: Tag.IS_LOCKED in event.tags,
    BaseSet.OBSERVED: lambda event: Tag.OBSERVED in event.tags,
}


def _in_base_set(base: BaseSet, event: Event) -> bool:
    return _MEMBERSHIP[base](event)


def _is_base(term: rel.RelTerm, base: BaseRelation) -> bool:
    term = _unwrap(term)
    return isinstance(term, rel.Rel) and term.base is base


def _is_po(term: rel.RelTerm) -> bool:
    return _is_base(term, BaseRelation.PO)


def _unwrap(term: rel.RelTerm) -> rel.RelTerm:
    while isinstance(term, rel.Named):
        term = term.relation
    return term


_COMMUNICATION = (
    rel.Rel(BaseRelation.RF),
    rel.Rel(BaseRelation.CO),
    rel.Rel(BaseRelation.FR),
)


def _union_leaves(term: rel.RelTerm) -> list[rel.RelTerm]:
    """The operands of nested (named) unions."""
    inner = _unwrap(term)
    if isinstance(inner, rel.Union):
        return [leaf for operand in inner.operands for leaf in _union_leaves(operand)]
    return [term]


def _same_location_order(term: rel.RelTerm) -> bool:
    """po-loc, rmw & same-instance or amo: edges between accesses to one location, forward."""
    inner = _unwrap(term)
    if _is_base(inner, BaseRelation.AMO):
        return True
    if not isinstance(inner, rel.Inter):
        return False
    pair = {_unwrap(inner.left), _unwrap(inner.right)}
    return pair in (
        {rel.Rel(BaseRelation.PO), rel.Rel(BaseRelation.LOC)},
        {rel.Rel(BaseRelation.RMW), rel.Rel(BaseRelation.SAME_INSTANCE)},
    )


def _drop_closures(term: rel.RelTerm) -> rel.RelTerm:
    """acyclic(a | b+) iff acyclic(a | b): closures directly under the union are not needed."""
    inner = _unwrap(term)
    if isinstance(inner, rel.Plus):
        return _drop_closures(inner.relation)
    if isinstance(inner, rel.Union):
        return rel.Union(tuple(_drop_closures(operand) for operand in inner.operands))
    return term


def _indexed(pairs: RawPairs, by_target: bool) -> Index:
    """Pairs by one end (target or source), each entry the other ends and their conditions."""
    index: dict[int, list[tuple[int, Raw]]] = defaultdict(list)
    for (source, target), condition in pairs.items():
        if by_target:
            index[target].append((source, condition))
        else:
            index[source].append((target, condition))
    return index


def _prune(mapping: dict) -> dict:  # type: ignore[type-arg]
    return {key: condition for key, condition in mapping.items() if condition is not False}
