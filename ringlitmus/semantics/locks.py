"""Linux synchronisation primitives as events: spinlocks, and the nesting of RCU read sections.

A spinlock is a memory cell holding 0 (unlocked) or 1 (locked), as herd's lock.cat treats it:
spin_lock() is a read that must see 0 (LKR) paired with a write of 1 (LKW), spin_unlock() a
write of 0 (UL), a failed spin_trylock() a read that sees 1 (LF), spin_is_locked() a read of
the cell (herd's RL when it sees 1, RU when it sees 0). lock.cat builds the lock's coherence
order and reads-from by hand (`with co from ...`); for programs that unlock only what they
locked, ordinary rf/co over these values with the `atomic` axiom give the same executions: each
LKR reads the write just co-before its LKW, which can only be the initial write or the UL
that ended the previous critical section, since only those hold 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ringlitmus import ir
from ringlitmus.errors import Span, UnsupportedInstructionError
from ringlitmus.ir import CmpOp, FenceKind, LockOp
from ringlitmus.semantics.events import Event, EventKind, EventStructure, Tag
from ringlitmus.semantics.registers import RegisterState, StoreRecord
from ringlitmus.symbolic import Choice, Guard, ReadValue, cmp, conjoin, disjoin, ite, negate

if TYPE_CHECKING:
    from ringlitmus.semantics.accesses import MemoryAccesses

    _Base = MemoryAccesses
else:
    _Base = object

UNLOCKED, LOCKED = 0, 1


class LockAccesses(_Base):
    """The spinlock half of a thread runner (see `thread.ThreadRunner`)."""

    def lock_operation(self, position: int, instruction: ir.Lock) -> None:
        address = self.evaluate(instruction.address, instruction.span)
        if instruction.op is LockOp.LOCK:
            self._acquire(position, address, self.guard, instruction.span)
        elif instruction.op is LockOp.UNLOCK:
            self._write(position, address, UNLOCKED, Tag.UNLOCK, self.guard, instruction.span)
        elif instruction.op is LockOp.TRYLOCK:
            self._trylock(position, instruction, address)
        else:
            read = self._read(position, address, Tag.IS_LOCKED, self.guard, None, instruction.span)
            if instruction.dest is not None:
                self.registers[instruction.dest] = self.loaded(read, address)

    def _trylock(self, position: int, instruction: ir.Lock, address: RegisterState) -> None:
        # herd builds both outcomes; which one happens is what the lock's reads allow.
        succeeds = Choice(f"{self.thread.name}:{position}:trylock-succeeds")
        self.structure.choices.append(succeeds.name)
        success, failure = conjoin(self.guard, succeeds), conjoin(self.guard, negate(succeeds))
        span = instruction.span
        taken = self._acquire(position, address, success, span) if success is not False else None
        failed = None
        if failure is not False:
            failed = self._read(position, address, Tag.LOCK_FAIL, failure, LOCKED, span)
        if instruction.dest is None:
            return
        deps = {event.id: event.guard for event in (taken, failed) if event is not None}
        self.registers[instruction.dest] = RegisterState(ite(succeeds, 1, 0), deps, dict(deps))

    def _acquire(
        self, position: int, address: RegisterState, guard: Guard, span: Span | None
    ) -> Event:
        read = self._read(position, address, Tag.LOCK_READ, guard, UNLOCKED, span)
        write = self._write(position, address, LOCKED, Tag.LOCK_WRITE, guard, span)
        self.structure.rmw[(read.id, write.id)] = guard
        self.structure.amo[(read.id, write.id)] = guard
        return read

    def _read(
        self,
        position: int,
        address: RegisterState,
        tag: Tag,
        guard: Guard,
        must_see: int | None,
        span: Span | None,
    ) -> Event:
        read = self.event(EventKind.READ, address.value, None, position, {tag}, guard, span=span)
        self.record_dependencies(read, address, None)
        if must_see is not None:
            # Executions where it reads anything else do not exist (spin_lock() spins).
            seen = cmp(CmpOp.EQ, ReadValue(read.id), must_see)
            self.structure.assumptions.append(disjoin(negate(guard), seen))
        return read

    def _write(
        self,
        position: int,
        address: RegisterState,
        value: int,
        tag: Tag,
        guard: Guard,
        span: Span | None,
    ) -> Event:
        write = self.event(EventKind.WRITE, address.value, value, position, {tag}, guard, span=span)
        self.record_dependencies(write, address, RegisterState(value, {}, {}))
        self.remember_store(StoreRecord(write.id, dict(address.deps), dict(address.pick)))
        return write


def match_rcu_sections(structure: EventStructure) -> None:
    """linux-kernel.bell's rcu-rscs: each rcu_read_unlock() with the innermost unmatched
    rcu_read_lock() po-before it (unmatched ones are left for the model's flags)."""
    for events in structure.thread_events:
        opened: list[Event] = []
        for event_id in events:
            event = structure.events[event_id]
            if event.fence not in (FenceKind.RCU_LOCK, FenceKind.RCU_UNLOCK):
                continue
            if event.guard is not True:
                # The matching would depend on the path taken; herd computes it per execution.
                raise UnsupportedInstructionError(
                    f"{event.fence.value}() under a condition is not supported", event.span
                )
            if event.fence is FenceKind.RCU_LOCK:
                opened.append(event)
            elif opened:
                structure.rcu_rscs[(opened.pop().id, event.id)] = True
