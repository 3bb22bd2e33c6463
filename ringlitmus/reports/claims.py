"""Compare what two versions of a litmus file claim: its variants, outcomes and expectations.

A file's claims are what `ringlitmus check` judges it by: each outcome's kind and condition
(`forbidden stale: ...`, herd's `~exists`), and for each variant, outcome and model the status
it must have: the `expect` line (herd's `Expected=`) that applies, else the kind's own claim
(forbidden and required: unreachable; allowed: none). Claims are compared model by model, over
every model either side names in an `under` clause plus "the other models", so an expectation
moved to a narrower set of models is seen even when the diff runs under one it still names.

A claim that disappears or gets weaker (unreachable -> reachable or none, reachable -> none,
forbidden -> allowed, a changed condition or herd `filter`, a removed or renamed variant,
outcome or file) is WEAKENED; reachable -> unreachable, none -> a status and allowed ->
forbidden or required are STRENGTHENED; a new file, variant or outcome is ADDED. Pure: IR in,
ClaimChanges out.

Claims are worded as the file words them: a herd file's as its quantifier (`~exists`,
`exists`, `forall`) and `Expected=` value (Forbidden, Allowed, Required).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from enum import Enum
from itertools import product

from ringlitmus import ir
from ringlitmus.frozen import frozen

# The models no `under` clause names: `Test.expected` under a name no clause can carry.
OTHER_MODELS = ""


class ClaimDirection(Enum):
    """How a claim changed from the old side to the new one."""

    WEAKENED = "weakened"
    STRENGTHENED = "strengthened"
    ADDED = "added"


class ClaimAspect(Enum):
    """Which part of a file's claims changed."""

    FILE = "file"
    VARIANT = "variant"
    OUTCOME = "outcome"  # its kind, or whether it exists
    CONDITION = "condition"
    FILTER = "filter"
    EXPECTATION = "expectation"


# How herd words an outcome's kind, and each claimed status under each kind.
HERD_KINDS = {
    ir.OutcomeKind.FORBIDDEN: "~exists",
    ir.OutcomeKind.ALLOWED: "exists",
    ir.OutcomeKind.REQUIRED: "forall",
}
_HERD_STATUSES = {
    ir.Reachability.REACHABLE: "Allowed",
    ir.Reachability.UNREACHABLE: "Forbidden",
}


@frozen
class ClaimChange:
    """One change of claim in one file.

    `variants` and `models` narrow an EXPECTATION change (`models` empty: every model;
    OTHER_MODELS in it: the models no `under` clause names); `old` and `new` are the claim on
    each side in words (None: the side makes none, or lacks the file, variant or outcome);
    `herd` says they are herd's words.
    """

    file: str
    aspect: ClaimAspect
    direction: ClaimDirection
    outcome: str | None = None
    variants: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    old: str | None = None
    new: str | None = None
    herd: bool = False

    @property
    def weakened(self) -> bool:
        """Whether the change weakens what the file claimed."""
        return self.direction is ClaimDirection.WEAKENED


def compare_claims(label: str, old: ir.Test | None, new: ir.Test | None) -> list[ClaimChange]:
    """Every claim change of the file `label` (None: the file is absent on that side)."""
    if old is None and new is None:
        return []
    if old is None:
        return [ClaimChange(label, ClaimAspect.FILE, ClaimDirection.ADDED, new="added")]
    if new is None:
        return [ClaimChange(label, ClaimAspect.FILE, ClaimDirection.WEAKENED, old="removed")]
    changes = [
        *_variant_changes(label, old, new),
        *_outcome_changes(label, old, new),
        *_filter_changes(label, old, new),
        *_expectation_changes(label, old, new),
    ]
    herd = old.format.is_herd or new.format.is_herd
    return [replace(change, herd=True) for change in changes] if herd else changes


def _filter_changes(label: str, old: ir.Test, new: ir.Test) -> list[ClaimChange]:
    # A filter drops executions before any claim is judged: a changed one may hide some.
    if old.filter == new.filter or not any(_claims_something(old, o) for o in old.outcomes):
        return []
    return [ClaimChange(label, ClaimAspect.FILTER, ClaimDirection.WEAKENED)]


def _variant_changes(label: str, old: ir.Test, new: ir.Test) -> list[ClaimChange]:
    before = [variant.name for variant in old.variants]
    after = [variant.name for variant in new.variants]
    removed = [
        ClaimChange(label, ClaimAspect.VARIANT, ClaimDirection.WEAKENED, variants=(name,), old=name)
        for name in before
        if name not in after
    ]
    added = [
        ClaimChange(label, ClaimAspect.VARIANT, ClaimDirection.ADDED, variants=(name,), new=name)
        for name in after
        if name not in before
    ]
    return removed + added


