"""The relation algebra as data: event sets, relations and axioms that print as cat terms.

A model is a list of named axioms over these terms; the encoder interprets them. Nothing here
knows Z3 or any architecture: the base sets and relations are the vocabulary of herd's cat
language (`po`, `rf`, `co`, `addr`, `[A]`, ...), provided by the event structure and the
execution encoder.
"""

from __future__ import annotations

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


RelTerm = Rel | Ident | Union | Inter | Diff | Seq | Inverse | Plus | Named

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
class Model:
    """A memory model: its name and the axioms every consistent execution satisfies."""

    name: str
    axioms: tuple[Axiom, ...]
    definitions: tuple[Named, ...] = ()


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


def acyclic(relation: RelTerm, name: str) -> Axiom:
    """`acyclic relation as name`."""
    return Axiom(AxiomKind.ACYCLIC, relation, name)


def irreflexive(relation: RelTerm, name: str) -> Axiom:
    """`irreflexive relation as name`."""
    return Axiom(AxiomKind.IRREFLEXIVE, relation, name)


def empty(relation: RelTerm, name: str) -> Axiom:
    """`empty relation as name`."""
    return Axiom(AxiomKind.EMPTY, relation, name)
