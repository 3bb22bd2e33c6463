"""The relation algebra as data: event sets, relations and axioms that print as cat terms.

A model is a list of named axioms over these terms; the encoder interprets them. Nothing here
knows Z3 or any architecture: the base sets and relations are the vocabulary of herd's cat
language (`po`, `rf`, `co`, `addr`, `[A]`, ...), provided by the event structure and the
execution encoder.
"""

from __future__ import annotations

import functools
from enum import Enum

from ringlitmus.frozen import frozen, hash_once


class BaseSet(Enum):
    """Event sets the event structure defines (cat names)."""

    R = "R"
    W = "W"
    M = "M"
    F = "F"
    A = "A"
    Q = "Q"
    L = "L"
    X = "X"
    NO_RETURN = "NoRet"
    INIT = "IW"
    DMB_FULL = "dmb.full"
    DMB_LD = "dmb.ld"
    DMB_ST = "dmb.st"
    ISB = "ISB"
    MFENCE = "MFENCE"
    RMW = "RMW"
    MB = "MB"
    PLAIN = "Plain"
    BEFORE_ATOMIC = "Before-atomic"
    AFTER_ATOMIC = "After-atomic"
    AFTER_SPINLOCK = "After-spinlock"
    AFTER_UNLOCK_LOCK = "After-unlock-lock"
    AFTER_SRCU_READ_UNLOCK = "After-srcu-read-unlock"
    BARRIER = "Barrier"
    RCU_LOCK = "Rcu-lock"
    RCU_UNLOCK = "Rcu-unlock"
    SYNC_RCU = "Sync-rcu"
    SYNC_SRCU = "Sync-srcu"
    SRCU_LOCK = "Srcu-lock"
    SRCU_UNLOCK = "Srcu-unlock"
    LOCK_READ = "LKR"
    LOCK_WRITE = "LKW"
    UNLOCK = "UL"
    LOCK_FAIL = "LF"
    IS_LOCKED = "RL|RU"
    OBSERVED = "Observed"


class BaseRelation(Enum):
    """Relations the event structure or the execution defines (cat names)."""

    PO = "po"
    RF = "rf"
    CO = "co"
    FR = "fr"
    LOC = "loc"
    EXT = "ext"
    INT = "int"
    SAME_INSTANCE = "same-instance"
    RMW = "rmw"
    AMO = "amo"
    LXSX = "lxsx"
    ADDR = "addr"
    DATA = "data"
    CTRL = "ctrl"
    PICK_BASIC_DEP = "pick-basic-dep"
    PICK_ADDR_DEP = "pick-addr-dep"
    PICK_DATA_DEP = "pick-data-dep"
    PICK_CTRL_DEP = "pick-ctrl-dep"
    RCU_RSCS = "rcu-rscs"
    # herd's `different-values(r)` is `r & different-values`: pairs of accesses whose values
    # (written, or read) differ.
    DIFFERENT_VALUES = "different-values"


# --------------------------------------------------------------------------- event sets


@hash_once
@frozen
class EventSet:
    """A base event set."""

    base: BaseSet

    def __str__(self) -> str:
        return self.base.value


@hash_once
@frozen
class SetUnion:
    """`S1 | S2 | ...`."""

    operands: tuple[SetTerm, ...]

    def __str__(self) -> str:
        return "(" + " | ".join(map(str, self.operands)) + ")"


@hash_once
@frozen
class SetInter:
    """`S1 & S2`."""

    left: SetTerm
    right: SetTerm

    def __str__(self) -> str:
        return f"({self.left} & {self.right})"


@hash_once
@frozen
class SetDiff:
    """`S1 \\ S2`."""

    left: SetTerm
    right: SetTerm

    def __str__(self) -> str:
        return f"({self.left} \\ {self.right})"


@hash_once
@frozen
class Range:
    """`range(r)`: the events some `r` edge points to."""

    relation: RelTerm

    def __str__(self) -> str:
        return f"range({self.relation})"


SetTerm = EventSet | SetUnion | SetInter | SetDiff | Range

# --------------------------------------------------------------------------- relations


@hash_once
@frozen
class Rel:
    """A base relation."""

    base: BaseRelation

    def __str__(self) -> str:
        return self.base.value


@hash_once
@frozen
class Ident:
    """`[S]`: the identity on an event set."""

    events: SetTerm

    def __str__(self) -> str:
        return f"[{self.events}]"


@hash_once
@frozen
class Union:
    """`r1 | r2 | ...`."""

    operands: tuple[RelTerm, ...]

    def __str__(self) -> str:
        return "(" + " | ".join(map(str, self.operands)) + ")"


@hash_once
@frozen
class Inter:
    """`r1 & r2`."""

    left: RelTerm
    right: RelTerm

    def __str__(self) -> str:
        return f"({self.left} & {self.right})"


@hash_once
@frozen
class Diff:
    """`r1 \\ r2`."""

    left: RelTerm
    right: RelTerm

    def __str__(self) -> str:
        return f"({self.left} \\ {self.right})"


@hash_once
@frozen
class Seq:
    """`r1; r2; ...`: relational composition."""

    operands: tuple[RelTerm, ...]

    def __str__(self) -> str:
        return "(" + "; ".join(map(str, self.operands)) + ")"


