"""Turn common.lark's condition rules into ir.Condition, resolving names through the front end.

A front end that `%import`s `condition` (and `term`) from common.lark merges these callbacks into
its own Transformer with `merge_condition_callbacks(transformer, file, resolve)`; lark names the
imported rules `common__...`, which is the prefix used here. Integers become `ir.Const` here;
every other term is handed to the front end's `resolve(term, side)` as a `WrittenTerm`, because
only the front end knows what `x`, `CPU1.slot` or `0:X0` denote.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar, cast

from lark import Token, Transformer, v_args
from lark.tree import Meta
from lark.visitors import merge_transformers

from ringlitmus import ir
from ringlitmus.errors import Span
from ringlitmus.frontends.build import parse_integer, span_of
from ringlitmus.frozen import frozen

TransformerType = TypeVar("TransformerType", bound=Transformer[Token, object])

# The grammar module name the rules are imported from, hence lark's prefix for them.
COMMON_PREFIX = "common"


class TermSide(Enum):
    """Where a term stands: herd reads a name on the right of `=` as an address (`0:X1=x`)."""

    LEFT = "left"
    RIGHT = "right"


@frozen
class WrittenTerm:
    """A non-integer term as written, before the front end resolves it.

    `path` is the dotted name split into names and indices: `gfn2.flags` -> ("gfn2", "flags"),
    `ring[3]` -> ("ring", 3), herd's `0:X0` -> ("X0",) with `thread=0`, `[x]` -> ("x",) with
    `bracketed=True`.
    """

    path: tuple[str | int, ...]
    thread: int | None = None
    bracketed: bool = False
    span: Span | None = None

    @property
    def text(self) -> str:
        """The term spelled back (for messages)."""
        name = ""
        for part in self.path:
            if isinstance(part, int):
                name += f"[{part}]"
            else:
                name += f".{part}" if name else part
        if self.thread is not None:
            return f"{self.thread}:{name}"
        return f"[{name}]" if self.bracketed else name


TermResolver = Callable[[WrittenTerm, TermSide], ir.Term]

_COMPARISONS = {
    "=": ir.CmpOp.EQ,
    "==": ir.CmpOp.EQ,
    "!=": ir.CmpOp.NE,
    "<": ir.CmpOp.LT,
    "<=": ir.CmpOp.LE,
    ">": ir.CmpOp.GT,
    ">=": ir.CmpOp.GE,
}


class ConditionTransformer(Transformer[Token, object]):
    """Callbacks for common.lark's condition and term rules."""

    def __init__(self, file: str, resolve: TermResolver) -> None:
        super().__init__()
        self._file = file
        self._resolve = resolve

    def resolve(self, term: ir.Const | WrittenTerm | ir.FinalArithmetic, side: TermSide) -> ir.Term:
        """An integer stays a Const; any other term goes to the front end's resolver."""
        if isinstance(term, WrittenTerm):
            return self._resolve(term, side)
        return term

    def disjunction(self, operands: list[ir.Condition]) -> ir.Condition:
        """`a \\/ b \\/ c` and `a || b`."""
        return ir.BoolOp(ir.BoolOpKind.OR, tuple(operands))

    def conjunction(self, operands: list[ir.Condition]) -> ir.Condition:
        """`a /\\ b /\\ c` and `a && b`."""
        return ir.BoolOp(ir.BoolOpKind.AND, tuple(operands))

    def negation(self, operands: list[ir.Condition]) -> ir.Condition:
        """`~a` and `!a`."""
        return ir.BoolOp(ir.BoolOpKind.NOT, (operands[0],))

    def truth(self, _: list[object]) -> ir.Condition:
        """`true` and herd's empty `()`."""
        return ir.Truth(True)

    def falsity(self, _: list[object]) -> ir.Condition:
        """`false`."""
        return ir.Truth(False)

    def cmp_op(self, tokens: list[Token]) -> ir.CmpOp:
        """`=` and `==` both mean equality."""
        return _COMPARISONS[str(tokens[0])]

    def comparison(self, children: list[object]) -> ir.Condition:
        """`left op right`, both sides resolved."""
        left, operator, right = children
        # A front end whose conditions compute (the ring DSL's `x % 2`) resolves them itself.
        assert isinstance(left, ir.Const | WrittenTerm | ir.FinalArithmetic)
        assert isinstance(right, ir.Const | WrittenTerm | ir.FinalArithmetic)
        assert isinstance(operator, ir.CmpOp)
        return ir.Compare(
            operator, self.resolve(left, TermSide.LEFT), self.resolve(right, TermSide.RIGHT)
        )

    @v_args(meta=True)
    def term_int(self, meta: Meta, tokens: list[Token]) -> ir.Const:
        """An integer literal."""
        return ir.Const(parse_integer(str(tokens[0]), span_of(meta, self._file)))

    @v_args(meta=True)
    def term_thread_register(self, meta: Meta, tokens: list[Token]) -> WrittenTerm:
        """herd's `N:REG`."""
        span = span_of(meta, self._file)
        thread = parse_integer(str(tokens[0]), span)
        return WrittenTerm((str(tokens[1]),), thread=thread, span=span)

    @v_args(meta=True)
    def term_bracketed(self, meta: Meta, children: list[tuple[str | int, ...]]) -> WrittenTerm:
        """herd's `[x]`: the value of location x."""
        return WrittenTerm(children[0], bracketed=True, span=span_of(meta, self._file))

    @v_args(meta=True)
    def term_name(self, meta: Meta, children: list[tuple[str | int, ...]]) -> WrittenTerm:
        """`x`, `gfn2.flags`, `CPU1.slot`, `ring[3]`."""
        return WrittenTerm(children[0], span=span_of(meta, self._file))

    @v_args(meta=True)
    def dotted_name(self, meta: Meta, tokens: list[Token]) -> tuple[str | int, ...]:
        """Names stay strings, indices become ints."""
        span = span_of(meta, self._file)
        return tuple(
            parse_integer(str(token), span) if token.type.endswith("INTEGER") else str(token)
            for token in tokens
        )


def merge_condition_callbacks(
    transformer: TransformerType, file: str, resolve: TermResolver
) -> TransformerType:
    """Give `transformer` the callbacks for the rules it imported from common.lark."""
    callbacks = {COMMON_PREFIX: ConditionTransformer(file, resolve)}
    merged = merge_transformers(transformer, **callbacks)  # type: ignore[no-untyped-call]
    return cast(TransformerType, merged)
