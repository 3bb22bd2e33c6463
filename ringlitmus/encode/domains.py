"""Value-set analysis: the finite set of values each read can return, computed before any Z3.

A read returns the value of some write to the same cell, so its values are contained in the
union of the values its candidate writes can write. Iterating that to a fixpoint gives a sound
over-approximation; when a set grows past a bound (LDADD in a loop, arithmetic on loaded
values) the read's domain is unknown (None). Known domains let bitwise operations be encoded as
linear-arithmetic case splits instead of bit-vector conversions, which Z3 handles far worse.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import product

from ringlitmus.deadline import Deadline, Phase, paced
from ringlitmus.ir import ArithOp
from ringlitmus.semantics import Event, EventKind, EventStructure
from ringlitmus.symbolic import Arith, Ite, ReadValue, Value, apply_arith

Domain = frozenset[int] | None

# Past this many values a domain is treated as unknown: case splits would cost more than BVs.
MAX_DOMAIN = 64
_MAX_ROUNDS = 16


class WritesByCell:
    """Writes grouped by the cell they write, so that only pairs that may alias are tried:
    without it, rf, co and fr are quadratic in the number of events of the whole program."""

    def __init__(self, writes: list[Event]) -> None:
        self.every = writes
        self._at: dict[int, list[Event]] = defaultdict(list)
        self._anywhere: list[Event] = []
        for write in writes:
            if isinstance(write.address, int):
                self._at[write.address].append(write)
            else:
                self._anywhere.append(write)

    def at(self, address: Value) -> list[Event]:
        """The writes that may write `address` (a constant or symbolic), in event order."""
        if not isinstance(address, int):
            return self.every
        if not self._anywhere:
            return self._at.get(address, [])
        return sorted(self._at.get(address, []) + self._anywhere, key=lambda write: write.id)


def read_domains(
    structure: EventStructure, cells: WritesByCell, deadline: Deadline | None = None
) -> dict[int, Domain]:
    """For every read event, the values it may return (None: not bounded); past `deadline`,
    CheckTimeoutError."""
    events = structure.events
    candidates = {
        event.id: cells.at(event.address) for event in events if event.kind is EventKind.READ
    }
    domains: dict[int, Domain] = {read: frozenset() for read in candidates}
    for _ in range(_MAX_ROUNDS):
        changed = False
        for read, writes in paced(candidates.items(), deadline, Phase.ENCODING, every=64):
            if domains[read] is None:
                continue
            new = _union_of(value_set(write.value, domains) for write in writes)
            if new != domains[read]:
                domains[read] = new
                changed = True
        if not changed:
            return domains
    # No fixpoint within the bound: the values keep growing, so they are not bounded.
    return dict.fromkeys(candidates)


def value_set(value: Value, domains: dict[int, Domain]) -> Domain:
    """The values `value` can take when every read stays within its domain."""
    if isinstance(value, int):
        return frozenset((value,))
    if isinstance(value, ReadValue):
        return domains.get(value.event)
    if isinstance(value, Ite):
        then, otherwise = value_set(value.then, domains), value_set(value.otherwise, domains)
        if then is None or otherwise is None:
            return None
        return _bounded(then | otherwise)
    assert isinstance(value, Arith)
    left, right = value_set(value.left, domains), value_set(value.right, domains)
    if left is None or right is None or len(left) * len(right) > MAX_DOMAIN * MAX_DOMAIN:
        return None
    if value.op is ArithOp.AND and any(v < 0 for v in left) and any(v < 0 for v in right):
        return None  # no non-negative mask: the 64-bit result is not Python's
    return _bounded(frozenset(apply_arith(value.op, a, b) for a, b in product(left, right)))


def _union_of(sets: Iterable[Domain]) -> Domain:
    values: set[int] = set()
    for domain in sets:
        if domain is None:
            return None
        values |= domain
        if len(values) > MAX_DOMAIN:
            return None
    return frozenset(values)


def _bounded(values: frozenset[int]) -> Domain:
    return values if len(values) <= MAX_DOMAIN else None
