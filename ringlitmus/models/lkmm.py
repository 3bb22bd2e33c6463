"""The Linux-kernel memory model (LKMM), relation by relation, without RCU and locking.

Transcribed from the kernel's `tools/memory-model/linux-kernel.cat`, with the event classes of
`linux-kernel.bell` and `linux-kernel.def` (the shared catalogue's `linux/cats/` holds the text
herd7 judged its `linux/tests` with). What is left out, and why:

* RCU and SRCU (`gp`, `rcu-fence`, `rb` and the `rcu` axiom): no front end has their events;
  `rcu_*`/`srcu_*` constructs are rejected. Without them `rb` is empty and `strong-fence` is `mb`.
* Locking (`lock.cat`, `po-unlock-lock-po`, `After-spinlock`, `After-unlock-lock`): likewise,
  `spin_*` is rejected; without lock events herd's `lock.cat` adds nothing.
* Plain accesses and data races (`plain-coherence`, the `data-race` and `mixed-accesses`
  flags): herd's flags report a race without changing which executions are allowed; only the
  `plain-coherence` axiom could, and tests whose unmarked accesses race are out of this
  model's reach. Unmarked C accesses are still told apart (`Plain`): hb, prop and
  cumul-fence order only marked ones, as the cat file says.

How this tool's events carry LKMM's annotations: READ_ONCE/WRITE_ONCE and the ring DSL's
plain accesses are ONCE (marked); acquire loads (and the ring DSL's acquire-PC ones) are
ACQUIRE, release stores RELEASE; Linux's fully ordered RMWs tag both events MB; every RMW
instruction's events are RMW; smp_mb/smp_rmb/smp_wmb are the fences `dmb ish`/`ishld`/`ishst`
they compile to on arm64. The bell's `carry-dep` (dependencies through a store and a later
read of it) is part of the event structure's dependencies (local read successors, see
semantics/), so `addr`, `data` and `ctrl` are used as they come.
"""

from __future__ import annotations

from ringlitmus.models.relations import (
    BaseSet,
    Diff,
    EventSet,
    Inter,
    Inverse,
    Model,
    Plus,
    Range,
    RelTerm,
    Seq,
    SetDiff,
    SetInter,
    SetUnion,
    acyclic,
    define,
    empty,
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
    amo,
    co,
    coe,
    ctrl,
    data,
    ext,
    fr,
    fre,
    internal,
    po,
    po_loc,
    rf,
    rfe,
    rfi,
    rmw,
)

# LKMM's own event sets (the common ones are in vocabulary.py).
RMW = EventSet(BaseSet.RMW)
Rmb = EventSet(BaseSet.DMB_LD)
Wmb = EventSet(BaseSet.DMB_ST)
Before_atomic = EventSet(BaseSet.BEFORE_ATOMIC)
After_atomic = EventSet(BaseSet.AFTER_ATOMIC)
Mb_fence = EventSet(BaseSet.DMB_FULL)

# The bell's filtered annotations: an annotation the access cannot honour (Acquire on a
# store, Mb on a failed cmpxchg) orders nothing.
FailedRMW = SetDiff(RMW, SetUnion((Range(Inverse(rmw)), Range(rmw))))
Acquire = SetDiff(SetDiff(SetUnion((EventSet(BaseSet.A), EventSet(BaseSet.Q))), W), FailedRMW)
Release = SetDiff(SetDiff(EventSet(BaseSet.L), R), FailedRMW)
Mb = SetDiff(EventSet(BaseSet.MB), FailedRMW)
Noreturn = SetDiff(EventSet(BaseSet.NO_RETURN), W)
Plain = EventSet(BaseSet.PLAIN)
# Every event but an unmarked C access: fences, initial writes, ONCE, RELEASE, ACQUIRE, MB and
# RMW accesses (the bell's `(~M) | IW | ONCE | ...`).
Marked = SetDiff(SetUnion((M, F)), Plain)
R4rmb = SetDiff(R, Noreturn)


def fencerel(fences: EventSet) -> Seq:
    """herd's `fencerel(S)`: `po; [S]; po`."""
    return seq(po, ident(fences), po)


