"""Print results the way herd7 does, and judge outcomes by herd's rules.

What herd7 prints and we do not: the `Witnesses` / `Positive: p Negative: n` lines and the two
counts after `Observation NAME KIND` (herd counts candidate executions; we decide reachability
with a solver and never count executions), `Time NAME s` and `Hash=`. Values are printed as
integers, so a register holding a pointer shows its numeric address, not herd's `x`. When the
solver could not decide, the validation line reads `Unknown` (herd has no such word).
A ring-DSL file prints one block per variant and outcome, named `TEST.variant.outcome`
(the `default` variant and a lone outcome are left out of the name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import TYPE_CHECKING

from ringlitmus import ir
from ringlitmus.frozen import frozen
from ringlitmus.reports import REACHABLE, UNREACHABLE, FileReport, verdict_value

if TYPE_CHECKING:
    from ringlitmus.outcomes import OutcomeResult, VariantResult


class HerdVerdict(Enum):
    """herd's kind of a test: what its executions show about the condition."""

    ALLOWED = "Allowed"
    FORBIDDEN = "Forbidden"
    REQUIRED = "Required"
    UNKNOWN = "Unknown"


class HerdObservation(Enum):
    """Whether no, some or every execution satisfies the condition."""

    NEVER = "Never"
    SOMETIMES = "Sometimes"
    ALWAYS = "Always"
    UNKNOWN = "Unknown"


class HerdValidation(Enum):
    """Whether the test's quantifier holds (herd's `Ok` / `No`)."""

    OK = "Ok"
    NO = "No"
    UNKNOWN = "Unknown"


@frozen
class HerdJudgement:
    """herd's three answers for one outcome."""

    verdict: HerdVerdict
    observation: HerdObservation
    validation: HerdValidation


_QUANTIFIERS = {
    ir.OutcomeKind.ALLOWED: "exists",
    ir.OutcomeKind.FORBIDDEN: "~exists",
    ir.OutcomeKind.REQUIRED: "forall",
}


def judge_herd(kind: ir.OutcomeKind, status: object, always: object | None) -> HerdJudgement:
    """herd's verdict, observation and validation from our two reachability answers.

    `status` is the reachability of P (of not-P for REQUIRED); `always` is the other one
    (not-P for ALLOWED/FORBIDDEN, P for REQUIRED), None when it was not asked.
    """
    status_value = verdict_value(status)
    other = verdict_value(always) if always is not None else None
    p_reachable: str | None
    not_p_reachable: str | None
    if kind is ir.OutcomeKind.REQUIRED:
        p_reachable, not_p_reachable = other, status_value
    else:
        p_reachable, not_p_reachable = status_value, other
    holds = {
        ir.OutcomeKind.ALLOWED: p_reachable == REACHABLE,
        ir.OutcomeKind.FORBIDDEN: p_reachable == UNREACHABLE,
        ir.OutcomeKind.REQUIRED: not_p_reachable == UNREACHABLE,
    }[kind]
    decided = status_value in (REACHABLE, UNREACHABLE)
    validation = (
        HerdValidation.UNKNOWN if not decided else HerdValidation.OK if holds else HerdValidation.NO
    )
    return HerdJudgement(
        _verdict(kind, validation), _observation(p_reachable, not_p_reachable), validation
    )


def _verdict(kind: ir.OutcomeKind, validation: HerdValidation) -> HerdVerdict:
    if validation is HerdValidation.UNKNOWN:
        return HerdVerdict.UNKNOWN
    holds = validation is HerdValidation.OK
    if kind is ir.OutcomeKind.ALLOWED:
        return HerdVerdict.ALLOWED if holds else HerdVerdict.FORBIDDEN
    if kind is ir.OutcomeKind.FORBIDDEN:
        return HerdVerdict.FORBIDDEN if holds else HerdVerdict.ALLOWED
    return HerdVerdict.REQUIRED if holds else HerdVerdict.ALLOWED


def _observation(p_reachable: str | None, not_p_reachable: str | None) -> HerdObservation:
    # herd tests "no positive execution" first, so a test with no execution at all is Never.
    if p_reachable == UNREACHABLE:
        return HerdObservation.NEVER
    if p_reachable != REACHABLE:
        return HerdObservation.UNKNOWN
    if not_p_reachable == UNREACHABLE:
        return HerdObservation.ALWAYS
    if not_p_reachable == REACHABLE:
        return HerdObservation.SOMETIMES
    return HerdObservation.UNKNOWN


def judge_outcome(outcome: OutcomeResult) -> HerdJudgement:
    """herd's answers for one outcome result."""
    return judge_herd(outcome.kind, outcome.status, outcome.always)


# --------------------------------------------------------------------------- terms and conditions


