"""The herd C front end (c.lark, c.py, c_code.py): Linux primitives as IR, and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringlitmus import ir
from ringlitmus.errors import UnsupportedInstructionError
from ringlitmus.frontends import parse_file
from ringlitmus.outcomes import CheckOptions, check_test
from ringlitmus.reports.herd import judge_outcome

MP = """C MP+o-wmb-o+o-rmb-o
(* herd comment *)
{
int y=1;
int *p = &y;
}

P0(int *x, int *y) // writer
{
	WRITE_ONCE(*x, 1);
	smp_wmb();
	smp_store_release(y, 2);
}

P1(int *x, int *y)
{
	int r0;
	int r1 = 0;

	r0 = smp_load_acquire(y);
	if (r0 == 2) {
		r1 = READ_ONCE(*x);
	} else
		smp_rmb();
}

locations [x; y]
exists (1:r0=2 /\\ 1:r1=0)
"""


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "test.litmus"
    path.write_text(text)
    return str(path)


def observation(path: str, model: str = "lkmm") -> str:
    (variant,) = check_test(parse_file(path), CheckOptions(model=model)).variants
    return judge_outcome(variant.outcomes[0]).observation.value


def test_threads_locations_and_instructions(tmp_path: Path) -> None:
    test = parse_file(write(tmp_path, MP))
    assert test.format is ir.Format.C
    assert test.name == "MP+o-wmb-o+o-rmb-o"
    program = test.variants[0].program
    assert [location.name for location in program.locations] == ["y", "p", "x"]
    assert program.locations[1].initial == (ir.Address("y"),)
    writer, reader = program.threads
    assert writer.instructions == (
        ir.Store(ir.Address("x"), ir.Const(1), ir.Ordering.PLAIN),
        ir.Fence(ir.FenceKind.DMB_ST),
        ir.Store(ir.Address("y"), ir.Const(2), ir.Ordering.RELEASE),
    )
    kinds = [type(instruction).__name__ for instruction in reader.instructions]
    assert kinds == ["Assign", "Load", "Branch", "Load", "Branch", "Label", "Fence", "Label"]
    assert reader.instructions[1].ordering is ir.Ordering.ACQUIRE  # type: ignore[union-attr]


def test_release_acquire_message_passing_is_never(tmp_path: Path) -> None:
    assert observation(write(tmp_path, MP)) == "Never"


def test_once_message_passing_is_sometimes(tmp_path: Path) -> None:
    text = (
        MP.replace("smp_store_release(y, 2)", "WRITE_ONCE(*y, 2)")
        .replace("smp_load_acquire(y)", "READ_ONCE(*y)")
        .replace("smp_wmb();", "")
    )
    assert observation(write(tmp_path, text)) == "Sometimes"


def test_plain_accesses_and_rmws(tmp_path: Path) -> None:
    text = """C plain
{}
P0(int *x, int *z)
{
	int a = READ_ONCE(*x);
	*z = a + 1;
	r1 = cmpxchg_acquire(x, 0, 2);
	atomic_inc(z);
	r2 = atomic_add_return(3, z);
}
exists (0:r2=5)
"""
    (thread,) = parse_file(write(tmp_path, text)).variants[0].program.threads
    (store,) = (i for i in thread.instructions if isinstance(i, ir.Store))
    assert store.ordering is ir.Ordering.UNMARKED
    cas, inc, add = (i for i in thread.instructions if isinstance(i, ir.Rmw))
    assert (cas.op, cas.acquire, cas.fully_ordered) == (ir.RmwOp.CAS, True, False)
    assert (inc.dest, inc.fully_ordered) == (None, False)
    assert add.fully_ordered
    assert observation(write(tmp_path, text)) == "Always"


@pytest.mark.parametrize(
    ("call", "column"),
    [("mutex_lock(l);", 2), ("raw_spin_lock(l);", 2), ("r0 = call_rcu(l);", 7)],
)
def test_primitives_outside_linux_kernel_def_are_unsupported(
    tmp_path: Path, call: str, column: int
) -> None:
    text = f"C locked\n{{}}\nP0(int *x, spinlock_t *l)\n{{\n\t{call}\n}}\nexists (x=0)\n"
    with pytest.raises(UnsupportedInstructionError) as caught:
        parse_file(write(tmp_path, text))
    name = call.split("(")[0].split()[-1]
    assert f"unsupported construct '{name}'" in caught.value.message
    assert caught.value.exit_code == 2
    assert caught.value.span is not None
    assert (caught.value.span.line, caught.value.span.column) == (5, column)


def test_locking_rcu_and_srcu_calls_become_their_instructions(tmp_path: Path) -> None:
    """linux-kernel.def's spellings: locks are Lock instructions, RCU calls fences,
    srcu_read_lock/unlock annotated accesses, synchronize_srcu a fence naming its struct."""
    text = (
        "C sync\n{}\nP0(int *x, spinlock_t *l, int *s)\n{\n"
        "\tspin_lock(l);\n\tr0 = spin_trylock(l);\n\tspin_unlock(l);\n"
        "\trcu_read_lock();\n\tr1 = rcu_dereference(*x);\n\trcu_read_unlock();\n"
        "\tr2 = srcu_read_lock(s);\n\tsrcu_read_unlock(s, r2);\n\tsynchronize_srcu(s);\n"
        "}\nexists (x=0)\n"
    )
    (thread,) = parse_file(write(tmp_path, text)).variants[0].program.threads
    kinds = [
        (
            type(i).__name__,
            getattr(i, "op", None) or getattr(i, "kind", None) or getattr(i, "ordering", None),
        )
        for i in thread.instructions
    ]
    assert kinds == [
        ("Lock", ir.LockOp.LOCK),
        ("Lock", ir.LockOp.TRYLOCK),
        ("Lock", ir.LockOp.UNLOCK),
        ("Fence", ir.FenceKind.RCU_LOCK),
        ("Load", ir.Ordering.PLAIN),
        ("Fence", ir.FenceKind.RCU_UNLOCK),
        ("Load", ir.Ordering.SRCU_LOCK),
        ("Store", ir.Ordering.SRCU_UNLOCK),
        ("Fence", ir.FenceKind.SYNC_SRCU),
    ]
    assert thread.instructions[-1].address == ir.Address("s")  # type: ignore[union-attr]


def test_lkmm_refuses_aarch64_and_armv8_refuses_c(tmp_path: Path) -> None:
    from ringlitmus.errors import UsageError
    from ringlitmus.models import require_model

    test = parse_file(write(tmp_path, MP))
    with pytest.raises(UsageError, match="the armv8 model cannot judge c tests"):
        require_model("armv8", test)
    aarch64 = ir.Test("t.litmus", "T", ir.Format.AARCH64, (), ())
    with pytest.raises(UsageError, match="the lkmm model cannot judge aarch64 tests"):
        require_model("lkmm", aarch64)


INIT = """C init
{
	atomic_t a = ATOMIC_INIT(3);
	p=a;
	1:r2=a;
	int 0:r0 = -1;
}
P0(atomic_t *a) { int r1 = r0; }
P1(atomic_t *a) { int r3; r3 = atomic_read(r2); }
exists (0:r1=-1 /\\ 1:r3=3)
"""


def test_init_block_atomics_pointers_and_registers(tmp_path: Path) -> None:
    test = parse_file(write(tmp_path, INIT))
    program = test.variants[0].program
    initial = {location.name: location.initial for location in program.locations}
    assert initial["a"] == (ir.Const(3),) and initial["p"] == (ir.Address("a"),)
    assert [thread.registers for thread in program.threads] == [
        (("r0", ir.Const(-1)),),
        (("r2", ir.Address("a")),),
    ]
    assert observation(write(tmp_path, INIT)) == "Always"


def test_the_defs_other_fences(tmp_path: Path) -> None:
    """barrier() and the lock-related smp_mb__after_*() are fences the model may give meaning."""
    calls = "smp_mb__after_spinlock(); smp_mb__after_unlock_lock(); barrier();"
    text = f"C fences\n{{}}\nP0(int *x)\n{{\n\t{calls}\n}}\nexists (x=0)\n"
    (thread,) = parse_file(write(tmp_path, text)).variants[0].program.threads
    assert [instruction.kind for instruction in thread.instructions] == [  # type: ignore[union-attr]
        ir.FenceKind.AFTER_SPINLOCK,
        ir.FenceKind.AFTER_UNLOCK_LOCK,
        ir.FenceKind.BARRIER,
    ]


def test_an_if_scopes_its_control_dependency_and_a_statement_its_accesses(
    tmp_path: Path,
) -> None:
    body = "r0 = READ_ONCE(*x) + READ_ONCE(*x);\n\tif (r0) WRITE_ONCE(*x, 1);\n\tWRITE_ONCE(*x, 2);"
    text = f"C scopes\n{{}}\nP0(int *x)\n{{\n\tint r0;\n\t{body}\n}}\nexists (x=0)\n"
    (thread,) = parse_file(write(tmp_path, text)).variants[0].program.threads
    branch, label = thread.instructions[3], thread.instructions[5]
    assert isinstance(branch, ir.Branch) and isinstance(label, ir.Label)
    assert branch.ctrl_until == label.name
    # `int r0;` is statement 0; both loads and the assignment are statement 1; the if, its arm
    # (and the label after it), the last store follow.
    assert thread.statements == (1, 1, 1, 2, 3, 3, 4)
