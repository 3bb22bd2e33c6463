"""Turn a program's instructions into an event structure: events, po, rmw and dependencies.

Each thread is executed symbolically once, along all its (forward-only) control-flow paths at
the same time: every event carries a guard saying when it happens, every register a symbolic
value and the sets of reads it depends on. Dependencies follow herd's `aarch64deps.cat`:

* `dtrm` ("dependency through registers and memory") links a read to what its value flows into,
  through register writes, intra-instruction data flow and local read successors (`lrs`: a load
  that reads the same location as a po-earlier store of the thread inherits what the store's
  inputs depended on). The status register of a store-exclusive carries no dependency.
* addr / data: a read's dtrm reaches the address / the stored value of a memory access.
* ctrl: a read's dtrm reaches a branch condition; every po-later event depends on it, or, for
  a branch that ends at a label (C's `if`, `ir.Branch.ctrl_until`), every event before it.
* pick: as dtrm, but also through the condition of a conditional select (CSEL) or of a
  compare-and-swap (herd's `iico_ctrl`); pick-addr / pick-data / pick-ctrl as above.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from ringlitmus import ir
from ringlitmus.deadline import Deadline
from ringlitmus.semantics.events import (
    ADDRESS_BASE,
    ADDRESS_GAP,
    Event,
    EventKind,
    EventStructure,
    Pairs,
    Provenance,
    Tag,
    add_event,
    constant_value,
    layout_locations,
)
from ringlitmus.semantics.locks import match_rcu_sections
from ringlitmus.semantics.sizes import cell_types, check_sizes
from ringlitmus.semantics.thread import ThreadRunner

__all__ = [
    "ADDRESS_BASE",
    "ADDRESS_GAP",
    "Event",
    "EventKind",
    "EventStructure",
    "Pairs",
    "Provenance",
    "Tag",
    "build_event_structure",
    "layout_locations",
]


def build_event_structure(
    program: ir.Program,
    observed: Mapping[str, Collection[str]] | None = None,
    deadline: Deadline | None = None,
    observed_cells: Collection[str] = (),
) -> EventStructure:
    """Run every thread symbolically and collect its events and static relations.

    `observed` maps a thread's name to the registers whose final values will be asked for
    (`final_registers` holds only those); None keeps every register's final value.
    `observed_cells` names the cells whose final values the test names (Tag.OBSERVED). Past
    `deadline` it raises CheckTimeoutError.
    """
    bases, cells = layout_locations(program)
    structure = EventStructure(
        events=[],
        thread_names=tuple(thread.name for thread in program.threads),
        thread_events=[],
        cells=cells,
        bases=bases,
        final_registers={},
    )
    structure.cell_types = cell_types(program, bases)
    for location in program.locations:
        for index, (initial, cell) in enumerate(zip(location.initial, location.cells, strict=True)):
            address = bases[location.name] + index * ir.CELL_SIZE
            value = constant_value(initial, bases, location.span)
            tags = {Tag.INIT, Tag.OBSERVED} if cell in observed_cells else {Tag.INIT}
            add_event(structure, -1, EventKind.WRITE, address, value, True, -1, tags)
    for index, thread in enumerate(program.threads):
        structure.thread_events.append([])
        registers = None if observed is None else observed.get(thread.name, ())
        ThreadRunner(structure, index, thread, bases, registers, deadline).run()
    match_rcu_sections(structure)
    check_sizes(structure)
    return structure
