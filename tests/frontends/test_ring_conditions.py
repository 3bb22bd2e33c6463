"""Arithmetic in the ring DSL's outcome conditions (issue 20): C's operators and precedence
among values, comparisons loosest; herd's conditions have none, so the export refuses them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from herd7 import require_herd7
from ring_helpers import parse, raises

from ringlitmus import ir
from ringlitmus.cli import ExitCode, main
from ringlitmus.errors import UnsupportedInstructionError
from ringlitmus.frontends import parse_file
from ringlitmus.models import models_for
from ringlitmus.outcomes import CheckOptions, check_test

DATA = Path(__file__).resolve().parents[1] / "data" / "condition-arithmetic"
FILES = sorted(DATA.glob("*.litmus"))
SEQ = "seq = 0; data = 0\nthread Reader { s0 = load seq; d = load data }\n"
S0, D, SEQ_CELL = (
    ir.FinalRegister("Reader", "s0"),
    ir.FinalRegister("Reader", "d"),
    ir.FinalLocation("seq"),
)


def arithmetic(op: ir.ArithOp | ir.ShiftOp, left: ir.Term, right: ir.Term) -> ir.Term:
    return ir.FinalArithmetic(op, left, right)


def left_side(condition: str) -> ir.Term:
    """The left of the comparison `condition` parses to."""
    compare = parse(f"{SEQ}allowed a: {condition}\n").outcomes[0].condition
    assert isinstance(compare, ir.Compare)
    return compare.left


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_every_expectation_holds_under_every_model(path: Path) -> None:
    test = parse_file(str(path))
    for model in models_for(test.format):
        for variant in check_test(test, CheckOptions(model=model)).variants:
            assert all(outcome.ok for outcome in variant.outcomes), (model, variant)


def test_c_precedence_among_values() -> None:
    plus, times = ir.ArithOp.ADD, ir.ArithOp.MUL
    two, three = ir.Const(2), ir.Const(3)
    assert left_side("Reader.s0 + 2 * 3 == 7") == arithmetic(
        plus, S0, arithmetic(times, two, three)
    )
    assert left_side("(Reader.s0 + 2) * 3 == 7") == arithmetic(
        times, arithmetic(plus, S0, two), three
    )
    # | below ^ below & below shifts below + below * and %, each left-associative.
    assert left_side("Reader.s0 | Reader.d ^ seq & 1 << 2 == 1") == arithmetic(
        ir.ArithOp.OR,
        S0,
        arithmetic(
            ir.ArithOp.XOR,
            D,
            arithmetic(ir.ArithOp.AND, SEQ_CELL, arithmetic(ir.ShiftOp.LEFT, ir.Const(1), two)),
        ),
    )
    assert left_side("Reader.s0 - Reader.d - 1 == 0") == arithmetic(
        ir.ArithOp.SUB, arithmetic(ir.ArithOp.SUB, S0, D), ir.Const(1)
    )
    assert left_side("Reader.s0 % 2 >> 1 == 0") == arithmetic(
        ir.ShiftOp.RIGHT, arithmetic(ir.ArithOp.MOD, S0, two), ir.Const(1)
    )  # fmt: skip


def test_a_shift_in_a_condition_is_by_a_constant() -> None:
    error = raises(UnsupportedInstructionError, f"{SEQ}allowed a: seq << Reader.d == 0\n", 3, 12)
    assert "by a constant" in error.message


def test_export_refuses_arithmetic_with_exit_2() -> None:
    result = CliRunner().invoke(main, ["export", "--to", "herd", str(FILES[0])])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "herd's final conditions have no arithmetic" in result.stderr
    assert "seqcount.litmus:" in result.stderr


def test_herd7_reads_no_arithmetic_in_a_condition(tmp_path: Path) -> None:
    # Why the export refuses: herd7 itself rejects `exists (0:X0+1=1)` (herd7 7.58: "unexpected
    # '+' (in final)"), and a location's final value is not something the threads can compute.
    import subprocess

    herd7 = require_herd7()
    source = tmp_path / "arith.litmus"
    source.write_text("AArch64 arith\n{ x=0; 0:X1=x; }\n P0 ;\n LDR X0,[X1] ;\nexists (0:X0+1=1)\n")
    completed = subprocess.run(
        [str(herd7), str(source)], capture_output=True, text=True, timeout=60, check=False
    )
    output = completed.stdout + completed.stderr
    assert "Observation" not in output and "in final" in output
