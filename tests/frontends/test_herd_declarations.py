"""Every declaration form of herd's init section that herd7 accepts is read, and read as herd7
reads it: a location's value at its type's width (`uint8_t x=256` holds 0); a register whose
value herd7 would change, or a value ours could not follow (issue #24), is refused.

tests/data/declarations/accepted: herd7 and we agree on each file's `Expected=` verdict.
tests/data/declarations/refused: we refuse each at its `Error=LINE:COL` (exit 2); `Herd=` says
what herd7 does with it: `refused`, or the observation it gives after changing the value.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from herd7 import run_herd7

from ringlitmus.cli import ExitCode, main

DATA = Path(__file__).resolve().parent.parent / "data" / "declarations"
ACCEPTED = sorted((DATA / "accepted").glob("*.litmus"))
REFUSED = sorted((DATA / "refused").glob("*.litmus"))
MODELS = {"AArch64": "armv8", "X86": "tso"}
# herd's verdict for `exists P` from its observation of P.
VERDICTS = {"Never": "Forbidden", "Sometimes": "Allowed", "Always": "Allowed"}


def model_of(path: Path) -> str:
    """The model for the file's herd architecture (its first word)."""
    return MODELS[path.read_text().split(maxsplit=1)[0]]


def header(path: Path, key: str) -> str:
    """The value of the file's `KEY=value` line."""
    match = re.search(rf"^{key}=(\S+)$", path.read_text(), re.M)
    assert match, f"{path.name} lacks a {key}= line"
    return match.group(1)


def check(path: Path) -> Result:
    """`ringlitmus check --model M PATH`, in-process."""
    arguments = ["check", "--no-cache", "-j", "1", "--model", model_of(path), str(path)]
    return CliRunner().invoke(main, arguments)


@pytest.mark.parametrize("path", ACCEPTED, ids=[path.name for path in ACCEPTED])
def test_accepted_declarations_give_the_expected_verdict(path: Path) -> None:
    result = check(path)
    assert result.exit_code == ExitCode.OK, result.output


@pytest.mark.parametrize("path", ACCEPTED, ids=[path.name for path in ACCEPTED])
def test_herd7_accepts_them_with_the_same_verdict(path: Path) -> None:
    answer = run_herd7(path, model_of(path))
    assert answer is not None and answer.observation is not None, answer
    assert VERDICTS[answer.observation] == header(path, "Expected"), answer.text


@pytest.mark.parametrize("path", REFUSED, ids=[path.name for path in REFUSED])
def test_refused_declarations_are_errors_at_their_place(path: Path) -> None:
    result = check(path)
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith(f"{path}:{header(path, 'Error')}: error: ")


@pytest.mark.parametrize("path", REFUSED, ids=[path.name for path in REFUSED])
def test_herd7_refuses_them_or_changes_the_value(path: Path) -> None:
    answer = run_herd7(path, model_of(path))
    assert answer is not None
    expected = header(path, "Herd")
    assert (answer.observation or "refused") == expected, answer.text
