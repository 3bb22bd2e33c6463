"""Read a litmus file or prelude as text: a regular file, of bounded size, in UTF-8."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable

from ringlitmus.errors import LitmusError, LitmusSyntaxError, Span, UsageError

# A test file; a file of declarations that tests include, never checked by itself.
LITMUS_SUFFIX = ".litmus"
PRELUDE_SUFFIX = ".prelude"

# Far beyond any litmus test; small enough that a mistaken path fails at once, not after
# reading gigabytes.
MAX_SOURCE_BYTES = 16 * 2**20

_BYTE_ORDER_MARK = b"\xef\xbb\xbf"
_LINE_BREAK = re.compile(rb"\r\n?|\n")

Refusal = Callable[[str], LitmusError]


def read_source(path: str, refuse: Refusal | None = None) -> str:
    """The text of the file at `path`, a leading byte order mark dropped and every line ending
    (CR LF, a bare CR) made LF: the parsers count lines by LF alone.

    A file that is missing, not a regular file, larger than MAX_SOURCE_BYTES or unreadable
    raises `refuse(reason)` (by default a UsageError naming `path`); a byte that is not UTF-8
    raises a LitmusSyntaxError at that byte.
    """
    data = _read_bytes(path, refuse or _cannot_read(path))
    if data.startswith(_BYTE_ORDER_MARK):
        data = data[len(_BYTE_ORDER_MARK) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _encoding_error(path, data, error) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def source_lines(text: str) -> list[str]:
    """`text`'s lines as the parsers number them (from 1): only LF ends a line.

    str.splitlines also splits at form feeds, NEL, U+2028 and other characters the parsers
    read as ordinary ones, and would show a later line than the one an error names.
    """
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines[-1] == "":
        lines.pop()
    return lines


def _cannot_read(path: str) -> Refusal:
    """The refusal for a file named on the command line: a UsageError naming it."""
    return lambda reason: UsageError(f"cannot read '{path}': {reason}")


def _read_bytes(path: str, refuse: Refusal) -> bytes:
    # A FIFO blocks its opener until a writer comes and a device may never end, so the kind of
    # file is checked before opening; the descriptor is checked again in case the path changed.
    try:
        _check_regular(os.stat(path), refuse)
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            _check_regular(os.fstat(handle.fileno()), refuse)
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        raise refuse(error.strerror or str(error)) from None
    except ValueError as error:  # a NUL byte in the path
        raise refuse(str(error)) from None
    if len(data) > MAX_SOURCE_BYTES:
        raise refuse(_too_large())
    return data


def _check_regular(status: os.stat_result, refuse: Refusal) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise refuse(f"it is {_file_kind(status.st_mode)}, not a regular file")
    if status.st_size > MAX_SOURCE_BYTES:
        raise refuse(_too_large())


def _too_large() -> str:
    mebibytes, rest = divmod(MAX_SOURCE_BYTES, 2**20)
    size = f"{mebibytes} MiB" if mebibytes and not rest else f"{MAX_SOURCE_BYTES} bytes"
    return f"it is larger than {size}, the most a litmus file may be"


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _encoding_error(path: str, data: bytes, error: UnicodeDecodeError) -> LitmusSyntaxError:
    breaks = list(_LINE_BREAK.finditer(data, 0, error.start))
    line_start = breaks[-1].end() if breaks else 0
    following = _LINE_BREAK.search(data, error.start)
    line_end = following.start() if following else len(data)
    # The bytes before the bad one decode cleanly: columns count characters, as the parsers do.
    column = len(data[line_start : error.start].decode("utf-8")) + 1
    source_line = data[line_start:line_end].decode("utf-8", errors="replace")
    return LitmusSyntaxError(
        f"the file is not UTF-8 text: byte 0x{data[error.start]:02x} cannot be decoded",
        Span(path, len(breaks) + 1, column),
        source_line=source_line,
    )
