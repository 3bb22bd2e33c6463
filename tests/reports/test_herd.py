"""herd7-style output and herd's verdict rules (reports/herd.py)."""

from __future__ import annotations

import dataclasses

import pytest
from result_builders import mp_test

from ringlitmus import ir, outcomes
from ringlitmus.encode.solver import Verdict
from ringlitmus.outcomes import OutcomeResult, VariantResult
from ringlitmus.reports import FileReport
from ringlitmus.reports.herd import (
    HerdJudgement,
    HerdObservation,
    HerdValidation,
    HerdVerdict,
    judge_herd,
    render_herd,
)

R, U, Q = Verdict.REACHABLE, Verdict.UNREACHABLE, Verdict.UNKNOWN
K = ir.OutcomeKind
A, F, REQ, UNK = (
    HerdVerdict.ALLOWED,
    HerdVerdict.FORBIDDEN,
    HerdVerdict.REQUIRED,
    HerdVerdict.UNKNOWN,
)
NEVER, SOME, ALWAYS, OBS_UNK = (
    HerdObservation.NEVER,
    HerdObservation.SOMETIMES,
    HerdObservation.ALWAYS,
    HerdObservation.UNKNOWN,
)
OK, NO, VAL_UNK = HerdValidation.OK, HerdValidation.NO, HerdValidation.UNKNOWN

# (kind, status, always) -> herd's answers. For ALLOWED/FORBIDDEN, status is P's reachability
# and always not-P's; for REQUIRED, status is not-P's (a violation) and always P's.
RULES = [
    (K.ALLOWED, R, R, HerdJudgement(A, SOME, OK)),
    (K.ALLOWED, R, U, HerdJudgement(A, ALWAYS, OK)),
    (K.ALLOWED, U, R, HerdJudgement(F, NEVER, NO)),
    (K.ALLOWED, U, U, HerdJudgement(F, NEVER, NO)),
    (K.ALLOWED, Q, R, HerdJudgement(UNK, OBS_UNK, VAL_UNK)),
    (K.ALLOWED, R, None, HerdJudgement(A, OBS_UNK, OK)),
    (K.FORBIDDEN, U, R, HerdJudgement(F, NEVER, OK)),
    (K.FORBIDDEN, R, R, HerdJudgement(A, SOME, NO)),
    (K.FORBIDDEN, R, U, HerdJudgement(A, ALWAYS, NO)),
    (K.FORBIDDEN, Q, None, HerdJudgement(UNK, OBS_UNK, VAL_UNK)),
    (K.FORBIDDEN, R, Q, HerdJudgement(A, OBS_UNK, NO)),
    (K.REQUIRED, U, R, HerdJudgement(REQ, ALWAYS, OK)),
    (K.REQUIRED, R, R, HerdJudgement(A, SOME, NO)),
    (K.REQUIRED, R, U, HerdJudgement(A, NEVER, NO)),
    (K.REQUIRED, Q, R, HerdJudgement(UNK, OBS_UNK, VAL_UNK)),
]


@pytest.mark.parametrize(("kind", "status", "always", "expected"), RULES)
def test_judge_herd_follows_herds_rules(
    kind: ir.OutcomeKind, status: Verdict, always: Verdict | None, expected: HerdJudgement
) -> None:
    assert judge_herd(kind, status, always) == expected


def test_judge_herd_accepts_verdict_values() -> None:
    assert judge_herd(K.ALLOWED, "reachable", "unreachable") == judge_herd(K.ALLOWED, R, U)


def _eq(left: ir.Term, right: int) -> ir.Compare:
    return ir.Compare(ir.CmpOp.EQ, left, ir.Const(right))


def test_render_herd_prints_herd7_block(mp_report: FileReport) -> None:
    assert render_herd(mp_report) == (
        "Test MP Allowed\n"
        "States 4\n"
        "1:X0=0; 1:X2=0; [x]=1;\n"
        "1:X0=0; 1:X2=1; [x]=1;\n"
        "1:X0=1; 1:X2=0; [x]=1;\n"
        "1:X0=1; 1:X2=1; [x]=1;\n"
        "Ok\n"
        "Witnesses\n"
        "Positive: 1 Negative: 3\n"
        "Condition exists (1:X0=1 /\\ 1:X2=0)\n"
        "Observation MP Sometimes 1 3\n"
        "\n"
    )


def test_herd_test_name_loses_its_litmus_suffix(mp_report: FileReport) -> None:
    assert mp_report.test is not None
    test = dataclasses.replace(mp_report.test, name="MP.litmus")
    lines = render_herd(dataclasses.replace(mp_report, test=test)).splitlines()
    assert (lines[0], lines[-2]) == ("Test MP Allowed", "Observation MP Sometimes 1 3")


def test_render_herd_says_required_for_forall() -> None:
    outcome = OutcomeResult("MP", K.REQUIRED, U, None, True, always=R)
    result = outcomes.TestResult(
        "MP.litmus", "MP", "aarch64", (VariantResult("default", 0.0, (outcome,)),)
    )
    report = FileReport("MP.litmus", result=result, test=mp_test(K.REQUIRED))
    assert render_herd(report) == (
        "Test MP Required\nOk\nCondition forall (1:X0=1 /\\ 1:X2=0)\nObservation MP Always\n\n"
    )


def test_ring_file_prints_a_block_per_variant_and_outcome() -> None:
    """The Test line says Forbidden for a forbidden outcome, reached or not; Witnesses count
    the final states that do not satisfy a ~exists condition as positive, as herd does."""
    condition = _eq(ir.FinalRegister("CPU1", "slot"), 0)
    program = ir.Program((), ())
    test = ir.Test(
        "seed.litmus",
        "seed",
        ir.Format.RING,
        (ir.Variant("before", program), ir.Variant("after", program)),
        (ir.Outcome("lost_page", K.FORBIDDEN, condition),),
    )
    reached = OutcomeResult("lost_page", K.FORBIDDEN, R, None, False, always=R)
    proved = OutcomeResult("lost_page", K.FORBIDDEN, U, None, True)
    before = tuple({"CPU1.slot": slot} for slot in (2, 0, 1))
    result = outcomes.TestResult(
        "seed.litmus",
        "seed",
        "ring",
        (
            VariantResult("before", 0.0, (reached,), states=before),
            VariantResult("after", 0.0, (proved,)),
        ),
    )
    text = render_herd(FileReport("seed.litmus", result=result, test=test))
    assert text == (
        "Test seed.before Forbidden\nStates 3\nCPU1.slot=0;\nCPU1.slot=1;\nCPU1.slot=2;\nNo\n"
        "Witnesses\nPositive: 2 Negative: 1\nCondition ~exists (CPU1.slot=0)\n"
        "Observation seed.before Sometimes 1 2\n\n"
        "Test seed.after Forbidden\nOk\nCondition ~exists (CPU1.slot=0)\n"
        "Observation seed.after Never\n\n"
    )


def test_render_herd_of_an_error_is_empty() -> None:
    assert render_herd(FileReport("bad.litmus")) == ""
