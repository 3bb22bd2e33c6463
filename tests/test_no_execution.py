"""A variant without any execution is never a pass: "no execution exists", exit 2, everywhere.

The files in tests/data/no-execution have a filter no execution satisfies. herd7 answers them
over zero states (and validates a `forall` or `~exists` vacuously); every report path of ours
says "no execution exists" and the run exits 2, with or without the result cache.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from herd7 import run_herd7

from ringlitmus import ir, outcomes
from ringlitmus.cli import ExitCode, main
from ringlitmus.encode.solver import Decision, Verdict
from ringlitmus.outcomes import NO_EXECUTION, OutcomeResult

DATA = Path(__file__).resolve().parent / "data" / "no-execution"
FILES = sorted(DATA.glob("*.litmus"))
IDS = [path.name for path in FILES]
MODELS = {"AArch64": "armv8", "X86": "tso", "C": "lkmm"}


def model_of(path: Path) -> str:
    """The model for the file's herd architecture (its first word)."""
    return MODELS[path.read_text().split(maxsplit=1)[0]]


def check(path: Path, *options: str, env: dict[str, str] | None = None) -> Result:
    """`ringlitmus check --model M OPTIONS PATH`, in-process, one job."""
    arguments = ["check", "-j", "1", "--model", model_of(path), *options, str(path)]
    return CliRunner(env=env).invoke(main, arguments)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_herd7_finds_no_state_either(path: Path) -> None:
    answer = run_herd7(path, model_of(path))
    assert answer is not None, "herd7 timed out"
    assert answer.observation == "Never", answer.text
    assert answer.states == frozenset() and (answer.positive, answer.negative) == (0, 0)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_the_table_says_no_execution_and_exits_2(path: Path) -> None:
    result = check(path, "--no-cache")
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "no execution ✗" in result.stdout
    assert f"{NO_EXECUTION}: the program and its filter admit no execution" in result.stdout
    assert "unreachable" not in result.stdout and "holds" not in result.stdout
    assert result.stdout.splitlines()[-2].startswith("ERROR ")


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_states_list_no_state_and_claim_nothing(path: Path) -> None:
    result = check(path, "--no-cache", "--states")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "reachable final states" not in result.stdout
    assert NO_EXECUTION in result.stdout


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_json_marks_the_variant_and_judges_nothing(path: Path) -> None:
    result = check(path, "--no-cache", "--json")
    assert result.exit_code == ExitCode.BAD_INPUT
    (variant,) = json.loads(result.stdout)["results"][0]["variants"]
    assert variant["no_execution"] is True
    for outcome in variant["outcomes"]:
        assert (outcome["status"], outcome["ok"]) == ("unknown", None)
        assert outcome["reason"].startswith(NO_EXECUTION)
    assert variant["herd"]["validation"] == "Unknown"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_herd_format_gives_no_verdict(path: Path) -> None:
    result = check(path, "--no-cache", "--format", "herd")
    assert result.exit_code == ExitCode.BAD_INPUT
    lines = result.stdout.splitlines()
    assert "Ok" not in lines and "No" not in lines
    assert any(line.startswith("Observation ") and line.endswith(" Unknown") for line in lines)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_junit_reports_an_error(path: Path, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = check(path, "--no-cache", "--junit", str(junit))
    assert result.exit_code == ExitCode.BAD_INPUT
    (case,) = ElementTree.parse(junit).getroot().iter("testcase")
    error = case.find("error")
    assert error is not None and error.get("type") == "NoExecution"
    assert (case.find("skipped"), case.find("failure")) == (None, None)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_the_cache_never_turns_it_into_a_pass(path: Path, tmp_path: Path) -> None:
    env = {"RINGLITMUS_CACHE_DIR": str(tmp_path)}
    first, second = check(path, env=env), check(path, env=env)
    assert first.exit_code == second.exit_code == ExitCode.BAD_INPUT
    assert NO_EXECUTION in first.stdout and NO_EXECUTION in second.stdout
    assert not list(tmp_path.rglob("*.json"))  # nothing stored for a later run to trust


def test_a_filter_that_keeps_executions_still_gives_verdicts(tmp_path: Path) -> None:
    text = (
        (DATA / "MP+filter-none.litmus").read_text().replace("filter (1:X0=5)", "filter (1:X0=1)")
    )
    kept = tmp_path / "MP+filter-one.litmus"
    kept.write_text(text)
    result = check(kept, "--no-cache")
    assert result.exit_code == ExitCode.OK, result.output
    assert "unreachable ✓" in result.stdout


def test_when_existence_cannot_be_decided_unreachable_becomes_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unreachable = OutcomeResult("P", ir.OutcomeKind.FORBIDDEN, Verdict.UNREACHABLE, None, True)
    reachable = OutcomeResult("Q", ir.OutcomeKind.ALLOWED, Verdict.REACHABLE, None, True)
    monkeypatch.setattr(
        outcomes, "decide", lambda _, **__: Decision(Verdict.UNKNOWN, reason="timeout")
    )
    results, empty = outcomes._require_executions((unreachable, reachable), None, None, False)
    assert not empty
    assert results[0].status is Verdict.UNKNOWN and results[0].ok is None
    assert results[0].reason == "could not check that any execution exists: timeout"
    assert results[1] == reachable


def test_no_state_found_asks_whether_any_execution_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    allowed = OutcomeResult("Q", ir.OutcomeKind.ALLOWED, Verdict.UNKNOWN, None, None)
    monkeypatch.setattr(outcomes, "decide", lambda _, **__: Decision(Verdict.UNREACHABLE))
    results, empty = outcomes._require_executions((allowed,), None, (), True)
    assert empty and results[0].reason is not None
    assert results[0].reason.startswith(f"{NO_EXECUTION}: the program and its filter admit")
