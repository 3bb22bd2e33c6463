"""Run `ringlitmus check` on a file in a directory, in this process or in a child, and judge
what it did: exit code, error location, no traceback, no hang, no write."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from ringlitmus.cli import main

# Z3 gives up on a query after this many resource units: a mutant cannot make the solver run
# away, and the limit is the same on every machine.
RLIMIT = 2_000_000
# A child still running after this long has hung: the inputs run this way check in ~1 s.
SUBPROCESS_LIMIT_S = 20
# In this process a hang can only be noticed between bytecodes (Z3 is bounded by RLIMIT), and
# the limit is generous: it tells an endless loop from a loaded machine, it does not time.
IN_PROCESS_LIMIT_S = 120
CHECKED = {0, 1, 3}  # ok, failed, unknown: the file was parsed and checked
BAD_INPUT = 2
ERROR_LINE = re.compile(
    r"^(?P<file>[^\n:]+):(?:(?P<line>\d+):(?P<column>\d+):)? error: \S", re.MULTILINE
)


@dataclass(frozen=True)
class Run:
    """What one `ringlitmus` command did: its exit code, its stdout, and everything it printed
    (stdout and stderr)."""

    exit_code: int
    stdout: str
    output: str


class Hang(BaseException):
    """The in-process run outlived IN_PROCESS_LIMIT_S. A BaseException, so that neither the
    CLI's top level nor CliRunner takes it for an error of the program."""


def check_arguments(files: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
    """`check` with the solver bounded, no cache and no worker processes."""
    return ["check", "--no-cache", "-j", "1", "--rlimit", str(RLIMIT), *extra, *files]


@contextlib.contextmanager
def _alarm(seconds: int) -> Iterator[None]:
    def ring(signal_number: int, frame: object) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_in_process(directory: Path, arguments: Sequence[str]) -> Run:
    """`ringlitmus ARGUMENTS` with CliRunner, in `directory` (files named relative to it, so
    messages name them as a user would type them)."""
    previous = Path.cwd()
    os.chdir(directory)
    try:
        with _alarm(IN_PROCESS_LIMIT_S):
            result = CliRunner().invoke(main, list(arguments))
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # CliRunner turns an exception that escaped the CLI into exit code 1: not a verdict.
        assert result.exc_info is not None
        raise AssertionError(
            "an exception escaped the CLI:\n"
            + "".join(traceback.format_exception(*result.exc_info))
        )
    return Run(result.exit_code, result.stdout, result.output)


def run_subprocess(directory: Path, arguments: Sequence[str]) -> Run:
    """`python -m ringlitmus ARGUMENTS` in `directory`; a failure if it outlives the limit."""
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "ringlitmus", *arguments],
            cwd=directory,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=SUBPROCESS_LIMIT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"hang: `ringlitmus {' '.join(arguments)}` ran for more than "
            f"{SUBPROCESS_LIMIT_S} s in {directory}"
        ) from None
    return Run(completed.returncode, completed.stdout, completed.stdout + completed.stderr)


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in `directory` with its bytes and modification time (ns)."""
    return {
        path.name: (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(directory.iterdir())
    }


def line_count(data: bytes) -> int:
    """How many lines an editor shows, whatever the line endings (LF, CRLF or bare CR)."""
    return max(data.count(b"\n"), len(data.splitlines())) + 1


def assert_handled(run: Run, inputs: dict[str, bytes]) -> None:
    """The run parsed and checked the file (exit 0, 1 or 3), or rejected it with exit 2 and
    an error that names one of `inputs` (file name -> bytes) at a line:column inside it, or
    the file alone. Never a traceback, never an internal error."""
    assert "Traceback" not in run.output, run.output
    assert "internal error" not in run.output, run.output
    if run.exit_code in CHECKED:
        return
    assert run.exit_code == BAD_INPUT, f"exit {run.exit_code}:\n{run.output}"
    errors = list(ERROR_LINE.finditer(run.output))
    assert errors, f"exit 2 without a `file:line:col: error:` line:\n{run.output}"
    for error in errors:
        assert error["file"] in inputs, f"the error names no input:\n{run.output}"
        if error["line"] is None:
            continue
        line, column = int(error["line"]), int(error["column"])
        assert 1 <= line <= line_count(inputs[error["file"]]), run.output
        assert column >= 1, run.output
