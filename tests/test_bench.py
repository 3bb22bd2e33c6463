"""bench/run.py runs from the README's command and writes its results (fastest cases only)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmark_measures_and_writes_its_table(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--runs", "2", "--only", "floor"]
    completed = subprocess.run(
        [*command, "--output", str(output)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(output.read_text())
    by_name = {result["name"]: result for result in report["results"]}
    assert set(by_name) == {"python (floor)", "import z3 (floor)", "--help"}
    for result in by_name.values():
        assert result["runs"] == 2
        assert result["exit_codes"] == [0, 0]
        assert result["wall_s"] > 0 and result["peak_rss_mib"] > 0
    assert by_name["--help"]["target_s"] == 0.15
    assert by_name["python (floor)"]["floors"] == 1.0
    assert by_name["--help"]["floors"] > 0
    assert "--help" in completed.stdout
