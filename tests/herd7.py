"""Run herd7 itself (the reference simulator) on litmus text, for differential tests.

The binary is named by $RINGLITMUS_HERD7 (`.ci/run` points it at ../shared/tools/herd7/herd7).
Under CI (CI=true) a test that needs herd7 fails when it is missing; elsewhere it is skipped with
a message saying how to enable it.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERD7_VARIABLE = "RINGLITMUS_HERD7"
CATALOGUE_VARIABLE = "RINGLITMUS_HERD_CATALOGUE"

_TEST = re.compile(r"^Test (\S+) (Allowed|Forbidden|Required)$", re.MULTILINE)
_STATES = re.compile(r"^States (\d+)$", re.MULTILINE)
_OBSERVATION = re.compile(r"^Observation (\S+) (Never|Sometimes|Always) (\d+) (\d+)$", re.MULTILINE)
_CONDITION = re.compile(r"^Condition (.*)$", re.MULTILINE)
_VALIDATION = re.compile(r"^(Ok|No)$", re.MULTILINE)
_FLAG = re.compile(r"^Flag (\S+)$", re.MULTILINE)
# herd numbers the symbols of the values it leaves unsolved (`0:r0=S8;`); we print them `S`.
_UNSOLVED = re.compile(r"=S\d+;")


def herd7_path() -> Path | None:
    """The herd7 binary the environment names, if any."""
    value = os.environ.get(HERD7_VARIABLE)
    return Path(value) if value else None


def require_herd7() -> Path:
    """herd7's path, or skip (fail under CI) when it is not configured."""
    path = herd7_path()
    if path is not None and path.exists():
        return path
    message = f"set {HERD7_VARIABLE} to ../shared/tools/herd7/herd7"
    if os.environ.get("CI") == "true":
        pytest.fail(f"herd7 is mandatory under CI: {message}")
    pytest.skip(message)


def model_arguments(model: str) -> list[str]:
    """herd7's options for one of our model names (the shared herd7 README's commands)."""
    if model == "lkmm":
        catalogue = os.environ.get(CATALOGUE_VARIABLE)
        if catalogue is None:
            pytest.skip(
                f"set {CATALOGUE_VARIABLE} to ../shared/herd-catalogue for LKMM's cat files"
            )
        linux = Path(catalogue) / "linux"
        return ["-I", str(linux / "cats"), "-conf", str(linux / "cfgs" / "linux-kernel.cfg")]
    if model == "riscv":
        return ["-model", "riscv.cat"]
    # armv8 (AArch64 tests) and tso (X86 tests) are herd7's defaults for those architectures.
    return []


@dataclass(frozen=True)
class HerdAnswer:
    """What herd7 printed for one test; `observation` is None when herd7 refused the test."""

    name: str
    kind: str | None
    observation: str | None
    states: frozenset[str]
    validation: str | None
    condition: str | None
    positive: int | None
    negative: int | None
    flags: tuple[str, ...] = field(default=())
    text: str = ""


def parse_herd_output(text: str) -> HerdAnswer:
    """One test's block of herd7 output, read into its fields (final states as a set)."""
    test = _TEST.search(text)
    observation = _OBSERVATION.search(text)
    states_match = _STATES.search(text)
    states: set[str] = set()
    if states_match is not None:
        count = int(states_match.group(1))
        lines = text[states_match.end() :].lstrip("\n").splitlines()[:count]
        states = {_UNSOLVED.sub("=S;", " ".join(line.split())) for line in lines}
    validation = _VALIDATION.search(text)
    condition = _CONDITION.search(text)
    return HerdAnswer(
        name=test.group(1) if test else "",
        kind=test.group(2) if test else None,
        observation=observation.group(2) if observation else None,
        states=frozenset(states),
        validation=validation.group(1) if validation else None,
        condition=condition.group(1) if condition else None,
        positive=int(observation.group(3)) if observation else None,
        negative=int(observation.group(4)) if observation else None,
        flags=tuple(_FLAG.findall(text)),
        text=text,
    )


def run_herd7(path: Path, model: str, timeout: float = 60.0) -> HerdAnswer | None:
    """herd7's answer for one file, or None when it did not finish within `timeout` seconds."""
    herd7 = require_herd7()
    command = [str(herd7), *model_arguments(model), str(path)]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return None
    return parse_herd_output(completed.stdout + completed.stderr)
