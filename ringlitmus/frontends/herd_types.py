"""The C types herd's init sections declare (`uint8_t x=1;`, `int *p=&x;`): widths, fit checks.

Values here are unbounded integers, as everywhere in ringlitmus; herd7 reads an initial value
at its type's width. Until narrow types truncate values (issue #24), a declaration is accepted
only when that reading is the value as written, and refused as unsupported otherwise, so that
no answer depends on the difference. What herd7 7.58 does, measured on AArch64 and X86 tests
(`LDR X0,[X1]` / `MOV EAX,[x]` of the location, or the register in the final state):

* unsigned N bits: 0..2^N-1 are read as written; `uint8_t x=256` is 0, `uint8_t 0:X2=-1` 255;
* `int`, `int32_t`: -2^31..2^31-1 are read as written; `int x=2147483648` is -2147483648;
* 8 and 16 bits signed: a location's negative value is read unsigned (`int8_t x=-1` is 255,
  `char x=-1` 255, `int16_t x=-1` 65535), a register's as written (`int8_t 0:X2=-1` is -1);
* a type herd knows no size of (`unsigned`, `foo`) is refused ("Cannot find the size of type"),
  as is a 128-bit one on AArch64 and, on X86, whose values are 32 bits wide, a 64-bit type
  given a number (`int64_t x;`, `int64_t 0:ECX=5`: "mask 32 bit value 0x5 with quad mask").

A location name as a value (`int 0:X1=x`, `int *p=x`) is an address: never truncated.
"""

from __future__ import annotations

from typing import TypeVar

from ringlitmus import ir
from ringlitmus.errors import LitmusSyntaxError, Span, UnsupportedInstructionError
from ringlitmus.frozen import frozen

_WIDTHS = {
    "char": 8,
    "int8_t": 8,
    "uint8_t": 8,
    "short": 16,
    "int16_t": 16,
    "uint16_t": 16,
    "int": 32,
    "int32_t": 32,
    "uint32_t": 32,
    "long": 64,
    "int64_t": 64,
    "uint64_t": 64,
    "intptr_t": 64,
    "uintptr_t": 64,
    "int128_t": 128,
    "uint128_t": 128,
}
# herd's X86 is 32-bit: its `long` and pointer-sized integers are 32 bits wide.
_X86_WIDTHS = {**_WIDTHS, "long": 32, "intptr_t": 32, "uintptr_t": 32}
_WORD = 64  # the width at which an unbounded value and herd's agree for every test we accept

Part = TypeVar("Part")


@frozen
class HerdType:
    """A declaration's type as written: its name and whether it is a pointer (`int *p`)."""

    name: str
    pointer: bool = False
    span: Span | None = None

    def __str__(self) -> str:
        return f"{self.name} *" if self.pointer else self.name


@frozen
class AddressOf:
    """`&x` as an initial value: only a pointer's (`int *p=&x`)."""

    location: str
    span: Span | None = None


def split_type(children: list[Part]) -> tuple[HerdType | None, list[Part]]:
    """A declaration's type, if it has one, and the rest of its parts."""
    if children and isinstance(children[0], HerdType):
        return children[0], children[1:]
    return None, children


def check_declaration(
    herd_type: HerdType | None,
    value: ir.Const | ir.Address,
    register: bool,
    format: ir.Format,
    text: str,
    span: Span | None,
) -> None:
    """Refuse a declaration whose value herd7 would read otherwise than as written.

    `text` is the declaration as error messages quote it; `register` says whether it sets a
    register (`int 0:X1=1`) or a location (`int x=1`).
    """
    if herd_type is None or herd_type.pointer or isinstance(value, ir.Address):
        if herd_type is not None:
            _width(herd_type, format)  # the type must still be one herd knows
        return
    width = _width(herd_type, format)
    if format is ir.Format.X86 and width > 32:
        # herd7 takes an address there (`int64_t 0:EBX=x`) but no number, not even 0.
        raise UnsupportedInstructionError(
            f"'{text}': herd's X86 is 32-bit and refuses a {width}-bit number; "
            "declare it int (or leave the type out)",
            herd_type.span,
        )
    low, high = _range(herd_type.name, width, register)
    if low <= value.value <= high:
        return
    if width >= _WORD:
        # herd7 stops on it (`Failure("Int64.of_string")`).
        raise LitmusSyntaxError(
            f"'{text}': {value.value} does not fit {herd_type.name} ({low}..{high})", span
        )
    raise UnsupportedInstructionError(
        f"'{text}': herd7 reads {value.value} at the width of {herd_type.name} ({width} bits), "
        f"which changes it, and narrow types are not supported yet; write a value in "
        f"{low}..{high} or leave the type out",
        span,
    )


def read_at_type(
    herd_type: HerdType | None, value: ir.Const | ir.Address, format: ir.Format
) -> ir.Const | ir.Address:
    """An AArch64 location's initial value as herd7 7.58 stores it: at its type's width, read
    signed or unsigned by the type (`int8_t x=257` holds 1, `int8_t x=255` -1, `uint16_t
    x=65537` 1, `int x=4294967297` 1); unchanged for a 64-bit, pointer or missing type, or an
    address."""
    if herd_type is None or herd_type.pointer or isinstance(value, ir.Address):
        return value
    width = _width(herd_type, format)
    if format is not ir.Format.AARCH64 or width >= _WORD:
        return value
    pattern = value.value % (1 << width)
    signed = not herd_type.name.startswith("u")
    if signed and pattern >= 1 << (width - 1):
        pattern -= 1 << width
    return ir.Const(pattern)


def location_type(herd_type: HerdType | None, format: ir.Format) -> tuple[int, bool] | None:
    """The (width, signed) of a location's declared type; None without one, or for a pointer,
    which holds an address."""
    if herd_type is None or herd_type.pointer:
        return None
    return _width(herd_type, format), not herd_type.name.startswith("u")


def _width(herd_type: HerdType, format: ir.Format) -> int:
    widths = _X86_WIDTHS if format is ir.Format.X86 else _WIDTHS
    width = widths.get(herd_type.name)
    if width is None:
        known = ", ".join(widths)
        raise LitmusSyntaxError(
            f"unknown type '{herd_type.name}' (herd7 knows the size of: {known})",
            herd_type.span,
            expected=tuple(widths),
        )
    if width > _WORD:
        raise UnsupportedInstructionError(
            f"the {width}-bit type '{herd_type.name}' is not supported", herd_type.span
        )
    return width


def _range(name: str, width: int, register: bool) -> tuple[int, int]:
    """The values herd7 reads as written for a `width`-bit type `name`."""
    if name.startswith("uint"):
        # herd7 reads uint64_t's -1 as -1, as we do; a narrower one's as 2^N-1.
        return (-(2 ** (width - 1)) if width >= _WORD else 0), 2**width - 1
    if width >= 32 or register:
        return -(2 ** (width - 1)), 2 ** (width - 1) - 1
    # herd7 reads a narrow signed location's negative value as unsigned (int8_t x=-1 is 255).
    return 0, 2 ** (width - 1) - 1
