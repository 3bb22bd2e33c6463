"""encode/solver.py: fresh contexts, and the memory they leave behind for the next one."""

from __future__ import annotations

import platform
import subprocess
import sys
import threading
import weakref

import pytest
import z3

from ringlitmus.encode import solver
from ringlitmus.encode.solver import fresh_context, make_context_ahead

# In a process of its own: how much memory the process already freed decides what glibc does.
FAULTS_OF_LATER_CONTEXTS = """
import resource, z3
from ringlitmus.encode.solver import SolverOptions, decide, fresh_context, make_context_ahead
from ringlitmus.encode.solver import new_solver

def solve_something():
    solver = new_solver(SolverOptions(linear=True))
    solver.push()
    solver.add(z3.Int("x") > 1)
    decide(solver)

{ahead}
with fresh_context():
    solve_something()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(3):
    with fresh_context():
        solve_something()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def test_a_fresh_context_is_restored_afterwards() -> None:
    before = z3.main_ctx()
    with fresh_context():
        assert z3.main_ctx() is not before
    assert z3.main_ctx() is before


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="the allocator tuning is glibc's mallopt",
)
@pytest.mark.parametrize("ahead", ["", "make_context_ahead()"], ids=["here", "ahead"])
def test_the_next_context_reuses_the_memory_the_last_one_freed(ahead: str) -> None:
    # A context and its QF_LIA solver touch ~35 MB. Handed back to the kernel when freed, the
    # next contexts faulted them in again (4,203 faults for these three, 46 with the tuning).
    # The first may be made on another thread: it must be freed where the next is made.
    completed = subprocess.run(
        [sys.executable, "-P", "-c", FAULTS_OF_LATER_CONTEXTS.format(ahead=ahead)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(completed.stdout) < 1000


def build_and_keep() -> weakref.ref[z3.Context]:
    with fresh_context() as kept:
        kept.append(z3.Int("x") > 1)
        return weakref.ref(z3.main_ctx())


def test_a_context_lives_until_the_next_one_is_made() -> None:
    context = build_and_keep()
    # Kept past the block, so a program exiting after its last variant never frees it ...
    assert context() is not None
    with fresh_context():
        # ... and freed before the next is made, so at most one is ever alive.
        assert context() is None


def test_the_context_made_ahead_is_the_next_fresh_one() -> None:
    make_context_ahead()
    solver._ahead[0].join()
    (made,) = solver._made
    with fresh_context():
        assert z3.main_ctx() is made
    with fresh_context():
        assert z3.main_ctx() is not made
    assert not solver._ahead and not solver._made


def test_a_context_that_fails_ahead_is_made_again_without_a_word(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def refuse() -> z3.Context:
        raise z3.Z3Exception("out of memory")

    escaped: list[object] = []
    with monkeypatch.context() as patched:
        patched.setattr(z3, "Context", refuse)
        patched.setattr(threading, "excepthook", escaped.append)
        make_context_ahead()
        solver._ahead[0].join()
    with fresh_context():
        assert isinstance(z3.main_ctx(), z3.Context)
    assert escaped == [] and capfd.readouterr().err == ""
