"""Fixtures for the report tests: results built by hand (result_builders)."""

from __future__ import annotations

import pytest
from result_builders import MP_STATES, SEED_FILE, make_console, mp_test, outcome
from rich.console import Console

from ringlitmus import ir, outcomes
from ringlitmus.encode.solver import Verdict
from ringlitmus.outcomes import OutcomeResult, VariantResult
from ringlitmus.reports import FileReport


@pytest.fixture
def console() -> Console:
    return make_console()


@pytest.fixture
def seed_report() -> FileReport:
    """The seed's answer: lost_page reachable before the fix and unreachable after, as claimed."""
    result = outcomes.TestResult(
        file=SEED_FILE,
        test="kvm-dirty-ring-seed",
        format="ring",
        variants=(
            VariantResult(
                "before",
                0.25,
                (outcome(Verdict.REACHABLE, ir.Reachability.REACHABLE, True),),
            ),
            VariantResult(
                "after",
                0.5,
                (outcome(Verdict.UNREACHABLE, ir.Reachability.UNREACHABLE, True),),
            ),
        ),
    )
    return FileReport(SEED_FILE, result=result)


@pytest.fixture
def mixed_report() -> FileReport:
    """One failed claim, one unknown, one REQUIRED outcome that holds, one with no claim."""
    result = outcomes.TestResult(
        file="litmus/mixed.litmus",
        test="mixed",
        format="ring",
        variants=(
            VariantResult(
                "before",
                0.125,
                (
                    outcome(Verdict.REACHABLE, ir.Reachability.UNREACHABLE, False),
                    outcome(
                        Verdict.UNREACHABLE,
                        None,
                        True,
                        name="slot_kept",
                        kind=ir.OutcomeKind.REQUIRED,
                    ),
                ),
                states=({"CPU1.slot": 0, "x": 1}, {"CPU1.slot": 1, "x": 1}),
            ),
            VariantResult(
                "after",
                1.0,
                (
                    outcome(Verdict.UNKNOWN, None, None, reason="solver gave up (timeout)"),
                    outcome(
                        Verdict.REACHABLE,
                        None,
                        False,
                        name="slot_kept",
                        kind=ir.OutcomeKind.REQUIRED,
                    ),
                ),
                states=({"CPU1.slot": 0, "x": 1},),
                states_complete=False,
            ),
        ),
    )
    return FileReport("litmus/mixed.litmus", result=result)


@pytest.fixture
def mp_report() -> FileReport:
    """MP checked with --states: the condition reachable, its negation too."""
    test = mp_test()
    result = outcomes.TestResult(
        file="MP.litmus",
        test="MP",
        format="aarch64",
        variants=(
            VariantResult(
                "default",
                0.01,
                (
                    OutcomeResult(
                        name="MP",
                        kind=ir.OutcomeKind.ALLOWED,
                        status=Verdict.REACHABLE,
                        expected=None,
                        ok=True,
                        witness={"1:X0": 1, "1:X2": 0, "x": 1, "y": 1},
                        execution={"rf": [], "co": []},
                        always=Verdict.REACHABLE,
                    ),
                ),
                states=MP_STATES,
            ),
        ),
    )
    return FileReport("MP.litmus", result=result, test=test)


# The seed under `--model all`: lost_page reachable (True) or not, by variant and model.
SEED_BY_MODEL = {
    "before": {"armv8": True, "tso": False, "sc": False, "lkmm": True},
    "after": {"armv8": False, "tso": False, "sc": False, "lkmm": True},
    "release_only": {"armv8": True, "tso": False, "sc": False, "lkmm": True},
    "both": {"armv8": False, "tso": False, "sc": False, "lkmm": False},
}


@pytest.fixture
def all_models_report() -> FileReport:
    """The seed's four variants under four models, each result as claimed."""
    variants = []
    for variant, by_model in SEED_BY_MODEL.items():
        for model, reachable in by_model.items():
            verdict = Verdict.REACHABLE if reachable else Verdict.UNREACHABLE
            claim = ir.Reachability.REACHABLE if reachable else ir.Reachability.UNREACHABLE
            variants.append(
                VariantResult(variant, 0.1, (outcome(verdict, claim, True),), model=model)
            )
    result = outcomes.TestResult(
        file=SEED_FILE, test="kvm-dirty-ring-seed", format="ring", variants=tuple(variants)
    )
    return FileReport(SEED_FILE, result=result)
