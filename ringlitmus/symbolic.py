"""Symbolic values and guards of an event structure, folded to constants where possible.

Values a thread computes depend on what its reads return, and whether an event happens depends
on branch conditions over those values. Both are kept as small expression trees over
`ReadValue(event)` and `Choice(name)` leaves (never Z3 terms), so the encoder can translate them
to Z3 and a brute-force oracle can evaluate them directly. Python ints and bools are the folded
constants; the constructors fold whenever their operands are constant, which makes straight-line
code produce no symbolic terms at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ringlitmus.frozen import frozen, hash_once
from ringlitmus.ir import ArithOp, CmpOp, ShiftOp


@hash_once
@frozen
class ReadValue:
    """The value returned by read event `event`."""

    event: int


@hash_once
@frozen
class Choice:
    """A free boolean the hardware picks (does a store-exclusive succeed?)."""

    name: str


@hash_once
@frozen
class Arith:
    """`left op right` on symbolic values."""

    op: ArithOp
    left: Value
    right: Value


@hash_once
@frozen
class Ite:
    """`condition ? then : otherwise`; register values merged where control flow joins."""

    condition: Guard
    then: Value
    otherwise: Value


@hash_once
@frozen
class Cmp:
    """`left op right` as a guard."""

    op: CmpOp
    left: Value
    right: Value


@hash_once
@frozen
class Not:
    """Negation of a guard."""

    operand: Guard


@hash_once
@frozen
class All:
    """Conjunction of guards."""

    operands: tuple[Guard, ...]


@hash_once
@frozen
class AnyOf:
    """Disjunction of guards."""

    operands: tuple[Guard, ...]


@dataclass(frozen=True, eq=False)
class Block:
    """A path condition named where control flow joins, so that guards stay small.

    After a loop with `break`s the path condition is a conjunction as long as the loop; naming
    it once keeps every later guard a few nodes deep. A block is its definition: identity is
    the (unique) name, and evaluation and translation look through to the definition.
    """

    name: str
    definition: Guard

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Block) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("block", self.name))


Value = int | ReadValue | Arith | Ite
Guard = bool | Cmp | Not | All | AnyOf | Choice | Block

# --------------------------------------------------------------------------- concrete semantics


def apply_arith(op: ArithOp, left: int, right: int) -> int:
    """Integer arithmetic as the IR defines it (MOD by zero yields 0, like AArch64's UDIV)."""
    if op is ArithOp.ADD:
        return left + right
    if op is ArithOp.SUB:
        return left - right
    if op is ArithOp.MUL:
        return left * right
    if op is ArithOp.AND:
        return left & right
    if op is ArithOp.OR:
        return left | right
    if op is ArithOp.XOR:
        return left ^ right
    if op is ArithOp.MOD:
        return left % right if right else 0
    raise AssertionError(op)


def apply_final(op: ArithOp | ShiftOp, left: int, right: int) -> int:
    """A final condition's arithmetic: the IR's, and shifts (by a non-negative amount)."""
    if op is ShiftOp.LEFT:
        return left << right
    if op is ShiftOp.RIGHT:
        return left >> right
    assert isinstance(op, ArithOp)
    return apply_arith(op, left, right)


def apply_cmp(op: CmpOp, left: int, right: int) -> bool:
    """Integer comparison."""
    if op is CmpOp.EQ:
        return left == right
    if op is CmpOp.NE:
        return left != right
    if op is CmpOp.LT:
        return left < right
    if op is CmpOp.LE:
        return left <= right
    if op is CmpOp.GT:
        return left > right
    return left >= right


# --------------------------------------------------------------------------- folding constructors


def arith(op: ArithOp, left: Value, right: Value) -> Value:
    """`left op right`, folded when both are known or an identity makes it known."""
    if isinstance(left, int) and isinstance(right, int):
        return apply_arith(op, left, right)
    # x ^ x and x - x are the idioms litmus tests use for a fake dependency: the value is
    # known (0) but the dependency is kept, because dependencies are tracked apart from values.
    if left == right and op in (ArithOp.XOR, ArithOp.SUB):
        return 0
    if op is ArithOp.AND and (left == 0 or right == 0):
        return 0
    if op is ArithOp.MUL and (left == 0 or right == 0):
        return 0
    if op in (ArithOp.ADD, ArithOp.OR, ArithOp.XOR) and right == 0:
        return left
    if op in (ArithOp.ADD, ArithOp.OR, ArithOp.XOR) and left == 0:
        return right
    if op is ArithOp.SUB and right == 0:
        return left
    if op is ArithOp.MUL and right == 1:
        return left
    return Arith(op, left, right)


def ite(condition: Guard, then: Value, otherwise: Value) -> Value:
    """`condition ? then : otherwise`, folded."""
    if condition is True:
        return then
    if condition is False:
        return otherwise
    if then == otherwise:
        return then
    return Ite(condition, then, otherwise)


def cmp(op: CmpOp, left: Value, right: Value) -> Guard:
    """`left op right`, folded."""
    if isinstance(left, int) and isinstance(right, int):
        return apply_cmp(op, left, right)
    if left == right:
        return op in (CmpOp.EQ, CmpOp.LE, CmpOp.GE)
    return Cmp(op, left, right)


_OPPOSITE = {
    CmpOp.EQ: CmpOp.NE,
    CmpOp.NE: CmpOp.EQ,
    CmpOp.LT: CmpOp.GE,
    CmpOp.GE: CmpOp.LT,
    CmpOp.GT: CmpOp.LE,
    CmpOp.LE: CmpOp.GT,
}


def negate(guard: Guard) -> Guard:
    """Not `guard`, folded; a negated comparison flips its operator so that a branch's two
    sides are recognisably complementary when their paths join again."""
    if isinstance(guard, bool):
        return not guard
    if isinstance(guard, Not):
        return guard.operand
    if isinstance(guard, Cmp):
        return Cmp(_OPPOSITE[guard.op], guard.left, guard.right)
    return Not(guard)


def conjoin(*guards: Guard) -> Guard:
    """And of `guards`, folded (False absorbs, True vanishes, repeated conjuncts once)."""
    if len(guards) == 2:  # most calls: a path condition and one guard, often a constant
        first, second = guards
        if first is False or second is False:
            return False
        if first is True and not isinstance(second, All):
            return second
        if second is True and not isinstance(first, All):
            return first
    kept: dict[Guard, None] = {}
    for guard in guards:
        if guard is False:
            return False
        if guard is True:
            continue
        for conjunct in guard.operands if isinstance(guard, All) else (guard,):
            kept[conjunct] = None
    if not kept:
        return True
    return next(iter(kept)) if len(kept) == 1 else All(tuple(kept))


def disjoin(*guards: Guard) -> Guard:
    """Or of `guards`, folded (True absorbs, False vanishes)."""
    unique: dict[Guard, None] = {}
    for guard in guards:
        if guard is True:
            return True
        if guard is False:
            continue
        for disjunct in guard.operands if isinstance(guard, AnyOf) else (guard,):
            unique[disjunct] = None
    kept = _merge_complements(list(unique)) if len(unique) > 1 else list(unique)
    if True in kept:
        return True
    if not kept:
        return False
    return kept[0] if len(kept) == 1 else AnyOf(tuple(kept))


def conjunct_closure(guard: Guard, memo: dict[Guard, frozenset[Guard]]) -> frozenset[Guard]:
    """Everything `guard` is a conjunction of, through conjunctions and named blocks, the blocks
    included: a guard implies every member, so `a` implies `b` when closure(b) <= closure(a),
    and "is block B part of this path condition" is one lookup. `memo` is the caller's cache.
    """
    if guard is True:
        return frozenset()
    found = memo.get(guard)
    if found is not None:
        return found
    if isinstance(guard, All):
        found = frozenset().union(*(conjunct_closure(operand, memo) for operand in guard.operands))
    elif isinstance(guard, Block) and isinstance(guard.definition, All | Block):
        found = conjunct_closure(guard.definition, memo) | {guard}
    else:
        found = frozenset((guard,))
    memo[guard] = found
    return found


def _conjuncts(guard: Guard) -> tuple[Guard, ...]:
    return guard.operands if isinstance(guard, All) else (guard,)


def _merge_complements(disjuncts: list[Guard]) -> list[Guard]:
    """(g && c) || (g && !c) is g: where the two sides of a branch meet, the path condition
    returns to what it was before the branch. Without this, guards grow with every if.

    Each disjunct is indexed by (its other conjuncts, one conjunct); a new disjunct looks up
    its complement there, so a chain of `break`s out of a loop merges in linear passes.
    """
    order: dict[Guard, int] = {}
    for guard in disjuncts:
        for conjunct in _conjuncts(guard):
            order.setdefault(conjunct, len(order))
    present: dict[frozenset[Guard], Guard] = {}
    index: dict[tuple[frozenset[Guard], Guard], frozenset[Guard]] = {}
    # A disjunct as it was given, for those left unmerged (a named block stays named).
    given: dict[frozenset[Guard], Guard] = {}
    pending = []
    for guard in disjuncts:
        conjuncts = frozenset(_conjuncts(guard))
        if len(disjuncts) > 1:
            conjuncts = _open_block(conjuncts, order)
        given[conjuncts] = guard
        pending.append(conjuncts)
    while pending:
        conjuncts = _open_block(pending.pop(), order)
        if conjuncts in present:
            continue
        partner = None
        # In rank order, not the frozenset's (string hashes differ between processes): the
        # same program must give the same terms, or --rlimit would not mean the same everywhere.
        for conjunct in sorted(conjuncts, key=order.__getitem__):
            rest = conjuncts - {conjunct}
            other = index.get((rest, negate(conjunct)))
            if other is not None and other in present:
                partner = (other, rest)
                break
        if partner is not None:
            other, rest = partner
            _forget(other, present, index)
            pending.append(rest)
            continue
        # Keep the conjuncts in their first-seen order: deterministic terms, stable names.
        if conjuncts in given:
            present[conjuncts] = given[conjuncts]
        else:
            ordered = sorted(conjuncts, key=order.__getitem__)
            present[conjuncts] = conjoin(*ordered) if conjuncts else True
        for conjunct in conjuncts:
            index[(conjuncts - {conjunct}, conjunct)] = conjuncts
    return list(present.values())


def _open_block(conjuncts: frozenset[Guard], order: dict[Guard, int]) -> frozenset[Guard]:
    """A lone named conjunction as its conjuncts: a loop's path condition is a chain of named
    blocks (`B2 = B1 && !c1`), and a `break` edge (`B1 && c1`) merges only with the opened form.
    The opened conjuncts get ranks in `order` in the definition's order."""
    if len(conjuncts) != 1:
        return conjuncts
    (block,) = conjuncts
    if isinstance(block, Block) and isinstance(block.definition, All):
        for operand in block.definition.operands:
            order.setdefault(operand, len(order))
        return frozenset(block.definition.operands)
    return conjuncts


def _forget(
    conjuncts: frozenset[Guard],
    present: dict[frozenset[Guard], Guard],
    index: dict[tuple[frozenset[Guard], Guard], frozenset[Guard]],
) -> None:
    del present[conjuncts]
    for conjunct in conjuncts:
        index.pop((conjuncts - {conjunct}, conjunct), None)


# --------------------------------------------------------------------------- evaluation


def evaluate(
    value: Value,
    reads: Mapping[int, int],
    choices: Mapping[str, bool],
    blocks: dict[str, bool] | None = None,
) -> int:
    """The concrete value of `value` given every read's value and every choice."""
    if isinstance(value, int):
        return value
    if isinstance(value, ReadValue):
        return reads[value.event]
    if isinstance(value, Arith):
        return apply_arith(
            value.op,
            evaluate(value.left, reads, choices, blocks),
            evaluate(value.right, reads, choices, blocks),
        )
    if holds(value.condition, reads, choices, blocks):
        return evaluate(value.then, reads, choices, blocks)
    return evaluate(value.otherwise, reads, choices, blocks)


def holds(
    guard: Guard,
    reads: Mapping[int, int],
    choices: Mapping[str, bool],
    blocks: dict[str, bool] | None = None,
) -> bool:
    """The truth of `guard` given every read's value and every choice.

    `blocks` memoises named path conditions (pass a dict to share it across calls).
    """
    if isinstance(guard, bool):
        return guard
    if blocks is None:
        blocks = {}
    if isinstance(guard, Block):
        if guard.name not in blocks:
            blocks[guard.name] = holds(guard.definition, reads, choices, blocks)
        return blocks[guard.name]
    if isinstance(guard, Choice):
        return choices[guard.name]
    if isinstance(guard, Cmp):
        return apply_cmp(
            guard.op,
            evaluate(guard.left, reads, choices, blocks),
            evaluate(guard.right, reads, choices, blocks),
        )
    if isinstance(guard, Not):
        return not holds(guard.operand, reads, choices, blocks)
    if isinstance(guard, All):
        return all(holds(operand, reads, choices, blocks) for operand in guard.operands)
    return any(holds(operand, reads, choices, blocks) for operand in guard.operands)


def reads_of(item: Value | Guard, into: set[int]) -> set[int]:
    """The read events whose values `item` mentions (added to `into`)."""
    if isinstance(item, ReadValue):
        into.add(item.event)
    elif isinstance(item, Arith | Cmp):
        reads_of(item.left, into)
        reads_of(item.right, into)
    elif isinstance(item, Ite):
        reads_of(item.condition, into)
        reads_of(item.then, into)
        reads_of(item.otherwise, into)
    elif isinstance(item, Not):
        reads_of(item.operand, into)
    elif isinstance(item, All | AnyOf):
        for operand in item.operands:
            reads_of(operand, into)
    elif isinstance(item, Block):
        reads_of(item.definition, into)
    return into
