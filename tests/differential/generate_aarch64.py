"""Random herd AArch64 litmus programs, one construct table row per thing the front end reads.

Each thread holds the location `x` at base register X10 (`y` X11, `z` X12), values read from
memory land in X0..X9 (observed in the final states), and temporaries are X13..X28.
"""

from __future__ import annotations

import random
import re

from differential.program import (
    LONG,
    Budget,
    Dialect,
    ProgramText,
    Row,
    ThreadText,
    enabled_rows,
    litmus_text,
    pick,
    shaped_program,
    within_budget,
    write_thread,
)

_BASES = {"x": "X10", "y": "X11", "z": "X12"}
DIALECT = Dialect(register=lambda thread, name: f"{thread}:{name}", memory=lambda loc: loc)


# --------------------------------------------------------------------------- registers


def _base(program: ProgramText, thread: ThreadText, location: str) -> str:
    """`[X10]` for x, declaring X10=x in the thread's init."""
    register = _BASES[location]
    entry = f"{thread.index}:{register}={location}"
    if entry not in thread.init:
        thread.init.append(entry)
    return register


def _value_register(program: ProgramText, thread: ThreadText) -> str:
    """A fresh observed register for a value. Always an X register: herd refuses a test that
    accesses one location with two sizes ("Illegal mixed-size test")."""
    number = thread.next_register
    thread.next_register += 1
    thread.observed.append(f"X{number}")
    return f"X{number}"


def _temporary(thread: ThreadText) -> str:
    """A scratch register, X13..X28 (reused in turn: each is used right after it is set)."""
    thread.next_temporary += 1
    return f"X{13 + thread.next_temporary % 16}"


def _source(program: ProgramText, thread: ThreadText) -> str:
    """A register holding a value read from memory (a load is written first if there is none)."""
    if not thread.loaded:
        _load(program, thread, "LDR")
    return program.rng.choice(thread.loaded)


# --------------------------------------------------------------------------- accesses


def _load(program: ProgramText, thread: ThreadText, mnemonic: str) -> None:
    location = program.location(thread)
    base = _base(program, thread, location)
    target = _value_register(program, thread)
    thread.lines.append(f"{mnemonic} {target},[{base}]")
    thread.loaded.append(f"X{target[1:]}")


def _store_value(program: ProgramText, thread: ThreadText) -> str:
    register = _temporary(thread)
    thread.lines.append(f"MOV {register},#{program.value()}")
    return register


def _store(program: ProgramText, thread: ThreadText, mnemonic: str, value: str = "") -> None:
    value = value or _store_value(program, thread)
    base = _base(program, thread, program.location(thread))
    thread.lines.append(f"{mnemonic} {value},[{base}]")


def _loader(mnemonic: str):
    return lambda program, thread: _load(program, thread, mnemonic)


def _storer(mnemonic: str):
    return lambda program, thread: _store(program, thread, mnemonic)


def _fence(text: str):
    return lambda program, thread: thread.lines.append(text)


# --------------------------------------------------------------------------- dependencies


def _zero_from(program: ProgramText, thread: ThreadText) -> str:
    """A temporary that is 0 but depends on a loaded value (`EOR X20,X0,X0`)."""
    source = _source(program, thread)
    zero = _temporary(thread)
    thread.lines.append(f"EOR {zero},{source},{source}")
    return zero


def _address_load(program: ProgramText, thread: ThreadText) -> None:
    """A load whose address depends on a loaded value: through an index register, or through
    an address computed first (so acquire loads, which take only [Xn], get one too)."""
    rng = program.rng
    zero = _zero_from(program, thread)
    location = program.location(thread)
    base = _base(program, thread, location)
    target = _value_register(program, thread)
    form = rng.randrange(3)
    if form == 2:
        address = _temporary(thread)
        thread.lines.append(f"ADD {address},{base},{zero}")
        mnemonic = rng.choice(["LDR", "LDAR", "LDAPR"])
        thread.lines.append(f"{mnemonic} {target},[{address}]")
    else:
        index = f"{zero}" if form == 0 else f"W{zero[1:]},SXTW"
        thread.lines.append(f"LDR {target},[{base},{index}]")
    thread.loaded.append(f"X{target[1:]}")


def _address_store(program: ProgramText, thread: ThreadText) -> None:
    zero = _zero_from(program, thread)
    value = _store_value(program, thread)
    base = _base(program, thread, program.location(thread))
    thread.lines.append(f"STR {value},[{base},{zero}]")


