"""`--format herd` prints herd7's lines: every supported test of herd's catalogues, ours
against herd7's own output, line for line (reports/herd.py, reports/herd_states.py).

The linux folder carries herd7's output beside each test (`X.litmus.expected`); the AArch64 and
X86 folders are run through herd7 itself, once per folder and session, and so are our own
tests/data/herd-lines (the catalogues hold no `~exists` test). Compared: the Test
line, the final states (as sets of lines), Ok/No, the Condition line and the Observation
line's name and kind. Not compared: herd's execution counts (Witnesses, and the two numbers
after the Observation kind), which we replace by counts of final states.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from herd7 import CATALOGUE_VARIABLE, model_arguments, require_herd7, run_herd7

from ringlitmus import ir
from ringlitmus.errors import UnsupportedInstructionError
from ringlitmus.frontends import parse_file
from ringlitmus.outcomes import CheckOptions, check_test
from ringlitmus.reports import FileReport
from ringlitmus.reports.herd import render_herd

# Each folder and the model herd7 decides it under (the catalogue's README).
HERD7_FOLDERS = {"aarch64": "armv8", "aarch64-pick": "armv8", "aarch64-cas": "armv8", "x86": "tso"}
LINUX_FOLDER = "linux"
# Our own herd-format tests, each run through herd7 under the model its format needs.
OWN_FOLDER = Path(__file__).parent.parent / "data" / "herd-lines"
OWN_MODELS = {ir.Format.AARCH64: "armv8", ir.Format.X86: "tso", ir.Format.C: "lkmm"}
# herd7 enumerates executions; a whole folder takes seconds, give it room on a loaded machine.
HERD7_TIMEOUT_S = 600.0

_MISSING = f"set {CATALOGUE_VARIABLE} to ../shared/herd-catalogue"
_BLOCK_START = re.compile(r"^Test \S+ \S+$", re.MULTILINE)


def compared_files() -> list[object]:
    """(folder, path) for every test of the compared folders."""
    own = [
        pytest.param(OWN_FOLDER.name, path, id=f"{OWN_FOLDER.name}/{path.name}")
        for path in sorted(OWN_FOLDER.glob("*.litmus"))
    ]
    value = os.environ.get(CATALOGUE_VARIABLE)
    if value is None:
        # Under CI the one case runs, and fails: the catalogue is mandatory there.
        marks = [] if os.environ.get("CI") == "true" else [pytest.mark.skip(reason=_MISSING)]
        return [*own, pytest.param(None, None, marks=marks, id="catalogue-not-configured")]
    root = Path(value)
    return own + [
        pytest.param(folder, path, id=f"{folder}/{path.name}")
        for folder in [*HERD7_FOLDERS, LINUX_FOLDER]
        for path in sorted((root / folder / "tests").glob("*.litmus"))
    ]


def herd_blocks(text: str) -> dict[str, str]:
    """herd7's output for many tests, split into one block per test, by test name."""
    starts = [match.start() for match in _BLOCK_START.finditer(text)]
    blocks: dict[str, str] = {}
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        block = text[start:end]
        name = block.split(maxsplit=2)[1]
        assert name not in blocks, f"two tests named {name}"
        blocks[name] = block
    return blocks


@pytest.fixture(scope="session")
def herd7_runs() -> dict[str, dict[str, str]]:
    """herd7's output block of each test, by folder then test name: each folder is run once."""
    return {}


def herd7_block(
    runs: dict[str, dict[str, str]], folder: str, path: Path, test: ir.Test, model: str
) -> str:
    """herd7's output for `test` (read from `path`), running herd7 on its folder once."""
    if folder == LINUX_FOLDER:
        return Path(f"{path}.expected").read_text()
    if folder == OWN_FOLDER.name:
        answer = run_herd7(path, model, timeout=HERD7_TIMEOUT_S)
        assert answer is not None, f"herd7 took more than {HERD7_TIMEOUT_S} s on {path}"
        return answer.text
    if folder not in runs:
        herd7 = require_herd7()
        paths = sorted(path.parent.glob("*.litmus"))
        command = [str(herd7), *model_arguments(HERD7_FOLDERS[folder]), *map(str, paths)]
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=HERD7_TIMEOUT_S, check=False
        )
        runs[folder] = herd_blocks(completed.stdout)
    block = runs[folder].get(test.name.removesuffix(".litmus"))
    assert block is not None, f"herd7 gave no answer for {path}"
    return block


def compared_lines(block: str) -> dict[str, object]:
    """The lines of one test's block that must be herd7's, final states as a set."""
    lines = block.splitlines()
    count_at = next(index for index, line in enumerate(lines) if line.startswith("States "))
    count = int(lines[count_at].split()[1])
    observation = next(line for line in lines if line.startswith("Observation "))
    return {
        "test": lines[0],
        "states": lines[count_at],
        "final states": set(lines[count_at + 1 : count_at + 1 + count]),
        "validation": lines[count_at + 1 + count],
        "condition": next(line for line in lines if line.startswith("Condition ")),
        "observation": " ".join(observation.split()[:3]),
    }


@pytest.mark.parametrize(("folder", "path"), compared_files())
def test_herd_format_prints_herd7_lines(
    folder: str | None, path: Path | None, herd7_runs: dict[str, dict[str, str]]
) -> None:
    if folder is None or path is None:
        pytest.fail(f"the herd catalogue is mandatory under CI: {_MISSING}")
    try:
        test = parse_file(str(path))
    except UnsupportedInstructionError as error:
        pytest.skip(f"unsupported: {error.message}")
    model = HERD7_FOLDERS.get(folder) or OWN_MODELS[test.format]
    result = check_test(test, CheckOptions(model=model, states=True, observation=True))
    (variant,) = result.variants
    assert variant.states_complete, path
    ours = render_herd(FileReport(str(path), result=result, test=test))
    herd = herd7_block(herd7_runs, folder, path, test, model)
    assert compared_lines(ours) == compared_lines(herd)
