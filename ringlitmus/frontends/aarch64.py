"""Turn herd AArch64 litmus text into IR."""

from __future__ import annotations

import functools
import re

from lark import Lark, Token, Transformer, v_args
from lark.tree import Meta

from ringlitmus import ir
from ringlitmus.errors import (
    LitmusError,
    LitmusSyntaxError,
    Span,
    UnknownRegisterError,
    UnsupportedInstructionError,
)
from ringlitmus.frontends.aarch64_operands import (
    ImmediateOperand,
    MemoryOperand,
    Operand,
    RegisterOperand,
    WordOperand,
    WrittenInstruction,
)
from ringlitmus.frontends.aarch64_parts import AArch64Parts, assemble_test
from ringlitmus.frontends.build import (
    add_source_line,
    parse_integer,
    parse_text,
    span_of,
    transform_tree,
)
from ringlitmus.frontends.conditions import TermSide, WrittenTerm, merge_condition_callbacks

_HEADER = re.compile(r"(?:\s|\(\*.*?\*\))*AArch64[ \t]+\S", re.IGNORECASE | re.DOTALL)
_REGISTER = re.compile(r"([WX])(\d+|ZR)", re.IGNORECASE)

# Readable names of aarch64.lark's pattern terminals, for "expected ..." in syntax errors.
_WORDS = {
    "TEST_NAME": "test name",
    "METADATA": "key=value line",
    "REGISTER": "register",
    "WORD": "instruction or label",
    "IMMEDIATE": "immediate (#n)",
}


def looks_like_aarch64(text: str) -> bool:
    """Whether `text` starts (after blank lines and comments) with herd's `AArch64 NAME` header."""
    return _HEADER.match(text) is not None


def parse_aarch64(text: str, file: str) -> ir.Test:
    """Parse herd AArch64 litmus `text` (read from `file`, used in spans) into an ir.Test."""
    tree = parse_text(_parser(), text, file, _WORDS)
    parts = AArch64Parts(file)
    transformer = merge_condition_callbacks(
        _AArch64Transformer(file, parts), file, functools.partial(_resolve_term, parts)
    )
    try:
        transform_tree(transformer, tree)
        return assemble_test(parts)
    except LitmusError as error:
        raise add_source_line(error, text) from None


@functools.cache
def _parser() -> Lark:
    """The AArch64 parser, built once per process (it is immutable)."""
    return Lark.open("aarch64.lark", rel_to=__file__, parser="lalr", propagate_positions=True)


def canonical_register(text: str, span: Span | None) -> str | None:
    """`W3`/`x3` -> `X3`; None for the zero registers WZR/XZR."""
    match = _REGISTER.fullmatch(text)
    if text.upper() in ("SP", "WSP"):
        raise UnsupportedInstructionError("the stack pointer SP is not supported", span)
    if match is None or (match[2].isdigit() and int(match[2]) > 30):
        raise UnknownRegisterError(
            f"unknown register '{text}' (registers are W0-W30, X0-X30, WZR, XZR)", span
        )
    return None if match[2].upper() == "ZR" else f"X{int(match[2])}"


def _resolve_term(parts: AArch64Parts, term: WrittenTerm, side: TermSide) -> ir.Term:
    """herd's reading of a condition term: `N:REG`, `x`, `[x]`; a bare name right of `=` is &x."""
    if term.thread is not None:
        register = canonical_register(str(term.path[0]), term.span)
        if term.thread < 0 or register is None:
            raise UnknownRegisterError(f"'{term.text}' is not a thread's register", term.span)
        thread = f"P{term.thread}"
        parts.final_threads.append((thread, term.span))
        return ir.FinalRegister(thread, register)
    if len(term.path) != 1 or not isinstance(term.path[0], str):
        raise LitmusSyntaxError(
            f"'{term.text}' is not a herd location (write `x` or `[x]`)", term.span
        )
    name = term.path[0]
    parts.locations.mention(name, term.span)
    if side is TermSide.RIGHT and not term.bracketed:
        return ir.Address(name)
    return ir.FinalLocation(name)


