"""Explain a verdict: the witness execution of a reachable outcome, the cycle behind an
unreachable one.

Why an unreachable outcome is unreachable, and why the answer is sound:

1. The outcome's condition, the well-formedness of executions and each axiom (guarded by one
   Boolean assumption per axiom) go to one solver. The check under all assumptions is unsat;
   its core, minimised by deletion, names the axioms needed to rule the outcome out.
2. For an axiom X such that the other axioms alone leave the outcome reachable, the solver's
   model of (well-formedness, condition, every axiom but X) is a *candidate execution*: it
   reaches the outcome, satisfies every other axiom, so it must break X. If no axiom is needed
   alone (every candidate breaks two or more), X comes from the core and the candidate
   satisfies the rest of the core; the report says so.
3. X is encoded again with one assumption per may-edge of each of its steps (ob's rfe, fre,
   coe, bob, dob, ...; see `encode.explain`). Still unsat; the core over those edge
   assumptions, minimised by deletion, is a set E of edges that no candidate can keep acyclic.
4. The candidate of step 2 satisfies everything but X, so the edges of E present in it form a
   cycle (else its clocks would satisfy the encoding of step 3). Its shortest cycle, found by
   BFS over those edges, is printed; every edge is a pair of a named step relation evaluated
   in the candidate, so the cycle is a real one in the model's relations, not a template.
"""

from __future__ import annotations

import z3

from ringlitmus import ir
from ringlitmus.candidate import CandidateExecution, Edge, describe_edge, read_candidate
from ringlitmus.encode.execution import encode_condition, encode_execution
from ringlitmus.encode.explain import (
    EdgeLiteral,
    axiom_steps,
    encode_axiom_edges,
    forbids_cycles,
    holds,
    minimise_core,
    route_sequence,
    shortest_cycle,
    true_pairs,
)
from ringlitmus.encode.relations import RelationEncoder
from ringlitmus.encode.solver import (
    SolverOptions,
    Verdict,
    decide,
    decide_with_core,
    fresh_context,
    new_solver,
)
from ringlitmus.encode.terms import as_bool, negation
from ringlitmus.frozen import frozen
from ringlitmus.models import relations as rel
from ringlitmus.models.relations import Axiom, AxiomKind, BaseRelation, Model
from ringlitmus.outcomes import MODELS, judge
from ringlitmus.semantics import build_event_structure

# Relations that only filter pairs (same thread, same location): no edge of their own.
_FILTERS = (BaseRelation.EXT, BaseRelation.INT, BaseRelation.LOC, BaseRelation.SAME_INSTANCE)

# Candidate executions are counted up to this many: enough to say "one of several".
COUNT_LIMIT = 16


@frozen
class ExplainOptions:
    """Which model, and the limits of each solver query."""

    model: str = "armv8"
    timeout_s: float | None = None
    rlimit: int | None = None


@frozen
class Explanation:
    """Why one outcome of one variant is (un)reachable.

    Reachable: `execution` is a witness. Unreachable: `execution` is a candidate execution that
    reaches the final state but breaks `axiom`; `cycle` is the shortest cycle it closes (when
    `is_cycle` is False, for an `empty` axiom: the offending pair and the edges that put it
    there), drawn from `core`, a minimal set of
    edges no candidate can keep acyclic (`core_proved` False: the solver gave up before proving
    that; `core` is then only the edges gathered so far). `also_forbidden_by` lists other axioms
    that alone rule out other candidates; `also_broken` the axioms this candidate breaks
    besides `axiom`.
    """

    file: str
    test: str
    variant: str
    outcome: str
    kind: ir.OutcomeKind
    status: Verdict
    expected: ir.Reachability | None
    ok: bool | None
    execution: CandidateExecution | None = None
    axiom: str | None = None
    axiom_text: str | None = None
    cycle: tuple[Edge, ...] = ()
    is_cycle: bool = True
    core: tuple[Edge, ...] = ()
    core_minimal: bool = True
    core_proved: bool = True
    candidates: int | None = None
    candidates_complete: bool = True
    also_forbidden_by: tuple[str, ...] = ()
    also_broken: tuple[str, ...] = ()
    note: str | None = None
    reason: str | None = None


