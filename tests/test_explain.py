"""`explain`'s executions and cycles are real: every edge it prints is checked, relation by
relation, by the independent evaluator of tests/oracle (nothing from ringlitmus.encode).

For each outcome of each basics file (and the seed and tests/data/explain): the candidate is a
well-formed execution that reaches the final state; for an unreachable outcome it breaks the
named axiom and no other axiom it does not own up to, and each edge of the printed cycle is a
pair of the named step relation, chaining back to where it started.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle.enumerate import _final, condition_holds
from oracle.evaluate import ConcreteExecution, Evaluator

from ringlitmus import ir
from ringlitmus.candidate import CandidateExecution, Edge
from ringlitmus.encode.explain import axiom_steps, forbids_cycles
from ringlitmus.encode.solver import Verdict
from ringlitmus.explain import ExplainOptions, Explanation, explain_test
from ringlitmus.frontends import parse_file
from ringlitmus.models import relations as rel
from ringlitmus.models.armv8 import ARMV8
from ringlitmus.semantics import EventStructure, build_event_structure
from ringlitmus.symbolic import evaluate, holds

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    *sorted((ROOT / "litmus" / "basics").glob("*.litmus")),
    ROOT / "litmus" / "kvm-dirty-ring" / "seed.litmus",
    ROOT / "litmus" / "kvm-dirty-ring" / "reset-plain.litmus",
    *sorted((ROOT / "tests" / "data" / "explain").glob("*.litmus")),
    *sorted((ROOT / "tests" / "data" / "ablate").glob("*.litmus")),
]


def _names(model: rel.Model) -> dict[str, rel.RelTerm]:
    """Every relation a printed edge may be named after: named definitions and base
    relations of the model's axioms, their steps, and herd's internal/external splits."""
    found: dict[str, rel.RelTerm] = {}

    def walk(term: object) -> None:
        if isinstance(term, rel.Named | rel.Rel):
            found.setdefault(str(term), term)  # type: ignore[arg-type]
        for child in _children(term):
            walk(child)

    for axiom in model.axioms:
        walk(axiom.relation)
        for step in axiom_steps(axiom):
            found.setdefault(str(step), step)
    for base in (rel.BaseRelation.RF, rel.BaseRelation.CO, rel.BaseRelation.FR):
        for side, split in (("e", rel.BaseRelation.EXT), ("i", rel.BaseRelation.INT)):
            found.setdefault(base.value + side, rel.Inter(rel.Rel(base), rel.Rel(split)))
    return found


def _children(term: object) -> list[object]:
    if isinstance(term, rel.Union | rel.Seq | rel.SetUnion):
        return list(term.operands)
    if isinstance(term, rel.Inter | rel.Diff | rel.SetInter | rel.SetDiff):
        return [term.left, term.right]
    if isinstance(term, rel.Named | rel.Plus | rel.Inverse | rel.Range):
        return [term.relation]
    if isinstance(term, rel.Ident):
        return [term.events]
    return []


NAMES = _names(ARMV8)


def _explanations() -> list[tuple[str, Explanation, EventStructure]]:
    cases = []
    for path in FILES:
        test = parse_file(str(path))
        for explanation in explain_test(test, ExplainOptions()):
            program = test.variant(explanation.variant).program
            label = f"{path.name}:{explanation.variant}:{explanation.outcome}"
            cases.append((label, explanation, build_event_structure(program), test))
    return cases  # type: ignore[return-value]


CASES = _explanations()


def _concrete(structure: EventStructure, candidate: CandidateExecution) -> ConcreteExecution:
    return ConcreteExecution(
        structure=structure,
        executed=frozenset(candidate.executed),
        reads=candidate.reads,
        choices=candidate.choices,
        addresses=candidate.addresses,
        rf=frozenset(candidate.rf),
        co=frozenset(candidate.co),
    )


def _assert_well_formed(structure: EventStructure, candidate: CandidateExecution) -> None:
    """Events run exactly when their guards hold; every read returns its rf source's value."""
    for event in structure.events:
        ran = holds(event.guard, candidate.reads, candidate.choices)
        assert ran == (event.id in candidate.executed), event
    sources = {read: write for write, read in candidate.rf}
    for read, value in candidate.reads.items():
        write = structure.events[sources[read]]
        assert value == evaluate(write.value, candidate.reads, candidate.choices)
        assert candidate.addresses[read] == candidate.addresses[write.id]


def _reaches(test: ir.Test, explanation: Explanation, structure: EventStructure) -> bool:
    candidate = explanation.execution
    assert candidate is not None
    registers = {
        key: evaluate(value, candidate.reads, candidate.choices)
        for key, value in structure.final_registers.items()
    }
    last: dict[str, int] = {}
    for address, cell in structure.cells.items():
        writes = [e for e in candidate.executed if candidate.addresses.get(e) == address]
        writes = [w for w in writes if structure.events[w].kind.value == "W"]
        final = next(w for w in writes if not any((w, o) in candidate.co for o in writes))
        last[cell] = evaluate(structure.events[final].value, candidate.reads, candidate.choices)
    outcome = next(o for o in test.outcomes if o.name == explanation.outcome)
    satisfied = condition_holds(outcome.condition, _final(structure, registers, last))
    return satisfied != (outcome.kind is ir.OutcomeKind.REQUIRED)


