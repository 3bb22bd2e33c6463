"""`ringlitmus check`: check files against their expectations; table, JSON, herd, JUnit."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ringlitmus import __version__, readahead
from ringlitmus.cli.common import (
    EXIT_CODES_HELP,
    ExitCode,
    batch_options,
    consoles,
    exit_code,
    model_option,
    run_files,
    run_options,
    same_file,
    top_level,
)
from ringlitmus.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from ringlitmus.batch import BatchOptions
    from ringlitmus.reports import FileReport


@dataclass(frozen=True)
class Shard:
    """`--shard K/N`: the K-th (1-based) of N disjoint parts of a run's files."""

    index: int
    count: int

    def select(self, paths: Sequence[str]) -> list[str]:
        """Every N-th of `paths` from the K-th on. `expand_paths` orders the files stably (the
        arguments' order, directories sorted by path), so runners given the same arguments
        split them into N parts that cover each file exactly once, sizes within one."""
        return [
            path for position, path in enumerate(paths) if position % self.count == self.index - 1
        ]


@dataclass(frozen=True)
class Target:
    """What a `check` run checks and where its results go besides the terminal."""

    files: Sequence[str]
    output_format: OutputFormat
    junit: str | None
    shard: Shard | None


def parse_shard(
    context: click.Context, parameter: click.Parameter, text: str | None
) -> Shard | None:
    """`K/N` with 1 <= K <= N, else a usage error (exit 2)."""
    if text is None:
        return None
    index, slash, count = text.partition("/")
    if not (slash and index.strip().isdigit() and count.strip().isdigit()):
        raise click.BadParameter(f"'{text}' is not K/N (e.g. --shard 2/4)")
    shard = Shard(int(index), int(count))
    if not 1 <= shard.index <= shard.count:
        raise click.BadParameter(f"'{text}': K must be from 1 to N")
    return shard


class OutputFormat(Enum):
    """What `check` prints on stdout."""

    TABLE = "table"
    JSON = "json"
    HERD = "herd"
    GITHUB = "github"


@click.command(epilog=EXIT_CODES_HELP, short_help="Check litmus files against their expectations.")
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice([choice.value for choice in OutputFormat]),
    default=None,
    help="table (default): a table per file; json: one document; herd: herd7's output "
    "(implies --states); github: GitHub Actions annotations (::error file=,line=::) for "
    "each failed, unknown or unreadable result. Under GITHUB_ACTIONS=true the annotations "
    "also go to stderr whatever the format.",
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
@click.option(
    "--shard",
    metavar="K/N",
    callback=parse_shard,
    help="Check only the K-th of N shards of the files (K from 1 to N): every N-th file of "
    "the expanded, sorted list, so N runners given the same PATHs check each file once.",
)
@model_option(allow_all=True)
@run_options
def check(
    files: tuple[str, ...],
    as_json: bool,
    output_format: str | None,
    states: bool,
    model: str | None,
    variants: tuple[str, ...],
    junit: str | None,
    shard: Shard | None,
    defines: dict[str, int],
    include_dirs: tuple[str, ...],
    timeout: float | None,
    rlimit: int | None,
    jobs: int | None,
    no_cache: bool,
    debug: bool,
    quiet: bool,
) -> None:
    """Decide every outcome of every variant of each PATH: a file, or a directory standing for
    the *.litmus files under it (*.prelude files are skipped: they are only included).

    Files are checked in parallel once their work outweighs starting workers (see -j);
    results print in the order of the arguments, a directory's files sorted by path, whatever
    -j. The run ends with a summary line (on stderr with --json, --format herd or github).
    Results decided before are read from the cache.

    An `expect` without `under` claims every model, so it is checked whatever --model says;
    `expect ... under MODEL` claims that model only (and replaces one without `under` there).
    """
    if as_json and output_format not in (None, "json"):
        raise click.UsageError(f"--json contradicts --format {output_format}")
    chosen = OutputFormat.JSON if as_json else OutputFormat(output_format or "table")
    if junit is not None and any(same_file(junit, path) for path in files):
        raise click.UsageError(f"--junit {junit} is an input; it will not be overwritten")
    if len(files) == 1 and shard is None:
        # One file, checked here: parse it on another core while z3 and rich are imported.
        readahead.start(files[0], defines, include_dirs)
    stdout, stderr = consoles()
    with top_level(stderr, debug):
        from ringlitmus.models import FILE_MODEL
        from ringlitmus.outcomes import CheckOptions

        check_options = CheckOptions(
            model=model or FILE_MODEL,
            timeout_s=timeout,
            rlimit=rlimit,
            states=states or chosen is OutputFormat.HERD,
            variants=variants or None,
            observation=chosen is OutputFormat.HERD,
        )
        options = batch_options(defines, no_cache, check_options, include_dirs)
        target = Target(files, chosen, junit, shard)
        code = _check(target, options, jobs, quiet, stdout, stderr)
    sys.exit(code)


def _check(
    target: Target,
    options: BatchOptions,
    jobs: int | None,
    quiet: bool,
    stdout: Console,
    stderr: Console,
) -> ExitCode:
    from ringlitmus.batch import expand_paths
    from ringlitmus.reports import file_status
    from ringlitmus.reports.herd import render_herd
    from ringlitmus.reports.text import render_error, render_result, render_summary

    output_format, junit = target.output_format, target.junit
    paths = expand_paths(target.files)
    if not paths:
        raise UsageError("nothing to check: *.prelude files are only ever included")
    if junit is not None and any(same_file(junit, path) for path in paths):
        raise UsageError(f"--junit {junit} is an input; it will not be overwritten")
    if target.shard is not None:
        paths = target.shard.select(paths)
        if not paths:
            shard = target.shard
            stderr.print(
                f"ringlitmus: shard {shard.index}/{shard.count} has no files; nothing to do"
            )
            return ExitCode.OK
    annotate = output_format is OutputFormat.GITHUB or os.environ.get("GITHUB_ACTIONS") == "true"

    def show(report: FileReport) -> None:
        if report.error is not None:
            render_error(stderr, report.error, report.file)
        if annotate:
            _annotate(report, output_format is OutputFormat.GITHUB)
        if quiet:
            return
        if output_format is OutputFormat.TABLE:
            render_result(stdout, report, show_states=options.check.states)
        elif output_format is OutputFormat.HERD:
            click.echo(render_herd(report), nl=False)

    started = time.perf_counter()
    reports, interrupted = run_files(paths, options, jobs, quiet, stderr, show)
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


def _annotate(report: FileReport, on_stdout: bool) -> None:
    """GitHub's workflow commands for `report`: on stdout with --format github (they are the
    output, and print even with --quiet: they are what the run reports), else on stderr,
    which the runner reads too, so that stdout stays the chosen format."""
    from ringlitmus.reports.github import render_github

    text = render_github([report])
    if text:
        click.echo(text, nl=False, err=not on_stdout)
