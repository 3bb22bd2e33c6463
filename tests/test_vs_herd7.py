"""ringlitmus against herd7 itself on random litmus texts (AArch64, X86, C), and the files
of the disagreements found so far.

Each random program is written as herd litmus text, so our front ends are under test too, and
checked by herd7 (one call per batch) and by ringlitmus; the Observation and the set of final
states must be the same. The seed changes with each commit (RINGLITMUS_DIFF_SEED overrides
it) and a failure prints it with each disagreeing program's text. The quick profile runs in the
suite (mandatory under CI, skipped elsewhere without herd7); `-m slow` runs the long one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from differential.compare import describe
from differential.program import SEED_VARIABLE, run_seed
from differential.run import GENERATORS, LONG_PROFILE, QUICK_PROFILE, Profile, run, summary
from herd7 import CATALOGUE_VARIABLE, HerdAnswer, require_herd7, run_herd7

from ringlitmus.frontends import parse_file
from ringlitmus.outcomes import CheckOptions, check_test

DISAGREEMENTS = Path(__file__).parent / "data" / "disagreements"
# The file's extension says which model herd7 and we judge it under.
_MODELS = {"AArch64": "armv8", "X86": "tso", "C": "lkmm"}
# Most programs must be compared: a generator whose programs herd7 or we refuse would
# otherwise pass by comparing nothing.
_MIN_COMPARED = 0.8


def _check(model: str, profile: Profile, tmp_path: Path) -> None:
    require_herd7()
    if (
        model == "lkmm"
        and not os.environ.get(CATALOGUE_VARIABLE)
        and os.environ.get("CI") == "true"
    ):
        pytest.fail(f"LKMM's cat files are mandatory under CI: set {CATALOGUE_VARIABLE}")
    seed = run_seed()
    start = time.monotonic()
    comparison = run(model, seed, profile, tmp_path)
    figures = summary(model, seed, comparison, time.monotonic() - start)
    print(figures)
    reproduce = f"reproduce with {SEED_VARIABLE}={seed}"
    details = [describe(*disagreement) for disagreement in comparison.disagreements]
    refused = [f"ringlitmus refused {path}: {why}" for path, why in comparison.refused]
    assert not details and not refused, "\n".join([figures, reproduce, *details, *refused])
    assert comparison.compared >= _MIN_COMPARED * profile.count, f"{figures}\n{reproduce}"


@pytest.mark.parametrize("model", sorted(GENERATORS))
def test_quick_random_programs_agree_with_herd7(model: str, tmp_path: Path) -> None:
    _check(model, QUICK_PROFILE, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("model", sorted(GENERATORS))
def test_long_random_programs_agree_with_herd7(model: str, tmp_path: Path) -> None:
    _check(model, LONG_PROFILE, tmp_path)


# --------------------------------------------------------------------------- known disagreements


def _model_of(path: Path) -> str:
    return _MODELS[path.read_text().split(None, 1)[0]]


def _disagreement_files() -> list[Path]:
    return sorted(DISAGREEMENTS.glob("*.litmus"))


@pytest.mark.parametrize("path", _disagreement_files(), ids=lambda path: path.stem)
def test_disagreement_file_carries_herd7s_answer(path: Path) -> None:
    """Each file's Expected= line is herd7's kind for it."""
    require_herd7()
    answer = run_herd7(path, _model_of(path))
    assert answer is not None and answer.observation is not None, path
    expected = next(
        line.split("=", 1)[1].strip()
        for line in path.read_text().splitlines()
        if line.startswith("Expected=")
    )
    assert herd_kind(answer) == expected


def herd_kind(answer: HerdAnswer) -> str:
    """herd's kind of a test from its quantifier and validation (herd's `Test NAME Allowed`
    line names the quantifier's kind, not the verdict)."""
    assert answer.condition is not None and answer.validation is not None
    holds = answer.validation == "Ok"
    if answer.condition.startswith("forall"):
        return "Required" if holds else "Allowed"
    if answer.condition.startswith("~exists"):
        return "Forbidden" if holds else "Allowed"
    return "Allowed" if holds else "Forbidden"


@pytest.mark.xfail(strict=True, reason="a known disagreement with herd7, not fixed yet")
@pytest.mark.parametrize("path", _disagreement_files(), ids=lambda path: path.stem)
def test_disagreement_gets_herd7s_verdict(path: Path) -> None:
    """We give herd7's verdict (the file's Expected= line): fails until the disagreement is
    resolved, then the file moves to litmus/regressions/."""
    result = check_test(parse_file(str(path)), CheckOptions(model=_model_of(path), timeout_s=60))
    assert all(outcome.ok for variant in result.variants for outcome in variant.outcomes)
