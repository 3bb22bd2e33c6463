"""Refuse AArch64 tests whose values could leave the range where herd7's values and ours agree.

herd7 computes as the hardware does: 64-bit registers, a W register's write zero-extended
(`MOV W0,#-1` leaves 0xFFFFFFFF in X0), and it shows and compares a final register at its
declared type, `int` (32 bits, signed) by default. Here values are unbounded integers and W
and X are one register, holding the register read as a signed number at the width it was
written at. The two agree while every value v has |v| < 2^31 and no negative value written
to a W register is read at 64 bits. So a test is read only when:

* C * 2^k < 2^31, where C bounds every number the test writes (initial values, immediates, what
  a narrow load can read) and k counts the arithmetic instructions: with no loops, each value
  is made by at most k of them, each at most doubling its inputs. When no value may be negative
  and no W register is written or read (but as a store's data), 2^32 will do: each value is
  then herd's register itself, and two values below 2^32 also differ in the 32 bits at which
  herd compares an `int` register (herd shows 2147483656 as -2147483640, `--format herd` here
  as 2147483656);
* when a value may be negative (a negative number, a difference of two different registers, a
  sign-extending load, a negative initial value), no instruction writes a W register or tests
  an unsigned or overflow condition (HI, LO, VS, ...: the signed order otherwise), and no
  register shown in the final state is declared unsigned; a location starting negative is
  declared 64 bits wide (herd keeps only its type's bits, which a wider load zero-extends);
* final conditions compare with numbers in range, and a register they show is not declared
  narrower than 32 bits (herd shows its low bits).

Narrow memory (an `int8_t` location, an `STRB` of 257) is exact: see semantics/sizes.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ringlitmus import ir
from ringlitmus.errors import Span, UnsupportedInstructionError

LIMIT = 1 << 31
WIDE_LIMIT = 1 << 32
_GROWING = (ir.ArithOp.ADD, ir.ArithOp.SUB, ir.ArithOp.MUL, ir.ArithOp.OR, ir.ArithOp.XOR)
_GROWING_RMW = (ir.RmwOp.ADD, ir.RmwOp.SET, ir.RmwOp.EOR)
RegisterTypes = dict[tuple[int, str], tuple[int, bool]]


@dataclass
class RegisterUses:
    """Where a test's instructions write W registers, read them (but as a store's data), and
    test unsigned or overflow conditions."""

    w_writes: list[Span | None] = field(default_factory=list)
    w_reads: list[Span | None] = field(default_factory=list)
    unsigned: list[Span | None] = field(default_factory=list)


def check_values(test: ir.Test, register_types: RegisterTypes, uses: RegisterUses) -> None:
    """Refuse `test` unless its values stay where herd7's and ours agree (the module's rules).

    `register_types` gives the declared (width, signed) of typed registers by (thread,
    register).
    """
    w_writes = uses.w_writes
    shown = _shown_registers(test)
    for key, (width, _) in register_types.items():
        if key in shown and width < 32:
            raise _refuse(
                f"'{key[0]}:{key[1]}' is declared {width} bits wide; herd7 shows its low bits",
                None,
            )
    types: dict[str, tuple[int, bool]] = {}
    limit = WIDE_LIMIT
    conditions: list[tuple[int, int]] = []
    for variant in test.variants:
        bound, arithmetic, negative = _check_program(variant.program)
        # Without W writes and negative values, every value is herd's register itself, and
        # two values below 2^32 differ in the 32 bits herd compares an `int` register on.
        limit = min(limit, LIMIT if negative or w_writes or uses.w_reads else WIDE_LIMIT)
        x_only = not (w_writes or uses.w_reads or uses.unsigned)
        hull = _hull(variant.program) if x_only and bound << arithmetic >= limit else None
        if hull is not None:
            # X registers only, every value within one 2^32-wide range of (-2^62, 2^62): our
            # values are herd's registers, and two of them never agree in their low 32 bits
            # (where herd compares an `int` register) without being equal.
            conditions.append(hull)
        elif bound << arithmetic >= limit:
            raise _refuse(
                f"values may reach {bound} * 2^{arithmetic} (numbers up to {bound}, "
                f"{arithmetic} arithmetic instructions), past {limit - 1}",
                None,
            )
        if negative is not None and w_writes:
            raise _refuse(f"{negative}, and a W register is written", w_writes[0])
        if negative is not None and uses.unsigned:
            raise _refuse(f"{negative}, and an unsigned condition is tested", uses.unsigned[0])
        unsigned = [
            key for key, (_, signed) in register_types.items() if key in shown and not signed
        ]
        if negative is not None and unsigned:
            raise _refuse(f"{negative}, and a register shown is declared unsigned", None)
        for location in variant.program.locations:
            if location.width is not None:
                types[location.name] = (location.width, location.signed)
    for outcome in test.outcomes:
        _check_condition(outcome.condition, types, limit, outcome.span, conditions)
    if test.filter is not None:
        _check_condition(test.filter, types, limit, None, conditions)


def _shown_registers(test: ir.Test) -> set[tuple[int, str]]:
    """The (thread, register) pairs the final conditions and `locations` show."""
    terms = [*test.observed]
    for outcome in test.outcomes:
        terms += ir.condition_terms(outcome.condition)
    if test.filter is not None:
        terms += ir.condition_terms(test.filter)
    return {
        (int(term.thread.removeprefix("P")), term.register)
        for term in terms
        if isinstance(term, ir.FinalRegister) and term.thread.removeprefix("P").isdigit()
    }


def _check_program(program: ir.Program) -> tuple[int, int, str | None]:
    """The largest number, the arithmetic instructions, and why a value may be negative
    (None: none may be)."""
    bound, arithmetic = 1, 0
    negative: str | None = None
    for location in program.locations:
        for initial in location.initial:
            if isinstance(initial, ir.Const):
                bound = max(bound, abs(initial.value))
                if initial.value < 0 and location.width != 64:
                    # herd keeps its type's bits: a wider load reads them zero-extended.
                    raise _refuse(
                        f"'{location.name}' starts negative and is not declared 64 bits wide",
                        location.span,
                    )
                if initial.value < 0:
                    negative = f"'{location.name}' starts negative"
    for thread in program.threads:
        for name, initial in thread.registers:
            if isinstance(initial, ir.Const):
                bound = max(bound, abs(initial.value))
                if initial.value < 0:
                    negative = f"'{thread.name}:{name}' starts negative"
        for instruction in thread.instructions:
            for value in _values(instruction):
                bound = max(bound, _constant_bound(value))
                arithmetic += _growing(value)
                negative = negative or _negative(value)
            if isinstance(instruction, ir.Rmw) and instruction.op in _GROWING_RMW:
                arithmetic += 1
            if isinstance(instruction, ir.Load) and instruction.width is not None:
                if instruction.width < 32:
                    bound = max(bound, (1 << instruction.width) - 1)
                if instruction.sign_extend:
                    negative = negative or "a sign-extending load may give a negative value"
    return bound, arithmetic, negative


def _values(instruction: ir.Instruction) -> Iterator[ir.Expr]:
    """The expressions whose values an instruction writes to a register or memory (not the
    addresses it accesses; not the flags CMP sets, a difference compared only with 0)."""
    if isinstance(instruction, ir.Assign) and instruction.dest != "NZCV":
        yield instruction.value
    elif isinstance(instruction, ir.Assign):
        assert isinstance(instruction.value, ir.BinOp)
        yield instruction.value.left
        yield instruction.value.right
    elif isinstance(instruction, ir.Select):
        yield instruction.if_true
        yield instruction.if_false
    elif isinstance(instruction, ir.Store):
        yield instruction.value
    elif isinstance(instruction, ir.Rmw):
        yield instruction.operand
        if instruction.expected is not None:
            yield instruction.expected


def _constant_bound(value: ir.Expr) -> int:
    """The largest magnitude of a number in `value`."""
    if isinstance(value, ir.Const):
        return abs(value.value)
    if isinstance(value, ir.BinOp):
        return max(_constant_bound(value.left), _constant_bound(value.right))
    return 0


def _negative(value: ir.Expr) -> str | None:
    """Why `value` may be negative, when a number or a difference in it makes it so."""
    if isinstance(value, ir.Const) and value.value < 0:
        return f"the negative value {value.value}"
    if isinstance(value, ir.BinOp):
        if value.op is ir.ArithOp.SUB and value.left != value.right:
            return "a subtraction may give a negative value"
        return _negative(value.left) or _negative(value.right)
    return None


def _growing(value: ir.Expr) -> int:
    """How many operations in `value` may double it (x - x and x ^ x are 0)."""
    if not isinstance(value, ir.BinOp):
        return 0
    zero = value.left == value.right and value.op in (ir.ArithOp.SUB, ir.ArithOp.XOR)
    own = 1 if value.op in _GROWING and not zero else 0
    return own + _growing(value.left) + _growing(value.right)


def _check_condition(
    condition: ir.Condition,
    types: dict[str, tuple[int, bool]],
    limit: int,
    span: Span | None,
    hulls: list[tuple[int, int]],
) -> None:
    """Refuse a number herd7 would read at a narrower type than it is written, or, where
    values range over `hulls`, one whose low 32 bits some other value shares."""
    if isinstance(condition, ir.BoolOp):
        for operand in condition.operands:
            _check_condition(operand, types, limit, span, hulls)
    if not isinstance(condition, ir.Compare):
        return
    for side in (condition.left, condition.right):
        for low, high in hulls:
            if isinstance(side, ir.Const) and not _alone_in_low_bits(side.value, low, high):
                raise _refuse(
                    f"the condition's value {side.value} shares its low 32 bits with another "
                    f"value in {low}..{high}",
                    span,
                )
    low, high = (-_HULL_LIMIT, _HULL_LIMIT) if hulls else (-LIMIT, limit - 1)
    for side in (condition.left, condition.right):
        if isinstance(side, ir.FinalLocation) and side.cell in types:
            width, signed = types[side.cell]
            low, high = (
                (-(1 << (width - 1)), (1 << (width - 1)) - 1) if signed else (0, (1 << width) - 1)
            )
    for side in (condition.left, condition.right):
        if isinstance(side, ir.Const) and not low <= side.value <= high:
            raise _refuse(
                f"the condition's value {side.value} is outside {low}..{high}; herd7 reads "
                "it at the type of what it is compared with",
                span,
            )


def _alone_in_low_bits(value: int, low: int, high: int) -> bool:
    """Whether no number in low..high but `value` itself agrees with it modulo 2^32."""
    first = low + (value - low) % WIDE_LIMIT
    return all(other == value or other > high for other in (first, first + WIDE_LIMIT))


# --------------------------------------------------------------------------- value ranges

Range = tuple[int, int]
_HULL_ROUNDS = 40
_HULL_LIMIT = 1 << 62


def _hull(program: ir.Program) -> Range | None:
    """One range holding every number of the program, when the ranges of each register and
    of memory settle and their union is less than 2^32 wide inside (-2^62, 2^62); None
    otherwise. Addresses are left out: herd keeps them symbolic."""
    memory: Range = (0, 0)
    for location in program.locations:
        for initial in location.initial:
            if isinstance(initial, ir.Const):
                memory = _join(memory, (initial.value, initial.value))
    registers: dict[tuple[int, str], Range] = {}
    for index, thread in enumerate(program.threads):
        for name, initial in thread.registers:
            if isinstance(initial, ir.Const):
                registers[(index, name)] = (initial.value, initial.value)
    for _ in range(_HULL_ROUNDS):
        before = (memory, dict(registers))
        for index, thread in enumerate(program.threads):
            for instruction in thread.instructions:
                memory = _step(instruction, index, registers, memory)
        if (memory, registers) == before:
            hull = memory
            for found in registers.values():
                hull = _join(hull, found)
            wide = hull[1] - hull[0] >= WIDE_LIMIT
            return None if wide or -hull[0] >= _HULL_LIMIT or hull[1] >= _HULL_LIMIT else hull
    return None


def _step(
    instruction: ir.Instruction,
    thread: int,
    registers: dict[tuple[int, str], Range],
    memory: Range,
) -> Range:
    """Join what `instruction` writes into the ranges of its registers; memory's new range."""

    def value(expr: ir.Expr) -> Range | None:
        return _range(expr, lambda name: registers.get((thread, name), (0, 0)))

    def write(name: str | None, found: Range | None) -> None:
        if name is not None and name != "NZCV" and found is not None:
            key = (thread, name)
            registers[key] = _join(registers[key], found) if key in registers else found

    if isinstance(instruction, ir.Assign):
        write(instruction.dest, value(instruction.value))
    elif isinstance(instruction, ir.Select):
        write(instruction.dest, value(instruction.if_true))
        write(instruction.dest, value(instruction.if_false))
    elif isinstance(instruction, ir.Load):
        loaded = memory
        if instruction.sign_extend:
            half = 1 << ((instruction.width or 64) - 1)
            loaded = _join(loaded, (-half, half - 1))
        write(instruction.dest, loaded)
    elif isinstance(instruction, ir.Store):
        stored = value(instruction.value)
        memory = memory if stored is None else _join(memory, stored)
        write(instruction.status, (0, 1))
    elif isinstance(instruction, ir.Rmw):
        operand = value(instruction.operand) or (0, 0)
        write(instruction.dest, memory)
        if instruction.op in _GROWING_RMW:
            memory = _join(memory, _add(memory, operand))
        memory = _join(memory, operand)
    return memory


