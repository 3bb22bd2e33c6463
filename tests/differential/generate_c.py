"""Random herd C (Linux-kernel) litmus programs, one construct table row per primitive family
the C front end reads.

Values land in r0..r9 (observed in the final states); a pointer read from `p` (which holds x's
or y's address) lands in q0..q9, never observed: herd prints a pointer as a location's name.
Every row is on, plain accesses, spinlocks and RCU included; a row a table marks as off would
be switched on by RINGLITMUS_DIFF_ENABLE (see differential/program.py).
"""

from __future__ import annotations

import random

from differential.program import (
    LONG,
    Budget,
    Dialect,
    ProgramText,
    Row,
    ThreadText,
    enabled_rows,
    final_condition,
    pick,
    shaped_program,
    within_budget,
    write_thread,
)

DIALECT = Dialect(register=lambda thread, name: f"{thread}:{name}", memory=lambda loc: loc)
_ORDERINGS = ("", "_relaxed", "_acquire", "_release")


def _register(thread: ThreadText) -> str:
    name = f"r{thread.next_register}"
    thread.next_register += 1
    thread.observed.append(name)
    return name


def _emit(thread: ThreadText, statement: str, accesses: int = 1, atomic: bool = False) -> None:
    thread.lines.append(statement)
    thread.accesses += accesses
    thread.atomics += atomic


def _value_source(program: ProgramText, thread: ThreadText) -> str:
    """A register holding a value read from memory (a READ_ONCE is written first if none)."""
    if not thread.loaded:
        _load("READ_ONCE(*{})")(program, thread)
    return program.rng.choice(thread.loaded)


# --------------------------------------------------------------------------- accesses


def _load(form: str):
    def write(program: ProgramText, thread: ThreadText) -> None:
        register = _register(thread)
        _emit(thread, f"{register} = {form.format(program.location(thread))};")
        thread.loaded.append(register)

    return write


def _store(form: str):
    def write(program: ProgramText, thread: ThreadText) -> None:
        _emit(thread, form.format(program.location(thread), program.value()) + ";")

    return write


def _fence(name: str):
    return lambda program, thread: _emit(thread, f"{name}();", accesses=0)


# --------------------------------------------------------------------------- dependencies


def _data(program: ProgramText, thread: ThreadText) -> None:
    """A store of a value computed from a loaded one: the value itself, plus one, or
    `(r & 0) + v` (a dependency whose value is fixed). A plain store of a plain load's value
    can close a cycle LKMM lets values come out of thin air through (encode/thin_air.py)."""
    rng = program.rng
    source = _value_source(program, thread)
    expression = rng.choice([source, f"{source} + 1", f"({source} & 0) + {program.value()}"])
    program.written.update(value + 1 for value in list(program.written))
    form = rng.choice(
        ["WRITE_ONCE(*{}, {})", "smp_store_release({}, {})", "atomic_set({}, {})", "*{} = {}"]
    )
    _emit(thread, form.format(program.location(thread), expression) + ";")


def _branch(program: ProgramText, thread: ThreadText) -> None:
    """`if` on a loaded value around 1-2 constructs, with an `else` now and then."""
    rng = program.rng
    source = _value_source(program, thread)
    value = rng.choice(sorted(program.written))
    # herd7's C reads no `!` and no `&&` in an if's condition.
    condition = rng.choice([f"{source} == {value}", f"{source} != {value}", source])
    thread.lines.append(f"if ({condition}) {{")
    for _ in range(rng.randint(1, 2)):
        pick(rng, enabled_rows(_SIMPLE_ROWS)).write(program, thread)
    if rng.random() < 0.3:
        thread.lines.append("} else {")
        pick(rng, enabled_rows(_SIMPLE_ROWS)).write(program, thread)
    thread.lines.append("}")
    # Accesses after the if's body (once a disagreement: litmus/regressions/
    # C-LB-ctrl-after-if.litmus) are generated while the after-if row is on.
    thread.ended = not enabled_rows([_AFTER_IF])


