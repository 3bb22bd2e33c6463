"""The `ringlitmus` command: parse, check and report each file; decide the exit code.

Only this module imports click and calls `sys.exit`. The pipeline (lark, z3) and the reports
(rich) are imported inside the commands, so `ringlitmus --help` starts in a blink.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum, IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ringlitmus import __version__
from ringlitmus.errors import LitmusError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from ringlitmus import ir
    from ringlitmus.outcomes import CheckOptions
    from ringlitmus.reports import FileReport, FileStatus


class ExitCode(IntEnum):
    """What `ringlitmus check` exits with; the README's table says the same."""

    OK = 0
    FAILED = 1
    BAD_INPUT = 2
    UNKNOWN = 3
    INTERNAL_ERROR = 70  # EX_SOFTWARE in sysexits.h
    INTERRUPTED = 130  # the shell's code for a SIGINT death


class OutputFormat(Enum):
    """What `check` prints on stdout."""

    TABLE = "table"
    JSON = "json"
    HERD = "herd"


EXIT_CODE_MEANINGS: Mapping[ExitCode, str] = {
    ExitCode.OK: "every expectation holds (where a file states none: no forbidden\n"
    "      outcome is reachable and no required outcome is violated)",
    ExitCode.FAILED: "an expectation fails, or a forbidden outcome is reachable",
    ExitCode.BAD_INPUT: "usage, read, parse or semantic error, or an unsupported construct",
    ExitCode.UNKNOWN: "some result is unknown (solver gave up, timeout) and nothing is worse",
    ExitCode.INTERNAL_ERROR: "internal error: a bug in ringlitmus, please report it",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}

EXIT_CODES_HELP = "\b\nExit codes:\n" + "\n".join(
    f"  {int(code):<3} {meaning}" for code, meaning in EXIT_CODE_MEANINGS.items()
)

_DEFINE = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>[-+]?(0[xX][0-9a-fA-F]+|\d+))")


def exit_code(statuses: Iterable[FileStatus]) -> ExitCode:
    """The run's exit code: 2 if any file could not be read or parsed, else 1 if any failed,
    else 3 if any result is unknown, else 0. (Internal errors exit 70 before this.)"""
    from ringlitmus.reports import FileStatus

    by_status = {
        FileStatus.ERROR: ExitCode.BAD_INPUT,
        FileStatus.FAILED: ExitCode.FAILED,
        FileStatus.UNKNOWN: ExitCode.UNKNOWN,
        FileStatus.PASSED: ExitCode.OK,
    }
    # FileStatus lists the statuses from best to worst.
    order = list(FileStatus)
    worst = max(statuses, key=order.index, default=FileStatus.PASSED)
    return by_status[worst]


@click.group(epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="ringlitmus")
def main() -> None:
    """Which forbidden outcomes of a lock-free ring protocol can ARMv8 reach?

    Reads ring-DSL files and herd AArch64 litmus tests and decides, with Z3, every outcome of
    every variant against the file's own expectations.
    """


def _parse_defines(
    context: click.Context, parameter: click.Parameter, values: Sequence[str]
) -> dict[str, int]:
    defines: dict[str, int] = {}
    for text in values:
        match = _DEFINE.fullmatch(text.strip())
        if match is None:
            raise click.BadParameter(f"'{text}' is not NAME=INTEGER (e.g. -D N=4)")
        defines[match.group("name")] = int(match.group("value"), 0)
    return defines


