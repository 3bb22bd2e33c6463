"""Turn ring-DSL litmus text into IR: parse, splice in preludes, expand every variant.

The pipeline: ring.lark parses each file (the test and the `*.prelude` files it includes);
ring_tree.py turns the parse tree into syntax nodes; ring_declare.py evaluates constants, params
and locations; ring_expand.py expands each thread once per variant; ring_outcomes.py resolves
the outcomes and expectations. Nothing is written to disk.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from lark import Lark, Token
from lark.exceptions import UnexpectedInput

from ringlitmus import ir
from ringlitmus.deadline import Deadline, Phase, check_deadline
from ringlitmus.errors import (
    DuplicateNameError,
    DuplicateThreadError,
    IncludeError,
    LitmusError,
    LitmusSyntaxError,
    Span,
)
from ringlitmus.frontends.build import (
    add_source_line,
    check_unique,
    syntax_error,
    transform_tree,
)
from ringlitmus.frontends.grammars import open_grammar
from ringlitmus.frontends.ring_calls import check_procedures
from ringlitmus.frontends.ring_declare import declare, variant_choices
from ringlitmus.frontends.ring_expand import ThreadExpander
from ringlitmus.frontends.ring_names import STATEMENT_WORDS, Names, suggestion
from ringlitmus.frontends.ring_outcomes import OutcomeBuilder, build_expectations
from ringlitmus.frontends.ring_syntax import (
    ArrayDefinition,
    Definition,
    ExpectationDefinition,
    Include,
    Item,
    LocationDefinition,
    OutcomeDefinition,
    Procedure,
    StructDefinition,
    StructInstance,
    TestName,
    ThreadDefinition,
    VariantDefinition,
)
from ringlitmus.frontends.ring_tree import SyntaxBuilder
from ringlitmus.frontends.source import read_source

# Readable words for ring.lark's named terminals in "expected ..." messages.
_WORDS = {
    "NL": "end of line",
    "NUMBER": "number",
    "ORDERING": "ordering (plain, acquire, acquire-pc, release, acq_rel)",
    "BARRIER_OPTION": "barrier option (ish, ishld, ishst, sy, ld, st)",
    "LOAD_ACQUIRE": "'load-acq' (or 'load-acquire')",
    "LOAD_ACQUIRE_PC": "'load-acq-pc' (or 'load-acquire-pc')",
    "STORE_RELEASE": "'store-rel' (or 'store-release')",
    "VARIABLE_INDEX": "[variable]",
}

# What an included file may hold: declarations, never threads, variants or outcomes.
_PRELUDE_ITEMS = (
    Definition,
    LocationDefinition,
    ArrayDefinition,
    StructDefinition,
    StructInstance,
    Procedure,
)

# The words a top-level item starts with: met inside a block, a `}` is missing.
_ITEM_WORDS = frozenset(
    ("test", "include", "const", "param", "array", "struct", "proc", "thread", "variant",
     "forbidden", "allowed", "required", "expect")
)  # fmt: skip
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"?')
# A statement's first word, after the register a load or an RMW assigns.
_STATEMENT_START = re.compile(
    r"\s*(?:[A-Za-z_]\w*(?:\[[^\]]*\])?\s*=(?!=)\s*)?(?P<word>[A-Za-z_][\w-]*)"
)
_LEADING_COMMENTS = re.compile(r"\A(?:[ \t]*(?:#|//)[^\n]*\n|[ \t]*\n)*")


def parse_ring(
    text: str,
    file: str,
    defines: Mapping[str, int] | None = None,
    deadline: Deadline | None = None,
    include_dirs: Sequence[str] = (),
) -> ir.Test:
    """Parse ring-DSL `text` read from `file` into an ir.Test.

    Includes are read relative to the including file, and only from under `file`'s directory
    or one of `include_dirs` (`--include-dir`); `defines` (`-D NAME=VALUE`) override number
    params. Every problem is a LitmusError with a span. Past `deadline` (checked between files
    and as loops and calls are expanded), CheckTimeoutError.
    """
    loader = _Loader(file, include_dirs)
    try:
        items = loader.load(text, file, (_identity(file),))
        check_deadline(deadline, Phase.PARSING)
        return _build_test(file, items, dict(defines or {}), _doc(text), deadline)
    except LitmusError as error:
        raise loader.locate(error) from None


@functools.cache
def _parser() -> Lark:
    """The ring-DSL parser, built once per process (it is immutable)."""
    return open_grammar("ring.lark", propagate_positions=True, maybe_placeholders=True)


def _identity(file: str) -> Path:
    return Path(file).resolve()


def _doc(text: str) -> str | None:
    """The comment block the file opens with, as the test's description."""
    block = _LEADING_COMMENTS.match(text)
    lines = [re.sub(r"^\s*(#|//) ?", "", line) for line in (block[0] if block else "").splitlines()]
    doc = "\n".join(lines).strip()
    return doc or None