def _outcome_changes(label: str, old: ir.Test, new: ir.Test) -> list[ClaimChange]:
    before = {outcome.name: outcome for outcome in old.outcomes}
    after = {outcome.name: outcome for outcome in new.outcomes}
    changes: list[ClaimChange] = []
    for name, outcome in before.items():
        kept = after.get(name)
        if kept is None:
            changes.append(
                ClaimChange(
                    label,
                    ClaimAspect.OUTCOME,
                    ClaimDirection.WEAKENED,
                    outcome=name,
                    old=_kind_word(old, outcome.kind),
                )
            )
            continue
        if kept.kind is not outcome.kind:
            changes.append(
                ClaimChange(
                    label,
                    ClaimAspect.OUTCOME,
                    _kind_direction(outcome.kind, kept.kind),
                    outcome=name,
                    old=_kind_word(old, outcome.kind),
                    new=_kind_word(new, kept.kind),
                )
            )
        if kept.condition != outcome.condition and _claims_something(old, outcome):
            # Whether the new condition is stronger is not decided here: a reviewer must look.
            changes.append(
                ClaimChange(label, ClaimAspect.CONDITION, ClaimDirection.WEAKENED, outcome=name)
            )
    changes.extend(
        ClaimChange(
            label,
            ClaimAspect.OUTCOME,
            ClaimDirection.ADDED,
            outcome=name,
            new=_kind_word(new, outcome.kind),
        )
        for name, outcome in after.items()
        if name not in before
    )
    return changes


def _kind_word(test: ir.Test, kind: ir.OutcomeKind) -> str:
    return HERD_KINDS[kind] if test.format.is_herd else kind.value


def _kind_direction(old: ir.OutcomeKind, new: ir.OutcomeKind) -> ClaimDirection:
    # Forbidden and required claim different things of different conditions: neither is
    # stronger, so a change between them is a weakening of the old claim.
    if old is ir.OutcomeKind.ALLOWED:
        return ClaimDirection.STRENGTHENED
    return ClaimDirection.WEAKENED


def _claims_something(test: ir.Test, outcome: ir.Outcome) -> bool:
    """Does the file claim anything of `outcome` (its kind, or an expectation)?"""
    if outcome.kind is not ir.OutcomeKind.ALLOWED:
        return True
    return any(expectation.outcome == outcome.name for expectation in test.expectations)


def claimed(test: ir.Test, variant: str, outcome: ir.Outcome, model: str) -> ir.Reachability | None:
    """The status the file claims for `outcome` of `variant` under `model`: its expectation,
    else unreachable for a forbidden or required outcome, else none."""
    explicit = test.expected(variant, outcome.name, model)
    if explicit is not None or outcome.kind is ir.OutcomeKind.ALLOWED:
        return explicit
    return ir.Reachability.UNREACHABLE


def _expectation_changes(label: str, old: ir.Test, new: ir.Test) -> list[ClaimChange]:
    """Changed statuses of the variants and outcomes both sides have, grouped by outcome and
    change. A status that changed only because the kind did is the OUTCOME change's."""
    models = _models(old, new)
    variants = [v.name for v in old.variants if v.name in {w.name for w in new.variants}]
    after = {outcome.name: outcome for outcome in new.outcomes}
    grouped: dict[tuple[str, str | None, str | None], list[tuple[str, str]]] = {}
    for outcome in old.outcomes:
        kept = after.get(outcome.name)
        if kept is None:
            continue
        for variant, model in product(variants, models):
            before = claimed(old, variant, outcome, model)
            now = claimed(new, variant, kept, model)
            explicit = (
                old.expected(variant, outcome.name, model),
                new.expected(variant, kept.name, model),
            )
            if before == now or explicit[0] == explicit[1]:
                continue
            key = (outcome.name, _word(old, outcome, before), _word(new, kept, now))
            grouped.setdefault(key, []).append((variant, model))
    changes: list[ClaimChange] = []
    for (outcome_name, before_word, now_word), places in grouped.items():
        direction = _status_direction(before_word, now_word)
        for where_variants, where_models in _regroup(places, models):
            changes.append(
                ClaimChange(
                    label,
                    ClaimAspect.EXPECTATION,
                    direction,
                    outcome=outcome_name,
                    variants=where_variants,
                    models=where_models,
                    old=before_word,
                    new=now_word,
                )
            )
    return changes


def _models(old: ir.Test, new: ir.Test) -> list[str]:
    named = {e.model for test in (old, new) for e in test.expectations if e.model is not None}
    return [*sorted(named), OTHER_MODELS]


def _word(test: ir.Test, outcome: ir.Outcome, status: ir.Reachability | None) -> str | None:
    """The claimed status as the file words it: herd's Forbidden, Allowed, Required."""
    if status is None or not test.format.is_herd:
        return None if status is None else status.value
    if outcome.kind is ir.OutcomeKind.REQUIRED and status is ir.Reachability.UNREACHABLE:
        return "Required"  # for `forall`, the status is a violation's
    return _HERD_STATUSES[status]


def _status_direction(old: str | None, new: str | None) -> ClaimDirection:
    unreachable = (ir.Reachability.UNREACHABLE.value, "Forbidden", "Required")
    if old in unreachable or new is None:
        return ClaimDirection.WEAKENED
    return ClaimDirection.STRENGTHENED


def _regroup(
    places: Sequence[tuple[str, str]], models: Sequence[str]
) -> Iterable[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(variants, models) groups covering `places`: one when they are a whole product (models
    empty when they are all of them), else one per variant."""
    variants = tuple(dict.fromkeys(variant for variant, _ in places))
    used = tuple(dict.fromkeys(model for _, model in places))
    if len(places) == len(variants) * len(used):
        yield variants, () if len(used) == len(models) else used
        return
    for variant in variants:
        own = tuple(model for name, model in places if name == variant)
        yield (variant,), () if len(own) == len(models) else own
