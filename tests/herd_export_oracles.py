"""Oracles for the herd export: verdicts, event structures, and herd7's instruction forms.

The verdicts of an outcome, checked on the original and on the exported text read back, must be
equal; so must the event structures (same events, and the same addr/data/ctrl/pick/rmw pairs
under every valuation of the reads); and every instruction must be in a form herd7's own grammar
accepts (herdtools7 lib/AArch64Parser.mly, lib/stateParser.mly, lib/splitter.mll).
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterator

from ringlitmus import ir
from ringlitmus.frontends.aarch64 import parse_aarch64
from ringlitmus.outcomes import CheckOptions, check_test
from ringlitmus.reports.herd_export import export_herd, export_names, location_names
from ringlitmus.semantics import Event, EventKind, EventStructure, build_event_structure
from ringlitmus.symbolic import evaluate, holds


def exports(test: ir.Test) -> Iterator[tuple[str, str, str, ir.Test]]:
    """(variant, outcome, text, text read back) of every test export_names lists."""
    for variant, outcome, name in export_names(test):
        assert outcome is not None
        text = export_herd(test, variant, outcome)
        yield variant, outcome, text, parse_aarch64(text, f"{name}.litmus")


def verdicts(test: ir.Test, variant: str | None, outcome: str | None) -> list[tuple[str, object]]:
    """(status, ok) of one outcome (every outcome when None) of one variant (all when None)."""
    options = CheckOptions(variants=None if variant is None else (variant,))
    return [
        (result.status.value, result.ok)
        for variant_result in check_test(test, options).variants
        for result in variant_result.outcomes
        if outcome is None or result.name == outcome
    ]


RELATIONS = (
    *("rmw", "amo", "lxsx", "addr", "data", "ctrl"),
    *("pick_basic_dep", "pick_addr_dep", "pick_data_dep", "pick_ctrl_dep"),
)


def valuations(structure: EventStructure) -> Iterator[tuple[dict[int, int], dict[str, bool]]]:
    """Values for every read (0, 1 or 2) and outcomes of every store-exclusive."""
    reads = [event.id for event in structure.events if event.kind is EventKind.READ]
    slots = len(reads) + len(structure.choices)
    if slots <= 7:
        domain: Iterator[tuple[int, ...]] = itertools.product((0, 1, 2), repeat=slots)
    else:
        chooser = random.Random(slots)
        domain = (tuple(chooser.choice((0, 1, 2)) for _ in range(slots)) for _ in range(1000))
    for values in domain:
        reads_values = dict(zip(reads, values, strict=False))
        choices = {
            name: bool(value % 2)
            for name, value in zip(structure.choices, values[len(reads) :], strict=True)
        }
        yield reads_values, choices


def assert_same_events(original: ir.Program, exported: ir.Program) -> None:
    """Same events in the same order; under every valuation the same ones happen, at the same
    cells, writing the same values, and the same pairs are in each dependency relation."""
    first, second = build_event_structure(original), build_event_structure(exported)
    shape = [(event.thread, event.kind, event.tags, event.fence) for event in first.events]
    assert shape == [(event.thread, event.kind, event.tags, event.fence) for event in second.events]
    assert len(first.choices) == len(second.choices)
    herd_names = location_names(original.locations)
    # An index outside an array names no cell in the IR and the array's last cell in the
    # export (herd7 refuses an address that may be 0): the one place the two may differ.
    last_cells = {herd_names[loc.cells[-1]] for loc in original.locations if len(loc.cells) > 1}

    def places(
        event: Event, other: Event, reads: dict[int, int], choices: dict[str, bool]
    ) -> tuple[tuple[object, object], tuple[object, object]]:
        """(cell or None, value written) of both events; cells by herd name."""
        renamed = dict(zip(second.choices, choices.values(), strict=True))
        address = first.cells.get(evaluate(event.address, reads, choices))
        mine: tuple[object, object] = (herd_names[address] if address else None, None)
        theirs: tuple[object, object] = (
            second.cells.get(evaluate(other.address, reads, renamed)),
            None,
        )
        if event.kind is EventKind.WRITE:
            value = evaluate(event.value, reads, choices)
            written = first.cells.get(value)
            mine = (mine[0], herd_names[written] if written else value)
            value = evaluate(other.value, reads, renamed)
            theirs = (theirs[0], second.cells.get(value) or value)
        return mine, theirs

    for reads, choices in valuations(first):
        renamed = dict(zip(second.choices, choices.values(), strict=True))
        for one, other in zip(first.events, second.events, strict=True):
            happens = holds(one.guard, reads, choices)
            assert happens == holds(other.guard, reads, renamed), one
            if happens and one.kind is not EventKind.FENCE:
                mine, theirs = places(one, other, reads, choices)
                if mine[0] is None and theirs[0] in last_cells:
                    mine = (theirs[0], mine[1])
                assert mine == theirs, (one, reads, choices)
        for name in RELATIONS:
            pairs = {
                pair for pair, guard in getattr(first, name).items() if holds(guard, reads, choices)
            }
            again = {
                pair
                for pair, guard in getattr(second, name).items()
                if holds(guard, reads, renamed)
            }
            assert pairs == again, (name, reads, choices)


# Instruction forms herd7's AArch64 parser accepts (herdtools7 lib/AArch64Parser.mly), in the
# spelling the export prints.
_X = r"(?:X(?:[0-9]|[12][0-9]|30)|XZR)"
_W = r"(?:W(?:[0-9]|[12][0-9]|30)|WZR)"
_LABEL = r"L[0-9]+_[0-9]+"
_CODE = r"(?:EQ|NE|LT|LE|GT|GE)"
HERD_FORMS = [
    rf"MOV {_X},(?:#-?[0-9]+|{_X})",
    rf"(?:ADD|SUB) {_X},{_X},#[0-9]+",
    rf"(?:ADD|SUB|AND|ORR|EOR) {_X},{_X},{_X}(?:,LSL #[0-9]+)?",
    rf"CMP {_X},(?:#[0-9]+|{_X})",
    rf"(?:CSEL|CSINC) {_X},{_X},{_X},{_CODE}",
    rf"(?:LDR|STR) {_X},\[{_X}(?:,{_X})?\]",
    rf"(?:LDAR|LDAPR|LDXR|LDAXR|STLR) {_X},\[{_X}\]",
    rf"(?:STXR|STLXR) {_W},{_X},\[{_X}\]",
    rf"(?:SWP|CAS|LDADD|LDCLR|LDEOR|LDSET)(?:A|L|AL)? {_X},{_X},\[{_X}\]",
    rf"ST(?:ADD|CLR|EOR|SET)L? {_X},\[{_X}\]",
    r"DMB (?:ISH|ISHLD|ISHST)",
    r"ISB",
    rf"B {_LABEL}",
    rf"B\.{_CODE} {_LABEL}",
    rf"CBN?Z {_X},{_LABEL}",
    rf"{_LABEL}:",
]
HERD_CELL = re.compile("|".join(f"(?:{form})" for form in HERD_FORMS))
HERD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def assert_herd_shaped(text: str) -> None:
    """What herd7's splitter and parsers need beyond our grammar (see the module docstring)."""
    lines = text.splitlines()
    assert re.fullmatch(r"AArch64 [A-Za-z0-9_.+-]+", lines[0])
    body = lines[lines.index("{") + 1 : lines.index("}")]
    for line in lines[1 : lines.index("{")]:
        assert re.fullmatch(r'"[^"]*"|[A-Za-z]+=[A-Za-z]+|\(\* [^{}"]*? \*\)', line), line
        assert line.count("(*") <= 1 and line.count("*)") <= 1, line
    for item in " ".join(body).split():
        assert re.fullmatch(
            r"(?:int64_t )?[A-Za-z][\w]*=(?:-?[0-9]+|[A-Za-z]\w*);|[0-9]+:"
            r"X[0-9]+=(?:-?[0-9]+|[A-Za-z]\w*);|int64_t",
            item,
        ), item
    table = lines[lines.index("}") + 1 :]
    header = table[0].split("|")
    rows = [line for line in table if line.endswith(" ;")]
    for row in rows:
        cells = row[:-2].split("|")
        assert len(cells) == len(header)
        for position, content in enumerate(cells):
            content = content.strip()
            if row is rows[0]:
                assert content == f"P{position}"
            elif content:
                assert HERD_CELL.fullmatch(content), content
    names = re.findall(r"(?<![:\w])([A-Za-z]\w*)(?==)", " ".join(body))
    for name in names:
        assert HERD_NAME.fullmatch(name) and not re.fullmatch(r"(?i)p\d+|[wx]\d+|exists", name)
