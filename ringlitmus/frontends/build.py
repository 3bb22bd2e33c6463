"""IR-building helpers both front ends call: spans, lark errors as LitmusErrors, shared checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lark import Lark, Token, Transformer, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError
from lark.lexer import PatternStr
from lark.tree import Meta

from ringlitmus import ir
from ringlitmus.errors import (
    DuplicateNameError,
    LitmusError,
    LitmusSyntaxError,
    Span,
    UndeclaredLocationError,
    UnknownNameError,
    UnsupportedInstructionError,
)
from ringlitmus.frontends.source import source_lines

# Readable words for the pattern terminals of common.lark; front ends pass their own on top.
COMMON_WORDS: Mapping[str, str] = {
    "INTEGER": "integer",
    "INT": "integer",
    "SIGNED_INT": "integer",
    "NAME": "name",
    "ESCAPED_STRING": "quoted string",
    "AND": "'/\\' ('&&')",
    "OR": "'\\/' ('||')",
    "$END": "end of input",
}
# Parse trees deeper than this are refused before any recursive walk over them: lark's
# Transformer recurses once per level, and no real test nests a tenth as deep.
MAX_NESTING = 200
_LISTED_EXPECTATIONS = 8  # longer lists say nothing; the caret and source line do
_SHOWN_LENGTH = 20

# --------------------------------------------------------------------------- spans


def span_of(node: Meta | Token, file: str) -> Span | None:
    """The Span of a lark node's meta or of a token (None for an empty rule match)."""
    if isinstance(node, Token):
        return Span(file, node.line or 1, node.column or 1, node.end_line, node.end_column)
    if getattr(node, "empty", True):
        return None
    return Span(file, node.line, node.column, node.end_line, node.end_column)


def parse_integer(text: str, span: Span | None) -> int:
    """An integer as written: decimal (herd allows `007`) or 0x-hex, optional sign and '#'."""
    cleaned = "".join(text.lstrip("#").split())
    digits = cleaned.lstrip("-")
    try:
        value = int(digits[2:], 16) if digits[:2].lower() == "0x" else int(digits, 10)
    except ValueError:
        raise LitmusSyntaxError(f"bad integer '{text}'", span) from None
    return -value if cleaned.startswith("-") else value


# --------------------------------------------------------------------------- lark errors


def parse_text(parser: Lark, text: str, file: str, words: Mapping[str, str]) -> Tree[Token]:
    """Parse `text`, turning every lark error into a LitmusSyntaxError with a span."""
    try:
        return parser.parse(text)
    except UnexpectedInput as error:
        raise syntax_error(error, parser, text, file, words) from None


def add_source_line(error: LitmusError, text: str) -> LitmusError:
    """Give `error` the line of `text` its span points at, unless it has one."""
    if error.source_line is None and error.span is not None:
        lines = source_lines(text)
        if 0 < error.span.line <= len(lines):
            error.source_line = lines[error.span.line - 1]
    return error


def transform_tree(transformer: Transformer[Token, object], tree: Tree[Token], file: str) -> object:
    """Run a Transformer over a tree read from `file`, unwrapping the LitmusErrors its callbacks
    raise; a tree too deep for lark's recursive walk is refused first (check_nesting)."""
    check_nesting(tree, file)
    try:
        return transformer.transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, LitmusError):
            raise error.orig_exc from None
        if isinstance(error.orig_exc, RecursionError):
            raise _too_deep(tree, file) from None
        raise error.orig_exc from error
    except RecursionError:
        raise _too_deep(tree, file) from None


def check_nesting(tree: Tree[Token], file: str) -> None:
    """Refuse a tree deeper than MAX_NESTING (`~~~~...x=1`, `if 1 { if 1 { ...`) at the first
    node too deep, without recursing."""
    # Each entry carries the nearest node with a position, for nodes that have none (`()`).
    stack: list[tuple[Tree[Token], int, Tree[Token]]] = [(tree, 1, tree)]
    while stack:
        node, depth, located = stack.pop()
        if not getattr(node.meta, "empty", True):
            located = node
        if depth > MAX_NESTING:
            raise _too_deep(located, file)
        stack.extend(
            (child, depth + 1, located) for child in node.children if isinstance(child, Tree)
        )


