"""Print one variant and outcome of a test as a herd7 AArch64 litmus test (`export --to herd`).

It prints IR; the herd front end (frontends/aarch64.py) reads the text back to the same verdicts
and the same dependencies (tests/reports/test_herd_export.py checks both).

* Names: the test is `NAME+VARIANT`, plus `+OUTCOME` when the test has several outcomes (one
  file each, see `export_names`); a lone variant called `default` is left out. Characters
  outside `[A-Za-z0-9_.+-]` become `_`.
* Threads: in IR order as `P0 | P1 | ...`; a comment names the IR thread, its description and
  the X register of each IR register.
* Locations: every cell is a herd location named by an identifier: `gfn2.flags` -> `gfn2_flags`,
  `ring[3]` -> `ring_3`, with a suffix when that is taken or means something to herd (`x1`,
  `P0`, `exists`); a comment lists the original names. Initial values: `int64_t x=1;`, pointers
  `x=y;`. The herd front end reads no array declaration, so an array's cells are separate
  locations: a load, store or atomic at a computed index picks its cell with CMP and CSEL
  (see herd_export_values.py), and an array's address used as a value raises
  UnsupportedInstructionError rather than print what herd would read differently.
* Code (herd_export_code.py): IR registers are X0, X1, ...; the cell addresses a thread uses and
  large constants are registers the init block sets (`0:X3=x;`); loads are LDR/LDAR/LDAPR/LDXR/
  LDAXR, stores STR/STLR/STXR/STLXR (status in a W register), RMWs SWP/CAS/LD<op> with A/L/AL
  (XZR, or ST<op>, when the old value is discarded), fences DMB ISH/ISHLD/ISHST and ISB;
  arithmetic is ADD/SUB/AND/ORR/EOR, a product by a constant shifted ADDs (no MUL, no `%`);
  branches are B, CBZ/CBNZ or CMP + B.cond, selects CMP + CSEL. A condition with && || ! is one
  0/1 value built with CSINC and ADD, tested once, so that, as in the IR, all its operands are
  dependencies on every path (a chain of branches would drop some); a branch on it also adds
  `r ^ r` for each register, since CSINC passes them on as pick dependencies only.
* Outcome: FORBIDDEN -> `exists` with `Expected=Forbidden` (`Allowed` when the file expects it
  reachable); ALLOWED -> `exists`, with `Expected=` only when the file states one; REQUIRED ->
  `forall` with `Expected=Required` (`Allowed` when a violation is expected). Conditions use
  `=`, `~`, `/\\` and `\\/`; `!=` is `~(a=b)`; herd compares for equality only, so `<` raises.
  The test's `observed` and `filter` become `locations [...]` and `filter`.

herd7 reads the text as we do, except: its values are 64-bit (ours are unbounded, so only an
overflow tells them apart); an index outside an array names its last cell here (herd7 refuses
a test whose address may be 0), where the IR has an address that is no cell, which ringlitmus
excludes; and herd7
ignores `Expected=` (ours, in a key=value line it allows).
"""

from __future__ import annotations

import os
import re

from ringlitmus import ir
from ringlitmus.errors import (
    UndeclaredLocationError,
    UnknownNameError,
    UnsupportedInstructionError,
    UsageError,
)
from ringlitmus.reports.herd_export_assembly import (
    CompiledThread,
    Register,
    RegisterKind,
    number_registers,
    register_names,
    render_line,
    variable,
)
from ringlitmus.reports.herd_export_code import ThreadCompiler
from ringlitmus.reports.herd_export_values import Known, MemoryLayout, split_address_error
from ringlitmus.symbolic import apply_cmp

DEFAULT_VARIANT = "default"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.+-]")
# Names herd's lexers read as something else: registers, thread numbers, keywords.
_RESERVED = re.compile(
    r"(?i)p\d+|[wxbhsdqvz]\d+|[wx]zr|w?sp|nzcv|pc|lr|fp|true|false|not|and|or|exists|forall"
    r"|final|with|locations|filter|fault|tag|attrs|oa|observed|cases|nop|pte|ttd|pa|intid"
    r"|valid|pending|active|enabled|priority|affinity|aarch64|u?int(64_t)?"
)
_EXPECTED = {
    (ir.OutcomeKind.REQUIRED, ir.Reachability.REACHABLE): "Allowed",
    (ir.OutcomeKind.REQUIRED, ir.Reachability.UNREACHABLE): "Required",
    (ir.OutcomeKind.REQUIRED, None): "Required",
    (ir.OutcomeKind.FORBIDDEN, None): "Forbidden",
}
_QUANTIFIERS = {
    ir.OutcomeKind.FORBIDDEN: "exists",
    ir.OutcomeKind.ALLOWED: "exists",
    ir.OutcomeKind.REQUIRED: "forall",
}


