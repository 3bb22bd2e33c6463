"""Print final states and conditions as herd7 does, and count the states a condition holds in.

The orders and spellings follow herdtools7: a state lists registers (by thread, then in the
architecture's register order) before memory cells (by name), memory as `[x]`
(`lib/location.ml`, `location_compare`); a condition puts parentheses only around a
disjunction inside a conjunction (`lib/constrGen.ml`, `pp_prop`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass

from ringlitmus import ir
from ringlitmus.frozen import frozen
from ringlitmus.semantics.events import layout_locations
from ringlitmus.symbolic import apply_cmp, apply_final

# herd's X86 registers compare in the order its register type declares them (lib/X86Base.ml).
_X86_REGISTERS = ("EAX", "EBX", "ECX", "EDX", "ESI", "EDI", "EBP", "ESP", "EIP", "ZF", "SF", "CF")


@frozen
class HerdStates:
    """The lines of herd's `States` block and how many of those states satisfy a condition."""

    lines: tuple[str, ...]
    positive: int
    negative: int


# --------------------------------------------------------------------------- terms and conditions


def herd_term(test: ir.Test, term: ir.Term | ir.Expr) -> str:
    """A term as herd7 prints it: registers `0:X0`, memory `[x]` (an array's cell `t[2]`),
    constants as numbers."""
    if isinstance(term, ir.FinalLocation):
        # An array's cell is `t[2]`, a location `[x]`.
        return term.cell if term.cell.endswith("]") else f"[{term.cell}]"
    if isinstance(term, ir.FinalRegister | ir.Address | ir.Const):
        return test.label(term)
    if isinstance(term, ir.FinalArithmetic):
        left, right = herd_term(test, term.left), herd_term(test, term.right)
        return f"({left} {term.op.value} {right})"
    return str(term)


def format_condition(test: ir.Test, condition: ir.Condition) -> str:
    """A condition in herd's syntax: `1:X0=1 /\\ not ([x]=2)`."""
    return _format(test, condition, None)


def _format(test: ir.Test, condition: ir.Condition, above: ir.BoolOpKind | None) -> str:
    if isinstance(condition, ir.Truth):
        return "true" if condition.value else "false"
    if isinstance(condition, ir.Compare):
        left, right = herd_term(test, condition.left), herd_term(test, condition.right)
        if condition.op is ir.CmpOp.EQ:
            return f"{left}={right}"
        if condition.op is ir.CmpOp.NE:
            return f"not ({left}={right})"
        return f"{left}{condition.op.value}{right}"
    if condition.op is ir.BoolOpKind.NOT:
        return f"not ({_format(test, condition.operands[0], None)})"
    connective = " /\\ " if condition.op is ir.BoolOpKind.AND else " \\/ "
    text = connective.join(_format(test, operand, condition.op) for operand in condition.operands)
    # herd reads `/\` as binding tighter than `\/`, so only a disjunction under a conjunction
    # needs its parentheses back.
    if above is ir.BoolOpKind.AND and condition.op is ir.BoolOpKind.OR:
        return f"({text})"
    return text


def condition_holds(
    test: ir.Test, condition: ir.Condition, state: Mapping[str, int], bases: Mapping[str, int]
) -> bool:
    """Does `condition` hold in a final state (values by label; `bases`: location addresses)?"""
    if isinstance(condition, ir.Truth):
        return condition.value
    if isinstance(condition, ir.Compare):
        left = _term_value(test, condition.left, state, bases)
        right = _term_value(test, condition.right, state, bases)
        return apply_cmp(condition.op, left, right)
    results = (condition_holds(test, operand, state, bases) for operand in condition.operands)
    if condition.op is ir.BoolOpKind.NOT:
        return not next(results)
    return all(results) if condition.op is ir.BoolOpKind.AND else any(results)