def _too_deep(node: Tree[Token], file: str) -> LitmusSyntaxError:
    span = span_of(node.meta, file) or Span(file, 1, 1)
    return LitmusSyntaxError(f"nested too deeply (more than {MAX_NESTING} levels)", span)


def syntax_error(
    error: UnexpectedInput, parser: Lark, text: str, file: str, words: Mapping[str, str]
) -> LitmusSyntaxError:
    """A LitmusSyntaxError for lark's `error`: position, what was found, what was expected."""
    lines = source_lines(text)
    line, column = error.line, error.column
    token = getattr(error, "token", None)
    if token is not None and token.type == "$END" and token.end_line is not None:
        line, column = token.end_line, token.end_column  # just after the last token
    if not isinstance(line, int) or line < 1:
        line = max(len(lines), 1)
        column = len(lines[-1]) + 1 if lines else 1
    if not isinstance(column, int) or column < 1:
        column = 1
    source_line = lines[line - 1] if 0 < line <= len(lines) else None
    if isinstance(error, UnexpectedCharacters):
        found = f"unexpected character {error.char!r}"
    elif isinstance(error, UnexpectedEOF) or token is None or token.type == "$END":
        found = "unexpected end of input"
    else:
        # The root lexer may have swallowed a whole line (METADATA-like): show its first word.
        shown = (str(token).split() or [str(token)])[0]
        found = f"unexpected {shown[:_SHOWN_LENGTH]!r}"
    expected = _describe_terminals(
        _accepted_terminals(error, parser), parser, {**COMMON_WORDS, **words}
    )
    if expected and len(expected) <= _LISTED_EXPECTATIONS:
        listed = ", ".join(expected[:-1]) + (" or " if len(expected) > 1 else "") + expected[-1]
        found += f", expected {listed}"
    span = Span(file, line, column)
    return LitmusSyntaxError(found, span, expected=expected, source_line=source_line)


def _accepted_terminals(error: UnexpectedInput, parser: Lark) -> set[str]:
    """The terminals the parser could have taken where it failed.

    Asks the interactive parser lark attaches, feeding it each candidate: lark's own
    `accepts()` skips terminals of imported grammars (their names are not upper case).
    """
    interactive = getattr(error, "interactive_parser", None)
    if interactive is None:
        return set(getattr(error, "allowed", None) or getattr(error, "expected", None) or ())
    terminals = {terminal.name for terminal in parser.terminals} | {"$END"}
    accepted = set()
    for name in interactive.choices():
        if name not in terminals:
            continue
        cursor = interactive.copy()
        try:
            cursor.feed_token(Token(name, ""))
        except UnexpectedInput:
            continue
        accepted.add(name)
    return accepted


def _describe_terminals(
    names: Iterable[str], parser: Lark, words: Mapping[str, str]
) -> tuple[str, ...]:
    """Readable, de-duplicated words for lark terminal names."""
    # `lexer_conf`, not `ignore_tokens`: a parser loaded from lark's cache lacks the latter.
    ignored = set(parser.lexer_conf.ignore)
    described: list[str] = []
    for name in sorted(names):
        if name in ignored:
            continue
        word = _describe_terminal(name, parser, words)
        if word not in described:
            described.append(word)
    return tuple(described)


def _describe_terminal(name: str, parser: Lark, words: Mapping[str, str]) -> str:
    """One terminal's readable word: a quoted literal, or the word the grammar's owner chose."""
    bare = name.lstrip("_").rpartition("__")[2]
    if bare in words:
        return words[bare]
    try:
        pattern = parser.get_terminal(name).pattern
    except KeyError:
        return bare.lower()
    if isinstance(pattern, PatternStr):
        return repr(pattern.value)
    return bare.lower().replace("_", " ")


