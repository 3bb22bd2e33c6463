"""parse_file (frontends/__init__.py): reading bytes and choosing the front end."""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from ringlitmus import ir
from ringlitmus.errors import (
    LitmusSyntaxError,
    UndeclaredLocationError,
    UnsupportedFormatError,
    UsageError,
)
from ringlitmus.frontends import herd_architecture, parse_file

MP = Path(__file__).parents[1] / "data" / "cli" / "mp-expected-allowed.litmus"
X86_SB = Path(__file__).parents[1] / "data" / "x86" / "SB+mfences.litmus"


@pytest.fixture
def ring_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> list[tuple[str, str, dict[str, int], tuple[str, ...]]]:
    """Replace the ring front end by a recorder, so dispatch is tested on its own."""
    calls: list[tuple[str, str, dict[str, int], tuple[str, ...]]] = []

    def parse_ring(
        text: str,
        file: str,
        defines: Mapping[str, int],
        deadline: object = None,
        include_dirs: Sequence[str] = (),
    ) -> ir.Test:
        calls.append((text, file, dict(defines), tuple(include_dirs)))
        return ir.Test(file, "recorded", ir.Format.RING, (), ())

    module = types.ModuleType("ringlitmus.frontends.ring")
    module.parse_ring = parse_ring  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ringlitmus.frontends.ring", module)
    return calls


def write(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "test.litmus"
    path.write_bytes(data)
    path.chmod(0o444)  # parse_file only reads
    return str(path)


def test_aarch64_header_selects_the_herd_front_end() -> None:
    test = parse_file(str(MP))
    assert (test.format, test.name) == (ir.Format.AARCH64, "MP")


def test_x86_header_selects_the_x86_front_end() -> None:
    test = parse_file(str(X86_SB))
    assert (test.format, test.name) == (ir.Format.X86, "SB+mfences")


def test_anything_else_is_the_ring_dsl(tmp_path: Path, ring_calls: list) -> None:
    path = write(tmp_path, b"# a ring test\nthread CPU0: store x = 1\n")
    test = parse_file(path, {"N": 4})
    assert test.format is ir.Format.RING
    assert ring_calls == [("# a ring test\nthread CPU0: store x = 1\n", path, {"N": 4}, ())]


def test_defines_default_to_none(tmp_path: Path, ring_calls: list) -> None:
    parse_file(write(tmp_path, b"x = 0\n"))
    assert ring_calls[0][2] == {}


def test_include_dirs_reach_the_ring_front_end(tmp_path: Path, ring_calls: list) -> None:
    parse_file(write(tmp_path, b"x = 0\n"), include_dirs=["lib", "/opt/preludes"])
    assert ring_calls[0][3] == ("lib", "/opt/preludes")


@pytest.mark.parametrize("architecture", ["PPC", "RISCV", "ARM", "LISA", "X86_64"])
def test_other_herd_architectures_are_unsupported(tmp_path: Path, architecture: str) -> None:
    path = write(tmp_path, f"\n(* comment *)\n  {architecture} SB+test\n{{ x=0; }}\n".encode())
    with pytest.raises(UnsupportedFormatError) as caught:
        parse_file(path)
    assert architecture in caught.value.message
    assert caught.value.span is not None
    assert (caught.value.span.line, caught.value.span.column) == (3, 3)
    assert caught.value.source_line == f"  {architecture} SB+test"


@pytest.mark.parametrize(
    ("text", "architecture"),
    [
        ("AArch64 MP\n{", "AArch64"),
        ("// comment\n\nAArch64 MP+dmb.sy\n", "AArch64"),
        ("C = 3\n", None),
        ("X86\n", None),
        ("thread CPU0: store x = 1\n", None),
        ("", None),
    ],
)
def test_herd_architecture(text: str, architecture: str | None) -> None:
    assert herd_architecture(text) == architecture


def test_not_utf8_points_at_the_first_bad_byte(tmp_path: Path) -> None:
    path = write(tmp_path, b'AArch64 T\n"\xc3\xa9 ok" \xff\n')
    with pytest.raises(LitmusSyntaxError) as caught:
        parse_file(path)
    span = caught.value.span
    assert span is not None
    # Columns count characters: "é" is one column though it is two bytes.
    assert (span.line, span.column) == (2, 8)
    assert "0xff" in caught.value.message
    assert caught.value.source_line == '"é ok" \ufffd'


def test_byte_order_mark_does_not_hide_the_header(tmp_path: Path) -> None:
    test = parse_file(write(tmp_path, b"\xef\xbb\xbf" + MP.read_bytes()))
    assert test.format is ir.Format.AARCH64


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        parse_file(str(tmp_path / "gone.litmus"))


def test_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a directory"):
        parse_file(str(tmp_path))


def test_a_ring_file_with_bare_carriage_returns_is_read_line_by_line(tmp_path: Path) -> None:
    lines = [b"# MP with classic Mac line endings", b"x = 0", b"thread P0: store x = 1"]
    test = parse_file(write(tmp_path, b"\r".join(lines) + b"\r"))
    assert test.doc == "MP with classic Mac line endings"
    assert [thread.name for thread in test.variants[0].program.threads] == ["P0"]
    bad = b"\r".join([*lines[:2], b"thread P0: store y = 1"]) + b"\r"
    with pytest.raises(UndeclaredLocationError) as caught:
        parse_file(write(tmp_path, bad))
    span = caught.value.span
    assert span is not None and (span.line, span.column) == (3, 18)
    assert caught.value.source_line == "thread P0: store y = 1"


def test_an_error_after_a_form_feed_shows_its_own_line(tmp_path: Path) -> None:
    text = "# a form\x0cfeed and a \u2028 separator\nx = 0\nthread P0: store y = 1\n"
    with pytest.raises(UndeclaredLocationError) as caught:
        parse_file(write(tmp_path, text.encode()))
    span = caught.value.span
    assert span is not None and span.line == 3
    assert caught.value.source_line == "thread P0: store y = 1"
