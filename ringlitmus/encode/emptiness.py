"""Which relation and set terms are empty in every execution, told from their shape alone.

A model names far more relations than a given test uses: LKMM's RCU, SRCU, lock and plain-access
sections are empty for a test without those events, and making their pairs still walked every
composition and union on the way. Here a term is known empty when the base sets and relations
it needs are, through the algebra: a sequence with an empty step, an intersection with an
empty side, a union of empty operands, `S \\ T` with S empty, a closure or least fixpoint of an
empty body (the fixpoint's variable counting as its current pairs, empty before the first
iteration). "Not known empty" says nothing: the encoder then makes the pairs, and may still
find none.
"""

from __future__ import annotations

from collections.abc import Callable

from ringlitmus.models import relations as rel

Term = rel.RelTerm | rel.SetTerm
Leaf = rel.EventSet | rel.Rel | rel.Recursive

_LEAVES = (rel.EventSet, rel.Rel, rel.Recursive)
_SETS = (rel.EventSet, rel.SetUnion, rel.SetInter, rel.SetDiff, rel.Range)
# Which operands decide: any one empty (a sequence, an intersection), all of them (a union),
# or the first alone (a difference; a definition, inverse, closure, range or fixpoint of it).
_ANY = (rel.Seq, rel.Inter, rel.SetInter, rel.Product, rel.Ident)
_ALL = (rel.Union, rel.SetUnion)


def known_empty(
    term: Term,
    known: dict[Term, bool],
    made: tuple[dict[rel.RelTerm, object], dict[rel.SetTerm, object]],
    leaf_empty: Callable[[Leaf], bool],
) -> bool:
    """Is `term` empty in every execution? (False: not known to be.)

    `known` memoises the answers; `made` holds the pairs of the relations and the events of
    the sets made already (their emptiness is then exact); `leaf_empty` answers for event
    sets, base relations and recursive variables. Nothing here keeps them: the encoder that
    passes its own stays free of reference cycles, so it is freed with its Z3 context, not
    at the next collection.
    """
    answer = known.get(term)
    if answer is not None:
        return answer
    kind = type(term)
    pairs = made[1].get(term) if kind in _SETS else made[0].get(term)  # type: ignore[arg-type]
    if pairs is not None:
        answer = not pairs
    elif kind in _LEAVES:
        answer = leaf_empty(term)  # type: ignore[arg-type]
    else:
        operands = rel.children(term)
        if kind in _ANY:
            answer = any(known_empty(o, known, made, leaf_empty) for o in operands)
        elif kind in _ALL:
            answer = all(known_empty(o, known, made, leaf_empty) for o in operands)
        else:
            answer = known_empty(operands[0], known, made, leaf_empty)
    known[term] = answer
    return answer