# ------------------------------------------------------------------ basic relations

acq_po = define("acq-po", seq(ident(Acquire), po, ident(M)), "Acquire, then po.")
po_rel = define("po-rel", seq(ident(M), po, ident(Release)), "po, then release.")

rmb = define("rmb", seq(ident(R4rmb), fencerel(Rmb), ident(R4rmb)), "smp_rmb() ordering.")
wmb = define("wmb", seq(ident(W), fencerel(Wmb), ident(W)), "smp_wmb() ordering.")
mb = define(
    "mb",
    union(
        seq(ident(M), fencerel(Mb_fence), ident(M)),
        # A fully ordered RMW acts as though smp_mb() enclosed it.
        seq(ident(M), po, ident(SetInter(Mb, R))),
        seq(ident(SetInter(Mb, W)), po, ident(M)),
        # `[RMW]; po?; [M]` and `[M]; po?; [RMW]`, the identity part written out.
        seq(ident(M), fencerel(Before_atomic), ident(RMW), po, ident(M)),
        seq(ident(M), fencerel(Before_atomic), ident(RMW)),
        seq(ident(M), po, ident(RMW), fencerel(After_atomic), ident(M)),
        seq(ident(RMW), fencerel(After_atomic), ident(M)),
    ),
    "smp_mb() ordering, and that of fully ordered RMWs and smp_mb__{before,after}_atomic().",
)
strong_fence = define("strong-fence", mb, "Strong fences (without RCU, the full barriers).")

nonrw_fence = define("nonrw-fence", union(strong_fence, po_rel, acq_po), "Non-rmb/wmb fences.")
fence = define("fence", union(nonrw_fence, wmb, rmb), "Every fence-like ordering.")

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
ppo = define("ppo", union(to_r, to_w, Inter(fence, internal)), "Preserved program order.")

# ------------------------------------------------------------------ propagation


def a_cumul(relation: RelTerm) -> RelTerm:
    """`A-cumul(r) = (rfe; [Marked])?; r`: a fence also orders the writes its thread read."""
    return union(relation, seq(rfe, ident(Marked), relation))


# `(rf; rmw)*`; every use follows a [Marked] filter, so its identity part is [Marked].
rmw_sequence = define(
    "rmw-sequence", union(ident(Marked), Plus(seq(rf, rmw))), "Chains of RMWs reading each other."
)
cumul_fence = define(
    "cumul-fence",
    seq(
        ident(Marked),
        union(a_cumul(union(strong_fence, po_rel)), wmb),
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
        union(Inter(overwrite, ext), ident(Marked)),
        union(Plus(cumul_fence), ident(Marked)),
        ident(Marked),
        union(rfe, ident(Marked)),
        ident(Marked),
    ),
    "Propagation ordering from release operations and strong fences.",
)

hb = define(
    "hb",
    seq(
        ident(Marked),
        union(ppo, rfe, Inter(Diff(prop, ident(Marked)), internal)),
        ident(Marked),
    ),
    "Happens-before: ordering from the passage of time.",
)

pb = define(
    "pb",
    seq(prop, strong_fence, union(ident(Marked), Plus(hb)), ident(Marked)),
    "Propagates-before: each non-rf link needs a strong fence.",
)

LKMM = Model(
    name="lkmm",
    axioms=(
        # herd orders an RMW's read before its write by iico, not po (see sc.py): `amo` keeps
        # that order here, where `po-loc` alone would let the write be seen before the read.
        acyclic(union(po_loc, amo, com), "coherence"),
        empty(Inter(rmw, seq(fre, coe)), "atomic"),
        acyclic(hb, "happens-before"),
        acyclic(pb, "propagation"),
    ),
    definitions=(
        po_loc,
        acq_po,
        po_rel,
        rmb,
        wmb,
        mb,
        strong_fence,
        nonrw_fence,
        fence,
        com,
        dep,
        rwdep,
        overwrite,
        to_w,
        to_r,
        ppo,
        rmw_sequence,
        cumul_fence,
        prop,
        hb,
        pb,
    ),
)