def _data_store(program: ProgramText, thread: ThreadText) -> None:
    zero = _zero_from(program, thread)
    thread.lines.append(f"ADD {zero},{zero},#{program.value()}")
    _store(program, thread, program.rng.choice(["STR", "STLR"]), zero)


def _data_through_value(program: ProgramText, thread: ThreadText) -> None:
    """Store the loaded value itself (plus one): the state shows the value that flowed."""
    source = _source(program, thread)
    register = _temporary(thread)
    thread.lines.append(f"ADD {register},{source},#1")
    program.written.update(value + 1 for value in list(program.written))
    _store(program, thread, "STR", register)


def _select(program: ProgramText, thread: ThreadText) -> None:
    """CMP; CSEL/CSINC picks one of two values by a loaded value; the pick is stored."""
    rng = program.rng
    source = _source(program, thread)
    first, second = _temporary(thread), _temporary(thread)
    target = _temporary(thread)
    thread.lines.append(f"MOV {first},#{program.value()}")
    thread.lines.append(f"MOV {second},#{program.value()}")
    thread.lines.append(f"CMP {source},#{rng.choice(sorted(program.written))}")
    mnemonic = rng.choice(["CSEL", "CSINC"])
    if mnemonic == "CSINC":
        program.written.update(value + 1 for value in list(program.written))
    condition = rng.choice(["EQ", "NE", "GE", "LT", "GT", "LE"])
    thread.lines.append(f"{mnemonic} {target},{first},{second},{condition}")
    _store(program, thread, "STR", target)


def _branch(program: ProgramText, thread: ThreadText, isb: bool = False) -> None:
    """A forward branch on a loaded value over 0-2 constructs (a control dependency)."""
    rng = program.rng
    source = _source(program, thread)
    label = thread.label()
    form = rng.randrange(3)
    if form == 0:
        thread.lines.append(f"{rng.choice(['CBZ', 'CBNZ'])} {source},{label}")
    else:
        thread.lines.append(f"CMP {source},#{rng.choice(sorted(program.written))}")
        thread.lines.append(f"B.{rng.choice(['EQ', 'NE'])} {label}")
    body = [] if isb else [pick(rng, enabled_rows(_SIMPLE_ROWS)) for _ in range(rng.randint(0, 2))]
    for row in body:
        row.write(program, thread)
    thread.lines.append(f"{label}:")
    if isb:
        thread.lines.append("ISB")
    pick(rng, _ACCESS_ROWS).write(program, thread)


# --------------------------------------------------------------------------- atomics


def _exclusive(program: ProgramText, thread: ThreadText) -> None:
    """LD(A)XR, then ST(L)XR of a new value or of the value read plus one; status observed."""
    rng = program.rng
    location = program.location(thread)
    base = _base(program, thread, location)
    target = _value_register(program, thread)
    thread.lines.append(f"{rng.choice(['LDXR', 'LDAXR'])} {target},[{base}]")
    thread.loaded.append(f"X{target[1:]}")
    if rng.random() < 0.5:
        value = _store_value(program, thread)
    else:
        value = _temporary(thread)
        thread.lines.append(f"ADD {value},X{target[1:]},#1")
        program.written.update(value + 1 for value in list(program.written))
    status = _value_register(program, thread)
    status = f"W{status[1:]}"
    thread.lines.append(f"{rng.choice(['STXR', 'STLXR'])} {status},{value},[{base}]")


def _lse(op: str):
    """SWP, LDADD, LDCLR, LDEOR, LDSET (suffix ``, A, L, AL), the old value observed, or
    discarded into XZR now and then (then an A suffix orders nothing)."""

    def write(program: ProgramText, thread: ThreadText) -> None:
        rng = program.rng
        suffix = rng.choice(["", "A", "L", "AL"])
        operand = _store_value(program, thread) if op == "SWP" else _temporary(thread)
        if op != "SWP":
            thread.lines.append(f"MOV {operand},#{rng.choice([1, 2])}")
            program.written.update({1, 2, 3})
        base = _base(program, thread, program.location(thread))
        if rng.random() < 0.15:
            target = "XZR"
        else:
            target = _value_register(program, thread)
            thread.loaded.append(f"X{target[1:]}")
        thread.lines.append(f"{op}{suffix} {operand},{target},[{base}]")

    return write


