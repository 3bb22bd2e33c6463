"""Results, reports and consoles built by hand for report and CLI tests: no parsing, no solving."""

from __future__ import annotations

import io

from rich.console import Console

from ringlitmus import ir
from ringlitmus.encode.solver import Verdict
from ringlitmus.outcomes import OutcomeResult

SEED_FILE = "litmus/kvm-dirty-ring/seed.litmus"
WITNESS = {"CPU1.harvested": 2, "CPU1.slot": 0, "gfn2.flags": 0, "gfn2.slot": 1}
EXECUTION = {
    "rf": [
        "CPU0:W gfn2.flags=2 -rf-> CPU1:R gfn2.flags=2",
        "init:W gfn2.slot=0 -rf-> CPU1:R gfn2.slot=0",
    ],
    "co": [
        "gfn2.flags: init:0 -co-> CPU2:1 -co-> CPU0:2 -co-> CPU1:0",
        "gfn2.slot: init:0 -co-> CPU2:1",
    ],
}


def outcome(
    status: Verdict,
    expected: ir.Reachability | None,
    ok: bool | None,
    *,
    name: str = "lost_page",
    kind: ir.OutcomeKind = ir.OutcomeKind.FORBIDDEN,
    always: Verdict | None = None,
    reason: str | None = None,
) -> OutcomeResult:
    """An OutcomeResult; reachable ones carry the seed's witness and execution."""
    reachable = status is Verdict.REACHABLE
    return OutcomeResult(
        name=name,
        kind=kind,
        status=status,
        expected=expected,
        ok=ok,
        witness=dict(WITNESS) if reachable else None,
        execution=dict(EXECUTION) if reachable else None,
        reason=reason,
        always=always,
    )


def make_console() -> Console:
    """A fixed-width console without colour that writes to memory."""
    return Console(file=io.StringIO(), width=100, color_system=None, highlight=False)


def console_text(console: Console) -> str:
    """What `console` has printed so far."""
    file = console.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


def mp_test(kind: ir.OutcomeKind = ir.OutcomeKind.ALLOWED) -> ir.Test:
    """herd's MP as IR: `exists (1:X0=1 /\\ 1:X2=0)`, with `locations [x;]`."""
    condition = ir.BoolOp(
        ir.BoolOpKind.AND,
        (
            ir.Compare(ir.CmpOp.EQ, ir.FinalRegister("P1", "X0"), ir.Const(1)),
            ir.Compare(ir.CmpOp.EQ, ir.FinalRegister("P1", "X2"), ir.Const(0)),
        ),
    )
    program = ir.Program(
        threads=(ir.Thread("P0", ()), ir.Thread("P1", ())),
        locations=(ir.LocationDecl("x"), ir.LocationDecl("y")),
    )
    return ir.Test(
        file="MP.litmus",
        name="MP",
        format=ir.Format.AARCH64,
        variants=(ir.Variant("default", program),),
        outcomes=(ir.Outcome("MP", kind, condition),),
        observed=(ir.FinalLocation("x"),),
    )


MP_STATES = tuple({"1:X0": x0, "1:X2": x2, "x": 1, "y": 1} for x0 in (1, 0) for x2 in (0, 1))