class _AArch64Transformer(Transformer[Token, object]):
    """Callbacks for aarch64.lark: they fill an AArch64Parts, which assemble_test turns into IR."""

    def __init__(self, file: str, parts: AArch64Parts) -> None:
        super().__init__()
        self._file = file
        self._parts = parts

    def _span(self, node: Meta | Token) -> Span | None:
        return span_of(node, self._file)

    # ----------------------------------------------------------------------- header

    @v_args(meta=True)
    def header(self, meta: Meta, tokens: list[Token]) -> None:
        """`AArch64 NAME`."""
        self._parts.name = str(tokens[0])
        self._parts.span = self._span(meta)

    def doc(self, tokens: list[Token]) -> None:
        """The quoted line under the header."""
        self._parts.doc = str(tokens[0])[1:-1].replace('\\"', '"')

    def metadata(self, tokens: list[Token]) -> None:
        """`key=value` lines (herd's Hash=, Cycle=, our Expected=)."""
        key, _, value = str(tokens[0]).partition("=")
        self._parts.metadata.append((key.strip(), value.strip(), self._span(tokens[0])))

    # ----------------------------------------------------------------------- init block

    @v_args(meta=True)
    def init_location(self, meta: Meta, children: list[Token | ir.Expr]) -> None:
        """`x=1`, `int x=1`, `x=y` (x holds y's address)."""
        name, value = children[-2], children[-1]
        assert isinstance(value, ir.Const | ir.Address)
        self._parts.locations.declare(str(name), value, self._span(meta))

    @v_args(meta=True)
    def init_register(self, meta: Meta, children: list[Token | ir.Expr]) -> None:
        """`0:X1=x`, `0: X0 = -1`, `int64_t 1:X20=0`."""
        thread, register, value = children[-3], children[-2], children[-1]
        assert isinstance(thread, Token) and isinstance(register, Token)
        assert isinstance(value, ir.Const | ir.Address)
        span = self._span(meta)
        name = canonical_register(str(register), span)
        if name is None:
            raise UnknownRegisterError(f"the zero register '{register}' has no value", span)
        if isinstance(value, ir.Address):
            self._parts.locations.mention(value.location, span)
        index = parse_integer(str(thread), span)
        self._parts.registers.append((index, name, value, span))

    @v_args(meta=True)
    def value_integer(self, meta: Meta, tokens: list[Token]) -> ir.Const:
        """An integer initial value."""
        return ir.Const(parse_integer(str(tokens[0]), self._span(meta)))

    def value_address(self, tokens: list[Token]) -> ir.Address:
        """A location name as a value: its address."""
        return ir.Address(str(tokens[0]))

    # ----------------------------------------------------------------------- thread table

    def thread_names(self, tokens: list[Token]) -> None:
        """The first row: `P0 | P1 ;`."""
        self._parts.threads = [(str(token), self._span(token)) for token in tokens]

    @v_args(meta=True)
    def row(self, meta: Meta, cells: list[tuple[ir.Label | WrittenInstruction, ...]]) -> None:
        """`cell | cell | ... ;`."""
        self._parts.rows.append((tuple(cells), self._span(meta)))

    def cell(
        self, children: list[ir.Label | WrittenInstruction]
    ) -> tuple[ir.Label | WrittenInstruction, ...]:
        """Labels then at most one instruction; empty cells are allowed."""
        return tuple(children)

    def label(self, tokens: list[Token]) -> ir.Label:
        """`L0:`."""
        return ir.Label(str(tokens[0]), self._span(tokens[0]))

    @v_args(meta=True)
    def instruction(self, meta: Meta, children: list[Token | Operand]) -> WrittenInstruction:
        """A mnemonic and its operands, as written."""
        operands = tuple(child for child in children[1:] if not isinstance(child, Token))
        return WrittenInstruction(str(children[0]), operands, self._span(meta))

    def register(self, tokens: list[Token]) -> RegisterOperand:
        """`W0`, `X1`, `WZR`."""
        span = self._span(tokens[0])
        return RegisterOperand(canonical_register(str(tokens[0]), span), span)

    def immediate(self, tokens: list[Token]) -> ImmediateOperand:
        """`#1`, `#-1`, `#0x10`."""
        span = self._span(tokens[0])
        return ImmediateOperand(parse_integer(str(tokens[0]), span), span)

    @v_args(meta=True)
    def memory(self, meta: Meta, parts: list[Operand]) -> MemoryOperand:
        """`[X1]`, `[X1,#8]`, `[X1,W2,SXTW]`."""
        return MemoryOperand(tuple(parts), span=self._span(meta))

    @v_args(meta=True)
    def memory_writeback(self, meta: Meta, parts: list[Operand]) -> MemoryOperand:
        """`[X1,#8]!`."""
        return MemoryOperand(tuple(parts), writeback=True, span=self._span(meta))

    def word(self, tokens: list[Token]) -> WordOperand:
        """A label, condition code, barrier option, or `LSL #n`."""
        span = self._span(tokens[0])
        amount = parse_integer(str(tokens[1]), span) if len(tokens) > 1 else None
        return WordOperand(str(tokens[0]), amount, span)

    # ----------------------------------------------------------------------- after the table

    @v_args(meta=True)
    def observed(self, meta: Meta, terms: list[ir.Const | WrittenTerm]) -> None:
        """`locations [0:X6; x;]`: extra final values to report."""
        for term in terms:
            if not isinstance(term, WrittenTerm):
                raise LitmusSyntaxError(
                    "`locations` lists registers and locations, not numbers", self._span(meta)
                )
            self._parts.observed.append(_resolve_term(self._parts, term, TermSide.LEFT))

    def filter(self, children: list[ir.Condition]) -> None:
        """`filter COND`."""
        self._parts.filter = children[0]

    @v_args(meta=True)
    def final(self, meta: Meta, children: list[ir.OutcomeKind | ir.Condition]) -> None:
        """`exists COND`, `~exists COND`, `forall COND`."""
        kind, condition = children
        assert isinstance(kind, ir.OutcomeKind) and not isinstance(condition, ir.OutcomeKind)
        self._parts.final = (kind, condition, self._span(meta))

    def exists(self, _: list[Token]) -> ir.OutcomeKind:
        """`exists`: a question whether the condition is reachable."""
        return ir.OutcomeKind.ALLOWED

    def not_exists(self, _: list[Token]) -> ir.OutcomeKind:
        """`~exists`."""
        return ir.OutcomeKind.FORBIDDEN

    def forall(self, _: list[Token]) -> ir.OutcomeKind:
        """`forall`."""
        return ir.OutcomeKind.REQUIRED
