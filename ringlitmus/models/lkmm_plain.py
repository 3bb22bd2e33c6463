"""LKMM's plain accesses and data races: linux-kernel.cat's last section.

Plain (unmarked) accesses are ordered only where a marked access or a fence bounds their
lifetime; `plain-coherence` forbids executions where a plain access would break coherence with
an access it races with, and the `data-race` flag reports executions where two accesses, one
of them plain, race. `fence` and `strong-fence` here are the RCU-extended ones, `nonrw-fence`
the earlier one, as in the cat file, where the RCU section rebinds only those two names.
"""

from __future__ import annotations

from ringlitmus.models.lkmm_base import (
    IW,
    All,
    Marked,
    Noreturn,
    Plain,
    R4rmb,
    Rmb,
    barrier,
    cumul_fence,
    fencerel,
    hb,
    least_star,
    nonrw_fence,
    optional,
    pb,
    rmw_sequence,
    star,
)
from ringlitmus.models.lkmm_rcu import fence_rcu as fence
from ringlitmus.models.lkmm_rcu import rb
from ringlitmus.models.lkmm_rcu import strong_fence_rcu as strong_fence
from ringlitmus.models.relations import (
    Diff,
    Inter,
    Inverse,
    Product,
    SetDiff,
    SetInter,
    define,
    ident,
    seq,
    union,
)
from ringlitmus.models.vocabulary import M, W, addr, co, ext, fr, internal, po_loc, rf, rfe

NotNoreturn = SetDiff(All, Noreturn)

mixed_accesses = define(
    "mixed-accesses",
    union(
        seq(ident(SetInter(Plain, W)), Diff(po_loc, barrier), ident(Marked)),
        seq(ident(Marked), Diff(po_loc, barrier), ident(SetInter(Plain, W))),
    ),
    "Plain writes and marked accesses to one location with nothing between them.",
)

# ------------------------------------------------------------------ executes-before, visibility

xbstar = define(
    "xbstar",
    least_star("xb+", union(hb, pb, rb)),
    "Executes-before, reflexive and transitive.",
)
vis = define(
    "vis",
    seq(
        star(cumul_fence),
        optional(rfe),
        ident(Marked),
        union(seq(strong_fence, ident(Marked), xbstar), Inter(xbstar, internal)),
    ),
    "Visibility: a write reaches the event's CPU before it.",
)

# ------------------------------------------------------------------ lifetimes of plain accesses

w_pre_bounded = define(
    "w-pre-bounded", seq(ident(Marked), optional(union(addr, fence))), "Write, bounded before."
)
r_pre_bounded = define(
    "r-pre-bounded",
    seq(
        ident(Marked),
        optional(union(addr, nonrw_fence, seq(ident(R4rmb), fencerel(Rmb), ident(NotNoreturn)))),
    ),
    "Read, bounded before.",
)
w_post_bounded = define(
    "w-post-bounded", seq(optional(fence), ident(Marked), rmw_sequence), "Write, bounded after."
)
r_post_bounded = define(
    "r-post-bounded",
    seq(
        optional(union(nonrw_fence, seq(ident(NotNoreturn), fencerel(Rmb), ident(R4rmb)))),
        ident(Marked),
    ),
    "Read, bounded after.",
)

# ------------------------------------------------------------------ visibility for plain accesses

ww_vis = define(
    "ww-vis",
    union(
        fence,
        seq(strong_fence, xbstar, w_pre_bounded),
        seq(w_post_bounded, vis, w_pre_bounded),
    ),
    "A write visible before a later write.",
)
wr_vis = define(
    "wr-vis",
    union(
        fence,
        seq(strong_fence, xbstar, r_pre_bounded),
        seq(w_post_bounded, vis, r_pre_bounded),
    ),
    "A write visible before a later read.",
)
rw_xbstar = define(
    "rw-xbstar",
    union(fence, seq(r_post_bounded, xbstar, w_pre_bounded)),
    "A read executing before a later write.",
)

# ------------------------------------------------------------------ races

pre_race = define(
    "pre-race",
    Inter(ext, union(Product(Plain, M), Product(SetDiff(M, IW), Plain))),
    "Potential races: accesses of different CPUs, at least one plain.",
)
wr_incoh = define("wr-incoh", Inter(Inter(pre_race, rf), Inverse(rw_xbstar)), "")
rw_incoh = define("rw-incoh", Inter(Inter(pre_race, fr), Inverse(wr_vis)), "")
ww_incoh = define("ww-incoh", Inter(Inter(pre_race, co), Inverse(ww_vis)), "")
plain_incoherence = define(
    "plain-incoherence",
    union(wr_incoh, rw_incoh, ww_incoh),
    "Plain accesses breaking coherence with what they race with.",
)

ww_nonrace = define(
    "ww-nonrace",
    Inter(
        Inter(ww_vis, union(Product(Marked, W), rw_xbstar)),
        union(Product(W, Marked), wr_vis),
    ),
    "Writes ordered well enough not to race.",
)
ww_race = define("ww-race", Diff(Inter(pre_race, co), ww_nonrace), "Write-write races.")
wr_race = define(
    "wr-race",
    Diff(Diff(Inter(pre_race, seq(optional(co), rf)), wr_vis), Inverse(rw_xbstar)),
    "Write-read races.",
)
rw_race = define("rw-race", Diff(Inter(pre_race, fr), rw_xbstar), "Read-write races.")
data_race = define("data-race", union(ww_race, wr_race, rw_race), "Data races.")
