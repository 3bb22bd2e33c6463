"""Run a batch of litmus texts through herd7 (one call) and through ringlitmus, and compare
each test's Observation and final-state set.

Final states are compared as sets of `term=value` pairs, so the order herd prints a state's
columns in does not matter. Our side prints its states with reports/herd.py's `herd_states`,
the same lines `--format herd` prints.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from herd7 import model_arguments, parse_herd_output, require_herd7

from ringlitmus.errors import LitmusError
from ringlitmus.frontends import parse_file
from ringlitmus.outcomes import CheckOptions, check_test
from ringlitmus.reports.herd import judge_outcome
from ringlitmus.reports.herd_states import herd_states

_BLOCK = re.compile(r"^Test (\S+) ", re.MULTILINE)
# herd7's word on a file it refuses: `Warning: File "PATH": ... (User error)`.
_REFUSAL = re.compile(r'^Warning: File "([^"]+)".*?: (.*)$', re.MULTILINE)

State = frozenset[str]


def state_set(lines: Sequence[str] | frozenset[str]) -> frozenset[State]:
    """Each herd state line (`0:X0=1; [x]=2;`) as the set of its `term=value` pairs."""
    return frozenset(
        frozenset(part.strip() for part in line.split(";") if part.strip()) for line in lines
    )


@dataclass(frozen=True)
class Answer:
    """One tool's answer for one test: its observation and final states, or why none."""

    observation: str | None
    states: frozenset[State]
    problem: str | None = None


@dataclass
class Comparison:
    """The outcome of a batch: what was compared, skipped, and where the tools disagree."""

    compared: int = 0
    herd_timeouts: list[str] = field(default_factory=list)
    herd_refused: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    disagreements: list[tuple[str, Answer, Answer]] = field(default_factory=list)


@dataclass
class HerdRun:
    """A herd7 call under way, writing into files (a pipe would fill and stop herd7 until we
    read it, and herd7 is to run while we check the same files)."""

    process: subprocess.Popen[bytes]
    stdout: IO[bytes]
    stderr: IO[bytes]


def start_herd_batch(paths: Sequence[Path], model: str, test_timeout_s: float) -> HerdRun:
    """Start one herd7 call on every file (its start-up is paid once); it runs while we check
    the same files, on the other core."""
    command = [
        str(require_herd7()),
        *model_arguments(model),
        "-timeout",
        str(test_timeout_s),
        *map(str, paths),
    ]
    # Closed by herd_answers once read.
    stdout, stderr = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115
    return HerdRun(subprocess.Popen(command, stdout=stdout, stderr=stderr), stdout, stderr)


def herd_answers(run: HerdRun, timeout_s: float) -> dict[str, Answer]:
    """herd7's answer for each file, by test name. A test herd refused has its reason as
    `problem`; one it gave up on (past its CPU-time limit) is absent."""
    try:
        run.process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        run.process.kill()
        run.process.wait()
    stdout, stderr = (_read(file) for file in (run.stdout, run.stderr))
    answers = {
        Path(match.group(1)).stem: Answer(None, frozenset(), f"herd7: {match.group(2)}")
        for match in _REFUSAL.finditer(stderr + stdout)
    }
    starts = [match.start() for match in _BLOCK.finditer(stdout)]
    for start, end in zip(starts, [*starts[1:], len(stdout)], strict=True):
        answer = parse_herd_output(stdout[start:end])
        if answer.observation is not None:
            answers[answer.name] = Answer(answer.observation, state_set(answer.states))
    return answers


def _read(file: IO[bytes]) -> str:
    file.seek(0)
    text = file.read().decode(errors="replace")
    file.close()
    return text


def ringlitmus_answer(path: Path, model: str, timeout_s: float | None = None) -> Answer:
    """Our observation and final states for one herd file, printed as herd prints them
    (`timeout_s` per solver call: past it the answer is unknown)."""
    try:
        test = parse_file(str(path))
    except LitmusError as error:
        return Answer(None, frozenset(), f"{type(error).__name__}: {error}")
    options = CheckOptions(
        model=model, states=True, observation=True, max_states=100_000, timeout_s=timeout_s
    )
    (variant,) = check_test(test, options).variants
    (outcome,) = variant.outcomes
    observation = judge_outcome(outcome).observation.value
    if observation == "Unknown" or not variant.states_complete:
        return Answer(None, frozenset(), f"unknown: {outcome.reason}")
    assert variant.states is not None
    condition = test.outcomes[0].condition
    lines = herd_states(test, variant.variant, condition, test.observed, variant.states).lines
    return Answer(observation, state_set(lines))


def compare_batch(
    paths: Sequence[Path], model: str, test_timeout_s: float, batch_timeout_s: float
) -> Comparison:
    """herd7 and ringlitmus on each file; a file's test name is its stem. herd7 gets
    `test_timeout_s` of CPU time per test and the whole call `batch_timeout_s`; we get ten
    times `test_timeout_s` per solver call (our time is wall-clock, herd7's CPU)."""
    process = start_herd_batch(paths, model, test_timeout_s)
    ours_by_path = {path: ringlitmus_answer(path, model, 10 * test_timeout_s) for path in paths}
    herd = herd_answers(process, batch_timeout_s)
    comparison = Comparison()
    for path in paths:
        ours = ours_by_path[path]
        theirs = herd.get(_test_name(path))
        if theirs is None:
            comparison.herd_timeouts.append(str(path))
            continue
        if theirs.problem is not None:
            comparison.herd_refused.append((str(path), theirs.problem))
            continue
        if ours.problem is not None:
            if ours.observation is None and ours.problem.startswith("unknown"):
                comparison.unknown.append(str(path))
            else:
                comparison.refused.append((str(path), ours.problem))
            continue
        comparison.compared += 1
        if ours.observation != theirs.observation or ours.states != theirs.states:
            comparison.disagreements.append((str(path), theirs, ours))
    return comparison


def _test_name(path: Path) -> str:
    # Generated files are named after their test.
    return path.stem


def describe(path: str, herd: Answer, ours: Answer) -> str:
    """A disagreement, with the litmus text, for a failure message."""
    only_herd = sorted(" ".join(sorted(state)) for state in herd.states - ours.states)
    only_ours = sorted(" ".join(sorted(state)) for state in ours.states - herd.states)
    return "\n".join(
        [
            f"--- {path}",
            Path(path).read_text(),
            f"herd7:      Observation {herd.observation}, {len(herd.states)} states",
            f"ringlitmus: Observation {ours.observation}, {len(ours.states)} states",
            *(f"  only herd7:      {state}" for state in only_herd),
            *(f"  only ringlitmus: {state}" for state in only_ours),
        ]
    )
