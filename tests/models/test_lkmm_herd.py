"""LKMM's locking, RCU, SRCU and plain-access rules, one small C test each, judged as herd7 does.

Each file of tests/data/lkmm names the rule it exercises and carries herd7's verdict in its
`Expected=` line and the flags herd7 raises in its `Flags=` line; here its observation, final
states and flags must also be herd7's own, run on the same file (tests/herd7.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from herd7 import run_herd7

from ringlitmus.frontends import parse_file
from ringlitmus.ir import UNSOLVED
from ringlitmus.outcomes import CheckOptions, check_test
from ringlitmus.reports.herd import judge_outcome
from ringlitmus.semantics import layout_locations

DATA = Path(__file__).parent.parent / "data" / "lkmm"
FILES = sorted(DATA.glob("*.litmus"))


def _states(path: Path, states: tuple[dict[str, int], ...], shown: set[str]) -> set[str]:
    """Our final states as herd prints them (`0:r0=1; 1:r1=0;`), limited to herd's names."""
    bases, _ = layout_locations(parse_file(str(path)).variants[0].program)
    names = {address: name for name, address in bases.items()}

    def spelled(key: str, value: int) -> str:
        label = key if ":" in key else f"[{key}]"
        shown = "S" if value == UNSOLVED else names.get(value, value)
        return f"{label}={shown};"

    return {
        " ".join(spelled(key, value) for key, value in sorted(state.items()) if key in shown)
        for state in states
    }


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_meets_its_expectation(path: Path) -> None:
    """The verdict, and the flags herd7 raises, which the file's `Flags=` line lists (issue 19:
    without it no test saw a flag of the bell or lock.cat without ../shared)."""
    test = parse_file(str(path))
    (variant,) = check_test(test, CheckOptions(model="lkmm")).variants
    (outcome,) = variant.outcomes
    assert outcome.ok is True
    # Kills the mutants of lkmm.py's `critical` (unlock-unmatched.litmus, and the files whose
    # matched unlocks raise nothing). One is equivalent: `critical` without its final [UL]
    # (lkmm.py:103:3) still puts an unlock in Range(critical) exactly when a lock po-precedes
    # it with no lock or unlock of that location between.
    listed = dict(test.metadata).get("Flags", "")
    assert set(variant.flags) == {flag.strip() for flag in listed.split(",") if flag.strip()}


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_agrees_with_herd7(path: Path) -> None:
    answer = run_herd7(path, "lkmm")
    assert answer is not None and answer.observation is not None, path
    options = CheckOptions(model="lkmm", observation=True, states=True)
    (variant,) = check_test(parse_file(str(path)), options).variants
    (outcome,) = variant.outcomes
    assert judge_outcome(outcome).observation.value == answer.observation
    shown = {item.split("=")[0].strip("[]") for state in answer.states for item in state.split()}
    assert variant.states is not None and variant.states_complete
    assert _states(path, variant.states, shown) == set(answer.states)
    assert set(variant.flags) == set(answer.flags)