def _store_op(program: ProgramText, thread: ThreadText) -> None:
    """STADD, STCLR, STEOR, STSET (suffix `` or L): an RMW whose read nothing sees."""
    rng = program.rng
    operand = _temporary(thread)
    thread.lines.append(f"MOV {operand},#{rng.choice([1, 2])}")
    program.written.update({1, 2, 3})
    base = _base(program, thread, program.location(thread))
    op = rng.choice(["ADD", "CLR", "EOR", "SET"])
    thread.lines.append(f"ST{op}{rng.choice(['', 'L'])} {operand},[{base}]")


def _cas(program: ProgramText, thread: ThreadText) -> None:
    """CAS(A/L/AL) Xs,Xt,[Xn]: expects a value some store wrote (or 0), so it may succeed or
    fail; Xs receives the old value."""
    rng = program.rng
    expected = _value_register(program, thread)
    thread.lines.append(f"MOV {expected},#{rng.choice(sorted(program.written))}")
    new = _store_value(program, thread)
    base = _base(program, thread, program.location(thread))
    suffix = rng.choice(["", "A", "L", "AL"])
    thread.lines.append(f"CAS{suffix} {expected},{new},[{base}]")
    thread.loaded.append(f"X{expected[1:]}")


def _loop(program: ProgramText, thread: ThreadText) -> None:
    """A backward branch: reload until a value is seen (herd unrolls it; we refuse loops)."""
    label = thread.label()
    thread.lines.append(f"{label}:")
    _load(program, thread, "LDR")
    thread.lines.append(f"CBZ {thread.loaded[-1]},{label}")


_ACCESS_ROWS = [
    Row("ldr", _loader("LDR"), 4),
    Row("ldar", _loader("LDAR"), 2),
    Row("ldapr", _loader("LDAPR"), 2),
    Row("str", _storer("STR"), 4),
    Row("stlr", _storer("STLR"), 2),
]
_SIMPLE_ROWS = [
    *_ACCESS_ROWS,
    *(
        Row(f"dmb.{option.lower()}", _fence(f"DMB {option}"), fence=True)
        for option in ("SY", "ISH", "ISHLD", "ISHST", "LD", "ST")
    ),
    Row("dsb.sy", _fence("DSB SY"), fence=True),
    Row("isb", _fence("ISB"), fence=True),
]
TABLE = [
    *_SIMPLE_ROWS,
    Row("addr-load", _address_load, 2),
    Row("addr-store", _address_store),
    Row("data", _data_store, 2),
    Row("data-value", _data_through_value),
    Row("csel", _select),
    Row("ctrl", _branch, 2),
    Row("ctrl-isb", lambda program, thread: _branch(program, thread, isb=True)),
    Row("exclusive", _exclusive, 2),
    *(Row(op.lower(), _lse(op)) for op in ("SWP", "LDADD", "LDCLR", "LDEOR", "LDSET")),
    Row("st-op", _store_op),
    Row("cas", _cas, 2),
    Row("loop", _loop, enabled=False, waiting_for="loops (backward branches) in the front ends"),
]


_ACCESS = re.compile(r"\[X1[0-2]")
_ATOMIC = re.compile(r"^(SWP|LD(ADD|CLR|EOR|SET)|ST(ADD|CLR|EOR|SET)|CAS|STL?XR)", re.MULTILINE)


def generate(seed: int, index: int, budget: Budget = LONG) -> str:
    """Program `index` of the run `seed`: 2-3 threads of 1-4 constructs over 2-3 locations,
    within the budget's memory accesses and atomics."""
    return within_budget(seed, "armv8", index, budget, _program, _size)


def _size(threads: list[ThreadText]) -> tuple[int, int]:
    lines = [line.split(":")[-1].strip() for thread in threads for line in thread.lines]
    text = "\n".join(lines)
    return len(_ACCESS.findall(text)), len(_ATOMIC.findall(text))


def _program(seed: int, index: int, rng: random.Random) -> tuple[ProgramText, str]:
    program = shaped_program(rng)
    rows = enabled_rows(TABLE)
    for thread_index in range(program.thread_count):
        thread = ThreadText(thread_index)
        program.threads.append(thread)
        write_thread(program, thread, rows)
    return program, litmus_text(f"AArch64 D{seed}_{index}", program, DIALECT)
