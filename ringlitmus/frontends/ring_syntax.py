"""The ring DSL as written: frozen syntax nodes with spans, before names, loops and calls resolve.

ring_tree.py builds these from ring.lark's parse tree once per file; ring_expand.py expands them
per variant into IR. Final conditions stay lark trees until ring_outcomes.py resolves them with
common.lark's ConditionTransformer, because only then are threads and registers known.
"""

from __future__ import annotations

from enum import Enum

from lark import Token, Tree

from ringlitmus import ir
from ringlitmus.errors import Span
from ringlitmus.frozen import frozen

# --------------------------------------------------------------------------- values


class OrderingWord(Enum):
    """An ordering as written in `<...>`, a param or a variant; `acq_rel` is for atomics only."""

    PLAIN = "plain"
    ACQUIRE = "acquire"
    ACQUIRE_PC = "acquire-pc"
    RELEASE = "release"
    ACQ_REL = "acq_rel"


@frozen
class Barrier:
    """A barrier choice (`dmb ishld`, `isb`), or no barrier at all (`none`, kind None)."""

    kind: ir.FenceKind | None


# --------------------------------------------------------------------------- expressions


@frozen
class PathPart:
    """One component of a name path: `gfn[i]` in `gfn[i].flags`."""

    name: str
    index: Expression | None
    span: Span | None


@frozen
class Path:
    """A name as written: a register, constant, location, parameter (`gfn[i].flags`, `r0`)."""

    parts: tuple[PathPart, ...]
    span: Span | None

    @property
    def text(self) -> str:
        """The path spelled back, indices elided (for messages)."""
        return ".".join(part.name + ("[...]" if part.index else "") for part in self.parts)


@frozen
class Number:
    """An integer literal."""

    value: int
    span: Span | None


@frozen
class AddressOf:
    """`&x`: the address of a location."""

    path: Path
    span: Span | None


@frozen
class Operation:
    """A C operator applied to one (`-`, `!`, `~`) or two operands, with C's precedence."""

    operator: str
    operands: tuple[Expression, ...]
    span: Span | None


@frozen
class Literal:
    """An ordering or barrier written as a value (a param's value, a call's argument)."""

    value: OrderingWord | Barrier
    span: Span | None


Expression = Number | Path | AddressOf | Operation
Value = Expression | Literal

# --------------------------------------------------------------------------- statements


@frozen
class Dereference:
    """`*r0`, `*(r0 + 8)`: the location at the address an expression computes."""

    address: Expression
    span: Span | None

    @property
    def text(self) -> str:
        """For messages."""
        return "*address"


# What an access names: a location by name, or through a pointer.
Location = Path | Dereference


@frozen
class OrderingChoice:
    """The ordering of an access: written out, or the name of a param to look up per variant."""

    word: OrderingWord | None
    parameter: str | None
    span: Span | None


@frozen
class Assign:
    """`r = expression`."""

    target: Path
    value: Expression
    span: Span | None


@frozen
class Load:
    """`r = load<ordering> location` and its spellings (`load-acq`, `READ_ONCE`, ...)."""

    target: Path
    location: Location
    ordering: OrderingChoice
    span: Span | None


@frozen
class Store:
    """`store<ordering> location = value` and its spellings (`store-rel`, `WRITE_ONCE`, ...)."""

    location: Location
    value: Expression
    ordering: OrderingChoice
    span: Span | None


@frozen
class Atomic:
    """`r = xchg<ordering> location, value` (cas has two values); no target drops the result."""

    target: Path | None
    operation: str
    ordering: OrderingChoice | None
    location: Location
    operands: tuple[Expression, ...]
    span: Span | None


@frozen
class FenceStatement:
    """`dmb ish`, `smp_mb()`, or `fence<param>` (parameter set, barrier None)."""

    barrier: Barrier | None
    parameter: str | None
    span: Span | None


@frozen
class Word:
    """A bare word in a call: a literal word of the procedure's pattern, or an argument."""

    path: Path


@frozen
class Argument:
    """An argument a call cannot mistake for a word: a number, `&x`, `(expression)`, an ordering."""

    value: Value


@frozen
class Call:
    """`ioctl reset gfn2 using harvested`: a procedure call, matched against procedure patterns."""

    items: tuple[Word | Argument, ...]
    span: Span | None


