"""An access whose address is known and is no declared location is refused, as herd7 does.

Each file in tests/data/addresses states where the error must point (`Error=LINE:COL`, a herd
`key=value` line); herd7 must refuse every one of them too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from herd7 import run_herd7

from ringlitmus.cli import ExitCode, main

DATA = Path(__file__).resolve().parent.parent / "data" / "addresses"
FILES = sorted(DATA.glob("*.litmus"))
# The model herd7 and we read each herd format under.
MODELS = {"AArch64": "armv8", "X86": "tso", "C": "lkmm"}
# What herd7 says when it refuses such an access (7.58's words).
HERD_REFUSALS = ("Non symbolic location", "Non-symbolic memory access", "mixed-size test rejected")


def model_of(path: Path) -> str:
    """The model for the file's herd architecture (its first word)."""
    return MODELS[path.read_text().split(maxsplit=1)[0]]


def error_position(path: Path) -> str:
    """The `Error=LINE:COL` the file carries."""
    match = re.search(r"^Error=(\d+:\d+)$", path.read_text(), re.M)
    assert match, f"{path.name} lacks an Error= line"
    return match.group(1)


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_an_access_off_every_location_is_an_error_at_the_instruction(path: Path) -> None:
    result = CliRunner().invoke(
        main, ["check", "--no-cache", "-j", "1", "--model", model_of(path), str(path)]
    )
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "Traceback" not in result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:{error_position(path)}: error: this access's address ")
    assert first.endswith("is not a declared location")


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_herd7_refuses_the_same_files(path: Path) -> None:
    answer = run_herd7(path, model_of(path))
    assert answer is not None, "herd7 timed out"
    assert answer.observation is None, answer.text
    assert any(refusal in answer.text for refusal in HERD_REFUSALS), answer.text


def test_the_error_names_a_computed_address_as_herd7_does() -> None:
    result = CliRunner().invoke(
        main, ["check", "--no-cache", "-j", "1", str(DATA / "computed-address.litmus")]
    )
    assert "address x+8 is not a declared location" in result.stderr


def test_a_ring_index_known_when_read_and_off_the_array_is_an_error_too() -> None:
    path = DATA.parent / "bounds" / "constant-out-of-bounds.litmus"
    result = CliRunner().invoke(main, ["check", "--no-cache", "-j", "1", str(path)])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert result.stderr.startswith(
        f"{path}:9:3: error: this access's address ring+16 is not a declared location"
    )
