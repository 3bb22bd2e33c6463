"""Which orderings does a variant need? Weaken each one, re-check, and search for the fewest.

For a variant whose forbidden outcomes are unreachable, every ordering site
(`orderings.find_orderings`) is removed in turn: if a forbidden outcome becomes reachable the
site is NECESSARY, if all stay unreachable it is REDUNDANT on this model, and a solver that
gives up makes it UNKNOWN (never one of the other two). A necessary site's partial weakenings
(acquire to acquire-PC, `dmb ish` to `ishld` / `ishst`) are checked too.

The minimal sufficient sets are searched by increasing size. The ARMv8 model mentions
acquire, release, barrier and dependency edges only positively (they only add to ob), so
removing orderings only adds executions: a subset of an insufficient set is insufficient and a
superset of a sufficient set is sufficient; both prune the search, and every necessary site
belongs to every sufficient set.

For a variant where a forbidden outcome is reachable, each plain load or store is strengthened
in turn (to acquire-PC or acquire, to release) to see which single change would rule it out.
"""

from __future__ import annotations

import time
from dataclasses import replace
from enum import Enum
from itertools import combinations

from ringlitmus import ir
from ringlitmus.encode.solver import Verdict
from ringlitmus.explain import ExplainOptions, Explanation, explain_outcome
from ringlitmus.frozen import frozen
from ringlitmus.models import MODELS
from ringlitmus.orderings import (
    Site,
    SiteKey,
    find_orderings,
    find_plain_accesses,
    model_changes,
    offered,
    weaken,
)
from ringlitmus.outcomes import CheckOptions, check_variant


class Necessity(Enum):
    """What removing an ordering does to the forbidden outcomes."""

    NECESSARY = "necessary"
    REDUNDANT = "redundant"
    UNKNOWN = "unknown"


@frozen
class AblateOptions:
    """Limits: `timeout_s` for the whole analysis, `rlimit` per query, `max_checks` in all."""

    model: str = "armv8"
    timeout_s: float | None = None
    rlimit: int | None = None
    max_checks: int | None = None
    explain_redundant: bool = True


@frozen
class Change:
    """One change to one site and what it does: which watched outcomes become (un)reachable.

    `holds` is True when every watched outcome keeps its wanted status (unreachable), False
    when one does not, None when a check was unknown. `reached` are the watched outcomes
    proved reachable, `undecided` those the check could not decide, and `checked` is False
    when the analysis' limit was reached before the check was made (all are undecided then).
    """

    site: Site
    change: str
    holds: bool | None
    reached: tuple[str, ...] = ()
    undecided: tuple[str, ...] = ()
    checked: bool = True


@frozen
class SiteResult:
    """One ordering: removing it, its partial weakenings, and (when redundant) what still
    forbids the outcome without it."""

    site: Site
    necessity: Necessity
    removal: Change
    weakenings: tuple[Change, ...] = ()
    still_forbidden: Explanation | None = None


@frozen
class VariantAblation:
    """The analysis of one variant.

    `undecided` are the outcomes the solver could not decide in the variant as written, and
    `undecided_reasons` why, one reason for each (its `reason_unknown`, a timeout, ...).
    `checks` counts the solver checks made for this variant (the check as written included);
    `limit` names the limit that left some of its checks unmade, None when none did.
    """

    variant: str
    ok: bool | None
    targets: tuple[str, ...]
    reachable: tuple[str, ...]
    undecided: tuple[str, ...]
    undecided_reasons: tuple[str, ...] = ()
    sites: tuple[SiteResult, ...] = ()
    minimal_sets: tuple[tuple[Site, ...], ...] = ()
    search_complete: bool = True
    search_note: str | None = None
    repairs: tuple[Change, ...] = ()
    checks: int = 0
    limit: str | None = None

    @property
    def has_unknown(self) -> bool:
        """Did any check of this variant come back unknown, or the search stop short?"""
        return (
            bool(self.undecided)
            or not self.search_complete
            or any(result.necessity is Necessity.UNKNOWN for result in self.sites)
            or any(w.holds is None for result in self.sites for w in result.weakenings)
            or any(change.holds is None for change in self.repairs)
        )


@frozen
class Ablation:
    """The analysis of a file's selected variants."""

    file: str
    test: str
    variants: tuple[VariantAblation, ...]


class _Budget:
    """The analysis' wall clock and check count; each query gets the time that is left."""

    def __init__(self, options: AblateOptions) -> None:
        self.options = options
        self.deadline = None if options.timeout_s is None else time.monotonic() + options.timeout_s
        self.checks = 0

    def exhausted(self) -> bool:
        return self.limit() is not None

    def limit(self) -> str | None:
        """The limit the analysis has reached, in words; None while checks may go on."""
        if self.options.max_checks is not None and self.checks >= self.options.max_checks:
            return f"the check limit ({self.options.max_checks})"
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return f"the time limit ({self.options.timeout_s:g} s)"
        return None

    def check_options(self) -> CheckOptions:
        left = None if self.deadline is None else max(0.001, self.deadline - time.monotonic())
        return CheckOptions(model=self.options.model, timeout_s=left, rlimit=self.options.rlimit)


