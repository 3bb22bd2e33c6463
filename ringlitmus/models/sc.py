"""Sequential consistency (Lamport 1979), relation by relation, in herd's cat terms.

One interleaving of all threads' accesses, each read taking the latest write before it: po,
rf, co and fr all lie along one order, `acyclic po | rf | co | fr as sc` (herd's `sc.cat`; the
catalogue's x86/cats/sc.cat is only a link to it). It is the strongest model here, so it
ignores every annotation and barrier kind: acquire, release, DMB, MFENCE change nothing.

The read and write of one read-modify-write instruction are not related by po (herd relates
them by iico, as the event structure does), so `sc` adds `amo` to keep the write after its own
read, and the atomicity axiom, which acyclicity alone does not give, keeps every other write to
the location out from between them.
"""

from __future__ import annotations

from ringlitmus.models.relations import (
    Inter,
    Model,
    acyclic,
    define,
    empty,
    seq,
    union,
)
from ringlitmus.models.vocabulary import amo, co, coe, fr, fre, po, rf, rmw

ca = define("ca", union(fr, co), "Coherence-after.")

sc_order = define(
    "sc-order",
    union(po, amo, rf, ca),
    "Sequentially-consistent order: program order (with an RMW's write after its read), "
    "reads-from and coherence-after, which one interleaving must all respect.",
)

SC = Model(
    name="sc",
    axioms=(
        acyclic(sc_order, "sc"),
        empty(Inter(rmw, seq(fre, coe)), "atomic"),
    ),
    definitions=(fre, coe, ca, sc_order),
)
