"""The ring DSL -> IR: every litmus file, instruction forms, naming, control flow, procedures."""

from __future__ import annotations

from pathlib import Path

import pytest
from ring_helpers import (
    ACQUIRE,
    ACQUIRE_PC,
    LITMUS,
    LITMUS_FILES,
    PLAIN,
    RELEASE,
    A,
    C,
    R,
    code,
    parse,
    raises,
    thread,
)

from ringlitmus import ir
from ringlitmus.errors import (
    BadExpectationError,
    DuplicateNameError,
    LitmusError,
    TypeMismatchError,
    UndeclaredLocationError,
    UnknownNameError,
    UnsupportedInstructionError,
)

# --------------------------------------------------------------------------- the litmus files


@pytest.mark.parametrize("path", LITMUS_FILES, ids=[p.name for p in LITMUS_FILES])
def test_every_litmus_file_parses(path: Path) -> None:
    test = parse(path.read_text(encoding="utf-8"), file=str(path))
    assert test.format is ir.Format.RING and test.name == path.stem
    assert test.variants and test.outcomes and test.expectations
    assert {e.outcome for e in test.expectations} == {o.name for o in test.outcomes}
    for variant in test.variants:
        assert {e.outcome for e in test.expectations if e.variant == variant.name}
        for each in variant.program.threads:
            assert each.instructions and all(i.span is not None for i in each.instructions)
    assert test.doc, "every reference file starts with a comment saying what it shows"


def test_the_seed_is_short_and_reads_like_the_issue() -> None:
    path = LITMUS / "kvm-dirty-ring" / "seed.litmus"
    assert len(path.read_text().splitlines()) <= 25
    test = parse(path.read_text(), file=str(path))
    assert [v.name for v in test.variants] == ["before", "after", "release_only", "both"]
    ioctl = {v: thread(test, "CPU1", v) for v in ("before", "after")}
    harvest = {v: ioctl[v].instructions[0] for v in ioctl}
    assert harvest["before"] == ir.Load("harvested", A("gfn2.flags"), PLAIN)
    assert harvest["after"] == ir.Load("harvested", A("gfn2.flags"), ACQUIRE)
    assert ioctl["after"].description == "KVM_RESET_DIRTY_RINGS"
    # The procedure's instructions carry the span of the call in the seed, not of the prelude.
    assert {i.span.file for i in ioctl["after"].instructions if i.span} == {str(path)}
    (lost_page,) = test.outcomes
    assert lost_page.kind is ir.OutcomeKind.FORBIDDEN
    assert lost_page.condition == ir.BoolOp(
        ir.BoolOpKind.AND,
        (
            ir.Compare(ir.CmpOp.EQ, ir.FinalRegister("CPU1", "harvested"), C(2)),
            ir.Compare(ir.CmpOp.NE, ir.FinalRegister("CPU1", "slot"), C(1)),
        ),
    )
    general = [(e.variant, e.status) for e in test.expectations if e.model is None]
    assert general == [
        ("before", ir.Reachability.REACHABLE),
        ("release_only", ir.Reachability.REACHABLE),
        ("after", ir.Reachability.UNREACHABLE),
        ("both", ir.Reachability.UNREACHABLE),
    ]
    # The issue's table: under LKMM only both barriers forbid it; TSO and SC need none.
    lkmm = [test.expected(v, "lost_page", "lkmm") for v in ("before", "after", "release_only")]
    assert lkmm == [ir.Reachability.REACHABLE] * 3
    assert test.expected("both", "lost_page", "lkmm") is ir.Reachability.UNREACHABLE
    assert test.expected("before", "lost_page", "sc") is ir.Reachability.UNREACHABLE


def test_the_ring_grows_with_minus_d() -> None:
    path = LITMUS / "kvm-dirty-ring" / "ring.litmus"
    two = parse(path.read_text(), file=str(path))
    four = parse(path.read_text(), {"N": 4}, file=str(path))
    assert len(two.variants[0].program.locations) == 6
    assert len(four.variants[0].program.locations) == 12
    condition = four.outcomes[0].condition
    assert isinstance(condition, ir.BoolOp) and condition.op is ir.BoolOpKind.OR
    assert len(condition.operands) == 4
    assert condition.operands[3] == ir.BoolOp(
        ir.BoolOpKind.AND,
        (
            ir.Compare(ir.CmpOp.EQ, ir.FinalRegister("CPU1", "harvested3"), C(2)),
            ir.Compare(ir.CmpOp.NE, ir.FinalRegister("CPU1", "slot3"), C(1)),
        ),
    )


