"""The `ringlitmus` command: parse, check and report each file; decide the exit code.

Only this module imports click and calls `sys.exit`. The pipeline (lark, z3) and the reports
(rich) are imported inside the commands, so `ringlitmus --help` starts in a blink.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import Enum, IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ringlitmus import __version__
from ringlitmus.errors import LitmusError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from ringlitmus import ir
    from ringlitmus.batch import BatchOptions
    from ringlitmus.compare import DiffPlan
    from ringlitmus.explain import Explanation
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

DIFF_EXIT_CODE_MEANINGS: Mapping[ExitCode, str] = {
    ExitCode.OK: "no forbidden outcome became reachable",
    ExitCode.FAILED: "a forbidden outcome (or a required one's violation) became reachable",
    ExitCode.BAD_INPUT: "usage, git, read, parse or semantic error on either side",
    ExitCode.UNKNOWN: "some outcome is unknown on a side, and nothing is worse",
    ExitCode.INTERNAL_ERROR: EXIT_CODE_MEANINGS[ExitCode.INTERNAL_ERROR],
    ExitCode.INTERRUPTED: EXIT_CODE_MEANINGS[ExitCode.INTERRUPTED],
}


def _exit_codes_help(meanings: Mapping[ExitCode, str], rule: str) -> str:
    lines = [f"  {int(code):<3} {meaning}" for code, meaning in meanings.items()]
    return "\b\nExit codes:\n" + "\n".join(lines) + "\n\n\b\n" + rule


EXIT_CODES_HELP = _exit_codes_help(
    EXIT_CODE_MEANINGS,
    "With several files the worst wins: 2 if any file could not be read\n"
    "or parsed, else 1 if any failed, else 3 if any result is unknown, else 0.",
)
DIFF_EXIT_CODES_HELP = _exit_codes_help(
    DIFF_EXIT_CODE_MEANINGS, "The worst wins: 2, then 1, then 3, then 0."
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


def _run_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options `check` and `diff` share: constants, solver limits, jobs, cache, output."""
    options = [
        click.option(
            "-D",
            "defines",
            multiple=True,
            metavar="NAME=VALUE",
            callback=_parse_defines,
            help="Define a ring-DSL constant (repeatable), e.g. -D N=4.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            metavar="SECONDS",
            help="Give up on a query after SECONDS (its result is unknown).",
        ),
        click.option(
            "--rlimit",
            type=click.IntRange(min=1),
            metavar="N",
            help="Give up on a query after N units of Z3 resource (the same answer on every "
            "machine).",
        ),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=1),
            metavar="N",
            help="Check files in N worker processes (default: one per core; 1: in this process).",
        ),
        click.option(
            "--no-cache",
            is_flag=True,
            help="Neither read nor write the result cache ($RINGLITMUS_CACHE_DIR, default "
            "~/.cache/ringlitmus).",
        ),
        click.option("--debug", is_flag=True, help="Show the traceback of an internal error."),
        click.option(
            "--quiet", "-q", is_flag=True, help="Print nothing but errors; read the exit code."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _batch_options(defines: Mapping[str, int], no_cache: bool, check: CheckOptions) -> BatchOptions:
    """What every file is checked with; the cache directory comes from the environment."""
    from ringlitmus.batch import BatchOptions
    from ringlitmus.cache import Cache, default_cache_dir

    cache = None if no_cache else Cache(default_cache_dir(os.environ))
    return BatchOptions(check, dict(defines), cache)


@main.command(epilog=EXIT_CODES_HELP, short_help="Check litmus files against their expectations.")
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
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
    "--variant",
    "variants",
    multiple=True,
    metavar="NAME",
    help="Check only this variant (repeatable); every variant by default.",
)
@click.option(
    "--junit",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE",
    help="Also write a JUnit XML report to FILE (for CI pages).",
)
@_run_options
def check(
    files: tuple[str, ...],
    as_json: bool,
    output_format: str | None,
    states: bool,
    variants: tuple[str, ...],
    junit: str | None,
    defines: dict[str, int],
    timeout: float | None,
    rlimit: int | None,
    jobs: int | None,
    no_cache: bool,
    debug: bool,
    quiet: bool,
) -> None:
    """Decide every outcome of every variant of each PATH: a file, or a directory standing for
    the *.litmus files under it (*.prelude files are skipped: they are only included).

    Files are checked in parallel; results print in the order of the arguments, a directory's
    files sorted by path, whatever -j. The run ends with a summary line (on stderr with --json
    or --format herd). Results decided before are read from the cache.
    """
    if as_json and output_format not in (None, "json"):
        raise click.UsageError(f"--json contradicts --format {output_format}")
    chosen = OutputFormat.JSON if as_json else OutputFormat(output_format or "table")
    if junit is not None and any(_same_file(junit, path) for path in files):
        raise click.UsageError(f"--junit {junit} is an input; it will not be overwritten")
    stdout, stderr = _consoles()
    with _top_level(stderr, debug):
        from ringlitmus.outcomes import CheckOptions

        check_options = CheckOptions(
            timeout_s=timeout,
            rlimit=rlimit,
            states=states or chosen is OutputFormat.HERD,
            variants=variants or None,
            observation=chosen is OutputFormat.HERD,
        )
        options = _batch_options(defines, no_cache, check_options)
        code = _check(files, options, jobs, chosen, junit, quiet, stdout, stderr)
    sys.exit(code)


