"""Turn a program's instructions into an event structure: events, po, rmw and dependencies.

Each thread is executed symbolically once, along all its (forward-only) control-flow paths at
the same time: every event carries a guard saying when it happens, every register a symbolic
value and the sets of reads it depends on. Dependencies follow herd's `aarch64deps.cat`:

* `dtrm` ("dependency through registers and memory") links a read to what its value flows into,
  through register writes, intra-instruction data flow and local read successors (`lrs`: a load
  that reads the same location as a po-earlier store of the thread inherits what the store's
  inputs depended on). The status register of a store-exclusive carries no dependency.
* addr / data: a read's dtrm reaches the address / the stored value of a memory access.
* ctrl: a read's dtrm reaches a branch condition; every po-later event depends on it.
* pick: as dtrm, but also through the condition of a conditional select (CSEL) or of a
  compare-and-swap (herd's `iico_ctrl`); pick-addr / pick-data / pick-ctrl as above.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from ringlitmus import ir
from ringlitmus.errors import Span, UndeclaredLocationError, UnsupportedInstructionError
from ringlitmus.ir import ArithOp, CmpOp, FenceKind, Ordering, RmwOp
from ringlitmus.symbolic import (
    All,
    AnyOf,
    Block,
    Choice,
    Guard,
    ReadValue,
    Value,
    arith,
    cmp,
    conjoin,
    disjoin,
    ite,
    negate,
)

# Path conditions longer than this many conjuncts get a name where paths join.
_SHORT_GUARD = 3

# Where locations live: far apart, so that no small integer a test stores is also an address.
ADDRESS_BASE = 0x1000
ADDRESS_GAP = 0x1000


class EventKind(Enum):
    """Memory reads, memory writes and barriers."""

    READ = "R"
    WRITE = "W"
    FENCE = "F"


class Tag(Enum):
    """Annotations on events, named after the cat sets they populate."""

    ACQUIRE = "A"
    ACQUIRE_PC = "Q"
    RELEASE = "L"
    EXCLUSIVE = "X"
    NO_RETURN = "NoRet"
    INIT = "IW"


@dataclass(frozen=True)
class Event:
    """One event. `value` is the value written, or `ReadValue(id)` for a read."""

    id: int
    thread: int
    kind: EventKind
    address: Value
    value: Value
    guard: Guard
    instruction: int
    tags: frozenset[Tag] = frozenset()
    fence: FenceKind | None = None
    span: Span | None = field(default=None, compare=False)

    @property
    def is_memory(self) -> bool:
        """Reads and writes, as opposed to barriers."""
        return self.kind is not EventKind.FENCE


Pairs = dict[tuple[int, int], Guard]
Provenance = dict[int, Guard]


@dataclass
class EventStructure:
    """Events of all threads plus the relations fixed by the program text."""

    events: list[Event]
    thread_names: tuple[str, ...]
    thread_events: list[list[int]]
    cells: dict[int, str]
    bases: dict[str, int]
    final_registers: dict[tuple[str, str], Value]
    rmw: Pairs = field(default_factory=dict)
    amo: Pairs = field(default_factory=dict)
    lxsx: Pairs = field(default_factory=dict)
    addr: Pairs = field(default_factory=dict)
    data: Pairs = field(default_factory=dict)
    ctrl: Pairs = field(default_factory=dict)
    pick_basic_dep: Pairs = field(default_factory=dict)
    pick_addr_dep: Pairs = field(default_factory=dict)
    pick_data_dep: Pairs = field(default_factory=dict)
    pick_ctrl_dep: Pairs = field(default_factory=dict)
    instances: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    choices: list[str] = field(default_factory=list)

    @property
    def init_writes(self) -> Iterator[Event]:
        """The initial write of every cell."""
        return (event for event in self.events if Tag.INIT in event.tags)

    def address_of(self, cell: str) -> int:
        """The address of a cell by name."""
        for address, name in self.cells.items():
            if name == cell:
                return address
        raise KeyError(cell)


@dataclass
class RegisterState:
    """A register's symbolic value and the reads it depends on (plain and pick)."""

    value: Value
    deps: Provenance
    pick: Provenance


@dataclass
class _StoreRecord:
    """A po-earlier write of the thread, for local-read-successor dependencies."""

    event: int
    deps: Provenance
    pick: Provenance