class _Loader:
    """Parses a file and the files it includes, each once; remembers each file's text (for
    error lines) and the includes that led to it (for "in file included from")."""

    def __init__(self, file: str, include_dirs: Sequence[str]) -> None:
        self._texts: dict[str, str] = {}
        self._included_from: dict[str, tuple[Span, ...]] = {file: ()}
        self._included: set[Path] = set()
        # A test from an untrusted change must not read the machine's other files: includes
        # stay under the test's own directory or a directory the user names.
        self._roots = tuple(
            _identity(root) for root in (os.path.dirname(file) or ".", *include_dirs)
        )

    def load(self, text: str, file: str, chain: tuple[Path, ...]) -> list[Item]:
        """`text`'s items with includes spliced in place; `chain` is the include stack."""
        self._texts[file] = text
        parser = _parser()
        try:
            tree = parser.parse(text)
        except UnexpectedInput as error:
            raise _syntax_error(error, parser, text, file) from None
        items = transform_tree(SyntaxBuilder(file), tree, file)
        assert isinstance(items, tuple)
        loaded: list[Item] = []
        for item in items:
            if isinstance(item, Include):
                loaded.extend(self._include(item, file, chain))
            else:
                loaded.append(item)
        return loaded

    def _include(self, include: Include, file: str, chain: tuple[Path, ...]) -> list[Item]:
        path = os.path.normpath(os.path.join(os.path.dirname(file), include.path))
        try:
            identity = _identity(path)
        # ValueError: a NUL byte in the path; RuntimeError: a symbolic link loop (Python < 3.13).
        except (OSError, ValueError, RuntimeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise _cannot_include(include, path, reason) from None
        if not any(identity.is_relative_to(root) for root in self._roots):
            raise IncludeError(
                f"cannot include '{include.path}': it is outside the test's directory"
                f"{' and every --include-dir' if len(self._roots) > 1 else ''} "
                "(after following '..' and symbolic links); name its directory with "
                "--include-dir DIR to allow it",
                include.span,
            )
        if identity in chain:
            cycle = " -> ".join(p.name for p in (*chain[chain.index(identity) :], identity))
            raise IncludeError(f"include cycle: {cycle}", include.span)
        if identity in self._included:
            return []  # each file is read once, as with `#pragma once`
        self._included_from[path] = (include.span, *self._included_from.get(file, ()))
        text = read_source(path, functools.partial(_cannot_include, include, path))
        self._included.add(identity)
        items = self.load(text, path, (*chain, identity))
        for item in items:
            if not isinstance(item, _PRELUDE_ITEMS):
                raise IncludeError(
                    f"an included file holds declarations only (const, param, struct, array, "
                    f"locations, proc, include), not a {_kind(item)}",
                    item.span,
                )
        return items

    def locate(self, error: LitmusError) -> LitmusError:
        """`error` with the line of the file its span points into and the includes that led
        to that file."""
        if error.span is None:
            return error
        error.included_from = self._included_from.get(error.span.file, ())
        if error.span.file in self._texts:
            return add_source_line(error, self._texts[error.span.file])
        return error


def _cannot_include(include: Include, path: str, reason: str) -> IncludeError:
    """Why the file an `include` names cannot be read, at the include."""
    where = f" ({path})" if path != include.path else ""
    return IncludeError(f"cannot include '{include.path}'{where}: {reason}", include.span)


def _kind(item: Item) -> str:
    return type(item).__name__.replace("Definition", "").lower() or "item"


def _syntax_error(error: UnexpectedInput, parser: Lark, text: str, file: str) -> LitmusSyntaxError:
    """build.py's syntax error, saying "end of line" where the token is a newline."""
    result = syntax_error(error, parser, text, file, _WORDS)
    token = getattr(error, "token", None)
    if isinstance(token, Token) and token.type == "_NL":
        _, separator, expected = result.message.partition(", expected ")
        result.message = "unexpected end of line" + (separator + expected if separator else "")
        result.args = (result.message,)
    unclosed = _unclosed_brace(text, result, file)
    if unclosed is not None:
        return unclosed
    misspelt = _misspelt_instruction(result.source_line or "", result.span)
    if misspelt:
        result.message += misspelt
        result.args = (result.message,)
    line = (result.source_line or "").lstrip()
    if line.startswith("else") and not (line[4:5].isalnum() or line[4:5] == "_"):
        # A newline ends the `if` statement, so a leading `else` reads as a procedure call.
        result.message += "; `else` goes on the line of the `}` it follows: `} else {`"
        result.args = (result.message,)
    return result


def _unclosed_brace(text: str, error: LitmusSyntaxError, file: str) -> LitmusSyntaxError | None:
    """The error at the `{` a block or list opened, when the parser only failed on meeting
    the end of the file, or a line starting a new item, inside it (a missing `}`)."""
    span = error.span
    if span is None:
        return None
    lines = text.split("\n")
    line = lines[span.line - 1] if span.line <= len(lines) else ""
    word = re.match(r"\s*([A-Za-z_]\w*)", line)
    first = word[1] if word else ""
    at_end = error.message.startswith("unexpected end of input")
    if not at_end and first not in _ITEM_WORDS:
        return None
    offset = sum(len(before) + 1 for before in lines[: span.line - 1])
    opened = _open_braces(text[: offset + (span.column - 1 if at_end else 0)])
    if not opened:
        return None
    brace_line, brace_column = opened[-1]
    where = "the file ends" if at_end else f"line {span.line} starts a new `{first}`"
    return LitmusSyntaxError(
        f"this '{{' is never closed: {where} inside it",
        Span(file, brace_line, brace_column),
        expected=("'}'",),
        source_line=lines[brace_line - 1],
    )


def _open_braces(text: str) -> list[tuple[int, int]]:
    """The line and column of each `{` in `text` not yet closed, outermost first (comments
    and strings skipped)."""
    opened: list[tuple[int, int]] = []
    line, line_start, index = 1, 0, 0
    while index < len(text):
        char = text[index]
        if char == "\n":
            line, line_start = line + 1, index + 1
        elif char == "#" or text.startswith("//", index):
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
            continue
        elif char == '"':
            string = _STRING.match(text, index)
            index = string.end() if string else index + 1
            continue
        elif char == "{":
            opened.append((line, index - line_start + 1))
        elif char == "}" and opened:
            opened.pop()
        index += 1
    return opened


def _misspelt_instruction(line: str, span: Span | None) -> str:
    """` (did you mean 'store'?)` when the statement the error is in starts with a word close
    to an instruction's (`stor x = 1`, `r0 = lod x`)."""
    if span is None:
        return ""
    statement = re.split(r"[;{}]|^\s*thread\s+\w+(?:\s+\"[^\"]*\")?\s*:", line[: span.column - 1])[
        -1
    ]
    start = _STATEMENT_START.match(statement)
    if start is None or start["word"] in STATEMENT_WORDS:
        return ""
    hint = suggestion(start["word"], list(STATEMENT_WORDS))
    return f"; `{start['word']}` is no instruction{hint}" if hint else ""


def _build_test(
    file: str,
    items: Sequence[Item],
    defines: Mapping[str, int],
    doc: str | None,
    deadline: Deadline | None = None,
) -> ir.Test:
    """The Test: declarations, one Program per variant, outcomes and expectations."""
    declarations = declare(items, defines)
    base = declarations.names
    procedures = [item for item in items if isinstance(item, Procedure)]
    check_procedures(procedures)
    threads = [item for item in items if isinstance(item, ThreadDefinition)]
    check_unique(((t.name, t.span) for t in threads), DuplicateThreadError, "thread")
    if not threads:
        raise LitmusSyntaxError("a test needs at least one `thread`", Span(file, 1, 1))
    variants = [item for item in items if isinstance(item, VariantDefinition)]
    registers: dict[str, dict[str, frozenset[str]]] = {t.name: {} for t in threads}
    built = []
    for name, choices, span in variant_choices(variants, base.choices, base.numbers):
        names = Names(base.numbers, choices, base.scalars, base.arrays)
        program_threads = []
        for thread in threads:
            expander = ThreadExpander(thread, names, procedures, deadline)
            program_threads.append(expander.expand())
            registers[thread.name][name] = frozenset(expander.registers)
        program = ir.Program(tuple(program_threads), declarations.locations)
        built.append(ir.Variant(name, program, span))
    outcome_definitions = [item for item in items if isinstance(item, OutcomeDefinition)]
    outcomes = OutcomeBuilder(file, base, registers).outcomes(outcome_definitions)
    expectations = build_expectations(
        [item for item in items if isinstance(item, ExpectationDefinition)],
        [variant.name for variant in built],
        [outcome.name for outcome in outcomes],
    )
    test_names = [item for item in items if isinstance(item, TestName)]
    if len(test_names) > 1:
        raise DuplicateNameError("the test is named twice", test_names[1].span)
    return ir.Test(
        file=file,
        name=test_names[0].name if test_names else Path(file).stem,
        format=ir.Format.RING,
        variants=tuple(built),
        outcomes=outcomes,
        expectations=expectations,
        doc=doc,
        span=Span(file, 1, 1),
    )
