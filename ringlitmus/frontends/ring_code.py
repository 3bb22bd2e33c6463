"""ring.lark's statements and expressions -> syntax nodes (ring_tree.py adds the top level)."""

from __future__ import annotations

from typing import TypeVar

from lark import Token, Transformer, v_args
from lark.tree import Meta

from ringlitmus import ir
from ringlitmus.errors import LitmusSyntaxError, Span
from ringlitmus.frontends.build import parse_integer, span_of
from ringlitmus.frontends.ring_syntax import (
    AddressOf,
    Argument,
    Assign,
    Atomic,
    Barrier,
    Break,
    Call,
    Dereference,
    Expression,
    FenceStatement,
    For,
    If,
    Literal,
    Load,
    Location,
    Number,
    Operation,
    OrderingChoice,
    OrderingWord,
    Path,
    PathPart,
    Statement,
    Store,
    Value,
    Word,
)

# `dmb`/`dsb` options: the shareability domain does not matter in a litmus test, the access
# types do (herd's aarch64.cat: DMB.ISH, DMB.OSH and DMB.SY are all dmb.full).
_ACCESS_TYPES = {"": ir.FenceKind.DMB_FULL, "ld": ir.FenceKind.DMB_LD, "st": ir.FenceKind.DMB_ST}
_BARRIER_OPTIONS = {
    **{
        f"{domain}{access}": kind
        for domain in ("ish", "osh", "nsh", "")
        for access, kind in _ACCESS_TYPES.items()
        if domain or access
    },
    "sy": ir.FenceKind.DMB_FULL,
}

# Linux's barriers as arm64 implements them (arch/arm64/include/asm/barrier.h).
_LINUX_BARRIERS = {
    "smp_mb": ir.FenceKind.DMB_FULL,  # dmb ish
    "smp_rmb": ir.FenceKind.DMB_LD,  # dmb ishld
    "smp_wmb": ir.FenceKind.DMB_ST,  # dmb ishst
}

T = TypeVar("T")


def narrow(kind: type[T], child: object) -> T:
    """`child` narrowed to `kind`: the grammar guarantees the shape, so this is our invariant."""
    assert isinstance(child, kind), f"ring.lark gave {child!r} where {kind.__name__} belongs"
    return child


def expression_of(child: object) -> Expression:
    assert isinstance(child, Number | Path | AddressOf | Operation), child
    return child


def value_of(child: object) -> Value:
    assert isinstance(child, Number | Path | AddressOf | Operation | Literal), child
    return child


def statements_of(children: object) -> tuple[Statement, ...]:
    statements = narrow(tuple, children) if isinstance(children, tuple) else (children,)
    return tuple(s for s in statements if isinstance(s, STATEMENT_TYPES))


STATEMENT_TYPES = (
    Assign,
    Load,
    Store,
    Atomic,
    FenceStatement,
    Call,
    If,
    For,
    Break,
)