def test_kernel_qemu_uses_the_linux_spellings() -> None:
    path = LITMUS / "kvm-dirty-ring" / "kernel-qemu.litmus"
    test = parse(path.read_text(), file=str(path))
    push = thread(test, "CPU2", "unfixed").instructions
    assert [type(i).__name__ for i in push] == ["Store", "Store", "Fence", "Store"]
    assert push[2] == ir.Fence(ir.FenceKind.DMB_ST) and push[3].ordering is PLAIN  # type: ignore[union-attr]
    reset = thread(test, "CPU1", "fixed").instructions
    assert reset[0].ordering is ACQUIRE and reset[-2].ordering is RELEASE  # type: ignore[union-attr]


# --------------------------------------------------------------------------- instruction forms

FORMS = {
    "r0 = load x": ir.Load("r0", A("x")),
    "r0 = load<plain> x": ir.Load("r0", A("x")),
    "r0 = load-acq x": ir.Load("r0", A("x"), ACQUIRE),
    "r0 = load<acquire> x": ir.Load("r0", A("x"), ACQUIRE),
    "r0 = load-acq-pc x": ir.Load("r0", A("x"), ACQUIRE_PC),
    "r0 = load<acquire-pc> x": ir.Load("r0", A("x"), ACQUIRE_PC),
    "r0 = READ_ONCE(x)": ir.Load("r0", A("x")),
    "r0 = smp_load_acquire(&x)": ir.Load("r0", A("x"), ACQUIRE),
    "store x = 1": ir.Store(A("x"), C(1)),
    "store-rel x = DIRTY": ir.Store(A("x"), C(1), RELEASE),
    "store<release> x = 1": ir.Store(A("x"), C(1), RELEASE),
    "WRITE_ONCE(x, 2)": ir.Store(A("x"), C(2)),
    "smp_store_release(&x, 3)": ir.Store(A("x"), C(3), RELEASE),
    "store x = &y": ir.Store(A("x"), A("y")),
    "dmb ish": ir.Fence(ir.FenceKind.DMB_FULL),
    "dmb sy": ir.Fence(ir.FenceKind.DMB_FULL),
    "dmb ishld": ir.Fence(ir.FenceKind.DMB_LD),
    "dmb ishst": ir.Fence(ir.FenceKind.DMB_ST),
    "dsb st": ir.Fence(ir.FenceKind.DMB_ST),
    "isb": ir.Fence(ir.FenceKind.ISB),
    "smp_mb()": ir.Fence(ir.FenceKind.DMB_FULL),
    "smp_rmb()": ir.Fence(ir.FenceKind.DMB_LD),
    "smp_wmb()": ir.Fence(ir.FenceKind.DMB_ST),
    "fence<dmb ishld>": ir.Fence(ir.FenceKind.DMB_LD),
    "r0 = xchg x, 1": ir.Rmw(ir.RmwOp.SWP, "r0", A("x"), C(1)),
    "r0 = swp<acquire> x, 1": ir.Rmw(ir.RmwOp.SWP, "r0", A("x"), C(1), acquire=True),
    "r0 = cas<acq_rel> x, 0, 1": ir.Rmw(
        ir.RmwOp.CAS, "r0", A("x"), C(1), C(0), acquire=True, release=True
    ),
    "r0 = fetch_add<release> x, 2": ir.Rmw(ir.RmwOp.ADD, "r0", A("x"), C(2), release=True),
    "fetch_or x, 4": ir.Rmw(ir.RmwOp.SET, None, A("x"), C(4)),
    "r0 = fetch_xor x, 4": ir.Rmw(ir.RmwOp.EOR, "r0", A("x"), C(4)),
    "r0 = fetch_andnot x, 4": ir.Rmw(ir.RmwOp.CLR, "r0", A("x"), C(4)),
    "r0 = 1 << 3 | 1": ir.Assign("r0", C(9)),
    "r0 = -(2 * 3) % 4": ir.Assign("r0", C(2)),
    "r0 = ~0 & 0xff": ir.Assign("r0", C(255)),
    "store ring[0] = 1": ir.Store(A("ring"), C(1)),
    "store ring[2] = 1": ir.Store(ir.BinOp(ir.ArithOp.ADD, A("ring"), C(2 * ir.CELL_SIZE)), C(1)),
}


@pytest.mark.parametrize("line", FORMS, ids=list(FORMS))
def test_instruction_forms(line: str) -> None:
    assert code(line) == (FORMS[line],)


