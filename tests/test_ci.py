"""CI integration: GitHub Actions annotations, `--shard K/N`, the pre-commit hook as pre-commit
itself runs it, and the default `-j` choosing workers only when they pay."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ringlitmus import batch
from ringlitmus.batch import BatchOptions, check_in_order
from ringlitmus.cli import ExitCode, main
from ringlitmus.cli.check import Shard
from ringlitmus.reports.github import escape_data, escape_property

ROOT = Path(__file__).parents[1]
DATA = Path(__file__).parent / "data" / "cli"
ANNOTATION = re.compile(r"^::(?P<level>error|warning) (?P<properties>[^:]*)::(?P<message>.*)$")


def run(*arguments: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(argument) for argument in arguments], env=env)


def annotations(text: str) -> list[dict[str, str]]:
    """Each workflow command line of `text` as its level, properties and message."""
    found = []
    for line in text.splitlines():
        match = ANNOTATION.match(line)
        if match:
            pairs = dict(item.split("=", 1) for item in match["properties"].split(","))
            found.append({"level": match["level"], "message": match["message"], **pairs})
    return found


def line_of(path: Path, pattern: str) -> int:
    """The 1-based line of `path` that `pattern` starts (the file says where its outcome is)."""
    lines = path.read_text().splitlines()
    return next(number for number, text in enumerate(lines, 1) if re.match(pattern, text))


@pytest.fixture
def mixed(tmp_path: Path) -> list[Path]:
    """good, failing (a claim fails), unknown (two variants, undecided under --rlimit 1 with
    an empty cache), broken (a syntax error)."""
    names = {
        "good.litmus": "mp-expected-allowed.litmus",
        "failing.litmus": "mp-expected-forbidden.litmus",
        "unknown.litmus": "ring-mp.litmus",
        "broken.litmus": "bad/truncated.litmus",
    }
    for name, source in names.items():
        shutil.copy(DATA / source, tmp_path / name)
    filled = run("check", "-q", "-j", "1", tmp_path / "good.litmus", tmp_path / "failing.litmus")
    assert filled.exit_code == ExitCode.FAILED
    return [tmp_path / name for name in names]


# --------------------------------------------------------------------------- annotations


def test_github_format_annotates_each_failed_unknown_and_broken_result_on_its_line(
    mixed: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    names = [path.name for path in mixed]
    result = run("check", "--format", "github", "-j", "1", "--rlimit", "1", *names)
    assert result.exit_code == ExitCode.BAD_INPUT
    found = annotations(result.stdout)
    by_file: dict[str, list[dict[str, str]]] = {}
    for annotation in found:
        by_file.setdefault(annotation["file"], []).append(annotation)
    assert "good.litmus" not in by_file  # a result that holds needs no look
    [failed] = by_file["failing.litmus"]
    assert failed["level"] == "error"
    assert failed["line"] == str(line_of(tmp_path / "failing.litmus", r"exists"))
    assert "expected" in failed["message"] and "%0Afinal state: " in failed["message"]
    unknown = by_file["unknown.litmus"]
    assert {a["level"] for a in unknown} == {"warning"} and len(unknown) == 2
    assert {a["line"] for a in unknown} == {
        str(line_of(tmp_path / "unknown.litmus", r"forbidden stale"))
    }
    assert all(a["message"].startswith("unknown: ") for a in unknown)
    assert {a["title"] for a in unknown} == {
        "ringlitmus%3A stale [plain]",
        "ringlitmus%3A stale [rel_acq]",
    }
    [broken] = by_file["broken.litmus"]
    header = re.search(r"broken\.litmus:(\d+):(\d+): error:", result.stderr)
    assert header and broken["level"] == "error"
    assert (broken["line"], broken["col"]) == header.groups()


def test_under_github_actions_annotations_go_to_stderr_and_stdout_stays_json(
    mixed: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    arguments = ("check", "--json", "-j", "1", "good.litmus", "failing.litmus")
    plain = run(*arguments)
    assert annotations(plain.stdout + plain.stderr) == []
    actions = run(*arguments, env={"GITHUB_ACTIONS": "true"})
    assert actions.exit_code == ExitCode.FAILED
    assert json.loads(actions.stdout)["results"][1]["file"] == "failing.litmus"
    [failed] = annotations(actions.stderr)
    assert failed["file"] == "failing.litmus" and failed["level"] == "error"


def test_annotation_text_is_escaped_as_githubs_toolkit_does() -> None:
    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("dir,1/a:b%\n.litmus") == "dir%2C1/a%3Ab%25%0A.litmus"


# --------------------------------------------------------------------------- shards


def test_shards_cover_every_file_exactly_once_and_evenly() -> None:
    paths = [f"litmus/{index:02}.litmus" for index in range(11)]
    for count in (1, 2, 3, 4, 11, 13):
        parts = [Shard(index, count).select(paths) for index in range(1, count + 1)]
        assert sorted(path for part in parts for path in part) == paths
        sizes = [len(part) for part in parts]
        assert max(sizes) - min(sizes) <= 1


def test_shard_option_checks_its_part_of_a_directory(tmp_path: Path) -> None:
    for index in range(5):
        shutil.copy(DATA / "mp-expected-allowed.litmus", tmp_path / f"t{index}.litmus")
    seen: list[str] = []
    for index in (1, 2, 3):
        result = run("check", "--json", "-j", "1", "--shard", f"{index}/3", tmp_path)
        assert result.exit_code == ExitCode.OK, result.output
        seen += [entry["file"] for entry in json.loads(result.stdout)["results"]]
    assert sorted(seen) == sorted(str(path) for path in tmp_path.glob("*.litmus"))


@pytest.mark.parametrize("shard", ["0/2", "3/2", "1/0", "a/2", "2", "1/2/3", "-1/2"])
def test_a_bad_shard_is_a_usage_error(shard: str) -> None:
    result = run("check", "--shard", shard, DATA / "mp-expected-allowed.litmus")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "--shard" in result.stderr and "Traceback" not in result.output


def test_an_empty_shard_passes_with_a_message() -> None:
    result = run("check", "--shard", "2/2", DATA / "mp-expected-allowed.litmus")
    assert result.exit_code == ExitCode.OK
    assert "shard 2/2 has no files" in result.stderr


# --------------------------------------------------------------------------- pre-commit


def pre_commit_command() -> list[str]:
    """How to run pre-commit: installed, or (for a machine without it) from $PRE_COMMIT_PATH."""
    extra = os.environ.get("PRE_COMMIT_PATH")
    probe = subprocess.run(
        [sys.executable, "-m", "pre_commit", "--version"],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": extra} if extra else None,
        check=False,
    )
    if probe.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("pre-commit is not installed (it is in the [test] extra)")
        pytest.skip("pre-commit is not installed (pip install '.[test]')")
    return [sys.executable, "-m", "pre_commit"]


def git(*arguments: str, cwd: Path) -> None:
    subprocess.run(["git", *arguments], cwd=cwd, check=True, capture_output=True)


def test_pre_commit_runs_the_hook_on_a_passing_and_a_failing_file(tmp_path: Path) -> None:
    """`pre-commit try-repo` installs this repository as the hook's package (a copy, committed
    in a fresh git repository) and runs it on a project's files."""
    command = pre_commit_command()
    hooks = tmp_path / "ringlitmus"
    shutil.copytree(
        ROOT,
        hooks,
        ignore=shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", ".venv", "build"),
    )
    git("init", "-q", cwd=hooks)
    git("add", "-A", cwd=hooks)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "hooks", cwd=hooks)
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(DATA / "mp-expected-allowed.litmus", project / "good.litmus")
    shutil.copy(DATA / "mp-expected-forbidden.litmus", project / "failing.litmus")
    git("init", "-q", cwd=project)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    if os.environ.get("PRE_COMMIT_PATH"):
        env["PYTHONPATH"] = os.environ["PRE_COMMIT_PATH"]

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        arguments = [*command, "try-repo", str(hooks), "ringlitmus-check", "--files", *files]
        return subprocess.run(
            arguments, cwd=project, env=env, capture_output=True, text=True, timeout=900
        )

    passing = try_repo("good.litmus")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert re.search(r"ringlitmus check\.+Passed", passing.stdout), passing.stdout
    failing = try_repo("good.litmus", "failing.litmus")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert re.search(r"ringlitmus check\.+Failed", failing.stdout)
    assert "FAILED failing.litmus" in failing.stdout