def explain_test(
    test: ir.Test,
    options: ExplainOptions,
    variants: tuple[str, ...] | None = None,
    outcomes: tuple[str, ...] | None = None,
) -> tuple[Explanation, ...]:
    """Explain every selected outcome of every selected variant."""
    return tuple(
        explain_outcome(test, variant, outcome, options)
        for variant in test.variants
        if variants is None or variant.name in variants
        for outcome in test.outcomes
        if outcomes is None or outcome.name in outcomes
    )


class _Query:
    """One variant's encoding with the outcome asserted and each axiom behind a literal."""

    def __init__(
        self,
        test: ir.Test,
        variant: ir.Variant,
        outcome: ir.Outcome,
        model: Model,
        options: ExplainOptions,
    ) -> None:
        self.test = test
        self.program = variant.program
        execution = encode_execution(build_event_structure(variant.program))
        self.encoder = RelationEncoder(execution)
        self.solver = new_solver(SolverOptions(options.timeout_s, options.rlimit))
        self.solver.add(*execution.constraints, *execution.in_bounds)
        if test.filter is not None:
            self.solver.add(as_bool(encode_condition(execution, test.filter)))
        condition = encode_condition(execution, outcome.condition)
        if outcome.kind is ir.OutcomeKind.REQUIRED:
            condition = negation(condition)
        self.solver.add(as_bool(condition))
        self.axioms = model.axioms
        self.literals: dict[str, z3.BoolRef] = {}
        for axiom in model.axioms:
            literal = z3.Bool(f"axiom[{axiom.name}]")
            self.literals[axiom.name] = literal
            self.solver.add(*(z3.Implies(literal, c) for c in self.encoder.encode_axiom(axiom)))
        # What recursive definitions require of their own variables holds whatever the axioms.
        self.solver.add(*self.encoder.side_constraints())

    def assuming(self, axioms: list[Axiom]) -> list[z3.BoolRef]:
        """The literals that switch these axioms on."""
        return [self.literals[axiom.name] for axiom in axioms]

    def axiom_named(self, literal: z3.BoolRef) -> Axiom:
        """The axiom a literal switches on."""
        return next(a for a in self.axioms if self.literals[a.name].eq(literal))

    def read(self, model: z3.ModelRef) -> CandidateExecution:
        """The execution a model of this query describes."""
        return read_candidate(self.test, self.program, self.encoder, model, self.axioms)


def explain_outcome(
    test: ir.Test, variant: ir.Variant, outcome: ir.Outcome, options: ExplainOptions
) -> Explanation:
    """Witness or forbidding cycle of one outcome (see the module docstring for the method),
    in a Z3 context of its own."""
    with fresh_context() as kept:
        return _explain_outcome(test, variant, outcome, options, kept)


def _explain_outcome(
    test: ir.Test,
    variant: ir.Variant,
    outcome: ir.Outcome,
    options: ExplainOptions,
    kept: list[object],
) -> Explanation:
    query = _Query(test, variant, outcome, MODELS[options.model], options)
    kept.append(query)
    expected = test.expected(variant.name, outcome.name, options.model)

    def result(status: Verdict, **fields: object) -> Explanation:
        return Explanation(
            file=test.file,
            test=test.name,
            variant=variant.name,
            outcome=outcome.name,
            kind=outcome.kind,
            status=status,
            expected=expected,
            ok=judge(outcome.kind, status, expected),
            **fields,  # type: ignore[arg-type]
        )

    first = decide_with_core(query.solver, query.assuming(list(query.axioms)))
    decision = first.decision
    if decision.verdict is Verdict.UNKNOWN:
        return result(Verdict.UNKNOWN, reason=decision.reason)
    if decision.model is not None:
        return result(Verdict.REACHABLE, execution=query.read(decision.model))
    core, _ = minimise_core(query.solver, (), first.core)
    count, complete = _count_candidates(query)
    if not core:
        note = "no candidate execution reaches this final state, whatever the model says"
        return result(Verdict.UNREACHABLE, note=note, candidates=count, candidates_complete=True)
    fields = _why_unreachable(query, [query.axiom_named(literal) for literal in core])
    return result(Verdict.UNREACHABLE, candidates=count, candidates_complete=complete, **fields)


