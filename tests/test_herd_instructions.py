"""herd's own AArch64 instruction tests (herdtools7 `herd/tests/instructions/AArch64`): each one
we read gets herd7's Observation and final states; the others are refused, and how many we
decide is pinned, so that support only grows and no test silently stops being read.

Each `X.litmus` of the catalogue's `instructions-aarch64` folder has herd7 7.58's full output in
`X.litmus.expected`, as in the linux folder (compared in test_herd_catalogue.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from herd7 import parse_herd_output
from test_herd_catalogue import catalogue_root, herd_observation, herd_states, our_states

from ringlitmus.encode.solver import Verdict
from ringlitmus.errors import LitmusError, UnsupportedInstructionError
from ringlitmus.frontends import parse_file
from ringlitmus.outcomes import CheckOptions, VariantResult, check_test
from ringlitmus.reports.herd import judge_outcome

FOLDER, TESTS = "instructions-aarch64", 286
# How many tests get herd7's answer. It rises as support grows (issue #24's target: 250); a
# test that stops being decided, or is decided differently, fails the suite.
DECIDED = 85
# Decided neither way, with the reason, by design: an address computed from values read that
# may leave every declared location (README, "Exit codes").
UNKNOWN = 2


def instruction_files() -> list[object]:
    """Every test of the folder, or one skipped case when the catalogue is not configured."""
    root = catalogue_root()
    if root is None:
        return [pytest.param(None, marks=pytest.mark.skip(reason="catalogue not configured"))]
    return [
        pytest.param(path, id=path.stem)
        for path in sorted((root / FOLDER / "tests").glob("*.litmus"))
    ]


def decide(path: Path) -> VariantResult:
    """Our result for one test, with its final states."""
    options = CheckOptions(model="armv8", observation=True, states=True)
    (variant,) = check_test(parse_file(str(path)), options).variants
    return variant


def differences(path: Path, variant: VariantResult) -> list[str]:
    """How our answer differs from herd7's: observation and final states; [] when it agrees."""
    (outcome,) = variant.outcomes
    found: list[str] = []
    observation = judge_outcome(outcome).observation.value
    if observation != herd_observation(path):
        found.append(f"observation {observation}, herd7 {herd_observation(path)}")
    expected = herd_states(path)
    shown = {item.split("=")[0] for state in expected for item in state}
    ours = our_states(parse_file(str(path)), variant.states or (), shown)
    if not variant.states_complete or ours != expected:
        found.append(f"states {sorted(map(sorted, ours))}, herd7 {sorted(map(sorted, expected))}")
    return found


def is_unknown(variant: VariantResult) -> bool:
    return any(outcome.status is Verdict.UNKNOWN for outcome in variant.outcomes)


@pytest.mark.parametrize("path", instruction_files())
def test_instruction_test_agrees_with_herd_or_is_refused(path: Path) -> None:
    """A test we read is answered as herd7 answers it; one we cannot read is refused (exit 2)."""
    try:
        parse_file(str(path))
    except LitmusError as error:
        # Refused: exit 2, never an answer (`unsupported ...`, or herd syntax not read yet).
        assert error.exit_code == 2
        kind = "unsupported" if isinstance(error, UnsupportedInstructionError) else "not read"
        pytest.skip(f"{kind}: {error.message}")
    variant = decide(path)
    if is_unknown(variant):
        (outcome,) = variant.outcomes
        pytest.skip(f"unknown: {outcome.reason}")
    assert differences(path, variant) == []


def test_how_many_instruction_tests_are_decided() -> None:
    """The folder holds herd7's answers for its 286 tests, and we decide DECIDED of them."""
    root = catalogue_root()
    if root is None:
        pytest.skip("set RINGLITMUS_HERD_CATALOGUE to ../shared/herd-catalogue")
    paths = sorted((root / FOLDER / "tests").glob("*.litmus"))
    assert len(paths) == TESTS
    decided = unknown = 0
    for path in paths:
        assert parse_herd_output(Path(f"{path}.expected").read_text()).observation is not None
        try:
            variant = decide(path)
        except LitmusError:
            continue
        if is_unknown(variant):
            unknown += 1
        elif not differences(path, variant):
            decided += 1
    assert (decided, unknown) == (DECIDED, UNKNOWN)
