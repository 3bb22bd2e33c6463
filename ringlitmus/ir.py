"""The one intermediate representation both front ends produce: tests, threads, instructions.

Everything here is a frozen dataclass or an enum. Front ends resolve all syntax (macros, loops,
variants, AArch64 register aliases) before building these; later stages never see text.
"""

from __future__ import annotations

from dataclasses import field
from enum import Enum

from ringlitmus.errors import Span
from ringlitmus.frozen import frozen

# --------------------------------------------------------------------------- closed sets


class Ordering(Enum):
    """How a memory access is ordered: plain, acquire (LDAR), acquire-PC (LDAPR), release (STLR).

    UNMARKED is a C access without READ_ONCE/WRITE_ONCE (LKMM's Plain): the compiler may tear,
    fuse or move it, so LKMM gives it less ordering than a PLAIN (marked, READ_ONCE) access.
    """

    PLAIN = "plain"
    ACQUIRE = "acquire"
    ACQUIRE_PC = "acquire-pc"
    RELEASE = "release"
    UNMARKED = "unmarked"
    SRCU_LOCK = "srcu-lock"
    SRCU_UNLOCK = "srcu-unlock"


class FenceKind(Enum):
    """Barriers. DMB and DSB are one kind each: a litmus test cannot tell them apart.

    MFENCE is X86's; BEFORE_ATOMIC and AFTER_ATOMIC are Linux's smp_mb__before_atomic() and
    smp_mb__after_atomic() (Linux's smp_mb/rmb/wmb are the DMB kinds they compile to on arm64).
    The kinds after them are Linux's RCU and spinlock barriers (linux-kernel.def's fence
    annotations), and barrier(); SYNC_SRCU is synchronize_srcu(), a barrier that names its
    srcu_struct (the Fence's `address`). Each model gives meaning to the kinds it knows (see
    models/).
    """

    DMB_FULL = "dmb ish"
    DMB_LD = "dmb ishld"
    DMB_ST = "dmb ishst"
    ISB = "isb"
    MFENCE = "mfence"
    BEFORE_ATOMIC = "smp_mb__before_atomic"
    AFTER_ATOMIC = "smp_mb__after_atomic"
    AFTER_SPINLOCK = "smp_mb__after_spinlock"
    AFTER_UNLOCK_LOCK = "smp_mb__after_unlock_lock"
    AFTER_SRCU_READ_UNLOCK = "smp_mb__after_srcu_read_unlock"
    BARRIER = "barrier"
    RCU_LOCK = "rcu_read_lock"
    RCU_UNLOCK = "rcu_read_unlock"
    SYNC_RCU = "synchronize_rcu"
    SYNC_SRCU = "synchronize_srcu"


class LockOp(Enum):
    """Linux spinlock operations (herd's `__lock`, `__unlock`, `__trylock`, `__islocked`)."""

    LOCK = "spin_lock"
    UNLOCK = "spin_unlock"
    TRYLOCK = "spin_trylock"
    IS_LOCKED = "spin_is_locked"


class ArithOp(Enum):
    """Register arithmetic over unbounded integers (bitwise ops on non-negative values)."""

    ADD = "+"
    SUB = "-"
    MUL = "*"
    AND = "&"
    OR = "|"
    XOR = "^"
    MOD = "%"


class ShiftOp(Enum):
    """Shifts, in final conditions only (register code shifts constants when it is read)."""

    LEFT = "<<"
    RIGHT = ">>"


class CmpOp(Enum):
    """Comparisons, used by branches, selects and final conditions."""

    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


class BoolOpKind(Enum):
    """Connectives of conditions."""

    AND = "&&"
    OR = "||"
    NOT = "!"


class RmwOp(Enum):
    """Single-copy atomic read-modify-write instructions (ARMv8.1 LSE; X86's XCHG, LOCK ADD...).

    AND is Linux's atomic_and(); ADD_UNLESS is atomic_add_unless(): it adds `operand` unless
    the old value is `expected`, and then performs only its read (like a failed CAS).
    """

    SWP = "swp"
    CAS = "cas"
    ADD = "add"
    CLR = "clr"
    EOR = "eor"
    SET = "set"
    AND = "and"
    ADD_UNLESS = "add-unless"


