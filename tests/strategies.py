"""Hypothesis strategies for small litmus programs, and the classic shapes as IR tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import assume
from hypothesis import strategies as st

from ringlitmus import ir
from ringlitmus.ir import (
    Address,
    ArithOp,
    BinOp,
    CmpOp,
    Compare,
    Const,
    Fence,
    FenceKind,
    Load,
    Ordering,
    Reg,
    RmwOp,
    Store,
)
from ringlitmus.semantics import Event, EventKind, build_event_structure

LOCATIONS = ("x", "y", "z")


def litmus(
    name: str,
    *threads: tuple[ir.Instruction, ...],
    locations: int | tuple[ir.LocationDecl, ...] = 2,
) -> ir.Test:
    """A one-variant test whose only outcome is `true`, observing every register and cell.

    Threads are P0, P1, ...; `locations` is a number of plain locations (x, y, z) or the
    declarations themselves. Every register an instruction writes is observed, so the set of
    reachable states is the full picture of what the program can do.
    """
    built = tuple(
        ir.Thread(name=f"P{index}", instructions=tuple(code)) for index, code in enumerate(threads)
    )
    if isinstance(locations, int):
        locations = tuple(ir.LocationDecl(location) for location in LOCATIONS[:locations])
    program = ir.Program(threads=built, locations=locations)
    observed = tuple(
        ir.FinalRegister(thread.name, register)
        for thread in built
        for register in _written_registers(thread)
    )
    return ir.Test(
        file=f"<{name}>",
        name=name,
        format=ir.Format.RING,
        variants=(ir.Variant("default", program),),
        outcomes=(ir.Outcome("any", ir.OutcomeKind.ALLOWED, ir.Truth()),),
        observed=observed,
    )


def _written_registers(thread: ir.Thread) -> list[str]:
    names: list[str] = []
    for instruction in thread.instructions:
        for attribute in ("dest", "status"):
            name = getattr(instruction, attribute, None)
            if name is not None and name not in names:
                names.append(name)
    return names


# --------------------------------------------------------------------------- classic shapes


def _x(location: str) -> Address:
    return Address(location)


def _fake(register: str, into: str) -> ir.Assign:
    """`into = register ^ register`: a value that is always 0 but depends on `register`."""
    return ir.Assign(into, BinOp(ArithOp.XOR, Reg(register), Reg(register)))


def _plus(location: str, register: str) -> BinOp:
    return BinOp(ArithOp.ADD, Address(location), Reg(register))


ACQ, REL, DMB = Ordering.ACQUIRE, Ordering.RELEASE, FenceKind.DMB_FULL
# Every barrier but RCU's read-side brackets, whose nesting is matched only on paths every
# execution takes (semantics/locks.py), and synchronize_srcu(), which names an srcu_struct.
# (acquire, release, fully_ordered): relaxed, _acquire, _release, AArch64's AL, and Linux's
# fully ordered xchg() / cmpxchg() / atomic_*_return() (LKMM's MB).
RMW_ORDERINGS = (
    (False, False, False),
    (True, False, False),
    (False, True, False),
    (True, True, False),
    (False, False, True),
)
GENERATED_FENCES = tuple(
    kind
    for kind in FenceKind
    if kind not in (FenceKind.RCU_LOCK, FenceKind.RCU_UNLOCK, FenceKind.SYNC_SRCU)
)

CLASSICS: dict[str, ir.Test] = {
    "MP": litmus(
        "MP",
        (Store(_x("x"), Const(1)), Store(_x("y"), Const(1))),
        (Load("r0", _x("y")), Load("r1", _x("x"))),
    ),
    "SB": litmus(
        "SB",
        (Store(_x("x"), Const(1)), Load("r0", _x("y"))),
        (Store(_x("y"), Const(1)), Load("r0", _x("x"))),
    ),
    "LB": litmus(
        "LB",
        (Load("r0", _x("x")), Store(_x("y"), Const(1))),
        (Load("r0", _x("y")), Store(_x("x"), Const(1))),
    ),
    "2+2W": litmus(
        "2+2W",
        (Store(_x("x"), Const(1)), Store(_x("y"), Const(2))),
        (Store(_x("y"), Const(1)), Store(_x("x"), Const(2))),
    ),
    "MP+dmbs": litmus(
        "MP+dmbs",
        (Store(_x("x"), Const(1)), Fence(DMB), Store(_x("y"), Const(1))),
        (Load("r0", _x("y")), Fence(DMB), Load("r1", _x("x"))),
    ),
    "MP+rel+acq": litmus(
        "MP+rel+acq",
        (Store(_x("x"), Const(1)), Store(_x("y"), Const(1), REL)),
        (Load("r0", _x("y"), ACQ), Load("r1", _x("x"))),
    ),
    "LB+datas": litmus(
        "LB+datas",
        (Load("r0", _x("x")), Store(_x("y"), Reg("r0"))),
        (Load("r0", _x("y")), Store(_x("x"), Reg("r0"))),
    ),
    "CoRR": litmus(
        "CoRR",
        (Store(_x("x"), Const(1)),),
        (Load("r0", _x("x")), Load("r1", _x("x"))),
        locations=1,
    ),
    "IRIW+acqs": litmus(
        "IRIW+acqs",
        (Store(_x("x"), Const(1)),),
        (Load("r0", _x("x"), ACQ), Load("r1", _x("y"), ACQ)),
        (Store(_x("y"), Const(1)),),
        (Load("r0", _x("y"), ACQ), Load("r1", _x("x"), ACQ)),
    ),
    "WRC+addrs": litmus(
        "WRC+addrs",
        (Store(_x("x"), Const(1)),),
        (Load("r0", _x("x")), _fake("r0", "r9"), Store(_plus("y", "r9"), Const(1))),
        (Load("r0", _x("y")), _fake("r0", "r9"), Load("r1", _plus("x", "r9"))),
    ),
}


# --------------------------------------------------------------------------- random programs


@dataclass(frozen=True)
class Limits:
    """How big a random program may get."""

    min_threads: int = 2
    max_threads: int = 3
    max_operations: int = 3
    max_memory_per_thread: int = 3
    locations: int = 2
    max_writes_per_cell: int = 4
    max_reads: int = 7
    max_candidates: int = 4096


QUICK = Limits()
LONG = Limits(max_threads=4, max_operations=4, max_memory_per_thread=4, locations=3)


@dataclass(frozen=True)
class Memory:
    """The locations of a random program; `arrays` are two-cell arrays (`x[0]`, `x[1]`);
    `pointer` (if any) initially holds a location's address, and plain stores keep it so."""

    locations: tuple[str, ...]
    arrays: frozenset[str] = frozenset()
    pointer: str | None = None


