"""Access sizes as herd7 reads them: narrow stores truncate, loads extend, mixed sizes refused.

What herd7 7.58 does without `-variant mixed`, measured on AArch64 tests (stored value, the
location's final value, the register a load fills):

* a store of N bits keeps the value's low N bits: `STRB` of 257 leaves 1, of -1 leaves 255;
  a location declared with a signed N-bit type reads them signed (`int8_t x`: `STRB` of 255
  leaves -1), a wider or undeclared one unsigned (`int64_t x`: `STR W` of -1 leaves
  4294967295), but an undeclared location stored at 32 or 64 bits keeps the value as written;
* a load of N bits takes the location's low N bits: `LDRB`/`LDRH` zero-extend them,
  `LDRSB`/`LDRSH`/`LDRSW` and a 32-bit `LDR W` sign-extend them (`uint32_t x=4294967295`: -1);
* a location accessed with two sizes is refused ("Illegal mixed-size test"); the initial
  write does not count, so `int64_t x=300` read by `LDRB` gives 44.

Values are unbounded integers here: frontends/aarch64_values.py refuses a test whose values
could leave the range where that and herd's arithmetic agree, and a negative value into an
unsigned 32- or 64-bit location, so a 32- or 64-bit access needs no conversion but a 32-bit
one of a 64-bit location. An access wider than its location's declared type is refused, as is
a location accessed with two sizes: herd's mixed-size model is not implemented (issue #24).
"""

from __future__ import annotations

from collections.abc import Callable

from ringlitmus import ir
from ringlitmus.errors import Span, UnsupportedInstructionError
from ringlitmus.ir import ArithOp, CmpOp
from ringlitmus.semantics.events import EventKind, EventStructure
from ringlitmus.symbolic import ReadValue, Value, arith, cmp, ite

# A location's declared type: (width in bits, signed), None when it declares none.
CellType = tuple[int, bool] | None


def cell_types(program: ir.Program, bases: dict[str, int]) -> dict[int, CellType]:
    """The declared type of every cell, by address."""
    types: dict[int, CellType] = {}
    for location in program.locations:
        declared = None if location.width is None else (location.width, location.signed)
        for index in range(len(location.initial)):
            types[bases[location.name] + index * ir.CELL_SIZE] = declared
    return types


def stored_value(
    structure: EventStructure, address: Value, value: Value, width: int | None, span: Span | None
) -> Value:
    """What a `width`-bit store of `value` leaves at `address`."""
    if width is None:
        return value
    _refuse_wider(structure, address, width, span)
    return _per_cell(structure, address, lambda t: _store(t, width, value))


def loaded_value(
    structure: EventStructure,
    address: Value,
    value: Value,
    width: int | None,
    sign_extend: bool,
) -> Value:
    """What a `width`-bit load of `address` holding `value` puts into its register."""
    if width is None:
        return value
    return _per_cell(structure, address, lambda t: _load(t, width, sign_extend, value))


def check_atomic_width(
    structure: EventStructure, address: Value, width: int, span: Span | None
) -> None:
    """Refuse an atomic whose size is not its location's declared type's: its compare and its
    arithmetic would need herd's conversions between the two."""
    for cell in _candidates(structure, address):
        declared = structure.cell_types.get(cell)
        if declared is not None and declared[0] != width:
            raise UnsupportedInstructionError(
                f"a {width}-bit atomic on '{structure.cells[cell]}', declared {declared[0]} "
                "bits wide, is not supported (mixed sizes)",
                span,
            )


def check_sizes(structure: EventStructure) -> None:
    """Refuse a location accessed with two sizes (herd7: "Illegal mixed-size test")."""
    seen: dict[int, tuple[int, Span | None]] = {}
    for event_id, width in structure.widths.items():
        event = structure.events[event_id]
        for cell in _pointed_to(structure, event.address):
            first = seen.setdefault(cell, (width, event.span))
            if first[0] != width:
                name = structure.cells[cell]
                raise UnsupportedInstructionError(
                    f"mixed-size accesses to '{name}' ({first[0]} and {width} bits) are not "
                    "supported: herd7 refuses them without -variant mixed, and its mixed-size "
                    "model is not implemented",
                    event.span,
                )


