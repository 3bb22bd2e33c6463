"""A file's time limit (`--timeout`), checked where the work grows, and the phase it ran out in.

One `Deadline` is started when a file's check starts and is handed down explicitly through
every stage: parsing, symbolic execution, the execution and relation encodings, asserting and
solving. Each stage calls `check(phase)` at the top of the loops whose work grows with the
test; past the deadline that raises `CheckTimeoutError`, naming the phase, which the driver
turns into unknown results ("timeout after 5 s while building relations"). A timeout is never
a verdict. The clock is monotonic and can be replaced (tests use a fake one).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from typing import TypeVar


class Phase(Enum):
    """Where a check spends its time, in the words of a timeout's reason."""

    PARSING = "parsing"
    EXPANDING = "expanding loops and procedure calls"
    WAITING = "waiting to be checked"  # a variant the time ran out before
    SYMBOLIC_EXECUTION = "executing the threads symbolically"
    ENCODING = "encoding the executions"
    RELATIONS = "building relations"
    ASSERTING = "asserting the constraints"
    SOLVING = "solving"


class CheckTimeoutError(Exception):
    """The file's time limit passed during `phase`: what is left of its check is unknown."""

    def __init__(self, limit_s: float, phase: Phase) -> None:
        super().__init__(timeout_reason(limit_s, phase))
        self.limit_s = limit_s
        self.phase = phase

    def __reduce__(self) -> tuple[type[CheckTimeoutError], tuple[float, Phase]]:
        return type(self), (self.limit_s, self.phase)

    @property
    def reason(self) -> str:
        """What a result left unknown by this timeout says."""
        return timeout_reason(self.limit_s, self.phase)


def timeout_reason(limit_s: float, phase: Phase) -> str:
    """`timeout after 5 s while building relations`."""
    return f"timeout after {limit_s:g} s while {phase.value}"


class Deadline:
    """A limit of `limit_s` seconds from now on `clock` (seconds, monotonic)."""

    def __init__(self, limit_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit_s = limit_s
        self.clock = clock
        self.ends = clock() + limit_s

    def remaining(self) -> float:
        """Seconds left, never below 0."""
        return max(0.0, self.ends - self.clock())

    def expired(self) -> bool:
        """Whether the limit has passed."""
        return self.clock() >= self.ends

    def check(self, phase: Phase) -> None:
        """Raise CheckTimeoutError (naming `phase`) when the limit has passed."""
        if self.clock() >= self.ends:
            raise CheckTimeoutError(self.limit_s, phase)

    def exceeded(self, phase: Phase) -> CheckTimeoutError:
        """The exception to raise when work in `phase` was stopped at the limit."""
        return CheckTimeoutError(self.limit_s, phase)


def start_deadline(limit_s: float | None) -> Deadline | None:
    """A Deadline of `limit_s` seconds from now, or None for no limit."""
    return None if limit_s is None else Deadline(limit_s)


def check_deadline(deadline: Deadline | None, phase: Phase) -> None:
    """`deadline.check(phase)`, for a stage that may run without one."""
    if deadline is not None:
        deadline.check(phase)


Item = TypeVar("Item")

# How many items of a loop go by between two looks at the clock: a look is ~60 ns, an item
# of the loops that grow (a relation's pairs, constraints) a microsecond or more.
ITEMS_BETWEEN_CHECKS = 1024


def paced(
    items: Iterable[Item],
    deadline: Deadline | None,
    phase: Phase,
    every: int = ITEMS_BETWEEN_CHECKS,
) -> Iterable[Item]:
    """`items`, checking `deadline` every `every` of them (fewer where each item is a loop
    of its own); without a deadline, `items` itself, so a run without `--timeout` pays
    nothing."""
    if deadline is None:
        return items
    return _paced(items, deadline, phase, every)


def _paced(items: Iterable[Item], deadline: Deadline, phase: Phase, every: int) -> Iterator[Item]:
    for count, item in enumerate(items):
        if count % every == 0:
            deadline.check(phase)
        yield item
