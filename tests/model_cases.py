"""Programs, conditions and verdicts for the model tests in tests/models/: small builders.

A `Case` is a program over locations x, y, z, a condition and the verdict the model's
published text gives it; each model's test module lists its cases and checks them with both
the Z3 encoder and the brute-force enumerator.
"""

from __future__ import annotations

from dataclasses import dataclass

from oracle.enumerate import is_reachable

from ringlitmus import ir
from ringlitmus.ir import (
    Address,
    ArithOp,
    BinOp,
    BoolOp,
    BoolOpKind,
    CmpOp,
    Compare,
    Const,
    FenceKind,
    Ordering,
    Reg,
    RmwOp,
)
from ringlitmus.models import MODELS
from ringlitmus.outcomes import CheckOptions, check_test

REACHABLE, UNREACHABLE = ir.Reachability.REACHABLE, ir.Reachability.UNREACHABLE
PLAIN, ACQ, ACQ_PC, REL = Ordering.PLAIN, Ordering.ACQUIRE, Ordering.ACQUIRE_PC, Ordering.RELEASE

# --------------------------------------------------------------------------- program helpers


def load(dest: str | None, location: str | ir.Expr, ordering: Ordering = PLAIN) -> ir.Load:
    address = Address(location) if isinstance(location, str) else location
    return ir.Load(dest, address, ordering)


def store(location: str | ir.Expr, value: int | ir.Expr, ordering: Ordering = PLAIN) -> ir.Store:
    address = Address(location) if isinstance(location, str) else location
    return ir.Store(address, Const(value) if isinstance(value, int) else value, ordering)


def fence(kind: FenceKind) -> ir.Fence:
    return ir.Fence(kind)


def fake(register: str, into: str = "r9") -> ir.Assign:
    """`into = register ^ register`: always 0, but dependent on `register`."""
    return ir.Assign(into, BinOp(ArithOp.XOR, Reg(register), Reg(register)))


def at(location: str, offset: str = "r9") -> BinOp:
    """`location + offset`: an address that depends on `offset`."""
    return BinOp(ArithOp.ADD, Address(location), Reg(offset))


def plus(register: str, value: int) -> BinOp:
    return BinOp(ArithOp.ADD, Reg(register), Const(value))


def rmw(
    op: RmwOp,
    dest: str | None,
    location: str,
    operand: int,
    *,
    acquire: bool = False,
    release: bool = False,
    expected: int | None = None,
) -> ir.Rmw:
    return ir.Rmw(
        op,
        dest,
        Address(location),
        Const(operand),
        None if expected is None else Const(expected),
        acquire=acquire,
        release=release,
    )


def exclusive(dest: str, status: str, location: str, value: ir.Expr) -> tuple[ir.Load, ir.Store]:
    return (
        ir.Load(dest, Address(location), exclusive=True),
        ir.Store(Address(location), value, exclusive=True, status=status),
    )


def branch_on(register: str, value: int, label: str = "L") -> ir.Branch:
    """Branch to `label` when `register == value`: a control dependency either way."""
    return ir.Branch(Compare(CmpOp.EQ, Reg(register), Const(value)), label)


def pick(dest: str, register: str, value: int) -> ir.Select:
    """`dest = register == 1 ? value : value`: a constant, pick-dependent on `register` only."""
    return ir.Select(dest, Compare(CmpOp.EQ, Reg(register), Const(1)), Const(value), Const(value))


# --------------------------------------------------------------------------- conditions


def reg(thread: int, register: str, value: int) -> Compare:
    return Compare(CmpOp.EQ, ir.FinalRegister(f"P{thread}", register), Const(value))


def mem(cell: str, value: int) -> Compare:
    return Compare(CmpOp.EQ, ir.FinalLocation(cell), Const(value))


def every(*conditions: ir.Condition) -> BoolOp:
    return BoolOp(BoolOpKind.AND, conditions)


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    """A program, its condition, and herd's verdict on it."""

    name: str
    threads: tuple[tuple[ir.Instruction, ...], ...]
    condition: ir.Condition
    expected: ir.Reachability

    def test(self) -> ir.Test:
        program = ir.Program(
            threads=tuple(
                ir.Thread(f"P{index}", tuple(code)) for index, code in enumerate(self.threads)
            ),
            locations=tuple(ir.LocationDecl(name) for name in ("x", "y", "z")),
        )
        return ir.Test(
            file=f"<{self.name}>",
            name=self.name,
            format=ir.Format.RING,
            variants=(ir.Variant("default", program),),
            outcomes=(ir.Outcome("claim", ir.OutcomeKind.ALLOWED, self.condition),),
            expectations=(ir.Expectation("default", "claim", self.expected),),
        )


def case(name: str, expected: ir.Reachability, condition: ir.Condition, *threads) -> Case:  # type: ignore[no-untyped-def]
    return Case(name, tuple(tuple(thread) for thread in threads), condition, expected)


# --------------------------------------------------------------------------- the two checks


def assert_encoder_verdict(case: Case, model: str) -> None:
    """The Z3 encoding under `model` gives the case's verdict (and judges it as met)."""
    (variant,) = check_test(case.test(), CheckOptions(model=model)).variants
    (outcome,) = variant.outcomes
    assert outcome.status.value == case.expected.value
    assert outcome.ok is True


def assert_enumerator_verdict(case: Case, model: str) -> None:
    """The brute-force enumerator under `model` gives the case's verdict."""
    reachable = is_reachable(case.test(), case.condition, model=MODELS[model])
    assert (REACHABLE if reachable else UNREACHABLE) is case.expected
