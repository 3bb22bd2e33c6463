"""The shared condition rules (common.lark) and their callbacks (conditions.py), both spellings."""

from __future__ import annotations

from pathlib import Path

import pytest
from lark import Lark, Transformer

from ringlitmus import ir
from ringlitmus.errors import LitmusSyntaxError, Span
from ringlitmus.frontends import build, conditions
from ringlitmus.frontends.conditions import TermSide, WrittenTerm

# A grammar that is nothing but a condition, as both front ends import it.
_GRAMMAR = """
start: condition
%import .common (condition, WS, HERD_COMMENT)
%ignore WS
%ignore HERD_COMMENT
"""
_FRONTENDS = Path(conditions.__file__).parent

EQ, NE, LT, LE, GT, GE = (
    ir.CmpOp.EQ,
    ir.CmpOp.NE,
    ir.CmpOp.LT,
    ir.CmpOp.LE,
    ir.CmpOp.GT,
    ir.CmpOp.GE,
)
AND, OR, NOT = ir.BoolOpKind.AND, ir.BoolOpKind.OR, ir.BoolOpKind.NOT


@pytest.fixture(scope="module")
def parser() -> Lark:
    return Lark(
        _GRAMMAR,
        parser="lalr",
        propagate_positions=True,
        source_path=str(_FRONTENDS / "conditions_test.lark"),
    )


class _Start(Transformer):
    def start(self, children: list[ir.Condition]) -> ir.Condition:
        return children[0]


def _resolve(term: WrittenTerm, side: TermSide) -> ir.Term:
    """A front end in miniature: threads' registers, `x` as a value left and an address right."""
    if term.thread is not None:
        return ir.FinalRegister(f"P{term.thread}", str(term.path[0]))
    if side is TermSide.RIGHT and not term.bracketed and len(term.path) == 1:
        return ir.Address(str(term.path[0]))
    return ir.FinalLocation(WrittenTerm(term.path).text)


def parse(parser: Lark, text: str) -> ir.Condition:
    tree = build.parse_text(parser, text, "c.txt", {})
    transformer = conditions.merge_condition_callbacks(_Start(), "c.txt", _resolve)
    result = build.transform_tree(transformer, tree, "c.txt")
    assert isinstance(result, ir.Compare | ir.BoolOp | ir.Truth)
    return result


def cmp(op: ir.CmpOp, left: ir.Term, right: ir.Term) -> ir.Compare:
    return ir.Compare(op, left, right)


def loc(cell: str) -> ir.FinalLocation:
    return ir.FinalLocation(cell)


def reg(thread: int, register: str) -> ir.FinalRegister:
    return ir.FinalRegister(f"P{thread}", register)


X1, Y2 = cmp(EQ, loc("x"), ir.Const(1)), cmp(EQ, loc("y"), ir.Const(2))

