"""Linux's locking, RCU and SRCU primitives in herd C tests, each as linux-kernel.def spells it.

spin_lock(X) is `__lock(X)`, rcu_read_lock() the fence `rcu-lock`, rcu_dereference(X) a
READ_ONCE, rcu_assign_pointer(X,V) a release store, srcu_read_lock(X) a load annotated
`srcu-lock` (its value is the index srcu_read_unlock(X,Y) stores back), synchronize_srcu(X) a
barrier naming its srcu_struct. c_calls.py merges this table into the one c_code.py
dispatches on.
"""

from __future__ import annotations

from ringlitmus import ir
from ringlitmus.frontends.c_code import Builder, Primitive, Translator
from ringlitmus.frontends.c_syntax import CCall
from ringlitmus.ir import FenceKind, LockOp, Ordering


def _lock(op: LockOp) -> Builder:
    def emit(t: Translator, call: CCall, dest: str | None) -> None:
        (pointer,) = call.arguments
        t.emit(ir.Lock(op, dest, t.value(pointer), call.span))

    return emit


def _fence(kind: FenceKind) -> Builder:
    return lambda t, call, dest: t.fence(call, kind)


def _synchronize_srcu(t: Translator, call: CCall, dest: str | None) -> None:
    (pointer,) = call.arguments
    t.emit(ir.Fence(FenceKind.SYNC_SRCU, call.span, address=t.value(pointer)))


def _rcu_dereference(t: Translator, call: CCall, dest: str | None) -> None:
    (target,) = call.arguments
    t.emit(ir.Load(dest, t.location(target, call), Ordering.PLAIN, span=call.span))


def _rcu_assign_pointer(t: Translator, call: CCall, dest: str | None) -> None:
    target, value = call.arguments
    address = t.location(target, call)
    t.emit(ir.Store(address, t.value(value), Ordering.RELEASE, span=call.span))


def _srcu_read_lock(t: Translator, call: CCall, dest: str | None) -> None:
    (pointer,) = call.arguments
    t.emit(ir.Load(dest, t.value(pointer), Ordering.SRCU_LOCK, span=call.span))


def _srcu_read_unlock(t: Translator, call: CCall, dest: str | None) -> None:
    pointer, index = call.arguments
    address = t.value(pointer)
    t.emit(ir.Store(address, t.value(index), Ordering.SRCU_UNLOCK, span=call.span))


_FENCES = {
    "rcu_read_lock": FenceKind.RCU_LOCK,
    "rcu_read_unlock": FenceKind.RCU_UNLOCK,
    "synchronize_rcu": FenceKind.SYNC_RCU,
    "synchronize_rcu_expedited": FenceKind.SYNC_RCU,
    "smp_mb__after_spinlock": FenceKind.AFTER_SPINLOCK,
    "smp_mb__after_unlock_lock": FenceKind.AFTER_UNLOCK_LOCK,
    "smp_mb__after_srcu_read_unlock": FenceKind.AFTER_SRCU_READ_UNLOCK,
    "barrier": FenceKind.BARRIER,
}

SYNC_CALLS: dict[str, Primitive] = {
    "spin_lock": Primitive(1, _lock(LockOp.LOCK)),
    "spin_unlock": Primitive(1, _lock(LockOp.UNLOCK)),
    "spin_trylock": Primitive(1, _lock(LockOp.TRYLOCK)),
    "spin_is_locked": Primitive(1, _lock(LockOp.IS_LOCKED)),
    "rcu_dereference": Primitive(1, _rcu_dereference),
    "rcu_assign_pointer": Primitive(2, _rcu_assign_pointer),
    "srcu_read_lock": Primitive(1, _srcu_read_lock),
    "srcu_down_read": Primitive(1, _srcu_read_lock),
    "srcu_read_unlock": Primitive(2, _srcu_read_unlock),
    "srcu_up_read": Primitive(2, _srcu_read_unlock),
    "synchronize_srcu": Primitive(1, _synchronize_srcu),
    "synchronize_srcu_expedited": Primitive(1, _synchronize_srcu),
    **{name: Primitive(0, _fence(kind)) for name, kind in _FENCES.items()},
}
"""Every supported synchronisation primitive: its arity and what it emits."""
