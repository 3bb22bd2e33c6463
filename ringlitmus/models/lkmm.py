"""The Linux-kernel memory model (LKMM): linux-kernel.cat's axioms and flags, over the relations
of lkmm_base.py (fences, ppo, hb, pb, locks), lkmm_rcu.py (RCU, SRCU) and lkmm_plain.py
(plain accesses, races).

This is the kernel's `tools/memory-model/linux-kernel.cat` with `linux-kernel.bell`, `lock.cat`
and `linux-kernel.def` as herd7 7.58 runs them (variant lkmmv2; the shared catalogue's
`linux/cats/` holds that text). What lock.cat spells differently is said in lkmm_base.py; its
flags about malformed lock use that cannot arise here (an LKR without its LKW) hold by
construction. lock.cat's `lock-final` names herd's FW, the final writes of the locations the
test observes: the co-last writes at the locations of the initial writes tagged Observed. The
bell's `srcu-bad-value-match` is `different-values(srcu-rscs)`, a value predicate on pairs.

herd's value semantics come with it (`unsolved_values`): where a value can only come out of
thin air through plain accesses, herd7 keeps the execution with an unsolved symbolic value
that equals no number (encode/thin_air.py).
"""

from __future__ import annotations

from ringlitmus.models.lkmm_base import (
    IW,
    LF,
    LKR,
    LKW,
    RL_RU,
    UL,
    M,
    Srcu_lock,
    Srcu_unlock,
    Sync_srcu,
    acq_po,
    barrier,
    com,
    cumul_fence,
    dep,
    fence,
    gp,
    hb,
    mb,
    nonrw_fence,
    overwrite,
    pb,
    po_rel,
    po_unlock_lock_po,
    ppo,
    prop,
    rmb,
    rmw_sequence,
    rwdep,
    strong_fence,
    to_r,
    to_w,
    wmb,
)
from ringlitmus.models.lkmm_plain import (
    data_race,
    mixed_accesses,
    plain_incoherence,
    pre_race,
    rw_xbstar,
    vis,
    wr_vis,
    ww_vis,
    xbstar,
)
from ringlitmus.models.lkmm_rcu import (
    fence_rcu,
    invalid_sleep,
    multiple_srcu_matches,
    rb,
    rcu_fence,
    rcu_link,
    rcu_order,
    rcu_rscs,
    srcu_bad_value_match,
    srcu_rscs,
    strong_fence_rcu,
    unmatched_rcu_lock,
    unmatched_rcu_unlock,
    unmatched_srcu_lock,
    unmatched_srcu_unlock,
)
from ringlitmus.models.relations import (
    BaseSet,
    Diff,
    EventSet,
    Inter,
    Inverse,
    Model,
    Range,
    SetDiff,
    SetInter,
    SetUnion,
    acyclic,
    empty,
    flag,
    ident,
    irreflexive,
    seq,
    union,
)
from ringlitmus.models.vocabulary import W, amo, co, coe, fre, loc, po_loc, rmw

# lock.cat's lock and SRCU-struct events: plain accesses to them are a mistake.
ALL_LOCKS = SetUnion((LKR, LKW, UL, LF, RL_RU, Srcu_lock, Srcu_unlock, Sync_srcu))
# herd's FW: the final write of each cell the test observes, that is the co-last write among
# those at the location of the cell's (tagged) initial write.
observed_writes = SetInter(W, Range(seq(ident(EventSet(BaseSet.OBSERVED)), loc)))
FW = SetDiff(observed_writes, Range(Inverse(co)))
lock_final = seq(ident(FW), loc, ident(ALL_LOCKS))
critical = Diff(
    seq(ident(LKW), po_loc, ident(UL)),
    seq(po_loc, ident(SetUnion((LKW, UL))), po_loc),
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
        irreflexive(rb, "rcu"),
        empty(plain_incoherence, "plain-coherence"),
    ),
    definitions=(
        po_loc,
        acq_po,
        po_rel,
        po_unlock_lock_po,
        rmb,
        wmb,
        mb,
        gp,
        strong_fence,
        nonrw_fence,
        fence,
        barrier,
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
        rcu_rscs,
        srcu_rscs,
        rcu_link,
        rcu_order,
        rcu_fence,
        fence_rcu,
        strong_fence_rcu,
        rb,
        mixed_accesses,
        xbstar,
        vis,
        ww_vis,
        wr_vis,
        rw_xbstar,
        pre_race,
        plain_incoherence,
        data_race,
    ),
    flags=(
        flag(mixed_accesses, "mixed-accesses"),
        flag(data_race, "data-race"),
        flag(unmatched_rcu_lock, "unmatched-rcu-lock"),
        flag(unmatched_rcu_unlock, "unmatched-rcu-unlock"),
        flag(unmatched_srcu_lock, "unmatched-srcu-lock"),
        flag(unmatched_srcu_unlock, "unmatched-srcu-unlock"),
        flag(multiple_srcu_matches, "multiple-srcu-matches"),
        flag(invalid_sleep, "invalid-sleep"),
        flag(srcu_bad_value_match, "srcu-bad-value-match"),
        flag(
            seq(ident(SetDiff(SetDiff(M, IW), ALL_LOCKS)), loc, ident(ALL_LOCKS)),
            "mixed-lock-accesses",
        ),
        flag(ident(SetDiff(UL, Range(critical))), "unmatched-unlock"),
        flag(lock_final, "lock-final"),
    ),
    unsolved_values=True,
)
