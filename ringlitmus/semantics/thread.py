"""Symbolic execution of one thread along all its (forward-only) paths at once."""

from __future__ import annotations

from collections.abc import Collection

from ringlitmus import ir
from ringlitmus.deadline import Deadline, Phase, check_deadline
from ringlitmus.errors import Span, UnsupportedInstructionError
from ringlitmus.semantics.accesses import CtrlRow, MemoryAccesses
from ringlitmus.semantics.events import (
    EventKind,
    EventStructure,
    Provenance,
    constant_value,
)
from ringlitmus.semantics.liveness import live_after_labels
from ringlitmus.semantics.locks import LockAccesses
from ringlitmus.semantics.registers import RegisterState, StoreRecord, merge_provenance, union
from ringlitmus.symbolic import (
    All,
    AnyOf,
    Block,
    Guard,
    arith,
    cmp,
    conjoin,
    disjoin,
    ite,
    negate,
)

# Path conditions longer than this many conjuncts get a name where paths join.
SHORT_GUARD = 3


class ThreadRunner(MemoryAccesses, LockAccesses):
    """Symbolic execution of one thread along all its paths at once."""

    def __init__(
        self,
        structure: EventStructure,
        index: int,
        thread: ir.Thread,
        bases: dict[str, int],
        observed: Collection[str] | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        """`observed`: the registers whose final values the test reads (None: every one);
        `deadline`: when to stop (CheckTimeoutError), checked at every instruction."""
        self.structure = structure
        self.index = index
        self.thread = thread
        self.bases = bases
        self.guard: Guard = True
        self.registers: dict[str, RegisterState] = {}
        self.initial_states: dict[str, RegisterState] = {}
        self.blocks = 0
        self.initial: dict[str, ir.Expr] = dict(thread.registers)
        self.pending: dict[str, list[tuple[Guard, dict[str, RegisterState]]]] = {}
        self.ctrl: Provenance = {}
        self.pick_ctrl: Provenance = {}
        # Labels that end a C `if`, with the control dependencies to restore there.
        self.ctrl_scopes: dict[str, tuple[Provenance, Provenance]] = {}
        self.ctrl_rows: dict[int, CtrlRow] = {}
        self.stores: list[StoreRecord] = []
        self.store_positions: dict[int | None, list[int]] = {}
        self.exclusive_load: list[tuple[int, Guard]] = []
        self.conjunctions: dict[tuple[int, int], tuple[Guard, Guard, Guard]] = {}
        self.closures: dict[Guard, frozenset[Guard]] = {}
        self.observed = observed
        self.deadline = deadline
        # Registers nothing reads after a label are not merged there (liveness.py).
        self.live_after = None if observed is None else live_after_labels(thread, observed)

    def read_register(self, name: str, span: Span | None) -> RegisterState:
        if name not in self.registers:
            self.registers[name] = self._initial_state(name)
        return self.registers[name]

    def evaluate(self, expr: ir.Expr, span: Span | None) -> RegisterState:
        """Value and provenance of an expression over this thread's registers."""
        if isinstance(expr, ir.Const):
            return RegisterState(expr.value, {}, {})
        if isinstance(expr, ir.Address):
            return RegisterState(constant_value(expr, self.bases, span), {}, {})
        if isinstance(expr, ir.Reg):
            return self.read_register(expr.name, span)
        left = self.evaluate(expr.left, span)
        right = self.evaluate(expr.right, span)
        return RegisterState(
            arith(expr.op, left.value, right.value),
            union(left.deps, right.deps),
            union(left.pick, right.pick),
        )

    def condition(self, condition: ir.Condition, span: Span | None) -> RegisterState:
        """A branch or select condition as a guard (in `value`) with its provenance."""
        if isinstance(condition, ir.Truth):
            return RegisterState(condition.value, {}, {})  # type: ignore[arg-type]
        if isinstance(condition, ir.Compare):
            left = self.evaluate(condition.left, span)  # type: ignore[arg-type]
            right = self.evaluate(condition.right, span)  # type: ignore[arg-type]
            guard = cmp(condition.op, left.value, right.value)
            return RegisterState(
                guard,
                union(left.deps, right.deps),
                union(left.pick, right.pick),  # type: ignore[arg-type]
            )
        parts = [self.condition(operand, span) for operand in condition.operands]
        guards = [part.value for part in parts]
        if condition.op is ir.BoolOpKind.NOT:
            guard: Guard = negate(guards[0])  # type: ignore[arg-type]
        elif condition.op is ir.BoolOpKind.AND:
            guard = conjoin(*guards)  # type: ignore[arg-type]
        else:
            guard = disjoin(*guards)  # type: ignore[arg-type]
        return RegisterState(
            guard,  # type: ignore[arg-type]
            union(*(part.deps for part in parts)),
            union(*(part.pick for part in parts)),
        )

    def run(self) -> None:
        for position, instruction in enumerate(self.thread.instructions):
            check_deadline(self.deadline, Phase.SYMBOLIC_EXECUTION)
            if isinstance(instruction, ir.Label):
                self.join(instruction.name)
                continue
            if self.guard is False:
                continue
            self.step(position, instruction)
        if self.pending:
            label = next(iter(self.pending))
            raise UnsupportedInstructionError(
                f"branch to label '{label}' which does not follow it in thread "
                f"{self.thread.name} (only forward branches are supported)",
                self.thread.span,
            )
        for name in sorted(self.all_register_names()):
            if self.observed is not None and name not in self.observed:
                continue  # not merged where paths joined: its value here is not its own
            state = self.read_register(name, self.thread.span)
            self.structure.final_registers[(self.thread.name, name)] = state.value

    def all_register_names(self) -> set[str]:
        names = set(self.registers) | set(self.initial)
        for instruction in self.thread.instructions:
            for attribute in ("dest", "status"):
                name = getattr(instruction, attribute, None)
                if name is not None:
                    names.add(name)
        return names

    def join(self, label: str) -> None:
        scope = self.ctrl_scopes.pop(label, None)
        if scope is not None:
            self.ctrl, self.pick_ctrl = scope
            self.ctrl_rows.clear()
        incoming = [(self.guard, self.registers), *self.pending.pop(label, [])]
        incoming = [(guard, state) for guard, state in incoming if guard is not False]
        if not incoming:
            self.guard = False
            return
        self.guard = self.name_path(label, disjoin(*(guard for guard, _ in incoming)))
        if len(incoming) == 1:
            self.registers = incoming[0][1]
            return
        # In first-seen order: the same program gives the same terms in every process.
        names = dict.fromkeys(name for _, state in incoming for name in state)
        if self.live_after is not None:
            live = self.live_after[label]
            names = {name: None for name in names if name in live}
        merged: dict[str, RegisterState] = {}
        for name in names:
            merged[name] = self._merge_register(
                label,
                [
                    (guard, state.get(name) or self._initial_state(name))
                    for guard, state in incoming
                ],
            )
        self.registers = merged

    def _merge_register(
        self, label: str, states: list[tuple[Guard, RegisterState]]
    ) -> RegisterState:
        """One register's state where paths join: an ite over the distinct incoming states.

        Most registers arrive unchanged along every path (the same object); grouping by
        identity keeps them as they are instead of building an ite per incoming edge.
        """
        groups: dict[int, tuple[list[Guard], RegisterState]] = {}
        for guard, state in states:
            groups.setdefault(id(state), ([], state))[0].append(guard)
        if len(groups) == 1:
            return states[0][1]
        distinct = [(self.any_edge(label, guards), state) for guards, state in groups.values()]
        value = distinct[-1][1].value
        for guard, state in reversed(distinct[:-1]):
            value = ite(guard, state.value, value)
        return RegisterState(
            value,
            merge_provenance(*((g, state.deps) for g, state in distinct), name=self.shorten),
            merge_provenance(*((g, state.pick) for g, state in distinct), name=self.shorten),
        )

    def any_edge(self, label: str, guards: list[Guard]) -> Guard:
        """ "One of these incoming edges was taken", named when there are many of them.

        Simplifying a disjunction of many edges (the `break`s of a loop) costs more than it
        saves: it is only needed as a condition, so it becomes one named block.
        """
        if len(guards) <= 2:
            return disjoin(*guards)
        if any(guard is True for guard in guards):
            return True
        self.blocks += 1
        return Block(f"{self.thread.name}:{label}:{self.blocks}", AnyOf(tuple(guards)))

    def shorten(self, guard: Guard) -> Guard:
        """A long conjunction or any disjunction as a named block; anything else as it is."""
        if isinstance(guard, All) and len(guard.operands) > SHORT_GUARD:
            self.blocks += 1
            return Block(f"{self.thread.name}:dep:{self.blocks}", guard)
        return guard

    def name_path(self, label: str, guard: Guard) -> Guard:
        """Name a join point's path condition once it stops being a short conjunction."""
        if isinstance(guard, bool | Block) or (
            isinstance(guard, All) and len(guard.operands) <= SHORT_GUARD
        ):
            return guard
        if not isinstance(guard, All | AnyOf):
            return guard
        return Block(f"{self.thread.name}:{label}", guard)

    def _initial_state(self, name: str) -> RegisterState:
        if name not in self.initial_states:
            initial = self.initial.get(name, ir.Const(0))
            self.initial_states[name] = RegisterState(
                constant_value(initial, self.bases, self.thread.span), {}, {}
            )
        return self.initial_states[name]

    def step(self, position: int, instruction: ir.Instruction) -> None:
        span = instruction.span
        if isinstance(instruction, ir.Assign):
            self.registers[instruction.dest] = self.evaluate(instruction.value, span)
        elif isinstance(instruction, ir.Select):
            self.select(instruction)
        elif isinstance(instruction, ir.Load):
            self.load(position, instruction)
        elif isinstance(instruction, ir.Store):
            self.store(position, instruction)
        elif isinstance(instruction, ir.Rmw):
            self.rmw(position, instruction)
        elif isinstance(instruction, ir.Fence):
            # Only synchronize_srcu() names a location: its srcu_struct.
            address = 0
            if instruction.address is not None:
                address = self.evaluate(instruction.address, span).value  # type: ignore[assignment]
            self.event(
                EventKind.FENCE, address, 0, position, set(), fence=instruction.kind, span=span
            )
        elif isinstance(instruction, ir.Lock):
            self.lock_operation(position, instruction)
        elif isinstance(instruction, ir.Branch):
            self.branch(instruction)

    def select(self, instruction: ir.Select) -> None:
        span = instruction.span
        condition = self.condition(instruction.condition, span)
        chosen_if = condition.value
        when_true = self.evaluate(instruction.if_true, span)
        when_false = self.evaluate(instruction.if_false, span)
        guard_true: Guard = chosen_if  # type: ignore[assignment]
        guard_false = negate(guard_true)
        deps = merge_provenance((guard_true, when_true.deps), (guard_false, when_false.deps))
        if instruction.condition_is_data:
            deps = union(deps, condition.deps)
        self.registers[instruction.dest] = RegisterState(
            ite(guard_true, when_true.value, when_false.value),
            deps,
            union(
                merge_provenance((guard_true, when_true.pick), (guard_false, when_false.pick)),
                condition.pick,
            ),
        )

    def branch(self, instruction: ir.Branch) -> None:
        if instruction.condition is None:
            taken: Guard = self.guard
        else:
            condition = self.condition(instruction.condition, instruction.span)
            self.structure.branches.append((self.guard, condition.value))  # type: ignore[arg-type]
            if instruction.ctrl_until is not None:
                self.ctrl_scopes.setdefault(
                    instruction.ctrl_until, (dict(self.ctrl), dict(self.pick_ctrl))
                )
            self.ctrl_rows.clear()  # the control dependencies change here
            for source, guard in condition.deps.items():
                self.ctrl[source] = disjoin(
                    self.ctrl.get(source, False), conjoin(self.guard, guard)
                )
            for source, guard in condition.pick.items():
                self.pick_ctrl[source] = disjoin(
                    self.pick_ctrl.get(source, False), conjoin(self.guard, guard)
                )
            taken = conjoin(self.guard, condition.value)  # type: ignore[arg-type]
        if taken is not False:
            self.pending.setdefault(instruction.target, []).append((taken, dict(self.registers)))
        if instruction.condition is None:
            self.guard = False
        else:
            # Name the fall-through path once it grows: a loop with `break`s would otherwise
            # give its n-th iteration's events an n-conjunct guard.
            self.blocks += 1
            self.guard = self.name_path(
                f"not-taken:{self.blocks}",
                conjoin(self.guard, negate(condition.value)),  # type: ignore[arg-type]
            )