def _check(
    files: Sequence[str],
    options: BatchOptions,
    jobs: int | None,
    output_format: OutputFormat,
    junit: str | None,
    quiet: bool,
    stdout: Console,
    stderr: Console,
) -> ExitCode:
    from ringlitmus.batch import expand_paths
    from ringlitmus.reports import file_status
    from ringlitmus.reports.herd import render_herd
    from ringlitmus.reports.text import render_error, render_result, render_summary

    paths = expand_paths(files)
    if not paths:
        raise UsageError("nothing to check: *.prelude files are only ever included")
    if junit is not None and any(_same_file(junit, path) for path in paths):
        raise UsageError(f"--junit {junit} is an input; it will not be overwritten")

    def show(report: FileReport) -> None:
        if report.error is not None:
            render_error(stderr, report.error, report.file)
        if quiet:
            return
        if output_format is OutputFormat.TABLE:
            render_result(stdout, report, show_states=options.check.states)
        elif output_format is OutputFormat.HERD:
            click.echo(render_herd(report), nl=False)

    started = time.perf_counter()
    reports, interrupted = _run_files(paths, options, jobs, quiet, stderr, show)
    if not quiet and output_format is OutputFormat.JSON:
        from ringlitmus.reports.json_report import render_json

        click.echo(render_json(reports, __version__, options.check.model), nl=False)
    if junit is not None:
        from ringlitmus.reports.junit import render_junit

        try:
            Path(junit).parent.mkdir(parents=True, exist_ok=True)
            Path(junit).write_text(render_junit(reports, __version__), encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write --junit {junit}: {error.strerror or error}") from None
    if not quiet:
        summary = stdout if output_format is OutputFormat.TABLE else stderr
        render_summary(summary, reports, time.perf_counter() - started)
    if interrupted:
        stderr.print(f"ringlitmus: interrupted after {len(reports)} of {len(paths)} files")
        return ExitCode.INTERRUPTED
    return exit_code(file_status(report) for report in reports)


@main.command(epilog=DIFF_EXIT_CODES_HELP, short_help="Compare outcomes before and after a change.")
@click.argument("paths", nargs=-1, type=click.Path(), metavar="OLD NEW | PATH...")
@click.option(
    "--rev",
    "revisions",
    metavar="A..B",
    help="Compare PATH... at git revision A with B (A...B: from their merge base; A alone: "
    "with the work tree). Files are read with git; the work tree is never touched.",
)
@click.option(
    "--variants",
    nargs=2,
    metavar="BEFORE AFTER",
    help="Compare variant BEFORE of one FILE with its variant AFTER.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@_run_options
def diff(
    paths: tuple[str, ...],
    revisions: str | None,
    variants: tuple[str, str] | None,
    as_json: bool,
    defines: dict[str, int],
    timeout: float | None,
    rlimit: int | None,
    jobs: int | None,
    no_cache: bool,
    debug: bool,
    quiet: bool,
) -> None:
    """Show, for every outcome of every variant of every test on either side, whether it is
    unchanged, newly reachable, newly unreachable, added, removed or unknown, and whether a
    reachable outcome's witness changed.

    \b
    ringlitmus diff OLD NEW                 two files, or two directories (matched by path)
    ringlitmus diff --rev A..B PATH...      git revisions of the same paths
    ringlitmus diff FILE --variants BEFORE AFTER
    """
    stdout, stderr = _consoles()
    with _top_level(stderr, debug), tempfile.TemporaryDirectory(prefix="ringlitmus-") as workspace:
        from ringlitmus.compare import plan_diff
        from ringlitmus.outcomes import CheckOptions

        plan = plan_diff(paths, revisions, variants or None, Path(workspace))
        check_options = CheckOptions(timeout_s=timeout, rlimit=rlimit, variants=plan.variants)
        options = _batch_options(defines, no_cache, check_options)
        code = _diff(plan, options, jobs, as_json, quiet, stdout, stderr)
    sys.exit(code)


def _diff(
    plan: DiffPlan,
    options: BatchOptions,
    jobs: int | None,
    as_json: bool,
    quiet: bool,
    stdout: Console,
    stderr: Console,
) -> ExitCode:
    from ringlitmus.compare import collect
    from ringlitmus.reports.diff import diff_status
    from ringlitmus.reports.diff_report import render_diff, render_diff_json
    from ringlitmus.reports.text import render_error

    paths = [source.path for source in plan.sources]
    reports, interrupted = _run_files(paths, options, jobs, quiet, stderr, lambda _: None)
    if interrupted:
        stderr.print(f"ringlitmus: interrupted after {len(reports)} of {len(paths)} files")
        return ExitCode.INTERRUPTED
    result, errors = collect(plan, reports)
    for report in errors:
        if report.error is not None:
            render_error(stderr, report.error, report.file)
    if as_json and not quiet:
        click.echo(render_diff_json(result, errors, __version__, options.check.model), nl=False)
    elif not quiet:
        render_diff(stdout, result)
    return exit_code([diff_status(result, errors)])


# --------------------------------------------------------------------------- shared plumbing


def _consoles() -> tuple[Console, Console]:
    from rich.console import Console

    return Console(highlight=False), Console(stderr=True, highlight=False)


@contextlib.contextmanager
def _top_level(stderr: Console, debug: bool) -> Iterator[None]:
    """Where a command's errors end: a LitmusError of the whole run (a bad --rev, ...) exits 2
    with its message, Ctrl-C 130, anything else is our bug (70)."""
    from ringlitmus.reports.text import render_error, render_internal_error

    try:
        yield
    except LitmusError as error:
        render_error(stderr, error, "ringlitmus")
        sys.exit(ExitCode.BAD_INPUT)
    except KeyboardInterrupt:
        stderr.print("ringlitmus: interrupted", soft_wrap=True)
        sys.exit(ExitCode.INTERRUPTED)
    except Exception as error:  # the CLI's top level: anything left is our bug
        render_internal_error(stderr, error, debug)
        sys.exit(ExitCode.INTERNAL_ERROR)


def _same_file(first: str, second: str) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return os.path.abspath(first) == os.path.abspath(second)


def _run_files(
    paths: Sequence[str],
    options: BatchOptions,
    jobs: int | None,
    quiet: bool,
    stderr: Console,
    show: Callable[[FileReport], None],
) -> tuple[list[FileReport], bool]:
    """`batch.check_in_order` with a progress bar on a terminal (more than one file)."""
    from ringlitmus.batch import check_in_order, default_jobs
    from ringlitmus.reports.progress import ProgressBar

    enabled = not quiet and stderr.is_terminal and len(paths) > 1
    with ProgressBar(stderr, len(paths), enabled) as bar:
        return check_in_order(paths, options, jobs or default_jobs(), show, bar.advance)


# --------------------------------------------------------------------------- explain and ablate


def _analysis_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options `explain` and `ablate` share: variants, constants, limits, output."""
    options = [
        click.option(
            "--variant",
            "variants",
            multiple=True,
            metavar="NAME",
            help="Only this variant (repeatable); every variant by default.",
        ),
        click.option(
            "-D",
            "defines",
            multiple=True,
            metavar="NAME=VALUE",
            callback=_parse_defines,
            help="Define a ring-DSL constant (repeatable), e.g. -D N=4.",
        ),
        click.option(
            "--rlimit",
            type=click.IntRange(min=1),
            metavar="N",
            help="Give up on a query after N units of Z3 resource (the same answer on every "
            "machine).",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print one JSON document."),
        click.option("--debug", is_flag=True, help="Show the traceback of an internal error."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _parse_one(file: str, defines: Mapping[str, int], variants: Sequence[str]) -> ir.Test:
    """Parse FILE and check that the variants asked for exist."""
    from ringlitmus.frontends import parse_file

    if Path(file).is_dir():
        raise UsageError(f"'{file}' is a directory; this command reads one litmus file")
    test = parse_file(file, dict(defines))
    declared = [variant.name for variant in test.variants]
    for name in variants:
        if name not in declared:
            raise UsageError(f"no variant '{name}' in {file}; it has: {', '.join(declared)}")
    return test


def _worst(codes: Iterable[ExitCode]) -> ExitCode:
    """2 before 1 before 3 before 0, as `check` decides."""
    order = [ExitCode.OK, ExitCode.UNKNOWN, ExitCode.FAILED, ExitCode.BAD_INPUT]
    return max(codes, key=order.index, default=ExitCode.OK)


@main.command(epilog=EXIT_CODES_HELP, short_help="Show why an outcome is reachable or not.")
@click.argument("file", type=click.Path(), metavar="FILE")
@click.option(
    "--outcome",
    "outcome_names",
    multiple=True,
    metavar="NAME",
    help="Only this outcome (repeatable); every outcome by default.",
)
@click.option(
    "--dot",
    "dot_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Also draw the execution as a Graphviz graph in FILE (one variant and outcome).",
)
@click.option(
    "--svg",
    "svg_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Also draw it as SVG in FILE with Graphviz's `dot` (the DOT text is kept beside it "
    "when `dot` is missing).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Give up on a query after SECONDS (its result is unknown).",
)
@_analysis_options
def explain(
    file: str,
    outcome_names: tuple[str, ...],
    dot_file: str | None,
    svg_file: str | None,
    timeout: float | None,
    variants: tuple[str, ...],
    defines: dict[str, int],
    rlimit: int | None,
    as_json: bool,
    debug: bool,
) -> None:
    """Explain each outcome of FILE: for a reachable one, a witness execution (events per
    thread with their values; rf, co, fr and the ordering edges, each named by its model
    relation); for an unreachable one, a candidate execution that reaches the final state and
    the cycle of model edges, from a minimal unsat core, that rules it out.
    """
    stdout, stderr = _consoles()
    with _top_level(stderr, debug):
        from ringlitmus.explain import ExplainOptions, explain_test

        test = _parse_one(file, defines, variants)
        outcomes = [outcome.name for outcome in test.outcomes]
        for name in outcome_names:
            if name not in outcomes:
                raise UsageError(f"no outcome '{name}' in {file}; it has: {', '.join(outcomes)}")
        for output in (dot_file, svg_file):
            if output is not None and _same_file(output, file):
                raise UsageError(f"{output} is the input file; it will not be overwritten")
        options = ExplainOptions(timeout_s=timeout, rlimit=rlimit)
        found = explain_test(test, options, variants or None, outcome_names or None)
        if (dot_file or svg_file) and len(found) != 1:
            raise UsageError(
                f"--dot and --svg draw one explanation, and {len(found)} are selected: "
                "choose one with --variant and --outcome"
            )
        if as_json:
            from ringlitmus.reports.analysis_json import render_analysis_json

            click.echo(render_analysis_json("explanations", found, __version__, "armv8"), nl=False)
        else:
            from ringlitmus.reports.explain_text import render_explanations

            render_explanations(stdout, found)
        if dot_file or svg_file:
            _draw(found[0], dot_file, svg_file, file, stderr)
        codes = [
            ExitCode.UNKNOWN if e.ok is None else ExitCode.OK if e.ok else ExitCode.FAILED
            for e in found
        ]
    sys.exit(_worst(codes))


def _draw(
    explanation: Explanation,
    dot_file: str | None,
    svg_file: str | None,
    source: str,
    stderr: Console,
) -> None:
    """Write the DOT file and, with Graphviz installed, the SVG; else say how to get it."""
    import shutil
    import subprocess

    from ringlitmus.reports.dot import INSTALL_HINT, render_dot, svg_from_dot

    text = render_dot(explanation)
    dot_binary = shutil.which("dot")
    if svg_file is not None and dot_file is None and dot_binary is None:
        dot_file = str(Path(svg_file).with_suffix(".dot"))
        if _same_file(dot_file, source):
            raise UsageError(f"{dot_file} is the input file; it will not be overwritten")
    if dot_file is not None:
        Path(dot_file).write_text(text, encoding="utf-8")
        stderr.print(f"wrote {dot_file}", soft_wrap=True, highlight=False)
    if svg_file is None:
        return
    if dot_binary is None:
        hint = INSTALL_HINT.format(dot=dot_file, svg=svg_file)
        stderr.print(f"ringlitmus: {hint}", soft_wrap=True, highlight=False, markup=False)
        return
    try:
        Path(svg_file).write_text(svg_from_dot(text, dot_binary), encoding="utf-8")
    except subprocess.CalledProcessError as error:
        raise UsageError(f"Graphviz failed to draw {svg_file}: {error.stderr.strip()}") from error
    stderr.print(f"wrote {svg_file}", soft_wrap=True, highlight=False)


@main.command(epilog=EXIT_CODES_HELP, short_help="Find which orderings are necessary.")
@click.argument("file", type=click.Path(), metavar="FILE")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop the whole analysis after SECONDS: checks left are unknown, the search for the "
    "minimal set is reported as cut.",
)
@click.option(
    "--max-checks",
    type=click.IntRange(min=1),
    metavar="N",
    help="Stop after N solver checks (as --timeout, but the same on every machine).",
)
@click.option(
    "--no-cycles",
    is_flag=True,
    help="Do not explain what still forbids the outcomes without each redundant ordering.",
)
@_analysis_options
def ablate(
    file: str,
    timeout: float | None,
    max_checks: int | None,
    no_cycles: bool,
    variants: tuple[str, ...],
    defines: dict[str, int],
    rlimit: int | None,
    as_json: bool,
    debug: bool,
) -> None:
    """Remove each ordering of FILE's variants in turn (acquire, release, acquire-pc, RMW
    halves, fences, marked dependencies), re-check the forbidden outcomes, and report which
    orderings are necessary, which redundant, and the smallest sets that suffice. Where a
    forbidden outcome is reachable, try strengthening each plain access instead.

    Exit codes as for `check`: 1 when the file's own expectations fail, 3 when a check is
    unknown or the search was cut.
    """
    stdout, stderr = _consoles()
    with _top_level(stderr, debug):
        from ringlitmus.ablate import AblateOptions, ablate_test

        test = _parse_one(file, defines, variants)
        options = AblateOptions(
            timeout_s=timeout,
            rlimit=rlimit,
            max_checks=max_checks,
            explain_redundant=not no_cycles,
        )
        result = ablate_test(test, options, variants or None)
        if as_json:
            from ringlitmus.reports.analysis_json import render_analysis_json

            click.echo(render_analysis_json("ablations", [result], __version__, "armv8"), nl=False)
        else:
            from ringlitmus.reports.ablate_text import render_ablation

            render_ablation(stdout, result)
        codes = [
            ExitCode.FAILED
            if variant.ok is False
            else ExitCode.UNKNOWN
            if variant.ok is None or variant.has_unknown
            else ExitCode.OK
            for variant in result.variants
        ]
    sys.exit(_worst(codes))
