"""Which registers a thread may still read at each of its labels.

Where paths join, symbolic execution merges every register that differs between them: an ite
over the incoming values and a union of their dependencies under each path's guard. A register
nothing reads afterwards needs none of that. A ring's loop that reloads `slot` into the same
register at every entry would otherwise merge a value and a dependency set that grow by one
entry per iteration, at every `if` of the loop: quadratic work for a value no one looks at.

A register is live after a label if an instruction after the label reads it, or if the test
observes its final value. Branches only go forward, so "after" in program order covers every
path from the label (a superset of what a path can read, which is the safe direction: a live
register is merged, a dead one is dropped because nothing will ever ask for it).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterator
from dataclasses import fields, is_dataclass

from ringlitmus import ir
from ringlitmus.errors import Span


def live_after_labels(thread: ir.Thread, observed: Collection[str]) -> dict[str, frozenset[str]]:
    """Label name -> the registers an instruction after it reads, plus `observed` (the ones
    the test reads at the end)."""
    live = set(observed)
    current = frozenset(live)
    after: dict[str, frozenset[str]] = {}
    for instruction in reversed(thread.instructions):
        if isinstance(instruction, ir.Label):
            if len(current) != len(live):  # labels in a row share one set
                current = frozenset(live)
            after[instruction.name] = current
        else:
            live.update(registers_read(instruction))
    return after


def registers_read(node: object) -> Iterator[str]:
    """Every register an instruction (or an expression, a condition) reads.

    Registers are read only through `ir.Reg` leaves; a register written is named by a plain
    string (`dest`, `status`). Walking every field, rather than listing them per instruction
    kind, keeps a new instruction's operands from being missed.
    """
    if isinstance(node, ir.Reg):
        yield node.name
    elif isinstance(node, tuple):
        for item in node:
            yield from registers_read(item)
    else:
        for name in _operand_fields(type(node)):
            yield from registers_read(getattr(node, name))


@functools.cache
def _operand_fields(kind: type) -> tuple[str, ...]:
    """The fields of an IR node that may hold an expression: all of a dataclass's but its
    source span; none of a leaf's (a number, a name, an enum member)."""
    if not is_dataclass(kind) or issubclass(kind, Span):
        return ()
    return tuple(field.name for field in fields(kind) if field.name != "span")
