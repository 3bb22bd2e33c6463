"""Read final states and executions out of models, and enumerate every reachable final state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import z3

from ringlitmus import ir
from ringlitmus.deadline import CheckTimeoutError, Deadline
from ringlitmus.encode.execution import Execution, final_value
from ringlitmus.encode.readback import model_integer, model_truth
from ringlitmus.encode.solver import Verdict, decide, pop_unless_expired, push
from ringlitmus.encode.terms import Cond, assert_all, mk_compare, mk_or


def read_state(
    execution: Execution, model: z3.ModelRef, labels: dict[str, ir.Term]
) -> dict[str, int]:
    """The final value of every labelled term in `model`."""
    state: dict[str, int] = {}
    for label, term in labels.items():
        value = final_value(execution, term)
        # Every unsolved value is reported alike (herd's S8, S12...: its names are its own).
        state[label] = min(model_integer(model, value), ir.UNSOLVED)
    return state


def describe_execution(execution: Execution, model: z3.ModelRef) -> dict[str, list[str]]:
    """The rf edges and coherence orders chosen by `model`, in words, with values.

    rf: `init:W x=0 -rf-> P1:R x=0`. co: `x: init:0 -co-> P0:1 -co-> P1:0`, each write named
    by its thread and value, so a write of the initial value again never reads as a cycle.
    """
    structure = execution.structure
    names = structure.cells

    def thread_of(event_id: int) -> str:
        event = structure.events[event_id]
        return structure.thread_names[event.thread] if event.thread >= 0 else "init"

    def written(write_id: int) -> int:
        return model_integer(model, execution.value(structure.events[write_id]))

    def where(event_id: int, value: int) -> str:
        address = model_integer(model, execution.addresses[event_id])
        cell = names.get(address, hex(address))
        return f"{thread_of(event_id)}:{structure.events[event_id].kind.value} {cell}={value}"

    rf = [
        f"{where(w, written(w))} -rf-> {where(r, written(w))}"
        for (w, r), variable in execution.rf.items()
        if model_truth(model, variable)
    ]
    orders: dict[str, list[tuple[int, int]]] = {}
    for write_id, clock in execution.clocks.items():
        if not model_truth(model, execution.executes[write_id]):
            continue
        address = model_integer(model, execution.addresses[write_id])
        position = model_integer(model, clock)
        orders.setdefault(names.get(address, hex(address)), []).append((position, write_id))
    co = []
    for cell, writes in sorted(orders.items()):
        chain = [f"{thread_of(w)}:{written(w)}" for _, w in sorted(writes)]
        co.append(f"{cell}: " + " -co-> ".join(chain))
    return {"rf": rf, "co": co}


def enumerate_states(
    execution: Execution,
    solver: z3.Solver,
    labels: dict[str, ir.Term],
    limit: int,
    deadline: Deadline | None = None,
    sightings: Sightings | None = None,
) -> tuple[tuple[dict[str, int], ...], bool]:
    """Every reachable final state of the labelled terms (blocking clauses), sorted by their
    values in label order; complete flag (False when the limit, the solver or `deadline`
    stopped the enumeration). Each state's execution is shown to `sightings`."""
    states: list[dict[str, int]] = []
    try:
        push(solver, deadline)
    except CheckTimeoutError:
        return (), False
    try:
        values = {label: final_value(execution, term) for label, term in labels.items()}
        while len(states) < limit:
            try:
                decision = decide(solver, deadline=deadline)
            except CheckTimeoutError:
                return tuple(states), False
            if decision.model is None:
                return _in_order(states), decision.verdict is Verdict.UNREACHABLE
            state = read_state(execution, decision.model, labels)
            states.append(state)
            if sightings is not None:
                sightings.look(execution, decision.model, state)
            # The terms `z3.Or(value != seen, ...)` builds, without the wrappers' coercions.
            blocking = [
                mk_compare(ir.CmpOp.LT, values[label], ir.UNSOLVED)
                if state[label] == ir.UNSOLVED
                else mk_compare(ir.CmpOp.NE, values[label], state[label])
                for label in labels
                if not isinstance(values[label], int)
            ]
            if not blocking:
                break
            assert_all(solver, [mk_or(blocking)])
        else:
            return _in_order(states), False
        return _in_order(states), True
    finally:
        pop_unless_expired(solver, deadline)


def _in_order(states: list[dict[str, int]]) -> tuple[dict[str, int], ...]:
    """States sorted by their values, label by label: the solver finds them in no order."""
    return tuple(sorted(states, key=lambda state: tuple(state.values())))


@dataclass
class Sightings:
    """Which of some conditions the enumerated executions satisfy: for each of `targets` the
    first execution satisfying it (final state, rf and co), for each of `others` whether one
    does.

    Once the enumeration is complete every final state has been seen, and a condition over
    the labelled terms holds in some execution exactly when it holds in a seen one: its
    reachability needs no query of its own. Cut short, nothing may be concluded from what was
    not seen.
    """

    targets: Sequence[Cond]
    others: Sequence[Cond]
    witnesses: dict[int, tuple[dict[str, int], dict[str, list[str]]]] = field(default_factory=dict)
    satisfied: set[int] = field(default_factory=set)

    def look(self, execution: Execution, model: z3.ModelRef, state: dict[str, int]) -> None:
        """Note the conditions `model`'s execution (whose final state is `state`) satisfies."""
        for index, target in enumerate(self.targets):
            if index not in self.witnesses and model_truth(model, target):
                self.witnesses[index] = (dict(state), describe_execution(execution, model))
        for index, other in enumerate(self.others):
            if index not in self.satisfied and model_truth(model, other):
                self.satisfied.add(index)
