"""The orderings a program asks for, and the same program with some of them weakened.

An ordering *site* is one instruction's ordering annotation, barrier or marked dependency:
acquire / acquire-PC loads, release stores, the acquire and release halves of an RMW, fences,
dependencies the program creates on purpose (a register combined with itself so the value is
constant, `r0 ^ r0`, herd's `EOR X2,X0,X0`; or `& 0`, `* 0`, `r - r`) and control dependencies
on purpose (a conditional branch to the label right after it). A real data flow (an address
computed from a loaded index) is not a site: removing it would change what the program
computes. Rewriting works on the IR with `dataclasses.replace`; the instruction's position and
span identify it in reports.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import replace
from enum import Enum

from ringlitmus import ir
from ringlitmus.errors import Span
from ringlitmus.frozen import frozen
from ringlitmus.ir import ArithOp, FenceKind, Ordering
from ringlitmus.models.relations import BaseSet, EventSet, Model, SetUnion

# What a site can be weakened to; REMOVED is always the last, full weakening.
PLAIN = "plain"
REMOVED = "removed"
NO_DEPENDENCY = "no dependency"


class SiteKind(Enum):
    """What kind of ordering a site is."""

    ACQUIRE = "acquire"
    ACQUIRE_PC = "acquire-pc"
    RELEASE = "release"
    RMW_ACQUIRE = "rmw acquire"
    RMW_RELEASE = "rmw release"
    FENCE = "fence"
    DEPENDENCY = "dependency"
    CONTROL = "control dependency"
    # Strengthening candidates, for outcomes that are reachable but should not be.
    PLAIN_LOAD = "plain load"
    PLAIN_STORE = "plain store"


SiteKey = tuple[int, int, SiteKind]


@frozen
class Site:
    """One ordering (or plain access) in the program and what it can be changed to.

    `changes` lists the alternatives, strongest first; for an ordering the last one removes it
    entirely, for a plain access they are the strengthenings to try.
    """

    thread: int
    thread_name: str
    position: int
    kind: SiteKind
    text: str
    changes: tuple[str, ...]
    span: Span | None = None

    @property
    def key(self) -> SiteKey:
        """Identifies the site across rewrites (an RMW has two: acquire and release)."""
        return (self.thread, self.position, self.kind)

    @property
    def removal(self) -> str:
        """The change that removes the ordering entirely."""
        return self.changes[-1]

    def __str__(self) -> str:
        line = f" (line {self.span.line})" if self.span is not None else ""
        return f"{self.thread_name}: {self.text}{line}"


def find_orderings(program: ir.Program) -> tuple[Site, ...]:
    """Every ordering site of the program, thread by thread in program order."""
    sites: list[Site] = []
    for index, thread in enumerate(program.threads):
        names = _address_registers(thread)
        for position, instruction in enumerate(thread.instructions):
            for kind, text, changes in _orderings_of(thread, position, instruction, names):
                sites.append(
                    Site(index, thread.name, position, kind, text, changes, instruction.span)
                )
    return tuple(sites)


def find_plain_accesses(program: ir.Program) -> tuple[Site, ...]:
    """Plain loads and stores, with the orderings that could strengthen them."""
    sites: list[Site] = []
    for index, thread in enumerate(program.threads):
        names = _address_registers(thread)
        for position, instruction in enumerate(thread.instructions):
            if isinstance(instruction, ir.Load) and instruction.ordering is Ordering.PLAIN:
                text = f"load {_where(instruction.address, names)}"
                changes: tuple[str, ...] = (Ordering.ACQUIRE_PC.value, Ordering.ACQUIRE.value)
                kind = SiteKind.PLAIN_LOAD
            elif isinstance(instruction, ir.Store) and instruction.ordering is Ordering.PLAIN:
                text = f"store {_where(instruction.address, names)} = {_text(instruction.value)}"
                changes = (Ordering.RELEASE.value,)
                kind = SiteKind.PLAIN_STORE
            else:
                continue
            sites.append(Site(index, thread.name, position, kind, text, changes, instruction.span))
    return tuple(sites)


def _orderings_of(
    thread: ir.Thread, position: int, instruction: ir.Instruction, names: Mapping[str, str]
) -> list[tuple[SiteKind, str, tuple[str, ...]]]:
    found: list[tuple[SiteKind, str, tuple[str, ...]]] = []
    if isinstance(instruction, ir.Load):
        where = _where(instruction.address, names)
        if instruction.ordering is Ordering.ACQUIRE:
            found.append((SiteKind.ACQUIRE, f"load-acquire {where}", ("acquire-pc", PLAIN)))
        elif instruction.ordering is Ordering.ACQUIRE_PC:
            found.append((SiteKind.ACQUIRE_PC, f"load-acquire-pc {where}", (PLAIN,)))
    elif isinstance(instruction, ir.Store) and instruction.ordering is Ordering.RELEASE:
        text = f"store-release {_where(instruction.address, names)} = {_text(instruction.value)}"
        found.append((SiteKind.RELEASE, text, (PLAIN,)))
    elif isinstance(instruction, ir.Rmw):
        where = f"{instruction.op.value} {_where(instruction.address, names)}"
        # Without a destination the read is not an acquire (herd's NoRet): nothing to weaken.
        if instruction.acquire and instruction.dest is not None:
            found.append((SiteKind.RMW_ACQUIRE, f"{where}: acquire half", (PLAIN,)))
        if instruction.release:
            found.append((SiteKind.RMW_RELEASE, f"{where}: release half", (PLAIN,)))
    elif isinstance(instruction, ir.Fence):
        weaker: tuple[str, ...] = (REMOVED,)
        if instruction.kind is FenceKind.DMB_FULL:
            weaker = (FenceKind.DMB_LD.value, FenceKind.DMB_ST.value, REMOVED)
        found.append((SiteKind.FENCE, instruction.kind.value, weaker))
    elif isinstance(instruction, ir.Branch) and _falls_through(thread, position, instruction):
        text = f"branch to the next instruction on {_condition_text(instruction.condition)}"
        found.append((SiteKind.CONTROL, text, (REMOVED,)))
    if _expressions(instruction) and any(_has_marked(e) for e in _expressions(instruction)):
        text = f"{_instruction_text(instruction, names)} (marked dependency)"
        found.append((SiteKind.DEPENDENCY, text, (NO_DEPENDENCY,)))
    return found


# The cat set each change populates: a model that never names it gives the change no meaning,
# and one that names it only together with a stronger change's set (LKMM's `A | Q`: the ring
# DSL's acquire-pc is an acquire there) gives it none of its own. Removal, plain and dropping a
# dependency always mean something.
_CHANGE_SETS: dict[str, tuple[BaseSet, BaseSet | None]] = {
    Ordering.ACQUIRE.value: (BaseSet.A, None),
    Ordering.ACQUIRE_PC.value: (BaseSet.Q, BaseSet.A),
    Ordering.RELEASE.value: (BaseSet.L, None),
    FenceKind.DMB_LD.value: (BaseSet.DMB_LD, None),
    FenceKind.DMB_ST.value: (BaseSet.DMB_ST, None),
}


def model_changes(model: Model) -> frozenset[str]:
    """The orderings and barriers (as `Site.changes` words) `model` gives a meaning of their own."""
    named: dict[BaseSet, list[frozenset[BaseSet]]] = {}
    _collect_sets(model, named, set())
    return frozenset(
        change
        for change, (base, stronger) in _CHANGE_SETS.items()
        if base in named and (stronger is None or _told_apart(named, base, stronger))
    )


def _told_apart(
    named: Mapping[BaseSet, list[frozenset[BaseSet]]], one: BaseSet, other: BaseSet
) -> bool:
    """Whether some term names `one` or `other` without the other beside it."""
    return any(other not in beside for beside in named.get(one, ())) or any(
        one not in beside for beside in named.get(other, ())
    )


def _collect_sets(
    node: object, named: dict[BaseSet, list[frozenset[BaseSet]]], seen: set[int]
) -> None:
    """Each base set `node` names, with the sets named beside it in the same union."""
    if id(node) in seen:
        return
    seen.add(id(node))
    children: Iterable[object] = ()
    if isinstance(node, EventSet):
        named.setdefault(node.base, []).append(frozenset())
    elif isinstance(node, SetUnion):
        bases = frozenset(o.base for o in node.operands if isinstance(o, EventSet))
        for base in bases:
            named.setdefault(base, []).append(bases - {base})
        children = [operand for operand in node.operands if not isinstance(operand, EventSet)]
    elif isinstance(node, tuple | list):
        children = node
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        children = [getattr(node, field.name) for field in dataclasses.fields(node)]
    for child in children:
        _collect_sets(child, named, seen)


def offered(sites: Iterable[Site], changes: frozenset[str]) -> tuple[Site, ...]:
    """`sites` with only the changes a model gives meaning to (always their removal); a plain
    access with no strengthening left is no site."""
    kept = []
    for site in sites:
        meaningful = tuple(
            change for change in site.changes if change not in _CHANGE_SETS or change in changes
        )
        if meaningful:
            kept.append(replace(site, changes=meaningful))
    return tuple(kept)


def weaken(program: ir.Program, changes: Mapping[SiteKey, str]) -> ir.Program:
    """The program with each site of `changes` changed as named (a site's `changes` entry)."""
    threads = []
    for index, thread in enumerate(program.threads):
        instructions: list[ir.Instruction] = []
        for position, instruction in enumerate(thread.instructions):
            changed: ir.Instruction | None = instruction
            for (site_thread, site_position, kind), change in changes.items():
                if (site_thread, site_position) == (index, position) and changed is not None:
                    changed = _apply(changed, kind, change)
            if changed is not None:
                instructions.append(changed)
        threads.append(replace(thread, instructions=tuple(instructions)))
    return replace(program, threads=tuple(threads))


def _apply(instruction: ir.Instruction, kind: SiteKind, change: str) -> ir.Instruction | None:
    """One change to one instruction; None deletes it (a removed fence)."""
    if kind is SiteKind.DEPENDENCY:
        return _without_marked(instruction)
    if isinstance(instruction, ir.Load | ir.Store):
        return replace(instruction, ordering=Ordering(change))
    if isinstance(instruction, ir.Rmw):
        if kind is SiteKind.RMW_ACQUIRE:
            return replace(instruction, acquire=change != PLAIN)
        return replace(instruction, release=change != PLAIN)
    if isinstance(instruction, ir.Fence):
        return None if change == REMOVED else replace(instruction, kind=FenceKind(change))
    if isinstance(instruction, ir.Branch):
        # Always jumping to the next label keeps the paths and drops the condition's reads.
        return replace(instruction, condition=None)
    raise AssertionError(f"no change {change!r} for {instruction}")


# --------------------------------------------------------------------------- marked dependencies


def _has_register(expr: ir.Expr) -> bool:
    if isinstance(expr, ir.Reg):
        return True
    if isinstance(expr, ir.BinOp):
        return _has_register(expr.left) or _has_register(expr.right)
    return False


def _is_marked(expr: ir.Expr) -> bool:
    """`r ^ r`, `r - r`, `r & 0`, `r * 0`: a register dependency with a constant value 0."""
    if not isinstance(expr, ir.BinOp):
        return False
    if expr.op in (ArithOp.XOR, ArithOp.SUB):
        return expr.left == expr.right and _has_register(expr.left)
    if expr.op in (ArithOp.AND, ArithOp.MUL):
        zero = ir.Const(0)
        return (expr.left == zero and _has_register(expr.right)) or (
            expr.right == zero and _has_register(expr.left)
        )
    return False


def _has_marked(expr: ir.Expr) -> bool:
    if _is_marked(expr):
        return True
    if isinstance(expr, ir.BinOp):
        return _has_marked(expr.left) or _has_marked(expr.right)
    return False


def _strip(expr: ir.Expr) -> ir.Expr:
    if _is_marked(expr):
        return ir.Const(0)
    if isinstance(expr, ir.BinOp):
        return replace(expr, left=_strip(expr.left), right=_strip(expr.right))
    return expr


_EXPRESSION_FIELDS = ("value", "address", "operand", "expected", "if_true", "if_false")


def _expressions(instruction: ir.Instruction) -> list[ir.Expr]:
    found = []
    for name in _EXPRESSION_FIELDS:
        value = getattr(instruction, name, None)
        if isinstance(value, ir.Const | ir.Reg | ir.Address | ir.BinOp):
            found.append(value)
    return found


def _without_marked(instruction: ir.Instruction) -> ir.Instruction:
    changes = {}
    for name in _EXPRESSION_FIELDS:
        value = getattr(instruction, name, None)
        if isinstance(value, ir.BinOp):
            changes[name] = _strip(value)
    return replace(instruction, **changes)  # type: ignore[arg-type]


def _falls_through(thread: ir.Thread, position: int, branch: ir.Branch) -> bool:
    """A conditional branch whose target label comes before any other instruction."""
    if branch.condition is None:
        return False
    for instruction in thread.instructions[position + 1 :]:
        if not isinstance(instruction, ir.Label):
            return False
        if instruction.name == branch.target:
            return True
    return False


# --------------------------------------------------------------------------- text


def _address_registers(thread: ir.Thread) -> dict[str, str]:
    """Registers that hold a location's address throughout (herd's `0:X1=x`), by name."""
    written = {
        name
        for instruction in thread.instructions
        for name in (getattr(instruction, "dest", None), getattr(instruction, "status", None))
        if name is not None
    }
    return {
        register: value.location
        for register, value in thread.registers
        if isinstance(value, ir.Address) and register not in written
    }


def _text(expr: ir.Expr, names: Mapping[str, str] | None = None) -> str:
    if isinstance(expr, ir.Const):
        return str(expr.value)
    if isinstance(expr, ir.Reg):
        return (names or {}).get(expr.name, expr.name)
    if isinstance(expr, ir.Address):
        return f"&{expr.location}"
    return f"({_text(expr.left, names)} {expr.op.value} {_text(expr.right, names)})"


def _where(address: ir.Expr, names: Mapping[str, str]) -> str:
    if isinstance(address, ir.Address):
        return address.location
    return f"[{_text(address, names)}]"


def _condition_text(condition: ir.Condition | None) -> str:
    if isinstance(condition, ir.Compare):
        return f"{_text(condition.left)} {condition.op.value} {_text(condition.right)}"  # type: ignore[arg-type]
    return "a condition"


def _instruction_text(instruction: ir.Instruction, names: Mapping[str, str]) -> str:
    if isinstance(instruction, ir.Assign):
        return f"{instruction.dest} = {_text(instruction.value, names)}"
    if isinstance(instruction, ir.Load):
        return f"load {_where(instruction.address, names)}"
    if isinstance(instruction, ir.Store):
        where = _where(instruction.address, names)
        return f"store {where} = {_text(instruction.value, names)}"
    return type(instruction).__name__.lower()