# --------------------------------------------------------------------------- checks


def check_unique(
    names: Iterable[tuple[str, Span | None]], error: type[LitmusError], what: str
) -> None:
    """Raise `error` at the second occurrence of any name (`what` says what the names are)."""
    seen: dict[str, Span | None] = {}
    for name, span in names:
        if name in seen:
            where = f" (first at {seen[name]})" if seen[name] else ""
            raise error(f"duplicate {what} '{name}'{where}", span)
        seen[name] = span


def check_branches(thread: str, instructions: Iterable[ir.Instruction]) -> None:
    """Labels are unique and every branch jumps forward to a label of the same thread."""
    code = tuple(instructions)
    labels = [(label.name, label.span) for label in code if isinstance(label, ir.Label)]
    check_unique(labels, DuplicateNameError, f"label in thread {thread}")
    position = {
        label.name: index for index, label in enumerate(code) if isinstance(label, ir.Label)
    }
    for index, instruction in enumerate(code):
        if not isinstance(instruction, ir.Branch):
            continue
        target = position.get(instruction.target)
        if target is None:
            raise UnknownNameError(
                f"unknown label '{instruction.target}' in thread {thread}", instruction.span
            )
        if target < index:
            raise UnsupportedInstructionError(
                f"backward branch to '{instruction.target}': loops are not supported",
                instruction.span,
            )


class LocationTable:
    """The locations of one test in order of first mention, with their initial values."""

    def __init__(self) -> None:
        self._initial: dict[str, ir.Expr | None] = {}
        self._spans: dict[str, Span | None] = {}
        self._types: dict[str, tuple[int, bool]] = {}
        self._arrays: dict[str, tuple[ir.Expr, ...]] = {}

    def mention(self, name: str, span: Span | None) -> None:
        """Record a use of `name`; its initial value stays 0 unless declared."""
        self._initial.setdefault(name, None)
        self._spans.setdefault(name, span)

    def declare(
        self,
        name: str,
        initial: ir.Expr,
        span: Span | None,
        herd_type: tuple[int, bool] | None = None,
    ) -> None:
        """Give `name` its initial value, and the (width, signed) of its declared type if it
        has one; a second value is an error."""
        if self._initial.get(name) is not None:
            raise DuplicateNameError(f"location '{name}' is initialised twice", span)
        self._initial[name] = initial
        self._spans[name] = span
        if herd_type is not None:
            self._types[name] = herd_type
        if isinstance(initial, ir.Address):
            self.mention(initial.location, span)

    def declare_array(
        self,
        name: str,
        initial: tuple[ir.Expr, ...],
        span: Span | None,
        herd_type: tuple[int, bool] | None = None,
    ) -> None:
        """Declare the array `name` with one initial value per cell."""
        self.declare(name, initial[0], span, herd_type)
        self._arrays[name] = initial
        for value in initial:
            if isinstance(value, ir.Address):
                self.mention(value.location, span)

    def is_array(self, name: str) -> bool:
        """Whether `name` was declared an array."""
        return name in self._arrays

    def require(self, name: str, span: Span | None) -> None:
        """Raise UndeclaredLocationError unless `name` was mentioned or declared."""
        if name not in self._initial:
            raise UndeclaredLocationError(f"undeclared location '{name}'", span)

    def declarations(self) -> tuple[ir.LocationDecl, ...]:
        """One LocationDecl per location, in order of first mention."""
        return tuple(
            ir.LocationDecl(
                name,
                self._arrays.get(name) or (ir.Const(0) if initial is None else initial,),
                is_array=name in self._arrays,
                span=self._spans[name],
                width=self._types[name][0] if name in self._types else None,
                signed=self._types[name][1] if name in self._types else True,
            )
            for name, initial in self._initial.items()
        )
