"""Expand one ring-DSL thread into IR instructions: calls inlined, loops unrolled, ifs as branches.

Expansion happens per variant, so a `load<harvested>` becomes the variant's ordering. Spans: an
instruction written in the thread carries its own span; one that comes from a procedure body
carries the span of the call in the thread (the line the reader wrote), while errors inside a
body point at the body and say where the procedure was called.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ringlitmus import ir
from ringlitmus.deadline import Deadline, Phase, check_deadline
from ringlitmus.errors import (
    LitmusError,
    LitmusSyntaxError,
    Span,
    TypeMismatchError,
    UnsupportedInstructionError,
)
from ringlitmus.frontends.build import check_branches
from ringlitmus.frontends.ring_calls import match_call
from ringlitmus.frontends.ring_names import Names, Resolver, Scope
from ringlitmus.frontends.ring_syntax import (
    AddressOf,
    Argument,
    Assign,
    Atomic,
    Barrier,
    Break,
    Call,
    FenceStatement,
    For,
    If,
    Literal,
    Load,
    OrderingChoice,
    OrderingWord,
    Path,
    Procedure,
    Statement,
    Store,
    ThreadDefinition,
    Word,
)
from ringlitmus.frontends.ring_values import (
    Bound,
    ExpressionValue,
    NameValue,
    negate,
    with_context,
)
from ringlitmus.frozen import frozen

# Bounds on unrolling, so that `for i in 0..1000000000` is an error, not a hang. A litmus test
# with more events than this is far beyond what a solver answers anyway.
MAX_ITERATIONS = 10_000
MAX_STEPS = 100_000
MAX_CALL_DEPTH = 50

_LOAD_ORDERINGS = {
    OrderingWord.PLAIN: ir.Ordering.PLAIN,
    OrderingWord.ACQUIRE: ir.Ordering.ACQUIRE,
    OrderingWord.ACQUIRE_PC: ir.Ordering.ACQUIRE_PC,
}
_STORE_ORDERINGS = {
    OrderingWord.PLAIN: ir.Ordering.PLAIN,
    OrderingWord.RELEASE: ir.Ordering.RELEASE,
}
# (acquire, release) of an atomic: LDAPR has no read-modify-write form, so no acquire-pc.
_ATOMIC_ORDERINGS = {
    OrderingWord.PLAIN: (False, False),
    OrderingWord.ACQUIRE: (True, False),
    OrderingWord.RELEASE: (False, True),
    OrderingWord.ACQ_REL: (True, True),
}
_ATOMIC_OPERATIONS = {
    "xchg": ir.RmwOp.SWP,
    "swp": ir.RmwOp.SWP,
    "cas": ir.RmwOp.CAS,
    "fetch_add": ir.RmwOp.ADD,
    "fetch_or": ir.RmwOp.SET,
    "fetch_xor": ir.RmwOp.EOR,
    "fetch_andnot": ir.RmwOp.CLR,
}


@dataclass
class _Loop:
    """A `for` being unrolled: its exit label, and whether a `break` jumps there or ended it."""

    exit: str
    branch_depth: int
    exit_used: bool = False
    # A `break` outside any branch of the loop's body: nothing after it is unrolled.
    stopped: bool = False


@frozen
class _Frame:
    """Where expansion is: the scope, the call site instructions take their span from, the calls."""

    scope: Scope
    site: Span | None
    calls: tuple[Procedure, ...]


class ThreadExpander:
    """Expands one thread definition for one variant."""

    def __init__(
        self,
        definition: ThreadDefinition,
        names: Names,
        procedures: Sequence[Procedure],
        deadline: Deadline | None = None,
    ) -> None:
        """Past `deadline` (checked at every step), expanding raises CheckTimeoutError."""
        self._definition = definition
        self._deadline = deadline
        self._procedures = procedures
        self.registers: dict[str, Span | None] = {}
        self._resolver = Resolver(names, self.registers)
        self._instructions: list[ir.Instruction] = []
        self._loops: list[_Loop] = []
        self._branch_depth = 0
        self._labels = 0
        self._steps = 0
        self._failing: Procedure | None = None
        # Matching a call against the patterns depends on its words only: once per call.
        self._matches: dict[int, tuple[Procedure, list[Word | Argument]]] = {}

    def expand(self) -> ir.Thread:
        """The thread in IR; `registers` then holds every register it writes."""
        definition = self._definition
        self._statements(definition.body, _Frame(Scope(), None, ()))
        check_branches(definition.name, self._instructions)
        return ir.Thread(
            definition.name,
            tuple(self._instructions),
            description=definition.description,
            span=definition.span,
        )

    # ----------------------------------------------------------------- statements

    def _statements(self, statements: Sequence[Statement], frame: _Frame) -> None:
        for statement in statements:
            self._step(statement.span)
            self._statement(statement, frame)
            if self._loops and self._loops[-1].stopped:
                return

    def _step(self, span: Span | None) -> None:
        """Count one statement or loop iteration: a thread that never ends expanding is an error."""
        self._steps += 1
        check_deadline(self._deadline, Phase.EXPANDING)
        if self._steps > MAX_STEPS:
            raise UnsupportedInstructionError(
                f"thread {self._definition.name} expands to more than {MAX_STEPS} steps", span
            )

    def _statement(self, statement: Statement, frame: _Frame) -> None:
        span = frame.site or statement.span
        resolve = self._resolver
        scope = frame.scope
        if isinstance(statement, Assign):
            value = resolve.expression(statement.value, scope)
            self._emit(ir.Assign(self._target(statement.target, scope), value, span))
        elif isinstance(statement, Load):
            address = resolve.location(statement.location, scope)[0]
            ordering = self._ordering(statement.ordering, scope, _LOAD_ORDERINGS, "a load")
            dest = self._target(statement.target, scope)
            self._emit(ir.Load(dest, address, ordering, span=span))
        elif isinstance(statement, Store):
            address = resolve.location(statement.location, scope)[0]
            value = resolve.expression(statement.value, scope)
            ordering = self._ordering(statement.ordering, scope, _STORE_ORDERINGS, "a store")
            self._emit(ir.Store(address, value, ordering, span=span))
        elif isinstance(statement, Atomic):
            self._atomic(statement, scope, span)
        elif isinstance(statement, FenceStatement):
            barrier = statement.barrier
            if barrier is None:
                assert statement.parameter is not None
                chosen = resolve.choice(statement.parameter, scope, statement.span, "a barrier")
                if not isinstance(chosen, Barrier):
                    raise TypeMismatchError(
                        f"'{statement.parameter}' is an ordering, not a barrier", statement.span
                    )
                barrier = chosen
            if barrier.kind is not None:
                self._emit(ir.Fence(barrier.kind, span))
        elif isinstance(statement, If):
            self._if(statement, frame)
        elif isinstance(statement, For):
            self._for(statement, frame)
        elif isinstance(statement, Break):
            self._break(statement, span)
        else:
            self._call(statement, frame)

    def _emit(self, instruction: ir.Instruction) -> None:
        self._instructions.append(instruction)

    def _target(self, path: Path, scope: Scope) -> str:
        """The register `path` names, now recorded as written."""
        register = self._resolver.register(path, scope)
        self.registers.setdefault(register, path.span)
        return register

    def _ordering(
        self,
        choice: OrderingChoice,
        scope: Scope,
        allowed: dict[OrderingWord, ir.Ordering],
        what: str,
    ) -> ir.Ordering:
        word = self._ordering_word(choice, scope)
        if word not in allowed:
            names = ", ".join(w.value for w in allowed)
            raise TypeMismatchError(
                f"{what} cannot be {word.value} (it can be {names})", choice.span
            )
        return allowed[word]

    def _ordering_word(self, choice: OrderingChoice, scope: Scope) -> OrderingWord:
        if choice.word is not None:
            return choice.word
        assert choice.parameter is not None
        chosen = self._resolver.choice(choice.parameter, scope, choice.span)
        if not isinstance(chosen, OrderingWord):
            raise TypeMismatchError(
                f"'{choice.parameter}' is a barrier, not an ordering", choice.span
            )
        return chosen

    def _atomic(self, statement: Atomic, scope: Scope, span: Span | None) -> None:
        acquire = release = False
        if statement.ordering is not None:
            word = self._ordering_word(statement.ordering, scope)
            if word not in _ATOMIC_ORDERINGS:
                raise TypeMismatchError(
                    f"an atomic cannot be {word.value} (it can be plain, acquire, release or "
                    "acq_rel)",
                    statement.ordering.span,
                )
            acquire, release = _ATOMIC_ORDERINGS[word]
        address = self._resolver.location(statement.location, scope)[0]
        values = [self._resolver.expression(value, scope) for value in statement.operands]
        expected = values[0] if len(values) == 2 else None
        dest = self._target(statement.target, scope) if statement.target else None
        operation = _ATOMIC_OPERATIONS[statement.operation]
        self._emit(ir.Rmw(operation, dest, address, values[-1], expected, acquire, release, span))

    # ----------------------------------------------------------------- control flow

    def _label(self, kind: str) -> str:
        self._labels += 1
        return f"{kind}{self._labels}"

    def _if(self, statement: If, frame: _Frame) -> None:
        condition = self._resolver.condition(statement.condition, frame.scope)
        if isinstance(condition, bool):  # decided now: no branch, so no control dependency
            chosen = statement.then if condition else statement.otherwise
            self._statements(chosen or (), frame)
            return
        span = frame.site or statement.span
        only_break = len(statement.then) == 1 and isinstance(statement.then[0], Break)
        if only_break and statement.otherwise is None and self._loops:
            self._loops[-1].exit_used = True
            self._emit(ir.Branch(condition, self._loops[-1].exit, span))
            return
        name = self._label("if")
        skip = f"{name}.else" if statement.otherwise is not None else f"{name}.end"
        inverse = negate(condition)
        assert not isinstance(inverse, bool)
        self._emit(ir.Branch(inverse, skip, span))
        self._branch_depth += 1
        self._statements(statement.then, frame)
        if statement.otherwise is not None:
            self._emit(ir.Branch(None, f"{name}.end", span))
            self._emit(ir.Label(skip, span))
            self._statements(statement.otherwise, frame)
        self._branch_depth -= 1
        self._emit(ir.Label(f"{name}.end", span))

    def _for(self, statement: For, frame: _Frame) -> None:
        resolve, scope = self._resolver, frame.scope
        first = resolve.number(statement.first, scope, "a loop bound")
        last = resolve.number(statement.last, scope, "a loop bound")
        if last - first + 1 > MAX_ITERATIONS:
            raise UnsupportedInstructionError(
                f"loop of {last - first + 1} iterations: at most {MAX_ITERATIONS} are unrolled",
                statement.span,
            )
        loop = _Loop(f"{self._label('for')}.end", self._branch_depth)
        self._loops.append(loop)
        for value in range(first, last + 1):
            self._step(statement.span)
            body = _Frame(scope.with_binding(statement.variable, value), frame.site, frame.calls)
            self._statements(statement.body, body)
            if loop.stopped:
                break
        self._loops.pop()
        if loop.exit_used:
            self._emit(ir.Label(loop.exit, frame.site or statement.span))

    def _break(self, statement: Break, span: Span | None) -> None:
        if not self._loops:
            raise LitmusSyntaxError("`break` outside a `for` loop", statement.span)
        loop = self._loops[-1]
        if self._branch_depth == loop.branch_depth:
            loop.stopped = True
            return
        loop.exit_used = True
        self._emit(ir.Branch(None, loop.exit, span))

    # ----------------------------------------------------------------- calls

    def _call(self, call: Call, frame: _Frame) -> None:
        if id(call) not in self._matches:
            self._matches[id(call)] = match_call(call, self._procedures)
        procedure, arguments = self._matches[id(call)]
        if any(active is procedure for active in frame.calls):
            raise UnsupportedInstructionError(
                f"`{procedure.signature}` calls itself: procedures are expanded in place, so "
                "recursion is not supported (a `for` loop can repeat code)",
                call.span,
            )
        if len(frame.calls) >= MAX_CALL_DEPTH:
            raise UnsupportedInstructionError(
                f"procedure calls nested deeper than {MAX_CALL_DEPTH}", call.span
            )
        bindings = {
            name: self._bind(argument, frame.scope)
            for name, argument in zip(procedure.parameters, arguments, strict=True)
        }
        inner = _Frame(Scope(bindings), frame.site or call.span, (*frame.calls, procedure))
        try:
            self._statements(procedure.body, inner)
        except LitmusError as error:
            # The error's span is in the innermost body; the message adds which procedure that
            # is and the call in the thread that led there.
            if self._failing is None:
                self._failing = procedure
            if frame.calls:
                raise
            innermost, self._failing = self._failing, None
            context = f"(in `{innermost.signature}`, called at {call.span})"
            raise with_context(error, context) from None

    def _bind(self, item: Word | Argument, scope: Scope) -> Bound:
        """A call argument's value, evaluated where the call is."""
        resolve = self._resolver
        if isinstance(item, Argument):
            value = item.value
            if isinstance(value, Literal):
                return value.value
            if isinstance(value, AddressOf):
                return ExpressionValue(resolve.location(value.path, scope)[0])
            if isinstance(value, Path):
                return self._bind(Word(value), scope)
            evaluated = resolve.expression(value, scope)
            return (
                evaluated.value if isinstance(evaluated, ir.Const) else ExpressionValue(evaluated)
            )
        # A word stays a name until the procedure uses it: `harvested` may be a register there
        # (into(harvested)) and a param elsewhere (using(harvested)).
        parts = resolve.parts(item.path, scope)
        if not isinstance(parts, tuple):
            return parts
        return NameValue(parts, item.path.text)
