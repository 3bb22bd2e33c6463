"""Turn results into text for people and programs; what one file gave and how it fared.

Reports read Result objects (`ringlitmus.outcomes`) and IR; they never import z3, lark or click,
so the result types are imported for type checking only and verdicts are compared by value.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from ringlitmus import ir
from ringlitmus.errors import LitmusError
from ringlitmus.frozen import frozen

if TYPE_CHECKING:
    from ringlitmus.outcomes import OutcomeResult, TestResult

# The values of ringlitmus.encode.solver.Verdict, which imports z3.
REACHABLE = "reachable"
UNREACHABLE = "unreachable"
UNKNOWN = "unknown"


@frozen
class FileReport:
    """What one input file gave: its parsed test and result, or the error that stopped it,
    or (`unknown`) why nothing about it is known: its time ran out before its outcomes were."""

    file: str
    result: TestResult | None = None
    error: LitmusError | None = None
    test: ir.Test | None = None
    unknown: str | None = None


class FileStatus(Enum):
    """How a file fared, worst last: the order the exit code follows."""

    PASSED = "passed"
    UNKNOWN = "unknown"
    FAILED = "failed"
    ERROR = "error"


def file_status(report: FileReport) -> FileStatus:
    """ERROR if the file could not be checked or a variant has no execution at all, else FAILED
    if any result misses its claim, else UNKNOWN if any could not be decided, else PASSED."""
    if report.unknown is not None and report.error is None:
        return FileStatus.UNKNOWN
    if report.error is not None or report.result is None or report.result.error is not None:
        return FileStatus.ERROR
    if any(variant.no_execution for variant in report.result.variants):
        # A broken test, not a solver limit: exit 2 like bad input, never 3, which a gate may
        # be told to tolerate ("raise --timeout") and would then let a vacuous test pass.
        return FileStatus.ERROR
    verdicts = [outcome.ok for variant in report.result.variants for outcome in variant.outcomes]
    if False in verdicts:
        return FileStatus.FAILED
    if None in verdicts:
        return FileStatus.UNKNOWN
    return FileStatus.PASSED


def verdict_value(verdict: object) -> str:
    """A Verdict's value (`reachable`, ...); plain strings pass through."""
    return str(getattr(verdict, "value", verdict))


def is_reachable_forbidden(outcome: OutcomeResult) -> bool:
    """A FORBIDDEN outcome some execution reaches (or a REQUIRED one some execution violates)."""
    return outcome.kind is not ir.OutcomeKind.ALLOWED and verdict_value(outcome.status) == REACHABLE
