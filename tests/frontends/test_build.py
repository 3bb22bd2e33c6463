"""The IR-building helpers both front ends share: integers, name checks, branches, locations."""

from __future__ import annotations

import pytest
from lark import Token, Transformer, Tree

from ringlitmus import ir
from ringlitmus.errors import (
    DuplicateNameError,
    DuplicateThreadError,
    LitmusSyntaxError,
    Span,
    UndeclaredLocationError,
    UnknownNameError,
    UnsupportedInstructionError,
)
from ringlitmus.frontends import build

HERE = Span("b", 3, 4)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", 1), ("-1", -1), ("#8", 8), ("# -8", -8), ("0x10", 16), ("-0X1f", -31), ("007", 7)],
)
def test_parse_integer(text: str, value: int) -> None:
    assert build.parse_integer(text, HERE) == value


@pytest.mark.parametrize("text", ["", "#", "0x", "1.5", "x1"])
def test_parse_integer_rejects(text: str) -> None:
    with pytest.raises(LitmusSyntaxError) as caught:
        build.parse_integer(text, HERE)
    assert caught.value.span == HERE


def test_check_unique_names_the_second() -> None:
    first, second = Span("b", 1, 1), Span("b", 2, 5)
    with pytest.raises(
        DuplicateThreadError, match="duplicate thread 'P0' \\(first at b:1:1\\)"
    ) as caught:
        build.check_unique(
            [("P0", first), ("P1", None), ("P0", second)], DuplicateThreadError, "thread"
        )
    assert caught.value.span == second
    build.check_unique([("P0", first), ("P1", second)], DuplicateThreadError, "thread")


LABEL = ir.Label("L0", HERE)
JUMP = ir.Branch(None, "L0", HERE)
NOP = ir.Fence(ir.FenceKind.ISB)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ((JUMP, NOP, LABEL), None),
        ((LABEL, JUMP), UnsupportedInstructionError),
        ((JUMP,), UnknownNameError),
        ((LABEL, NOP, LABEL), DuplicateNameError),
        ((JUMP, LABEL, LABEL), DuplicateNameError),
    ],
)
def test_check_branches(code: tuple[ir.Instruction, ...], error: type[Exception] | None) -> None:
    if error is None:
        build.check_branches("P0", code)
        return
    with pytest.raises(error) as caught:
        build.check_branches("P0", code)
    assert caught.value.span == HERE  # type: ignore[attr-defined]


def test_location_table_keeps_first_mention_order() -> None:
    table = build.LocationTable()
    table.mention("y", HERE)
    table.declare("x", ir.Address("z"), HERE)
    table.declare("y", ir.Const(2), HERE)
    table.mention("x", None)
    assert [(decl.name, decl.initial) for decl in table.declarations()] == [
        ("y", (ir.Const(2),)),
        ("x", (ir.Address("z"),)),
        ("z", (ir.Const(0),)),
    ]
    table.require("z", HERE)
    with pytest.raises(UndeclaredLocationError):
        table.require("w", HERE)
    with pytest.raises(DuplicateNameError):
        table.declare("y", ir.Const(3), HERE)


def nested(depth: int) -> Tree[Token]:
    """`depth` levels of Tree("n", [...]) with no positions, as a hand-built tree has."""
    tree: Tree[Token] = Tree("leaf", [])
    for _ in range(depth - 1):
        tree = Tree("n", [tree])
    return tree


class _Depth(Transformer[Token, int]):
    def leaf(self, _: list[int]) -> int:
        return 1

    def n(self, children: list[int]) -> int:
        return children[0] + 1


def test_a_tree_at_the_nesting_limit_is_transformed() -> None:
    assert build.transform_tree(_Depth(), nested(build.MAX_NESTING), "t") == build.MAX_NESTING


def test_a_tree_past_the_nesting_limit_is_refused_without_recursing() -> None:
    for depth in (build.MAX_NESTING + 1, 50_000):
        with pytest.raises(LitmusSyntaxError, match="nested too deeply") as caught:
            build.transform_tree(_Depth(), nested(depth), "t")
        # No node has a position: the error points at the start of the file.
        assert caught.value.span == Span("t", 1, 1)
