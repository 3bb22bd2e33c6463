"""Turn herd C litmus text (the Linux-kernel memory model's tests) into IR."""

from __future__ import annotations

import dataclasses
import functools

from lark import Lark, Token, v_args
from lark.tree import Meta

from ringlitmus import ir
from ringlitmus.frontends.build import parse_integer, parse_text
from ringlitmus.frontends.c_calls import CALLS
from ringlitmus.frontends.c_code import translate_function
from ringlitmus.frontends.c_syntax import (
    CAddressOf,
    CArithmetic,
    CAssignment,
    CCall,
    CCallStatement,
    CCompare,
    CDeclaration,
    CDereference,
    CExpr,
    CFunction,
    CIf,
    CInteger,
    CLogical,
    CName,
    CPlainStore,
    CStatement,
)
from ringlitmus.frontends.grammars import open_grammar
from ringlitmus.frontends.herd_format import (
    HERD_WORDS,
    HerdParts,
    HerdTransformer,
    read_herd_test,
)

_WORDS = {**HERD_WORDS, "C_HERD_COMMENT": "comment"}
_COMPARISONS = {
    "==": ir.CmpOp.EQ,
    "!=": ir.CmpOp.NE,
    "<": ir.CmpOp.LT,
    "<=": ir.CmpOp.LE,
    ">": ir.CmpOp.GT,
    ">=": ir.CmpOp.GE,
}
_ARITHMETIC = {
    "+": ir.ArithOp.ADD,
    "-": ir.ArithOp.SUB,
    "&": ir.ArithOp.AND,
    "|": ir.ArithOp.OR,
    "^": ir.ArithOp.XOR,
    "%": ir.ArithOp.MOD,
    "*": ir.ArithOp.MUL,
}


def parse_c(text: str, file: str) -> ir.Test:
    """Parse herd C litmus `text` (read from `file`, used in spans) into an ir.Test.

    A C test is a table of one row: each thread's cell is its whole function, which
    c_code.py translates once every location is known.
    """
    tree = parse_text(_parser(), text, file, _WORDS)
    parts: HerdParts[CFunction] = HerdParts(file, ir.Format.C, lambda _: ())

    statements: dict[str, tuple[int, ...]] = {}

    def translate(function: CFunction) -> tuple[ir.Instruction, ...]:
        registers = frozenset(
            name for index, name, _, _ in parts.registers if f"P{index}" == function.name
        )
        code, statements[function.name] = translate_function(
            function, parts.locations, CALLS, registers
        )
        return code

    parts.translate = translate
    c = _CTransformer(file, parts)

    def one_row_of_functions() -> None:
        parts.rows = [(tuple((function,) for function in c.functions), parts.span)]

    return _with_statements(read_herd_test(text, tree, c, one_row_of_functions), statements)


def _with_statements(test: ir.Test, statements: dict[str, tuple[int, ...]]) -> ir.Test:
    """`test` with each thread's C statements (ir.Thread.statements)."""
    variants = []
    for variant in test.variants:
        threads = tuple(
            dataclasses.replace(thread, statements=statements[thread.name])
            for thread in variant.program.threads
        )
        program = dataclasses.replace(variant.program, threads=threads)
        variants.append(dataclasses.replace(variant, program=program))
    return dataclasses.replace(test, variants=tuple(variants))


@functools.cache
def _parser() -> Lark:
    """The C parser, built once per process (it is immutable)."""
    return open_grammar("c.lark", propagate_positions=True)


