"""Memory accesses of a thread: loads, stores, exclusives and RMWs, with their dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ringlitmus import ir
from ringlitmus.errors import Span, UndeclaredLocationError, UnsupportedInstructionError
from ringlitmus.frozen import frozen
from ringlitmus.ir import ArithOp, CmpOp, FenceKind, Ordering, RmwOp
from ringlitmus.semantics.events import (
    Event,
    EventKind,
    EventStructure,
    Provenance,
    Tag,
    add_event,
)
from ringlitmus.semantics.registers import (
    RegisterState,
    StoreRecord,
    add_pair,
    merge_provenance,
    union,
)
from ringlitmus.semantics.sizes import check_atomic_width, loaded_value, stored_value
from ringlitmus.symbolic import (
    All,
    Choice,
    Guard,
    ReadValue,
    Value,
    arith,
    cmp,
    conjoin,
    conjunct_closure,
    disjoin,
    ite,
    negate,
)


def describe_address(address: int, bases: dict[str, int]) -> str:
    """`x+8` for an address past a location's base, as herd7 writes it; else the number."""
    below = [(base, name) for name, base in bases.items() if base <= address]
    if not below:
        return str(address)
    base, name = max(below)
    return f"{name}+{address - base}"


@frozen
class CtrlRow:
    """The control dependencies into events under one guard (see MemoryAccesses.ctrl_row)."""

    guard: Guard
    ctrl: list[tuple[int, Guard]]
    pick_ctrl: list[tuple[int, Guard]]