def _assert_in_relation(evaluator: Evaluator, edge: Edge) -> None:
    term = NAMES[edge.relation]
    assert (edge.source, edge.target) in evaluator.relation(term), edge


@pytest.mark.parametrize(
    ("explanation", "structure", "test"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_every_printed_edge_is_in_its_relation(
    explanation: Explanation, structure: EventStructure, test: ir.Test
) -> None:
    # The verdict is the one `check` gives: every file here meets its own expectations.
    assert explanation.ok is not False
    candidate = explanation.execution
    if candidate is None:
        assert explanation.note is not None  # nothing reaches it: said so, nothing drawn
        assert explanation.candidates == 0
        return
    _assert_well_formed(structure, candidate)
    assert _reaches(test, explanation, structure)
    evaluator = Evaluator(_concrete(structure, candidate))
    for edge in (*candidate.edges, *explanation.cycle):
        _assert_in_relation(evaluator, edge)
    axioms = {axiom.name: axiom for axiom in ARMV8.axioms}
    if explanation.status is Verdict.REACHABLE:
        assert evaluator.consistent(ARMV8.axioms)
        return
    assert explanation.axiom is not None
    broken = axioms[explanation.axiom]
    assert not evaluator.satisfies(broken)
    for name, axiom in axioms.items():
        if name != explanation.axiom and name not in explanation.also_broken:
            assert evaluator.satisfies(axiom), name
    cycle = explanation.cycle
    assert cycle
    if forbids_cycles(broken):
        steps = {str(step) for step in axiom_steps(broken)}
        assert all(edge.relation in steps for edge in cycle)
        for edge, following in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
            assert edge.target == following.source


def test_the_files_give_both_kinds_of_explanation() -> None:
    statuses = {case[1].status for case in CASES}
    assert statuses == {Verdict.REACHABLE, Verdict.UNREACHABLE}
    axioms = {case[1].axiom for case in CASES}
    assert {"internal", "external", "atomic"} <= axioms


def _only(name: str) -> Explanation:
    return next(case[1] for case in CASES if case[0].startswith(name))


def test_an_outcome_no_execution_reaches_needs_no_axiom() -> None:
    explanation = _only("impossible.litmus")
    assert explanation.status is Verdict.UNREACHABLE
    assert explanation.axiom is None and explanation.cycle == ()
    assert explanation.note is not None and "whatever the model" in explanation.note


def test_two_reasons_are_both_named() -> None:
    explanation = _only("two-reasons.litmus")
    assert {explanation.axiom, *explanation.also_forbidden_by} == {"internal", "external"}


def test_edges_say_which_ordering_holds() -> None:
    explanation = next(case[1] for case in CASES if case[0] == "seed.litmus:after:lost_page")
    candidate = explanation.execution
    assert candidate is not None
    labels = {(edge.relation, edge.detail) for edge in explanation.cycle}
    assert ("bob", ("acquire",)) in labels and ("bob", ("release",)) in labels
    for edge in explanation.cycle:
        if edge.detail == ("acquire",):
            assert "acquire" in candidate.event(edge.source).annotations
        if edge.detail == ("release",):
            assert "release" in candidate.event(edge.target).annotations
    assert explanation.core_minimal and len(explanation.core) >= len(explanation.cycle)


def test_an_unknown_check_is_not_taken_for_a_proof(monkeypatch: pytest.MonkeyPatch) -> None:
    # The checks "is the outcome reachable without axiom X?" all come back unknown: nothing
    # says every candidate breaks more than one axiom, only that none was found alone.
    from ringlitmus import explain
    from ringlitmus.encode.solver import Decision
    from ringlitmus.models import MODELS

    real = explain.decide
    left = len(MODELS["armv8"].axioms)

    def unknown_alone(solver: object, assumptions: tuple[object, ...] = ()) -> Decision:
        nonlocal left
        if assumptions and left:
            left -= 1
            return Decision(Verdict.UNKNOWN, reason="canceled")
        return real(solver, assumptions)  # type: ignore[arg-type]

    monkeypatch.setattr(explain, "decide", unknown_alone)
    test = parse_file(str(ROOT / "litmus" / "kvm-dirty-ring" / "seed.litmus"))
    [found] = explain_test(test, ExplainOptions(), ("after",), ("lost_page",))
    assert found.status is Verdict.UNREACHABLE and found.also_forbidden_by == ()
    assert found.note is not None
    assert "every candidate" not in found.note and "unknown" in found.note


def test_an_unproved_core_is_not_called_one() -> None:
    from dataclasses import replace

    from ringlitmus.reports.explain_text import explanation_lines

    explanation = next(case[1] for case in CASES if case[0] == "seed.litmus:after:lost_page")
    proved = [line.plain for line in explanation_lines(explanation)]
    assert any("unsat core" in line for line in proved)
    unproved = [line.plain for line in explanation_lines(replace(explanation, core_proved=False))]
    assert not any("unsat core" in line for line in unproved)
    assert any("gave up before proving a core" in line for line in unproved)
