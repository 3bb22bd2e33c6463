"""Decide every outcome of every variant, enumerate final states, compare with expectations.

This is the pipeline's driver: IR -> event structure -> Z3 execution + model axioms -> one
solver per variant, reused across outcomes with push/pop. Results are frozen dataclasses that
reports render; nothing here prints.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import field

import z3

from ringlitmus import ir
from ringlitmus.deadline import CheckTimeoutError, Deadline, Phase, start_deadline
from ringlitmus.encode.execution import Execution, encode_condition, encode_execution, final_value
from ringlitmus.encode.relations import RelationEncoder
from ringlitmus.encode.solver import (
    Decision,
    SolverOptions,
    Verdict,
    decide,
    fresh_context,
    new_solver,
    pop_unless_expired,
    push,
)
from ringlitmus.encode.states import Sightings, describe_execution, enumerate_states, read_state
from ringlitmus.encode.terms import Cond, any_of, as_bool, assert_all, negation
from ringlitmus.encode.thin_air import thin_air_constraints
from ringlitmus.frozen import frozen
from ringlitmus.models import MODELS
from ringlitmus.semantics import build_event_structure

# What a report says of a variant without any candidate execution (VariantResult.no_execution).
NO_EXECUTION = "no execution exists"


@frozen
class CheckOptions:
    """What to decide and within which limits: `timeout_s` bounds a whole check_test (each
    file's check, when batch.py starts the deadline), `rlimit` each query."""

    model: str = "armv8"
    timeout_s: float | None = None
    rlimit: int | None = None
    states: bool = False
    max_states: int = 4096
    variants: tuple[str, ...] | None = None
    observation: bool = False


@frozen
class OutcomeResult:
    """One outcome in one variant.

    `status` is whether the outcome's condition is reachable; for a REQUIRED outcome it is
    whether a *violation* (an execution not satisfying the condition) is reachable. `witness`
    is the final state of a reaching execution, `execution` its rf and co choices.
    """

    name: str
    kind: ir.OutcomeKind
    status: Verdict
    expected: ir.Reachability | None
    ok: bool | None
    witness: dict[str, int] | None = None
    execution: dict[str, list[str]] | None = None
    reason: str | None = None
    always: Verdict | None = None


@frozen
class VariantResult:
    """All outcomes of one variant under one model, and its reachable final states when
    asked for. `flags` names the model's flags some consistent execution raises (herd's
    `Flag data-race`); `unknown_flags` those the solver could not decide."""

    variant: str
    time_s: float
    outcomes: tuple[OutcomeResult, ...]
    states: tuple[dict[str, int], ...] | None = None
    states_complete: bool = True
    model: str = "armv8"
    no_execution: bool = False
    flags: tuple[str, ...] = ()
    unknown_flags: tuple[str, ...] = ()


@frozen
class TestResult:
    """A file's result: its variants, or the error that stopped it."""

    __test__ = False  # not a pytest class, whatever its name

    file: str
    test: str
    format: str
    variants: tuple[VariantResult, ...] = ()
    error: str | None = None
    doc: str | None = None
    metadata: tuple[tuple[str, str], ...] = field(default=())


def check_test(
    test: ir.Test, options: CheckOptions, deadline: Deadline | None = None
) -> TestResult:
    """Decide every outcome of every (selected) variant of `test`, by `deadline` (default:
    `options.timeout_s` from now); what it stops is unknown, with the phase in the reason."""
    deadline = deadline or start_deadline(options.timeout_s)
    variants = [
        variant
        for variant in test.variants
        if options.variants is None or variant.name in options.variants
    ]
    return TestResult(
        file=test.file,
        test=test.name,
        format=test.format.value,
        variants=tuple(check_variant(test, variant, options, deadline) for variant in variants),
        doc=test.doc,
        metadata=test.metadata,
    )


def check_variant(
    test: ir.Test, variant: ir.Variant, options: CheckOptions, deadline: Deadline | None = None
) -> VariantResult:
    """Build, encode and decide one variant, in a Z3 context of its own; past `deadline`,
    what is left undecided is unknown."""
    started = time.perf_counter()
    try:
        if deadline is not None:
            deadline.check(Phase.WAITING)  # no context is made for nothing
        with fresh_context() as kept:
            return _check_variant(test, variant, options, kept, deadline)
    except CheckTimeoutError as exceeded:
        return VariantResult(
            variant=variant.name,
            model=options.model,
            time_s=round(time.perf_counter() - started, 4),
            outcomes=tuple(
                _undecided(test.expected(variant.name, o.name, options.model), o, exceeded.reason)
                for o in test.outcomes
            ),
            states=() if options.states else None,
            states_complete=False,
        )


def _check_variant(
    test: ir.Test,
    variant: ir.Variant,
    options: CheckOptions,
    kept: list[object],
    deadline: Deadline | None,
) -> VariantResult:
    started = time.perf_counter()
    labels = observed_terms(test)
    structure = build_event_structure(
        variant.program, observed_registers(labels.values()), deadline, observed_cells(test)
    )
    execution = encode_execution(structure, deadline)
    encoder = RelationEncoder(execution, deadline)
    model = MODELS[options.model]
    if model.unsolved_values:
        execution.constraints.extend(thin_air_constraints(execution))
    axioms = [encoder.encode_axiom(axiom) for axiom in model.axioms]
    flags = {flag.name: any_of(encoder.pairs(flag.relation).values()) for flag in model.flags}
    axioms.append(encoder.side_constraints())
    _translate_queries(test, execution, labels)
    # The deadline, not a solver timeout, bounds each query: it also stops Z3's simplifier.
    timeout_s = options.timeout_s if deadline is None else None
    solver = new_solver(SolverOptions(timeout_s, options.rlimit, linear=execution.symbols.linear))
    kept.extend((structure, execution, encoder, axioms, solver))
    assert_all(solver, execution.constraints, deadline)
    for constraints in axioms:
        assert_all(solver, constraints, deadline)
    if test.filter is not None:
        solver.add(as_bool(encode_condition(execution, test.filter)))
    observe = options.observation or test.format.is_herd
    escape = _address_escape(execution, solver, deadline)
    if escape is not None:
        return VariantResult(
            variant=variant.name,
            model=options.model,
            time_s=round(time.perf_counter() - started, 4),
            outcomes=tuple(
                _undecided(test.expected(variant.name, o.name, options.model), o, escape)
                for o in test.outcomes
            ),
        )
    states: tuple[dict[str, int], ...] | None = None
    complete = True
    sightings: Sightings | None = None
    if options.states and observe:
        # herd's Observation asks both sides of every condition: a complete enumeration of
        # the final states answers both, without a query each.
        sightings = _outcome_sightings(test.outcomes, execution)
        states, complete = enumerate_states(
            execution, solver, labels, options.max_states, deadline, sightings
        )
    results: list[OutcomeResult] = []
    for index, outcome in enumerate(test.outcomes):
        expected = test.expected(variant.name, outcome.name, options.model)
        if sightings is not None and complete:
            results.append(_seen_outcome(expected, outcome, sightings, index))
            continue
        try:
            decided = decide_outcome(
                expected, outcome, execution, solver, labels, observe, deadline
            )
        except CheckTimeoutError as exceeded:
            # What was decided stands; the rest is unknown, with the timeout as its reason.
            decided = _undecided(expected, outcome, exceeded.reason)
        results.append(decided)
    raised = _raised_flags(solver, flags, deadline)
    if options.states and sightings is None:
        states, complete = enumerate_states(execution, solver, labels, options.max_states, deadline)
    decided, vacuous = _require_executions(
        tuple(results), solver, states, test.filter is not None, deadline
    )
    return VariantResult(
        variant=variant.name,
        model=options.model,
        time_s=round(time.perf_counter() - started, 4),
        outcomes=decided,
        states=None if vacuous else states,
        states_complete=complete,
        no_execution=vacuous,
        flags=tuple(name for name, verdict in raised.items() if verdict is Verdict.REACHABLE),
        unknown_flags=tuple(name for name, verdict in raised.items() if verdict is Verdict.UNKNOWN),
    )


def _outcome_targets(outcome: ir.Outcome, execution: Execution) -> tuple[Cond, Cond]:
    """What is asked of an outcome, and its other side: its condition and the negation (the
    other way round for REQUIRED, whose answer is about a violation)."""
    condition = encode_condition(execution, outcome.condition)
    if outcome.kind is ir.OutcomeKind.REQUIRED:
        return negation(condition), condition
    return condition, negation(condition)


def _outcome_sightings(outcomes: Iterable[ir.Outcome], execution: Execution) -> Sightings:
    targets, others = zip(*(_outcome_targets(o, execution) for o in outcomes), strict=True)
    return Sightings(targets, others)


def _seen_outcome(
    expected: ir.Reachability | None, outcome: ir.Outcome, sightings: Sightings, index: int
) -> OutcomeResult:
    """An outcome's answers read off a complete enumeration of the final states."""
    witness, execution_trace = sightings.witnesses.get(index, (None, None))
    status = Verdict.UNREACHABLE if witness is None else Verdict.REACHABLE
    other = index in sightings.satisfied
    return OutcomeResult(
        name=outcome.name,
        kind=outcome.kind,
        status=status,
        expected=expected,
        ok=judge(outcome.kind, status, expected),
        witness=witness,
        execution=execution_trace,
        always=Verdict.REACHABLE if other else Verdict.UNREACHABLE,
    )


def _raised_flags(
    solver: z3.Solver, flags: dict[str, bool | z3.BoolRef], deadline: Deadline | None
) -> dict[str, Verdict]:
    """Whether some consistent execution raises each flag (LKMM's data-race); past the
    deadline, the flags not yet asked are unknown."""
    raised: dict[str, Verdict] = {}
    for name, condition in flags.items():
        if condition is False:
            continue
        try:
            raised[name] = _decide_under(solver, condition, deadline).verdict
        except CheckTimeoutError:
            raised[name] = Verdict.UNKNOWN
    return raised


def _translate_queries(test: ir.Test, execution: Execution, labels: dict[str, ir.Term]) -> None:
    # Everything a query may add, translated before the solver is made: whether all of it is
    # linear decides the solver's logic (translations are memoised, so none is done twice).
    for condition in [outcome.condition for outcome in test.outcomes] + [test.filter]:
        if condition is not None:
            encode_condition(execution, condition)
    for term in labels.values():
        final_value(execution, term)


def _address_escape(
    execution: Execution, solver: z3.Solver, deadline: Deadline | None = None
) -> str | None:
    """Why no verdict can be given when a computed address may leave every declared cell.

    The encoding only knows declared cells; an execution indexing past an array would be
    silently dropped, which could hide a reachable outcome. So first ask whether one exists;
    when none does (unsat), the bounds are added and cost nothing.
    """
    if not execution.in_bounds:
        return None
    push(solver, deadline)
    solver.add(z3.Not(z3.And(execution.in_bounds)))
    decision = decide(solver, deadline=deadline)
    solver.pop()
    if decision.verdict is Verdict.UNREACHABLE:
        solver.add(*execution.in_bounds)
        return None
    if decision.verdict is Verdict.UNKNOWN:
        return f"could not check that computed addresses stay in bounds: {decision.reason}"
    return (
        "an execution computes an address outside every declared location "
        "(an array index out of bounds?): no verdict is given"
    )


def _require_executions(
    results: tuple[OutcomeResult, ...],
    solver: z3.Solver,
    states: tuple[dict[str, int], ...] | None,
    filtered: bool,
    deadline: Deadline | None = None,
) -> tuple[tuple[OutcomeResult, ...], bool]:
    """The results, with "unreachable" kept only over a non-empty set of executions; and
    whether the variant has no candidate execution at all.

    Asked only when the list of final states came back empty, or none was made and some answer
    is "unreachable": a listed state or a reachable answer already shows an execution. Without
    executions every claim of unreachability would hold vacuously, so none is given: each
    outcome becomes undecided with the reason.
    """
    proved_empty = any(result.status is Verdict.UNREACHABLE for result in results)
    if states or (not proved_empty and states is None):
        return results, False  # a state found is an execution
    try:
        decision = decide(solver, deadline=deadline)
    except CheckTimeoutError as exceeded:
        decision = Decision(Verdict.UNKNOWN, reason=exceeded.reason)
    if decision.verdict is Verdict.REACHABLE:
        return results, False
    if decision.verdict is Verdict.UNKNOWN:
        reason = f"could not check that any execution exists: {decision.reason}"
        return tuple(
            _undecided(result.expected, result, reason)
            if result.status is Verdict.UNREACHABLE
            else result
            for result in results
        ), False
    admits = "the program and its filter admit" if filtered else "the program admits"
    reason = f"{NO_EXECUTION}: {admits} no execution the model allows, so nothing is judged"
    return tuple(_undecided(result.expected, result, reason) for result in results), True


def _undecided(
    expected: ir.Reachability | None, outcome: ir.Outcome | OutcomeResult, reason: str
) -> OutcomeResult:
    return OutcomeResult(
        name=outcome.name,
        kind=outcome.kind,
        status=Verdict.UNKNOWN,
        expected=expected,
        ok=None,
        reason=reason,
    )


def decide_outcome(
    expected: ir.Reachability | None,
    outcome: ir.Outcome,
    execution: Execution,
    solver: z3.Solver,
    labels: dict[str, ir.Term],
    observation: bool,
    deadline: Deadline | None = None,
) -> OutcomeResult:
    """Is the outcome's condition (or, for REQUIRED, its violation) reachable? `expected` is
    the file's claim about it, under the model the solver encodes. Past `deadline`,
    CheckTimeoutError."""
    target, other = _outcome_targets(outcome, execution)
    decision = _decide_under(solver, target, deadline)
    always: Verdict | None = None
    if observation:
        # herd's Never/Sometimes/Always needs the other side too: can the condition fail?
        always = _decide_under(solver, other, deadline).verdict
    witness = execution_trace = None
    if decision.model is not None:
        witness = read_state(execution, decision.model, labels)
        execution_trace = describe_execution(execution, decision.model)
    return OutcomeResult(
        name=outcome.name,
        kind=outcome.kind,
        status=decision.verdict,
        expected=expected,
        ok=judge(outcome.kind, decision.verdict, expected),
        witness=witness,
        execution=execution_trace,
        reason=decision.reason,
        always=always,
    )


def _decide_under(
    solver: z3.Solver, condition: bool | z3.BoolRef, deadline: Deadline | None = None
) -> Decision:
    push(solver, deadline)
    try:
        solver.add(as_bool(condition))
        return decide(solver, deadline=deadline)
    finally:
        pop_unless_expired(solver, deadline)


def judge(kind: ir.OutcomeKind, status: Verdict, expected: ir.Reachability | None) -> bool | None:
    """Does the result meet the file's claim? None when it cannot be told (unknown)."""
    if status is Verdict.UNKNOWN:
        return None
    if expected is not None:
        return status.value == expected.value
    if kind is ir.OutcomeKind.ALLOWED:
        return True
    # A forbidden outcome must be unreachable; a required one must have no reachable violation.
    return status is Verdict.UNREACHABLE


def observed_terms(test: ir.Test) -> dict[str, ir.Term]:
    """Final-state terms worth reporting, by label: those the conditions name, then all memory."""
    terms: dict[str, ir.Term] = {}
    conditions = [outcome.condition for outcome in test.outcomes]
    if test.filter is not None:
        conditions.append(test.filter)
    for condition in conditions:
        for term in ir.condition_terms(condition):
            terms.setdefault(test.label(term), term)
    for term in test.observed:
        terms.setdefault(test.label(term), term)
    for location in test.variants[0].program.locations if test.variants else ():
        for cell in location.cells:
            term = ir.FinalLocation(cell)
            terms.setdefault(test.label(term), term)
    return terms


def observed_registers(terms: Iterable[ir.Term]) -> dict[str, set[str]]:
    """Thread name -> the registers among `terms`: the only final register values a check
    asks for, so the only ones symbolic execution has to carry to the end."""
    registers: dict[str, set[str]] = {}
    for term in terms:
        if isinstance(term, ir.FinalRegister):
            registers.setdefault(term.thread, set()).add(term.register)
    return registers


def observed_cells(test: ir.Test) -> set[str]:
    """The cells whose final values the test names: in a condition, its filter or its
    `locations` (herd's observed locations, whose final writes are its set FW)."""
    conditions = [outcome.condition for outcome in test.outcomes]
    if test.filter is not None:
        conditions.append(test.filter)
    terms = [term for condition in conditions for term in ir.condition_terms(condition)]
    return {term.cell for term in [*terms, *test.observed] if isinstance(term, ir.FinalLocation)}