# --------------------------------------------------------------------------- conversions


def _store(declared: CellType, width: int, value: Value) -> Value:
    """The location's value after the store, as herd shows it (its type read the pattern)."""
    if declared is None:
        # Shown signed at 32 or 64 bits (a value in range is itself), unsigned below.
        return value if width >= 32 else _low_bits(value, width)
    size, signed = declared
    if width < size or not signed:
        return _low_bits(value, width)
    return _signed(_low_bits(value, width), width) if width < 32 else value


def _load(declared: CellType, width: int, sign_extend: bool, value: Value) -> Value:
    """A register's value after the load. herd zero-extends `LDR W` but shows the register as
    a signed `int`; a 32- or 64-bit load is read signed at its width here, to agree."""
    signed_read = sign_extend or width >= 32
    if declared is None:
        if width >= 32:
            return value  # stored signed at its width, or a non-negative initial value
        low = _low_bits(value, width)
        return _signed(low, width) if signed_read else low
    size, signed = declared
    if width > size:
        return _low_bits(value, size)  # the type's bits, zero-extended (`int8_t x=-1`: 255)
    if width == size and signed == signed_read:
        return value  # the location holds the value as the load reads it
    low = _low_bits(value, width)
    return _signed(low, width) if signed_read else low


def _low_bits(value: Value, width: int) -> Value:
    return arith(ArithOp.MOD, value, 1 << width)


def _signed(value: Value, width: int) -> Value:
    """A `width`-bit pattern read as a two's-complement number."""
    negative = cmp(CmpOp.GE, value, 1 << (width - 1))
    return ite(negative, arith(ArithOp.SUB, value, 1 << width), value)


# --------------------------------------------------------------------------- cells


def _pointed_to(structure: EventStructure, address: Value) -> list[int]:
    """The cells an access may touch, once every event is known: through a pointer read from
    a known cell, the cells whose addresses are written there; else `_candidates`."""
    if isinstance(address, ReadValue):
        pointer = structure.events[address.event].address
        if isinstance(pointer, int):
            values = [
                event.value
                for event in structure.events
                if event.kind is EventKind.WRITE
                and (event.address == pointer or not isinstance(event.address, int))
            ]
            if all(isinstance(value, int) for value in values):
                return [value for value in values if value in structure.cells]  # type: ignore[misc]
    return _candidates(structure, address)


def _candidates(structure: EventStructure, address: Value) -> list[int]:
    """The cells an access may touch: its own when its address is known, else every one."""
    if isinstance(address, int):
        return [address] if address in structure.cells else []
    return list(structure.cells)


def _refuse_wider(structure: EventStructure, address: Value, width: int, span: Span | None) -> None:
    """Refuse a store wider than its location's type: herd keeps bits its type does not show."""
    for cell in _candidates(structure, address):
        declared = structure.cell_types.get(cell)
        if declared is not None and width > declared[0]:
            raise UnsupportedInstructionError(
                f"a {width}-bit store to '{structure.cells[cell]}', declared {declared[0]} "
                "bits wide, is not supported (mixed sizes)",
                span,
            )


def _per_cell(
    structure: EventStructure, address: Value, convert: Callable[[CellType], Value]
) -> Value:
    """`convert` for the type of the cell at `address`: a choice by address when the cells
    it may be need different conversions."""
    cells = _candidates(structure, address)
    results = [(cell, convert(structure.cell_types.get(cell))) for cell in cells]
    if not results:
        return convert(None)
    value = results[-1][1]
    for cell, converted in reversed(results[:-1]):
        value = ite(cmp(CmpOp.EQ, address, cell), converted, value)
    return value