def string_of(token: object) -> str:
    """An ESCAPED_STRING's contents (the DSL's strings are labels and paths: no escapes needed)."""
    return str(narrow(Token, token))[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def name_of(token: object) -> str:
    return str(narrow(Token, token))


def _location(child: object) -> Location:
    """What an access names: a Path, or a Dereference (`*r0`)."""
    if isinstance(child, Dereference):
        return child
    return narrow(Path, child)


def _ordering(word: OrderingWord, span: Span | None) -> OrderingChoice:
    return OrderingChoice(word, None, span)


@v_args(meta=True)
class CodeBuilder(Transformer[Token, object]):
    """Callbacks for statements, expressions and values; SyntaxBuilder adds the top level."""

    def __init__(self, file: str) -> None:
        super().__init__()
        self._file = file

    def _span(self, node: Meta | Token) -> Span | None:
        return span_of(node, self._file)

    def word(self, meta: Meta, children: list[object]) -> str:
        """A keyword or operator kept as its text (`dmb`, `xchg`, `<<`)."""
        return name_of(children[0])

    barrier_kind = rmw_kind = linux_barrier = word

    def _number(self, token: object) -> Number:
        span = self._span(narrow(Token, token))
        return Number(parse_integer(str(token), span), span)

    # ----------------------------------------------------------------- values

    def ordering(self, meta: Meta, children: list[object]) -> Literal:
        return Literal(OrderingWord(name_of(children[0])), self._span(meta))

    def no_fence(self, meta: Meta, children: list[object]) -> Literal:
        return Literal(Barrier(None), self._span(meta))

    def isb(self, meta: Meta, children: list[object]) -> Literal:
        return Literal(Barrier(ir.FenceKind.ISB), self._span(meta))

    def barrier(self, meta: Meta, children: list[object]) -> Literal:
        return Literal(Barrier(_BARRIER_OPTIONS[name_of(children[1])]), self._span(meta))

    # ----------------------------------------------------------------- statements

    def block(self, meta: Meta, children: list[object]) -> tuple[Statement, ...]:
        return tuple(s for s in children if isinstance(s, STATEMENT_TYPES))

    def target(self, meta: Meta, children: list[object]) -> Path:
        index = expression_of(children[1]) if len(children) > 1 else None
        span = self._span(meta)
        return Path((PathPart(name_of(children[0]), index, span),), span)

    def assign(self, meta: Meta, children: list[object]) -> Assign:
        return Assign(narrow(Path, children[0]), expression_of(children[1]), self._span(meta))

    def load(self, meta: Meta, children: list[object]) -> Load:
        target, location = narrow(Path, children[0]), _location(children[2])
        return Load(target, location, narrow(OrderingChoice, children[1]), self._span(meta))

    def read_once(self, meta: Meta, children: list[object]) -> Load:
        span = self._span(meta)
        ordering = _ordering(OrderingWord.PLAIN, span)
        return Load(narrow(Path, children[0]), _location(children[1]), ordering, span)

    def smp_load_acquire(self, meta: Meta, children: list[object]) -> Load:
        span = self._span(meta)
        ordering = _ordering(OrderingWord.ACQUIRE, span)
        return Load(narrow(Path, children[0]), narrow(Path, children[1]), ordering, span)

    def load_generic(self, meta: Meta, children: list[object]) -> OrderingChoice:
        if children:
            return narrow(OrderingChoice, children[0])
        return _ordering(OrderingWord.PLAIN, self._span(meta))

    store_generic = load_generic

    def load_acquire(self, meta: Meta, children: list[object]) -> OrderingChoice:
        return _ordering(OrderingWord.ACQUIRE, self._span(meta))

    def load_acquire_pc(self, meta: Meta, children: list[object]) -> OrderingChoice:
        return _ordering(OrderingWord.ACQUIRE_PC, self._span(meta))

    def store_release(self, meta: Meta, children: list[object]) -> OrderingChoice:
        return _ordering(OrderingWord.RELEASE, self._span(meta))

    def ordering_argument(self, meta: Meta, children: list[object]) -> OrderingChoice:
        chosen = children[0]
        if isinstance(chosen, Literal):
            return _ordering(narrow(OrderingWord, chosen.value), self._span(meta))
        return OrderingChoice(None, name_of(chosen), self._span(meta))

    def store(self, meta: Meta, children: list[object]) -> Store:
        ordering, location = narrow(OrderingChoice, children[0]), _location(children[1])
        return Store(location, expression_of(children[2]), ordering, self._span(meta))

    def write_once(self, meta: Meta, children: list[object]) -> Store:
        span = self._span(meta)
        ordering = _ordering(OrderingWord.PLAIN, span)
        return Store(_location(children[0]), expression_of(children[1]), ordering, span)

    def smp_store_release(self, meta: Meta, children: list[object]) -> Store:
        span = self._span(meta)
        ordering = _ordering(OrderingWord.RELEASE, span)
        return Store(narrow(Path, children[0]), expression_of(children[1]), ordering, span)

    def rmw(self, meta: Meta, children: list[object]) -> Atomic:
        rest = list(children)
        target = narrow(Path, rest.pop(0)) if isinstance(rest[0], Path) else None
        operation = narrow(str, rest.pop(0))
        ordering = (
            narrow(OrderingChoice, rest.pop(0)) if isinstance(rest[0], OrderingChoice) else None
        )
        location = _location(rest.pop(0))
        operands = tuple(expression_of(child) for child in rest)
        wanted = 2 if operation == "cas" else 1
        if len(operands) != wanted:
            shape = "LOCATION, EXPECTED, NEW" if wanted == 2 else "LOCATION, VALUE"
            raise LitmusSyntaxError(f"write '{operation} {shape}'", self._span(meta))
        return Atomic(target, operation, ordering, location, operands, self._span(meta))

    def fence(self, meta: Meta, children: list[object]) -> FenceStatement:
        barrier = narrow(Barrier, narrow(Literal, children[0]).value)
        return FenceStatement(barrier, None, self._span(meta))

    def fence_parameter(self, meta: Meta, children: list[object]) -> FenceStatement:
        if isinstance(children[0], Literal):
            return self._fence_literal(meta, children[0])
        return FenceStatement(None, name_of(children[0]), self._span(meta))

    def _fence_literal(self, meta: Meta, literal: Literal) -> FenceStatement:
        return FenceStatement(narrow(Barrier, literal.value), None, self._span(meta))

    def linux_fence(self, meta: Meta, children: list[object]) -> FenceStatement:
        kind = _LINUX_BARRIERS[narrow(str, children[0])]
        return FenceStatement(Barrier(kind), None, self._span(meta))

    def call(self, meta: Meta, children: list[object]) -> Call:
        verb = narrow(Token, children[0])
        span = self._span(verb)
        items: list[Word | Argument] = [Word(Path((PathPart(str(verb), None, span),), span))]
        for child in children[1:]:
            group = child if isinstance(child, tuple) else (child,)
            items.extend(item for item in group if isinstance(item, Word | Argument))
        return Call(tuple(items), self._span(meta))

    def call_word(self, meta: Meta, children: list[object]) -> Word:
        return Word(narrow(Path, children[0]))

    def call_value(self, meta: Meta, children: list[object]) -> Argument:
        child = children[0]
        if isinstance(child, Token):
            return Argument(self._number(child))
        return Argument(value_of(child))

    def call_address(self, meta: Meta, children: list[object]) -> Argument:
        return Argument(AddressOf(narrow(Path, children[0]), self._span(meta)))

    def call_group(self, meta: Meta, children: list[object]) -> tuple[Word | Argument, ...]:
        return tuple(
            Word(child) if isinstance(child, Path) else Argument(value_of(child))
            for child in children
            if child is not None
        )

    def if_statement(self, meta: Meta, children: list[object]) -> If:
        otherwise = statements_of(children[2]) if len(children) > 2 else None
        condition, then = expression_of(children[0]), statements_of(children[1])
        return If(condition, then, otherwise, self._span(meta))

    def for_statement(self, meta: Meta, children: list[object]) -> For:
        first, last = expression_of(children[1]), expression_of(children[2])
        body = statements_of(children[3])
        return For(name_of(children[0]), first, last, body, self._span(meta))

    def break_statement(self, meta: Meta, children: list[object]) -> Break:
        return Break(self._span(meta))

    # ----------------------------------------------------------------- expressions

    def ref(self, meta: Meta, children: list[object]) -> Path:
        return Path(tuple(narrow(PathPart, child) for child in children), self._span(meta))

    def ref_part(self, meta: Meta, children: list[object]) -> PathPart:
        index = expression_of(children[1]) if len(children) > 1 else None
        return PathPart(name_of(children[0]), index, self._span(meta))

    def integer(self, meta: Meta, children: list[object]) -> Number:
        return self._number(children[0])

    def value(self, meta: Meta, children: list[object]) -> Path:
        return narrow(Path, children[0])

    def dereference(self, meta: Meta, children: list[object]) -> Dereference:
        return Dereference(expression_of(children[0]), self._span(meta))

    def address(self, meta: Meta, children: list[object]) -> AddressOf:
        return AddressOf(narrow(Path, children[0]), self._span(meta))

    def _operation(self, meta: Meta, operator: str, operands: list[object]) -> Operation:
        expressions = tuple(expression_of(operand) for operand in operands)
        return Operation(operator, expressions, self._span(meta))

    def or_(self, meta: Meta, children: list[object]) -> Operation:
        return self._operation(meta, "||", children)

    def and_(self, meta: Meta, children: list[object]) -> Operation:
        return self._operation(meta, "&&", children)

    def binary(self, meta: Meta, children: list[object]) -> Operation:
        return self._operation(meta, narrow(str, children[1]), [children[0], children[2]])

    compare = binary

    def unary(self, meta: Meta, children: list[object]) -> Operation:
        return self._operation(meta, narrow(str, children[0]), [children[1]])

    bit_or_op = bit_xor_op = bit_and_op = equality_op = relation_op = word
    shift_op = sum_op = product_op = unary_op = word
