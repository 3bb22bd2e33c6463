"""The only place that calls Z3's check(): sat, unsat and unknown become an explicit Decision."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from enum import Enum
from typing import TypeVar

import z3

from ringlitmus.deadline import Deadline, Phase
from ringlitmus.frozen import frozen

Answer = TypeVar("Answer")


class Verdict(Enum):
    """The answer to "is this reachable?". UNKNOWN is never a verdict about the program."""

    REACHABLE = "reachable"
    UNREACHABLE = "unreachable"
    UNKNOWN = "unknown"


@frozen
class SolverOptions:
    """Limits for one query (wall-clock `timeout_s`, Z3's deterministic `rlimit`) and whether
    its constraints are all linear integer arithmetic (`linear`)."""

    timeout_s: float | None = None
    rlimit: int | None = None
    linear: bool = False


@frozen
class Decision:
    """A verdict, the model proving reachability, or the solver's reason for not deciding."""

    verdict: Verdict
    model: z3.ModelRef | None = None
    reason: str | None = None


# The last context, with what its caller built in it: freed when the next one is made.
_retired: list[list[object]] = []


@contextlib.contextmanager
def fresh_context() -> Iterator[list[object]]:
    """Build and solve inside a Z3 context of its own (the default one is restored after).

    Z3's search depends on its terms' internal ids, so in one shared context a query's cost
    (and an --rlimit answer) would depend on whatever the process built before: a file that
    takes 0.01 s alone once searched for minutes after other files in a -j worker.

    Yields a list: what the caller adds to it (its terms, encoder, solver) is kept with the
    context after the block and freed when the next context is made, so only one is ever
    alive. Freeing a context is one Z3 call per term plus deleting its tables (~30 ms at a
    32-entry ring, ~0.2 s at 128); the program ends with `os._exit` after its last variant,
    so that cost is not paid for the last one at all.
    """
    _retired.clear()  # before allocating the next: the peak is one context, as it always was
    _reuse_freed_memory()
    context = _made_ahead() or z3.Context()
    kept: list[object] = [context]
    previous = z3.z3._main_ctx  # the module's default context; z3 has no public setter
    z3.z3._main_ctx = context
    try:
        yield kept
    finally:
        z3.z3._main_ctx = previous
        _retired.append(kept)


# The thread making a context ahead (make_context_ahead), and what it made.
_ahead: list[threading.Thread] = []
_made: list[z3.Context] = []


def make_context_ahead() -> None:
    """Start making the next variant's Z3 context on another thread.

    Making a context is ~15 ms inside Z3, which lets go of Python's lock meanwhile: while a
    file is parsed (Python code), or while this process waits for the child parsing it, the
    context is made on another core. The next `fresh_context` waits for it and uses it; made
    and never used (every result came from the cache), it costs only memory.
    """
    if _ahead:
        return
    _retired.clear()  # the last context goes first, as in fresh_context: one is ever alive
    _reuse_freed_memory()
    _ahead.append(threading.Thread(target=_make, daemon=True))
    _ahead[0].start()


def _make() -> None:
    # Whatever fails here fails again in fresh_context, which reports it; a thread would only
    # print a traceback.
    with contextlib.suppress(Exception):
        _made.append(z3.Context())


def _made_ahead() -> z3.Context | None:
    """The context made ahead, once its thread is done (None: none was started, or it failed)."""
    if not _ahead:
        return None
    _ahead.pop().join()
    return _made.pop() if _made else None


# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


@functools.cache
def _reuse_freed_memory() -> None:
    """Keep memory Z3 frees in the process, so that the next context reuses it.

    A Z3 context and its solver allocate ~35 MB of tables. glibc gives blocks that large back
    to the kernel when they are freed, so every variant's fresh context faulted the same pages
    in again: ~8,000 page faults, a third of a small file's run. With these two settings the
    freed blocks stay in the heap (the process's size is its peak, as for any short-lived
    command). One heap serves every thread, so a context made ahead on another thread is
    freed where the next one is made. Elsewhere than glibc this does nothing and only the time
    is lost.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no mallopt (musl)
        return
    mallopt(_M_MMAP_THRESHOLD, 32 << 20)  # glibc's largest: blocks up to 32 MiB from the heap
    mallopt(_M_TRIM_THRESHOLD, 1 << 30)  # and its top is not handed back below 1 GiB free
    mallopt(_M_ARENA_MAX, 1)  # one heap for every thread: a context made ahead frees into it


def new_solver(options: SolverOptions) -> z3.Solver:
    """A fresh solver with the option's limits (one per check, never shared).

    When every constraint is linear integer arithmetic the solver is set up for QF_LIA: on a
    32-entry ring that decides in a fifth of the default configuration's time. Never for
    other constraints: a logic that does not cover them would answer unknown.
    """
    solver = z3.SolverFor("QF_LIA") if options.linear else z3.Solver()
    if options.timeout_s is not None:
        solver.set("timeout", max(1, int(options.timeout_s * 1000)))
    if options.rlimit is not None:
        solver.set("rlimit", options.rlimit)
    return solver


def decide(
    solver: z3.Solver, assumptions: Sequence[z3.BoolRef] = (), deadline: Deadline | None = None
) -> Decision:
    """Check the solver's constraints: sat is REACHABLE (with a model), unsat UNREACHABLE.

    With a `deadline`, the check is given only the time left and, stopped by it, raises
    CheckTimeoutError (SOLVING) rather than answering unknown.
    """
    if deadline is None:
        answer = solver.check(*assumptions)
    else:
        answer = within(deadline, solver, lambda: solver.check(*assumptions))
    if answer == z3.sat:
        return Decision(Verdict.REACHABLE, model=solver.model())
    if answer == z3.unsat:
        return Decision(Verdict.UNREACHABLE)
    reason = solver.reason_unknown() or "unknown"
    if reason in ("timeout", "canceled", "max. resource limit exceeded"):
        reason = f"solver gave up ({reason})"
    return Decision(Verdict.UNKNOWN, reason=reason)


def push(solver: z3.Solver, deadline: Deadline | None = None) -> None:
    """`solver.push()`, stopped at `deadline` (CheckTimeoutError, SOLVING).

    The first push hands every assertion to Z3's simplifier, which no solver timeout covers:
    at a 256-entry ring that alone was 13 s of a `--timeout 2` check.
    """
    if deadline is None:
        solver.push()
    else:
        within(deadline, solver, solver.push)


def pop_unless_expired(solver: z3.Solver, deadline: Deadline | None) -> None:
    """`solver.pop()`, unless `deadline` has passed."""
    # Past the deadline the solver's context may have been interrupted and refuse the pop;
    # the solver is dropped with the rest of the variant anyway.
    if deadline is None or not deadline.expired():
        solver.pop()


def within(deadline: Deadline, solver: z3.Solver, call: Callable[[], Answer]) -> Answer:
    """Run one blocking Z3 call on `solver`, interrupted when `deadline` passes.

    A timer interrupts the solver's context at the deadline: Z3 polls for that in its
    simplifier as well as in its search, and stops within ~0.2 s (measured at a 128-entry
    ring). Once the timer has fired the context may refuse further work, so whatever the call
    answered, the caller gets CheckTimeoutError (SOLVING) and drops the context.
    """
    deadline.check(Phase.SOLVING)
    interrupt = _Interrupt(solver.ctx)
    timer = threading.Timer(deadline.remaining(), interrupt.fire)
    timer.daemon = True
    timer.start()
    try:
        answer = call()
    except z3.Z3Exception:
        if interrupt.disarm():
            raise deadline.exceeded(Phase.SOLVING) from None
        raise
    finally:
        timer.cancel()
    if interrupt.disarm():
        raise deadline.exceeded(Phase.SOLVING)
    return answer


class _Interrupt:
    """Interrupts a Z3 context once, unless disarmed first; says whether it did."""

    def __init__(self, context: z3.Context) -> None:
        self.context = context
        self.lock = threading.Lock()
        self.armed = True
        self.fired = False

    def fire(self) -> None:
        with self.lock:
            if self.armed:
                self.fired = True
                self.context.interrupt()

    def disarm(self) -> bool:
        """Stop any later interrupt; True when one already happened."""
        with self.lock:
            self.armed = False
            return self.fired


@frozen
class CoreDecision:
    """A decision under named assumptions; when UNREACHABLE, the assumptions that sufficed."""

    decision: Decision
    core: tuple[z3.BoolRef, ...] = ()


def decide_with_core(solver: z3.Solver, assumptions: Sequence[z3.BoolRef]) -> CoreDecision:
    """Check under `assumptions` (Boolean literals); on unsat, return Z3's unsat core of them.

    The core is a subset of the assumptions that is unsat together with the solver's
    constraints; it need not be minimal (callers minimise it by deletion).
    """
    decision = decide(solver, assumptions)
    if decision.verdict is not Verdict.UNREACHABLE:
        return CoreDecision(decision)
    chosen = {literal.get_id() for literal in solver.unsat_core()}
    return CoreDecision(
        decision, tuple(literal for literal in assumptions if literal.get_id() in chosen)
    )
