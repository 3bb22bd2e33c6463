"""Hand-built IR tests for the herd export: one per construct it handles, each with an outcome."""

from __future__ import annotations

from ringlitmus import ir

R, C, A = ir.Reg, ir.Const, ir.Address
ADD, SUB, MUL, AND, OR, XOR, MOD = (
    ir.ArithOp.ADD,
    ir.ArithOp.SUB,
    ir.ArithOp.MUL,
    ir.ArithOp.AND,
    ir.ArithOp.OR,
    ir.ArithOp.XOR,
    ir.ArithOp.MOD,
)
EQ, NE, LT, LE, GT, GE = (ir.CmpOp[name] for name in ("EQ", "NE", "LT", "LE", "GT", "GE"))
ACQUIRE, ACQUIRE_PC, RELEASE = ir.Ordering.ACQUIRE, ir.Ordering.ACQUIRE_PC, ir.Ordering.RELEASE
FORBIDDEN, ALLOWED, REQUIRED = (
    ir.OutcomeKind[name] for name in ("FORBIDDEN", "ALLOWED", "REQUIRED")
)
REACHABLE, UNREACHABLE = ir.Reachability.REACHABLE, ir.Reachability.UNREACHABLE


def op(kind: ir.ArithOp, left: ir.Expr, right: ir.Expr) -> ir.BinOp:
    return ir.BinOp(kind, left, right)


def cmp(kind: ir.CmpOp, left: ir.Expr | ir.Term, right: ir.Expr | ir.Term) -> ir.Compare:
    return ir.Compare(kind, left, right)


def both(*conditions: ir.Condition) -> ir.BoolOp:
    return ir.BoolOp(ir.BoolOpKind.AND, conditions)


def either(*conditions: ir.Condition) -> ir.BoolOp:
    return ir.BoolOp(ir.BoolOpKind.OR, conditions)


def negated(condition: ir.Condition) -> ir.BoolOp:
    return ir.BoolOp(ir.BoolOpKind.NOT, (condition,))


def final(thread: str, register: str) -> ir.FinalRegister:
    return ir.FinalRegister(thread, register)


def cell(name: str) -> ir.FinalLocation:
    return ir.FinalLocation(name)


def scalars(*names: str, **initial: int) -> tuple[ir.LocationDecl, ...]:
    return tuple(ir.LocationDecl(name, (C(initial.get(name, 0)),)) for name in names)


def array(name: str, *values: int) -> ir.LocationDecl:
    return ir.LocationDecl(name, tuple(C(value) for value in values), is_array=True)


def thread(name: str, *code: ir.Instruction, **options: object) -> ir.Thread:
    return ir.Thread(name, code, **options)  # type: ignore[arg-type]


def make_test(
    name: str,
    threads: tuple[ir.Thread, ...],
    locations: tuple[ir.LocationDecl, ...],
    *outcomes: ir.Outcome,
    expectations: tuple[ir.Expectation, ...] = (),
    variants: tuple[str, ...] = ("default",),
    **extra: object,
) -> ir.Test:
    program = ir.Program(threads, locations)
    return ir.Test(
        file=f"{name}.litmus",
        name=name,
        format=ir.Format.RING,
        variants=tuple(ir.Variant(variant, program) for variant in variants),
        outcomes=outcomes,
        expectations=expectations,
        **extra,  # type: ignore[arg-type]
    )


def forbidden(condition: ir.Condition, name: str = "bad") -> ir.Outcome:
    return ir.Outcome(name, FORBIDDEN, condition)


def writer(*code: ir.Instruction) -> ir.Thread:
    """x = 1 then y = 1, with `code` between (the usual MP writer)."""
    return thread("W", ir.Store(A("x"), C(1)), *code, ir.Store(A("y"), C(1), RELEASE))


STALE = both(cmp(EQ, final("R", "r0"), C(1)), cmp(EQ, final("R", "r1"), C(0)))


