"""Compile one IR thread into AArch64 instructions: conditions, accesses, atomics, branches.

Every IR instruction becomes straight-line AArch64 ending in at most one branch; the values and
the addr, data, ctrl and pick dependencies are those of the IR (see herd_export_values.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ringlitmus import ir
from ringlitmus.ir import CmpOp
from ringlitmus.reports.herd_export_assembly import (
    ADD_LIMIT,
    CONDITION_CODES,
    FENCES,
    INVERSE_CODES,
    LOADS,
    MIRRORED,
    RMW_NAMES,
    STORES,
    ZERO,
    AssemblyLabel,
    CompiledThread,
    Immediate,
    Memory,
    Operand,
    Register,
    Status,
    Word,
    registers_read,
    variable,
)
from ringlitmus.reports.herd_export_values import (
    ExpressionCompiler,
    code_expression,
    constant_of,
)
from ringlitmus.symbolic import apply_cmp


@dataclass
class ThreadCompiler(ExpressionCompiler):
    """Compiles one thread; `label_prefix` keeps label names unique across threads."""

    def compile(self) -> CompiledThread:
        """The thread's code."""
        for instruction in self.thread.instructions:
            self.used, self.span = 0, instruction.span
            self.instruction(instruction)
        return CompiledThread(self.lines, list(self.bound), self.most)

    # ----------------------------------------------------------------------- conditions

    def condition_code(self, condition: ir.Condition) -> str | bool:
        """Set the flags for `condition` and return its condition code (or its known value)."""
        if isinstance(condition, ir.Truth):
            return condition.value
        if isinstance(condition, ir.Compare):
            op = condition.op
            left, right = code_expression(condition.left), code_expression(condition.right)
            constants = constant_of(left), constant_of(right)
            if constants[0] is not None and constants[1] is not None:
                return apply_cmp(op, constants[0], constants[1])
            if constants[0] is not None:
                left, right, op = right, left, MIRRORED[op]
            value = constant_of(right)
            operand: Operand
            if value is not None and 0 <= value < ADD_LIMIT:
                operand = Immediate(value)
            else:
                operand = self.register(right, zero=True)
            self.emit("CMP", self.register(left), operand)
            return CONDITION_CODES[op]
        self.emit("CMP", self.truth(condition), Immediate(0))
        return "NE"

    def truth(self, condition: ir.Condition) -> Register:
        """A register that is 1 when `condition` holds, else 0: CSINCs, ADDs and no branch.

        Every comparison's CSINC makes its operands pick dependencies of the result on every
        path, as they are of the IR's condition; a chain of branches would drop some.
        """
        # Never XZR: `CMP XZR,#0` would be `CMP SP,#0` to an assembler.
        if isinstance(condition, ir.Truth):
            return self.register(ir.Const(int(condition.value)))
        if isinstance(condition, ir.Compare):
            code = self.condition_code(condition)
            if isinstance(code, bool):
                return self.register(ir.Const(int(code)))
            return self.flag(code)
        parts = [self.truth(operand) for operand in condition.operands]
        if condition.op is ir.BoolOpKind.NOT:
            self.emit("CMP", parts[0], Immediate(0))
            return self.flag("EQ")
        every = condition.op is ir.BoolOpKind.AND
        if not parts:
            return self.register(ir.Const(int(every)))
        count = parts[0]
        if len(parts) > 1:
            count = self.temporary()
            self.emit("ADD", count, parts[0], parts[1])
            for part in parts[2:]:
                self.emit("ADD", count, count, part)
        self.emit("CMP", count, Immediate(len(parts) if every else 0))
        return self.flag("EQ" if every else "NE")

    def flag(self, code: str) -> Register:
        """1 if the flags say `code`, else 0 (CSET, spelt CSINC Xd,XZR,XZR,<inverse>)."""
        result = self.temporary()
        self.emit("CSINC", result, ZERO, ZERO, Word(INVERSE_CODES[code]))
        return result

    # ----------------------------------------------------------------------- instructions

    def instruction(self, instruction: ir.Instruction) -> None:
        """Compile one IR instruction."""
        if isinstance(instruction, ir.Label):
            self.lines.append(AssemblyLabel(self.label(instruction.name)))
        elif isinstance(instruction, ir.Fence):
            if instruction.kind not in FENCES:
                raise self.unsupported(f"{instruction.kind.value} is not an AArch64 barrier")
            mnemonic, option = FENCES[instruction.kind]
            self.emit(mnemonic, *((Word(option),) if option else ()))
        elif isinstance(instruction, ir.Assign):
            self.into(instruction.value, variable(instruction.dest))
        elif isinstance(instruction, ir.Select):
            self.select(instruction)
        elif isinstance(instruction, ir.Load):
            self.load(instruction)
        elif isinstance(instruction, ir.Store):
            self.store(instruction)
        elif isinstance(instruction, ir.Rmw):
            self.rmw(instruction)
        else:
            self.branch(instruction)

    def select(self, select: ir.Select) -> None:
        """CSEL; CMP first, since nothing computed after it sets the flags."""
        dest = variable(select.dest)
        code = self.condition_code(select.condition)
        if isinstance(code, bool):
            self.into(select.if_true if code else select.if_false, dest)
            return
        if_true = self.register(select.if_true, zero=True)
        if_false = self.register(select.if_false, zero=True)
        self.emit("CSEL", dest, if_true, if_false, Word(code))

    def load(self, load: ir.Load) -> None:
        mnemonic = LOADS.get((load.ordering, load.exclusive))
        if mnemonic is None:
            raise self.unsupported(f"no AArch64 load is {_ordering(load)}")
        memory = self.address(load.address, indexed=mnemonic == "LDR")
        self.emit(mnemonic, variable(load.dest) if load.dest else ZERO, memory)

    def store(self, store: ir.Store) -> None:
        mnemonic = STORES.get((store.ordering, store.exclusive))
        if mnemonic is None:
            raise self.unsupported(f"no AArch64 store is {_ordering(store)}")
        value = self.register(store.value, zero=True)
        memory = self.address(store.address, indexed=mnemonic == "STR")
        if not store.exclusive:
            self.emit(mnemonic, value, memory)
            return
        # The status register must differ from the value and base registers (Arm ARM).
        status = variable(store.status) if store.status else None
        written = status if status not in (None, value, memory.base) else self.temporary()
        assert written is not None
        self.emit(mnemonic, Status(written), value, memory)
        if status is not None and written != status:
            self.emit("MOV", status, written)

    def rmw(self, rmw: ir.Rmw) -> None:
        """SWP, CAS, LD<op>; ST<op> when the old value is discarded (herd's NoRet)."""
        base = self.address(rmw.address, indexed=False).base
        operand = self.register(rmw.operand, zero=True)
        suffix = ("A" if rmw.acquire else "") + ("L" if rmw.release else "")
        dest = variable(rmw.dest) if rmw.dest else None
        if rmw.op is ir.RmwOp.CAS:
            self.compare_and_swap(rmw, "CAS" + suffix, base, operand)
        elif rmw.op is ir.RmwOp.SWP:
            self.emit("SWP" + suffix, operand, dest or ZERO, Memory(base))
        elif rmw.op not in RMW_NAMES:
            raise self.unsupported(f"no AArch64 instruction does the RMW {rmw.op.value}")
        elif dest is None:
            # A discarded read is no acquire (Arm ARM), so ST<op> says the same as LD<op>A.
            store = "ST" + RMW_NAMES[rmw.op] + ("L" if rmw.release else "")
            self.emit(store, operand, Memory(base))
        else:
            self.emit("LD" + RMW_NAMES[rmw.op] + suffix, operand, dest, Memory(base))

    def compare_and_swap(self, rmw: ir.Rmw, mnemonic: str, base: Register, value: Register) -> None:
        """CAS Xs, Xt, [Xn]: Xs holds the expected value and receives the old one."""
        expected = rmw.expected if rmw.expected is not None else ir.Const(0)
        if rmw.dest is None:
            if constant_of(expected) != 0:
                raise self.unsupported(
                    "a CAS that discards what it read must compare with 0 (CAS XZR, ...)"
                )
            self.emit(mnemonic, ZERO, value, Memory(base))
            return
        dest = variable(rmw.dest)
        compared = dest
        if expected != ir.Reg(rmw.dest):
            compared = self.temporary() if dest in (value, base) else dest
            self.into(expected, compared)
        self.emit(mnemonic, compared, value, Memory(base))
        if compared != dest:
            self.emit("MOV", dest, compared)

    def branch(self, branch: ir.Branch) -> None:
        """B, CBZ/CBNZ against 0, or CMP and B.cond."""
        label = Word(self.label(branch.target))
        condition = branch.condition
        if isinstance(condition, ir.Compare) and condition.op in (CmpOp.EQ, CmpOp.NE):
            left, right = code_expression(condition.left), code_expression(condition.right)
            if constant_of(left) == 0 and constant_of(right) is None:
                left, right = right, left
            if constant_of(right) == 0 and constant_of(left) is None:
                mnemonic = "CBZ" if condition.op is CmpOp.EQ else "CBNZ"
                self.emit(mnemonic, self.register(left), label)
                return
        if isinstance(condition, ir.BoolOp):
            # A branch depends (ctrl) on every register its IR condition reads, on every path;
            # the truth value carries them as pick dependencies only, so add `r ^ r` (0) each.
            flag, zero = self.truth(condition), self.temporary()
            for name in dict.fromkeys(registers_read(condition)):
                self.emit("EOR", zero, variable(name), variable(name))
                self.emit("ADD", flag, flag, zero)
            self.emit("CBNZ", flag, label)
            return
        code = True if condition is None else self.condition_code(condition)
        if code is True:
            self.emit("B", label)
        elif code is not False:
            self.emit(f"B.{code}", label)


# --------------------------------------------------------------------------- helpers


def _ordering(access: ir.Load | ir.Store) -> str:
    return ("exclusive and " if access.exclusive else "") + access.ordering.value