class OutcomeKind(Enum):
    """What the author claims about an outcome's condition.

    FORBIDDEN: no execution may satisfy it (herd's `~exists`).
    ALLOWED: a question, "can this happen?" (herd's `exists`).
    REQUIRED: every execution satisfies it (herd's `forall`).
    """

    FORBIDDEN = "forbidden"
    ALLOWED = "allowed"
    REQUIRED = "required"


class Reachability(Enum):
    """What an expectation claims: the outcome's condition is reachable or not."""

    REACHABLE = "reachable"
    UNREACHABLE = "unreachable"


class Format(Enum):
    """Input formats."""

    RING = "ring"
    AARCH64 = "aarch64"
    X86 = "x86"
    C = "c"

    @property
    def is_herd(self) -> bool:
        """herd's litmus formats: one outcome named after the test, registers written `0:EAX`."""
        return self is not Format.RING


# --------------------------------------------------------------------------- expressions


@frozen
class Const:
    """An integer literal."""

    value: int


@frozen
class Reg:
    """A register of the enclosing thread, by canonical name (`X3`, `r0`, `NZCV`)."""

    name: str


@frozen
class Address:
    """The address of a declared location (for arrays, of element 0)."""

    location: str


@frozen
class BinOp:
    """Arithmetic on two expressions."""

    op: ArithOp
    left: Expr
    right: Expr


@frozen
class FinalRegister:
    """A thread's register in the final state (final conditions only)."""

    thread: str
    register: str


@frozen
class FinalLocation:
    """A memory cell's value in the final state (`x`, `gfn2.flags`, `ring[3]`)."""

    cell: str


@frozen
class FinalArithmetic:
    """Arithmetic on final values (`Reader.s0 % 2` in a ring DSL condition)."""

    op: ArithOp | ShiftOp
    left: Term
    right: Term


Expr = Const | Reg | Address | BinOp

# A final value herd7 leaves unsolved (a value out of thin air, printed `S8` by herd): every
# such value is at least this, a number no litmus test computes, and is reported as this.
UNSOLVED = 1 << 40
Term = Const | Address | FinalRegister | FinalLocation | FinalArithmetic


@frozen
class Compare:
    """`left op right` over expressions (in code) or terms (in final conditions)."""

    op: CmpOp
    left: Expr | Term
    right: Expr | Term


@frozen
class BoolOp:
    """A connective: AND/OR over several operands, NOT over one."""

    op: BoolOpKind
    operands: tuple[Condition, ...]


@frozen
class Truth:
    """The constant condition `true` (herd's empty `exists ()`)."""

    value: bool = True


Condition = Compare | BoolOp | Truth


def condition_terms(condition: Condition) -> list[Term]:
    """The final registers and memory cells a condition names, in order."""
    if isinstance(condition, Truth):
        return []
    if isinstance(condition, Compare):
        return [found for term in (condition.left, condition.right) for found in _final(term)]
    return [term for operand in condition.operands for term in condition_terms(operand)]


def _final(term: Expr | Term) -> list[Term]:
    if isinstance(term, FinalRegister | FinalLocation):
        return [term]
    if isinstance(term, FinalArithmetic):
        return [*_final(term.left), *_final(term.right)]
    return []


# --------------------------------------------------------------------------- instructions

# The element stride of arrays, in address units: AArch64 tests index 64-bit cells by bytes.
CELL_SIZE = 8


@frozen
class Assign:
    """`dest = value`: MOV, ADD, EOR, CMP (into NZCV), DSL register arithmetic."""

    dest: str
    value: Expr
    span: Span | None = field(default=None, compare=False)