def _publish(program: ProgramText, thread: ThreadText) -> None:
    """Point p at the other location: WRITE_ONCE or smp_store_release of an address."""
    program.pointers = True
    form = program.rng.choice(["WRITE_ONCE(*p, {})", "smp_store_release(p, {})"])
    _emit(thread, form.format(program.rng.choice(("x", "y"))) + ";")


def _address(program: ProgramText, thread: ThreadText) -> None:
    """Read p, then read through the pointer read: an address dependency."""
    program.pointers = True
    pointer = f"q{thread.next_label}"
    thread.next_label += 1
    thread.pointers.append(pointer)
    form = program.rng.choice(["READ_ONCE(*p)", "smp_load_acquire(p)"])
    _emit(thread, f"{pointer} = {form};")
    register = _register(thread)
    _emit(thread, f"{register} = READ_ONCE(*{pointer});")
    thread.loaded.append(register)


# --------------------------------------------------------------------------- atomics


def _rmw(name: str, arguments: str, returns: bool = True):
    """An atomic primitive; `arguments` names X (the location), V (a value), E (an expected
    value); its result goes to a fresh register unless it returns nothing (herd7 refuses a
    value-returning primitive as a statement: "Unknown macro")."""

    def write(program: ProgramText, thread: ThreadText) -> None:
        rng = program.rng
        values = {
            "X": program.location(thread),
            "V": str(rng.choice([1, 2]) if name.startswith("atomic_") else program.value()),
            "E": str(rng.choice(sorted(program.written))),
        }
        program.written.update(range(-2, 8))
        call = f"{name}({', '.join(values[argument] for argument in arguments)})"
        if returns:
            register = _register(thread)
            _emit(thread, f"{register} = {call};", atomic=True)
            thread.loaded.append(register)
        else:
            _emit(thread, f"{call};", atomic=True)

    return write


def _rmw_rows() -> list[Row]:
    """xchg, cmpxchg and the atomic_* operations the C front end reads, every ordering."""
    rows = []
    for ordering in _ORDERINGS:
        for prefix in ("", "atomic_"):
            rows.append(Row(f"{prefix}xchg{ordering}", _rmw(f"{prefix}xchg{ordering}", "XV")))
            rows.append(
                Row(f"{prefix}cmpxchg{ordering}", _rmw(f"{prefix}cmpxchg{ordering}", "XEV"))
            )
        for op in ("add", "sub", "or", "xor", "andnot"):
            name = f"atomic_fetch_{op}{ordering}"
            rows.append(Row(name, _rmw(name, "VX")))
        for op in ("add", "sub"):
            name = f"atomic_{op}_return{ordering}"
            rows.append(Row(name, _rmw(name, "VX")))
        for step in ("inc", "dec"):
            rows.append(
                Row(f"atomic_fetch_{step}{ordering}", _rmw(f"atomic_fetch_{step}{ordering}", "X"))
            )
            rows.append(
                Row(f"atomic_{step}_return{ordering}", _rmw(f"atomic_{step}_return{ordering}", "X"))
            )
    for op in ("add", "sub", "or", "xor", "andnot"):
        rows.append(Row(f"atomic_{op}", _rmw(f"atomic_{op}", "VX", returns=False)))
    for step in ("inc", "dec"):
        rows.append(Row(f"atomic_{step}", _rmw(f"atomic_{step}", "X", returns=False)))
    # atomic_sub/dec make values negative: litmus/regressions/C-fetch_or-negative.litmus is
    # what they found about bitwise RMWs of them.
    return rows


# --------------------------------------------------------------------------- locks and RCU


def _critical_section(program: ProgramText, thread: ThreadText) -> None:
    """spin_lock(s); 1-2 constructs; spin_unlock(s)."""
    program.lock = True
    _emit(thread, "spin_lock(s);", atomic=True)
    for _ in range(program.rng.randint(1, 2)):
        pick(program.rng, enabled_rows(_SIMPLE_ROWS)).write(program, thread)
    _emit(thread, "spin_unlock(s);")


