"""`--timeout` bounds each file's whole check (deadline.py): wherever the time runs out, the
outcomes left are unknown with the phase in the reason, exit 3, never a verdict, never a
traceback, never a cache entry.

Most tests use `StopsIn`, a deadline that passes the first time a given phase looks at it, so
each phase is reached through the real pipeline without a clock. The wall-clock tests at the
end only assert generous bounds (a 1000-entry ring took 498 s under `--timeout 5` before).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import z3
from click.testing import CliRunner, Result
from junitparser import JUnitXml

from ringlitmus import batch, readahead
from ringlitmus.batch import check_with_cache
from ringlitmus.cache import Cache
from ringlitmus.cli import ExitCode, main
from ringlitmus.deadline import CheckTimeoutError, Deadline, Phase, paced, timeout_reason
from ringlitmus.encode.solver import SolverOptions, decide, fresh_context, new_solver
from ringlitmus.frontends import parse_file
from ringlitmus.outcomes import CheckOptions

ROOT = Path(__file__).resolve().parents[1]
KVM = ROOT / "litmus" / "kvm-dirty-ring"
SEED = KVM / "seed.litmus"
RING = KVM / "ring.litmus"
HERD = ROOT / "tests" / "data" / "cli"

# Every phase a ring file's check goes through, in pipeline order, and where it is looked at.
PIPELINE = (
    Phase.PARSING,
    Phase.EXPANDING,
    Phase.WAITING,
    Phase.SYMBOLIC_EXECUTION,
    Phase.ENCODING,
    Phase.RELATIONS,
    Phase.ASSERTING,
    Phase.SOLVING,
)


class FakeClock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class StopsIn(Deadline):
    """A deadline that passes when `phase` first looks at it (and stays passed)."""

    def __init__(self, phase: Phase, limit_s: float = 5.0) -> None:
        super().__init__(limit_s)
        self.phase = phase
        self.passed = False

    def check(self, phase: Phase) -> None:
        if phase is self.phase:
            self.passed = True
        if self.passed:
            raise self.exceeded(phase)

    def expired(self) -> bool:
        return self.passed

    def remaining(self) -> float:
        return 0.0 if self.passed else 3600.0


@pytest.fixture
def stops_in(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Phase]]:
    """Each file's deadline (batch.start_deadline) passes in the phase the test appends."""
    chosen: list[Phase] = []

    def start(limit_s: float | None) -> Deadline | None:
        return None if limit_s is None else StopsIn(chosen[0], limit_s)

    monkeypatch.setattr(batch, "start_deadline", start)
    yield chosen


def run(*arguments: str | Path) -> Result:
    return CliRunner().invoke(main, [str(argument) for argument in arguments])


def json_outcomes(result: Result) -> list[dict[str, object]]:
    (entry,) = json.loads(result.stdout)["results"]
    return [outcome for variant in entry["variants"] for outcome in variant["outcomes"]]


# --------------------------------------------------------------------------- the clock


def test_the_deadline_passes_at_its_limit_and_names_the_phase() -> None:
    clock = FakeClock()
    deadline = Deadline(5, clock)
    clock.now += 4.9
    deadline.check(Phase.RELATIONS)
    assert deadline.remaining() == pytest.approx(0.1)
    clock.now += 0.1
    with pytest.raises(CheckTimeoutError) as raised:
        deadline.check(Phase.RELATIONS)
    assert raised.value.phase is Phase.RELATIONS
    assert raised.value.reason == "timeout after 5 s while building relations"
    assert deadline.remaining() == 0.0


def test_reasons_print_the_limit_as_given() -> None:
    assert timeout_reason(0.5, Phase.SOLVING) == "timeout after 0.5 s while solving"
    assert timeout_reason(2.0, Phase.PARSING) == "timeout after 2 s while parsing"


def test_paced_looks_at_the_clock_as_items_go_by() -> None:
    clock = FakeClock()
    deadline = Deadline(1, clock)
    seen = []
    with pytest.raises(CheckTimeoutError):
        for item in paced(range(10_000), deadline, Phase.ASSERTING):
            seen.append(item)
            if item == 2_000:
                clock.now += 2
    assert 2_000 < len(seen) <= 2_000 + 1_024 + 1


def test_without_a_deadline_paced_is_the_items_themselves() -> None:
    items = [1, 2, 3]
    assert paced(items, None, Phase.RELATIONS) is items


# --------------------------------------------------------------------------- every phase


