"""Mutated litmus files never crash, hang or get written: `check` rejects them with exit 2 and
a `file:line:col` error, or parses and checks them (exit 0, 1 or 3).

The inputs are every file in litmus/ (ring DSL files and the preludes they include) and herd's
AArch64 catalogue ($RINGLITMUS_HERD_CATALOGUE), mutated by tests/fuzz/mutate.py with seeds
derived from the file names: the same mutants on every run. The quick profile runs ~150 of
them; `pytest -m slow tests/test_fuzz.py` runs the long one (over 1 000). The few inputs run in
a child process prove there is no hang; the rest run in this process, for speed.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from fuzz.mutate import (
    BYTE_ORDER_MARK,
    Mutant,
    fixed_mutants,
    mutate,
    random_mutants,
    truncations,
)
from fuzz.run import (
    SUBPROCESS_LIMIT_S,
    assert_handled,
    check_arguments,
    run_in_process,
    run_subprocess,
    snapshot,
)
from judging import judging_model

LITMUS = Path(__file__).resolve().parents[1] / "litmus"
LITMUS_SOURCES = sorted(LITMUS.rglob("*.litmus")) + sorted(LITMUS.rglob("*.prelude"))
CATALOGUE_VARIABLE = "RINGLITMUS_HERD_CATALOGUE"
# The files the quick profile also runs the fixed mutators on: one per thread form of the
# ring DSL (line, block with an include) and one herd test.
QUICK_FIXED = (
    "basics/MP.litmus",
    "kvm-dirty-ring/ring.litmus",
    "aarch64/CoRR.litmus",
    "x86/SB.litmus",
)


@dataclass(frozen=True)
class FuzzCase:
    """One mutant of one source file, and whether it runs in a child process."""

    source: Path
    label: str
    mutant: Mutant
    in_subprocess: bool = False

    @property
    def id(self) -> str:
        return f"{self.label}:{self.mutant.name}"


def catalogue_sources() -> list[Path] | None:
    """herd's AArch64 and X86 tests, when the environment names the catalogue."""
    root = os.environ.get(CATALOGUE_VARIABLE)
    if not root:
        return None
    return sorted(Path(root).glob("aarch64*/tests/*.litmus")) + sorted(
        Path(root).glob("x86/tests/*.litmus")
    )


def label(source: Path) -> str:
    """`basics/MP.litmus` for litmus/, `aarch64-cas/CAS+data1.litmus` for the catalogue."""
    if source.is_relative_to(LITMUS):
        return source.relative_to(LITMUS).as_posix()
    return f"{source.parents[1].name}/{source.name}"