def test_register_arithmetic_makes_data_and_address_dependencies() -> None:
    body = "r0 = load x\nr1 = r0 ^ r0\nr2 = load ring[r1 + 1]\nstore y = r0 * 2 - 1"
    _, assign, address, store = code(body)
    assert assign == ir.Assign("r1", ir.BinOp(ir.ArithOp.XOR, R("r0"), R("r0")))
    index = ir.BinOp(ir.ArithOp.ADD, R("r1"), C(1))
    scaled = ir.BinOp(ir.ArithOp.MUL, index, C(ir.CELL_SIZE))
    assert address == ir.Load("r2", ir.BinOp(ir.ArithOp.ADD, A("ring"), scaled))
    doubled = ir.BinOp(ir.ArithOp.MUL, R("r0"), C(2))
    assert store == ir.Store(A("y"), ir.BinOp(ir.ArithOp.SUB, doubled, C(1)))


def test_spans_point_at_the_statement() -> None:
    instructions = code("r0 = load x\n  store y = r0")
    spans = [(i.span.line, i.span.column) for i in instructions if i.span]
    assert spans == [(5, 1), (6, 3)]


def test_struct_entries_and_indexed_names_follow_one_naming_scheme() -> None:
    prefix = (
        "param N = 3\nstruct gfn_t { flags = 0, slot }\nstruct gfn_t gfn[N] = { slot = 7 }\n"
        "struct gfn_t spare\n"
    )
    test = parse(prefix + "thread P0 { for i in 0..N-1 { h[i] = load gfn[i].flags } }\n")
    cells = [(d.name, d.initial) for d in test.variants[0].program.locations]
    assert cells[:2] == [("gfn0.flags", (C(0),)), ("gfn0.slot", (C(7),))]
    assert cells[-1] == ("spare.slot", (C(0),))
    loads = thread(test, "P0").instructions
    assert [(i.dest, i.address) for i in loads] == [  # type: ignore[union-attr]
        (f"h{k}", A(f"gfn{k}.flags")) for k in range(3)
    ]


# --------------------------------------------------------------------------- control flow


def test_if_else_becomes_forward_branches_with_unique_labels() -> None:
    body = "r0 = load x\nif r0 == DIRTY && !(r0 > 2) { store y = 1 } else if r0 { store y = 2 }"
    instructions = code(body)
    kinds = [type(i).__name__ for i in instructions]
    assert kinds == [
        "Load", "Branch", "Store", "Branch", "Label",
        "Branch", "Store", "Label", "Label",
    ]  # fmt: skip
    first = instructions[1]
    assert isinstance(first, ir.Branch) and first.target == "if1.else"
    assert first.condition == ir.BoolOp(
        ir.BoolOpKind.NOT,
        (
            ir.BoolOp(
                ir.BoolOpKind.AND,
                (ir.Compare(ir.CmpOp.EQ, R("r0"), C(1)), ir.Compare(ir.CmpOp.LE, R("r0"), C(2))),
            ),
        ),
    )
    inner = instructions[5]
    assert isinstance(inner, ir.Branch)
    assert inner.condition == ir.Compare(ir.CmpOp.EQ, R("r0"), C(0))
    labels = [i.name for i in instructions if isinstance(i, ir.Label)]
    assert len(labels) == len(set(labels))


def test_an_if_on_constants_is_decided_at_parse_time() -> None:
    assert code("if DIRTY == 1 { store x = 1 } else { store y = 1 }") == (ir.Store(A("x"), C(1)),)


def test_for_unrolls_and_break_jumps_past_the_loop() -> None:
    body = (
        "for i in 0..2 {\n  r[i] = load ring[i]\n  if r[i] == 0 { break }\n  if i == 1 { break }\n}"
    )
    instructions = code(body)
    assert [type(i).__name__ for i in instructions] == [
        "Load", "Branch", "Load", "Branch", "Label",
    ]  # fmt: skip
    assert instructions[1] == ir.Branch(ir.Compare(ir.CmpOp.EQ, R("r0"), C(0)), "for1.end")
    assert instructions[2] == ir.Load("r1", ir.BinOp(ir.ArithOp.ADD, A("ring"), C(8)))


# --------------------------------------------------------------------------- procedures

PRELUDE = """
const RESET = 2
struct entry { flags, slot }
proc fill(e) { store e.slot = 1 }
proc set(value, e) { store e.flags = value }
proc ioctl reset(e) using(order) into(h) {
    h = load<order> e.flags; if h & RESET { s = load e.slot }
}
proc ioctl reset(e) using(order) { ioctl reset e using order into harvested }
"""


