"""What herd's litmus formats share: collect a test's parts and assemble them into an ir.Test.

aarch64.py, x86.py and c.py each read the instruction table their own way; everything else (the
doc line, key=value lines, the init block, thread names, `locations`, `filter` and the final
condition, all in common.lark) is read by `HerdTransformer` into a `HerdParts`, which
`assemble_test` turns into IR, translating each written instruction with the format's function.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from lark import Token, Transformer, Tree, v_args
from lark.tree import Meta

from ringlitmus import ir
from ringlitmus.errors import (
    BadExpectationError,
    DuplicateNameError,
    DuplicateThreadError,
    LitmusError,
    LitmusSyntaxError,
    Span,
    UnknownNameError,
    UnknownRegisterError,
    UnsupportedInstructionError,
)
from ringlitmus.frontends.build import (
    LocationTable,
    add_source_line,
    check_branches,
    check_unique,
    parse_integer,
    span_of,
    transform_tree,
)
from ringlitmus.frontends.conditions import TermSide, WrittenTerm, merge_condition_callbacks
from ringlitmus.frontends.herd_types import (
    AddressOf,
    HerdType,
    check_declaration,
    location_type,
    read_at_type,
    split_type,
)

# The most cells an init-section array may have: past that, a typo (`x[100000]`) would make
# every execution carry cells no test needs.
_MAX_ARRAY = 1024
Written = TypeVar("Written")

# Readable names of common.lark's herd terminals, for "expected ..." in syntax errors.
HERD_WORDS = {"TEST_NAME": "test name", "METADATA": "key=value line"}

_THREAD_NAME = re.compile(r"P(\d+)")
EXPECTATION_KEY = "Expected"
# herd7's verdict for a test is the one under the model it runs for the test's architecture
# (herd's aarch64.cat, x86tso.cat, the kernel's linux-kernel.cat), so that is the model an
# `Expected=` line claims: the same C test may well be Allowed under LKMM and Forbidden
# under SC.
HERD_MODELS = {ir.Format.AARCH64: "armv8", ir.Format.X86: "tso", ir.Format.C: "lkmm"}
_STATUSES = {
    ir.OutcomeKind.ALLOWED: {
        "allowed": ir.Reachability.REACHABLE,
        "forbidden": ir.Reachability.UNREACHABLE,
    },
    ir.OutcomeKind.REQUIRED: {
        "allowed": ir.Reachability.REACHABLE,
        "required": ir.Reachability.UNREACHABLE,
    },
}
_STATUSES[ir.OutcomeKind.FORBIDDEN] = _STATUSES[ir.OutcomeKind.ALLOWED]
# herd's kinds.txt spells them both ways.
_SPELLINGS = {"allow": "allowed", "forbid": "forbidden", "require": "required"}


InitPart = Token | HerdType | ir.Const | ir.Address | AddressOf


@dataclass
class HerdParts(Generic[Written]):
    """What the transformer collects from one file, before it becomes an ir.Test.

    `translate` turns one written instruction of the format into IR instructions.
    """

    file: str
    format: ir.Format
    translate: Callable[[Written], tuple[ir.Instruction, ...]]
    name: str = ""
    span: Span | None = None
    doc: str | None = None
    metadata: list[tuple[str, str, Span | None]] = field(default_factory=list)
    locations: LocationTable = field(default_factory=LocationTable)
    registers: list[tuple[int, str, ir.Expr, Span | None]] = field(default_factory=list)
    # The declared (width, signed) of typed registers (`int64_t 0:X1`), by (thread, register).
    register_types: dict[tuple[int, str], tuple[int, bool]] = field(default_factory=dict)
    threads: list[tuple[str, Span | None]] = field(default_factory=list)
    rows: list[tuple[tuple[tuple[ir.Label | Written, ...], ...], Span | None]] = field(
        default_factory=list
    )
    observed: list[ir.Term] = field(default_factory=list)
    filter: ir.Condition | None = None
    final: tuple[ir.OutcomeKind, ir.Condition, Span | None] | None = None
    final_threads: list[tuple[str, Span | None]] = field(default_factory=list)


# --------------------------------------------------------------------------- callbacks


class HerdTransformer(Transformer[Token, object], Generic[Written]):
    """Callbacks for common.lark's herd rules; a format adds its header and instruction table.

    `register_name` is the format's: the canonical name of a register as written.
    """

    def __init__(
        self,
        file: str,
        parts: HerdParts[Written],
        register_name: Callable[[str, Span | None], str | None],
    ) -> None:
        super().__init__()
        self._file = file
        self._parts = parts
        self._register_name = register_name

    @property
    def source_file(self) -> str:
        """The file the tree was read from, as spans name it."""
        return self._file

    @property
    def collected(self) -> HerdParts[Written]:
        """The parts read so far."""
        return self._parts

    def _span(self, node: Meta | Token) -> Span | None:
        return span_of(node, self._file)

    def resolve_term(self, term: WrittenTerm, side: TermSide) -> ir.Term:
        """herd's reading of a condition term: `N:REG`, `x`, `[x]`; a bare name right of `=`
        is &x."""
        parts = self._parts
        if term.thread is not None:
            register = self._register_name(str(term.path[0]), term.span)
            if term.thread < 0 or register is None:
                raise UnknownRegisterError(f"'{term.text}' is not a thread's register", term.span)
            thread = f"P{term.thread}"
            parts.final_threads.append((thread, term.span))
            return ir.FinalRegister(thread, register)
        if (
            len(term.path) == 2
            and isinstance(term.path[0], str)
            and isinstance(term.path[1], int)
            and parts.locations.is_array(term.path[0])
        ):
            return ir.FinalLocation(f"{term.path[0]}[{term.path[1]}]")  # an array's cell
        if len(term.path) != 1 or not isinstance(term.path[0], str):
            raise LitmusSyntaxError(
                f"'{term.text}' is not a herd location (write `x` or `[x]`)", term.span
            )
        name = term.path[0]
        parts.locations.mention(name, term.span)
        if side is TermSide.RIGHT and not term.bracketed:
            return ir.Address(name)
        return ir.FinalLocation(name)

    # ----------------------------------------------------------------------- header

    @v_args(meta=True)
    def header(self, meta: Meta, tokens: list[Token]) -> None:
        """`AArch64 NAME`, `X86 NAME`."""
        self._parts.name = str(tokens[0])
        self._parts.span = self._span(meta)

    def doc(self, tokens: list[Token]) -> None:
        """The quoted line under the header."""
        self._parts.doc = str(tokens[0])[1:-1].replace('\\"', '"')

    def metadata(self, tokens: list[Token]) -> None:
        """`key=value` lines (herd's Hash=, Cycle=, our Expected=)."""
        key, _, value = str(tokens[0]).partition("=")
        self._parts.metadata.append((key.strip(), value.strip(), self._span(tokens[0])))

    # ----------------------------------------------------------------------- init block

    @v_args(meta=True)
    def init_location(self, meta: Meta, children: list[InitPart]) -> None:
        """`x=1`, `x;` (0), `int x=1`, `uint8_t x;`, `x=y` and `int *p=&x` (addresses)."""
        herd_type, rest = split_type(children)
        name, value = str(rest[0]), rest[1] if len(rest) > 1 else None
        span = self._span(meta)
        initial = self._initial(herd_type, value, name, False, span)
        declared = location_type(herd_type, self._parts.format)
        self._parts.locations.declare(name, initial, span, declared)

    @v_args(meta=True)
    def init_register(self, meta: Meta, children: list[InitPart]) -> None:
        """`0:X1=x`, `0: X0 = -1`, `int64_t 1:X20=0`, `int64_t 0:X3;` (0), `0:EAX=1`."""
        herd_type, rest = split_type(children)
        thread, register = rest[0], rest[1]
        assert isinstance(thread, Token) and isinstance(register, Token)
        span = self._span(meta)
        name = self._register_name(str(register), span)
        if name is None:
            raise UnknownRegisterError(f"the zero register '{register}' has no value", span)
        written = f"{thread}:{register}"
        value = self._initial(herd_type, rest[2] if len(rest) > 2 else None, written, True, span)
        if isinstance(value, ir.Address):
            self._parts.locations.mention(value.location, span)
        index = parse_integer(str(thread), span)
        self._parts.registers.append((index, name, value, span))
        declared = location_type(herd_type, self._parts.format)
        if declared is not None:
            self._parts.register_types[(index, name)] = declared

    def _initial(
        self,
        herd_type: HerdType | None,
        value: InitPart | None,
        name: str,
        register: bool,
        span: Span | None,
    ) -> ir.Const | ir.Address:
        """The initial value a declaration gives (0 when it gives none), checked against its
        type; `&x` only initialises a pointer, as in herd7 ("unexpected '&' (in init)")."""
        if isinstance(value, AddressOf):
            if herd_type is None or not herd_type.pointer:
                raise LitmusSyntaxError(
                    f"'&{value.location}' only initialises a pointer (`int *p=&{value.location}`);"
                    f" write {value.location} for its address",
                    value.span,
                )
            value = ir.Address(value.location)
        initial = ir.Const(0) if value is None else value
        assert isinstance(initial, ir.Const | ir.Address)
        shown = initial.value if isinstance(initial, ir.Const) else initial.location
        written = name if value is None else f"{name}={shown}"
        written = f"{herd_type} {written}" if herd_type else written
        if not register and self._parts.format is ir.Format.AARCH64:
            return read_at_type(herd_type, initial, self._parts.format)
        check_declaration(herd_type, initial, register, self._parts.format, written, span)
        return initial

    @v_args(meta=True)
    def init_array(self, meta: Meta, children: list[InitPart]) -> None:
        """`int64_t t[2];`, `int64_t t[2]={1,2};`: cells t[0], t[1], 8 bytes apart."""
        herd_type, rest = split_type(children)
        assert herd_type is not None
        name, size, values = str(rest[0]), rest[1], rest[2:]
        span = self._span(meta)
        assert isinstance(size, Token)
        count = parse_integer(str(size), span)
        declared = location_type(herd_type, self._parts.format)
        if self._parts.format is not ir.Format.AARCH64 or declared is None or declared[0] != 64:
            raise UnsupportedInstructionError(
                f"the array '{name}' of {herd_type} is not supported: only AArch64 arrays of "
                "64-bit elements are (cells are 8 bytes apart here)",
                span,
            )
        if (values and len(values) != count) or not 0 < count <= _MAX_ARRAY:
            raise UnsupportedInstructionError(
                f"the array '{name}[{count}]' needs 1 to {_MAX_ARRAY} cells, each given a "
                "value or none",
                span,
            )
        initial = (
            tuple(
                self._initial(herd_type, value, f"{name}[{index}]", False, span)
                for index, value in enumerate(values)
            )
            or (ir.Const(0),) * count
        )
        self._parts.locations.declare_array(name, initial, span, declared)

    def init_type(self, tokens: list[Token]) -> HerdType:
        """`int64_t`, `int *` before a declared name."""
        return HerdType(str(tokens[0]), len(tokens) > 1, self._span(tokens[0]))

    def init_address_of(self, tokens: list[Token]) -> AddressOf:
        """`&x`, a pointer's initial value."""
        return AddressOf(str(tokens[0]), self._span(tokens[0]))

    @v_args(meta=True)
    def init_value(self, meta: Meta, tokens: list[Token | AddressOf]) -> InitPart:
        """An integer, or a location name standing for its address."""
        token = tokens[0]
        if isinstance(token, AddressOf):
            return token
        if token.type.endswith("INTEGER"):
            return ir.Const(parse_integer(str(token), self._span(meta)))
        return ir.Address(str(token))

    # ----------------------------------------------------------------------- thread table

    def thread_names(self, tokens: list[Token]) -> None:
        """The first row: `P0 | P1 ;`."""
        self._parts.threads = [(str(token), self._span(token)) for token in tokens]

    @v_args(meta=True)
    def row(self, meta: Meta, cells: list[tuple[ir.Label | Written, ...]]) -> None:
        """`cell | cell | ... ;`."""
        self._parts.rows.append((tuple(cells), self._span(meta)))

    def cell(self, children: list[ir.Label | Written]) -> tuple[ir.Label | Written, ...]:
        """Labels then at most one instruction; empty cells are allowed."""
        return tuple(children)

    def label(self, tokens: list[Token]) -> ir.Label:
        """`L0:`."""
        return ir.Label(str(tokens[0]), self._span(tokens[0]))

    # ----------------------------------------------------------------------- after the table

    @v_args(meta=True)
    def observed(self, meta: Meta, terms: list[ir.Const | WrittenTerm]) -> None:
        """`locations [0:X6; x;]`: extra final values to report."""
        for term in terms:
            if not isinstance(term, WrittenTerm):
                raise LitmusSyntaxError(
                    "`locations` lists registers and locations, not numbers", self._span(meta)
                )
            self._parts.observed.append(self.resolve_term(term, TermSide.LEFT))

    def filter(self, children: list[ir.Condition]) -> None:
        """`filter COND`."""
        self._parts.filter = children[0]

    @v_args(meta=True)
    def final(self, meta: Meta, children: list[ir.OutcomeKind | ir.Condition]) -> None:
        """`exists COND`, `~exists COND`, `forall COND`."""
        kind, condition = children
        assert isinstance(kind, ir.OutcomeKind) and not isinstance(condition, ir.OutcomeKind)
        self._parts.final = (kind, condition, self._span(meta))

    def exists(self, _: list[Token]) -> ir.OutcomeKind:
        """`exists`: a question whether the condition is reachable."""
        return ir.OutcomeKind.ALLOWED

    def not_exists(self, _: list[Token]) -> ir.OutcomeKind:
        """`~exists`."""
        return ir.OutcomeKind.FORBIDDEN

    def forall(self, _: list[Token]) -> ir.OutcomeKind:
        """`forall`."""
        return ir.OutcomeKind.REQUIRED


# --------------------------------------------------------------------------- assembling


def read_herd_test(
    text: str,
    tree: Tree[Token],
    transformer: HerdTransformer[Written],
    finish: Callable[[], None] | None = None,
) -> ir.Test:
    """Run a herd format's transformer (with the shared condition callbacks) over its parse
    tree, then `finish` (a format's last step), and assemble the test; errors get their line."""
    file = transformer.source_file
    merged = merge_condition_callbacks(transformer, file, transformer.resolve_term)
    try:
        transform_tree(merged, tree, file)
        if finish is not None:
            finish()
        return assemble_test(transformer.collected)
    except LitmusError as error:
        raise add_source_line(error, text) from None


def assemble_test(parts: HerdParts[Written]) -> ir.Test:
    """The ir.Test: one variant `default`, one outcome named after the test."""
    threads = _threads(parts)
    names = {thread.name for thread in threads}
    for thread, span in parts.final_threads:
        if thread not in names:
            raise UnknownNameError(f"no thread {thread} in this test", span)
    # herd7 reads an AArch64 test without a final condition as `forall (true)`.
    kind, condition, final_span = parts.final or (ir.OutcomeKind.REQUIRED, ir.Truth(), parts.span)
    outcome = ir.Outcome(parts.name, kind, condition, final_span)
    program = ir.Program(threads, parts.locations.declarations())
    return ir.Test(
        file=parts.file,
        name=parts.name,
        format=parts.format,
        variants=(ir.Variant("default", program, parts.span),),
        outcomes=(outcome,),
        expectations=_expectations(parts, kind, parts.format),
        observed=tuple(parts.observed),
        filter=parts.filter,
        doc=parts.doc,
        metadata=tuple((key, value) for key, value, _ in parts.metadata),
        span=parts.span,
    )


def _threads(parts: HerdParts[Written]) -> tuple[ir.Thread, ...]:
    """One Thread per column of the table, with its initial registers."""
    for name, span in parts.threads:
        if not _THREAD_NAME.fullmatch(name):
            raise LitmusSyntaxError(f"thread '{name}' should be named P0, P1, ...", span)
    check_unique(parts.threads, DuplicateThreadError, "thread")
    columns: list[list[ir.Instruction]] = [[] for _ in parts.threads]
    for cells, span in parts.rows:
        if len(cells) != len(columns):
            raise LitmusSyntaxError(
                f"this row has {len(cells)} columns but the test has {len(columns)} threads", span
            )
        for column, cell in zip(columns, cells, strict=True):
            for item in cell:
                if isinstance(item, ir.Label):
                    column.append(item)
                else:
                    column.extend(parts.translate(item))
    registers = _registers(parts)
    threads = []
    for (name, span), column in zip(parts.threads, columns, strict=True):
        check_branches(name, column)
        initial = tuple((register, value) for register, value, _ in registers.pop(name, []))
        threads.append(ir.Thread(name, tuple(column), initial, span=span))
    for name, entries in registers.items():
        raise UnknownNameError(f"no thread {name} in this test", entries[0][2])
    return tuple(threads)


def _registers(parts: HerdParts[Written]) -> dict[str, list[tuple[str, ir.Expr, Span | None]]]:
    """Initial register values by thread name, each register set at most once."""
    by_thread: dict[str, list[tuple[str, ir.Expr, Span | None]]] = {}
    for index, register, value, span in parts.registers:
        by_thread.setdefault(f"P{index}", []).append((register, value, span))
    for name, entries in by_thread.items():
        check_unique(
            ((register, span) for register, _, span in entries),
            DuplicateNameError,
            f"initial value of a {name} register",
        )
    return by_thread


def _expectations(
    parts: HerdParts[Written], kind: ir.OutcomeKind, test_format: ir.Format
) -> tuple[ir.Expectation, ...]:
    """The `Expected=...` metadata line as an Expectation on the one outcome, under the model
    herd7 runs for the test's architecture.

    `exists P` and `~exists P`: Allowed means P is reachable, Forbidden that it is not.
    `forall P`: the expectation is about a counterexample, an execution where P fails:
    Allowed means one is reachable, Required that none is (so P holds in every execution).
    """
    expectations = []
    for key, value, span in parts.metadata:
        if key.lower() != EXPECTATION_KEY.lower():
            continue
        word = value.lower()
        status = _STATUSES[kind].get(_SPELLINGS.get(word, word))
        if status is None:
            choices = " or ".join(word.capitalize() for word in _STATUSES[kind])
            raise BadExpectationError(
                f"'{value}' cannot be expected of a test whose final condition is "
                f"{kind.value}; write {EXPECTATION_KEY}={choices}",
                span,
            )
        model = HERD_MODELS[test_format]
        expectations.append(ir.Expectation("default", parts.name, status, span, model))
    return tuple(expectations)