def cases_of(
    sources: Iterable[Path], seed: str, random_count: int, fixed: bool, cuts: int
) -> list[FuzzCase]:
    """Per source: `random_count` random mutants, the fixed ones when `fixed` (the deep
    nestings in a child process), and `cuts` truncations at evenly spaced offsets."""
    cases = []
    for source in sources:
        data = source.read_bytes()
        name = label(source)
        mutants = random_mutants(data, f"{seed}:{name}", random_count)
        if cuts:
            mutants += list(truncations(data, max(1, len(data) // cuts)))[1:]
        cases += [FuzzCase(source, name, mutant) for mutant in mutants]
        if fixed:
            cases += [
                FuzzCase(source, name, mutant, in_subprocess=mutant.name.startswith("deep-"))
                for mutant in fixed_mutants(data)
            ]
    return cases


def quick_cases() -> list[FuzzCase]:
    cases = cases_of(LITMUS_SOURCES, "quick", random_count=3, fixed=False, cuts=0)
    chosen = [source for source in LITMUS_SOURCES if label(source) in QUICK_FIXED]
    cases += cases_of(chosen, "quick", random_count=0, fixed=True, cuts=6)
    catalogue = catalogue_sources()
    if catalogue is not None:
        sample = [source for index, source in enumerate(catalogue) if index % 6 == 0]
        chosen = [source for source in catalogue if label(source) in QUICK_FIXED]
        cases += cases_of(sample, "quick", random_count=2, fixed=False, cuts=0)
        cases += cases_of(chosen, "quick", random_count=0, fixed=True, cuts=0)
    return cases


def long_cases() -> list[FuzzCase]:
    cases = cases_of(LITMUS_SOURCES, "long", random_count=40, fixed=True, cuts=16)
    catalogue = catalogue_sources()
    if catalogue is not None:
        cases += cases_of(catalogue, "long", random_count=3, fixed=False, cuts=0)
        sample = [source for index, source in enumerate(catalogue) if index % 8 == 0]
        cases += cases_of(sample, "long-fixed", random_count=0, fixed=True, cuts=0)
    return cases


def parameters(cases: list[FuzzCase]) -> list[object]:
    """The cases as pytest parameters, and a skipped one saying the catalogue is missing."""
    found: list[object] = [pytest.param(case, id=case.id) for case in cases]
    if catalogue_sources() is None:
        reason = f"set {CATALOGUE_VARIABLE} to herd's catalogue to fuzz its AArch64 tests too"
        found.append(pytest.param(None, id="catalogue", marks=pytest.mark.skip(reason=reason)))
    return found


def lay_out(case: FuzzCase, directory: Path) -> tuple[str, dict[str, bytes]]:
    """Write the mutant, and the preludes beside its source, into `directory`. Returns the file
    to check (for a mutated prelude: a file that includes it) and every file written."""
    written = {
        prelude.name: prelude.read_bytes()
        for prelude in sorted(case.source.parent.glob("*.prelude"))
    }
    written[case.source.name] = case.mutant.data
    target = case.source.name
    if case.source.suffix == ".prelude":
        includers = sorted(
            path
            for path in case.source.parent.glob("*.litmus")
            if f'include "{case.source.name}"'.encode() in path.read_bytes()
        )
        assert includers, f"nothing in litmus/ includes {case.label}"
        includer = random.Random(case.id).choice(includers)
        written[includer.name] = includer.read_bytes()
        target = includer.name
    for name, data in written.items():
        (directory / name).write_bytes(data)
    return target, written


def check_mutant(case: FuzzCase, directory: Path) -> None:
    target, inputs = lay_out(case, directory)
    before = snapshot(directory)
    runner = run_subprocess if case.in_subprocess else run_in_process
    run = runner(directory, check_arguments([target]))
    after = snapshot(directory)
    changed = sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
    assert not changed, f"the run wrote to {changed}"
    assert_handled(run, inputs)


QUICK = quick_cases()


@pytest.mark.parametrize("case", parameters(QUICK))
def test_mutant_is_checked_or_rejected_with_a_location(case: FuzzCase, tmp_path: Path) -> None:
    check_mutant(case, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("case", parameters(long_cases()))
def test_long_mutant_is_checked_or_rejected_with_a_location(case: FuzzCase, tmp_path: Path) -> None:
    check_mutant(case, tmp_path)


def test_quick_profile_has_its_size() -> None:
    """~400 inputs with the catalogue (the quick budget: ~30 s), over 60 without it; it grows
    with litmus/ (three random mutants per file: session 7's ~35 regressions added ~100)."""
    expected = (60, 360) if catalogue_sources() is None else (130, 440)
    assert expected[0] <= len(QUICK) <= expected[1], len(QUICK)


@pytest.mark.slow
def test_long_profile_has_over_a_thousand_inputs() -> None:
    assert len(long_cases()) >= 1_000


# --------------------------------------------------------------------------- meaning kept


def outcome_statuses(directory: Path, file: str, model: str) -> list[tuple[str, str, str]]:
    """(variant, outcome, status) of every outcome `check --json --model MODEL` decides."""
    run = run_in_process(directory, check_arguments([file], ["--json", "--model", model]))
    assert run.exit_code in {0, 1, 3}, run.output
    document = json.loads(run.stdout)
    return [
        (variant["variant"], outcome["name"], outcome["status"])
        for result in document["results"]
        for variant in result["variants"]
        for outcome in variant["outcomes"]
    ]


MEANING_SOURCES = [source for source in LITMUS_SOURCES if source.suffix == ".litmus"]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            source,
            id=label(source),
            marks=() if label(source) in QUICK_FIXED else pytest.mark.slow,
        )
        for source in MEANING_SOURCES
    ],
)
@pytest.mark.parametrize("mutator", ["crlf", "bom"])
def test_line_endings_and_byte_order_mark_change_no_verdict(
    source: Path, mutator: str, tmp_path: Path
) -> None:
    original = tmp_path / "original"
    changed = tmp_path / "changed"
    data = source.read_bytes()
    for directory, text in ((original, data), (changed, mutate(data, mutator, mutator))):
        assert text is not None
        directory.mkdir()
        lay_out(FuzzCase(source, label(source), Mutant(mutator, text)), directory)
    model = judging_model(source)
    assert outcome_statuses(changed, source.name, model) == outcome_statuses(
        original, source.name, model
    )


# --------------------------------------------------------------------------- defects found

ENDLESS = Path("/dev/zero")
# Enough for the pipeline (~300 MB), small enough that reading ENDLESS fails in seconds.
ADDRESS_SPACE_LIMIT = 1536 * 2**20


def run_with_memory_limit(
    directory: Path, arguments: list[str]
) -> subprocess.CompletedProcess[str]:
    """`python -m ringlitmus ARGUMENTS` with its address space limited: an endless read ends
    in MemoryError rather than taking the machine's memory."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))

    return subprocess.run(
        [sys.executable, "-m", "ringlitmus", *arguments],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_LIMIT_S,
        preexec_fn=limit_memory,
        check=False,
    )


endless_device = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not ENDLESS.exists(),
    reason="needs Linux's /dev/zero and RLIMIT_AS",
)


@endless_device
def test_an_include_of_an_endless_device_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "zero.litmus").write_text(
        f'include "{ENDLESS}"\ndata = 0\nthread P0: store data = 1\nallowed a: data == 1\n'
    )
    completed = run_with_memory_limit(tmp_path, check_arguments(["zero.litmus"]))
    assert completed.returncode == 2, completed.stderr
    assert "zero.litmus:1:1: error: cannot include" in completed.stderr


@endless_device
def test_an_endless_device_given_as_the_file_is_rejected(tmp_path: Path) -> None:
    completed = run_with_memory_limit(tmp_path, check_arguments([str(ENDLESS)]))
    assert completed.returncode == 2, completed.stderr
    assert f"{ENDLESS}: error:" in completed.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_rejected_without_waiting_for_a_writer(tmp_path: Path) -> None:
    """Opening a FIFO blocks until a writer comes: it must be refused before it is opened."""
    os.mkfifo(tmp_path / "pipe.prelude")
    os.mkfifo(tmp_path / "pipe.litmus")
    (tmp_path / "main.litmus").write_text(
        'include "pipe.prelude"\ndata = 0\nthread P0: store data = 1\nallowed a: data == 1\n'
    )
    included = run_with_memory_limit(tmp_path, check_arguments(["main.litmus"]))
    assert included.returncode == 2, included.stderr
    assert "main.litmus:1:1: error: cannot include 'pipe.prelude': it is a named pipe" in (
        included.stderr
    )
    given = run_with_memory_limit(tmp_path, check_arguments(["pipe.litmus"]))
    assert given.returncode == 2, given.stderr
    assert "pipe.litmus: error: cannot read 'pipe.litmus': it is a named pipe" in given.stderr


def test_a_byte_order_mark_in_an_included_file_changes_no_verdict(tmp_path: Path) -> None:
    ring = LITMUS / "kvm-dirty-ring" / "ring.litmus"
    prelude = LITMUS / "kvm-dirty-ring" / "kvm-dirty-ring.prelude"
    for name, prelude_data in (
        ("original", prelude.read_bytes()),
        ("changed", BYTE_ORDER_MARK + prelude.read_bytes()),
    ):
        (tmp_path / name).mkdir()
        (tmp_path / name / ring.name).write_bytes(ring.read_bytes())
        (tmp_path / name / prelude.name).write_bytes(prelude_data)
    changed = outcome_statuses(tmp_path / "changed", ring.name, "armv8")
    assert changed == outcome_statuses(tmp_path / "original", ring.name, "armv8")


HERD_CORR = """AArch64 CoRR
{
0:X1=x;
1:X0=x;
}
 P0          | P1          ;
 MOV W0,#1   | LDR W1,[X0] ;
 STR W0,[X1] | LDR W2,[X0] ;
exists (1:X1=1 /\\ 1:X2=0)
"""


def test_a_herd_condition_nested_too_deeply_is_reported_at_its_line(tmp_path: Path) -> None:
    deep = HERD_CORR.replace("exists (", "exists " + "~" * 10_000 + "(")
    (tmp_path / "CoRR.litmus").write_text(deep)
    run = run_in_process(tmp_path, check_arguments(["CoRR.litmus"]))
    assert run.exit_code == 2, run.output
    assert "CoRR.litmus:9:" in run.output, run.output