@pytest.mark.parametrize("phase", PIPELINE, ids=lambda phase: phase.name.lower())
def test_a_timeout_in_each_phase_is_unknown_with_the_phase_named(
    phase: Phase, stops_in: list[Phase]
) -> None:
    stops_in.append(phase)
    result = run("check", "--timeout", "5", "--no-cache", "-j", "1", "--json", RING)
    assert result.exit_code == ExitCode.UNKNOWN, result.output
    assert "Traceback" not in result.output
    reason = f"timeout after 5 s while {phase.value}"
    (entry,) = json.loads(result.stdout)["results"]
    assert entry["error"] is None
    if phase in (Phase.PARSING, Phase.EXPANDING):
        assert entry["variants"] == []
        assert entry["unknown"] == reason
        return
    outcomes = json_outcomes(result)
    assert outcomes
    assert {outcome["status"] for outcome in outcomes} == {"unknown"}
    assert {outcome["ok"] for outcome in outcomes} == {None}
    first = entry["variants"][0]["outcomes"][0]["reason"]
    assert first == reason
    # A variant the time ran out before says so, not what the first one was doing.
    later = {o["reason"] for v in entry["variants"][1:] for o in v["outcomes"]}
    assert later <= {f"timeout after 5 s while {Phase.WAITING.value}"}


@pytest.mark.parametrize("phase", [Phase.PARSING, Phase.SOLVING], ids=["parsing", "solving"])
def test_herd_files_stop_too(phase: Phase, stops_in: list[Phase]) -> None:
    stops_in.append(phase)
    herd = sorted(path for path in HERD.glob("*.litmus") if path.read_text().startswith("AArch64"))
    result = run("check", "--timeout", "5", "--no-cache", "-j", "1", herd[0])
    assert result.exit_code == ExitCode.UNKNOWN, result.output
    assert f"timeout after 5 s while {phase.value}" in result.stdout


def test_a_timeout_while_parsing_is_shown_in_every_report(
    stops_in: list[Phase], tmp_path: Path
) -> None:
    stops_in.append(Phase.PARSING)
    junit = tmp_path / "out.xml"
    result = run("check", "--timeout", "2", "--no-cache", "-j", "1", "--junit", junit, RING)
    assert result.exit_code == ExitCode.UNKNOWN, result.output
    assert f"? {RING}: unknown: timeout after 2 s while parsing" in result.stdout
    assert re.search(r"1 outcome, 0 ok, 0 failed, 1 unknown, 0 errors", result.stdout)
    assert "error" not in result.stderr
    [suite] = list(JUnitXml.fromfile(str(junit)))
    [case] = list(suite)
    assert [type(item).__name__ for item in case.result] == ["Skipped"]
    assert case.result[0].message == "unknown: timeout after 2 s while parsing"


def test_a_solve_the_deadline_stops_keeps_what_was_decided_before() -> None:
    test = parse_file(str(SEED))
    clock = FakeClock()
    deadline = Deadline(5, clock)
    from ringlitmus import outcomes

    real = outcomes.decide_outcome
    calls = []

    def decide_then_run_out(*arguments, **keywords):  # type: ignore[no-untyped-def]
        decided = real(*arguments, **keywords)
        calls.append(decided)
        clock.now += 10  # the time runs out after the first outcome is decided
        return decided

    patch = pytest.MonkeyPatch()
    patch.setattr(outcomes, "decide_outcome", decide_then_run_out)
    try:
        result = outcomes.check_test(test, CheckOptions(states=True), deadline)
    finally:
        patch.undo()
    first, *rest = result.variants
    assert first.outcomes[0].status.value == "reachable"
    assert first.states is not None and not first.states_complete
    assert rest and all(
        outcome.reason == "timeout after 5 s while waiting to be checked"
        for variant in rest
        for outcome in variant.outcomes
    )


# --------------------------------------------------------------------------- Z3 and parsing


def pigeons(holes: int) -> list[z3.BoolRef]:
    """holes + 1 pigeons in `holes` holes: unsat, and hard for Z3's search."""
    placed = [[z3.Bool(f"p{p}h{h}") for h in range(holes)] for p in range(holes + 1)]
    constraints = [z3.Or(row) for row in placed]
    for h in range(holes):
        for p in range(holes + 1):
            for q in range(p + 1, holes + 1):
                constraints.append(z3.Not(z3.And(placed[p][h], placed[q][h])))
    return constraints


def test_a_solve_is_interrupted_at_the_deadline() -> None:
    with fresh_context():
        solver = new_solver(SolverOptions())
        solver.add(*pigeons(13))
        started = time.monotonic()
        with pytest.raises(CheckTimeoutError) as raised:
            decide(solver, deadline=Deadline(0.3))
        assert raised.value.phase is Phase.SOLVING
        assert time.monotonic() - started < 20  # generous: the machine may be loaded