def layout_locations(program: ir.Program) -> tuple[dict[str, int], dict[int, str]]:
    """Give every location a base address and every cell a name."""
    bases: dict[str, int] = {}
    cells: dict[int, str] = {}
    next_base = ADDRESS_BASE
    for location in program.locations:
        bases[location.name] = next_base
        for index, cell in enumerate(location.cells):
            cells[next_base + index * ir.CELL_SIZE] = cell
        size = len(location.cells) * ir.CELL_SIZE
        next_base += ((size + ADDRESS_GAP - 1) // ADDRESS_GAP) * ADDRESS_GAP + ADDRESS_GAP
    return bases, cells


def build_event_structure(program: ir.Program) -> EventStructure:
    """Run every thread symbolically and collect its events and static relations."""
    bases, cells = layout_locations(program)
    structure = EventStructure(
        events=[],
        thread_names=tuple(thread.name for thread in program.threads),
        thread_events=[],
        cells=cells,
        bases=bases,
        final_registers={},
    )
    for location in program.locations:
        for index, initial in enumerate(location.initial):
            address = bases[location.name] + index * ir.CELL_SIZE
            value = _constant(initial, bases, location.span)
            _add_event(structure, -1, EventKind.WRITE, address, value, True, -1, {Tag.INIT})
    for index, thread in enumerate(program.threads):
        structure.thread_events.append([])
        _ThreadRunner(structure, index, thread, bases).run()
    return structure


def _constant(expr: ir.Expr, bases: dict[str, int], span: Span | None) -> int:
    if isinstance(expr, ir.Const):
        return expr.value
    if isinstance(expr, ir.Address):
        if expr.location not in bases:
            raise UndeclaredLocationError(f"undeclared location '{expr.location}'", span)
        return bases[expr.location]
    raise UnsupportedInstructionError("an initial value must be a number or a location", span)


def _add_event(
    structure: EventStructure,
    thread: int,
    kind: EventKind,
    address: Value,
    value: Value | None,
    guard: Guard,
    instruction: int,
    tags: set[Tag],
    fence: FenceKind | None = None,
    span: Span | None = None,
) -> Event:
    event_id = len(structure.events)
    event = Event(
        id=event_id,
        thread=thread,
        kind=kind,
        address=address,
        value=ReadValue(event_id) if value is None else value,
        guard=guard,
        instruction=instruction,
        tags=frozenset(tags),
        fence=fence,
        span=span,
    )
    structure.events.append(event)
    if thread >= 0:
        structure.thread_events[thread].append(event_id)
        structure.instances.setdefault((thread, instruction), []).append(event_id)
    return event


def _merge_provenance(*parts: tuple[Guard, Provenance]) -> Provenance:
    """Union of provenances, each under the guard of the path it came from."""
    merged: Provenance = {}
    for guard, provenance in parts:
        for source, condition in provenance.items():
            merged[source] = disjoin(merged.get(source, False), conjoin(guard, condition))
    return {source: condition for source, condition in merged.items() if condition is not False}


def _union(*provenances: Provenance) -> Provenance:
    return _merge_provenance(*((True, provenance) for provenance in provenances))


class _ThreadRunner:
    """Symbolic execution of one thread along all its paths at once."""

    def __init__(
        self, structure: EventStructure, index: int, thread: ir.Thread, bases: dict[str, int]
    ) -> None:
        self.structure = structure
        self.index = index
        self.thread = thread
        self.bases = bases
        self.guard: Guard = True
        self.registers: dict[str, RegisterState] = {}
        self.initial_states: dict[str, RegisterState] = {}
        self.blocks = 0
        self.initial: dict[str, ir.Expr] = dict(thread.registers)
        self.pending: dict[str, list[tuple[Guard, dict[str, RegisterState]]]] = {}
        self.ctrl: Provenance = {}
        self.pick_ctrl: Provenance = {}
        self.stores: list[_StoreRecord] = []
        self.exclusive_load: list[tuple[int, Guard]] = []

    # ---------------------------------------------------------------- values

    def read_register(self, name: str, span: Span | None) -> RegisterState:
        if name not in self.registers:
            self.registers[name] = self._initial_state(name)
        return self.registers[name]

    def evaluate(self, expr: ir.Expr, span: Span | None) -> RegisterState:
        """Value and provenance of an expression over this thread's registers."""
        if isinstance(expr, ir.Const):
            return RegisterState(expr.value, {}, {})
        if isinstance(expr, ir.Address):
            return RegisterState(_constant(expr, self.bases, span), {}, {})
        if isinstance(expr, ir.Reg):
            return self.read_register(expr.name, span)
        left = self.evaluate(expr.left, span)
        right = self.evaluate(expr.right, span)
        return RegisterState(
            arith(expr.op, left.value, right.value),
            _union(left.deps, right.deps),
            _union(left.pick, right.pick),
        )

    def condition(self, condition: ir.Condition, span: Span | None) -> RegisterState:
        """A branch or select condition as a guard (in `value`) with its provenance."""
        if isinstance(condition, ir.Truth):
            return RegisterState(condition.value, {}, {})  # type: ignore[arg-type]
        if isinstance(condition, ir.Compare):
            left = self.evaluate(condition.left, span)  # type: ignore[arg-type]
            right = self.evaluate(condition.right, span)  # type: ignore[arg-type]
            guard = cmp(condition.op, left.value, right.value)
            return RegisterState(
                guard,
                _union(left.deps, right.deps),
                _union(left.pick, right.pick),  # type: ignore[arg-type]
            )
        parts = [self.condition(operand, span) for operand in condition.operands]
        guards = [part.value for part in parts]
        if condition.op is ir.BoolOpKind.NOT:
            guard: Guard = negate(guards[0])  # type: ignore[arg-type]
        elif condition.op is ir.BoolOpKind.AND:
            guard = conjoin(*guards)  # type: ignore[arg-type]
        else:
            guard = disjoin(*guards)  # type: ignore[arg-type]
        return RegisterState(
            guard,  # type: ignore[arg-type]
            _union(*(part.deps for part in parts)),
            _union(*(part.pick for part in parts)),
        )

    # ---------------------------------------------------------------- events

    def event(
        self,
        kind: EventKind,
        address: Value,
        value: Value | None,
        position: int,
        tags: set[Tag],
        guard: Guard | None = None,
        fence: FenceKind | None = None,
        span: Span | None = None,
    ) -> Event:
        event = _add_event(
            self.structure,
            self.index,
            kind,
            address,
            value,
            self.guard if guard is None else guard,
            position,
            tags,
            fence,
            span,
        )
        for source, condition in self.ctrl.items():
            self.structure.ctrl[(source, event.id)] = conjoin(condition, event.guard)
        for source, condition in self.pick_ctrl.items():
            self.structure.pick_ctrl_dep[(source, event.id)] = conjoin(condition, event.guard)
        return event

    def record_dependencies(
        self, target: Event, address: RegisterState, data: RegisterState | None
    ) -> None:
        """addr/data and their pick forms from the reads feeding `target`'s operands."""
        structure = self.structure
        # Dependencies within one instruction (an LDADD's read feeding its own write) are not
        # dependencies between instructions (herd: `\ same-instance`), but they still chain.
        own = set(structure.instances.get((self.index, target.instruction), ()))
        for source, condition in address.deps.items():
            if source not in own:
                _add(structure.addr, source, target.id, conjoin(condition, target.guard))
        for source, condition in address.pick.items():
            if source not in own:
                _add(structure.pick_addr_dep, source, target.id, conjoin(condition, target.guard))
        if data is not None:
            for source, condition in data.deps.items():
                if source not in own:
                    _add(structure.data, source, target.id, conjoin(condition, target.guard))
            for source, condition in data.pick.items():
                if source not in own:
                    _add(
                        structure.pick_data_dep, source, target.id, conjoin(condition, target.guard)
                    )
        for source, condition in _union(address.pick, data.pick if data else {}).items():
            _add(structure.pick_basic_dep, source, target.id, conjoin(condition, target.guard))

    def local_read_successor(self, read: Event) -> tuple[Provenance, Provenance]:
        """What the value of `read` inherits from po-earlier same-location stores (lrs)."""
        deps: list[tuple[Guard, Provenance]] = []
        pick: list[tuple[Guard, Provenance]] = []
        blocked: Guard = False
        for record in reversed(self.stores):
            store = self.structure.events[record.event]
            same = conjoin(store.guard, cmp(CmpOp.EQ, store.address, read.address))
            via = conjoin(same, negate(blocked))
            if via is not False:
                deps.append((via, record.deps))
                pick.append((via, record.pick))
                for source, condition in record.pick.items():
                    _add(self.structure.pick_basic_dep, source, read.id, conjoin(via, condition))
            blocked = disjoin(blocked, same)
            if blocked is True:
                break
        return _merge_provenance(*deps), _merge_provenance(*pick)

    def loaded(self, read: Event, address: RegisterState) -> RegisterState:
        """The register state a load's destination receives.

        dtrm runs through the memory read itself (herd's iico_data from the address register
        to the read, and from the read to its destination), so the loaded value also depends on
        whatever the address depended on.
        """
        deps, pick = self.local_read_successor(read)
        own = {read.id: True}
        return RegisterState(
            ReadValue(read.id), _union(own, address.deps, deps), _union(own, address.pick, pick)
        )

    # ---------------------------------------------------------------- instructions

    def run(self) -> None:
        for position, instruction in enumerate(self.thread.instructions):
            if isinstance(instruction, ir.Label):
                self.join(instruction.name)
                continue
            if self.guard is False:
                continue
            self.step(position, instruction)
        if self.pending:
            label = next(iter(self.pending))
            raise UnsupportedInstructionError(
                f"branch to label '{label}' which does not follow it in thread "
                f"{self.thread.name} (only forward branches are supported)",
                self.thread.span,
            )
        for name in sorted(self.all_register_names()):
            state = self.read_register(name, self.thread.span)
            self.structure.final_registers[(self.thread.name, name)] = state.value

    def all_register_names(self) -> set[str]:
        names = set(self.registers) | set(self.initial)
        for instruction in self.thread.instructions:
            for attribute in ("dest", "status"):
                name = getattr(instruction, attribute, None)
                if name is not None:
                    names.add(name)
        return names

    def join(self, label: str) -> None:
        incoming = [(self.guard, self.registers), *self.pending.pop(label, [])]
        incoming = [(guard, state) for guard, state in incoming if guard is not False]
        if not incoming:
            self.guard = False
            return
        self.guard = self.name_path(label, disjoin(*(guard for guard, _ in incoming)))
        if len(incoming) == 1:
            self.registers = incoming[0][1]
            return
        names = set().union(*(state.keys() for _, state in incoming))
        merged: dict[str, RegisterState] = {}
        for name in names:
            merged[name] = self._merge_register(
                label,
                [
                    (guard, state.get(name) or self._initial_state(name))
                    for guard, state in incoming
                ],
            )
        self.registers = merged

    def _merge_register(
        self, label: str, states: list[tuple[Guard, RegisterState]]
    ) -> RegisterState:
        """One register's state where paths join: an ite over the distinct incoming states.

        Most registers arrive unchanged along every path (the same object); grouping by
        identity keeps them as they are instead of building an ite per incoming edge.
        """
        groups: dict[int, tuple[list[Guard], RegisterState]] = {}
        for guard, state in states:
            groups.setdefault(id(state), ([], state))[0].append(guard)
        if len(groups) == 1:
            return states[0][1]
        distinct = [(self.any_edge(label, guards), state) for guards, state in groups.values()]
        value = distinct[-1][1].value
        for guard, state in reversed(distinct[:-1]):
            value = ite(guard, state.value, value)
        return RegisterState(
            value,
            _merge_provenance(*((guard, state.deps) for guard, state in distinct)),
            _merge_provenance(*((guard, state.pick) for guard, state in distinct)),
        )

    def any_edge(self, label: str, guards: list[Guard]) -> Guard:
        """ "One of these incoming edges was taken", named when there are many of them.

        Simplifying a disjunction of many edges (the `break`s of a loop) costs more than it
        saves: it is only needed as a condition, so it becomes one named block.
        """
        if len(guards) <= 2:
            return disjoin(*guards)
        if any(guard is True for guard in guards):
            return True
        self.blocks += 1
        return Block(f"{self.thread.name}:{label}:{self.blocks}", AnyOf(tuple(guards)))

    def name_path(self, label: str, guard: Guard) -> Guard:
        """Name a join point's path condition once it stops being a short conjunction."""
        if isinstance(guard, bool | Block) or (
            isinstance(guard, All) and len(guard.operands) <= _SHORT_GUARD
        ):
            return guard
        if not isinstance(guard, All | AnyOf):
            return guard
        return Block(f"{self.thread.name}:{label}", guard)

    def _initial_state(self, name: str) -> RegisterState:
        if name not in self.initial_states:
            initial = self.initial.get(name, ir.Const(0))
            self.initial_states[name] = RegisterState(
                _constant(initial, self.bases, self.thread.span), {}, {}
            )
        return self.initial_states[name]

    def step(self, position: int, instruction: ir.Instruction) -> None:
        span = instruction.span
        if isinstance(instruction, ir.Assign):
            self.registers[instruction.dest] = self.evaluate(instruction.value, span)
        elif isinstance(instruction, ir.Select):
            self.select(instruction)
        elif isinstance(instruction, ir.Load):
            self.load(position, instruction)
        elif isinstance(instruction, ir.Store):
            self.store(position, instruction)
        elif isinstance(instruction, ir.Rmw):
            self.rmw(position, instruction)
        elif isinstance(instruction, ir.Fence):
            self.event(EventKind.FENCE, 0, 0, position, set(), fence=instruction.kind, span=span)
        elif isinstance(instruction, ir.Branch):
            self.branch(instruction)

    def select(self, instruction: ir.Select) -> None:
        span = instruction.span
        condition = self.condition(instruction.condition, span)
        chosen_if = condition.value
        when_true = self.evaluate(instruction.if_true, span)
        when_false = self.evaluate(instruction.if_false, span)
        guard_true: Guard = chosen_if  # type: ignore[assignment]
        guard_false = negate(guard_true)
        self.registers[instruction.dest] = RegisterState(
            ite(guard_true, when_true.value, when_false.value),
            _merge_provenance((guard_true, when_true.deps), (guard_false, when_false.deps)),
            _union(
                _merge_provenance((guard_true, when_true.pick), (guard_false, when_false.pick)),
                condition.pick,
            ),
        )

    def load(self, position: int, instruction: ir.Load) -> None:
        span = instruction.span
        address = self.evaluate(instruction.address, span)
        tags = {Tag.EXCLUSIVE} if instruction.exclusive else set()
        if instruction.ordering is Ordering.ACQUIRE:
            tags.add(Tag.ACQUIRE)
        elif instruction.ordering is Ordering.ACQUIRE_PC:
            tags.add(Tag.ACQUIRE_PC)
        elif instruction.ordering is Ordering.RELEASE:
            raise UnsupportedInstructionError("a load cannot be a release", span)
        read = self.event(EventKind.READ, address.value, None, position, tags, span=span)
        self.record_dependencies(read, address, None)
        state = self.loaded(read, address)
        if instruction.exclusive:
            self.exclusive_load = [(read.id, read.guard)]
        if instruction.dest is not None:
            self.registers[instruction.dest] = state

    def store(self, position: int, instruction: ir.Store) -> None:
        span = instruction.span
        address = self.evaluate(instruction.address, span)
        value = self.evaluate(instruction.value, span)
        tags = set()
        if instruction.ordering is Ordering.RELEASE:
            tags.add(Tag.RELEASE)
        elif instruction.ordering is not Ordering.PLAIN:
            raise UnsupportedInstructionError("a store can only be plain or a release", span)
        guard = self.guard
        pairing: list[tuple[int, Guard]] = []
        if instruction.exclusive:
            tags.add(Tag.EXCLUSIVE)
            # A store-exclusive may fail for no visible reason; with no load-exclusive before
            # it on this path it always fails.
            success: Guard = Choice(f"{self.thread.name}:{position}:succeeds")
            self.structure.choices.append(success.name)  # type: ignore[union-attr]
            paired = disjoin(*(condition for _, condition in self.exclusive_load))
            guard = conjoin(self.guard, success, paired)
            pairing = self.exclusive_load
            self.exclusive_load = []
            if instruction.status is not None:
                # The status register carries no dependency (herd: [~range(lxsx)]; rf-reg).
                self.registers[instruction.status] = RegisterState(ite(guard, 0, 1), {}, {})
        if guard is False:
            return
        write = self.event(
            EventKind.WRITE, address.value, value.value, position, tags, guard=guard, span=span
        )
        for load_id, condition in pairing:
            pair_guard = conjoin(condition, write.guard)
            self.structure.lxsx[(load_id, write.id)] = pair_guard
            self.structure.rmw[(load_id, write.id)] = pair_guard
        self.record_dependencies(write, address, value)
        self.stores.append(
            _StoreRecord(
                write.id, _union(address.deps, value.deps), _union(address.pick, value.pick)
            )
        )

    def rmw(self, position: int, instruction: ir.Rmw) -> None:
        span = instruction.span
        address = self.evaluate(instruction.address, span)
        operand = self.evaluate(instruction.operand, span)
        read_tags = {Tag.NO_RETURN} if instruction.dest is None else set()
        # Without a destination the read is not an acquire (herd: SWPA/CASA to XZR are NoRet).
        if instruction.acquire and instruction.dest is not None:
            read_tags.add(Tag.ACQUIRE)
        read = self.event(EventKind.READ, address.value, None, position, read_tags, span=span)
        self.record_dependencies(read, address, None)
        old = ReadValue(read.id)
        guard = self.guard
        compared: RegisterState | None = None
        if instruction.op is RmwOp.CAS:
            assert instruction.expected is not None
            compared = self.evaluate(instruction.expected, span)
            guard = conjoin(guard, cmp(CmpOp.EQ, old, compared.value))
        new_value, new_deps, new_pick = self.rmw_value(instruction.op, old, operand, read.id)
        loaded = self.loaded(read, address)
        if compared is not None:
            loaded = self.cas_result(position, old, compared, loaded)
        if guard is not False:
            write_tags = {Tag.RELEASE} if instruction.release else set()
            write = self.event(
                EventKind.WRITE,
                address.value,
                new_value,
                position,
                write_tags,
                guard=guard,
                span=span,
            )
            self.structure.amo[(read.id, write.id)] = write.guard
            self.structure.rmw[(read.id, write.id)] = write.guard
            data = RegisterState(new_value, new_deps, new_pick)
            if compared is not None:
                # The comparison decides whether the write happens: a pick (iico_ctrl) edge.
                data.pick = _union(data.pick, compared.pick, loaded.pick)
            self.record_dependencies(write, address, data)
            self.stores.append(
                _StoreRecord(
                    write.id, _union(address.deps, new_deps), _union(address.pick, data.pick)
                )
            )
        if instruction.dest is not None:
            self.registers[instruction.dest] = loaded

    def cas_result(
        self, position: int, old: Value, compared: RegisterState, loaded: RegisterState
    ) -> RegisterState:
        """What Rs holds after a CAS, and what it depends on.

        A failed CAS writes Rs from memory (a plain dependency on the read). For a successful
        one herd builds two executions, and a test is allowed if either is consistent: Rs
        written from the Rs input (data) with the read as a control (pick) source, or written
        from the read (data) alone (herdtools7 PR #647). A free choice picks one of them.
        """
        choice = Choice(f"{self.thread.name}:{position}:cas-rs-from-input")
        self.structure.choices.append(choice.name)
        from_input = conjoin(cmp(CmpOp.EQ, old, compared.value), choice)
        return RegisterState(
            loaded.value,
            _merge_provenance((from_input, compared.deps), (negate(from_input), loaded.deps)),
            _merge_provenance((from_input, compared.pick), (True, loaded.pick)),
        )

    @staticmethod
    def rmw_value(
        op: RmwOp, old: Value, operand: RegisterState, read: int
    ) -> tuple[Value, Provenance, Provenance]:
        """The value an RMW writes, and what it depends on (the old value for LDADD & co)."""
        if op in (RmwOp.SWP, RmwOp.CAS):
            return operand.value, operand.deps, operand.pick
        through_old = {read: True}
        if op is RmwOp.ADD:
            value = arith(ArithOp.ADD, old, operand.value)
        elif op is RmwOp.EOR:
            value = arith(ArithOp.XOR, old, operand.value)
        elif op is RmwOp.SET:
            value = arith(ArithOp.OR, old, operand.value)
        else:
            value = arith(ArithOp.SUB, old, arith(ArithOp.AND, old, operand.value))
        return value, _union(operand.deps, through_old), _union(operand.pick, through_old)

    def branch(self, instruction: ir.Branch) -> None:
        if instruction.condition is None:
            taken: Guard = self.guard
        else:
            condition = self.condition(instruction.condition, instruction.span)
            for source, guard in condition.deps.items():
                self.ctrl[source] = disjoin(
                    self.ctrl.get(source, False), conjoin(self.guard, guard)
                )
            for source, guard in condition.pick.items():
                self.pick_ctrl[source] = disjoin(
                    self.pick_ctrl.get(source, False), conjoin(self.guard, guard)
                )
            taken = conjoin(self.guard, condition.value)  # type: ignore[arg-type]
        if taken is not False:
            self.pending.setdefault(instruction.target, []).append((taken, dict(self.registers)))
        if instruction.condition is None:
            self.guard = False
        else:
            self.guard = conjoin(self.guard, negate(condition.value))  # type: ignore[arg-type]


def _add(pairs: Pairs, source: int, target: int, guard: Guard) -> None:
    if guard is False or source == target:
        return
    pairs[(source, target)] = disjoin(pairs.get((source, target), False), guard)