@frozen
class Select:
    """`dest = condition ? if_true : if_false` (CSEL): the condition is a pick dependency.

    `condition_is_data`: the condition's inputs flow into the value as data, as in C's
    `r = (a != 0)`, which herd evaluates like `r = a + 0` (herd's C semantics, `Op`).
    """

    dest: str
    condition: Condition
    if_true: Expr
    if_false: Expr
    span: Span | None = field(default=None, compare=False)
    condition_is_data: bool = False


@frozen
class Load:
    """`dest = [address]` with an ordering; `exclusive` for LDXR/LDAXR.

    `width`: the access size in bits (AArch64's B/H/W/X forms), None for a whole cell holding
    an unbounded integer; `sign_extend` for LDRSB/LDRSH/LDRSW (see semantics/sizes.py).
    """

    dest: str | None
    address: Expr
    ordering: Ordering = Ordering.PLAIN
    exclusive: bool = False
    span: Span | None = field(default=None, compare=False)
    width: int | None = None
    sign_extend: bool = False


@frozen
class Store:
    """`[address] = value` with an ordering; STXR/STLXR write 0/1 success into `status`.

    `width`: the access size in bits, None for a whole cell (as Load's).
    """

    address: Expr
    value: Expr
    ordering: Ordering = Ordering.PLAIN
    exclusive: bool = False
    status: str | None = None
    span: Span | None = field(default=None, compare=False)
    width: int | None = None


@frozen
class Rmw:
    """An atomic read-modify-write (SWP, CAS, LDADD, ...).

    `dest` receives the old value (None: the value is discarded, herd's NoRet, e.g. STADD or a
    zero-register destination). `operand` is the value written (SWP, CAS) or combined (LDADD...);
    `expected` is CAS's compare value; a CAS that fails performs only its read.
    `fully_ordered` is Linux's value-returning xchg(), cmpxchg(), atomic_*_return() (LKMM's MB).
    `old_from_read`: `dest` always takes the value read (C's cmpxchg(), herd's
    `linux_cmpexch`), where a successful AArch64 CAS may write Rs from its own input.
    `width`: the access size in bits, None for a whole cell (as Load's).
    """

    op: RmwOp
    dest: str | None
    address: Expr
    operand: Expr
    expected: Expr | None = None
    acquire: bool = False
    release: bool = False
    span: Span | None = field(default=None, compare=False)
    fully_ordered: bool = False
    old_from_read: bool = False
    width: int | None = None


@frozen
class Fence:
    """A barrier instruction; `address` is the srcu_struct a SYNC_SRCU names (else None)."""

    kind: FenceKind
    span: Span | None = field(default=None, compare=False)
    address: Expr | None = None


@frozen
class Lock:
    """A spinlock operation on the lock at `address`; `dest` receives what spin_trylock()
    or spin_is_locked() returns (1 or 0)."""

    op: LockOp
    dest: str | None
    address: Expr
    span: Span | None = field(default=None, compare=False)


@frozen
class Branch:
    """Jump forward to `target` when `condition` holds (None: always). Control dependency source.

    `ctrl_until`: the condition orders only the events before this label (C's `if`, whose
    control dependencies herd gives to the events of its arms, not to those after it);
    None: every po-later event (a branch instruction's, as in herd's `ctrl = ...; [BR]; po`).
    """

    condition: Condition | None
    target: str
    span: Span | None = field(default=None, compare=False)
    ctrl_until: str | None = None


@frozen
class Label:
    """A branch target."""

    name: str
    span: Span | None = field(default=None, compare=False)


Instruction = Assign | Select | Load | Store | Rmw | Fence | Lock | Branch | Label

# --------------------------------------------------------------------------- programs and tests


