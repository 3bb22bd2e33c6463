"""LKMM's event classes (linux-kernel.bell, lock.cat) and the first half of linux-kernel.cat:
fences, coherence, preserved program order, happens-before and propagates-before.

How this tool's events carry LKMM's annotations: READ_ONCE/WRITE_ONCE, rcu_dereference() and
the ring DSL's plain accesses are ONCE (marked); an unmarked C access (`*x = 1`) is Plain;
acquire loads (and the ring DSL's acquire-PC ones) are ACQUIRE, release stores RELEASE; Linux's
fully ordered RMWs tag both events MB; every RMW instruction's events are RMW; smp_mb, smp_rmb
and smp_wmb are the fences `dmb ish`/`ishld`/`ishst` they compile to on arm64; the RCU,
spinlock and SRCU barriers are fences of their own kinds. The bell's `carry-dep` (dependencies
through a store and a later read of it) is part of the event structure's dependencies (local
read successors, see semantics/), so `addr`, `data` and `ctrl` are used as they come.

lock.cat builds the coherence order and reads-from of spinlocks by hand; here a lock is a cell
holding 0 or 1 and its events are ordinary reads and writes (semantics/locks.py says why that
gives the same executions), so its `lock-nest`, `nested-is-locked` and `unmatched-locks`
axioms hold by construction, and its R, W, Acquire, Release and rmw already hold the lock events.
"""

from __future__ import annotations

from ringlitmus.models.relations import (
    BaseSet,
    Diff,
    EventSet,
    Fix,
    Inter,
    Inverse,
    Plus,
    Range,
    Recursive,
    RelTerm,
    Seq,
    SetDiff,
    SetInter,
    SetTerm,
    SetUnion,
    define,
    ident,
    seq,
    union,
)
from ringlitmus.models.vocabulary import (
    F,
    M,
    R,
    W,
    addr,
    co,
    ctrl,
    data,
    ext,
    fr,
    internal,
    po,
    rf,
    rfe,
    rfi,
    rmw,
)


def events(base: BaseSet) -> EventSet:
    """An event set the event structure defines."""
    return EventSet(base)


# Every event (cat's `_`): accesses and fences.
All = SetUnion((M, F))

# ------------------------------------------------------------------ the bell's event classes

RMW = events(BaseSet.RMW)
Rmb = events(BaseSet.DMB_LD)
Wmb = events(BaseSet.DMB_ST)
Before_atomic = events(BaseSet.BEFORE_ATOMIC)
After_atomic = events(BaseSet.AFTER_ATOMIC)
After_spinlock = events(BaseSet.AFTER_SPINLOCK)
After_unlock_lock = events(BaseSet.AFTER_UNLOCK_LOCK)
After_srcu_read_unlock = events(BaseSet.AFTER_SRCU_READ_UNLOCK)
Barrier = events(BaseSet.BARRIER)
Rcu_lock = events(BaseSet.RCU_LOCK)
Rcu_unlock = events(BaseSet.RCU_UNLOCK)
Sync_rcu = events(BaseSet.SYNC_RCU)
Sync_srcu = events(BaseSet.SYNC_SRCU)
Srcu_lock = events(BaseSet.SRCU_LOCK)
Srcu_unlock = events(BaseSet.SRCU_UNLOCK)
# lock.cat's classes; RL and RU are one tag, told apart by the value read (0: RU).
LKR = events(BaseSet.LOCK_READ)
LKW = events(BaseSet.LOCK_WRITE)
UL = events(BaseSet.UNLOCK)
LF = events(BaseSet.LOCK_FAIL)
RL_RU = events(BaseSet.IS_LOCKED)
IW = events(BaseSet.INIT)

# The bell's filtered annotations: an annotation the access cannot honour (Acquire on a
# store, Mb on a failed cmpxchg) orders nothing. lock.cat adds LKR to Acquire, UL to Release.
FailedRMW = SetDiff(RMW, SetUnion((Range(Inverse(rmw)), Range(rmw))))
Acquire = SetUnion(
    (SetDiff(SetDiff(SetUnion((events(BaseSet.A), events(BaseSet.Q))), W), FailedRMW), LKR)
)
Release = SetUnion((SetDiff(SetDiff(events(BaseSet.L), R), FailedRMW), UL))
# `Mb` holds the smp_mb() fences and the accesses of fully ordered RMWs alike.
Mb = SetUnion((events(BaseSet.DMB_FULL), SetDiff(events(BaseSet.MB), FailedRMW)))
Noreturn = SetDiff(events(BaseSet.NO_RETURN), W)
Plain = events(BaseSet.PLAIN)
# The bell's `(~M) | IW | ONCE | RELEASE | ACQUIRE | MB | RMW | LKR | ... | Srcu-unlock`:
# every event but an unmarked C access.
Marked = SetDiff(All, Plain)
R4rmb = SetDiff(R, Noreturn)


def fencerel(fences: SetTerm) -> Seq:
    """herd's `fencerel(S)`: `po; [S]; po`."""
    return seq(po, ident(fences), po)


def optional(relation: RelTerm, over: SetTerm = All) -> RelTerm:
    """`r?`: r or the identity (on the events `over`, where a filter makes the rest moot)."""
    return union(ident(over), relation)


def star(relation: RelTerm, over: SetTerm = All) -> RelTerm:
    """`r*`: the identity or r+."""
    return union(ident(over), Plus(relation))


