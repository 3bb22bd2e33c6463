"""x86-TSO (Owens, Sarkar, Sewell 2009), relation by relation, as herd's `x86tso.cat` states it.

Transcribed from `herd/libdir/x86tso.cat` with what it includes: `fencerel(MFENCE)` from
`x86fences.cat`, the `WW(r)`-style filters and the set `A` of atomic events from `filters.cat`.
The catalogue's `x86/cats/x86tso.cat`, under which its kinds.txt was computed, is the same text.
Its two unnamed axioms are named here after the comments above them: `uniproc` and `atomic`.

herd's `A` is the events of locked instructions (LOCK-prefixed, and XCHG with memory, which is
locked implicitly). Those are the events `rmw` relates, plus exclusives (herd's `X`) when an
AArch64 test is run under TSO; the X86 front end refuses LOCK CMPXCHG, whose failing read
`rmw` would miss.

Tests of other formats map onto TSO by what their annotations mean on x86: a full barrier
(DMB ISH, DSB, the ring DSL's smp_mb) is an MFENCE, as compilers emit smp_mb on x86; acquire,
release, DMB LD/ST and ISB add nothing, since TSO already keeps every order they ask for but
store-to-load (the one LDAR/STLR pairing TSO does not keep is release-then-acquire: x86 code
for it needs an MFENCE too).
"""

from __future__ import annotations

from ringlitmus.models.relations import (
    BaseSet,
    EventSet,
    Inter,
    Inverse,
    Model,
    Range,
    SetUnion,
    acyclic,
    define,
    empty,
    ident,
    seq,
    union,
)
from ringlitmus.models.vocabulary import (
    M,
    R,
    W,
    amo,
    co,
    coe,
    fr,
    fre,
    po,
    po_loc,
    rf,
    rfe,
    rmw,
)

# TSO's own event sets (the common ones are in vocabulary.py).
X = EventSet(BaseSet.X)

MFENCE = SetUnion((EventSet(BaseSet.MFENCE), EventSet(BaseSet.DMB_FULL)))
A = SetUnion((X, Range(Inverse(rmw)), Range(rmw)))

com = define("com", union(rf, fr, co), "Communication: reads-from, from-reads, coherence.")

mfence = define(
    "mfence",
    seq(po, ident(MFENCE), po),
    "MFENCE-ordered: accesses either side of an MFENCE (herd's fencerel(MFENCE)).",
)

po_ghb = define(
    "po_ghb",
    union(
        seq(ident(W), po, ident(W)),
        seq(ident(R), po, ident(M)),
    ),
    "Program order TSO preserves: WW(po) | RM(po), every pair but a write before a read.",
)

po_wr = define("poWR", seq(ident(W), po, ident(R)), "Program order from a write to a read.")

i1 = define("i1", seq(po_wr, ident(A)), "Implied barrier before a locked read: MA(poWR).")

i2 = define("i2", seq(ident(A), po_wr), "Implied barrier after a locked write: AM(poWR).")

implied = define("implied", union(i1, i2), "Store-to-load order a locked instruction implies.")

ghb = define(
    "ghb",
    union(mfence, implied, po_ghb, rfe, fr, co),
    "Global-happens-before.",
)

TSO = Model(
    name="tso",
    axioms=(
        acyclic(union(po_loc, amo, com), "uniproc"),
        empty(Inter(rmw, seq(fre, coe)), "atomic"),
        acyclic(ghb, "tso"),
    ),
    definitions=(po_loc, com, mfence, po_ghb, po_wr, i1, i2, implied, ghb),
)