def _range(value: ir.Expr, register: Callable[[str], Range]) -> Range | None:
    """The range of `value` given each register's; None for an address."""
    if isinstance(value, ir.Const):
        return (value.value, value.value)
    if isinstance(value, ir.Reg):
        return register(value.name)
    if not isinstance(value, ir.BinOp):
        return None
    left, right = _range(value.left, register), _range(value.right, register)
    if left is None or right is None:
        return None
    if value.op is ir.ArithOp.ADD:
        return _add(left, right)
    if value.op is ir.ArithOp.SUB:
        return (left[0] - right[1], left[1] - right[0])
    if value.op is ir.ArithOp.MOD and right[0] > 0:
        return (0, right[1] - 1)
    if value.op is ir.ArithOp.MUL:
        products = [a * b for a in left for b in right]
        return (min(products), max(products))
    top = 1 << max(abs(bound) for bound in (*left, *right)).bit_length()
    masks = [found[1] for found in (left, right) if found[0] >= 0]
    if value.op is ir.ArithOp.AND and masks:
        return (0, min(masks))  # below any operand that is never negative
    if left[0] >= 0 and right[0] >= 0:
        return (0, top - 1)
    return (-top, top - 1)  # AND, OR, XOR of two's-complement numbers


def _add(left: Range, right: Range) -> Range:
    return (left[0] + right[0], left[1] + right[1])


def _join(left: Range, right: Range) -> Range:
    return (min(left[0], right[0]), max(left[1], right[1]))


def _refuse(reason: str, span: Span | None) -> UnsupportedInstructionError:
    return UnsupportedInstructionError(
        f"{reason}: not supported, herd7's values are 64-bit, W writes zero-extend and "
        "registers show at their type, where ours are unbounded integers (issue #24)",
        span,
    )
