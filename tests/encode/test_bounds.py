"""A computed address outside every declared cell makes results unknown, never a verdict."""

from __future__ import annotations

from pathlib import Path

from ringlitmus.encode.solver import Verdict
from ringlitmus.frontends import parse_file
from ringlitmus.outcomes import CheckOptions, check_test

DATA = Path(__file__).resolve().parent.parent / "data" / "bounds"


def test_an_out_of_bounds_index_gives_no_verdict() -> None:
    result = check_test(parse_file(str(DATA / "out-of-bounds.litmus")), CheckOptions())
    (outcome,) = result.variants[0].outcomes
    assert outcome.status is Verdict.UNKNOWN
    assert outcome.reason is not None and "outside every declared location" in outcome.reason


def test_an_index_that_stays_in_bounds_is_decided() -> None:
    result = check_test(parse_file(str(DATA / "in-bounds.litmus")), CheckOptions())
    (outcome,) = result.variants[0].outcomes
    assert outcome.status is Verdict.REACHABLE
    assert outcome.ok is True