def herd_term(test: ir.Test, term: ir.Term | ir.Expr) -> str:
    """A term as herd7 prints it: registers `0:X0`, memory `[x]`, constants as numbers."""
    if isinstance(term, ir.FinalLocation):
        return f"[{term.cell}]"
    if isinstance(term, ir.FinalRegister | ir.Address | ir.Const):
        return test.label(term)
    return str(term)


def format_condition(test: ir.Test, condition: ir.Condition) -> str:
    """A condition in herd's syntax: `1:X0=1 /\\ not ([x]=2)`."""
    if isinstance(condition, ir.Truth):
        return "true" if condition.value else "false"
    if isinstance(condition, ir.Compare):
        left, right = herd_term(test, condition.left), herd_term(test, condition.right)
        if condition.op is ir.CmpOp.EQ:
            return f"{left}={right}"
        if condition.op is ir.CmpOp.NE:
            return f"not ({left}={right})"
        return f"{left}{condition.op.value}{right}"
    if condition.op is ir.BoolOpKind.NOT:
        return f"not ({format_condition(test, condition.operands[0])})"
    connective = " /\\ " if condition.op is ir.BoolOpKind.AND else " \\/ "
    parts = []
    for operand in condition.operands:
        text = format_condition(test, operand)
        if isinstance(operand, ir.BoolOp) and operand.op is not ir.BoolOpKind.NOT:
            text = f"({text})"
        parts.append(text)
    return connective.join(parts)


def condition_terms(condition: ir.Condition) -> list[ir.Term]:
    """The final registers and memory cells a condition names, in order."""
    if isinstance(condition, ir.Truth):
        return []
    if isinstance(condition, ir.Compare):
        return [
            term
            for term in (condition.left, condition.right)
            if isinstance(term, ir.FinalRegister | ir.FinalLocation)
        ]
    return [term for operand in condition.operands for term in condition_terms(operand)]


def _natural_key(text: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def _term_order(test: ir.Test, term: ir.Term) -> tuple[object, ...]:
    # herd lists registers (by thread, then register number) before memory cells.
    if isinstance(term, ir.FinalRegister):
        return (0, _natural_key(term.thread), _natural_key(term.register))
    return (1, _natural_key(test.label(term)))


def herd_states(
    test: ir.Test, terms: Iterable[ir.Term], states: Iterable[Mapping[str, int]]
) -> list[str]:
    """Final states projected on `terms`, one herd line each (`0:X0=1; [x]=2;`), sorted."""
    ordered: dict[str, ir.Term] = {}
    for term in sorted(terms, key=lambda term: _term_order(test, term)):
        ordered.setdefault(test.label(term), term)
    states = list(states)
    labels = [label for label in ordered if all(label in state for state in states)]
    rows = {tuple(state[label] for label in labels) for state in states}
    return [
        " ".join(
            f"{herd_term(test, ordered[label])}={value};"
            for label, value in zip(labels, row, strict=True)
        )
        for row in sorted(rows)
    ]


# --------------------------------------------------------------------------- the herd7 log


def render_herd(report: FileReport) -> str:
    """What herd7 prints for the file's test: one block per variant and outcome."""
    if report.result is None or report.test is None:
        return ""
    blocks = []
    outcomes = report.test.outcomes
    for variant in report.result.variants:
        for outcome_result in variant.outcomes:
            outcome = next(item for item in outcomes if item.name == outcome_result.name)
            blocks.append(_render_block(report.test, variant, outcome, outcome_result))
    # herd7 ends each test's block with an empty line.
    return "".join(block + "\n" for block in blocks)


def _block_name(test: ir.Test, variant: str, outcome: str) -> str:
    if test.format.is_herd:
        return test.name
    parts = [test.name]
    if len(test.variants) > 1 or variant != "default":
        parts.append(variant)
    if len(test.outcomes) > 1:
        parts.append(outcome)
    return ".".join(parts)


def _render_block(
    test: ir.Test, variant: VariantResult, outcome: ir.Outcome, result: OutcomeResult
) -> str:
    name = _block_name(test, variant.variant, outcome.name)
    judgement = judge_outcome(result)
    header = "Required" if outcome.kind is ir.OutcomeKind.REQUIRED else "Allowed"
    lines = [f"Test {name} {header}"]
    if variant.states is not None:
        terms = [*condition_terms(outcome.condition), *test.observed]
        rows = herd_states(test, terms, variant.states)
        lines.append(f"States {len(rows)}")
        lines.extend(rows)
    lines.append(judgement.validation.value)
    # herd prints a line per flag some consistent execution raises, before the condition.
    lines.extend(f"Flag {flag}" for flag in variant.flags)
    condition = format_condition(test, outcome.condition)
    lines.append(f"Condition {_QUANTIFIERS[outcome.kind]} ({condition})")
    lines.append(f"Observation {name} {judgement.observation.value}")
    return "\n".join(lines) + "\n"
