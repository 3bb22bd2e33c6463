"""Shared helpers for the ring-DSL tests: parse snippets, pick threads, expect errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ringlitmus import ir
from ringlitmus.errors import LitmusError
from ringlitmus.frontends.ring import parse_ring

LITMUS = Path(__file__).resolve().parents[1] / "litmus"
# herd-format files (litmus/regressions/: `C NAME` on the first line) are not the ring DSL's.
_HERD_HEADER = re.compile(r"(AArch64|X86|C) \S+\n")
LITMUS_FILES = sorted(
    path for path in LITMUS.rglob("*.litmus") if not _HERD_HEADER.match(path.read_text())
)

R, C, A = ir.Reg, ir.Const, ir.Address
PLAIN, ACQUIRE, ACQUIRE_PC, RELEASE = (
    ir.Ordering.PLAIN,
    ir.Ordering.ACQUIRE,
    ir.Ordering.ACQUIRE_PC,
    ir.Ordering.RELEASE,
)
DECLARATIONS = "x = 0; y = 0\narray ring[4] = 0\nconst DIRTY = 1\n"


def parse(text: str, defines: dict[str, int] | None = None, file: str = "t.litmus") -> ir.Test:
    return parse_ring(text, file, defines)


def code(body: str, prefix: str = DECLARATIONS, variant: int = 0) -> tuple[ir.Instruction, ...]:
    """The instructions of thread P0 whose block is `body`."""
    test = parse(f"{prefix}thread P0 {{\n{body}\n}}\n")
    return test.variants[variant].program.threads[0].instructions


def thread(test: ir.Test, name: str, variant: str = "default") -> ir.Thread:
    return next(t for t in test.variant(variant).program.threads if t.name == name)


def raises(
    error: type[LitmusError], text: str, line: int, column: int, **kw: object
) -> LitmusError:
    """Parse `text`, expecting `error` at line:column; returns it for further checks."""
    with pytest.raises(error) as caught:
        parse(text, **kw)  # type: ignore[arg-type]
    assert caught.type is error, f"{caught.type.__name__}: {caught.value}"
    assert caught.value.span is not None, caught.value
    assert (caught.value.span.line, caught.value.span.column) == (line, column), caught.value
    return caught.value
