"""`ringlitmus diff`: compare outcomes before and after a change (files, dirs, git, variants)."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ringlitmus import __version__
from ringlitmus.cli.common import (
    EXIT_CODE_MEANINGS,
    ExitCode,
    batch_options,
    consoles,
    exit_code,
    exit_codes_help,
    model_option,
    run_files,
    run_options,
    top_level,
)

if TYPE_CHECKING:
    from rich.console import Console

    from ringlitmus.batch import BatchOptions
    from ringlitmus.compare import DiffPlan

DIFF_EXIT_CODE_MEANINGS: Mapping[ExitCode, str] = {
    ExitCode.OK: "nothing the old side claims unreachable became reachable; no claim weakened "
    "(or all accepted)",
    ExitCode.FAILED: "an outcome the old side claims unreachable became reachable (or an added "
    "one is reachable though claimed unreachable), or a claim was weakened",
    ExitCode.BAD_INPUT: "usage, git, read, parse or semantic error on either side",
    ExitCode.UNKNOWN: "some outcome is unknown on a side, and nothing is worse",
    ExitCode.INTERNAL_ERROR: EXIT_CODE_MEANINGS[ExitCode.INTERNAL_ERROR],
    ExitCode.INTERRUPTED: EXIT_CODE_MEANINGS[ExitCode.INTERRUPTED],
}
DIFF_EXIT_CODES_HELP = exit_codes_help(
    DIFF_EXIT_CODE_MEANINGS, "The worst wins: 2, then 1, then 3, then 0."
)


@click.command(
    epilog=DIFF_EXIT_CODES_HELP, short_help="Compare outcomes before and after a change."
)
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
@click.option(
    "--accept-weakened-claims",
    is_flag=True,
    help="Still list claims the new side weakened (forbidden -> allowed, an expectation "
    "dropped or narrowed, a variant, outcome or file removed) but do not exit 1 for them.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@model_option()
@run_options
def diff(
    paths: tuple[str, ...],
    revisions: str | None,
    variants: tuple[str, str] | None,
    accept_weakened_claims: bool,
    as_json: bool,
    model: str | None,
    defines: dict[str, int],
    include_dirs: tuple[str, ...],
    timeout: float | None,
    rlimit: int | None,
    jobs: int | None,
    no_cache: bool,
    debug: bool,
    quiet: bool,
) -> None:
    """Show, for every outcome of every variant of every test on either side, whether it is
    unchanged, newly reachable, newly unreachable, added, removed or unknown, and whether a
    reachable outcome's witness changed. Outcomes are judged by the old side's claims, and
    every change of a claim (kind, condition, expectation, a variant, outcome or file removed
    or added) is listed as weakened, strengthened or added.

    \b
    ringlitmus diff OLD NEW                 two files, or two directories (matched by path)
    ringlitmus diff --rev A..B PATH...      git revisions of the same paths
    ringlitmus diff FILE --variants BEFORE AFTER
    """
    stdout, stderr = consoles()
    with top_level(stderr, debug), tempfile.TemporaryDirectory(prefix="ringlitmus-") as workspace:
        from ringlitmus.compare import plan_diff
        from ringlitmus.models import FILE_MODEL
        from ringlitmus.outcomes import CheckOptions

        plan = plan_diff(paths, revisions, variants or None, Path(workspace), include_dirs)
        check_options = CheckOptions(
            model=model or FILE_MODEL, timeout_s=timeout, rlimit=rlimit, variants=plan.variants
        )
        options = batch_options(defines, no_cache, check_options, plan.include_dirs)
        code = _diff(plan, options, jobs, as_json, accept_weakened_claims, quiet, stdout, stderr)
    sys.exit(code)


def _diff(
    plan: DiffPlan,
    options: BatchOptions,
    jobs: int | None,
    as_json: bool,
    accept_weakened_claims: bool,
    quiet: bool,
    stdout: Console,
    stderr: Console,
) -> ExitCode:
    from ringlitmus.compare import collect
    from ringlitmus.reports.diff import diff_status
    from ringlitmus.reports.diff_report import render_diff, render_diff_json
    from ringlitmus.reports.text import render_error

    paths = [source.path for source in plan.sources]
    reports, interrupted = run_files(paths, options, jobs, quiet, stderr, lambda _: None)
    if interrupted:
        stderr.print(f"ringlitmus: interrupted after {len(reports)} of {len(paths)} files")
        return ExitCode.INTERRUPTED
    result, errors = collect(plan, reports)
    for report in errors:
        if report.error is not None:
            render_error(stderr, report.error, report.file)
        elif report.unknown is not None:
            stderr.print(f"{report.file}: unknown: {report.unknown}", soft_wrap=True)
    accept = accept_weakened_claims
    if as_json and not quiet:
        from ringlitmus.reports.json_report import models_named

        model = models_named(reports, options.check.model)
        document = render_diff_json(result, errors, __version__, model, accept)
        click.echo(document, nl=False)
    elif not quiet:
        render_diff(stdout, result, accept)
    return exit_code([diff_status(result, errors, accept)])
