"""The `ringlitmus` command: exit codes, error rendering, JSON shape, lazy imports.

Inputs are data files in tests/data/cli: good files carry the exit code they must give on an
`ExitCode=N` line (a herd `key=value` header line, or a `# ExitCode=N` comment in the ring
DSL); every file in bad/ must be rejected with exit 2 and a `file:line:col: error:` message.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ringlitmus import __version__
from ringlitmus.cli import ExitCode, exit_code, main
from ringlitmus.cli.common import MODEL_NAMES
from ringlitmus.models import MODELS
from ringlitmus.reports import FileStatus

DATA = Path(__file__).parent / "data" / "cli"
GOOD = sorted(DATA.glob("*.litmus"))
BAD = sorted((DATA / "bad").glob("*.litmus"))
ALLOWED = DATA / "mp-expected-allowed.litmus"
FAILING = DATA / "mp-expected-forbidden.litmus"
ERROR_HEADER = re.compile(r"^(?P<file>[^\n:]+):(?P<line>\d+):(?P<column>\d+): error: .+$", re.M)


def run(*arguments: str | Path) -> Result:
    """`ringlitmus ARGUMENTS` in-process; exceptions are not swallowed by the runner."""
    return CliRunner().invoke(main, [str(argument) for argument in arguments])


def declared_exit_code(path: Path) -> int:
    """The `ExitCode=N` line a good data file carries."""
    match = re.search(r"^(?:# )?ExitCode=(\d+)$", path.read_text(), re.M)
    assert match, f"{path.name} lacks an ExitCode= line"
    return int(match.group(1))


# --------------------------------------------------------------------------- exit codes


def test_exit_codes_are_the_documented_numbers() -> None:
    assert [int(code) for code in ExitCode] == [0, 1, 2, 3, 70, 130]
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    help_text = run("--help").stdout
    for code in ExitCode:
        assert f"\n| {int(code)} | " in readme
        assert re.search(rf"^ +{int(code)} +\S", help_text, re.M), code


@pytest.mark.parametrize("path", GOOD, ids=[path.name for path in GOOD])
def test_good_file_gives_its_declared_exit_code(path: Path) -> None:
    result = run("check", path)
    assert result.exit_code == declared_exit_code(path), result.output
    assert "Traceback" not in result.output


def test_unknown_result_exits_3() -> None:
    result = run("check", "--rlimit", "1", ALLOWED)
    assert result.exit_code == ExitCode.UNKNOWN, result.output
    assert "unknown ?" in result.stdout
    assert "solver gave up" in result.stdout


def test_tiny_timeout_is_unknown_or_decided_never_an_error() -> None:
    # Wall-clock limits are not reproducible (STYLE: prefer rlimit); only the contract is checked.
    result = run("check", "--timeout", "0.001", ALLOWED)
    assert result.exit_code in (ExitCode.OK, ExitCode.UNKNOWN), result.output


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ((ALLOWED, FAILING), ExitCode.FAILED),
        ((FAILING, DATA / "bad" / "truncated.litmus"), ExitCode.BAD_INPUT),
        ((ALLOWED, ALLOWED), ExitCode.OK),
    ],
    ids=["failed-beats-ok", "error-beats-failed", "all-ok"],
)
def test_several_files_take_the_worst_code(files: tuple[Path, ...], expected: ExitCode) -> None:
    assert run("check", "-q", *files).exit_code == expected


def test_unknown_loses_to_an_error_but_beats_ok() -> None:
    # --rlimit applies to every file: files that fail whatever the limit are the bad ones.
    result = run("check", "-q", "--rlimit", "1", ALLOWED, DATA / "bad" / "ppc.litmus")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert run("check", "-q", "--rlimit", "1", ALLOWED, ALLOWED).exit_code == ExitCode.UNKNOWN


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ((), ExitCode.OK),
        ((FileStatus.PASSED, FileStatus.UNKNOWN), ExitCode.UNKNOWN),
        ((FileStatus.UNKNOWN, FileStatus.FAILED, FileStatus.PASSED), ExitCode.FAILED),
        ((FileStatus.FAILED, FileStatus.ERROR, FileStatus.UNKNOWN), ExitCode.BAD_INPUT),
    ],
)
def test_exit_code_order(statuses: tuple[FileStatus, ...], expected: ExitCode) -> None:
    assert exit_code(statuses) == expected


def test_a_bad_file_does_not_stop_the_others() -> None:
    bad = DATA / "bad" / "truncated.litmus"
    result = run("check", "--json", bad, ALLOWED)
    assert result.exit_code == ExitCode.BAD_INPUT
    results = json.loads(result.stdout)["results"]
    assert [entry["file"] for entry in results] == [str(bad), str(ALLOWED)]
    assert results[0]["error"] is not None
    assert results[1]["error"] is None and results[1]["variants"]


def test_directory_stands_for_its_litmus_files(tmp_path: Path) -> None:
    shutil.copy(ALLOWED, tmp_path / "a.litmus")
    (tmp_path / "notes.txt").write_text("not a test")
    result = run("check", "--json", tmp_path)
    assert result.exit_code == ExitCode.OK
    assert [entry["test"] for entry in json.loads(result.stdout)["results"]] == ["MP"]


def test_empty_directory_is_bad_input_not_a_file(tmp_path: Path) -> None:
    result = run("check", tmp_path)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"no litmus files under {tmp_path}" in result.stderr
    assert "1 file" not in result.stdout + result.stderr


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("path", BAD, ids=[path.name for path in BAD])
def test_bad_file_is_reported_with_location_and_caret(path: Path) -> None:
    before = path.read_bytes()
    result = run("check", path)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    header = ERROR_HEADER.match(lines[0])
    assert header, result.stderr
    assert Path(header.group("file")) == path
    gutter, caret = lines[1], lines[2]
    assert gutter.strip().startswith(f"{header.group('line')} |")
    assert caret.rstrip().endswith(("^", "~"))
    assert path.read_bytes() == before  # never written


def test_not_utf8_points_at_the_first_bad_byte() -> None:
    path = DATA / "bad" / "not-utf8.litmus"
    result = run("check", path)
    assert result.stderr.splitlines()[0] == (
        f"{path}:2:5: error: the file is not UTF-8 text: byte 0xe9 cannot be decoded"
    )


def test_other_herd_architectures_are_named() -> None:
    path = DATA / "bad" / "ppc.litmus"
    result = run("check", path)
    assert result.stderr.startswith(f"{path}:1:1: error: herd PPC litmus tests are not supported")


def test_parse_error_says_what_was_expected() -> None:
    result = run("check", DATA / "bad" / "truncated.litmus")
    assert "expected one of: " in result.stderr


def test_missing_file_is_bad_input_without_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "gone.litmus"
    result = run("check", missing)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr.startswith(f"{missing}: error: cannot read")


def test_unknown_variant_is_bad_input() -> None:
    result = run("check", "--variant", "after", ALLOWED)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "no variant 'after' in this file; it has: default" in result.stderr


@pytest.mark.parametrize(
    "arguments",
    [
        ("-D", "N"),
        ("-D", "N=x"),
        ("-D", "2N=1"),
        ("--json", "--format", "herd"),
        ("--timeout", "0"),
    ],
    ids=[
        "define-without-value",
        "define-not-integer",
        "define-bad-name",
        "json-vs-herd",
        "timeout-0",
    ],
)
def test_usage_errors_exit_2(arguments: tuple[str, ...]) -> None:
    result = run("check", *arguments, ALLOWED)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "Traceback" not in result.output


def test_internal_error_asks_for_a_report(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("encoder exploded")

    monkeypatch.setattr("ringlitmus.outcomes.check_test", broken)
    result = run("check", ALLOWED)
    assert result.exit_code == ExitCode.INTERNAL_ERROR
    assert "internal error: RuntimeError: encoder exploded" in result.stderr
    assert "please report it" in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    debug = run("check", "--debug", ALLOWED)
    assert debug.exit_code == ExitCode.INTERNAL_ERROR
    assert "Traceback" in debug.stderr


# --------------------------------------------------------------------------- output formats


def test_table_marks_results_against_expectations() -> None:
    result = run("check", FAILING)
    assert "reachable ✗" in result.stdout
    assert "final state: 1:X0=1 1:X2=0" in result.stdout
    assert "FAILED" in result.stdout


def test_quiet_prints_nothing() -> None:
    result = run("check", "-q", FAILING)
    assert result.exit_code == ExitCode.FAILED
    assert result.stdout == ""


def test_json_shape() -> None:
    result = run("check", "--json", "--states", FAILING)
    document = json.loads(result.stdout)
    assert set(document) == {"ringlitmus", "model", "results"}
    assert (document["ringlitmus"], document["model"]) == (__version__, "armv8")
    [entry] = document["results"]
    assert set(entry) == {"file", "test", "format", "error", "variants"}
    assert (entry["test"], entry["format"], entry["error"]) == ("MP", "aarch64", None)
    [variant] = entry["variants"]
    assert set(variant) == {
        "variant",
        "model",
        "time_s",
        "outcomes",
        "states",
        "states_complete",
        "no_execution",
        "flags",
        "unknown_flags",
        "herd",
    }
    assert variant["variant"] == "default"
    assert variant["no_execution"] is False
    assert variant["states_complete"] is True
    assert variant["herd"] == {"verdict": "Allowed", "observation": "Sometimes", "validation": "Ok"}
    assert {"1:X0": 1, "1:X2": 0} in [
        {key: state[key] for key in ("1:X0", "1:X2")} for state in variant["states"]
    ]
    [outcome] = variant["outcomes"]
    assert set(outcome) == {
        "name", "kind", "status", "expected", "ok", "witness", "execution", "reason",
    }  # fmt: skip
    assert (outcome["status"], outcome["expected"], outcome["ok"]) == (
        "reachable",
        "unreachable",
        False,
    )
    assert set(outcome["execution"]) == {"rf", "co"}


def test_json_without_states_has_null_states() -> None:
    document = json.loads(run("check", "--format", "json", ALLOWED).stdout)
    assert document["results"][0]["variants"][0]["states"] is None


def test_herd_format_prints_herd7_lines() -> None:
    result = run("check", "--format", "herd", ALLOWED)
    assert result.exit_code == ExitCode.OK
    lines = result.stdout.splitlines()
    assert lines[0] == "Test MP Allowed"
    assert lines[1] == "States 4"
    assert lines[2:6] == [f"1:X0={a}; 1:X2={b};" for a in (0, 1) for b in (0, 1)]
    assert lines[6:11] == [
        "Ok",
        "Witnesses",
        "Positive: 1 Negative: 3",
        "Condition exists (1:X0=1 /\\ 1:X2=0)",
        "Observation MP Sometimes 1 3",
    ]


def test_herd_format_says_forbidden_for_not_exists() -> None:
    """herd7's kind is the quantifier's: `~exists` prints Forbidden, whether the test passes
    (its condition unreachable) or fails; Witnesses count the states outside the condition."""
    passing = run("check", "--format", "herd", DATA / "mp-dmbs-not-exists.litmus").stdout
    assert passing.splitlines()[0] == "Test MP+dmbs-not-exists Forbidden"
    assert "Positive: 3 Negative: 0\n" in passing
    failing = run("check", "--format", "herd", DATA / "mp-not-exists.litmus")
    assert failing.exit_code == ExitCode.FAILED
    lines = failing.stdout.splitlines()
    assert lines[0] == "Test MP-not-exists Forbidden"
    assert lines[6:11] == [
        "No",
        "Witnesses",
        "Positive: 3 Negative: 1",
        "Condition ~exists (1:X0=1 /\\ 1:X2=0)",
        "Observation MP-not-exists Sometimes 1 3",
    ]


def test_lkmm_flags_print_as_herd_json_and_table_do() -> None:
    """A data race is herd's `Flag data-race` line before the condition, a `flags` entry in
    JSON and a note under the table; the verdict stays the file's."""
    path = DATA.parent / "lkmm" / "data-race-flag.litmus"
    herd = run("check", "--model", "lkmm", "--format", "herd", path)
    assert herd.exit_code == ExitCode.OK
    lines = herd.stdout.splitlines()
    assert lines[lines.index("Flag data-race") + 1].startswith("Condition exists")
    document = json.loads(run("check", "--model", "lkmm", "--json", path).stdout)
    assert document["results"][0]["variants"][0]["flags"] == ["data-race"]
    assert (
        "flag data-race [default]: some execution raises it"
        in run("check", "--model", "lkmm", path).stdout
    )


