"""`ringlitmus explain` and `ringlitmus ablate`: why an outcome is (un)reachable, which
orderings it needs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ringlitmus import __version__
from ringlitmus.cli.common import (
    EXIT_CODES_HELP,
    apply_options,
    consoles,
    debug_option,
    define_option,
    exit_code,
    include_dir_option,
    model_option,
    parse_one,
    rlimit_option,
    same_file,
    status_of,
    timeout_option,
    top_level,
)
from ringlitmus.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from ringlitmus.explain import Explanation


def _analysis_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options `explain` and `ablate` share: variants, constants, limits, output."""
    return apply_options(
        command,
        [
            click.option(
                "--variant",
                "variants",
                multiple=True,
                metavar="NAME",
                help="Only this variant (repeatable); every variant by default.",
            ),
            model_option(),
            define_option(),
            include_dir_option(),
            rlimit_option(),
            click.option("--json", "as_json", is_flag=True, help="Print one JSON document."),
            debug_option(),
        ],
    )


@click.command(epilog=EXIT_CODES_HELP, short_help="Show why an outcome is reachable or not.")
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
@timeout_option("Give up on a query after SECONDS (its result is unknown).")
@_analysis_options
def explain(
    file: str,
    outcome_names: tuple[str, ...],
    dot_file: str | None,
    svg_file: str | None,
    timeout: float | None,
    variants: tuple[str, ...],
    model: str | None,
    defines: dict[str, int],
    include_dirs: tuple[str, ...],
    rlimit: int | None,
    as_json: bool,
    debug: bool,
) -> None:
    """Explain each outcome of FILE: for a reachable one, a witness execution (events per
    thread with their values; rf, co, fr and the ordering edges, each named by its model
    relation); for an unreachable one, a candidate execution that reaches the final state and
    the cycle of model edges, from a minimal unsat core, that rules it out.
    """
    stdout, stderr = consoles()
    with top_level(stderr, debug):
        from ringlitmus.explain import ExplainOptions, explain_test
        from ringlitmus.models import FILE_MODEL, model_for, require_model

        test = parse_one(file, defines, variants, include_dirs)
        outcomes = [outcome.name for outcome in test.outcomes]
        for name in outcome_names:
            if name not in outcomes:
                raise UsageError(f"no outcome '{name}' in {file}; it has: {', '.join(outcomes)}")
        for output in (dot_file, svg_file):
            if output is not None and same_file(output, file):
                raise UsageError(f"{output} is the input file; it will not be overwritten")
        model = model_for(model or FILE_MODEL, test)
        options = ExplainOptions(model=model, timeout_s=timeout, rlimit=rlimit)
        require_model(options.model, test)
        found = explain_test(test, options, variants or None, outcome_names or None)
        if (dot_file or svg_file) and len(found) != 1:
            raise UsageError(
                f"--dot and --svg draw one explanation, and {len(found)} are selected: "
                "choose one with --variant and --outcome"
            )
        if as_json:
            from ringlitmus.reports.analysis_json import render_analysis_json

            click.echo(
                render_analysis_json("explanations", found, __version__, options.model), nl=False
            )
        else:
            from ringlitmus.reports.explain_text import render_explanations

            render_explanations(stdout, found)
        if dot_file or svg_file:
            _draw(found[0], dot_file, svg_file, file, stderr)
        code = exit_code(status_of(explanation.ok) for explanation in found)
    sys.exit(code)


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
        if same_file(dot_file, source):
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


@click.command(epilog=EXIT_CODES_HELP, short_help="Find which orderings are necessary.")
@click.argument("file", type=click.Path(), metavar="FILE")
@timeout_option(
    "Stop the whole analysis after SECONDS: checks not made are reported as unknown (never "
    "as necessary, redundant or a repair), the search for the minimal set as cut."
)
@click.option(
    "--max-checks",
    type=click.IntRange(min=1),
    metavar="N",
    help="Stop after N solver checks in all variants (as --timeout, but the same on every "
    "machine); each variant is still checked once as written.",
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
    model: str | None,
    defines: dict[str, int],
    include_dirs: tuple[str, ...],
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
    stdout, stderr = consoles()
    with top_level(stderr, debug):
        from ringlitmus.ablate import AblateOptions, ablate_test
        from ringlitmus.models import FILE_MODEL, model_for, require_model

        test = parse_one(file, defines, variants, include_dirs)
        options = AblateOptions(
            model=model_for(model or FILE_MODEL, test),
            timeout_s=timeout,
            rlimit=rlimit,
            max_checks=max_checks,
            explain_redundant=not no_cycles,
        )
        require_model(options.model, test)
        result = ablate_test(test, options, variants or None)
        if as_json:
            from ringlitmus.reports.analysis_json import render_analysis_json

            click.echo(
                render_analysis_json("ablations", [result], __version__, options.model), nl=False
            )
        else:
            from ringlitmus.reports.ablate_text import render_ablation

            render_ablation(stdout, result)
        code = exit_code(status_of(variant.ok, variant.has_unknown) for variant in result.variants)
    sys.exit(code)
