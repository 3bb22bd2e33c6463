"""The syntax tree of a herd C litmus thread, as c.py reads it and c_code.py translates it."""

from __future__ import annotations

from ringlitmus import ir
from ringlitmus.errors import Span
from ringlitmus.frozen import frozen
from ringlitmus.ir import ArithOp, CmpOp


@frozen
class CInteger:
    """An integer literal."""

    value: int
    span: Span | None = None


@frozen
class CName:
    """A local variable, or a shared location's name (a parameter: its address)."""

    name: str
    span: Span | None = None


@frozen
class CDereference:
    """`*pointer`: an unmarked (plain C) access, or the location a primitive takes."""

    pointer: CExpr
    span: Span | None = None


@frozen
class CAddressOf:
    """`&x`: a location's address."""

    name: str
    span: Span | None = None


@frozen
class CArithmetic:
    """`left op right` (`-x` is `0 - x`)."""

    op: ArithOp
    left: CExpr
    right: CExpr
    span: Span | None = None


@frozen
class CCompare:
    """`left op right` with a comparison operator."""

    op: CmpOp
    left: CExpr
    right: CExpr
    span: Span | None = None


@frozen
class CLogical:
    """`a && b`, `a || b`, `!a`."""

    op: ir.BoolOpKind
    operands: tuple[CExpr, ...]
    span: Span | None = None


@frozen
class CCall:
    """`name(arguments)`: a Linux primitive."""

    name: str
    arguments: tuple[CExpr, ...]
    span: Span | None = None


CExpr = CInteger | CName | CDereference | CAddressOf | CArithmetic | CCompare | CLogical | CCall


@frozen
class CDeclaration:
    """`int r0;`, `int r3 = 0;`, `int *r2;`."""

    name: str
    value: CExpr | None
    span: Span | None = None


@frozen
class CAssignment:
    """`r0 = expr;`."""

    name: str
    value: CExpr
    span: Span | None = None


@frozen
class CPlainStore:
    """`*pointer = expr;`: an unmarked store."""

    pointer: CExpr
    value: CExpr
    span: Span | None = None


@frozen
class CCallStatement:
    """`WRITE_ONCE(*x, 1);`, `smp_mb();`: a primitive whose value, if any, is dropped."""

    call: CCall


@frozen
class CIf:
    """`if (condition) then else otherwise`."""

    condition: CExpr
    then: tuple[CStatement, ...]
    otherwise: tuple[CStatement, ...]
    span: Span | None = None


CStatement = CDeclaration | CAssignment | CPlainStore | CCallStatement | CIf


@frozen
class CFunction:
    """One thread's function: its name (`P0`), parameters (shared locations) and body."""

    name: str
    parameters: tuple[str, ...]
    body: tuple[CStatement, ...]
    span: Span | None = None
