"""Every file in litmus/ meets the expectations written in it under every model that can judge
it (`ringlitmus check --model all litmus/`); a ring file states one for each model, variant and
outcome.

An `expect` without `under` claims every model, so a file whose claim holds on ARMv8 only
must say `under armv8`; checking ARMv8 alone would let such a claim through. A herd file's
`Expected=` line is herd7's verdict under herd's model for its architecture, and claims that
model only (most regressions are herd C tests: LKMM's).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from ringlitmus import ir
from ringlitmus.frontends import parse_file
from ringlitmus.models import models_for
from ringlitmus.outcomes import CheckOptions, check_test

LITMUS = Path(__file__).resolve().parent.parent / "litmus"
FILES = sorted(LITMUS.rglob("*.litmus"))


@cache
def parsed(path: Path) -> ir.Test:
    return parse_file(str(path))


def claimed_models(test: ir.Test) -> list[str]:
    """The models a file is judged under: every one that can judge it, for a ring file; those
    its expectations name, for a herd file (every one, should one name none)."""
    models = models_for(test.format)
    if test.format is ir.Format.RING:
        return models
    named = {expectation.model for expectation in test.expectations}
    return models if None in named else [model for model in models if model in named]


def cases() -> list[tuple[Path, str]]:
    return [(path, model) for path in FILES for model in claimed_models(parsed(path))]


def test_the_reference_files_are_there() -> None:
    assert (LITMUS / "kvm-dirty-ring" / "seed.litmus") in FILES
    assert len(FILES) >= 15


@pytest.mark.parametrize(
    ("path", "model"),
    cases(),
    ids=[f"{path.relative_to(LITMUS)}-{model}" for path, model in cases()],
)
def test_expectations_hold(path: Path, model: str) -> None:
    test = parsed(path)
    result = check_test(test, CheckOptions(model=model))
    unclaimed = [
        f"{variant.variant}: {outcome.name}"
        for variant in result.variants
        for outcome in variant.outcomes
        if outcome.expected is None
    ]
    assert not unclaimed, f"no expectation under {model} for {unclaimed}"
    failures = [
        f"{variant.variant}: {outcome.name} is {outcome.status.value}, expected {outcome.expected}"
        for variant in result.variants
        for outcome in variant.outcomes
        if outcome.ok is not True
    ]
    assert not failures


def test_every_model_judges_the_ring_files() -> None:
    # The suite is only as strong as the models it runs: a ring file is judged by all four,
    # and every herd file states an expectation.
    assert {model for _, model in cases()} == {"armv8", "tso", "sc", "lkmm"}
    rings = [path for path in FILES if parsed(path).format is ir.Format.RING]
    assert all(len(claimed_models(parsed(path))) == 4 for path in rings)
    assert all(parsed(path).expectations for path in FILES)
