"""read_source (frontends/source.py): regular files only, of bounded size, in UTF-8."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

from ringlitmus.errors import IncludeError, LitmusSyntaxError, UsageError
from ringlitmus.frontends import source
from ringlitmus.frontends.source import read_source, source_lines

ENDLESS = Path("/dev/zero")

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
needs_endless = pytest.mark.skipif(not ENDLESS.exists(), reason="needs /dev/zero")


@contextlib.contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail, rather than hang, if the block blocks (opening a FIFO waits for a writer)."""

    def expire(signal_number: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"blocked for {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.litmus"
    path.write_bytes(b"\xef\xbb\xbfx = 0\n")
    assert read_source(str(path)) == "x = 0\n"


def test_not_utf8_is_a_syntax_error_at_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "bad.prelude"
    path.write_bytes(b"\xef\xbb\xbfconst A = 1\nconst B = \xff\n")
    with pytest.raises(LitmusSyntaxError, match="not UTF-8 text: byte 0xff") as caught:
        read_source(str(path), IncludeError)
    span = caught.value.span
    assert span is not None and (span.file, span.line, span.column) == (str(path), 2, 11)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="it is a directory, not a regular file"):
        read_source(str(tmp_path))


@needs_endless
def test_an_endless_device_is_refused_without_reading() -> None:
    with within(10), pytest.raises(UsageError) as caught:
        read_source(str(ENDLESS))
    assert caught.value.message == (
        f"cannot read '{ENDLESS}': it is a character device, not a regular file"
    )
    assert caught.value.span is None


@needs_fifo
def test_a_named_pipe_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.prelude"
    os.mkfifo(fifo)
    with within(10), pytest.raises(UsageError, match="it is a named pipe \\(FIFO\\)"):
        read_source(str(fifo))


def test_a_file_over_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_SOURCE_BYTES", 10)
    path = tmp_path / "big.litmus"
    path.write_bytes(b"x" * 10)
    assert read_source(str(path)) == "x" * 10
    path.write_bytes(b"x" * 11)
    with pytest.raises(UsageError, match="it is larger than 10 bytes"):
        read_source(str(path))


def test_the_limit_is_named_in_mebibytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert source.MAX_SOURCE_BYTES == 16 * 2**20
    monkeypatch.setattr(source, "MAX_SOURCE_BYTES", 2**20)
    path = tmp_path / "big.litmus"
    path.write_bytes(b"#" * (2**20 + 1))
    with pytest.raises(UsageError, match="it is larger than 1 MiB, the most a litmus file may be"):
        read_source(str(path))


def test_the_caller_words_the_refusal(tmp_path: Path) -> None:
    missing = str(tmp_path / "gone.prelude")
    with pytest.raises(UsageError) as caught:
        read_source(missing)
    assert caught.value.message.startswith(f"cannot read '{missing}': No such file")
    with pytest.raises(IncludeError) as included:
        read_source(missing, IncludeError)
    assert included.value.message.startswith("No such file")
    with pytest.raises(IncludeError, match="null byte"):
        read_source("a\x00b", IncludeError)


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "cr"])
def test_every_line_ending_becomes_lf(tmp_path: Path, ending: bytes) -> None:
    path = tmp_path / "t.litmus"
    path.write_bytes(ending.join([b"# one", b"x = 0", b"", b"thread P0: isb", b""]))
    assert read_source(str(path)) == "# one\nx = 0\n\nthread P0: isb\n"


def test_not_utf8_after_bare_carriage_returns_is_placed_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "t.litmus"
    path.write_bytes(b"x = 0\r\r\n# \xe9\rthread P0: isb\r")
    with pytest.raises(LitmusSyntaxError) as caught:
        read_source(str(path))
    span = caught.value.span
    assert span is not None and (span.line, span.column) == (3, 3)
    assert caught.value.source_line == "# \ufffd"


def test_source_lines_end_only_at_line_feeds() -> None:
    # A form feed, NEL and U+2028 are ordinary characters to the parsers.
    text = "# a\x0cb\x85c\u2028d\nx = 0\r\nthread P0: isb\n"
    assert source_lines(text) == ["# a\x0cb\x85c\u2028d", "x = 0", "thread P0: isb"]
    assert source_lines("") == []
    assert source_lines("no newline") == ["no newline"]
