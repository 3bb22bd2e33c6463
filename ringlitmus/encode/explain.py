"""Solver-facing parts of `explain`: axioms split into named steps, edges as assumptions, cores.

An axiom `acyclic r` (or `irreflexive r` with `r` a closure) is encoded here a second way, with
one Boolean assumption per may-edge of each *step* relation of `r`: the named relations whose
union, closures dropped, has the same cycles as `r` (for ARMv8's `external`: rfe, fre, coe,
lws, dob, pob, aob, bob, pick-lob). An unsat core over those assumptions is a set of edges that
no candidate execution reaching the outcome can leave acyclic. Nothing here names an
architecture: the steps are read off the model's terms.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from itertools import pairwise

import z3

from ringlitmus.encode.relations import RelationEncoder
from ringlitmus.encode.solver import CoreDecision, Verdict, decide_with_core
from ringlitmus.encode.terms import Cond, as_bool, negation
from ringlitmus.frozen import frozen
from ringlitmus.models import relations as rel
from ringlitmus.models.relations import AxiomKind

Pair = tuple[int, int]


@frozen
class EdgeLiteral:
    """The assumption `literal` stands for "`pair` of `step` counts towards the axiom"."""

    literal: z3.BoolRef
    step: rel.RelTerm
    pair: Pair


def step_name(term: rel.RelTerm) -> str:
    """How a step is named in explanations: its definition's name, or its cat term."""
    return str(term)


def forbids_cycles(axiom: rel.Axiom) -> bool:
    """Is the axiom `acyclic r`, or `irreflexive r+` (the same thing)? Else it forbids pairs."""
    return axiom.kind is AxiomKind.ACYCLIC or (
        axiom.kind is AxiomKind.IRREFLEXIVE and isinstance(_unwrap(axiom.relation), rel.Plus)
    )


def axiom_steps(axiom: rel.Axiom) -> tuple[rel.RelTerm, ...]:
    """The relations whose union has the same cycles as the axiom's relation.

    Closures are dropped (acyclic(a | b+) iff acyclic(a | b)) and a definition is opened when
    it is a closure or a union of named or base relations (ob, obs, lob, ca); a definition with
    anonymous disjuncts (bob, dob) stays one step, so its name is what an edge is called. For
    `empty` and plain `irreflexive` axioms the relation itself is the only step.
    """
    relation = axiom.relation
    if not forbids_cycles(axiom):
        return (relation,)
    steps: list[rel.RelTerm] = []
    for step in _steps(relation):
        if step not in steps:
            steps.append(step)
    return tuple(steps)


def _steps(term: rel.RelTerm) -> list[rel.RelTerm]:
    if isinstance(term, rel.Named):
        body = term.relation
        if isinstance(body, rel.Plus) or (
            isinstance(body, rel.Union)
            and all(isinstance(operand, rel.Named | rel.Rel) for operand in body.operands)
        ):
            return _steps(body)
        return [term]
    if isinstance(term, rel.Plus):
        return _steps(term.relation)
    if isinstance(term, rel.Union):
        return [step for operand in term.operands for step in _steps(operand)]
    return [term]


def _unwrap(term: rel.RelTerm) -> rel.RelTerm:
    while isinstance(term, rel.Named):
        term = term.relation
    return term


