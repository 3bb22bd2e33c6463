"""LKMM's RCU and SRCU: read-side critical sections (linux-kernel.bell), grace periods and the
`rcu` axiom (linux-kernel.cat's RCU section).

rcu-rscs, the matching of nested rcu_read_lock() and rcu_read_unlock() calls, is worked out
with the event structure (semantics/locks.py): the bell's recursive definition only pairs each
unlock with the innermost open lock po-before it. rcu-order is cat's `let rec`, a least fixpoint
(relations.Fix): every use of it below is monotone, as that encoding requires.
"""

from __future__ import annotations

from ringlitmus.models.lkmm_base import (
    All,
    Marked,
    Rcu_lock,
    Rcu_unlock,
    Srcu_lock,
    Srcu_unlock,
    Sync_rcu,
    Sync_srcu,
    fence,
    hb,
    least_star,
    optional,
    pb,
    po,
    prop,
    star,
    strong_fence,
)
from ringlitmus.models.relations import (
    BaseRelation,
    Diff,
    Fix,
    Inter,
    Inverse,
    Range,
    Recursive,
    Rel,
    RelTerm,
    SetDiff,
    define,
    ident,
    seq,
    union,
)
from ringlitmus.models.vocabulary import data, loc, rf

# ------------------------------------------------------------------ the bell's read-side sections

rcu_rscs = define(
    "rcu-rscs", Rel(BaseRelation.RCU_RSCS), "Matching rcu_read_lock() and rcu_read_unlock()."
)
carry_srcu_data = define(
    "carry-srcu-data",
    star(seq(data, ident(SetDiff(All, Srcu_unlock)), rf)),
    "An srcu_read_lock() index passed on through memory.",
)
srcu_rscs = define(
    "srcu-rscs",
    Inter(seq(ident(Srcu_lock), carry_srcu_data, data, ident(Srcu_unlock)), loc),
    "Matching srcu_read_lock() and srcu_read_unlock(): the index flows from one to the other.",
)

# ------------------------------------------------------------------ grace periods and sections

rcu_gp = ident(Sync_rcu)
srcu_gp = ident(Sync_srcu)
rcu_rscsi = Inverse(rcu_rscs)
srcu_rscsi = Inverse(srcu_rscs)

rcu_link = define(
    "rcu-link",
    seq(optional(po), least_star("hb+", hb), least_star("pb+", pb), prop, po),
    "What links grace periods and critical sections in an rcu-order chain.",
)


def _rcu_order_body(order: RelTerm) -> RelTerm:
    """The right-hand side of `let rec rcu-order = ...`, `order` standing for rcu-order."""

    def srcu(relation: RelTerm) -> RelTerm:
        return Inter(relation, loc)  # SRCU pairs only count on one srcu_struct

    return union(
        rcu_gp,
        srcu_gp,
        seq(rcu_gp, rcu_link, rcu_rscsi),
        srcu(seq(srcu_gp, rcu_link, srcu_rscsi)),
        seq(rcu_rscsi, rcu_link, rcu_gp),
        srcu(seq(srcu_rscsi, rcu_link, srcu_gp)),
        seq(rcu_gp, rcu_link, order, rcu_link, rcu_rscsi),
        srcu(seq(srcu_gp, rcu_link, order, rcu_link, srcu_rscsi)),
        seq(rcu_rscsi, rcu_link, order, rcu_link, rcu_gp),
        srcu(seq(srcu_rscsi, rcu_link, order, rcu_link, srcu_gp)),
        seq(order, rcu_link, order),
    )


rcu_order = define(
    "rcu-order",
    Fix("rcu-order", _rcu_order_body(Recursive("rcu-order"))),
    "Chains with at least as many grace periods as read-side critical sections.",
)
rcu_fence = define(
    "rcu-fence", seq(po, rcu_order, optional(po)), "The strong fence RCU chains make."
)
fence_rcu = define("fence", union(fence, rcu_fence), "Every fence-like ordering, RCU's too.")
strong_fence_rcu = define(
    "strong-fence", union(strong_fence, rcu_fence), "Strong fences, RCU's too."
)

rb = define(
    "rb",
    seq(prop, rcu_fence, least_star("hb+", hb), least_star("pb+", pb), ident(Marked)),
    "RCU-before: orders instructions just as pb does.",
)

# ------------------------------------------------------------------ the bell's nesting checks

unmatched_rcu_lock = ident(SetDiff(Rcu_lock, Range(Inverse(rcu_rscs))))
unmatched_rcu_unlock = ident(SetDiff(Rcu_unlock, Range(rcu_rscs)))
unmatched_srcu_lock = ident(SetDiff(Srcu_lock, Range(Inverse(srcu_rscs))))
unmatched_srcu_unlock = ident(SetDiff(Srcu_unlock, Range(srcu_rscs)))
multiple_srcu_matches = Diff(seq(srcu_rscsi, srcu_rscs), ident(All))
invalid_sleep = Inter(rcu_rscs, seq(po, ident(Sync_srcu), po))
# srcu_read_unlock() given another value than its srcu_read_lock() returned (different-values).
srcu_bad_value_match = Inter(srcu_rscs, Rel(BaseRelation.DIFFERENT_VALUES))
