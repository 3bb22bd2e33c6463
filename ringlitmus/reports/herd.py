"""Print results the way herd7 does, and judge outcomes by herd's rules.

One block per test, herd7's lines (herdtools7 `herd/top_herd.ml`): `Test NAME KIND` (the kind
the condition's quantifier states), `States N` and the final states, `Ok`/`No`, `Witnesses`,
`Positive: p Negative: n`, `Condition ...`, `Observation NAME Never|Sometimes|Always p n`.
herd counts executions in p and n; we decide reachability with a solver and never count
executions, so ours are counts of the distinct final states listed (p those satisfying the
condition). When the solver could not decide, the validation line reads `Unknown` (herd has no
such word). A ring-DSL file prints one block per variant and outcome, named
`TEST.variant.outcome` (the `default` variant and a lone outcome are left out of the name).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from ringlitmus import ir
from ringlitmus.frozen import frozen
from ringlitmus.reports import REACHABLE, UNREACHABLE, FileReport, verdict_value
from ringlitmus.reports.herd_states import format_condition, herd_states

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


# herd's kind of a test is the one its quantifier states, whatever the executions show.
_KINDS = {
    ir.OutcomeKind.ALLOWED: HerdVerdict.ALLOWED.value,
    ir.OutcomeKind.FORBIDDEN: HerdVerdict.FORBIDDEN.value,
    ir.OutcomeKind.REQUIRED: HerdVerdict.REQUIRED.value,
}

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
        # herd drops a `.litmus` the name line carries (herdtools7 lib/misc.ml, clean_name).
        return test.name.removesuffix(".litmus")
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
    lines = [f"Test {name} {_KINDS[outcome.kind]}"]
    counts = ""
    if variant.states is not None:
        states = herd_states(
            test, variant.variant, outcome.condition, test.observed, variant.states
        )
        lines.append(f"States {len(states.lines)}")
        lines.extend(states.lines)
        lines.append(judgement.validation.value)
        # herd's witnesses count what the quantifier asks for: for ~exists, the states
        # that do not satisfy the condition (herd/top_herd.ml, check_wit).
        positive, negative = states.positive, states.negative
        if outcome.kind is ir.OutcomeKind.FORBIDDEN:
            positive, negative = negative, positive
        lines.append("Witnesses")
        lines.append(f"Positive: {positive} Negative: {negative}")
        counts = f" {states.positive} {states.negative}"
    else:
        lines.append(judgement.validation.value)
    # herd prints a line per flag some consistent execution raises, before the condition.
    lines.extend(f"Flag {flag}" for flag in variant.flags)
    condition = format_condition(test, outcome.condition)
    lines.append(f"Condition {_QUANTIFIERS[outcome.kind]} ({condition})")
    lines.append(f"Observation {name} {judgement.observation.value}{counts}")
    return "\n".join(lines) + "\n"
