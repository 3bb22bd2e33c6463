"""Every addr, data and ctrl pair is also a pick pair, under a condition no stronger.

herd's `aarch64deps.cat` builds the pick dependencies from dtrm plus the conditions of CSEL and
CAS, so pick-addr-dep ⊇ addr, pick-data-dep ⊇ data and pick-ctrl-dep ⊇ ctrl. That inclusion
makes four of ARMv8's `dob` disjuncts redundant beside `pob` (models/armv8.py), which is why the
mutation run (issue 19, tests/mutation/mutate_models.py) cannot kill their removal: these
mutants are equivalent, and this test is what keeps them so.

* `data` ⊆ `pick-dep;[W]` (data only ever ends at a write);
* `ctrl;[W]` ⊆ `pick-dep;[W]`;
* `(ctrl | addr;po);[ISB];po;[R]` ⊆ `(pick-ctrl-dep | pick-addr-dep;po);[ISB];po;[M]`;
* `addr;po;[W]` ⊆ `pick-addr-dep;[M];po;[W]` (an address dependency ends at an access).

(`pick-dep` removes pairs within one instruction, `same-instance`; dtrm dependencies never
link two events of one instruction, `test_no_dependency_stays_inside_an_instruction`.) So
dropping `data`, `seq(ctrl, ident(W))`, the ISB disjunct or `seq(addr, po, ident(W))` from
`dob`, or any operand inside them (armv8.py:83-88 in the run's ids), changes no verdict; `addr`
and `(addr | data);lrs` are not covered by `pob` and their removal is killed
(litmus/regressions/armv8-*.litmus, tests/models/test_armv8.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from strategies import programs

from ringlitmus import ir
from ringlitmus.frontends import parse_file
from ringlitmus.semantics import EventStructure, build_event_structure
from ringlitmus.symbolic import All, Guard

LITMUS = Path(__file__).resolve().parents[2] / "litmus"
FILES = sorted(LITMUS.rglob("*.litmus"))
DTRM_AND_PICK = (("addr", "pick_addr_dep"), ("data", "pick_data_dep"), ("ctrl", "pick_ctrl_dep"))


@cache
def arm_structures(path: Path) -> list[EventStructure]:
    test = parse_file(str(path))
    if test.format not in (ir.Format.AARCH64, ir.Format.RING):
        return []
    return [build_event_structure(variant.program) for variant in test.variants]


def conjuncts(condition: Guard) -> set[Guard]:
    return set(condition.operands) if isinstance(condition, All) else {condition}


def implies(condition: Guard, weaker: Guard | None) -> bool:
    """A syntactic sufficient test: `weaker` is True or a part of the conjunction `condition`."""
    return weaker is True or (weaker is not None and conjuncts(weaker) <= conjuncts(condition))


def assert_pick_covers_dtrm(structure: EventStructure) -> None:
    for dtrm, pick in DTRM_AND_PICK:
        picked = getattr(structure, pick)
        for pair, condition in getattr(structure, dtrm).items():
            assert implies(condition, picked.get(pair)), (dtrm, pair, condition, picked.get(pair))


def assert_no_dependency_inside_an_instruction(structure: EventStructure) -> None:
    instance_of = {event: key for key, events in structure.instances.items() for event in events}
    for dtrm, _ in DTRM_AND_PICK:
        for source, target in getattr(structure, dtrm):
            same = instance_of.get(source) is not None and instance_of.get(
                source
            ) == instance_of.get(target)
            assert not same, (dtrm, source, target)


@pytest.mark.parametrize("path", FILES, ids=[str(path.relative_to(LITMUS)) for path in FILES])
def test_pick_covers_addr_data_and_ctrl(path: Path) -> None:
    for structure in arm_structures(path):
        assert_pick_covers_dtrm(structure)


@pytest.mark.parametrize("path", FILES, ids=[str(path.relative_to(LITMUS)) for path in FILES])
def test_no_dependency_stays_inside_an_instruction(path: Path) -> None:
    for structure in arm_structures(path):
        assert_no_dependency_inside_an_instruction(structure)


@given(programs())
def test_pick_covers_dtrm_in_random_programs(test: ir.Test) -> None:
    for variant in test.variants:
        structure = build_event_structure(variant.program)
        assert_pick_covers_dtrm(structure)
        assert_no_dependency_inside_an_instruction(structure)
