"""process.py: the settings a ringlitmus process runs with."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from ringlitmus.process import YOUNG_GENERATION_THRESHOLD, tune_garbage_collector


def test_the_collector_looks_at_young_objects_less_often() -> None:
    before = gc.get_threshold()
    try:
        tune_garbage_collector()
        assert gc.get_threshold() == (YOUNG_GENERATION_THRESHOLD, *before[1:])
    finally:
        gc.set_threshold(*before)


def test_the_program_runs_its_command_with_the_tuned_collector() -> None:
    program = (
        "import gc, ringlitmus.cli as cli\n"
        "cli.main = lambda **_: print(gc.get_threshold()[0])\n"
        "cli.run()\n"
    )
    completed = subprocess.run(
        [sys.executable, "-P", "-c", program], capture_output=True, text=True, check=True
    )
    assert completed.stdout.split() == [str(YOUNG_GENERATION_THRESHOLD)]


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
