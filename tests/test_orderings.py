"""Finding a program's orderings and weakening them in the IR (ringlitmus.orderings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringlitmus import ir
from ringlitmus.frontends import parse_file
from ringlitmus.orderings import (
    NO_DEPENDENCY,
    PLAIN,
    REMOVED,
    SiteKind,
    find_orderings,
    find_plain_accesses,
    weaken,
)

ROOT = Path(__file__).resolve().parent.parent

EVERY_KIND = """\
x = 0; y = 0
array z[2] = 0
thread P0: store x = 1; dmb ish; r1 = xchg<acq_rel> y, 2; store-rel x = 3
thread P1: r0 = load-acq y; r1 = load-acq-pc x; r2 = r0 ^ r0; r3 = load z[r2]; r4 = r1 & 0
thread P2: r0 = load x; r1 = load z[r0]; r2 = r0 + 1
forbidden nothing: P1.r0 == 7
"""


@pytest.fixture
def program(tmp_path: Path) -> ir.Program:
    path = tmp_path / "every-kind.litmus"
    path.write_text(EVERY_KIND)
    return parse_file(str(path)).variants[0].program


def test_every_kind_of_ordering_is_found(program: ir.Program) -> None:
    found = [(site.thread_name, site.kind, site.changes) for site in find_orderings(program)]
    assert found == [
        ("P0", SiteKind.FENCE, ("dmb ishld", "dmb ishst", REMOVED)),
        ("P0", SiteKind.RMW_ACQUIRE, (PLAIN,)),
        ("P0", SiteKind.RMW_RELEASE, (PLAIN,)),
        ("P0", SiteKind.RELEASE, (PLAIN,)),
        ("P1", SiteKind.ACQUIRE, ("acquire-pc", PLAIN)),
        ("P1", SiteKind.ACQUIRE_PC, (PLAIN,)),
        ("P1", SiteKind.DEPENDENCY, (NO_DEPENDENCY,)),
        ("P1", SiteKind.DEPENDENCY, (NO_DEPENDENCY,)),
    ]
    # A real dependency (an index loaded and used) is not an ordering one could remove.
    assert all(site.thread_name != "P2" for site in find_orderings(program))


def test_weakening_changes_only_the_site(program: ir.Program) -> None:
    sites = {(site.thread_name, site.kind): site for site in find_orderings(program)}
    fence = sites[("P0", SiteKind.FENCE)]
    without = weaken(program, {fence.key: REMOVED})
    assert len(without.threads[0].instructions) == len(program.threads[0].instructions) - 1
    assert not any(isinstance(i, ir.Fence) for i in without.threads[0].instructions)
    assert without.threads[1:] == program.threads[1:]
    lighter = weaken(program, {fence.key: "dmb ishst"})
    assert ir.Fence(ir.FenceKind.DMB_ST) in lighter.threads[0].instructions
    acquire = sites[("P1", SiteKind.ACQUIRE)]
    plain = weaken(program, {acquire.key: PLAIN}).threads[1].instructions[acquire.position]
    assert isinstance(plain, ir.Load) and plain.ordering is ir.Ordering.PLAIN
    release_half = sites[("P0", SiteKind.RMW_RELEASE)]
    rmw = weaken(program, {release_half.key: PLAIN}).threads[0].instructions[release_half.position]
    assert isinstance(rmw, ir.Rmw) and rmw.acquire and not rmw.release


def test_a_marked_dependency_becomes_the_constant_it_always_was(program: ir.Program) -> None:
    dependency = next(s for s in find_orderings(program) if s.kind is SiteKind.DEPENDENCY)
    changed = weaken(program, {dependency.key: NO_DEPENDENCY})
    assert changed.threads[1].instructions[dependency.position] == ir.Assign("r2", ir.Const(0))


def test_a_branch_to_the_next_instruction_is_a_control_dependency() -> None:
    program = parse_file(str(ROOT / "tests/data/ablate/ctrl.litmus")).variants[0].program
    (first, second) = find_orderings(program)
    assert first.kind is second.kind is SiteKind.CONTROL
    branch = weaken(program, {first.key: REMOVED}).threads[0].instructions[first.position]
    assert isinstance(branch, ir.Branch) and branch.condition is None
    # A real `if` (its body skipped when the condition fails) is no such site.
    seed = parse_file(str(ROOT / "litmus/kvm-dirty-ring/seed.litmus")).variants[0].program
    assert SiteKind.CONTROL not in {site.kind for site in find_orderings(seed)}


def test_plain_accesses_can_be_strengthened(program: ir.Program) -> None:
    sites = find_plain_accesses(program)
    kinds = {(site.thread_name, site.kind) for site in sites}
    assert ("P0", SiteKind.PLAIN_STORE) in kinds and ("P2", SiteKind.PLAIN_LOAD) in kinds
    load = next(site for site in sites if site.kind is SiteKind.PLAIN_LOAD)
    changed = weaken(program, {load.key: "acquire"}).threads[load.thread]
    instruction = changed.instructions[load.position]
    assert isinstance(instruction, ir.Load) and instruction.ordering is ir.Ordering.ACQUIRE


# What ablate prints of an access or a fence is a statement the ring DSL reads (issue 20).
_STATEMENT_KINDS = (SiteKind.ACQUIRE, SiteKind.ACQUIRE_PC, SiteKind.RELEASE, SiteKind.FENCE)


def _as_statement(text: str) -> str:
    return f"r9 = {text}" if text.startswith("load") else text


def test_what_ablate_prints_of_an_ordering_reads_back_as_the_same_ordering(
    program: ir.Program, tmp_path: Path
) -> None:
    sites = [site for site in find_orderings(program) if site.kind in _STATEMENT_KINDS]
    assert {site.kind for site in sites} == set(_STATEMENT_KINDS)
    body = "; ".join(_as_statement(site.text) for site in sites)
    path = tmp_path / "pasted.litmus"
    path.write_text(f"x = 0; y = 0\nthread P0: {body}\nforbidden nothing: x == 7\n")
    pasted = find_orderings(parse_file(str(path)).variants[0].program)
    assert [(site.kind, site.text) for site in pasted] == [(site.kind, site.text) for site in sites]


def test_every_change_ablate_offers_is_a_value_the_ring_dsl_reads(
    program: ir.Program, tmp_path: Path
) -> None:
    offered = {
        change
        for site in (*find_orderings(program), *find_plain_accesses(program))
        for change in site.changes
        if change not in (REMOVED, NO_DEPENDENCY)
    }
    params = "\n".join(f"param p{index} = {change}" for index, change in enumerate(offered))
    path = tmp_path / "params.litmus"
    path.write_text(f"x = 0\n{params}\nthread P0: store x = 1\nforbidden nothing: x == 7\n")
    parse_file(str(path))