def _why_unreachable(query: _Query, core: list[Axiom]) -> dict[str, object]:
    """Steps 2-4 of the module docstring: a candidate, the axiom it breaks, the cycle."""
    alone: list[tuple[Axiom, z3.ModelRef]] = []
    undecided = 0
    for axiom in query.axioms:
        others = [other for other in query.axioms if other is not axiom]
        decision = decide(query.solver, query.assuming(others))
        if decision.model is not None:
            alone.append((axiom, decision.model))
        elif decision.verdict is Verdict.UNKNOWN:
            undecided += 1
    note = None
    if alone:
        chosen, model = alone[0]
        hard = [axiom for axiom in query.axioms if axiom is not chosen]
    else:
        chosen = core[0]
        hard = [axiom for axiom in core if axiom is not chosen]
        decision = decide(query.solver, query.assuming(hard))
        if decision.model is None:
            return {
                "reason": decision.reason,
                "note": "the solver could not produce a candidate execution to show",
            }
        model = decision.model
        note = (
            "every candidate execution reaching this final state breaks more than one axiom "
            f"({', '.join(axiom.name for axiom in core)}); shown: one that breaks {chosen.name}"
        )
        if undecided:  # an unknown check may hide an axiom that rules them out alone
            note = (
                f"no axiom was found to rule this final state out alone ({undecided} of the "
                f"checks unknown); shown: a candidate that breaks {chosen.name}"
            )
    edges, minimal, proved = _edge_core(query, chosen, hard, model)
    encoder = query.encoder
    return {
        "execution": query.read(model),
        "axiom": chosen.name,
        "axiom_text": str(chosen),
        "cycle": _cycle(encoder, model, chosen, edges),
        "is_cycle": forbids_cycles(chosen),
        "core": tuple(_core_edge(encoder, model, edge) for edge in edges),
        "core_minimal": minimal,
        "core_proved": proved,
        "also_forbidden_by": tuple(axiom.name for axiom, _ in alone if axiom is not chosen),
        "also_broken": tuple(
            axiom.name
            for axiom in query.axioms
            if axiom is not chosen and axiom not in hard and _breaks(encoder, model, axiom)
        ),
        "note": note,
    }


def _core_edge(encoder: RelationEncoder, model: z3.ModelRef, edge: EdgeLiteral) -> Edge:
    # An edge of the core absent from this candidate (it forbids others) has no derivation.
    if holds(model, encoder.pairs(edge.step)[edge.pair]):
        return describe_edge(encoder, model, edge.step, edge.pair)
    return Edge(edge.pair[0], edge.pair[1], str(edge.step))


def _edge_core(
    query: _Query, axiom: Axiom, hard: list[Axiom], model: z3.ModelRef
) -> tuple[list[EdgeLiteral], bool, bool]:
    """A minimal set of `axiom`'s edges that, with the `hard` axioms, rules the outcome out;
    whether it is proved minimal, and whether it is proved to rule the outcome out at all.

    Grown from the shortest violation of the candidate `model`: while some candidate keeps
    the chosen edges acyclic, its own shortest violation is added (each round adds an edge,
    so this ends); then edges are dropped by deletion, the first violation's last, so that
    the core keeps the short cycle the candidate closes when it can.
    """
    solver = query.solver
    constraints, literals = encode_axiom_edges(query.encoder, axiom)
    solver.add(*query.encoder.side_constraints())
    solver.push()
    try:
        solver.add(*constraints)
        fixed = query.assuming(hard)
        first = _violation(query.encoder, model, axiom, literals)
        chosen = list(first)
        while True:
            answer = decide_with_core(solver, [*fixed, *(edge.literal for edge in chosen)])
            found = answer.decision.model
            if answer.decision.verdict is Verdict.UNREACHABLE:
                break
            new = [] if found is None else _violation(query.encoder, found, axiom, literals)
            new = [edge for edge in new if edge not in chosen]
            if not new:  # unknown: the edges so far, not proved to be a core
                return chosen, False, False
            chosen.extend(new)
        ordered = [edge for edge in chosen if edge not in first] + first
        kept, minimal = minimise_core(solver, fixed, [edge.literal for edge in ordered])
        by_id = {edge.literal.get_id(): edge for edge in chosen}
        return [by_id[literal.get_id()] for literal in kept], minimal, True
    finally:
        solver.pop()