@main.command(epilog=EXIT_CODES_HELP, short_help="Check litmus files against their expectations.")
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="FILE...")
@click.option(
    "-D",
    "defines",
    multiple=True,
    metavar="NAME=VALUE",
    callback=_parse_defines,
    help="Define a ring-DSL constant (repeatable), e.g. -D N=4.",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice([choice.value for choice in OutputFormat]),
    default=None,
    help="table (default): a table per file; json: one document; herd: herd7's output "
    "(implies --states).",
)
@click.option("--states", is_flag=True, help="Also list every reachable final state.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Give up on a query after SECONDS (its result is unknown).",
)
@click.option(
    "--rlimit",
    type=click.IntRange(min=1),
    metavar="N",
    help="Give up on a query after N units of Z3 resource (the same answer on every machine).",
)
@click.option(
    "--variant",
    "variants",
    multiple=True,
    metavar="NAME",
    help="Check only this variant (repeatable); every variant by default.",
)
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors; read the exit code.")
def check(
    files: tuple[str, ...],
    defines: dict[str, int],
    as_json: bool,
    output_format: str | None,
    states: bool,
    timeout: float | None,
    rlimit: int | None,
    variants: tuple[str, ...],
    debug: bool,
    quiet: bool,
) -> None:
    """Decide every outcome of every variant of each FILE (a directory: its *.litmus files)."""
    if as_json and output_format not in (None, "json"):
        raise click.UsageError(f"--json contradicts --format {output_format}")
    chosen = OutputFormat.JSON if as_json else OutputFormat(output_format or "table")
    from rich.console import Console

    from ringlitmus.reports.text import render_internal_error

    stdout = Console(highlight=False)
    stderr = Console(stderr=True, highlight=False)
    try:
        from ringlitmus.outcomes import CheckOptions

        options = CheckOptions(
            timeout_s=timeout,
            rlimit=rlimit,
            states=states or chosen is OutputFormat.HERD,
            variants=variants or None,
            observation=chosen is OutputFormat.HERD,
        )
        code = _run(files, defines, options, chosen, quiet, stdout, stderr)
    except KeyboardInterrupt:
        stderr.print("ringlitmus: interrupted", soft_wrap=True)
        sys.exit(ExitCode.INTERRUPTED)
    except Exception as error:  # the CLI's top level: anything left is our bug
        render_internal_error(stderr, error, debug)
        sys.exit(ExitCode.INTERNAL_ERROR)
    sys.exit(code)


def _run(
    files: Sequence[str],
    defines: Mapping[str, int],
    options: CheckOptions,
    output_format: OutputFormat,
    quiet: bool,
    stdout: Console,
    stderr: Console,
) -> ExitCode:
    from ringlitmus.reports import file_status
    from ringlitmus.reports.herd import render_herd
    from ringlitmus.reports.text import render_error, render_result, render_totals

    reports: list[FileReport] = []
    for path in expand_paths(files):
        report = check_file(path, defines, options)
        reports.append(report)
        if report.error is not None:
            render_error(stderr, report.error, report.file)
        if quiet:
            continue
        if output_format is OutputFormat.TABLE:
            render_result(stdout, report, show_states=options.states)
        elif output_format is OutputFormat.HERD:
            click.echo(render_herd(report), nl=False)
    if not quiet and output_format is OutputFormat.JSON:
        from ringlitmus.reports.json_report import render_json

        click.echo(render_json(reports, __version__, options.model), nl=False)
    if not quiet and output_format is OutputFormat.TABLE and len(reports) > 1:
        render_totals(stdout, reports)
    return exit_code(file_status(report) for report in reports)


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files as given; a directory stands for the `*.litmus` files under it, sorted."""
    expanded: list[str] = []
    for path in paths:
        if Path(path).is_dir():
            found = sorted(str(file) for file in Path(path).rglob("*.litmus") if file.is_file())
            expanded.extend(found or [path])
        else:
            expanded.append(path)
    return expanded


def check_file(path: str, defines: Mapping[str, int], options: CheckOptions) -> FileReport:
    """Parse and check one file; a LitmusError becomes the report's error, never a crash."""
    from ringlitmus.frontends import parse_file
    from ringlitmus.outcomes import check_test
    from ringlitmus.reports import FileReport

    test: ir.Test | None = None
    try:
        if Path(path).is_dir():
            raise UsageError(f"no .litmus files in directory '{path}'")
        test = parse_file(path, defines)
        _require_variants(test, options.variants or ())
        result = check_test(test, options)
    except LitmusError as error:
        _add_source_line(error)
        return FileReport(path, error=error, test=test)
    return FileReport(path, result=result, test=test)


def _require_variants(test: ir.Test, requested: Iterable[str]) -> None:
    declared = [variant.name for variant in test.variants]
    for name in requested:
        if name not in declared:
            raise UsageError(f"no variant '{name}' in this file; it has: {', '.join(declared)}")


def _add_source_line(error: LitmusError) -> None:
    """Give the error the line its span points at (front ends usually do it themselves)."""
    span = error.span
    if error.source_line is not None or span is None or span.line < 1:
        return
    try:
        data = Path(span.file).read_bytes()
    except OSError:
        return
    lines = data.decode("utf-8", errors="replace").splitlines()
    if span.line <= len(lines):
        error.source_line = lines[span.line - 1]