def export_names(test: ir.Test) -> list[tuple[str, str | None, str]]:
    """(variant, outcome, herd test name) of each test `export --to herd` writes for `test`.

    One per variant, or per variant and outcome when there are several outcomes; the outcome is
    None only for a test without outcomes (which export_herd refuses).
    """
    outcomes: list[str | None] = [outcome.name for outcome in test.outcomes] or [None]
    lone_default = len(test.variants) == 1 and test.variants[0].name == DEFAULT_VARIANT
    names: list[tuple[str, str | None, str]] = []
    taken: set[str] = set()
    for variant in test.variants:
        for outcome in outcomes:
            parts = [_UNSAFE.sub("_", test.name) or "test"]
            if not lone_default:
                parts.append(_part(variant.name))
            if len(outcomes) > 1 and outcome is not None:
                parts.append(_part(outcome))
            name = unique = "+".join(parts)
            count = 2
            while unique in taken:
                unique, count = f"{name}_{count}", count + 1
            taken.add(unique)
            names.append((variant.name, outcome, unique))
    return names


def export_herd(test: ir.Test, variant: str, outcome: str | None = None) -> str:
    """The herd7 AArch64 litmus test for one variant and outcome of `test`.

    `outcome` may be left out when the test has exactly one.
    """
    chosen = {item.name: item for item in test.variants}.get(variant)
    if chosen is None:
        known = ", ".join(item.name for item in test.variants)
        raise UsageError(f"test {test.name} has no variant '{variant}' (it has {known})")
    outcomes = {item.name: item for item in test.outcomes}
    if outcome is None and len(outcomes) != 1:
        listed = ", ".join(outcomes) or "none"
        raise UsageError(f"name the outcome of {test.name} to export (its outcomes: {listed})")
    picked = outcomes.get(outcome) if outcome is not None else test.outcomes[0]
    if picked is None:
        raise UsageError(f"test {test.name} has no outcome '{outcome}'")
    name = next(herd for v, o, herd in export_names(test) if v == variant and o == picked.name)
    return _Export(test, chosen, picked).text(name)


def _part(text: str) -> str:
    return _UNSAFE.sub("_", text).replace("+", "_") or "_"


def location_names(locations: tuple[ir.LocationDecl, ...]) -> dict[str, str]:
    """A distinct herd identifier for every cell, by cell name, in declaration order."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for location in locations:
        for cell in location.cells:
            base = re.sub(r"[^A-Za-z0-9_]+", "_", cell.replace("]", "")).strip("_") or "m"
            if not base[0].isalpha():
                base = f"m{base}"
            if _RESERVED.fullmatch(base):
                base += "_"
            name, count = base, 2
            while name in taken:
                name, count = f"{base}_{count}", count + 1
            taken.add(name)
            names[cell] = name
    return names


def _comment(text: str) -> str:
    """`text` as one herd comment line: nothing that ends it or upsets herd's splitter."""
    cleaned = re.sub(r"\(\*|\*\)|[{}\"\n\r]", " ", text)
    return f"(* {' '.join(cleaned.split())} *)"


def _final_registers(node: object) -> list[tuple[str, str]]:
    """The (thread, register) pairs a condition or term names."""
    if isinstance(node, ir.FinalRegister):
        return [(node.thread, node.register)]
    if isinstance(node, ir.Compare):
        return _final_registers(node.left) + _final_registers(node.right)
    if isinstance(node, ir.BoolOp):
        return [pair for operand in node.operands for pair in _final_registers(operand)]
    return []