@dataclass
class _ThreadBuilder:
    """Code of one thread being drawn, and the registers it has loaded so far."""

    code: list[ir.Instruction] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)
    next_register: int = 0
    labels: int = 0
    memory: int = 0

    def fresh(self) -> str:
        name = f"r{self.next_register}"
        self.next_register += 1
        return name


OPERATIONS = ("load", "store", "fence", "rmw", "exclusive", "branch", "select")


@st.composite
def _address(draw: st.DrawFn, thread: _ThreadBuilder, memory: Memory, room: int) -> ir.Expr:
    """Where an access goes: a location; through a fake address dependency; a cell of an
    array picked by a loaded value; or an address loaded from the pointer location."""
    location = draw(st.sampled_from(memory.locations))
    kinds = ["plain", "plain"]
    if thread.loaded:
        kinds.append("fake")
    if memory.pointer is not None and room >= 2:
        kinds.append("pointer")
    if location in memory.arrays:
        kinds += ["cell", "indexed"] if thread.loaded else ["cell"]
    kind = draw(st.sampled_from(kinds))
    if kind == "plain":
        return Address(location)
    if kind == "cell":
        return BinOp(ArithOp.ADD, Address(location), Const(draw(st.sampled_from((0, 8)))))
    if kind == "pointer":
        assert memory.pointer is not None
        pointer = thread.fresh()
        thread.code.append(Load(pointer, Address(memory.pointer)))
        thread.loaded.append(pointer)
        thread.memory += 1
        return Reg(pointer)
    source = draw(st.sampled_from(thread.loaded))
    if kind == "indexed":
        # x + (r & 1) * 8: the cell depends on the value read, not just on the read.
        index = BinOp(ArithOp.AND, Reg(source), Const(1))
        return BinOp(ArithOp.ADD, Address(location), BinOp(ArithOp.MUL, index, Const(8)))
    temporary = thread.fresh()
    thread.code.append(_fake(source, temporary))
    return _plus(location, temporary)