def test_defines_reach_the_ring_front_end() -> None:
    path = DATA / "ring-define.litmus"
    assert run("check", "-q", path).exit_code == ExitCode.OK
    assert run("check", "-q", "-D", "N=2", path).exit_code == ExitCode.FAILED
    assert run("check", "-q", "-D", "N=0x2", path).exit_code == ExitCode.FAILED


def test_ring_variants_are_columns_and_can_be_selected() -> None:
    path = DATA / "ring-mp.litmus"
    table = run("check", path).stdout
    assert re.search(r"forbidden stale +│ reachable ✓ +│ unreachable ✓", table), table
    document = json.loads(run("check", "--json", "--variant", "rel_acq", path).stdout)
    [entry] = document["results"]
    assert entry["format"] == "ring"
    assert [variant["variant"] for variant in entry["variants"]] == ["rel_acq"]
    assert "herd" not in entry["variants"][0]


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_readme_first_command_checks_a_file_that_passes() -> None:
    root = Path(__file__).parents[1]
    first = (root / "README.md").read_text().split("ringlitmus check ", 1)[1].split()[0]
    path = root / first
    if not path.is_file():
        pytest.fail(f"README's first command checks {first}, which does not exist")
    result = run("check", "-q", path)
    assert result.exit_code == ExitCode.OK, result.stderr


