"""Values out of thin air: which reads herd's equation solver leaves unsolved, as Z3 terms.

herd7 gives each read a symbolic value and solves the equations rf makes (the read's value is
its write's) by propagation from constants. A read is solved when the write it reads from
writes a value computed from constants and solved reads only: a least fixpoint, which the
constraints below pin down with an integer rank per read (a solved read's sources are solved
and ranked lower; a read whose sources are all solved is solved). What stays unsolved comes
out of thin air through a cycle of rf and copies; herd keeps such an execution (LKMM does not
forbid plain accesses to form one) with a symbolic value that equals no number and prints it
`S8`. Here that value is at least ir.UNSOLVED, a number no litmus test computes, so no
equation with a number holds on it, and two copies of one unsolved value still compare equal.

Not followed: herd also solves a read by the equation a successful cmpxchg makes (its value is
the expected one), and from it the write it read from; a test with a conditional RMW is left
as it was without this encoding (see compares_a_read).

What herd cannot compute with an unsolved value, it drops the execution for (measured with
herd7 7.58): an `if` testing it, arithmetic on it (`r1 + 1`, `r1 & 1`, in a register or a
write), an address made of it. So only copies carry it; a branch picks which value is written
(herd runs each path as its own execution), so a condition makes no value unsolved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import z3

from ringlitmus import ir
from ringlitmus.encode.execution import Execution
from ringlitmus.encode.terms import as_bool, mk_bool, mk_compare, mk_implies, mk_int, mk_less
from ringlitmus.ir import CmpOp
from ringlitmus.semantics import EventKind, EventStructure, Tag
from ringlitmus.symbolic import Arith, Guard, Ite, ReadValue, Value, conjoin, negate, reads_of


def thin_air_constraints(execution: Execution) -> list[z3.BoolRef]:
    """The constraints saying which reads are solved, that an unsolved one holds a value no
    number equals and that nothing computes with it; none when no cycle of rf and data flow
    through a plain access can form (the usual case: then every read is solved)."""
    structure = execution.structure
    if not _may_cycle(execution) or compares_a_read(structure):
        return []
    solved = {
        event.id: mk_bool(f"solved(e{event.id})")
        for event in structure.events
        if event.kind is EventKind.READ
    }
    rank = {read: mk_int(f"solved-rank(e{read})") for read in solved}
    constraints: list[z3.BoolRef] = []
    # The reads a computed value was made from, folded away or not (`(r & 0) + 1`): herd
    # does not fold, so they must be solved too.
    data_into: dict[int, list[tuple[int, z3.BoolRef]]] = defaultdict(list)
    for (source, write_id), guard in structure.data.items():
        if source in solved and not _copies(structure.events[write_id].value):
            data_into[write_id].append((source, as_bool(execution.symbols.guard(guard))))
    for (write_id, read_id), rf in execution.rf.items():
        value = structure.events[write_id].value
        sources = data_into.get(write_id, [])
        ranked = z3.And(
            _solved_value(execution, value, solved, rank, rank[read_id]),
            *[
                mk_implies(flows, z3.And(solved[source], mk_less(rank[source], rank[read_id])))
                for source, flows in sources
            ],
        )
        sources_solved = z3.And(
            _solved_value(execution, value, solved, None, None),
            *[mk_implies(flows, solved[source]) for source, flows in sources],
        )
        rf_holds = as_bool(rf)
        constraints.append(mk_implies(rf_holds, mk_implies(solved[read_id], ranked)))
        constraints.append(mk_implies(rf_holds, mk_implies(sources_solved, solved[read_id])))
    for read_id in solved:
        out_of_numbers = mk_compare(CmpOp.GE, execution.symbols.read_value(read_id), ir.UNSOLVED)
        constraints.append(z3.Or(solved[read_id], out_of_numbers))
    for path, reads in _computations(structure):
        tested = [solved[read] for read in sorted(reads) if read in solved]
        if tested:
            met = as_bool(execution.symbols.guard(path))
            constraints.append(mk_implies(met, z3.And(tested)))
    for source, target, flows in _folded_computations(structure):
        if source in solved:
            met = as_bool(execution.symbols.guard(conjoin(structure.events[target].guard, flows)))
            constraints.append(mk_implies(met, solved[source]))
    return constraints


def _folded_computations(structure: EventStructure) -> Iterator[tuple[int, int, Guard]]:
    """The dependencies (read, event, path) through a computation our values may have folded
    away (`r & 0`, `x + (r ^ r)`, `if (r & 0)`): a written value that does not copy the read,
    an address, a branch."""
    for (source, target), flows in structure.data.items():
        if not _copies(structure.events[target].value):
            yield source, target, flows
    for dependency in (structure.addr, structure.ctrl):
        for (source, target), flows in dependency.items():
            yield source, target, flows


def _copies(value: Value) -> bool:
    """Is `value` a read's value as it was (on each path, or a constant on some)? Its data
    dependencies then come through that read: from its own rf source, or from a store the
    thread made to the same location (lrs), which its rank already accounts for."""
    if isinstance(value, ReadValue):
        return True
    if isinstance(value, Ite):
        return all(
            isinstance(branch, int) or _copies(branch) for branch in (value.then, value.otherwise)
        )
    return False


def _computations(structure: EventStructure) -> Iterator[tuple[Guard, set[int]]]:
    """Each computation an execution makes, as the path it is made on and the reads it uses:
    branch conditions, addresses, and arithmetic in written values and final registers."""
    for path, condition in structure.branches:
        yield path, reads_of(condition, set())
    for event in structure.events:
        if event.has_location:
            yield event.guard, reads_of(event.address, set())
        if event.kind is EventKind.WRITE:
            yield from _arithmetic(event.value, event.guard)
    for value in structure.final_registers.values():
        yield from _arithmetic(value, True)


def _arithmetic(value: Value, path: Guard) -> Iterator[tuple[Guard, set[int]]]:
    """The arithmetic in `value` (a copy of a read computes nothing), each on its path."""
    if isinstance(value, Arith):
        yield path, reads_of(value, set())
    elif isinstance(value, Ite):
        yield path, reads_of(value.condition, set())
        yield from _arithmetic(value.then, conjoin(path, value.condition))
        yield from _arithmetic(value.otherwise, conjoin(path, negate(value.condition)))


def _solved_value(
    execution: Execution,
    value: Value,
    solved: dict[int, z3.BoolRef],
    rank: dict[int, z3.ArithRef] | None,
    bound: z3.ArithRef | None,
) -> z3.BoolRef:
    """Is `value` computed from constants and solved reads only (each ranked below `bound`,
    when a rank is given)?"""
    if isinstance(value, int):
        return z3.BoolVal(True)
    if isinstance(value, ReadValue):
        if value.event not in solved:
            return z3.BoolVal(True)
        if rank is None or bound is None:
            return solved[value.event]
        return z3.And(solved[value.event], mk_less(rank[value.event], bound))
    if isinstance(value, Ite):
        return z3.If(
            as_bool(execution.symbols.guard(value.condition)),
            _solved_value(execution, value.then, solved, rank, bound),
            _solved_value(execution, value.otherwise, solved, rank, bound),
        )
    assert isinstance(value, Arith)
    return z3.And(
        _solved_value(execution, value.left, solved, rank, bound),
        _solved_value(execution, value.right, solved, rank, bound),
    )


def compares_a_read(structure: EventStructure) -> bool:
    """Does a conditional RMW (cmpxchg, atomic_add_unless) write only when its read returned
    some value? herd then solves the read by that equation and, through rf, what it read from
    (measured: a cmpxchg's success gives a value to a cycle no copy chain solves). That
    solving runs every way rf goes, which the ranks above do not follow: values are left as
    they were without this encoding (free), which may show a value out of thin air as a
    number, but never drops an execution herd7 keeps."""
    events = structure.events
    return any(read in reads_of(events[write].guard, set()) for read, write in structure.rmw)


def _may_cycle(execution: Execution) -> bool:
    """Can a read's value flow, through writes and the reads that may read them, back to
    itself, with a plain access on the way? (Cycles of marked accesses alone break LKMM's
    happens-before: data dependencies between marked accesses are ppo, rfe is hb.)"""
    structure = execution.structure
    data_sources: dict[int, set[int]] = defaultdict(set)
    for source, write_id in structure.data:
        data_sources[write_id].add(source)
    feeds: dict[int, set[tuple[int, bool]]] = defaultdict(set)
    for write_id, read_id in execution.rf:
        write = structure.events[write_id]
        plain = Tag.PLAIN in write.tags or Tag.PLAIN in structure.events[read_id].tags
        for source in reads_of(write.value, set()) | data_sources[write_id]:
            feeds[source].add((read_id, plain))
    # A cycle through a plain edge exists iff some plain edge's target reaches its source.
    for source, targets in feeds.items():
        for target, plain in targets:
            if plain and _reaches(feeds, target, source):
                return True
    return False


def _reaches(feeds: dict[int, set[tuple[int, bool]]], start: int, goal: int) -> bool:
    seen = {start}
    frontier = [start]
    while frontier:
        read = frontier.pop()
        if read == goal:
            return True
        for target, _ in feeds.get(read, ()):
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    return False