def ablate_test(
    test: ir.Test, options: AblateOptions, variants: tuple[str, ...] | None = None
) -> Ablation:
    """Ablate every selected variant of `test` (one budget for all of them)."""
    budget = _Budget(options)
    return Ablation(
        file=test.file,
        test=test.name,
        variants=tuple(
            _ablate_variant(test, variant, budget)
            for variant in test.variants
            if variants is None or variant.name in variants
        ),
    )


def _wanted_unreachable(expected: ir.Reachability | None, outcome: ir.Outcome) -> bool:
    """Is the outcome's checked status (for REQUIRED: a violation) meant to be unreachable?"""
    if expected is not None:
        return expected is ir.Reachability.UNREACHABLE
    return outcome.kind is not ir.OutcomeKind.ALLOWED


def _forbidden_kind(expected: ir.Reachability | None, outcome: ir.Outcome) -> bool:
    return outcome.kind is not ir.OutcomeKind.ALLOWED or _wanted_unreachable(expected, outcome)


def _ablate_variant(test: ir.Test, variant: ir.Variant, budget: _Budget) -> VariantAblation:
    checks_before = budget.checks
    baseline = check_variant(test, variant, budget.check_options())
    budget.checks += 1
    status = {result.name: result.status for result in baseline.outcomes}
    ok = (
        None
        if any(r.ok is None for r in baseline.outcomes)
        else all(r.ok for r in baseline.outcomes)
    )
    outcomes = {outcome.name: outcome for outcome in test.outcomes}
    expected = {name: test.expected(variant.name, name, budget.options.model) for name in outcomes}
    targets = tuple(
        name
        for name, verdict in status.items()
        if verdict is Verdict.UNREACHABLE and _wanted_unreachable(expected[name], outcomes[name])
    )
    reachable = tuple(
        name
        for name, verdict in status.items()
        if verdict is Verdict.REACHABLE and _forbidden_kind(expected[name], outcomes[name])
    )
    unknown = [result for result in baseline.outcomes if result.status is Verdict.UNKNOWN]
    undecided = tuple(result.name for result in unknown)
    reasons = tuple(result.reason or "the solver gave up" for result in unknown)
    search = _Search(test, variant, budget, targets)
    # Only what the model has is offered: LKMM has no acquire-pc, TSO no dmb ishld.
    changes = model_changes(MODELS[budget.options.model])
    found = offered(find_orderings(variant.program), changes) if targets else ()
    sites = tuple(search.site(site) for site in found)
    minimal: tuple[tuple[Site, ...], ...] = ()
    complete, note = True, None
    if targets:
        minimal, complete, note = search.minimal_sets(sites)
    repairs = _repairs(test, variant, budget, reachable) if reachable else ()
    unmade = [change for result in sites for change in (result.removal, *result.weakenings)]
    cut_short = not complete or not all(change.checked for change in [*unmade, *repairs])
    return VariantAblation(
        variant=variant.name,
        ok=ok,
        targets=targets,
        reachable=reachable,
        undecided=undecided,
        undecided_reasons=reasons,
        sites=sites,
        minimal_sets=minimal,
        search_complete=complete,
        search_note=note,
        repairs=repairs,
        checks=budget.checks - checks_before,
        limit=budget.limit() if cut_short else None,
    )


def _decide(
    test: ir.Test,
    variant: ir.Variant,
    program: ir.Program,
    watched: tuple[str, ...],
    budget: _Budget,
) -> dict[str, Verdict] | None:
    """The status of the watched outcomes in `program`; None (not checked) once out of budget."""
    if budget.exhausted():
        return None
    budget.checks += 1
    narrowed = replace(test, outcomes=tuple(o for o in test.outcomes if o.name in watched))
    result = check_variant(narrowed, replace(variant, program=program), budget.check_options())
    return {outcome.name: outcome.status for outcome in result.outcomes}


def _judge(
    site: Site, change: str, watched: tuple[str, ...], verdicts: dict[str, Verdict] | None
) -> Change:
    """Do all watched outcomes stay unreachable after `change`? One proved reachable says
    no; otherwise one undecided leaves it unknown."""
    if verdicts is None:
        return Change(site, change, None, undecided=watched, checked=False)
    reached = tuple(name for name in watched if verdicts[name] is Verdict.REACHABLE)
    undecided = tuple(name for name in watched if verdicts[name] is Verdict.UNKNOWN)
    holds = False if reached else (None if undecided else True)
    return Change(site, change, holds, reached, undecided)


