"""Candidate executions as Z3 terms: which events happen, rf, co, fr, and final values.

rf is one Boolean per (write, read) pair that may touch the same location; co and fr are read
off an integer clock per write (a write's position in its location's coherence order), so no
transitivity constraints are needed; a read's source clock is the clock of the write it reads.
Initial writes sit at clock 0, before every other write.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import z3

from ringlitmus import ir
from ringlitmus.deadline import Deadline, Phase, check_deadline, paced
from ringlitmus.encode.domains import WritesByCell, read_domains
from ringlitmus.encode.terms import (
    Cond,
    Num,
    SymbolicTranslator,
    all_of,
    any_of,
    as_bool,
    compare,
    mk_at_most_one,
    mk_bool,
    mk_compare,
    mk_eq,
    mk_implies,
    mk_int,
    mk_less,
    mk_not,
    negation,
)
from ringlitmus.semantics import Event, EventKind, EventStructure, Tag

PairMap = dict[tuple[int, int], Cond]


@dataclass
class Execution:
    """The Z3 view of one event structure: variables, constraints and the base relations."""

    structure: EventStructure
    symbols: SymbolicTranslator = field(default_factory=SymbolicTranslator)
    constraints: list[z3.BoolRef] = field(default_factory=list)
    in_bounds: list[z3.BoolRef] = field(default_factory=list)
    inside: dict[int, z3.BoolRef] = field(default_factory=dict)
    executes: dict[int, Cond] = field(default_factory=dict)
    addresses: dict[int, Num] = field(default_factory=dict)
    rf: PairMap = field(default_factory=dict)
    co: PairMap = field(default_factory=dict)
    fr: PairMap = field(default_factory=dict)
    clocks: dict[int, z3.ArithRef] = field(default_factory=dict)
    source_clocks: dict[int, z3.ArithRef] = field(default_factory=dict)
    final_cells: dict[str, z3.ArithRef] = field(default_factory=dict)

    def same_address(self, first: int, second: int) -> Cond:
        """Do two memory events access the same cell?"""
        return compare(ir.CmpOp.EQ, self.addresses[first], self.addresses[second])

    def value(self, event: Event) -> Num:
        """What a write writes or a read returns."""
        return self.symbols.value(event.value)


def encode_execution(structure: EventStructure, deadline: Deadline | None = None) -> Execution:
    """Variables and well-formedness constraints of every candidate execution (past
    `deadline`, CheckTimeoutError)."""
    writes = [event for event in structure.events if event.kind is EventKind.WRITE]
    reads = [event for event in structure.events if event.kind is EventKind.READ]
    cells = WritesByCell(writes)
    execution = Execution(structure, SymbolicTranslator(read_domains(structure, cells, deadline)))
    symbols = execution.symbols
    for event in paced(structure.events, deadline, Phase.ENCODING):
        execution.executes[event.id] = symbols.guard(event.guard)
        if event.has_location:
            execution.addresses[event.id] = symbols.value(event.address)
    _constrain_addresses(execution, deadline)
    for assumption in structure.assumptions:
        execution.constraints.append(as_bool(symbols.guard(assumption)))
    _encode_coherence(execution, writes, cells, deadline)
    _encode_reads_from(execution, reads, cells, deadline)
    _encode_from_reads(execution, reads, cells, deadline)
    _encode_final_memory(execution, cells, deadline)
    return execution


def may_alias(execution: Execution, first: int, second: int) -> bool:
    """False only when two accesses are known to touch different cells."""
    return execution.same_address(first, second) is not False


def _constrain_addresses(execution: Execution, deadline: Deadline | None) -> None:
    # A computed address must name a declared cell. These constraints are kept apart
    # (`in_bounds`) so that outcomes.py can first ask whether any execution leaves the declared
    # cells: only when none can is the restriction harmless, else results are unknown.
    cells = list(execution.structure.cells)
    for event_id, address in paced(execution.addresses.items(), deadline, Phase.ENCODING, 8):
        if isinstance(address, int):
            continue
        inside = z3.Or([address == cell for cell in cells])
        execution.inside[event_id] = inside
        execution.in_bounds.append(mk_implies(as_bool(execution.executes[event_id]), inside))


def _encode_coherence(
    execution: Execution, writes: list[Event], cells: WritesByCell, deadline: Deadline | None
) -> None:
    for write in writes:
        clock = mk_int(f"co(e{write.id})")
        execution.clocks[write.id] = clock
        if Tag.INIT in write.tags:
            execution.constraints.append(mk_compare(ir.CmpOp.EQ, clock, 0))
        else:
            execution.constraints.append(mk_compare(ir.CmpOp.GE, clock, 1))
    for first in writes:
        check_deadline(deadline, Phase.ENCODING)
        for second in cells.at(first.address):
            if second.id <= first.id:
                continue
            same = execution.same_address(first.id, second.id)
            if same is False:
                continue
            both = all_of((execution.executes[first.id], execution.executes[second.id], same))
            if both is False:
                continue
            if not (Tag.INIT in first.tags and Tag.INIT in second.tags):
                distinct = mk_not(mk_eq(execution.clocks[first.id], execution.clocks[second.id]))
                execution.constraints.append(mk_implies(as_bool(both), distinct))
            for earlier, later in ((first, second), (second, first)):
                if Tag.INIT in later.tags:
                    continue
                if Tag.INIT in earlier.tags:
                    execution.co[(earlier.id, later.id)] = both
                else:
                    execution.co[(earlier.id, later.id)] = all_of(
                        (both, mk_less(execution.clocks[earlier.id], execution.clocks[later.id]))
                    )


def _encode_reads_from(
    execution: Execution, reads: list[Event], cells: WritesByCell, deadline: Deadline | None
) -> None:
    for read in reads:
        check_deadline(deadline, Phase.ENCODING)
        sources: list[z3.BoolRef] = []
        for write in paced(cells.at(read.address), deadline, Phase.ENCODING, every=64):
            if write.thread == read.thread and write.instruction == read.instruction:
                continue  # an RMW never reads its own write
            same = execution.same_address(write.id, read.id)
            if same is False:
                continue
            possible = all_of((execution.executes[write.id], execution.executes[read.id], same))
            if possible is False:
                continue
            variable = mk_bool(f"rf(e{write.id},e{read.id})")
            execution.rf[(write.id, read.id)] = variable
            sources.append(variable)
            same_value = mk_eq(execution.symbols.read_value(read.id), execution.value(write))
            execution.constraints.append(
                mk_implies(variable, as_bool(all_of((possible, same_value))))
            )
        executes = as_bool(execution.executes[read.id])
        if read.id in execution.inside:
            # A read outside every declared cell has no write to read from; it is allowed
            # here so that outcomes.py can find such an execution (and then give no verdict).
            executes = z3.And(executes, execution.inside[read.id])
        if not sources:
            execution.constraints.append(mk_not(executes))
            continue
        execution.constraints.append(mk_implies(executes, as_bool(any_of(sources))))
        if len(sources) > 1:
            execution.constraints.append(mk_at_most_one(sources))


def _encode_from_reads(
    execution: Execution, reads: list[Event], cells: WritesByCell, deadline: Deadline | None
) -> None:
    # fr(r, w): w is coherence-after the write r reads from; `source clock` is that write's clock.
    sources_of: dict[int, list[int]] = defaultdict(list)
    for write_id, read_id in execution.rf:
        sources_of[read_id].append(write_id)
    for read in reads:
        check_deadline(deadline, Phase.ENCODING)
        sources = sources_of.get(read.id)
        if not sources:
            continue
        source_clock = mk_int(f"rf-co(e{read.id})")
        execution.source_clocks[read.id] = source_clock
        for write_id in sources:
            execution.constraints.append(
                mk_implies(
                    as_bool(execution.rf[(write_id, read.id)]),
                    mk_eq(source_clock, execution.clocks[write_id]),
                )
            )
        for write in cells.at(read.address):
            if Tag.INIT in write.tags:
                continue
            same = execution.same_address(write.id, read.id)
            if same is False:
                continue
            condition = all_of(
                (
                    execution.executes[read.id],
                    execution.executes[write.id],
                    same,
                    mk_less(source_clock, execution.clocks[write.id]),
                )
            )
            if condition is not False:
                execution.fr[(read.id, write.id)] = condition


def _encode_final_memory(
    execution: Execution, cells: WritesByCell, deadline: Deadline | None
) -> None:
    for address, cell in execution.structure.cells.items():
        check_deadline(deadline, Phase.ENCODING)
        final = mk_int(f"final({cell})")
        execution.final_cells[cell] = final
        candidates = [
            write
            for write in cells.at(address)
            if write.is_store
            and compare(ir.CmpOp.EQ, execution.addresses[write.id], address) is not False
        ]
        for write in candidates:
            here = compare(ir.CmpOp.EQ, execution.addresses[write.id], address)
            later = any_of(
                all_of(
                    (
                        execution.executes[other.id],
                        compare(ir.CmpOp.EQ, execution.addresses[other.id], address),
                        mk_compare(
                            ir.CmpOp.GT, execution.clocks[other.id], execution.clocks[write.id]
                        ),
                    )
                )
                for other in candidates
                if other.id != write.id
            )
            last = all_of((execution.executes[write.id], here, negation(later)))
            if last is False:
                continue
            execution.constraints.append(
                mk_implies(as_bool(last), mk_eq(final, execution.value(write)))
            )


def encode_condition(execution: Execution, condition: ir.Condition) -> Cond:
    """A final-state condition (over final registers and memory) as a Z3 condition."""
    if isinstance(condition, ir.Truth):
        return condition.value
    if isinstance(condition, ir.Compare):
        return compare(
            condition.op,
            final_value(execution, condition.left),  # type: ignore[arg-type]
            final_value(execution, condition.right),  # type: ignore[arg-type]
        )
    parts = [encode_condition(execution, operand) for operand in condition.operands]
    if condition.op is ir.BoolOpKind.NOT:
        return negation(parts[0])
    if condition.op is ir.BoolOpKind.AND:
        return all_of(parts)
    return any_of(parts)


def final_value(execution: Execution, term: ir.Term) -> Num:
    """The value of a final-state term: a register, a memory cell, a number or an address."""
    structure = execution.structure
    if isinstance(term, ir.Const):
        return term.value
    if isinstance(term, ir.Address):
        return structure.bases[term.location]
    if isinstance(term, ir.FinalLocation):
        return execution.final_cells[term.cell]
    if isinstance(term, ir.FinalArithmetic):
        left, right = final_value(execution, term.left), final_value(execution, term.right)
        return execution.symbols.final_arithmetic(term.op, left, right)
    assert isinstance(term, ir.FinalRegister)
    value = structure.final_registers.get((term.thread, term.register), 0)
    return execution.symbols.value(value)
