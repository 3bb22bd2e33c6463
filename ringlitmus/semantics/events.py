"""Events and the event structure: what a program can do, before any execution is chosen."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from ringlitmus import ir
from ringlitmus.errors import Span, UndeclaredLocationError, UnsupportedInstructionError
from ringlitmus.frozen import frozen
from ringlitmus.ir import FenceKind
from ringlitmus.symbolic import Guard, ReadValue, Value

# Where locations live: far apart, so that no small integer a test stores is also an address.
ADDRESS_BASE = 0x1000
ADDRESS_GAP = 0x1000


class EventKind(Enum):
    """Memory reads, memory writes and barriers."""

    READ = "R"
    WRITE = "W"
    FENCE = "F"


class Tag(Enum):
    """Annotations on events, named after the cat sets they populate.

    RMW marks both events of a read-modify-write instruction, even a failed CAS's lone read;
    MB marks those of a fully ordered Linux RMW; PLAIN marks an unmarked C access (LKMM).
    The lock tags are lock.cat's event classes: LOCK_READ and LOCK_WRITE the two halves of
    spin_lock() or a successful spin_trylock(), UNLOCK spin_unlock(), LOCK_FAIL a failed
    spin_trylock(), IS_LOCKED spin_is_locked() (herd's RL or RU, told apart by the value it
    reads); SRCU_LOCK and SRCU_UNLOCK are srcu_read_lock()'s read and srcu_read_unlock()'s write.
    OBSERVED marks the initial write of a cell whose final value the test names (its final
    condition, filter or `locations`): herd's final writes (FW) are those cells' co-last writes.
    """

    ACQUIRE = "A"
    ACQUIRE_PC = "Q"
    RELEASE = "L"
    EXCLUSIVE = "X"
    NO_RETURN = "NoRet"
    INIT = "IW"
    RMW = "RMW"
    MB = "MB"
    PLAIN = "Plain"
    LOCK_READ = "LKR"
    LOCK_WRITE = "LKW"
    UNLOCK = "UL"
    LOCK_FAIL = "LF"
    IS_LOCKED = "RL|RU"
    SRCU_LOCK = "Srcu-lock"
    SRCU_UNLOCK = "Srcu-unlock"
    OBSERVED = "Observed"


@frozen
class Event:
    """One event. `value` is the value written, or `ReadValue(id)` for a read.

    `instruction` is the position of the instruction that made it (its instance);
    `statement`, that of the source statement (po orders statements: see ir.Thread).
    """

    id: int
    thread: int
    kind: EventKind
    address: Value
    value: Value
    guard: Guard
    instruction: int
    tags: frozenset[Tag] = frozenset()
    fence: FenceKind | None = None
    span: Span | None = field(default=None, compare=False)
    statement: int = 0

    @property
    def is_memory(self) -> bool:
        """Reads and writes, as opposed to barriers."""
        return self.kind is not EventKind.FENCE

    @property
    def is_store(self) -> bool:
        """Writes that make a cell's final value: herd's final state leaves out what spinlock
        operations write (lock.cat's LKW and UL are lock events, not stores)."""
        return self.kind is EventKind.WRITE and not self.tags & {Tag.LOCK_WRITE, Tag.UNLOCK}

    @property
    def has_location(self) -> bool:
        """Accesses, and synchronize_srcu(), a barrier naming its srcu_struct (herd's loc
        relates it to that struct's accesses)."""
        return self.kind is not EventKind.FENCE or self.fence is FenceKind.SYNC_SRCU


Pairs = dict[tuple[int, int], Guard]
Provenance = dict[int, Guard]


@dataclass
class EventStructure:
    """Events of all threads plus the relations fixed by the program text."""

    events: list[Event]
    thread_names: tuple[str, ...]
    thread_events: list[list[int]]
    cells: dict[int, str]
    bases: dict[str, int]
    final_registers: dict[tuple[str, str], Value]
    rmw: Pairs = field(default_factory=dict)
    amo: Pairs = field(default_factory=dict)
    lxsx: Pairs = field(default_factory=dict)
    addr: Pairs = field(default_factory=dict)
    data: Pairs = field(default_factory=dict)
    ctrl: Pairs = field(default_factory=dict)
    pick_basic_dep: Pairs = field(default_factory=dict)
    pick_addr_dep: Pairs = field(default_factory=dict)
    pick_data_dep: Pairs = field(default_factory=dict)
    pick_ctrl_dep: Pairs = field(default_factory=dict)
    instances: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    choices: list[str] = field(default_factory=list)
    # Sized accesses (herd AArch64): each cell's declared (width, signed) type, None for none,
    # and each access's size in bits (see sizes.py).
    cell_types: dict[int, tuple[int, bool] | None] = field(default_factory=dict)
    widths: dict[int, int] = field(default_factory=dict)
    # Conditions every execution meets: a spin_lock() only returns once it read "unlocked".
    assumptions: list[Guard] = field(default_factory=list)
    # Matching rcu_read_lock() / rcu_read_unlock() pairs (linux-kernel.bell's rcu-rscs).
    rcu_rscs: Pairs = field(default_factory=dict)
    # Every conditional branch: the path it is met on and its condition (herd drops an
    # execution whose branch tests a value out of thin air: encode/thin_air.py).
    branches: list[tuple[Guard, Guard]] = field(default_factory=list)

    @property
    def init_writes(self) -> Iterator[Event]:
        """The initial write of every cell."""
        return (event for event in self.events if Tag.INIT in event.tags)

    def address_of(self, cell: str) -> int:
        """The address of a cell by name."""
        for address, name in self.cells.items():
            if name == cell:
                return address
        raise KeyError(cell)


def layout_locations(program: ir.Program) -> tuple[dict[str, int], dict[int, str]]:
    """Give every location a base address and every cell a name."""
    bases: dict[str, int] = {}
    cells: dict[int, str] = {}
    next_base = ADDRESS_BASE
    for location in program.locations:
        bases[location.name] = next_base
        for index, cell in enumerate(location.cells):
            cells[next_base + index * ir.CELL_SIZE] = cell
        size = len(location.cells) * ir.CELL_SIZE
        next_base += ((size + ADDRESS_GAP - 1) // ADDRESS_GAP) * ADDRESS_GAP + ADDRESS_GAP
    return bases, cells


def constant_value(expr: ir.Expr, bases: dict[str, int], span: Span | None) -> int:
    if isinstance(expr, ir.Const):
        return expr.value
    if isinstance(expr, ir.Address):
        if expr.location not in bases:
            raise UndeclaredLocationError(f"undeclared location '{expr.location}'", span)
        return bases[expr.location]
    raise UnsupportedInstructionError("an initial value must be a number or a location", span)


def add_event(
    structure: EventStructure,
    thread: int,
    kind: EventKind,
    address: Value,
    value: Value | None,
    guard: Guard,
    instruction: int,
    tags: set[Tag],
    fence: FenceKind | None = None,
    span: Span | None = None,
    statement: int | None = None,
) -> Event:
    """A new event; `statement` defaults to `instruction` (see Event)."""
    event_id = len(structure.events)
    event = Event(
        id=event_id,
        thread=thread,
        kind=kind,
        address=address,
        value=ReadValue(event_id) if value is None else value,
        guard=guard,
        instruction=instruction,
        tags=frozenset(tags),
        fence=fence,
        span=span,
        statement=instruction if statement is None else statement,
    )
    structure.events.append(event)
    if thread >= 0:
        structure.thread_events[thread].append(event_id)
        structure.instances.setdefault((thread, instruction), []).append(event_id)
    return event