def _read_side(program: ProgramText, thread: ThreadText) -> None:
    """rcu_read_lock(); 1-2 constructs; rcu_read_unlock()."""
    _emit(thread, "rcu_read_lock();", accesses=0)
    for _ in range(program.rng.randint(1, 2)):
        pick(program.rng, enabled_rows(_SIMPLE_ROWS)).write(program, thread)
    _emit(thread, "rcu_read_unlock();", accesses=0)


_AFTER_IF = Row("after-if", _fence("barrier"))
_SIMPLE_ROWS = [
    Row("READ_ONCE", _load("READ_ONCE(*{})"), 4),
    Row("smp_load_acquire", _load("smp_load_acquire({})"), 2),
    Row("atomic_read", _load("atomic_read({})")),
    Row("atomic_read_acquire", _load("atomic_read_acquire({})")),
    Row("WRITE_ONCE", _store("WRITE_ONCE(*{}, {})"), 4),
    Row("smp_store_release", _store("smp_store_release({}, {})"), 2),
    Row("smp_store_mb", _store("smp_store_mb(*{}, {})")),
    Row("atomic_set", _store("atomic_set({}, {})")),
    Row("atomic_set_release", _store("atomic_set_release({}, {})")),
    *(
        Row(name, _fence(name), fence=True)
        for name in (
            "smp_mb",
            "smp_rmb",
            "smp_wmb",
            "smp_mb__before_atomic",
            "smp_mb__after_atomic",
        )
    ),
    Row("barrier", _fence("barrier"), fence=True),
    Row("plain-load", _load("*{}")),
    Row("plain-store", _store("*{} = {}")),
]
TABLE = [
    *_SIMPLE_ROWS,
    Row("data", _data, 3),
    Row("ctrl", _branch, 3),
    Row("addr", _address, 2),
    Row("publish", _publish),
    *_rmw_rows(),
    Row("lock", _critical_section),
    Row("rcu-read", _read_side),
    Row("synchronize_rcu", _fence("synchronize_rcu")),
]
# The RMW rows are many (every ordering of every family): together they weigh as much as the
# accesses, not ten times more.
_RMW_WEIGHT = 8


def _weighted_table() -> list[Row]:
    rows = enabled_rows(TABLE)
    rmw_names = {row.name for row in _rmw_rows()}
    plain = [row for row in rows if row.name not in rmw_names]
    rmws = [row for row in rows if row.name in rmw_names]
    if not rmws:
        return plain
    return [*plain, Row("any-rmw", lambda p, t: pick(p.rng, rmws).write(p, t), _RMW_WEIGHT)]


def _size(threads: list[ThreadText]) -> tuple[int, int]:
    return sum(thread.accesses for thread in threads), sum(thread.atomics for thread in threads)


def _function(program: ProgramText, thread: ThreadText) -> list[str]:
    parameters = [f"int *{location}" for location in program.locations]
    if program.pointers:
        parameters.append("int **p")
    if program.lock:
        parameters.append("spinlock_t *s")
    declarations = [f"\tint {register};" for register in thread.observed]
    declarations += [f"\tint *{pointer};" for pointer in thread.pointers]
    depth = 1
    body = []
    for line in thread.lines:
        if line.startswith("}"):
            depth -= 1
        body.append("\t" * depth + line)
        if line.endswith("{"):
            depth += 1
    return [f"P{thread.index}({', '.join(parameters)})", "{", *declarations, *body, "}", ""]


def _program(seed: int, index: int, rng: random.Random) -> tuple[ProgramText, str]:
    program = shaped_program(rng)
    rows = _weighted_table()
    for thread_index in range(program.thread_count):
        thread = ThreadText(thread_index)
        program.threads.append(thread)
        write_thread(program, thread, rows)
    locations, condition = final_condition(program, DIALECT)
    init = ["int *p = &x;"] if program.pointers else []
    functions = [line for thread in program.threads for line in _function(program, thread)]
    text = "\n".join(
        [f"C D{seed}_{index}", "", "{", *init, "}", "", *functions, locations, condition, ""]
    )
    return program, text


def generate(seed: int, index: int, budget: Budget = LONG) -> str:
    """Program `index` of the run `seed`: 2-3 threads of 1-4 constructs over 2-3 locations."""
    return within_budget(seed, "lkmm", index, budget, _program, _size)