@frozen
class If:
    """`if condition { ... } else { ... }`."""

    condition: Expression
    then: tuple[Statement, ...]
    otherwise: tuple[Statement, ...] | None
    span: Span | None


@frozen
class For:
    """`for i in first..last { ... }` (inclusive), unrolled."""

    variable: str
    first: Expression
    last: Expression
    body: tuple[Statement, ...]
    span: Span | None


@frozen
class Break:
    """`break`: jump past the innermost `for`."""

    span: Span | None


Statement = Assign | Load | Store | Atomic | FenceStatement | Call | If | For | Break

# --------------------------------------------------------------------------- top-level items


@frozen
class TestName:
    """`test "name"`."""

    name: str
    span: Span | None


@frozen
class Include:
    """`include "file"`, relative to the including file."""

    path: str
    span: Span | None


@frozen
class Definition:
    """`const NAME = value` (is_param False) or `param NAME = value`."""

    name: str
    value: Value
    is_param: bool
    span: Span | None


@frozen
class LocationDefinition:
    """`gfn2.flags = 0`."""

    path: Path
    initial: Expression
    span: Span | None


@frozen
class ArrayDefinition:
    """`array ring[N] = 0` or `= {1, 2}`; `initial` None means all zero."""

    name: str
    size: Expression
    initial: Expression | tuple[Expression, ...] | None
    span: Span | None


@frozen
class Field:
    """`flags = 0` in a struct definition or instance."""

    name: str
    initial: Expression | None
    span: Span | None


@frozen
class StructDefinition:
    """`struct kvm_dirty_gfn { flags = 0, slot, offset }`."""

    name: str
    fields: tuple[Field, ...]
    span: Span | None


@frozen
class StructInstance:
    """`struct kvm_dirty_gfn gfn2`, `struct kvm_dirty_gfn gfn[N] = { flags = RESET }`."""

    struct: str
    name: str
    count: Expression | None
    overrides: tuple[Field, ...]
    span: Span | None


@frozen
class Procedure:
    """`proc ioctl reset(e) using(order) { ... }`: a pattern of words (str) and parameter lists."""

    pattern: tuple[str | tuple[str, ...], ...]
    body: tuple[Statement, ...]
    span: Span | None

    @property
    def signature(self) -> str:
        """The pattern spelled back: `ioctl reset(e) using(order)`."""
        words = [w if isinstance(w, str) else "(" + ", ".join(w) + ")" for w in self.pattern]
        return " ".join(words).replace(" (", "(")

    @property
    def parameters(self) -> tuple[str, ...]:
        """Parameter names in order."""
        return tuple(name for part in self.pattern if isinstance(part, tuple) for name in part)


@frozen
class ThreadDefinition:
    """`thread CPU1 "description" { ... }` or its one-line form."""

    name: str
    description: str | None
    body: tuple[Statement, ...]
    span: Span | None


@frozen
class VariantDefinition:
    """`variant after { harvested = acquire }`."""

    name: str
    settings: tuple[tuple[str, Value, Span | None], ...]
    span: Span | None


@frozen
class Quantifier:
    """`any i in 0..N-1:` (or `all`) in front of an outcome's condition."""

    every: bool
    variable: str
    first: Expression
    last: Expression
    span: Span | None


@frozen
class OutcomeDefinition:
    """`forbidden NAME: condition`; the condition is common.lark's tree, resolved later."""

    kind: ir.OutcomeKind
    name: str
    quantifiers: tuple[Quantifier, ...]
    condition: Tree[Token]
    span: Span | None


@frozen
class ExpectationDefinition:
    """`expect before, after under lkmm: lost_page reachable`; no variants means every
    variant, no models every model."""

    variants: tuple[str, ...] | None
    outcomes: tuple[str, ...]
    status: ir.Reachability
    span: Span | None
    models: tuple[str, ...] | None = None


@frozen
class ModelFilter:
    """`under lkmm, sc` in an expectation."""

    models: tuple[str, ...]


Item = (
    TestName
    | Include
    | Definition
    | LocationDefinition
    | ArrayDefinition
    | StructDefinition
    | StructInstance
    | Procedure
    | ThreadDefinition
    | VariantDefinition
    | OutcomeDefinition
    | ExpectationDefinition
)
