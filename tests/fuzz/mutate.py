"""Turn a litmus file's bytes into broken, odd or huge variants, the same ones on every run.

Each mutator takes the bytes and a seeded `random.Random` and returns the mutant, or None when
it does not apply (no number to replace, no thread to nest in). Seeds are strings: `Random`
hashes them with SHA-512, so a seed names the same mutant whatever PYTHONHASHSEED is.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Mutator = Callable[[bytes, random.Random], bytes | None]

# A token is a run of word characters or one punctuation byte; whitespace runs are kept
# between them so that joining the pieces gives the text back.
_PIECES = re.compile(rb"\s+|\w+|[^\w\s]")
_NUMBER = re.compile(rb"(?<![\w.])(?:0[xX][0-9a-fA-F]+|[0-9]+)(?!\w)")
# The ring DSL's outcome line, `forbidden NAME: any i in 0..N-1: CONDITION  # comment`.
_RING_CONDITION = re.compile(
    rb"^(?P<head>[ \t]*(?:forbidden|allowed|required)[ \t]+\w+[ \t]*:"
    rb"(?:[ \t]*(?:any|all)[ \t]+\w+[ \t]+in[ \t]+[^:\n]*:)*)"
    rb"(?P<condition>[^\n#]*?)(?P<tail>[ \t]*(?:(?:#|//)[^\n]*)?)$",
    re.MULTILINE,
)
# herd's final condition runs from its quantifier to the end of the file.
_HERD_CONDITION = re.compile(
    rb"(?P<head>^[ \t]*(?:~[ \t]*exists|exists|forall))(?P<condition>.*)", re.MULTILINE | re.DOTALL
)
_THREAD_BLOCK = re.compile(
    rb"^[ \t]*thread[ \t]+\w+(?:[ \t]+\"[^\"\n]*\")?[ \t]*\n?[ \t]*\{", re.MULTILINE
)
_THREAD_LINE = re.compile(rb"^[ \t]*thread[ \t]+\w+(?:[ \t]+\"[^\"\n]*\")?[ \t]*:", re.MULTILINE)

PARENTHESES_DEPTH = 10_000
IF_DEPTH = 500
HUGE_NUMBERS = (
    str(10**400).encode(),
    b"-" + str(10**400).encode(),
    b"-1",
    b"0x" + b"f" * 128,
    b"0x",
    str(2**64).encode(),
    str(2**63).encode(),
    b"4097",  # one past the largest shift the ring DSL allows (MAX_BITS)
)
NOT_UTF8 = (
    b"\xff",
    b"\xfe\xff",
    b"\xc3\x28",  # a lead byte without its continuation
    b"\xe9",  # Latin-1 e-acute
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\xc0\xaf",  # an overlong '/'
)
BYTE_ORDER_MARK = b"\xef\xbb\xbf"
# Words of the grammars (ring.lark, aarch64.lark, x86.lark, common.lark) and herd's syntax: inserted
# where a token was, they make text that lexes and half parses, which reaches the checks
# after the parser.
WORDS = tuple(
    b"""if else for in break thread proc variant param const struct array include test load
    store load-acq load-acq-pc store-rel xchg swp cas fetch_add fetch_andnot dmb dsb isb ish
    ishld sy smp_mb smp_wmb READ_ONCE WRITE_ONCE smp_load_acquire any all forbidden allowed
    required expect reachable unreachable using into none plain acquire release acquire-pc
    .. { } ( ) [ ] && || << >> == != <= = : ; , . & ~ ! - % # // \\ " 0 1 -1 true false
    exists forall ~exists locations filter /\\ \\/ LDR STR LDAR STLR LDXR STXR CAS SWP LDADD
    DMB ISB CBZ CBNZ B EOR ADD MOV | #0 X0 W1 XZR SP [X0] [X0,X1] LSL 0:X0 P0 L0: int64_t
    uint32_t * X86 EAX EBX [x] $1 MFENCE LFENCE XCHG LOCK CMPXCHG JMP JE 0:EAX""".split()
)


@dataclass(frozen=True)
class Mutant:
    """One mutated file: what was done to it (for the test id) and its bytes."""

    name: str
    data: bytes


def split_tokens(data: bytes) -> list[bytes]:
    """The pieces of `data`: tokens and the whitespace between them; they join back to it."""
    return _PIECES.findall(data)


def _token_indexes(pieces: list[bytes]) -> list[int]:
    return [index for index, piece in enumerate(pieces) if not piece.isspace()]


def delete_token(data: bytes, rng: random.Random) -> bytes | None:
    """One token gone."""
    pieces = split_tokens(data)
    indexes = _token_indexes(pieces)
    if not indexes:
        return None
    del pieces[rng.choice(indexes)]
    return b"".join(pieces)


def duplicate_token(data: bytes, rng: random.Random) -> bytes | None:
    """One token written twice."""
    pieces = split_tokens(data)
    indexes = _token_indexes(pieces)
    if not indexes:
        return None
    index = rng.choice(indexes)
    # Glued (`==` -> `====`, `2` -> `22`) or apart (`store store`): both are typos people make.
    pieces.insert(index + 1, rng.choice([b"", b" "]) + pieces[index])
    return b"".join(pieces)


def swap_tokens(data: bytes, rng: random.Random) -> bytes | None:
    """Two tokens exchanged."""
    pieces = split_tokens(data)
    indexes = _token_indexes(pieces)
    if len(indexes) < 2:
        return None
    first, second = rng.sample(indexes, 2)
    pieces[first], pieces[second] = pieces[second], pieces[first]
    return b"".join(pieces)


def replace_token(data: bytes, rng: random.Random) -> bytes | None:
    """A token overwritten by a copy of another of the file's tokens."""
    pieces = split_tokens(data)
    indexes = _token_indexes(pieces)
    if len(indexes) < 2:
        return None
    target, origin = rng.sample(indexes, 2)
    pieces[target] = pieces[origin]
    return b"".join(pieces)