def hand_built() -> dict[str, ir.Test]:
    """One test per construct the export handles, each with an outcome it decides."""
    xy = scalars("x", "y")
    tests = [
        make_test(
            "mp-acquire-pc",
            (writer(), thread("R", ir.Load("r0", A("y"), ACQUIRE_PC), ir.Load("r1", A("x")))),
            xy,
            forbidden(STALE),
        ),
        make_test(
            "mp-dmbs",
            (
                thread(
                    "W",
                    ir.Store(A("x"), C(1)),
                    ir.Fence(ir.FenceKind.DMB_ST),
                    ir.Store(A("y"), C(1)),
                ),
                thread(
                    "R", ir.Load("r0", A("y")), ir.Fence(ir.FenceKind.DMB_LD), ir.Load("r1", A("x"))
                ),
            ),
            xy,
            forbidden(STALE),
            expectations=(ir.Expectation("default", "bad", UNREACHABLE),),
        ),
        make_test(
            "sb-dmb-full",
            tuple(
                thread(
                    name,
                    ir.Store(A(mine), C(1)),
                    ir.Fence(ir.FenceKind.DMB_FULL),
                    ir.Load("r0", A(other)),
                )
                for name, mine, other in (("P", "x", "y"), ("Q", "y", "x"))
            ),
            xy,
            forbidden(both(cmp(EQ, final("P", "r0"), C(0)), cmp(EQ, final("Q", "r0"), C(0)))),
        ),
        make_test(
            "mp-ctrl-isb",
            (
                writer(),
                thread(
                    "R",
                    ir.Load("r0", A("y")),
                    ir.Branch(cmp(NE, R("r0"), C(1)), "out"),
                    ir.Fence(ir.FenceKind.ISB),
                    ir.Load("r1", A("x")),
                    ir.Label("out"),
                ),
            ),
            xy,
            forbidden(STALE),
        ),
        make_test(
            "lb-data-arithmetic",
            (
                thread(
                    "P",
                    ir.Load("r0", A("x")),
                    ir.Assign("r1", op(SUB, op(ADD, R("r0"), C(5)), C(4))),
                    ir.Assign("r2", op(XOR, op(OR, op(AND, R("r1"), C(7)), C(0)), C(0))),
                    ir.Assign("r3", op(MUL, R("r2"), C(5))),
                    ir.Assign("r4", op(MUL, C(-3), R("r3"))),
                    ir.Assign("r5", op(SUB, op(MUL, R("r4"), C(8)), op(MUL, R("r4"), C(0)))),
                    ir.Assign("r6", op(ADD, R("r5"), C(-5000))),
                    ir.Store(A("y"), op(SUB, C(0), op(ADD, R("r6"), C(5120)))),
                ),
                thread("Q", ir.Load("r0", A("y")), ir.Store(A("x"), op(ADD, R("r0"), C(1)))),
            ),
            xy,
            forbidden(both(cmp(EQ, final("P", "r0"), C(1)), cmp(EQ, final("Q", "r0"), C(0)))),
            ir.Outcome("values", ALLOWED, cmp(EQ, final("P", "r6"), C(-5120))),
        ),
        make_test(
            "lb-ctrl-boolean",
            (
                thread(
                    "P",
                    ir.Load("r0", A("x")),
                    ir.Load("r1", A("z")),
                    ir.Branch(both(cmp(EQ, R("r0"), C(7)), negated(cmp(LT, R("r1"), C(3)))), "a"),
                    ir.Store(A("y"), C(1)),
                    ir.Label("a"),
                    ir.Branch(
                        either(
                            cmp(LE, R("r1"), C(-1)),
                            cmp(GT, R("r0"), op(ADD, R("r1"), C(5))),
                            ir.Truth(False),
                        ),
                        "b",
                    ),
                    ir.Store(A("w"), C(1)),
                    ir.Label("b"),
                    ir.Branch(cmp(EQ, C(1), C(1)), "c"),
                    ir.Store(A("w"), C(2)),
                    ir.Label("c"),
                    ir.Branch(cmp(GE, C(2), R("r0")), "d"),
                    ir.Label("d"),
                    ir.Store(A("z"), R("r0")),
                ),
                thread(
                    "Q",
                    ir.Load("r0", A("y")),
                    ir.Store(A("x"), R("r0")),
                    ir.Branch(None, "end"),
                    ir.Store(A("z"), C(9)),
                    ir.Label("end"),
                ),
            ),
            scalars("x", "y", "z", "w"),
            forbidden(both(cmp(EQ, final("P", "r0"), C(1)), cmp(EQ, final("Q", "r0"), C(1)))),
            ir.Outcome("w_written", REQUIRED, cmp(EQ, cell("w"), C(1))),
        ),
        make_test(
            "mp-false-address-dependency",
            (
                writer(),
                thread(
                    "R",
                    ir.Load("r0", A("y")),
                    ir.Load("r1", op(ADD, A("x"), op(XOR, R("r0"), R("r0")))),
                    ir.Load(
                        "r2",
                        op(SUB, op(ADD, A("z"), C(8)), op(ADD, op(AND, R("r1"), C(0)), C(8))),
                        ACQUIRE,
                    ),
                ),
            ),
            scalars("x", "y", "z"),
            forbidden(STALE),
        ),
        make_test(
            "ring-register-index",
            (
                thread(
                    "W",
                    ir.Store(op(ADD, A("ring"), C(8)), C(7)),
                    ir.Store(A("head"), C(1), RELEASE),
                ),
                thread(
                    "R",
                    ir.Load("r0", A("head")),
                    ir.Load("r1", op(ADD, A("ring"), op(MUL, R("r0"), C(8)))),
                    ir.Load("r2", op(ADD, op(MUL, R("r0"), C(8)), A("ring")), ACQUIRE),
                    ir.Rmw(
                        ir.RmwOp.ADD,
                        "r3",
                        op(SUB, op(ADD, A("ring"), C(16)), op(MUL, R("r0"), C(8))),
                        C(1),
                    ),
                ),
            ),
            (array("ring", 0, 0, 5), *scalars("head")),
            forbidden(
                both(cmp(EQ, final("R", "r0"), C(1)), cmp(NE, final("R", "r1"), C(7))), "stale"
            ),
            ir.Outcome("bumped", ALLOWED, cmp(EQ, cell("ring[2]"), C(6))),
        ),
        make_test(
            "pointers",
            (
                thread("W", ir.Store(A("y"), C(1)), ir.Store(A("p"), A("y"), RELEASE)),
                thread(
                    "R",
                    ir.Load("r0", A("p")),
                    ir.Load("r1", R("r0")),
                    ir.Load("r2", R("r9")),
                    registers=(("r9", A("x")),),
                ),
            ),
            (*scalars("x", "y"), ir.LocationDecl("p", (A("x"),))),
            forbidden(both(cmp(EQ, final("R", "r0"), A("y")), cmp(EQ, final("R", "r1"), C(0)))),
        ),
        make_test(
            "swaps-and-cas",
            (
                thread(
                    "P",
                    ir.Rmw(ir.RmwOp.SWP, "r0", A("x"), C(1), acquire=True),
                    ir.Rmw(ir.RmwOp.SWP, None, A("x"), C(2), acquire=True, release=True),
                    ir.Rmw(ir.RmwOp.CAS, "r1", A("y"), C(3), expected=R("r1")),
                    ir.Rmw(ir.RmwOp.CAS, "r2", A("y"), R("r2"), expected=C(3), release=True),
                    ir.Rmw(ir.RmwOp.CAS, None, A("z"), C(4), expected=C(0), acquire=True),
                ),
                thread("Q", ir.Store(A("x"), C(5)), ir.Store(A("y"), C(0), RELEASE)),
            ),
            scalars("x", "y", "z"),
            forbidden(both(cmp(EQ, cell("y"), C(3)), cmp(EQ, cell("x"), C(5)))),
        ),
        make_test(
            "load-and-store-ops",
            (
                thread(
                    "P",
                    ir.Rmw(ir.RmwOp.ADD, "r0", A("a"), C(1), acquire=True, release=True),
                    ir.Rmw(ir.RmwOp.CLR, "r1", A("b"), C(1), release=True),
                    ir.Rmw(ir.RmwOp.EOR, None, A("c"), C(1), acquire=True),
                    ir.Rmw(ir.RmwOp.SET, None, A("d"), C(2), release=True),
                ),
                thread("Q", ir.Load("r0", A("d"), ACQUIRE), ir.Load("r1", A("a"))),
            ),
            scalars("a", "b", "c", "d", b=3),
            forbidden(both(cmp(EQ, final("Q", "r0"), C(2)), cmp(EQ, final("Q", "r1"), C(0)))),
            ir.Outcome(
                "values", REQUIRED, both(cmp(EQ, cell("b"), C(2)), cmp(EQ, cell("c"), C(1)))
            ),
        ),
        make_test(
            "exclusives",
            (
                thread(
                    "P",
                    ir.Load("r0", A("x"), exclusive=True),
                    ir.Store(A("x"), op(ADD, R("r0"), C(1)), exclusive=True, status="s0"),
                    ir.Load("r1", A("y"), ACQUIRE, exclusive=True),
                    ir.Store(A("y"), C(2), RELEASE, exclusive=True),
                    ir.Load("r2", A("x"), exclusive=True),
                    ir.Store(A("x"), R("r2"), exclusive=True, status="r2"),
                    ir.Load(None, A("y"), exclusive=True),
                ),
                thread("Q", ir.Store(A("x"), C(5)), ir.Store(A("y"), C(5))),
            ),
            xy,
            ir.Outcome(
                "atomic",
                FORBIDDEN,
                both(
                    cmp(EQ, final("P", "s0"), C(0)),
                    cmp(EQ, cell("x"), C(1)),
                    cmp(EQ, final("P", "r0"), C(0)),
                ),
            ),
        ),
        make_test(
            "selects-and-constants",
            (
                thread(
                    "P",
                    ir.Load("r0", A("x")),
                    ir.Select("r1", cmp(EQ, R("r0"), C(1)), A("y"), A("z")),
                    ir.Select(
                        "r2",
                        both(cmp(NE, R("r0"), C(0)), cmp(LT, R("r0"), C(5))),
                        C(123456789),
                        C(0),
                    ),
                    ir.Select("r3", ir.Truth(True), R("r2"), C(1)),
                    ir.Store(R("r1"), R("r3")),
                    ir.Assign("r4", C(70000)),
                    ir.Assign("r5", R("r4")),
                    ir.Assign("r6", A("z")),
                ),
                thread("Q", ir.Store(A("z"), C(1)), ir.Store(A("x"), C(1), RELEASE)),
            ),
            scalars("x", "y", "z"),
            forbidden(both(cmp(EQ, final("P", "r0"), C(1)), cmp(NE, cell("y"), C(123456789)))),
        ),
        make_test(
            "names-variants-and-outcomes",
            (
                thread(
                    "CPU1",
                    ir.Store(A("gfn2.flags"), C(1)),
                    ir.Store(op(ADD, A("ring"), C(8)), C(2)),
                    ir.Store(A("x1"), C(3)),
                    description="vCPU",
                ),
                thread(
                    "CPU0",
                    ir.Load("slot", A("gfn2.flags")),
                    ir.Load("P0", A("exists")),
                    description='user "space" (* {} *)',
                ),
            ),
            (*scalars("gfn2.flags", "x1", "exists", "gfn2_flags"), array("ring", 0, 0)),
            forbidden(either(negated(cmp(EQ, final("CPU0", "slot"), C(1))), ir.Truth(False)), "a"),
            ir.Outcome("b", ALLOWED, both(cmp(EQ, C(2), cell("ring[1]")), ir.Truth(True))),
            ir.Outcome("c", REQUIRED, cmp(NE, cell("x1"), C(4))),
            expectations=(
                ir.Expectation("*", "a", REACHABLE),
                ir.Expectation("v+2", "b", UNREACHABLE),
                ir.Expectation("v 1", "c", REACHABLE),
            ),
            variants=("v 1", "v+2"),
            observed=(final("CPU0", "P0"), cell("gfn2_flags")),
            filter=cmp(EQ, cell("exists"), C(0)),
            doc='The "names" test',
        ),
    ]
    return {test.name: test for test in tests}


HAND_BUILT = hand_built()
