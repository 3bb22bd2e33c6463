"""Final states and conditions printed as herd7 prints them (reports/herd_states.py).

The orders asserted here are herd7 7.58's, read off its output on small tests (registers by
thread then register, X86 registers in EAX EBX ECX EDX ESI EDI order, C registers and memory
cells as strings, `x10` before `x9`).
"""

from __future__ import annotations

import dataclasses

from result_builders import MP_STATES, mp_test

from ringlitmus import ir
from ringlitmus.reports.herd_states import format_condition, herd_states

AND, OR, NOT = ir.BoolOpKind.AND, ir.BoolOpKind.OR, ir.BoolOpKind.NOT
TRUE = ir.Truth()


def _eq(left: ir.Term, right: ir.Term | int) -> ir.Compare:
    return ir.Compare(ir.CmpOp.EQ, left, ir.Const(right) if isinstance(right, int) else right)


def _test(
    test_format: ir.Format,
    locations: tuple[ir.LocationDecl, ...] = (),
    threads: tuple[ir.Thread, ...] = (),
) -> ir.Test:
    program = ir.Program(threads, locations)
    return ir.Test("T.litmus", "T", test_format, (ir.Variant("default", program),), ())


def test_format_condition_uses_herd_syntax() -> None:
    test = mp_test()
    x0, x = ir.FinalRegister("P0", "X0"), ir.FinalLocation("x")
    condition = ir.BoolOp(
        AND,
        (
            _eq(x0, 1),
            ir.BoolOp(NOT, (_eq(x, 2),)),
            ir.BoolOp(OR, (_eq(x, 1), ir.Compare(ir.CmpOp.NE, x0, ir.Const(3)))),
        ),
    )
    assert format_condition(test, condition) == (
        "0:X0=1 /\\ not ([x]=2) /\\ ([x]=1 \\/ not (0:X0=3))"
    )
    assert format_condition(test, TRUE) == "true"


def test_format_condition_brackets_only_a_disjunction_in_a_conjunction() -> None:
    """herd's printer (constrGen.ml, pp_prop): `(a /\\ b) /\\ c` prints flat, and so does a
    conjunction inside a disjunction; a conjunction under `not` is printed bare in its
    parentheses."""
    test = mp_test()
    a, b, c = (_eq(ir.FinalRegister("P0", register), 1) for register in ("X0", "X1", "X2"))
    nested = ir.BoolOp(AND, (ir.BoolOp(AND, (a, b)), c))
    assert format_condition(test, nested) == "0:X0=1 /\\ 0:X1=1 /\\ 0:X2=1"
    either = ir.BoolOp(OR, (ir.BoolOp(AND, (a, b)), c))
    assert format_condition(test, either) == "0:X0=1 /\\ 0:X1=1 \\/ 0:X2=1"
    negated = ir.BoolOp(NOT, (ir.BoolOp(AND, (a, b)),))
    assert format_condition(test, negated) == "not (0:X0=1 /\\ 0:X1=1)"


def test_format_condition_prints_a_pointer_as_its_location() -> None:
    test = _test(ir.Format.C, (ir.LocationDecl("x"),))
    condition = _eq(ir.FinalLocation("x"), ir.Address("x"))
    assert format_condition(test, condition) == "[x]=x"


def test_ring_registers_keep_thread_names() -> None:
    test = ir.Test("seed.litmus", "seed", ir.Format.RING, (), ())
    condition = _eq(ir.FinalRegister("CPU1", "slot"), 0)
    assert format_condition(test, condition) == "CPU1.slot=0"


def test_herd_states_project_sort_and_deduplicate() -> None:
    test = mp_test()
    terms = [ir.FinalLocation("x"), ir.FinalRegister("P1", "X2"), ir.FinalRegister("P1", "X0")]
    states = herd_states(test, "default", TRUE, terms, MP_STATES)
    assert states.lines == (
        "1:X0=0; 1:X2=0; [x]=1;",
        "1:X0=0; 1:X2=1; [x]=1;",
        "1:X0=1; 1:X2=0; [x]=1;",
        "1:X0=1; 1:X2=1; [x]=1;",
    )
    assert herd_states(test, "default", TRUE, [ir.FinalLocation("y")], MP_STATES).lines == (
        "[y]=1;",
    )