class MemoryAccesses:
    """The memory-access half of a thread runner (see `thread.ThreadRunner`).

    Kept apart from control flow and registers: this is where herd's intra-instruction data
    flow (iico) for each access kind is decided.
    """

    structure: EventStructure
    index: int
    thread: ir.Thread
    guard: Guard
    registers: dict[str, RegisterState]
    stores: list[StoreRecord]
    store_positions: dict[int | None, list[int]]
    exclusive_load: list[tuple[int, Guard]]

    ctrl: Provenance
    pick_ctrl: Provenance
    ctrl_rows: dict[int, CtrlRow]
    conjunctions: dict[tuple[int, int], tuple[Guard, Guard, Guard]]
    closures: dict[Guard, frozenset[Guard]]

    if TYPE_CHECKING:  # provided by ThreadRunner, declared here for the type checker

        def evaluate(self, expr: ir.Expr, span: Span | None) -> RegisterState: ...

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
        if kind is not EventKind.FENCE and isinstance(address, int):
            self.require_cell(address, span)
        event = add_event(
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
            self.thread.statements[position] if self.thread.statements else position,
        )
        row = self.ctrl_row(event.guard)
        for source, condition in row.ctrl:
            self.structure.ctrl[(source, event.id)] = condition
        for source, condition in row.pick_ctrl:
            self.structure.pick_ctrl_dep[(source, event.id)] = condition
        return event

    def require_cell(self, address: int, span: Span | None) -> None:
        """Refuse an access whose address is known here and is no declared cell.

        The encoding has no write for such an address to read from, so every execution that
        performs the access would silently vanish and a forbidden outcome would pass for want of
        executions. herd7 refuses it too ("Non symbolic location with no initial write: '[0]'"),
        whether or not the access is on a path some execution takes. Addresses that depend on
        values read stay symbolic and are checked per execution (outcomes.py).
        """
        if address in self.structure.cells:
            return
        shown = describe_address(address, self.structure.bases)
        hint = " (what a register nothing initialises holds)" if address == 0 else ""
        raise UndeclaredLocationError(
            f"this access's address {shown}{hint} is not a declared location", span
        )

    def ctrl_row(self, guard: Guard) -> CtrlRow:
        """The ctrl (and pick) conditions into an event under `guard`, from every read a
        branch so far depended on. The events between two branches mostly share their guard,
        so the row is made once for them (branch() forgets the rows)."""
        row = self.ctrl_rows.get(id(guard))
        if row is None or row.guard is not guard:
            closure = conjunct_closure(guard, self.closures)
            row = self.ctrl_rows[id(guard)] = CtrlRow(
                guard,
                [
                    (source, self.both(condition, guard, closure))
                    for source, condition in self.ctrl.items()
                ],
                [
                    (source, self.both(condition, guard, closure))
                    for source, condition in self.pick_ctrl.items()
                ],
            )
        return row

    def both(self, condition: Guard, guard: Guard, closure: frozenset[Guard]) -> Guard:
        """`conjoin(condition, guard)`, remembered: a control dependency reaches every later
        event, and runs of events share their guard, so the same conjunction recurs.
        `closure` is the guard's conjunct_closure."""
        if condition is True or condition in closure:
            return guard  # the usual case: the event lies on the path that took the branch
        if isinstance(condition, All) and all(part in closure for part in condition.operands):
            return guard
        key = (id(condition), id(guard))
        if key not in self.conjunctions:
            # The entry keeps both guards alive, so their ids cannot be reused by others.
            self.conjunctions[key] = (condition, guard, conjoin(condition, guard))
        return self.conjunctions[key][2]

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
                add_pair(structure.addr, source, target.id, conjoin(condition, target.guard))
        for source, condition in address.pick.items():
            if source not in own:
                add_pair(
                    structure.pick_addr_dep, source, target.id, conjoin(condition, target.guard)
                )
        if data is not None:
            for source, condition in data.deps.items():
                if source not in own:
                    add_pair(structure.data, source, target.id, conjoin(condition, target.guard))
            for source, condition in data.pick.items():
                if source not in own:
                    add_pair(
                        structure.pick_data_dep, source, target.id, conjoin(condition, target.guard)
                    )
        for source, condition in union(address.pick, data.pick if data else {}).items():
            add_pair(structure.pick_basic_dep, source, target.id, conjoin(condition, target.guard))

    def remember_store(self, record: StoreRecord) -> None:
        """Keep a store for the local read successors of later loads, indexed by its address
        when that is a constant (None: computed), so that a load at a constant address looks
        only at the stores that may write there, not at every store of the thread."""
        address = self.structure.events[record.event].address
        self.store_positions.setdefault(address if isinstance(address, int) else None, []).append(
            len(self.stores)
        )
        self.stores.append(record)

    def stores_to(self, address: Value) -> list[StoreRecord]:
        """The po-earlier stores that may write `address`, latest first. A store at another
        constant address is left out: it can never be the same location."""
        if not isinstance(address, int):
            return self.stores[::-1]
        positions = self.store_positions.get(address, []) + self.store_positions.get(None, [])
        return [self.stores[position] for position in sorted(positions, reverse=True)]

    def local_read_successor(self, read: Event) -> tuple[Provenance, Provenance]:
        """What the value of `read` inherits from po-earlier same-location stores (lrs)."""
        deps: list[tuple[Guard, Provenance]] = []
        pick: list[tuple[Guard, Provenance]] = []
        blocked: Guard = False
        for record in self.stores_to(read.address):
            store = self.structure.events[record.event]
            same = conjoin(store.guard, cmp(CmpOp.EQ, store.address, read.address))
            via = conjoin(same, negate(blocked))
            if via is not False:
                deps.append((via, record.deps))
                pick.append((via, record.pick))
                for source, condition in record.pick.items():
                    add_pair(
                        self.structure.pick_basic_dep, source, read.id, conjoin(via, condition)
                    )
            blocked = disjoin(blocked, same)
            if blocked is True:
                break
        return merge_provenance(*deps), merge_provenance(*pick)

    def loaded(self, read: Event, address: RegisterState) -> RegisterState:
        """The register state a load's destination receives.

        dtrm runs through the memory read itself (herd's iico_data from the address register
        to the read, and from the read to its destination), so the loaded value also depends on
        whatever the address depended on.
        """
        deps, pick = self.local_read_successor(read)
        own = {read.id: True}
        return RegisterState(
            ReadValue(read.id), union(own, address.deps, deps), union(own, address.pick, pick)
        )

    def load(self, position: int, instruction: ir.Load) -> None:
        span = instruction.span
        address = self.evaluate(instruction.address, span)
        tags = {Tag.EXCLUSIVE} if instruction.exclusive else set()
        if instruction.ordering is Ordering.ACQUIRE:
            tags.add(Tag.ACQUIRE)
        elif instruction.ordering is Ordering.ACQUIRE_PC:
            tags.add(Tag.ACQUIRE_PC)
        elif instruction.ordering is Ordering.UNMARKED:
            tags.add(Tag.PLAIN)
        elif instruction.ordering is Ordering.SRCU_LOCK:
            tags.add(Tag.SRCU_LOCK)
        elif instruction.ordering in (Ordering.RELEASE, Ordering.SRCU_UNLOCK):
            raise UnsupportedInstructionError("a load cannot be a release", span)
        read = self.event(EventKind.READ, address.value, None, position, tags, span=span)
        self.record_dependencies(read, address, None)
        state = self.loaded(read, address)
        if instruction.width is not None:
            self.structure.widths[read.id] = instruction.width
            state = RegisterState(
                loaded_value(
                    self.structure,
                    address.value,
                    state.value,
                    instruction.width,
                    instruction.sign_extend,
                ),
                state.deps,
                state.pick,
            )
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
        elif instruction.ordering is Ordering.UNMARKED:
            tags.add(Tag.PLAIN)
        elif instruction.ordering is Ordering.SRCU_UNLOCK:
            tags.add(Tag.SRCU_UNLOCK)
        elif instruction.ordering is not Ordering.PLAIN:
            raise UnsupportedInstructionError("a store can only be plain or a release", span)
        guard = self.guard
        pairing: list[tuple[int, Guard]] = []
        if instruction.exclusive:
            tags.add(Tag.EXCLUSIVE)
            # A store-exclusive may fail for no visible reason; with no load-exclusive of the
            # same address before it on this path it always fails (herd7 without `-variant
            # CU`: success at another address is constrained unpredictable).
            success: Guard = Choice(f"{self.thread.name}:{position}:succeeds")
            self.structure.choices.append(success.name)  # type: ignore[union-attr]
            pairing = [
                (load_id, conjoin(condition, self.same_address(load_id, address.value)))
                for load_id, condition in self.exclusive_load
            ]
            paired = disjoin(*(condition for _, condition in pairing))
            guard = conjoin(self.guard, success, paired)
            self.exclusive_load = []
            if instruction.status is not None:
                # The status register carries no dependency (herd: [~range(lxsx)]; rf-reg).
                self.registers[instruction.status] = RegisterState(ite(guard, 0, 1), {}, {})
        if guard is False:
            return
        stored = stored_value(self.structure, address.value, value.value, instruction.width, span)
        write = self.event(
            EventKind.WRITE, address.value, stored, position, tags, guard=guard, span=span
        )
        if instruction.width is not None:
            self.structure.widths[write.id] = instruction.width
        for load_id, condition in pairing:
            pair_guard = conjoin(condition, write.guard)
            self.structure.lxsx[(load_id, write.id)] = pair_guard
            self.structure.rmw[(load_id, write.id)] = pair_guard
        self.record_dependencies(write, address, value)
        self.remember_store(
            StoreRecord(write.id, union(address.deps, value.deps), union(address.pick, value.pick))
        )

    def same_address(self, load_id: int, address: Value) -> Guard:
        """Whether a load-exclusive read `address`: the store-exclusive's pairing condition."""
        return cmp(CmpOp.EQ, self.structure.events[load_id].address, address)

    def rmw(self, position: int, instruction: ir.Rmw) -> None:
        span = instruction.span
        address = self.evaluate(instruction.address, span)
        operand = self.evaluate(instruction.operand, span)
        read_tags = {Tag.RMW, Tag.NO_RETURN} if instruction.dest is None else {Tag.RMW}
        if instruction.fully_ordered:
            read_tags.add(Tag.MB)
        # Without a destination the read is not an acquire (herd: SWPA/CASA to XZR are NoRet).
        if instruction.acquire and instruction.dest is not None:
            read_tags.add(Tag.ACQUIRE)
        read = self.event(EventKind.READ, address.value, None, position, read_tags, span=span)
        if instruction.width is not None:
            check_atomic_width(self.structure, address.value, instruction.width, span)
            self.structure.widths[read.id] = instruction.width
        self.record_dependencies(read, address, None)
        old = ReadValue(read.id)
        guard = self.guard
        compared: RegisterState | None = None
        if instruction.op is RmwOp.CAS:
            assert instruction.expected is not None
            compared = self.evaluate(instruction.expected, span)
            guard = conjoin(guard, cmp(CmpOp.EQ, old, compared.value))
        elif instruction.op is RmwOp.ADD_UNLESS:
            # Linux's atomic_add_unless(): herd's C semantics choose between two executions
            # (M.altT), one that reads `expected` and writes nothing, one that reads something
            # else and writes; neither has a control edge from the comparison.
            assert instruction.expected is not None
            unless = self.evaluate(instruction.expected, span)
            guard = conjoin(guard, cmp(CmpOp.NE, old, unless.value))
        new_value, new_deps, new_pick = self.rmw_value(instruction.op, old, operand, read.id)
        loaded = self.loaded(read, address)
        if compared is not None and not instruction.old_from_read:
            loaded = self.cas_result(position, old, compared, loaded)
        if guard is not False:
            write_tags = {Tag.RMW, Tag.RELEASE} if instruction.release else {Tag.RMW}
            if instruction.fully_ordered:
                write_tags.add(Tag.MB)
            write = self.event(
                EventKind.WRITE,
                address.value,
                new_value,
                position,
                write_tags,
                guard=guard,
                span=span,
            )
            if instruction.width is not None:
                self.structure.widths[write.id] = instruction.width
            self.structure.amo[(read.id, write.id)] = write.guard
            self.structure.rmw[(read.id, write.id)] = write.guard
            data = RegisterState(new_value, new_deps, new_pick)
            if compared is not None:
                # The comparison decides whether the write happens: a pick (iico_ctrl) edge.
                data.pick = union(data.pick, compared.pick, loaded.pick)
            self.record_dependencies(write, address, data)
            self.remember_store(
                StoreRecord(write.id, union(address.deps, new_deps), union(address.pick, data.pick))
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
            merge_provenance((from_input, compared.deps), (negate(from_input), loaded.deps)),
            merge_provenance((from_input, compared.pick), (True, loaded.pick)),
        )

    @staticmethod
    def rmw_value(
        op: RmwOp, old: Value, operand: RegisterState, read: int
    ) -> tuple[Value, Provenance, Provenance]:
        """The value an RMW writes, and what it depends on (the old value for LDADD & co)."""
        if op in (RmwOp.SWP, RmwOp.CAS):
            return operand.value, operand.deps, operand.pick
        through_old = {read: True}
        if op in (RmwOp.ADD, RmwOp.ADD_UNLESS):
            value = arith(ArithOp.ADD, old, operand.value)
        elif op is RmwOp.AND:
            value = arith(ArithOp.AND, old, operand.value)
        elif op is RmwOp.EOR:
            value = arith(ArithOp.XOR, old, operand.value)
        elif op is RmwOp.SET:
            value = arith(ArithOp.OR, old, operand.value)
        else:
            value = arith(ArithOp.SUB, old, arith(ArithOp.AND, old, operand.value))
        return value, union(operand.deps, through_old), union(operand.pick, through_old)