def encode_axiom_edges(
    encoder: RelationEncoder, axiom: rel.Axiom
) -> tuple[list[z3.BoolRef], list[EdgeLiteral]]:
    """Constraints saying the axiom holds for the edges whose literals are assumed.

    Acyclicity is a clock per event that grows along each assumed edge present in the
    execution (as `RelationEncoder.encode_axiom` does, with its own clock names); for
    `empty` and plain `irreflexive` an assumed pair is simply absent.
    """
    constraints: list[z3.BoolRef] = []
    literals: list[EdgeLiteral] = []
    steps = axiom_steps(axiom)
    as_cycle = forbids_cycles(axiom)
    clocks: dict[int, z3.ArithRef] = {}
    for index, step in enumerate(steps):
        for (a, b), condition in encoder.pairs(step).items():
            if condition is False or (
                not as_cycle and axiom.kind is not AxiomKind.EMPTY and a != b
            ):
                continue
            literal = z3.Bool(f"edge[{axiom.name}.{index}:{step_name(step)}](e{a},e{b})")
            literals.append(EdgeLiteral(literal, step, (a, b)))
            if not as_cycle or a == b:
                constraints.append(z3.Implies(literal, as_bool(negation(condition))))
                continue
            for event in (a, b):
                if event not in clocks:
                    clocks[event] = z3.Int(f"{axiom.name}-explain(e{event})")
            edge = clocks[a] < clocks[b]
            constraints.append(z3.Implies(z3.And(literal, as_bool(condition)), edge))
    return constraints, literals


def minimise_core(
    solver: z3.Solver, fixed: Sequence[z3.BoolRef], core: Sequence[z3.BoolRef]
) -> tuple[tuple[z3.BoolRef, ...], bool]:
    """Deletion-based minimisation: drop each literal of `core` the rest do without.

    `fixed` literals are always assumed. Returns the minimised core and whether it is proved
    minimal (False when some check came back unknown: that literal is kept).
    """
    kept = list(core)
    proved = True
    index = 0
    while index < len(kept):
        trial = kept[:index] + kept[index + 1 :]
        answer: CoreDecision = decide_with_core(solver, [*fixed, *trial])
        if answer.decision.verdict is Verdict.UNREACHABLE:
            # The solver's own core may drop more than the one literal: keep only that.
            smaller = {literal.get_id() for literal in answer.core}
            kept = [literal for literal in trial if literal.get_id() in smaller]
            continue
        if answer.decision.verdict is Verdict.UNKNOWN:
            proved = False
        index += 1
    return tuple(kept), proved


# --------------------------------------------------------------------------- reading a model


def holds(model: z3.ModelRef, condition: Cond) -> bool:
    """Is a folded condition true in `model`?"""
    if isinstance(condition, bool):
        return condition
    return bool(z3.is_true(model.eval(condition, model_completion=True)))


def true_pairs(encoder: RelationEncoder, term: rel.RelTerm, model: z3.ModelRef) -> set[Pair]:
    """The pairs of `term` in the execution `model` describes."""
    return {pair for pair, condition in encoder.pairs(term).items() if holds(model, condition)}


def shortest_cycle(edges: Iterable[Pair]) -> list[int] | None:
    """A shortest cycle (its nodes, first not repeated) in a directed graph, by BFS per node."""
    successors: dict[int, list[int]] = {}
    for a, b in sorted(set(edges)):
        if a == b:
            return [a]
        successors.setdefault(a, []).append(b)
    best: list[int] | None = None
    for start in sorted(successors):
        parents: dict[int, int] = {}
        queue = deque([start])
        seen = {start}
        while queue:
            node = queue.popleft()
            if best is not None and _depth(parents, node, start) + 1 >= len(best):
                break
            for target in successors.get(node, ()):
                if target == start:
                    path = _path(parents, node, start)
                    if best is None or len(path) < len(best):
                        best = path
                    queue.clear()
                    break
                if target not in seen:
                    seen.add(target)
                    parents[target] = node
                    queue.append(target)
    return best


def _path(parents: dict[int, int], node: int, start: int) -> list[int]:
    path = [node]
    while path[-1] != start:
        path.append(parents[path[-1]])
    return list(reversed(path))


def _depth(parents: dict[int, int], node: int, start: int) -> int:
    return len(_path(parents, node, start)) - 1


def derivation(
    encoder: RelationEncoder, term: rel.RelTerm, a: int, b: int, model: z3.ModelRef
) -> tuple[str, ...]:
    """Why `(a, b)` is in `term` in `model`: the cat names met on one derivation of the pair.

    Unions take the first disjunct that holds, sequences a path through intermediate events,
    identities the member set the event is in, definitions other than `term` their own name.
    `bob` from an acquire gives `("A", "po")`, `dob` through a branch `("ctrl", "W")`.
    """
    return tuple(_Deriver(encoder, model).relation(term, a, b, top=True))


