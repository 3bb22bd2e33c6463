"""Checking many files (batch.py and `ringlitmus check PATH...`): order, jobs, summary,
Ctrl-C, JUnit, and the pre-commit hook.

The mixed batch is deterministic: the good and the failing files are checked once to fill the
cache, then the batch runs with `--rlimit 1`, which leaves only the file the cache has never
seen unknown (a stored proof holds whatever the limit).
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from junitparser import JUnitXml

from ringlitmus.batch import BatchOptions, check_in_order, expand_paths
from ringlitmus.cli import ExitCode, main
from ringlitmus.reports import FileReport

ROOT = Path(__file__).parents[1]
DATA = Path(__file__).parent / "data" / "cli"
SUMMARY = re.compile(
    r"^(?P<files>\d+) files?, (?P<outcomes>\d+) outcomes?, (?P<ok>\d+) ok, (?P<failed>\d+) "
    r"failed, (?P<unknown>\d+) unknown, (?P<errors>\d+) errors? in \d+\.\d s$",
    re.M,
)


def run(*arguments: str | Path) -> Result:
    return CliRunner().invoke(main, [str(argument) for argument in arguments])


@pytest.fixture
def mixed(tmp_path: Path) -> list[Path]:
    """good (passes), failing (a claim fails), unknown (ring, two variants), broken (syntax)."""
    names = {
        "good.litmus": "mp-expected-allowed.litmus",
        "failing.litmus": "mp-expected-forbidden.litmus",
        "unknown.litmus": "ring-mp.litmus",
        "broken.litmus": "bad/truncated.litmus",
    }
    files = []
    for name, source in names.items():
        shutil.copy(DATA / source, tmp_path / name)
        files.append(tmp_path / name)
    filled = run("check", "-q", "-j", "1", files[0], files[1])  # fill the cache
    assert filled.exit_code == ExitCode.FAILED
    return files


def summary(result: Result) -> dict[str, int]:
    match = SUMMARY.search(result.stdout + result.stderr)
    assert match, result.output
    return {key: int(value) for key, value in match.groupdict().items()}


def untimed(document: dict[str, Any]) -> dict[str, Any]:
    for entry in document["results"]:
        for variant in entry["variants"]:
            variant["time_s"] = 0
    return document


# --------------------------------------------------------------------------- paths and order


def test_paths_keep_argument_order_sort_directories_and_skip_preludes(tmp_path: Path) -> None:
    for name in ("b.litmus", "a.litmus", "sub/c.litmus", "sub/lib.prelude", "notes.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("")
    z = tmp_path / "z.litmus"
    z.write_text("")
    expanded = expand_paths([str(z), str(tmp_path), str(tmp_path / "sub" / "lib.prelude")])
    names = [Path(path).relative_to(tmp_path).as_posix() for path in expanded]
    assert names == ["z.litmus", "a.litmus", "b.litmus", "sub/c.litmus"]


def test_only_preludes_is_a_usage_error(tmp_path: Path) -> None:
    prelude = tmp_path / "lib.prelude"
    prelude.write_text("const A = 1\n")
    result = run("check", prelude)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "nothing to check" in result.stderr


# --------------------------------------------------------------------------- the mixed batch


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_mixed_batch_counts_everything_and_takes_the_worst_code(
    mixed: list[Path], jobs: str
) -> None:
    result = run("check", "-j", jobs, "--rlimit", "1", *mixed)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert summary(result) == {
        "files": 4, "outcomes": 4, "ok": 1, "failed": 1, "unknown": 2, "errors": 1,
    }  # fmt: skip
    assert result.stdout.rstrip().splitlines()[-1] == SUMMARY.search(result.stdout)[0]
    assert "broken.litmus:8:" in result.stderr and "Traceback" not in result.output
    order = [
        Path(line.split()[1].rstrip(":")).name
        for line in result.stdout.splitlines()
        if line.startswith(("PASSED", "FAILED", "UNKNOWN"))
    ]
    assert order == ["good.litmus", "failing.litmus", "unknown.litmus"]


def test_exit_code_without_the_broken_file_is_failed_then_unknown(mixed: list[Path]) -> None:
    good, failing, unknown, _ = mixed
    limited = ("check", "-q", "-j", "1", "--rlimit", "1")
    assert run(*limited, good, failing, unknown).exit_code == ExitCode.FAILED
    assert run(*limited, good, unknown).exit_code == ExitCode.UNKNOWN
    assert run(*limited, good).exit_code == ExitCode.OK


def test_one_and_two_jobs_give_the_same_json(mixed: list[Path], tmp_path: Path) -> None:
    directory = tmp_path  # the four files, in a directory: sorted by path
    one = run("check", "--json", "-j", "1", "--rlimit", "1", directory)
    two = run("check", "--json", "-j", "2", "--rlimit", "1", directory)
    assert one.exit_code == two.exit_code == ExitCode.BAD_INPUT
    first, second = json.loads(one.stdout), json.loads(two.stdout)
    assert untimed(first) == untimed(second)
    assert [Path(entry["file"]).name for entry in first["results"]] == [
        "broken.litmus", "failing.litmus", "good.litmus", "unknown.litmus",
    ]  # fmt: skip
    assert summary(one)["files"] == 4  # on stderr with --json


def test_quiet_prints_no_summary(mixed: list[Path]) -> None:
    result = run("check", "-q", "-j", "1", mixed[0], mixed[1])
    assert result.stdout == ""
    assert not SUMMARY.search(result.stderr)


def test_no_progress_bar_when_not_a_terminal(mixed: list[Path]) -> None:
    result = run("check", "-j", "2", *mixed[:2])
    assert "checking" not in result.output
    assert "2/2" not in result.output


# --------------------------------------------------------------------------- Ctrl-C


def test_ctrl_c_in_process_prints_a_partial_summary(
    mixed: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ringlitmus import batch

    real = batch.check_file
    seen: list[str] = []

    def interrupted_on_the_second(path: str, options: BatchOptions) -> FileReport:
        seen.append(path)
        if len(seen) == 2:
            raise KeyboardInterrupt
        return real(path, options)

    monkeypatch.setattr(batch, "check_file", interrupted_on_the_second)
    result = run("check", "-j", "1", *mixed)
    assert result.exit_code == ExitCode.INTERRUPTED
    assert summary(result)["files"] == 1
    assert "interrupted after 1 of 4 files" in result.stderr
    assert "Traceback" not in result.output


def test_ctrl_c_with_workers_stops_them_and_keeps_what_is_done(mixed: list[Path]) -> None:
    shown: list[str] = []

    def interrupt(_: str) -> None:
        raise KeyboardInterrupt

    paths = [str(path) for path in mixed]
    reports, interrupted = check_in_order(
        paths, BatchOptions(), 2, lambda report: shown.append(report.file), interrupt
    )
    assert interrupted
    assert len(reports) == 1 and shown == [reports[0].file]


# --------------------------------------------------------------------------- JUnit


def test_junit_file_parses_and_counts(mixed: list[Path], tmp_path: Path) -> None:
    report = tmp_path / "out" / "junit.xml"
    result = run("check", "-q", "-j", "1", "--rlimit", "1", "--junit", report, *mixed)
    assert result.exit_code == ExitCode.BAD_INPUT
    xml = JUnitXml.fromfile(str(report))
    suites = {Path(suite.name).name: suite for suite in xml}
    assert list(suites) == ["good.litmus", "failing.litmus", "unknown.litmus", "broken.litmus"]
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (5, 1, 1, 2)
    [failed] = list(suites["failing.litmus"])
    [failure] = failed.result
    assert "expected unreachable" in failure.message
    assert "final state: 1:X0=1 1:X2=0" in failure.text
    [broken] = list(suites["broken.litmus"])
    [error] = broken.result
    assert re.match(r".*broken\.litmus:8:\d+: ", error.message)


def test_junit_never_overwrites_an_input(mixed: list[Path]) -> None:
    good = mixed[0]
    before = good.read_bytes()
    result = run("check", "--junit", good, good)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert good.read_bytes() == before
    directory = good.parent
    inside = run("check", "--junit", good, directory)
    assert inside.exit_code == ExitCode.BAD_INPUT
    assert "will not be overwritten" in inside.stderr
    assert good.read_bytes() == before


# --------------------------------------------------------------------------- pre-commit


def test_pre_commit_hook_entry_runs_as_pre_commit_would(mixed: list[Path], tmp_path: Path) -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "ringlitmus-check" and hook["require_serial"] is True
    assert re.search(hook["files"], "litmus/mp.litmus")
    assert not re.search(hook["files"], "litmus/ring.prelude")
    entry = shlex.split(hook["entry"])
    assert entry[:2] == ["ringlitmus", "check"]
    command = [sys.executable, "-P", "-m", "ringlitmus", *entry[1:], "-j", "1"]
    good, failing, _, broken = mixed
    passing = subprocess.run([*command, good.name], cwd=tmp_path, capture_output=True, text=True)
    assert passing.returncode == 0, passing.stderr
    junit = tmp_path / ".ringlitmus-junit.xml"
    assert JUnitXml.fromfile(str(junit)).tests == 1
    failed = subprocess.run(
        [*command, good.name, failing.name, broken.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert failed.returncode == ExitCode.BAD_INPUT
    assert "broken.litmus:8:" in failed.stderr
    assert JUnitXml.fromfile(str(junit)).tests == 3


def test_unwritable_junit_file_is_bad_input_not_a_crash(mixed: list[Path], tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a directory")
    result = run("check", "-q", "-j", "1", "--junit", blocker / "junit.xml", mixed[0])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "cannot write --junit" in result.stderr and "Traceback" not in result.output
