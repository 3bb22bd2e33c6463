"""The calls a herd C litmus test may make: marked accesses and fences, after linux-kernel.def.

Each entry is its line of the kernel's `tools/memory-model/linux-kernel.def` (READ_ONCE is a
marked load, smp_load_acquire an acquire load, smp_mb() a full fence, ...); the atomic_t API
is generated in c_atomics.py. `CALLS` is the table c_code.py dispatches on: a new family of
primitives (locks, RCU) is one more table merged here.
"""

from __future__ import annotations

from ringlitmus.frontends.c_atomics import ATOMICS
from ringlitmus.frontends.c_code import Builder, CallTable, Primitive, Translator
from ringlitmus.frontends.c_sync import SYNC_CALLS
from ringlitmus.frontends.c_syntax import CCall
from ringlitmus.ir import FenceKind, Ordering

# The .def's `__fence{...}` annotations, by the call that makes them. smp_mb/rmb/wmb are the
# arm64 barriers they compile to, as the other front ends spell them.
_FENCES = {
    "smp_mb": FenceKind.DMB_FULL,
    "smp_rmb": FenceKind.DMB_LD,
    "smp_wmb": FenceKind.DMB_ST,
    "smp_mb__before_atomic": FenceKind.BEFORE_ATOMIC,
    "smp_mb__after_atomic": FenceKind.AFTER_ATOMIC,
    "smp_mb__after_spinlock": FenceKind.AFTER_SPINLOCK,
    "smp_mb__after_unlock_lock": FenceKind.AFTER_UNLOCK_LOCK,
    "barrier": FenceKind.BARRIER,
}


def _load(ordering: Ordering, *, lvalue: bool) -> Builder:
    """`READ_ONCE(*X)` (lvalue: the argument is the dereference) or `smp_load_acquire(X)`."""

    def build(t: Translator, call: CCall, dest: str | None) -> None:
        (argument,) = call.arguments
        address = t.location(argument, call) if lvalue else t.value(argument)
        t.load(call, dest, address, ordering)

    return build


def _store(ordering: Ordering, *, lvalue: bool, then_mb: bool = False) -> Builder:
    """`WRITE_ONCE(*X, V)`, `smp_store_release(X, V)`, `smp_store_mb(X, V)` (then a full fence)."""

    def build(t: Translator, call: CCall, dest: str | None) -> None:
        target, value = call.arguments
        address = t.location(target, call) if lvalue else t.value(target)
        t.store(call, address, t.value(value), ordering)
        if then_mb:
            t.next_statement()
            t.fence(call, FenceKind.DMB_FULL)

    return build


def _fence(kind: FenceKind) -> Builder:
    return lambda t, call, dest: t.fence(call, kind)


def _accesses() -> dict[str, Primitive]:
    marked, acquire, release = Ordering.PLAIN, Ordering.ACQUIRE, Ordering.RELEASE
    table = {
        "READ_ONCE": Primitive(1, _load(marked, lvalue=True)),
        "WRITE_ONCE": Primitive(2, _store(marked, lvalue=True)),
        "smp_load_acquire": Primitive(1, _load(acquire, lvalue=False)),
        "smp_store_release": Primitive(2, _store(release, lvalue=False)),
        "smp_store_mb": Primitive(2, _store(marked, lvalue=True, then_mb=True)),
        "atomic_read": Primitive(1, _load(marked, lvalue=False)),
        "atomic_set": Primitive(2, _store(marked, lvalue=False)),
        "atomic_read_acquire": Primitive(1, _load(acquire, lvalue=False)),
        "atomic_set_release": Primitive(2, _store(release, lvalue=False)),
    }
    table.update({name: Primitive(0, _fence(kind)) for name, kind in _FENCES.items()})
    return table


def _with_long_forms(table: dict[str, Primitive]) -> dict[str, Primitive]:
    """`atomic_long_X` for every `atomic_X`: the kernel maps atomic_long_t's API onto atomic_t
    or atomic64_t with the same ordering (herd's .def has no such lines)."""
    long_forms = {
        f"atomic_long_{name.removeprefix('atomic_')}": primitive
        for name, primitive in table.items()
        if name.startswith("atomic_")
    }
    return {**table, **long_forms}


CALLS: CallTable = _with_long_forms({**_accesses(), **ATOMICS, **SYNC_CALLS})