def test_procedures_match_words_and_bind_names_numbers_orderings_registers() -> None:
    text = PRELUDE + (
        "struct entry gfn[2]\nparam harvested = plain\nvariant after { harvested = acquire }\n"
        "thread P0: fill gfn[1]; set(RESET, gfn1); ioctl reset gfn0 using harvested\n"
        "thread P1: ioctl reset(gfn[1]) using(acquire-pc) into(h[1])\n"
    )
    test = parse(text)
    p0 = thread(test, "P0", "after").instructions
    assert p0[:3] == (
        ir.Store(A("gfn1.slot"), C(1)),
        ir.Store(A("gfn1.flags"), C(2)),
        ir.Load("harvested", A("gfn0.flags"), ACQUIRE),
    )
    assert thread(test, "P1", "after").instructions[0] == ir.Load("h1", A("gfn1.flags"), ACQUIRE_PC)
    assert all(i.span and i.span.line == 13 for i in p0)


@pytest.mark.parametrize(
    ("thread_code", "error", "column"),
    [
        ("fill", UnknownNameError, 12),
        ("ioctl reset gfn0 with plain", UnknownNameError, 12),
        ("ioctl reset gfn0 using 3", TypeMismatchError, 1),
        ("fill gfn9", UndeclaredLocationError, 1),
    ],
    ids=["no-arguments", "wrong-words", "number-for-ordering", "undeclared-entry"],
)
def test_bad_calls(thread_code: str, error: type[LitmusError], column: int) -> None:
    text = PRELUDE + f"struct entry gfn0\nthread P0: {thread_code}\n"
    with pytest.raises(error) as caught:
        parse(text)
    span = caught.value.span
    assert span is not None and span.column >= column
    if error is not UnknownNameError:  # errors inside a body name the call that led there
        assert "called at t.litmus:11:12" in caught.value.message


def test_recursion_and_ambiguity_are_errors() -> None:
    recursive = "x = 0\nproc a(v) { b v }\nproc b(v) { a v }\nthread P0: a x\n"
    error = raises(UnsupportedInstructionError, recursive, 3, 13)
    assert "calls itself" in error.message and "called at t.litmus:4:12" in error.message
    twice = "x = 0\nproc f(a) { store a = 1 }\nproc f(b) { store b = 2 }\nthread P0: f x\n"
    raises(DuplicateNameError, twice, 3, 1)


# --------------------------------------------------------------------------- model expectations


MODEL_EXPECTATIONS = """
x = 0; y = 0
variant a {}
variant b {}
thread P0: store x = 1; store y = 1
thread P1: r0 = load y; r1 = load x
forbidden stale: P1.r0 == 1 && P1.r1 == 0
expect: stale reachable
expect a, b under sc, tso: stale unreachable
"""


def test_an_expectation_under_a_model_overrides_the_general_one() -> None:
    test = parse(MODEL_EXPECTATIONS)
    assert test.expected("a", "stale", "armv8") is ir.Reachability.REACHABLE
    assert test.expected("b", "stale", "sc") is ir.Reachability.UNREACHABLE
    assert test.expected("b", "stale", "tso") is ir.Reachability.UNREACHABLE
    assert test.expected("a", "stale", "lkmm") is ir.Reachability.REACHABLE
    assert {e.model for e in test.expectations} == {None, "sc", "tso"}


def test_the_same_expectation_twice_under_one_model_is_an_error() -> None:
    text = MODEL_EXPECTATIONS + "expect a under sc: stale reachable\n"
    error = raises(BadExpectationError, text, 10, 1)
    assert "second expectation for stale in variant a under sc" in error.message


def test_accesses_through_a_pointer_register() -> None:
    # `p = &x` holds x's address; `*r0` is the location at the address r0 holds.
    instructions = code(
        "r0 = load p\nr1 = load *r0\nstore *r0 = 1\nr2 = READ_ONCE(*r0)\n"
        "WRITE_ONCE(*(r0 + 8), 2)\nr3 = xchg<acquire> *r0, 3\nstore-release *r0 = 4",
        prefix="x = 0; y = 0; p = &x\n",
    )
    assert instructions == (
        ir.Load("r0", A("p"), PLAIN),
        ir.Load("r1", R("r0"), PLAIN),
        ir.Store(R("r0"), C(1), PLAIN),
        ir.Load("r2", R("r0"), PLAIN),
        ir.Store(ir.BinOp(ir.ArithOp.ADD, R("r0"), C(8)), C(2), PLAIN),
        ir.Rmw(ir.RmwOp.SWP, "r3", R("r0"), C(3), None, True, False),
        ir.Store(R("r0"), C(4), RELEASE),
    )