# --------------------------------------------------------------------------- default -j


def counting_checks(monkeypatch: pytest.MonkeyPatch, seconds: float) -> list[str]:
    """Make each file 'take' `seconds` here (the first 0.4 s more: it pays for the imports,
    as measured) and record which files this process checked; workers are replaced by a
    recorder too, so no process starts."""
    here: list[str] = []
    clock = [0.0]

    def check_here(path: str, options: BatchOptions) -> object:
        clock[0] += seconds + (0.4 if not here else 0.0)
        here.append(path)
        return batch.FileReport(path)

    def in_workers(paths: list[str], options: BatchOptions, workers: int) -> object:
        for index, path in enumerate(paths):
            yield index, batch.FileReport(path, unknown=f"worker of {workers}")

    monkeypatch.setattr(batch, "check_file", check_here)
    monkeypatch.setattr(batch, "_run_in_workers", in_workers)
    monkeypatch.setattr(batch.time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(batch, "default_jobs", lambda: 2)
    return here


def test_default_jobs_keep_small_files_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    here = counting_checks(monkeypatch, 0.03)  # a small herd file, as measured
    paths = [f"{index}.litmus" for index in range(32)]
    reports, _ = check_in_order(paths, BatchOptions(), None, lambda _: None, lambda _: None)
    assert here == paths and [report.file for report in reports] == paths


def test_default_jobs_hand_long_work_to_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    here = counting_checks(monkeypatch, 1.0)
    paths = [f"{index}.litmus" for index in range(8)]
    reports, _ = check_in_order(paths, BatchOptions(), None, lambda _: None, lambda _: None)
    assert len(here) < len(paths)
    assert [report.file for report in reports] == paths
    assert reports[-1].unknown == "worker of 2"


def test_an_explicit_jobs_count_is_obeyed(monkeypatch: pytest.MonkeyPatch) -> None:
    here = counting_checks(monkeypatch, 0.03)
    paths = [f"{index}.litmus" for index in range(4)]
    reports, _ = check_in_order(paths, BatchOptions(), 2, lambda _: None, lambda _: None)
    assert here == [] and {report.unknown for report in reports} == {"worker of 2"}
