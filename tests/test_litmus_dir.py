"""Every file in litmus/ meets the expectations written in it (the user's and the test's view)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringlitmus import ir
from ringlitmus.frontends import parse_file
from ringlitmus.outcomes import CheckOptions, check_test

LITMUS = Path(__file__).resolve().parent.parent / "litmus"
FILES = sorted(LITMUS.rglob("*.litmus"))


def test_the_reference_files_are_there() -> None:
    assert (LITMUS / "kvm-dirty-ring" / "seed.litmus") in FILES
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(LITMUS)) for p in FILES])
def test_expectations_hold(path: Path) -> None:
    test = parse_file(str(path))
    assert test.expectations, f"{path} states no expectation"
    # herd C tests (litmus/regressions/) are the Linux kernel's: judged by its model.
    model = "lkmm" if test.format is ir.Format.C else "armv8"
    result = check_test(test, CheckOptions(model=model))
    failures = [
        f"{variant.variant}: {outcome.name} is {outcome.status.value}, expected {outcome.expected}"
        for variant in result.variants
        for outcome in variant.outcomes
        if outcome.ok is not True
    ]
    assert not failures
    expected = {(e.variant, e.outcome) for e in test.expectations}
    checked = {
        (variant.variant, outcome.name)
        for variant in result.variants
        for outcome in variant.outcomes
        if outcome.expected is not None
    }
    assert checked, "no expectation was compared"
    assert {pair for pair in expected if pair[0] != "*"} <= checked
