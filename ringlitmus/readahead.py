"""Parse the first file in a forked child while this process imports the solver and reports.

A check of one file starts with two independent pieces of work of about the same size: parsing
it (lark, the grammar's tables, the file and its includes: 60-90 ms for a ring) and importing
z3, rich and the encoder (~90 ms). Both are Python code, so threads would take turns on one
core; a child forked before either starts runs the parse on the other core and sends back the
parsed test (or the LitmusError that stopped it), pickled, as a `-j` worker does.

Only where that is safe and cheap: Linux (fork without exec is well defined there), before z3
is loaded, in a process with no other thread. Anything unexpected on the child's side (it
crashed, it sent something unreadable) only costs the time: the file is parsed here instead,
and whatever went wrong in the child happens again here, where it is reported as usual.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, BinaryIO

from ringlitmus.deadline import Deadline, Phase
from ringlitmus.errors import LitmusError
from ringlitmus.frontends.source import PRELUDE_SUFFIX

if TYPE_CHECKING:
    from ringlitmus import ir

# What a parse depends on: the path, the defines and the include directories.
_Key = tuple[str, tuple[tuple[str, int], ...], tuple[str, ...]]

# Key -> (the child's pid, the read end of its pipe).
_pending: dict[_Key, tuple[int, int]] = {}


def start(path: str, defines: Mapping[str, int], include_dirs: Sequence[str] = ()) -> None:
    """Begin parsing `path` with `defines` and `include_dirs` in a child process, when that is
    possible and `path` is a file `check` parses (a directory, a prelude or a missing file is
    left to it)."""
    key = _key(path, defines, include_dirs)
    if key in _pending or not _is_checked_file(path) or not _can_fork():
        return
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return
    if pid == 0:
        _child(key, read_end, write_end)
    os.close(write_end)
    _pending[key] = (pid, read_end)


def take(
    path: str,
    defines: Mapping[str, int],
    include_dirs: Sequence[str] = (),
    deadline: Deadline | None = None,
) -> ir.Test | None:
    """The test the child parsed (raising the LitmusError it met, with the includes that led
    to its file), or None when no child was started for it or its answer cannot be used: then
    the caller parses. Past `deadline` the child is stopped, wherever it is in its parse, and
    CheckTimeoutError (PARSING) raised."""
    entry = _pending.pop(_key(path, defines, include_dirs), None)
    if entry is None:
        return None
    pid, read_end = entry
    try:
        with os.fdopen(read_end, "rb") as pipe:
            data = _read_all(pipe, deadline)
    except BaseException:  # Ctrl-C or the deadline while waiting: the child would parse on
        _stop(pid)
        raise
    os.waitpid(pid, 0)
    import pickle  # here, not at the top: `ringlitmus --help` imports this module

    try:
        kind, value = pickle.loads(data)
    except Exception:  # the child died before answering: parse here
        return None
    if kind == "error" and isinstance(value, LitmusError):
        raise value
    from ringlitmus import ir  # loaded by now: unpickling the test needed it

    return value if kind == "test" and isinstance(value, ir.Test) else None


def _read_all(pipe: BinaryIO, deadline: Deadline | None) -> bytes:
    """Everything the child writes, waiting no later than `deadline`."""
    if deadline is None:
        return pipe.read()
    import selectors

    chunks = []
    with selectors.DefaultSelector() as selector:
        selector.register(pipe, selectors.EVENT_READ)
        while True:
            if not selector.select(deadline.remaining()):
                raise deadline.exceeded(Phase.PARSING)
            chunk = os.read(pipe.fileno(), 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def cancel() -> None:
    """Stop every child whose parse was not taken (the run ended before, on an error) and
    reap it."""
    while _pending:
        _, (pid, read_end) = _pending.popitem()
        os.close(read_end)
        _stop(pid)


def _stop(pid: int) -> None:
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _is_checked_file(path: str) -> bool:
    return os.path.isfile(path) and not path.endswith(PRELUDE_SUFFIX)


def _can_fork() -> bool:
    return (
        sys.platform.startswith("linux")
        and "z3" not in sys.modules
        and threading.active_count() == 1
    )


def _key(path: str, defines: Mapping[str, int], include_dirs: Sequence[str]) -> _Key:
    return path, tuple(sorted(defines.items())), tuple(include_dirs)


def _child(key: _Key, read_end: int, write_end: int) -> None:
    """Parse, send the outcome, and leave at once: never return into the parent's code, never
    run its exit handlers or flush the stdio buffers it inherited."""
    import pickle
    import signal

    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        os.close(read_end)
        from ringlitmus.frontends import parse_file

        try:
            path, defines, include_dirs = key
            answer: tuple[str, object] = ("test", parse_file(path, dict(defines), include_dirs))
        except LitmusError as error:
            answer = ("error", error)
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        status = 0
    finally:
        os._exit(status)
