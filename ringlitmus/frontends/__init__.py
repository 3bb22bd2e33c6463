"""Read a litmus file and hand it to the front end its first line names.

Dispatch is on the first meaningful line, as herd does: `AArch64 NAME`, `X86 NAME` and `C NAME`
are herd's AArch64, X86 and C (Linux-kernel) formats, another herd architecture header
(`PPC SB`, `RISCV MP`, ...) is a format we do not read, and anything else is the ring DSL.
The front ends import lark, so they are imported only here, inside `parse_file`:
`ringlitmus --help` must not pay for them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ringlitmus.deadline import Deadline, Phase, check_deadline
from ringlitmus.errors import Span, UnsupportedFormatError
from ringlitmus.frontends.source import read_source, source_lines

if TYPE_CHECKING:
    from ringlitmus import ir

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


def parse_file(
    path: str,
    defines: Mapping[str, int] | None = None,
    include_dirs: Sequence[str] = (),
    deadline: Deadline | None = None,
) -> ir.Test:
    """Read `path` (never written) and parse it with the front end its header selects.

    `defines` are the command line's `-D NAME=VALUE` constants and `include_dirs` its
    `--include-dir` directories, from which a test may include besides its own directory;
    only the ring DSL uses them. Past `deadline`, CheckTimeoutError: the ring DSL looks at it
    as it expands loops and calls, the herd formats (no loops: their size is the file's) after
    parsing.
    """
    text = read_source(path)
    architecture = herd_architecture(text)
    if architecture == "AArch64":
        from ringlitmus.frontends.aarch64 import parse_aarch64

        return _checked(parse_aarch64(text, path), deadline)
    if architecture == "X86":
        from ringlitmus.frontends.x86 import parse_x86

        return _checked(parse_x86(text, path), deadline)
    if architecture == "C":
        from ringlitmus.frontends.c import parse_c

        return _checked(parse_c(text, path), deadline)
    if architecture is not None:
        line, column, source_line = _header_position(text)
        raise UnsupportedFormatError(
            f"herd {architecture} litmus tests are not supported; "
            "ringlitmus reads AArch64, X86 and C tests and the ring DSL",
            Span(path, line, column),
            source_line=source_line,
        )
    from ringlitmus.frontends.ring import parse_ring

    return parse_ring(text, path, dict(defines or {}), deadline, include_dirs)


def _checked(test: ir.Test, deadline: Deadline | None) -> ir.Test:
    check_deadline(deadline, Phase.PARSING)
    return test


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
    for line in source_lines(text):
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
    line = source_lines(text).index(first) + 1
    return line, len(first) - len(first.lstrip()) + 1, first
