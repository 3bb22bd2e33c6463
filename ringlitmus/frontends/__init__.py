"""Read a litmus file and hand it to the front end its first line names.

Dispatch is on the first meaningful line, as herd does: `AArch64 NAME` is herd's AArch64 format,
another herd architecture header (`X86 SB`, `C MP+o`, ...) is a format we do not read, and
anything else is the ring DSL. The front ends import lark, so they are imported only here,
inside `parse_file`: `ringlitmus --help` must not pay for them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ringlitmus import ir
from ringlitmus.errors import LitmusSyntaxError, Span, UnsupportedFormatError, UsageError

# herd7's architecture names (herdtools7 lib/archs.ml), as they open a litmus file.
HERD_ARCHITECTURES = (
    "AArch64",
    "AArch32",
    "ARM",
    "X86",
    "X86_64",
    "PPC",
    "MIPS",
    "RISCV",
    "C",
    "CPP",
    "LISA",
    "Bell",
    "JAVA",
    "GPU_PTX",
    "OpenCL",
    "BPF",
    "ASL",
)
_HEADER = re.compile(r"(?P<architecture>[A-Za-z][A-Za-z0-9_]*)[ \t]+(?P<name>\S+)[ \t]*")
_BYTE_ORDER_MARK = b"\xef\xbb\xbf"


def parse_file(path: str, defines: Mapping[str, int] | None = None) -> ir.Test:
    """Read `path` (never written) and parse it with the front end its header selects.

    `defines` are the command line's `-D NAME=VALUE` constants; only the ring DSL uses them.
    """
    text = read_source(path)
    architecture = herd_architecture(text)
    if architecture == "AArch64":
        from ringlitmus.frontends.aarch64 import parse_aarch64

        return parse_aarch64(text, path)
    if architecture is not None:
        line, column, source_line = _header_position(text)
        raise UnsupportedFormatError(
            f"herd {architecture} litmus tests are not supported; "
            "ringlitmus reads AArch64 tests and the ring DSL",
            Span(path, line, column),
            source_line=source_line,
        )
    from ringlitmus.frontends.ring import parse_ring

    return parse_ring(text, path, dict(defines or {}))


def read_source(path: str) -> str:
    """The file's text; a LitmusSyntaxError at the first byte that is not UTF-8."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except IsADirectoryError:
        raise UsageError(f"'{path}' is a directory, not a litmus file") from None
    except OSError as error:
        raise UsageError(f"cannot read '{path}': {error.strerror or error}") from None
    if data.startswith(_BYTE_ORDER_MARK):
        data = data[len(_BYTE_ORDER_MARK) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _encoding_error(path, data, error) from None


def _encoding_error(path: str, data: bytes, error: UnicodeDecodeError) -> LitmusSyntaxError:
    line_start = data.rfind(b"\n", 0, error.start) + 1
    line_end = data.find(b"\n", error.start)
    if line_end == -1:
        line_end = len(data)
    # The bytes before the bad one decode cleanly: columns count characters, as the parsers do.
    column = len(data[line_start : error.start].decode("utf-8")) + 1
    line = data.count(b"\n", 0, error.start) + 1
    source_line = data[line_start:line_end].decode("utf-8", errors="replace").rstrip("\r")
    return LitmusSyntaxError(
        f"the file is not UTF-8 text: byte 0x{data[error.start]:02x} cannot be decoded",
        Span(path, line, column),
        source_line=source_line,
    )


def herd_architecture(text: str) -> str | None:
    """The herd architecture the first meaningful line declares (`AArch64 MP`), or None."""
    for line in _meaningful_lines(text):
        match = _HEADER.fullmatch(line.strip())
        if match and match.group("architecture") in HERD_ARCHITECTURES:
            return match.group("architecture")
        return None
    return None


def _meaningful_lines(text: str) -> list[str]:
    """Lines that are not blank and not whole-line comments (`#`, `//`, `(* ... *)`)."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "//")):
            continue
        if stripped.startswith("(*") and stripped.endswith("*)"):
            continue
        lines.append(line)
    return lines


def _header_position(text: str) -> tuple[int, int, str]:
    """Line, column and text of the first meaningful line (the architecture header)."""
    first = _meaningful_lines(text)[0]
    line = text.splitlines().index(first) + 1
    return line, len(first) - len(first.lstrip()) + 1, first
