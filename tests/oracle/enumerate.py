"""Brute-force every candidate execution of a small program and collect its reachable final states.

The oracle the Z3 encoder is checked against. It shares the IR, the event structure and the
model's definitions with the product, nothing else: each candidate execution is built
explicitly (store-exclusive outcomes, a source write for every read: `oracle.candidates`; a
coherence order per cell: `oracle.coherence`), the model's axioms are evaluated over Python
sets (`oracle.evaluate`), and the final states of the consistent candidates are returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from oracle.candidates import candidates
from oracle.coherence import CoherenceSearch
from ringlitmus import ir
from ringlitmus.models.armv8 import ARMV8
from ringlitmus.models.relations import Model
from ringlitmus.outcomes import observed_terms
from ringlitmus.semantics import EventStructure, build_event_structure
from ringlitmus.symbolic import apply_final, evaluate

State = frozenset[tuple[str, int]]
Final = Callable[[ir.Term], int]


def reachable_states(
    test_or_program: ir.Test | ir.Program,
    labels: Mapping[str, ir.Term] | None = None,
    model: Model = ARMV8,
    condition: ir.Condition | None = None,
) -> set[State]:
    """Every final state (of the labelled terms) some consistent execution reaches.

    Only executions that stay within the declared cells count (see `escapes`). A Test
    contributes its first variant, its labels (`observed_terms`) and its filter; a bare
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
    states: set[State] = set()
    for final in final_values(build_event_structure(program), model):
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


def escapes(test_or_program: ir.Test | ir.Program, model: Model = ARMV8) -> bool:
    """Does some consistent execution access an address outside every declared cell?

    Such a read reads no write and may return anything (here: any value of the guessing
    domain). The encoder gives no verdict for such a program.
    """
    program = (
        test_or_program.variants[0].program
        if isinstance(test_or_program, ir.Test)
        else test_or_program
    )
    structure = build_event_structure(program)
    if all(isinstance(event.address, int) for event in structure.events if event.is_memory):
        return False
    for candidate in candidates(structure, escapes=True):
        search = CoherenceSearch(structure, candidate, model)
        if search.outside and any(True for _ in search.final_memories()):
            return True
    return False


def final_values(structure: EventStructure, model: Model) -> Iterator[Final]:
    """For every distinct final state of a consistent execution, its term -> value function."""
    seen: set[tuple[object, ...]] = set()
    for candidate in candidates(structure):
        registers = {
            key: evaluate(value, candidate.reads, candidate.choices)
            for key, value in structure.final_registers.items()
        }
        for memory in CoherenceSearch(structure, candidate, model).final_memories():
            key = (tuple(sorted(registers.items())), tuple(sorted(memory.items())))
            if key not in seen:
                seen.add(key)
                yield _final(structure, registers, memory)


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
        if isinstance(term, ir.FinalArithmetic):
            return apply_final(term.op, final(term.left), final(term.right))
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