# --------------------------------------------------------------------------- start-up cost


@pytest.mark.parametrize(
    "arguments", [["--help"], ["check", "--help"], ["diff", "--help"], ["--version"]]
)
def test_help_imports_neither_z3_nor_lark(arguments: list[str]) -> None:
    completed = subprocess.run(
        [sys.executable, "-P", "-X", "importtime", "-m", "ringlitmus", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines()}
    heavy = {name for name in imported if name.split(".")[0] in ("z3", "lark")}
    assert not heavy
    assert "Exit codes:" in completed.stdout or arguments == ["--version"]


# --------------------------------------------------------------------------- the program


SEED = Path(__file__).resolve().parents[1] / "litmus" / "kvm-dirty-ring" / "seed.litmus"


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        (["check", "--no-cache", "-j", "1", str(SEED)], ExitCode.OK),
        (["check", "--no-cache", "-j", "1", str(FAILING)], ExitCode.FAILED),
        (["check", "--no-cache", "no-such-file.litmus"], ExitCode.BAD_INPUT),
        (["check", "--no-such-option"], ExitCode.BAD_INPUT),
    ],
)
def test_the_program_exits_with_the_commands_code_and_all_its_output(
    arguments: list[str], code: ExitCode
) -> None:
    # `ringlitmus` leaves with os._exit, skipping Python's teardown: what is buffered for a
    # pipe must still arrive, and the exit code must be the command's.
    completed = subprocess.run(
        [sys.executable, "-P", "-m", "ringlitmus", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == code, completed.stderr
    if code == ExitCode.OK:  # the summary is the last thing written: it arrived whole
        assert completed.stdout.endswith(" s\n")
        assert completed.stdout.splitlines()[-1].startswith("1 file, 4 outcomes, 4 ok")
    if code == ExitCode.BAD_INPUT:
        assert "error" in completed.stderr.lower()


# --------------------------------------------------------------------------- --model

X86_SB_MFENCES = Path(__file__).parent / "data" / "x86" / "SB+mfences.litmus"


@pytest.mark.parametrize(("model", "code"), [("tso", ExitCode.OK), ("sc", ExitCode.OK)])
def test_model_option_checks_x86_tests(model: str, code: ExitCode) -> None:
    result = run("check", "--no-cache", "-j", "1", "--model", model, X86_SB_MFENCES)
    assert result.exit_code == code, result.output


def test_armv8_refuses_x86_tests_and_names_the_models_that_can() -> None:
    result = run("check", "--no-cache", "-j", "1", "--model", "armv8", X86_SB_MFENCES)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "the armv8 model cannot judge x86 tests; models that can: tso, sc" in result.stderr


def test_explain_refuses_x86_tests_under_armv8() -> None:
    result = run("explain", "--model", "armv8", X86_SB_MFENCES)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "the armv8 model cannot judge x86 tests" in result.stderr


def test_an_expected_line_claims_herds_own_model() -> None:
    # MP without barriers: Expected=Allowed is herd7's aarch64.cat verdict. It holds on ARMv8;
    # SC forbids the outcome, and there the line claims nothing (an `exists` asks no more).
    assert run("check", "--no-cache", "-j", "1", ALLOWED).exit_code == ExitCode.OK
    result = run("check", "--no-cache", "-j", "1", "--json", "--model", "sc", ALLOWED)
    assert result.exit_code == ExitCode.OK
    [outcome] = json.loads(result.stdout)["results"][0]["variants"][0]["outcomes"]
    assert (outcome["status"], outcome["expected"]) == ("unreachable", None)


def test_json_names_the_model() -> None:
    result = run("check", "--no-cache", "-j", "1", "--json", "--model", "tso", X86_SB_MFENCES)
    assert json.loads(result.stdout)["model"] == "tso"


def test_unknown_model_is_a_usage_error() -> None:
    result = run("check", "--model", "power", ALLOWED)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "armv8" in result.stderr and "tso" in result.stderr


def test_model_all_puts_every_model_side_by_side() -> None:
    reset = Path(__file__).parents[1] / "litmus" / "kvm-dirty-ring" / "reset-plain.litmus"
    result = run("check", "--model", "all", "--json", "--no-cache", reset)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["model"] == ["armv8", "tso", "sc", "lkmm"]
    status = {
        (variant["variant"], variant["model"]): variant["outcomes"][0]["status"]
        for variant in document["results"][0]["variants"]
    }
    # The LKML answer: ARMv8 needs only the ioctl's acquire; the kernel's model needs both.
    assert status["acquire_only", "armv8"] == "unreachable"
    assert status["acquire_only", "lkmm"] == "reachable"
    assert status["both", "lkmm"] == "unreachable"
    assert status["neither", "tso"] == "unreachable"
    table = run("check", "--model", "all", "--no-cache", reset)
    assert "lost_page [acquire_only · lkmm]: forbidden outcome reachable" in table.stdout


def test_an_expectation_under_an_unknown_model_is_a_located_error(tmp_path: Path) -> None:
    source = tmp_path / "t.litmus"
    source.write_text(
        "x = 0\nthread P0: store x = 1\nthread P1: r0 = load x\n"
        "allowed one: P1.r0 == 1\nexpect under power: one reachable\n"
    )
    result = run("check", "--no-cache", source)
    assert result.exit_code == 2
    assert "t.litmus:5:1: error: unknown model 'power'" in result.stderr


def test_the_cli_knows_every_registered_model() -> None:
    assert tuple(MODELS) == MODEL_NAMES


# --------------------------------------------------------------------------- no --model

FIRST_CONTACT = Path(__file__).parent / "data" / "first-contact"
# The model herd7 uses for each architecture (README: "the file's architecture").
HERD_MODEL = {"c": "lkmm", "x86": "tso", "aarch64": "armv8", "ring": "armv8"}


def test_without_model_each_file_is_judged_by_its_architectures_model() -> None:
    # A C and an X86 file (each allowed by its model, forbidden under SC) and a ring file, in
    # one run: the first command a new user types on a herd file must just work.
    ring = Path(__file__).parents[1] / "litmus" / "kvm-dirty-ring" / "seed.litmus"
    result = run("check", "--no-cache", "-j", "1", "--json", FIRST_CONTACT, ring)
    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    judged = {
        (entry["format"], variant["model"])
        for entry in document["results"]
        for variant in entry["variants"]
    }
    assert judged == {(name, HERD_MODEL[name]) for name in ("c", "x86", "ring")}
    assert document["model"] == ["armv8", "tso", "lkmm"]
    alone = run("check", "--no-cache", "-j", "1", "--json", FIRST_CONTACT / "C-MP-once.litmus")
    assert json.loads(alone.stdout)["model"] == "lkmm"


@pytest.mark.parametrize("command", ["explain", "ablate"])
def test_analyses_without_model_use_the_files_architecture(command: str) -> None:
    for path in sorted(FIRST_CONTACT.glob("*.litmus")):
        result = run(command, "--json", path)
        assert result.exit_code == ExitCode.OK, result.output
        assert json.loads(result.stdout)["model"] in ("lkmm", "tso")


def test_diff_without_model_uses_the_files_architecture() -> None:
    path = FIRST_CONTACT / "C-MP-once.litmus"
    result = run("diff", "--no-cache", "-j", "1", "--json", path, path)
    assert result.exit_code == ExitCode.OK, result.output
    assert json.loads(result.stdout)["model"] == "lkmm"


@pytest.mark.parametrize("command", ["check", "diff", "explain", "ablate"])
def test_help_names_the_default_model(command: str) -> None:
    text = " ".join(run(command, "--help").stdout.split())
    assert "[default: the file's architecture: lkmm for C, tso for X86, armv8" in text
