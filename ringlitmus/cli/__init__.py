"""The `ringlitmus` command: parse, check and report each file; decide the exit code.

Only this package imports click and calls `sys.exit`. One module per command (check.py,
diff.py, analysis.py for explain and ablate, export.py); common.py holds the exit codes and
their one decision, the shared options and the top-level error handling. The pipeline (lark,
z3) and the reports (rich) are imported inside the commands, so `ringlitmus --help` starts in
a blink.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from ringlitmus import __version__, readahead
from ringlitmus.cli.analysis import ablate, explain
from ringlitmus.cli.check import check
from ringlitmus.cli.common import EXIT_CODES_HELP, ExitCode, exit_code
from ringlitmus.cli.diff import diff
from ringlitmus.cli.export import export
from ringlitmus.process import set_up

__all__ = ["ExitCode", "exit_code", "main", "run"]


@click.group(
    commands=[check, diff, explain, ablate, export],
    epilog=EXIT_CODES_HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", "-V", prog_name="ringlitmus")
def main() -> None:
    """Which forbidden outcomes of a lock-free ring protocol can ARMv8 reach?

    Reads ring-DSL files and herd AArch64 litmus tests and decides, with Z3, every outcome of
    every variant against the file's own expectations.
    """


def run() -> NoReturn:
    """The `ringlitmus` program: run the command, then leave without tearing Python down.

    By the time the command returns, every report is written and the cache files are
    closed; what is left is freeing a few hundred thousand objects and the Z3 terms they hold,
    30-70 ms (more for a large ring) that no one should wait for. mypy ends the same way.
    """
    set_up()
    try:
        main(prog_name="ringlitmus")
        code: int | str | None = 0
    except SystemExit as done:  # click's standalone mode always ends here
        code = done.code
    readahead.cancel()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (`| head`): nothing more can be said anyway
        pass
    if isinstance(code, str):  # sys.exit("message") prints it and exits 1
        print(code, file=sys.stderr, flush=True)
        code = 1
    os._exit(code or 0)
