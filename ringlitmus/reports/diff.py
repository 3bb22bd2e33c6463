"""Compare two sets of results outcome by outcome: what a change opened, closed, added, removed.

Pure: results in, `OutcomeChange`s out; nothing is parsed, solved or printed. Each side maps a
label (a file's path relative to its side's root, the same on both sides) to the TestResult
of that file; outcomes are matched by (label, variant, outcome name). `compare_variants`
matches the outcomes of two variants of one result instead.

An outcome is judged by the **old** side's claim: a patch cannot make its own change pass by
also editing `forbidden` into `allowed`. What the claims themselves did is `claims.py`'s job;
a weakened claim fails the diff unless the reviewer accepts it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING

from ringlitmus import ir
from ringlitmus.frozen import frozen
from ringlitmus.reports import (
    REACHABLE,
    UNKNOWN,
    FileReport,
    FileStatus,
    file_status,
    verdict_value,
)
from ringlitmus.reports.claims import ClaimChange, ClaimDirection

if TYPE_CHECKING:
    from ringlitmus.outcomes import OutcomeResult, TestResult


class Change(Enum):
    """What happened to one outcome between the old side and the new one."""

    UNCHANGED = "unchanged"
    NEWLY_REACHABLE = "newly reachable"
    NEWLY_UNREACHABLE = "newly unreachable"
    ADDED = "added"
    REMOVED = "removed"
    UNKNOWN = "unknown"  # the solver could not decide on at least one side


@frozen
class OutcomeChange:
    """One outcome on either side. `variant` is None when two variants are compared.

    For a REQUIRED outcome, as everywhere, reachable means "a violation is reachable".
    `witness_changed`: reachable on both sides, but by another final state or execution.
    `kind` and `claim` are the old side's (the new side's when the outcome is added): `claim`
    is the status the file claims under the model the diff ran (its expectation, else
    unreachable for a forbidden or required outcome), None when it claims none.
    """

    file: str
    test: str
    variant: str | None
    outcome: str
    kind: ir.OutcomeKind
    change: Change
    old: OutcomeResult | None
    new: OutcomeResult | None
    witness_changed: bool = False
    claim: ir.Reachability | None = None

    @property
    def opens_forbidden(self) -> bool:
        """An outcome the old side claimed unreachable (a forbidden one, a required one's
        violation, one expected unreachable) that became reachable, or an added one that is
        reachable though the new side claims it unreachable."""
        if self.claim is not ir.Reachability.UNREACHABLE:
            return False
        if self.change is Change.NEWLY_REACHABLE:
            return True
        # An added claim is judged too, so renaming an outcome cannot launder a broken one.
        if self.change is not Change.ADDED or self.new is None:
            return False
        return verdict_value(self.new.status) == REACHABLE


@frozen
class Diff:
    """Every outcome change, by file, variant and outcome; `old` and `new` name the sides;
    `claims`, every change of what the files claim (none when variants are compared)."""

    old: str
    new: str
    changes: tuple[OutcomeChange, ...]
    variants: tuple[str, str] | None = None
    claims: tuple[ClaimChange, ...] = ()

    def count(self, change: Change) -> int:
        """How many outcomes changed this way."""
        return sum(1 for item in self.changes if item.change is change)

    @property
    def witnesses_changed(self) -> int:
        """How many outcomes stayed reachable by another witness."""
        return sum(1 for item in self.changes if item.witness_changed)

    @property
    def opens_forbidden(self) -> bool:
        """Whether some outcome the old side claimed unreachable became reachable."""
        return any(item.opens_forbidden for item in self.changes)

    def claims_changed(self, direction: ClaimDirection) -> int:
        """How many claim changes go this way."""
        return sum(1 for claim in self.claims if claim.direction is direction)

    def claim_weakened(self, change: OutcomeChange) -> bool:
        """Whether a weakened claim covers this outcome (its file, variant or itself)."""
        return any(
            claim.weakened
            and claim.file == change.file
            and claim.outcome in (None, change.outcome)
            and (not claim.variants or change.variant in (None, *claim.variants))
            for claim in self.claims
        )


def compare(
    old: Mapping[str, TestResult], new: Mapping[str, TestResult], old_name: str, new_name: str
) -> Diff:
    """Every (file, variant, outcome) of either side, files sorted by label."""
    changes: list[OutcomeChange] = []
    for label in sorted(set(old) | set(new)):
        before, after = old.get(label), new.get(label)
        present = after if after is not None else before
        test = present.test if present is not None else label
        old_outcomes = _outcomes(before)
        new_outcomes = _outcomes(after)
        for variant, outcome in _union(new_outcomes, old_outcomes):
            changes.append(
                _change(
                    label,
                    test,
                    variant,
                    old_outcomes.get((variant, outcome)),
                    new_outcomes.get((variant, outcome)),
                )
            )
    return Diff(old_name, new_name, tuple(changes))


def compare_variants(label: str, result: TestResult, before: str, after: str) -> Diff:
    """The outcomes of variant `before` against those of variant `after` in one file."""
    outcomes = _outcomes(result)
    old = {name: item for (variant, name), item in outcomes.items() if variant == before}
    new = {name: item for (variant, name), item in outcomes.items() if variant == after}
    changes = [
        _change(label, result.test, None, old.get(name), new.get(name))
        for name in dict.fromkeys([*new, *old])
    ]
    return Diff(before, after, tuple(changes), variants=(before, after))


def _outcomes(result: TestResult | None) -> dict[tuple[str, str], OutcomeResult]:
    if result is None:
        return {}
    return {
        (variant.variant, outcome.name): outcome
        for variant in result.variants
        for outcome in variant.outcomes
    }


def _union(*sides: Mapping[tuple[str, str], object]) -> Iterable[tuple[str, str]]:
    """The keys of every side, in order of first appearance."""
    return dict.fromkeys(key for side in sides for key in side)


def _change(
    label: str,
    test: str,
    variant: str | None,
    old: OutcomeResult | None,
    new: OutcomeResult | None,
) -> OutcomeChange:
    judged = old if old is not None else new
    assert judged is not None  # a key comes from one side at least
    return OutcomeChange(
        file=label,
        test=test,
        variant=variant,
        outcome=judged.name,
        kind=judged.kind,
        change=classify(old, new),
        old=old,
        new=new,
        witness_changed=_witness_changed(old, new),
        claim=_claim(judged),
    )


def _claim(outcome: OutcomeResult) -> ir.Reachability | None:
    """The status the outcome's file claims under the model its result was decided by."""
    if outcome.expected is not None or outcome.kind is ir.OutcomeKind.ALLOWED:
        return outcome.expected
    return ir.Reachability.UNREACHABLE