def insert_word(data: bytes, rng: random.Random) -> bytes | None:
    """A word of the grammars inserted before a token, or written over it."""
    pieces = split_tokens(data)
    indexes = _token_indexes(pieces)
    if not indexes:
        return None
    index = rng.choice(indexes)
    word = rng.choice(WORDS)
    if rng.random() < 0.5:
        pieces[index] = word
    else:
        pieces.insert(index, word + b" ")
    return b"".join(pieces)


def several_edits(data: bytes, rng: random.Random) -> bytes | None:
    """Two to five token edits in a row: far from the original, still mostly tokens."""
    edits = (delete_token, duplicate_token, swap_tokens, replace_token, insert_word, huge_number)
    for _ in range(rng.randint(2, 5)):
        data = rng.choice(edits)(data, rng) or data
    return data


def truncate(data: bytes, rng: random.Random) -> bytes | None:
    """The file cut at a random offset."""
    if not data:
        return None
    return data[: rng.randrange(len(data))]


def insert_random_bytes(data: bytes, rng: random.Random) -> bytes | None:
    """One to sixteen random bytes inserted anywhere."""
    offset = rng.randint(0, len(data))
    noise = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return data[:offset] + noise + data[offset:]


def huge_number(data: bytes, rng: random.Random) -> bytes | None:
    """A number replaced by one of HUGE_NUMBERS (10**400, -1, a long hex, 2**64, ...)."""
    numbers = list(_NUMBER.finditer(data))
    if not numbers:
        return None
    match = rng.choice(numbers)
    return data[: match.start()] + rng.choice(HUGE_NUMBERS) + data[match.end() :]


def not_utf8(data: bytes, rng: random.Random) -> bytes | None:
    """A byte sequence that is not UTF-8 inserted anywhere."""
    offset = rng.randint(0, len(data))
    return data[:offset] + rng.choice(NOT_UTF8) + data[offset:]


def nul_byte(data: bytes, rng: random.Random) -> bytes | None:
    """A NUL byte inserted anywhere."""
    offset = rng.randint(0, len(data))
    return data[:offset] + b"\x00" + data[offset:]


def empty_file(data: bytes, rng: random.Random) -> bytes | None:
    """Nothing at all."""
    return b""


def crlf_line_endings(data: bytes, rng: random.Random) -> bytes | None:
    """Windows line endings."""
    if b"\n" not in data:
        return None
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def cr_line_endings(data: bytes, rng: random.Random) -> bytes | None:
    """Classic Mac OS line endings: a bare CR."""
    if b"\n" not in data:
        return None
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")


def byte_order_mark(data: bytes, rng: random.Random) -> bytes | None:
    """A UTF-8 byte order mark first, as Windows editors write it."""
    return BYTE_ORDER_MARK + data


def _condition(data: bytes) -> re.Match[bytes] | None:
    return _HERD_CONDITION.search(data) or _RING_CONDITION.search(data)