GOOD = {
    "herd register": ("0:X0=1", cmp(EQ, reg(0, "X0"), ir.Const(1))),
    "herd spaced": ("1: X3 = 1", cmp(EQ, reg(1, "X3"), ir.Const(1))),
    "herd and": ("x=1 /\\ y=2", ir.BoolOp(AND, (X1, Y2))),
    "herd or": ("x=1 \\/ y=2", ir.BoolOp(OR, (X1, Y2))),
    "herd not": ("~x=1", ir.BoolOp(NOT, (X1,))),
    "herd not parens": ("~(x=1 /\\ y=2)", ir.BoolOp(NOT, (ir.BoolOp(AND, (X1, Y2)),))),
    "C and": ("x == 1 && y == 2", ir.BoolOp(AND, (X1, Y2))),
    "C or": ("x == 1 || y == 2", ir.BoolOp(OR, (X1, Y2))),
    "C not": ("!x==1", ir.BoolOp(NOT, (X1,))),
    "and binds tighter": (
        "x=1 \\/ y=2 /\\ x=1",
        ir.BoolOp(OR, (X1, ir.BoolOp(AND, (Y2, X1)))),
    ),
    "parentheses": (
        "(x=1 \\/ y=2) /\\ x=1",
        ir.BoolOp(AND, (ir.BoolOp(OR, (X1, Y2)), X1)),
    ),
    "chain of three": ("x=1 /\\ y=2 /\\ x=1", ir.BoolOp(AND, (X1, Y2, X1))),
    "split over lines": ("(x=1\n  /\\ y=2)", ir.BoolOp(AND, (X1, Y2))),
    "comment inside": ("x=1 (* why *) /\\ y=2", ir.BoolOp(AND, (X1, Y2))),
    "bracketed": ("[x]=1", X1),
    "dotted": (
        "CPU1.slot != 1 && CPU1.harvested == RESET",
        ir.BoolOp(
            AND,
            (
                cmp(NE, loc("CPU1.slot"), ir.Const(1)),
                cmp(EQ, loc("CPU1.harvested"), ir.Address("RESET")),
            ),
        ),
    ),
    "indexed": ("ring[3] = 0", cmp(EQ, loc("ring[3]"), ir.Const(0))),
    "field": ("gfn2.flags >= -1", cmp(GE, loc("gfn2.flags"), ir.Const(-1))),
    "hex": ("x = 0x10", cmp(EQ, loc("x"), ir.Const(16))),
    "less": ("x < 1", cmp(LT, loc("x"), ir.Const(1))),
    "less or equal": ("x <= 1", cmp(LE, loc("x"), ir.Const(1))),
    "greater": ("x > 1", cmp(GT, loc("x"), ir.Const(1))),
    "address on the right": ("0:X1=x", cmp(EQ, reg(0, "X1"), ir.Address("x"))),
    "true": ("true", ir.Truth(True)),
    "false": ("false", ir.Truth(False)),
    "empty": ("()", ir.Truth(True)),
}


@pytest.mark.parametrize(("text", "expected"), GOOD.values(), ids=GOOD.keys())
def test_good_conditions(parser: Lark, text: str, expected: ir.Condition) -> None:
    assert parse(parser, text) == expected


BAD = {
    "missing value": ("x=", 1, 3),
    "dangling and": ("x=1 /\\", 1, 7),
    "unclosed": ("(x=1", 1, 5),
    "double operator": ("x == == 1", 1, 6),
    "thread without register": ("0:=1", 1, 3),
    "bad character": ("x=1 $ y=2", 1, 5),
    "empty text": ("", 1, 1),
    "second line": ("x=1 /\\\n y=", 2, 4),
}


@pytest.mark.parametrize(("text", "line", "column"), BAD.values(), ids=BAD.keys())
def test_bad_conditions(parser: Lark, text: str, line: int, column: int) -> None:
    with pytest.raises(LitmusSyntaxError) as caught:
        parse(parser, text)
    assert caught.value.span == Span("c.txt", line, column)
    assert caught.value.expected, "a syntax error says what was expected"
    assert all(len(word) < 30 for word in caught.value.expected)


def test_expected_words_are_readable(parser: Lark) -> None:
    with pytest.raises(LitmusSyntaxError) as caught:
        parse(parser, "x=1 y=2")
    assert "'/\\' ('&&')" in caught.value.expected
    assert caught.value.source_line == "x=1 y=2"


def test_resolver_sees_terms_as_written(parser: Lark) -> None:
    seen: list[tuple[WrittenTerm, TermSide]] = []

    def record(term: WrittenTerm, side: TermSide) -> ir.Term:
        seen.append((term, side))
        return ir.FinalLocation(term.text)

    tree = build.parse_text(parser, "rings[1].slot[2] = [x]\n/\\ 3:X0 = y", "c.txt", {})
    build.transform_tree(
        conditions.merge_condition_callbacks(_Start(), "c.txt", record), tree, "c.txt"
    )
    (first, left), (second, right), (third, _), (fourth, _) = seen
    assert first.path == ("rings", 1, "slot", 2) and left is TermSide.LEFT
    assert first.text == "rings[1].slot[2]"
    assert first.span == Span("c.txt", 1, 1, 1, 17)
    assert second.bracketed and second.text == "[x]" and right is TermSide.RIGHT
    assert (third.thread, third.path, third.text) == (3, ("X0",), "3:X0")
    assert third.span is not None and third.span.line == 2
    assert fourth.path == ("y",)


def test_deep_nesting_is_an_error_not_a_crash(parser: Lark) -> None:
    text = "~(" * 5000 + "x=1" + ")" * 5000
    with pytest.raises(LitmusSyntaxError, match="nested too deeply"):
        parse(parser, text)
