"""Collect the pieces of a parsed herd AArch64 test and assemble them into an ir.Test."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ringlitmus import ir
from ringlitmus.errors import (
    BadExpectationError,
    DuplicateNameError,
    DuplicateThreadError,
    LitmusSyntaxError,
    Span,
    UnknownNameError,
)
from ringlitmus.frontends.aarch64_instructions import translate_instruction
from ringlitmus.frontends.aarch64_operands import WrittenInstruction
from ringlitmus.frontends.build import LocationTable, check_branches, check_unique

Cell = tuple[ir.Label | WrittenInstruction, ...]

_THREAD_NAME = re.compile(r"P(\d+)")
EXPECTATION_KEY = "Expected"
_STATUSES = {
    ir.OutcomeKind.ALLOWED: {
        "allowed": ir.Reachability.REACHABLE,
        "forbidden": ir.Reachability.UNREACHABLE,
    },
    ir.OutcomeKind.REQUIRED: {
        "allowed": ir.Reachability.REACHABLE,
        "required": ir.Reachability.UNREACHABLE,
    },
}
_STATUSES[ir.OutcomeKind.FORBIDDEN] = _STATUSES[ir.OutcomeKind.ALLOWED]
# herd's kinds.txt spells them both ways.
_SPELLINGS = {"allow": "allowed", "forbid": "forbidden", "require": "required"}


@dataclass
class AArch64Parts:
    """What the transformer collects from one file, before it becomes an ir.Test."""

    file: str
    name: str = ""
    span: Span | None = None
    doc: str | None = None
    metadata: list[tuple[str, str, Span | None]] = field(default_factory=list)
    locations: LocationTable = field(default_factory=LocationTable)
    registers: list[tuple[int, str, ir.Expr, Span | None]] = field(default_factory=list)
    threads: list[tuple[str, Span | None]] = field(default_factory=list)
    rows: list[tuple[tuple[Cell, ...], Span | None]] = field(default_factory=list)
    observed: list[ir.Term] = field(default_factory=list)
    filter: ir.Condition | None = None
    final: tuple[ir.OutcomeKind, ir.Condition, Span | None] | None = None
    final_threads: list[tuple[str, Span | None]] = field(default_factory=list)


def assemble_test(parts: AArch64Parts) -> ir.Test:
    """The ir.Test: one variant `default`, one outcome named after the test."""
    assert parts.final is not None, "the grammar requires a final condition"
    threads = _threads(parts)
    names = {thread.name for thread in threads}
    for thread, span in parts.final_threads:
        if thread not in names:
            raise UnknownNameError(f"no thread {thread} in this test", span)
    kind, condition, final_span = parts.final
    outcome = ir.Outcome(parts.name, kind, condition, final_span)
    program = ir.Program(threads, parts.locations.declarations())
    return ir.Test(
        file=parts.file,
        name=parts.name,
        format=ir.Format.AARCH64,
        variants=(ir.Variant("default", program, parts.span),),
        outcomes=(outcome,),
        expectations=_expectations(parts, kind),
        observed=tuple(parts.observed),
        filter=parts.filter,
        doc=parts.doc,
        metadata=tuple((key, value) for key, value, _ in parts.metadata),
        span=parts.span,
    )


def _threads(parts: AArch64Parts) -> tuple[ir.Thread, ...]:
    """One Thread per column of the table, with its initial registers."""
    for name, span in parts.threads:
        if not _THREAD_NAME.fullmatch(name):
            raise LitmusSyntaxError(f"thread '{name}' should be named P0, P1, ...", span)
    check_unique(parts.threads, DuplicateThreadError, "thread")
    columns: list[list[ir.Instruction]] = [[] for _ in parts.threads]
    for cells, span in parts.rows:
        if len(cells) != len(columns):
            raise LitmusSyntaxError(
                f"this row has {len(cells)} columns but the test has {len(columns)} threads", span
            )
        for column, cell in zip(columns, cells, strict=True):
            for item in cell:
                if isinstance(item, ir.Label):
                    column.append(item)
                else:
                    column.extend(translate_instruction(item))
    registers = _registers(parts)
    threads = []
    for (name, span), column in zip(parts.threads, columns, strict=True):
        check_branches(name, column)
        initial = tuple((register, value) for register, value, _ in registers.pop(name, []))
        threads.append(ir.Thread(name, tuple(column), initial, span=span))
    for name, entries in registers.items():
        raise UnknownNameError(f"no thread {name} in this test", entries[0][2])
    return tuple(threads)


def _registers(parts: AArch64Parts) -> dict[str, list[tuple[str, ir.Expr, Span | None]]]:
    """Initial register values by thread name, each register set at most once."""
    by_thread: dict[str, list[tuple[str, ir.Expr, Span | None]]] = {}
    for index, register, value, span in parts.registers:
        by_thread.setdefault(f"P{index}", []).append((register, value, span))
    for name, entries in by_thread.items():
        check_unique(
            ((register, span) for register, _, span in entries),
            DuplicateNameError,
            f"initial value of a {name} register",
        )
    return by_thread


def _expectations(parts: AArch64Parts, kind: ir.OutcomeKind) -> tuple[ir.Expectation, ...]:
    """The `Expected=...` metadata line as an Expectation on the one outcome.

    `exists P` and `~exists P`: Allowed means P is reachable, Forbidden that it is not.
    `forall P`: the expectation is about a counterexample, an execution where P fails:
    Allowed means one is reachable, Required that none is (so P holds in every execution).
    """
    expectations = []
    for key, value, span in parts.metadata:
        if key.lower() != EXPECTATION_KEY.lower():
            continue
        word = value.lower()
        status = _STATUSES[kind].get(_SPELLINGS.get(word, word))
        if status is None:
            choices = " or ".join(word.capitalize() for word in _STATUSES[kind])
            raise BadExpectationError(
                f"'{value}' cannot be expected of a test whose final condition is "
                f"{kind.value}; write {EXPECTATION_KEY}={choices}",
                span,
            )
        expectations.append(ir.Expectation("default", parts.name, status, span))
    return tuple(expectations)
