"""process.py: the settings a ringlitmus process runs with."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from ringlitmus import process


def test_the_program_runs_its_command_with_the_collector_off() -> None:
    program = (
        "import gc, ringlitmus.cli as cli\n"
        "cli.main = lambda **_: print(gc.isenabled())\n"
        "cli.run()\n"
    )
    completed = subprocess.run(
        [sys.executable, "-P", "-c", program], capture_output=True, text=True, check=True
    )
    assert completed.stdout.split() == ["False"]


class Cycle:
    """An object that refers to itself: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_with_the_collector_off_garbage_is_collected_between_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(process, "COLLECT_BETWEEN_FILES_AFTER", 1_000)
    gc.collect()
    gc.disable()
    try:
        for _ in range(2_000):
            Cycle()
        assert any(isinstance(thing, Cycle) for thing in gc.get_objects())
        process.collect_between_files()
        assert not any(isinstance(thing, Cycle) for thing in gc.get_objects())
    finally:
        gc.enable()


def test_with_the_collector_on_nothing_is_collected_between_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(process, "COLLECT_BETWEEN_FILES_AFTER", 0)
    collections = gc.get_stats()[2]["collections"]
    process.collect_between_files()
    assert gc.isenabled() and gc.get_stats()[2]["collections"] == collections


def test_the_program_does_not_import_regex_for_lark() -> None:
    seed = Path(__file__).resolve().parents[1] / "litmus" / "kvm-dirty-ring" / "seed.litmus"
    program = [sys.executable, "-P", "-X", "importtime", "-m", "ringlitmus"]
    completed = subprocess.run(
        [*program, "check", "--no-cache", "-q", str(seed)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines()}
    assert "lark" in imported
    # importtime lists the blocked attempt as `regex`; the module itself would bring its parts.
    assert not [name for name in imported if name.startswith("regex.")]