@frozen
class LocationDecl:
    """A memory location, or an array of `size` cells, with initial values (Const or Address).

    `width` and `signed`: the C type a herd test declares it with (`uint8_t x`: 8, False);
    None when it declares none.
    """

    name: str
    initial: tuple[Expr, ...] = (Const(0),)
    is_array: bool = False
    span: Span | None = field(default=None, compare=False)
    width: int | None = None
    signed: bool = True

    @property
    def cells(self) -> tuple[str, ...]:
        """The cell names final conditions use: `x`, or `ring[0]`, `ring[1]`, ..."""
        if not self.is_array:
            return (self.name,)
        return tuple(f"{self.name}[{index}]" for index in range(len(self.initial)))


@frozen
class Thread:
    """One hardware thread: a name (`P0`, `CPU1`), a description, initial registers, code.

    `statements`: for each instruction, the source statement it belongs to. herd puts no
    program order between the accesses of one C statement (`r = READ_ONCE(*x) + READ_ONCE(*y)`
    is one instruction to herd, several here); empty: each instruction is its own statement.
    """

    name: str
    instructions: tuple[Instruction, ...]
    registers: tuple[tuple[str, Expr], ...] = ()
    description: str | None = None
    span: Span | None = field(default=None, compare=False)
    statements: tuple[int, ...] = ()


@frozen
class Program:
    """The code and memory of one variant of a test."""

    threads: tuple[Thread, ...]
    locations: tuple[LocationDecl, ...]


@frozen
class Variant:
    """A named version of the program (`before`, `after`); `default` when a file has none."""

    name: str
    program: Program
    span: Span | None = field(default=None, compare=False)


@frozen
class Outcome:
    """A named final-state condition and what its author claims about it."""

    name: str
    kind: OutcomeKind
    condition: Condition
    span: Span | None = field(default=None, compare=False)


@frozen
class Expectation:
    """`expect VARIANT [under MODEL]: OUTCOME reachable|unreachable`: the verdict the file
    carries, under one model or (`model` None) under every model."""

    variant: str
    outcome: str
    status: Reachability
    span: Span | None = field(default=None, compare=False)
    model: str | None = None

    def applies(self, variant: str, outcome: str, model: str) -> bool:
        """Is this the file's claim about `outcome` of `variant` under `model`?"""
        return (
            self.outcome == outcome
            and self.variant in (variant, "*")
            and self.model in (None, model)
        )


@frozen
class Test:
    """A parsed litmus file: variants of one program, outcomes and the file's expectations.

    `observed` lists extra final values to report (herd's `locations [...]`); `filter` restricts
    the executions considered (herd's `filter`).
    """

    file: str
    name: str
    format: Format
    variants: tuple[Variant, ...]
    outcomes: tuple[Outcome, ...]
    expectations: tuple[Expectation, ...] = ()
    observed: tuple[Term, ...] = ()
    filter: Condition | None = None
    doc: str | None = None
    metadata: tuple[tuple[str, str], ...] = ()
    span: Span | None = field(default=None, compare=False)

    __test__ = False  # not a pytest class, whatever its name

    def expected(self, variant: str, outcome: str, model: str) -> Reachability | None:
        """The file's claim about `outcome` of `variant` under `model`: one made under that
        model wins over one made for every model; None when the file makes none."""
        general = None
        for expectation in self.expectations:
            if not expectation.applies(variant, outcome, model):
                continue
            if expectation.model is not None:
                return expectation.status
            if general is None:
                general = expectation.status
        return general

    def label(self, term: Term) -> str:
        """How a final-state term is named in results: `CPU1.slot`, `0:X0` (herd), `x`."""
        if isinstance(term, FinalRegister):
            if self.format.is_herd and term.thread.startswith("P"):
                return f"{term.thread[1:]}:{term.register}"
            return f"{term.thread}.{term.register}"
        if isinstance(term, FinalLocation):
            return term.cell
        if isinstance(term, Address):
            return term.location
        if isinstance(term, FinalArithmetic):
            return f"({self.label(term.left)} {term.op.value} {self.label(term.right)})"
        return str(term.value)

    def variant(self, name: str) -> Variant:
        """The variant called `name` (KeyError if none)."""
        for variant in self.variants:
            if variant.name == name:
                return variant
        raise KeyError(name)
