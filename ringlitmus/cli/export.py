"""`ringlitmus export --to herd`: print or write each variant of a test as a herd7 litmus test."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ringlitmus.cli.common import (
    EXIT_CODE_MEANINGS,
    ExitCode,
    consoles,
    debug_option,
    define_option,
    exit_codes_help,
    include_dir_option,
    parse_one,
    same_file,
    top_level,
)
from ringlitmus.errors import LitmusError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from ringlitmus import ir


class ExportFormat(Enum):
    """What `export --to` writes."""

    HERD = "herd"


EXPORT_EXIT_CODE_MEANINGS: Mapping[ExitCode, str] = {
    ExitCode.OK: "every test selected was printed or written",
    ExitCode.BAD_INPUT: "usage, read, parse or semantic error, a construct the format cannot\n"
    "      express, or a file that exists (without --force) or is the input",
    ExitCode.INTERNAL_ERROR: EXIT_CODE_MEANINGS[ExitCode.INTERNAL_ERROR],
    ExitCode.INTERRUPTED: EXIT_CODE_MEANINGS[ExitCode.INTERRUPTED],
}
EXPORT_EXIT_CODES_HELP = exit_codes_help(
    EXPORT_EXIT_CODE_MEANINGS,
    "Every test is translated and every file checked before the first one\nis written.",
)


@click.command(epilog=EXPORT_EXIT_CODES_HELP, short_help="Write a test in herd7's litmus format.")
@click.argument("file", type=click.Path(), metavar="FILE")
@click.option(
    "--to",
    "target",
    type=click.Choice([choice.value for choice in ExportFormat]),
    required=True,
    help="The format: herd (herd7's AArch64 litmus format).",
)
@click.option(
    "--variant",
    "variants",
    multiple=True,
    metavar="NAME",
    help="Only this variant (repeatable); every variant by default.",
)
@click.option(
    "--outcome",
    "outcome_names",
    multiple=True,
    metavar="NAME",
    help="Only this outcome (repeatable); every outcome by default.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    metavar="OUT",
    help="Write files instead of printing: OUT/ (an existing directory, or a path ending "
    "with /) gets NAME.litmus per test; any other OUT is one file for the one test selected.",
)
@click.option("--force", is_flag=True, help="Overwrite files that exist (never the input file).")
@define_option()
@include_dir_option()
@debug_option()
def export(
    file: str,
    target: str,
    variants: tuple[str, ...],
    outcome_names: tuple[str, ...],
    output: str | None,
    force: bool,
    defines: dict[str, int],
    include_dirs: tuple[str, ...],
    debug: bool,
) -> None:
    """Translate FILE (ring DSL or herd AArch64) into herd7 AArch64 litmus tests: one per
    variant, and per outcome when FILE has several, named TEST+VARIANT+OUTCOME (a lone
    variant `default` and a lone outcome are left out). A forbidden or allowed outcome becomes
    `exists`, a required one `forall`; the file's expectation becomes an `Expected=` line.
    ringlitmus reads each test back to the verdicts of FILE.

    Without -o the tests are printed, a blank line between two. Constructs herd cannot say
    (a product of two registers, `<` in an outcome, ...) are errors: nothing is guessed.

    \b
    ringlitmus export --to herd FILE                   every test on stdout
    ringlitmus export --to herd FILE -o DIR/           DIR/NAME.litmus per test
    ringlitmus export --to herd FILE --variant V -o OUT.litmus
    """
    _, stderr = consoles()
    with top_level(stderr, debug, file):
        test = parse_one(file, defines, variants, include_dirs)
        texts = _export(test, file, variants, outcome_names)
        if output is None:
            click.echo("\n".join(texts.values()), nl=False)
        else:
            paths = _paths(output, list(texts), _narrowing_hint(test))
            _write(dict(zip(paths, texts.values(), strict=True)), file, force, stderr)
    sys.exit(ExitCode.OK)


def _export(
    test: ir.Test, file: str, variants: Sequence[str], outcome_names: Sequence[str]
) -> dict[str, str]:
    """The herd text of each test selected, by herd test name, in `export_names` order."""
    from ringlitmus.batch import add_source_line
    from ringlitmus.reports.herd_export import export_herd, export_names

    outcomes = [outcome.name for outcome in test.outcomes]
    if not outcomes:
        raise UsageError(f"{file} states no outcome, and a herd test is its final condition")
    for name in outcome_names:
        if name not in outcomes:
            raise UsageError(f"no outcome '{name}' in {file}; it has: {', '.join(outcomes)}")
    texts: dict[str, str] = {}
    for variant, outcome, name in export_names(test):
        if (variants and variant not in variants) or (
            outcome_names and outcome not in outcome_names
        ):
            continue
        try:
            texts[name] = export_herd(test, variant, outcome)
        except LitmusError as error:
            add_source_line(error)  # the export reads IR; the caret needs the file's line
            raise
    return texts


def _narrowing_hint(test: ir.Test) -> str:
    """Which options pick one test of `test`."""
    options = []
    if len(test.variants) > 1:
        options.append("--variant")
    if len(test.outcomes) > 1:
        options.append("--outcome")
    return " and ".join(options)


def _paths(output: str, names: Sequence[str], hint: str) -> list[Path]:
    """Where each test goes: OUT/NAME.litmus for a directory, else OUT for the only test."""
    if output.endswith(("/", os.sep)) or Path(output).is_dir():
        return [Path(output) / f"{name}.litmus" for name in names]
    if len(names) > 1:
        raise UsageError(
            f"the export is {len(names)} tests ({', '.join(names)}) and -o {output} is one "
            f"file: choose one with {hint}, or write them all to a directory (-o DIR/)"
        )
    return [Path(output)]


def _write(texts: Mapping[Path, str], source: str, force: bool, stderr: Console) -> None:
    """Create each file; refuse, before writing any, to touch the input or (without `force`)
    a file that exists."""
    for path in texts:
        if same_file(str(path), source):
            raise UsageError(
                f"{path} is the input file; it will not be overwritten, even with --force"
            )
        if not force and (path.exists() or path.is_symlink()):
            raise UsageError(f"{path} exists; it will not be overwritten without --force")
    for path, text in texts.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # "x" as well as the check above: a file that appears meanwhile is kept too.
            with open(path, "w" if force else "x", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
        stderr.print(f"wrote {path}", soft_wrap=True, highlight=False, markup=False)