def classify(old: OutcomeResult | None, new: OutcomeResult | None) -> Change:
    """The change from `old` to `new` (None: the outcome is absent on that side)."""
    if old is None:
        return Change.ADDED
    if new is None:
        return Change.REMOVED
    before, after = verdict_value(old.status), verdict_value(new.status)
    if UNKNOWN in (before, after):
        return Change.UNKNOWN
    if before == after:
        return Change.UNCHANGED
    return Change.NEWLY_REACHABLE if after == REACHABLE else Change.NEWLY_UNREACHABLE


def _witness_changed(old: OutcomeResult | None, new: OutcomeResult | None) -> bool:
    if old is None or new is None:
        return False
    if verdict_value(old.status) != REACHABLE or verdict_value(new.status) != REACHABLE:
        return False
    return old.witness != new.witness or _edges(old) != _edges(new)


def _edges(outcome: OutcomeResult) -> dict[str, list[str]]:
    return {relation: sorted(edges) for relation, edges in (outcome.execution or {}).items()}


def diff_status(
    diff: Diff, errors: Sequence[FileReport], accept_weakened_claims: bool = False
) -> FileStatus:
    """How the diff fares, for the exit code: ERROR if a file could not be checked, else
    FAILED if an outcome claimed unreachable became reachable or a claim was weakened (and
    not accepted), else UNKNOWN if a side could not decide (or a file's --timeout ran out
    before its outcomes were known)."""
    if any(file_status(report) is FileStatus.ERROR for report in errors):
        return FileStatus.ERROR
    weakened = diff.claims_changed(ClaimDirection.WEAKENED) and not accept_weakened_claims
    if diff.opens_forbidden or weakened:
        return FileStatus.FAILED
    return FileStatus.UNKNOWN if errors or diff.count(Change.UNKNOWN) else FileStatus.PASSED