def _violation(
    encoder: RelationEncoder, model: z3.ModelRef, axiom: Axiom, literals: list[EdgeLiteral]
) -> list[EdgeLiteral]:
    """The edges of the shortest cycle (or one forbidden pair) the execution `model` has."""
    present = [edge for edge in literals if holds(model, encoder.pairs(edge.step)[edge.pair])]
    if not forbids_cycles(axiom):
        return present[:1]
    nodes = shortest_cycle(edge.pair for edge in present)
    if nodes is None:
        return []
    pairs = list(zip(nodes, [*nodes[1:], nodes[0]], strict=True))
    # Where several steps hold for one pair, the model's first (rfe before bob) names it.
    return [next(edge for edge in present if edge.pair == pair) for pair in pairs]


def _cycle(
    encoder: RelationEncoder, model: z3.ModelRef, axiom: Axiom, edges: list[EdgeLiteral]
) -> tuple[Edge, ...]:
    """The shortest cycle the candidate closes with core edges (an `empty` axiom: one pair)."""
    present = [edge for edge in edges if holds(model, encoder.pairs(edge.step)[edge.pair])]
    if not present:
        return ()
    if not forbids_cycles(axiom):
        edge = present[0]
        return tuple(_pair_edges(encoder, model, edge.step, *edge.pair))
    nodes = shortest_cycle(edge.pair for edge in present)
    assert nodes is not None, "the candidate breaks the axiom, so its core edges close a cycle"
    cycle: list[Edge] = []
    for a, b in zip(nodes, [*nodes[1:], nodes[0]], strict=True):
        step = next(edge.step for edge in present if edge.pair == (a, b))
        cycle.append(describe_edge(encoder, model, step, (a, b)))
    return tuple(cycle)


def _pair_edges(
    encoder: RelationEncoder, model: z3.ModelRef, term: rel.RelTerm, a: int, b: int
) -> list[Edge]:
    """Why a pair is in a relation that must be empty (or irreflexive), edge by edge: an
    intersection gives the edges of each side (a filter such as `ext` gives none), a sequence
    those of a path through it; a named or base relation is one edge."""
    if isinstance(term, rel.Rel) and term.base in _FILTERS:
        return []
    if isinstance(term, rel.Inter):
        return [
            *_pair_edges(encoder, model, term.left, a, b),
            *_pair_edges(encoder, model, term.right, a, b),
        ]
    if isinstance(term, rel.Seq):
        operands = list(term.operands)
        nodes = route_sequence(encoder, operands, a, b, model)
        if nodes is not None:
            return [
                edge
                for operand, first, second in zip(operands, nodes, nodes[1:], strict=False)
                if not isinstance(operand, rel.Ident)
                for edge in _pair_edges(encoder, model, operand, first, second)
            ]
    return [describe_edge(encoder, model, term, (a, b))]


def _breaks(encoder: RelationEncoder, model: z3.ModelRef, axiom: Axiom) -> bool:
    """Does the execution `model` describes break `axiom`?"""
    pairs: set[tuple[int, int]] = set()
    for step in axiom_steps(axiom):
        pairs |= true_pairs(encoder, step, model)
    if forbids_cycles(axiom):
        return shortest_cycle(pairs) is not None
    if axiom.kind is AxiomKind.EMPTY:
        return bool(pairs)
    return any(a == b for a, b in pairs)


def _count_candidates(query: _Query) -> tuple[int, bool]:
    """How many executions (distinct rf and co) reach the final state, model aside; capped at
    COUNT_LIMIT. The flag says whether the count is exact."""
    solver = query.solver
    execution = query.encoder.execution
    choices = [as_bool(variable) for variable in execution.rf.values()]
    choices += [as_bool(c) for c in execution.co.values() if not isinstance(c, bool)]
    count = 0
    solver.push()
    try:
        while count < COUNT_LIMIT:
            decision = decide(solver)
            if decision.model is None:
                return count, decision.verdict is Verdict.UNREACHABLE
            count += 1
            model = decision.model
            different = [c != model.eval(c, model_completion=True) for c in choices]
            if not different:
                return count, True
            solver.add(z3.Or(different))
        return count, False
    finally:
        solver.pop()
