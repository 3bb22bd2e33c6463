"""Turn herd X86 litmus text into IR."""

from __future__ import annotations

import functools

from lark import Lark, Token, v_args
from lark.tree import Meta

from ringlitmus import ir
from ringlitmus.errors import UnsupportedInstructionError
from ringlitmus.frontends.build import parse_integer, parse_text
from ringlitmus.frontends.grammars import open_grammar
from ringlitmus.frontends.herd_format import (
    HERD_WORDS,
    HerdParts,
    HerdTransformer,
    read_herd_test,
)
from ringlitmus.frontends.x86_instructions import (
    REGISTERS,
    ImmediateOperand,
    MemoryOperand,
    Operand,
    WordOperand,
    WrittenInstruction,
    register_name,
    translate_instruction,
)

# Readable names of x86.lark's pattern terminals, for "expected ..." in syntax errors.
_WORDS = {
    **HERD_WORDS,
    "WORD": "instruction, register or label",
    "LOCK": "LOCK",
    "IMMEDIATE": "immediate ($n)",
}


def parse_x86(text: str, file: str) -> ir.Test:
    """Parse herd X86 litmus `text` (read from `file`, used in spans) into an ir.Test."""
    tree = parse_text(_parser(), text, file, _WORDS)
    parts: HerdParts[WrittenInstruction] = HerdParts(file, ir.Format.X86, translate_instruction)
    x86 = _X86Transformer(file, parts, register_name)
    return read_herd_test(text, tree, x86)


@functools.cache
def _parser() -> Lark:
    """The X86 parser, built once per process (it is immutable)."""
    return open_grammar("x86.lark", propagate_positions=True)


class _X86Transformer(HerdTransformer[WrittenInstruction]):
    """Callbacks for x86.lark's instruction table; common.lark's herd rules are inherited."""

    @v_args(meta=True)
    def instruction(self, meta: Meta, children: list[Token | Operand]) -> WrittenInstruction:
        """An optional LOCK, a mnemonic and its operands, as written."""
        locked = isinstance(children[0], Token) and children[0].type == "LOCK"
        mnemonic, *operands = children[1:] if locked else children
        assert isinstance(mnemonic, Token)
        written = tuple(operand for operand in operands if not isinstance(operand, Token))
        return WrittenInstruction(str(mnemonic).upper(), written, locked, self._span(meta))

    def register(self, tokens: list[Token]) -> WordOperand:
        """A register, or a jump's label: which one, the mnemonic decides."""
        return WordOperand(str(tokens[0]), self._span(tokens[0]))

    def immediate(self, tokens: list[Token]) -> ImmediateOperand:
        """`$1`, `$-1`, and herd's bare `1`."""
        span = self._span(tokens[0])
        return ImmediateOperand(parse_integer(str(tokens[0]).lstrip("$"), span), span)

    @v_args(meta=True)
    def memory(self, meta: Meta, tokens: list[Token]) -> MemoryOperand:
        """`[x]`, the location x; `[EBX]`, the address EBX holds."""
        span = self._span(meta)
        word = str(tokens[0])
        if word.upper() in REGISTERS:
            return MemoryOperand(ir.Reg(word.upper()), span)
        self._parts.locations.mention(word, span)
        return MemoryOperand(ir.Address(word), span)

    @v_args(meta=True)
    def absolute(self, meta: Meta, tokens: list[Token]) -> MemoryOperand:
        """`[100]`: a numeric address, which no declared location has."""
        raise UnsupportedInstructionError(
            f"numeric address [{tokens[0]}] (name a location: [x])", self._span(meta)
        )