@hash_once
@frozen
class Inverse:
    """`r^-1`."""

    relation: RelTerm

    def __str__(self) -> str:
        return f"{self.relation}^-1"


@hash_once
@frozen
class Plus:
    """`r+`: transitive closure (cat's `let rec r = ... | r; r`)."""

    relation: RelTerm

    def __str__(self) -> str:
        return f"({self.relation})+"


@hash_once
@frozen
class Named:
    """A definition with its cat name and its Arm ARM long name; prints as the name."""

    name: str
    relation: RelTerm
    doc: str = ""

    def __str__(self) -> str:
        return self.name


@hash_once
@frozen
class Product:
    """`S1 * S2`: every pair of an event of S1 and an event of S2."""

    left: SetTerm
    right: SetTerm

    def __str__(self) -> str:
        return f"({self.left} * {self.right})"


@hash_once
@frozen
class Recursive:
    """The relation `name` inside the body of its own recursive definition (see Fix)."""

    name: str

    def __str__(self) -> str:
        return self.name


@hash_once
@frozen
class Fix:
    """cat's `let rec name = body`: the least relation equal to `body` (whose `Recursive(name)`
    leaves stand for the relation itself). Every use must be monotone: the encoder lets the
    solver pick any relation closed under `body`, and the smallest is the one that satisfies
    most constraints."""

    name: str
    body: RelTerm

    def __str__(self) -> str:
        return self.name


RelTerm = (
    Rel | Ident | Union | Inter | Diff | Seq | Inverse | Plus | Named | Product | Recursive | Fix
)

# --------------------------------------------------------------------------- axioms


class AxiomKind(Enum):
    """The three shapes of cat constraints."""

    ACYCLIC = "acyclic"
    IRREFLEXIVE = "irreflexive"
    EMPTY = "empty"


@frozen
class Axiom:
    """`acyclic r as name` and friends."""

    kind: AxiomKind
    relation: RelTerm
    name: str

    def __str__(self) -> str:
        return f"{self.kind.value} {self.relation} as {self.name}"


@frozen
class Flag:
    """`flag ~empty relation as name`: herd reports `name` when some consistent execution
    has a pair in `relation` (a data race, an unmatched unlock); it allows no execution less."""

    relation: RelTerm
    name: str

    def __str__(self) -> str:
        return f"flag ~empty {self.relation} as {self.name}"


@frozen
class Model:
    """A memory model: its name, the axioms every consistent execution satisfies and the
    flags it raises. `unsolved_values`: its axioms let values come out of thin air, which
    herd keeps as unsolved symbolic values (encode/thin_air.py)."""

    name: str
    axioms: tuple[Axiom, ...]
    definitions: tuple[Named, ...] = ()
    flags: tuple[Flag, ...] = ()
    unsolved_values: bool = False


# --------------------------------------------------------------------------- builders


def union(*operands: RelTerm) -> Union:
    """`r1 | r2 | ...`."""
    return Union(operands)


def seq(*operands: RelTerm) -> Seq:
    """`r1; r2; ...`."""
    return Seq(operands)


def ident(*sets: SetTerm) -> Ident:
    """`[S]`, or `[S1 | S2]` for several sets."""
    return Ident(sets[0] if len(sets) == 1 else SetUnion(sets))


def define(name: str, relation: RelTerm, doc: str = "") -> Named:
    """A named definition, as cat's `let name = ...`."""
    return Named(name, relation, doc)


def flag(relation: RelTerm, name: str) -> Flag:
    """`flag ~empty relation as name`."""
    return Flag(relation, name)


def acyclic(relation: RelTerm, name: str) -> Axiom:
    """`acyclic relation as name`."""
    return Axiom(AxiomKind.ACYCLIC, relation, name)


def irreflexive(relation: RelTerm, name: str) -> Axiom:
    """`irreflexive relation as name`."""
    return Axiom(AxiomKind.IRREFLEXIVE, relation, name)


def empty(relation: RelTerm, name: str) -> Axiom:
    """`empty relation as name`."""
    return Axiom(AxiomKind.EMPTY, relation, name)


def children(term: RelTerm | SetTerm) -> tuple[RelTerm | SetTerm, ...]:
    """The terms `term` is made of, relations and sets alike."""
    if isinstance(term, Union | Seq | SetUnion):
        return term.operands
    if isinstance(term, Inter | Diff | Product | SetInter | SetDiff):
        return (term.left, term.right)
    if isinstance(term, Named | Inverse | Plus | Range):
        return (term.relation,)
    if isinstance(term, Ident):
        return (term.events,)
    if isinstance(term, Fix):
        return (term.body,)
    return ()


@functools.cache
def mentioning(term: RelTerm | SetTerm, leaf: Recursive) -> frozenset[RelTerm | SetTerm]:
    """The subterms of `term` (itself included) that contain `leaf`; a model's terms live as
    long as the process, so the walk is made once per definition, not once per test."""
    found: set[RelTerm | SetTerm] = set()
    seen: dict[RelTerm | SetTerm, bool] = {}

    def visit(node: RelTerm | SetTerm) -> bool:
        if node not in seen:
            seen[node] = node == leaf
            seen[node] = any([visit(child) for child in children(node)]) or node == leaf
            if seen[node]:
                found.add(node)
        return seen[node]

    visit(term)
    return frozenset(found)