@st.composite
def _stored_value(
    draw: st.DrawFn, thread: _ThreadBuilder, memory: Memory, address: ir.Expr
) -> ir.Expr:
    """1 or 2; a location's address; a loaded register (real value flow); or `fake + 1/2`
    (a data dependency on a read, with a known value). The pointer location only ever
    holds addresses, so that loading from it gives one."""
    if memory.pointer is not None and address == Address(memory.pointer):
        return Address(draw(st.sampled_from(memory.locations)))
    kinds = ["const", "const", "address"]
    if thread.loaded:
        kinds += ["copy", "fake"]
    kind = draw(st.sampled_from(kinds))
    if kind == "const":
        return Const(draw(st.sampled_from((1, 2))))
    if kind == "address":
        return Address(draw(st.sampled_from(memory.locations)))
    source = draw(st.sampled_from(thread.loaded))
    if kind == "copy":
        return Reg(source)
    temporary = thread.fresh()
    thread.code.append(_fake(source, temporary))
    return BinOp(ArithOp.ADD, Reg(temporary), Const(draw(st.sampled_from((1, 2)))))


def _condition(draw: st.DrawFn, thread: _ThreadBuilder) -> ir.Condition:
    register = draw(st.sampled_from(thread.loaded)) if thread.loaded else "r99"
    op = draw(st.sampled_from((CmpOp.EQ, CmpOp.NE)))
    return Compare(op, Reg(register), Const(draw(st.sampled_from((0, 1, 2)))))


@st.composite
def _operation(
    draw: st.DrawFn, thread: _ThreadBuilder, memory: Memory, limits: Limits, depth: int = 0
) -> None:
    """Append one operation (and the helper instructions it needs) to `thread`."""
    room = limits.max_memory_per_thread - thread.memory
    allowed = [
        operation
        for operation in OPERATIONS
        if not (operation == "exclusive" and room < 2)
        and not (operation in ("load", "store", "rmw", "select") and room < 1)
        and not (operation == "branch" and (depth > 1 or not thread.loaded))
    ]
    operation = draw(st.sampled_from(allowed))
    code = thread.code
    if operation == "load":
        address = draw(_address(thread, memory, room))
        ordering = draw(st.sampled_from((Ordering.PLAIN, Ordering.ACQUIRE, Ordering.ACQUIRE_PC)))
        dest = thread.fresh()
        code.append(Load(dest, address, ordering))
        thread.loaded.append(dest)
        thread.memory += 1
    elif operation == "store":
        address = draw(_address(thread, memory, room))
        value = draw(_stored_value(thread, memory, address))
        ordering = draw(st.sampled_from((Ordering.PLAIN, Ordering.RELEASE)))
        code.append(Store(address, value, ordering))
        thread.memory += 1
    elif operation == "fence":
        code.append(Fence(draw(st.sampled_from(GENERATED_FENCES))))
    elif operation == "rmw":
        op = draw(st.sampled_from((RmwOp.SWP, RmwOp.CAS, RmwOp.ADD)))
        address = draw(_address(thread, memory, room))
        dest = draw(st.sampled_from((None, thread.fresh())))
        # A CAS expects 0 or 1 and the RMWs write 1 or 2, so it fails in some executions
        # (a failed cmpxchg, fully ordered or not, performs only its read).
        expected = Const(draw(st.sampled_from((0, 1)))) if op is RmwOp.CAS else None
        acquire, release, fully_ordered = draw(st.sampled_from(RMW_ORDERINGS))
        code.append(
            ir.Rmw(
                op,
                dest,
                address,
                Const(draw(st.sampled_from((1, 2)))),
                expected,
                acquire=acquire,
                release=release,
                fully_ordered=fully_ordered,
                old_from_read=op is RmwOp.CAS and draw(st.booleans()),
            )
        )
        if dest is not None:
            thread.loaded.append(dest)
        thread.memory += 1
    elif operation == "exclusive":
        address = draw(_address(thread, memory, room - 1))
        dest, status = thread.fresh(), thread.fresh()
        load_ordering = draw(st.sampled_from((Ordering.PLAIN, Ordering.ACQUIRE)))
        store_ordering = draw(st.sampled_from((Ordering.PLAIN, Ordering.RELEASE)))
        value = draw(st.sampled_from((Const(1), Const(2), BinOp(ArithOp.ADD, Reg(dest), Const(1)))))
        code.append(Load(dest, address, load_ordering, exclusive=True))
        code.append(Store(address, value, store_ordering, exclusive=True, status=status))
        thread.loaded.append(dest)
        thread.memory += 2
    elif operation == "branch":
        # `if (!condition) { 1-2 operations }`: the body is guarded, and everything after the
        # branch (body or not) is control dependent on the register tested.
        label = f"L{thread.labels}"
        thread.labels += 1
        code.append(ir.Branch(_condition(draw, thread), label))
        for _ in range(draw(st.integers(1, 2))):
            draw(_operation(thread, memory, limits, depth + 1))
        code.append(ir.Label(label))
    else:
        dest = thread.fresh()
        code.append(
            ir.Select(
                dest,
                _condition(draw, thread),
                Const(draw(st.sampled_from((0, 1)))),
                draw(st.sampled_from((Const(2), *(Reg(name) for name in thread.loaded)))),
            )
        )
        # A select is only interesting when its result reaches memory: store it, or use it
        # as an address offset.
        location = draw(st.sampled_from(memory.locations))
        if draw(st.booleans()):
            code.append(Store(Address(location), Reg(dest)))
        else:
            offset = thread.fresh()
            code.append(_fake(dest, offset))
            loaded = thread.fresh()
            code.append(Load(loaded, _plus(location, offset)))
            thread.loaded.append(loaded)
        thread.memory += 1