class _Export:
    """One herd test: the compiled threads and what the final condition needs to name."""

    def __init__(self, test: ir.Test, variant: ir.Variant, outcome: ir.Outcome) -> None:
        self.test, self.variant, self.outcome = test, variant, outcome
        program = variant.program
        self.memory = MemoryLayout(program.locations)
        self.locations = location_names(program.locations)
        if not program.threads:
            raise UnsupportedInstructionError(f"variant {variant.name} has no thread")
        self.index = {thread.name: index for index, thread in enumerate(program.threads)}
        named: dict[str, list[str]] = {}
        for node in (outcome.condition, test.filter, *test.observed):
            for owner, register in _final_registers(node):
                if owner not in self.index:
                    raise UnknownNameError(f"no thread {owner} in variant {variant.name}")
                named.setdefault(owner, []).append(register)
        self.compiled: list[CompiledThread] = []
        self.registers: list[dict[Register, str]] = []
        self.variables: list[list[str]] = []
        for index, thread in enumerate(program.threads):
            compiled = ThreadCompiler(thread, self.memory, f"L{index}_").compile()
            variables = register_names(thread)
            extra = dict.fromkeys(named.get(thread.name, ()))
            variables += [name for name in extra if name not in variables]
            self.compiled.append(compiled)
            self.variables.append(variables)
            self.registers.append(number_registers(f"P{index}", variables, compiled))

    # ----------------------------------------------------------------------- text

    def text(self, name: str) -> str:
        """The whole litmus test."""
        test, outcome = self.test, self.outcome
        lines = [f"AArch64 {name}"]
        if test.doc:  # herd's doc line ends at the next `"`; ours reads `\` as an escape
            doc = test.doc.replace('"', "'").replace("\\", "/")
            lines.append(f'"{" ".join(doc.split())}"')
        expected = self.expected()
        if expected is not None:
            lines.append(f"Expected={expected}")
        lines.append(
            _comment(
                f"ringlitmus export of {os.path.basename(test.file)} ({test.name}): variant "
                f"{self.variant.name}, {outcome.kind.value} outcome {outcome.name}"
            )
        )
        lines += self.thread_comments()
        renamed = [f"{herd} is {cell}" for cell, herd in self.locations.items() if herd != cell]
        if renamed:
            lines.append(_comment("locations: " + ", ".join(renamed)))
        lines += ["{", *self.init(), "}", *self.table()]
        if test.observed:
            lines.append(f"locations [{' '.join(self.term(t) + ';' for t in test.observed)}]")
        if test.filter is not None:
            lines.append(f"filter ({self.condition(test.filter)})")
        lines.append(f"{_QUANTIFIERS[outcome.kind]} ({self.condition(outcome.condition)})")
        return "\n".join(lines) + "\n"

    def expected(self) -> str | None:
        """The `Expected=` value: the file's claim about this variant and outcome."""
        # herd7 runs the exported test under aarch64.cat: the file's ARMv8 claim.
        status = self.test.expected(self.variant.name, self.outcome.name, "armv8")
        kind = self.outcome.kind
        if (kind, status) in _EXPECTED:
            return _EXPECTED[kind, status]
        if status is None:
            return None
        return "Allowed" if status is ir.Reachability.REACHABLE else "Forbidden"

    def thread_comments(self) -> list[str]:
        comments = []
        for index, thread in enumerate(self.variant.program.threads):
            names = self.registers[index]
            held = " ".join(f"{names[variable(name)]}={name}" for name in self.variables[index])
            description = f" ({thread.description})" if thread.description else ""
            registers = f"; registers {held}" if held else ""
            comments.append(_comment(f"P{index}: {thread.name}{description}{registers}"))
        return comments

    def init(self) -> list[str]:
        """The init block: every cell, then each thread's registers."""
        cells = []
        for location in self.variant.program.locations:
            for cell, value in zip(location.cells, location.initial, strict=True):
                if isinstance(value, ir.Const):
                    cells.append(f"int64_t {self.locations[cell]}={value.value};")
                else:
                    cells.append(f"{self.locations[cell]}={self.value(value)};")
        lines = [" ".join(cells)] if cells else []
        for index, thread in enumerate(self.variant.program.threads):
            names = self.registers[index]
            entries = []
            for register in self.compiled[index].bound:
                key = register.key
                shown = self.locations[str(key)] if register.kind is RegisterKind.CELL else key
                entries.append(f"{index}:{names[register]}={shown};")
            for name, value in thread.registers:
                entries.append(f"{index}:{names[variable(name)]}={self.value(value)};")
            if entries:
                lines.append(" ".join(entries))
        return lines

    def table(self) -> list[str]:
        """The thread table, columns padded, every row ending with ` ;`."""
        columns = [
            [f"P{index}"] + [render_line(line, self.registers[index]) for line in compiled.lines]
            for index, compiled in enumerate(self.compiled)
        ]
        height = max(2, *(len(column) for column in columns))
        widths = [max(len(cell) for cell in column) for column in columns]
        rows = []
        for row in range(height):
            cells = [
                (column[row] if row < len(column) else "").ljust(width)
                for column, width in zip(columns, widths, strict=True)
            ]
            rows.append(" " + " | ".join(cells) + " ;")
        return rows

    # ----------------------------------------------------------------------- conditions

    def value(self, value: ir.Expr | ir.Term, in_condition: bool = False) -> str:
        """A value in the init block or on the right of `=`."""
        if isinstance(value, ir.Const):
            return str(value.value)
        if isinstance(value, ir.Address):
            # A pointer to an array cell may not be a program's value (see the module doc); in a
            # condition it is harmless, and `ring` is the address of ring[0].
            if self.memory.is_split(value.location) and not in_condition:
                raise split_address_error(value.location, None)
            return self.locations[self.memory.cell(Known(value.location, 0), None)]
        if isinstance(value, ir.FinalLocation):
            return f"[{self.term(value)}]"
        if isinstance(value, ir.FinalRegister):
            return self.term(value)
        raise UnsupportedInstructionError("an initial value must be a number or a location")

    def term(self, term: ir.Expr | ir.Term) -> str:
        """A register `N:Xk` or a location, as the left of `=` or in `locations [...]`."""
        if isinstance(term, ir.FinalRegister):
            index = self.index[term.thread]
            register = self.registers[index].get(variable(term.register))
            assert register is not None, "every named register was numbered"
            return f"{index}:{register}"
        if isinstance(term, ir.FinalLocation):
            if term.cell not in self.locations:
                raise UndeclaredLocationError(f"undeclared location '{term.cell}'")
            return self.locations[term.cell]
        raise UnsupportedInstructionError("`locations [...]` lists registers and locations")

    def condition(self, condition: ir.Condition) -> str:
        """herd's text for a final condition."""
        if isinstance(condition, ir.Truth):
            return "true" if condition.value else "false"
        if isinstance(condition, ir.Compare):
            return self.compare(condition)
        if condition.op is ir.BoolOpKind.NOT:
            return f"~({self.condition(condition.operands[0])})"
        if not condition.operands:
            return "true" if condition.op is ir.BoolOpKind.AND else "false"
        joiner = " /\\ " if condition.op is ir.BoolOpKind.AND else " \\/ "
        return joiner.join(self.operand(operand) for operand in condition.operands)

    def operand(self, condition: ir.Condition) -> str:
        text = self.condition(condition)
        simple = isinstance(condition, ir.Truth | ir.Compare) or (condition.op is ir.BoolOpKind.NOT)
        return text if simple else f"({text})"

    def compare(self, compare: ir.Compare) -> str:
        """`term=value` or `~(term=value)`."""
        left, right = compare.left, compare.right
        for side in (left, right):
            if isinstance(side, ir.FinalArithmetic):
                # herd7 7.58 refuses `1:X1+1=1` ("unexpected '+' (in final)"); a location's final
                # value cannot be computed by the threads either, so there is no faithful form.
                raise UnsupportedInstructionError(
                    f"herd's final conditions have no arithmetic ('{side.op.value}' in outcome "
                    f"{self.outcome.name}): herd7 reads only `term=value`, so this outcome "
                    "cannot be exported",
                    self.outcome.span,
                )
        if isinstance(left, ir.Const) and isinstance(right, ir.Const):
            return "true" if apply_cmp(compare.op, left.value, right.value) else "false"
        if compare.op not in (ir.CmpOp.EQ, ir.CmpOp.NE):
            raise UnsupportedInstructionError(
                f"herd's final conditions test equality only, not '{compare.op.value}'",
                self.outcome.span,
            )
        if not isinstance(left, ir.FinalRegister | ir.FinalLocation):
            left, right = right, left
        if not isinstance(left, ir.FinalRegister | ir.FinalLocation):
            raise UnsupportedInstructionError(
                "herd's final conditions compare a register or location", self.outcome.span
            )
        text = f"{self.term(left)}={self.value(right, in_condition=True)}"
        return text if compare.op is ir.CmpOp.EQ else f"~({text})"