def test_herd_states_count_the_lines_satisfying_the_condition() -> None:
    test = mp_test()
    condition = _eq(ir.FinalRegister("P1", "X0"), 1)
    states = herd_states(test, "default", condition, [], MP_STATES)
    assert states.lines == ("1:X0=0;", "1:X0=1;")
    assert (states.positive, states.negative) == (1, 1)
    never = herd_states(test, "default", _eq(ir.FinalRegister("P1", "X0"), 7), [], MP_STATES)
    assert (never.positive, never.negative) == (0, 2)


def test_aarch64_registers_order_by_number() -> None:
    test = mp_test()
    terms = [
        ir.FinalRegister("P10", "X1"),
        ir.FinalRegister("P2", "X10"),
        ir.FinalRegister("P2", "X9"),
    ]
    state = {"10:X1": 1, "2:X10": 2, "2:X9": 3}
    assert herd_states(test, "default", TRUE, terms, [state]).lines == (
        "2:X9=3; 2:X10=2; 10:X1=1;",
    )


def test_x86_registers_order_as_herd_declares_them() -> None:
    test = _test(ir.Format.X86, (ir.LocationDecl("x"),))
    terms = [ir.FinalLocation("x"), *(ir.FinalRegister("P0", r) for r in ("EDI", "ESI", "EAX"))]
    state = {"0:EDI": 1, "0:ESI": 2, "0:EAX": 3, "x": 1}
    assert herd_states(test, "default", TRUE, terms, [state]).lines == (
        "0:EAX=3; 0:ESI=2; 0:EDI=1; [x]=1;",
    )


def test_c_registers_and_memory_order_as_strings() -> None:
    locations = tuple(ir.LocationDecl(name) for name in ("x9", "x10", "b"))
    test = _test(ir.Format.C, locations)
    terms = [
        *(ir.FinalLocation(name) for name in ("x9", "x10", "b")),
        *(ir.FinalRegister("P0", register) for register in ("r9", "r10", "ra")),
    ]
    state = {"x9": 1, "x10": 1, "b": 1, "0:r9": 1, "0:r10": 1, "0:ra": 1}
    assert herd_states(test, "default", TRUE, terms, [state]).lines == (
        "0:r10=1; 0:r9=1; 0:ra=1; [b]=1; [x10]=1; [x9]=1;",
    )


def test_pointer_values_print_as_location_names() -> None:
    """`int *p = &a;`: a value that is a location's address prints as the location's name,
    and a condition comparing with an address is judged against that address."""
    locations = (ir.LocationDecl("a"), ir.LocationDecl("p", (ir.Address("a"),)))
    test = _test(ir.Format.C, locations)
    a_address = 0x1000
    state = {"p": a_address, "a": 0}
    condition = _eq(ir.FinalLocation("p"), ir.Address("a"))
    states = herd_states(test, "default", condition, [ir.FinalLocation("a")], [state])
    assert states.lines == ("[a]=0; [p]=a;",)
    assert (states.positive, states.negative) == (1, 0)


def test_integers_print_as_integers_when_no_address_is_stored() -> None:
    """A test that never puts an address into a register or memory has no pointer values:
    4096 stays 4096 even where a location's address happens to be 4096."""
    test = _test(ir.Format.C, (ir.LocationDecl("x"),))
    state = {"x": 0x1000}
    assert herd_states(test, "default", TRUE, [ir.FinalLocation("x")], [state]).lines == (
        "[x]=4096;",
    )
    stored = ir.Thread("P0", (ir.Store(ir.Address("x"), ir.Address("x")),))
    pointing = dataclasses.replace(
        test, variants=(ir.Variant("default", ir.Program((stored,), (ir.LocationDecl("x"),))),)
    )
    assert herd_states(pointing, "default", TRUE, [ir.FinalLocation("x")], [state]).lines == (
        "[x]=x;",
    )
