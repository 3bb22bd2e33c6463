"""`ringlitmus export --to herd`: stdout, files it creates, refusals, verdicts read back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ringlitmus import ir
from ringlitmus.cli import ExitCode, main
from ringlitmus.frontends import parse_file
from ringlitmus.frontends.aarch64 import parse_aarch64
from ringlitmus.outcomes import CheckOptions, check_test
from ringlitmus.reports.herd_export import export_names

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "litmus" / "kvm-dirty-ring" / "seed.litmus"
MP = ROOT / "litmus" / "basics" / "MP.litmus"
BAD = ROOT / "tests" / "data" / "cli" / "bad" / "duplicate-thread.litmus"

# Two variants and two outcomes: four herd tests.
TWO_BY_TWO = """\
param order = plain
variant plain { order = plain }
variant rel { order = release }
data = 0; flag = 0
thread P0: store data = 1; store<order> flag = 1
thread P1: r0 = load-acq flag; r1 = load data
allowed stale: P1.r0 == 1 && P1.r1 == 0
allowed fresh: P1.r0 == 1 && P1.r1 == 1
expect plain: stale reachable
expect rel: stale unreachable
"""
# herd's final conditions compare for equality only.
LESS_THAN = """\
x = 0
thread P0: store x = 1
thread P1: r0 = load x
allowed small: P1.r0 < 1
"""


def run(*arguments: str | Path) -> Result:
    return CliRunner().invoke(main, ["export", "--to", "herd", *map(str, arguments)])


def verdicts(test: ir.Test, variant: str | None = None) -> list[tuple[str, bool | None]]:
    """(status, ok) of every outcome of one variant (of the only one when None)."""
    options = CheckOptions(variants=None if variant is None else (variant,))
    (result,) = check_test(test, options).variants
    return [(outcome.status.value, outcome.ok) for outcome in result.outcomes]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def snapshot(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(folder.iterdir())}


# --------------------------------------------------------------------------- stdout


def test_stdout_export_parses_back_with_the_herd_front_end() -> None:
    result = run(MP)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stdout.startswith("AArch64 MP\n") and result.stderr == ""
    back = parse_aarch64(result.stdout, "MP.litmus")
    assert verdicts(back) == verdicts(parse_file(str(MP)))


def test_several_tests_print_one_after_another() -> None:
    result = run(SEED)
    assert result.exit_code == ExitCode.OK, result.stderr
    texts = result.stdout.split("\n\n")
    names = [name for _, _, name in export_names(parse_file(str(SEED)))]
    assert [text.splitlines()[0] for text in texts] == [f"AArch64 {name}" for name in names]
    for text, name in zip(texts, names, strict=True):
        assert parse_aarch64(text, f"{name}.litmus").name == name


def test_variant_and_outcome_select_the_tests(tmp_path: Path) -> None:
    source = write(tmp_path, "two.litmus", TWO_BY_TWO)
    assert run(source).stdout.count("AArch64 ") == 4
    assert run(source, "--variant", "rel").stdout.count("AArch64 ") == 2
    chosen = run(source, "--variant", "rel", "--outcome", "stale")
    assert chosen.exit_code == ExitCode.OK, chosen.stderr
    assert chosen.stdout.startswith("AArch64 two+rel+stale\n")
    assert "Expected=Forbidden" in chosen.stdout


# --------------------------------------------------------------------------- files


def test_output_directory_gets_one_file_per_variant(tmp_path: Path) -> None:
    out = tmp_path / "herd"
    result = run(SEED, "-o", f"{out}/")
    assert result.exit_code == ExitCode.OK, result.stderr
    names = [name for _, _, name in export_names(parse_file(str(SEED)))]
    assert sorted(path.name for path in out.iterdir()) == sorted(f"{n}.litmus" for n in names)
    assert all(f"wrote {out / name}.litmus" in result.stderr for name in names)
    assert result.stdout == ""


def test_an_existing_directory_needs_no_slash(tmp_path: Path) -> None:
    result = run(SEED, "--variant", "after", "-o", tmp_path)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["seed+after.litmus"]


def test_one_file_for_the_one_test_chosen(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "after.litmus"
    result = run(SEED, "--variant", "after", "-o", out)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert out.read_text() == run(SEED, "--variant", "after").stdout


def test_one_file_for_several_tests_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "seed-herd.litmus"
    result = run(SEED, "-o", out)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "4 tests (seed+before, seed+after, seed+release_only, seed+both)" in result.stderr
    assert "--variant" in result.stderr and "--outcome" not in result.stderr
    assert not out.exists()
    two = run(write(tmp_path, "two.litmus", TWO_BY_TWO), "--variant", "rel", "-o", out)
    assert two.exit_code == ExitCode.BAD_INPUT
    assert "choose one with --variant and --outcome" in two.stderr
    assert not out.exists()


def test_existing_files_are_kept_without_force(tmp_path: Path) -> None:
    out = tmp_path / "MP.litmus"
    out.write_text("mine\n")
    refused = run(MP, "-o", out)
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert f"{out} exists; it will not be overwritten without --force" in refused.stderr
    assert out.read_text() == "mine\n"
    forced = run(MP, "-o", out, "--force")
    assert forced.exit_code == ExitCode.OK, forced.stderr
    assert out.read_text().startswith("AArch64 MP\n")


def test_nothing_is_written_when_one_file_exists(tmp_path: Path) -> None:
    (tmp_path / "seed+after.litmus").write_text("mine\n")
    result = run(SEED, "-o", tmp_path)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert snapshot(tmp_path) == {"seed+after.litmus": "mine\n"}


def test_the_input_is_never_overwritten_even_with_force(tmp_path: Path) -> None:
    source = write(tmp_path, "MP.litmus", MP.read_text())
    for output in (source, tmp_path, f"{tmp_path}/"):
        result = run(source, "-o", output, "--force")
        assert result.exit_code == ExitCode.BAD_INPUT
        assert "is the input file; it will not be overwritten, even with --force" in result.stderr
        assert snapshot(tmp_path) == {"MP.litmus": MP.read_text()}
    # A herd test exports under its own name: into its own folder, that is the input again.
    herd = write(tmp_path, "MP.litmus", run(MP).stdout)
    result = run(herd, "-o", tmp_path, "--force")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert herd.read_text() == run(MP).stdout


# --------------------------------------------------------------------------- verdicts


def test_seed_exports_and_rechecks_to_the_same_verdicts(tmp_path: Path) -> None:
    result = run(SEED, "-o", f"{tmp_path}/")
    assert result.exit_code == ExitCode.OK, result.stderr
    seed = parse_file(str(SEED))
    for variant, _, name in export_names(seed):
        path = tmp_path / f"{name}.litmus"
        back = parse_aarch64(path.read_text(), str(path))
        assert verdicts(back) == verdicts(seed, variant), name
    # The `Expected=` lines carry the seed's claims: the exported tests pass as the seed does.
    again = CliRunner().invoke(main, ["check", "-q", "-j", "1", "--no-cache", str(tmp_path)])
    assert again.exit_code == ExitCode.OK, again.output


# --------------------------------------------------------------------------- errors


def test_an_unsupported_construct_is_an_error_at_its_line(tmp_path: Path) -> None:
    source = write(tmp_path, "less.litmus", LESS_THAN)
    result = run(source, "-o", tmp_path / "out")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"{source}:4:1: error: herd's final conditions test equality only" in result.stderr
    assert "    4 | allowed small: P1.r0 < 1" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--variant", "middle"), "no variant 'middle'"),
        (("--outcome", "nothing"), "no outcome 'nothing'"),
    ],
)
def test_unknown_names_are_usage_errors(arguments: tuple[str, ...], message: str) -> None:
    result = run(SEED, *arguments)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert message in result.stderr


def test_bad_input_exits_2(tmp_path: Path) -> None:
    bad = run(BAD)
    assert bad.exit_code == ExitCode.BAD_INPUT
    assert f"{BAD}:" in bad.stderr and "Traceback" not in bad.stderr
    silent = write(tmp_path, "silent.litmus", "x = 0\nthread P0: store x = 1\n")
    assert "states no outcome" in run(silent).stderr
    assert run(tmp_path / "missing.litmus").exit_code == ExitCode.BAD_INPUT
    no_format = CliRunner().invoke(main, ["export", str(MP)])
    assert no_format.exit_code == ExitCode.BAD_INPUT and "--to" in no_format.stderr


def test_help_names_the_command_and_imports_neither_z3_nor_lark() -> None:
    assert "export" in CliRunner().invoke(main, ["--help"]).stdout
    completed = subprocess.run(
        [sys.executable, "-P", "-X", "importtime", "-m", "ringlitmus", "export", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines()}
    assert not {name for name in imported if name.split(".")[0] in ("z3", "lark")}
    assert "--to [herd]" in completed.stdout and "Exit codes:" in completed.stdout