def least_star(name: str, relation: RelTerm, over: SetTerm = All) -> RelTerm:
    """`r*` for the plain-access and RCU sections, where r is built from the solver's choices
    (hb, pb): its closure as a least fixpoint, `let rec r+ = r | r+; r` (relations.Fix), which
    stays small where a closure of r's conditions would not. Every use there is monotone."""
    return union(ident(over), Fix(name, union(relation, seq(Recursive(name), relation))))


# ------------------------------------------------------------------ basic relations

acq_po = define("acq-po", seq(ident(Acquire), po, ident(M)), "Acquire, then po.")
po_rel = define("po-rel", seq(ident(M), po, ident(Release)), "po, then release.")
po_unlock_lock_po = define(
    "po-unlock-lock-po",
    seq(po, ident(UL), union(po, rf), ident(LKR), po),
    "po around a lock handed over by an unlock to a later lock.",
)

rmb = define("rmb", seq(ident(R4rmb), fencerel(Rmb), ident(R4rmb)), "smp_rmb() ordering.")
wmb = define("wmb", seq(ident(W), fencerel(Wmb), ident(W)), "smp_wmb() ordering.")
mb = define(
    "mb",
    union(
        seq(ident(M), fencerel(Mb), ident(M)),
        # A fully ordered RMW acts as though smp_mb() enclosed it.
        seq(ident(M), po, ident(SetInter(Mb, R))),
        seq(ident(SetInter(Mb, W)), po, ident(M)),
        seq(ident(M), fencerel(Before_atomic), ident(RMW), optional(po, M), ident(M)),
        seq(ident(M), optional(po, M), ident(RMW), fencerel(After_atomic), ident(M)),
        seq(ident(M), optional(po, M), ident(LKW), fencerel(After_spinlock), ident(M)),
        seq(ident(M), po_unlock_lock_po, ident(After_unlock_lock), po, ident(M)),
        seq(
            ident(M),
            optional(po, M),
            ident(Srcu_unlock),
            fencerel(After_srcu_read_unlock),
            ident(M),
        ),
    ),
    "smp_mb() ordering, and that of fully ordered RMWs and the smp_mb__*() fences.",
)
gp = define("gp", seq(po, ident(SetUnion((Sync_rcu, Sync_srcu))), optional(po)), "Grace periods.")
strong_fence = define("strong-fence", union(mb, gp), "Strong fences (before RCU's are added).")

nonrw_fence = define("nonrw-fence", union(strong_fence, po_rel, acq_po), "Non-rmb/wmb fences.")
fence = define("fence", union(nonrw_fence, wmb, rmb), "Every fence-like ordering (before RCU's).")
barrier = define(
    "barrier",
    union(
        fencerel(
            SetUnion(
                (
                    Barrier,
                    Rmb,
                    Wmb,
                    Mb,
                    Sync_rcu,
                    Sync_srcu,
                    Before_atomic,
                    After_atomic,
                    Acquire,
                    Release,
                    Rcu_lock,
                    Rcu_unlock,
                    Srcu_lock,
                    Srcu_unlock,
                )
            )
        ),
        seq(po, ident(Release)),
        seq(ident(Acquire), po),
    ),
    "What the compiler may not move accesses across (for the mixed-accesses flag).",
)

# ------------------------------------------------------------------ coherence

com = define("com", union(rf, co, fr), "Communication: reads-from, coherence, from-reads.")

# ------------------------------------------------------------------ preserved program order

dep = define("dep", union(addr, data), "Address and data dependencies.")
rwdep = define("rwdep", seq(union(dep, ctrl), ident(W)), "Dependencies into a write.")
overwrite = define("overwrite", union(co, fr), "Coherence-later: co or fr.")
to_w = define(
    "to-w",
    union(rwdep, Inter(overwrite, internal), seq(addr, ident(Plain), wmb)),
    "Ordering into a write.",
)
to_r = define(
    "to-r",
    union(seq(addr, ident(R)), seq(dep, ident(Marked), rfi)),
    "Ordering into a read.",
)
ppo = define(
    "ppo",
    union(to_r, to_w, Inter(fence, internal), Inter(po_unlock_lock_po, internal)),
    "Preserved program order.",
)

# ------------------------------------------------------------------ propagation


def a_cumul(relation: RelTerm) -> RelTerm:
    """`A-cumul(r) = (rfe; [Marked])?; r`: a fence also orders the writes its thread read."""
    return union(relation, seq(rfe, ident(Marked), relation))


# `(rf; rmw)*`; every use follows a [Marked] filter, so its identity part is [Marked].
rmw_sequence = define(
    "rmw-sequence", star(seq(rf, rmw), Marked), "Chains of RMWs reading each other."
)
cumul_fence = define(
    "cumul-fence",
    seq(
        ident(Marked),
        union(a_cumul(union(strong_fence, po_rel)), wmb, po_unlock_lock_po),
        ident(Marked),
        rmw_sequence,
    ),
    "Cumulative fences: the fences that order propagation of writes.",
)
# The `?` and `*` of the cat text stand between [Marked] filters here, so their identity
# parts are written [Marked].
prop = define(
    "prop",
    seq(
        ident(Marked),
        optional(Inter(overwrite, ext), Marked),
        star(cumul_fence, Marked),
        ident(Marked),
        optional(rfe, Marked),
        ident(Marked),
    ),
    "Propagation ordering from release operations and strong fences.",
)

hb = define(
    "hb",
    seq(
        ident(Marked),
        union(ppo, rfe, Inter(Diff(prop, ident(All)), internal)),
        ident(Marked),
    ),
    "Happens-before: ordering from the passage of time.",
)

pb = define(
    "pb",
    seq(prop, strong_fence, star(hb, Marked), ident(Marked)),
    "Propagates-before: each non-rf link needs a strong fence.",
)
