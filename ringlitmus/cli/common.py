"""What every command shares: exit codes and their one decision, options, error handling.

The pipeline (lark, z3) and the reports (rich) are imported inside functions, so
`ringlitmus --help` starts in a blink.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ringlitmus.errors import LitmusError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from ringlitmus import ir
    from ringlitmus.batch import BatchOptions
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


EXIT_CODE_MEANINGS: Mapping[ExitCode, str] = {
    ExitCode.OK: "every expectation holds (where a file states none: no forbidden\n"
    "      outcome is reachable and no required outcome is violated)",
    ExitCode.FAILED: "an expectation fails, or a forbidden outcome is reachable",
    ExitCode.BAD_INPUT: "usage, read, parse or semantic error, an unsupported construct,\n"
    "      or a variant with no execution at all",
    ExitCode.UNKNOWN: "some result is unknown (solver gave up, timeout) and nothing is worse",
    ExitCode.INTERNAL_ERROR: "internal error: a bug in ringlitmus, please report it",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}


def exit_codes_help(meanings: Mapping[ExitCode, str], rule: str) -> str:
    """A command's epilog: the exit code table, then the rule that picks one."""
    lines = [f"  {int(code):<3} {meaning}" for code, meaning in meanings.items()]
    return "\b\nExit codes:\n" + "\n".join(lines) + "\n\n\b\n" + rule


EXIT_CODES_HELP = exit_codes_help(
    EXIT_CODE_MEANINGS,
    "With several files the worst wins: 2 if any file could not be read\n"
    "or parsed, else 1 if any failed, else 3 if any result is unknown, else 0.",
)

# What click.option(...) returns, as the commands here use it.
Decorator = Callable[[Callable[..., None]], Callable[..., None]]
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


def status_of(ok: bool | None, unknown: bool = False) -> FileStatus:
    """How one result fared against its claim: FAILED, else UNKNOWN (ok is None, or `unknown`),
    else PASSED; what `exit_code` reads for the results of `explain` and `ablate`."""
    from ringlitmus.reports import FileStatus

    if ok is False:
        return FileStatus.FAILED
    if ok is None or unknown:
        return FileStatus.UNKNOWN
    return FileStatus.PASSED


# --------------------------------------------------------------------------- options


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


def define_option() -> Decorator:
    """`-D NAME=VALUE`, repeatable, parsed into a dict."""
    return click.option(
        "-D",
        "defines",
        multiple=True,
        metavar="NAME=VALUE",
        callback=_parse_defines,
        help="Define a ring-DSL constant (repeatable), e.g. -D N=4.",
    )


def include_dir_option() -> Decorator:
    """`--include-dir DIR`, repeatable: where a ring test may include from besides its own
    directory."""
    return click.option(
        "--include-dir",
        "include_dirs",
        multiple=True,
        type=click.Path(exists=True, file_okay=False),
        metavar="DIR",
        help="Also allow `include` to read files under DIR (repeatable). Without it a test "
        "includes only files under its own directory ('..' and symbolic links followed).",
    )


def rlimit_option() -> Decorator:
    """`--rlimit N`: Z3's deterministic resource limit."""
    return click.option(
        "--rlimit",
        type=click.IntRange(min=1),
        metavar="N",
        help="Give up on a query after N units of Z3 resource (the same answer on every machine).",
    )


def timeout_option(meaning: str) -> Decorator:
    """`--timeout SECONDS`, with the command's own meaning."""
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        metavar="SECONDS",
        help=meaning,
    )


# The registry's names (ringlitmus.models.MODELS; a test keeps them equal), written out so
# that `--help` does not import every model.
MODEL_NAMES = ("armv8", "tso", "sc", "lkmm")


def model_option(allow_all: bool = False) -> Decorator:
    """`--model NAME`: which memory model judges the tests (`all`: each that can, side by
    side, where the command can show them so); without it, each file's architecture's."""
    names = [*MODEL_NAMES, "all"] if allow_all else list(MODEL_NAMES)
    every = " all: every model that can judge the file, side by side." if allow_all else ""
    return click.option(
        "--model",
        type=click.Choice(names),
        default=None,
        help="The memory model: armv8 (the Arm ARM's), tso (x86-TSO, herd's x86tso.cat), sc "
        "(sequential consistency) or lkmm (the Linux-kernel memory model, linux-kernel.cat "
        "with locks, RCU, SRCU and plain accesses; flags such as data-race are reported). "
        "herd X86 tests need tso or sc; under tso a full DMB is an MFENCE and "
        "acquire/release add nothing. Without --model each file is judged by the model herd7 "
        "uses for its architecture, so a directory may mix formats." + every + " [default: the "
        "file's architecture: lkmm for C, tso for X86, armv8 for AArch64 and the ring DSL]",
    )