class _CTransformer(HerdTransformer[CFunction]):
    """Callbacks for c.lark; common.lark's herd rules (header, final condition) are inherited."""

    def __init__(self, file: str, parts: HerdParts[CFunction]) -> None:
        # A C register is any local variable name, spelled as declared.
        super().__init__(file, parts, lambda name, _: name)
        self.functions: list[CFunction] = []

    # ----------------------------------------------------------------- init block

    @v_args(meta=True)
    def c_init_item(self, meta: Meta, children: list[object]) -> None:
        """`int x = 0;`, `int *p = &y;`, `p=y;`, `atomic_t z;`."""
        span = self._span(meta)
        name, *value = [child for child in children if not isinstance(child, _Type)]
        assert isinstance(name, Token)
        if value and value[0] is not None:
            initial = value[0]
            assert isinstance(initial, ir.Const | ir.Address)
            self._parts.locations.declare(str(name), initial, span)
        else:
            self._parts.locations.mention(str(name), span)

    @v_args(meta=True)
    def c_init_register(self, meta: Meta, children: list[object]) -> None:
        """`1:r2=b;`, `0:r0 = 1;`: a register's initial value (as herd's `0:X1=x`)."""
        tokens = [child for child in children if not isinstance(child, _Type)]
        self.init_register(meta, tokens)  # type: ignore[arg-type]

    @v_args(meta=True)
    def init_integer(self, meta: Meta, tokens: list[Token]) -> ir.Const:
        """An integer initial value."""
        return ir.Const(parse_integer(str(tokens[0]), self._span(meta)))

    def init_address(self, tokens: list[Token]) -> ir.Address:
        """`y` or `&y`: the location's address."""
        return ir.Address(str(tokens[-1]))

    def c_init(self, _: list[object]) -> None:
        """The block itself: its items were recorded one by one."""

    # ----------------------------------------------------------------- threads

    def c_type(self, _: list[Token]) -> _Type:
        """`int`, `int **`, `spinlock_t *`: every value is an integer or an address here."""
        return _Type()

    def parameter(self, children: list[object]) -> str:
        """`int *x`: the thread can reach location x."""
        name = children[-1]
        assert isinstance(name, Token)
        self._parts.locations.mention(str(name), self._span(name))
        return str(name)

    @v_args(meta=True)
    def thread(self, meta: Meta, children: list[object]) -> None:
        """`P0(int *x, int *y) { ... }`."""
        name, *parameters, body = children
        assert isinstance(name, Token) and isinstance(body, tuple)
        span = self._span(name)
        self._parts.threads.append((str(name), span))
        names = tuple(parameter for parameter in parameters if isinstance(parameter, str))
        self.functions.append(CFunction(str(name), names, body, span))

    def block(self, statements: list[CStatement | tuple[CStatement, ...] | None]) -> tuple:  # type: ignore[type-arg]
        """`{ ... }`: nested blocks flatten (C scopes do not matter to registers here)."""
        flat: list[CStatement] = []
        for statement in statements:
            if isinstance(statement, tuple):
                flat.extend(statement)
            elif statement is not None:
                flat.append(statement)
        return tuple(flat)

    @v_args(meta=True)
    def declaration(self, meta: Meta, children: list[object]) -> CDeclaration:
        """`int r0;`, `int r3 = 0;`."""
        _, name, *value = children
        assert isinstance(name, Token)
        initial = value[0] if value else None
        return CDeclaration(str(name), initial, self._span(meta))  # type: ignore[arg-type]

    @v_args(meta=True)
    def assignment(self, meta: Meta, children: list[object]) -> CAssignment:
        """`r0 = expr;`."""
        name, value = children
        return CAssignment(str(name), value, self._span(meta))  # type: ignore[arg-type]

    @v_args(meta=True)
    def plain_store(self, meta: Meta, children: list[object]) -> CPlainStore:
        """`*p = expr;`."""
        pointer, value = children
        return CPlainStore(pointer, value, self._span(meta))  # type: ignore[arg-type]

    @v_args(meta=True)
    def call_statement(self, meta: Meta, children: list[object]) -> CCallStatement:
        """`WRITE_ONCE(*x, 1);`."""
        return CCallStatement(self.call_node(meta, children))

    @v_args(meta=True)
    def if_statement(self, meta: Meta, children: list[object]) -> CIf:
        """`if (c) s` and `if (c) s else t`."""
        condition, then, *otherwise = children
        return CIf(
            condition,  # type: ignore[arg-type]
            _statements(then),
            _statements(otherwise[0]) if otherwise else (),
            self._span(meta),
        )

    def empty_statement(self, _: list[object]) -> None:
        """`;`."""

    # ----------------------------------------------------------------- expressions

    @v_args(meta=True)
    def call(self, meta: Meta, children: list[object]) -> CCall:
        """`name(arguments)`."""
        return self.call_node(meta, children)

    def call_node(self, meta: Meta, children: list[object]) -> CCall:
        name, *arguments = children
        assert isinstance(name, Token)
        present = tuple(argument for argument in arguments if argument is not None)
        return CCall(str(name), present, self._span(meta))  # type: ignore[arg-type]

    @v_args(meta=True)
    def integer(self, meta: Meta, tokens: list[Token]) -> CInteger:
        """An integer literal."""
        span = self._span(meta)
        return CInteger(parse_integer(str(tokens[0]), span), span)

    def name(self, tokens: list[Token]) -> CName:
        """A variable or location name."""
        return CName(str(tokens[0]), self._span(tokens[0]))

    @v_args(meta=True)
    def dereference(self, meta: Meta, children: list[CExpr]) -> CDereference:
        """`*p`."""
        return CDereference(children[0], self._span(meta))

    @v_args(meta=True)
    def address_of(self, meta: Meta, tokens: list[Token]) -> CAddressOf:
        """`&x`."""
        return CAddressOf(str(tokens[0]), self._span(meta))

    @v_args(meta=True)
    def logical_not(self, meta: Meta, children: list[CExpr]) -> CLogical:
        """`!a`."""
        return CLogical(ir.BoolOpKind.NOT, (children[0],), self._span(meta))

    @v_args(meta=True)
    def negative(self, meta: Meta, children: list[CExpr]) -> CArithmetic:
        """`-a`, as `0 - a`."""
        span = self._span(meta)
        return CArithmetic(ir.ArithOp.SUB, CInteger(0, span), children[0], span)

    def cast(self, children: list[object]) -> object:
        """`(int **)e`: types do not matter here."""
        return children[-1]

    @v_args(meta=True)
    def logical_or(self, meta: Meta, children: list[CExpr]) -> CLogical:
        """`a || b`."""
        return CLogical(ir.BoolOpKind.OR, tuple(children), self._span(meta))

    @v_args(meta=True)
    def logical_and(self, meta: Meta, children: list[CExpr]) -> CLogical:
        """`a && b`."""
        return CLogical(ir.BoolOpKind.AND, tuple(children), self._span(meta))

    @v_args(meta=True)
    def comparison(self, meta: Meta, children: list[object]) -> CCompare:
        """`a == b`, `a >= 0`, ..."""
        left, operator, right = children
        assert isinstance(operator, ir.CmpOp)
        return CCompare(operator, left, right, self._span(meta))  # type: ignore[arg-type]

    def c_cmp_op(self, tokens: list[Token]) -> ir.CmpOp:
        """A comparison operator."""
        return _COMPARISONS[str(tokens[0])]

    @v_args(meta=True)
    def arithmetic(self, meta: Meta, children: list[object]) -> CArithmetic:
        """`a + b`, `a & b`, ..."""
        left, operator, right = children
        assert isinstance(operator, ir.ArithOp)
        return CArithmetic(operator, left, right, self._span(meta))  # type: ignore[arg-type]

    def c_arith_op(self, tokens: list[Token]) -> ir.ArithOp:
        """An arithmetic operator, at any of its precedence levels."""
        return _ARITHMETIC[str(tokens[0])]

    c_or_op = c_xor_op = c_and_op = c_sum_op = c_product_op = c_arith_op


class _Type:
    """A C type as written; only its presence matters."""


def _statements(node: object) -> tuple[CStatement, ...]:
    """A branch of an `if`: a block (already a tuple), one statement, or `;`."""
    if isinstance(node, tuple):
        return node
    return () if node is None else (node,)  # type: ignore[return-value]