class _Deriver:
    """One derivation walk over the encoder's pair maps, read in one model."""

    def __init__(self, encoder: RelationEncoder, model: z3.ModelRef) -> None:
        self.encoder = encoder
        self.model = model

    def has(self, term: rel.RelTerm, a: int, b: int) -> bool:
        condition = self.encoder.pairs(term).get((a, b), False)
        return holds(self.model, condition)

    def relation(self, term: rel.RelTerm, a: int, b: int, top: bool = False) -> list[str]:
        if isinstance(term, rel.Named):
            return self.relation(term.relation, a, b) if top else [term.name]
        if isinstance(term, rel.Rel):
            return [term.base.value]
        if isinstance(term, rel.Ident):
            return self.member(term.events, a)
        if isinstance(term, rel.Union):
            for operand in term.operands:
                if self.has(operand, a, b):
                    return self.relation(operand, a, b)
            return []
        if isinstance(term, rel.Inter | rel.Diff):
            return self.relation(term.left, a, b)
        if isinstance(term, rel.Inverse):
            return self.relation(term.relation, b, a)
        if isinstance(term, rel.Seq):
            return self.path(list(term.operands), a, b)
        if isinstance(term, rel.Fix | rel.Recursive):
            return [term.name]  # a recursive definition is named, not unfolded
        if isinstance(term, rel.Product):
            return [str(term)]
        assert isinstance(term, rel.Plus)
        edges = true_pairs(self.encoder, term.relation, self.model)
        nodes = _route(edges, a, b)
        words: list[str] = []
        for first, second in pairwise(nodes):
            words.extend(self.relation(term.relation, first, second))
        return words

    def path(self, operands: list[rel.RelTerm], a: int, b: int) -> list[str]:
        """The words of each step of a path through the sequence's operands."""
        nodes = route_sequence(self.encoder, operands, a, b, self.model)
        if nodes is None:
            return []
        words: list[str] = []
        for operand, first, second in zip(operands, nodes, nodes[1:], strict=False):
            words.extend(self.relation(operand, first, second))
        return words

    def member(self, term: rel.SetTerm, event: int) -> list[str]:
        if isinstance(term, rel.EventSet):
            return [term.base.value]
        if isinstance(term, rel.SetUnion):
            for operand in term.operands:
                if holds(self.model, self.encoder.events_in(operand).get(event, False)):
                    return self.member(operand, event)
            return []
        if isinstance(term, rel.SetInter | rel.SetDiff):
            return self.member(term.left, event)
        return [str(term)]


def route_sequence(
    encoder: RelationEncoder,
    operands: list[rel.RelTerm],
    a: int,
    b: int,
    model: z3.ModelRef,
) -> list[int] | None:
    """Events a = x0, x1, ..., xn = b with (x(i-1), xi) in operand i in `model`, or None."""
    layers: list[dict[int, int]] = [{a: a}]
    for operand in operands:
        pairs = true_pairs(encoder, operand, model)
        layers.append({y: x for (x, y) in sorted(pairs) if x in layers[-1]})
    if b not in layers[-1]:
        return None
    nodes = [b]
    for layer in reversed(layers[1:]):
        nodes.append(layer[nodes[-1]])
    nodes.reverse()
    return nodes


def _route(edges: set[Pair], a: int, b: int) -> list[int]:
    """A shortest path from a to b over `edges` (BFS); [a, b] if there is none."""
    parents: dict[int, int] = {}
    queue = deque([a])
    while queue:
        node = queue.popleft()
        for x, y in sorted(edges):
            if x != node or y in parents or y == a:
                continue
            parents[y] = node
            if y == b:
                return _path(parents, b, a)
            queue.append(y)
    return [a, b]
