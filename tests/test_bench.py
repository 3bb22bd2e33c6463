"""bench/run.py runs from the README's command and writes its results (fastest cases only)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

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


def _bench_module() -> ModuleType:
    specification = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert specification is not None and specification.loader is not None
    module = importlib.util.module_from_spec(specification)
    sys.modules["bench_run"] = module  # dataclasses look their module up while being made
    specification.loader.exec_module(module)
    return module


def test_the_lkmm_group_times_herd7_on_the_same_files_and_holds_ringlitmus_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench = _bench_module()
    linux = tmp_path / "linux"
    (linux / "tests").mkdir(parents=True)
    for name in ("b.litmus", "a.litmus"):
        (linux / "tests" / name).write_text("C x\n")
    monkeypatch.setattr(bench, "HERD7", "/opt/herd7")
    found = {case.name: case.command for case in bench.lkmm_cases(linux)}
    assert set(found) == {
        "lkmm catalogue, table",
        "lkmm catalogue, herd",
        "lkmm catalogue, herd7",
    }
    assert found["lkmm catalogue, herd"][-4:] == ["lkmm", "--format", "herd", str(linux / "tests")]
    assert "-j" in found["lkmm catalogue, table"] and "--no-cache" in found["lkmm catalogue, table"]
    herd7 = found["lkmm catalogue, herd7"]
    assert herd7[0] == "/opt/herd7" and herd7[-2:] == [
        str(linux / "tests" / "a.litmus"),
        str(linux / "tests" / "b.litmus"),
    ]
    monkeypatch.setattr(bench, "HERD7", None)
    assert "lkmm catalogue, herd7" not in {case.name for case in bench.lkmm_cases(linux)}

    def measured(name: str, wall_s: float, cpu_s: float) -> object:
        return bench.Measurement(name, "", 1, wall_s, 1.0, cpu_s=cpu_s)

    results = [
        measured("lkmm catalogue, table", 1.0, 0.9),
        measured("lkmm catalogue, herd", 1.0, 1.2),
        measured("lkmm catalogue, herd7", 1.5, 1.0),
        measured("seed, table", 9.0, 9.0),
    ]
    bench.against_herd7(results)
    assert [result.met for result in results] == [True, False, None, None]
    assert results[0].target_s == 1.5