def deep_parentheses(data: bytes, rng: random.Random) -> bytes | None:
    """The first final condition inside 10 000 pairs of parentheses."""
    match = _condition(data)
    if match is None or not match.group("condition").strip():
        return None
    condition = match.group("condition").strip()
    nested = b"(" * PARENTHESES_DEPTH + condition + b")" * PARENTHESES_DEPTH
    start, end = match.span("condition")
    return data[:start] + b" " + nested + data[end:]


def deep_negation(data: bytes, rng: random.Random) -> bytes | None:
    """The first final condition under 10 000 negations (an even number: the same condition)."""
    match = _condition(data)
    if match is None or not match.group("condition").strip():
        return None
    negations = rng.choice([b"~", b"!"]) * PARENTHESES_DEPTH
    start, end = match.span("condition")
    return (
        data[:start]
        + b" "
        + negations
        + b"("
        + match.group("condition").strip()
        + b")"
        + data[end:]
    )


def deep_expression(data: bytes, rng: random.Random) -> bytes | None:
    """A number inside 10 000 pairs of parentheses; one in the code if there is one, since
    the final conditions take no parentheses around a value."""
    numbers = list(_NUMBER.finditer(data))
    condition = _condition(data)
    if condition is not None:
        start, end = condition.span()
        numbers = [n for n in numbers if not start <= n.start() < end] or numbers
    if not numbers:
        return None
    match = rng.choice(numbers)
    nested = b"(" * PARENTHESES_DEPTH + match.group() + b")" * PARENTHESES_DEPTH
    return data[: match.start()] + nested + data[match.end() :]


def deep_if(data: bytes, rng: random.Random) -> bytes | None:
    """`if` statements nested 500 deep at the start of the first ring-DSL thread."""
    match = _THREAD_BLOCK.search(data)
    if match is not None:
        nest = b"\n" + b"if 1 {\n" * IF_DEPTH + b"}\n" * IF_DEPTH
        return data[: match.end()] + nest + data[match.end() :]
    match = _THREAD_LINE.search(data)
    if match is not None:
        nest = b" " + b"if 1 { " * IF_DEPTH + b"}" * IF_DEPTH + b";"
        return data[: match.end()] + nest + data[match.end() :]
    return None


RANDOM_MUTATORS: dict[str, Mutator] = {
    "delete-token": delete_token,
    "duplicate-token": duplicate_token,
    "swap-tokens": swap_tokens,
    "replace-token": replace_token,
    "insert-word": insert_word,
    "several-edits": several_edits,
    "truncate": truncate,
    "random-bytes": insert_random_bytes,
    "huge-number": huge_number,
    "not-utf8": not_utf8,
    "nul-byte": nul_byte,
}
"""Mutators whose result depends on the seed: worth running many times per file."""

FIXED_MUTATORS: dict[str, Mutator] = {
    "empty": empty_file,
    "crlf": crlf_line_endings,
    "cr": cr_line_endings,
    "bom": byte_order_mark,
    "deep-parentheses": deep_parentheses,
    "deep-negation": deep_negation,
    "deep-expression": deep_expression,
    "deep-if": deep_if,
}
"""Mutators that give (nearly) one result per file: worth running once per file."""


def mutate(data: bytes, mutator: str, seed: str) -> bytes | None:
    """`data` changed by the mutator named `mutator`, drawing from a Random seeded with `seed`."""
    function = RANDOM_MUTATORS.get(mutator) or FIXED_MUTATORS[mutator]
    return function(data, random.Random(seed))


def random_mutants(data: bytes, seed: str, count: int) -> list[Mutant]:
    """`count` mutants of `data`, the random mutators taken in turn from one the seed picks
    (one that does not apply is skipped: its turn goes to the next)."""
    names = list(RANDOM_MUTATORS)
    first = random.Random(seed).randrange(len(names))
    found: list[Mutant] = []
    attempt = 0
    while len(found) < count and attempt < count * len(names):
        name = names[(first + attempt) % len(names)]
        mutant = mutate(data, name, f"{seed}:{attempt}")
        if mutant is not None and mutant != data:
            found.append(Mutant(f"{name}-{attempt}", mutant))
        attempt += 1
    return found


def fixed_mutants(data: bytes) -> list[Mutant]:
    """Every fixed mutator's mutant of `data` that applies."""
    found = []
    for name in FIXED_MUTATORS:
        mutant = mutate(data, name, name)
        if mutant is not None and mutant != data:
            found.append(Mutant(name, mutant))
    return found


def truncations(data: bytes, every: int) -> Iterator[Mutant]:
    """`data` cut at offsets 0, every, 2 * every, ... (the empty file first)."""
    for offset in range(0, len(data), every):
        yield Mutant(f"truncate-at-{offset}", data[:offset])
