"""Procedure patterns of the ring DSL: checking them, and matching a call against them.

`proc ioctl reset(e) using(order) { ... }` has the pattern `ioctl reset _ using _`: a call
matches when it repeats the words in place and puts one argument in each slot, either bare
(`ioctl reset gfn2 using acquire`) or in parentheses (`ioctl reset(gfn2) using(acquire)`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ringlitmus.errors import DuplicateNameError, LitmusSyntaxError, Span, UnknownNameError
from ringlitmus.frontends.build import check_unique
from ringlitmus.frontends.ring_names import STATEMENT_WORDS, suggestion
from ringlitmus.frontends.ring_syntax import Argument, Call, Procedure, Word


def check_procedures(procedures: Sequence[Procedure]) -> None:
    """Procedure patterns start with a word, name each parameter once, and differ in shape."""
    shapes: list[tuple[str, Span | None]] = []
    for procedure in procedures:
        if not isinstance(procedure.pattern[0], str):
            raise LitmusSyntaxError(
                "a procedure's pattern starts with a word: `proc fill(e)`", procedure.span
            )
        check_unique(
            ((name, procedure.span) for name in procedure.parameters),
            DuplicateNameError,
            f"parameter of `{procedure.signature}`",
        )
        shape = " ".join(w if isinstance(w, str) else "_" * len(w) for w in procedure.pattern)
        shapes.append((shape, procedure.span))
    check_unique(shapes, DuplicateNameError, "procedure pattern")


def match_call(
    call: Call, procedures: Sequence[Procedure]
) -> tuple[Procedure, list[Word | Argument]]:
    """The procedure whose pattern `call` fits (most literal words wins) and its arguments."""
    matches: list[tuple[int, Procedure, list[Word | Argument]]] = []
    for procedure in procedures:
        flat = [p if isinstance(p, str) else None for p in procedure.pattern for _ in _each(p)]
        if len(flat) != len(call.items):
            continue
        arguments = []
        for expected, item in zip(flat, call.items, strict=True):
            if expected is None:
                arguments.append(item)
            elif not (isinstance(item, Word) and _bare_word(item) == expected):
                break
        else:
            words = sum(1 for expected in flat if expected is not None)
            matches.append((words, procedure, arguments))
    verb = _bare_word(call.items[0]) or "?"
    if not matches:
        known = [p.signature for p in procedures if p.pattern[0] == verb]
        hint = f"; `{verb}` takes: " + ", ".join(known) if known else ""
        if not known:
            # Not a procedure at all: most likely a misspelt instruction (`stor x = 1`).
            verbs = [*STATEMENT_WORDS, *(str(p.pattern[0]) for p in procedures)]
            hint = suggestion(verb, verbs)
        raise UnknownNameError(f"no procedure matches this call to `{verb}`{hint}", call.span)
    matches.sort(key=lambda match: -match[0])
    if len(matches) > 1 and matches[0][0] == matches[1][0]:
        both = f"`{matches[0][1].signature}` and `{matches[1][1].signature}`"
        raise UnknownNameError(f"this call matches both {both}", call.span)
    return matches[0][1], matches[0][2]


def _each(part: str | tuple[str, ...]) -> tuple[object, ...]:
    """One slot for a word, one per parameter for a parameter list."""
    return (part,) if isinstance(part, str) else part


def _bare_word(item: Word | Argument) -> str | None:
    """The word `item` is, if it is a plain name (`using`, `reset`)."""
    if not isinstance(item, Word) or len(item.path.parts) != 1:
        return None
    if item.path.parts[0].index is not None:
        return None
    return item.path.parts[0].name
