"""Read-ahead: the child's parse is the parse, its errors are the errors, and nothing leaks.

Each case runs in a fresh interpreter: the read-ahead only forks a process that has not loaded
z3 and has one thread, which pytest's process is not.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from ring_helpers import LITMUS

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

RING = LITMUS / "kvm-dirty-ring" / "ring.litmus"


def run(program: str) -> str:
    """Run `program` in a fresh interpreter with `readahead` and `parse_file` imported."""
    prologue = "import os, sys\nfrom ringlitmus import readahead\n"
    completed = subprocess.run(
        [sys.executable, "-P", "-c", prologue + textwrap.dedent(program)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


def test_the_child_parses_what_this_process_would() -> None:
    output = run(f"""
        readahead.start({str(RING)!r}, {{"N": 3}})
        (pid, _), = readahead._pending.values()
        assert pid != os.getpid()
        import z3  # what the parent does meanwhile
        from ringlitmus.frontends import parse_file
        ahead = readahead.take({str(RING)!r}, {{"N": 3}})
        here = parse_file({str(RING)!r}, {{"N": 3}})
        assert ahead is not None and ahead == here and ahead is not here
        assert [v.program for v in ahead.variants] == [v.program for v in here.variants]
        assert [v.span for v in ahead.variants] == [v.span for v in here.variants]
        print("same")
    """)
    assert output == "same"


def test_the_childs_error_is_the_error_parsing_here_gives(tmp_path: object) -> None:
    broken = f"{tmp_path}/broken.litmus"
    output = run(f"""
        open({broken!r}, "w").write("thread P0 {{\\n  x = \\n}}\\n")
        from ringlitmus.errors import LitmusError
        from ringlitmus.frontends import parse_file
        readahead.start({broken!r}, {{}})
        errors = []
        for parse in (lambda: readahead.take({broken!r}, {{}}), lambda: parse_file({broken!r})):
            try:
                parse()
            except LitmusError as error:
                errors.append((type(error), str(error), error.span, error.source_line))
        assert len(errors) == 2 and errors[0] == errors[1], errors
        print(errors[0][2].line, errors[0][2].column)
    """)
    assert output == "2 7"


BROKEN = {
    "syntax.litmus": "x = 0\nthread P0: store x = 1 $\n",
    "location.litmus": "x = 0\nthread P0: store y = 1\n",
    "register.litmus": "x = 0\nthread P0: store x = r9\n",
    "thread.litmus": "x = 0\nthread P0: store x = 1\nthread P0: store x = 2\n",
    "type.litmus": "x = 0\nparam o = acquire\nthread P0: r0 = o + 1\n",
    "include.litmus": 'include "missing.prelude"\nthread P0: isb\n',
    "unsupported.litmus": "x = 0\nthread P0 { for i in 0..100000 { store x = i } }\n",
    "herd.litmus": "AArch64 A\n{ 0:X1=x; }\n P0 ;\n FOO W0,[X1] ;\nexists (0:X0=1)\n",
    "binary.litmus": "x = 0\nthread P0: isb\n\udcff\n",
}


def test_every_kind_of_error_crosses_over_unchanged(tmp_path: object) -> None:
    for name, text in BROKEN.items():
        with open(f"{tmp_path}/{name}", "w", encoding="utf-8", errors="surrogateescape") as file:
            file.write(text)
    output = run(f"""
        from ringlitmus.errors import LitmusError
        from ringlitmus.frontends import parse_file

        def outcome(parse):
            try:
                parse()
            except LitmusError as error:
                return type(error).__name__, str(error), error.span, error.source_line
            return "no error"

        kinds = []
        for name in {sorted(BROKEN)!r}:
            path = {str(tmp_path)!r} + "/" + name
            readahead.start(path, {{}})
            assert readahead._pending, name
            ahead = outcome(lambda: readahead.take(path, {{}}))
            here = outcome(lambda: parse_file(path))
            assert ahead == here, (ahead, here)
            kinds.append(here[0])
        print(" ".join(sorted(set(kinds))))
    """)
    assert output.split() == [
        "DuplicateThreadError",
        "IncludeError",
        "LitmusSyntaxError",
        "TypeMismatchError",
        "UndeclaredLocationError",
        "UnknownRegisterError",
        "UnsupportedInstructionError",
    ]


def test_a_child_that_dies_costs_only_the_time() -> None:
    output = run(f"""
        readahead._child = lambda *arguments: os._exit(1)
        readahead.start({str(RING)!r}, {{}})
        assert readahead._pending
        print(readahead.take({str(RING)!r}, {{}}), readahead._pending)
    """)
    assert output == "None {}"


def test_nothing_is_forked_once_z3_is_loaded_or_for_what_check_does_not_parse() -> None:
    prelude = LITMUS / "kvm-dirty-ring" / "kvm-dirty-ring.prelude"
    output = run(f"""
        for path in ({str(prelude)!r}, {str(LITMUS)!r}, {str(LITMUS / "missing.litmus")!r}):
            readahead.start(path, {{}})
        print(len(readahead._pending))
        import z3
        readahead.start({str(RING)!r}, {{}})
        print(len(readahead._pending), readahead.take({str(RING)!r}, {{}}))
    """)
    assert output.split() == ["0", "0", "None"]


def test_a_parse_not_taken_is_stopped_and_reaped() -> None:
    output = run(f"""
        readahead.start({str(RING)!r}, {{"N": 64}})
        (pid, _), = readahead._pending.values()
        assert readahead.take({str(RING)!r}, {{"N": 2}}) is None  # other defines: not it
        readahead.cancel()
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            print("reaped", readahead._pending)
    """)
    assert output == "reaped {}"


def test_one_file_on_the_command_line_is_read_ahead() -> None:
    """`check FILE` forks the parse (seen through os.fork) and reports as it always did."""
    output = run(f"""
        forked = []
        fork = os.fork
        def counting_fork():
            pid = fork()
            if pid:
                forked.append(pid)
            return pid
        os.fork = counting_fork
        from ringlitmus.cli import main
        try:
            main(["check", "--no-cache", "--quiet", {str(RING)!r}], standalone_mode=False)
        except SystemExit as done:
            print(len(forked), done.code, readahead._pending)
    """)
    assert output == "1 0 {}"