@st.composite
def _declarations(draw: st.DrawFn, memory: Memory) -> tuple[ir.LocationDecl, ...]:
    """Initial memory: mostly 0, sometimes 1 or a location's address; the pointer location
    holds an address."""
    addresses = tuple(Address(name) for name in memory.locations)
    initial = st.sampled_from((Const(0), Const(0), Const(1), *addresses))
    declarations = []
    for name in memory.locations:
        if name in memory.arrays:
            values = (draw(initial), draw(initial))
            declarations.append(ir.LocationDecl(name, values, is_array=True))
        elif name == memory.pointer:
            declarations.append(ir.LocationDecl(name, (draw(st.sampled_from(addresses)),)))
        else:
            declarations.append(ir.LocationDecl(name, (draw(initial),)))
    return tuple(declarations)


@st.composite
def programs(draw: st.DrawFn, limits: Limits = QUICK) -> ir.Test:
    """A random small test over every IR construct; its outcome is `true` (all states)."""
    thread_count = draw(st.integers(limits.min_threads, limits.max_threads))
    location_count = draw(st.integers(2, limits.locations))
    locations = LOCATIONS[:location_count]
    arrays = frozenset(name for name in locations if draw(st.integers(0, 5)) == 0)
    plain = [name for name in locations if name not in arrays]
    pointer = draw(st.sampled_from(plain)) if plain and draw(st.booleans()) else None
    memory = Memory(locations, arrays, pointer)
    threads = []
    for _ in range(thread_count):
        thread = _ThreadBuilder()
        for _ in range(draw(st.integers(1, limits.max_operations))):
            draw(_operation(thread, memory, limits))
        threads.append(tuple(thread.code))
    test = litmus("random", *threads, locations=draw(_declarations(memory)))
    assume(_small_enough(test, limits))
    return test


def _small_enough(test: ir.Test, limits: Limits) -> bool:
    """Keep the brute-force search tractable: few reads, few writes per location, and few
    candidate executions (store-exclusive outcomes times a source per read).

    A write through a pointer may hit any location, so it counts against all of them.
    """
    writes: dict[str | None, int] = {}
    reads = 0
    for thread in test.variants[0].program.threads:
        for instruction in thread.instructions:
            if isinstance(instruction, Load | ir.Rmw):
                reads += 1
            if isinstance(instruction, Store | ir.Rmw):
                key = _location_of(instruction.address)
                writes[key] = writes.get(key, 0) + 1
    anywhere = writes.pop(None, 0)
    most = max(writes.values(), default=0) + anywhere
    if reads > limits.max_reads or most > limits.max_writes_per_cell:
        return False
    return _candidate_estimate(test) <= limits.max_candidates


def _candidate_estimate(test: ir.Test) -> int:
    """An upper bound on the candidate executions before coherence orders."""
    structure = build_event_structure(test.variants[0].program)
    writes = [event for event in structure.events if event.kind is EventKind.WRITE]
    estimate = 2 ** len(structure.choices)
    for read in structure.events:
        if read.kind is EventKind.READ:
            estimate *= sum(1 for write in writes if _may_alias(read, write))
    return estimate


def _may_alias(first: Event, second: Event) -> bool:
    known = isinstance(first.address, int) and isinstance(second.address, int)
    return not known or first.address == second.address


def _location_of(address: ir.Expr) -> str | None:
    """The location an address expression is based on; None for a bare pointer."""
    while isinstance(address, BinOp):
        address = address.left
    return address.location if isinstance(address, Address) else None
