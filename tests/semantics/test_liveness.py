"""Register liveness: what is dropped at a join is never read, and nothing else changes."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ring_helpers import LITMUS_FILES
from strategies import LONG, programs

from ringlitmus import ir
from ringlitmus.frontends import parse_file
from ringlitmus.outcomes import observed_registers, observed_terms
from ringlitmus.semantics import EventStructure, build_event_structure
from ringlitmus.semantics.liveness import live_after_labels, registers_read
from ringlitmus.symbolic import evaluate, holds, reads_of

R, C, A = ir.Reg, ir.Const, ir.Address
EQ = ir.CmpOp.EQ
RELATIONS = (
    "rmw",
    "amo",
    "lxsx",
    "addr",
    "data",
    "ctrl",
    "pick_basic_dep",
    "pick_addr_dep",
    "pick_data_dep",
    "pick_ctrl_dep",
)


def test_every_operand_of_every_instruction_is_read() -> None:
    reads = {
        "load": ir.Load("d", ir.BinOp(ir.ArithOp.ADD, A("x"), R("a"))),
        "store": ir.Store(A("x"), R("b"), status="s"),
        "rmw": ir.Rmw(ir.RmwOp.CAS, "d", R("c"), R("d"), expected=R("e")),
        "select": ir.Select("d", ir.Compare(EQ, R("f"), C(0)), R("g"), C(1)),
        "assign": ir.Assign("d", R("h")),
        "branch": ir.Branch(
            ir.BoolOp(ir.BoolOpKind.AND, (ir.Compare(EQ, R("i"), C(0)), ir.Truth())), "out"
        ),
    }
    assert {kind: set(registers_read(node)) for kind, node in reads.items()} == {
        "load": {"a"},
        "store": {"b"},  # the status register is written, not read
        "rmw": {"c", "d", "e"},
        "select": {"f", "g"},
        "assign": {"h"},
        "branch": {"i"},
    }


def test_a_label_keeps_what_is_read_after_it_and_what_the_test_observes() -> None:
    thread = ir.Thread(
        "P0",
        (
            ir.Load("r0", A("x")),
            ir.Branch(ir.Compare(EQ, R("r0"), C(0)), "first"),
            ir.Load("r1", A("y")),
            ir.Label("first"),
            ir.Store(A("y"), R("r2")),
            ir.Label("second"),
            ir.Label("third"),
        ),
    )
    live = live_after_labels(thread, {"r9"})
    assert live == {"first": {"r2", "r9"}, "second": {"r9"}, "third": {"r9"}}


def test_a_dead_register_is_not_carried_to_the_end() -> None:
    test = parse_file(str(_ring()), {"N": 3})
    registers = observed_registers(observed_terms(test).values())
    structure = build_event_structure(test.variants[0].program, registers)
    observed = {(thread, name) for thread, names in registers.items() for name in names}
    assert set(structure.final_registers) <= observed
    assert ("CPU0", "slot") not in structure.final_registers  # loaded, never read again


@pytest.mark.parametrize("path", LITMUS_FILES, ids=lambda path: path.name)
def test_the_examples_build_the_same_structure_with_liveness(path: object) -> None:
    test = parse_file(str(path))
    registers = observed_registers(observed_terms(test).values())
    for variant in test.variants:
        assert_same_structure(variant.program, registers, random.Random(str(path)))


@given(programs(LONG), st.data())
def test_random_programs_build_the_same_structure_with_liveness(
    test: ir.Test, data: st.DataObject
) -> None:
    program = test.variants[0].program
    registers = {
        thread.name: data.draw(st.sets(st.sampled_from(_written(thread))))
        if _written(thread)
        else set()
        for thread in program.threads
    }
    assert_same_structure(program, registers, random.Random(0))


def assert_same_structure(
    program: ir.Program, registers: dict[str, set[str]], rng: random.Random, samples: int = 12
) -> None:
    """Built with liveness, the structure has the same events, relations and observed final
    values as built without, whatever the reads return (guards may be named differently, so
    they are compared by their truth under sampled read values and choices)."""
    full = build_event_structure(program)
    live = build_event_structure(program, registers)
    assert [_shape(event) for event in live.events] == [_shape(event) for event in full.events]
    for name in RELATIONS:
        assert getattr(live, name).keys() == getattr(full, name).keys(), name
    observed = [key for key in full.final_registers if key[1] in registers.get(key[0], ())]
    assert set(live.final_registers) == set(observed)
    domain = _domain(full)
    for _ in range(samples):
        reads = {read: rng.choice(domain) for read in _reads(full, live)}
        choices = {choice: rng.random() < 0.5 for choice in full.choices}
        _assert_same_under(full, live, observed, reads, choices)


def _assert_same_under(
    full: EventStructure,
    live: EventStructure,
    observed: list[tuple[str, str]],
    reads: dict[int, int],
    choices: dict[str, bool],
) -> None:
    for mine, theirs in zip(live.events, full.events, strict=True):
        assert holds(mine.guard, reads, choices) == holds(theirs.guard, reads, choices)
        assert evaluate(mine.address, reads, choices) == evaluate(theirs.address, reads, choices)
        if theirs.value is not None:
            assert evaluate(mine.value, reads, choices) == evaluate(theirs.value, reads, choices)
    for name in RELATIONS:
        for pair, guard in getattr(full, name).items():
            assert holds(getattr(live, name)[pair], reads, choices) == holds(guard, reads, choices)
    for key in observed:
        assert evaluate(live.final_registers[key], reads, choices) == evaluate(
            full.final_registers[key], reads, choices
        )


def _shape(event: object) -> tuple[object, ...]:
    return tuple(
        getattr(event, name) for name in ("id", "thread", "kind", "instruction", "tags", "fence")
    )


def _reads(*structures: EventStructure) -> set[int]:
    found: set[int] = set()
    for structure in structures:
        for event in structure.events:
            reads_of(event.guard, found)
            reads_of(event.address, found)
            if event.value is not None:
                reads_of(event.value, found)
        for value in structure.final_registers.values():
            reads_of(value, found)
        for name in RELATIONS:
            for guard in getattr(structure, name).values():
                reads_of(guard, found)
    return found


def _domain(structure: EventStructure) -> list[int]:
    """Small values, the addresses of the locations, and those plus a cell."""
    bases = list(structure.bases.values())
    return [0, 1, 2, *bases, *(base + ir.CELL_SIZE for base in bases)]


def _written(thread: ir.Thread) -> list[str]:
    names = {getattr(instruction, "dest", None) for instruction in thread.instructions}
    return sorted(name for name in names if name is not None)


def _ring() -> object:
    return next(path for path in LITMUS_FILES if path.name == "ring.litmus")
