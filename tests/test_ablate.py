"""`ablate` on the seed, the basics and tests/data/ablate: which orderings are necessary,
redundant, enough when weakened, the minimal sufficient sets and the single repairs.

What each file must give is data, in tests/data/ablate/expected.json (orderings named
`THREAD: TEXT`, as the report prints them without the line); the reasoning behind each entry
is in the litmus file's comments.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ringlitmus.ablate import AblateOptions, Ablation, Necessity, ablate_test
from ringlitmus.frontends import parse_file
from ringlitmus.models import MODELS
from ringlitmus.orderings import NO_DEPENDENCY, PLAIN, REMOVED, Site, model_changes

ROOT = Path(__file__).resolve().parent.parent
EXPECTED: dict[str, dict[str, dict[str, Any]]] = json.loads(
    (ROOT / "tests" / "data" / "ablate" / "expected.json").read_text()
)


def _name(site: Site) -> str:
    return f"{site.thread_name}: {site.text}"


def _summary(ablation: Ablation) -> dict[str, dict[str, Any]]:
    """The analysis in the shape of expected.json."""
    summary: dict[str, dict[str, Any]] = {}
    for variant in ablation.variants:
        entry: dict[str, Any] = {}
        if variant.targets:
            sites = variant.sites
            entry["necessary"] = [
                _name(r.site) for r in sites if r.necessity is Necessity.NECESSARY
            ]
            entry["redundant"] = [
                _name(r.site) for r in sites if r.necessity is Necessity.REDUNDANT
            ]
            entry["enough"] = [
                f"{_name(r.site)} -> {w.change}" for r in sites for w in r.weakenings if w.holds
            ]
            entry["not_enough"] = [
                f"{_name(r.site)} -> {w.change}"
                for r in sites
                for w in r.weakenings
                if w.holds is False
            ]
            entry["minimal"] = [[_name(site) for site in kept] for kept in variant.minimal_sets]
        if variant.reachable:
            entry["repairs"] = [
                f"{_name(c.site)} -> {c.change}" for c in variant.repairs if c.holds
            ]
            entry["not_repairs"] = [
                f"{_name(c.site)} -> {c.change}" for c in variant.repairs if c.holds is False
            ]
        summary[variant.variant] = entry
    return summary


@pytest.mark.parametrize("file", sorted(EXPECTED), ids=sorted(EXPECTED))
def test_ablation_matches_the_expected_data(file: str) -> None:
    ablation = ablate_test(parse_file(str(ROOT / file)), AblateOptions(explain_redundant=False))
    assert _summary(ablation) == EXPECTED[file]
    for variant in ablation.variants:
        assert variant.ok is True
        assert not variant.has_unknown


def test_the_seed_needs_the_ioctl_acquire_and_not_a_release_on_reset() -> None:
    ablation = ablate_test(
        parse_file(str(ROOT / "litmus/kvm-dirty-ring/seed.litmus")), AblateOptions()
    )
    after = next(v for v in ablation.variants if v.variant == "after")
    by_name = {_name(r.site): r for r in after.sites}
    acquire = by_name["CPU1: load-acquire gfn2.flags"]
    assert acquire.necessity is Necessity.NECESSARY
    assert acquire.removal.reached == ("lost_page",)
    # Userspace's acquire is redundant: a cycle still forbids the outcome without it.
    redundant = by_name["CPU0: load-acquire gfn2.flags"]
    assert redundant.still_forbidden is not None and redundant.still_forbidden.cycle
    before = next(v for v in ablation.variants if v.variant == "before")
    release_on_reset = [c for c in before.repairs if _name(c.site) == "CPU0: store gfn2.flags = 2"]
    assert [c.holds for c in release_on_reset] == [False]


def test_a_cut_search_says_so_and_never_guesses() -> None:
    test = parse_file(str(ROOT / "tests/data/ablate/MP+dmbs+rel.litmus"))
    # The baseline and two removals fit; the other orderings are left unknown.
    ablation = ablate_test(test, AblateOptions(max_checks=3, explain_redundant=False))
    variant = ablation.variants[0]
    decided = [r for r in variant.sites if r.necessity is not Necessity.UNKNOWN]
    assert len(decided) == 2
    assert all(r.removal.holds is None for r in variant.sites if r not in decided)
    assert not variant.search_complete
    assert variant.search_note is not None and "cut" in variant.search_note
    assert variant.has_unknown
    # The fallback is a set known to suffice: all but one ordering found redundant.
    redundant = {r.site for r in decided if r.necessity is Necessity.REDUNDANT}
    (kept,) = variant.minimal_sets
    left_out = {r.site for r in variant.sites} - set(kept)
    assert len(left_out) == 1 and left_out <= redundant


def test_nothing_decided_is_all_unknown() -> None:
    test = parse_file(str(ROOT / "litmus/basics/MP+dmb.litmus"))
    variant = ablate_test(test, AblateOptions(max_checks=1, explain_redundant=False)).variants[0]
    assert [r.necessity for r in variant.sites] == [Necessity.UNKNOWN, Necessity.UNKNOWN]


def test_an_undecided_variant_says_why_and_tests_nothing() -> None:
    test = parse_file(str(ROOT / "litmus/basics/MP+dmb.litmus"))
    variant = ablate_test(test, AblateOptions(rlimit=1, explain_redundant=False)).variants[0]
    assert (variant.undecided, variant.targets, variant.reachable) == (("stale_data",), (), ())
    [reason] = variant.undecided_reasons
    assert reason.startswith("solver gave up")
    assert variant.ok is None and variant.sites == () and variant.has_unknown


# --------------------------------------------------------------------------- per model

# What removes an ordering or a dependency: meaningful under every model.
_ALWAYS = {PLAIN, REMOVED, NO_DEPENDENCY}


def _offered(ablation: Ablation) -> set[str]:
    """Every change the analysis tried: weakenings, removals and repairs."""
    return {
        change.change
        for variant in ablation.variants
        for result in variant.sites
        for change in (result.removal, *result.weakenings)
    } | {change.change for variant in ablation.variants for change in variant.repairs}


def test_each_model_has_the_orderings_it_names() -> None:
    assert model_changes(MODELS["armv8"]) == {
        "acquire", "acquire-pc", "release", "dmb ishld", "dmb ishst"
    }  # fmt: skip
    # LKMM reads the ring DSL's acquire-pc as an acquire (linux-kernel.bell's `A | Q`).
    assert model_changes(MODELS["lkmm"]) == {"acquire", "release", "dmb ishld", "dmb ishst"}
    assert model_changes(MODELS["tso"]) == model_changes(MODELS["sc"]) == frozenset()


@pytest.mark.parametrize("model", list(MODELS))
def test_ablate_offers_only_what_the_model_has(model: str) -> None:
    test = parse_file(str(ROOT / "litmus/kvm-dirty-ring/seed.litmus"))
    options = AblateOptions(model=model, explain_redundant=False)
    ablation = ablate_test(test, options, ("after", "both"))
    offered = _offered(ablation)
    assert offered - _ALWAYS <= model_changes(MODELS[model])
    assert ("acquire-pc" in offered) is (model == "armv8")