def _term_value(
    test: ir.Test, term: ir.Term | ir.Expr, state: Mapping[str, int], bases: Mapping[str, int]
) -> int:
    if isinstance(term, ir.Const):
        return term.value
    if isinstance(term, ir.Address):
        return bases[term.location]
    if isinstance(term, ir.FinalArithmetic):
        left = _term_value(test, term.left, state, bases)
        return apply_final(term.op, left, _term_value(test, term.right, state, bases))
    assert isinstance(term, ir.FinalRegister | ir.FinalLocation), term
    return state[test.label(term)]


# --------------------------------------------------------------------------- final states


def _natural_key(text: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def _register_key(test_format: ir.Format, register: str) -> tuple[object, ...]:
    if test_format is ir.Format.X86:
        known = register in _X86_REGISTERS
        return (0, _X86_REGISTERS.index(register)) if known else (1, register)
    if test_format is ir.Format.C:
        # C registers are names, which herd compares as strings: r10 before r9.
        return (register,)
    return _natural_key(register)


def _term_order(test: ir.Test, term: ir.Term) -> tuple[object, ...]:
    if isinstance(term, ir.FinalRegister):
        return (0, _natural_key(term.thread), _register_key(test.format, term.register))
    return (1, test.label(term))


def herd_states(
    test: ir.Test,
    variant: str,
    condition: ir.Condition,
    observed: Iterable[ir.Term],
    states: Iterable[Mapping[str, int]],
) -> HerdStates:
    """Final states projected on the condition's terms and `observed`, one herd line each
    (`0:X0=1; [x]=2;`), sorted, with how many distinct lines satisfy the condition or not."""
    terms = [*ir.condition_terms(condition), *observed]
    ordered: dict[str, ir.Term] = {}
    for term in sorted(terms, key=lambda term: _term_order(test, term)):
        ordered.setdefault(test.label(term), term)
    states = list(states)
    labels = [label for label in ordered if all(label in state for state in states)]
    program = test.variant(variant).program
    bases, cells = layout_locations(program)
    names = cells if _stores_addresses(program) else {}
    rows: dict[tuple[int, ...], bool] = {}
    for state in states:
        row = tuple(state[label] for label in labels)
        holds = condition_holds(test, condition, state, bases)
        rows[row] = rows.get(row, False) or holds
    lines = tuple(
        " ".join(
            f"{herd_term(test, ordered[label])}={_herd_value(value, names)};"
            for label, value in zip(labels, row, strict=True)
        )
        for row in sorted(rows)
    )
    positive = sum(rows.values())
    return HerdStates(lines, positive, len(rows) - positive)


def _herd_value(value: int, names: Mapping[int, str]) -> str:
    """A final value as herd prints it: a location's name for its address, `S` for a value
    out of thin air (herd numbers its symbols, `S8`; the numbers are herd's own)."""
    if value == ir.UNSOLVED:
        return "S"
    return str(names.get(value, value))


def _stores_addresses(program: ir.Program) -> bool:
    """Can a value be a location's address: does one appear where a value is given?

    herd prints such a value as the location's name (`0:X1=x`). Values are plain integers to
    us, so only a test that puts addresses into registers or memory prints any value as a name.
    """
    values: list[object] = [location.initial for location in program.locations]
    for thread in program.threads:
        values.extend(value for _, value in thread.registers)
        for instruction in thread.instructions:
            if isinstance(instruction, ir.Assign | ir.Store):
                values.append(instruction.value)
            elif isinstance(instruction, ir.Select):
                values.extend((instruction.if_true, instruction.if_false))
            elif isinstance(instruction, ir.Rmw):
                values.extend((instruction.operand, instruction.expected))
    return any(_mentions_address(value) for value in values)


def _mentions_address(node: object) -> bool:
    if isinstance(node, ir.Address):
        return True
    if isinstance(node, tuple):
        return any(_mentions_address(item) for item in node)
    if is_dataclass(node):
        return any(_mentions_address(getattr(node, item.name)) for item in fields(node))
    return False