def debug_option() -> Decorator:
    """`--debug`: the traceback of an internal error."""
    return click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")


def apply_options(
    command: Callable[..., None], options: Sequence[Decorator]
) -> Callable[..., None]:
    """Decorate `command` with `options`, the first listed first in `--help`."""
    for option in reversed(options):
        command = option(command)
    return command


def run_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options `check` and `diff` share: constants, solver limits, jobs, cache, output."""
    return apply_options(
        command,
        [
            define_option(),
            include_dir_option(),
            timeout_option(
                "Bound each file's whole check (parsing, symbolic execution, encoding, "
                "solving) to about SECONDS; what it stops is unknown (exit 3), the reason "
                "naming the phase. It bounds memory too: the longer a check, the larger."
            ),
            rlimit_option(),
            click.option(
                "-j",
                "--jobs",
                type=click.IntRange(min=1),
                metavar="N",
                help="Check files in N worker processes (1: in this process). By default files "
                "are checked in this process, and the rest in one worker per core once the "
                "files' measured work outweighs starting workers.",
            ),
            click.option(
                "--no-cache",
                is_flag=True,
                help="Neither read nor write the result cache ($RINGLITMUS_CACHE_DIR, default "
                "~/.cache/ringlitmus).",
            ),
            debug_option(),
            click.option(
                "--quiet", "-q", is_flag=True, help="Print nothing but errors; read the exit code."
            ),
        ],
    )


# --------------------------------------------------------------------------- running files


def batch_options(
    defines: Mapping[str, int],
    no_cache: bool,
    check: CheckOptions,
    include_dirs: Sequence[str] = (),
) -> BatchOptions:
    """What every file is checked with; the cache directory comes from the environment."""
    from ringlitmus.batch import BatchOptions
    from ringlitmus.cache import Cache, default_cache_dir

    cache = None if no_cache else Cache(default_cache_dir(os.environ))
    return BatchOptions(check, dict(defines), cache, include_dirs=tuple(include_dirs))


def run_files(
    paths: Sequence[str],
    options: BatchOptions,
    jobs: int | None,
    quiet: bool,
    stderr: Console,
    show: Callable[[FileReport], None],
) -> tuple[list[FileReport], bool]:
    """`batch.check_in_order` with a progress bar on a terminal (more than one file)."""
    from ringlitmus.batch import check_in_order
    from ringlitmus.reports.progress import ProgressBar

    enabled = not quiet and stderr.is_terminal and len(paths) > 1
    with ProgressBar(stderr, len(paths), enabled) as bar:
        return check_in_order(paths, options, jobs, show, bar.advance)


def parse_one(
    file: str,
    defines: Mapping[str, int],
    variants: Sequence[str],
    include_dirs: Sequence[str] = (),
) -> ir.Test:
    """Parse FILE (including from its directory and `include_dirs`) and check that the
    variants asked for exist."""
    from ringlitmus.frontends import parse_file

    if Path(file).is_dir():
        raise UsageError(f"'{file}' is a directory; this command reads one litmus file")
    test = parse_file(file, dict(defines), include_dirs)
    declared = [variant.name for variant in test.variants]
    for name in variants:
        if name not in declared:
            raise UsageError(f"no variant '{name}' in {file}; it has: {', '.join(declared)}")
    return test


# --------------------------------------------------------------------------- the top level


def consoles() -> tuple[Console, Console]:
    """stdout and stderr, without rich's guesses at highlighting."""
    from rich.console import Console

    return Console(highlight=False), Console(stderr=True, highlight=False)


@contextlib.contextmanager
def top_level(stderr: Console, debug: bool, file: str = "ringlitmus") -> Iterator[None]:
    """Where a command's errors end: a LitmusError of the whole run (a bad --rev, ...) exits 2
    with its message (`file:` before it when it has no position), Ctrl-C 130, anything else
    is our bug (70)."""
    from ringlitmus.reports.text import render_error, render_internal_error

    try:
        yield
    except LitmusError as error:
        render_error(stderr, error, file)
        sys.exit(ExitCode.BAD_INPUT)
    except KeyboardInterrupt:
        stderr.print("ringlitmus: interrupted", soft_wrap=True)
        sys.exit(ExitCode.INTERRUPTED)
    except Exception as error:  # the CLI's top level: anything left is our bug
        render_internal_error(stderr, error, debug)
        sys.exit(ExitCode.INTERNAL_ERROR)


def same_file(first: str, second: str) -> bool:
    """Whether two paths name one file (or, where either is missing, the same path)."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return os.path.abspath(first) == os.path.abspath(second)
