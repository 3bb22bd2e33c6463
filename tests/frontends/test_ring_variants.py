"""The ring DSL -> IR: variants, params and -D, outcomes, quantifiers, expectations."""

from __future__ import annotations

import pytest
from ring_helpers import (
    RELEASE,
    A,
    C,
    parse,
    raises,
    thread,
)

from ringlitmus import ir
from ringlitmus.errors import (
    UnknownRegisterError,
    UsageError,
)

# --------------------------------------------------------------------------- variants and params


def test_a_file_without_variants_has_one_called_default() -> None:
    test = parse("x = 0\nthread P0: store x = 1\n")
    assert [v.name for v in test.variants] == ["default"]


def test_variants_choose_orderings_and_barriers() -> None:
    text = (
        "x = 0; y = 0\nparam order = plain\nparam barrier = none\n"
        "variant weak { }\nvariant strong { order = release; barrier = dmb ishst }\n"
        "thread P0: store x = 1; fence<barrier>; store<order> y = 1\n"
    )
    test = parse(text)
    assert thread(test, "P0", "weak").instructions == (
        ir.Store(A("x"), C(1)),
        ir.Store(A("y"), C(1)),
    )
    assert thread(test, "P0", "strong").instructions == (
        ir.Store(A("x"), C(1)),
        ir.Fence(ir.FenceKind.DMB_ST),
        ir.Store(A("y"), C(1), RELEASE),
    )


def test_defines_override_number_params() -> None:
    text = "param N = 1\nparam M = N + 1\narray a[M] = 5\nthread P0: store a[M-1] = N\n"
    test = parse(text, {"N": 3})
    (array,) = test.variants[0].program.locations
    assert array.is_array and array.initial == (C(5),) * 4 and array.cells[-1] == "a[3]"
    with pytest.raises(UsageError, match="no `param K`"):
        parse(text, {"K": 1})
    with pytest.raises(UsageError, match="const"):
        parse("const N = 1\nx = 0\nthread P0: store x = 1\n", {"N": 2})
    with pytest.raises(UsageError, match="ordering"):
        parse("param o = plain\nx = 0\nthread P0: store<o> x = 1\n", {"o": 2})


# --------------------------------------------------------------------------- outcomes


def test_condition_terms_are_registers_locations_and_constants() -> None:
    text = (
        "x = 0\narray a[2] = 0\nstruct s { f }\nstruct s e[2]\nconst K = 7\n"
        "thread P0: r0 = load x\n"
        "allowed o1: P0.r0 == K || x != 1 && a[1] = 2 || e[1].f == -1 || [e1.f] == 0\n"
        "required o2: true\n"
    )
    test = parse(text)
    o1, o2 = test.outcomes
    assert o2.kind is ir.OutcomeKind.REQUIRED and o2.condition == ir.Truth(True)
    assert o1.condition == ir.BoolOp(
        ir.BoolOpKind.OR,
        (
            ir.Compare(ir.CmpOp.EQ, ir.FinalRegister("P0", "r0"), C(7)),
            ir.BoolOp(
                ir.BoolOpKind.AND,
                (
                    ir.Compare(ir.CmpOp.NE, ir.FinalLocation("x"), C(1)),
                    ir.Compare(ir.CmpOp.EQ, ir.FinalLocation("a[1]"), C(2)),
                ),
            ),
            ir.Compare(ir.CmpOp.EQ, ir.FinalLocation("e1.f"), C(-1)),
            ir.Compare(ir.CmpOp.EQ, ir.FinalLocation("e1.f"), C(0)),
        ),
    )


def test_quantifiers_repeat_the_condition_per_index() -> None:
    text = (
        "param N = 3\narray a[N] = 0\n"
        "thread P0 { for i in 0..N-1 { r[i] = load a[i] } }\n"
        "forbidden some: any i in 0..N-1: P0.r[i] == 1\n"
        "forbidden every: all i in 1..2: P0.r[ i ] == a[i]\n"
    )
    some, every = parse(text).outcomes
    assert some.condition == ir.BoolOp(
        ir.BoolOpKind.OR,
        tuple(ir.Compare(ir.CmpOp.EQ, ir.FinalRegister("P0", f"r{k}"), C(1)) for k in range(3)),
    )
    assert every.condition == ir.BoolOp(
        ir.BoolOpKind.AND,
        tuple(
            ir.Compare(ir.CmpOp.EQ, ir.FinalRegister("P0", f"r{k}"), ir.FinalLocation(f"a[{k}]"))
            for k in (1, 2)
        ),
    )


def test_a_register_must_exist_in_every_variant() -> None:
    text = (
        "x = 0\nparam o = plain\nvariant a { o = acquire }\n"
        "thread P0 { r0 = load<o> x }\nforbidden f: P0.r1 == 1\n"
    )
    error = raises(UnknownRegisterError, text, 5, 14)
    assert error.message.endswith("(it writes r0)")


def test_expectations_cover_named_or_all_variants() -> None:
    text = (
        "x = 0\nparam o = plain\nvariant a { }\nvariant b { o = release }\n"
        "thread P0: r0 = load x; store<o> x = 1\n"
        "allowed f: P0.r0 == 1\nforbidden g: x == 2\n"
        "expect a, b: f unreachable\nexpect: g unreachable\n"
    )
    expectations = parse(text).expectations
    assert [(e.variant, e.outcome) for e in expectations] == [
        ("a", "f"),
        ("b", "f"),
        ("a", "g"),
        ("b", "g"),
    ]
    assert {e.status for e in expectations} == {ir.Reachability.UNREACHABLE}
