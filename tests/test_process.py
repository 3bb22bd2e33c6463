"""process.py: the settings a ringlitmus process runs with."""

from __future__ import annotations

import gc
import subprocess
import sys

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
