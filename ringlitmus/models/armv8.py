"""The ARMv8 (AArch64) application-level memory model, relation by relation.

Transcribed from the Arm ARM, section B2.3, as herd states it in `aarch64.cat` (the user-level
part of `aarch64hwreqs.cat` and `aarch64deps.cat`; `aarch64-v08.cat` in the shared catalogue is
the readable text). Dependencies (addr, data, ctrl and their pick forms) come from the event
structure. As in herd, all observers share one inner-shareable domain, so the ISH/OSH/SY
barrier options are one kind, and DMB and DSB are one kind. herd's `si` (effects of one
single-copy-atomic access) is the identity without mixed-size accesses, so `obs; si` and
`lws; si` are written `obs` and `lws`.
"""

from __future__ import annotations

from ringlitmus.models.relations import (
    BaseRelation,
    BaseSet,
    Diff,
    EventSet,
    Inter,
    Model,
    Plus,
    Range,
    Rel,
    SetDiff,
    acyclic,
    define,
    empty,
    ident,
    irreflexive,
    seq,
    union,
)
from ringlitmus.models.vocabulary import (
    M,
    R,
    W,
    addr,
    amo,
    co,
    coe,
    ctrl,
    data,
    fr,
    fre,
    po,
    po_loc,
    rf,
    rfe,
    rmw,
)

# ARMv8's own event sets (the common ones are in vocabulary.py).
A = EventSet(BaseSet.A)
Q = EventSet(BaseSet.Q)
L = EventSet(BaseSet.L)
NoRet = EventSet(BaseSet.NO_RETURN)
ISB = EventSet(BaseSet.ISB)
dmb_full = EventSet(BaseSet.DMB_FULL)
dmb_ld = EventSet(BaseSet.DMB_LD)
dmb_st = EventSet(BaseSet.DMB_ST)

# ARMv8's own base relations.
same_instance = Rel(BaseRelation.SAME_INSTANCE)
pick_basic_dep = Rel(BaseRelation.PICK_BASIC_DEP)
pick_addr_dep = Rel(BaseRelation.PICK_ADDR_DEP)
pick_data_dep = Rel(BaseRelation.PICK_DATA_DEP)
pick_ctrl_dep = Rel(BaseRelation.PICK_CTRL_DEP)

ca = define("ca", union(fr, co), "Coherence-after.")

obs = define("obs", union(rfe, fre, coe), "Observed-by.")

lrs = define(
    "lrs",
    seq(ident(W), Diff(po_loc, seq(po_loc, ident(W), po_loc)), ident(R)),
    "Local read successor: a read and the last po-earlier write to its location.",
)

lws = define("lws", seq(po_loc, ident(W)), "Local write successor.")

dob = define(
    "dob",
    union(
        addr,
        data,
        seq(ctrl, ident(W)),
        seq(union(ctrl, seq(addr, po)), ident(ISB), po, ident(R)),
        seq(addr, po, ident(W)),
        seq(union(addr, data), lrs),
    ),
    "Dependency-ordered-before.",
)

pick_dep = define(
    "pick-dep",
    Diff(union(pick_basic_dep, pick_addr_dep, pick_data_dep, pick_ctrl_dep), same_instance),
    "Pick dependency: through a conditional select's condition as well as through data.",
)

pob = define(
    "pob",
    union(
        seq(pick_dep, ident(W)),
        seq(union(pick_ctrl_dep, seq(pick_addr_dep, po)), ident(ISB), po, ident(M)),
        seq(pick_addr_dep, ident(M), po, ident(W)),
    ),
    "Pick-ordered-before.",
)

aob = define(
    "aob",
    union(rmw, seq(rmw, lrs, ident(A, Q))),
    "Atomic-ordered-before.",
)

bob = define(
    "bob",
    union(
        seq(po, ident(dmb_full), po),
        seq(ident(SetDiff(R, NoRet)), po, ident(dmb_ld), po),
        seq(ident(W), po, ident(dmb_st), po, ident(W)),
        seq(ident(Range(seq(ident(A), amo, ident(L)))), po),
        seq(ident(L), po, ident(A)),
        seq(ident(A, Q), po),
        seq(po, ident(L)),
    ),
    "Barrier-ordered-before.",
)

lob = define(
    "lob",
    Plus(union(lws, dob, pob, aob, bob)),
    "Locally-ordered-before.",
)

# pick-basic-dep also relates a read to itself; that part of pick-lob is lob;[W] already.
pick_lob = define("pick-lob", seq(pick_basic_dep, lob, ident(W)), "Pick-locally-ordered-before.")

ob = define("ob", Plus(union(obs, lob, pick_lob)), "Ordered-before.")

ARMV8 = Model(
    name="armv8",
    axioms=(
        acyclic(union(po_loc, Inter(rmw, same_instance), ca, rf), "internal"),
        irreflexive(ob, "external"),
        empty(Inter(rmw, seq(fre, coe)), "atomic"),
    ),
    definitions=(po_loc, ca, obs, lrs, lws, dob, pick_dep, pob, aob, bob, lob, pick_lob, ob),
)
