"""Turn herd AArch64 litmus text into IR."""

from __future__ import annotations

import functools
import re

from lark import Lark, Token, v_args
from lark.tree import Meta

from ringlitmus import ir
from ringlitmus.errors import (
    LitmusError,
    Span,
    UnknownRegisterError,
    UnsupportedInstructionError,
)
from ringlitmus.frontends.aarch64_instructions import translate_instruction
from ringlitmus.frontends.aarch64_mnemonics import (
    reads_w_register,
    unsigned_condition,
    writes_w_register,
)
from ringlitmus.frontends.aarch64_operands import (
    ImmediateOperand,
    MemoryOperand,
    Operand,
    RegisterOperand,
    WordOperand,
    WrittenInstruction,
)
from ringlitmus.frontends.aarch64_values import RegisterUses, check_values
from ringlitmus.frontends.build import (
    add_source_line,
    parse_integer,
    parse_text,
)
from ringlitmus.frontends.grammars import open_grammar
from ringlitmus.frontends.herd_format import (
    HERD_WORDS,
    HerdParts,
    HerdTransformer,
    read_herd_test,
)

_HEADER = re.compile(r"(?:\s|\(\*.*?\*\))*AArch64[ \t]+\S", re.IGNORECASE | re.DOTALL)
_REGISTER = re.compile(r"([WX])(\d+|ZR)", re.IGNORECASE)

# Readable names of aarch64.lark's pattern terminals, for "expected ..." in syntax errors.
_WORDS = {
    **HERD_WORDS,
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
    uses = RegisterUses()

    def translate(instruction: WrittenInstruction) -> tuple[ir.Instruction, ...]:
        for used, where in (
            (writes_w_register, uses.w_writes),
            (reads_w_register, uses.w_reads),
            (unsigned_condition, uses.unsigned),
        ):
            if used(instruction):
                where.append(instruction.span)
        return translate_instruction(instruction)

    parts: HerdParts[WrittenInstruction] = HerdParts(file, ir.Format.AARCH64, translate)
    aarch64 = _AArch64Transformer(file, parts, canonical_register)
    test = read_herd_test(text, tree, aarch64)
    try:
        check_values(test, parts.register_types, uses)
    except LitmusError as error:
        raise add_source_line(error, text) from None
    return test


@functools.cache
def _parser() -> Lark:
    """The AArch64 parser, built once per process (it is immutable)."""
    return open_grammar("aarch64.lark", propagate_positions=True)


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


class _AArch64Transformer(HerdTransformer[WrittenInstruction]):
    """Callbacks for aarch64.lark's instruction table; common.lark's herd rules are inherited."""

    @v_args(meta=True)
    def instruction(self, meta: Meta, children: list[Token | Operand]) -> WrittenInstruction:
        """A mnemonic and its operands, as written."""
        operands = tuple(child for child in children[1:] if not isinstance(child, Token))
        return WrittenInstruction(str(children[0]), operands, self._span(meta))

    def register(self, tokens: list[Token]) -> RegisterOperand:
        """`W0`, `X1`, `WZR`."""
        span = self._span(tokens[0])
        text = str(tokens[0])
        return RegisterOperand(
            canonical_register(text, span), span, not text.upper().startswith("W")
        )

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
