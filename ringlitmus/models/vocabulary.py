"""What every model is written over: the event sets and base relations herd's standard library
gives each cat file (`R`, `W`, `M`, `F`, `po`, `rf`, `co`, `fr`, `loc`, `ext`, `int`, `rmw`,
`amo`, `addr`, `data`, `ctrl`), and the relations its stdlib.cat derives from them (`po-loc`,
`rfe`, `rfi`, `coe`, `fre`). A model's own sets (acquires, barrier kinds) stay in its module.
"""

from __future__ import annotations

from ringlitmus.models.relations import BaseRelation, BaseSet, EventSet, Inter, Rel, define

# Event sets.
R = EventSet(BaseSet.R)
W = EventSet(BaseSet.W)
M = EventSet(BaseSet.M)
F = EventSet(BaseSet.F)

# Base relations.
po = Rel(BaseRelation.PO)
rf = Rel(BaseRelation.RF)
co = Rel(BaseRelation.CO)
fr = Rel(BaseRelation.FR)
loc = Rel(BaseRelation.LOC)
ext = Rel(BaseRelation.EXT)
internal = Rel(BaseRelation.INT)
rmw = Rel(BaseRelation.RMW)
amo = Rel(BaseRelation.AMO)
addr = Rel(BaseRelation.ADDR)
data = Rel(BaseRelation.DATA)
ctrl = Rel(BaseRelation.CTRL)

# stdlib.cat's derived relations.
po_loc = define("po-loc", Inter(po, loc), "Program order between accesses to one location.")
rfe = define("rfe", Inter(rf, ext), "Reads-from, external.")
rfi = define("rfi", Inter(rf, internal), "Reads-from, internal.")
coe = define("coe", Inter(co, ext), "Coherence order, external.")
fre = define("fre", Inter(fr, ext), "From-reads, external.")
