"""What every random litmus generator shares: a construct table, a thread being written, the
final condition and `locations` line, and the seed each run is drawn from.

A generator is a table of constructs (name -> a function that writes one construct into a
thread). Adding a construct to a front end's differential test is adding one row. A construct
whose front-end or model support has not landed yet sits in the table with `enabled=False`,
so switching it on is flipping that flag (or setting RINGLITMUS_DIFF_ENABLE=name,name).
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SEED_VARIABLE = "RINGLITMUS_DIFF_SEED"
ENABLE_VARIABLE = "RINGLITMUS_DIFF_ENABLE"


@dataclass
class ThreadText:
    """One thread while it is written: its lines, its init entries and what it observes."""

    index: int
    lines: list[str] = field(default_factory=list)
    init: list[str] = field(default_factory=list)
    # Registers whose final value a state shows (never a register holding an address: herd
    # prints a pointer as a location's name, we print a number).
    observed: list[str] = field(default_factory=list)
    # Registers holding a value read from memory, which dependencies start from.
    loaded: list[str] = field(default_factory=list)
    next_register: int = 0
    next_temporary: int = 0
    # Pointer registers (C), never observed; counts a budget looks at (C).
    pointers: list[str] = field(default_factory=list)
    accesses: int = 0
    atomics: int = 0
    located: int = 0
    # Nothing more may follow (a construct that must end its thread says so).
    ended: bool = False
    next_label: int = 0

    def label(self) -> str:
        """A fresh label, unique in the program (herd's labels are per thread, ours too)."""
        self.next_label += 1
        return f"L{self.index}_{self.next_label}"


@dataclass
class ProgramText:
    """A program while it is written: its threads, its locations, the values stores wrote."""

    rng: random.Random
    locations: tuple[str, ...]
    threads: list[ThreadText] = field(default_factory=list)
    written: set[int] = field(default_factory=lambda: {0})
    next_value: int = 0
    shaped: bool = False
    thread_count: int = 2
    # C only: a location `p` holding a pointer, and a spinlock `s`, are declared.
    pointers: bool = False
    lock: bool = False

    def value(self) -> int:
        """A value no store has written yet, so a state shows which store a read saw."""
        self.next_value += 1
        self.written.add(self.next_value)
        return self.next_value

    def location(self, thread: ThreadText) -> str:
        """The location of the thread's next access: at random, or in a shaped program the
        next one round the cycle from the thread's own (P0 x then y, P1 y then x...), which
        makes the message-passing, store-buffering and load-buffering shapes where
        orderings matter."""
        thread.located += 1
        if self.shaped:
            return self.locations[(thread.index + thread.located - 1) % len(self.locations)]
        return self.rng.choice(self.locations)


def shaped_program(rng: random.Random) -> ProgramText:
    """An empty program of 2-3 threads over 2-3 locations; most are shaped (one location per
    thread, each thread's accesses going round the cycle), the rest access at random."""
    threads = rng.randint(2, 3)
    shaped = rng.random() < 0.6
    locations = ("x", "y", "z")[: threads if shaped else rng.randint(2, 3)]
    return ProgramText(rng, locations, shaped=shaped, thread_count=threads)


Construct = Callable[[ProgramText, ThreadText], None]


@dataclass(frozen=True)
class Row:
    """One construct of a generator's table."""

    name: str
    write: Construct
    weight: int = 1
    enabled: bool = True
    # Why a disabled row is off, for the report.
    waiting_for: str = ""
    # A fence goes between two other constructs, where it can order something.
    fence: bool = False


def enabled_rows(table: Sequence[Row]) -> list[Row]:
    """The rows in use: enabled ones, and those RINGLITMUS_DIFF_ENABLE names."""
    forced = {name for name in os.environ.get(ENABLE_VARIABLE, "").split(",") if name}
    return [row for row in table if row.enabled or row.name in forced]


def pick(rng: random.Random, rows: Sequence[Row]) -> Row:
    return rng.choices(rows, weights=[row.weight for row in rows])[0]


def write_thread(program: ProgramText, thread: ThreadText, rows: Sequence[Row]) -> None:
    """1-3 constructs, a fence between two of them half of the time; in a shaped program two
    constructs (one per location round the cycle) and a fence between more often than not."""
    rng = program.rng
    fences = [row for row in rows if row.fence]
    others = [row for row in rows if not row.fence]
    count, fenced = (2, 0.6) if program.shaped else (rng.randint(1, 3), 0.5)
    for number in range(count):
        if thread.ended:
            return
        if number and fences and rng.random() < fenced:
            pick(rng, fences).write(program, thread)
        pick(rng, others).write(program, thread)


# --------------------------------------------------------------------------- the final condition


@dataclass(frozen=True)
class Dialect:
    """How a format spells a register term, a memory term and its connectives."""

    register: Callable[[int, str], str]
    memory: Callable[[str], str]


def final_condition(program: ProgramText, dialect: Dialect) -> tuple[str, str]:
    """A random final condition over the observed terms, and the `locations [...]` line that
    makes herd print every observed register and location in its states."""
    rng = program.rng
    registers = [
        dialect.register(thread.index, register)
        for thread in program.threads
        for register in thread.observed
    ]
    memory = [dialect.memory(location) for location in program.locations]
    terms = registers + memory
    values = sorted(program.written | {program.next_value + 1})
    chosen = rng.sample(terms, k=min(len(terms), rng.randint(1, 3)))
    atoms = [f"{term}={rng.choice(values)}" for term in chosen]
    disjunction = len(atoms) > 1 and rng.random() < 0.2
    body = (" \\/ " if disjunction else " /\\ ").join(atoms)
    if rng.random() < 0.1:
        body = f"~({body})"
    quantifier = rng.choices(["exists", "~exists", "forall"], weights=[6, 2, 2])[0]
    locations = f"locations [{'; '.join(terms)};]"
    return locations, f"{quantifier} ({body})"


# --------------------------------------------------------------------------- seeds


def run_seed() -> int:
    """The seed of this run: $RINGLITMUS_DIFF_SEED, else one derived from the git commit (so
    each commit explores new programs and a failure names a seed that reproduces it)."""
    value = os.environ.get(SEED_VARIABLE)
    if value:
        return int(value, 0)
    commit = _git_head()
    return int.from_bytes(hashlib.sha256(commit.encode()).digest()[:4], "big")


def _git_head() -> str:
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            cwd=Path(__file__).parent,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "no-git"
    return completed.stdout.strip() or "no-git"


@dataclass(frozen=True)
class Budget:
    """How big a program may be. herd7's time grows steeply with a program's memory accesses
    and atomics: past 6 and 2 a few programs in a hundred take herd minutes."""

    accesses: int = 6
    atomics: int = 2


QUICK = Budget(accesses=5, atomics=2)
LONG = Budget(accesses=6, atomics=2)

Build = Callable[[int, int, random.Random], tuple[ProgramText, str]]


def within_budget(
    seed: int,
    model: str,
    index: int,
    budget: Budget,
    build: Build,
    size: Callable[[list[ThreadText]], tuple[int, int]],
) -> str:
    """Program `index` of run `seed`: the first draw (from a source of its own, so one program
    is reproducible alone) within the budget."""
    for attempt in range(1000):
        rng = random.Random(f"{seed}:{model}:{index}:{attempt}")
        program, text = build(seed, index, rng)
        accesses, atomics = size(program.threads)
        if accesses <= budget.accesses and atomics <= budget.atomics:
            return text
    raise AssertionError(f"no program of run {seed} index {index} fits the budget")


def render_table(threads: Sequence[ThreadText], terminator: str = ";") -> list[str]:
    """herd's instruction table: one column per thread, rows padded with empty cells."""
    height = max(len(thread.lines) for thread in threads)
    columns = [
        [f"P{thread.index}", *thread.lines, *[""] * (height - len(thread.lines))]
        for thread in threads
    ]
    widths = [max(len(cell) for cell in column) for column in columns]
    rows = []
    for row in range(height + 1):
        cells = [column[row].ljust(width) for column, width in zip(columns, widths, strict=True)]
        rows.append(" " + " | ".join(cells) + f" {terminator}")
    return rows


def litmus_text(header: str, program: ProgramText, dialect: Dialect) -> str:
    """A herd assembly test (AArch64, X86): header, init, the thread table, the condition."""
    locations, condition = final_condition(program, dialect)
    init = " ".join(f"{entry};" for thread in program.threads for entry in thread.init)
    lines = [header, "{", init, "}", *render_table(program.threads), locations, condition, ""]
    return "\n".join(lines)