def test_a_solve_under_a_far_deadline_answers_as_without_one() -> None:
    with fresh_context():
        solver = new_solver(SolverOptions())
        solver.add(*pigeons(3))
        assert decide(solver, deadline=Deadline(3600)).verdict.value == "unreachable"


def test_the_read_ahead_child_is_stopped_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    # The child parses what it is given; one that never answers stands for a huge parse.
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child sleeps until it is killed
        os.close(read_end)
        time.sleep(600)
        os._exit(0)
    os.close(write_end)
    key = readahead._key(str(RING), {}, ())
    monkeypatch.setitem(readahead._pending, key, (pid, read_end))
    started = time.monotonic()
    with pytest.raises(CheckTimeoutError) as raised:
        readahead.take(str(RING), {}, deadline=Deadline(0.2))
    assert raised.value.phase is Phase.PARSING
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # killed and reaped


# --------------------------------------------------------------------------- cache and batches


def test_a_timeout_is_never_stored_in_the_cache(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    test = parse_file(str(SEED))
    stopped = check_with_cache(test, CheckOptions(), cache, None, StopsIn(Phase.RELATIONS))
    assert all(o.status.value == "unknown" for v in stopped.variants for o in v.outcomes)
    assert not list(cache.directory.rglob("*.json"))
    decided = check_with_cache(test, CheckOptions(), cache, None)
    assert len(list(cache.directory.rglob("*.json"))) == len(decided.variants)


def big_ring(directory: Path, entries: int) -> Path:
    """ring.litmus with N entries by default, beside the prelude it includes."""
    shutil.copy(KVM / "kvm-dirty-ring.prelude", directory)
    text = RING.read_text().replace("param N = 2", f"param N = {entries}")
    path = directory / f"ring{entries}.litmus"
    path.write_text(text)
    return path


def ringlitmus(
    *arguments: str | Path, environment: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m ringlitmus ARGUMENTS` in a process of its own (its own peak memory)."""
    return subprocess.run(
        [sys.executable, "-m", "ringlitmus", *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(environment or {})},
        check=False,
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_that_times_out_does_not_stop_the_others(jobs: str, tmp_path: Path) -> None:
    huge = big_ring(tmp_path, 1000)
    cache = tmp_path / "cache"
    started = time.monotonic()
    process = ringlitmus(
        # 10 s, not 2: the seed must be decided within it even on a loaded machine.
        *("check", "--json", "-j", jobs, "--timeout", "10", huge, SEED),
        environment={"RINGLITMUS_CACHE_DIR": str(cache)},
    )
    elapsed = time.monotonic() - started
    assert process.returncode == ExitCode.UNKNOWN, process.stderr
    assert "Traceback" not in process.stderr
    ring, seed = json.loads(process.stdout)["results"]
    reasons = {o["reason"] for v in ring["variants"] for o in v["outcomes"]} | {ring.get("unknown")}
    assert any(reason and reason.startswith("timeout after 10 s while") for reason in reasons)
    assert all(o["ok"] is True for v in seed["variants"] for o in v["outcomes"])
    # Only the seed's proofs are kept.
    assert len(list(cache.rglob("*.json"))) == len(seed["variants"])
    assert elapsed < 120, elapsed  # was 498 s for the ring alone; generous under load


def test_a_thousand_entry_ring_under_a_short_timeout_is_unknown_soon_and_small() -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    process = ringlitmus("check", "--no-cache", "--timeout", "2", "-D", "N=1000", RING)
    elapsed = time.monotonic() - started
    assert process.returncode == ExitCode.UNKNOWN, process.stderr
    assert "Traceback" not in process.stderr
    assert re.search(r"unknown: timeout after 2 s while \w", process.stdout), process.stdout
    assert elapsed < 60, elapsed  # was 498 s at --timeout 5
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak_kb > before:  # the largest child so far is this one
        assert peak_kb < 1_500_000, peak_kb  # was 1.3 GB at N=256 under --timeout 2


def test_diff_of_a_file_stopped_while_parsing_is_unknown(stops_in: list[Phase]) -> None:
    stops_in.append(Phase.PARSING)
    result = run("diff", "--timeout", "2", "--no-cache", "-j", "1", "--json", SEED, SEED)
    assert result.exit_code == ExitCode.UNKNOWN, result.output
    assert f"{SEED}: unknown: timeout after 2 s while parsing" in result.stderr
    messages = {error["message"] for error in json.loads(result.stdout)["errors"]}
    assert messages == {"timeout after 2 s while parsing"}