class _Search:
    """Checks of one variant with sets of its orderings removed, memoised by the set."""

    def __init__(
        self, test: ir.Test, variant: ir.Variant, budget: _Budget, targets: tuple[str, ...]
    ) -> None:
        self.test = test
        self.variant = variant
        self.budget = budget
        self.targets = targets

    def check(self, changes: dict[SiteKey, str]) -> dict[str, Verdict] | None:
        program = weaken(self.variant.program, changes)
        return _decide(self.test, self.variant, program, self.targets, self.budget)

    def site(self, site: Site) -> SiteResult:
        removal = _judge(site, site.removal, self.targets, self.check({site.key: site.removal}))
        if removal.holds is None:
            return SiteResult(site, Necessity.UNKNOWN, removal)
        if removal.holds:
            return SiteResult(
                site, Necessity.REDUNDANT, removal, still_forbidden=self.still_forbidden(site)
            )
        weakenings = tuple(
            _judge(site, change, self.targets, self.check({site.key: change}))
            for change in site.changes[:-1]
        )
        return SiteResult(site, Necessity.NECESSARY, removal, weakenings)

    def still_forbidden(self, site: Site) -> Explanation | None:
        """The cycle that still rules the first target out once `site` is removed."""
        if not self.budget.options.explain_redundant or self.budget.exhausted():
            return None
        program = weaken(self.variant.program, {site.key: site.removal})
        outcome = next(o for o in self.test.outcomes if o.name == self.targets[0])
        options = self.budget.check_options()
        return explain_outcome(
            self.test,
            replace(self.variant, program=program),
            outcome,
            ExplainOptions(options.model, options.timeout_s, options.rlimit),
        )

    def minimal_sets(
        self, results: tuple[SiteResult, ...]
    ) -> tuple[tuple[tuple[Site, ...], ...], bool, str | None]:
        """The smallest sets of kept sites that keep every target unreachable."""
        every = frozenset(result.site.key for result in results)
        sites = {result.site.key: result.site for result in results}
        needed = frozenset(r.site.key for r in results if r.necessity is Necessity.NECESSARY)
        optional = [r.site.key for r in results if r.necessity is not Necessity.NECESSARY]
        sufficient = [every] + [
            every - {r.site.key} for r in results if r.necessity is Necessity.REDUNDANT
        ]
        insufficient = [every - {key} for key in needed]
        unknown = 0
        for size in range(len(optional) + 1):
            found: list[frozenset[SiteKey]] = []
            for extra in combinations(optional, size):
                kept = needed | frozenset(extra)
                if any(kept <= known for known in insufficient):
                    continue
                if any(kept >= known for known in sufficient):
                    found.append(kept)
                    continue
                verdicts = self.check({key: sites[key].removal for key in every - kept})
                if verdicts is None:
                    return self._cut(sufficient, sites)
                if all(v is Verdict.UNREACHABLE for v in verdicts.values()):
                    sufficient.append(kept)
                    found.append(kept)
                elif any(v is Verdict.REACHABLE for v in verdicts.values()):
                    insufficient.append(kept)
                else:
                    unknown += 1
            if found:
                ordered = sorted(sorted(kept, key=_order) for kept in found)
                note = None
                if unknown:
                    note = f"{unknown} smaller set(s) could not be decided: minimality not proved"
                return (
                    tuple(tuple(sites[key] for key in kept) for kept in ordered),
                    not unknown,
                    note,
                )
        raise AssertionError("the full set of orderings is sufficient")

    def _cut(
        self, sufficient: list[frozenset[SiteKey]], sites: dict[SiteKey, Site]
    ) -> tuple[tuple[tuple[Site, ...], ...], bool, str | None]:
        best = min(sufficient, key=len)
        # The count is the report's own "(N checks)" line: the budget is shared by variants.
        note = (
            f"search cut by {self.budget.limit()}; the smallest sufficient set found so far "
            "is shown and may not be minimal"
        )
        return (tuple(sites[key] for key in sorted(best, key=_order)),), False, note


def _order(key: SiteKey) -> tuple[int, int, str]:
    return (key[0], key[1], key[2].value)


def _repairs(
    test: ir.Test, variant: ir.Variant, budget: _Budget, reachable: tuple[str, ...]
) -> tuple[Change, ...]:
    """Each single strengthening of a plain access, and whether it rules the outcomes out."""
    repairs: list[Change] = []
    changes = model_changes(MODELS[budget.options.model])
    for site in offered(find_plain_accesses(variant.program), changes):
        for change in site.changes:
            program = weaken(variant.program, {site.key: change})
            verdicts = _decide(test, variant, program, reachable, budget)
            repairs.append(_judge(site, change, reachable, verdicts))
    return tuple(repairs)
